package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/survey"
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

// Publication is one round of publication, for [Audit]: the base it was
// made from (protected by [Protect], or raw for an exact publication),
// every release made from it, and the responses the base holds that the
// attacker submitted himself (he knows their answers and when he sent
// them). A county that publishes every month makes a publication a
// month; a second publisher from the same responses makes another.
type Publication struct {
	Name     string
	Base     *Tallies
	Releases []Release
	Known    []survey.Response
}

// Finding is one problem [Audit] found with a figure.
type Finding struct {
	Release string `json:"release"`
	Key     Key    `json:"key"`
	Item    string `json:"item"`
	Kind    Kind   `json:"kind"`
	// Problem is "inconsistent" (a published figure is not the sum of
	// its base's cells), "derivable" (a hidden figure of an exact
	// publication follows from the published ones), "thin" (a published
	// figure rests on fewer than MinAnswers genuine answers) or
	// "disclosed" (the attacker named a lone respondent's band for sure).
	Problem string `json:"problem"`
	// Detail says more, in words.
	Detail string `json:"detail,omitempty"`
}

// LoneAttack is what the attacker of [Audit] achieved against the lone
// genuine respondents of one item: respondents who were the only genuine
// answer to the item in their unit and month. For each, the attacker
// guesses the band of the answer (promoter, passive or detractor; agree,
// neutral or disagree; yes or no; or can't-say) from everything
// published, and is compared with guessing the commonest band of all
// genuine answers (the prior's mode) for every one of them.
type LoneAttack struct {
	Item        string `json:"item"`
	Respondents int    `json:"respondents"`
	// Correct counts the attacker's right guesses, PriorCorrect the right
	// guesses of the prior's mode, Certain the guesses the attacker could
	// be sure of (posterior 1).
	Correct      int `json:"correct"`
	PriorCorrect int `json:"priorCorrect"`
	Certain      int `json:"certain"`
}

// Accuracy returns the share of the attacker's right guesses (NaN
// without respondents).
func (l LoneAttack) Accuracy() float64 { return ratio(l.Correct, l.Respondents) }

// PriorAccuracy returns the share of right guesses of the prior's mode.
func (l LoneAttack) PriorAccuracy() float64 { return ratio(l.PriorCorrect, l.Respondents) }

// Gain returns Accuracy − PriorAccuracy: what publishing told the
// attacker beyond what everybody knows.
func (l LoneAttack) Gain() float64 { return l.Accuracy() - l.PriorAccuracy() }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// AuditReport is what the attacker of [Audit] achieved.
type AuditReport struct {
	Publications int // publications audited
	Releases     int // releases audited, over all publications
	Published    int // distinct published figures (cells × indicator)
	Hidden       int // distinct hidden figures
	// Inconsistent counts published figures whose counts are not the sums
	// of their base's cells: something other than the base was
	// published, and the guarantee does not hold.
	Inconsistent int
	// Derivable counts hidden figures of exact publications whose counts
	// follow from the published ones by linear algebra: exact disclosure.
	// (Every cell of a protected base is taken to be known anyway.)
	Derivable int
	// Republished counts cells of a protected base published with other
	// counts by another publication: a second look at the same unit,
	// month and item (new answers, or another secret).
	Republished int
	// Thin counts published figures with fewer than MinAnswers genuine
	// answers (with AuditOptions.Genuine).
	Thin int
	// Lone is the attack on lone respondents, item by item (with
	// AuditOptions.Genuine).
	Lone     []LoneAttack
	Findings []Finding // the first MaxFindings problems
}

// AuditOptions configures [Audit]. The zero value suits audits of
// protected publications.
type AuditOptions struct {
	// MinAnswers is the threshold of publication, for Thin and for exact
	// publications; 0 means the protection's, or DefaultMinAnswers.
	MinAnswers int
	// Genuine holds the tallies of the genuine responses (every response
	// but the attacker's own), grouped like the bases, for the measures
	// that need the truth: Thin and Lone. A county auditing its own
	// publications has them.
	Genuine *Tallies
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
	opts    Options
}

// id returns what identifies a figure: the same figure published twice
// tells nothing new.
func (f figure) id() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q %d %d %t", f.item, f.kind, f.opts.CantSay, f.hidden)
	for _, a := range f.atoms {
		fmt.Fprintf(&b, " %d", a)
	}
	return b.String()
}

// atom is one base cell: an item in one group of the base.
type atom struct {
	key  Key
	item string
	t    Tally
	pert Perturbation
}

// cellID names a cell of a base across publications.
type cellID struct {
	key  Key
	item string
}

// look is what one publication tells the attacker about one cell: its
// counts as published, the perturbation (nil protection for a cell of an
// exact publication whose counts follow from the releases), and the
// counts of the attacker's own answers in it.
type look struct {
	y     Tally
	pert  Perturbation
	prot  *Protection
	known Tally
}

// Audit is the attacker this library ships. It takes every publication
// made from the same responses (any number of bases, publishers and
// rounds: a county publishing every month, a regional office publishing
// its own tables) and tries what the package's threat model allows: the
// attacker holds every release, combines them by arithmetic and linear
// algebra, knows the mechanism and its parameters but not the secret,
// and may have submitted answers of his own (Publication.Known).
//
//  1. Every published figure must be the sum of its base's cells (for a
//     protected base, computed from the published counts as [Score]
//     does); if not, the release is Inconsistent.
//  2. Exact publications (raw bases): which hidden figures follow from
//     the published ones by linear algebra (Derivable), and which base
//     cells the attacker thereby knows exactly.
//  3. Protected bases: the attacker is taken to know every protected
//     count of every base cell (more than linear recovery gives him).
//     Cells published with other counts by another publication are
//     counted (Republished): second looks.
//  4. With AuditOptions.Genuine, the truth: published figures resting on
//     fewer than MinAnswers genuine answers (Thin), and the attack on
//     lone respondents (Lone): for every cell whose item has exactly one
//     genuine answer, the attacker's best guess of its band given every
//     look at the cell — the posterior under the mechanism: each look's
//     counts less the attacker's own answers, the noise's place-keyed
//     half shared by all looks at the same cell and its record-keyed half
//     drawn anew for each other set of answers — against the band
//     distribution of all genuine answers as the prior.
//
// The guarantee of [Protect] is that, for protected publications,
// Inconsistent and Thin are 0 and the attacker's accuracy on lone
// respondents exceeds the prior's mode by little (METHODS.md gives the
// figures measured); for exact publications with per-table suppression
// the same attacker typically names lone respondents' bands for sure.
func Audit(pubs []Publication, scales Scales, o AuditOptions) (AuditReport, error) {
	scales = scales.orDefault()
	rep := AuditReport{Publications: len(pubs)}
	maxFindings := cmp.Or(o.MaxFindings, 100)
	find := func(f Finding) {
		if len(rep.Findings) < maxFindings {
			rep.Findings = append(rep.Findings, f)
		}
	}
	var errs []error
	looks := map[cellID][]look{}
	genuine := map[Key]Group{}
	if o.Genuine != nil {
		for _, g := range o.Genuine.Groups() {
			genuine[g.Key] = g
		}
	}
	for _, pub := range pubs {
		base := pub.Base
		if base == nil {
			errs = append(errs, errorf("publication %q: no base", pub.Name))
			continue
		}
		rep.Releases += len(pub.Releases)
		prot := base.prot
		minAnswers := int64(DefaultMinAnswers)
		switch {
		case o.MinAnswers > 0:
			minAnswers = int64(o.MinAnswers)
		case prot != nil:
			minAnswers = int64(prot.MinAnswers)
		}
		known := NewTallies(base.grouping)
		for _, r := range pub.Known {
			if _, err := known.Add(r); err != nil {
				errs = append(errs, errorf("publication %q: known response: %w", pub.Name, err))
			}
		}

		// Atoms, by base key and item.
		var atoms []atom
		atomOf := map[Key]map[string]int{}
		for _, g := range base.Groups() {
			atomOf[g.Key] = map[string]int{}
			for _, item := range slices.Sorted(maps.Keys(g.Items)) {
				atomOf[g.Key][item] = len(atoms)
				atoms = append(atoms, atom{g.Key, item, g.Items[item], g.Perturbation[item]})
			}
		}

		// Figures of every release, each distinct one once.
		var figs []figure
		seen := map[string]bool{}
		for _, r := range pub.Releases {
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
						sum := sumAtoms(atoms, fg.atoms)
						if prot != nil {
							sum = published(sum)
						}
						if !maps.Equal(talliedCounts(ind.Kind, sum, s, r.Options), figureCounts(ind, s, r.Options)) {
							rep.Inconsistent++
							find(Finding{r.Name, res.Key, ind.Item, ind.Kind, "inconsistent", fmt.Sprintf("published n %d", ind.N)})
						}
						if o.Genuine != nil {
							var g Tally
							for _, a := range fg.atoms {
								g.add(genuine[atoms[a].key].Items[ind.Item])
							}
							if n := talliedCounts(ind.Kind, g, s, r.Options)[nName(ind.Kind, r.Options)]; n < minAnswers {
								rep.Thin++
								find(Finding{r.Name, res.Key, ind.Item, ind.Kind, "thin", fmt.Sprintf("published with %d genuine answers", n)})
							}
						}
					}
					if id := fg.id(); !seen[id] {
						seen[id] = true
						figs = append(figs, fg)
						if fg.hidden {
							rep.Hidden++
						} else {
							rep.Published++
						}
					}
				}
			}
		}

		knownCell := func(a atom) Tally {
			g, _ := known.Group(a.key)
			return g.Items[a.item]
		}
		if prot != nil {
			for _, a := range atoms {
				id := cellID{a.key, a.item}
				l := look{y: a.t, pert: a.pert, prot: prot, known: knownCell(a)}
				if prev := looks[id]; len(prev) > 0 && !slices.ContainsFunc(prev, func(p look) bool { return p.y == l.y }) {
					rep.Republished++
				}
				looks[id] = append(looks[id], l)
			}
			continue
		}

		// An exact publication: linear recovery, item by item.
		for _, item := range itemsOf(figs) {
			var sp span
			for _, f := range figs {
				if f.item == item && !f.hidden {
					sp.add(indicator(f.atoms))
				}
			}
			for _, f := range figs {
				if f.item == item && f.hidden && len(f.atoms) > 0 && sp.contains(indicator(f.atoms)) {
					rep.Derivable++
					find(Finding{f.release, f.key, f.item, f.kind, "derivable", ""})
				}
			}
			for i, a := range atoms {
				if a.item == item && sp.contains(indicator([]int{i})) {
					id := cellID{a.key, a.item}
					looks[id] = append(looks[id], look{y: a.t, known: knownCell(a)})
				}
			}
		}
	}
	if o.Genuine != nil {
		rep.Lone = loneAttack(o.Genuine, scales, looks, find)
	}
	return rep, errors.Join(errs...)
}

// bandName returns the name of the band of value v on scale s, or
// "cant-say".
func bandName(s catalogue.Scale, v int) string {
	if s.IsCantSay(v) {
		return "cant-say"
	}
	b, _ := s.BandOf(v)
	return b.Name
}

// placeProb returns the probability that the place-keyed half of the
// noise of Protection.Noise d is v: d fair coins less d/2.
func placeProb(d, v int64) float64 {
	k := v + d/2
	if k < 0 || k > d {
		return 0
	}
	c := 1.0
	for i := int64(1); i <= k; i++ {
		c = c * float64(d-k+i) / float64(i)
	}
	return c / math.Pow(2, float64(d))
}

// recordsProb returns the probability that the record-keyed half of the
// noise of Protection.Noise d is v: uniform on −d/2…+d/2.
func recordsProb(d, v int64) float64 {
	if v < -d/2 || v > d/2 {
		return 0
	}
	return 1 / float64(d+1)
}

// likelihood returns the probability of the looks at one category of a
// cell, given x genuine answers in it: exact looks must show x plus the
// attacker's own answers; perturbed looks share the place-keyed half f of
// their noise and each has its own record-keyed half.
func likelihood(x int64, ys, as []int64, exact []bool, noise []int64) float64 {
	p := 1.0
	var strong []int
	for i := range ys {
		if exact[i] {
			if ys[i]-as[i] != x {
				return 0
			}
			continue
		}
		strong = append(strong, i)
	}
	if len(strong) == 0 {
		return p
	}
	d := noise[strong[0]]
	var sum float64
	for f := -d / 2; f <= d/2; f++ {
		q := placeProb(d, f)
		for _, i := range strong {
			q *= recordsProb(noise[i], ys[i]-as[i]-x-f)
		}
		sum += q
	}
	return p * sum
}

// loneAttack guesses the band of every lone genuine respondent from the
// looks at their cell.
func loneAttack(genuine *Tallies, scales Scales, looks map[cellID][]look, find func(Finding)) []LoneAttack {
	groups := genuine.Groups()
	// The prior: the categories of all genuine answers, item by item.
	type prior struct {
		counts map[int]float64 // by category value (rep)
		mode   string          // the commonest band
	}
	priors := map[string]*prior{}
	priorOf := func(item string, s catalogue.Scale) *prior {
		if p, ok := priors[item]; ok {
			return p
		}
		p := &prior{counts: map[int]float64{}}
		bands := map[string]float64{}
		cats := categoriesOf(s)
		for _, g := range groups {
			t := g.Items[item]
			for v, c := range t.Counts {
				if i := slices.IndexFunc(cats, func(ct category) bool { return v >= ct.lo && v <= ct.hi }); i >= 0 {
					p.counts[cats[i].rep] += float64(c)
					bands[bandName(s, cats[i].rep)] += float64(c)
				}
			}
		}
		for _, b := range slices.Sorted(maps.Keys(bands)) {
			if p.mode == "" || bands[b] > bands[p.mode] {
				p.mode = b
			}
		}
		priors[item] = p
		return p
	}
	byItem := map[string]*LoneAttack{}
	for _, g := range groups {
		for _, item := range slices.Sorted(maps.Keys(g.Items)) {
			t := g.Items[item]
			if t.Answers() != 1 {
				continue
			}
			s, ok := scales(g.Key.Instrument, item)
			if !ok {
				continue
			}
			truth := slices.IndexFunc(t.Counts[:], func(c int64) bool { return c == 1 })
			cats := categoriesOf(s)
			pr := priorOf(item, s)
			la := byItem[item]
			if la == nil {
				la = &LoneAttack{Item: item}
				byItem[item] = la
			}
			la.Respondents++
			truthBand := bandName(s, truth)
			if truthBand == pr.mode {
				la.PriorCorrect++
			}
			ls := looks[cellID{g.Key, item}]
			// Distinct looks only: the same counts from the same answers
			// are one look.
			var uniq []look
			for _, l := range ls {
				if !slices.ContainsFunc(uniq, func(u look) bool { return u.y == l.y && u.known == l.known }) {
					uniq = append(uniq, l)
				}
			}
			post := map[string]float64{}
			for c, cat := range cats {
				p := pr.counts[cat.rep]
				for j, other := range cats {
					var x int64
					if j == c {
						x = 1
					}
					ys, as := make([]int64, len(uniq)), make([]int64, len(uniq))
					exact, noise := make([]bool, len(uniq)), make([]int64, len(uniq))
					for i, l := range uniq {
						ys[i] = l.y.Counts[other.rep]
						for v := other.lo; v <= other.hi; v++ {
							as[i] += l.known.Counts[v]
						}
						exact[i] = l.prot == nil || l.pert.Variance[other.rep] == 0
						if l.prot != nil {
							noise[i] = int64(l.prot.Noise)
						}
					}
					p *= likelihood(x, ys, as, exact, noise)
				}
				post[bandName(s, cat.rep)] += p
			}
			guess, best, total := pr.mode, post[pr.mode], 0.0
			for _, b := range slices.Sorted(maps.Keys(post)) {
				total += post[b]
				if post[b] > best {
					guess, best = b, post[b]
				}
			}
			if guess == truthBand {
				la.Correct++
			}
			if total > 0 && best == total {
				la.Certain++
				find(Finding{"", g.Key, item, 0, "disclosed", "a lone respondent's band (" + guess + ") is certain"})
			}
		}
	}
	var out []LoneAttack
	for _, item := range slices.Sorted(maps.Keys(byItem)) {
		out = append(out, *byItem[item])
	}
	return out
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

// talliedCounts returns the counts of an indicator of kind k computed
// from tally t (without its estimate and interval), by count name.
func talliedCounts(k Kind, t Tally, s catalogue.Scale, o Options) map[string]int64 {
	b := bandCounts(t, s)
	ind := Indicator{Kind: k, CantSay: cantSay(t, s)}
	switch k {
	case Index:
		ind.Positive, ind.Neutral, ind.Negative = b[catalogue.BandPromoter], b[catalogue.BandPassive], b[catalogue.BandDetractor]
	case YesShare:
		ind.Positive, ind.Negative = b[catalogue.BandYes], b[catalogue.BandNo]
	default:
		ind.Positive, ind.Neutral, ind.Negative = b[catalogue.BandAgree], b[catalogue.BandNeutral], b[catalogue.BandDisagree]
	}
	in := inDenominator(k, s, o)
	for v, c := range t.Counts {
		if in(v) {
			ind.N += c
		}
	}
	return figureCounts(ind, s, o)
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
