package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/browser"
)

// TestSiteInBrowser builds the site of the example data with the units'
// names and opens every page in headless Chromium at phone, desktop and
// print widths (see package internal/browser), then follows the
// drill-down from the county to a provider to a unit and back up its
// breadcrumbs.
func TestSiteInBrowser(t *testing.T) {
	b := browser.Start(t)
	names, err := readNames("../testdata/names.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := build("../testdata/feedback.csv", config{lang: i18n.Finnish, secret: testSecret, names: names}, dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer ts.Close()
	pages, _ := filepath.Glob(filepath.Join(dir, "*", "*.html"))
	pages = append(pages, filepath.Join(dir, "index.html"))
	if len(pages) != 1+4+8 {
		t.Fatalf("%d pages", len(pages))
	}
	for _, p := range pages {
		rel, _ := filepath.Rel(dir, p)
		url := ts.URL + "/" + filepath.ToSlash(rel)
		for _, v := range browser.Viewports {
			name := "portal-" + strings.TrimSuffix(strings.ReplaceAll(rel, string(filepath.Separator), "-"), ".html")
			b.Page(t, name, url, v).Check(t, name, v)
		}
	}

	// Drill down: the county's first provider, its first unit; the unit's
	// page names the unit and links back up.
	v := browser.Viewports[1]
	var title, crumbs string
	rep := b.Page(t, "portal-drill-down", ts.URL+"/index.html", v,
		chromedp.Click(`main table tbody tr:first-child th a`),
		chromedp.WaitReady(`main table`),
		chromedp.Click(`main table tbody tr:first-child th a`),
		chromedp.WaitReady(`nav.crumbs`),
		browser.Into(chromedp.Text(`h1`), &title),
		browser.Into(chromedp.Text(`nav.crumbs`), &crumbs),
	)
	rep.Check(t, "portal-drill-down", v)
	if !strings.Contains(title, "Jyväskylä aikuissosiaalityö") || !strings.Contains(crumbs, "Kaikki") || !strings.Contains(crumbs, "Keski-Suomen hyvinvointialue, julkiset palvelut") {
		t.Errorf("drill-down ended at %q under %q", title, crumbs)
	}
}
