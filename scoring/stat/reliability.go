package stat

import (
	"math"
	"slices"
)

// Reliability says how well groups can be told apart with their sample
// sizes: Tau2 is the estimated variance of the true figures between groups
// (DerSimonian–Laird), and each group's reliability is τ²/(τ² + v), where
// v is the sampling variance of its figure. Reliability near 0 means the
// differences between the groups are mostly noise; near 1, real.
type Reliability struct {
	Tau2     float64   `json:"tau2"`
	Mean     float64   `json:"mean"`     // mean of the groups' reliabilities
	PerGroup []float64 `json:"perGroup"` // in the order given
}

// reliability runs DerSimonian–Laird on estimates y with sampling
// variances v.
func reliability(y, v []float64) Reliability {
	var sw, sw2, swy float64
	for i := range y {
		w := 1 / v[i]
		sw, sw2, swy = sw+w, sw2+w*w, swy+w*y[i]
	}
	mean := swy / sw
	var q float64
	for i := range y {
		q += (y[i] - mean) * (y[i] - mean) / v[i]
	}
	tau2 := math.Max(0, (q-float64(len(y)-1))/(sw-sw2/sw))
	r := Reliability{Tau2: tau2, PerGroup: make([]float64, len(y))}
	for i := range y {
		r.PerGroup[i] = tau2 / (tau2 + v[i])
		r.Mean += r.PerGroup[i] / float64(len(y))
	}
	return r
}

// ShareReliability estimates the reliability of groups' shares. Sampling
// variances use the pooled share, p̄(1 − p̄)/n, so that groups at 0 % or
// 100 % do not get zero variance. Groups without valid counts are left
// out (reliability NaN); fewer than two groups, or a pooled share of 0 or
// 1, give Tau2 NaN.
func ShareReliability(groups []ShareCounts) Reliability {
	var pooled ShareCounts
	for _, g := range groups {
		if g.Valid() {
			pooled.Positive, pooled.N = pooled.Positive+g.Positive, pooled.N+g.N
		}
	}
	p := pooled.Share()
	return groupReliability(len(groups), func(i int) (float64, float64, bool) {
		g := groups[i]
		return g.Share(), p * (1 - p) / float64(g.N), g.Valid()
	})
}

// IndexReliability estimates the reliability of groups' recommendation
// indexes, with sampling variances from the pooled promoter and detractor
// shares.
func IndexReliability(groups []IndexCounts) Reliability {
	var pooled IndexCounts
	for _, g := range groups {
		if g.Valid() {
			pooled = pooled.Add(g)
		}
	}
	p, d := pooled.shares()
	return groupReliability(len(groups), func(i int) (float64, float64, bool) {
		g := groups[i]
		return g.Index(), indexVariance(p, d) / float64(g.N()), g.Valid()
	})
}

func groupReliability(k int, estimate func(int) (y, v float64, ok bool)) Reliability {
	var y, v []float64
	var idx []int
	for i := range k {
		yi, vi, ok := estimate(i)
		if !ok {
			continue
		}
		y, v, idx = append(y, yi), append(v, vi), append(idx, i)
	}
	out := Reliability{Tau2: math.NaN(), Mean: math.NaN(), PerGroup: make([]float64, k)}
	for i := range out.PerGroup {
		out.PerGroup[i] = math.NaN()
	}
	if len(y) < 2 || slices.ContainsFunc(v, func(x float64) bool { return !(x > 0) }) {
		return out
	}
	r := reliability(y, v)
	out.Tau2, out.Mean = r.Tau2, r.Mean
	for j, i := range idx {
		out.PerGroup[i] = r.PerGroup[j]
	}
	return out
}
