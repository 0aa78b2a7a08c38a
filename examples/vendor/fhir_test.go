package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
	"github.com/palaute/palaute/survey/fhir"
)

// fetchQuestionnaire gets a unit's Questionnaire from the server.
func fetchQuestionnaire(t *testing.T, base, unit, lang string) (int, *fhir.Questionnaire) {
	t.Helper()
	res, err := http.Get(base + "/fhir/Questionnaire/" + unit + "?lang=" + lang)
	require.NoError(t, err)
	defer res.Body.Close()
	var q fhir.Questionnaire
	require.NoError(t, json.NewDecoder(res.Body).Decode(&q))
	if res.StatusCode == http.StatusOK {
		require.Equal(t, "application/fhir+json; charset=utf-8", res.Header.Get("Content-Type"))
	}
	return res.StatusCode, &q
}

// postFHIR posts a body to the FHIR endpoint and decodes the outcome.
func postFHIR(t *testing.T, base string, body []byte, headers map[string]string) (int, fhir.OperationOutcome) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/fhir/QuestionnaireResponse", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/fhir+json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var oo fhir.OperationOutcome
	json.Unmarshal(b, &oo)
	return res.StatusCode, oo
}

func TestFHIRQuestionnaire(t *testing.T) {
	ts, _ := newTestServer(t)
	status, q := fetchQuestionnaire(t, ts.URL, "health-station", "sv")
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, fhir.Check(q))
	require.Equal(t, "sv", q.Language)
	var ids []string
	for _, it := range q.Item {
		ids = append(ids, it.LinkID)
	}
	require.Equal(t, []string{"recommend", "access", "encounter", "safety", "usefulness", "mother-tongue", "comment", fhir.ContactGroup}, ids)
	require.Equal(t, "Jag fick vård och service på mitt eget modersmål", q.Item[5].Text)

	// The same form in Finnish is the same version.
	_, fi := fetchQuestionnaire(t, ts.URL, "health-station", "fi")
	require.Equal(t, q.Canonical(), fi.Canonical())
	require.Equal(t, "fi", fi.Language)

	status, _ = fetchQuestionnaire(t, ts.URL, "no-such-unit", "sv")
	require.Equal(t, http.StatusNotFound, status)
}

// TestFHIRSubmit posts QuestionnaireResponses as another system would:
// an accepted one is stored like a form submission (server's ID, receipt
// day, channel and unit metadata whatever the client said, redacted
// comment, contact request apart); rejected ones are answered with every
// problem at its link ID, in the request's language, and nothing is
// stored.
func TestFHIRSubmit(t *testing.T) {
	ts, st := newTestServer(t)
	_, q := fetchQuestionnaire(t, ts.URL, "health-station", "sv")
	helsinki, err := survey.Helsinki()
	require.NoError(t, err)
	sub := survey.Submission{
		Response: survey.Response{
			// What the client claims of the metadata: all of it ignored.
			ID: "client-chosen-id", Submitted: time.Date(2022, 2, 1, 11, 0, 0, 0, helsinki), Unit: "health-station",
			Region: "other-county", Provider: "Maija Meikäläinen 131052-308T", Service: "Maija Meikäläinen, 040 123 4567",
			Channel: survey.ChannelSMS, Lang: i18n.Swedish, Role: survey.RoleRelative,
			Answers: survey.Answers{{Item: "recommend", Value: 10}, {Item: "mother-tongue", Value: 5}},
			Comment: "Ring mig på 040 123 4567, tack.",
		},
		Contact: &survey.Contact{Email: "maja@example.fi"},
	}
	qr, err := fhir.NewResponse(q, sub, fhir.Options{})
	require.NoError(t, err)
	body, err := json.Marshal(qr)
	require.NoError(t, err)

	status, oo := postFHIR(t, ts.URL, body, map[string]string{"Accept-Language": "sv"})
	require.Equal(t, http.StatusCreated, status, "%+v", oo)
	require.Equal(t, "information", oo.Issue[0].Severity)
	all := storedResponses(t, st)
	require.Len(t, all, 1)
	stored := all[0]
	require.NotEqual(t, "client-chosen-id", stored.ID, "the server names responses")
	require.Equal(t, sub.Response.Answers, stored.Answers)
	require.Equal(t, survey.ChannelWeb, stored.Channel, "the client chose the channel")
	require.Equal(t, time.Date(2025, 3, 14, 0, 0, 0, 0, helsinki), stored.Submitted.In(helsinki), "the client chose the time")
	require.Equal(t, []string{"example-county", "example-county-health", "T11"}, []string{stored.Region, stored.Provider, stored.Service})
	require.Equal(t, survey.RoleRelative, stored.Role)
	require.NotContains(t, stored.Comment, "123 4567", "comment not redacted")
	require.NotContains(t, storedNDJSON(t, st), "maja@")
	contacts, err := st.ContactRequests(context.Background(), "health-station")
	require.NoError(t, err)
	require.Len(t, contacts, 1)
	require.Equal(t, "maja@example.fi", contacts[0].Contact.Email)

	// A contact request with a phone number that is none: 422 at the
	// phone's link ID, nothing stored.
	bad := sub
	bad.Contact = &survey.Contact{Phone: "abc"}
	qrBad, err := fhir.NewResponse(q, bad, fhir.Options{})
	require.NoError(t, err)
	qrBad.Identifier = nil
	badBody, _ := json.Marshal(qrBad)
	status, oo = postFHIR(t, ts.URL, badBody, map[string]string{"Accept-Language": "en"})
	require.Equal(t, http.StatusUnprocessableEntity, status, "%+v", oo)
	require.Contains(t, oo.Issue[0].Expression[0], fhir.ContactPhone)
	require.Contains(t, oo.Issue[0].Diagnostics, "phone number")
	require.Len(t, storedResponses(t, st), 1)

	// Broken responses: 422, each problem where it is, nothing stored.
	before := len(storedResponses(t, st))
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	items := m["item"].([]any)
	items[0].(map[string]any)["answer"].([]any)[0].(map[string]any)["valueCoding"].(map[string]any)["code"] = "11"
	m["item"] = append(items, map[string]any{"linkId": "participation", "answer": []any{map[string]any{"valueCoding": map[string]any{"code": "5"}}}})
	broken, _ := json.Marshal(m)
	status, oo = postFHIR(t, ts.URL, broken, map[string]string{"Accept-Language": "sv"})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	var where []string
	for _, is := range oo.Issue {
		require.Equal(t, "error", is.Severity)
		where = append(where, is.Expression...)
		require.NotContains(t, is.Diagnostics, "required value", "not in Swedish: %q", is.Diagnostics)
	}
	require.ElementsMatch(t, []string{"QuestionnaireResponse.item.where(linkId='recommend')", "QuestionnaireResponse.item.where(linkId='participation')"}, where)

	m["questionnaire"] = strings.Split(q.Canonical(), "|")[0] + "|2022-2026.1-deadbeef"
	m["item"] = items[1:]
	stale, _ := json.Marshal(m)
	status, oo = postFHIR(t, ts.URL, stale, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "not-found", oo.Issue[0].Code)
	require.Equal(t, []string{"QuestionnaireResponse.questionnaire"}, oo.Issue[0].Expression)

	status, _ = postFHIR(t, ts.URL, []byte(`{"resourceType": "QuestionnaireResponse", "item": [`+strings.Repeat(`{"linkId": "x"},`, 10000)+`{}]}`), nil)
	require.Equal(t, http.StatusRequestEntityTooLarge, status)
	status, _ = postFHIR(t, ts.URL, []byte(`{"resourceType": `), nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)

	// Another site cannot post in a visitor's name.
	status, _ = postFHIR(t, ts.URL, body, map[string]string{"Sec-Fetch-Site": "cross-site"})
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, before, len(storedResponses(t, st)), "a refused response was stored")
}
