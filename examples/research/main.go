// Command research computes indicators the way a researcher would in
// their own Go code, through the library's API alone. Run it on canonical
// CSV:
//
//	go run ./examples/research examples/testdata/feedback.csv
//
// It tallies the responses by unit and channel and asks three questions:
//
//  1. How do SMS and kiosk answers differ? (index by channel, and the
//     difference with its interval)
//  2. Can the units be told apart at all with their sample sizes?
//     (reliability: share of variance between units)
//  3. Do the units vary more than chance? (funnel-plot overdispersion)
package main

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
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
	// Read and validate; keep only accepted responses.
	tallies := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit, scoring.ByChannel}})
	dec := survey.NewCSVDecoder(in)
	for r, err := range dec.All() {
		if err != nil {
			continue // the summary counts what was rejected and why
		}
		if _, err := tallies.Add(r); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, dec.Summary())
	cat := catalogue.Default()
	scale, err := cat.Scale("recommend-0-10")
	if err != nil {
		return err
	}

	// 1. Index by channel, and SMS against kiosk.
	byChannel := map[survey.Channel]scoring.Indicator{}
	for _, g := range tallies.Regroup(scoring.ByChannel).Groups() {
		ind := scoring.IndexOf("recommend", g.Items["recommend"], g.NotAnswered("recommend"), scale, scoring.Options{})
		byChannel[g.Key.Channel] = ind
		fmt.Fprintf(out, "%-6s n %5d  index %6.1f  95%% %6.1f … %5.1f\n", g.Key.Channel, ind.N, ind.Estimate, ind.Interval.Low, ind.Interval.High)
	}
	sms, kiosk := byChannel[survey.ChannelSMS], byChannel[survey.ChannelKiosk]
	d := scoring.CompareIndex(sms.Positive, sms.Negative, sms.N, kiosk.Positive, kiosk.Negative, kiosk.N, 0.95)
	fmt.Fprintf(out, "SMS − kiosk: %+.1f points (95%% %+.1f … %+.1f), p = %.3g: %s\n", d.Diff, d.Interval.Low, d.Interval.High, d.P, d.Label)

	// 2. and 3. Units: reliability and overdispersion of the index.
	var p, det, n []int64
	var z []float64
	total := tallies.Regroup()
	all := scoring.IndexOf("recommend", total.Groups()[0].Items["recommend"], 0, scale, scoring.Options{})
	p0, d0 := float64(all.Positive)/float64(all.N), float64(all.Negative)/float64(all.N)
	for _, g := range tallies.Regroup(scoring.ByUnit).Groups() {
		ind := scoring.IndexOf("recommend", g.Items["recommend"], 0, scale, scoring.Options{})
		if !ind.Valid {
			continue
		}
		p, det, n = append(p, ind.Positive), append(det, ind.Negative), append(n, ind.N)
		z = append(z, scoring.IndexZ(ind.Positive, ind.Negative, ind.N, p0, d0))
	}
	rel := scoring.IndexReliability(p, det, n)
	fmt.Fprintf(out, "%d units: between-unit SD %.1f points, mean reliability %.2f\n", len(n), math.Sqrt(rel.Tau2), rel.Mean)
	phi := scoring.Overdispersion(z)
	fmt.Fprintf(out, "overdispersion φ = %.2f (1 means the units vary no more than chance)\n", phi)
	return nil
}
