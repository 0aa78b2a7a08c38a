package scoring

import (
	"math"
	"slices"
)

// FunnelLimits are the control limits of a funnel plot at one sample
// size: 95 % (about 2 standard errors) and 99.8 % (about 3).
type FunnelLimits struct {
	N       int64   `json:"n"`
	Low95   float64 `json:"low95"`
	High95  float64 `json:"high95"`
	Low998  float64 `json:"low998"`
	High998 float64 `json:"high998"`
}

func funnel(target, variance float64, ns []int64, phi, lo, hi float64) []FunnelLimits {
	if phi < 1 || math.IsNaN(phi) {
		phi = 1
	}
	z95, z998 := zScore(0.95), zScore(0.998)
	out := make([]FunnelLimits, 0, len(ns))
	for _, n := range ns {
		if n <= 0 {
			continue
		}
		se := math.Sqrt(phi * variance / float64(n))
		out = append(out, FunnelLimits{N: n,
			Low95: clamp(target-z95*se, lo, hi), High95: clamp(target+z95*se, lo, hi),
			Low998: clamp(target-z998*se, lo, hi), High998: clamp(target+z998*se, lo, hi)})
	}
	return out
}

// ShareFunnel returns funnel-plot limits around a target share θ for the
// given sample sizes: θ ± z·√(φ·θ(1 − θ)/n), clipped to [0, 1]. φ is the
// overdispersion factor ([Overdispersion]); values below 1 mean none.
func ShareFunnel(target float64, ns []int64, phi float64) []FunnelLimits {
	return funnel(target, target*(1-target), ns, phi, 0, 1)
}

// IndexFunnel returns funnel-plot limits around the recommendation index
// of a population with promoter share p0 and detractor share d0, in
// points: I₀ ± z·√(φ·10⁴(p0 + d0 − (p0 − d0)²)/n), clipped to [−100, 100].
func IndexFunnel(p0, d0 float64, ns []int64, phi float64) []FunnelLimits {
	return funnel(100*(p0-d0), 1e4*(p0+d0-(p0-d0)*(p0-d0)), ns, phi, -100, 100)
}

// ShareZ returns the z-score of a share x/n against a target θ:
// (x/n − θ)/√(θ(1 − θ)/n).
func ShareZ(x, n int64, target float64) float64 {
	return (float64(x)/float64(n) - target) / math.Sqrt(target*(1-target)/float64(n))
}

// IndexZ returns the z-score of an index (promoters p, detractors d of n)
// against a population with promoter and detractor shares p0 and d0.
func IndexZ(p, d, n int64, p0, d0 float64) float64 {
	v := 1e4 * (p0 + d0 - (p0-d0)*(p0-d0)) / float64(n)
	return (100*float64(p-d)/float64(n) - 100*(p0-d0)) / math.Sqrt(v)
}

// Overdispersion estimates the multiplicative overdispersion factor φ
// from the groups' z-scores (Spiegelhalter 2005): the z-scores are
// Winsorized at their 10th and 90th percentiles (the lowest and highest
// tenth replaced by the values there), and φ is their mean square. φ near
// 1 means the groups vary no more than chance; a larger φ widens the
// funnel by √φ. NaN scores are ignored; fewer than two give NaN.
func Overdispersion(z []float64) float64 {
	zs := slices.DeleteFunc(slices.Clone(z), math.IsNaN)
	k := len(zs)
	if k < 2 {
		return math.NaN()
	}
	slices.Sort(zs)
	lo, hi := zs[int(math.Floor(0.1*float64(k)))], zs[int(math.Ceil(0.9*float64(k)))-1]
	var sum float64
	for _, v := range zs {
		v = clamp(v, lo, hi)
		sum += v * v
	}
	return sum / float64(k)
}

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

// ShareReliability estimates the reliability of groups' shares x[i]/n[i].
// Sampling variances use the pooled share, p̄(1 − p̄)/n, so that groups at
// 0 % or 100 % do not get zero variance. Groups with n = 0 are left out
// (reliability NaN); fewer than two groups, or a pooled share of 0 or 1,
// give Tau2 NaN.
func ShareReliability(x, n []int64) Reliability {
	var sx, sn int64
	for i := range n {
		if n[i] > 0 {
			sx, sn = sx+x[i], sn+n[i]
		}
	}
	p := float64(sx) / float64(sn)
	return groupReliability(n, func(i int) (float64, float64) {
		return float64(x[i]) / float64(n[i]), p * (1 - p) / float64(n[i])
	})
}

// IndexReliability estimates the reliability of groups' recommendation
// indexes (promoters p[i], detractors d[i] of n[i]), with sampling
// variances from the pooled promoter and detractor shares.
func IndexReliability(p, d, n []int64) Reliability {
	var sp, sd, sn int64
	for i := range n {
		if n[i] > 0 {
			sp, sd, sn = sp+p[i], sd+d[i], sn+n[i]
		}
	}
	return groupReliability(n, func(i int) (float64, float64) {
		return 100 * float64(p[i]-d[i]) / float64(n[i]), indexVariance(sp, sd, sn) * float64(sn) / float64(n[i])
	})
}

func groupReliability(n []int64, estimate func(int) (y, v float64)) Reliability {
	var y, v []float64
	var idx []int
	for i := range n {
		if n[i] <= 0 {
			continue
		}
		yi, vi := estimate(i)
		y, v, idx = append(y, yi), append(v, vi), append(idx, i)
	}
	out := Reliability{Tau2: math.NaN(), Mean: math.NaN(), PerGroup: make([]float64, len(n))}
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
