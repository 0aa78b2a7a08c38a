package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/survey"
)

func newTestServer(t *testing.T) (*httptest.Server, *bytes.Buffer, *MemoryContacts) {
	tmpl, err := healthStation()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	contacts := &MemoryContacts{}
	s := NewServer(map[string]*catalogue.Template{"health-station": tmpl}, &out, contacts)
	s.Now = func() time.Time { return time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC) }
	s.Validator.Now = s.Now()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, &out, contacts
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
	ts, _, _ := newTestServer(t)
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
	if strings.Count(page, "<fieldset id=\"q-") != 6 || !strings.Contains(page, `<label for="q-comment">`) {
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
	ts, out, contacts := newTestServer(t)
	res, _ := post(t, ts, "?lang=fi", url.Values{
		"recommend": {"9"}, "access": {"5"}, "safety": {"0"}, "mother-tongue": {"4"}, "comment": {"Hyvä palvelu"}, "role": {"relative"},
		"contact-name": {"Maija Meikäläinen"}, "contact-phone": {"040 123 4567"},
	})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/thanks?lang=fi" {
		t.Fatalf("accepted submission: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	line := out.String()
	if strings.Contains(line, "Maija") || strings.Contains(line, "040") {
		t.Fatalf("contact details in the NDJSON file: %s", line)
	}
	// The stored line decodes as a valid response of the template.
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
	all := contacts.All()
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

func TestSubmitErrors(t *testing.T) {
	ts, out, _ := newTestServer(t)
	res, page := post(t, ts, "?lang=sv", url.Values{"recommend": {"12"}, "access": {"five"}, "safety": {"4"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.StatusCode)
	}
	wellFormed(t, page)
	for _, want := range []string{
		"Kontrollera de markerade punkterna.",
		`<p class="error" id="q-recommend-error">värdet finns inte på frågans skala: angivet &#34;12&#34; (förväntat 0–10)</p>`,
		`<p class="error" id="q-access-error">värdet kan inte läsas: angivet &#34;five&#34;</p>`,
		`value="4" checked="checked"`, // the valid answer is kept in the form
	} {
		if !strings.Contains(page, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if out.Len() != 0 {
		t.Error("a rejected response was stored")
	}
	// An empty submission is rejected with a general message.
	res, page = post(t, ts, "?lang=en", url.Values{})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "response has no answers") {
		t.Errorf("empty submission: %d", res.StatusCode)
	}
}
