// Command perf measures the end-to-end path on a canonical CSV file:
// reading, validating and tallying by unit in parallel, then computing
// the indicators with intervals of every unit for every item. It prints
// the wall time, throughput and peak resident memory (RSS).
//
//	go run ./internal/cmd/synthcsv -n 10000000 -units 600 > /tmp/feedback.csv
//	go build -o /tmp/perf ./internal/cmd/perf && /tmp/perf /tmp/feedback.csv
//
// With -cpuprofile FILE it writes a CPU profile for go tool pprof.
//
// Run it once per measurement (peak RSS is per process); compare.sh runs
// it several times beside DuckDB and prints medians.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

func main() {
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "parsing workers")
	skipDup := flag.Bool("skip-dup", false, "skip the duplicate-ID check")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: perf [-workers N] [-skip-dup] FILE.csv")
		os.Exit(2)
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(pf)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	d := survey.NewCSVDecoder(f)
	d.SkipDuplicateCheck, d.Workers = *skipDup, *workers
	t, err := scoring.ReadTallies(context.Background(), d, scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cat := catalogue.Default()
	results, err := scoring.Score(t, cat, scoring.CatalogueScales(cat), scoring.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wall := time.Since(start)
	// A check figure to compare with other tools: the index over all units.
	total := t.Regroup()
	all, _ := scoring.Score(total, cat, scoring.CatalogueScales(cat), scoring.Options{})
	index, _ := all[0].Indicator("recommend", scoring.Index)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s := d.Summary()
	mb := float64(st.Size()) / 1e6
	fmt.Printf("file %s: %.0f MB, %d rows (%d accepted, %d rejected)\n", flag.Arg(0), mb, s.Rows, s.Accepted, s.Rejected)
	fmt.Printf("groups %d, indicators %d, overall index %.4f (n %d), %.2f allocations per row\n", len(results), len(results)*15, index.Estimate, index.N, float64(ms.Mallocs)/float64(max(s.Rows, 1)))
	used := fmt.Sprint(*workers)
	if !*skipDup {
		used += ", duplicate-ID check on"
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("cpu %.3f s (%.0f ns a row), wall %.3f s, %.1f M rows/s, %.0f MB/s, peak RSS %.0f MB, workers %s\n",
		cpu.Seconds(), float64(cpu.Nanoseconds())/float64(max(s.Rows, 1)), wall.Seconds(), float64(s.Rows)/wall.Seconds()/1e6, mb/wall.Seconds(), float64(ru.Maxrss)/1024, used)
}
