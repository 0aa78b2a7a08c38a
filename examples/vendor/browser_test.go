package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/png"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/internal/browser"
	"github.com/palaute/palaute/survey"
)

// TestFormInBrowser opens the form in each language in headless Chromium
// at phone, desktop and print widths, as it comes, after an empty
// submission and after a valid one, and checks each page (see package
// internal/browser) and its WCAG 2.2 AA rules.
func TestFormInBrowser(t *testing.T) {
	b := browser.Start(t)
	// Many submissions from one address: no rate limit here.
	ts, st := newTestServer(t, func(s *Server) { s.Limit = RateLimit{Every: -1} })
	for _, lang := range []string{"fi", "sv", "en"} {
		form := ts.URL + "/form/health-station?lang=" + lang
		for _, v := range browser.Viewports {
			name := "vendor-form-" + lang
			check(t, b, name, form, v)

			name = "vendor-empty-" + lang
			send := chromedp.Click(`button[type="submit"]`)
			if v.Print { // the button is not printed
				send = chromedp.Submit(`form`)
			}
			check(t, b, name, form, v, send, chromedp.WaitReady(`[role="alert"]`))
		}
		name := "vendor-valid-" + lang
		before := len(storedResponses(t, st))
		check(t, b, name, form, browser.Viewports[1],
			chromedp.Click(`input[name="recommend"][value="9"]`),
			chromedp.Click(`input[name="access"][value="4"]`),
			chromedp.Click(`button[type="submit"]`),
			chromedp.WaitVisible(`main p`),
		)
		if len(storedResponses(t, st)) == before {
			t.Errorf("%s: the valid submission was not stored", lang)
		}
	}
}

// TestPagesInBrowser opens every other page a respondent meets, at 320,
// 390 and 1 280 px and in print: a contact request with an invalid phone
// number, a refusal by the rate limit with the answers kept, the thanks
// page after a contact request and a comment about harm, the invitation
// form and the page of a used invitation, the kiosk form and its thanks
// page.
func TestPagesInBrowser(t *testing.T) {
	b := browser.Start(t)
	ts, _ := newTestServer(t, func(s *Server) { s.Limit = RateLimit{Every: -1} })
	s := ts.Config.Handler.(*testHandler).s
	refusing := newTestServerOn(t, s.Store, func(s *Server) { s.Limit = RateLimit{Every: 3600e9, Burst: 0, Clients: 10} })
	ctx := context.Background()
	kiosk, err := s.Enroll(ctx, "health-station", survey.ChannelKiosk, "")
	require.NoError(t, err)
	for _, lang := range []string{"fi", "sv"} {
		viewports := browser.Viewports
		if lang != "fi" { // Swedish on a phone only: the layout is the same
			viewports = browser.Viewports[1:2]
		}
		form := ts.URL + "/form/health-station?lang=" + lang
		invite, err := s.Invite(ctx, "health-station", "", "2025-03-13", 14)
		require.NoError(t, err)
		fill := []chromedp.Action[chromedp.Void]{
			chromedp.Click(`input[name="recommend"][value="2"]`),
			chromedp.Click(`input[name="role"][value="relative"]`),
			chromedp.SendKeys(`#q-comment-text`, "Hoitaja löi isääni. En jaksa enää."),
			chromedp.SendKeys(`#contact-name`, "Maija Meikäläinen"),
		}
		for _, v := range viewports {
			submit := chromedp.Click(`button[type="submit"]`)
			if v.Print {
				submit = chromedp.Submit(`form`)
			}
			actions := append(fill[:len(fill):len(fill)], chromedp.SendKeys(`#contact-phone`, "abc"), submit, chromedp.WaitReady(`[role="alert"]`))
			check(t, b, "vendor-contact-error-"+lang, form, v, actions...)

			actions = append(fill[:len(fill):len(fill)], submit, chromedp.WaitReady(`[role="alert"]`))
			check(t, b, "vendor-refused-"+lang, refusing.URL+"/form/health-station?lang="+lang, v, actions...)

			actions = append(fill[:len(fill):len(fill)], chromedp.SendKeys(`#contact-phone`, "040 123 4567"), submit, waitFor(thanksLoaded))
			check(t, b, "vendor-thanks-"+lang, form, v, actions...)

			check(t, b, "vendor-kiosk-"+lang, kiosk+"?lang="+lang, v)
			check(t, b, "vendor-kiosk-thanks-"+lang, kiosk+"/thanks?lang="+lang, v)
		}
		for i, v := range viewports {
			check(t, b, "vendor-invitation-"+lang, invite+"?lang="+lang, v)
			if i == len(viewports)-1 {
				check(t, b, "vendor-invitation-sent-"+lang, invite+"?lang="+lang, browser.Viewports[1],
					chromedp.Click(`input[name="recommend"][value="9"]`), chromedp.Click(`button[type="submit"]`), waitFor(thanksLoaded))
			}
		}
		for _, v := range viewports {
			check(t, b, "vendor-invitation-used-"+lang, invite+"?lang="+lang, v)
		}
	}
}

// TestPosterInBrowser opens each unit's poster: it passes the checks at
// every width, prints on one A4 page, and its QR code, read from the
// screenshot as a phone's camera would, is the unit's short link.
func TestPosterInBrowser(t *testing.T) {
	b := browser.Start(t)
	ts, _ := newTestServer(t)
	for _, unit := range []string{"health-station", "home-care"} {
		langs := []string{"fi", "sv", "en"} // sv and en at 320 and in print
		if unit == "home-care" {
			langs = langs[1:2] // the other unit's, in one language
		}
		for _, lang := range langs {
			name := "vendor-poster-" + unit + "-" + lang
			addr := ts.URL + "/poster/" + unit + "?lang=" + lang
			viewports := browser.Viewports
			if lang != "fi" {
				viewports = []browser.Viewport{browser.Viewports[0], browser.Viewports[3]}
			}
			for _, v := range viewports {
				var pdf []byte
				var actions []chromedp.Action[chromedp.Void]
				if v.Print {
					actions = append(actions, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
						yes := true
						res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
						pdf = res.Data
						return err
					}))
				}
				rep := check(t, b, name, addr, v, actions...)
				if v.Print {
					if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n != 1 {
						t.Errorf("%s prints on %d pages, want 1 A4 page", name, n)
					}
				}
				if v.Width < 400 || v.Print {
					got := decodeQR(t, rep.Screenshot)
					if want := ts.URL + "/q/" + url.PathEscape(unit); got != want {
						t.Errorf("%s at %s: the QR code reads %q, want %q", name, v.Name, got, want)
					}
				}
			}
		}
	}
}

// thanksLoaded is true once a thanks page has loaded.
const thanksLoaded = `location.pathname.endsWith('/thanks') && document.readyState === 'complete'`

// waitFor waits, up to 20 seconds, until a script is true, through the
// navigations of a form's post and redirect.
func waitFor(script string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for range 200 {
			if ok, err := chromedp.Evaluate[bool](script)(ctx, tg); err == nil && ok {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		return fmt.Errorf("waited 20 s for %s", script)
	})
}

// check opens a page in a viewport and checks it: the harness's checks
// (WCAG 2.1 A and AA, layout) and the WCAG 2.2 A and AA rules of
// axe-core.
func check(t *testing.T, b *browser.Browser, name, addr string, v browser.Viewport, actions ...chromedp.Action[chromedp.Void]) browser.Report {
	t.Helper()
	var wcag22 []string
	// axe-core is loaded and run in one script, so that nothing can
	// happen to the page in between.
	actions = append(actions, browser.Into(chromedp.Evaluate[[]string](axeSource(t)+";\n"+axe22, chromedp.EvalAwaitPromise), &wcag22))
	rep := b.Page(t, name, addr, v, actions...)
	rep.Check(t, name, v)
	for _, x := range wcag22 {
		t.Errorf("%s at %s (screenshot %s): axe-core, WCAG 2.2: %s", name, v.Name, rep.Screenshot, x)
	}
	return rep
}

// axe22 runs axe-core's WCAG 2.2 A and AA rules and returns the serious
// and critical violations.
const axe22 = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag22a', 'wcag22aa']}, resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
})()`

var axeJS string

func axeSource(t *testing.T) string {
	if axeJS == "" {
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "browser", "node_modules", "axe-core", "axe.min.js"))
		require.NoError(t, err)
		axeJS = string(b)
	}
	return axeJS
}

// decodeQR reads the QR code in a screenshot.
func decodeQR(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	img, _, err := image.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Errorf("no QR code read in %s: %v", file, err)
		return ""
	}
	return strings.TrimSpace(res.GetText())
}
