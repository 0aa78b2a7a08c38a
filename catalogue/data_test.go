package catalogue_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// rows reads a whitespace-separated table from testdata, skipping comments.
func rows(t *testing.T, name string, sep func(string) []string) [][]string {
	t.Helper()
	f, err := os.Open(path.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, sep(line))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func adult(t *testing.T) *catalogue.Instrument {
	t.Helper()
	in, err := catalogue.Default().Instrument(catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestConformanceTable holds the embedded data to the reviewed table in
// testdata/thl-adult-2022.txt: item IDs, order, sections, themes, scales,
// scale bands and template rules.
func TestConformanceTable(t *testing.T) {
	cat := catalogue.Default()
	in := adult(t)
	items := in.Items()
	var order int
	scales := 0
	for _, r := range rows(t, "thl-adult-2022.txt", strings.Fields) {
		switch r[0] {
		case "scale":
			scales++
			s, err := cat.Scale(r[1])
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := s.Range()
			cs, hasCS := s.CantSay()
			var bands []string
			for _, b := range s.Bands() {
				bands = append(bands, b.Name+"="+strconv.Itoa(b.Min)+"-"+strconv.Itoa(b.Max))
			}
			got := []string{s.ID(), s.Kind().String(), strconv.Itoa(lo) + "-" + strconv.Itoa(hi), "-"}
			if hasCS {
				got[3] = strconv.Itoa(cs)
			}
			got = append(got, bands...)
			if !slices.Equal(got, r[1:]) {
				t.Errorf("scale %s:\n got %q\nwant %q", r[1], got, r[1:])
			}
		case "statements":
			lo, hi := in.StatementLimits()
			if got := strconv.Itoa(lo) + "-" + strconv.Itoa(hi); got != r[1] {
				t.Errorf("statement limits %s, want %s", got, r[1])
			}
		default:
			if len(r) != 5 {
				t.Fatalf("bad row %q", r)
			}
			n, _ := strconv.Atoi(r[0])
			order++
			if n != order || n > len(items) {
				t.Fatalf("row %q out of order or beyond the %d items", r, len(items))
			}
			it := items[n-1]
			got := [4]string{it.ID(), it.Section().String(), it.Theme(), it.Scale().ID()}
			want := [4]string{r[1], r[2], dash(r[3]), dash(r[4])}
			if got != want {
				t.Errorf("item %d: got %q, want %q", n, got, want)
			}
		}
	}
	if order != len(items) {
		t.Errorf("table has %d items, data has %d", order, len(items))
	}
	if scales != len(cat.Scales()) {
		t.Errorf("table has %d scales, data has %d", scales, len(cat.Scales()))
	}
}

// TestSwedishStatements fails if a Swedish statement text changes by one
// character.
func TestSwedishStatements(t *testing.T) {
	in := adult(t)
	rs := rows(t, "sv-statements.txt", func(s string) []string { return strings.Split(s, "\t") })
	if len(rs) != 7 {
		t.Fatalf("want 7 statements, table has %d", len(rs))
	}
	for _, r := range rs {
		it, ok := in.Item(r[0])
		if !ok {
			t.Fatalf("no item %q", r[0])
		}
		got, ok := it.Texts().Get(i18n.Swedish)
		if !ok || got.Value != r[1] {
			t.Errorf("%s sv = %q, want %q", r[0], got.Value, r[1])
		}
		if got.Provenance != catalogue.Regional || !strings.Contains(got.Source, "Österbotten") {
			t.Errorf("%s sv provenance %v %q, want regional from Österbotten", r[0], got.Provenance, got.Source)
		}
	}
}

// TestReleasedDataUnchanged pins the SHA-256 of every file of every
// released data version. A released version is never edited: add a new
// version directory instead (and its sums to testdata/released.sha256).
func TestReleasedDataUnchanged(t *testing.T) {
	want := map[string]string{}
	versions := map[string]bool{}
	for _, r := range rows(t, "released.sha256", strings.Fields) {
		want[r[1]] = r[0]
		versions[strings.SplitN(r[1], "/", 2)[0]] = true
	}
	if !versions[catalogue.DataVersion] {
		t.Fatalf("DataVersion %s is not pinned in released.sha256", catalogue.DataVersion)
	}
	data := os.DirFS("data")
	seen := 0
	err := fs.WalkDir(data, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !versions[strings.SplitN(p, "/", 2)[0]] {
			return err
		}
		b, err := fs.ReadFile(data, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		switch w, ok := want[p]; {
		case !ok:
			t.Errorf("%s was added to released version; add a new data version instead", p)
		case w != hex.EncodeToString(sum[:]):
			t.Errorf("%s changed after release; add a new data version instead", p)
		}
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(want) {
		t.Errorf("released.sha256 pins %d files, found %d: a released file was removed", len(want), seen)
	}
	// Every embedded version loads.
	for _, v := range catalogue.EmbeddedVersions() {
		if _, err := catalogue.Embedded(v); err != nil {
			t.Errorf("embedded %s: %v", v, err)
		}
	}
}

// TestTextsComplete fails if any text is missing in fi, sv or en, and
// checks that the Sami languages are known but have no texts.
func TestTextsComplete(t *testing.T) {
	cat := catalogue.Default()
	for _, l := range i18n.Complete() {
		if m := cat.Missing(l); len(m) > 0 {
			t.Errorf("texts missing in %s: %v", l, m)
		}
	}
	entries := len(cat.Missing(i18n.NorthSami))
	if entries == 0 || len(cat.Texts()) != 3*entries {
		t.Errorf("%d entries without North Sami text, %d texts: want every entry in exactly fi, sv, en", entries, len(cat.Texts()))
	}
	for _, e := range cat.Texts() {
		if e.Text.Provenance == catalogue.ProvenanceUnknown || e.Text.Source == "" || strings.TrimSpace(e.Text.Value) != e.Text.Value {
			t.Errorf("%s %s: provenance %v, source %q, text %q", e.Key, e.Text.Lang, e.Text.Provenance, e.Text.Source, e.Text.Value)
		}
	}
}

// TestProvenanceOfKeyTexts checks the provenance the spec states for the
// recommendation question.
func TestProvenanceOfKeyTexts(t *testing.T) {
	rec, _ := adult(t).Item("recommend")
	want := map[i18n.Lang]catalogue.Provenance{
		i18n.English: catalogue.Verified, i18n.Finnish: catalogue.Regional, i18n.Swedish: catalogue.Provisional,
	}
	for l, p := range want {
		if got, _ := rec.Texts().Get(l); got.Provenance != p {
			t.Errorf("recommend %s: %v, want %v", l, got.Provenance, p)
		}
	}
	en, _ := rec.Texts().Get(i18n.English)
	if en.Value != "How likely would you be to recommend the service you received to a family member or friend in the same situation?" {
		t.Errorf("verified English wording changed: %q", en.Value)
	}
	for _, e := range catalogue.Default().Provisional() {
		if e.Text.Provenance != catalogue.Provisional {
			t.Fatalf("Provisional listed %v", e)
		}
	}
}

// loadWith loads the embedded data with one file replaced.
func loadWith(t *testing.T, name, content string) error {
	t.Helper()
	m := fstest.MapFS{}
	sub, _ := fs.Sub(os.DirFS("data"), catalogue.DataVersion)
	err := fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if content == "" {
		delete(m, name)
	} else {
		m[name] = &fstest.MapFile{Data: []byte(content)}
	}
	_, err = catalogue.Load(m)
	return err
}

func readData(t *testing.T, name string) string {
	b, err := os.ReadFile(path.Join("data", catalogue.DataVersion, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoadErrors(t *testing.T) {
	if err := loadWith(t, "catalogue.json", readData(t, "catalogue.json")); err != nil {
		t.Fatalf("unchanged data: %v", err)
	}
	inst := "instruments/thl-adult-2022.json"
	tests := []struct {
		file, old, new string
		want           []string
	}{
		{"scales.json", `"kind": "agree"`, `"kind": "likert"`, []string{`scales.json: scales[1] agree-5: unknown scale kind "likert"`}},
		{"scales.json", `{"name": "promoter", "min": 9, "max": 10}`, `{"name": "promoter", "min": 8, "max": 10}`, []string{`band "promoter" covers 8–10; want it to start at 9`}},
		{"scales.json", `"cantSay": 0,`, `"cantSay": 3,`, []string{"can't-say value 3 lies inside the range 1–5"}},
		{"scales.json", `"options": [5, 4, 3, 2, 1, 0]`, `"options": [5, 4, 3, 2, 1]`, []string{"can't-say value 0 is missing from the options"}},
		{"scales.json", `"fi": {"text": "kyllä"`, `"de": {"text": "kyllä"`, []string{`scales.json: scales[2] yes-no labels[0]: i18n: unknown language "de"`, "label:yes-no:1: no text in that language (fi)"}},
		{"themes.json", `"sv": {"text": "nytta", "provenance": "provisional"`, `"sv": {"text": "nytta", "provenance": "guess"`, []string{`themes.json: themes[6] usefulness: text in sv: unknown provenance "guess"`}},
		{"themes.json", `"id": "safety"`, `"id": "Safety"`, []string{`invalid ID: theme "Safety"`, `unknown theme "safety"`}},
		{inst, `"section": "open"`, `"section": "own"`, []string{"items[8] comment: own statements belong to templates"}},
		{inst, `"id": "usefulness",`, `"id": "access",`, []string{`duplicate item "access"`}},
		{inst, `"scale": "recommend-0-10"`, `"scale": "agree-5"`, []string{"section recommendation with a agree scale"}},
		{inst, `"maxStatements": 7`, `"maxStatements": 8`, []string{"statement limits 2–8 do not fit the 7 basic statements"}},
		{inst, `"validFrom": "2022-01-01"`, `"validFrom": "2022"`, []string{`validFrom: "2022" is not a date`}},
		{inst, `"version": "2022"`, `"version": "2023"`, []string{"file name must be thl-adult-2023.json"}},
		{inst, `"source": "THL, 'Asiakaspalautteen`, `"sourc": "THL, 'Asiakaspalautteen`, []string{`unknown field "sourc"`}},
		{"catalogue.json", `"format": "palaute-catalogue/1"`, `"format": "palaute-catalogue/2"`, []string{`format "palaute-catalogue/2"`}},
		{"catalogue.json", `"version": "2026.1",`, `"version": "2026.1",,`, []string{"catalogue.json: line 3, column 23: invalid character"}},
		{"scales.json", "", "", []string{"scales.json: open scales.json: file does not exist"}},
	}
	for _, tt := range tests {
		content := ""
		if tt.old != "" {
			orig := readData(t, tt.file)
			if !strings.Contains(orig, tt.old) {
				t.Fatalf("%s does not contain %q", tt.file, tt.old)
			}
			content = strings.Replace(orig, tt.old, tt.new, 1)
		}
		err := loadWith(t, tt.file, content)
		if err == nil {
			t.Errorf("%s with %q: no error", tt.file, tt.new)
			continue
		}
		if !strings.Contains(err.Error(), "catalogue: ") {
			t.Errorf("error lacks package prefix: %v", err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s with %q:\n error %v\n does not mention %q", tt.file, tt.new, err, w)
			}
		}
	}
}
