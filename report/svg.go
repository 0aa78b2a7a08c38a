package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
)

// Charts are inline SVG: no JavaScript, no external files. Each has a
// title and a description for screen readers (role="img" with
// aria-labelledby), a <title> tooltip on every mark, axis titles and
// value scales, and works in print (marks differ by position, shape and
// label, not by colour alone).
//
// They are drawn for narrow screens first: a 440-unit wide viewBox with
// 13-unit text and the labels above their rows, so that a chart scaled to
// a 320 px phone keeps its text at about 8.5 px and to a 390 px phone at
// about 10.5 px, and no label is cut: a label longer than a row has room
// for ends in "…", with the whole text in the mark's <title>.

// Chart is an accessible SVG chart made by this package. Its markup is
// built from escaped text only, so a page can insert it as it is; the
// zero Chart draws nothing. The id a chart constructor takes names the
// chart's title and description elements: it is written with every
// character but ASCII letters, digits, '-' and '_' replaced by '_', and
// with "chart-" before it unless it starts with a letter. Points that
// cannot be drawn (NaN or infinite values) are left out.
type Chart struct {
	// Title names the chart; Desc is its text alternative: every figure
	// the chart shows, for screen readers and Markdown.
	Title, Desc string
	svg         string
}

// SVG returns the chart's markup for html/template.
func (c Chart) SVG() template.HTML { return template.HTML(c.svg) } // built from escaped text only

// String returns the chart's markup.
func (c Chart) String() string { return c.svg }

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

// TrendSeries is one group's line in a trend chart.
type TrendSeries struct {
	Label  string
	Points []TrendPoint
}

// FunnelPoint is one unit of a funnel chart.
type FunnelPoint struct {
	Label    string
	Estimate float64
	N        int64
}

// Geometry of every chart, in viewBox units.
const (
	chartW   = 440.0
	chartPad = 8.0
	fontSize = 13.0
	lineH    = 16.0
	// labelChars is about how many characters of 13-unit text fit the
	// chart's width.
	labelChars = 58
)

func esc(s string) string { return html.EscapeString(s) }

// fit shortens s to at most n characters, ending in "…".
func fit(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// svg is a chart being drawn.
type svg struct {
	strings.Builder
	title, desc string
}

// chartID returns id as the chart writes it into id attributes and
// references: ASCII letters, digits, '-' and '_', every other byte
// replaced by '_', starting with a letter ("chart" for an empty id), so
// that no id can end an attribute or split a reference list.
func chartID(id string) string {
	b := []byte(id)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	switch {
	case len(b) == 0:
		return "chart"
	case !(b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z'):
		return "chart-" + string(b)
	}
	return string(b)
}

// finite reports whether every value can be drawn (no NaN, no infinity).
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// open writes the start of an accessible chart. id names its title and
// description elements (see chartID).
func (b *svg) open(id string, h float64) {
	id = chartID(id)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="%.0f">`, id, id, chartW, h, fontSize)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(b.title), id, esc(b.desc))
}

func (b *svg) close() Chart {
	b.WriteString(`</svg>`)
	return Chart{Title: b.title, Desc: b.desc, svg: b.String()}
}

// tick writes a label centred under x, or ending or starting there at
// the chart's edges, so that no label is cut off.
func (b *svg) tick(x, y float64, s string) {
	anchor := "middle"
	half := float64(len([]rune(s))) * fontSize * 0.3 // about half the label's width
	switch {
	case x-half < 0:
		anchor = "start"
		x = max(x-4, 1)
	case x+half > chartW:
		anchor = "end"
		x = min(x+4, chartW-1)
	}
	b.text(x, y, anchor, "#555", s)
}

// text writes a text element; anchor is start, middle or end.
func (b *svg) text(x, y float64, anchor, fill, s string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="%s" fill="%s">%s</text>`, x, y, anchor, fill, esc(s))
}

// axis is a linear scale from lo to hi onto the pixels a to b.
type axis struct{ lo, hi, a, b float64 }

func (s axis) at(v float64) float64 { return s.a + (v-s.lo)/(s.hi-s.lo)*(s.b-s.a) }

// indexRange narrows −100…100 to the values in steps of 20.
func indexRange(vs ...float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	lo = math.Max(-100, math.Floor(lo/20)*20)
	hi = math.Min(100, math.Ceil(hi/20)*20)
	if !(hi > lo) {
		return -100, 100
	}
	return lo, hi
}

// ticks returns the tick step for a range, so that at most about six
// labels are drawn.
func ticks(lo, hi float64) float64 {
	for _, s := range []float64{10, 20, 25, 50, 100} {
		if (hi-lo)/s <= 6 {
			return s
		}
	}
	return 100
}

// xAxis draws vertical grid lines and labels from top to bottom, and the
// axis title under them.
func (b *svg) xAxis(l i18n.Lang, s axis, top, bottom float64, title string) {
	step := ticks(s.lo, s.hi)
	for v := math.Ceil(s.lo/step) * step; v <= s.hi+1e-9; v += step {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, s.at(v), top, s.at(v), bottom)
		b.tick(s.at(v), bottom+lineH, i18n.FormatDecimal(l, v, 0))
	}
	b.text(chartW/2, bottom+2*lineH+2, "middle", "#333", title)
}

// IndexChart draws each unit's index as a dot with interval whiskers,
// the unit's name above it, and a vertical reference line (the overall
// index the units are compared with), on a scale from −100 to 100
// narrowed to the data, with its axis title.
func IndexChart(id string, l i18n.Lang, points []IndexPoint, reference float64) Chart {
	points = slices.DeleteFunc(slices.Clone(points), func(p IndexPoint) bool { return !finite(p.Estimate, p.Low, p.High) })
	const top, rowH = 34.0, 40.0
	h := top + rowH*float64(len(points)) + 2*lineH + 12
	vs := []float64{reference}
	for _, p := range points {
		vs = append(vs, p.Low, p.High)
	}
	lo, hi := indexRange(vs...)
	x := axis{lo, hi, chartPad + 6, chartW - chartPad - 6}
	var desc []string
	for _, p := range points {
		desc = append(desc, fmt.Sprintf("%s %s (%s)", p.Label, value(l, scoring.Index, p.Estimate), interval(l, scoring.Index, stat.Interval{Low: p.Low, High: p.High, Method: stat.AdjustedWald})))
	}
	refText := label(l, "chart.reference") + " " + value(l, scoring.Index, reference)
	b := &svg{title: label(l, "chart.index-by-unit"), desc: capitalize(refText) + ". " + strings.Join(desc, "; ")}
	b.open(id, h)
	bottom := top + rowH*float64(len(points))
	b.xAxis(l, x, top-6, bottom, label(l, "chart.axis.index"))
	if finite(reference) {
		fmt.Fprintf(b, `<g class="reference"><title>%s</title><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="4 3"/>`, esc(refText), x.at(reference), top-10, x.at(reference), bottom)
		anchor, rx := "middle", x.at(reference)
		if rx < chartW/4 {
			anchor = "start"
		} else if rx > chartW*3/4 {
			anchor = "end"
		}
		b.text(rx, top-14, anchor, "#333", refText)
		b.WriteString(`</g>`)
	}
	for i, p := range points {
		y := top + rowH*float64(i)
		fmt.Fprintf(b, `<g class="unit"><title>%s</title>`, esc(desc[i]+", n = "+i18n.FormatInt(l, p.N)))
		b.text(chartPad, y+lineH-2, "start", "#222", fit(p.Label, labelChars))
		cy := y + lineH + 12
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#1f5f8b" stroke-width="2"/>`, x.at(p.Low), cy, x.at(p.High), cy)
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="5" fill="#1f5f8b"/></g>`, x.at(p.Estimate), cy)
	}
	return b.close()
}

// distribution colours from disagree (1) to agree (5); the labels and
// order carry the meaning in print.
var distColours = [6]string{"", "#b2182b", "#ef8a62", "#cccccc", "#67a9cf", "#2166ac"}

// DistributionChart draws diverging stacked bars: for each statement the
// shares of answers 1–5, disagreeing to the left of the centre line and
// agreeing to the right, the neutral middle split across it, on a scale
// of shares from the centre outwards, with a legend of the values.
func DistributionChart(id string, l i18n.Lang, rows []DistributionRow, scaleLabels [6]string) Chart {
	const legendH, rowH = 18.0, 40.0
	top := 6 + 5*legendH + 16
	h := top + rowH*float64(len(rows)) + 2*lineH + 12
	mid := chartW / 2
	half := chartW/2 - chartPad - 6
	var desc []string
	for _, r := range rows {
		n := r.Counts[1] + r.Counts[2] + r.Counts[3] + r.Counts[4] + r.Counts[5]
		var parts []string
		for v := 5; v >= 1; v-- {
			parts = append(parts, fmt.Sprintf("%d: %s", v, share(l, r.Counts[v], n)))
		}
		desc = append(desc, r.Label+" "+strings.Join(parts, ", "))
	}
	b := &svg{title: label(l, "chart.distribution"), desc: strings.Join(desc, "; ")}
	b.open(id, h)
	// Legend, from agreeing (5) down, one line each.
	for v := 5; v >= 1; v-- {
		ly := 6 + float64(5-v)*legendH
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s" stroke="#555" stroke-width="0.5"/>`, chartPad, ly, distColours[v])
		b.text(chartPad+18, ly+11, "start", "#222", fit(fmt.Sprintf("%d %s", v, scaleLabels[v]), labelChars-3))
	}
	bottom := top + rowH*float64(len(rows))
	// The scale: shares from the centre outwards, 100 % at each end.
	for _, f := range []float64{-1, -0.5, 0, 0.5, 1} {
		xv := mid + f*half
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, xv, top-4, xv, bottom)
		b.tick(xv, bottom+lineH, i18n.FormatPercent(l, math.Abs(f), 0))
	}
	b.text(mid, bottom+2*lineH+2, "middle", "#333", label(l, "chart.axis.share"))
	for i, r := range rows {
		y := top + rowH*float64(i)
		n := r.Counts[1] + r.Counts[2] + r.Counts[3] + r.Counts[4] + r.Counts[5]
		fmt.Fprintf(b, `<g class="statement"><title>%s</title>`, esc(desc[i]))
		b.text(chartPad, y+lineH-2, "start", "#222", fit(r.Label, labelChars))
		frac := func(v int) float64 {
			if n == 0 {
				return 0
			}
			return float64(r.Counts[v]) / float64(n) * half
		}
		// Left side, from the centre outwards: half of 3, then 2, then 1.
		xl, xr := mid-frac(3)/2, mid+frac(3)/2
		segments := [6][2]float64{
			1: {xl - frac(2) - frac(1), frac(1)}, 2: {xl - frac(2), frac(2)}, 3: {xl, frac(3)},
			4: {xr, frac(4)}, 5: {xr + frac(4), frac(5)},
		}
		for v := 1; v <= 5; v++ {
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
				segments[v][0], y+lineH+2, segments[v][1], rowH-lineH-8, distColours[v], esc(fmt.Sprintf("%s, %d %s: %s (%s)", r.Label, v, scaleLabels[v], share(l, r.Counts[v], n), i18n.FormatInt(l, r.Counts[v]))))
		}
		b.WriteString(`</g>`)
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`, mid, top-4, mid, bottom)
	return b.close()
}

func share(l i18n.Lang, x, n int64) string {
	if n == 0 {
		return i18n.NoValue
	}
	return i18n.FormatPercent(l, float64(x)/float64(n), 0)
}

// series styles: colour and dash pattern, so that lines differ in print
// and without colour too.
var seriesStyles = [...]struct{ colour, dash string }{
	{"#1f5f8b", ""}, {"#b2182b", "6 3"}, {"#1b7837", "2 3"}, {"#762a83", "8 3 2 3"},
	{"#8c510a", "4 4"}, {"#01665e", "1 2"}, {"#c51b7d", "10 4"}, {"#4d4d4d", "3 2 1 2"},
}

// TrendChart draws the index of one group by period as a line with its
// interval band. Where the instrument version changes, the line and band
// break and the change is marked, since figures of different versions are
// not one series.
func TrendChart(id string, l i18n.Lang, points []TrendPoint) Chart {
	return TrendChartOf(id, l, label(l, "report.trend"), []TrendSeries{{Points: points}})
}

// TrendChartOf draws the index of each series by period: one line per
// series (a band for the interval when there is one series), a legend of
// the series, the periods on the horizontal axis (every k-th labelled
// where they would not fit) and the index on the vertical one. A series
// breaks at periods without a value and where the instrument version
// changes, which is marked.
func TrendChartOf(id string, l i18n.Lang, title string, series []TrendSeries) Chart {
	// A point that cannot be drawn is a period without value.
	series = slices.Clone(series)
	for i := range series {
		series[i].Points = slices.Clone(series[i].Points)
		for k, p := range series[i].Points {
			if p.Valid && !finite(p.Estimate, p.Low, p.High) {
				series[i].Points[k].Valid = false
			}
		}
	}
	// The periods of all series, in order.
	var periods []string
	seen := map[string]bool{}
	for _, s := range series {
		for _, p := range s.Points {
			if !seen[p.Period] {
				seen[p.Period] = true
				periods = append(periods, p.Period)
			}
		}
	}
	slices.Sort(periods)
	pos := map[string]int{}
	for i, p := range periods {
		pos[p] = i
	}
	legend := 0
	if len(series) > 1 {
		legend = len(series)
	}
	const left, right = 44.0, 14.0
	top := 12 + float64(legend)*lineH + 10
	const plotH = 200.0
	bottom := top + plotH
	h := bottom + 3*lineH + 10
	var vs []float64
	for _, s := range series {
		for _, p := range s.Points {
			if p.Valid {
				vs = append(vs, p.Low, p.High)
			}
		}
	}
	lo, hi := indexRange(vs...)
	step := (chartW - left - right) / math.Max(1, float64(len(periods)-1))
	x := func(i int) float64 {
		if len(periods) == 1 {
			return (left + chartW - right) / 2
		}
		return left + float64(i)*step
	}
	y := axis{lo, hi, bottom, top}
	var desc []string
	for _, s := range series {
		var parts []string
		for _, p := range s.Points {
			if p.Valid {
				parts = append(parts, fmt.Sprintf("%s %s (%s), n = %s", p.Period, value(l, scoring.Index, p.Estimate), interval(l, scoring.Index, stat.Interval{Low: p.Low, High: p.High, Method: stat.AdjustedWald}), i18n.FormatInt(l, p.N)))
			} else {
				parts = append(parts, p.Period+" "+label(l, "report.no-value"))
			}
		}
		d := strings.Join(parts, "; ")
		if s.Label != "" {
			d = s.Label + ": " + d
		}
		desc = append(desc, d)
	}
	b := &svg{title: title, desc: strings.Join(desc, ". ")}
	b.open(id, h)
	for i, s := range series[:legend] {
		st := seriesStyles[i%len(seriesStyles)]
		ly := 12 + float64(i)*lineH
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`, chartPad, ly-4, chartPad+24, ly-4, st.colour, st.dash)
		b.text(chartPad+30, ly, "start", "#222", fit(s.Label, labelChars-4))
	}
	tick := ticks(lo, hi)
	for v := math.Ceil(lo/tick) * tick; v <= hi+1e-9; v += tick {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, left, y.at(v), chartW-right, y.at(v))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="#555">%s</text>`, left-6, y.at(v), esc(i18n.FormatDecimal(l, v, 0)))
	}
	fmt.Fprintf(b, `<text transform="translate(12 %.1f) rotate(-90)" text-anchor="middle" dominant-baseline="middle" fill="#333">%s</text>`, (top+bottom)/2, esc(label(l, "chart.axis.index")))
	// Every k-th period labelled: a label takes about 60 units.
	every := int(math.Ceil(60 / math.Max(step, 1)))
	if len(periods) == 1 {
		every = 1
	}
	for i, p := range periods {
		if i%every == 0 {
			b.tick(x(i), bottom+lineH, p)
		}
	}
	b.text((left+chartW-right)/2, bottom+2*lineH+4, "middle", "#333", label(l, "chart.axis.period"))
	for si, s := range series {
		st := seriesStyles[si%len(seriesStyles)]
		pts := s.Points
		var seg []TrendPoint
		flush := func() {
			if len(seg) == 0 {
				return
			}
			var band, line []string
			for _, p := range seg {
				band = append(band, fmt.Sprintf("%.1f,%.1f", x(pos[p.Period]), y.at(p.High)))
				line = append(line, fmt.Sprintf("%.1f,%.1f", x(pos[p.Period]), y.at(p.Estimate)))
			}
			if len(series) == 1 {
				for k := len(seg) - 1; k >= 0; k-- {
					band = append(band, fmt.Sprintf("%.1f,%.1f", x(pos[seg[k].Period]), y.at(seg[k].Low)))
				}
				fmt.Fprintf(b, `<polygon class="band" points="%s" fill="%s" fill-opacity="0.15"/>`, strings.Join(band, " "), st.colour)
			}
			fmt.Fprintf(b, `<polyline class="line" points="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`, strings.Join(line, " "), st.colour, st.dash)
			seg = seg[:0]
		}
		for i, p := range pts {
			if i > 0 && p.Instrument != pts[i-1].Instrument {
				flush()
				bx := (x(pos[pts[i-1].Period]) + x(pos[p.Period])) / 2
				fmt.Fprintf(b, `<g class="version-break"><title>%s: %s → %s</title><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#b2182b" stroke-dasharray="6 4"/>`,
					esc(capitalize(label(l, "report.version-break"))), esc(pts[i-1].Instrument), esc(p.Instrument), bx, top-6, bx, bottom)
				b.text(bx, top-8, "middle", "#b2182b", label(l, "report.version-break"))
				b.WriteString(`</g>`)
			}
			if p.Valid {
				seg = append(seg, p)
			} else {
				flush()
			}
		}
		flush()
		for _, p := range pts {
			if !p.Valid {
				continue
			}
			// A whisker too, so a period standing alone (its neighbours
			// without value) still shows its interval.
			px := x(pos[p.Period])
			if len(series) == 1 {
				fmt.Fprintf(b, `<line class="whisker" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>`, px, y.at(p.Low), px, y.at(p.High), st.colour)
			}
			tip := fmt.Sprintf("%s %s (%s), n = %s", p.Period, value(l, scoring.Index, p.Estimate), interval(l, scoring.Index, stat.Interval{Low: p.Low, High: p.High, Method: stat.AdjustedWald}), i18n.FormatInt(l, p.N))
			if s.Label != "" {
				tip = s.Label + ": " + tip
			}
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>%s</title></circle>`, px, y.at(p.Estimate), st.colour, esc(tip))
		}
	}
	return b.close()
}

// FunnelChart draws each unit's index against its number of respondents,
// with the overall index as the centre line and the 95 % and 99.8 %
// control limits around it ([stat.IndexFunnel]): a unit outside the
// limits differs by more than chance at its size. Units are dots; those
// outside the 99.8 % limits are drawn as squares and named.
func FunnelChart(id string, l i18n.Lang, points []FunnelPoint, target float64, limits []stat.FunnelLimits) Chart {
	points = slices.DeleteFunc(slices.Clone(points), func(p FunnelPoint) bool { return !finite(p.Estimate) || p.N < 0 })
	limits = slices.DeleteFunc(slices.Clone(limits), func(f stat.FunnelLimits) bool {
		return !finite(f.Low95, f.High95, f.Low998, f.High998) || f.N < 0
	})
	const left, right, top, plotH = 44.0, 14.0, 44.0, 220.0
	bottom := top + plotH
	h := bottom + 3*lineH + 10
	var maxN int64 = 1
	vs := []float64{target}
	for _, p := range points {
		maxN = max(maxN, p.N)
		vs = append(vs, p.Estimate)
	}
	for _, f := range limits {
		maxN = max(maxN, f.N)
		vs = append(vs, f.Low998, f.High998)
	}
	lo, hi := indexRange(vs...)
	xs := axis{0, float64(maxN) * 1.05, left, chartW - right}
	ys := axis{lo, hi, bottom, top}
	limitAt := func(n int64) (stat.FunnelLimits, bool) {
		for _, f := range limits {
			if f.N == n {
				return f, true
			}
		}
		return stat.FunnelLimits{}, false
	}
	desc := make([]string, len(points))
	out := make([]bool, len(points)) // outside the 99.8 % limits
	for i, p := range points {
		desc[i] = fmt.Sprintf("%s %s, n = %s", p.Label, value(l, scoring.Index, p.Estimate), i18n.FormatInt(l, p.N))
		if f, ok := limitAt(p.N); ok && (p.Estimate < f.Low998 || p.Estimate > f.High998) {
			out[i] = true
			desc[i] += " (" + label(l, "chart.outside") + ")"
		}
	}
	b := &svg{title: label(l, "chart.funnel"), desc: capitalize(label(l, "chart.reference")) + " " + value(l, scoring.Index, target) + ". " + strings.Join(desc, "; ")}
	b.open(id, h)
	// Legend.
	fmt.Fprintf(b, `<line x1="%.1f" y1="8" x2="%.1f" y2="8" stroke="#555" stroke-dasharray="5 3"/>`, chartPad, chartPad+24)
	b.text(chartPad+30, 12, "start", "#222", label(l, "chart.limits95"))
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#555"/>`, chartPad, 8+lineH, chartPad+24, 8+lineH)
	b.text(chartPad+30, 12+lineH, "start", "#222", label(l, "chart.limits998"))
	tick := ticks(lo, hi)
	for v := math.Ceil(lo/tick) * tick; v <= hi+1e-9; v += tick {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`, left, ys.at(v), chartW-right, ys.at(v))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle" fill="#555">%s</text>`, left-6, ys.at(v), esc(i18n.FormatDecimal(l, v, 0)))
	}
	fmt.Fprintf(b, `<text transform="translate(12 %.1f) rotate(-90)" text-anchor="middle" dominant-baseline="middle" fill="#333">%s</text>`, (top+bottom)/2, esc(label(l, "chart.axis.index")))
	nStep := niceStep(float64(maxN))
	for v := 0.0; v <= xs.hi; v += nStep {
		b.tick(xs.at(v), bottom+lineH, i18n.FormatInt(l, int64(v)))
	}
	b.text((left+chartW-right)/2, bottom+2*lineH+4, "middle", "#333", label(l, "chart.axis.respondents"))
	if finite(target) {
		fmt.Fprintf(b, `<line class="centre" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"><title>%s</title></line>`, left, ys.at(target), chartW-right, ys.at(target), esc(label(l, "chart.reference")+" "+value(l, scoring.Index, target)))
	}
	path := func(get func(stat.FunnelLimits) float64) string {
		var pts []string
		for _, f := range limits {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xs.at(float64(f.N)), ys.at(get(f))))
		}
		return strings.Join(pts, " ")
	}
	for _, lim := range []struct {
		get  func(stat.FunnelLimits) float64
		dash string
	}{
		{func(f stat.FunnelLimits) float64 { return f.Low95 }, "5 3"}, {func(f stat.FunnelLimits) float64 { return f.High95 }, "5 3"},
		{func(f stat.FunnelLimits) float64 { return f.Low998 }, ""}, {func(f stat.FunnelLimits) float64 { return f.High998 }, ""},
	} {
		fmt.Fprintf(b, `<polyline class="limit" points="%s" fill="none" stroke="#555" stroke-dasharray="%s"/>`, path(lim.get), lim.dash)
	}
	for i, p := range points {
		px, py := xs.at(float64(p.N)), ys.at(p.Estimate)
		fmt.Fprintf(b, `<g class="unit"><title>%s</title>`, esc(desc[i]))
		if out[i] {
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="9" height="9" fill="#b2182b"/>`, px-4.5, py-4.5)
			anchor := "start"
			if px > chartW*0.6 {
				anchor = "end"
			}
			dx := 8.0
			if anchor == "end" {
				dx = -8
			}
			b.text(px+dx, py+4, anchor, "#222", fit(p.Label, 24))
		} else {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#1f5f8b" fill-opacity="0.8"/>`, px, py)
		}
		b.WriteString(`</g>`)
	}
	return b.close()
}

// niceStep is a round step giving about four labels from 0 to max.
func niceStep(max float64) float64 {
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(math.Max(raw, 1))))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}
