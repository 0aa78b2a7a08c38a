package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/browser"
	"github.com/palaute/palaute/survey"
	"github.com/palaute/palaute/survey/fhir"
)

// TestLFormsRoundTrip renders the unit's Questionnaire, as the server
// serves it, in a FHIR form renderer that is not ours — the U.S. National
// Library of Medicine's LHC-Forms, in headless Chromium — fills it in by
// clicking and typing like a respondent, and posts the
// QuestionnaireResponse that LHC-Forms makes to the server. The server
// must accept it and store exactly what was filled in; the response
// LHC-Forms made must also pass the independent FHIR validator and import
// with the library to the same submission.
func TestLFormsRoundTrip(t *testing.T) {
	b := browser.Start(t)
	lforms := browser.LForms(t)
	tmpl, err := healthStation()
	require.NoError(t, err)
	st, _ := openTestStore(t, "sqlite")
	units, err := exampleUnits()
	require.NoError(t, err)
	s, err := NewServer(units, st)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	mux.Handle("/lforms/", http.StripPrefix("/lforms/", http.FileServer(http.Dir(lforms))))
	mux.HandleFunc("/lforms.html", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, "testdata/lforms.html") })
	ts := httptest.NewServer(mux)
	defer ts.Close()

	for n, lang := range []string{"sv", "fi"} {
		before := len(storedResponses(t, st))
		comment := "Bra bemötande, tack!\nMen parkeringen var \"svår\" & dyr."
		filled := survey.Answers{{Item: "recommend", Value: 9}, {Item: "access", Value: 4}, {Item: "encounter", Value: 0}, {Item: "usefulness", Value: 5}, {Item: "mother-tongue", Value: 2}}
		if lang == "fi" {
			comment = "Odotin <b>kauan</b> — ei hyvä."
			filled = survey.Answers{{Item: "recommend", Value: 0}, {Item: "access", Value: 1}, {Item: "safety", Value: 3}, {Item: "mother-tongue", Value: 0}}
		}
		// choose clicks an option like a respondent, and again while
		// LHC-Forms has not yet taken the click (its form may still be
		// starting up), up to ten times.
		choose := func(item, scale string, v int) chromedp.Action[chromedp.Void] {
			label := `label[id="` + item + "/1|" + fhir.Options{}.CodeSystem(scale) + "|" + strconv.Itoa(v) + `"]`
			sel := label + ` input`
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				for range 10 {
					if _, err := chromedp.Click(sel)(ctx, tg); err != nil {
						return err
					}
					// The option LHC-Forms (ng-zorro) shows as chosen.
					checked, err := chromedp.Evaluate[bool](`document.querySelector('`+label+`').classList.contains('ant-radio-wrapper-checked')`)(ctx, tg)
					if err != nil || checked {
						return err
					}
					time.Sleep(200 * time.Millisecond)
				}
				return fmt.Errorf("%s: LHC-Forms did not take the click", sel)
			})
		}
		actions := []chromedp.Action[chromedp.Void]{
			chromedp.Evaluate[chromedp.Void](`window.rendered`, chromedp.EvalAwaitPromise),
			chromedp.WaitVisible(`label[id^="recommend/1|"]`),
		}
		for _, a := range filled {
			scale := "agree-5"
			if a.Item == "recommend" {
				scale = "recommend-0-10"
			}
			actions = append(actions, choose(a.Item, scale, a.Value))
		}
		var res struct {
			Status            int
			Outcome, Response string
		}
		actions = append(actions,
			chromedp.SendKeys(`textarea[id="comment/1"]`, comment),
			chromedp.SendKeys(`input[id="palaute.contact.name/1/1"]`, "Maja Exempel"),
			chromedp.SendKeys(`input[id="palaute.contact.phone/1/1"]`, "+358 40 000 0000"),
			browser.Into(chromedp.Evaluate[struct {
				Status            int
				Outcome, Response string
			}](`window.send()`, chromedp.EvalAwaitPromise), &res),
		)
		start := time.Now()
		b.Page(t, "lforms-"+lang, ts.URL+"/lforms.html?unit=health-station&lang="+lang, browser.Viewports[1], actions...)
		require.Equal(t, http.StatusCreated, res.Status, "the server refused LHC-Forms' response: %s\n%s", res.Outcome, res.Response)
		t.Logf("LHC-Forms made: %s", res.Response)

		// What the server stored: what was filled in, and no contact details.
		all := storedResponses(t, st)
		require.Len(t, all, before+1)
		var stored survey.Response
		for _, r := range all {
			if r.Comment == comment {
				stored = r
			}
		}
		want := survey.Response{
			ID: stored.ID, Submitted: stored.Submitted, Instrument: tmpl.Instrument().Ref(), Unit: "health-station",
			Region: "example-county", Provider: "example-county-health", Service: "T11",
			Channel: survey.ChannelWeb, Answers: filled, Comment: comment,
		}
		answersInAnyOrder := cmpopts.SortSlices(func(a, b survey.Answer) bool { return a.Item < b.Item })
		if diff := cmp.Diff(want, stored, answersInAnyOrder); diff != "" {
			t.Errorf("stored response (-want +got):\n%s", diff)
		}
		if day(stored.Submitted) != day(start) {
			t.Errorf("submitted %v, not the day of filling in", stored.Submitted)
		}
		require.NotContains(t, storedNDJSON(t, st), "Maja")
		contacts, err := st.ContactRequests(context.Background(), "health-station")
		require.NoError(t, err)
		require.Len(t, contacts, n+1)
		contact := survey.Contact{Name: "Maja Exempel", Phone: "+358 40 000 0000"}
		for _, c := range contacts {
			require.Equal(t, contact, c.Contact)
		}

		// LHC-Forms' response imports with the library alone to the same
		// submission, and passes the independent validator.
		im := &fhir.Importer{Validator: &survey.Validator{Templates: map[string]*catalogue.Template{"health-station": tmpl}}, Options: fhir.Options{Contact: true}, NewID: func() string { return "lforms-1" }}
		sub, err := im.Import([]byte(res.Response))
		require.NoError(t, err)
		want.ID, want.Channel, want.Submitted = "lforms-1", survey.ChannelUnknown, sub.Response.Submitted
		want.Region, want.Provider, want.Service = "", "", ""
		if diff := cmp.Diff(survey.Submission{Response: want, Contact: &contact}, sub, answersInAnyOrder); diff != "" {
			t.Errorf("import of LHC-Forms' response (-want +got):\n%s", diff)
		}
		for name, v := range browser.ValidateFHIR(t, map[string][]byte{"LHC-Forms response " + lang: []byte(res.Response)}) {
			if !v.Valid {
				t.Errorf("%s is not valid R4: %v", name, v.Errors)
			}
		}
	}
}
