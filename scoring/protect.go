package scoring

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strconv"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/enum"
	"github.com/palaute/palaute/internal/siphash"
	"github.com/palaute/palaute/scoring/stat"
)

// The defaults of [Protection]. No THL rule for small groups is known;
// these are this library's choices, documented in the package overview
// and in METHODS.md beside this file.
const (
	// DefaultMinAnswers: a figure is published only when at least 5 of
	// its answers certainly came through gated channels (NHS England's
	// Friends and Family Test and survey products hide groups of 1–4).
	DefaultMinAnswers = 5
	// DefaultExactFrom: a part of a base cell with 11 gated answers or
	// more is published exactly; a smaller one is perturbed.
	DefaultExactFrom = 11
	// DefaultNoise: the perturbation of a count of a small part is the
	// sum of a draw of 6 fair coins less 3 and a uniform draw from −3…+3:
	// from −6 to +6, variance 5.5.
	DefaultNoise = 6
	// DefaultCommentMin: comments are shown from 10 certain gated
	// answers on; survey products use a higher threshold for comments
	// than for figures.
	DefaultCommentMin = 10
	// MinSecret is the shortest secret [Protect] accepts, in bytes.
	MinSecret = 16
	// maxNoise bounds Protection.Noise.
	maxNoise = 20
)

// DemoSecret is a secret for demonstrations and tests only: it is
// public, so noise keyed by it protects nobody. Programs that use it
// must say so wherever they print.
const DemoSecret = "palaute demo secret: public, never for publication"

// Protection configures the disclosure control of [Protect]. The zero
// value gives the defaults except for the secret, which Protect
// requires; a negative or inconsistent setting is an error, never "off".
// Resolve fills in the defaults.
type Protection struct {
	// MinAnswers is the threshold of publication: a figure is published
	// only when at least this many of its answers (its own n, not the
	// group's responses) certainly came through gated channels
	// ([IsGated]), as far as the published numbers tell. 0 means
	// DefaultMinAnswers.
	MinAnswers int `json:"minAnswers"`
	// ExactFrom: the substantive answers (or the can't-say answers) of a
	// base cell (one item in one unit and month) are published exactly
	// when at least this many of them came through gated channels, and
	// perturbed otherwise. Answers of open channels never make a cell
	// exact, so nobody can buy exactness by answering himself. 0 means
	// DefaultExactFrom; it must be at least MinAnswers + Noise.
	ExactFrom int `json:"exactFrom"`
	// Noise sets the perturbation of a count of a perturbed part: the sum
	// of a binomial draw of Noise fair coins less Noise/2 and a uniform
	// draw from −Noise/2…+Noise/2, from −Noise to +Noise with variance
	// Noise/4 + Noise(Noise+2)/12. It must be even; 0 means DefaultNoise;
	// at most 20.
	Noise int `json:"noise"`
	// CommentMin is the number of certain gated answers from which a
	// group's comments may be shown. 0 means DefaultCommentMin.
	CommentMin int `json:"commentMin"`
	// TrustOpenChannels counts answers of every channel as gated. Set it
	// only when no channel lets anyone answer as often as they like (every
	// web and QR answer needs a one-time invitation, say): then an
	// attacker cannot add answers of his own to a small group.
	TrustOpenChannels bool `json:"trustOpenChannels,omitempty"`
	// Secret keys the perturbation; Protect refuses one shorter than
	// MinSecret bytes (make one with head -c 32 /dev/urandom). Keep it,
	// never publish it, and use the same one for every publication from
	// the same responses: the same secret gives the same cells the same
	// noise, and a new one gives them new noise, a second look at every
	// small cell.
	Secret []byte `json:"-"`
	// Through publishes only the months that end on or before it: a
	// month still receiving answers would be published again, with other
	// noise, whenever it changes. The zero value means the end of the
	// month before the latest month in the tallies (that month is taken
	// to be still open). Publishing a month that has not ended is the
	// caller's explicit choice.
	Through Date `json:"through,omitzero"`
}

// Resolve returns p with its defaults filled in, or an error wrapping
// [ErrProtection] if a setting is negative or inconsistent. Every
// renderer takes its thresholds from here. Resolve does not look at the
// secret; Protect does.
func (p Protection) Resolve() (Protection, error) {
	var errs []error
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{{"MinAnswers", &p.MinAnswers, DefaultMinAnswers}, {"ExactFrom", &p.ExactFrom, DefaultExactFrom},
		{"Noise", &p.Noise, DefaultNoise}, {"CommentMin", &p.CommentMin, DefaultCommentMin}} {
		switch {
		case *f.v < 0:
			errs = append(errs, errorf("%w: %s is %d; use 0 for the default (%d)", ErrProtection, f.name, *f.v, f.def))
		case *f.v == 0:
			*f.v = f.def
		}
	}
	if p.Noise > maxNoise || p.Noise%2 != 0 {
		errs = append(errs, errorf("%w: Noise is %d; want an even number from 2 to %d (the noise is the sum of two halves)", ErrProtection, p.Noise, maxNoise))
	}
	if len(errs) == 0 && p.ExactFrom < p.MinAnswers+p.Noise {
		errs = append(errs, errorf("%w: ExactFrom (%d) is below MinAnswers + Noise (%d + %d)", ErrProtection, p.ExactFrom, p.MinAnswers, p.Noise))
	}
	return p, errors.Join(errs...)
}

// checkSecret returns an error wrapping [ErrSecret] for a secret too
// short to key the perturbation.
func checkSecret(s []byte) error {
	if len(s) >= MinSecret {
		return nil
	}
	what := "no secret"
	if len(s) > 0 {
		what = "a secret of " + strconv.Itoa(len(s)) + " bytes"
	}
	return errorf("%w: %s; make one with `head -c 32 /dev/urandom > secret`, keep it private, and use the same one for every publication from the same responses (at least %d bytes)", ErrSecret, what, MinSecret)
}

// ProtectedBase returns the grouping [Protect] protects: region ×
// provider × unit × calendar month (Europe/Helsinki). It is the one base
// of every protected publication, so that every publisher of the same
// responses publishes sums of the same protected cells: a second base
// (regions on their own, units by channel, days) would be a second,
// differently perturbed look at the same answers, and differences and
// averages of such looks give the answers away.
func ProtectedBase() Grouping {
	return Grouping{By: []Dimension{ByRegion, ByProvider, ByUnit}, Period: Month}
}

// checkBase returns an error unless g is the protected base: by unit
// (with region and provider, or either, or neither) and calendar month
// in Europe/Helsinki. Any of these has the same cells.
func checkBase(g Grouping) error {
	ok := g.Period == Month && g.locationName() == "Europe/Helsinki" && slices.Contains(g.By, ByUnit)
	for _, d := range g.By {
		ok = ok && (d == ByRegion || d == ByProvider || d == ByUnit)
	}
	if ok {
		return nil
	}
	return errorf("%w: the tallies are grouped by %v per %s in %s; protected publications have one base, region × provider × unit × month in Europe/Helsinki (ProtectedBase), so that every table is a sum of the same protected cells; tables by channel, role, language, service or day are for internal use only",
		ErrProtection, g.By, cmp.Or(g.Period.String(), "all time"), g.locationName())
}

// Reason says why a figure is hidden.
type Reason uint8

// The reasons. The zero value means published.
const (
	Published Reason = iota
	// TooFewAnswers: fewer than Protection.MinAnswers answers certainly
	// came through gated channels, as far as the published numbers tell.
	TooFewAnswers
)

var reasonNames = []string{"", "too-few-answers"}

// String returns the reason's name: "too-few-answers", or "" for
// published.
func (r Reason) String() string { return enum.String(reasonNames, r, "Reason") }

// MarshalText implements [encoding.TextMarshaler].
func (r Reason) MarshalText() ([]byte, error) { return enum.Marshal(reasonNames, r, "Reason") }

// UnmarshalText implements [encoding.TextUnmarshaler]; "" is Published.
func (r *Reason) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*r = Published
		return nil
	}
	v, ok := enum.Parse[Reason](reasonNames, string(b))
	if !ok {
		return errorf("unknown reason %q", b)
	}
	*r = v
	return nil
}

// Perturbation says what the protection did to the counts of a
// protected tally: Variance[v] is the variance the noise adds to
// Counts[v] (Noise/4 + Noise(Noise+2)/12 for each count of a perturbed
// part, 0 where the part is exact), and Gated and GatedCantSay are the fewest gated
// answers ([IsGated]) that the substantive and the can't-say answers
// certainly hold. All of it is published with the counts (it follows
// from the mechanism and the protected gated counts) and adds up over
// cells.
type Perturbation struct {
	Gated        int64
	GatedCantSay int64
	Variance     [MaxValue + 1]float64
}

func (p *Perturbation) add(q Perturbation) {
	p.Gated += q.Gated
	p.GatedCantSay += q.GatedCantSay
	for v := range p.Variance {
		p.Variance[v] += q.Variance[v]
	}
}

func (p *Perturbation) sub(q Perturbation) {
	p.Gated -= q.Gated
	p.GatedCantSay -= q.GatedCantSay
	for v := range p.Variance {
		p.Variance[v] -= q.Variance[v]
	}
}

// category is one count a protected cell publishes: the answers with
// values lo…hi, published at value rep.
type category struct{ rep, lo, hi int }

// categoriesOf returns the counts a cell of an item on scale s publishes:
// the three bands of a recommendation scale (the index needs no more),
// every value of other scales (means and distributions need them).
func categoriesOf(s catalogue.Scale) []category {
	var out []category
	if s.Kind() == catalogue.KindRecommendation {
		for _, b := range s.Bands() {
			out = append(out, category{b.Max, b.Min, b.Max})
		}
		if v, ok := s.CantSay(); ok {
			out = append(out, category{v, v, v})
		}
		return out
	}
	for _, v := range s.Options() {
		out = append(out, category{v, v, v})
	}
	slices.SortFunc(out, func(a, b category) int { return cmp.Compare(a.rep, b.rep) })
	return out
}

// part is the categories of a cell protected together: its substantive
// answers, or its can't-say answers.
type part struct {
	cats    []int // indexes into the cell's categories
	cantSay bool
}

// partsOf splits the categories of a cell into its parts.
func partsOf(cats []category, s catalogue.Scale) []part {
	var sub, cs part
	cs.cantSay = true
	for i, c := range cats {
		if s.IsCantSay(c.rep) {
			cs.cats = append(cs.cats, i)
		} else {
			sub.cats = append(sub.cats, i)
		}
	}
	return slices.DeleteFunc([]part{sub, cs}, func(p part) bool { return len(p.cats) == 0 })
}

// The codes that end the hash inputs of the noise of a part's gated
// count (the counts' own noise ends with the category's value, 0–15).
const (
	gatedCode        = 0x40
	gatedCantSayCode = 0x41
)

// placeHalf returns the place-keyed half of the noise from the uniform
// 64-bit value u: the heads among its d lowest bits (d fair coins) less
// d/2, a centred binomial on −d/2…+d/2 (d even). Its smooth tails matter
// most: it is what stays when a cell is published again and again with
// other answers.
func placeHalf(u uint64, d int) int64 {
	return int64(bits.OnesCount64(u&(1<<d-1))) - int64(d/2)
}

// recordsHalf returns the record-keyed half of the noise from the
// uniform 64-bit value u: ⌊u·(d + 1)/2⁶⁴⌋ − d/2, uniform on −d/2…+d/2.
func recordsHalf(u uint64, d int) int64 {
	hi, _ := bits.Mul64(u, uint64(d+1))
	return int64(hi) - int64(d/2)
}

// noiseVariance returns the variance of the noise of a perturbed count:
// d/4 (the binomial half) plus d(d + 2)/12 (the uniform half).
func noiseVariance(d int) float64 { return float64(d)/4 + float64(d*(d+2))/12 }

// cellKeyKey returns the SipHash key of the noise: the first 16 bytes of
// SHA-256 of a label and the secret.
func cellKeyKey(secret []byte) siphash.Key {
	sum := sha256.Sum256(append([]byte("palaute/cell-key/2\x00"), secret...))
	return siphash.KeyFrom(sum[:16])
}

// appendString appends s with its length in front.
func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// placeInput returns the hash input of the place-keyed half of a cell's
// noise, before the category's code: "f", the unit, the instrument and
// its version, the year and month, and the item. It does not depend on
// which responses the cell holds, so answers added to the cell later
// never average it away.
func placeInput(b []byte, k Key, item string) []byte {
	b = append(b, 'f')
	for _, s := range []string{k.Unit, k.Instrument.ID, k.Instrument.Version} {
		b = appendString(b, s)
	}
	b = binary.AppendVarint(b, int64(k.Period.Start.Year))
	b = append(b, byte(k.Period.Start.Month))
	return appendString(b, item)
}

// recordsInput returns the hash input of the record-keyed half of a
// cell's noise, before the category's code: "g", the cell key (the sum
// of the record keys of the cell's answers, little-endian) and the item.
// The same answers give the same noise, whichever table they are
// published in.
func recordsInput(b []byte, cellKey uint64, item string) []byte {
	b = append(b, 'g')
	b = binary.LittleEndian.AppendUint64(b, cellKey)
	return appendString(b, item)
}

// latestMonthEnd returns the last day of the month before the latest
// month of the tallies' groups: the default of Protection.Through.
func latestMonthEnd(t *Tallies) Date {
	var latest Date
	for k := range t.groups {
		if k.Period.Start.Compare(latest) > 0 {
			latest = k.Period.Start
		}
	}
	if latest.IsZero() {
		return Date{}
	}
	return Date{latest.Year, latest.Month, 1}.AddDays(-1)
}

// Protect returns the protected tallies of t, from which figures may be
// published: its groups are the base cells of every publication, and
// every figure published from the result ([Tallies.Aggregate], [Score],
// [ComparePeers] and the reports of package report) is a sum of their
// protected counts. t must be grouped by the protected base
// ([ProtectedBase]); p.Secret must hold at least [MinSecret] bytes (else
// the error wraps [ErrSecret]). See the package documentation and
// METHODS.md for the threat model and the guarantee.
//
// For each unit, month and item, with the item's answers counted in the
// categories of its scale (the three bands of the recommendation index,
// every value of other scales), the substantive answers and, apart from
// them, the can't-say answers form a part:
//
//   - a part with at least p.ExactFrom gated answers is kept exactly;
//   - in any other part every count, zeros included, moves by a noise e =
//     f + g on −Noise…+Noise: f, from a hash of the place (unit,
//     instrument, month, item, category), the heads of Noise fair coins
//     less Noise/2; g, from a hash of the records (the cell key: the sum
//     of the record keys of the cell's answers), uniform on
//     −Noise/2…+Noise/2; both keyed by the secret.
//     Counts may become negative; sums of them are unbiased. The number of
//     gated answers of the part moves by a noise of one coin of each
//     kind, less one.
//
// With the counts come the variance the noise adds and the fewest gated
// answers certain in each part ([Perturbation]); [Score] hides a figure
// with fewer than p.MinAnswers certain gated answers and widens the
// intervals of the others by the noise. Months ending after p.Through
// (by default, the latest month in t) are left out. Items without a
// known scale are left out and reported in the error, wrapping
// [ErrUnknownItem], alongside the result. Protected tallies keep no
// response counts, no gated counts and no cell keys.
func Protect(t *Tallies, scales Scales, p Protection) (*Tallies, error) {
	scales = scales.orDefault()
	if t.prot != nil {
		return nil, errorf("protecting tallies: %w: they are protected already", ErrProtected)
	}
	rp, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	if err := checkSecret(rp.Secret); err != nil {
		return nil, err
	}
	if err := checkBase(t.grouping); err != nil {
		return nil, err
	}
	if rp.Through.IsZero() {
		rp.Through = latestMonthEnd(t)
	}
	key := cellKeyKey(rp.Secret)
	pub := rp
	pub.Secret = nil
	out := NewTallies(t.grouping)
	out.prot, out.base = &pub, out.grouping
	var errs []error
	reported := map[string]bool{}
	var place, records []byte
	for _, k := range slices.SortedFunc(maps.Keys(t.groups), compareKeys) {
		if k.Period.End.Compare(rp.Through) > 0 {
			continue
		}
		g := t.groups[k]
		var ng *group
		for slot, tl := range g.tallies {
			if tl.Answers() == 0 {
				continue
			}
			item := t.items[g.items[slot]]
			s, ok := scales(k.Instrument, item)
			if !ok {
				if !reported[item] {
					reported[item] = true
					errs = append(errs, errorf("%w %q in %s", ErrUnknownItem, item, k.Instrument))
				}
				continue
			}
			cats := categoriesOf(s)
			place = placeInput(place[:0], k, item)
			records = recordsInput(records[:0], tl.CellKey, item)
			pt, pert, err := protectCell(tl, cats, partsOf(cats, s), rp, key, place, records)
			if err != nil {
				return nil, errorf("protecting %q in %v: %w", item, k, err)
			}
			if ng == nil {
				ng = &group{}
				out.groups[k] = ng
			}
			j := out.itemIndex(item)
			*ng.tally(j, len(g.tallies)) = pt
			*ng.perturbation(j) = pert
		}
	}
	return out, errors.Join(errs...)
}

// protectCell returns the protected tally of one cell and its
// perturbation; place and records are the hash inputs of the two halves
// of its noise, without the category's code.
func protectCell(tl Tally, cats []category, parts []part, p Protection, key siphash.Key, place, records []byte) (Tally, Perturbation, error) {
	x := make([]int64, len(cats))
	gx := make([]int64, len(cats))
	for v, c := range tl.Counts {
		if c == 0 {
			continue
		}
		i := slices.IndexFunc(cats, func(ct category) bool { return v >= ct.lo && v <= ct.hi })
		if i < 0 {
			return Tally{}, Perturbation{}, errorf("%w: value %d is not on the item's scale", ErrValue, v)
		}
		x[i] += c
		gx[i] += tl.Gated[v]
		if p.TrustOpenChannels {
			gx[i] += c - tl.Gated[v]
		}
	}
	d := p.Noise
	draws := func(code byte) (f, g uint64) {
		return siphash.Sum64(key, append(place, code)), siphash.Sum64(key, append(records, code))
	}
	var out Tally
	var pert Perturbation
	for _, pt := range parts {
		var gated int64
		for _, i := range pt.cats {
			gated += gx[i]
		}
		certain := gated
		if gated < int64(p.ExactFrom) {
			for _, i := range pt.cats {
				rep := cats[i].rep
				f, g := draws(byte(rep))
				x[i] += placeHalf(f, d) + recordsHalf(g, d)
				pert.Variance[rep] = noiseVariance(d)
			}
			code := byte(gatedCode)
			if pt.cantSay {
				code = gatedCantSayCode
			}
			f, g := draws(code)
			certain = max(0, gated+int64(f&1+g&1)-2)
		}
		for _, i := range pt.cats {
			out.Counts[cats[i].rep] = x[i]
		}
		if pt.cantSay {
			pert.GatedCantSay = certain
		} else {
			pert.Gated = certain
		}
	}
	return out, pert, nil
}

// published returns the counts of a protected tally as a figure
// publishes them: a sum of protected cells below zero is published as
// zero.
func published(t Tally) Tally {
	for v, c := range t.Counts {
		t.Counts[v] = max(c, 0)
	}
	return t
}

// inDenominator reports, for an indicator of kind k on scale s, whether
// answers with value v are in its n.
func inDenominator(k Kind, s catalogue.Scale, o Options) func(v int) bool {
	lo, hi := s.Range()
	return func(v int) bool {
		switch k {
		case Mean:
			return v >= lo && v <= hi
		case Agreement, YesShare:
			if s.IsCantSay(v) {
				return o.CantSay == IncludeCantSay
			}
		}
		_, ok := s.BandOf(v)
		return ok
	}
}

// perturbationVariance returns the variance the perturbation adds to an
// indicator's estimate, in the estimate's units, by the delta method:
// Σ_v (∂estimate/∂count_v)²·Variance[v] over the values in its n. For the
// index I = (P − D)/N the derivatives are (1 − I)/N for promoters,
// (−1 − I)/N for detractors and −I/N for passives (times 100 for
// points); for a share p = A/N, (1 − p)/N for the positive band and −p/N
// for the rest of n; for a mean m, (v − m)/N.
func perturbationVariance(ind Indicator, pert Perturbation, s catalogue.Scale, o Options) float64 {
	if !ind.Valid || ind.N == 0 {
		return 0
	}
	n := float64(ind.N)
	in := inDenominator(ind.Kind, s, o)
	var sum float64
	for v := range pert.Variance {
		if pert.Variance[v] == 0 || !in(v) {
			continue
		}
		var w float64
		switch ind.Kind {
		case Index:
			i := ind.Estimate / 100
			switch b, _ := s.BandOf(v); b.Name {
			case catalogue.BandPromoter:
				w = 100 * (1 - i) / n
			case catalogue.BandDetractor:
				w = 100 * (-1 - i) / n
			default:
				w = 100 * -i / n
			}
		case Agreement, YesShare:
			b, _ := s.BandOf(v)
			if b.Name == catalogue.BandAgree || b.Name == catalogue.BandYes {
				w = (1 - ind.Estimate) / n
			} else {
				w = -ind.Estimate / n
			}
		case Mean:
			w = (float64(v) - ind.Estimate) / n
		}
		sum += w * w * pert.Variance[v]
	}
	return sum
}

// certainOf returns the fewest gated answers in the n of an indicator of
// kind k that a protected tally guarantees.
func certainOf(k Kind, pert Perturbation, s catalogue.Scale, o Options) int64 {
	c := pert.Gated
	if v, ok := s.CantSay(); ok && inDenominator(k, s, o)(v) {
		c += pert.GatedCantSay
	}
	return c
}

// protectIndicator applies the protection to an indicator computed from
// the published counts of a protected tally: it is hidden (no counts, no
// value) when fewer than MinAnswers of its answers are certainly gated,
// or when its published counts add up to fewer than MinAnswers (the noise
// has swamped it), and otherwise its interval is widened by the
// perturbation: each side's
// distance from the estimate becomes √(side² + z²·variance), and a
// figure from perturbed counts never gets an interval of zero width.
func protectIndicator(ind Indicator, pert Perturbation, s catalogue.Scale, o Options, p *Protection) Indicator {
	ind.NotAnswered = 0
	ind.Certain = certainOf(ind.Kind, pert, s, o)
	if ind.Certain < int64(p.MinAnswers) || !ind.Valid || ind.N < int64(p.MinAnswers) {
		return Indicator{Item: ind.Item, Kind: ind.Kind, Suppressed: TooFewAnswers, Estimate: math.NaN()}
	}
	if ind.Interval.IsZero() {
		return ind
	}
	v := perturbationVariance(ind, pert, s, o)
	if v == 0 {
		return ind
	}
	lo, hi := estimateRange(ind.Kind, s)
	z2v := stat.ZCritical(ind.Interval.Level) * stat.ZCritical(ind.Interval.Level) * v
	ind.Interval.Low = stat.Clamp(ind.Estimate-math.Sqrt(sq(ind.Estimate-ind.Interval.Low)+z2v), lo, hi)
	ind.Interval.High = stat.Clamp(ind.Estimate+math.Sqrt(sq(ind.Interval.High-ind.Estimate)+z2v), lo, hi)
	return ind
}

func sq(x float64) float64 { return x * x }

// estimateRange returns the possible range of an indicator's estimate.
func estimateRange(k Kind, s catalogue.Scale) (float64, float64) {
	switch k {
	case Index:
		return -100, 100
	case Mean:
		lo, hi := s.Range()
		return float64(lo), float64(hi)
	}
	return 0, 1
}

// headline returns the headline indicator of an item's tally (the index,
// the agreement share or the yes share) computed with o, and the
// variance its perturbation adds; with a protection it is computed from
// the published counts and protected, and ok is false when it is hidden
// or has no value.
func headline(item string, t Tally, pert Perturbation, s catalogue.Scale, p *Protection, o Options) (ind Indicator, variance float64, ok bool) {
	if p != nil {
		t = published(t)
	}
	inds := IndicatorsOf(item, t, 0, s, o)
	if len(inds) == 0 {
		return Indicator{}, 0, false
	}
	ind = inds[0]
	if p != nil {
		ind = protectIndicator(ind, pert, s, o, p)
		variance = perturbationVariance(ind, pert, s, o)
	}
	return ind, variance, ind.Valid && ind.Suppressed == Published
}
