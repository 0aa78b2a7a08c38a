package scoring_test

import (
	"context"
	"fmt"
	"strings"
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

// Counting validated responses: NewTallies with a grouping, then Add for
// each response. Tallies keep counts, never the responses.
func ExampleNewTallies() {
	adult := catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}
	at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	t := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Month})
	for i, v := range []int{10, 9, 7, 3, 10} {
		t.Add(survey.Response{ID: fmt.Sprint("r", i), Instrument: adult, Unit: "health-station", Submitted: at,
			Answers: survey.Answers{{Item: "recommend", Value: v}, {Item: "access", Value: 4}}})
	}
	for _, g := range t.Groups() {
		counts := g.Items["recommend"].Counts
		fmt.Printf("%s %s: %d responses, recommend %v\n", g.Key.Unit, g.Key.Period, g.Responses, counts[:11])
	}
	// Output:
	// health-station 2025-03: 5 responses, recommend [0 0 0 1 0 0 0 1 0 1 2]
}

// From a file to tallies: ReadTallies validates every row and tallies the
// accepted ones (a file in parallel); bad rows go to the callback with
// their line, and the rows around them are kept.
func ExampleReadTallies() {
	csv := "id,submitted,instrument,unit,channel,role,lang,recommend,access\n" +
		"r1,2025-03-14T09:30:00+02:00,thl-adult/2022,u1,sms,client,fi,10,5\n" +
		"r2,2025-03-14T10:00:00+02:00,thl-adult/2022,u1,sms,client,fi,11,4\n" +
		"r3,2025-03-15T12:00:00+02:00,thl-adult/2022,u1,kiosk,client,sv,6,\n"
	dec := survey.NewCSVDecoder(strings.NewReader(csv))
	t, err := scoring.ReadTallies(context.Background(), dec, scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}},
		func(e *survey.RowError) { fmt.Println(e) })
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dec.Summary())
	g, _ := t.Group(scoring.Key{Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}, Unit: "u1"})
	fmt.Println("responses tallied:", g.Responses)
	// Output:
	// survey: rejected: line 3, response "r2", item recommend: value outside the item's scale: given "11" (want 0–10)
	// read 3 rows: 2 accepted, 1 rejected (out-of-range 1)
	// responses tallied: 2
}

// Scoring every group: the index, agreement shares and means with their
// intervals, items in national order. A nil catalogue and nil scales mean
// the default catalogue.
func ExampleScore() {
	adult := catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}
	at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	// The zero Tallies groups by instrument version, over all time.
	var t scoring.Tallies
	// Answers to recommend and access.
	for i, v := range [][2]int{{10, 5}, {9, 4}, {9, 5}, {8, 4}, {2, 2}} {
		t.Add(survey.Response{ID: fmt.Sprint("r", i), Instrument: adult, Submitted: at,
			Answers: survey.Answers{{Item: "recommend", Value: v[0]}, {Item: "access", Value: v[1]}}})
	}
	results, err := scoring.Score(&t, nil, nil, scoring.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ind := range results[0].Indicators {
		fmt.Printf("%s %s: n %d, estimate %.3g\n", ind.Item, ind.Kind, ind.N, ind.Estimate)
	}
	// Output:
	// recommend recommendation-index: n 5, estimate 40
	// access agreement-share: n 5, estimate 0.8
	// access mean: n 5, estimate 4
}
