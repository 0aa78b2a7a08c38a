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

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/enum"
	"github.com/palaute/palaute/internal/siphash"
	"github.com/palaute/palaute/scoring/stat"
)

// The defaults of [Protection]. No THL rule for small groups is known;
// these are this library's choices, documented in the package overview.
const (
	// DefaultMinAnswers: a figure is published only when at least 5 of
	// its answers are certain (NHS England's Friends and Family Test and
	// survey products hide groups of 1–4).
	DefaultMinAnswers = 5
	// DefaultExactFrom: base cells of 10 answers or more are published
	// exactly; smaller ones are perturbed.
	DefaultExactFrom = 10
	// DefaultNoise: the perturbation moves a count of a small base cell
	// by at most 2.
	DefaultNoise = 2
	// DefaultCommentMin: comments are shown from 10 certain answers on;
	// survey products use a higher threshold for comments than for
	// figures.
	DefaultCommentMin = 10
	// maxNoise bounds Protection.Noise, so that the perturbation table
	// stays small.
	maxNoise = 20
)

// Protection configures the disclosure control of [Protect]. The zero
// value gives the defaults; a negative or inconsistent setting is an
// error, never "off". Resolve fills in the defaults.
type Protection struct {
	// MinAnswers is the threshold of publication: a figure is published
	// only when at least this many of its answers (its own n, not the
	// group's responses) are certain from what is published. 0 means
	// DefaultMinAnswers.
	MinAnswers int `json:"minAnswers"`
	// ExactFrom: the substantive answers (or the can't-say answers) of a
	// base cell (one item in one group of the tallies given to Protect)
	// are published exactly when there are at least this many of them,
	// perturbed when there are fewer. 0 means DefaultExactFrom. It must be
	// at least MinAnswers + Noise, so that knowing a part of a cell is
	// small never bounds a hidden figure tighter than the protection
	// interval.
	ExactFrom int `json:"exactFrom"`
	// Noise is the largest change the perturbation makes to one count of
	// a small base cell: the protection interval is Noise + 1 values. 0
	// means DefaultNoise; at most 20.
	Noise int `json:"noise"`
	// CommentMin is the number of certain answers from which a group's
	// comments may be shown. 0 means DefaultCommentMin.
	CommentMin int `json:"commentMin"`
	// Secret keys the perturbation. Without it the perturbation is as
	// unpredictable as the response IDs are secret; with it, to whoever
	// does not hold it. Keep it, never publish it, and use the same one
	// for every publication from the same data: a new secret gives the
	// same cells new noise, and two noisy looks at a cell tell more than
	// one.
	Secret []byte `json:"-"`
	// Through, if set, publishes only the periods that end on or before
	// it: periods still receiving answers would otherwise be published
	// again, perturbed anew, whenever they change. It needs tallies split
	// by period.
	Through Date `json:"through,omitzero"`
}

// Resolve returns p with its defaults filled in, or an error wrapping
// [ErrProtection] if a setting is negative or inconsistent. Every
// renderer takes its thresholds from here.
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
	if p.Noise > maxNoise {
		errs = append(errs, errorf("%w: Noise is %d, at most %d", ErrProtection, p.Noise, maxNoise))
	}
	if len(errs) == 0 && p.ExactFrom < p.MinAnswers+p.Noise {
		errs = append(errs, errorf("%w: ExactFrom (%d) is below MinAnswers + Noise (%d + %d)", ErrProtection, p.ExactFrom, p.MinAnswers, p.Noise))
	}
	return p, errors.Join(errs...)
}

// Reason says why a figure is hidden.
type Reason uint8

// The reasons. The zero value means published.
const (
	Published Reason = iota
	// TooFewAnswers: fewer answers than Protection.MinAnswers are certain
	// from what is published.
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

// Perturbation says how far the counts of a protected tally may be from
// the true ones, value by value: at least Certain[v] answers had value v
// (whatever noise was added), and the perturbation adds about Variance[v]
// to the variance of Counts[v] (for each cell that may have been
// perturbed, the expected noise variance given its published count; see
// expectedNoiseVariance). Both are computed from the
// published counts alone, so they reveal nothing more, and both add up
// over cells.
type Perturbation struct {
	Certain  [MaxValue + 1]int64
	Variance [MaxValue + 1]float64
}

func (p *Perturbation) add(q Perturbation) {
	for v := range p.Certain {
		p.Certain[v] += q.Certain[v]
		p.Variance[v] += q.Variance[v]
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

// noiseWeights returns the perturbation table's row for a count x ≥ 1:
// the noise values lo, lo+1, …, d and their integer weights. For x ≥ d
// the noise is uniform on −d…d. For a smaller x it takes every value from
// −x (a count never goes below 0) to d: weight 2x on −x…x, x on each value
// above x, and s more on −x, where s is the sum of the values above x;
// so its mean is 0 and every value has a chance.
func noiseWeights(x, d int64) (lo int64, w []int64) {
	if x >= d {
		w = make([]int64, 2*d+1)
		for i := range w {
			w[i] = 1
		}
		return -d, w
	}
	w = make([]int64, x+d+1) // −x … d
	var s int64
	for e := -x; e <= d; e++ {
		switch {
		case e <= x:
			w[e+x] = 2 * x
		default:
			w[e+x] = x
			s += e
		}
	}
	w[0] += s
	return -x, w
}

// noiseOf returns the noise for count x ≥ 1, chosen by the uniform 64-bit
// value u.
func noiseOf(x, d int64, u uint64) int64 {
	lo, w := noiseWeights(x, d)
	var total int64
	for _, v := range w {
		total += v
	}
	r, _ := bits.Mul64(u, uint64(total)) // ⌊u·total/2⁶⁴⌋, uniform on 0…total−1
	for i, v := range w {
		if r < uint64(v) {
			return lo + int64(i)
		}
		r -= uint64(v)
	}
	return 0 // not reached
}

// noiseVariance returns the variance of the noise added to count x ≥ 1.
func noiseVariance(x, d int64) float64 {
	lo, w := noiseWeights(x, d)
	var total, sum float64
	for i, v := range w {
		e := float64(lo + int64(i))
		total += float64(v)
		sum += float64(v) * e * e
	}
	return sum / total
}

// expectedNoiseVariance returns the variance of the noise a published
// count y may carry: the noise variance of each true count x that could
// have given y, weighted by the chance that x gives y (every such x
// equally likely beforehand). A zero may hide a small positive count, so
// its variance is not zero; from about 2·d on it is the uniform noise's.
func expectedNoiseVariance(y, d int64) float64 {
	var num, den float64
	for x := max(0, y-d); x <= y+d; x++ {
		var p float64
		switch {
		case x == 0:
			if y == 0 {
				p = 1 // a zero count stays zero, without noise
			}
		default:
			lo, w := noiseWeights(x, d)
			if e := y - x; e >= lo && e <= d {
				var total int64
				for _, v := range w {
					total += v
				}
				p = float64(w[e-lo]) / float64(total)
			}
		}
		if p > 0 && x > 0 {
			num += p * noiseVariance(x, d)
		}
		den += p
	}
	return num / den
}

// certainFrom returns the fewest true answers a published count y of a
// cell that may be perturbed guarantees: a positive count was positive
// (zero counts are never perturbed), and noise adds at most d.
func certainFrom(y, d int64) int64 {
	if y == 0 {
		return 0
	}
	return max(1, y-d)
}

// cellKeyKey returns the SipHash key of the cell keys: a hash of the
// secret, so that any secret length works.
func cellKeyKey(secret []byte) siphash.Key {
	sum := sha256.Sum256(append([]byte("palaute/cell-key/1\x00"), secret...))
	return siphash.KeyFrom(sum[:16])
}

// appendKey appends an unambiguous encoding of k: strings with their
// lengths, enums as bytes, dates as numbers.
func appendKey(b []byte, k Key) []byte {
	for _, s := range []string{k.Region, k.Provider, k.Unit, k.Service, k.Instrument.ID, k.Instrument.Version} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, byte(k.Channel), byte(k.Role), byte(k.Lang), byte(k.Period.Kind))
	for _, d := range []Date{k.Period.Start, k.Period.End} {
		b = binary.AppendVarint(b, int64(d.Year))
		b = append(b, byte(d.Month), byte(d.Day))
	}
	return b
}

// Protect returns the protected tallies of t, from which figures may be
// published: its groups are the base cells of the publication, and every
// figure published from the result ([Tallies.Aggregate], [Score],
// [ComparePeers], [Standardize], and the reports of package report) is
// computed from their protected counts. See the package documentation for
// the threat model and the guarantee.
//
// For each group and item, with the item's answers counted in the
// categories of its scale (the three bands of the recommendation index,
// every value of other scales):
//
//   - the substantive answers of a cell, and apart from them its
//     can't-say answers, are kept exactly when there are at least
//     p.ExactFrom of them;
//   - in a smaller part, each non-zero count x moves by a noise e with
//     −min(x, Noise) ≤ e ≤ Noise, mean 0 and every value possible (the
//     table is noiseWeights), chosen by the cell key: the sum of the
//     cell's record keys (Tally.CellKey), the cell's key and the
//     category, hashed with the secret. The same responses give the same
//     noise, however often and in whatever output they are published.
//     Zero counts stay zero.
//
// With the counts come, per value, the fewest answers certain and the
// variance the noise adds ([Perturbation]); [Score] hides a figure with
// fewer than p.MinAnswers certain answers and widens intervals by the
// noise. Groups of periods ending after p.Through are left out. Items
// without a known scale are left out and reported in the error, wrapping
// [ErrUnknownItem], alongside the result. Protected tallies keep no
// response counts and no cell keys.
func Protect(t *Tallies, scales Scales, p Protection) (*Tallies, error) {
	scales = scales.orDefault()
	if t.prot != nil {
		return nil, errorf("protecting tallies: %w: they are protected already", ErrProtected)
	}
	rp, err := p.Resolve()
	if err != nil {
		return nil, err
	}
	if !rp.Through.IsZero() && (t.grouping.Period == AllTime) {
		return nil, errorf("%w: Through needs tallies split by period", ErrProtection)
	}
	key := cellKeyKey(rp.Secret)
	pub := rp
	pub.Secret = nil
	out := NewTallies(t.grouping)
	out.prot, out.base = &pub, out.grouping
	var errs []error
	reported := map[string]bool{}
	var buf []byte
	for _, k := range slices.SortedFunc(maps.Keys(t.groups), compareKeys) {
		if !rp.Through.IsZero() && k.Period.End.Compare(rp.Through) > 0 {
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
			buf = appendKey(binary.LittleEndian.AppendUint64(buf[:0], tl.CellKey), k)
			buf = append(binary.AppendUvarint(buf, uint64(len(item))), item...)
			pt, pert, err := protectCell(tl, cats, parts(cats, s), rp, key, buf)
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

// parts splits the categories of a cell into the parts protected apart:
// the substantive answers, and the can't-say answers.
func parts(cats []category, s catalogue.Scale) [][]int {
	var sub, cs []int
	for i, c := range cats {
		if s.IsCantSay(c.rep) {
			cs = append(cs, i)
		} else {
			sub = append(sub, i)
		}
	}
	return slices.DeleteFunc([][]int{sub, cs}, func(p []int) bool { return len(p) == 0 })
}

// protectCell returns the protected tally of one cell and its
// perturbation; prefix identifies the cell for its cell key. Each part of
// the cell (parts) is exact when it has ExactFrom answers or more, and
// perturbed otherwise.
func protectCell(tl Tally, cats []category, parts [][]int, p Protection, key siphash.Key, prefix []byte) (Tally, Perturbation, error) {
	x := make([]int64, len(cats))
	for v, c := range tl.Counts {
		if c == 0 {
			continue
		}
		i := slices.IndexFunc(cats, func(ct category) bool { return v >= ct.lo && v <= ct.hi })
		if i < 0 {
			return Tally{}, Perturbation{}, errorf("%w: value %d is not on the item's scale", ErrValue, v)
		}
		x[i] += c
	}
	d, exactFrom := int64(p.Noise), int64(p.ExactFrom)
	var out Tally
	var pert Perturbation
	for _, part := range parts {
		var n int64
		for _, i := range part {
			n += x[i]
		}
		y := make([]int64, len(part))
		var sum int64
		for j, i := range part {
			y[j] = x[i]
			if n < exactFrom && x[i] > 0 {
				u := siphash.Sum64(key, append(prefix, byte(cats[i].rep)))
				y[j] += noiseOf(x[i], d, u)
			}
			sum += y[j]
		}
		// Whether the part is certainly exact must follow from what is
		// published: a perturbed part has fewer than ExactFrom answers, so
		// its counts add up to less than ExactFrom + categories·Noise.
		exact := sum >= exactFrom+int64(len(part))*d
		for j, i := range part {
			rep := cats[i].rep
			out.Counts[rep] = y[j]
			if exact {
				pert.Certain[rep] = y[j]
				continue
			}
			pert.Certain[rep] = certainFrom(y[j], d)
			pert.Variance[rep] = expectedNoiseVariance(y[j], d)
		}
	}
	return out, pert, nil
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

// certainOf returns the fewest answers in an indicator's n that a
// protected tally guarantees.
func certainOf(k Kind, pert Perturbation, s catalogue.Scale, o Options) int64 {
	in := inDenominator(k, s, o)
	var c int64
	for v, x := range pert.Certain {
		if in(v) {
			c += x
		}
	}
	return c
}

// protectIndicator applies the protection to an indicator computed from
// a protected tally: it is hidden (no counts, no value) when fewer than
// MinAnswers of its answers are certain, and otherwise its interval is
// widened by the perturbation: each side's distance from the estimate
// becomes √(side² + z²·variance).
func protectIndicator(ind Indicator, pert Perturbation, s catalogue.Scale, o Options, p *Protection) Indicator {
	ind.NotAnswered = 0
	ind.Certain = certainOf(ind.Kind, pert, s, o)
	if ind.Certain < int64(p.MinAnswers) {
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
// the agreement share or the yes share), with can't-say answers excluded,
// and the variance its perturbation adds; with a protection it is
// protected, and ok is false when it is hidden or has no value.
func headline(item string, t Tally, pert Perturbation, s catalogue.Scale, p *Protection) (ind Indicator, variance float64, ok bool) {
	inds := IndicatorsOf(item, t, 0, s, Options{})
	if len(inds) == 0 {
		return Indicator{}, 0, false
	}
	ind = inds[0]
	if p != nil {
		ind = protectIndicator(ind, pert, s, Options{}, p)
		variance = perturbationVariance(ind, pert, s, Options{})
	}
	return ind, variance, ind.Valid && ind.Suppressed == Published
}
