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

// testSecret is the county's secret in the tests.
var testSecret = []byte("the portal tests' secret of the county")

func TestPortal(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	if err := build("../testdata/feedback.csv", config{lang: i18n.Swedish, secret: testSecret}, dir, &log); err != nil {
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
	// The data end on 2025-04-30, so April is still open: the window is
	// the three closed months January–March.
	shown := 0
	for _, w := range widgets {
		if w.Window != "2025-01-01/2025-03-31" {
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

// TestFileName: unit codes from the data never name a file outside the
// directory, never collide, and stay short.
func TestFileName(t *testing.T) {
	codes := []string{"u001", "../../x", "a/b", "a\x00b", ".hidden", "..", ".", "", strings.Repeat("x", 300), "ü", "u001~", "a_b", "a/b/", "con.txt"}
	seen := map[string]string{}
	for _, c := range codes {
		n := fileName(c)
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/\\\x00") || strings.HasPrefix(n, ".") || len(n) > 80 {
			t.Errorf("%q → unsafe file name %q", c, n)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("%q and %q share the file name %q", c, other, n)
		}
		seen[n] = c
		if filepath.Base(filepath.Join("units", n+".html")) != n+".html" {
			t.Errorf("%q escapes the directory", c)
		}
	}
	if fileName("u001") != "u001" {
		t.Error("plain codes are kept as they are")
	}
}

// TestHostileUnitCodes: unit codes from the data that try to leave the
// output directory, nest, or exceed file-name limits all get a page
// inside it, and the build finishes.
func TestHostileUnitCodes(t *testing.T) {
	in, err := os.ReadFile("../testdata/feedback.csv")
	if err != nil {
		t.Fatal(err)
	}
	hostile := map[string]string{
		",u001,": ",../../escaped,",
		",u002,": ",a/b/c,",
		",u003,": "," + strings.Repeat("x", 300) + ",",
		",u004,": ",..,",
		",u005,": `,..\..\win,`,
		",u006,": ",.hidden,",
	}
	s := string(in)
	for from, to := range hostile {
		s = strings.ReplaceAll(s, from, to)
	}
	root := t.TempDir()
	file := filepath.Join(root, "feedback.csv")
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(root, "deep", "site")
	var log bytes.Buffer
	if err := build(file, config{lang: i18n.Finnish, secret: testSecret}, site, &log); err != nil {
		t.Fatalf("build: %v\n%s", err, log.String())
	}
	err = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || p == file {
			return err
		}
		if rel, _ := filepath.Rel(site, p); strings.HasPrefix(rel, "..") {
			t.Errorf("%s written outside the site", p)
		}
		if len(info.Name()) > 255 {
			t.Errorf("file name of %d bytes", len(info.Name()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(site, "units", "*.html"))
	if len(pages) != 8 {
		t.Fatalf("%d unit pages, want 8: %v", len(pages), pages)
	}
}

// TestSecretRequired: the site is not built without a secret of at
// least 16 bytes, and the error says how to make one.
func TestSecretRequired(t *testing.T) {
	t.Setenv("PALAUTE_SECRET", "")
	dir := t.TempDir()
	short := filepath.Join(dir, "secret")
	if err := os.WriteFile(short, []byte("too short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"", short} {
		if _, err := readSecret(file); err == nil || !strings.Contains(err.Error(), "head -c 32 /dev/urandom > secret") {
			t.Errorf("secret file %q: %v", file, err)
		}
	}
	if err := build("../testdata/feedback.csv", config{lang: i18n.Finnish}, filepath.Join(dir, "site"), io.Discard); err == nil {
		t.Error("a site was built without a secret")
	}
}
