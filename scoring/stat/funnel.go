package stat

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
	z95, z998 := ZCritical(0.95), ZCritical(0.998)
	out := make([]FunnelLimits, 0, len(ns))
	for _, n := range ns {
		if n <= 0 {
			continue
		}
		se := math.Sqrt(phi * variance / float64(n))
		out = append(out, FunnelLimits{N: n,
			Low95: Clamp(target-z95*se, lo, hi), High95: Clamp(target+z95*se, lo, hi),
			Low998: Clamp(target-z998*se, lo, hi), High998: Clamp(target+z998*se, lo, hi)})
	}
	return out
}

// ShareFunnel returns funnel-plot limits around a target share θ for the
// given sample sizes: θ ± z·√(φ·θ(1 − θ)/n), clipped to [0, 1]. φ is the
// overdispersion factor ([Overdispersion]); values below 1 mean none.
// Sizes of 0 or less are skipped.
func ShareFunnel(theta float64, ns []int64, phi float64) []FunnelLimits {
	return funnel(theta, theta*(1-theta), ns, phi, 0, 1)
}

// IndexFunnel returns funnel-plot limits around the recommendation index
// of a population with promoter share p0 and detractor share d0, in
// points: I₀ ± z·√(φ·10⁴(p0 + d0 − (p0 − d0)²)/n), clipped to [−100, 100].
func IndexFunnel(p0, d0 float64, ns []int64, phi float64) []FunnelLimits {
	return funnel(100*(p0-d0), indexVariance(p0, d0), ns, phi, -100, 100)
}

// Overdispersion estimates the multiplicative overdispersion factor φ
// from the groups' z scores ([ShareZ], [IndexZ]; Spiegelhalter 2005): the
// z scores are Winsorized at their 10th and 90th percentiles (the lowest
// and highest tenth replaced by the values there), and φ is their mean
// square. φ near 1 means the groups vary no more than chance; a larger φ
// widens the funnel by √φ. NaN scores are ignored; fewer than two give
// NaN.
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
		v = Clamp(v, lo, hi)
		sum += v * v
	}
	return sum / float64(k)
}
