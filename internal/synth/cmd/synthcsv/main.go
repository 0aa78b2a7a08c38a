// Command synthcsv writes deterministic synthetic feedback as canonical
// CSV (see package synth), for demos, examples and benchmarks:
//
//	go run ./internal/synth/cmd/synthcsv -n 10000000 -units 600 > feedback.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/survey"
)

func main() {
	n := flag.Int("n", 10_000, "number of responses")
	units := flag.Int("units", 24, "number of units")
	seed := flag.Uint64("seed", 1, "random seed")
	days := flag.Int("days", 365, "days covered, from 2025-01-01")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := survey.NewCSVEncoder(w)
	for r := range synth.Responses(synth.Config{Responses: *n, Units: *units, Seed: *seed, Days: *days}) {
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, "synthcsv:", err)
			os.Exit(1)
		}
	}
	err := enc.Flush()
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "synthcsv:", err)
		os.Exit(1)
	}
}
