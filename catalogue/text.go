package catalogue

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/clip"
	"github.com/palaute/palaute/internal/enum"
)

// Provenance says how sure the library is that a text is the national
// wording. Every text in the catalogue data carries one.
//
// The zero value, [ProvenanceUnknown], means "not stated"; it is not
// allowed in catalogue data.
type Provenance uint8

// The provenance marks of the catalogue data.
const (
	// ProvenanceUnknown is the zero value: no provenance stated.
	ProvenanceUnknown Provenance = iota
	// Verified: seen verbatim in a public THL source (named in the text's
	// Source).
	Verified
	// Regional: seen verbatim in a wellbeing services county's material,
	// not in THL's own text. Very likely the national wording, not proven.
	Regional
	// Provisional: reconstructed from paraphrases or translated by
	// palaute. Not the official wording; replace it when the official text
	// is available (see [Catalogue.Override]).
	Provisional
	// Own: the text of a county's or provider's own statement, defined by
	// its owner and not part of the national set.
	Own
)

var provenanceNames = []string{"", "verified", "regional", "provisional", "own"}

// String returns the provenance mark as written in the data: "verified",
// "regional", "provisional", "own", or "" for the zero value.
func (p Provenance) String() string { return enum.String(provenanceNames, p, "Provenance") }

// MarshalText implements [encoding.TextMarshaler].
func (p Provenance) MarshalText() ([]byte, error) {
	return enum.Marshal(provenanceNames, p, "Provenance")
}

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts the
// marks "verified", "regional", "provisional" and "own".
func (p *Provenance) UnmarshalText(text []byte) error {
	v, ok := enum.Parse[Provenance](provenanceNames, string(text))
	if !ok {
		return fmt.Errorf("unknown provenance %q (want verified, regional, provisional or own)", clip.Text(string(text), 80))
	}
	*p = v
	return nil
}

// Text is one text of the catalogue in one language, with its provenance.
//
// Lookups with a fallback language return the fallback's text with
// Fallback set, so that the substitution is never silent: a form can mark
// it and a vendor can see it.
type Text struct {
	Lang       i18n.Lang  `json:"lang"`
	Value      string     `json:"text"`
	Provenance Provenance `json:"provenance"`
	Source     string     `json:"source,omitempty"`
	// Fallback is true when the text is in another language than the one
	// asked for (Lang says which).
	Fallback bool `json:"fallback,omitempty"`
}

// Texts is the set of texts of one catalogue entry (an item, a scale label,
// a theme or an instrument title) in the languages it has. The zero value
// has no texts. Texts values are read-only and safe to share.
type Texts struct {
	key Key
	m   map[i18n.Lang]Text
}

// Key returns the key of the entry the texts belong to.
func (t Texts) Key() Key { return t.key }

// Get returns the text in language l, and whether there is one. It never
// substitutes another language.
func (t Texts) Get(l i18n.Lang) (Text, bool) {
	x, ok := t.m[l]
	return x, ok
}

// Lookup returns the text in language l. When there is none, it tries
// the fallback languages in the order given and returns the first text
// found with [Text.Fallback] set. When no language has a text, the error
// is a [*TextError] wrapping [ErrNoText]. No fallback is ever chosen by the
// library: with no fallback languages given, a missing text is an error.
func (t Texts) Lookup(l i18n.Lang, fallback ...i18n.Lang) (Text, error) {
	if x, ok := t.m[l]; ok {
		return x, nil
	}
	for _, f := range fallback {
		if x, ok := t.m[f]; ok {
			x.Fallback = true
			return x, nil
		}
	}
	return Text{}, &TextError{Key: t.key, Lang: l, Fallback: fallback}
}

// Langs returns the languages that have a text, in the order of
// [i18n.All].
func (t Texts) Langs() []i18n.Lang {
	var out []i18n.Lang
	for _, l := range i18n.All() {
		if _, ok := t.m[l]; ok {
			out = append(out, l)
		}
	}
	return out
}

// Len returns the number of languages that have a text.
func (t Texts) Len() int { return len(t.m) }

// KeyKind is the kind of catalogue entry a [Key] names.
type KeyKind uint8

// The kinds of catalogue entries that have texts.
const (
	KeyNone  KeyKind = iota // the zero value: no entry
	KeyTitle                // an instrument's title; Owner is the instrument reference
	KeyItem                 // an item's text; Owner is the instrument reference, ID the item ID
	KeyLabel                // a scale label; Owner is the scale ID, ID the answer value
	KeyTheme                // a theme name; ID is the theme ID
	KeyOwn                  // an own statement of a template; ID is the statement's ID
)

var keyKindNames = []string{"", "title", "item", "label", "theme", "own"}

// String returns the kind as written in keys: "title", "item", "label",
// "theme".
func (k KeyKind) String() string { return enum.String(keyKindNames, k, "KeyKind") }

// Key names one catalogue entry that has texts. Its text form, used in
// override files and error messages, is one of:
//
//	title:thl-adult/2022
//	item:thl-adult/2022:access
//	label:agree-5:5
//	theme:access
//	own:mother-tongue
//
// The zero value names no entry. Keys are comparable.
type Key struct {
	Kind  KeyKind
	Owner string // instrument reference (title, item) or scale ID (label)
	ID    string // item ID, answer value (label) or theme ID
}

// String returns the key's text form.
func (k Key) String() string {
	switch k.Kind {
	case KeyTitle:
		return "title:" + k.Owner
	case KeyItem, KeyLabel:
		return k.Kind.String() + ":" + k.Owner + ":" + k.ID
	case KeyTheme, KeyOwn:
		return k.Kind.String() + ":" + k.ID
	}
	return ""
}

// ParseKey parses the text form of a key (see [Key]). It checks the form
// only; whether the entry exists is up to the catalogue.
func ParseKey(s string) (Key, error) {
	kind, rest, _ := strings.Cut(s, ":")
	parts := strings.Split(rest, ":")
	bad := func(want string) (Key, error) {
		return Key{}, fmt.Errorf("catalogue: %w %q: want %s", ErrInvalidKey, clip.Text(s, 80), want)
	}
	switch kind {
	case "title":
		if len(parts) != 1 || !validRef(parts[0]) {
			return bad("title:INSTRUMENT/VERSION")
		}
		return Key{Kind: KeyTitle, Owner: parts[0]}, nil
	case "item":
		if len(parts) != 2 || !validRef(parts[0]) || !ValidID(parts[1]) {
			return bad("item:INSTRUMENT/VERSION:ITEM")
		}
		return Key{Kind: KeyItem, Owner: parts[0], ID: parts[1]}, nil
	case "label":
		if len(parts) != 2 || !ValidID(parts[0]) {
			return bad("label:SCALE:VALUE")
		}
		if _, err := strconv.Atoi(parts[1]); err != nil {
			return bad("label:SCALE:VALUE with an integer value")
		}
		return Key{Kind: KeyLabel, Owner: parts[0], ID: parts[1]}, nil
	case "theme", "own":
		if len(parts) != 1 || !ValidID(parts[0]) {
			return bad(kind + ":ID")
		}
		k := Key{Kind: KeyTheme, ID: parts[0]}
		if kind == "own" {
			k.Kind = KeyOwn
		}
		return k, nil
	}
	return bad("one of title:, item:, label:, theme:, own:")
}

// MarshalText implements [encoding.TextMarshaler].
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseKey].
func (k *Key) UnmarshalText(text []byte) error {
	v, err := ParseKey(string(text))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

func validRef(s string) bool {
	_, err := ParseInstrumentRef(s)
	return err == nil
}

// Entry is one text of the catalogue together with the key of the entry it
// belongs to, as listed by [Catalogue.Texts] and [Catalogue.Provisional].
type Entry struct {
	Key  Key  `json:"key"`
	Text Text `json:"text"`
}

// maxIDLen bounds the length of item, scale, theme and instrument IDs.
const maxIDLen = 64

// ValidID reports whether s can be the ID of an item, scale, theme or
// instrument: 1–64 characters of lower-case ASCII letters, digits, '-' and
// '_', starting with a letter. IDs become CSV column names and URL parts,
// hence the strict alphabet.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
