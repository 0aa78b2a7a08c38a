package survey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// ndjsonOf turns the valid rows of a CSV into NDJSON lines.
func ndjsonOf(t testing.TB, csv []byte) []string {
	d := NewCSVDecoder(stream{bytes.NewReader(csv)})
	d.Validator = fixture(t)
	var lines []string
	for r, err := range d.All() {
		if err != nil {
			continue
		}
		b, err := json.Marshal(r)
		require.NoError(t, err)
		lines = append(lines, string(b)+"\n")
	}
	return lines
}

func readNDJSON(t testing.TB, in []byte, asFile bool, setup func(*Decoder), workers, block int) outcome2 {
	var d *Decoder
	if asFile {
		d = NewNDJSONDecoder(bytes.NewReader(in))
	} else {
		d = NewNDJSONDecoder(stream{bytes.NewReader(in)})
	}
	o := readOutcome(d, setup, workers, block)
	// NDJSON lines bring their keys in any order.
	slices.Sort(o.summary.IgnoredColumns)
	return o
}

// readOutcome reads with Read, as workers of block bytes, and collects
// the accepted responses, the problems and the summary, sorted so that
// two reads can be compared. onError is called from one goroutine at a
// time (Read's contract), so it needs no lock.
func readOutcome(d *Decoder, setup func(*Decoder), workers, block int) outcome2 {
	setup(d)
	d.Workers, d.BlockSize = workers, block
	var o outcome2
	sinks, err := Read(context.Background(), d, func() *collect { return &collect{} }, func(re *RowError) {
		o.errors = append(o.errors, fmt.Sprintf("%d %v", re.Line, re))
	})
	if err != nil {
		o.errors = append(o.errors, "fatal "+err.Error())
	}
	for _, s := range sinks {
		o.accepted = append(o.accepted, s.got...)
	}
	o.summary = d.Summary()
	slices.Sort(o.accepted)
	return o
}

// TestNDJSONFileMatchesStream: NDJSON read from a file in parallel pieces
// gives what reading it as a stream gives, with bad lines, long lines,
// duplicates, CRLF, blank lines and a byte order mark.
func TestNDJSONFileMatchesStream(t *testing.T) {
	lines := ndjsonOf(t, regular(200, 4))
	mutations := map[string]func([]string) []string{
		"regular": func(l []string) []string { return l },
		"bad json": func(l []string) []string {
			l[3] = "{\"id\":\n"
			l[9] = "[1,2]\n"
			l[10] = "{\"id\":\"x\"} trailing\n"
			return l
		},
		"long line": func(l []string) []string {
			l[20] = "{\"id\":\"long\",\"comment\":\"" + strings.Repeat("x", 3000) + "\"}\n"
			return l
		},
		"duplicates":   func(l []string) []string { l[30] = l[5]; l[31] = l[5]; return l },
		"crlf blank":   func(l []string) []string { l[7] = strings.TrimSuffix(l[7], "\n") + "\r\n\n  \n"; return l },
		"bom":          func(l []string) []string { l[0] = "\xEF\xBB\xBF" + l[0]; return l },
		"unknown keys": func(l []string) []string { l[12] = strings.Replace(l[12], "{", "{\"extra\":{\"a\":[1]},", 1); return l },
	}
	for name, m := range mutations {
		in := []byte(strings.Join(m(slices.Clone(lines)), ""))
		for _, skipDup := range []bool{false, true} {
			setup := func(d *Decoder) {
				d.Validator = fixture(t)
				d.SkipDuplicateCheck = skipDup
				d.Limits = Limits{FieldBytes: 2000, Fields: 40, RecordBytes: 2500}
			}
			want := readNDJSON(t, in, false, setup, 1, 0)
			for _, block := range []int{100, 4096, 1 << 20} {
				got := readNDJSON(t, in, true, setup, 2, block)
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(outcome2{})); diff != "" {
					t.Fatalf("%s (skipDup %v, block %d): file differs from stream (-stream +file):\n%s", name, skipDup, block, diff)
				}
			}
		}
	}
}

// keeper keeps every response it is handed, and counts them by unit in
// a map keyed by the response's own string: the natural code that broke
// when sinks were handed views of reused buffers.
type keeper struct {
	kept   []Response
	byUnit map[string]int
}

func (k *keeper) Accept(r Response) error {
	k.kept = append(k.kept, r)
	if k.byUnit == nil {
		k.byUnit = map[string]int{}
	}
	k.byUnit[r.Unit]++
	return nil
}

// TestCallersMayKeepResponses keeps everything sinks and the iterator are
// handed; after the read it must be exactly what a fresh decode gives,
// and the maps keyed by unit must hold the real unit codes.
func TestCallersMayKeepResponses(t *testing.T) {
	in := regular(3000, 8)
	fresh := func() []string {
		var out []string
		d := NewCSVDecoder(stream{bytes.NewReader(in)})
		d.Validator = fixture(t)
		for r, err := range d.All() {
			if err == nil {
				b, _ := json.Marshal(r)
				out = append(out, string(b))
			}
		}
		slices.Sort(out)
		return out
	}()
	marshal := func(rs []Response) []string {
		var out []string
		for _, r := range rs {
			b, _ := json.Marshal(r)
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}

	d := NewCSVDecoder(bytes.NewReader(in))
	d.Validator, d.Workers, d.BlockSize = fixture(t), 2, 4096
	sinks, err := Read(context.Background(), d, func() *keeper { return &keeper{} }, nil)
	require.NoError(t, err)
	var kept []Response
	units := map[string]int{}
	for _, s := range sinks {
		kept = append(kept, s.kept...)
		for u, n := range s.byUnit {
			units[u] += n
		}
	}
	if diff := cmp.Diff(fresh, marshal(kept)); diff != "" {
		t.Errorf("responses kept from sinks changed (-fresh +kept):\n%s", diff)
	}
	if got := slices.Sorted(maps.Keys(units)); !slices.Equal(got, []string{"u1", "u2", "ut"}) {
		t.Errorf("units counted in a sink's map: %q", got)
	}

	// And from the iterator, appending to a kept response's answers.
	d = NewCSVDecoder(bytes.NewReader(in))
	d.Validator, d.Workers, d.BlockSize = fixture(t), 2, 4096
	var fromAll []Response
	for r, err := range d.All() {
		if err == nil {
			fromAll = append(fromAll, r)
			_ = append(r.Answers, Answer{"x", 1}) // must not write into a neighbour
		}
	}
	if diff := cmp.Diff(fresh, marshal(fromAll)); diff != "" {
		t.Errorf("responses kept from All changed (-fresh +kept):\n%s", diff)
	}
}

// failing fails on its nth response.
type failing struct{ n int }

var errSink = errors.New("sink full")

func (f *failing) Accept(Response) error {
	if f.n--; f.n < 0 {
		return errSink
	}
	return nil
}

// TestReadStops: a sink's error and a cancelled context stop the read,
// and Read returns them.
func TestReadStops(t *testing.T) {
	in := regular(5000, 3)
	for _, asFile := range []bool{true, false} {
		var src = any(bytes.NewReader(in))
		if !asFile {
			src = stream{bytes.NewReader(in)}
		}
		d := NewCSVDecoder(src.(interface{ Read([]byte) (int, error) }))
		d.Validator, d.BlockSize = fixture(t), 2048
		if _, err := Read(context.Background(), d, func() *failing { return &failing{n: 100} }, nil); !errors.Is(err, errSink) {
			t.Errorf("file %v: sink error: got %v", asFile, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d = NewCSVDecoder(bytes.NewReader(in))
		if _, err := Read(ctx, d, func() *discard { return &discard{} }, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: got %v", err)
		}
	}
	// Breaking out of All stops the reading; a decoder reads once.
	d := NewCSVDecoder(bytes.NewReader(in))
	d.Validator = fixture(t)
	n := 0
	for range d.All() {
		if n++; n == 10 {
			break
		}
	}
	if _, err := Read(context.Background(), d, func() *discard { return &discard{} }, nil); err == nil {
		t.Error("a decoder read twice")
	}
}

// repeats makes n rows whose IDs repeat at random places (about a third
// are repeats, some thrice), with comments that span lines.
func repeats(n int, seed uint64) []byte {
	lines := strings.SplitAfter(string(regular(n, seed)), "\n")
	rng := rand.New(rand.NewPCG(seed, 5))
	var b bytes.Buffer
	b.WriteString(lines[0])
	ids := []string{}
	for i, l := range lines[1:] {
		if l == "" {
			continue
		}
		id, rest, _ := strings.Cut(l, ",")
		if len(ids) > 0 && rng.IntN(3) == 0 {
			id = ids[rng.IntN(len(ids))]
		}
		ids = append(ids, id)
		_ = i
		b.WriteString(id + "," + rest)
	}
	return b.Bytes()
}

// TestDuplicatesInParallel: with repeats scattered over many small pieces
// read by four workers at once, the repeats found, and which of two is
// the repeat (the later), are those of a stream read in order.
func TestDuplicatesInParallel(t *testing.T) {
	for seed := range uint64(4) {
		in := repeats(2000, seed)
		setup := func(d *Decoder) {
			d.Validator = fixture(t)
			d.Limits = Limits{FieldBytes: 300, Fields: 40, RecordBytes: 2000}
		}
		want := sequential(t, in, setup)
		if want.summary.RejectedBy["duplicate-id"] < 300 {
			t.Fatalf("only %d repeats", want.summary.RejectedBy["duplicate-id"])
		}
		for _, block := range []int{300, 2048} {
			if got := parallelRead(t, in, setup, 4, block); !same(want, got) {
				t.Fatalf("seed %d block %d: %d vs %d rejected as repeats", seed, block, want.summary.RejectedBy["duplicate-id"], got.summary.RejectedBy["duplicate-id"])
			}
		}
	}
}

// TestIDSetExact: 200 000 distinct IDs in a set sized for far fewer (so
// it grows) meet many 16-bit fingerprint matches; none is reported as a
// repeat, and every real repeat is.
func TestIDSetExact(t *testing.T) {
	log := &idLog{}
	s := newIDSet(100, 1<<40, log)
	defer s.release()
	const n = 200_000
	for i := range n {
		id := fmt.Sprintf("id-%d", i)
		dup, err := s.seen(s.hash(id), id, log.add([]byte(id)))
		require.NoError(t, err)
		if dup {
			t.Fatalf("%s reported as a repeat", id)
		}
	}
	for i := 0; i < n; i += 997 {
		id := fmt.Sprintf("id-%d", i)
		dup, err := s.seen(s.hash(id), id, log.add([]byte(id)))
		require.NoError(t, err)
		if !dup {
			t.Fatalf("%s not reported as a repeat", id)
		}
	}
}

// TestIDSetOutOfOrder: records checked in any order (as workers do),
// one at a time or in batches of random sizes (with repeats inside a
// batch, and a set sized too small so that it grows mid-batch), are found
// to be repeats, at once or marked late, exactly when an earlier record
// (by reference) has the same ID.
func TestIDSetOutOfOrder(t *testing.T) {
	for _, batched := range []bool{false, true} {
		t.Run(map[bool]string{false: "single", true: "batch"}[batched], func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 9))
			var recs []idQuery
			var log idLog
			for range 20_000 {
				id := fmt.Sprintf("x%d", rng.IntN(8000))
				recs = append(recs, idQuery{id: id, ref: log.add([]byte(id))})
			}
			want := map[int64]bool{}
			first := map[string]bool{}
			for _, r := range recs {
				want[r.ref] = first[r.id]
				first[r.id] = true
			}
			s := newIDSet(0, 1<<40, &log)
			defer s.release()
			qs := make([]idQuery, 0, len(recs))
			for _, i := range rng.Perm(len(recs)) {
				q := recs[i]
				q.h = s.hash(q.id)
				qs = append(qs, q)
			}
			if batched {
				var order []int32
				for rest := qs; len(rest) > 0; {
					n := min(1+rng.IntN(3000), len(rest))
					var err error
					order, err = s.seenBatch(rest[:n], order)
					require.NoError(t, err)
					rest = rest[n:]
				}
			} else {
				for i := range qs {
					var err error
					qs[i].dupe, err = s.seen(qs[i].h, qs[i].id, qs[i].ref)
					require.NoError(t, err)
				}
			}
			got := map[int64]bool{}
			for _, q := range qs {
				got[q.ref] = q.dupe
			}
			swapped := 0
			for _, r := range recs {
				if s.late(s.hash(r.id), r.ref) {
					got[r.ref] = true
					swapped++
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("repeats differ from the in-order truth (-want +got):\n%s", diff)
			}
			if swapped < 1000 {
				t.Fatalf("only %d records were marked late; the test does not exercise the swap", swapped)
			}
		})
	}
}

// TestNewDecoderLeavesOffset: making a decoder of a file does not move
// the file's offset (it once left it at the end, so that a second reader
// of the same file saw nothing).
func TestNewDecoderLeavesOffset(t *testing.T) {
	r := strings.NewReader(canonicalHeader)
	r.Seek(5, io.SeekStart)
	NewCSVDecoder(r)
	NewNDJSONDecoder(r)
	if at, _ := r.Seek(0, io.SeekCurrent); at != 5 {
		t.Errorf("offset %d after making decoders, want 5", at)
	}
}
