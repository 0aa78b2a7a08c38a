package report

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"slices"
	"strings"
	"testing"

	"github.com/palaute/palaute/i18n"
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
