package survey

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/stretchr/testify/require"
)

func base() Response {
	return Response{ID: "r1", Submitted: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC),
		Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}, Unit: "u1",
		Answers: Answers{{"recommend", 9}, {"access", 5}}}
}

func TestValidate(t *testing.T) {
	v := &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if kept, ok, err := v.Validate(base()); !ok || err != nil || len(kept.Answers) != 2 {
		t.Fatalf("valid response: %v %v %v", kept, ok, err)
	}
	r := base()
	r.Answers = append(r.Answers, Answer{"access", 4}, Answer{"comment", 1}, Answer{"kindness", 3}, Answer{"safety", 9})
	r.Channel, r.Role = Channel(42), Role(7)
	_, ok, err := v.Validate(r)
	if ok {
		t.Fatal("accepted")
	}
	for _, want := range []error{ErrDuplicateAnswer, ErrUnknownItem, ErrOutOfRange, ErrUnknownChannel, ErrUnknownRole} {
		if !errors.Is(err, want) {
			t.Errorf("error does not wrap %v:\n%v", want, err)
		}
	}
	if n := len(Problems(err)); n != 6 {
		t.Errorf("%d problems, want 6 (one per problem):\n%v", n, err)
	}
	// Keep the valid answers: the first access answer and recommend stay.
	r = base()
	r.Answers = append(r.Answers, Answer{"safety", 9})
	v.KeepValidAnswers = true
	kept, ok, err := v.Validate(r)
	if !ok || !errors.Is(err, ErrOutOfRange) || len(kept.Answers) != 2 || len(r.Answers) != 3 {
		t.Errorf("keep: %v %v %v (input %v)", kept.Answers, ok, err, r.Answers)
	}
	// An invalid comment is dropped under the keep policy.
	r = base()
	r.Comment = "bad \xff"
	kept, ok, err = v.Validate(r)
	if !ok || kept.Comment != "" || !errors.Is(err, ErrInvalidUTF8) {
		t.Errorf("invalid comment: %q %v %v", kept.Comment, ok, err)
	}
	// Clock skew: 4 minutes ahead is fine by default, 6 are not.
	v = &Validator{Now: time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC)}
	if _, ok, err := v.Validate(base()); !ok {
		t.Errorf("4 minutes of skew: %v", err)
	}
	v.Now = v.Now.Add(-2 * time.Minute)
	if _, _, err := v.Validate(base()); !errors.Is(err, ErrFuture) {
		t.Errorf("6 minutes of skew: %v", err)
	}
	v.MaxClockSkew = 10 * time.Minute
	if _, ok, _ := v.Validate(base()); !ok {
		t.Error("MaxClockSkew ignored")
	}
}

// problemSentinels lists the problems of package survey; TestMessages
// checks against the source that none is missing.
var problemSentinels = map[string]error{
	"ErrMissing": ErrMissing, "ErrSyntax": ErrSyntax, "ErrInvalidUTF8": ErrInvalidUTF8, "ErrMalformed": ErrMalformed,
	"ErrFieldCount": ErrFieldCount, "ErrDuplicateKey": ErrDuplicateKey, "ErrUnknownInstrument": ErrUnknownInstrument,
	"ErrUnknownItem": ErrUnknownItem, "ErrNotInTemplate": ErrNotInTemplate, "ErrOutOfRange": ErrOutOfRange,
	"ErrDuplicateAnswer": ErrDuplicateAnswer, "ErrEmpty": ErrEmpty, "ErrFuture": ErrFuture,
	"ErrBeforeInstrument": ErrBeforeInstrument, "ErrServedAfterSubmitted": ErrServedAfterSubmitted,
	"ErrUnknownChannel": ErrUnknownChannel, "ErrUnknownRole": ErrUnknownRole, "ErrUnknownLang": ErrUnknownLang,
	"ErrUnknownUnit": ErrUnknownUnit, "ErrOrgMismatch": ErrOrgMismatch, "ErrDuplicateID": ErrDuplicateID,
	"ErrHeader": ErrHeader, "ErrUnknownField": ErrUnknownField, "ErrOtherForm": ErrOtherForm, "ErrMoreProblems": ErrMoreProblems,
}

func TestMessages(t *testing.T) {
	// Every problem declared in errors.go is in the list above.
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	require.NoError(t, err)
	ast.Inspect(f, func(n ast.Node) bool {
		if v, ok := n.(*ast.ValueSpec); ok {
			for _, id := range v.Names {
				if _, listed := problemSentinels[id.Name]; strings.HasPrefix(id.Name, "Err") && !listed {
					t.Errorf("%s is not in problemSentinels", id.Name)
				}
			}
		}
		return true
	})
	seen := map[string]string{}
	for name, err := range problemSentinels {
		code := Code(&ValidationError{Err: fmt.Errorf("wrapped: %w", err)})
		if code == "" || seen[code] != "" {
			t.Errorf("%s: code %q (also %s)", name, code, seen[code])
		}
		seen[code] = name
		for _, l := range i18n.Complete() {
			if s, ok := messages()[code][l.String()]; !ok || s == "" {
				t.Errorf("no %s message for %s", l, code)
			}
		}
	}
	// Shared sentinels are the same value, as os.ErrNotExist is fs.ErrNotExist.
	if ErrUnknownItem != catalogue.ErrUnknownItem || ErrUnknownInstrument != catalogue.ErrUnknownInstrument || ErrUnknownLang != i18n.ErrUnknownLang {
		t.Error("shared sentinels differ")
	}
	for _, k := range []string{"line", "response", "field", "item", "given", "want"} {
		for _, l := range i18n.Complete() {
			if messages()[k][l.String()] == "" {
				t.Errorf("no %s phrase %q", l, k)
			}
		}
	}
	e := &ValidationError{Line: 7, ID: "r-12", Item: "access", Value: "6", Want: "1–5, 0", Err: ErrOutOfRange}
	tests := map[i18n.Lang]string{
		i18n.Finnish:   `rivi 7, vastaus "r-12", kysymys access: arvo ei ole kysymyksen asteikolla: annettu "6" (odotettiin 1–5, 0)`,
		i18n.Swedish:   `rad 7, svar "r-12", fråga access: värdet finns inte på frågans skala: angivet "6" (förväntat 1–5, 0)`,
		i18n.English:   `line 7, response "r-12", item access: value outside the item's scale: given "6" (want 1–5, 0)`,
		i18n.NorthSami: `line 7, response "r-12", item access: value outside the item's scale: given "6" (want 1–5, 0)`,
	}
	for l, want := range tests {
		if got := e.Message(l); got != want {
			t.Errorf("%s:\n got %s\nwant %s", l, got, want)
		}
	}
	if e.Error() != tests[i18n.English] {
		t.Error("Error() is not the English message")
	}
}

func TestOrgs(t *testing.T) {
	if _, err := NewOrgs([]OrgUnit{{Unit: "a"}, {Unit: "a"}, {Region: "x"}}); err == nil || !strings.Contains(err.Error(), `"a" given twice`) || !strings.Contains(err.Error(), "no unit code") {
		t.Errorf("NewOrgs errors: %v", err)
	}
	o, _ := NewOrgs([]OrgUnit{{"r", "p", "b"}, {"r", "p", "a"}})
	if u := o.Units(); len(u) != 2 || u[0].Unit != "b" {
		t.Errorf("Units order %v", u)
	}
}

func TestIsNonAnswer(t *testing.T) {
	for _, s := range []string{"", "-", " ... ", "Ei.", "ei mitään!", "EI  MITÄÄN", "Inget att tillägga.", "nothing", "No comment", "n/a", "–"} {
		if !IsNonAnswer(s) {
			t.Errorf("%q should be a non-answer", s)
		}
	}
	for _, s := range []string{"Ei valittamista, kiitos!", "Hyvä", "no waiting at all", "Inget att klaga på", "10/10"} {
		if IsNonAnswer(s) {
			t.Errorf("%q is a comment", s)
		}
	}
}

// TestProblemsAndUnwrap checks that the problems of a record can be listed
// and matched however the error reached the caller: joined, wrapped again,
// or as a RowError; and that errors.Is sees every problem of a RowError,
// including the sentinels shared with package catalogue.
func TestProblemsAndUnwrap(t *testing.T) {
	csv := "id,submitted,instrument,unit,channel,role,lang,recommend,access,nosuch\n" +
		"r1,2025-03-14T09:30:00+02:00,thl-adult/2022,u1,fax,client,fi,11,7,\n" +
		"r2,2025-03-14T09:30:00+02:00,thl-adult/2022,u1,sms,client,fi,9,4,\n"
	dec := NewCSVDecoder(strings.NewReader(csv))
	var rowErrs []*RowError
	var kept int
	for r, err := range dec.All() {
		var re *RowError
		if errors.As(err, &re) {
			rowErrs = append(rowErrs, re)
			continue
		}
		if err == nil && r.ID == "r2" {
			kept++
		}
	}
	require.Equal(t, 1, kept, "the good row after the bad one is kept")
	require.NotEmpty(t, rowErrs)
	var re *RowError
	for _, e := range rowErrs {
		if e.Line == 2 {
			re = e
		}
	}
	require.NotNil(t, re, "row 2 reported: %v", rowErrs)
	want := []string{"unknown-channel", "out-of-range", "out-of-range"}
	var got []string
	for _, p := range Problems(fmt.Errorf("reading the export: %w", re)) {
		got = append(got, Code(p))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("codes of row 2 (-want +got):\n%s", d)
	}
	for _, s := range []error{ErrUnknownChannel, ErrOutOfRange} {
		if !errors.Is(re, s) {
			t.Errorf("errors.Is(rowError, %v) is false", s)
		}
	}
	var ve *ValidationError
	require.True(t, errors.As(re, &ve))
	require.Equal(t, len(re.Unwrap()), len(re.Problems()))
	require.Empty(t, Problems(nil))

	// A sentinel shared with catalogue matches either package's name.
	v := &Validator{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, _, err := v.Validate(Response{ID: "x", Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Submitted: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Answers: Answers{{Item: "no-such-item", Value: 1}}})
	if !errors.Is(err, catalogue.ErrUnknownItem) || !errors.Is(err, ErrUnknownItem) || Code(err) != "unknown-item" {
		t.Errorf("unknown item: %v (code %q)", err, Code(err))
	}
}
