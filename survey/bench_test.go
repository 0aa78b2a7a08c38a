package survey

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strings"
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

// BenchmarkArenaPinning measures what the decoder's arena costs a caller
// that keeps a few strings of many responses: it keeps the ID of every
// 1000th of 100 000 responses and reports the heap still in use per ID
// kept (pinned-B/kept), and with strings.Clone (cloned-B/kept).
func BenchmarkArenaPinning(b *testing.B) {
	in := regular(100_000, 4)
	v := fixture(b)
	measure := func(clone bool) float64 {
		var kept []string
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d := NewCSVDecoder(stream{bytes.NewReader(in)})
		d.Validator = v
		d.SkipDuplicateCheck = true
		n := 0
		for r, err := range d.All() {
			if err == nil && n%1000 == 0 {
				if clone {
					r.ID = strings.Clone(r.ID)
				}
				kept = append(kept, r.ID)
			}
			n++
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(kept)
		return float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / float64(len(kept))
	}
	var pinned, cloned float64
	for b.Loop() {
		pinned, cloned = measure(false), measure(true)
	}
	b.ReportMetric(pinned, "pinned-B/kept")
	b.ReportMetric(cloned, "cloned-B/kept")
}
