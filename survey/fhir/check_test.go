package fhir

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/browser"
)

// TestCheckCatches breaks a valid questionnaire and response one rule at
// a time: Check and CheckResponse must name each break (a checker that
// passes everything would pass the exports too).
func TestCheckCatches(t *testing.T) {
	fresh := func() *Questionnaire {
		q, err := NewQuestionnaire(template(t, goldenSpec), Options{Lang: i18n.Swedish, Contact: true})
		require.NoError(t, err)
		return q
	}
	require.NoError(t, Check(fresh()))
	for _, tc := range []struct {
		name, want string
		break_     func(q *Questionnaire)
	}{
		{"status", "Questionnaire.status", func(q *Questionnaire) { q.Status = "published" }},
		{"id", "Questionnaire.id", func(q *Questionnaire) { q.ID = "unit_1" }},
		{"url", "Questionnaire.url", func(q *Questionnaire) { q.URL = "Questionnaire/x" }},
		{"link ID twice", "que-2", func(q *Questionnaire) { q.Item[1].LinkID = "recommend" }},
		{"link ID missing", "item[2].linkId", func(q *Questionnaire) { q.Item[2].LinkID = "" }},
		{"item type", "item[0].type", func(q *Questionnaire) { q.Item[0].Type = "radio" }},
		{"empty group", "que-1", func(q *Questionnaire) { q.Item[len(q.Item)-1].Item = nil }},
		{"options on text", "que-5", func(q *Questionnaire) { q.Item[0].Type = "text" }},
		{"maxLength on choice", "que-10", func(q *Questionnaire) { q.Item[0].MaxLength = 3 }},
		{"extension with both", "ext-1", func(q *Questionnaire) { q.Item[0].TextExt.Extension[0].ValueString = "x" }},
		{"translation without lang", "one lang and one content", func(q *Questionnaire) {
			q.Item[1].TextExt.Extension[0].Extension = q.Item[1].TextExt.Extension[0].Extension[1:]
		}},
		{"code with spaces", "valueCoding.code", func(q *Questionnaire) { q.Item[1].AnswerOption[0].ValueCoding.Code = " 5" }},
	} {
		q := fresh()
		tc.break_(q)
		err := Check(q)
		require.ErrorIs(t, err, ErrRule, tc.name)
		require.Contains(t, err.Error(), tc.want, tc.name)
	}

	qr, err := NewResponse(fresh(), goldenSubmission(), Options{})
	require.NoError(t, err)
	require.NoError(t, CheckResponse(qr))
	for _, tc := range []struct {
		name, want string
		break_     func(r *QuestionnaireResponse)
	}{
		{"status", "status", func(r *QuestionnaireResponse) { r.Status = "done" }},
		{"authored", "authored", func(r *QuestionnaireResponse) { r.Authored = "2025-03-14 09:30" }},
		{"offset", "authored", func(r *QuestionnaireResponse) { r.Authored = "2025-03-14T09:30:00+14:30" }},
		{"answer and items", "qrs-1", func(r *QuestionnaireResponse) { r.Item[0].Item = []ResponseItem{{LinkID: "x"}} }},
		{"served", "valueDateTime", func(r *QuestionnaireResponse) { r.Extension[6].ValueDateTime = "yesterday" }},
	} {
		r := *qr
		r.Item = append([]ResponseItem(nil), qr.Item...)
		r.Extension = append([]Extension(nil), qr.Extension...)
		tc.break_(&r)
		err := CheckResponse(&r)
		require.ErrorIs(t, err, ErrRule, tc.name)
		require.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// TestIndependentValidator validates every kind of questionnaire and
// response the package exports — both templates in every language, with
// and without the contact group, fifty random responses and the golden
// files — with an R4 validator that is not ours (the npm package fhir).
// Broken copies must be refused, so the validator is known to look.
func TestIndependentValidator(t *testing.T) {
	resources := map[string][]byte{}
	for _, name := range []string{"questionnaire-sv.json", "response-sv.json"} {
		b, err := os.ReadFile("testdata/" + name)
		require.NoError(t, err)
		resources["golden "+name] = b
	}
	v := validator(t)
	rng := rand.New(rand.NewPCG(5, 6))
	var all []*QuestionnaireResponse
	for unit, tmpl := range v.Templates {
		for _, l := range tmpl.Langs() {
			for _, contact := range []bool{false, true} {
				q, err := NewQuestionnaire(tmpl, Options{Lang: l, Contact: contact})
				require.NoError(t, err)
				resources[fmt.Sprintf("questionnaire %s %s contact=%v", unit, l, contact)] = marshal(t, q)
				for n := range 5 {
					s := randomSubmission(rng, unit, tmpl, n)
					if !contact {
						s.Contact = nil
					}
					qr, err := NewResponse(q, s, Options{})
					require.NoError(t, err)
					resources[fmt.Sprintf("response %s %s contact=%v #%d", unit, l, contact, n)] = marshal(t, qr)
					all = append(all, qr)
				}
			}
		}
	}
	resources["bundle"] = marshal(t, NewBundle(all))
	// Broken on purpose: these must be refused.
	broken := map[string]string{
		"broken questionnaire": strings.Replace(string(resources["golden questionnaire-sv.json"]), `"type": "choice"`, `"type": "radio"`, 1),
		"broken response":      strings.Replace(string(resources["golden response-sv.json"]), `"status": "completed"`, `"status": "done", "statuss": "x"`, 1),
	}
	for name, s := range broken {
		require.True(t, json.Valid([]byte(s)))
		resources[name] = []byte(s)
	}
	for name, res := range browser.ValidateFHIR(t, resources) {
		_, isBroken := broken[name]
		switch {
		case isBroken && res.Valid:
			t.Errorf("%s: the validator accepted it", name)
		case !isBroken && !res.Valid:
			t.Errorf("%s: %v", name, res.Errors)
		}
	}
	t.Logf("%d resources validated", len(resources))
}

// TestOtherValues: a value of a type the structs do not model is noticed,
// whichever it is.
func TestOtherValues(t *testing.T) {
	for in, want := range map[string]string{
		`{"valueDate": "2025-01-01"}`:         "valueDate",
		`{"valueCode": "x"}`:                  "valueCode",
		`{"valueQuantity": {"value": 1}}`:     "valueQuantity",
		`{"valueCoding": {"code": "1"}}`:      "",
		`{"valueString": "x", "item": []}`:    "",
		`{"valueBoolean": false}`:             "valueBoolean",
		`{"valueAttachment": {"url": "x:y"}}`: "valueAttachment",
	} {
		var a ResponseAnswer
		require.NoError(t, json.Unmarshal([]byte(in), &a))
		require.Equal(t, want, a.Other, "answer %s", in)
	}
	for in, want := range map[string]string{
		`{"url": "u", "valueInteger": 1}`:                                "valueInteger",
		`{"url": "u", "valueBoolean": true}`:                             "valueBoolean",
		`{"url": "u", "valueCoding": {"code": "a"}}`:                     "valueCoding",
		`{"url": "u", "valueString": "x"}`:                               "",
		`{"url": "u", "extension": [{"url": "v", "valueDecimal": 1.5}]}`: "",
	} {
		var e Extension
		require.NoError(t, json.Unmarshal([]byte(in), &e))
		require.Equal(t, want, e.Other, "extension %s", in)
	}
}
