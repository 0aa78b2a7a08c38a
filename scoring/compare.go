package scoring

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/palaute/palaute/catalogue"

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

// Comparison is a difference between a group's figure and a reference
// (the rest of its peer group, or a fixed benchmark) with its interval, a
// two-sided p-value and a label.
type Comparison struct {
	Key       Key      `json:"key"`
	Item      string   `json:"item"`
	Kind      Kind     `json:"kind"`
	Estimate  float64  `json:"estimate"`  // the group's figure
	Reference float64  `json:"reference"` // the peers' or benchmark figure
	Diff      float64  `json:"diff"`      // Estimate − Reference
	Interval  Interval `json:"interval"`  // of Diff
	P         float64  `json:"p"`         // two-sided p-value, adjusted if an adjustment was asked for
	Label     Label    `json:"label"`
}

// pValue returns the two-sided normal p-value of a difference with a
// standard error; with no sampling variance a difference is certain.
func pValue(diff, se float64) float64 {
	switch {
	case se > 0:
		return 2 * distuv.UnitNormal.Survival(math.Abs(diff/se))
	case diff == 0:
		return 1
	}
	return 0
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

// CompareShares compares the share x1/n1 with x2/n2 of an independent
// sample (a unit with the rest of its peer group). The difference has
// Newcombe's hybrid score interval (from the two Wilson intervals); the
// p-value is that of the pooled two-proportion z-test. With an empty side
// the comparison is not made (Label NotCompared, P NaN).
func CompareShares(x1, n1, x2, n2 int64, level float64) Comparison {
	return compareShares(x1, n1, x2, n2, level, 0)
}

// compareShares is CompareShares with extra variance of the difference
// (from the perturbation of protected counts) added to the test's
// variance and to both sides of the interval.
func compareShares(x1, n1, x2, n2 int64, level, extra float64) Comparison {
	c := Comparison{Kind: Agreement, P: math.NaN(), Estimate: math.NaN(), Reference: math.NaN(), Diff: math.NaN()}
	if n1 <= 0 || n2 <= 0 {
		return c
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	c.Estimate, c.Reference, c.Diff = p1, p2, p1-p2
	w1, w2 := ShareInterval(x1, n1, level, Wilson), ShareInterval(x2, n2, level, Wilson)
	z2e := zScore(level) * zScore(level) * extra
	c.Interval = Interval{
		Low:    c.Diff - math.Sqrt((p1-w1.Low)*(p1-w1.Low)+(w2.High-p2)*(w2.High-p2)+z2e),
		High:   c.Diff + math.Sqrt((w1.High-p1)*(w1.High-p1)+(p2-w2.Low)*(p2-w2.Low)+z2e),
		Method: Wilson, Level: level,
	}
	pool := float64(x1+x2) / float64(n1+n2)
	c.P = pValue(c.Diff, math.Sqrt(pool*(1-pool)*(1/float64(n1)+1/float64(n2))+extra))
	c.Label = label(c.Diff, c.P, level)
	return c
}

// indexVariance is the variance of the index estimate in points².
func indexVariance(p, d, n int64) float64 {
	fp, fd := float64(p)/float64(n), float64(d)/float64(n)
	return 1e4 * (fp + fd - (fp-fd)*(fp-fd)) / float64(n)
}

// CompareIndex compares the recommendation index of one sample
// (promoters p1, detractors d1, answers n1) with another's. The
// difference's standard error is √(var₁ + var₂) with var = (p + d −
// (p − d)²)/n for each index; the interval and the p-value are the Wald
// ones.
func CompareIndex(p1, d1, n1, p2, d2, n2 int64, level float64) Comparison {
	return compareIndex(p1, d1, n1, p2, d2, n2, level, 0)
}

// compareIndex is CompareIndex with extra variance of the difference, in
// points², added (see compareShares).
func compareIndex(p1, d1, n1, p2, d2, n2 int64, level, extra float64) Comparison {
	c := Comparison{Kind: Index, P: math.NaN(), Estimate: math.NaN(), Reference: math.NaN(), Diff: math.NaN()}
	if n1 <= 0 || n2 <= 0 {
		return c
	}
	c.Estimate = 100 * float64(p1-d1) / float64(n1)
	c.Reference = 100 * float64(p2-d2) / float64(n2)
	c.Diff = c.Estimate - c.Reference
	se := math.Sqrt(indexVariance(p1, d1, n1) + indexVariance(p2, d2, n2) + extra)
	half := zScore(level) * se
	c.Interval = Interval{Low: c.Diff - half, High: c.Diff + half, Method: Wald, Level: level}
	c.P = pValue(c.Diff, se)
	c.Label = label(c.Diff, c.P, level)
	return c
}

// CompareGroups compares the headline figure of item (the index, the
// agreement share or the yes share) in group a with that in group b, two
// groups of disjoint responses (SMS and kiosk answers, say), as
// [CompareIndex] and [CompareShares] do. For protected groups the counts
// are the protected ones and the variance of the perturbation is added;
// ok is false when either figure is hidden or has no value.
func CompareGroups(a, b Group, item string, s catalogue.Scale, level float64) (c Comparison, ok bool) {
	x, vx, okA := headline(item, a.Items[item], a.Perturbation[item], s, a.Protection)
	y, vy, okB := headline(item, b.Items[item], b.Perturbation[item], s, b.Protection)
	if !okA || !okB {
		return Comparison{}, false
	}
	level = Options{Level: level}.level()
	if x.Kind == Index {
		c = compareIndex(x.Positive, x.Negative, x.N, y.Positive, y.Negative, y.N, level, vx+vy)
	} else {
		c = compareShares(x.Positive, x.N, y.Positive, y.N, level, vx+vy)
		c.Kind = x.Kind
	}
	c.Key, c.Item = a.Key, item
	return c, true
}

// BenchmarkShare compares the share x/n with a fixed benchmark share b.
// The p-value is the score test's, z = (x/n − b)/√(b(1 − b)/n); the
// interval of the difference is the Wilson interval shifted by b.
func BenchmarkShare(x, n int64, b, level float64) Comparison {
	c := Comparison{Kind: Agreement, P: math.NaN(), Estimate: math.NaN(), Reference: b, Diff: math.NaN()}
	if n <= 0 {
		return c
	}
	p := float64(x) / float64(n)
	c.Estimate, c.Diff = p, p-b
	w := ShareInterval(x, n, level, Wilson)
	c.Interval = Interval{Low: w.Low - b, High: w.High - b, Method: Wilson, Level: level}
	c.P = pValue(c.Diff, math.Sqrt(b*(1-b)/float64(n)))
	c.Label = label(c.Diff, c.P, level)
	return c
}

// BenchmarkIndex compares an index (promoters p, detractors d of n) with
// a fixed benchmark in points: z = (index − b)/se with the Wald standard
// error; the interval of the difference is the adjusted Wald interval
// shifted by b.
func BenchmarkIndex(p, d, n int64, b, level float64) Comparison {
	c := Comparison{Kind: Index, P: math.NaN(), Estimate: math.NaN(), Reference: b, Diff: math.NaN()}
	if n <= 0 {
		return c
	}
	c.Estimate = 100 * float64(p-d) / float64(n)
	c.Diff = c.Estimate - b
	iv := IndexInterval(p, d, n, level, AdjustedWald)
	c.Interval = Interval{Low: iv.Low - b, High: iv.High - b, Method: AdjustedWald, Level: level}
	c.P = pValue(c.Diff, math.Sqrt(indexVariance(p, d, n)))
	c.Label = label(c.Diff, c.P, level)
	return c
}

// Adjustment is a multiple-comparison correction of p-values.
type Adjustment uint8

// Adjustments. The zero value adjusts nothing.
const (
	NoAdjustment Adjustment = iota
	// Holm controls the family-wise error rate (Holm 1979).
	Holm
	// BenjaminiHochberg controls the false discovery rate (1995).
	BenjaminiHochberg
)

// Adjust returns the p-values adjusted for multiple comparisons by a
// (NaN values are left out of the family and returned as NaN).
func Adjust(p []float64, a Adjustment) []float64 {
	out := slices.Clone(p)
	var idx []int
	for i, v := range p {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	m := len(idx)
	if a == NoAdjustment || m == 0 {
		return out
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case p[i] < p[j]:
			return -1
		case p[i] > p[j]:
			return 1
		}
		return 0
	})
	switch a {
	case Holm:
		running := 0.0
		for rank, i := range idx {
			running = math.Max(running, math.Min(1, float64(m-rank)*p[i]))
			out[i] = running
		}
	case BenjaminiHochberg:
		running := 1.0
		for rank := m - 1; rank >= 0; rank-- {
			i := idx[rank]
			running = math.Min(running, math.Min(1, float64(m)*p[i]/float64(rank+1)))
			out[i] = running
		}
	}
	return out
}

// CompareOptions configures peer comparisons. The zero value uses 95 %
// and no multiple-comparison adjustment.
type CompareOptions struct {
	Level  float64    // 0 means 0.95
	Adjust Adjustment // correction across the groups compared, per item
}

// ComparePeers compares every group with the rest of its peer group: the
// groups whose keys differ only in dimension within (typically ByUnit, so
// peers share service, period and the other grouping dimensions). The
// rest is the sum of the peers' counts, never an average of their
// figures. Items with a recommendation scale are compared by index, agree
// and yes/no items by share. With an adjustment, p-values are corrected
// per item and kind across all groups compared, and labels follow the
// corrected p-values.
//
// Groups of protected tallies are compared on their protected counts,
// with the variance of the perturbation added; a group whose figure is
// hidden, or whose rest has too few certain answers, is not compared, so
// hidden groups are outside the family of the adjustment.
func ComparePeers(groups []Group, within Dimension, scales Scales, o CompareOptions) []Comparison {
	level := Options{Level: o.Level}.level()
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
				restPert.Certain[v] -= ownPert.Certain[v]
				restPert.Variance[v] -= ownPert.Variance[v]
			}
			a, va, okA := headline(item, own, ownPert, sc, g.Protection)
			b, vb, okB := headline(item, rest, restPert, sc, g.Protection)
			if !okA || !okB {
				continue
			}
			var c Comparison
			if a.Kind == Index {
				c = compareIndex(a.Positive, a.Negative, a.N, b.Positive, b.Negative, b.N, level, va+vb)
			} else {
				c = compareShares(a.Positive, a.N, b.Positive, b.N, level, va+vb)
				c.Kind = a.Kind
			}
			c.Key, c.Item = g.Key, item
			out = append(out, c)
		}
	}
	if o.Adjust != NoAdjustment {
		families := map[[2]string][]int{}
		for i, c := range out {
			f := [2]string{c.Item, c.Kind.String()}
			families[f] = append(families[f], i)
		}
		for _, idx := range families {
			ps := make([]float64, len(idx))
			for j, i := range idx {
				ps[j] = out[i].P
			}
			for j, adj := range Adjust(ps, o.Adjust) {
				out[idx[j]].P = adj
				out[idx[j]].Label = label(out[idx[j]].Diff, adj, level)
			}
		}
	}
	return out
}
