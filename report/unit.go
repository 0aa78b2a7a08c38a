package report

import (
	"cmp"
	"fmt"
	"slices"

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
	// Comments are the unit's latest comments, newest first, as written;
	// the report drops non-answers and redacts personal data.
	Comments []string
	// MaxComments caps the comments shown; 0 means 5.
	MaxComments int
}

// UnitReport makes the report a supervisor goes through with staff: the
// unit's figures against its peer group (the other units combined), its
// strongest and weakest statements, the recommendation index by month,
// the latest comments (redacted, and only when the unit has enough
// responses) and a set of discussion questions.
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
		peer := all.Rows[totalRow]
		peer.Labels = []string{label(l, "report.peer-group")}
		tbl.Rows = append(tbl.Rows, peer)
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
			chart := DistributionChart("unit-distribution", l, rows, tbl.agreeLabels())
			doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "chart.distribution")}, Block{Chart: chart, Alt: altText(chart)})
		}
	}
	if points := trend(in, o); len(points) > 0 {
		chart := TrendChart("trend", l, points)
		doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "report.trend")}, Block{Chart: chart, Alt: altText(chart)})
	}
	doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "report.comments")})
	commentMin := cmp.Or(o.Suppression.CommentMin, scoring.DefaultCommentMin)
	if unit.Suppressed != scoring.Published || unit.Responses < int64(commentMin) {
		doc.Blocks = append(doc.Blocks, Block{Paragraph: label(l, "report.comments-hidden")})
	} else {
		var quotes []string
		for _, c := range in.Comments {
			if len(quotes) == cmp.Or(in.MaxComments, 5) {
				break
			}
			if !survey.IsNonAnswer(c) {
				quotes = append(quotes, survey.Redact(c).Text)
			}
		}
		doc.Blocks = append(doc.Blocks, Block{Quotes: quotes})
	}
	doc.Blocks = append(doc.Blocks, Block{Heading: label(l, "report.discussion")}, Block{List: DiscussionQuestions(l)})
	return doc, nil
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

// trend returns the unit's index by month; months with fewer responses
// than the suppression threshold have no value.
func trend(in UnitInput, o Options) []TrendPoint {
	cat := o.catalogue()
	results, _ := scoring.Score(in.Monthly.Regroup(scoring.ByUnit), cat, scoring.CatalogueScales(cat, o.Templates...), o.Scoring)
	min := cmp.Or(o.Suppression.MinResponses, scoring.DefaultMinResponses)
	var out []TrendPoint
	for _, r := range results {
		if r.Key.Unit != in.Unit {
			continue
		}
		p := TrendPoint{Period: r.Key.Period.String(), Instrument: r.Key.Instrument.String()}
		if ind, ok := r.OfKind(scoring.Index); ok && ind.Valid && r.Responses >= int64(min) {
			p.Valid, p.Estimate, p.Low, p.High, p.N = true, ind.Estimate, ind.Interval.Low, ind.Interval.High, ind.N
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b TrendPoint) int { return cmp.Compare(a.Period, b.Period) })
	return out
}
