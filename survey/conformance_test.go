package survey

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// fixture returns the validator the conformance table describes.
func fixture(t testing.TB) *Validator {
	t.Helper()
	orgs, err := NewOrgs([]OrgUnit{{"pohjanmaa", "p1", "u1"}, {"pohjanmaa", "p2", "u2"}, {"keski-suomi", "p3", "ut"}})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := catalogue.Default().NewTemplate(catalogue.TemplateSpec{
		ID: "ut", Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Statements: []string{"safety", "access"}, OpenFeedback: true,
		Own: []catalogue.OwnStatement{{ID: "mother-tongue", Scale: "agree-5", Texts: map[i18n.Lang]string{
			i18n.Finnish: "Sain palvelua äidinkielelläni.", i18n.Swedish: "Jag fick vård och service på mitt eget modersmål", i18n.English: "I was served in my mother tongue.",
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Validator{
		Orgs:      orgs,
		Templates: map[string]*catalogue.Template{"ut": tmpl},
		Now:       time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

var tableColumns = append(catalogue.Default().Columns(), "served", "mother-tongue")

type tableRecord struct {
	raw    string            // a literal CSV line, or
	fields map[string]string // a keyed row
}

type tableCase struct {
	name    string
	keep    bool
	records []tableRecord
	expect  map[int]string // line → "verdict problem problem…"
}

// splitQuoted splits KEY=VALUE pairs, where VALUE may be "quoted".
func splitQuoted(s string) (map[string]string, error) {
	out := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("no = in %q", s)
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`) + 1
			if end == 0 {
				return nil, fmt.Errorf("unclosed quote in %q", s)
			}
			val, s = rest[1:end], rest[end+1:]
		} else {
			val, s, _ = strings.Cut(rest, " ")
		}
		out[key] = val
	}
	return out, nil
}

func readTable(t *testing.T) []tableCase {
	f, err := os.Open("testdata/validation.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []tableCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		if word == "case" {
			cases = append(cases, tableCase{name: rest, expect: map[int]string{}})
			continue
		}
		if len(cases) == 0 {
			t.Fatalf("validation.txt:%d: %q before the first case", n, line)
		}
		c := &cases[len(cases)-1]
		switch word {
		case "policy":
			c.keep = rest == "keep"
		case "raw":
			c.records = append(c.records, tableRecord{raw: rest})
		case "row":
			m, err := splitQuoted(rest)
			if err != nil {
				t.Fatalf("validation.txt:%d: %v", n, err)
			}
			c.records = append(c.records, tableRecord{fields: m})
		case "expect":
			num, outcome, _ := strings.Cut(rest, " ")
			l, err := strconv.Atoi(num)
			if err != nil {
				t.Fatalf("validation.txt:%d: bad line number", n)
			}
			c.expect[l] = outcome
		default:
			t.Fatalf("validation.txt:%d: unknown word %q", n, word)
		}
	}
	return cases
}

func (r tableRecord) value(col string, line int) string {
	defaults := map[string]string{"instrument": "thl-adult/2022", "region": "pohjanmaa", "provider": "p1", "unit": "u1", "service": "s1",
		"channel": "sms", "role": "client", "lang": "fi", "submitted": "2025-03-14T09:30:00+02:00", "id": "r" + strconv.Itoa(line)}
	if v, ok := r.fields[col]; ok {
		return v
	}
	return defaults[col]
}

func (c tableCase) csv(t *testing.T) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(tableColumns)
	w.Flush()
	for i, r := range c.records {
		if r.raw != "" {
			b.WriteString(r.raw + "\n")
			continue
		}
		var rec []string
		for _, col := range tableColumns {
			rec = append(rec, r.value(col, i+2))
		}
		w.Write(rec)
		w.Flush()
	}
	return b.Bytes()
}

// ndjson writes the keyed rows as NDJSON (line = CSV line - 1).
func (c tableCase) ndjson() []byte {
	var b bytes.Buffer
	for i, r := range c.records {
		obj := map[string]any{}
		answers := map[string]any{}
		for _, col := range tableColumns {
			v := r.value(col, i+2)
			if metaIndex(col) >= 0 {
				obj[col] = v
				continue
			}
			if v == "" {
				continue
			}
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				answers[col] = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
			} else {
				answers[col] = v
			}
		}
		obj["answers"] = answers
		line, _ := json.Marshal(obj)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// outcome describes what the decoder yielded for one record, in the
// table's words.
func outcome(err error) string {
	if err == nil {
		return "accepted"
	}
	var re *RowError
	if !errors.As(err, &re) {
		return "fatal " + err.Error()
	}
	verdict := "partial"
	if re.Rejected {
		verdict = "rejected"
	}
	var ps []string
	for _, p := range re.Problems() {
		s := Code(p)
		if where := p.Field + p.Item; where != "" {
			s += "@" + where
		}
		if p.Value != "" {
			s += "=" + p.Value
		}
		ps = append(ps, s)
	}
	slices.Sort(ps)
	return strings.Join(append([]string{verdict}, ps...), " ")
}

func normalize(expect string) string {
	f := strings.Fields(expect)
	slices.Sort(f[1:])
	return strings.Join(f, " ")
}

func TestConformance(t *testing.T) {
	cases := readTable(t)
	if len(cases) < 10 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		v := fixture(t)
		v.KeepValidAnswers = c.keep
		run := func(format string, d *Decoder, offset int) {
			d.Validator = v
			got := map[int]string{} // by CSV line
			prev := 1
			for r, err := range d.All() {
				l := r.lineHint(prev + 1) // the table's records are one line each
				prev = l
				var re *RowError
				if errors.As(err, &re) {
					l = re.Line - offset
					prev = l
				}
				got[l] = outcome(err)
			}
			for l, want := range c.expect {
				if g := got[l]; g != normalize(want) {
					t.Errorf("%s, %s, line %d:\n got %s\nwant %s", c.name, format, l, g, normalize(want))
				}
			}
			if len(got) != len(c.expect) {
				t.Errorf("%s, %s: %d records yielded, table expects %d: %v", c.name, format, len(got), len(c.expect), got)
			}
		}
		run("CSV", NewCSVDecoder(bytes.NewReader(c.csv(t))), 0)
		if !slices.ContainsFunc(c.records, func(r tableRecord) bool { return r.raw != "" }) {
			run("NDJSON", NewNDJSONDecoder(bytes.NewReader(c.ndjson())), -1)
		}
	}
}

// lineHint returns the line of an accepted record: the decoder reports
// lines only in errors, so the table's IDs (r<line>) tell it where
// possible.
func (r Response) lineHint(fallback int) int {
	if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "r")); err == nil && strings.HasPrefix(r.ID, "r") {
		return n
	}
	return fallback
}
