package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/internal/browser"
)

const sample = "../testdata/feedback.csv"

// TestMain gives the tests a secret, as a county keeps one (the tests of
// secrets set their own), and says after the run which browser tests
// were skipped for a missing browser.
func TestMain(m *testing.M) {
	os.Setenv("PALAUTE_SECRET", "the indicators tests' secret of the county")
	os.Exit(browser.Main(m))
}

func runArgs(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(stdin), &o, &e)
	return code, o.String(), e.String()
}

func TestDemo(t *testing.T) {
	code, out, errOut := runArgs(t, "", "-demo")
	if code != 0 || !strings.Contains(errOut, "public demo secret") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"# Asiakaspalautteen tunnusluvut", "| Yksikkö | Vastaajia | Suositteluindeksi |", "**Kaikki** | 20\u00a0000 |", "\u00a0%", "Lomake: thl-adult/2022", "▲", "▼"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// Ähtäri and Östermyra sort after the others in Finnish.
	if strings.Index(out, "Ähtäri") < strings.Index(out, "Vaasa") || strings.Index(out, "Östermyra") < strings.Index(out, "Ähtäri") {
		t.Error("units not in Finnish order")
	}
}

func TestCSVOutput(t *testing.T) {
	code, out, errOut := runArgs(t, "", "-by", "provider,unit", "-period", "month", "-format", "csv", "-compare", sample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "read 600 rows: 600 accepted, 0 rejected") {
		t.Errorf("summary: %s", errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "published through 2025-03-31") {
		t.Errorf("the default months are not said: %s", errOut)
	}
	if got := strings.Join(rows[0], ","); got != "provider,unit,total,instrument,period,item,n,positive,neutral,negative,estimate,low,high,excluded,suppressed,reference,diff,p,label,test,p_unadjusted,family" {
		t.Errorf("header %s", got)
	}
	months := map[string]bool{}
	for _, r := range rows[1:] {
		months[r[4]] = true
		if strings.Contains(r[10], ",") {
			t.Errorf("machine number with a comma: %v", r)
		}
	}
	// The data end in April, which is taken to be still open.
	if !months["2025-01"] || !months["2025-03"] || months["2025-04"] {
		t.Errorf("periods %v", months)
	}
}

func TestBadRowsAndFormats(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	bad := lines[0] + lines[1] + "x1,not a time,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,,\n" + lines[2] + "x2,2025-01-02T10:00:00Z,thl-adult/2022,r,p,u,s,sms,client,fi,11,,,,,,,,,\n"
	code, out, errOut := runArgs(t, bad, "-lang", "en", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"line 3", `field submitted: value cannot be read: given "not a time"`, "line 5", "read 4 rows: 2 accepted, 2 rejected (out-of-range 1, syntax 1)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "# Customer feedback indicators") {
		t.Errorf("English report: %s", out)
	}
	// Nothing readable: non-zero.
	if code, _, errOut := runArgs(t, "id,submitted,instrument\nx,y,z\n", "-"); code != 1 || !strings.Contains(errOut, "nothing could be read") {
		t.Errorf("all bad: exit %d, %s", code, errOut)
	}
	if code, _, _ := runArgs(t, "", "-format", "pdf", sample); code != 2 {
		t.Error("bad flag accepted")
	}
	if code, _, _ := runArgs(t, "", "-period", "rolling30", sample); code != 2 {
		t.Error("rolling30 without -at accepted")
	}
	// Empty dimension names (this once panicked with -compare) are a usage
	// error naming the flag.
	for _, by := range []string{",", "unit,", ",unit", "unit,,provider"} {
		code, _, errOut := runArgs(t, "", "-by", by, "-compare", sample)
		if code != 2 || !strings.Contains(errOut, "-by") {
			t.Errorf("-by %q: exit %d, %s", by, code, errOut)
		}
	}
}

func TestNDJSONHTMLRollingStandardize(t *testing.T) {
	// NDJSON on stdin, detected by content.
	nd := `{"id":"a","submitted":"2025-03-10T10:00:00+02:00","instrument":"thl-adult/2022","unit":"u1","channel":"sms","answers":{"recommend":9,"access":5}}` + "\n"
	code, out, errOut := runArgs(t, strings.Repeat(nd, 1), "-format", "json", "-through", "2025-03-31", "-")
	if code != 0 || !strings.Contains(out, `"item": "recommend"`) {
		t.Fatalf("NDJSON: %d %s %s", code, out, errOut)
	}
	dir := t.TempDir()
	outFile := filepath.Join(dir, "report.html")
	code, _, errOut = runArgs(t, "", "-format", "html", "-internal", "-period", "rolling2", "-at", "2025-03-31", "-standardize", "channel", "-lang", "sv", "-out", outFile, sample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	html, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<html lang="sv">`, "2025-02-01/2025-03-31", "standardiserat", "<svg", "INTERNT"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestProtectionFlags: a negative or inconsistent setting is an error,
// never "off"; a dimension outside the base is refused with a reason.
func TestProtectionFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-min-n", "-1", sample},
		{"-noise", "-2", sample},
		{"-min-n", "9", sample}, // ExactFrom 11 < 9 + 6
		{"-by", "channel", sample},
		{"-period", "day", sample}, // days from a monthly base
		{"-period", "rolling3", "-at", "2025-03-14", sample},
	} {
		code, _, errOut := runArgs(t, "", args...)
		if code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	code, _, errOut := runArgs(t, "", "-by", "channel", sample)
	if code != 2 || !strings.Contains(errOut, "for internal use only (-internal)") {
		t.Errorf("-by channel: %d %s", code, errOut)
	}
}

// TestErrorFloodBounded: one quoted field of 200 000 lines (each read as a
// bad record) once wrote every problem to stderr; the command writes the
// first ones and a count, and still scores the good rows.
func TestErrorFloodBounded(t *testing.T) {
	data, err := os.ReadFile(sample)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	flood := lines[0] + lines[1] + "x1,2025-01-02T10:00:00Z,thl-adult/2022,r,p,u,s,sms,client,fi,9,,,,,,,,\"" +
		strings.Repeat("rivi, jossa on pilkku\n", 200_000) + "\",\n" + strings.Join(lines[2:], "")
	path := filepath.Join(t.TempDir(), "flood.csv")
	require.NoError(t, os.WriteFile(path, []byte(flood), 0o600))
	_, _, baseline := runArgs(t, "", "-format", "csv", sample)
	accepted := regexp.MustCompile(`\d+ accepted`).FindString(baseline)
	code, _, errOut := runArgs(t, "", "-format", "csv", path)
	if code != 0 || len(errOut) > 64<<10 {
		t.Fatalf("exit %d, %d bytes of stderr", code, len(errOut))
	}
	if !regexp.MustCompile(`survey: 1\d{5} more problems not shown`).MatchString(errOut) || accepted == "" || !strings.Contains(errOut, accepted) {
		t.Errorf("stderr ends:\n%s", errOut[max(0, len(errOut)-600):])
	}
}
