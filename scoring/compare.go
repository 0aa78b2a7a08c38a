package scoring

import (
	"cmp"
	"math"
	"slices"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring/stat"

	"github.com/palaute/palaute/internal/enum"
)

// Label is the verdict of a comparison. Ranks are not offered: with the
// sample sizes of most units, a league table mostly ranks noise.
type Label uint8

// Comparison labels. The zero value means "not compared" (no answers).
const (
	NotCompared Label = iota
	NoDifference
	Better
	Worse
)

var labelNames = []string{"", "no-difference", "better", "worse"}

// String returns the label's name: "better", "worse", "no-difference", or
// "" when not compared.
func (l Label) String() string { return enum.String(labelNames, l, "Label") }

// MarshalText implements [encoding.TextMarshaler].
func (l Label) MarshalText() ([]byte, error) { return enum.Marshal(labelNames, l, "Label") }

// UnmarshalText implements [encoding.TextUnmarshaler]; empty text is
// NotCompared.
func (l *Label) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*l = NotCompared
		return nil
	}
	v, ok := enum.Parse[Label](labelNames, string(b))
	if !ok {
		return errorf("unknown comparison label %q (better, worse or no-difference)", b)
	}
	*l = v
	return nil
}

// Comparison is a group's figure compared with a reference (the rest of
// its peer group, or another group): the [stat.Difference] with its
// interval, two-sided p-value and test, and a label. The p-value is
// adjusted when an adjustment was asked for; the label follows it.
type Comparison struct {
	Key  Key    `json:"key"`
	Item string `json:"item"`
	Kind Kind   `json:"kind"`
	stat.Difference
	Label Label `json:"label"`
	// Unadjusted is the p-value before the adjustment (the same as P when
	// none was made).
	Unadjusted float64 `json:"unadjusted"`
	// Family counts the comparisons whose p-values were adjusted together
	// (see [CompareOptions]); 0 when no adjustment was made.
	Family int `json:"family,omitempty"`
}

func label(diff, p, level float64) Label {
	switch {
	case math.IsNaN(p):
		return NotCompared
	case p >= 1-level:
		return NoDifference
	case diff > 0:
		return Better
	}
	return Worse
}

// compare compares two headline indicators of the same kind.
func compare(a, b Indicator, o stat.TestOptions) Comparison {
	c := Comparison{Kind: a.Kind}
	if a.Kind == Index {
		c.Difference = stat.CompareIndex(a.IndexCounts(), b.IndexCounts(), o)
	} else {
		c.Difference = stat.CompareShares(a.ShareCounts(), b.ShareCounts(), o)
	}
	c.Label = label(c.Diff, c.P, c.Interval.Level)
	c.Unadjusted = c.P
	return c
}

// CompareGroups compares the headline figure of item (the index, the
// agreement share or the yes share) in group a with that in group b, two
// groups of disjoint responses (SMS and kiosk answers, say), by
// [stat.CompareIndex] or [stat.CompareShares]. For protected groups the
// counts are the protected ones and the variance of the perturbation is
// added (so the exact test does not apply); ok is false when either
// figure is hidden or has no value, or carries noise and has fewer than
// o.NoisyFrom answers. o.Adjust does not apply to a single comparison.
func CompareGroups(a, b Group, item string, s catalogue.Scale, o CompareOptions) (c Comparison, ok bool) {
	x, vx, okA := headline(item, a.Items[item], a.Perturbation[item], s, a.Protection, o.Options)
	y, vy, okB := headline(item, b.Items[item], b.Perturbation[item], s, b.Protection, o.Options)
	if !okA || !okB || !o.comparable(x, vx, a.Perturbation[item], s) || !o.comparable(y, vy, b.Perturbation[item], s) {
		return Comparison{}, false
	}
	c = compare(x, y, o.test(vx+vy))
	c.Key, c.Item = a.Key, item
	return c, true
}

// Family says which comparisons form one family for a multiple-comparison
// adjustment.
type Family uint8

// Families. The zero value is the default, one family per period.
const (
	// PerPeriod adjusts together the comparisons of one item, kind,
	// instrument version and period: a monthly report is corrected for the
	// units compared that month, and adding a month does not change the
	// months before.
	PerPeriod Family = iota
	// AcrossPeriods adjusts together the comparisons of one item and kind
	// over every period and instrument version given, for a statement
	// about a whole series at once.
	AcrossPeriods
)

var familyNames = []string{"per-period", "across-periods"}

// String returns the family's name: "per-period" or "across-periods".
func (f Family) String() string { return enum.String(familyNames, f, "Family") }

// MarshalText implements [encoding.TextMarshaler].
func (f Family) MarshalText() ([]byte, error) { return enum.Marshal(familyNames, f, "Family") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (f *Family) UnmarshalText(b []byte) error {
	if string(b) == familyNames[PerPeriod] || len(b) == 0 {
		*f = PerPeriod
		return nil
	}
	v, ok := enum.Parse[Family](familyNames, string(b))
	if !ok {
		return errorf("unknown comparison family %q (per-period or across-periods)", b)
	}
	*f = v
	return nil
}

// CompareOptions configures comparisons. The zero value tests at 95 %,
// exactly for index comparisons of groups under [stat.DefaultExactBelow]
// answers, and adjusts nothing.
type CompareOptions struct {
	Level float64 // confidence level; 0 means 0.95
	// Adjust corrects the p-values of each family of ComparePeers for
	// multiple comparisons, and the labels follow the corrected values.
	Adjust stat.Adjustment
	// Family says which comparisons are adjusted together; the zero value
	// is PerPeriod. Hidden groups are never compared, so they are never in
	// a family: the decision to hide is made from published counts only,
	// and a family of the published comparisons tells nothing more.
	Family Family
	// ExactBelow is passed to [stat.TestOptions]: index comparisons whose
	// smaller group has fewer answers use the exact conditional test
	// (only between figures without perturbation variance). 0 means
	// stat.DefaultExactBelow; negative never.
	ExactBelow int64
	// NoisyFrom is the fewest answers a protected figure carrying noise
	// (from perturbed cells) needs to be compared, counted as its
	// published n less twice the noise's standard deviation of n: below
	// it the noise, and the selection of which small figures are shown,
	// make a test's size unreliable, so such a figure is not compared
	// (and is in no family). 0 means DefaultNoisyFrom.
	NoisyFrom int64
	// Options are those of the figures compared: the comparison tests
	// the figure as it is shown (with can't-say answers in the share's
	// denominator when Options.CantSay says so).
	Options Options
}

// DefaultNoisyFrom is the default of CompareOptions.NoisyFrom: protected
// figures with noise are compared from 30 answers on, counted as the
// published n less twice the noise's standard deviation of n (simulated
// size of the test: see METHODS.md).
const DefaultNoisyFrom = 30

func (o CompareOptions) test(extra float64) stat.TestOptions {
	return stat.TestOptions{Level: Options{Level: o.Level}.level(), ExtraVariance: extra, ExactBelow: o.ExactBelow}
}

// comparable reports whether a headline figure with noise variance v
// may be compared: without noise always; with noise only when its n is
// certainly large, its published n less twice the noise's standard
// deviation of n at least NoisyFrom (a figure of few answers whose noise
// happened to push its n up must not pass: the selection would bias the
// test).
func (o CompareOptions) comparable(ind Indicator, v float64, pert Perturbation, s catalogue.Scale) bool {
	if v == 0 {
		return true
	}
	in := inDenominator(ind.Kind, s, o.Options)
	var nv float64
	for val, x := range pert.Variance {
		if in(val) {
			nv += x
		}
	}
	return float64(ind.N)-2*math.Sqrt(nv) >= float64(cmp.Or(o.NoisyFrom, DefaultNoisyFrom))
}

// ComparePeers compares every group with the rest of its peer group: the
// groups whose keys differ only in dimension within (typically ByUnit, so
// peers share service, period and the other grouping dimensions). The
// rest is the sum of the other peers' counts, never an average of their
// figures, and never includes the group itself. Items with a
// recommendation scale are compared by index ([stat.CompareIndex]), agree
// and yes/no items by share ([stat.CompareShares]). With an adjustment,
// p-values are corrected within each family (o.Family) and labels follow
// the corrected p-values; Comparison.Family tells the family's size.
//
// Groups of protected tallies are compared on their published counts,
// with the variance of the perturbation added (the rest's variance is
// that of every other peer's cells, whatever their counts add up to); a
// group whose figure is hidden, whose rest has too few certain answers,
// or whose figure carries noise and has fewer than o.NoisyFrom answers
// is not compared, so such groups are outside the family of the
// adjustment.
func ComparePeers(groups []Group, within Dimension, scales Scales, o CompareOptions) []Comparison {
	scales = scales.orDefault()
	others := except(within)
	peerKey := func(k Key) Key { return project(k, others) }
	type sum struct {
		t    Tally
		pert Perturbation
	}
	sums := map[Key]map[string]*sum{}
	for _, g := range groups {
		pk := peerKey(g.Key)
		if sums[pk] == nil {
			sums[pk] = map[string]*sum{}
		}
		for item, t := range g.Items {
			s := sums[pk][item]
			if s == nil {
				s = &sum{}
				sums[pk][item] = s
			}
			s.t.add(t)
			s.pert.add(g.Perturbation[item])
		}
	}
	var out []Comparison
	for _, g := range groups {
		items := make([]string, 0, len(g.Items))
		for item := range g.Items {
			items = append(items, item)
		}
		slices.Sort(items)
		for _, item := range items {
			sc, ok := scales(g.Key.Instrument, item)
			if !ok {
				continue
			}
			own, ownPert := g.Items[item], g.Perturbation[item]
			all := sums[peerKey(g.Key)][item]
			rest, restPert := all.t, all.pert
			for v := range own.Counts {
				rest.Counts[v] -= own.Counts[v]
			}
			restPert.sub(ownPert)
			a, va, okA := headline(item, own, ownPert, sc, g.Protection, o.Options)
			b, vb, okB := headline(item, rest, restPert, sc, g.Protection, o.Options)
			if !okA || !okB || !o.comparable(a, va, ownPert, sc) || !o.comparable(b, vb, restPert, sc) {
				continue
			}
			c := compare(a, b, o.test(va+vb))
			c.Key, c.Item = g.Key, item
			out = append(out, c)
		}
	}
	adjust(out, o)
	return out
}

// familyKey says which family a comparison belongs to.
type familyKey struct {
	item       string
	kind       Kind
	instrument catalogue.InstrumentRef
	period     Period
}

// adjust corrects the p-values of comparisons family by family.
func adjust(cs []Comparison, o CompareOptions) {
	if o.Adjust == stat.NoAdjustment {
		return
	}
	families := map[familyKey][]int{}
	for i, c := range cs {
		f := familyKey{item: c.Item, kind: c.Kind}
		if o.Family == PerPeriod {
			f.instrument, f.period = c.Key.Instrument, c.Key.Period
		}
		families[f] = append(families[f], i)
	}
	for _, idx := range families {
		ps := make([]float64, len(idx))
		for j, i := range idx {
			ps[j] = cs[i].P
		}
		for j, adj := range stat.Adjust(ps, o.Adjust) {
			c := &cs[idx[j]]
			c.P, c.Family = adj, len(idx)
			c.Label = label(c.Diff, adj, c.Interval.Level)
		}
	}
}
