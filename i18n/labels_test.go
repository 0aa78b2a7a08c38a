package i18n

import (
	"errors"
	"strings"
	"testing"
)

// TestLabelsComplete fails when a label is missing in Finnish, Swedish or
// English.
func TestLabelsComplete(t *testing.T) {
	labels := DefaultLabels()
	if len(labels.Keys()) < 40 {
		t.Fatalf("only %d label keys", len(labels.Keys()))
	}
	for _, l := range Complete() {
		if missing := labels.Missing(l); len(missing) > 0 {
			t.Errorf("labels missing in %s: %v", l, missing)
		}
	}
	for _, l := range []Lang{NorthSami, InariSami, SkoltSami} {
		if got := len(labels.Missing(l)); got != len(labels.Keys()) {
			t.Errorf("%s has %d labels; the library has none in Sami and must not pretend otherwise", l, len(labels.Keys())-got)
		}
	}
	// Every language has its name as a label.
	for _, l := range All() {
		if _, ok := labels.Get(Finnish, "lang."+l.String()); !ok {
			t.Errorf("no label lang.%s", l)
		}
	}
}

func TestLabelsLookup(t *testing.T) {
	labels := DefaultLabels()
	if s, in, err := labels.Lookup("role.relative", Swedish); err != nil || s != "närstående" || in != Swedish {
		t.Errorf("Lookup sv = %q, %v, %v", s, in, err)
	}
	if _, _, err := labels.Lookup("role.relative", NorthSami); !errors.Is(err, ErrNoLabel) {
		t.Errorf("Lookup se without fallback: %v", err)
	}
	s, in, err := labels.Lookup("role.relative", NorthSami, Finnish)
	if err != nil || in != Finnish || s != "läheinen" {
		t.Errorf("Lookup se with fi fallback = %q, %v, %v", s, in, err)
	}
	if _, _, err := labels.Lookup("no.such.key", Finnish); !errors.Is(err, ErrNoLabel) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestParseLabelsErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`{"labels":{"a":{"fi":"x"}},"extra":1}`, "unknown field"},
		{`{"labels":{"a":{"de":"x"}}}`, `key "a": i18n: unknown language "de"`},
		{`{"labels":{"a":{"fi":""}}}`, `key "a": empty text in fi`},
		{`{"labels":{"":{"fi":"x"}}}`, "empty key"},
		{`{"labels":{}} {}`, "data after"},
		{`{"labels":`, "unexpected EOF"},
	}
	for _, tt := range tests {
		_, err := ParseLabels(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseLabels(%s) error = %v, want it to mention %q", tt.in, err, tt.want)
		}
	}
	got, err := ParseLabels(strings.NewReader(`{"labels":{"channel.sms":{"se":"SMS"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := got.Get(NorthSami, "channel.sms"); !ok || s != "SMS" {
		t.Errorf("caller's own Sami label not found: %q %v", s, ok)
	}
}

func TestLabelsText(t *testing.T) {
	l, err := ParseLabels(strings.NewReader(`{"labels": {"a": {"fi": "yksi", "sv": "ett", "en": "one"}, "b": {"en": "two"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		lang Lang
		want string
	}{{"a", Swedish, "ett"}, {"b", Finnish, "two"}, {"missing", Finnish, "missing"}} {
		if got := l.Text(c.key, c.lang); got != c.want {
			t.Errorf("Text(%q, %v) = %q, want %q", c.key, c.lang, got, c.want)
		}
	}
}
