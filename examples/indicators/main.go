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
// Flags:
//
//	-by           comma list of region, provider, unit, service, channel, role, lang
//	-period       day, week, month, quarter, year or rolling30
//	-at           end date (YYYY-MM-DD) of the rolling window
//	-lang         fi, sv or en
//	-format       md, csv, json or html
//	-min-n        suppression threshold (respondents)
//	-compare      compare each group with the rest of its peers (those differing
//	              only in the first -by dimension), Holm-corrected
//	-standardize  comma list of strata (channel, role, lang) to standardize to
//	-out          output file (default standard output)
//
// CSV output has the -by columns, period (with -period), item, n,
// estimate, low, high, excluded, suppressed, and with -compare also
// reference, diff, p and label. estimate, low and high are the index in
// points for recommend and shares in percent for statements. Bad rows are
// reported on standard error with their line numbers, followed by a
// summary; the exit status is non-zero only when nothing could be read.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type config struct {
	demo        bool
	by          []scoring.Dimension
	grouping    scoring.Grouping
	lang        i18n.Lang
	format      string
	minN        int
	compare     bool
	standardize []scoring.Dimension
	out         string
	input       string
}

func parseDims(s string) ([]scoring.Dimension, error) {
	var out []scoring.Dimension
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := scoring.ParseDimension(f)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var by, period, at, lang, std string
	fs.BoolVar(&c.demo, "demo", false, "score the built-in synthetic data set")
	fs.StringVar(&by, "by", "", "comma list of grouping dimensions (default unit)")
	fs.StringVar(&period, "period", "", "day, week, month, quarter, year or rolling30")
	fs.StringVar(&at, "at", "", "end date of a rolling window, YYYY-MM-DD")
	fs.StringVar(&lang, "lang", "fi", "language: fi, sv or en")
	fs.StringVar(&c.format, "format", "md", "md, csv, json or html")
	fs.IntVar(&c.minN, "min-n", scoring.DefaultMinResponses, "suppression threshold")
	fs.BoolVar(&c.compare, "compare", false, "compare groups with their peers")
	fs.StringVar(&std, "standardize", "", "comma list of strata to standardize to")
	fs.StringVar(&c.out, "out", "", "output file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if by == "" {
		by = "unit"
	}
	if c.by, err = parseDims(by); err != nil {
		return c, err
	}
	if c.standardize, err = parseDims(std); err != nil {
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
	c.grouping.By = append(append([]scoring.Dimension(nil), c.by...), c.standardize...)
	switch period {
	case "":
	case "rolling30":
		if at == "" {
			return c, errors.New("-period rolling30 needs -at, the window's last day")
		}
		end, err := scoring.ParseDate(at)
		if err != nil {
			return c, err
		}
		c.grouping.Period, c.grouping.RollingDays, c.grouping.RollingEnd = scoring.Rolling, 30, end
	default:
		var k scoring.PeriodKind
		if err := k.UnmarshalText([]byte(period)); err != nil || k == scoring.Rolling {
			return c, fmt.Errorf("-period %q: want day, week, month, quarter, year or rolling30", period)
		}
		c.grouping.Period = k
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

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "indicators:", err)
		}
		return 2
	}
	tallies := scoring.NewTallies(c.grouping)
	names := map[string]string{}
	if c.demo {
		c.compare = true // the demo shows comparisons with the peer group
		cfg := synth.Config{Responses: 20_000, Units: 12, Seed: 2026}
		for _, u := range synth.Units(cfg) {
			names[u.Unit] = u.Name
		}
		for r := range synth.Responses(cfg) {
			tallies.Add(r)
		}
	} else if code := read(c, stdin, stderr, tallies); code != 0 {
		return code
	}
	opts := report.Options{Lang: c.lang, By: c.by, Names: names, Suppression: scoring.Suppression{MinResponses: c.minN}, Standardize: c.standardize}
	if c.compare {
		opts.CompareWithin, opts.Adjust = c.by[0], scoring.Holm
	}
	tbl, err := report.Build(tallies, opts)
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
// on stderr. It returns a non-zero exit status only when nothing could be
// read.
func read(c config, stdin io.Reader, stderr io.Writer, tallies *scoring.Tallies) int {
	var in io.Reader = stdin
	if c.input != "-" {
		f, err := os.Open(c.input)
		if err != nil {
			fmt.Fprintln(stderr, "indicators:", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	br := bufio.NewReaderSize(in, 1<<16)
	var d *survey.Decoder
	if ext := strings.ToLower(filepath.Ext(c.input)); ext == ".ndjson" || ext == ".jsonl" || looksLikeJSON(br) {
		d = survey.NewNDJSONDecoder(br)
	} else {
		d = survey.NewCSVDecoder(br)
	}
	for r, err := range d.All() {
		var re *survey.RowError
		switch {
		case err == nil:
		case errors.As(err, &re):
			fmt.Fprintln(stderr, err)
			if re.Rejected {
				continue
			}
		default:
			fmt.Fprintln(stderr, "indicators:", err)
			return 1
		}
		if _, err := tallies.Add(r); err != nil {
			fmt.Fprintln(stderr, "indicators:", err)
		}
	}
	s := d.Summary()
	fmt.Fprintln(stderr, s)
	if s.Accepted == 0 {
		fmt.Fprintln(stderr, "indicators: nothing could be read")
		return 1
	}
	return 0
}

// looksLikeJSON reports whether the input starts with a JSON object.
func looksLikeJSON(r *bufio.Reader) bool {
	b, _ := r.Peek(64)
	s := strings.TrimLeft(strings.TrimPrefix(string(b), "\xEF\xBB\xBF"), " \t\r\n")
	return strings.HasPrefix(s, "{")
}
