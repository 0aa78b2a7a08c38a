package survey

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
)

// checkStream decodes in, checks the stream's invariants and that the
// accepted responses survive an encode and decode unchanged.
func checkStream(t *testing.T, format string, in []byte) {
	v := fixture(t)
	v.Orgs = nil
	v.KeepValidAnswers = len(in)%2 == 0
	var d *Decoder
	if format == "CSV" {
		d = NewCSVDecoder(bytes.NewReader(in))
	} else {
		d = NewNDJSONDecoder(bytes.NewReader(in))
	}
	d.Validator = v
	d.Limits = Limits{FieldBytes: 512, Fields: 64, RecordBytes: 4096}
	var ok []Response
	n := 0
	for r, err := range d.All() {
		n++
		if n > len(in)+2 {
			t.Fatal("more records than input bytes")
		}
		if rowErr, isRow := err.(*RowError); err == nil || isRow && !rowErr.Rejected {
			if _, valid, verr := (&Validator{Catalogue: v.Catalogue, Templates: v.Templates, Now: v.Now}).Validate(r); !valid {
				t.Fatalf("accepted response fails validation: %v\n%+v", verr, r)
			}
			ok = append(ok, r)
		} else if isRow && len(rowErr.Problems()) == 0 {
			t.Fatalf("row error without problems: %v", err)
		}
	}
	s := d.Summary()
	if s.Accepted+s.Rejected != s.Rows || s.Accepted != len(ok) {
		t.Fatalf("summary %+v for %d accepted", s, len(ok))
	}
	if len(ok) == 0 {
		return
	}
	var again *Decoder
	if format == "CSV" {
		again = NewCSVDecoder(bytes.NewReader(encodeCSV(t, ok, "mother-tongue")))
	} else {
		again = NewNDJSONDecoder(bytes.NewReader(encodeNDJSON(t, ok)))
	}
	again.Validator = &Validator{Catalogue: v.Catalogue, Templates: v.Templates, Now: v.Now}
	again.SkipDuplicateCheck = true
	back, bad, fatal := decodeAll(again)
	if fatal != nil || len(bad) > 0 || !sameResponses(ok, back) {
		a, _ := json.Marshal(ok)
		b, _ := json.Marshal(back)
		t.Fatalf("round trip: %v %v\n%s\n%s", bad, fatal, a, b)
	}
}

func FuzzCSVDecoder(f *testing.F) {
	f.Add([]byte(canonicalHeader + "a,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,ut,s,sms,client,fi,9,5,,,,,,,\"x,\"\"y\"\"\r\nz\"\n"))
	f.Add([]byte("id;submitted;instrument;unit;mother-tongue;recommend\nb;2025-03-14T09:30:00Z;thl-adult/2022;ut;4;10\n"))
	f.Add([]byte(canonicalHeader + "c,2025-03-14T09:30:00Z,thl-adult/2022,,,,,web,relative,sv,11,0,\"\n"))
	f.Add([]byte("\xEF\xBB\xBF" + canonicalHeader + "d,x,y\n"))
	// Lone-CR line ends, in the header and in one row; two byte order marks.
	f.Add([]byte("id,submitted,instrument,recommend\ra,2025-03-14T09:30:00Z,thl-adult/2022,9\r"))
	f.Add([]byte("id,submitted,instrument,recommend\na,2025-03-14T09:30:00Z,thl-adult/2022,9\rb,2025-03-14T09:30:00Z,thl-adult/2022,8\n"))
	f.Add([]byte("\uFEFF\uFEFFid,submitted,instrument,recommend\n"))
	// A misspelled column, a column to be mapped.
	f.Add([]byte("id,submitted,instrument,Unit,acess,recommend,notes\ne,2025-03-14T09:30:00Z,thl-adult/2022,ut,4,9,x\n"))
	f.Fuzz(func(t *testing.T, in []byte) { checkStream(t, "CSV", in) })
}

func FuzzNDJSONDecoder(f *testing.F) {
	f.Add([]byte(`{"id":"a","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","unit":"ut","answers":{"recommend":9,"mother-tongue":0},"comment":"x\u2028y"}` + "\n"))
	f.Add([]byte(`{"id":"b","answers":{"recommend":null}}` + "\n\n" + `{"id":"b","answers":{"access":"EOS"}}`))
	f.Add([]byte(`{"id":1}` + "\n" + `[` + "\n" + `{"id":"c","id":"d"}`))
	// Two objects a line, text after an object, a byte order mark, many keys.
	f.Add([]byte("\xEF\xBB\xBF" + `{"id":"e","answers":{"recommend":9}},{"id":"f"}` + "\n" + `{"id":"g"};{"id":"h"}` + "\n" + `{"id":"i"} x`))
	f.Add([]byte(`{"id":"j","answers":{` + strings.Repeat(`"k":1,`, 40) + `"recommend":9}}`))
	// Two byte order marks, a lone CR between objects.
	f.Add([]byte("\uFEFF\uFEFF{\"id\":\"m\"}\r{\"id\":\"n\"}\n"))
	// Keys resembling known ones, at the top level and among answers.
	f.Add([]byte(`{"id":"k","Unit":"u","acess":4,"answers":{"recomend":9}}` + "\n" + `{"id":"l","unit":"u","units":"v"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkStream(t, "NDJSON", in)
		checkIDReadBack(t, in)
	})
}

// FuzzValidate builds a response from fuzzed fields and checks that the
// validator never panics, that a kept response is valid on its own, and
// that nothing is invented.
func FuzzValidate(f *testing.F) {
	f.Add("r1", "thl-adult/2022", "ut", "recommend", 9, "access", 0, "x", int64(1741944600), uint8(1), true)
	f.Add("", "bad", "", "comment", 3, "mother-tongue", 6, "\xff", int64(0), uint8(200), false)
	f.Fuzz(func(t *testing.T, id, inst, unit, item1 string, v1 int, item2 string, v2 int, comment string, unix int64, enum uint8, keep bool) {
		ref, _ := catalogue.ParseInstrumentRef(inst)
		r := Response{ID: id, Submitted: time.Unix(unix, 0), Instrument: ref, Unit: unit, Channel: Channel(enum), Role: Role(enum / 32),
			Answers: Answers{{item1, v1}, {item2, v2}}, Comment: comment}
		v := fixture(t)
		v.KeepValidAnswers = keep
		kept, ok, err := v.Validate(r)
		if ok != (err == nil) && !keep {
			t.Fatalf("strict policy: ok %v with error %v", ok, err)
		}
		if !ok {
			return
		}
		strict := *v
		strict.KeepValidAnswers = false
		if _, valid, err := strict.Validate(kept); !valid {
			t.Fatalf("kept response is invalid: %v", err)
		}
		for _, a := range kept.Answers {
			if x, found := r.Answers.Get(a.Item); !found || x != a.Value {
				t.Fatalf("kept answer %v not in the input", a)
			}
		}
	})
}

// FuzzRedact checks that redaction never panics, reports sound findings
// and leaves nothing it would find again.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"Soita 040 123 4567", "131052-308T", "FI21 1234 5600 0007 85 x", "a@b.fi", "+358 (0)40 1", "0800-1600", "ä\xffö",
		"Soittakaa 0401234567 15-16", "040/123 4567 ja 358401234567", "nimi [at] hus [dot] fi", "a at b dot c at d",
		"FI21 1234 5600 0007 85 FI21 1234 5600 0007 85", "05-03-2024 07 11 2024", "08.00-16.00", "+358 (0)40 123 4567 2",
		"pekka@example.fi.Kiitos", "040 040 040 040 040"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		end := 0
		for _, fd := range r.Findings {
			if fd.Start < end || fd.End <= fd.Start || fd.End > len(s) {
				t.Fatalf("finding %v out of order or bounds in %q", fd, s)
			}
			end = fd.End
		}
		if again := Redact(r.Text); len(again.Findings) > 0 {
			t.Fatalf("redacted text %q still has %v", r.Text, again.Findings)
		}
	})
}

// checkIDReadBack: for every line parseNDJSON reads as a record, the
// duplicate check's ndjsonID reads back the same ID (the two must not
// drift apart: ndjsonID is the lock-free read of the same rule).
func checkIDReadBack(t *testing.T, in []byte) {
	d := NewNDJSONDecoder(bytes.NewReader(in))
	d.Mapping.Columns = map[string]string{"ID": "id", "source": ""}
	e := &engine{d: d, ndjson: true, lim: d.Limits.scan(), items: map[string]bool{}}
	for _, line := range bytes.Split(in, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		var rec record
		rec.reset(1, 0, true)
		if parseNDJSON(e, line, &rec) != nil {
			continue
		}
		got, err := ndjsonID(e, line)
		if err != nil || !bytes.Equal(got, rec.field(fID)) {
			t.Fatalf("%q: parsed ID %q, read back %q (%v)", line, rec.field(fID), got, err)
		}
	}
}
