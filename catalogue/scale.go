package catalogue

import (
	"fmt"
	"github.com/palaute/palaute/internal/enum"
	"slices"
)

// ScaleKind says how answers on a scale are scored.
type ScaleKind uint8

// The kinds of answer scales. The zero value, [KindNone], is no scale (an
// open question).
const (
	KindNone ScaleKind = iota
	// KindRecommendation: the 0–10 recommendation question, scored as the
	// recommendation index from the bands "detractor", "passive" and
	// "promoter".
	KindRecommendation
	// KindAgree: an agree scale, scored as a mean and as the share of the
	// band "agree" among all answers on the scale (can't-say excluded).
	// Its other bands are "disagree" and "neutral".
	KindAgree
	// KindYesNo: a yes/no scale, scored as the share of the band "yes"
	// among yes and no. Its other band is "no".
	KindYesNo
)

var scaleKindNames = []string{"", "recommendation", "agree", "yes-no"}

// The band names each kind of scale defines, as written in the data.
// Scoring refers to bands by these names; their value ranges are data.
const (
	BandDetractor = "detractor" // recommendation: detractors (0–6 nationally)
	BandPassive   = "passive"   // recommendation: passives
	BandPromoter  = "promoter"  // recommendation: promoters
	BandDisagree  = "disagree"  // agree scale: disagreeing answers
	BandNeutral   = "neutral"   // agree scale: neither
	BandAgree     = "agree"     // agree scale: agreeing answers
	BandYes       = "yes"       // yes/no scale: yes
	BandNo        = "no"        // yes/no scale: no
)

// bandNames lists the bands each kind of scale must define, in order.
var bandNames = map[ScaleKind][]string{
	KindRecommendation: {BandDetractor, BandPassive, BandPromoter},
	KindAgree:          {BandDisagree, BandNeutral, BandAgree},
	KindYesNo:          {BandYes, BandNo},
}

// String returns the kind as written in the data: "recommendation",
// "agree", "yes-no", or "" for [KindNone].
func (k ScaleKind) String() string { return enum.String(scaleKindNames, k, "ScaleKind") }

// MarshalText implements [encoding.TextMarshaler].
func (k ScaleKind) MarshalText() ([]byte, error) { return enum.Marshal(scaleKindNames, k, "ScaleKind") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *ScaleKind) UnmarshalText(text []byte) error {
	v, ok := enum.Parse[ScaleKind](scaleKindNames, string(text))
	if !ok {
		return fmt.Errorf("unknown scale kind %q (want recommendation, agree or yes-no)", text)
	}
	*k = v
	return nil
}

// Band is a named range of answer values on a scale, such as the promoters
// (9–10) of the recommendation scale or the agreeing answers (4–5) of the
// agree scale. Scoring rules refer to bands, so the value ranges are
// catalogue data, not constants in code.
type Band struct {
	Name string `json:"name"`
	Min  int    `json:"min"`
	Max  int    `json:"max"`
}

// Contains reports whether v is in the band.
func (b Band) Contains(v int) bool { return v >= b.Min && v <= b.Max }

// Scale is an answer scale: its valid values, an optional can't-say
// value, the bands scoring uses, the order in which forms present the
// options, and labels for some or all values.
//
// The zero value is no scale: it has no valid values. Scale values are
// read-only and safe to share.
type Scale struct {
	id         string
	kind       ScaleKind
	min, max   int
	cantSay    int
	hasCantSay bool
	options    []int
	bands      []Band
	labels     map[int]Texts
	notes      string
}

// ID returns the scale's ID, such as "agree-5".
func (s Scale) ID() string { return s.id }

// Kind returns how answers on the scale are scored.
func (s Scale) Kind() ScaleKind { return s.kind }

// Range returns the smallest and largest substantive answer values (the
// can't-say value is outside this range).
func (s Scale) Range() (lo, hi int) { return s.min, s.max }

// CantSay returns the value that means "can't say", and whether the scale
// has one.
func (s Scale) CantSay() (v int, ok bool) { return s.cantSay, s.hasCantSay }

// IsCantSay reports whether v is the scale's can't-say value.
func (s Scale) IsCantSay(v int) bool { return s.hasCantSay && v == s.cantSay }

// Valid reports whether v is an answer the scale allows: a substantive
// value in its range or its can't-say value.
func (s Scale) Valid(v int) bool {
	return s.kind != KindNone && (v >= s.min && v <= s.max || s.IsCantSay(v))
}

// Options returns every valid value in the order forms present them.
func (s Scale) Options() []int { return slices.Clone(s.options) }

// Bands returns the scale's bands in ascending order of value.
func (s Scale) Bands() []Band { return slices.Clone(s.bands) }

// Band returns the band with the given name.
func (s Scale) Band(name string) (Band, bool) {
	for _, b := range s.bands {
		if b.Name == name {
			return b, true
		}
	}
	return Band{}, false
}

// BandOf returns the band of a substantive value; ok is false for the
// can't-say value and for invalid values.
func (s Scale) BandOf(v int) (b Band, ok bool) {
	for _, b := range s.bands {
		if b.Contains(v) {
			return b, true
		}
	}
	return Band{}, false
}

// Label returns the texts of the label of value v, and whether v has a
// label (the recommendation scale labels only its endpoints).
func (s Scale) Label(v int) (Texts, bool) {
	t, ok := s.labels[v]
	return t, ok
}

// Notes returns the data's notes on the scale: definitions and what is
// not known.
func (s Scale) Notes() string { return s.notes }
