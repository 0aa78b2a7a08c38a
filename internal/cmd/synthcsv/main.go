// Command synthcsv writes deterministic synthetic feedback as canonical
// CSV (see package synth), for demos, examples and benchmarks:
//
//	go run ./internal/cmd/synthcsv -n 10000000 -units 600 > feedback.csv
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/palaute/palaute/internal/synth"
)

func main() {
	n := flag.Int("n", 10_000, "number of responses")
	units := flag.Int("units", 24, "number of units")
	small := flag.Int("small-units", 0, "small units added (1-4 responses in all or every 30 days)")
	seed := flag.Uint64("seed", 1, "random seed")
	days := flag.Int("days", 365, "days covered, from 2025-01-01")
	flag.Parse()
	if err := synth.WriteCSV(os.Stdout, synth.Config{Responses: *n, Units: *units, SmallUnits: *small, Seed: *seed, Days: *days}); err != nil {
		fmt.Fprintln(os.Stderr, "synthcsv:", err)
		os.Exit(1)
	}
}
