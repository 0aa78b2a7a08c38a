package main

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/survey"
	"github.com/stretchr/testify/require"
)

// testNow is the clock of the test servers.
var testNow = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// newTestServer starts the example's server on a new SQLite store with a
// fixed clock, the example units and triage to a recorder; configure, if
// given, changes it before it starts.
func newTestServer(t *testing.T, configure ...func(*Server)) (*httptest.Server, Store) {
	st, _ := openTestStore(t, "sqlite")
	return newTestServerOn(t, st, configure...), st
}

// newTestServerOn is newTestServer on a given store.
func newTestServerOn(t *testing.T, st Store, configure ...func(*Server)) *httptest.Server {
	units, err := exampleUnits()
	require.NoError(t, err)
	s, err := NewServer(units, st)
	require.NoError(t, err)
	s.Now = func() time.Time { return testNow }
	s.Validator.Now = s.Now()
	h := &testHandler{s: s, Handler: s.Handler()}
	s.Triage = survey.DefaultTriage()
	s.Comments = DefaultCommentTriage()
	s.Notifier = NotifierFunc(h.notify)
	for _, c := range configure {
		c(s)
	}
	h.Handler = s.Handler()
	ts := httptest.NewServer(h)
	s.BaseURL = ts.URL
	t.Cleanup(ts.Close)
	return ts
}

// testHandler keeps the server and the alerts it sent, for tests that
// look at them.
type testHandler struct {
	s *Server
	http.Handler
	mu     sync.Mutex
	alerts []Alert
	fail   error // what notify returns
}

func (h *testHandler) notify(a Alert) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.alerts = append(h.alerts, a)
	return h.fail
}

func (h *testHandler) sent() []Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.alerts)
}

func get(t *testing.T, url, acceptLanguage string) (int, string) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Language", acceptLanguage)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func wellFormed(t *testing.T, page string) {
	d := xml.NewDecoder(strings.NewReader(page))
	for {
		if _, err := d.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("page is not well-formed: %v\n%s", err, page)
		}
	}
}

func TestFormLanguages(t *testing.T) {
	ts, _ := newTestServer(t)
	code, page := get(t, ts.URL+"/form/health-station", "sv-FI,sv;q=0.9,en;q=0.5")
	if code != 200 || !strings.Contains(page, `<html lang="sv">`) || !strings.Contains(page, "Jag fick hjälp när jag behövde den") || !strings.Contains(page, "helt av samma åsikt") {
		t.Fatalf("Swedish form: %d\n%s", code, page)
	}
	wellFormed(t, page)
	// Language switch links and the ?lang= override.
	if !strings.Contains(page, `href="?lang=fi" hreflang="fi" lang="fi">suomi</a>`) {
		t.Error("no language switch")
	}
	_, page = get(t, ts.URL+"/form/health-station?lang=en", "sv")
	if !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "I received help when I needed it.") {
		t.Error("?lang=en ignored")
	}
	// Every question is a fieldset with a legend, or a labelled textarea.
	if strings.Count(page, "<fieldset id=\"q-") != 6 || !strings.Contains(page, `<label for="q-comment-text">`) {
		t.Error("questions not grouped accessibly")
	}
	if code, _ := get(t, ts.URL+"/form/nowhere", "fi"); code != 404 {
		t.Errorf("unknown unit: %d", code)
	}
}

func post(t *testing.T, ts *httptest.Server, query string, form url.Values) (*http.Response, string) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(ts.URL+"/form/health-station"+query, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestSubmit(t *testing.T) {
	ts, st := newTestServer(t)
	res, _ := post(t, ts, "?lang=fi", url.Values{
		"recommend": {"9"}, "access": {"5"}, "safety": {"0"}, "mother-tongue": {"4"}, "comment": {"Hyvä palvelu"}, "role": {"relative"},
		"contact-name": {"Maija Meikäläinen"}, "contact-phone": {"040 123 4567"},
	})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/thanks?") {
		t.Fatalf("accepted submission: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	line := storedNDJSON(t, st)
	if strings.Contains(line, "Maija") || strings.Contains(line, "040") {
		t.Fatalf("contact details in the stored responses: %s", line)
	}
	// The stored response decodes as a valid response of the template.
	tmpl, _ := healthStation()
	d := survey.NewNDJSONDecoder(strings.NewReader(line))
	d.Validator = &survey.Validator{Templates: map[string]*catalogue.Template{"health-station": tmpl}, Now: time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)}
	var got []survey.Response
	for r, err := range d.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 1 || got[0].Role != survey.RoleRelative || got[0].Channel != survey.ChannelWeb || got[0].Comment != "Hyvä palvelu" || len(got[0].Answers) != 4 {
		t.Fatalf("stored %+v", got)
	}
	// The contact request is stored apart, under an ID unrelated to the
	// response's, with the day only: nothing joins the person to the
	// answers.
	all, err := st.ContactRequests(context.Background(), "health-station")
	require.NoError(t, err)
	if len(all) != 1 {
		t.Fatalf("contact requests: %+v", all)
	}
	c := all[0]
	if c.Contact.Name != "Maija Meikäläinen" || c.Contact.Phone != "040 123 4567" || c.Unit != "health-station" || c.Day != "2025-03-14" {
		t.Errorf("contact request: %+v", c)
	}
	if c.ID == got[0].ID || c.ID == "" || strings.Contains(line, c.ID) {
		t.Errorf("contact ID %q can be joined to the response %q", c.ID, got[0].ID)
	}
}

// visibleText is the text of a page a person reads: without tags and
// attributes.
func visibleText(page string) string {
	var b strings.Builder
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	inStyle := false
	for {
		tok, err := d.Token()
		if err != nil {
			return b.String()
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inStyle = x.Name.Local == "style"
		case xml.EndElement:
			inStyle = false
		case xml.CharData:
			if !inStyle {
				b.Write(x)
				b.WriteByte(' ')
			}
		}
	}
}

func TestSubmitErrors(t *testing.T) {
	ts, st := newTestServer(t)
	res, page := post(t, ts, "?lang=sv", url.Values{"recommend": {"12"}, "access": {"five"}, "safety": {"4"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	wellFormed(t, page)
	for _, want := range []string{
		"Formuläret har 2 punkter att rätta:",
		// The summary links each problem to its question, by its text.
		`<li><a href="#q-recommend">1. Hur sannolikt är det att du skulle rekommendera`,
		`<li><a href="#q-access">2. Jag fick hjälp när jag behövde den</a>: Välj ett av alternativen.</li>`,
		`<fieldset id="q-recommend" class="invalid" aria-describedby="q-recommend-error">`,
		`<p class="error" id="q-recommend-error">Välj ett av alternativen.</p>`,
		`<p class="error" id="q-access-error">Välj ett av alternativen.</p>`,
		`value="4" checked="checked"`, // the valid answer is kept in the form
		"Respons om enheten: Centrums hälsostation",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	// What a person reads names no item IDs and echoes no internals.
	text := visibleText(page)
	for _, internal := range []string{"recommend", "access", "five", "12", "0–10", "health-station"} {
		if regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(internal) + `($|[^0-9A-Za-z])`).MatchString(text) {
			t.Errorf("the page shows %q to the respondent:\n%s", internal, text)
		}
	}
	if n := len(storedResponses(t, st)); n != 0 {
		t.Errorf("%d rejected responses stored", n)
	}
	// An empty submission says what to do in the summary, and marks no
	// question: none of them is mandatory.
	res, page = post(t, ts, "?lang=en", url.Values{})
	if res.StatusCode != http.StatusUnprocessableEntity ||
		strings.Contains(page, `class="invalid"`) || strings.Contains(page, `href="#q-`) ||
		!strings.Contains(page, "<li>Please answer at least one question.</li>") ||
		!strings.Contains(page, "The form has 1 item to correct:") {
		t.Errorf("empty submission: %d\n%s", res.StatusCode, page)
	}
}

// TestCrossOriginRefused posts the form as another site would make a
// visitor's browser do: refused, in the visitor's language, nothing
// stored. The same post from the form's own page is accepted.
func TestCrossOriginRefused(t *testing.T) {
	ts, st := newTestServer(t)
	form := url.Values{"recommend": {"9"}}
	for _, h := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		req, _ := http.NewRequest("POST", ts.URL+"/form/health-station?lang=sv", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		// Refused, but the answers are on the page again, to be sent
		// from the form's own page.
		if res.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "Formuläret kunde inte skickas") ||
			!strings.Contains(string(b), `name="recommend" value="9" checked="checked"`) {
			t.Errorf("%v: %d\n%s", h, res.StatusCode, b)
		}
	}
	if n := len(storedResponses(t, st)); n != 0 {
		t.Fatal("a cross-origin submission was stored")
	}
	req, _ := http.NewRequest("POST", ts.URL+"/form/health-station?lang=sv", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(storedResponses(t, st)) != 1 {
		t.Errorf("same-origin submission: %d", res.StatusCode)
	}
}

// TestTriageNotified submits feedback that the default rules flag (a
// recommendation of 1 and a contact request) and feedback they do not:
// the notifier hears of the first only, with reasons, the day and the
// contact request's ID, and nothing that joins it to the stored response.
func TestTriageNotified(t *testing.T) {
	ts, st := newTestServer(t)
	h := ts.Config.Handler.(*testHandler)
	post(t, ts, "?lang=fi", url.Values{"recommend": {"9"}, "access": {"5"}})
	if alerts := h.sent(); len(alerts) != 0 {
		t.Fatalf("unflagged feedback notified: %+v", alerts)
	}
	post(t, ts, "?lang=fi", url.Values{"recommend": {"1"}, "contact-phone": {"040 123 4567"}})
	alerts := h.sent()
	if len(alerts) != 1 {
		t.Fatalf("alerts: %+v", alerts)
	}
	a := alerts[0]
	contacts, err := st.ContactRequests(context.Background(), "health-station")
	require.NoError(t, err)
	if a.Unit != "health-station" || a.Day != "2025-03-14" || len(a.Reasons) != 2 || a.ContactID != contacts[0].ID {
		t.Errorf("alert %+v", a)
	}
	for _, r := range a.Reasons {
		if r == "" || strings.Contains(storedNDJSON(t, st), a.ContactID) {
			t.Errorf("alert %+v", a)
		}
	}
	// A failing notifier loses no response.
	h.mu.Lock()
	h.fail = errors.New("mail server down")
	h.mu.Unlock()
	before := len(storedResponses(t, st))
	res, _ := post(t, ts, "?lang=fi", url.Values{"recommend": {"0"}})
	if res.StatusCode != http.StatusSeeOther || len(storedResponses(t, st)) != before+1 {
		t.Errorf("with a failing notifier: %d", res.StatusCode)
	}
}
