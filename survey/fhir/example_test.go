package fhir_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
	"github.com/palaute/palaute/survey/fhir"
)

// unitTemplate is a unit's template: three statements and open feedback.
func unitTemplate() *catalogue.Template {
	t, err := catalogue.Default().NewTemplate(catalogue.TemplateSpec{
		ID:           "vasa-halsostation",
		Instrument:   catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Statements:   []string{"access", "safety", "usefulness"},
		OpenFeedback: true,
		Langs:        []i18n.Lang{i18n.Swedish, i18n.Finnish, i18n.English},
	})
	if err != nil {
		panic(err)
	}
	return t
}

func ExampleNewQuestionnaire() {
	q, err := fhir.NewQuestionnaire(unitTemplate(), fhir.Options{Lang: i18n.Swedish})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.URL)
	fmt.Println(strings.HasPrefix(q.Version, "2022-2026.1-"), q.Meta.Tag[0].Code)
	for _, it := range q.Item {
		fmt.Printf("%s %s (%d options, %d translations): %s\n", it.LinkID, it.Type, len(it.AnswerOption), len(it.TextExt.Extension), it.Text)
	}
	// Output:
	// https://github.com/palaute/palaute/fhir/Questionnaire/vasa-halsostation
	// true provisional
	// recommend choice (11 options, 2 translations): Hur sannolikt är det att du skulle rekommendera den service du fick till en närstående eller vän i samma situation?
	// access choice (6 options, 2 translations): Jag fick hjälp när jag behövde den
	// safety choice (6 options, 2 translations): Jag kände mig trygg under vården/servicen
	// usefulness choice (6 options, 2 translations): Jag tyckte att den vård/service som jag fick var nyttig
	// comment text (0 options, 2 translations): Vill du berätta mer om din upplevelse?
}

func ExampleImporter_Import() {
	tmpl := unitTemplate()
	q, _ := fhir.NewQuestionnaire(tmpl, fhir.Options{})

	// A form app answers the questionnaire.
	answered := survey.Submission{Response: survey.Response{
		ID:        "r-1",
		Submitted: time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("", 2*3600)),
		Lang:      i18n.Swedish,
		Answers:   survey.Answers{{Item: "recommend", Value: 9}, {Item: "safety", Value: 0}},
		Comment:   "Tack!",
	}}
	qr, _ := fhir.NewResponse(q, answered, fhir.Options{})
	data, _ := json.Marshal(qr)

	// The service imports it: the unit is the template's.
	im := &fhir.Importer{Validator: &survey.Validator{Templates: map[string]*catalogue.Template{"vasa-halsostation": tmpl}}}
	sub, err := im.Import(data)
	fmt.Println(err)
	r := sub.Response
	fmt.Println(r.ID, r.Unit, r.Instrument, r.Lang, r.Submitted.Format(time.RFC3339))
	fmt.Println(r.Answers, r.Comment)

	// An answer off the scale is reported at its link ID.
	data = []byte(strings.Replace(string(data), `"code":"9"`, `"code":"12"`, 1))
	_, err = im.Import(data)
	for _, p := range survey.Problems(err) {
		fmt.Println(p.Item, survey.Code(p), p.Message(i18n.Finnish))
	}
	// Output:
	// <nil>
	// r-1 vasa-halsostation thl-adult/2022 sv 2025-03-14T09:30:00+02:00
	// [{recommend 9} {safety 0}] Tack!
	// recommend out-of-range vastaus "r-1", kysymys recommend: arvo ei ole kysymyksen asteikolla: annettu "12" (odotettiin 0–10)
}

func ExampleImporter_Bundle() {
	tmpl := unitTemplate()
	q, _ := fhir.NewQuestionnaire(tmpl, fhir.Options{})
	var qrs []*fhir.QuestionnaireResponse
	for i, v := range []int{10, 6, 8} {
		s := survey.Submission{Response: survey.Response{
			ID: fmt.Sprintf("r-%d", i), Submitted: time.Date(2025, 3, 14, 9, i, 0, 0, time.UTC),
			Answers: survey.Answers{{Item: "recommend", Value: v}},
		}}
		qr, _ := fhir.NewResponse(q, s, fhir.Options{})
		qrs = append(qrs, qr)
	}
	data, _ := json.MarshalIndent(fhir.NewBundle(qrs), "", "  ")

	im := &fhir.Importer{Validator: &survey.Validator{Templates: map[string]*catalogue.Template{"vasa-halsostation": tmpl}}}
	for sub, err := range im.Bundle(strings.NewReader(string(data))) {
		fmt.Println(sub.Response.ID, sub.Response.Answers, err)
	}
	// Output:
	// r-0 [{recommend 10}] <nil>
	// r-1 [{recommend 6}] <nil>
	// r-2 [{recommend 8}] <nil>
}

func ExampleImporter_Outcome() {
	im := &fhir.Importer{Validator: &survey.Validator{Templates: map[string]*catalogue.Template{"vasa-halsostation": unitTemplate()}}}
	_, err := im.Import([]byte(`{"resourceType": "QuestionnaireResponse", "status": "completed",
	  "questionnaire": "https://example.org/Questionnaire/other|1", "authored": "2025-03-14T09:30:00Z"}`))
	oo, _ := json.MarshalIndent(im.Outcome(err, i18n.English), "", "  ")
	fmt.Println(string(oo))
	// Output:
	// {
	//   "resourceType": "OperationOutcome",
	//   "issue": [
	//     {
	//       "severity": "error",
	//       "code": "not-found",
	//       "diagnostics": "field questionnaire: answers to a different form or form version: given \"https://example.org/Questionnaire/other|1\" (want a Questionnaire of this service (https://github.com/palaute/palaute/fhir/Questionnaire/…))",
	//       "expression": [
	//         "QuestionnaireResponse.questionnaire"
	//       ]
	//     }
	//   ]
	// }
}
