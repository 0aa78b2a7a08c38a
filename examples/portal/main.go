// Command portal builds a county's customer-feedback site from a CSV
// file: the county's page (every provider's figures against the rest,
// with charts), a page for each provider (its units), a report for each
// unit to go through with its staff, linked from county to provider to
// unit with breadcrumbs back up, with the names of -names, the JSON for the
// public result widgets (the last three months of each unit), and the
// figures of every page as open data (JSON, in data/).
//
//	go run ./examples/portal -lang fi -out site -names examples/testdata/names.csv examples/testdata/feedback.csv
//
// Everything is published through the one protected base, region ×
// provider × unit × month (package scoring's disclosure control), and
// only for closed months: through the end of the month before the latest
// response, or -through. Comments are shown only from published months
// in which the unit's own figures rest on enough answers. The secret of
// the perturbation is read from the file -secret-file or the environment
// variable PALAUTE_SECRET and is required: make one once with
//
//	head -c 32 /dev/urandom > secret
//
// and keep it the same for every build from the same data.
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
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database; a program decides this, not the library

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

func main() {
	lang := flag.String("lang", "fi", "language: fi, sv or en")
	out := flag.String("out", "site", "output directory")
	through := flag.String("through", "", "last day published, the end of a month (default: the end of the month before the latest month in the data)")
	secretFile := flag.String("secret-file", "", "file with the secret of the perturbation (or PALAUTE_SECRET)")
	namesFile := flag.String("names", "", "CSV file (code,name) with the names of regions, providers and units")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: portal [-lang fi] [-out DIR] [-through YYYY-MM-DD] [-secret-file FILE] [-names FILE] FILE.csv")
		os.Exit(2)
	}
	l, err := i18n.ParseLang(*lang)
	var secret []byte
	if err == nil {
		secret, err = readSecret(*secretFile)
	}
	var names map[string]string
	if err == nil && *namesFile != "" {
		names, err = readNames(*namesFile)
	}
	if err == nil {
		err = build(flag.Arg(0), config{lang: l, through: *through, secret: secret, names: names}, *out, os.Stderr)
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
	names   map[string]string // by code; codes without a name are shown as they are
}

func readNames(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return report.ReadNames(f)
}

// readSecret returns the secret from a file or PALAUTE_SECRET, or an
// error saying how to make one.
func readSecret(file string) ([]byte, error) {
	b, from := []byte(os.Getenv("PALAUTE_SECRET")), "PALAUTE_SECRET"
	if file != "" {
		var err error
		if b, err = os.ReadFile(file); err != nil {
			return nil, err
		}
		from = "secret file " + file
	}
	b = bytes.TrimSpace(b)
	if len(b) < scoring.MinSecret {
		return nil, fmt.Errorf("%s holds %d bytes: the site needs a secret of at least %d bytes that keys the noise; make one once with `head -c 32 /dev/urandom > secret`, keep it private and use it for every build from the same data (-secret-file secret)", from, len(b), scoring.MinSecret)
	}
	return b, nil
}

// collector is what one reading goroutine gathers: tallies by the base,
// comments by unit, and the latest response time. The decoder gives each
// goroutine its own, so it needs no locking.
type collector struct {
	raw      *scoring.Tallies
	comments map[string][]report.Comment
}

func (c *collector) Accept(r survey.Response) error {
	if _, err := c.raw.Add(r); err != nil {
		return err
	}
	if r.Comment != "" {
		c.comments[r.Unit] = append(c.comments[r.Unit], report.Comment{Submitted: r.Submitted, Text: r.Comment})
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
		return &collector{raw: scoring.NewTallies(base), comments: map[string][]report.Comment{}}
	}, problems.Add)
	problems.Close()
	if err != nil {
		return nil, dec.Summary(), err
	}
	all := &collector{raw: scoring.NewTallies(base), comments: map[string][]report.Comment{}}
	for _, p := range parts {
		if err := all.raw.Merge(p.raw); err != nil {
			return nil, dec.Summary(), err
		}
		for u, cs := range p.comments {
			all.comments[u] = append(all.comments[u], cs...)
		}
	}
	return all, dec.Summary(), nil
}

// base is the grouping of the portal's protected base: every page adds
// up these cells.
var base = scoring.ProtectedBase()

// widgetMonths is the length of the widgets' window.
const widgetMonths = 3

func build(path string, c config, outDir string, log io.Writer) error {
	got, summary, err := read(path, log)
	if err != nil {
		return err
	}
	raw, comments := got.raw, got.comments
	fmt.Fprintln(log, summary)
	if summary.Accepted == 0 {
		return errors.New("nothing could be read")
	}
	// Publish closed months only (by default every month before the
	// latest in the data): a month still receiving answers would be
	// published again, perturbed anew, on every build.
	p := scoring.Protection{Secret: c.secret}
	if c.through != "" {
		if p.Through, err = scoring.ParseDate(c.through); err != nil {
			return err
		}
	}
	monthly, err := scoring.Protect(raw, scoring.CatalogueScales(catalogue.Default()), p)
	if err != nil {
		return err
	}
	resolved, _ := monthly.Protection()
	through := resolved.Through
	if monthly.Len() == 0 {
		return fmt.Errorf("no closed month through %s to publish", through)
	}
	fmt.Fprintf(log, "portal: published through %s\n", through)
	rolling, err := monthly.Aggregate(scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Rolling, Window: widgetMonths, End: through})
	if err != nil {
		return err
	}

	for _, d := range []string{"units", "providers", filepath.Join("data", "units"), filepath.Join("data", "providers")} {
		if err := os.MkdirAll(filepath.Join(outDir, d), 0o755); err != nil {
			return err
		}
	}
	all := monthly.WithoutPeriods()
	county := label(c.lang, "report.all")
	// The county's page: every provider against the others, each linking
	// to its own page.
	opts := report.Options{Lang: c.lang, Names: c.names, CompareWithin: scoring.ByProvider, Adjust: stat.Holm, By: []scoring.Dimension{scoring.ByProvider}}
	dashboard, err := report.Build(all, opts)
	if err != nil {
		return err
	}
	doc := dashboard.Document()
	providers := providersOf(all)
	doc.Blocks = append(doc.Blocks, report.Block{Heading: label(c.lang, "report.providers")}, report.Block{Links: links(providers, c.names, "providers/")})
	if err := write(filepath.Join(outDir, "index.html"), func(w io.Writer) error {
		return doc.HTMLWith(w, report.HTMLOptions{RowLink: func(r report.Row) string { return "providers/" + fileName(r.Key.Provider) + ".html" }})
	}); err != nil {
		return err
	}
	if err := write(filepath.Join(outDir, "data", "dashboard.json"), dashboard.JSON); err != nil {
		return err
	}
	// Each provider's page: its units, each linking to the unit's report.
	unitsOf := map[string][]string{}
	for _, p := range providers {
		sel := all.Select(func(k scoring.Key) bool { return k.Provider == p })
		po := report.Options{Lang: c.lang, Names: c.names, By: []scoring.Dimension{scoring.ByUnit}, Title: cmp.Or(c.names[p], p)}
		tbl, err := report.Build(sel, po)
		if err != nil {
			return err
		}
		for _, r := range tbl.Rows {
			if !r.Total {
				unitsOf[p] = append(unitsOf[p], r.Key.Unit)
			}
		}
		pdoc := tbl.Document()
		pdoc.Blocks = append(pdoc.Blocks, report.Block{Heading: label(c.lang, "report.units-of")}, report.Block{Links: links(unitsOf[p], c.names, "../units/")})
		name := fileName(p)
		if err := write(filepath.Join(outDir, "providers", name+".html"), func(w io.Writer) error {
			return pdoc.HTMLWith(w, report.HTMLOptions{
				Breadcrumbs: []report.Link{{Text: county, URL: "../index.html"}},
				RowLink:     func(r report.Row) string { return "../units/" + fileName(r.Key.Unit) + ".html" },
			})
		}); err != nil {
			return err
		}
		if err := write(filepath.Join(outDir, "data", "providers", name+".json"), func(w io.Writer) error { return openData(w, p, pdoc) }); err != nil {
			return err
		}
	}
	unitOpts := report.Options{Lang: c.lang, Names: c.names, CompareWithin: scoring.ByUnit, Adjust: stat.Holm, By: []scoring.Dimension{scoring.ByUnit}}
	var widgets []report.WidgetPayload
	for _, p := range providers {
		for _, unit := range unitsOf[p] {
			doc, err := report.UnitReport(report.UnitInput{Monthly: monthly, Unit: unit, Comments: comments[unit]}, unitOpts)
			if err != nil {
				return err
			}
			name := fileName(unit)
			crumbs := []report.Link{{Text: county, URL: "../index.html"}, {Text: cmp.Or(c.names[p], p), URL: "../providers/" + fileName(p) + ".html"}}
			if err := write(filepath.Join(outDir, "units", name+".html"), func(w io.Writer) error { return doc.HTMLWith(w, report.HTMLOptions{Breadcrumbs: crumbs}) }); err != nil {
				return err
			}
			if err := write(filepath.Join(outDir, "data", "units", name+".json"), func(w io.Writer) error { return openData(w, unit, doc) }); err != nil {
				return err
			}
			w, err := report.Widget(rolling, unit, unitOpts)
			if err != nil {
				return err
			}
			widgets = append(widgets, w)
		}
	}
	slices.SortFunc(widgets, func(a, b report.WidgetPayload) int { return cmp.Compare(a.Unit, b.Unit) })
	return write(filepath.Join(outDir, "widgets.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(widgets)
	})
}

// providersOf returns the providers of the tallies, in code order.
func providersOf(t *scoring.Tallies) []string {
	var out []string
	for _, g := range t.Regroup(scoring.ByProvider).Groups() {
		if !slices.Contains(out, g.Key.Provider) {
			out = append(out, g.Key.Provider)
		}
	}
	slices.Sort(out)
	return out
}

// links returns links to the pages of codes under dir, with their names.
func links(codes []string, names map[string]string, dir string) []report.Link {
	var out []report.Link
	for _, c := range codes {
		out = append(out, report.Link{Text: cmp.Or(names[c], c), URL: dir + fileName(c) + ".html"})
	}
	return out
}

func label(l i18n.Lang, key string) string { return i18n.DefaultLabels().Text(key, l) }

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

// openData writes the figures of a page as JSON: its table (a unit and
// its peer group, the other units; or a provider's units and their total)
// and a unit's trend.
func openData(w io.Writer, code string, doc *report.Document) error {
	var out struct {
		Unit    string          `json:"unit"`
		Records []report.Record `json:"records"`
		Trend   []report.Record `json:"trend"`
		Footer  []string        `json:"footer"`
	}
	out.Unit, out.Footer = code, doc.Footer
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
