package report

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"slices"
	"strings"
	"testing"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/stretchr/testify/require"
)

// TestHTMLEscapesEverything puts hostile markup in every text a document
// and its options carry (titles, headings, lists, quotes, table names,
// link texts and URLs, breadcrumbs, the organisation) and checks that none
// of it becomes markup: no script element, no event attribute, no
// javascript: URL, and the page stays well-formed.
func TestHTMLEscapesEverything(t *testing.T) {
	const evil = `</title><script>alert(1)</script><img src=x onerror="alert(2)">"'&`
	tbl := buildTable(t, i18n.English)
	tbl.Title = evil
	tbl.Rows[0].Labels = []string{evil}
	doc := &Document{Lang: i18n.English, Title: evil, Footer: []string{evil}, Blocks: []Block{
		{Heading: evil}, {Paragraph: evil}, {List: []string{evil}}, {Quotes: []string{evil + "\n" + evil}},
		{Table: tbl}, {Links: []Link{{Text: evil, URL: "javascript:alert(3)"}}},
	}}
	c := IndexChart("x", i18n.English, []IndexPoint{{Label: evil, Estimate: 1, Low: 0, High: 2, N: 9}}, 1)
	doc.Blocks = append(doc.Blocks, Block{Chart: &c})
	var b bytes.Buffer
	require.NoError(t, doc.HTMLWith(&b, HTMLOptions{
		Organisation: evil, Home: "javascript:alert(4)", LogoURL: "javascript:alert(5)", LogoAlt: evil,
		Breadcrumbs: []Link{{Text: evil, URL: `"><script>alert(6)</script>`}},
		RowLink:     func(Row) string { return "javascript:alert(7)" },
	}))
	page := b.String()
	wellFormed(t, "hostile page", b.Bytes())
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if el.Name.Local == "script" || el.Name.Local == "img" && !slices.ContainsFunc(el.Attr, func(a xml.Attr) bool { return a.Name.Local == "src" && a.Value == "#ZgotmplZ" }) {
			t.Errorf("hostile element %v", el)
		}
		for _, a := range el.Attr {
			if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript:") {
				t.Errorf("hostile attribute %s=%q in <%s>", a.Name.Local, a.Value, el.Name.Local)
			}
		}
	}
	// The texts are there, as text.
	if strings.Count(page, "&lt;script&gt;alert(1)&lt;/script&gt;") < 8 {
		t.Errorf("escaped texts missing:\n%s", page)
	}
}

// TestHTMLOptions: a county's stylesheet and CSS come after the built-in
// styles, its logo and name head the page, breadcrumbs form a navigation
// landmark, and table rows link to their pages (totals do not).
func TestHTMLOptions(t *testing.T) {
	tbl := buildTable(t, i18n.Finnish)
	var b bytes.Buffer
	require.NoError(t, tbl.Document().HTMLWith(&b, HTMLOptions{
		Stylesheets: []string{"/county.css"}, CSS: template.CSS("h1{color:#603}"),
		Organisation: "Pohjanmaan hyvinvointialue", Home: "/", LogoURL: "/logo.svg", LogoAlt: "Pohjanmaan hyvinvointialueen logo",
		Breadcrumbs: []Link{{Text: "Kaikki", URL: "../index.html"}},
		RowLink:     func(r Row) string { return "units/" + r.Key.Unit + ".html" },
	}))
	page := b.String()
	wellFormed(t, "branded page", b.Bytes())
	builtIn, linked, own := strings.Index(page, "box-sizing"), strings.Index(page, `<link rel="stylesheet" href="/county.css"/>`), strings.Index(page, "h1{color:#603}")
	if builtIn < 0 || linked < builtIn || own < linked {
		t.Errorf("styles out of order: built-in %d, linked %d, own %d", builtIn, linked, own)
	}
	for _, want := range []string{
		`<header class="site"><a href="/"><img src="/logo.svg" alt="Pohjanmaan hyvinvointialueen logo"/><span class="organisation">Pohjanmaan hyvinvointialue</span></a>`,
		`<nav class="crumbs" aria-label="Sijainti sivustolla"><ol><li><a href="../index.html">Kaikki</a></li>`,
		`<main>`, `<meta name="viewport"`, `<div class="table" role="region"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	links := strings.Count(page, `<th scope="row"><a href="units/`)
	rows := 0
	for _, r := range tbl.Rows {
		if !r.Total {
			rows++
		}
	}
	if links != rows || strings.Contains(page, `<tr class="total"><th scope="row"><a`) {
		t.Errorf("%d row links for %d rows, or a linked total", links, rows)
	}
}

// TestChartsOfPeriods: for a table by unit and month, the trend has a
// line per unit and the total's line last, each point the row's own
// figure; the index chart is of the latest month, against that month's
// total (before, it took the last total of the table whatever its month,
// and the distribution the first month's total).
func TestChartsOfPeriods(t *testing.T) {
	tl, names := fixture(t)
	tbl, err := Build(tl.Regroup(scoring.ByUnit), Options{Lang: i18n.English, By: []scoring.Dimension{scoring.ByUnit}, Names: names, Internal: true})
	require.NoError(t, err)
	periods := tbl.periods()
	require.Greater(t, len(periods), 1)
	latest := periods[len(periods)-1]
	idx := tbl.column(scoring.Index)

	// Each row's index, by series name and period, from the table itself.
	want := map[string]map[string]float64{}
	units := 0
	for _, r := range tbl.Rows {
		name := tbl.rowName(r, false)
		if want[name] == nil {
			want[name] = map[string]float64{}
			if !r.Total {
				units++
			}
		}
		if ind := r.Cells[idx].Indicator; ind.Valid {
			want[name][r.Period] = ind.Estimate
		}
	}
	series := tbl.TrendSeries()
	require.Len(t, series, units+1)
	if last := series[len(series)-1]; last.Label != "All" {
		t.Errorf("the total's line is %q, not last", last.Label)
	}
	for _, s := range series {
		require.True(t, slices.IsSortedFunc(s.Points, func(a, b TrendPoint) int { return strings.Compare(a.Period, b.Period) }), s.Label)
		for _, p := range s.Points {
			if w, ok := want[s.Label][p.Period]; ok != p.Valid || p.Valid && w != p.Estimate {
				t.Errorf("%s %s: %v %v, the row has %v %v", s.Label, p.Period, p.Valid, p.Estimate, ok, w)
			}
		}
	}

	points, ref, ok := tbl.IndexPoints()
	require.True(t, ok)
	if ref != want["All"][latest] {
		t.Errorf("reference %v, the %s total is %v", ref, latest, want["All"][latest])
	}
	for _, p := range points {
		if want[p.Label][latest] != p.Estimate {
			t.Errorf("%s: %v, its %s row has %v", p.Label, p.Estimate, latest, want[p.Label][latest])
		}
	}
	doc := tbl.Document()
	var headings []string
	for _, b := range doc.Blocks {
		if b.Heading != "" {
			headings = append(headings, b.Heading)
		}
	}
	if !slices.Contains(headings, "Recommendation index with 95% interval by group, period "+latest) {
		t.Errorf("headings %q do not name the period shown", headings)
	}
}
