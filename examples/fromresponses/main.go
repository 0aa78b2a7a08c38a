// Command fromresponses is the README's "from responses to a report": it
// reads a CSV export, tallies it by the protected base (region, provider,
// unit and month), protects the tallies once with the county's secret
// (PALAUTE_SECRET), and prints each unit against the other units as a
// Markdown table.
package main

import (
	"context"
	"log"
	"os"
	_ "time/tzdata" // the zone of service dates, on machines without a zone database

	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

func main() {
	f, err := os.Open(os.Args[1]) // a CSV export, e.g. examples/testdata/feedback.csv
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	// Validate every row and tally the good ones, a file in parallel;
	// bad rows are reported with their line and never stop the rest.
	dec := survey.NewCSVDecoder(f)
	raw, err := scoring.ReadTallies(context.Background(), dec, scoring.ProtectedBase(), func(e *survey.RowError) { log.Print(e) })
	if err != nil {
		log.Fatal(err)
	}
	log.Print(dec.Summary())
	// Protect once, with the county's secret (at least 16 bytes, the same
	// for every publication: head -c 32 /dev/urandom > secret), closed
	// months only; every published figure is added up from these counts.
	protected, err := scoring.Protect(raw, nil, scoring.Protection{Secret: []byte(os.Getenv("PALAUTE_SECRET"))})
	if err != nil {
		log.Fatal(err)
	}
	table, err := report.Build(protected.WithoutPeriods(), report.Options{By: []scoring.Dimension{scoring.ByUnit},
		CompareWithin: scoring.ByUnit, Adjust: stat.Holm})
	if err != nil {
		log.Fatal(err)
	}
	if err := table.Markdown(os.Stdout); err != nil {
		log.Fatal(err)
	}
}
