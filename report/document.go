package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
)

// rowName is the label of a row in charts and lists: its group's names,
// and its period when withPeriod is set.
func (t *Table) rowName(r Row, withPeriod bool) string {
	name := strings.Join(slices.DeleteFunc(slices.Clone(r.Labels), func(s string) bool { return s == "" }), " / ")
	if withPeriod && r.Period != "" {
		name += " " + r.Period
	}
	return name
}

// latestPeriod returns the last period of the table's rows ("" for a
// table without periods).
func (t *Table) latestPeriod() string {
	var last string
	for _, r := range t.Rows {
		last = max(last, r.Period)
	}
	return last
}

// periods returns the table's periods in order.
func (t *Table) periods() []string {
	var ps []string
	for _, r := range t.Rows {
		if r.Period != "" && !slices.Contains(ps, r.Period) {
			ps = append(ps, r.Period)
		}
	}
	slices.Sort(ps)
	return ps
}

// total returns the total row of a period (of the table, when it has no
// periods).
func (t *Table) total(period string) (Row, bool) {
	for _, r := range t.Rows {
		if r.Total && r.Period == period {
			return r, true
		}
	}
	return Row{}, false
}

// column returns the index of the first column of an indicator kind.
func (t *Table) column(k scoring.Kind) int {
	return slices.IndexFunc(t.Columns, func(c Column) bool { return c.Kind == k })
}

// IndexPoints returns the chart points of the index of the published rows
// of the table's latest period (of every row, for a table without
// periods), and as the reference the index of that period's total row,
// the overall figure the rows are compared with; ok is false without
// points or without a total.
func (t *Table) IndexPoints() (points []IndexPoint, reference float64, ok bool) {
	i := t.column(scoring.Index)
	if i < 0 {
		return nil, 0, false
	}
	period := t.latestPeriod()
	tot, found := t.total(period)
	if !found || i >= len(tot.Cells) || !tot.Cells[i].Indicator.Valid || tot.Cells[i].Indicator.Suppressed != scoring.Published {
		return nil, 0, false
	}
	for _, r := range t.Rows {
		if r.Total || r.Period != period || i >= len(r.Cells) {
			continue
		}
		ind := r.Cells[i].Indicator
		if ind.Suppressed == scoring.Published && ind.Valid && !ind.Interval.IsZero() {
			points = append(points, IndexPoint{Label: t.rowName(r, false), Estimate: ind.Estimate, Low: ind.Interval.Low, High: ind.Interval.High, N: ind.N})
		}
	}
	return points, tot.Cells[i].Indicator.Estimate, len(points) > 0
}

// FunnelPoints returns the index of the published rows of the latest
// period against their number of answers, the overall index of that
// period's total and the funnel limits around it at the rows' sizes
// ([stat.IndexFunnel], without overdispersion).
func (t *Table) FunnelPoints() (points []FunnelPoint, target float64, limits []stat.FunnelLimits, ok bool) {
	i := t.column(scoring.Index)
	if i < 0 {
		return nil, 0, nil, false
	}
	period := t.latestPeriod()
	tot, found := t.total(period)
	if !found || i >= len(tot.Cells) {
		return nil, 0, nil, false
	}
	ti := tot.Cells[i].Indicator
	if !ti.Valid || ti.Suppressed != scoring.Published || ti.N == 0 {
		return nil, 0, nil, false
	}
	var maxN int64
	for _, r := range t.Rows {
		if i >= len(r.Cells) {
			continue
		}
		ind := r.Cells[i].Indicator
		if !r.Total && r.Period == period && ind.Suppressed == scoring.Published && ind.Valid {
			points = append(points, FunnelPoint{Label: t.rowName(r, false), Estimate: ind.Estimate, N: ind.N})
			maxN = max(maxN, ind.N)
		}
	}
	if len(points) < 2 {
		return nil, 0, nil, false
	}
	ns := []int64{}
	for k := int64(1); k <= 60; k++ { // a smooth curve from n = 5 to the largest unit
		n := 5 + (maxN*21/20-5)*k/60
		if len(ns) == 0 || n > ns[len(ns)-1] {
			ns = append(ns, n)
		}
	}
	for _, p := range points {
		ns = append(ns, p.N)
	}
	slices.Sort(ns)
	ns = slices.Compact(ns)
	p0, d0 := float64(ti.Positive)/float64(ti.N), float64(ti.Negative)/float64(ti.N)
	return points, ti.Estimate, stat.IndexFunnel(p0, d0, ns, 1), true
}

// TrendSeries returns, for a table with periods, the index of each group
// by period (hidden periods without value) and of the total, in the
// table's row order with the total last.
func (t *Table) TrendSeries() []TrendSeries {
	i := t.column(scoring.Index)
	if i < 0 || len(t.periods()) < 2 {
		return nil
	}
	// Series by name, groups first and totals after them, in row order.
	var groups, totals []TrendSeries
	for _, r := range t.Rows {
		list := &groups
		if r.Total {
			list = &totals
		}
		name := t.rowName(r, false)
		k := slices.IndexFunc(*list, func(s TrendSeries) bool { return s.Label == name })
		if k < 0 {
			k = len(*list)
			*list = append(*list, TrendSeries{Label: name})
		}
		var ind scoring.Indicator
		if i < len(r.Cells) {
			ind = r.Cells[i].Indicator
		}
		p := TrendPoint{Period: r.Period, Instrument: r.Key.Instrument.String()}
		if ind.Valid && ind.Suppressed == scoring.Published {
			p.Valid, p.Estimate, p.Low, p.High, p.N = true, ind.Estimate, ind.Interval.Low, ind.Interval.High, ind.N
		}
		(*list)[k].Points = append((*list)[k].Points, p)
	}
	out := append(groups, totals...)
	for k := range out {
		slices.SortStableFunc(out[k].Points, func(a, b TrendPoint) int { return strings.Compare(a.Period, b.Period) })
	}
	return out
}

// DistributionRows returns the agree-scale distribution of each agree
// item published in a row.
func (t *Table) DistributionRows(r Row) []DistributionRow {
	var out []DistributionRow
	for i, c := range t.Columns {
		if c.Kind != scoring.Agreement || i >= len(r.Cells) || r.Cells[i].Indicator.Suppressed != scoring.Published {
			continue
		}
		dr := DistributionRow{Label: c.Heading}
		copy(dr.Counts[:], r.Cells[i].Counts.Counts[:6])
		out = append(out, dr)
	}
	return out
}

// agreeLabels returns the labels of the values of the scale of the
// table's first agree item (the national agree scale, 1–5 and can't-say),
// in the table's language.
func (t *Table) agreeLabels() [6]string {
	var out [6]string
	i := t.column(scoring.Agreement)
	if i < 0 || len(t.Rows) == 0 {
		return out
	}
	o := t.Options
	s, ok := scoring.CatalogueScales(o.catalogue(), o.Templates...)(t.Rows[0].Key.Instrument, t.Columns[i].Item)
	if !ok {
		return out
	}
	for v := range out {
		if ts, ok := s.Label(v); ok {
			if txt, err := ts.Lookup(t.Lang, i18n.English); err == nil {
				out[v] = txt.Value
			}
		}
	}
	return out
}

// maxTrendLines is the most groups drawn as lines in one trend chart;
// with more, the chart shows the total only.
const maxTrendLines = 8

// Document returns the table as a document: the table; for a table with
// periods, a trend chart of the index with a line per group; for the
// latest period (the whole table without periods) a chart of the index by
// row with the period's total as reference line, a funnel chart when the
// rows were compared with each other, and the distribution of the
// agree-scale answers of the period's total.
func (t *Table) Document() *Document {
	l := t.Lang
	d := &Document{Lang: l, Title: t.Title, Footer: t.footerLines()}
	d.Blocks = append(d.Blocks, Block{Table: t})
	period := t.latestPeriod()
	of := func(title string) string {
		if period == "" {
			return title
		}
		return title + ", " + fmt.Sprintf(label(l, "chart.period-of"), period)
	}
	if series := t.TrendSeries(); len(series) > 0 {
		if len(series) > maxTrendLines+1 {
			series = series[len(series)-1:]
		}
		c := TrendChartOf("trend", l, label(l, "chart.trend-by-group"), series)
		d.Blocks = append(d.Blocks, Block{Heading: c.Title}, Block{Chart: &c})
	}
	if points, ref, ok := t.IndexPoints(); ok {
		c := IndexChart("index", l, points, ref)
		d.Blocks = append(d.Blocks, Block{Heading: of(c.Title)}, Block{Chart: &c})
	}
	if t.Options.CompareWithin != 0 {
		if points, target, limits, ok := t.FunnelPoints(); ok {
			c := FunnelChart("funnel", l, points, target, limits)
			d.Blocks = append(d.Blocks, Block{Heading: of(c.Title)}, Block{Chart: &c})
		}
	}
	if tot, ok := t.total(period); ok && tot.Suppressed == scoring.Published {
		if rows := t.DistributionRows(tot); len(rows) > 0 {
			c := DistributionChart("distribution", l, rows, t.agreeLabels())
			d.Blocks = append(d.Blocks, Block{Heading: of(c.Title)}, Block{Chart: &c})
		}
	}
	return d
}

//go:embed data/discussion.json
var discussionJSON []byte

var discussion = sync.OnceValue(func() map[string][]string {
	var f struct {
		About     string              `json:"about"`
		Questions map[string][]string `json:"questions"`
	}
	dec := json.NewDecoder(bytes.NewReader(discussionJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		panic("report: embedded discussion questions: " + err.Error())
	}
	return f.Questions
})

// DiscussionQuestions returns questions a supervisor can go through with
// staff, in language l (English where l has none). They are this
// library's own wording (data/discussion.json), not national material.
func DiscussionQuestions(l i18n.Lang) []string {
	if q, ok := discussion()[l.String()]; ok {
		return slices.Clone(q)
	}
	return slices.Clone(discussion()[i18n.English.String()])
}
