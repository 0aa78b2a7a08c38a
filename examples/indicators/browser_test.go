package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/palaute/palaute/internal/browser"
)

// TestReportInBrowser opens the command's HTML reports in headless
// Chromium at phone, desktop and print widths (see package
// internal/browser): units compared with their peers over all time (the
// index, funnel and distribution charts) and by month (a trend line per
// unit), in Finnish and Swedish, with the units' names.
func TestReportInBrowser(t *testing.T) {
	b := browser.Start(t)
	pages := map[string]string{}
	for name, args := range map[string][]string{
		"indicators-units-fi": {"-by", "unit", "-compare", "-format", "html", "-names", "../testdata/names.csv", "../testdata/feedback.csv"},
		"indicators-month-sv": {"-by", "provider", "-period", "month", "-lang", "sv", "-format", "html", "-names", "../testdata/names.csv", "../testdata/feedback.csv"},
	} {
		code, out, errOut := runArgs(t, "", args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		pages[name] = out
	}
	if !strings.Contains(pages["indicators-month-sv"], `class="line"`) || strings.Count(pages["indicators-units-fi"], `role="img"`) != 3 {
		t.Fatal("the reports lack their charts")
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(pages[strings.TrimPrefix(r.URL.Path, "/")]))
	}))
	defer ts.Close()
	for name := range pages {
		for _, v := range browser.Viewports {
			b.Page(t, name, ts.URL+"/"+name, v).Check(t, name, v)
		}
	}
}
