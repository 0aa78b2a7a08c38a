package scoring

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"testing"

	"github.com/palaute/palaute/survey"
)

// stream hides a reader's ReadAt and Seek, so that it is read as a
// stream.
type stream struct{ r io.Reader }

func (s stream) Read(p []byte) (int, error) { return s.r.Read(p) }

// TestReadTallies: reading a file in parallel gives the tallies of a
// stream read response by response.
func TestReadTallies(t *testing.T) {
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
	seq := survey.NewCSVDecoder(stream{bytes.NewReader(buf.Bytes())})
	for r, err := range seq.All() {
		if err == nil {
			want.Add(r)
		}
	}
	for _, workers := range []int{1, 2, 4} {
		d := survey.NewCSVDecoder(bytes.NewReader(buf.Bytes()))
		d.SkipDuplicateCheck = workers > 2
		d.Workers, d.BlockSize = workers, 4096
		got, err := ReadTallies(context.Background(), d, g, nil)
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
