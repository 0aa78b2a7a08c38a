package survey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database

	"github.com/palaute/palaute/catalogue"
	"github.com/stretchr/testify/require"
)

const canonicalHeader = "id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,access,encounter,participation,safety,information,understandable,usefulness,comment\n"

func decodeAll(d *Decoder) (ok []Response, bad []*RowError, fatal error) {
	for r, err := range d.All() {
		var re *RowError
		switch {
		case err == nil:
			ok = append(ok, r)
		case errors.As(err, &re):
			bad = append(bad, re)
			if !re.Rejected {
				ok = append(ok, r)
			}
		default:
			fatal = err
		}
	}
	return ok, bad, fatal
}

// TestCanonicalHeaderIsTheCatalogues: the spec's column list lives in the
// catalogue data; this package's metadata names must match it.
func TestCanonicalHeaderIsTheCatalogues(t *testing.T) {
	if got := strings.Join(catalogue.Default().Columns(), ",") + "\n"; got != canonicalHeader {
		t.Fatalf("catalogue columns %q", got)
	}
	for _, col := range catalogue.Default().Columns() {
		in, _ := catalogue.Default().Latest("thl-adult")
		_, isItem := in.Item(col)
		if metaIndex(col) < 0 && !isItem {
			t.Errorf("column %q is neither metadata nor an item", col)
		}
	}
}

func TestVendorMapping(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	// A spreadsheet export: BOM, semicolons, Finnish column names and
	// codes, EOS for can't say, a local time layout, decimal commas.
	in := "\xEF\xBB\xBFvastaus_id;aika;lomake;yksikkö;kanava;kieli;suosittelu;saatavuus;turvallisuus;vapaa_teksti;extra\n" +
		"v1;14.3.2025 9.30;thl-adult/2022;u1;tekstiviesti;suomi;9;EOS;4,0;\"Hyvä; kiitos\";x\n" +
		"v2;14.3.2025 10.00;thl-adult/2022;u1;kioski;ruotsi;NA;5;;;x\n" +
		"v3;14.3.2025 10.30;thl-adult/2022;u1;tekstiviesti;suomi;EOS;4,5;;;x\n"
	d := NewCSVDecoder(strings.NewReader(in))
	d.Mapping = Mapping{
		Comma: ';',
		Columns: map[string]string{"vastaus_id": "id", "aika": "submitted", "lomake": "instrument", "yksikkö": "unit",
			"kanava": "channel", "kieli": "lang", "suosittelu": "recommend", "saatavuus": "access", "turvallisuus": "safety", "vapaa_teksti": "comment"},
		Codes: map[string]map[string]string{
			"channel": {"tekstiviesti": "sms", "kioski": "kiosk"},
			"lang":    {"suomi": "fi", "ruotsi": "sv"},
		},
		CantSay:      []string{"EOS"},
		NotAnswered:  []string{"NA"},
		TimeLayouts:  []string{"2.1.2006 15.04"},
		Location:     helsinki,
		DecimalComma: true,
	}
	d.Validator = &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	ok, bad, fatal := decodeAll(d)
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(ok) != 2 || len(bad) != 1 {
		t.Fatalf("accepted %d, errors %v", len(ok), bad)
	}
	r := ok[0]
	if v, _ := r.Answers.Get("access"); v != 0 {
		t.Errorf("EOS should be can't-say 0, got %v", r.Answers)
	}
	if v, _ := r.Answers.Get("safety"); v != 4 {
		t.Errorf("4,0 should be 4, got %v", r.Answers)
	}
	if r.Channel != ChannelSMS || r.Comment != "Hyvä; kiitos" || !r.Submitted.Equal(time.Date(2025, 3, 14, 7, 30, 0, 0, time.UTC)) {
		t.Errorf("first row %+v", r)
	}
	if _, answered := ok[1].Answers.Get("recommend"); answered || ok[1].Lang.String() != "sv" {
		t.Errorf("NA should be not answered: %+v", ok[1])
	}
	// EOS on the recommendation scale (no can't-say) and 4,5 are errors.
	got := outcome(bad[0])
	if got != "rejected out-of-range@recommend=EOS syntax@access=4,5" {
		t.Errorf("third row: %s", got)
	}
	if s := d.Summary(); s.Rows != 3 || s.Accepted != 2 || s.Rejected != 1 || len(s.IgnoredColumns) != 1 || s.IgnoredColumns[0] != "extra" {
		t.Errorf("summary %+v", s)
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "unusable header"},
		{"id,id,submitted,instrument\n", "field id: unusable header (want each column once)"},
		{"id,recommend\n", "field submitted: unusable header (want a column submitted)"},
		{"a,\"b\n", "unusable header"},
		{"id,submitted,instrument," + strings.Repeat("x,", 5000) + "\n", "too many fields"},
	}
	for _, tt := range tests {
		_, _, fatal := decodeAll(NewCSVDecoder(strings.NewReader(tt.in)))
		if fatal == nil || !strings.Contains(fatal.Error(), tt.want) || !errors.Is(fatal, ErrHeader) {
			t.Errorf("header %.40q: fatal %v, want %q", tt.in, fatal, tt.want)
		}
	}
}

// TestHostileInput feeds inputs meant to exhaust memory or crash a
// decoder. Each must end in errors for the bad records only, with the good
// records around them kept.
func TestHostileInput(t *testing.T) {
	good := func(id string) string {
		return id + ",2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\n"
	}
	huge := strings.Repeat("A", 5<<20)
	tests := []struct {
		name string
		in   string
		code string
	}{
		{"5 MB field", canonicalHeader + good("a") + "b,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\"" + huge + "\"\n" + good("c"), "malformed"},
		{"unbalanced quote", canonicalHeader + good("a") + "b,\"2025\n" + good("c"), "malformed"},
		{"invalid UTF-8", canonicalHeader + good("a") + "b,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\xff\xfe bad\n" + good("c"), "invalid-utf8"},
		{"a million columns", canonicalHeader + good("a") + strings.Repeat(",", 1<<20) + "\n" + good("c"), "malformed"},
		{"NUL bytes", canonicalHeader + good("a") + "\x00\x00\x00\n" + good("c"), "field-count"},
	}
	for _, tt := range tests {
		d := NewCSVDecoder(strings.NewReader(tt.in))
		d.Validator = &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		ok, bad, fatal := decodeAll(d)
		if fatal != nil || len(ok) != 2 || ok[0].ID != "a" || ok[1].ID != "c" || len(bad) != 1 || Code(bad[0]) != tt.code {
			t.Errorf("%s: accepted %d, errors %v, fatal %v", tt.name, len(ok), bad, fatal)
		}
	}
	ndjson := `{"id":"a","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","answers":{"recommend":9}}` + "\n"
	nd := []struct {
		name, line, code string
	}{
		{"huge line", `{"id":"` + huge + `"}`, "malformed"},
		{"not an object", `[1,2,3]`, "malformed"},
		{"truncated", `{"id":"b","answers":{"recommend":`, "malformed"},
		{"repeated key", `{"id":"b","id":"c"}`, "malformed"},
		{"wrong types", `{"id":7,"submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","answers":{"recommend":"x","access":[1]}}`, "syntax"},
		{"invalid UTF-8", "{\"id\":\"b\xff\",\"submitted\":\"2025-03-14T09:30:00+02:00\",\"instrument\":\"thl-adult/2022\",\"answers\":{\"recommend\":9}}", "invalid-utf8"},
	}
	for _, tt := range nd {
		d := NewNDJSONDecoder(strings.NewReader(ndjson + tt.line + "\n" + strings.Replace(ndjson, `"a"`, `"c"`, 1)))
		d.Validator = &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		ok, bad, fatal := decodeAll(d)
		if fatal != nil || len(ok) != 2 || len(bad) != 1 || Code(bad[0]) != tt.code || bad[0].Line != 2 {
			t.Errorf("NDJSON %s: accepted %d, errors %v, fatal %v", tt.name, len(ok), bad, fatal)
		}
	}
}

func TestSummary(t *testing.T) {
	in := canonicalHeader +
		"a,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,5,,,,,,,\n" +
		"b,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,11,5,,,,,,,\n" +
		"c,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,fax,client,fi,12,,,,,,,,\n" +
		"d,2025-03-14T09:30:00+02:00\n"
	d := NewCSVDecoder(strings.NewReader(in))
	d.Validator = &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), KeepValidAnswers: true}
	decodeAll(d)
	s := d.Summary()
	want := "read 4 rows: 2 accepted (1 partly), 2 rejected (field-count 1, out-of-range 1, unknown-channel 1)"
	if s.String() != want {
		t.Errorf("summary %q\n want %q", s.String(), want)
	}
	if s.DroppedBy["out-of-range"] != 1 {
		t.Errorf("dropped %v", s.DroppedBy)
	}
}

// sameResponses compares responses by their canonical JSON, so times
// compare by instant and offset rather than by *time.Location pointer.
func sameResponses(a, b []Response) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func encodeCSV(t testing.TB, rs []Response, own ...string) []byte {
	var b bytes.Buffer
	e := NewCSVEncoder(&b)
	e.Own = own
	for _, r := range rs {
		if err := e.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeNDJSON(t testing.TB, rs []Response) []byte {
	var b bytes.Buffer
	e := NewNDJSONEncoder(&b)
	for _, r := range rs {
		if err := e.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func sampleResponses(t testing.TB) []Response {
	helsinki := time.FixedZone("", 2*3600)
	return []Response{
		{ID: "r1", Submitted: time.Date(2025, 3, 14, 9, 30, 0, 0, helsinki), Served: time.Date(2025, 3, 13, 14, 0, 0, 0, helsinki),
			Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}, Region: "pohjanmaa", Provider: "p1", Unit: "ut", Service: "s1",
			Channel: ChannelSMS, Role: RoleClient, Lang: 1, Answers: Answers{{"recommend", 9}, {"access", 0}, {"mother-tongue", 5}},
			Comment: "Hyvä, \"erinomainen\"\r\nkiitos\n=SUM(A1)"},
		{ID: "=cmd|' /C calc'!A0", Submitted: time.Date(2025, 3, 14, 9, 31, 0, 123000000, time.UTC),
			Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}, Unit: "ut", Answers: Answers{{"safety", 3}}},
	}
}

func TestRoundTrip(t *testing.T) {
	in := sampleResponses(t)
	v := fixture(t)
	v.Orgs = nil
	for _, format := range []string{"CSV", "NDJSON"} {
		var d *Decoder
		if format == "CSV" {
			d = NewCSVDecoder(bytes.NewReader(encodeCSV(t, in, "mother-tongue")))
		} else {
			d = NewNDJSONDecoder(bytes.NewReader(encodeNDJSON(t, in)))
		}
		d.Validator = v
		out, bad, fatal := decodeAll(d)
		if fatal != nil || len(bad) > 0 {
			t.Fatalf("%s: %v %v", format, bad, fatal)
		}
		if !sameResponses(in, out) {
			a, _ := json.Marshal(in)
			b, _ := json.Marshal(out)
			t.Errorf("%s round trip changed the responses:\n%s\n%s", format, a, b)
		}
	}
}

func TestCSVEncoder(t *testing.T) {
	in := sampleResponses(t)
	var b bytes.Buffer
	e := NewCSVEncoder(&b)
	if err := e.Encode(in[0]); err == nil || !strings.Contains(err.Error(), `item "mother-tongue" has no column`) {
		t.Errorf("unknown column: %v", err)
	}
	b.Reset()
	e = NewCSVEncoder(&b)
	e.Own, e.ForPeople = []string{"mother-tongue"}, true
	for _, r := range in {
		e.Encode(r)
	}
	e.Flush()
	out := b.String()
	if !strings.Contains(out, `'=cmd|' /C calc'!A0`) || !strings.Contains(out, "\n=SUM(A1)") {
		t.Errorf("formula cells not neutralised as expected:\n%s", out)
	}
	for _, tt := range [][2]string{{"=1+1", "'=1+1"}, {"+358", "'+358"}, {"-", "'-"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"\rx", "'\rx"}, {"ok=1", "ok=1"}, {"", ""},
		// Invisible or dropped characters before the sign, and full-width signs.
		{"\n=1+1", "'\n=1+1"}, {" =1", "' =1"}, {"\u200b=1", "'\u200b=1"}, {"\ufeff=1", "'\ufeff=1"},
		{"\uff1dSUM(A1)", "'\uff1dSUM(A1)"}, {"\uff0b1", "'\uff0b1"}, {"\uff20x", "'\uff20x"}, {"\u00a0\u2060-1", "'\u00a0\u2060-1"},
		{"  hyvä", "  hyvä"}, {"\u200b", "\u200b"}, {"a=", "a="}} {
		if got := NeutralizeFormula(tt[0]); got != tt[1] {
			t.Errorf("NeutralizeFormula(%q) = %q, want %q", tt[0], got, tt[1])
		}
	}
}

func TestEnumsAndContact(t *testing.T) {
	for _, c := range Channels() {
		var back Channel
		b, _ := c.MarshalText()
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("channel %v round trip: %v %v", c, back, err)
		}
	}
	if _, err := ParseChannel("fax"); !errors.Is(err, ErrUnknownChannel) {
		t.Error(err)
	}
	if _, err := ParseRole("nurse"); !errors.Is(err, ErrUnknownRole) {
		t.Error(err)
	}
	if _, err := Channel(99).MarshalText(); err == nil {
		t.Error("invalid channel marshalled")
	}
	s := Submission{Contact: &Contact{Name: "Maija Meikäläinen", Phone: "040 123 4567", Email: "maija@example.fi"}}
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		if out := fmt.Sprintf(f, s); strings.Contains(out, "Maija") || strings.Contains(out, "040") {
			t.Errorf("%s prints contact details: %s", f, out)
		}
	}
	var a Answers
	if err := json.Unmarshal([]byte(`{"recommend":9,"access":null,"safety":0}`), &a); err != nil || len(a) != 2 {
		t.Errorf("answers %v %v", a, err)
	}
	for _, bad := range []string{`{"a":1,"a":2}`, `{"a":1.5}`, `[1]`, `{"a":"x"}`} {
		if err := json.Unmarshal([]byte(bad), &a); err == nil {
			t.Errorf("answers %s accepted", bad)
		}
	}
	a.Set("x", 1)
	a.Set("x", 2)
	if v, _ := a.Get("x"); v != 2 {
		t.Error("Set")
	}
	a.Delete("x")
	if _, ok := a.Get("x"); ok {
		t.Error("Delete")
	}
}

func TestIOError(t *testing.T) {
	r := io.MultiReader(strings.NewReader(canonicalHeader), &failReader{})
	_, _, fatal := decodeAll(NewCSVDecoder(r))
	if fatal == nil || !strings.Contains(fatal.Error(), "disk on fire") {
		t.Errorf("I/O error not reported: %v", fatal)
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestMisspelledColumns: a column that resembles a known one whose column
// is absent would lose all its values without a word; it must be an error
// that names what was probably meant, in both read paths, while extra
// columns that resemble nothing (or whose lookalike is present) are only
// listed as ignored.
func TestMisspelledColumns(t *testing.T) {
	row := "a,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u1,s,sms,client,fi,9,4,x\n"
	tests := []struct {
		header string
		want   string // "" means read, with the last column ignored
	}{
		{"id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,acess,notes\n", `given "acess" (want column "access"?`},
		{"id,submitted,instrument,region,provider,Unit,service,channel,role,lang,recommend,access,notes\n", `given "Unit" (want column "unit"?`},
		{"id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,safety,infromation\n", `given "infromation" (want column "information"?`},
		{"id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,access,Use_fulness\n", `given "Use_fulness" (want column "usefulness"?`},
		{"id,submited,instrument,region,provider,unit,service,channel,role,lang,recommend,access,notes\n", `given "submited" (want column "submitted"?`},
		{"id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,access,notes\n", ""},
		{"id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,access,units\n", ""}, // "unit" is there
		{"id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,access,q7\n", ""},
	}
	for _, tt := range tests {
		in := []byte(tt.header + row)
		for _, asFile := range []bool{true, false} {
			var r io.Reader = bytes.NewReader(in)
			if !asFile {
				r = io.MultiReader(r) // a stream
			}
			ok, bad, fatal := decodeAll(NewCSVDecoder(r))
			if tt.want == "" {
				if fatal != nil || len(ok) != 1 || len(bad) != 0 {
					t.Errorf("%q (file %v): accepted %d, %v, fatal %v", tt.header, asFile, len(ok), bad, fatal)
				}
				continue
			}
			if fatal == nil || !errors.Is(fatal, ErrHeader) || !strings.Contains(fatal.Error(), tt.want) {
				t.Errorf("%q (file %v): fatal %v, want %q", tt.header, asFile, fatal, tt.want)
			}
		}
	}
	// Mapped to the name meant, or to "" to ignore it on purpose.
	header := "id,submitted,instrument,region,provider,unit,service,channel,role,lang,recommend,acess,notes\n"
	d := NewCSVDecoder(strings.NewReader(header + row))
	d.Mapping.Columns = map[string]string{"acess": "access"}
	ok, _, fatal := decodeAll(d)
	if fatal != nil || len(ok) != 1 || len(ok[0].Answers) != 2 {
		t.Errorf("mapped: %+v, %v", ok, fatal)
	}
	d = NewCSVDecoder(strings.NewReader(header + row))
	d.Mapping.Columns = map[string]string{"acess": ""}
	ok, _, fatal = decodeAll(d)
	if fatal != nil || len(ok) != 1 || len(ok[0].Answers) != 1 || !slices.Contains(d.Summary().IgnoredColumns, "acess") {
		t.Errorf("ignored on purpose: %+v, %v, %v", ok, fatal, d.Summary())
	}

	// NDJSON: a top-level key resembling a metadata field that the record
	// lacks, or an item (answers belong in "answers"), rejects the record
	// with the reason; the records around it are kept.
	good := `{"id":"a","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","unit":"u1","answers":{"recommend":9}}`
	for _, tt := range []struct{ line, want string }{
		{`{"id":"b","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","unti":"u1","answers":{"recommend":9}}`, `field unti: unknown field resembling a known one (want "unit"?`},
		{`{"id":"b","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","access":4,"answers":{"recommend":9}}`, `field access: unknown field resembling a known one (want answers inside "answers": {"access": …}`},
	} {
		in := []byte(good + "\n" + tt.line + "\n" + strings.Replace(good, `"a"`, `"c"`, 1) + "\n")
		for _, asFile := range []bool{true, false} {
			var r io.Reader = bytes.NewReader(in)
			if !asFile {
				r = io.MultiReader(r)
			}
			ok, bad, fatal := decodeAll(NewNDJSONDecoder(r))
			if fatal != nil || len(ok) != 2 || len(bad) != 1 || !strings.Contains(bad[0].Error(), tt.want) || Code(bad[0]) != "unknown-field" {
				t.Errorf("NDJSON %s (file %v): accepted %d, %v, fatal %v", tt.line, asFile, len(ok), bad, fatal)
			}
		}
	}
	// An extra key that resembles nothing, or a metadata field the record
	// has, is ignored and listed.
	d = NewNDJSONDecoder(strings.NewReader(strings.Replace(good, `"unit"`, `"units":"x","unit"`, 1) + "\n" + strings.Replace(good, `"a"`, `"c","source":"kiosk-7"`, 1) + "\n"))
	ok, bad, fatal := decodeAll(d)
	if fatal != nil || len(ok) != 2 || len(bad) != 0 || !slices.Equal(d.Summary().IgnoredColumns, []string{"source", "units"}) {
		t.Errorf("extra keys: accepted %d, %v, %v, %+v", len(ok), bad, fatal, d.Summary())
	}
}

// TestIgnoredKeysBounded: every NDJSON line may bring new keys; the
// summary lists a bounded number of them and counts the rest, the same
// in both read paths.
func TestIgnoredKeysBounded(t *testing.T) {
	var b strings.Builder
	for i := range 5000 {
		// Keys arrive from the largest down, so that the smallest must
		// replace the ones remembered first.
		fmt.Fprintf(&b, `{"id":"r%d","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","zz%05d":1,"answers":{"recommend":9}}`+"\n", i, 4999-i)
	}
	for _, asFile := range []bool{true, false} {
		var r io.Reader = strings.NewReader(b.String())
		if !asFile {
			r = io.MultiReader(r)
		}
		d := NewNDJSONDecoder(r)
		d.BlockSize = 64 << 10
		ok, _, fatal := decodeAll(d)
		s := d.Summary()
		if fatal != nil || len(ok) != 5000 || len(s.IgnoredColumns) != MaxIgnoredColumns || s.IgnoredColumns[0] != "zz00000" || s.IgnoredMore != 4096-MaxIgnoredColumns {
			t.Errorf("file %v: accepted %d, fatal %v, listed %d (first %q), more %d", asFile, len(ok), fatal, len(s.IgnoredColumns), s.IgnoredColumns[0], s.IgnoredMore)
		}
		if !strings.HasSuffix(s.String(), fmt.Sprintf("zz00063 and %d more", 4096-MaxIgnoredColumns)) {
			t.Errorf("summary %s", s)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"access", "access", 2, 0}, {"acess", "access", 2, 1}, {"acsess", "access", 2, 1},
		{"infromation", "information", 2, 1}, {"unti", "unit", 1, 1}, {"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, {"", "abc", 5, 3}, {"ääkkö", "aakkö", 3, 2}, {"ca", "abc", 3, 3},
	} {
		if got := editDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

// TestLineEndsAndMarks: lone-CR line ends and a doubled byte order mark
// are named as such, in both read paths, instead of surfacing as a
// missing column or a merged record with a puzzling field count.
func TestLineEndsAndMarks(t *testing.T) {
	good := func(id string) string {
		return id + ",2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\n"
	}
	rows := good("a") + good("b") + good("c")
	bigRows := strings.Repeat(good("x"), 20000) // past the 1 MiB record limit as one line
	read := func(in string, asFile bool, ndjson bool) ([]Response, []*RowError, error) {
		var r io.Reader = strings.NewReader(in)
		if !asFile {
			r = io.MultiReader(r)
		}
		var d *Decoder
		if ndjson {
			d = NewNDJSONDecoder(r)
		} else {
			d = NewCSVDecoder(r)
		}
		d.Validator = &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		return decodeAll(d)
	}
	for _, asFile := range []bool{true, false} {
		for name, in := range map[string]string{
			"lone CR":       strings.ReplaceAll(canonicalHeader+rows, "\n", "\r"),
			"lone CR, long": strings.ReplaceAll(canonicalHeader+bigRows, "\n", "\r"),
		} {
			_, _, fatal := read(in, asFile, false)
			if !errors.Is(fatal, ErrHeader) || !strings.Contains(fatal.Error(), "lone CR") {
				t.Errorf("%s (file %v): %v", name, asFile, fatal)
			}
		}
		_, _, fatal := read("\uFEFF\uFEFF"+canonicalHeader+rows, asFile, false)
		if !errors.Is(fatal, ErrHeader) || !strings.Contains(fatal.Error(), "byte order mark") {
			t.Errorf("two BOMs (file %v): %v", asFile, fatal)
		}
		// Rows ending in a lone CR inside an LF file: the merged record says
		// why, and the rows around it are kept.
		ok, bad, fatal := read(canonicalHeader+good("a")+strings.TrimSuffix(good("b"), "\n")+"\r"+good("c")+good("d"), asFile, false)
		if fatal != nil || len(ok) != 2 || len(bad) != 1 || bad[0].Line != 3 || !strings.Contains(bad[0].Error(), "lone CR") {
			t.Errorf("a lone CR row (file %v): accepted %d, %v, %v", asFile, len(ok), bad, fatal)
		}
		// NDJSON.
		nd := `{"id":"a","submitted":"2025-03-14T09:30:00+02:00","instrument":"thl-adult/2022","answers":{"recommend":9}}`
		ok, bad, fatal = read("\uFEFF\uFEFF"+nd+"\n"+strings.Replace(nd, `"a"`, `"b"`, 1)+"\n", asFile, true)
		if fatal != nil || len(ok) != 1 || len(bad) != 1 || bad[0].Line != 1 || !strings.Contains(bad[0].Error(), "byte order mark") {
			t.Errorf("NDJSON two BOMs (file %v): accepted %d, %v, %v", asFile, len(ok), bad, fatal)
		}
		ok, bad, fatal = read(nd+"\r"+strings.Replace(nd, `"a"`, `"b"`, 1)+"\n"+strings.Replace(nd, `"a"`, `"c"`, 1)+"\n", asFile, true)
		if fatal != nil || len(ok) != 1 || len(bad) != 1 || !strings.Contains(bad[0].Error(), "lone CR") {
			t.Errorf("NDJSON lone CR (file %v): accepted %d, %v, %v", asFile, len(ok), bad, fatal)
		}
	}
}

// TestProblemLogBounded: a quoted field of thousands of lines, each read
// as a bad record, writes the first problems and one count.
func TestProblemLogBounded(t *testing.T) {
	in := canonicalHeader + "a,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\"" +
		strings.Repeat("rivi, jossa on pilkku\n", 200_000) + "\"\n" +
		"b,2025-03-14T09:30:00+02:00,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\n"
	var out bytes.Buffer
	log := &ProblemLog{W: &out, Max: 20}
	d := NewCSVDecoder(strings.NewReader(in))
	d.Validator = &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err := Read(context.Background(), d, func() *collect { return &collect{} }, log.Add)
	require.NoError(t, err)
	require.NoError(t, log.Close())
	s := d.Summary()
	lines := strings.Count(out.String(), "\n")
	if lines != 21 || log.Omitted() != s.Rejected-20 || !strings.HasSuffix(out.String(), fmt.Sprintf("survey: %d more problems not shown (counted in the summary)\n", s.Rejected-20)) {
		t.Errorf("%d lines written for %d problems, %d omitted:\n%.300s", lines, s.Rejected, log.Omitted(), out.String())
	}
	if s.Accepted != 1 || s.Rejected < 200_000 {
		t.Errorf("summary %v", s)
	}
}
