package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/report"
)

func TestPortal(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	if err := build("../testdata/feedback.csv", i18n.Swedish, "", dir, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "600 accepted") {
		t.Errorf("log %s", log.String())
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "units", "*.html"))
	if len(pages) != 8 {
		t.Fatalf("%d unit pages", len(pages))
	}
	for _, p := range append(pages, filepath.Join(dir, "index.html")) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		if !bytes.Contains(b, []byte(`lang="sv"`)) {
			t.Errorf("%s is not Swedish", p)
		}
	}
	var widgets []report.WidgetPayload
	b, _ := os.ReadFile(filepath.Join(dir, "widgets.json"))
	if err := json.Unmarshal(b, &widgets); err != nil || len(widgets) != 8 {
		t.Fatalf("widgets %v %v", len(widgets), err)
	}
	// The data end on 2025-04-30; the window is April 1–30.
	shown := 0
	for _, w := range widgets {
		if w.Window != "2025-04-01/2025-04-30" {
			t.Errorf("window %s", w.Window)
		}
		if !w.Suppressed {
			shown++
			if w.Index == nil || *w.Index < -100 || *w.Index > 100 || *w.N < 5 {
				t.Errorf("widget %+v", w)
			}
		}
	}
	if shown == 0 {
		t.Error("every widget suppressed")
	}
}
