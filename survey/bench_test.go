package survey

import (
	"bytes"
	"context"
	"testing"
)

// benchCSV returns canonical CSV of n synthetic-looking rows.
func benchCSV(n int) []byte { return regular(n, 9) }

type discard struct{ n int }

func (d *discard) Accept(r Response) error { d.n++; return nil }

// BenchmarkDecodeCSV measures the general streaming decoder (parse,
// validate, build responses), in rows per second.
func BenchmarkDecodeCSV(b *testing.B) {
	in := benchCSV(20_000)
	v := fixture(b)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		d := NewCSVDecoder(stream{bytes.NewReader(in)})
		d.Validator = v
		d.SkipDuplicateCheck = true
		for range d.All() {
		}
	}
	b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRead measures reading a file in parallel with one and with
// two workers.
func BenchmarkRead(b *testing.B) {
	in := benchCSV(20_000)
	v := fixture(b)
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				d := NewCSVDecoder(bytes.NewReader(in))
				d.Validator = v
				d.SkipDuplicateCheck = true
				d.Workers = workers
				if _, err := Read(context.Background(), d, func() *discard { return &discard{} }, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
