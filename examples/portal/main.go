// Command portal builds a county's customer-feedback site from a CSV
// file: a dashboard (every unit's figures against the rest, with charts),
// a report for each unit to go through with its staff, the JSON for the
// public result widgets (the last three months of each unit), and the
// figures of every page as open data (JSON, in data/).
//
//	go run ./examples/portal -lang fi -out site examples/testdata/feedback.csv
//
// Everything is published through one protected base, unit × month
// (package scoring's disclosure control), and only for closed months:
// through the end of the month before the latest response, or -through.
// The secret of the perturbation is read from the file -secret-file or
// the environment variable PALAUTE_SECRET; keep it the same for every
// build from the same data.
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

func main() {
	lang := flag.String("lang", "fi", "language: fi, sv or en")
	out := flag.String("out", "site", "output directory")
	through := flag.String("through", "", "last day published, the end of a month (default: the end of the month before the latest response)")
	secretFile := flag.String("secret-file", "", "file with the secret of the perturbation (or PALAUTE_SECRET)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: portal [-lang fi] [-out DIR] [-through YYYY-MM-DD] [-secret-file FILE] FILE.csv")
		os.Exit(2)
	}
	l, err := i18n.ParseLang(*lang)
	var secret []byte
	if err == nil {
		secret, err = readSecret(*secretFile)
	}
	if err == nil {
		err = build(flag.Arg(0), config{lang: l, through: *through, secret: secret}, *out, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// config is what a build is made with.
type config struct {
	lang    i18n.Lang
	through string // YYYY-MM-DD, or "" for the default
	secret  []byte
}

func readSecret(file string) ([]byte, error) {
	if file == "" {
		return []byte(os.Getenv("PALAUTE_SECRET")), nil
	}
	b, err := os.ReadFile(file)
	if err == nil && len(bytes.TrimSpace(b)) == 0 {
		err = fmt.Errorf("secret file %s is empty", file)
	}
	return bytes.TrimSpace(b), err
}

// comment is a unit's comment with its time, to keep the latest.
type comment struct {
	at   time.Time
	text string
}

// collector is what one reading goroutine gathers: tallies by the base,
// comments by unit, and the latest response time. The decoder gives each
// goroutine its own, so it needs no locking.
type collector struct {
	raw      *scoring.Tallies
	comments map[string][]comment
	latest   time.Time
}

func (c *collector) Accept(r survey.Response) error {
	if _, err := c.raw.Add(r); err != nil {
		return err
	}
	if r.Comment != "" {
		c.comments[r.Unit] = append(c.comments[r.Unit], comment{r.Submitted, r.Comment})
	}
	if r.Submitted.After(c.latest) {
		c.latest = r.Submitted
	}
	return nil
}

// read decodes the file (in parallel) into one collector.
func read(path string, log io.Writer) (*collector, survey.Summary, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, survey.Summary{}, err
	}
	defer file.Close()
	dec := survey.NewCSVDecoder(file)
	problems := &survey.ProblemLog{W: log} // the first problems, then a count
	parts, err := survey.Read(context.Background(), dec, func() *collector {
		return &collector{raw: scoring.NewTallies(base), comments: map[string][]comment{}}
	}, problems.Add)
	problems.Close()
	if err != nil {
		return nil, dec.Summary(), err
	}
	all := &collector{raw: scoring.NewTallies(base), comments: map[string][]comment{}}
	for _, p := range parts {
		if err := all.raw.Merge(p.raw); err != nil {
			return nil, dec.Summary(), err
		}
		for u, cs := range p.comments {
			all.comments[u] = append(all.comments[u], cs...)
		}
		if p.latest.After(all.latest) {
			all.latest = p.latest
		}
	}
	return all, dec.Summary(), nil
}

// base is the grouping of the portal's protected base: every page adds
// up these cells.
var base = scoring.Grouping{By: []scoring.Dimension{scoring.ByRegion, scoring.ByProvider, scoring.ByUnit}, Period: scoring.Month}

// widgetMonths is the length of the widgets' window.
const widgetMonths = 3

func build(path string, c config, outDir string, log io.Writer) error {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return err
	}
	got, summary, err := read(path, log)
	if err != nil {
		return err
	}
	raw, comments, latest := got.raw, got.comments, got.latest
	fmt.Fprintln(log, summary)
	if summary.Accepted == 0 {
		return errors.New("nothing could be read")
	}
	// Publish closed months only: a month still receiving answers would
	// be published again, perturbed anew, on every build.
	first := scoring.DateOf(latest.In(helsinki))
	through := scoring.Date{Year: first.Year, Month: first.Month, Day: 1}.AddDays(-1)
	if c.through != "" {
		if through, err = scoring.ParseDate(c.through); err != nil {
			return err
		}
	}
	if len(c.secret) == 0 {
		fmt.Fprintln(log, "portal: no secret (-secret-file or PALAUTE_SECRET): the perturbation is only as secret as the response IDs")
	}
	monthly, err := scoring.Protect(raw, scoring.CatalogueScales(catalogue.Default()), scoring.Protection{Through: through, Secret: c.secret})
	if err != nil {
		return err
	}
	if monthly.Len() == 0 {
		return fmt.Errorf("no closed month through %s to publish", through)
	}
	rolling, err := monthly.Aggregate(scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Rolling, Window: widgetMonths, End: through})
	if err != nil {
		return err
	}

	for _, d := range []string{"units", filepath.Join("data", "units")} {
		if err := os.MkdirAll(filepath.Join(outDir, d), 0o755); err != nil {
			return err
		}
	}
	opts := report.Options{Lang: c.lang, CompareWithin: scoring.ByUnit, Adjust: scoring.Holm, By: []scoring.Dimension{scoring.ByUnit}}
	dashboard, err := report.Build(monthly.WithoutPeriods(), opts)
	if err != nil {
		return err
	}
	if err := write(filepath.Join(outDir, "index.html"), dashboard.Document().HTML); err != nil {
		return err
	}
	if err := write(filepath.Join(outDir, "data", "dashboard.json"), dashboard.JSON); err != nil {
		return err
	}
	var widgets []report.WidgetPayload
	for _, g := range monthly.WithoutPeriods().Regroup(scoring.ByUnit).Groups() {
		unit := g.Key.Unit
		cs := comments[unit]
		// Newest first; the text decides between equal times, whatever order
		// the parallel read gathered them in.
		slices.SortFunc(cs, func(a, b comment) int { return cmp.Or(b.at.Compare(a.at), strings.Compare(a.text, b.text)) })
		var texts []string
		for _, c := range cs {
			texts = append(texts, c.text)
		}
		doc, err := report.UnitReport(report.UnitInput{Monthly: monthly, Unit: unit, Comments: texts}, opts)
		if err != nil {
			return err
		}
		name := fileName(unit)
		if err := write(filepath.Join(outDir, "units", name+".html"), doc.HTML); err != nil {
			return err
		}
		if err := write(filepath.Join(outDir, "data", "units", name+".json"), func(w io.Writer) error { return openData(w, unit, doc) }); err != nil {
			return err
		}
		w, err := report.Widget(rolling, unit, opts)
		if err != nil {
			return err
		}
		widgets = append(widgets, w)
	}
	slices.SortFunc(widgets, func(a, b report.WidgetPayload) int { return cmp.Compare(a.Unit, b.Unit) })
	return write(filepath.Join(outDir, "widgets.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(widgets)
	})
}

// fileName turns a unit code, which comes from the data, into a safe
// file name: letters, digits, '.', '-' and '_' are kept (a leading '.'
// is not), anything else (a '/', "..", NUL, or a code longer than 64
// bytes) gives the kept part followed by a hash of the whole code, so
// that different codes never share a file and no code leaves the
// directory.
func fileName(code string) string {
	var b strings.Builder
	safe := code != "" && len(code) <= 64 && code[0] != '.'
	for _, r := range code {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			safe = false
		}
		if b.Len() >= 64 {
			safe = false
			break
		}
	}
	if safe {
		return b.String()
	}
	sum := sha256.Sum256([]byte(code))
	return strings.TrimRight(b.String(), ".") + "~" + hex.EncodeToString(sum[:6])
}

// openData writes the figures of a unit's page as JSON: its table (the
// unit and its peer group, the other units) and its trend.
func openData(w io.Writer, unit string, doc *report.Document) error {
	var out struct {
		Unit    string          `json:"unit"`
		Records []report.Record `json:"records"`
		Trend   []report.Record `json:"trend"`
		Footer  []string        `json:"footer"`
	}
	out.Unit, out.Footer = unit, doc.Footer
	for _, bl := range doc.Blocks {
		if bl.Table != nil {
			out.Records = append(out.Records, bl.Table.Records()...)
		}
		out.Trend = append(out.Trend, bl.Data...)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func write(path string, render func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := render(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
