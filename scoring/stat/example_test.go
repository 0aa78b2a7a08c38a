package stat_test

import (
	"fmt"

	"github.com/palaute/palaute/scoring/stat"
)

// A unit of five whose answers were all 10, against a county of 1 000.
// With five answers the exact conditional test decides: the unit is not
// shown to differ (the figures agree with scipy; see testdata/compare.py).
func ExampleCompareIndex() {
	unit := stat.IndexCounts{Promoters: 5}
	county := stat.IndexCounts{Promoters: 600, Passives: 250, Detractors: 150}
	d := stat.CompareIndex(unit, county, stat.TestOptions{})
	fmt.Printf("%.0f vs %.0f: difference %+.0f points (95 %% %.1f … %.1f), %s p = %.3f\n",
		d.Estimate, d.Reference, d.Diff, d.Interval.Low, d.Interval.High, d.Test, d.P)
	// Output:
	// 100 vs 45: difference +55 points (95 % -27.6 … 62.9), exact-conditional p = 0.136
}

// The share of agreeing answers with its Wilson interval.
func ExampleShareInterval() {
	iv := stat.ShareInterval(stat.ShareCounts{Positive: 9, N: 10}, 0.95, stat.Wilson)
	fmt.Printf("90 %%: %.3f … %.3f (%s)\n", iv.Low, iv.High, iv.Method)
	// Output:
	// 90 %: 0.596 … 0.982 (wilson)
}

// Adjusting the p-values of one family of comparisons (the units compared
// in one month) for multiple comparisons.
func ExampleAdjust() {
	p := []float64{0.01, 0.04, 0.03, 0.2}
	fmt.Printf("Holm: %.2f\n", stat.Adjust(p, stat.Holm))
	fmt.Printf("Benjamini–Hochberg: %.3f\n", stat.Adjust(p, stat.BenjaminiHochberg))
	// Output:
	// Holm: [0.04 0.09 0.09 0.20]
	// Benjamini–Hochberg: [0.040 0.053 0.053 0.200]
}

// Two-sided p-values far in the tail keep their precision.
func ExampleTwoSidedP() {
	fmt.Printf("%.4g %.4g\n", stat.TwoSidedP(1.959963984540054), stat.TwoSidedP(15))
	// Output:
	// 0.05 7.342e-51
}
