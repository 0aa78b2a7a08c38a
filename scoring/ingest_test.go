package scoring

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/palaute/palaute/survey"
)

// TestTallyCSV: the parallel path gives the tallies of a sequential read
// and tally.
func TestTallyCSV(t *testing.T) {
	var buf bytes.Buffer
	enc := survey.NewCSVEncoder(&buf)
	rs := synthetic(5000, 17)
	for i := range rs {
		rs[i].ID = "r" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
		rs[i].Comment = []string{"", "kiitos, \"hyvä\"", "rivi\nrivi"}[i%3]
		enc.Encode(rs[i])
	}
	enc.Flush()
	g := Grouping{By: []Dimension{ByUnit, ByChannel}, Period: Month}
	want := NewTallies(g)
	seq := survey.NewCSVDecoder(bytes.NewReader(buf.Bytes()))
	for r, err := range seq.All() {
		if err == nil {
			want.Add(r)
		}
	}
	for _, workers := range []int{1, 2, 4} {
		d := survey.NewCSVDecoder(nil)
		d.SkipDuplicateCheck = workers > 1
		got, err := TallyCSV(d, bytes.NewReader(buf.Bytes()), int64(buf.Len()), g, survey.ParallelOptions{Workers: workers, BlockSize: 4096})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Groups(), want.Groups()) || d.Summary().Accepted != seq.Summary().Accepted {
			t.Fatalf("%d workers: tallies differ (%d vs %d accepted)", workers, d.Summary().Accepted, seq.Summary().Accepted)
		}
	}
	if seq.Summary().Accepted < 4900 {
		t.Fatalf("only %d accepted", seq.Summary().Accepted)
	}
}
