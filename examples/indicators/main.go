// Command indicators scores customer feedback and prints a report: the
// program for researchers and analysts.
//
//	go run ./examples/indicators -demo
//
// scores a built-in, deterministic synthetic data set (from the module's
// internal generator) and prints a Finnish Markdown report comparing each
// unit with the rest. Otherwise it reads canonical CSV or NDJSON from a
// file, or from standard input with "-":
//
//	usage: indicators [flags] FILE.csv|FILE.ndjson|-
//	go run ./examples/indicators -secret-file secret -by unit -period month -format csv feedback.csv
//
// Everything it prints is published through the one protected base of
// package scoring's disclosure control: the responses are tallied by
// region, provider, unit and month, the base is protected once (cells
// with few answers through gated channels perturbed, see -exact-from and
// -noise), and every table is added up from it. Protected output needs a
// secret: make one once with
//
//	head -c 32 /dev/urandom > secret
//
// keep it private, and give it (-secret-file, or PALAUTE_SECRET) to every
// publication from the same data; -demo uses a public demo secret and
// says so. Only closed months are published: by default, every month
// before the latest month in the data (-through to choose; a month that
// has not ended is published only when -through says so, with a
// warning).
//
// Flags:
//
//	-by           comma list of dimensions shown: region, provider, unit
//	              (default unit); with -internal also service, channel,
//	              role and lang
//	-period       all time (default), month, quarter, year, or rollingN: a
//	              window of N months ending on -at (with -internal also day
//	              and week)
//	-at           last day (YYYY-MM-DD) of the rolling window: a month's end
//	-lang         fi, sv or en
//	-format       md, csv, json or html
//	-compare      compare each group with the rest of its peers (those differing
//	              only in the first -by dimension), Holm-corrected
//	-standardize  comma list of strata (channel, role, lang) to standardize
//	              to; internal reports only (the protected base has no strata)
//	-names        CSV file (code,name) of names for codes
//	-out          output file (default standard output)
//
// Protection flags (the defaults are scoring's):
//
//	-secret-file  file holding the secret that keys the perturbation
//	              (or the environment variable PALAUTE_SECRET)
//	-through      publish only months ending on or before this date
//	-min-n        certain gated answers a figure needs (0: default 5)
//	-exact-from   gated answers from which a cell is exact (0: default 11)
//	-noise        the largest change to a count of a small cell (0: default 6)
//	-internal     no protection at all, for use inside the organisation only;
//	              the footer says so
//
// CSV output has the -by columns, period (with -period), item, n,
// positive, neutral, negative, estimate, low, high, excluded, suppressed,
// and with -compare also reference, diff, p, label, test, p_unadjusted
// and family. estimate, low and high are the index in points for
// recommend and shares as fractions (0–1) for statements, as in packages
// scoring and report; the counts are the protected counts. Bad rows are
// reported on standard error with their line numbers, followed by a
// summary; the exit status is non-zero only when nothing could be read.
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
	"time"
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
	base        scoring.Grouping    // how responses are tallied: the protected base, or finer for -internal
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

const usage = "usage: indicators [flags] FILE.csv|FILE.ndjson|-   (or indicators -demo)"

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fmt.Fprintln(stderr, "Reads canonical CSV or NDJSON responses and prints protected indicators (see the package documentation).")
		fs.PrintDefaults()
	}
	var c config
	var by, period, at, lang, std, secretFile, through string
	fs.BoolVar(&c.demo, "demo", false, "score the built-in synthetic data set (with a public demo secret)")
	fs.StringVar(&by, "by", "unit", "comma list of dimensions shown: region, provider, unit")
	fs.StringVar(&period, "period", "", "month, quarter, year or rollingN (N months ending on -at)")
	fs.StringVar(&at, "at", "", "last day of a rolling window, YYYY-MM-DD")
	fs.StringVar(&lang, "lang", "fi", "language: fi, sv or en")
	fs.StringVar(&c.format, "format", "md", "md, csv, json or html")
	fs.BoolVar(&c.compare, "compare", false, "compare groups with their peers")
	fs.StringVar(&std, "standardize", "", "comma list of strata to standardize to (-internal only)")
	fs.StringVar(&c.out, "out", "", "output file")
	fs.IntVar(&c.protection.MinAnswers, "min-n", 0, "certain gated answers a figure needs (0: the default)")
	fs.IntVar(&c.protection.ExactFrom, "exact-from", 0, "gated answers from which a cell is exact (0: the default)")
	fs.IntVar(&c.protection.Noise, "noise", 0, "largest change to a count of a small cell (0: the default)")
	fs.StringVar(&secretFile, "secret-file", "", "file with the secret of the perturbation (or PALAUTE_SECRET)")
	fs.StringVar(&through, "through", "", "publish months ending on or before this date (default: before the latest month in the data)")
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
	if through != "" {
		if c.protection.Through, err = scoring.ParseDate(through); err != nil {
			return c, fmt.Errorf("-through: %v", err)
		}
	}
	c.base = scoring.ProtectedBase()
	for _, d := range append(slices.Clone(c.by), c.standardize...) {
		if slices.Contains(c.base.By, d) {
			continue
		}
		if !c.internal {
			return c, fmt.Errorf("-by/-standardize %s: protected publications have one base, region × provider × unit × month, so that every table is a sum of the same protected cells; a table by %s is for internal use only (-internal)", d, d)
		}
		c.base.By = append(c.base.By, d)
	}
	c.view.By = append(slices.Clone(c.by), c.standardize...)
	switch {
	case period == "":
	case strings.HasPrefix(period, "rolling"):
		n, err := strconv.Atoi(strings.TrimPrefix(period, "rolling"))
		if err != nil || n < 1 {
			return c, fmt.Errorf("-period %q: want rollingN, a window of N months", period)
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
			return c, fmt.Errorf("-period %q: want month, quarter, year or rollingN", period)
		}
		if c.view.Period == scoring.Day || c.view.Period == scoring.ISOWeek {
			if !c.internal {
				return c, fmt.Errorf("-period %s: protected publications are by month at the finest (days and weeks would split the protected months); use -internal for internal reports", period)
			}
			c.base.Period = scoring.Day
		}
	}
	if _, err := scoring.NewTallies(c.base).Aggregate(c.view); err != nil {
		return c, fmt.Errorf("-period: %v", err)
	}
	switch rest := fs.Args(); {
	case c.demo && len(rest) > 0:
		return c, errors.New("-demo takes no input file")
	case !c.demo && len(rest) != 1:
		return c, errors.New("give one input file (or - for standard input), or -demo\n" + usage)
	case !c.demo:
		c.input = rest[0]
	}
	switch {
	case c.demo:
		c.protection.Secret = []byte(scoring.DemoSecret)
	case !c.internal:
		if c.protection.Secret, err = secret(secretFile); err != nil {
			return c, err
		}
	}
	return c, nil
}

// secret returns the secret of the perturbation from a file, or from the
// environment variable PALAUTE_SECRET; without either, or with one too
// short, an error saying how to make one.
func secret(file string) ([]byte, error) {
	var b []byte
	from := "PALAUTE_SECRET"
	if file == "" {
		b = []byte(os.Getenv("PALAUTE_SECRET"))
	} else {
		var err error
		if b, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("-secret-file: %v", err)
		}
		from = "-secret-file " + file
	}
	b = bytes.TrimSpace(b)
	if len(b) >= scoring.MinSecret {
		return b, nil
	}
	what := "no secret"
	if len(b) > 0 || file != "" {
		what = fmt.Sprintf("the secret in %s is %d bytes", from, len(b))
	}
	return nil, fmt.Errorf("%s: protected output needs a secret of at least %d bytes that keys the noise. Make one once with\n\thead -c 32 /dev/urandom > secret\nkeep it private, and give it to every publication from the same data (-secret-file secret, or PALAUTE_SECRET); a new secret gives the same cells new noise, a second look at them", what, scoring.MinSecret)
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
		fmt.Fprintln(stderr, "indicators: -demo: synthetic data, protected with the public demo secret (never publish with it)")
		cfg := synth.Config{Responses: 20_000, Units: 12, Seed: 2026}
		for _, u := range synth.Units(cfg) {
			names[u.Unit] = u.Name
		}
		for r := range synth.Responses(cfg) {
			tallies.Add(r)
		}
		if c.protection.Through.IsZero() {
			c.protection.Through = scoring.Date{Year: 2025, Month: 12, Day: 31} // the demo's year is complete
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
		var err error
		if published, err = scoring.Protect(tallies, scoring.CatalogueScales(catalogue.Default()), c.protection); err != nil {
			fmt.Fprintln(stderr, "indicators:", err)
			if !errors.Is(err, scoring.ErrUnknownItem) {
				return 1
			}
		}
		p, _ := published.Protection()
		if c.protection.Through.IsZero() {
			fmt.Fprintf(stderr, "indicators: published through %s: the latest month in the data may still receive answers (-through to choose)\n", p.Through)
		} else if helsinki, err := survey.Helsinki(); err == nil {
			today := scoring.DateOf(time.Now().In(helsinki))
			if p.Through.Compare(scoring.Date{Year: today.Year, Month: today.Month, Day: 1}) >= 0 {
				fmt.Fprintf(stderr, "indicators: warning: -through %s includes a month that has not ended; its figures will change and be perturbed anew whenever they are published again\n", p.Through)
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
