package report

import (
	"cmp"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
)

// Options configures a report table. The zero value gives a Finnish table
// grouped as the tallies are, with the library's default statistics and
// suppression.
type Options struct {
	// Lang is the language of headings, labels and numbers; zero means
	// Finnish.
	Lang i18n.Lang
	// Title replaces the default title.
	Title string
	// Catalogue gives instruments, themes and scales; nil means
	// catalogue.Default().
	Catalogue *catalogue.Catalogue
	// Templates supply the scales of own statements.
	Templates []*catalogue.Template
	// By lists the dimensions shown, a subset of the tallies' grouping;
	// nil means all of them.
	By []scoring.Dimension
	// Names maps codes (units, providers, regions, services) to the names
	// shown to people. Machine outputs keep the codes.
	Names map[string]string
	// Scoring sets intervals, level and the can't-say policy.
	Scoring scoring.Options
	// Internal allows raw tallies, for reports that stay inside the
	// organisation: nothing is hidden or perturbed, and every footer says
	// so. Publications take protected tallies ([scoring.Protect]), which
	// carry their own thresholds.
	Internal bool
	// CompareWithin, if set, compares every group with the rest of its
	// peers that differ only in this dimension (usually ByUnit), with
	// Adjust within each Family (per period by default); the footer says
	// which test, adjustment and family were used.
	CompareWithin scoring.Dimension
	Adjust        stat.Adjustment
	Family        scoring.Family
	// Standardize, if set, adds each group's figures standardized to the
	// whole table's mix of these strata (which must be in the tallies'
	// grouping but not in By).
	Standardize []scoring.Dimension
}

func (o Options) lang() i18n.Lang {
	if o.Lang.IsValid() {
		return o.Lang
	}
	return i18n.Finnish
}

func (o Options) catalogue() *catalogue.Catalogue {
	if o.Catalogue != nil {
		return o.Catalogue
	}
	return catalogue.Default()
}

// Column is one item of a table with the indicator shown for it.
type Column struct {
	Item    string
	Kind    scoring.Kind // the headline: index, agreement share or yes share
	Heading string
	// Provisional is true when the heading is not the official wording.
	Provisional bool
}

// Cell is one group's figures for one item.
type Cell struct {
	Counts       scoring.Tally         // the answers by value
	Indicator    scoring.Indicator     // the headline indicator
	Mean         *scoring.Indicator    // the mean, for agree items
	Comparison   *scoring.Comparison   // with the peer group, if asked for
	Standardized *scoring.Standardized // standardized figure, if asked for
}

// Row is one group of a table.
type Row struct {
	Key    scoring.Key
	Labels []string // display names of the By dimensions
	Period string
	// Responses is the group's n: for protected tallies, the largest n
	// among its published figures (responses themselves are not
	// published).
	Responses int64
	// Suppressed is TooFewAnswers when every figure of the row is hidden.
	Suppressed scoring.Reason
	Total      bool // the row of all groups together
	Cells      []Cell
}

// Table is a localized table of groups × items, ready to render. Numbers
// are kept unrounded; renderers format them.
type Table struct {
	Lang    i18n.Lang
	Title   string
	By      []scoring.Dimension
	Periods bool
	Columns []Column
	Rows    []Row
	Footer  Footer
	// Options records how the table was built.
	Options Options

	prot      scoring.Protection // of the tallies, when protected
	protected bool
}

// protection returns the protection of the tallies the table was built
// from, and false if they were raw (Options.Internal).
func (t *Table) protection() (scoring.Protection, bool) { return t.prot, t.protected }

// Footer records what a table was made with: instruments, catalogue data
// version, library version and the methods used, including the
// disclosure control, as lines of text.
type Footer struct {
	Instruments      []string
	CatalogueVersion string
	LibraryVersion   string
	Methods          []string
}

// LibraryVersion returns the version of this module as built into the
// running program ("(devel)" when it is the main module or unknown).
func LibraryVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	const path = "github.com/palaute/palaute"
	for _, d := range info.Deps {
		if d.Path == path {
			return d.Version
		}
	}
	if info.Main.Path == path && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "(devel)"
}

// label returns a UI label, falling back to English (and then the key),
// so that a missing label never breaks a report.
func label(l i18n.Lang, key string) string { return i18n.DefaultLabels().Text(key, l) }

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// Build scores tallies and arranges the results as a table: groups by the
// dimensions of o.By (rows sorted by name in the language's order, then
// by period), a total row, one column per item in national order, and
// peer comparisons and standardized figures if asked for. Statistics are
// computed by package scoring.
//
// The tallies must be protected ([scoring.Protect]): every figure then
// comes from the protected counts, figures with too few certain answers
// are hidden, and the footer states the method. Raw tallies are refused
// (the error wraps [scoring.ErrProtected]) unless o.Internal is set.
func Build(t *scoring.Tallies, o Options) (*Table, error) {
	if !t.Protected() && !o.Internal {
		return nil, fmt.Errorf("report: %w are required for publication: make them with scoring.Protect (Options.Internal is for reports that stay inside the organisation)", scoring.ErrProtected)
	}
	l := o.lang()
	cat := o.catalogue()
	by := o.By
	if by == nil {
		by = t.Grouping().By
	}
	for _, d := range by {
		if !slices.Contains(t.Grouping().By, d) {
			return nil, fmt.Errorf("report: the tallies are not grouped by %s", d)
		}
	}
	shown := t.Regroup(by...)
	scales := scoring.CatalogueScales(cat, o.Templates...)
	results, err := scoring.Score(shown, cat, scales, o.Scoring)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	tbl := &Table{Lang: l, Title: o.Title, By: slices.Clone(by), Periods: t.Grouping().Period != scoring.AllTime, Options: o}
	tbl.prot, tbl.protected = t.Protection()
	if tbl.Title == "" {
		tbl.Title = label(l, "report.title.indicators")
	}
	tbl.Columns = columns(cat, results, l)

	// Totals per instrument and period, and suppression with the rows as
	// siblings under their total.
	totals := t.Regroup()
	totalResults, err := scoring.Score(totals, cat, scales, o.Scoring)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}

	var comparisons map[cellKey]scoring.Comparison
	if o.CompareWithin != 0 {
		comparisons = map[cellKey]scoring.Comparison{}
		for _, c := range scoring.ComparePeers(shown.Groups(), o.CompareWithin, scales, scoring.CompareOptions{Level: o.Scoring.Level, Adjust: o.Adjust, Family: o.Family, Options: o.Scoring}) {
			comparisons[cellKey{c.Key, c.Item}] = c
		}
	}
	standardized := map[cellKey]scoring.Standardized{}
	if len(o.Standardize) > 0 {
		fine := t.Regroup(append(slices.Clone(by), o.Standardize...)...)
		groups := fine.Groups()
		for _, col := range tbl.Columns {
			if len(groups) == 0 {
				break
			}
			s, ok := scales(groups[0].Key.Instrument, col.Item)
			if !ok {
				continue
			}
			mix := scoring.ReferenceMix(groups, o.Standardize, col.Item, s, o.Scoring)
			sts, err := scoring.Standardize(groups, o.Standardize, col.Item, s, mix, o.Scoring)
			if err != nil {
				return nil, fmt.Errorf("report: %w", err)
			}
			for _, st := range sts {
				standardized[cellKey{st.Key, col.Item}] = st
			}
		}
	}

	coll := i18n.NewCollator(l)
	for _, r := range results {
		row := Row{Key: r.Key, Period: r.Key.Period.String(), Responses: r.Responses}
		for _, d := range by {
			code := r.Key.Get(d)
			row.Labels = append(row.Labels, displayName(o.Names, d, code, l))
		}
		row.Cells = cells(tbl.Columns, r, comparisons, standardized)
		withCounts(&row, shown)
		tbl.Rows = append(tbl.Rows, row)
	}
	slices.SortStableFunc(tbl.Rows, func(a, b Row) int {
		for i := range a.Labels {
			if c := coll.Compare(a.Labels[i], b.Labels[i]); c != 0 {
				return c
			}
		}
		return a.Key.Period.Start.Compare(b.Key.Period.Start)
	})
	if len(by) > 0 {
		for _, r := range totalResults {
			row := Row{Key: r.Key, Period: r.Key.Period.String(), Responses: r.Responses, Total: true}
			row.Labels = make([]string, len(by))
			row.Labels[0] = label(l, "report.all")
			row.Cells = cells(tbl.Columns, r, nil, nil)
			withCounts(&row, totals)
			tbl.Rows = append(tbl.Rows, row)
		}
	}
	tbl.Footer = footer(cat, results, t, o, len(o.Standardize) > 0, comparisons, l)
	return tbl, nil
}

// cellKey identifies a group's item.
type cellKey struct {
	key  scoring.Key
	item string
}

func displayName(names map[string]string, d scoring.Dimension, code string, l i18n.Lang) string {
	if n, ok := names[code]; ok {
		return n
	}
	switch d {
	case scoring.ByChannel, scoring.ByRole, scoring.ByLang:
		if code != "" {
			return label(l, d.String()+"."+code)
		}
	}
	return code
}

// columns lists the items answered, in national order, with headings.
func columns(cat *catalogue.Catalogue, results []scoring.Result, l i18n.Lang) []Column {
	var out []Column
	for _, r := range results {
		for _, ind := range r.Indicators {
			if ind.Kind == scoring.Mean || slices.ContainsFunc(out, func(c Column) bool { return c.Item == ind.Item }) {
				continue
			}
			col := Column{Item: ind.Item, Kind: ind.Kind, Heading: ind.Item}
			switch {
			case ind.Kind == scoring.Index:
				col.Heading = label(l, "indicator.recommendation-index")
			default:
				if in, err := cat.Instrument(r.Key.Instrument); err == nil {
					if it, ok := in.Item(ind.Item); ok && it.Theme() != "" {
						if th, err := cat.Theme(it.Theme()); err == nil {
							if txt, err := th.Texts().Lookup(l, i18n.English); err == nil {
								col.Heading = capitalize(txt.Value)
								col.Provisional = txt.Provenance == catalogue.Provisional
							}
						}
					}
				}
			}
			out = append(out, col)
		}
	}
	return out
}

func cells(cols []Column, r scoring.Result, cmps map[cellKey]scoring.Comparison, std map[cellKey]scoring.Standardized) []Cell {
	out := make([]Cell, len(cols))
	for i, col := range cols {
		c := Cell{Indicator: scoring.Indicator{Item: col.Item, Kind: col.Kind}}
		if ind, ok := r.Indicator(col.Item, col.Kind); ok {
			c.Indicator = ind
		}
		if m, ok := r.Indicator(col.Item, scoring.Mean); ok {
			c.Mean = &m
		}
		if cm, ok := cmps[cellKey{r.Key, col.Item}]; ok {
			c.Comparison = &cm
		}
		if st, ok := std[cellKey{r.Key, col.Item}]; ok {
			c.Standardized = &st
		}
		out[i] = c
	}
	return out
}

// withCounts copies the group's tallies into the cells of its published
// figures (hidden figures keep none), and marks the row hidden when all of
// them are.
func withCounts(r *Row, t *scoring.Tallies) {
	g, _ := t.Group(r.Key)
	r.Suppressed = scoring.TooFewAnswers
	for i := range r.Cells {
		c := &r.Cells[i]
		if c.Indicator.Suppressed != scoring.Published {
			c.Mean, c.Comparison, c.Standardized = nil, nil, nil
			continue
		}
		r.Suppressed = scoring.Published
		c.Counts = g.Items[c.Indicator.Item]
		c.Counts.CellKey = 0
	}
}

// labelf returns a label with its {name} placeholders filled in.
func labelf(l i18n.Lang, key string, args ...string) string {
	return strings.NewReplacer(args...).Replace(label(l, key))
}

func footer(cat *catalogue.Catalogue, results []scoring.Result, t *scoring.Tallies, o Options, std bool, comparisons map[cellKey]scoring.Comparison, l i18n.Lang) Footer {
	f := Footer{CatalogueVersion: cat.Version(), LibraryVersion: LibraryVersion()}
	for _, r := range results {
		if s := r.Key.Instrument.String(); !slices.Contains(f.Instruments, s) {
			f.Instruments = append(f.Instruments, s)
		}
	}
	slices.Sort(f.Instruments)
	so := o.Scoring.WithDefaults()
	f.Methods = append(f.Methods,
		label(l, "indicator.recommendation-index")+": "+label(l, "method."+so.IndexMethod.String()),
		label(l, "indicator.agreement-share")+": "+label(l, "method."+so.ShareMethod.String()),
		capitalize(label(l, "report.level"))+" "+i18n.FormatPercent(l, so.Level, 1),
	)
	if o.Scoring.CantSay == scoring.IncludeCantSay {
		f.Methods = append(f.Methods, label(l, "report.cant-say-included"))
	} else {
		f.Methods = append(f.Methods, label(l, "report.cant-say-excluded"))
	}
	f.Methods = append(f.Methods, protectionLines(t, l)...)
	if o.CompareWithin != 0 {
		f.Methods = append(f.Methods, comparisonLines(t, comparisons, l)...)
	}
	if o.CompareWithin != 0 && len(comparisons) > 0 {
		if o.Adjust == stat.NoAdjustment {
			f.Methods = append(f.Methods, capitalize(label(l, "report.adjust.none")))
		} else {
			f.Methods = append(f.Methods, capitalize(label(l, "report.adjust."+o.Adjust.String())+label(l, "report.family."+o.Family.String())))
		}
	}
	if std {
		var names []string
		for _, d := range o.Standardize {
			names = append(names, label(l, "report."+d.String()))
		}
		f.Methods = append(f.Methods, capitalize(label(l, "report.standardized"))+" ("+strings.ToLower(strings.Join(names, ", "))+").")
	}
	return f
}

// comparisonLines describe the comparisons made: with whom, and the
// tests that gave their p-values (only those used), or that none could
// be made.
func comparisonLines(t *scoring.Tallies, comparisons map[cellKey]scoring.Comparison, l i18n.Lang) []string {
	if len(comparisons) == 0 {
		return []string{label(l, "report.compare.none")}
	}
	exact := ""
	for _, c := range comparisons {
		if c.Test == stat.ExactConditional {
			exact = labelf(l, "report.compare.test-exact", "{n}", i18n.FormatInt(l, stat.DefaultExactBelow))
		}
	}
	out := []string{label(l, "report.compare.note"), labelf(l, "report.compare.test", "{exact}", exact)}
	if t.Protected() {
		out = append(out, labelf(l, "report.compare.test-protected", "{n}", i18n.FormatInt(l, scoring.DefaultNoisyFrom)))
	}
	return out
}

// protectionLines describe the disclosure control of tallies: the base
// cells, the noise and the thresholds, or that nothing is protected.
func protectionLines(t *scoring.Tallies, l i18n.Lang) []string {
	p, ok := t.Protection()
	if !ok {
		return []string{label(l, "report.protection.internal")}
	}
	g, _ := t.Base()
	var base []string
	for _, d := range g.By {
		base = append(base, strings.ToLower(label(l, "report."+d.String())))
	}
	base = append(base, label(l, "period."+cmp.Or(g.Period.String(), "all")))
	n := func(x int) string { return i18n.FormatInt(l, int64(x)) }
	threshold := "report.protection.threshold"
	if p.TrustOpenChannels {
		threshold = "report.protection.threshold-trusted"
	}
	return []string{
		labelf(l, "report.protection.method", "{base}", strings.Join(base, " × "), "{exact}", n(p.ExactFrom), "{noise}", n(p.Noise)),
		labelf(l, threshold, "{min}", n(p.MinAnswers), "{comments}", n(p.CommentMin)),
	}
}
