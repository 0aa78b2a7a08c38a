// Command fromresponses is the README's "from responses to a report": it
// reads a CSV export, tallies it by unit and channel, protects the tallies
// once, and prints each unit against the other units as a Markdown table.
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
	by := scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit, scoring.ByChannel}}
	raw, err := scoring.ReadTallies(context.Background(), dec, by, func(e *survey.RowError) { log.Print(e) })
	if err != nil {
		log.Fatal(err)
	}
	log.Print(dec.Summary())
	// Protect once; every published figure is added up from these counts.
	protected, err := scoring.Protect(raw, nil, scoring.Protection{Secret: []byte(os.Getenv("PALAUTE_SECRET"))})
	if err != nil {
		log.Fatal(err)
	}
	table, err := report.Build(protected, report.Options{By: []scoring.Dimension{scoring.ByUnit},
		CompareWithin: scoring.ByUnit, Adjust: stat.Holm})
	if err != nil {
		log.Fatal(err)
	}
	if err := table.Markdown(os.Stdout); err != nil {
		log.Fatal(err)
	}
}
