package i18n

import (
	"fmt"
	"strings"

	"github.com/palaute/palaute/internal/problem"

	"golang.org/x/text/language"
)

// Lang is one of the languages of the national feedback standard.
//
// The zero value is [Und], "no language"; it is what an unset field holds
// and is not a valid answer language. Lang values are comparable and
// marshal to and from their code ("fi", "sv", "en", "se", "smn", "sms"),
// so they work in JSON and CSV without glue.
type Lang uint8

// The languages of the national standard. Finnish, Swedish and English have
// complete texts and labels; the three Sami languages are known but have no
// texts yet (THL provides translations that were not available to us).
const (
	Und       Lang = iota // no language (the zero value)
	Finnish               // fi
	Swedish               // sv
	English               // en
	NorthSami             // se
	InariSami             // smn
	SkoltSami             // sms
)

// ErrUnknownLang is returned (wrapped) when a language code is not one of
// the languages of the national standard.
var ErrUnknownLang = problem.New("unknown-lang", "unknown language")

var langInfo = [...]struct {
	code    string
	autonym string
	tag     language.Tag
}{
	Und:       {"", "", language.Und},
	Finnish:   {"fi", "suomi", language.Finnish},
	Swedish:   {"sv", "svenska", language.Swedish},
	English:   {"en", "English", language.English},
	NorthSami: {"se", "davvisámegiella", language.MustParse("se")},
	InariSami: {"smn", "anarâškielâ", language.MustParse("smn")},
	SkoltSami: {"sms", "sääʹmǩiõll", language.MustParse("sms")},
}

// All returns every known language in the order of the national standard:
// fi, sv, en, se, smn, sms.
func All() []Lang {
	return []Lang{Finnish, Swedish, English, NorthSami, InariSami, SkoltSami}
}

// Complete returns the languages for which the library ships complete
// texts and labels: fi, sv and en.
func Complete() []Lang { return []Lang{Finnish, Swedish, English} }

// ParseLang returns the language with the given code. Codes are matched
// without regard to case and surrounding space; region subtags are not
// accepted (use a [Matcher] for "sv-FI" and Accept-Language headers).
func ParseLang(code string) (Lang, error) {
	c := strings.ToLower(strings.TrimSpace(code))
	for l := Finnish; l <= SkoltSami; l++ {
		if langInfo[l].code == c {
			return l, nil
		}
	}
	return Und, fmt.Errorf("i18n: %w %q (want one of fi, sv, en, se, smn, sms)", ErrUnknownLang, code)
}

// IsValid reports whether l is one of the known languages (not [Und] and
// not out of range).
func (l Lang) IsValid() bool { return l >= Finnish && l <= SkoltSami }

// String returns the language code, "" for [Und], or "Lang(N)" for an
// invalid value.
func (l Lang) String() string {
	if int(l) < len(langInfo) {
		return langInfo[l].code
	}
	return fmt.Sprintf("Lang(%d)", uint8(l))
}

// Autonym returns the language's name in itself ("suomi", "svenska",
// "English", "davvisámegiella", "anarâškielâ", "sääʹmǩiõll"), as a language
// switch shows it. It returns "" for [Und] and invalid values.
func (l Lang) Autonym() string {
	if l.IsValid() {
		return langInfo[l].autonym
	}
	return ""
}

// Tag returns the BCP 47 tag of the language ([language.Und] for [Und]).
func (l Lang) Tag() language.Tag {
	if int(l) < len(langInfo) {
		return langInfo[l].tag
	}
	return language.Und
}

// MarshalText implements [encoding.TextMarshaler]. [Und] marshals as the
// empty string; an invalid value is an error.
func (l Lang) MarshalText() ([]byte, error) {
	if l != Und && !l.IsValid() {
		return nil, fmt.Errorf("i18n: cannot marshal invalid %v", l)
	}
	return []byte(l.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. The empty string
// gives [Und]; any other text must be a known code (see [ParseLang]).
func (l *Lang) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*l = Und
		return nil
	}
	v, err := ParseLang(string(text))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Matcher chooses one of a fixed list of supported languages for a
// caller's preferences. Build it once with [NewMatcher] and share it: it is
// safe for concurrent use.
type Matcher struct {
	langs   []Lang
	matcher language.Matcher
}

// NewMatcher returns a matcher over the supported languages, in order of
// preference; the first is the default when nothing matches. With no
// arguments it supports [Complete] (fi, sv, en). Invalid and repeated
// languages are ignored.
func NewMatcher(supported ...Lang) *Matcher {
	if len(supported) == 0 {
		supported = Complete()
	}
	m := &Matcher{}
	seen := map[Lang]bool{}
	var tags []language.Tag
	for _, l := range supported {
		if !l.IsValid() || seen[l] {
			continue
		}
		seen[l] = true
		m.langs = append(m.langs, l)
		tags = append(tags, l.Tag())
	}
	if len(m.langs) == 0 {
		m.langs = Complete()
		for _, l := range m.langs {
			tags = append(tags, l.Tag())
		}
	}
	m.matcher = language.NewMatcher(tags)
	return m
}

// Supported returns the matcher's languages; the first is the default.
func (m *Matcher) Supported() []Lang { return append([]Lang(nil), m.langs...) }

// MatchHeader returns the supported language that best fits an HTTP
// Accept-Language header such as "sv-FI,sv;q=0.9,en;q=0.5". ok reports
// whether the header matched a supported language at all; when it did not
// (or the header is empty or malformed), the default language is returned
// with ok false.
func (m *Matcher) MatchHeader(header string) (l Lang, ok bool) {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return m.langs[0], false
	}
	return m.match(tags)
}

// Match returns the supported language that best fits the given
// preferences, each a BCP 47 tag such as "fi", "sv-FI" or "en-GB", most
// preferred first. Unparsable preferences are skipped. ok is false when
// nothing matched and the default language was returned.
func (m *Matcher) Match(prefs ...string) (l Lang, ok bool) {
	var tags []language.Tag
	for _, p := range prefs {
		if t, err := language.Parse(strings.TrimSpace(p)); err == nil {
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return m.langs[0], false
	}
	return m.match(tags)
}

func (m *Matcher) match(tags []language.Tag) (Lang, bool) {
	_, index, conf := m.matcher.Match(tags...)
	if conf == language.No || index < 0 || index >= len(m.langs) {
		return m.langs[0], false
	}
	return m.langs[index], true
}
