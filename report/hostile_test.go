package report

import (
	"bytes"
	"encoding/xml"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring/stat"
)

// TestDocumentWithoutTotal: a table with comparisons on but no total row
// (a caller's own table, or one whose total was removed), or rows with
// fewer cells than columns, makes a document without the charts that
// need them; it does not panic.
func TestDocumentWithoutTotal(t *testing.T) {
	tbl := buildTable(t, i18n.Finnish)
	require.NotZero(t, tbl.Options.CompareWithin)
	var rows []Row
	for _, r := range tbl.Rows {
		if !r.Total {
			rows = append(rows, r)
		}
	}
	tbl.Rows = rows
	d := tbl.Document()
	for _, b := range d.Blocks {
		if b.Chart != nil && strings.Contains(b.Chart.String(), `class="centre"`) {
			t.Error("a funnel chart without a total")
		}
	}
	_, _, _, ok := tbl.FunnelPoints()
	require.False(t, ok)

	short := buildTable(t, i18n.Finnish)
	for i := range short.Rows {
		short.Rows[i].Cells = short.Rows[i].Cells[:1]
	}
	short.Document()
	short.Rows = nil
	short.Document()
}

// checkSVGSafe parses markup as XML and fails on any element or
// attribute that could run script, and on ids that are not plain.
func checkSVGSafe(t *testing.T, name, markup string) {
	t.Helper()
	wellFormed(t, name, []byte(markup))
	d := xml.NewDecoder(strings.NewReader(markup))
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if el.Name.Local == "script" || el.Name.Local == "foreignObject" || el.Name.Local == "a" {
			t.Errorf("%s: element <%s>", name, el.Name.Local)
		}
		for _, a := range el.Attr {
			low := strings.ToLower(a.Name.Local)
			if strings.HasPrefix(low, "on") || low == "href" || low == "style" {
				t.Errorf("%s: attribute %s=%q in <%s>", name, a.Name.Local, a.Value, el.Name.Local)
			}
			if low == "id" && strings.Trim(a.Value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
				t.Errorf("%s: id %q", name, a.Value)
			}
		}
	}
	if strings.Contains(markup, "<script") || strings.Contains(markup, "NaN") || strings.Contains(markup, "Inf") {
		t.Errorf("%s: %s", name, markup)
	}
}

// TestChartsEscapeEverything: every string a chart constructor takes
// (the id too) reaches the SVG as text only; the SVG is trusted as
// template.HTML, so this is what makes that safe.
func TestChartsEscapeEverything(t *testing.T) {
	const evil = `"><script>alert(1)</script><g onload="alert(2)" id='x`
	l := i18n.English
	ids := []string{evil, "", "9lives", "a b", "ä", "x-title", "ok_id-1"}
	for _, id := range ids {
		charts := map[string]Chart{
			"index": IndexChart(id, l, []IndexPoint{{Label: evil, Estimate: 10, Low: 0, High: 20, N: 30}}, 5),
			"distribution": DistributionChart(id, l, []DistributionRow{{Label: evil, Counts: [6]int64{1, 2, 3, 4, 5, 6}}},
				[6]string{evil, evil, evil, evil, evil, evil}),
			"trend": TrendChartOf(id, l, evil, []TrendSeries{
				{Label: evil, Points: []TrendPoint{{Period: evil, Instrument: evil, Valid: true, Estimate: 1, Low: 0, High: 2, N: 5}, {Period: evil + "2", Instrument: evil + "v", Valid: true, Estimate: 3, Low: 2, High: 4, N: 6}}},
				{Label: evil + "b", Points: []TrendPoint{{Period: evil, Instrument: evil, Valid: true, Estimate: 1, Low: 0, High: 2, N: 5}}},
			}),
			"funnel": FunnelChart(id, l, []FunnelPoint{{Label: evil, Estimate: 90, N: 40}, {Label: evil, Estimate: 10, N: 50}}, 40,
				stat.IndexFunnel(0.5, 0.1, []int64{10, 40, 50}, 1)),
		}
		for name, c := range charts {
			checkSVGSafe(t, name+" "+id, c.String())
			// The page a chart is put into stays safe as well.
			doc := &Document{Lang: l, Title: "t", Blocks: []Block{{Chart: &c}}}
			var b bytes.Buffer
			require.NoError(t, doc.HTML(&b))
			if strings.Contains(b.String(), "<script") {
				t.Errorf("%s %q: script on the page", name, id)
			}
		}
	}
	if chartID(evil) == chartID(evil+"x") || chartID("ok_id-1") != "ok_id-1" || chartID("") != "chart" || chartID("9") != "chart-9" {
		t.Error("chartID")
	}
}

// TestChartsDropNaN: points that cannot be drawn (NaN, infinities) are
// left out, not printed as x="NaN".
func TestChartsDropNaN(t *testing.T) {
	l := i18n.Finnish
	nan, inf := math.NaN(), math.Inf(1)
	c := IndexChart("i", l, []IndexPoint{{"a", 10, 0, 20, 9}, {"b", nan, 0, 20, 9}, {"c", 10, nan, inf, 9}}, nan)
	checkSVGSafe(t, "index", c.String())
	require.Equal(t, 1, strings.Count(c.String(), "<circle"))
	c = TrendChart("t", l, []TrendPoint{{Period: "1", Valid: true, Estimate: 1, Low: 0, High: 2}, {Period: "2", Valid: true, Estimate: nan, Low: 0, High: 2}, {Period: "3", Valid: true, Estimate: 3, Low: 2, High: inf}, {Period: "4", Valid: true, Estimate: 4, Low: 3, High: 5}})
	checkSVGSafe(t, "trend", c.String())
	require.Equal(t, 2, strings.Count(c.String(), "<circle"))
	lim := stat.IndexFunnel(0.5, 0.1, []int64{10, 40}, 1)
	lim = append(lim, stat.FunnelLimits{N: 60, Low95: nan, High95: 1, Low998: 0, High998: 2})
	c = FunnelChart("f", l, []FunnelPoint{{"a", 10, 40}, {"b", nan, 10}, {"c", inf, 10}}, nan, lim)
	checkSVGSafe(t, "funnel", c.String())
	require.Equal(t, 1, strings.Count(c.String(), "<circle")+strings.Count(c.String(), `<rect x`))
}

// TestLogoDataURL: a logo given as a data: URL of a raster image is
// shown (the page stays self-contained); SVG and other data: URLs, and
// anything that is not plain base64, are refused as html/template
// refuses unsafe URLs.
func TestLogoDataURL(t *testing.T) {
	const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
	for u, shown := range map[string]bool{
		png: true,
		"data:image/jpeg;base64,/9j/4AAQSkZJRg==":                    true,
		"data:image/webp;base64,UklGRg==":                            true,
		"data:image/gif;base64,R0lGODlhAQABAAAAACw=":                 true,
		"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+": false,
		"data:image/svg+xml,<svg onload=alert(1)>":                   false,
		"data:text/html;base64,PHNjcmlwdD4=":                         false,
		"data:image/png;base64,AAA\" onerror=\"alert(1)":             false,
		"data:image/png,rawbytes":                                    false,
		"data:image/png;base64,":                                     false,
		"javascript:alert(1)":                                        false,
		"/logo.png":                                                  true,
	} {
		doc := &Document{Lang: i18n.Finnish, Title: "t"}
		var b bytes.Buffer
		require.NoError(t, doc.HTMLWith(&b, HTMLOptions{LogoURL: u, LogoAlt: "logo"}))
		page := b.String()
		wellFormed(t, "logo page", b.Bytes())
		got := strings.Contains(page, `<img src="`+strings.ReplaceAll(u, "+", "&#43;")+`"`) || strings.Contains(page, `<img src="`+u+`"`)
		refused := strings.Contains(page, `<img src="#ZgotmplZ"`)
		if got != shown || refused == shown {
			t.Errorf("%.40q: shown %v, refused %v; want shown %v", u, got, refused, shown)
		}
	}
}
