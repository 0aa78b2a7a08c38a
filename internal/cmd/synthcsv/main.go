// Command synthcsv writes deterministic synthetic feedback as canonical
// CSV (see package synth), for demos, examples and benchmarks:
//
//	go run ./internal/cmd/synthcsv -n 10000000 -units 600 > feedback.csv
//
// With -names FILE it also writes the names of the regions, providers and
// units (code,name), as a county's organisation data would give them.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/internal/synth"
)

func main() {
	n := flag.Int("n", 10_000, "number of responses")
	units := flag.Int("units", 24, "number of units")
	small := flag.Int("small-units", 0, "small units added (1-4 responses in all or every 30 days)")
	seed := flag.Uint64("seed", 1, "random seed")
	days := flag.Int("days", 365, "days covered, from 2025-01-01")
	names := flag.String("names", "", "also write the names of regions, providers and units to this CSV file (code,name)")
	flag.Parse()
	if *names != "" {
		if err := writeNames(*names, synth.Names(synth.Config{Responses: *n, Units: *units, SmallUnits: *small, Seed: *seed, Days: *days})); err != nil {
			fmt.Fprintln(os.Stderr, "synthcsv:", err)
			os.Exit(1)
		}
	}
	if err := synth.WriteCSV(os.Stdout, synth.Config{Responses: *n, Units: *units, SmallUnits: *small, Seed: *seed, Days: *days}); err != nil {
		fmt.Fprintln(os.Stderr, "synthcsv:", err)
		os.Exit(1)
	}
}

// writeNames writes names as CSV with the header code,name, by code.
func writeNames(path string, names map[string]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"code", "name"})
	for _, code := range slices.Sorted(maps.Keys(names)) {
		w.Write([]string{code, names[code]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
