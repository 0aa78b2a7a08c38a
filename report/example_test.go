package report_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

// ExampleReadNames reads the names a county's organisation data gives its
// units, for Options.Names.
func ExampleReadNames() {
	names, err := report.ReadNames(strings.NewReader("code,name\nu001,Vaasa terveysasema\nu002,\"Pietarsaari, hammashoitola\"\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(names["u001"])
	fmt.Println(names["u002"])
	// Output:
	// Vaasa terveysasema
	// Pietarsaari, hammashoitola
}

// monthly returns protected tallies by unit and month of three health
// stations: the counts a county's portal would publish from.
func monthly() *scoring.Tallies {
	adult := catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}
	t := scoring.NewTallies(scoring.ProtectedBase())
	for u, unit := range []string{"north", "south", "west"} {
		for i := range 60 {
			at := time.Date(2025, time.Month(1+i%3), 1+i%28, 10, 0, 0, 0, time.UTC)
			t.Add(survey.Response{ID: fmt.Sprint(unit, i), Instrument: adult, Unit: unit, Submitted: at, Channel: survey.ChannelSMS,
				Answers: survey.Answers{{Item: "recommend", Value: 10 - (i*(u+1))%9}, {Item: "access", Value: 5 - (i+u)%4}}})
		}
	}
	// The county's secret (head -c 32 /dev/urandom), the same for every
	// publication; March is closed, so it is published too.
	protected, err := scoring.Protect(t, nil, scoring.Protection{Secret: []byte("kept by the county, never published"),
		Through: scoring.Date{Year: 2025, Month: 3, Day: 31}})
	if err != nil {
		panic(err)
	}
	return protected
}

// Build turns protected tallies into a table: a row per unit and a total,
// each unit compared with the other units combined.
func ExampleBuild() {
	tbl, err := report.Build(monthly().WithoutPeriods(), report.Options{Lang: i18n.English,
		By: []scoring.Dimension{scoring.ByUnit}, CompareWithin: scoring.ByUnit, Adjust: stat.Holm})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range tbl.Rows {
		index := row.Cells[0].Indicator
		line := fmt.Sprintf("%-5s n %d, index %.1f", row.Labels[0], index.N, index.Estimate)
		if c := row.Cells[0].Comparison; c != nil {
			line += fmt.Sprintf("; against the others: %s (%s p %.2g)", c.Label, c.Test, c.P)
		}
		fmt.Println(line)
	}
	// Output:
	// north n 60, index -30.0; against the others: no-difference (pooled-z p 0.41)
	// south n 60, index -31.7; against the others: no-difference (pooled-z p 0.41)
	// west  n 60, index 0.0; against the others: no-difference (pooled-z p 0.058)
	// All   n 180, index -20.6
}

// UnitReport is what a supervisor goes through with staff: the unit
// against its peers, strongest and weakest statements, the trend, comments
// and discussion questions.
func ExampleUnitReport() {
	doc, err := report.UnitReport(report.UnitInput{Monthly: monthly(), Unit: "west",
		Comments: []report.Comment{
			{Submitted: time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC), Text: "Call me on 040 123 4567."},
			{Submitted: time.Date(2025, 2, 3, 14, 0, 0, 0, time.UTC), Text: "Friendly staff."},
		}}, report.Options{Lang: i18n.English})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Title)
	for _, b := range doc.Blocks {
		if b.Heading != "" {
			fmt.Println("-", b.Heading)
		}
		for _, q := range b.Quotes {
			fmt.Println("  >", q)
		}
	}
	// Output:
	// Unit customer feedback: west
	// - Distribution of answers by statement
	// - Recommendation index by month
	// - Latest open comments
	//   > March 2025: Call me on [PHONE].
	//   > February 2025: Friendly staff.
	// - Questions for discussion
}

// Widget gives a county website the index of one unit over a rolling
// window of months, or only "suppressed" for a unit with too few answers.
func ExampleWidget() {
	rolling, err := monthly().Aggregate(scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit},
		Period: scoring.Rolling, Window: 3, End: scoring.Date{Year: 2025, Month: 3, Day: 31}})
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := report.Widget(rolling, "north", report.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s: n %d, index %.1f (%.1f … %.1f, %s)\n", w.Unit, w.Window, *w.N, *w.Index, *w.Low, *w.High, w.Method)
	// Output:
	// north 2025-01-01/2025-03-31: n 60, index -30.0 (-48.8 … -8.3, adjusted-wald)
}
