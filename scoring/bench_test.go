package scoring

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/survey"
)

// BenchmarkTally measures tallying decoded responses by unit and month;
// the figure to read is ns/op per response (reported as responses/s).
func BenchmarkTally(b *testing.B) {
	rs := synthetic(100_000, 1)
	for i := range rs {
		rs[i].Unit = "u" + strconv.Itoa(i%600)
	}
	b.ReportAllocs()
	for b.Loop() {
		t := NewTallies(Grouping{By: []Dimension{ByUnit}, Period: Month})
		for _, r := range rs {
			t.Add(r)
		}
	}
	b.ReportMetric(float64(len(rs)*b.N)/b.Elapsed().Seconds(), "responses/s")
}

// BenchmarkScore10kGroups measures computing the indicators (with
// intervals) of 10 000 groups answering all eight national items.
func BenchmarkScore10kGroups(b *testing.B) {
	items := []string{"recommend", "access", "encounter", "participation", "safety", "information", "understandable", "usefulness"}
	t := NewTallies(Grouping{By: []Dimension{ByUnit}})
	for g := 0; g < 10_000; g++ {
		for r := 0; r < 20; r++ {
			resp := survey.Response{Instrument: adult, Unit: "u" + strconv.Itoa(g)}
			for k, it := range items {
				v := 1 + (g+r+k)%5
				if it == "recommend" {
					v = (g + r) % 11
				}
				resp.Answers = append(resp.Answers, survey.Answer{Item: it, Value: v})
			}
			t.Add(resp)
		}
	}
	cat := catalogue.Default()
	scales := CatalogueScales(cat)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Score(t, cat, scales, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTallyDecoded measures Tallies.Add on decoded responses
// grouped by unit over all time, the grouping of the national per-unit
// indicators: responses per second on one core.
func BenchmarkTallyDecoded(b *testing.B) {
	rs := synthetic(100_000, 1)
	for i := range rs {
		rs[i].Unit = "u" + strconv.Itoa(i%600)
	}
	t := NewTallies(Grouping{By: []Dimension{ByUnit}})
	for _, r := range rs {
		t.Add(r)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		t.Add(rs[n%len(rs)])
		n++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "responses/s")
}

// BenchmarkReadTalliesEndToEnd measures the end-to-end path on in-memory
// CSV: parallel read and validation, tallies by unit, and the indicators
// of every unit.
func BenchmarkReadTalliesEndToEnd(b *testing.B) {
	var buf bytes.Buffer
	enc := survey.NewCSVEncoder(&buf)
	for i, r := range synthetic(50_000, 5) {
		r.ID = "r" + strconv.Itoa(i)
		r.Unit = "u" + strconv.Itoa(i%600)
		enc.Encode(r)
	}
	enc.Flush()
	in := buf.Bytes()
	cat := catalogue.Default()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		d := survey.NewCSVDecoder(bytes.NewReader(in))
		t, err := ReadTallies(context.Background(), d, Grouping{By: []Dimension{ByUnit}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Score(t, cat, CatalogueScales(cat), Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(50_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
