// Command indicators scores customer feedback and prints a report: the
// program for researchers and analysts.
//
//	go run ./examples/indicators -demo
//
// scores a built-in, deterministic synthetic data set (from the module's
// internal generator) and prints a Finnish Markdown report comparing each
// unit with the rest. Otherwise it
// reads canonical CSV or NDJSON from a file, or from standard input with
// "-":
//
//	go run ./examples/indicators -by unit -period month -format csv feedback.csv
//
// Everything it prints is published through one protected base
// (package scoring's disclosure control): the responses are tallied by
// the base's dimensions and periods (-base, -base-period), the base is
// protected once (small cells perturbed, see -exact-from and -noise), and
// every table is added up from the protected base. Use the same base and
// secret for everything published from the same data.
//
// Flags:
//
//	-by           comma list of dimensions shown, from the base's (default unit)
//	-period       all time (default), day, week, month, quarter, year, or
//	              rollingN: a window of N base periods ending on -at
//	-at           last day (YYYY-MM-DD) of the rolling window: the end of a base period
//	-lang         fi, sv or en
//	-format       md, csv, json or html
//	-compare      compare each group with the rest of its peers (those differing
//	              only in the first -by dimension), Holm-corrected
//	-standardize  comma list of strata (channel, role, lang) to standardize to;
//	              they must be in the base
//	-out          output file (default standard output)
//
// Protection flags (the defaults are scoring's):
//
//	-base         comma list of the base's dimensions (default region,provider,unit)
//	-base-period  the base's periods: day, week, month (default), quarter, year or all
//	-min-n        answers a figure needs to be shown (certain answers; 0: default 5)
//	-exact-from   base cells with this many answers are exact (0: default 10)
//	-noise        the largest change to a count of a small base cell (0: default 2)
//	-secret-file  file holding the secret that keys the perturbation
//	              (or the environment variable PALAUTE_SECRET)
//	-through      publish only base periods ending on or before this date
//	-internal     no protection at all, for use inside the organisation only;
//	              the footer says so
//
// CSV output has the -by columns, period (with -period), item, n,
// positive, neutral, negative, estimate, low, high, excluded, suppressed,
// and with -compare also reference, diff, p and label. estimate, low and
// high are the index in points for recommend and shares as fractions
// (0–1) for statements, as in packages scoring and report; the counts are the protected counts. Bad rows are reported
// on standard error with their line numbers, followed by a summary; the
// exit status is non-zero only when nothing could be read.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type config struct {
	demo        bool
	by          []scoring.Dimension
	base        scoring.Grouping    // the protected base's grouping
	view        scoring.Aggregation // what is shown, added up from the base
	lang        i18n.Lang
	format      string
	protection  scoring.Protection
	internal    bool
	names       string // file of names for codes
	compare     bool
	standardize []scoring.Dimension
	out         string
	input       string
}

// parseDims parses the comma list of dimension flag name: empty means
// none (the overall figures only), an empty item between commas is an
// error.
func parseDims(name, s string) ([]scoring.Dimension, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []scoring.Dimension
	for i, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			return nil, fmt.Errorf("-%s %q: item %d is empty (want a comma list such as region,unit)", name, s, i+1)
		}
		d, err := scoring.ParseDimension(f)
		if err != nil {
			return nil, fmt.Errorf("-%s: %w", name, err)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var by, period, at, lang, std, base, basePeriod, secretFile, through string
	fs.BoolVar(&c.demo, "demo", false, "score the built-in synthetic data set")
	fs.StringVar(&by, "by", "unit", "comma list of grouping dimensions shown")
	fs.StringVar(&period, "period", "", "day, week, month, quarter, year or rollingN")
	fs.StringVar(&at, "at", "", "last day of a rolling window, YYYY-MM-DD")
	fs.StringVar(&lang, "lang", "fi", "language: fi, sv or en")
	fs.StringVar(&c.format, "format", "md", "md, csv, json or html")
	fs.BoolVar(&c.compare, "compare", false, "compare groups with their peers")
	fs.StringVar(&std, "standardize", "", "comma list of strata to standardize to")
	fs.StringVar(&c.out, "out", "", "output file")
	fs.StringVar(&base, "base", "region,provider,unit", "dimensions of the protected base")
	fs.StringVar(&basePeriod, "base-period", "month", "periods of the protected base")
	fs.IntVar(&c.protection.MinAnswers, "min-n", 0, "certain answers a figure needs (0: the default)")
	fs.IntVar(&c.protection.ExactFrom, "exact-from", 0, "base cells with this many answers are exact (0: the default)")
	fs.IntVar(&c.protection.Noise, "noise", 0, "largest change to a count of a small base cell (0: the default)")
	fs.StringVar(&secretFile, "secret-file", "", "file with the secret of the perturbation")
	fs.StringVar(&through, "through", "", "publish base periods ending on or before this date")
	fs.BoolVar(&c.internal, "internal", false, "no protection: for use inside the organisation only")
	fs.StringVar(&c.names, "names", "", "CSV file (code,name) with the names people see for codes")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.by, err = parseDims("by", by); err != nil {
		return c, err
	}
	if c.standardize, err = parseDims("standardize", std); err != nil {
		return c, err
	}
	if c.base.By, err = parseDims("base", base); err != nil {
		return c, err
	}
	if err := c.base.Period.UnmarshalText([]byte(strings.TrimPrefix(basePeriod, "all"))); err != nil || c.base.Period == scoring.Rolling {
		return c, fmt.Errorf("-base-period %q: want day, week, month, quarter, year or all", basePeriod)
	}
	if c.lang, err = i18n.ParseLang(lang); err != nil || !c.lang.IsValid() {
		return c, fmt.Errorf("-lang: %v", err)
	}
	switch c.format {
	case "md", "csv", "json", "html":
	default:
		return c, fmt.Errorf("-format %q: want md, csv, json or html", c.format)
	}
	if _, err := c.protection.Resolve(); err != nil {
		return c, err
	}
	if c.protection.Secret, err = secret(secretFile); err != nil {
		return c, err
	}
	if through != "" {
		if c.protection.Through, err = scoring.ParseDate(through); err != nil {
			return c, fmt.Errorf("-through: %v", err)
		}
	}
	for _, d := range append(slices.Clone(c.by), c.standardize...) {
		if !slices.Contains(c.base.By, d) {
			return c, fmt.Errorf("-by/-standardize %s: the protected base (-base %s) does not have it; add it to -base, and keep that base for everything published from this data", d, base)
		}
	}
	c.view.By = append(slices.Clone(c.by), c.standardize...)
	switch {
	case period == "":
	case strings.HasPrefix(period, "rolling"):
		n, err := strconv.Atoi(strings.TrimPrefix(period, "rolling"))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-period %q: want rollingN, a window of N base periods", period)
		}
		if at == "" {
			return c, errors.New("-period rollingN needs -at, the window's last day")
		}
		end, err := scoring.ParseDate(at)
		if err != nil {
			return c, err
		}
		c.view.Period, c.view.Window, c.view.End = scoring.Rolling, n, end
	default:
		if err := c.view.Period.UnmarshalText([]byte(period)); err != nil || c.view.Period == scoring.Rolling {
			return c, fmt.Errorf("-period %q: want day, week, month, quarter, year or rollingN", period)
		}
	}
	if _, err := scoring.NewTallies(c.base).Aggregate(c.view); err != nil {
		return c, fmt.Errorf("-period with -base-period %s: %v", basePeriod, err)
	}
	switch rest := fs.Args(); {
	case c.demo && len(rest) > 0:
		return c, errors.New("-demo takes no input file")
	case !c.demo && len(rest) != 1:
		return c, errors.New("give one input file (or - for standard input), or -demo")
	case !c.demo:
		c.input = rest[0]
	}
	return c, nil
}

// secret returns the secret of the perturbation from a file, or from the
// environment variable PALAUTE_SECRET, or nil.
func secret(file string) ([]byte, error) {
	if file == "" {
		if s := os.Getenv("PALAUTE_SECRET"); s != "" {
			return []byte(s), nil
		}
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("-secret-file: %v", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("-secret-file %s is empty", file)
	}
	return bytes.TrimSpace(b), nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "indicators:", err)
		}
		return 2
	}
	tallies := scoring.NewTallies(c.base)
	names := map[string]string{}
	if c.names != "" {
		f, err := os.Open(c.names)
		if err == nil {
			names, err = report.ReadNames(f)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(stderr, "indicators: -names:", err)
			return 1
		}
	}
	if c.demo {
		c.compare = true // the demo shows comparisons with the peer group
		cfg := synth.Config{Responses: 20_000, Units: 12, Seed: 2026}
		for _, u := range synth.Units(cfg) {
			names[u.Unit] = u.Name
		}
		for r := range synth.Responses(cfg) {
			tallies.Add(r)
		}
	} else if code := read(c, stdin, stderr, &tallies); code != 0 {
		return code
	}
	opts := report.Options{Lang: c.lang, By: c.by, Names: names, Standardize: c.standardize, Internal: c.internal}
	if c.compare && len(c.by) > 0 {
		opts.CompareWithin, opts.Adjust = c.by[0], stat.Holm
	}
	published := tallies
	if !c.internal {
		if c.protection.Secret == nil && !c.demo {
			fmt.Fprintln(stderr, "indicators: no secret (-secret-file or PALAUTE_SECRET): the perturbation is only as secret as the response IDs")
		}
		var err error
		if published, err = scoring.Protect(tallies, scoring.CatalogueScales(catalogue.Default()), c.protection); err != nil {
			fmt.Fprintln(stderr, "indicators:", err)
			if !errors.Is(err, scoring.ErrUnknownItem) {
				return 1
			}
		}
	}
	view, err := published.Aggregate(c.view)
	if err != nil {
		fmt.Fprintln(stderr, "indicators:", err)
		return 1
	}
	tbl, err := report.Build(view, opts)
	if err != nil {
		fmt.Fprintln(stderr, "indicators:", err)
		return 1
	}
	w := stdout
	if c.out != "" {
		f, err := os.Create(c.out)
		if err != nil {
			fmt.Fprintln(stderr, "indicators:", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	switch c.format {
	case "md":
		err = tbl.Markdown(bw)
	case "csv":
		err = tbl.CSV(bw)
	case "json":
		err = tbl.JSON(bw)
	case "html":
		err = tbl.Document().HTML(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		fmt.Fprintln(stderr, "indicators:", err)
		return 1
	}
	return 0
}

// read decodes the input into tallies, reporting bad rows and a summary
// on stderr. A file is read in parallel; standard input ("-") as a
// stream. It returns a non-zero exit status only when nothing could be
// read.
func read(c config, stdin io.Reader, stderr io.Writer, tallies **scoring.Tallies) int {
	var in io.Reader = stdin
	ndjson := false
	if c.input != "-" {
		f, err := os.Open(c.input)
		if err != nil {
			fmt.Fprintln(stderr, "indicators:", err)
			return 1
		}
		defer f.Close()
		head := make([]byte, 64)
		n, _ := f.ReadAt(head, 0)
		ext := strings.ToLower(filepath.Ext(c.input))
		ndjson = ext == ".ndjson" || ext == ".jsonl" || looksLikeJSON(head[:n])
		in = f
	} else {
		br := bufio.NewReaderSize(stdin, 1<<16)
		head, _ := br.Peek(64)
		ndjson = looksLikeJSON(head)
		in = br
	}
	var d *survey.Decoder
	if ndjson {
		d = survey.NewNDJSONDecoder(in)
	} else {
		d = survey.NewCSVDecoder(in)
	}
	// The first problems are printed and the rest counted: a broken or
	// hostile file can have millions.
	problems := &survey.ProblemLog{W: stderr}
	t, err := scoring.ReadTallies(context.Background(), d, c.base, problems.Add)
	problems.Close()
	if err != nil {
		fmt.Fprintln(stderr, "indicators:", err)
		return 1
	}
	*tallies = t
	s := d.Summary()
	fmt.Fprintln(stderr, s)
	if s.Accepted == 0 {
		fmt.Fprintln(stderr, "indicators: nothing could be read")
		return 1
	}
	return 0
}

// looksLikeJSON reports whether the input starts with a JSON object.
func looksLikeJSON(b []byte) bool {
	s := strings.TrimLeft(strings.TrimPrefix(string(b), "\xEF\xBB\xBF"), " \t\r\n")
	return strings.HasPrefix(s, "{")
}
