package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// randomSubmission fills a template's items at random: some unanswered,
// can't-say included, metadata and comment sometimes, a contact request
// sometimes. Answers are in template order, as an import gives them.
func randomSubmission(rng *rand.Rand, unit string, tmpl *catalogue.Template, n int) survey.Submission {
	zone := time.FixedZone("", (rng.IntN(55)-27)*1800) // −13:30 … +13:30, half hours too
	submitted := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(700 * 24 * time.Hour)))).In(zone)
	if rng.IntN(3) == 0 {
		submitted = submitted.Add(time.Duration(rng.IntN(1e9))) // fractional seconds
	}
	r := survey.Response{
		ID:         fmt.Sprintf("r-%d", n),
		Submitted:  submitted,
		Instrument: tmpl.Instrument().Ref(),
		Unit:       unit,
	}
	if rng.IntN(2) == 0 {
		r.Served = submitted.Add(-time.Duration(rng.IntN(72)) * time.Hour)
		r.Region, r.Provider, r.Service = "pohjanmaa", "vasa-stad", "T"+fmt.Sprint(rng.IntN(99))
		r.Channel = survey.Channels()[rng.IntN(len(survey.Channels()))]
		r.Role = survey.Role(1 + rng.IntN(2))
		r.Lang = tmpl.Langs()[rng.IntN(len(tmpl.Langs()))]
	}
	for _, it := range tmpl.Items() {
		if rng.IntN(4) == 0 {
			continue
		}
		if it.Scale().Kind() == catalogue.KindNone {
			comments := []string{"Kiitos!", "Tack för allt \"bra\" bemötande.\r\nMen väntetiden…", "<b>hi</b> & 'quotes' \\ \u2028", "   spaces   "}
			r.Comment = comments[rng.IntN(len(comments))]
			continue
		}
		opts := it.Scale().Options()
		r.Answers = append(r.Answers, survey.Answer{Item: it.ID(), Value: opts[rng.IntN(len(opts))]})
	}
	if len(r.Answers) == 0 {
		r.Answers = survey.Answers{{Item: "recommend", Value: rng.IntN(11)}}
	}
	s := survey.Submission{Response: r}
	if rng.IntN(4) == 0 {
		s.Contact = &survey.Contact{Name: "Maija Meikäläinen", Email: "maija@example.fi"}
	}
	return s
}

// TestRoundTrip: template → Questionnaire → QuestionnaireResponse filled
// from a response → JSON → import gives the same submission, for both
// templates, every language and a thousand random responses.
func TestRoundTrip(t *testing.T) {
	v := validator(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, contact := range []bool{false, true} {
		im := &Importer{Validator: v, Options: Options{Contact: contact}}
		for unit, tmpl := range v.Templates {
			for _, l := range tmpl.Langs() {
				q, err := NewQuestionnaire(tmpl, Options{Lang: l, Contact: contact})
				require.NoError(t, err)
				for n := range 100 {
					want := randomSubmission(rng, unit, tmpl, n)
					if !contact {
						want.Contact = nil
					}
					qr, err := NewResponse(q, want, Options{})
					require.NoError(t, err)
					require.NoError(t, CheckResponse(qr))
					data, err := json.Marshal(qr)
					require.NoError(t, err)
					got, err := im.Import(data)
					require.NoError(t, err, "%s", data)
					if diff := cmp.Diff(want, got, equalSubmission); diff != "" {
						t.Fatalf("%s %s: round trip (-want +got):\n%s\n%s", unit, l, diff, data)
					}
				}
			}
		}
	}
}

// response is the golden QuestionnaireResponse as a generic JSON value,
// for tests to break.
func response(t testing.TB) map[string]any {
	t.Helper()
	q, err := NewQuestionnaire(template(t, goldenSpec), Options{Lang: i18n.Swedish, Contact: true})
	require.NoError(t, err)
	qr, err := NewResponse(q, goldenSubmission(), Options{})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(marshal(t, qr), &m))
	return m
}

// item returns the response item with the link ID.
func item(m map[string]any, linkID string) map[string]any {
	for _, it := range m["item"].([]any) {
		if it := it.(map[string]any); it["linkId"] == linkID {
			return it
		}
	}
	panic(linkID)
}

func coding(m map[string]any, linkID string) map[string]any {
	return item(m, linkID)["answer"].([]any)[0].(map[string]any)["valueCoding"].(map[string]any)
}

// problem is an expected problem: its code and where it is.
type problem struct{ Code, Item, Field string }

func problemsOf(err error) []problem {
	var out []problem
	for _, p := range survey.Problems(err) {
		out = append(out, problem{survey.Code(p), p.Item, p.Field})
	}
	return out
}

// TestImportProblems breaks the golden response one way at a time, as a
// careless or hostile client would, and checks that the import reports
// exactly that problem, at the link ID or element, and rejects or keeps
// the response as the validator's policy says.
func TestImportProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(m map[string]any)
		want   []problem
		keep   bool // accepted with KeepValidAnswers
	}{
		{"other questionnaire", func(m map[string]any) {
			m["questionnaire"] = "https://example.org/Questionnaire/phq-9|1"
		}, []problem{{"other-form", "", "questionnaire"}}, false},
		{"other version", func(m map[string]any) {
			m["questionnaire"] = strings.Split(m["questionnaire"].(string), "|")[0] + "|2022-2026.1-00000000"
		}, []problem{{"other-form", "", "questionnaire"}}, false},
		{"no version", func(m map[string]any) {
			m["questionnaire"] = strings.Split(m["questionnaire"].(string), "|")[0]
		}, []problem{{"other-form", "", "questionnaire"}}, false},
		{"no questionnaire", func(m map[string]any) { delete(m, "questionnaire") },
			[]problem{{"missing", "", "questionnaire"}}, false},
		{"not completed", func(m map[string]any) { m["status"] = "in-progress" },
			[]problem{{"malformed", "", "status"}}, false},
		{"status outside R4", func(m map[string]any) { m["status"] = "done" },
			[]problem{{"malformed", "", "status"}}, false},
		{"no time", func(m map[string]any) { delete(m, "authored") },
			[]problem{{"missing", "", "authored"}}, false},
		{"date without time", func(m map[string]any) { m["authored"] = "2025-03-14" },
			[]problem{{"syntax", "", "authored"}}, false},
		{"time in the future", func(m map[string]any) { m["authored"] = "2031-01-01T00:00:00Z" },
			[]problem{{"future", "", "authored"}}, false},
		{"unknown language", func(m map[string]any) { m["language"] = "de" },
			[]problem{{"unknown-lang", "", "language"}}, false},
		{"unknown channel", func(m map[string]any) {
			m["extension"].([]any)[4].(map[string]any)["valueCode"] = "fax"
		}, []problem{{"unknown-channel", "", "channel"}}, false},
		{"unit of another form", func(m map[string]any) {
			m["extension"].([]any)[2].(map[string]any)["valueString"] = "health-station"
		}, []problem{{"other-form", "", "unit"}}, false},
		{"modifier extension", func(m map[string]any) {
			m["modifierExtension"] = []any{map[string]any{"url": "https://example.org/negation", "valueBoolean": true}}
		}, []problem{{"malformed", "", "modifierExtension"}}, false},
		{"value off the scale", func(m map[string]any) { coding(m, "access")["code"] = "7" },
			[]problem{{"out-of-range", "access", ""}}, true},
		{"code of another system", func(m map[string]any) { coding(m, "access")["system"] = "http://loinc.org" },
			[]problem{{"syntax", "access", ""}}, true},
		{"code not a number", func(m map[string]any) { coding(m, "recommend")["code"] = "nine" },
			[]problem{{"syntax", "recommend", ""}}, true},
		{"code with a sign", func(m map[string]any) { coding(m, "recommend")["code"] = "+9" },
			[]problem{{"syntax", "recommend", ""}}, true},
		{"string for a choice", func(m map[string]any) {
			item(m, "access")["answer"] = []any{map[string]any{"valueString": "4"}}
		}, []problem{{"syntax", "access", ""}}, true},
		{"date for a choice", func(m map[string]any) {
			item(m, "access")["answer"] = []any{map[string]any{"valueDate": "2025-01-01"}}
		}, []problem{{"syntax", "access", ""}}, true},
		{"two answers", func(m map[string]any) {
			a := item(m, "access")["answer"].([]any)
			item(m, "access")["answer"] = append(a, a[0])
		}, []problem{{"duplicate-answer", "access", ""}}, true},
		{"item twice", func(m map[string]any) {
			m["item"] = append(m["item"].([]any), item(m, "access"))
		}, []problem{{"duplicate-answer", "access", ""}}, true},
		{"statement not in the template", func(m map[string]any) {
			it := map[string]any{"linkId": "encounter", "answer": []any{map[string]any{"valueCoding": map[string]any{"code": "5"}}}}
			m["item"] = append(m["item"].([]any), it)
		}, []problem{{"not-in-template", "encounter", ""}}, true},
		{"unknown item", func(m map[string]any) {
			m["item"] = append(m["item"].([]any), map[string]any{"linkId": "phq-9-1", "answer": []any{map[string]any{"valueInteger": 2}}})
		}, []problem{{"unknown-item", "phq-9-1", ""}}, true},
		{"extensions of other systems accepted", func(m map[string]any) {
			m["extension"] = append(m["extension"].([]any),
				map[string]any{"url": "http://example.org/kiosk-battery", "valueInteger": 87},
				map[string]any{"url": "http://example.org/offline", "valueBoolean": true})
		}, nil, false},
		{"integer answer accepted", func(m map[string]any) {
			item(m, "recommend")["answer"] = []any{map[string]any{"valueInteger": 9}}
		}, nil, false},
		{"answer with nested items", func(m map[string]any) {
			item(m, "access")["answer"].([]any)[0].(map[string]any)["item"] = []any{map[string]any{"linkId": "x"}}
		}, []problem{{"malformed", "access", ""}}, true},
		{"comment not a string", func(m map[string]any) {
			item(m, "comment")["answer"] = []any{map[string]any{"valueInteger": 3}}
		}, []problem{{"syntax", "comment", ""}}, true},
		{"comment with bad UTF-8", func(m map[string]any) {
			item(m, "comment")["answer"] = []any{map[string]any{"valueString": "ok \xff"}}
		}, nil, false}, // encoding/json replaces invalid UTF-8 with U+FFFD
		{"no answers at all", func(m map[string]any) { delete(m, "item") },
			[]problem{{"empty", "", ""}}, false},
		{"unknown contact field", func(m map[string]any) {
			g := item(m, ContactGroup)
			g["item"] = append(g["item"].([]any), map[string]any{"linkId": "palaute.contact.ssn", "answer": []any{map[string]any{"valueString": "010101-123A"}}})
		}, []problem{{"unknown-item", "palaute.contact.ssn", ""}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := response(t)
			tc.break_(m)
			data, err := json.Marshal(m)
			require.NoError(t, err)
			for _, keep := range []bool{false, true} {
				v := validator(t)
				v.KeepValidAnswers = keep
				im := &Importer{Validator: v, Options: Options{Contact: true}}
				sub, err := im.Import(data)
				if diff := cmp.Diff(tc.want, problemsOf(err)); diff != "" {
					t.Fatalf("problems (-want +got):\n%s\nerror: %v", diff, err)
				}
				if tc.want == nil {
					continue
				}
				var re *survey.RowError
				require.ErrorAs(t, err, &re)
				if wantRejected := !(keep && tc.keep); re.Rejected != wantRejected {
					t.Errorf("KeepValidAnswers %v: rejected %v, want %v: %v", keep, re.Rejected, wantRejected, err)
				}
				for _, p := range re.Problems() {
					if p.ID != "r-2025-0314-0001" {
						t.Errorf("problem without the response ID: %v", p)
					}
					if p.Message(i18n.Swedish) == "" || strings.Contains(p.Message(i18n.Swedish), "%!") {
						t.Errorf("message: %q", p.Message(i18n.Swedish))
					}
				}
				// Personal data never reaches the response, whatever else
				// is wrong.
				if strings.Contains(fmt.Sprintf("%+v", sub.Response), "Maja") {
					t.Errorf("contact details in the response: %+v", sub.Response)
				}
				if !re.Rejected {
					_, ok, verr := v.Validate(sub.Response)
					require.True(t, ok, "kept response does not validate: %v", verr)
				}
			}
		})
	}
}

// TestPersonalElementsNeverRead: subject, author, source, encounter and
// contained resources may hold a person's identity; an import must not
// carry any of it into the response.
func TestPersonalElementsNeverRead(t *testing.T) {
	m := response(t)
	patient := map[string]any{"reference": "Patient/010190-123A", "display": "Matti Virtanen 010190-123A"}
	m["subject"], m["author"], m["source"] = patient, patient, patient
	m["encounter"] = map[string]any{"reference": "Encounter/visit-77", "display": "Matti Virtanen"}
	m["contained"] = []any{map[string]any{"resourceType": "Patient", "id": "p", "name": []any{map[string]any{"text": "Matti Virtanen"}}}}
	m["text"] = map[string]any{"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Matti Virtanen</div>"}
	data, err := json.Marshal(m)
	require.NoError(t, err)
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	sub, err := im.Import(data)
	require.NoError(t, err)
	if diff := cmp.Diff(goldenSubmission(), sub, equalSubmission); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	require.NoError(t, survey.NewNDJSONEncoder(&buf).Encode(sub.Response))
	for _, s := range []string{"Matti", "010190", "visit-77", "Maja"} {
		require.NotContains(t, buf.String(), s)
	}
}

// TestSharedTemplate: units sharing one template share its questionnaire,
// so the response must name its unit.
func TestSharedTemplate(t *testing.T) {
	tmpl := template(t, goldenSpec)
	v := &survey.Validator{Templates: map[string]*catalogue.Template{"unit-a": tmpl, "unit-b": tmpl}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	im := &Importer{Validator: v, Options: Options{Contact: true}}
	m := response(t)
	m["extension"].([]any)[2].(map[string]any)["valueString"] = "unit-b"
	data, _ := json.Marshal(m)
	sub, err := im.Import(data)
	require.NoError(t, err)
	require.Equal(t, "unit-b", sub.Response.Unit)

	m["extension"] = m["extension"].([]any)[3:] // no unit
	data, _ = json.Marshal(m)
	_, err = im.Import(data)
	require.Equal(t, []problem{{"missing", "", "unit"}}, problemsOf(err))
}

// bundle writes a Bundle of the golden response and n variants, pretty
// printed with CRLF line ends, and returns it with the line each entry
// starts on.
func bundle(t testing.TB, n int, breakAt int) ([]byte, []int) {
	var entries []any
	for i := range n {
		m := response(t)
		m["identifier"].(map[string]any)["value"] = fmt.Sprintf("r-%d", i)
		if i == breakAt {
			coding(m, "access")["code"] = "7"
		}
		entries = append(entries, map[string]any{"fullUrl": fmt.Sprintf("urn:uuid:00000000-0000-0000-0000-%012d", i), "resource": m})
	}
	b := marshal(t, map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries})
	b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
	var lines []int
	line := 1
	for i, c := range b {
		if c == '\n' {
			line++
		}
		if bytes.HasPrefix(b[i:], []byte(`"fullUrl"`)) {
			lines = append(lines, line-1) // the entry's '{' is on the line before
		}
	}
	return b, lines
}

// oneByte reads one byte at a time, so every token crosses a read.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:min(1, len(p))]) }

func TestBundle(t *testing.T) {
	data, lines := bundle(t, 5, 2)
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	for _, r := range []io.Reader{bytes.NewReader(data), oneByte{bytes.NewReader(data)}} {
		var ids []string
		var errLines []int
		for sub, err := range im.Bundle(r) {
			var re *survey.RowError
			if err != nil && !errors.As(err, &re) {
				t.Fatal(err)
			}
			if err != nil {
				require.True(t, re.Rejected)
				errLines = append(errLines, re.Line)
				require.Equal(t, []problem{{"out-of-range", "access", ""}}, problemsOf(err))
				require.Equal(t, re.Line, re.Problems()[0].Line)
				continue
			}
			require.Equal(t, "Maja Exempel", sub.Contact.Name)
			ids = append(ids, sub.Response.ID)
		}
		require.Equal(t, []string{"r-0", "r-1", "r-3", "r-4"}, ids, "a bad entry loses no good one")
		require.Equal(t, []int{lines[2]}, errLines)
	}
}

func TestBundleProblems(t *testing.T) {
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}, MaxBytes: 20000}
	collect := func(in string) (ok int, rejected []error, fatal error) {
		for _, err := range im.Bundle(strings.NewReader(in)) {
			var re *survey.RowError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &re):
				rejected = append(rejected, err)
			default:
				fatal = err
			}
		}
		return
	}
	one, _ := json.Marshal(response(t))
	entry := `{"resource": ` + string(one) + `}`

	// A repeated ID rejects the second.
	ok, rej, fatal := collect(`{"resourceType": "Bundle", "type": "collection", "entry": [` + entry + `,` + entry + `]}`)
	require.NoError(t, fatal)
	require.Equal(t, 1, ok)
	require.Len(t, rej, 1)
	require.Equal(t, []problem{{"duplicate-id", "", "identifier"}}, problemsOf(rej[0]))

	// Another resource type rejects its entry only.
	ok, rej, fatal = collect(`{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient", "name": [{"text": "Matti"}]}}, {"resource": ` + strings.Replace(string(one), "r-2025", "x-2025", 1) + `}]}`)
	require.NoError(t, fatal)
	require.Equal(t, 1, ok)
	require.Equal(t, []problem{{"malformed", "", "resourceType"}}, problemsOf(rej[0]))

	// Not a bundle, broken JSON, an entry over the limit: the stream ends.
	for _, in := range []string{
		`{"resourceType": "Patient"}`,
		`{"entry": []}`,
		`[1, 2]`,
		`{"resourceType": "Bundle", "entry": [` + entry + `, {"resource": {`,
		`{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "QuestionnaireResponse", "item": [` + strings.Repeat(`{"linkId": "x"},`, 5000) + `{}]}}]}`,
	} {
		_, _, fatal := collect(in)
		require.Error(t, fatal, in[:min(len(in), 60)])
	}
	_, _, fatal = collect(`{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "QuestionnaireResponse", "item": [` + strings.Repeat(`{"linkId": "x"},`, 5000) + `{}]}}]}`)
	require.ErrorIs(t, fatal, ErrTooLarge)

	// Stopping early stops the reading.
	data, _ := bundle(t, 3, -1)
	n := 0
	for range im.Bundle(bytes.NewReader(data)) {
		n++
		break
	}
	require.Equal(t, 1, n)
}

// TestOversized: a single response over MaxBytes is refused before it is
// decoded.
func TestOversized(t *testing.T) {
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}, MaxBytes: 100}
	data, _ := json.Marshal(response(t))
	_, err := im.Import(data)
	require.ErrorIs(t, err, ErrTooLarge)
}

// FuzzImport: no input panics the importer; whatever it accepts is a
// valid response, holds no contact details, and survives a second round
// through a QuestionnaireResponse unchanged.
func FuzzImport(f *testing.F) {
	m := response(f)
	golden, _ := json.Marshal(m)
	f.Add(golden)
	coding(m, "access")["code"] = "7"
	broken, _ := json.Marshal(m)
	f.Add(broken)
	f.Add([]byte(`{"resourceType": "QuestionnaireResponse", "item": [{"linkId": "palaute.contact", "answer": [{"valueString": "x"}]}]}`))
	f.Add([]byte(`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"recommend","answer":[{"valueInteger":1e400}]}]}`))
	v := validator(f)
	q, err := NewQuestionnaire(v.Templates["vasa-halsostation"], Options{Contact: true})
	require.NoError(f, err)
	// One importer per policy, made before fuzzing: a fast target lets
	// the engine minimize new inputs quickly.
	var importers []*Importer
	for _, keep := range []bool{false, true} {
		v := *v
		v.KeepValidAnswers = keep
		importers = append(importers, &Importer{Validator: &v, Options: Options{Contact: true}})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, im := range importers {
			v := im.Validator
			sub, err := im.Import(data)
			var re *survey.RowError
			if err != nil && !errors.As(err, &re) {
				t.Fatalf("not a row error: %v", err)
			}
			if err != nil && len(re.Problems()) == 0 {
				t.Fatalf("row error without problems: %v", err)
			}
			if err != nil && re.Rejected {
				continue
			}
			if _, ok, verr := v.Validate(sub.Response); !ok {
				t.Fatalf("accepted response fails validation: %v", verr)
			}
			if sub.Response.Unit != "vasa-halsostation" {
				continue // another form: round trip through its own questionnaire is covered by TestRoundTrip
			}
			qr, err := NewResponse(q, sub, Options{})
			if err != nil {
				t.Fatalf("accepted response cannot be written back: %v", err)
			}
			again, _ := json.Marshal(qr)
			back, err := im.Import(again)
			if err != nil {
				t.Fatalf("second round: %v\n%s", err, again)
			}
			if diff := cmp.Diff(sub, back, equalSubmission); diff != "" {
				t.Fatalf("second round changed the submission (-first +second):\n%s", diff)
			}
		}
	})
}

// TestOutcome: each problem becomes an issue at the element it is in,
// errors when the response is rejected, warnings when it is kept without
// some answers.
func TestOutcome(t *testing.T) {
	m := response(t)
	m["extension"].([]any)[2].(map[string]any)["valueString"] = "health-station"
	coding(m, "access")["code"] = "9"
	m["authored"] = "yesterday"
	data, _ := json.Marshal(m)
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	_, err := im.Import(data)
	oo := im.Outcome(err, i18n.Finnish)
	var got [][2]string
	for _, is := range oo.Issue {
		require.Equal(t, "error", is.Severity)
		got = append(got, [2]string{is.Code, is.Expression[0]})
	}
	require.ElementsMatch(t, [][2]string{
		{"structure", "QuestionnaireResponse.authored"},
		{"not-found", "QuestionnaireResponse.extension('https://github.com/palaute/palaute/fhir/StructureDefinition/unit')"},
		{"value", "QuestionnaireResponse.item.where(linkId='access')"},
	}, got)

	m = response(t)
	coding(m, "access")["code"] = "9"
	data, _ = json.Marshal(m)
	v := validator(t)
	v.KeepValidAnswers = true
	im = &Importer{Validator: v, Options: Options{Contact: true}}
	_, err = im.Import(data)
	oo = im.Outcome(err, i18n.Swedish)
	require.Len(t, oo.Issue, 1)
	require.Equal(t, "warning", oo.Issue[0].Severity)
	require.Contains(t, oo.Issue[0].Diagnostics, "värdet finns inte på frågans skala")
}

// TestConcurrentImports: an importer is safe for concurrent use from its
// first import on (run with -race, as CI does).
func TestConcurrentImports(t *testing.T) {
	data, _ := bundle(t, 20, 7)
	one, _ := json.Marshal(response(t))
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	done := make(chan [2]int)
	for g := range 4 {
		go func() {
			ok, bad := 0, 0
			if g%2 == 0 {
				for _, err := range im.Bundle(bytes.NewReader(data)) {
					if err == nil {
						ok++
					} else {
						bad++
					}
				}
			} else {
				for range 20 {
					if _, err := im.Import(one); err == nil {
						ok++
					} else {
						bad++
					}
				}
			}
			done <- [2]int{ok, bad}
		}()
	}
	for range 4 {
		r := <-done
		if r[0]+r[1] != 20 || (r[1] != 0 && r[1] != 1) {
			t.Errorf("ok %d, rejected %d", r[0], r[1])
		}
	}
}
