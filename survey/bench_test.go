package survey

import (
	"bytes"
	"context"
	"fmt"
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

// BenchmarkIDSet measures the duplicate check alone on 4 M distinct IDs,
// one at a time and in batches of a piece's size, in nanoseconds per ID.
func BenchmarkIDSet(b *testing.B) {
	const n, batch = 4_000_000, 8192
	log := &idLog{}
	qs := make([]idQuery, n)
	for i := range qs {
		id := fmt.Sprintf("s%08d", i)
		qs[i] = idQuery{id: id, ref: log.add([]byte(id))}
	}
	for _, mode := range []string{"single", "batch"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				s := newIDSet(n, 1<<40, log)
				for i := range qs {
					qs[i].h = s.hash(qs[i].id)
				}
				var order []int32
				for i := 0; i < n; i += batch {
					part := qs[i:min(i+batch, n)]
					if mode == "single" {
						for j := range part {
							if _, err := s.seen(part[j].h, part[j].id, part[j].ref); err != nil {
								b.Fatal(err)
							}
						}
						continue
					}
					var err error
					if order, err = s.seenBatch(part, order); err != nil {
						b.Fatal(err)
					}
				}
				s.release()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/id")
		})
	}
}
