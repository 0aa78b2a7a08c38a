package scoring_test

import (
	"fmt"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

// The recommendation index of a unit with its 95 % interval.
func ExampleIndexOf() {
	scale, _ := catalogue.Default().Scale("recommend-0-10")
	var t scoring.Tally
	t.Counts[10], t.Counts[9] = 40, 28 // promoters
	t.Counts[8], t.Counts[7] = 12, 6   // passives
	t.Counts[5], t.Counts[2] = 9, 5    // detractors
	ind := scoring.IndexOf("recommend", t, 0, scale, scoring.Options{})
	fmt.Printf("n %d: %d promoters, %d passives, %d detractors\n", ind.N, ind.Positive, ind.Neutral, ind.Negative)
	fmt.Printf("index %s (95 %% %s: %s … %s)\n",
		i18n.FormatDecimal(i18n.Finnish, ind.Estimate, 0), ind.Interval.Method,
		i18n.FormatDecimal(i18n.Finnish, ind.Interval.Low, 1), i18n.FormatDecimal(i18n.Finnish, ind.Interval.High, 1))
	// Output:
	// n 100: 68 promoters, 18 passives, 14 detractors
	// index 54 (95 % adjusted-wald: 38,3 … 66,6)
}

// Comparing each unit with the rest of its peer group, with Holm's
// correction across units. (The figures were checked with statsmodels.)
func ExampleComparePeers() {
	at := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	adult := catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}
	tallies := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}})
	add := func(unit string, value, n int) {
		for i := 0; i < n; i++ {
			tallies.Add(survey.Response{Instrument: adult, Unit: unit, Submitted: at, Answers: survey.Answers{{Item: "recommend", Value: value}}})
		}
	}
	add("health-station-a", 10, 160)
	add("health-station-a", 3, 40)
	add("health-station-b", 10, 70)
	add("health-station-b", 8, 10)
	add("health-station-b", 3, 20)
	add("health-station-c", 10, 20)
	add("health-station-c", 3, 30)
	cmp := scoring.ComparePeers(tallies.Groups(), scoring.ByUnit, scoring.CatalogueScales(catalogue.Default()),
		scoring.CompareOptions{Adjust: stat.Holm})
	for _, c := range cmp {
		fmt.Printf("%s: %.0f vs %.0f, diff %+.1f (%.1f … %.1f), %s p %.2g (Holm, %d compared): %s\n",
			c.Key.Unit, c.Estimate, c.Reference, c.Diff, c.Interval.Low, c.Interval.High, c.Test, c.P, c.Family, c.Label)
	}
	// Output:
	// health-station-a: 60 vs 27, diff +33.3 (14.6 … 51.3), pooled-z p 0.00082 (Holm, 3 compared): better
	// health-station-b: 50 vs 44, diff +6.0 (-14.1 … 24.2), pooled-z p 0.56 (Holm, 3 compared): no-difference
	// health-station-c: -20 vs 57, diff -76.7 (-102.6 … -47.4), pooled-z p 2.7e-08 (Holm, 3 compared): worse
}
