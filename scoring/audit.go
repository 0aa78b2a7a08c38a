package scoring

import (
	"cmp"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"maps"
	"math"
	"math/bits"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/palaute/palaute/catalogue"
)

// Release is one published output, for [Audit]: how it was aggregated
// from the base tallies (from the groups Select accepts, all if nil, as
// [Tallies.Select] does), the options its figures were computed with,
// and the results published (hidden figures included, as they are
// marked).
type Release struct {
	Name        string
	Select      func(Key) bool
	Aggregation Aggregation
	Options     Options
	Results     []Result
}

// Finding is one problem [Audit] found with a figure.
type Finding struct {
	Release string `json:"release"`
	Key     Key    `json:"key"`
	Item    string `json:"item"`
	Kind    Kind   `json:"kind"`
	// Problem is "inconsistent" (a published count is not the sum of the
	// base), "exact" (a hidden count is determined) or "narrow" (a hidden
	// count is bounded tighter than the protection interval).
	Problem string `json:"problem"`
	// Count names the count: "n", a band ("promoter", "agree", "yes",
	// …) or "cant-say"; Low and High are the attacker's bounds of its
	// true value (High −1 when unbounded).
	Count string `json:"count"`
	Low   int64  `json:"low"`
	High  int64  `json:"high"`
}

// AuditReport is what the attacker of [Audit] achieved.
type AuditReport struct {
	Releases  int // releases audited
	Published int // distinct published figures (cells × indicator)
	Hidden    int // distinct hidden figures
	// Inconsistent counts published figures whose counts are not the sums
	// of the base cells they cover: something other than the base was
	// published, and the guarantee does not hold.
	Inconsistent int
	// Derivable counts hidden figures whose published-scale counts (the
	// protected counts of a protected base) follow from the published
	// figures by linear algebra. For a protected base this is expected
	// and harmless: those counts are perturbed. For exact publications it
	// is exact disclosure.
	Derivable int
	// Exact counts hidden figures with a true count (n or a band) pinned
	// to one value; Narrow those with a true count bounded to fewer than
	// Noise + 1 values (the protection interval).
	Exact  int
	Narrow int
	// MinWidth is the smallest High − Low over the true counts of hidden
	// figures (−1 if none is hidden or none is bounded).
	MinWidth int64
	// Unbounded counts hidden counts with no finite upper bound, and
	// Skipped the hidden figures of exact publications too large for the
	// linear programs (MaxAtoms).
	Unbounded int
	Skipped   int
	Findings  []Finding // the first MaxFindings problems
}

// AuditOptions configures [Audit]. The zero value suits audits of
// protected publications.
type AuditOptions struct {
	// MinAnswers is the threshold an exact publication hid figures by
	// (an attacker knows hidden figures have fewer answers); 0 means
	// DefaultMinAnswers. Protected bases carry their own.
	MinAnswers int
	// Noise sets the protection interval for exact publications; 0 means
	// DefaultNoise. Protected bases carry their own.
	Noise int
	// MaxAtoms bounds the base cells of one linear program; 0 means 400.
	MaxAtoms int
	// MaxFindings bounds the findings listed; 0 means 100.
	MaxFindings int
}

// figure is one published or hidden figure, reduced to what the attacker
// sees: the base cells (atoms) it covers and its counts.
type figure struct {
	release string
	key     Key
	item    string
	kind    Kind
	atoms   []int // sorted atom indexes
	hidden  bool
	counts  map[string]int64 // published counts by count name
	opts    Options
}

// atom is one base cell: an item in one group of the base.
type atom struct {
	key  Key
	item string
	t    Tally
}

// Audit is the attacker this library ships: it takes the base tallies a
// publication was made from (protected by [Protect], or raw for an exact
// publication) and every release published from them, and tries to
// recover what was hidden. Its threat model is the package's: the
// attacker holds every release and combines them by addition,
// subtraction, linear algebra and interval arithmetic over the integers,
// knowing the mechanism (thresholds, noise bound, zero counts kept) but
// not the secret.
//
//  1. Every published count must be the sum of the base cells it covers;
//     if not, the release is Inconsistent (something else leaked).
//  2. Linear recovery: for each hidden figure, whether its counts follow
//     from the published ones (exactly, by elimination modulo 2⁶¹ − 1).
//  3. Bounds on the true counts of each hidden figure. For a protected
//     base the attacker is assumed to know every protected count of
//     every base cell (a stronger attacker than linear recovery makes),
//     and the true counts are bounded cell by cell from the mechanism:
//     a zero count was zero, a positive count y was between max(1, y −
//     Noise) and y + Noise, a cell whose counts add up to less than
//     ExactFrom had fewer than ExactFrom answers, one adding up to at
//     least ExactFrom + categories·Noise was exact. For an exact
//     publication, hidden figures that are derivable are exact, and the
//     others are bounded by linear programs (gonum's simplex) over the
//     published equations, non-negative counts and the threshold (hidden
//     figures have fewer than MinAnswers answers).
//
// A figure is Exact when a true count is pinned and Narrow when its
// bounds span fewer than Noise + 1 values. The guarantee of [Protect] is
// that, for every release made from protected tallies, Inconsistent,
// Exact and Narrow are 0.
func Audit(base *Tallies, scales Scales, releases []Release, o AuditOptions) (AuditReport, error) {
	scales = scales.orDefault()
	rep := AuditReport{Releases: len(releases), MinWidth: -1}
	maxFindings := cmp.Or(o.MaxFindings, 100)
	finding := func(f figure, problem, count string, lo, hi int64) {
		if len(rep.Findings) < maxFindings {
			rep.Findings = append(rep.Findings, Finding{f.release, f.key, f.item, f.kind, problem, count, lo, hi})
		}
	}
	prot := base.prot
	minAnswers, noise := int64(cmp.Or(o.MinAnswers, DefaultMinAnswers)), int64(cmp.Or(o.Noise, DefaultNoise))
	if prot != nil {
		minAnswers, noise = int64(prot.MinAnswers), int64(prot.Noise)
	}

	// Atoms, by base key and item.
	var atoms []atom
	atomOf := map[Key]map[string]int{}
	for _, g := range base.Groups() {
		atomOf[g.Key] = map[string]int{}
		for _, item := range slices.Sorted(maps.Keys(g.Items)) {
			atomOf[g.Key][item] = len(atoms)
			atoms = append(atoms, atom{g.Key, item, g.Items[item]})
		}
	}

	// Figures of every release, deduplicated: the same figure published
	// twice tells nothing new.
	var figs []figure
	seen := map[uint64]int{}
	seed := maphash.MakeSeed()
	var errs []error
	for _, r := range releases {
		_, f, err := aggregation(base.grouping, r.Aggregation)
		if err != nil {
			errs = append(errs, errorf("release %q: %w", r.Name, err))
			continue
		}
		members := map[Key][]Key{}
		for k := range atomOf {
			if r.Select != nil && !r.Select(k) {
				continue
			}
			if nk, ok := f(k); ok {
				members[nk] = append(members[nk], k)
			}
		}
		for _, res := range r.Results {
			for _, ind := range res.Indicators {
				fg := figure{release: r.Name, key: res.Key, item: ind.Item, kind: ind.Kind, hidden: ind.Suppressed != Published, opts: r.Options}
				for _, k := range members[res.Key] {
					if a, ok := atomOf[k][ind.Item]; ok {
						fg.atoms = append(fg.atoms, a)
					}
				}
				slices.Sort(fg.atoms)
				s, ok := scales(res.Key.Instrument, ind.Item)
				if !ok {
					errs = append(errs, errorf("release %q: %w %q", r.Name, ErrUnknownItem, ind.Item))
					continue
				}
				if !fg.hidden {
					fg.counts = figureCounts(ind, s, r.Options)
					want := IndicatorsOf(ind.Item, sumAtoms(atoms, fg.atoms), 0, s, r.Options)
					if i := slices.IndexFunc(want, func(w Indicator) bool { return w.Kind == ind.Kind }); i < 0 || !maps.Equal(figureCounts(want[i], s, r.Options), fg.counts) {
						rep.Inconsistent++
						finding(fg, "inconsistent", "n", ind.N, ind.N)
					}
				}
				var h maphash.Hash
				h.SetSeed(seed)
				h.WriteString(fg.item)
				h.WriteByte(byte(fg.kind))
				h.WriteByte(byte(fg.opts.CantSay))
				if fg.hidden {
					h.WriteByte(1)
				}
				var buf [8]byte
				for _, a := range fg.atoms {
					binary.LittleEndian.PutUint64(buf[:], uint64(a))
					h.Write(buf[:])
				}
				if _, dup := seen[h.Sum64()]; dup {
					continue
				}
				seen[h.Sum64()] = len(figs)
				figs = append(figs, fg)
				if fg.hidden {
					rep.Hidden++
				} else {
					rep.Published++
				}
			}
		}
	}

	// Linear recovery, item by item.
	derivable := make([]bool, len(figs))
	for _, item := range itemsOf(figs) {
		var sp span
		for _, f := range figs {
			if f.item == item && !f.hidden {
				sp.add(indicator(f.atoms))
			}
		}
		for i, f := range figs {
			if f.item == item && f.hidden && len(f.atoms) > 0 && sp.contains(indicator(f.atoms)) {
				derivable[i] = true
				rep.Derivable++
			}
		}
	}

	// Bounds on the true counts of the hidden figures.
	for i, f := range figs {
		if !f.hidden || len(f.atoms) == 0 {
			continue
		}
		s, _ := scales(f.key.Instrument, f.item)
		var bounds []countBound
		switch {
		case prot != nil:
			bounds = protectedBounds(f, atoms, s, prot)
		case derivable[i]:
			sum := sumAtoms(atoms, f.atoms)
			for _, ct := range countTypes(f.kind, s, f.opts) {
				var c int64
				for v, x := range sum.Counts {
					if ct.in(v) {
						c += x
					}
				}
				bounds = append(bounds, countBound{ct.name, c, c})
			}
		default:
			var ok bool
			bounds, ok = exactBounds(f, figs, atoms, s, minAnswers, cmp.Or(o.MaxAtoms, 400))
			if !ok {
				rep.Skipped++
				continue
			}
		}
		exact, narrow := false, false
		for _, b := range bounds {
			if b.high < 0 {
				rep.Unbounded++
				continue
			}
			w := b.high - b.low
			if rep.MinWidth < 0 || w < rep.MinWidth {
				rep.MinWidth = w
			}
			switch {
			case w == 0:
				if !exact {
					finding(f, "exact", b.name, b.low, b.high)
				}
				exact = true
			case w < noise:
				if !narrow && !exact {
					finding(f, "narrow", b.name, b.low, b.high)
				}
				narrow = true
			}
		}
		if exact {
			rep.Exact++
		} else if narrow {
			rep.Narrow++
		}
	}
	return rep, errors.Join(errs...)
}

// countBound is the attacker's interval of one true count (high −1 when
// unbounded).
type countBound struct {
	name      string
	low, high int64
}

// countType is one count of a figure: n, a band, or can't-say.
type countType struct {
	name string
	in   func(v int) bool
}

// nName names the n of an indicator: "n" when it leaves can't-say
// answers out, "n-with-cant-say" when it counts them (shares with
// IncludeCantSay), so that the two are never taken for one count.
func nName(k Kind, o Options) string {
	if (k == Agreement || k == YesShare) && o.CantSay == IncludeCantSay {
		return "n-with-cant-say"
	}
	return "n"
}

// countTypes returns the counts a figure of kind k consists of: its n,
// the bands, and the can't-say answers when they are in its n.
func countTypes(k Kind, s catalogue.Scale, o Options) []countType {
	in := inDenominator(k, s, o)
	out := []countType{{nName(k, o), in}}
	for _, b := range s.Bands() {
		out = append(out, countType{b.Name, b.Contains})
	}
	if v, ok := s.CantSay(); ok && in(v) {
		out = append(out, countType{"cant-say", s.IsCantSay})
	}
	return out
}

// figureCounts returns an indicator's counts by count name.
func figureCounts(ind Indicator, s catalogue.Scale, o Options) map[string]int64 {
	out := map[string]int64{nName(ind.Kind, o): ind.N}
	names := map[Kind][3]string{
		Index:     {catalogue.BandPromoter, catalogue.BandPassive, catalogue.BandDetractor},
		Agreement: {catalogue.BandAgree, catalogue.BandNeutral, catalogue.BandDisagree},
		Mean:      {catalogue.BandAgree, catalogue.BandNeutral, catalogue.BandDisagree},
		YesShare:  {catalogue.BandYes, "", catalogue.BandNo},
	}[ind.Kind]
	for i, c := range []int64{ind.Positive, ind.Neutral, ind.Negative} {
		if names[i] != "" {
			out[names[i]] = c
		}
	}
	if v, ok := s.CantSay(); ok && inDenominator(ind.Kind, s, o)(v) {
		out["cant-say"] = ind.CantSay
	}
	return out
}

func sumAtoms(atoms []atom, idx []int) Tally {
	var t Tally
	for _, a := range idx {
		t.add(atoms[a].t)
	}
	return t
}

func itemsOf(figs []figure) []string {
	var out []string
	for _, f := range figs {
		if !slices.Contains(out, f.item) {
			out = append(out, f.item)
		}
	}
	slices.Sort(out)
	return out
}

// protectedBounds bounds the true counts of a hidden figure of a
// protected base, assuming the attacker knows every protected count: cell
// by cell and part by part (substantive answers, can't-say answers), the
// union of "the part is exact" (possible when its counts add up to
// ExactFrom or more) and "the part was perturbed" (each count in
// [max(1, y − Noise), y + Noise], or [0, Noise] for a zero, with fewer
// than ExactFrom answers in all), summed over the cells and parts.
func protectedBounds(f figure, atoms []atom, s catalogue.Scale, p *Protection) []countBound {
	cats := categoriesOf(s)
	k, d := int64(p.ExactFrom), int64(p.Noise)
	var out []countBound
	for _, ct := range countTypes(f.kind, s, f.opts) {
		b := countBound{name: ct.name}
		for _, a := range f.atoms {
			for _, part := range parts(cats, s) {
				var sum, loAll, loIn, loOut, hiIn, yIn int64
				any := false
				for _, i := range part {
					y := atoms[a].t.Counts[cats[i].rep]
					lo, hi := certainFrom(y, d), y+d
					if y == 0 {
						hi = d
					}
					sum += y
					loAll += lo
					if ct.in(cats[i].rep) {
						loIn, hiIn, yIn, any = loIn+lo, hiIn+hi, yIn+y, true
					} else {
						loOut += lo
					}
				}
				if !any {
					continue
				}
				low, high := int64(math.MaxInt64), int64(math.MinInt64)
				if sum >= k { // it may be exact
					low, high = min(low, yIn), max(high, yIn)
				}
				if loAll <= k-1 { // it may have been perturbed
					low, high = min(low, loIn), max(high, min(hiIn, k-1-loOut))
				}
				b.low += low
				b.high += high
			}
		}
		out = append(out, b)
	}
	return out
}

// exactBounds bounds the true counts of a hidden figure of an exact
// publication by linear programs: minimise and maximise its count over
// non-negative counts of the base cells, subject to every published
// figure of the item (its counts are exact) and to every hidden figure of
// the item having fewer than minAnswers answers. Only the base cells
// connected to the figure through those equations take part; ok is false
// when there are more than maxAtoms of them.
func exactBounds(f figure, figs []figure, atoms []atom, s catalogue.Scale, minAnswers int64, maxAtoms int) ([]countBound, bool) {
	// The connected component of the figure's cells.
	var related []figure
	for _, g := range figs {
		if g.item == f.item {
			related = append(related, g)
		}
	}
	in := map[int]bool{}
	queue := slices.Clone(f.atoms)
	for _, a := range queue {
		in[a] = true
	}
	var rows []figure
	used := make([]bool, len(related))
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		for i, g := range related {
			if used[i] || !slices.Contains(g.atoms, a) {
				continue
			}
			used[i] = true
			rows = append(rows, g)
			for _, b := range g.atoms {
				if !in[b] {
					in[b] = true
					queue = append(queue, b)
				}
			}
		}
		if len(in) > maxAtoms {
			return nil, false
		}
	}
	cols := slices.Sorted(maps.Keys(in))
	col := map[int]int{}
	for i, a := range cols {
		col[a] = i
	}
	var out []countBound
	for _, ct := range countTypes(f.kind, s, f.opts) {
		var eqA [][]float64
		var eqB []float64
		var capA [][]float64
		for _, g := range rows {
			row := make([]float64, len(cols))
			for _, a := range g.atoms {
				row[col[a]] = 1
			}
			if g.hidden {
				capA = append(capA, row)
				continue
			}
			c, ok := g.counts[ct.name]
			if !ok {
				continue
			}
			eqA, eqB = append(eqA, row), append(eqB, float64(c))
		}
		eqA, eqB = independentRows(eqA, eqB)
		target := make([]float64, len(cols))
		for _, a := range f.atoms {
			target[col[a]] = 1
		}
		lo, loOK := solveLP(target, eqA, eqB, capA, float64(minAnswers-1), 1)
		hi, hiOK := solveLP(target, eqA, eqB, capA, float64(minAnswers-1), -1)
		b := countBound{name: ct.name, low: int64(math.Ceil(lo - 1e-6)), high: int64(math.Floor(hi + 1e-6))}
		if !loOK {
			b.low = 0
		}
		if !hiOK {
			b.high = -1
		}
		out = append(out, b)
	}
	return out, true
}

// independentRows drops equations that are linear combinations of
// earlier ones (the simplex needs full row rank).
func independentRows(a [][]float64, b []float64) ([][]float64, []float64) {
	var basis [][]float64
	var pivots []int
	var outA [][]float64
	var outB []float64
	for i, row := range a {
		r := slices.Clone(row)
		for j, br := range basis {
			if f := r[pivots[j]]; f != 0 {
				for c := range r {
					r[c] -= f * br[c]
				}
			}
		}
		p := slices.IndexFunc(r, func(x float64) bool { return math.Abs(x) > 1e-9 })
		if p < 0 {
			continue
		}
		for c := range r {
			r[c] /= r[p]
		}
		basis, pivots = append(basis, r), append(pivots, p)
		outA, outB = append(outA, row), append(outB, b[i])
	}
	return outA, outB
}

// solveLP minimises (sign 1) or maximises (sign −1) target·x over x ≥ 0
// with eqA·x = eqB and capA·x ≤ capB, and reports whether the optimum is
// finite. Columns in no constraint are free and make the maximum
// unbounded if the target uses them.
func solveLP(target []float64, eqA [][]float64, eqB []float64, capA [][]float64, capB float64, sign float64) (float64, bool) {
	n := len(target)
	constrained := make([]bool, n)
	for _, rows := range [][][]float64{eqA, capA} {
		for _, r := range rows {
			for c, v := range r {
				if v != 0 {
					constrained[c] = true
				}
			}
		}
	}
	var keep []int
	for c := range n {
		if constrained[c] {
			keep = append(keep, c)
		} else if target[c] != 0 && sign < 0 {
			return 0, false
		}
	}
	m := len(eqA) + len(capA)
	if m == 0 || len(keep) == 0 {
		return 0, sign > 0
	}
	cols := len(keep) + len(capA)
	a := mat.NewDense(m, cols, nil)
	b := make([]float64, m)
	for i, r := range eqA {
		for j, c := range keep {
			a.Set(i, j, r[c])
		}
		b[i] = eqB[i]
	}
	for i, r := range capA {
		for j, c := range keep {
			a.Set(len(eqA)+i, j, r[c])
		}
		a.Set(len(eqA)+i, len(keep)+i, 1)
		b[len(eqA)+i] = capB
	}
	c := make([]float64, cols)
	for j, col := range keep {
		c[j] = sign * target[col]
	}
	opt, _, err := lp.Simplex(c, a, b, 1e-10, nil)
	if err != nil {
		return 0, false
	}
	return sign * opt, true
}

// span is the row space of 0/1 vectors over the integers modulo the prime
// 2⁶¹ − 1, kept in reduced echelon form: a vector is in it when
// elimination leaves nothing. Over this prime, linear dependence among
// small 0/1 vectors is the same as over the rationals except in rare
// coincidences, which make the audit report a recovery that is not there,
// never miss one.
type span struct {
	rows   [][]uint64
	pivots []int
}

const modulus = 1<<61 - 1

func mulmod(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	// a·b = hi·2⁶⁴ + lo; 2⁶¹ ≡ 1, so 2⁶⁴ ≡ 8.
	r := (lo & modulus) + (lo >> 61) + (hi << 3 & modulus) + (hi >> 58)
	for r >= modulus {
		r -= modulus
	}
	return r
}

func submod(a, b uint64) uint64 {
	if a >= b {
		return a - b
	}
	return a + modulus - b
}

func powmod(a, e uint64) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = mulmod(r, a)
		}
		a = mulmod(a, a)
	}
	return r
}

// indicator returns the 0/1 vector of a set of atom indexes, as a sparse
// map turned dense by reduce.
func indicator(atoms []int) map[int]uint64 {
	v := make(map[int]uint64, len(atoms))
	for _, a := range atoms {
		v[a] = 1
	}
	return v
}

// reduce eliminates v against the span and returns what is left.
func (s *span) reduce(v map[int]uint64) map[int]uint64 {
	r := maps.Clone(v)
	for i, row := range s.rows {
		p := s.pivots[i]
		f := r[p]
		if f == 0 {
			continue
		}
		for c, x := range sparse(row) {
			nv := submod(r[c], mulmod(f, x))
			if nv == 0 {
				delete(r, c)
			} else {
				r[c] = nv
			}
		}
	}
	return r
}

// sparse iterates over the non-zero entries of a dense row stored as
// (column, value) pairs.
func sparse(row []uint64) func(yield func(int, uint64) bool) {
	return func(yield func(int, uint64) bool) {
		for i := 0; i+1 < len(row); i += 2 {
			if !yield(int(row[i]), row[i+1]) {
				return
			}
		}
	}
}

func (s *span) add(v map[int]uint64) {
	r := s.reduce(v)
	if len(r) == 0 {
		return
	}
	p := slices.Min(slices.Collect(maps.Keys(r)))
	inv := powmod(r[p], modulus-2)
	var row []uint64
	for _, c := range slices.Sorted(maps.Keys(r)) {
		row = append(row, uint64(c), mulmod(r[c], inv))
	}
	// Keep the rows reduced: eliminate the new pivot from earlier rows.
	for i, old := range s.rows {
		var f uint64
		for c, x := range sparse(old) {
			if c == p {
				f = x
			}
		}
		if f == 0 {
			continue
		}
		m := map[int]uint64{}
		for c, x := range sparse(old) {
			m[c] = x
		}
		for c, x := range sparse(row) {
			nv := submod(m[c], mulmod(f, x))
			if nv == 0 {
				delete(m, c)
			} else {
				m[c] = nv
			}
		}
		var nr []uint64
		for _, c := range slices.Sorted(maps.Keys(m)) {
			nr = append(nr, uint64(c), m[c])
		}
		s.rows[i] = nr
	}
	s.rows = append(s.rows, row)
	s.pivots = append(s.pivots, p)
}

func (s *span) contains(v map[int]uint64) bool { return len(s.reduce(v)) == 0 }
