package report

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
)

// Charts are inline SVG: no JavaScript, no external files. Each has a
// title and a description for screen readers (role="img" with
// aria-labelledby), a <title> tooltip on every mark, and works in print
// (marks differ by position and label, not by colour alone).

// IndexPoint is one unit of an index chart.
type IndexPoint struct {
	Label               string
	Estimate, Low, High float64
	N                   int64
}

// DistributionRow is one statement of a distribution chart: answers by
// value on the 1–5 agree scale (Counts[v]); can't-say answers are not
// drawn.
type DistributionRow struct {
	Label  string
	Counts [6]int64
}

// TrendPoint is one period of a trend chart.
type TrendPoint struct {
	Period              string
	Instrument          string
	Valid               bool
	Estimate, Low, High float64
	N                   int64
}

func esc(s string) string { return html.EscapeString(s) }

// svgOpen writes the start of an accessible chart.
func svgOpen(b *strings.Builder, id string, w, h float64, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`, id, id, w, h, w, h)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(title), id, esc(desc))
}

// IndexChart draws each unit's index as a dot with interval whiskers,
// and a vertical reference line (the peer group's index), on a scale
// from −100 to 100 narrowed to the data.
func IndexChart(id string, l i18n.Lang, points []IndexPoint, reference float64) string {
	const left, right, top, rowH = 230.0, 30.0, 30.0, 24.0
	w := 720.0
	h := top + rowH*float64(len(points)) + 30
	lo, hi := reference, reference
	for _, p := range points {
		lo, hi = math.Min(lo, p.Low), math.Max(hi, p.High)
	}
	lo = math.Max(-100, math.Floor(lo/20)*20)
	hi = math.Min(100, math.Ceil(hi/20)*20)
	if hi <= lo {
		lo, hi = -100, 100
	}
	x := func(v float64) float64 { return left + (v-lo)/(hi-lo)*(w-left-right) }
	var desc []string
	for _, p := range points {
		desc = append(desc, fmt.Sprintf("%s %s (%s)", p.Label, value(l, scoring.Index, p.Estimate), interval(l, scoring.Index, scoring.Interval{Low: p.Low, High: p.High, Method: scoring.AdjustedWald})))
	}
	var b strings.Builder
	title := label(l, "chart.index-by-unit")
	svgOpen(&b, id, w, h, title, strings.Join(desc, "; "))
	for v := lo; v <= hi; v += 20 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, x(v), top-8, x(v), h-24)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">%s</text>`, x(v), h-8, esc(i18n.FormatDecimal(l, v, 0)))
	}
	fmt.Fprintf(&b, `<g class="reference"><title>%s %s</title><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="4 3"/><text x="%.1f" y="%.1f" text-anchor="middle" fill="#333">%s %s</text></g>`,
		esc(label(l, "chart.reference")), esc(value(l, scoring.Index, reference)), x(reference), top-8, x(reference), h-24, x(reference), top-14, esc(label(l, "chart.reference")), esc(value(l, scoring.Index, reference)))
	for i, p := range points {
		y := top + rowH*float64(i) + rowH/2
		fmt.Fprintf(&b, `<g class="unit"><title>%s</title>`, esc(desc[i]+", n = "+i18n.FormatInt(l, p.N)))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, left-10, y, esc(p.Label))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#1f5f8b" stroke-width="2"/>`, x(p.Low), y, x(p.High), y)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="5" fill="#1f5f8b"/></g>`, x(p.Estimate), y)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// distribution colours from disagree (1) to agree (5); the labels and
// order carry the meaning in print.
var distColours = [6]string{"", "#b2182b", "#ef8a62", "#cccccc", "#67a9cf", "#2166ac"}

// DistributionChart draws diverging stacked bars: for each statement the
// shares of answers 1–5, disagreeing to the left of the centre line and
// agreeing to the right, the neutral middle split across it.
func DistributionChart(id string, l i18n.Lang, rows []DistributionRow, scaleLabels [6]string) string {
	const left, right, legendH, rowH = 230.0, 30.0, 18.0, 26.0
	top := 12 + 5*legendH // a legend line for each value: labels are long
	w := 720.0
	h := top + rowH*float64(len(rows)) + 20
	mid := left + (w-left-right)/2
	half := (w - left - right) / 2
	var desc []string
	for _, r := range rows {
		var n int64
		for v := 1; v <= 5; v++ {
			n += r.Counts[v]
		}
		var parts []string
		for v := 5; v >= 1; v-- {
			parts = append(parts, fmt.Sprintf("%d: %s", v, share(l, r.Counts[v], n)))
		}
		desc = append(desc, r.Label+" "+strings.Join(parts, ", "))
	}
	var b strings.Builder
	svgOpen(&b, id, w, h, label(l, "chart.distribution"), strings.Join(desc, "; "))
	// Legend, from agreeing (5) down, one line each.
	for v := 5; v >= 1; v-- {
		ly := 6 + float64(5-v)*legendH
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s"/><text x="%.1f" y="%.1f">%s</text>`, left, ly, distColours[v], left+18, ly+10, esc(fmt.Sprintf("%d %s", v, scaleLabels[v])))
	}
	for i, r := range rows {
		y := top + rowH*float64(i)
		var n int64
		for v := 1; v <= 5; v++ {
			n += r.Counts[v]
		}
		fmt.Fprintf(&b, `<g class="statement"><text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, left-10, y+rowH/2-2, esc(r.Label))
		frac := func(v int) float64 {
			if n == 0 {
				return 0
			}
			return float64(r.Counts[v]) / float64(n) * half
		}
		// Left side, from the centre outwards: half of 3, then 2, then 1.
		xl := mid - frac(3)/2
		segments := [6][2]float64{}
		segments[3] = [2]float64{xl, frac(3)}
		segments[2] = [2]float64{xl - frac(2), frac(2)}
		segments[1] = [2]float64{xl - frac(2) - frac(1), frac(1)}
		xr := mid + frac(3)/2
		segments[4] = [2]float64{xr, frac(4)}
		segments[5] = [2]float64{xr + frac(4), frac(5)}
		for v := 1; v <= 5; v++ {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
				segments[v][0], y, segments[v][1], rowH-8, distColours[v], esc(fmt.Sprintf("%s, %d %s: %s (%s)", r.Label, v, scaleLabels[v], share(l, r.Counts[v], n), i18n.FormatInt(l, r.Counts[v]))))
		}
		b.WriteString(`</g>`)
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`, mid, top-4, mid, h-16)
	b.WriteString(`</svg>`)
	return b.String()
}

func share(l i18n.Lang, x, n int64) string {
	if n == 0 {
		return i18n.NoValue
	}
	return i18n.FormatPercent(l, float64(x)/float64(n), 0)
}

// TrendChart draws the index by period as a line with its interval band.
// Where the instrument version changes, the line and band break and the
// change is marked, since figures of different versions are not one
// series.
func TrendChart(id string, l i18n.Lang, points []TrendPoint) string {
	const left, right, top, bottom = 60.0, 50.0, 30.0, 40.0
	w, h := 720.0, 280.0
	lo, hi := 100.0, -100.0
	for _, p := range points {
		if p.Valid {
			lo, hi = math.Min(lo, p.Low), math.Max(hi, p.High)
		}
	}
	lo = math.Max(-100, math.Floor(lo/20)*20)
	hi = math.Min(100, math.Ceil(hi/20)*20)
	if hi <= lo {
		lo, hi = -100, 100
	}
	step := (w - left - right) / math.Max(1, float64(len(points)-1))
	x := func(i int) float64 { return left + float64(i)*step }
	y := func(v float64) float64 { return top + (hi-v)/(hi-lo)*(h-top-bottom) }
	var desc []string
	for _, p := range points {
		if p.Valid {
			desc = append(desc, fmt.Sprintf("%s %s (%s), n = %s", p.Period, value(l, scoring.Index, p.Estimate), interval(l, scoring.Index, scoring.Interval{Low: p.Low, High: p.High, Method: scoring.AdjustedWald}), i18n.FormatInt(l, p.N)))
		} else {
			desc = append(desc, p.Period+" "+label(l, "report.no-value"))
		}
	}
	var b strings.Builder
	svgOpen(&b, id, w, h, label(l, "report.trend"), strings.Join(desc, "; "))
	for v := lo; v <= hi; v += 20 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="#555">%s</text>`,
			left, y(v), w-right, y(v), left-6, y(v), esc(i18n.FormatDecimal(l, v, 0)))
	}
	// Segments of one instrument version with values.
	var seg []int
	flush := func() {
		if len(seg) == 0 {
			return
		}
		var band, line []string
		for _, i := range seg {
			band = append(band, fmt.Sprintf("%.1f,%.1f", x(i), y(points[i].High)))
			line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y(points[i].Estimate)))
		}
		for k := len(seg) - 1; k >= 0; k-- {
			band = append(band, fmt.Sprintf("%.1f,%.1f", x(seg[k]), y(points[seg[k]].Low)))
		}
		fmt.Fprintf(&b, `<polygon class="band" points="%s" fill="#1f5f8b" fill-opacity="0.15"/>`, strings.Join(band, " "))
		fmt.Fprintf(&b, `<polyline class="line" points="%s" fill="none" stroke="#1f5f8b" stroke-width="2"/>`, strings.Join(line, " "))
		seg = seg[:0]
	}
	for i, p := range points {
		if i > 0 && p.Instrument != points[i-1].Instrument {
			flush()
			bx := (x(i-1) + x(i)) / 2
			fmt.Fprintf(&b, `<g class="version-break"><title>%s: %s → %s</title><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#b2182b" stroke-dasharray="6 4"/><text x="%.1f" y="%.1f" text-anchor="middle" fill="#b2182b">%s</text></g>`,
				esc(capitalize(label(l, "report.version-break"))), esc(points[i-1].Instrument), esc(p.Instrument), bx, top-10, bx, h-bottom, bx, top-14, esc(label(l, "report.version-break")))
		}
		if p.Valid {
			seg = append(seg, i)
		} else {
			flush()
		}
	}
	flush()
	for i, p := range points {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">%s</text>`, x(i), h-bottom+18, esc(p.Period))
		if p.Valid {
			// A whisker too, so a month standing alone (its neighbours
			// without value) still shows its interval.
			fmt.Fprintf(&b, `<line class="whisker" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#1f5f8b"/>`, x(i), y(p.Low), x(i), y(p.High))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#1f5f8b"><title>%s</title></circle>`, x(i), y(p.Estimate), esc(desc[i]))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}
