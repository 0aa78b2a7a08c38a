package survey

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// collect is a Sink keeping the JSON of every accepted response.
type collect struct{ got []string }

func (c *collect) Accept(r Response) error {
	b, _ := json.Marshal(r)
	c.got = append(c.got, string(b))
	return nil
}

type outcome2 struct {
	accepted []string
	errors   []string
	summary  Summary
}

// stream hides a reader's ReadAt and Seek, so that a decoder reads it as
// a stream.
type stream struct{ r io.Reader }

func (s stream) Read(p []byte) (int, error) { return s.r.Read(p) }

func sequential(t testing.TB, in []byte, setup func(*Decoder)) outcome2 {
	d := NewCSVDecoder(stream{bytes.NewReader(in)})
	setup(d)
	var o outcome2
	for r, err := range d.All() {
		var re *RowError
		switch {
		case err == nil:
		case asRowError(err, &re):
			o.errors = append(o.errors, fmt.Sprintf("%d %v", re.Line, re))
			if re.Rejected {
				continue
			}
		default:
			o.errors = append(o.errors, "fatal "+err.Error())
			continue
		}
		b, _ := json.Marshal(r)
		o.accepted = append(o.accepted, string(b))
	}
	o.summary = d.Summary()
	slices.Sort(o.accepted)
	return o
}

func asRowError(err error, re **RowError) bool {
	e, ok := err.(*RowError)
	*re = e
	return ok
}

func parallelRead(t testing.TB, in []byte, setup func(*Decoder), workers, block int) outcome2 {
	return parallelReadFrom(t, bytes.NewReader(in), int64(len(in)), setup, workers, block)
}

func parallelReadFrom(t testing.TB, src io.ReadSeeker, size int64, setup func(*Decoder), workers, block int) outcome2 {
	return readOutcome(NewCSVDecoder(src), setup, workers, block)
}

func same(a, b outcome2) bool {
	return slices.Equal(a.accepted, b.accepted) && slices.Equal(a.errors, b.errors) && reflect.DeepEqual(normalizeSummary(a.summary), normalizeSummary(b.summary))
}

func normalizeSummary(s Summary) Summary {
	if len(s.RejectedBy) == 0 {
		s.RejectedBy = nil
	}
	if len(s.DroppedBy) == 0 {
		s.DroppedBy = nil
	}
	if len(s.IgnoredColumns) == 0 {
		s.IgnoredColumns = nil
	}
	return s
}

func differential(t *testing.T, name string, in []byte) {
	t.Helper()
	for _, keep := range []bool{false, true} {
		for _, skipDup := range []bool{true, false} {
			setup := func(d *Decoder) {
				v := fixture(t)
				v.KeepValidAnswers = keep
				d.Validator = v
				d.SkipDuplicateCheck = skipDup
				d.Limits = Limits{FieldBytes: 300, Fields: 40, RecordBytes: 2000}
			}
			want := sequential(t, in, setup)
			// Also from a file.
			file := filepath.Join(t.TempDir(), "in.csv")
			if err := os.WriteFile(file, in, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := parallelReadFrom(t, f, int64(len(in)), setup, 2, 4096); !same(want, got) {
				t.Fatalf("%s from a file differs:\n%q\n%q", name, want.errors, got.errors)
			}
			for _, workers := range []int{1, 3} {
				for _, block := range []int{64, 1000, 1 << 20} {
					got := parallelRead(t, in, setup, workers, block)
					if !same(want, got) {
						t.Fatalf("%s (keep %v, skipDup %v, %d workers, block %d) differs:\nsequential: %d accepted, errors %q, %+v\nparallel:   %d accepted, errors %q, %+v",
							name, keep, skipDup, workers, block, len(want.accepted), want.errors, want.summary, len(got.accepted), got.errors, got.summary)
					}
				}
			}
		}
	}
}

// regular makes a valid canonical CSV of n rows with the table's units.
func regular(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 3))
	var b bytes.Buffer
	b.WriteString(strings.Join(tableColumns, ",") + "\n")
	units := []string{"u1", "u2", "ut"}
	comments := []string{"", "", "Hyvä, kiitos", "\"Sanoi \"\"moi\"\"\nja lähti\"", "ok\r\nrivi", "  välilyönti  "}
	for i := 0; i < n; i++ {
		u := units[rng.IntN(3)]
		region, provider := "pohjanmaa", "p1"
		if u == "u2" {
			provider = "p2"
		}
		if u == "ut" {
			region, provider = "keski-suomi", "p3"
		}
		// Times with offsets as exports have them, and service times as
		// instants or as dates.
		zone := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", 3*3600), time.FixedZone("", -5*3600-30*60)}[rng.IntN(4)]
		at := time.Date(2025, 3, 1+rng.IntN(20), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, zone)
		submitted := at.Format(time.RFC3339)
		if rng.IntN(5) == 0 {
			submitted = at.Add(123456789 * time.Nanosecond).Format(time.RFC3339Nano)
		}
		served := ""
		switch rng.IntN(4) {
		case 1:
			served = at.Add(-time.Duration(1+rng.IntN(72)) * time.Hour).Format(time.RFC3339)
		case 2:
			served = at.AddDate(0, 0, -rng.IntN(3)).Format(time.DateOnly)
		}
		rec := []string{fmt.Sprintf("r%d", i), submitted, "thl-adult/2022",
			region, provider, u, "s1", []string{"sms", "kiosk", ""}[rng.IntN(3)], "client", "fi",
			fmt.Sprint(rng.IntN(11)), fmt.Sprint(rng.IntN(6)), "", "", fmt.Sprint(1 + rng.IntN(5)), "", "", "", comments[rng.IntN(len(comments))], served, ""}
		if u == "ut" {
			rec[len(rec)-1] = fmt.Sprint(rng.IntN(6))
		}
		for j, f := range rec {
			if j > 0 {
				b.WriteByte(',')
			}
			if strings.HasPrefix(f, "\"") {
				b.WriteString(f)
			} else if strings.ContainsAny(f, ",\"\r\n") {
				b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
			} else {
				b.WriteString(f)
			}
		}
		b.WriteString([]string{"\n", "\r\n"}[rng.IntN(2)])
	}
	return b.Bytes()
}

func TestParallelMatchesSequential(t *testing.T) {
	base := regular(300, 1)
	differential(t, "regular", base)
	lines := strings.SplitAfter(string(base), "\n")
	mutations := []struct {
		name string
		f    func([]string) []string
	}{
		{"bad values", func(l []string) []string {
			l[5] = strings.Replace(l[5], "thl-adult/2022", "thl-adult/2019", 1)
			l[9] = strings.Replace(l[9], ",sms,", ",fax,", 1)
			l[20] = strings.Replace(l[20], "2025-03", "2027-03", 1)
			return l
		}},
		{"field count", func(l []string) []string { l[7] = "x,y\n"; return l }},
		{"blank lines", func(l []string) []string { l[3] = "\n\r\n" + l[3]; return l }},
		{"bare quote", func(l []string) []string { l[40] = "a\"b," + l[40]; return l }},
		{"unterminated quote", func(l []string) []string { l[100] = "\"" + l[100]; return l }},
		{"duplicate IDs", func(l []string) []string { l[50] = l[10]; l[51] = l[10]; return l }},
		{"spaces and codes", func(l []string) []string {
			l[60] = strings.Replace(l[60], ",fi,", ", fi ,", 1)
			l[61] = strings.Replace(l[61], ",client,", ",CLIENT,", 1)
			return l
		}},
		{"no final newline", func(l []string) []string { l[len(l)-1] = strings.TrimRight(l[len(l)-1], "\r\n"); return l }},
		{"huge field", func(l []string) []string { l[30] = strings.Replace(l[30], "s1", strings.Repeat("s", 400), 1); return l }},
		{"BOM", func(l []string) []string { l[0] = "\xEF\xBB\xBF" + l[0]; return l }},
	}
	for _, m := range mutations {
		l := m.f(slices.Clone(lines))
		differential(t, m.name, []byte(strings.Join(l, "")))
	}
	// Header problems are fatal in both.
	differential(t, "bad header", []byte("id,id,submitted\nx,y,z\n"))
	differential(t, "empty", nil)
}

// FuzzParallel: any input gives the same responses, problems, lines and
// summary read in parallel as read in one stream.
func FuzzParallel(f *testing.F) {
	// Offsets, service dates, quoted comments with CR LF and doubled
	// quotes (which blocks of 16 bytes cut anywhere), as regular makes.
	f.Add(regular(20, 2))
	// A Windows export: CR LF line ends and a byte order mark.
	f.Add(append([]byte("\ufeff"), bytes.ReplaceAll(regular(12, 5), []byte("\n"), []byte("\r\n"))...))
	// Repeated IDs, the later ones in other pieces.
	dup := regular(12, 6)
	f.Add(append(dup, dup[bytes.IndexByte(dup, '\n')+1:]...))
	f.Add([]byte(strings.Join(tableColumns, ",") + "\n\"a\n"))
	f.Add([]byte("id,submitted,instrument,recommend\nx,2025-03-01T10:00:00Z,thl-adult/2022,9\n"))
	f.Add([]byte("id,submitted,instrument,recomend,units\nx,2025-03-01T10:00:00Z,thl-adult/2022,9,u\n"))
	f.Add([]byte("\uFEFF\uFEFFid,submitted,instrument,recommend\rx,2025-03-01T10:00:00Z,thl-adult/2022,9\r"))
	f.Fuzz(func(t *testing.T, in []byte) {
		setup := func(d *Decoder) {
			v := fixture(t)
			d.Validator = v
			d.SkipDuplicateCheck = len(in)%2 == 0
			d.Limits = Limits{FieldBytes: 300, Fields: 40, RecordBytes: 2000}
		}
		want := sequential(t, in, setup)
		for _, block := range []int{16, 300} {
			if got := parallelRead(t, in, setup, 2, block); !same(want, got) {
				t.Fatalf("block %d differs:\nsequential: %q %q %+v\nparallel:   %q %q %+v", block, want.accepted, want.errors, want.summary, got.accepted, got.errors, got.summary)
			}
		}
	})
}

// FuzzRFC3339: whenever the fast parser accepts a time, time.Parse
// accepts it too and gives the same instant.
func FuzzRFC3339(f *testing.F) {
	for _, s := range []string{"2025-03-14T09:30:00+02:00", "2025-03-14T09:30:00Z", "2024-02-29T23:59:59.123456789-11:30", "2025-02-29T00:00:00Z", "2025-03-14t09:30:00z", "2025-13-01T00:00:00Z", "2025-03-14T09:30:00.Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseRFC3339([]byte(s), fixedZone)
		want, err := time.ParseInLocation(time.RFC3339, s, time.UTC)
		if ok && (err != nil || !got.Equal(want) || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano)) {
			t.Fatalf("%q: fast %v, time.Parse %v %v", s, got, want, err)
		}
	})
}

func fixedZone(off int) *time.Location { return time.FixedZone("", off) }

func TestRFC3339(t *testing.T) {
	for _, s := range []string{"2025-03-14T09:30:00+02:00", "2025-03-14T09:30:00Z", "2024-02-29T23:59:59.5-11:30", "2025-03-14T09:30:00.123456789Z"} {
		got, ok := parseRFC3339([]byte(s), fixedZone)
		want, _ := time.Parse(time.RFC3339, s)
		if !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"2025-02-29T00:00:00Z", "2025-03-14 09:30:00Z", "2025-03-14T09:30:00", "2025-03-14T24:00:00Z", "2025-03-14T09:30:00.Z"} {
		if _, ok := parseRFC3339([]byte(s), fixedZone); ok {
			t.Errorf("%s accepted", s)
		}
	}
}
