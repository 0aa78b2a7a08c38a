package stat

import (
	"math"
	"testing"
)

// TestExactTestSize attacks the promise that the exact conditional test
// never rejects a true null more often than its level: for small groups
// drawn from the same population (several mixes, extreme ones included),
// it sums the probability of every pair of outcomes the test rejects at
// 5 %. The unpooled Wald test used before is measured too: it called a
// unit of five promoters different with p = 0, and its size shows it.
func TestExactTestSize(t *testing.T) {
	outcomes := func(n int64, p, d float64) (cs []IndexCounts, probs []float64) {
		for xp := int64(0); xp <= n; xp++ {
			for xd := int64(0); xd <= n-xp; xd++ {
				c := IndexCounts{Promoters: xp, Passives: n - xp - xd, Detractors: xd}
				lp := logChoose(n, xp) + logChoose(n-xp, xd) + float64(xp)*math.Log(p) + float64(xd)*math.Log(d) + float64(n-xp-xd)*math.Log(1-p-d)
				cs, probs = append(cs, c), append(probs, math.Exp(lp))
			}
		}
		return cs, probs
	}
	wald := func(a, b IndexCounts) float64 {
		se := math.Sqrt(a.Variance() + b.Variance())
		return zP(a.Index()-b.Index(), se)
	}
	for _, mix := range [][2]float64{{0.6, 0.15}, {0.85, 0.05}, {0.3, 0.3}, {0.95, 0.02}} {
		for _, sizes := range [][2]int64{{1, 12}, {5, 20}, {8, 8}, {12, 25}} {
			as, pa := outcomes(sizes[0], mix[0], mix[1])
			bs, pb := outcomes(sizes[1], mix[0], mix[1])
			var exact, unpooled float64
			for i, a := range as {
				for j, b := range bs {
					if CompareIndex(a, b, TestOptions{}).P < 0.05 {
						exact += pa[i] * pb[j]
					}
					if wald(a, b) < 0.05 {
						unpooled += pa[i] * pb[j]
					}
				}
			}
			if exact > 0.05+1e-12 {
				t.Errorf("mix %v, sizes %v: the exact test rejects a true null with probability %.4f > 0.05", mix, sizes, exact)
			}
			t.Logf("mix %v, sizes %v: size of the exact test %.4f, of the unpooled Wald test %.4f", mix, sizes, exact, unpooled)
		}
	}
}
