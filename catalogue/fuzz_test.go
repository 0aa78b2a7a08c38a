package catalogue_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// FuzzOverride: an override file from outside never panics, and when it
// is accepted every text it names is in the new catalogue.
func FuzzOverride(f *testing.F) {
	f.Add([]byte(`{"format":"palaute-text-override/1","texts":[{"key":"item:thl-adult/2022:access","lang":"se","text":"x","provenance":"verified","source":"s"}]}`))
	f.Add([]byte(`{"format":"palaute-text-override/1","texts":[{"key":"label:agree-5:3","lang":"fi","text":"y","provenance":"regional","source":"t"}]}`))
	f.Add([]byte(`{"format":"palaute-text-override/1","texts":[{"key":"theme:","lang":"","text":"","provenance":"","source":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		over, err := catalogue.Default().Override(bytes.NewReader(data))
		if err != nil {
			return
		}
		var file struct {
			Texts []struct{ Key, Lang, Text string }
		}
		if json.Unmarshal(data, &file) != nil {
			return
		}
		for _, e := range file.Texts {
			key, err := catalogue.ParseKey(e.Key)
			if err != nil {
				t.Fatalf("accepted an invalid key %q", e.Key)
			}
			texts, err := over.Lookup(key)
			if err != nil {
				t.Fatalf("accepted key %s is not in the catalogue: %v", key, err)
			}
			lang, err := i18n.ParseLang(e.Lang)
			if err != nil {
				t.Fatalf("accepted an unknown language %q", e.Lang)
			}
			if x, ok := texts.Get(lang); !ok || x.Value != e.Text {
				t.Fatalf("text %q in %q for %s not applied", e.Text, e.Lang, key)
			}
		}
	})
}
