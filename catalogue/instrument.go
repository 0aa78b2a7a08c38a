package catalogue

import (
	"fmt"
	"github.com/palaute/palaute/internal/enum"
	"slices"
	"strings"
	"time"
)

// InstrumentRef names one version of an instrument, as in the canonical
// interchange format's "instrument" column: "thl-adult/2022". The zero
// value names no instrument. InstrumentRef values are comparable and
// marshal as text.
type InstrumentRef struct {
	ID      string
	Version string
}

// ParseInstrumentRef parses "ID/VERSION". Both parts must be valid IDs
// (see [ValidID]), except that a version may also start with a digit.
func ParseInstrumentRef(s string) (InstrumentRef, error) {
	id, version, ok := strings.Cut(s, "/")
	if !ok || !ValidID(id) || !validVersion(version) {
		return InstrumentRef{}, fmt.Errorf("catalogue: %w %q: want ID/VERSION such as thl-adult/2022", ErrUnknownInstrument, s)
	}
	return InstrumentRef{ID: id, Version: version}, nil
}

func validVersion(v string) bool {
	if v == "" {
		return false
	}
	if v[0] >= '0' && v[0] <= '9' {
		return ValidID("v" + v)
	}
	return ValidID(v)
}

// String returns "ID/VERSION", or "" for the zero value.
func (r InstrumentRef) String() string {
	if r == (InstrumentRef{}) {
		return ""
	}
	return r.ID + "/" + r.Version
}

// IsZero reports whether r names no instrument.
func (r InstrumentRef) IsZero() bool { return r == InstrumentRef{} }

// MarshalText implements [encoding.TextMarshaler].
func (r InstrumentRef) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]; the empty text
// gives the zero value.
func (r *InstrumentRef) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*r = InstrumentRef{}
		return nil
	}
	v, err := ParseInstrumentRef(string(text))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Section is a part of a feedback form. The national form has, in order,
// the recommendation question, basic statements, (in some versions)
// special statements, the county's own statements and open feedback; each
// instrument's data gives its sections and their order.
type Section uint8

// The sections of a feedback form. The zero value is no section.
const (
	SectionNone           Section = iota
	SectionRecommendation         // the 0–10 recommendation question
	SectionBasic                  // basic statements (perusväittämät), chosen from the national set
	SectionSpecial                // special statements (erityisväittämät), where a version has them
	SectionOwn                    // own statements (omat väittämät) of a county or provider
	SectionOpen                   // open feedback
)

var sectionNames = []string{"", "recommendation", "basic", "special", "own", "open"}

// String returns the section as written in the data, such as "basic".
func (s Section) String() string { return enum.String(sectionNames, s, "Section") }

// MarshalText implements [encoding.TextMarshaler].
func (s Section) MarshalText() ([]byte, error) { return enum.Marshal(sectionNames, s, "Section") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (s *Section) UnmarshalText(text []byte) error {
	v, ok := enum.Parse[Section](sectionNames, string(text))
	if !ok {
		return fmt.Errorf("unknown section %q (want recommendation, basic, special, own or open)", text)
	}
	*s = v
	return nil
}

// Item is one question of an instrument or a template: the recommendation
// question, a statement, an own statement or the open-feedback prompt.
// Items are read-only values; the zero value is no item.
type Item struct {
	id       string
	section  Section
	theme    string
	scale    Scale
	required bool
	texts    Texts
}

// ID returns the item's stable ID, such as "access"; it is also the item's
// column name in the canonical interchange format.
func (it Item) ID() string { return it.id }

// Section returns the form section the item belongs to.
func (it Item) Section() Section { return it.section }

// Theme returns the ID of the item's theme, or "" if it has none.
func (it Item) Theme() string { return it.theme }

// Scale returns the item's answer scale; an open item has the zero Scale
// (kind [KindNone]).
func (it Item) Scale() Scale { return it.scale }

// Required reports whether every template of the instrument must include
// the item (the recommendation question does).
func (it Item) Required() bool { return it.required }

// Texts returns the item's texts.
func (it Item) Texts() Texts { return it.texts }

// Key returns the key of the item's texts.
func (it Item) Key() Key { return it.texts.key }

// Theme is a theme of the national statements, such as access
// (saatavuus). Themes are read-only values.
type Theme struct {
	id    string
	texts Texts
}

// ID returns the theme's ID.
func (t Theme) ID() string { return t.id }

// Texts returns the theme's names.
func (t Theme) Texts() Texts { return t.texts }

// Instrument is one version of a national feedback instrument: its items
// in national order, the rules templates follow, and its provenance.
// Instruments belong to a [Catalogue] and are read-only.
type Instrument struct {
	ref           InstrumentRef
	validFrom     time.Time
	source, notes string
	title         Texts
	sections      []Section
	minStatements int
	maxStatements int
	items         []Item
}

// Ref returns the instrument's ID and version.
func (in *Instrument) Ref() InstrumentRef { return in.ref }

// ValidFrom returns the date (UTC midnight) from which this version is in
// use; responses dated earlier cannot be answers to it.
func (in *Instrument) ValidFrom() time.Time { return in.validFrom }

// Title returns the instrument's name.
func (in *Instrument) Title() Texts { return in.title }

// Source names the publications the instrument is taken from.
func (in *Instrument) Source() string { return in.source }

// Notes returns the data's notes: who the instrument is for and what is
// not known about it.
func (in *Instrument) Notes() string { return in.notes }

// Sections returns the sections of the instrument's forms in order.
func (in *Instrument) Sections() []Section { return slices.Clone(in.sections) }

// StatementLimits returns how many basic statements a template must choose
// at least and at most (2 and 7 for the adult form).
func (in *Instrument) StatementLimits() (lo, hi int) { return in.minStatements, in.maxStatements }

// Items returns the instrument's items in national order.
func (in *Instrument) Items() []Item { return slices.Clone(in.items) }

// Item returns the item with the given ID.
func (in *Instrument) Item(id string) (Item, bool) {
	for _, it := range in.items {
		if it.id == id {
			return it, true
		}
	}
	return Item{}, false
}

// Section returns the instrument's items of one section in national order.
func (in *Instrument) Section(s Section) []Item {
	var out []Item
	for _, it := range in.items {
		if it.section == s {
			out = append(out, it)
		}
	}
	return out
}

// sectionRank returns the position of s in the instrument's section order,
// or -1.
func (in *Instrument) sectionRank(s Section) int { return slices.Index(in.sections, s) }
