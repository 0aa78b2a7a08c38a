package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/palaute/palaute/internal/browser"
)

// TestFormInBrowser opens the form in each language in headless Chromium
// at phone, desktop and print widths, as it comes, after an empty
// submission and after a valid one, and checks each page (see package
// internal/browser).
func TestFormInBrowser(t *testing.T) {
	b := browser.Start(t)
	// Many submissions from one address: no rate limit here.
	ts, st := newTestServer(t, func(s *Server) { s.Limit = RateLimit{Every: -1} })
	for _, lang := range []string{"fi", "sv", "en"} {
		form := ts.URL + "/form/health-station?lang=" + lang
		for _, v := range browser.Viewports {
			name := "vendor-form-" + lang
			b.Page(t, name, form, v).Check(t, name, v)

			name = "vendor-empty-" + lang
			send := chromedp.Click(`button[type="submit"]`)
			if v.Print { // the button is not printed
				send = chromedp.Submit(`form`)
			}
			rep := b.Page(t, name, form, v, send, chromedp.WaitReady(`[role="alert"]`))
			rep.Check(t, name, v)
		}
		name := "vendor-valid-" + lang
		before := len(storedResponses(t, st))
		b.Page(t, name, form, browser.Viewports[1],
			chromedp.Click(`input[name="recommend"][value="9"]`),
			chromedp.Click(`input[name="access"][value="4"]`),
			chromedp.Click(`button[type="submit"]`),
			chromedp.WaitVisible(`main p`),
		).Check(t, name, browser.Viewports[1])
		if len(storedResponses(t, st)) == before {
			t.Errorf("%s: the valid submission was not stored", lang)
		}
	}
}
