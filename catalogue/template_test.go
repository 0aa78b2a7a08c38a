package catalogue_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

var adultRef = catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}

func mother() catalogue.OwnStatement {
	return catalogue.OwnStatement{
		ID: "mother-tongue", Scale: "agree-5", Owner: "Österbotten welfare region",
		Texts: map[i18n.Lang]string{
			i18n.Swedish: "Jag fick vård och service på mitt eget modersmål",
			i18n.Finnish: "Sain hoitoa ja palvelua omalla äidinkielelläni.",
			i18n.English: "I received care and services in my own mother tongue.",
		},
	}
}

func ids(items []catalogue.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID())
	}
	return out
}

func TestTemplateOrder(t *testing.T) {
	tmpl, err := catalogue.Default().NewTemplate(catalogue.TemplateSpec{
		ID:           "health-station",
		Instrument:   adultRef,
		Statements:   []string{"usefulness", "access", "safety", "encounter"}, // not national order
		OpenFeedback: true,
		Own:          []catalogue.OwnStatement{mother()},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"recommend", "access", "encounter", "safety", "usefulness", "mother-tongue", "comment"}
	if got := ids(tmpl.Items()); !slices.Equal(got, want) {
		t.Errorf("form order %q, want %q", got, want)
	}
	if it, ok := tmpl.Item("mother-tongue"); !ok || it.Section() != catalogue.SectionOwn || it.Scale().ID() != "agree-5" {
		t.Errorf("own item %v %v", it, ok)
	}
	if _, ok := tmpl.Item("information"); ok {
		t.Error("an unchosen statement is in the template")
	}
	// Without open feedback there is no comment item.
	tmpl, err = catalogue.Default().NewTemplate(catalogue.TemplateSpec{Instrument: adultRef, Statements: []string{"safety", "access"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(tmpl.Items()); !slices.Equal(got, []string{"recommend", "access", "safety"}) {
		t.Errorf("minimal template %q", got)
	}
}

func TestTemplateErrors(t *testing.T) {
	all := []string{"access", "encounter", "participation", "safety", "information", "understandable", "usefulness"}
	bad := mother()
	bad.ID = "Mother Tongue"
	clash := mother()
	clash.ID = "unit"
	noEn := mother()
	delete(noEn.Texts, i18n.English)
	wrongScale := mother()
	wrongScale.ID, wrongScale.Scale = "would-return", "recommend-0-10"
	unknownScale := mother()
	unknownScale.ID, unknownScale.Scale = "easy", "agree-7"

	tests := []struct {
		name string
		spec catalogue.TemplateSpec
		want []error
		msgs []string
	}{
		{"unknown instrument", catalogue.TemplateSpec{Instrument: catalogue.InstrumentRef{ID: "thl-child", Version: "2022"}, Statements: all[:2]},
			[]error{catalogue.ErrUnknownInstrument}, []string{`Instrument: catalogue: unknown instrument "thl-child/2022"`}},
		{"too few", catalogue.TemplateSpec{Instrument: adultRef, Statements: all[:1]},
			[]error{catalogue.ErrStatementCount}, []string{"1 chosen, thl-adult/2022 allows 2–7"}},
		{"unknown and duplicate", catalogue.TemplateSpec{ID: "u1", Instrument: adultRef, Statements: []string{"access", "access", "kindness", "recommend"}},
			[]error{catalogue.ErrDuplicate, catalogue.ErrUnknownItem, catalogue.ErrWrongSection, catalogue.ErrStatementCount},
			[]string{`template "u1": Statements "kindness": unknown item`, `"recommend" is in section recommendation, not basic`}},
		{"special not in version", catalogue.TemplateSpec{Instrument: adultRef, Statements: all[:2], Special: []string{"access"}},
			[]error{catalogue.ErrWrongSection}, nil},
		{"own problems", catalogue.TemplateSpec{Instrument: adultRef, Statements: all, Own: []catalogue.OwnStatement{bad, clash, noEn, mother(), wrongScale, unknownScale}},
			[]error{catalogue.ErrInvalidID, catalogue.ErrIDClash, catalogue.ErrNoText, catalogue.ErrDuplicate, catalogue.ErrUnknownScale},
			[]string{`Own "unit": ID already in use`, `Own "mother-tongue": catalogue: own:mother-tongue: no text in that language (en)`, `not "recommend-0-10"`, `unknown scale "agree-7"`}},
		{"own needs every offered language", catalogue.TemplateSpec{Instrument: adultRef, Statements: all[:2], Own: []catalogue.OwnStatement{mother()}, Langs: []i18n.Lang{i18n.Swedish, i18n.NorthSami}},
			[]error{catalogue.ErrNoText}, []string{"(se)"}},
		{"bad languages", catalogue.TemplateSpec{Instrument: adultRef, Statements: all[:2], Langs: []i18n.Lang{i18n.Finnish, i18n.Finnish, i18n.Lang(77)}},
			[]error{catalogue.ErrDuplicate, i18n.ErrUnknownLang}, nil},
	}
	for _, tt := range tests {
		_, err := catalogue.Default().NewTemplate(tt.spec)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !errors.Is(err, w) {
				t.Errorf("%s: error %v\n does not wrap %v", tt.name, err, w)
			}
		}
		for _, m := range tt.msgs {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %v\n does not mention %q", tt.name, err, m)
			}
		}
		var te *catalogue.TemplateError
		if !errors.As(err, &te) {
			t.Errorf("%s: not a *TemplateError: %T", tt.name, err)
		}
		if n := len(strings.Split(err.Error(), "\n")); n < len(tt.want) {
			t.Errorf("%s: %d problems reported, want at least %d (one per problem)", tt.name, n, len(tt.want))
		}
	}
	// The good own statement passes with all seven statements: the
	// problems above were each caused by one bad field.
	if _, err := catalogue.Default().NewTemplate(catalogue.TemplateSpec{Instrument: adultRef, Statements: all, Own: []catalogue.OwnStatement{mother()}}); err != nil {
		t.Errorf("valid template: %v", err)
	}
}

func TestTemplateSpecJSON(t *testing.T) {
	spec := catalogue.TemplateSpec{ID: "u1", Instrument: adultRef, Statements: []string{"access", "safety"}, Own: []catalogue.OwnStatement{mother()}, Langs: []i18n.Lang{i18n.Finnish, i18n.Swedish, i18n.English}}
	tmpl, err := catalogue.Default().NewTemplate(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tmpl.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"instrument":"thl-adult/2022"`) || !strings.Contains(string(b), `"sv":"Jag fick vård`) {
		t.Errorf("spec JSON %s", b)
	}
	var back catalogue.TemplateSpec
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, err := catalogue.Default().NewTemplate(back)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(again.Items()), ids(tmpl.Items())) {
		t.Error("template changed in a JSON round trip")
	}
	// The template keeps its own copy of the spec.
	spec.Own[0].Texts[i18n.Finnish] = "changed"
	if it, _ := tmpl.Item("mother-tongue"); it.Texts().Len() != 3 {
		t.Error("template shares the caller's maps")
	}
	if got, _ := tmpl.Spec().Own[0].Texts[i18n.Finnish]; got == "changed" {
		t.Error("Spec shares the caller's maps")
	}
}

func TestRender(t *testing.T) {
	tmpl, err := catalogue.Default().NewTemplate(catalogue.TemplateSpec{
		Instrument: adultRef, Statements: []string{"safety", "access"}, OpenFeedback: true,
		Own: []catalogue.OwnStatement{mother()},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := tmpl.Render(i18n.Swedish)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Questions) != 5 || f.Lang != i18n.Swedish {
		t.Fatalf("form %+v", f)
	}
	rec := f.Questions[0]
	if rec.Kind != catalogue.KindRecommendation || len(rec.Options) != 11 || rec.Options[0].Label == nil || rec.Options[5].Label != nil || rec.Options[10].Label.Value != "mycket sannolikt" {
		t.Errorf("recommendation question %+v", rec)
	}
	access := f.Questions[1]
	if access.Item != "access" || access.Text.Value != "Jag fick hjälp när jag behövde den" || access.ThemeName.Value != "tillgänglighet" {
		t.Errorf("access %+v", access)
	}
	var values []int
	for _, o := range access.Options {
		values = append(values, o.Value)
	}
	if !slices.Equal(values, []int{5, 4, 3, 2, 1, 0}) || !access.Options[5].CantSay || access.Options[5].Label.Value != "kan inte säga" {
		t.Errorf("agree options %v", access.Options)
	}
	if own := f.Questions[3]; own.Text.Provenance != catalogue.Own || own.Text.Source != "Österbotten welfare region" {
		t.Errorf("own %+v", own.Text)
	}
	if f.Questions[4].Section != catalogue.SectionOpen || f.Questions[4].Options != nil {
		t.Errorf("open %+v", f.Questions[4])
	}

	// North Sami: no texts. Without a fallback every entry is reported,
	// once each; with one, texts are marked as fallbacks.
	_, err = tmpl.Render(i18n.NorthSami)
	if !errors.Is(err, catalogue.ErrNoText) {
		t.Fatalf("Render(se) error %v", err)
	}
	// title, 5 items, 2 themes, 2 recommendation labels, 6 agree labels;
	// the own statement has no se text either.
	if n := len(strings.Split(err.Error(), "\n")); n != 16 {
		t.Errorf("Render(se) reported %d problems, want 16:\n%v", n, err)
	}
	f, err = tmpl.Render(i18n.NorthSami, i18n.Finnish)
	if err != nil {
		t.Fatal(err)
	}
	if q := f.Questions[1]; !q.Text.Fallback || q.Text.Lang != i18n.Finnish || f.Lang != i18n.NorthSami {
		t.Errorf("fallback not marked: %+v", q.Text)
	}
	b, err := json.Marshal(f)
	if err != nil || !strings.Contains(string(b), `"fallback":true`) || !strings.Contains(string(b), `"lang":"se"`) {
		t.Errorf("form JSON %s %v", b, err)
	}
}

func TestOverride(t *testing.T) {
	cat := catalogue.Default()
	before := len(cat.Provisional())
	over, err := cat.Override(strings.NewReader(`{
	  "format": "palaute-text-override/1",
	  "texts": [
	    {"key": "item:thl-adult/2022:access", "lang": "fi", "text": "Virallinen teksti.", "provenance": "verified", "source": "THL, official file"},
	    {"key": "label:agree-5:3", "lang": "se", "text": "Sámegiel teaksta", "provenance": "verified", "source": "THL, Sami translations"}
	  ]}`))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := over.Instrument(adultRef)
	it, _ := in.Item("access")
	if x, _ := it.Texts().Get(i18n.Finnish); x.Value != "Virallinen teksti." || x.Provenance != catalogue.Verified {
		t.Errorf("override not applied: %+v", x)
	}
	if got := len(over.Provisional()); got != before-1 {
		t.Errorf("provisional texts %d → %d, want one fewer", before, got)
	}
	s, _ := over.Scale("agree-5")
	if l, _ := s.Label(3); l.Len() != 4 {
		t.Errorf("Sami label not added: %v", l.Langs())
	}
	// The original is unchanged.
	orig, _ := adult(t).Item("access")
	if x, _ := orig.Texts().Get(i18n.Finnish); x.Provenance != catalogue.Provisional {
		t.Error("Override changed the receiver")
	}

	_, err = cat.Override(strings.NewReader(`{"format": "palaute-text-override/1", "texts": [
	    {"key": "item:thl-adult/2022:kindness", "lang": "fi", "text": "x", "provenance": "verified", "source": "s"},
	    {"key": "item:thl-adult/2022:access", "lang": "de", "text": "x", "provenance": "verified", "source": "s"},
	    {"key": "item:thl-adult/2022:access", "lang": "fi", "text": "", "provenance": "verified", "source": "s"},
	    {"key": "item:thl-adult/2022:access", "lang": "sv", "text": "x", "provenance": "own", "source": "s"},
	    {"key": "theme:access", "lang": "fi", "text": "x", "provenance": "verified", "source": ""},
	    {"key": "theme:access", "lang": "en", "text": "x", "provenance": "verified", "source": "s"},
	    {"key": "theme:access", "lang": "en", "text": "y", "provenance": "verified", "source": "s"},
	    {"key": "bogus", "lang": "fi", "text": "x", "provenance": "verified", "source": "s"}
	  ]}`))
	for _, w := range []string{"texts[0]", "texts[1]", "texts[2]", "texts[3]", "texts[4]", "texts[6]", "texts[7]"} {
		if err == nil || !strings.Contains(err.Error(), w+" ") {
			t.Errorf("override error %v\n does not report %s", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "texts[5] ") {
		t.Errorf("the valid entry texts[5] was reported: %v", err)
	}
	for _, w := range []error{catalogue.ErrUnknownKey, catalogue.ErrInvalidKey, catalogue.ErrDuplicate, catalogue.ErrInvalidData, i18n.ErrUnknownLang} {
		if !errors.Is(err, w) {
			t.Errorf("override error does not wrap %v", w)
		}
	}
	if _, err := cat.Override(strings.NewReader(`{"format": "x", "texts": []}`)); !errors.Is(err, catalogue.ErrInvalidData) {
		t.Errorf("wrong format: %v", err)
	}
}

func TestKeysAndRefs(t *testing.T) {
	for _, s := range []string{"title:thl-adult/2022", "item:thl-adult/2022:access", "label:agree-5:0", "theme:safety", "own:mother-tongue"} {
		k, err := catalogue.ParseKey(s)
		if err != nil || k.String() != s {
			t.Errorf("ParseKey(%q) = %v, %v", s, k, err)
		}
		if k.Kind != catalogue.KeyOwn {
			if _, err := catalogue.Default().Lookup(k); err != nil {
				t.Errorf("Lookup(%s): %v", s, err)
			}
		}
	}
	for _, s := range []string{"", "item:thl-adult:access", "label:agree-5:x", "theme:", "title:a/b:c", "foo:bar"} {
		if _, err := catalogue.ParseKey(s); !errors.Is(err, catalogue.ErrInvalidKey) {
			t.Errorf("ParseKey(%q) error %v", s, err)
		}
	}
	if _, err := catalogue.Default().Lookup(catalogue.Key{Kind: catalogue.KeyLabel, Owner: "agree-5", ID: "3"}); err != nil {
		t.Error(err)
	}
	if _, err := catalogue.Default().Lookup(catalogue.Key{Kind: catalogue.KeyLabel, Owner: "recommend-0-10", ID: "5"}); !errors.Is(err, catalogue.ErrUnknownKey) {
		t.Errorf("unlabelled value: %v", err)
	}
	var r catalogue.InstrumentRef
	if err := json.Unmarshal([]byte(`"thl-adult/2022"`), &r); err != nil || r != adultRef {
		t.Errorf("ref %v %v", r, err)
	}
	for _, s := range []string{"thl-adult", "/2022", "thl-adult/", "THL/2022", "a/b/c"} {
		if _, err := catalogue.ParseInstrumentRef(s); err == nil {
			t.Errorf("ParseInstrumentRef(%q) accepted", s)
		}
	}
	if latest, err := catalogue.Default().Latest("thl-adult"); err != nil || latest.Ref() != adultRef {
		t.Errorf("Latest %v %v", latest, err)
	}
	if !catalogue.ValidID("a-1_b") || catalogue.ValidID("1a") || catalogue.ValidID(strings.Repeat("a", 65)) {
		t.Error("ValidID")
	}
	s, _ := catalogue.Default().Scale("recommend-0-10")
	if b, ok := s.BandOf(8); !ok || b.Name != "passive" {
		t.Errorf("BandOf(8) = %v", b)
	}
	if s.Valid(11) || !s.Valid(0) || s.IsCantSay(0) {
		t.Error("recommendation scale validity")
	}
	a, _ := catalogue.Default().Scale("agree-5")
	if !a.Valid(0) || !a.IsCantSay(0) || a.Valid(6) {
		t.Error("agree scale validity")
	}
	if _, ok := a.BandOf(0); ok {
		t.Error("can't-say has no band")
	}
}

// endless yields the same bytes for ever.
type endless struct{ b byte }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.b
	}
	return len(p), nil
}

// TestOverrideBounds: an override of 100 MB (here, of endless text) is
// refused after reading about a megabyte; a file of thousands of bad
// entries with long keys gives a short error.
func TestOverrideBounds(t *testing.T) {
	cat := catalogue.Default()
	huge := io.MultiReader(strings.NewReader(`{"format":"palaute-text-override/1","texts":[{"key":"item:thl-adult/2022:access","lang":"fi","text":"`), io.LimitReader(endless{'a'}, 100<<20))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := cat.Override(huge)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, catalogue.ErrTooLarge) {
		t.Fatalf("100 MB override: %v, want ErrTooLarge", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("reading the 100 MB override allocated %d MB", got>>20)
	}

	var b strings.Builder
	b.WriteString(`{"format":"palaute-text-override/1","texts":[`)
	for i := range 3000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"key":"item:%s","lang":"fi","text":"x","provenance":"verified","source":"s"}`, strings.Repeat("k", 240))
	}
	b.WriteString("]}")
	_, err = cat.Override(strings.NewReader(b.String()))
	if err == nil || len(err.Error()) > 8<<10 {
		t.Fatalf("3000 bad entries: error of %d bytes, want a short one", len(fmt.Sprint(err)))
	}
	var de *catalogue.DataError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "more problems not listed") {
		t.Errorf("error does not say problems were left out: %.300s", err)
	}
	long := `{"format":"palaute-text-override/1","texts":[{"key":"item:thl-adult/2022:access","lang":"fi","text":"x","provenance":"` + strings.Repeat("v", 100000) + `","source":"s"}]}`
	if _, err := cat.Override(strings.NewReader(long)); err == nil || len(err.Error()) > 1000 {
		t.Errorf("a 100 kB provenance: error of %d bytes", len(fmt.Sprint(err)))
	}
}
