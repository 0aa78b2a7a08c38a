// Command research computes indicators the way a researcher would in
// their own Go code, through the library's API alone. Run it on canonical
// CSV:
//
//	go run ./examples/research examples/testdata/feedback.csv
//
// It tallies the responses by unit and channel and asks three questions.
// This is analysis inside the organisation, on the raw counts: the
// answers by channel are a split the protected base of publications does
// not have (package scoring's disclosure control publishes by region,
// provider, unit and month only), so nothing it prints is for
// publication, and it says so:
//
//  1. How do SMS and kiosk answers differ? (index by channel, and the
//     difference with its interval)
//  2. Can the units be told apart at all with their sample sizes?
//     (reliability: share of variance between units)
//  3. Do the units vary more than chance? (funnel-plot overdispersion)
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: research FILE.csv")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	if err := run(f, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	// Read and validate (a file in parallel); the summary counts what was
	// rejected and why.
	dec := survey.NewCSVDecoder(in)
	raw, err := scoring.ReadTallies(context.Background(), dec, scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit, scoring.ByChannel}}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, dec.Summary())
	fmt.Fprintln(out, "internal analysis of raw counts: not protected, not for publication")
	cat := catalogue.Default()
	scales := scoring.CatalogueScales(cat)
	tallies := raw
	scale, err := cat.Scale("recommend-0-10")
	if err != nil {
		return err
	}

	// 1. Index by channel, and SMS against kiosk.
	byChannel := map[survey.Channel]scoring.Group{}
	for _, g := range tallies.Regroup(scoring.ByChannel).Groups() {
		byChannel[g.Key.Channel] = g
	}
	channels, err := scoring.Score(tallies.Regroup(scoring.ByChannel), cat, scales, scoring.Options{})
	if err != nil {
		return err
	}
	for _, r := range channels {
		ind, _ := r.Indicator("recommend", scoring.Index)
		fmt.Fprintf(out, "%-6s n %5d  index %6.1f  95%% %6.1f … %5.1f\n", r.Key.Channel, ind.N, ind.Estimate, ind.Interval.Low, ind.Interval.High)
	}
	if d, ok := scoring.CompareGroups(byChannel[survey.ChannelSMS], byChannel[survey.ChannelKiosk], "recommend", scale, scoring.CompareOptions{}); ok {
		p := fmt.Sprintf("p = %.3g", d.P)
		if d.P < 1e-300 { // below what a float64 holds with precision
			p = "p < 1e-300"
		}
		fmt.Fprintf(out, "SMS − kiosk: %+.1f points (95%% %+.1f … %+.1f), %s (%s): %s\n", d.Diff, d.Interval.Low, d.Interval.High, p, d.Test, d.Label)
	}

	// 2. and 3. Units: reliability and overdispersion of the index, over
	// the units whose index is published.
	var counts []stat.IndexCounts
	var z []float64
	total, err := scoring.Score(tallies.Regroup(), cat, scales, scoring.Options{})
	if err != nil {
		return err
	}
	all, _ := total[0].Indicator("recommend", scoring.Index)
	p0, d0 := float64(all.Positive)/float64(all.N), float64(all.Negative)/float64(all.N)
	units, err := scoring.Score(tallies.Regroup(scoring.ByUnit), cat, scales, scoring.Options{})
	if err != nil {
		return err
	}
	for _, r := range units {
		ind, _ := r.Indicator("recommend", scoring.Index)
		if !ind.Valid {
			continue
		}
		counts = append(counts, ind.IndexCounts())
		z = append(z, stat.IndexZ(ind.IndexCounts(), p0, d0))
	}
	rel := stat.IndexReliability(counts)
	fmt.Fprintf(out, "%d units: between-unit SD %.1f points, mean reliability %.2f\n", len(counts), math.Sqrt(rel.Tau2), rel.Mean)
	phi := stat.Overdispersion(z)
	fmt.Fprintf(out, "overdispersion φ = %.2f (1 means the units vary no more than chance)\n", phi)
	return nil
}
