// Command portal builds a county's customer-feedback site from a CSV
// file: a dashboard (every unit's figures against the rest, with charts),
// a report for each unit to go through with its staff, and the JSON for
// the public result widgets (the last 30 days of each unit).
//
//	go run ./examples/portal -lang fi -out site examples/testdata/feedback.csv
//
// The window of the widgets ends on -at, by default the day of the latest
// response. Units with too few responses are suppressed everywhere.
package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

func main() {
	lang := flag.String("lang", "fi", "language: fi, sv or en")
	out := flag.String("out", "site", "output directory")
	at := flag.String("at", "", "last day of the widgets' 30-day window (default: the latest response)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: portal [-lang fi] [-out DIR] [-at YYYY-MM-DD] FILE.csv")
		os.Exit(2)
	}
	l, err := i18n.ParseLang(*lang)
	if err == nil {
		err = build(flag.Arg(0), l, *at, *out, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// comment is a unit's comment with its time, to keep the latest.
type comment struct {
	at   time.Time
	text string
}

// read decodes the file and passes every accepted response to f.
func read(path string, f func(survey.Response)) (survey.Summary, error) {
	file, err := os.Open(path)
	if err != nil {
		return survey.Summary{}, err
	}
	defer file.Close()
	dec := survey.NewCSVDecoder(file)
	for r, err := range dec.All() {
		var re *survey.RowError
		switch {
		case err == nil:
		case errors.As(err, &re) && !re.Rejected:
		case errors.As(err, &re):
			continue
		default:
			return dec.Summary(), err
		}
		f(r)
	}
	return dec.Summary(), nil
}

func build(path string, l i18n.Lang, at, outDir string, log io.Writer) error {
	monthly := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Month})
	comments := map[string][]comment{}
	var latest time.Time
	helsinki, _ := time.LoadLocation("Europe/Helsinki")
	summary, err := read(path, func(r survey.Response) {
		monthly.Add(r)
		if r.Comment != "" {
			comments[r.Unit] = append(comments[r.Unit], comment{r.Submitted, r.Comment})
		}
		if r.Submitted.After(latest) {
			latest = r.Submitted
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(log, summary)
	if summary.Accepted == 0 {
		return errors.New("nothing could be read")
	}
	end := scoring.DateOf(latest.In(helsinki))
	if at != "" {
		if end, err = scoring.ParseDate(at); err != nil {
			return err
		}
	}
	rolling := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Rolling, RollingDays: 30, RollingEnd: end})
	if _, err := read(path, func(r survey.Response) { rolling.Add(r) }); err != nil {
		return err
	}

	if err := os.MkdirAll(filepath.Join(outDir, "units"), 0o755); err != nil {
		return err
	}
	opts := report.Options{Lang: l, CompareWithin: scoring.ByUnit, Adjust: scoring.Holm}
	dashboard, err := report.Build(monthly.WithoutPeriods(), opts)
	if err != nil {
		return err
	}
	if err := write(filepath.Join(outDir, "index.html"), dashboard.Document().HTML); err != nil {
		return err
	}
	var widgets []report.WidgetPayload
	for _, g := range monthly.WithoutPeriods().Groups() {
		unit := g.Key.Unit
		cs := comments[unit]
		slices.SortStableFunc(cs, func(a, b comment) int { return b.at.Compare(a.at) })
		var texts []string
		for _, c := range cs {
			texts = append(texts, c.text)
		}
		doc, err := report.UnitReport(report.UnitInput{Monthly: monthly, Unit: unit, Comments: texts}, opts)
		if err != nil {
			return err
		}
		if err := write(filepath.Join(outDir, "units", unit+".html"), doc.HTML); err != nil {
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
