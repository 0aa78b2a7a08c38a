package survey

import (
	"bytes"
	"testing"
)

// benchCSV returns canonical CSV of n synthetic-looking rows.
func benchCSV(n int) []byte { return regular(n, 9) }

type discard struct{ n int }

func (d *discard) Accept(r *Response) { d.n++ }

// BenchmarkDecodeCSV measures the general streaming decoder (parse,
// validate, build responses), in rows per second.
func BenchmarkDecodeCSV(b *testing.B) {
	in := benchCSV(20_000)
	v := fixture(b)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		d := NewCSVDecoder(bytes.NewReader(in))
		d.Validator = v
		d.SkipDuplicateCheck = true
		for range d.All() {
		}
	}
	b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadCSVAt measures the parallel fast path with one and with
// two workers.
func BenchmarkReadCSVAt(b *testing.B) {
	in := benchCSV(20_000)
	v := fixture(b)
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				d := NewCSVDecoder(nil)
				d.Validator = v
				d.SkipDuplicateCheck = true
				if _, err := d.ReadCSVAt(bytes.NewReader(in), int64(len(in)), ParallelOptions{Workers: workers, BlockSize: 1 << 20}, func() Sink { return &discard{} }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
