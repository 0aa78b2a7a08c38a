package survey

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// textClasses are the kinds of text whose written form is longer than
// their bytes (escapes, doubled quotes) or that a reader might change
// (line ends, spaces, byte order marks, formulas).
var textClasses = []string{"x", "ä", "\u2028", "\u2029", "\x01", "\"", "\\", "<", "\r\n", "\n", "\r", " ", "\t", "\uFEFF", "€", "😀", ",", ";", "=", "'"}

// limitText returns text of about n bytes of class c, starting and ending
// with a visible character (so that a reader's trimming of spaces is not
// what is tested, except by the space class), cut at a character
// boundary at or below n.
func limitText(c string, n int) string {
	s := strings.Repeat(c, n/len(c)+1)
	for len(s) > n {
		s = s[:len(s)-len(c)]
	}
	return s
}

// roundTripResponse makes a valid response of the fixture, with the
// comment and ID given.
func roundTripResponse(rng *rand.Rand, id, comment string) Response {
	zone := time.FixedZone("", (rng.IntN(29)-14)*1800)
	r := Response{
		ID:         id,
		Submitted:  time.Date(2025, 3, 1+rng.IntN(20), rng.IntN(24), rng.IntN(60), rng.IntN(60), rng.IntN(3)*123456789, zone),
		Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Region:     "pohjanmaa", Provider: "p1", Unit: "u1", Service: "s1",
		Channel: Channels()[rng.IntN(len(Channels()))],
		Role:    RoleClient,
		Lang:    i18n.Finnish,
		Answers: Answers{{"recommend", rng.IntN(11)}, {"safety", 1 + rng.IntN(5)}},
		Comment: comment,
	}
	if rng.IntN(2) == 0 {
		r.Served = r.Submitted.Add(-time.Duration(rng.IntN(48)) * time.Hour)
	}
	return r
}

// roundTripValidator is the fixture's validator, made once for the many
// reads of TestWritersReadBack (tests of the package run one at a time).
var roundTripValidator *Validator

// formatProblems are the problems a reader reports about the form of a
// record, not its content: a writer must never cause them.
var formatProblems = map[string]bool{"malformed": true, "syntax": true, "invalid-utf8": true, "duplicate-key": true, "field-count": true}

// readBack reads what a writer wrote with the limits given: the
// responses and the problems.
func readBack(t *testing.T, in []byte, ndjson bool, lim Limits) ([]Response, []*RowError) {
	t.Helper()
	var d *Decoder
	if ndjson {
		d = NewNDJSONDecoder(bytes.NewReader(in))
	} else {
		d = NewCSVDecoder(bytes.NewReader(in))
	}
	if roundTripValidator == nil {
		roundTripValidator = fixture(t)
	}
	d.Validator = roundTripValidator
	d.Limits = lim
	var out []Response
	var errs []*RowError
	for r, err := range d.All() {
		var re *RowError
		switch {
		case err == nil:
			out = append(out, r)
		case asRowError(err, &re):
			errs = append(errs, re)
		default:
			t.Fatalf("read back: %v", err)
		}
	}
	return out, errs
}

var sameResponse = cmp.Options{cmpopts.EquateComparable(catalogue.InstrumentRef{}), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })}

// TestWritersReadBack: whatever NDJSONEncoder and CSVEncoder write, the
// decoders read back to the same value, with text of every class at,
// below and past the field limit (in bytes of text, however it is
// escaped), and records past the record limit: what the reader would
// refuse, the writer refuses with an error naming the field.
func TestWritersReadBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 21))
	for _, lim := range []Limits{{FieldBytes: 300, Fields: 40, RecordBytes: 2000}, {}} {
		field := lim.scan().FieldBytes
		classes, sizes := textClasses, []int{field - 7, field - 1, field, field + 1, field + 6}
		if lim == (Limits{}) {
			// At the default limit (64 KiB), the classes whose written
			// form differs most from their text.
			classes, sizes = []string{"x", "\u2028", "\x01", "\"", "\r\n", "😀"}, []int{field - 1, field, field + 1}
		}
		for _, class := range classes {
			for _, n := range sizes {
				for _, which := range []string{"comment", "id"} {
					// n bytes in all: visible ends, so that no reader's
					// trimming of spaces is what is tested.
					comment, id := "Kiitos "+limitText(class, n-9)+" !", "r-"+limitText(class, n-5)+"-1"
					if which == "comment" {
						id = fmt.Sprintf("r%d", rng.IntN(1e6))
					}
					r := roundTripResponse(rng, id, comment)
					for _, ndjson := range []bool{true, false} {
						name := fmt.Sprintf("limits %v, %q×%d in %s, ndjson %v", lim, class, n, which, ndjson)
						checkRoundTrip(t, name, r, ndjson, lim)
					}
				}
			}
		}
	}
	// Invalid UTF-8 would be written as U+FFFD (NDJSON) or refused by
	// the reader (CSV): the writers refuse it.
	for _, bad := range []string{"a\xffb", "\xc3", "\xed\xa0\x80"} {
		for _, ndjson := range []bool{true, false} {
			r := roundTripResponse(rng, "r1", bad)
			checkRoundTrip(t, fmt.Sprintf("comment %q", bad), r, ndjson, Limits{})
			r = roundTripResponse(rng, bad, "x")
			checkRoundTrip(t, fmt.Sprintf("id %q", bad), r, ndjson, Limits{})
		}
	}
	// More answers than the reader's field limit, and an answer twice.
	for _, ndjson := range []bool{true, false} {
		r := roundTripResponse(rng, "r2", "")
		r.Answers = append(r.Answers, r.Answers[0])
		checkRoundTrip(t, "an answer twice", r, ndjson, Limits{})
	}
	r := roundTripResponse(rng, "r3", "")
	for i := range 50 {
		r.Answers = append(r.Answers, Answer{fmt.Sprintf("x%d", i), 1})
	}
	checkRoundTrip(t, "50 answers, 40 fields", r, true, Limits{FieldBytes: 300, Fields: 40, RecordBytes: 20000})
}

// checkRoundTrip writes r and reads it back with limits lim: either the
// writer refuses it (and the reader would have refused what a careless
// writer writes), or the reader reads it back, the same if it is valid,
// and never with a problem of form.
func checkRoundTrip(t *testing.T, name string, r Response, ndjson bool, lim Limits) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if ndjson {
		enc := NewNDJSONEncoder(&buf)
		enc.Limits = lim
		err = enc.Encode(r)
	} else {
		enc := NewCSVEncoder(&buf)
		enc.Limits = lim
		enc.Own = []string{"mother-tongue"}
		if err = enc.Encode(r); err == nil {
			err = enc.Flush()
		}
	}
	if roundTripValidator == nil {
		roundTripValidator = fixture(t)
	}
	_, valid, _ := roundTripValidator.Validate(r)
	if err != nil {
		if !strings.Contains(err.Error(), "survey:") {
			t.Fatalf("%s: unclear error %v", name, err)
		}
		// The writer refused: a careless writer's output is refused by
		// the reader (or read as something else).
		var careless bytes.Buffer
		if ndjson {
			NewNDJSONEncoder(&careless).enc.Encode(r)
		} else {
			enc := NewCSVEncoder(nil)
			enc.Own = []string{"mother-tongue"}
			enc.cols = enc.Columns()
			w := csv.NewWriter(&careless)
			w.Write(enc.cols)
			rec, _ := enc.fields(r)
			w.Write(rec)
			w.Flush()
		}
		got, _ := readBack(t, careless.Bytes(), ndjson, lim)
		if len(got) == 1 && valid && cmp.Diff(r, got[0], sameResponse) == "" {
			t.Fatalf("%s: the writer refused what the reader reads back the same: %v", name, err)
		}
		return
	}
	got, errs := readBack(t, buf.Bytes(), ndjson, lim)
	for _, re := range errs {
		for _, p := range re.Problems() {
			if formatProblems[Code(p)] {
				t.Fatalf("%s: written, then refused by the reader: %v", name, re)
			}
		}
	}
	if !valid {
		return
	}
	if len(got) != 1 {
		t.Fatalf("%s: a valid response written, %d read back: %v", name, len(got), errs)
	}
	if diff := cmp.Diff(r, got[0], sameResponse); diff != "" {
		t.Fatalf("%s: read back differently (-written +read):\n%s", name, diff)
	}
}

// TestNaiveTimesAreHelsinki: a time without an offset, read with a
// layout of the vendor's, is a Helsinki time unless Mapping.Location
// says otherwise: 23:30 on the 14th is the 14th in the calendar periods
// are grouped by (Europe/Helsinki), in winter and in summer, not 01:30
// or 02:30 on the 15th as when it was read as UTC.
func TestNaiveTimesAreHelsinki(t *testing.T) {
	hel, err := Helsinki()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"2025-01-14 23:30", nil, time.Date(2025, 1, 14, 23, 30, 0, 0, hel)},
		{"2025-07-14 23:59", nil, time.Date(2025, 7, 14, 23, 59, 0, 0, hel)},
		{"2025-07-15 00:01", nil, time.Date(2025, 7, 15, 0, 1, 0, 0, hel)},
		{"2025-07-14 23:30", time.UTC, time.Date(2025, 7, 14, 23, 30, 0, 0, time.UTC)},
	} {
		in := "id,submitted,instrument,region,provider,unit,recommend\n" +
			"r1," + tc.in + ",thl-adult/2022,pohjanmaa,p1,u1,9\n"
		d := NewCSVDecoder(strings.NewReader(in))
		d.Validator = fixture(t)
		d.Mapping.TimeLayouts = []string{"2006-01-02 15:04"}
		d.Mapping.Location = tc.loc
		for r, err := range d.All() {
			if err != nil {
				t.Fatalf("%s: %v", tc.in, err)
			}
			if !r.Submitted.Equal(tc.want) {
				t.Errorf("%s (location %v): read as %v, want %v", tc.in, tc.loc, r.Submitted, tc.want)
			}
			if y, m, dd := r.Submitted.In(hel).Date(); tc.loc == nil && fmt.Sprintf("%d-%02d-%02d", y, m, dd) != tc.in[:10] {
				t.Errorf("%s: on %d-%02d-%02d in Helsinki", tc.in, y, m, dd)
			}
		}
	}
}
