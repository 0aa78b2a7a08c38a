package survey

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// stressRuns is the number of combined-mutation reads of
// TestReaderCombinedMutations. CI runs a short share; a long run is
//
//	go test -run TestReaderCombinedMutations -stress.runs 10000 ./survey
var stressRuns = flag.Int("stress.runs", 0, "combined-mutation reads of TestReaderCombinedMutations (0: a short run)")

// stressDeadline is how long one read may take before the test calls it
// a hang: far above what a read of a few hundred records takes even under
// the race detector on a loaded machine.
const stressDeadline = 20 * time.Second

// mutationSet is one combination of the mutations the differential
// tests apply to an export, all at once.
type mutationSet struct {
	ndjson    bool
	ignored   bool // NDJSON lines carry keys the decoder ignores
	repeats   bool // IDs repeat, later twins in other pieces
	crlf      bool // CR LF line ends
	multiline bool // quoted CSV comments spanning lines
	workers   int
	block     int
	rows      int
	seed      uint64
}

func (m mutationSet) String() string {
	return fmt.Sprintf("ndjson=%v ignored=%v repeats=%v crlf=%v multiline=%v workers=%d block=%d rows=%d seed=%d",
		m.ndjson, m.ignored, m.repeats, m.crlf, m.multiline, m.workers, m.block, m.rows, m.seed)
}

// randomMutations draws a combination, favouring the hostile end: tiny
// pieces, many workers, everything on.
func randomMutations(rng *rand.Rand) mutationSet {
	m := mutationSet{
		ndjson:    rng.IntN(3) > 0,
		ignored:   rng.IntN(4) > 0,
		repeats:   rng.IntN(4) > 0,
		crlf:      rng.IntN(2) == 0,
		multiline: rng.IntN(3) > 0,
		workers:   []int{2, 3, 4, 8, 16}[rng.IntN(5)],
		block:     []int{16, 64, 256, 1000, 4096}[rng.IntN(5)],
		rows:      50 + rng.IntN(250),
		seed:      rng.Uint64(),
	}
	return m
}

// mutatedInput makes the export of a combination.
func mutatedInput(t testing.TB, m mutationSet) []byte {
	rng := rand.New(rand.NewPCG(m.seed, 11))
	csv := regular(m.rows, m.seed)
	if !m.multiline {
		// regular's comments with line breaks, made single-line.
		csv = bytes.ReplaceAll(csv, []byte("\"Sanoi \"\"moi\"\"\nja lähti\""), []byte("Sanoi moi"))
		csv = bytes.ReplaceAll(csv, []byte("\"ok\r\nrivi\""), []byte("ok rivi"))
	}
	var lines []string
	if m.ndjson {
		lines = ndjsonOf(t, csv)
		for i, l := range lines {
			if m.ignored && rng.IntN(2) == 0 {
				key := []string{"source", "vendor", "x-trace", "meta"}[rng.IntN(4)]
				l = strings.Replace(l, "{", fmt.Sprintf("{%q:%q,", key, "v"+fmt.Sprint(rng.IntN(5))), 1)
			}
			lines[i] = l
		}
	} else {
		// Whole records (a quoted comment may span lines).
		lines = splitCSVRecords(csv)
	}
	if m.repeats && len(lines) > 2 {
		first := 0
		if !m.ndjson {
			first = 1 // the header
		}
		for i := first + 1; i < len(lines); i++ {
			if rng.IntN(3) == 0 {
				j := first + rng.IntN(i-first)
				lines[i] = withIDOf(lines[i], lines[j], m.ndjson)
			}
		}
	}
	in := []byte(strings.Join(lines, ""))
	in = bytes.ReplaceAll(in, []byte("\r\n"), []byte("\n"))
	if m.crlf {
		in = bytes.ReplaceAll(in, []byte("\n"), []byte("\r\n"))
	}
	return in
}

// splitCSVRecords splits a CSV into its records (with their line ends),
// respecting quotes.
func splitCSVRecords(b []byte) []string {
	var out []string
	start, quoted := 0, false
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			out = append(out, string(b[start:i+1]))
			start = i + 1
		}
	}
	if start < len(b) {
		out = append(out, string(b[start:]))
	}
	return out
}

// withIDOf gives record l the ID of record from.
func withIDOf(l, from string, ndjson bool) string {
	if !ndjson {
		id, _, _ := strings.Cut(from, ",")
		_, rest, _ := strings.Cut(l, ",")
		return id + "," + rest
	}
	idOf := func(s string) string {
		i := strings.Index(s, `"id":"`)
		j := strings.Index(s[i+6:], `"`)
		return s[i : i+6+j+1]
	}
	return strings.Replace(l, idOf(l), idOf(from), 1)
}

// readWithin runs read in a goroutine and fails the test if it does not
// return within the deadline: a hang is a failure, not a package timeout.
func readWithin(t *testing.T, what string, read func() outcome2) outcome2 {
	t.Helper()
	done := make(chan outcome2, 1)
	go func() { done <- read() }()
	select {
	case o := <-done:
		return o
	case <-time.After(stressDeadline):
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("%s: no result after %v: a hang\n%s", what, stressDeadline, buf)
		return outcome2{}
	}
}

// TestReaderCombinedMutations: reading a file in parallel pieces gives
// what reading it as a stream gives, with the mutations of the
// differential tests combined (ignored NDJSON keys + repeated IDs + tiny
// pieces + many workers + CR LF + multi-line quoted fields), each read
// under a deadline.
func TestReaderCombinedMutations(t *testing.T) {
	runs := *stressRuns
	if runs == 0 {
		runs = 60
		if testing.Short() {
			runs = 10
		}
	}
	rng := rand.New(rand.NewPCG(21, 21))
	// The combination that hung first, always.
	fixed := []mutationSet{
		{ndjson: true, ignored: true, repeats: true, crlf: true, workers: 8, block: 256, rows: 300, seed: 10},
		{ndjson: true, ignored: true, repeats: true, workers: 2, block: 4096, rows: 300, seed: 48},
		{ndjson: false, repeats: true, crlf: true, multiline: true, workers: 8, block: 64, rows: 300, seed: 3},
	}
	for run := range runs {
		m := randomMutations(rng)
		if run < len(fixed) {
			m = fixed[run]
		}
		in := mutatedInput(t, m)
		for _, skipDup := range []bool{false, true} {
			if skipDup && run%4 != 0 {
				continue
			}
			setup := func(d *Decoder) {
				d.Validator = fixture(t)
				d.SkipDuplicateCheck = skipDup
				d.Limits = Limits{FieldBytes: 2000, Fields: 40, RecordBytes: 2500}
			}
			var want, got outcome2
			if m.ndjson {
				want = readWithin(t, fmt.Sprintf("run %d, %v, stream", run, m), func() outcome2 { return readNDJSON(t, in, false, setup, 1, 0) })
				got = readWithin(t, fmt.Sprintf("run %d, %v", run, m), func() outcome2 { return readNDJSON(t, in, true, setup, m.workers, m.block) })
			} else {
				want = readWithin(t, fmt.Sprintf("run %d, %v, stream", run, m), func() outcome2 { return sequential(t, in, setup) })
				got = readWithin(t, fmt.Sprintf("run %d, %v", run, m), func() outcome2 { return parallelRead(t, in, setup, m.workers, m.block) })
			}
			if m.repeats && !skipDup && want.summary.RejectedBy["duplicate-id"] == 0 {
				t.Fatalf("%v: no repeats found", m)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(outcome2{})); diff != "" {
				t.Fatalf("run %d, %v, skipDup %v: parallel differs from stream (-stream +parallel):\n%s", run, m, skipDup, diff)
			}
			if m.ignored && m.ndjson && !slices.Contains(got.summary.IgnoredColumns, "source") && len(got.summary.IgnoredColumns) == 0 {
				t.Fatalf("%v: no ignored keys reported", m)
			}
		}
	}
	t.Logf("%d combined-mutation runs", runs)
}

// TestIDReadBackTakesNoLock: reading an ID back for the duplicate check
// (a line with a key the decoder ignores) neither takes d.mu nor runs
// under a shard lock. On the code before, it took d.mu (Decoder.ignore)
// under a shard lock while the ordered stage held d.mu and waited for
// the shard: a deadlock.
func TestIDReadBackTakesNoLock(t *testing.T) {
	in := []byte(`{"source":"x","id":"a","submitted":"2025-03-01T10:00:00Z"}` + "\n" +
		`{"source":"y","id":"a","submitted":"2025-03-01T10:00:00Z"}` + "\n")
	d := NewNDJSONDecoder(bytes.NewReader(in))
	e := &engine{d: d, in: d.input, ndjson: true, lim: d.Limits.scan()}
	e.in.size = int64(len(in))
	d.mu.Lock() // as the ordered stage holds it
	done := make(chan []byte, 1)
	go func() {
		id, _ := (&fileIDs{e: e}).idAt(0)
		done <- id
	}()
	select {
	case id := <-done:
		if string(id) != "a" {
			t.Fatalf("read back %q, want a", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading an ID back waits for d.mu")
	}
	d.mu.Unlock()
	if len(d.ignored) != 0 {
		t.Fatalf("reading an ID back noted ignored keys: %v", d.ignored)
	}

	// No shard is locked while an ID is read back.
	src := &lockProbe{ids: &fileIDs{e: e}}
	s := newIDSet(0, int64(len(in)), src)
	defer s.release()
	src.set = s
	for _, ref := range []int64{int64(len(in) / 2), 0} {
		h := s.hash("a")
		// A fingerprint match (the same ID) makes the set read the
		// kept one back.
		if _, err := s.seen(h, "a", ref); err != nil {
			t.Fatal(err)
		}
	}
	if src.reads == 0 {
		t.Fatal("no ID was read back")
	}
	if src.locked > 0 {
		t.Fatalf("%d of %d IDs read back under a shard lock", src.locked, src.reads)
	}
}

// lockProbe reads IDs back and counts the reads made while a shard of
// set is locked.
type lockProbe struct {
	ids           idSource
	set           *idSet
	reads, locked int
}

func (p *lockProbe) idAt(ref int64) ([]byte, error) {
	p.reads++
	for i := range p.set.shards {
		if !p.set.shards[i].mu.TryLock() {
			p.locked++
			break
		}
		p.set.shards[i].mu.Unlock()
	}
	return p.ids.idAt(ref)
}

// FuzzParallelNDJSON: any NDJSON input gives the same responses,
// problems, lines and summary read from a file in parallel pieces (tiny
// ones, several workers) as read as a stream; ignored keys and repeated
// IDs in the seeds, so that the duplicate check reads IDs back while
// keys are being noted.
func FuzzParallelNDJSON(f *testing.F) {
	lines := ndjsonOf(f, regular(12, 8))
	for i := range lines {
		lines[i] = strings.Replace(lines[i], "{", `{"source":"x`+fmt.Sprint(i%3)+`",`, 1)
	}
	lines = append(lines, lines[2], lines[5])
	f.Add([]byte(strings.Join(lines, "")))
	f.Add([]byte(strings.ReplaceAll(strings.Join(lines, ""), "\n", "\r\n")))
	f.Add([]byte(`{"id":"a","x":1}` + "\n" + `{"id":"a","y":2}` + "\n" + `{"id":"a"`))
	f.Fuzz(func(t *testing.T, in []byte) {
		setup := func(d *Decoder) {
			d.Validator = fixture(t)
			d.SkipDuplicateCheck = len(in)%3 == 0
			d.Limits = Limits{FieldBytes: 300, Fields: 40, RecordBytes: 2000}
		}
		want := readNDJSON(t, in, false, setup, 1, 0)
		for _, block := range []int{16, 300} {
			got := readWithin(t, fmt.Sprintf("block %d", block), func() outcome2 { return readNDJSON(t, in, true, setup, 3, block) })
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(outcome2{})); diff != "" {
				t.Fatalf("block %d: file differs from stream (-stream +file):\n%s", block, diff)
			}
		}
	})
}
