package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
)

// rowName is the label of a row in charts and lists.
func (t *Table) rowName(r Row) string {
	name := strings.Join(slices.DeleteFunc(slices.Clone(r.Labels), func(s string) bool { return s == "" }), " / ")
	if r.Period != "" {
		name += " " + r.Period
	}
	return name
}

// total returns the table's first total row, if any.
func (t *Table) total() (Row, bool) {
	for _, r := range t.Rows {
		if r.Total {
			return r, true
		}
	}
	return Row{}, false
}

// column returns the index of the first column of an indicator kind.
func (t *Table) column(k scoring.Kind) int {
	return slices.IndexFunc(t.Columns, func(c Column) bool { return c.Kind == k })
}

// IndexPoints returns the chart points of the published rows' index, and
// the total's index as the reference (NaN without a total).
func (t *Table) IndexPoints() (points []IndexPoint, reference float64, ok bool) {
	i := t.column(scoring.Index)
	if i < 0 {
		return nil, 0, false
	}
	for _, r := range t.Rows {
		ind := r.Cells[i].Indicator
		if r.Total {
			if ind.Valid {
				reference, ok = ind.Estimate, true
			}
			continue
		}
		if ind.Suppressed == scoring.Published && ind.Valid && !ind.Interval.IsZero() {
			points = append(points, IndexPoint{Label: t.rowName(r), Estimate: ind.Estimate, Low: ind.Interval.Low, High: ind.Interval.High, N: ind.N})
		}
	}
	return points, reference, ok && len(points) > 0
}

// DistributionRows returns the agree-scale distribution of each agree
// item published in a row.
func (t *Table) DistributionRows(r Row) []DistributionRow {
	var out []DistributionRow
	for i, c := range t.Columns {
		if c.Kind != scoring.Agreement || r.Cells[i].Indicator.Suppressed != scoring.Published {
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

// Document returns the table as a document: the table, a chart of the
// index by row with the total as reference line, and the distribution of
// the agree-scale answers of all groups together.
func (t *Table) Document() *Document {
	l := t.Lang
	d := &Document{Lang: l, Title: t.Title, Footer: t.footerLines()}
	d.Blocks = append(d.Blocks, Block{Table: t})
	if points, ref, ok := t.IndexPoints(); ok {
		chart := IndexChart("index", l, points, ref)
		d.Blocks = append(d.Blocks, Block{Heading: label(l, "chart.index-by-unit")}, Block{Chart: chart, Alt: altText(chart)})
	}
	if tot, ok := t.total(); ok {
		if rows := t.DistributionRows(tot); len(rows) > 0 && tot.Suppressed == scoring.Published {
			chart := DistributionChart("distribution", l, rows, t.agreeLabels())
			d.Blocks = append(d.Blocks, Block{Heading: label(l, "chart.distribution")}, Block{Chart: chart, Alt: altText(chart)})
		}
	}
	return d
}

// altText takes a chart's description as its text alternative.
func altText(svg string) string {
	_, rest, ok := strings.Cut(svg, `-desc">`)
	if !ok {
		return ""
	}
	desc, _, _ := strings.Cut(rest, "</desc>")
	return htmlUnescape(desc)
}

func htmlUnescape(s string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&")
	return r.Replace(s)
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
