package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

// UnitInput is what a unit report is made from.
type UnitInput struct {
	// Monthly are tallies grouped by unit and month, of the unit and its
	// peers (the units it is compared with, such as the same service in
	// the county).
	Monthly *scoring.Tallies
	// Unit is the unit's code.
	Unit string
	// Comments are the unit's comments with the time each was
	// submitted, in any order; the report shows the newest, by month,
	// drops non-answers and repeats, and redacts personal data. Only
	// comments of months published (up to the protection's Through) in
	// which the unit's own figures rest on at least CommentMin certain
	// gated answers are shown: a comment of a month with fewer would be a
	// few people's own words, and a month still open would be published
	// before its figures.
	Comments []Comment
	// MaxComments caps the comments shown; 0 means 5.
	MaxComments int
}

// Comment is a respondent's open feedback with the time it was
// submitted.
type Comment struct {
	Submitted time.Time
	Text      string
}

// UnitReport makes the report a supervisor goes through with staff: the
// unit's figures against its peer group (the other units combined: the
// row shows exactly what the ▲/▼ comparison uses), its strongest and
// weakest statements, the recommendation index by month, the latest
// comments (redacted, and only from published months in which the unit
// has enough certain answers; see UnitInput.Comments) and a set of
// discussion questions. in.Monthly must be protected unless
// o.Internal is set.
func UnitReport(in UnitInput, o Options) (*Document, error) {
	l := o.lang()
	g := in.Monthly.Grouping()
	if g.Period != scoring.Month || !slices.Contains(g.By, scoring.ByUnit) {
		return nil, fmt.Errorf("report: a unit report needs tallies by unit and month: %w", scoring.ErrGrouping)
	}
	o.By = []scoring.Dimension{scoring.ByUnit}
	o.CompareWithin = scoring.ByUnit
	all, err := Build(in.Monthly.WithoutPeriods(), o)
	if err != nil {
		return nil, err
	}
	unitRow := slices.IndexFunc(all.Rows, func(r Row) bool { return !r.Total && r.Key.Unit == in.Unit })
	totalRow := slices.IndexFunc(all.Rows, func(r Row) bool { return r.Total })
	if unitRow < 0 {
		return nil, fmt.Errorf("report: no responses from unit %q", in.Unit)
	}
	unit := all.Rows[unitRow]
	name := unit.Labels[0]
	tbl := *all
	tbl.Rows = []Row{unit}
	if totalRow >= 0 {
		others := in.Monthly.WithoutPeriods().Select(func(k scoring.Key) bool { return k.Unit != in.Unit }).Regroup()
		po := o
		po.By, po.CompareWithin = []scoring.Dimension{}, 0
		rest, err := Build(others, po)
		if err != nil {
			return nil, err
		}
		for _, peer := range rest.Rows {
			if peer.Key.Instrument == unit.Key.Instrument {
				peer.Labels = []string{label(l, "report.peer-group")}
				peer.Total = true
				tbl.Rows = append(tbl.Rows, alignCells(peer, rest.Columns, tbl.Columns))
			}
		}
	}
	doc := &Document{Lang: l, Title: label(l, "report.title.unit") + ": " + name, Footer: tbl.footerLines()}
	doc.Blocks = append(doc.Blocks, Block{Table: &tbl})

	if unit.Suppressed == scoring.Published {
		strong, weak := strongestWeakest(&tbl, unit, 2)
		if len(strong) > 0 {
			doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "report.strongest")}, Block{List: strong},
				Block{Heading: label(l, "report.weakest")}, Block{List: weak})
		}
		if rows := tbl.DistributionRows(unit); len(rows) > 0 {
			c := DistributionChart("unit-distribution", l, rows, tbl.agreeLabels())
			doc.Blocks = append(doc.Blocks, Block{Heading: c.Title}, Block{Chart: &c})
		}
	}
	if points, data := trend(in, o); len(points) > 0 {
		c := TrendChart("trend", l, points)
		doc.Blocks = append(doc.Blocks, Block{Heading: c.Title}, Block{Chart: &c, Data: data})
	}
	doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "report.comments")})
	if quotes := shownComments(in, o); len(quotes) == 0 {
		doc.Blocks = append(doc.Blocks, Block{Paragraph: label(l, "report.comments-hidden")})
	} else {
		doc.Blocks = append(doc.Blocks, Block{Quotes: quotes})
	}
	doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "report.discussion")}, Block{List: DiscussionQuestions(l)})
	return doc, nil
}

// shownComments returns the comments a unit report may show, newest
// first, each with its month: those of published months in which the
// unit's own figures rest on at least CommentMin certain gated answers
// (with raw tallies of an internal report, answers), redacted, without
// non-answers and repeats, at most MaxComments.
func shownComments(in UnitInput, o Options) []string {
	commentMin := int64(scoring.DefaultCommentMin)
	p, protected := in.Monthly.Protection()
	if protected {
		commentMin = int64(p.CommentMin)
	}
	helsinki, err := survey.Helsinki()
	if err != nil {
		return nil
	}
	// The months the unit's figures allow comments in.
	open := map[scoring.Date]bool{}
	cat := o.catalogue()
	results, _ := scoring.Score(in.Monthly.Regroup(scoring.ByUnit), cat, scoring.CatalogueScales(cat, o.Templates...), o.Scoring)
	for _, r := range results {
		if r.Key.Unit != in.Unit {
			continue
		}
		for _, ind := range r.Indicators {
			if ind.Suppressed == scoring.Published && ind.Certain >= commentMin {
				open[r.Key.Period.Start] = true
			}
		}
	}
	cs := slices.Clone(in.Comments)
	// Newest first; the text decides between equal times.
	slices.SortFunc(cs, func(a, b Comment) int {
		return cmp.Or(b.Submitted.Compare(a.Submitted), strings.Compare(a.Text, b.Text))
	})
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if len(out) == cmp.Or(in.MaxComments, 5) {
			break
		}
		d := scoring.DateOf(c.Submitted.In(helsinki))
		month := scoring.Date{Year: d.Year, Month: d.Month, Day: 1}
		if !open[month] || (protected && d.Compare(p.Through) > 0) || survey.IsNonAnswer(c.Text) {
			continue
		}
		text := survey.Redact(c.Text).Text
		if seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, i18n.FormatMonth(o.lang(), month.Year, month.Month)+": "+text)
	}
	return out
}

// strongestWeakest lists the n statements with the highest and the
// lowest agreement share in a row.
func strongestWeakest(t *Table, r Row, n int) (strong, weak []string) {
	type st struct {
		heading string
		share   float64
	}
	var all []st
	for i, c := range t.Columns {
		if ind := r.Cells[i].Indicator; c.Kind == scoring.Agreement && ind.Valid {
			all = append(all, st{c.Heading, ind.Estimate})
		}
	}
	if len(all) < 2 {
		return nil, nil
	}
	slices.SortStableFunc(all, func(a, b st) int { return cmp.Compare(b.share, a.share) })
	n = min(n, len(all)/2)
	for _, s := range all[:n] {
		strong = append(strong, s.heading+": "+i18n.FormatPercent(t.Lang, s.share, 0))
	}
	for k := len(all) - 1; k >= len(all)-n; k-- {
		weak = append(weak, all[k].heading+": "+i18n.FormatPercent(t.Lang, all[k].share, 0))
	}
	return strong, weak
}

// trend returns the unit's index by month (hidden months have no value)
// and the records behind it.
func trend(in UnitInput, o Options) ([]TrendPoint, []Record) {
	cat := o.catalogue()
	results, _ := scoring.Score(in.Monthly.Regroup(scoring.ByUnit), cat, scoring.CatalogueScales(cat, o.Templates...), o.Scoring)
	var out []TrendPoint
	var data []Record
	for _, r := range results {
		ind, ok := r.OfKind(scoring.Index)
		if r.Key.Unit != in.Unit || !ok {
			continue
		}
		p := TrendPoint{Period: r.Key.Period.String(), Instrument: r.Key.Instrument.String()}
		if ind.Valid && ind.Suppressed == scoring.Published {
			p.Valid, p.Estimate, p.Low, p.High, p.N = true, ind.Estimate, ind.Interval.Low, ind.Interval.High, ind.N
		}
		out = append(out, p)
		data = append(data, recordOf(map[string]string{scoring.ByUnit.String(): in.Unit}, r.Key, false, ind))
	}
	slices.SortStableFunc(out, func(a, b TrendPoint) int { return cmp.Compare(a.Period, b.Period) })
	slices.SortStableFunc(data, func(a, b Record) int { return cmp.Compare(a.Period, b.Period) })
	return out, data
}

// alignCells returns r with its cells in the order of the columns to,
// given that they are in the order of from (a table may lack an item
// another has); missing cells are empty.
func alignCells(r Row, from, to []Column) Row {
	cells := make([]Cell, len(to))
	for i, c := range to {
		cells[i] = Cell{Indicator: scoring.Indicator{Item: c.Item, Kind: c.Kind, Estimate: math.NaN()}}
		if j := slices.IndexFunc(from, func(f Column) bool { return f.Item == c.Item && f.Kind == c.Kind }); j >= 0 {
			cells[i] = r.Cells[j]
		}
	}
	r.Cells = cells
	return r
}
