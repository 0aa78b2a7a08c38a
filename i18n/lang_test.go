package i18n

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseLang(t *testing.T) {
	for _, l := range All() {
		got, err := ParseLang(strings.ToUpper(l.String()) + " ")
		if err != nil || got != l {
			t.Errorf("ParseLang(%q) = %v, %v", l.String(), got, err)
		}
	}
	for _, bad := range []string{"", "fi-FI", "no", "suomi", "fin"} {
		if _, err := ParseLang(bad); !errors.Is(err, ErrUnknownLang) {
			t.Errorf("ParseLang(%q) error = %v, want ErrUnknownLang", bad, err)
		}
	}
	if len(All()) != 6 || len(Complete()) != 3 {
		t.Fatalf("All() = %v, Complete() = %v", All(), Complete())
	}
}

func TestLangText(t *testing.T) {
	type rec struct {
		Lang Lang `json:"lang"`
	}
	for _, l := range append(All(), Und) {
		b, err := json.Marshal(rec{l})
		if err != nil {
			t.Fatal(err)
		}
		var back rec
		if err := json.Unmarshal(b, &back); err != nil || back.Lang != l {
			t.Errorf("round trip of %v via %s = %v, %v", l, b, back.Lang, err)
		}
	}
	if _, err := Lang(200).MarshalText(); err == nil {
		t.Error("marshalling an invalid Lang must fail")
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"lang":"de"}`), &r); !errors.Is(err, ErrUnknownLang) {
		t.Errorf("unmarshal of de: %v", err)
	}
	if Lang(200).String() != "Lang(200)" || Lang(200).Autonym() != "" || Und.IsValid() {
		t.Error("invalid values must not pretend to be languages")
	}
	if SkoltSami.Autonym() != "sääʹmǩiõll" || Swedish.Autonym() != "svenska" {
		t.Error("autonyms")
	}
}

func TestMatcher(t *testing.T) {
	all := NewMatcher(All()...)
	core := NewMatcher()
	tests := []struct {
		m      *Matcher
		header string
		want   Lang
		ok     bool
	}{
		{core, "fi-FI", Finnish, true},
		{core, "sv-FI,sv;q=0.9,en;q=0.5", Swedish, true},
		{core, "en-GB", English, true},
		{core, "fr-CH, fr;q=0.9, en;q=0.8", English, true},
		{core, "de", Finnish, false},
		{core, "", Finnish, false},
		{core, "*;q=x,,;", Finnish, false},
		{core, "se", Finnish, false}, // Sami not offered: default, and the caller is told
		{all, "se-NO", NorthSami, true},
		{all, "smn", InariSami, true},
		{all, "sms,fi;q=0.5", SkoltSami, true},
		{NewMatcher(Swedish, Finnish), "da", Swedish, false},
	}
	for _, tt := range tests {
		got, ok := tt.m.MatchHeader(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("MatchHeader(%q) over %v = %v, %v; want %v, %v", tt.header, tt.m.Supported(), got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := core.Match("xx-invalid-!", "sv-AX"); got != Swedish || !ok {
		t.Errorf("Match(stored preference) = %v, %v", got, ok)
	}
	if got, ok := core.Match(); got != Finnish || ok {
		t.Errorf("Match() = %v, %v", got, ok)
	}
	if m := NewMatcher(Und, Lang(99), English, English); len(m.Supported()) != 1 || m.Supported()[0] != English {
		t.Errorf("NewMatcher must drop invalid and repeated languages: %v", m.Supported())
	}
}
