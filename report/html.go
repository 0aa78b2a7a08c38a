package report

import (
	"bufio"
	"cmp"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/palaute/palaute/i18n"
)

// Block is one part of a [Document]: a heading, a paragraph, a list, a
// table, a chart or links.
type Block struct {
	Heading   string   // a section heading
	Paragraph string   // a paragraph of text
	List      []string // a bulleted list
	Quotes    []string // quoted comments
	Table     *Table   // a table (its title is not repeated)
	// Chart is a chart made by this package; Markdown shows its text
	// alternative (Chart.Desc). Data are the figures behind it for
	// machines (open data).
	Chart *Chart
	Data  []Record
	// Links is a list of links (the pages below this one, say).
	Links []Link
}

// Link is a link to another page.
type Link struct {
	Text string
	URL  string
}

// Document is a report for people: a title, blocks in order, and footer
// lines. It renders as self-contained HTML (inline CSS and SVG, no
// scripts, no external files unless [HTMLOptions] link them) or as
// Markdown (charts as text).
type Document struct {
	Lang   i18n.Lang
	Title  string
	Blocks []Block
	Footer []string
}

// HTMLOptions are what a county or a site adds to a document's page: its
// look (a stylesheet, a logo, a header), where the page sits in the site
// (breadcrumbs) and links from table rows to the rows' own pages. The
// zero value gives the plain self-contained page.
type HTMLOptions struct {
	// Stylesheets are URLs of stylesheets linked after the built-in
	// styles, so that their rules win.
	Stylesheets []string
	// CSS is added after the built-in styles, inside the page, for a page
	// that must stay self-contained. It is the site's own code, trusted as
	// such: never put data in it.
	CSS template.CSS
	// Organisation names the publisher in the page header, and Home links
	// it (the site's front page); both may be empty.
	Organisation string
	Home         string
	// Logo is an image at the start of the page header: its URL and its
	// text alternative. A data: URL keeps the page self-contained: a
	// base64 PNG, JPEG, GIF or WebP image ("data:image/png;base64,…").
	// Other data: URLs, SVG ones included (an SVG can carry script), are
	// refused like javascript: URLs: the src becomes "#ZgotmplZ".
	LogoURL, LogoAlt string
	// Breadcrumbs are the pages from the site's top down to this one's
	// parent (county, provider, …), shown as a navigation landmark.
	Breadcrumbs []Link
	// RowLink, if set, gives the URL of a table row's own page (a unit's
	// report, say); the row's name links there. An empty URL is no link.
	RowLink func(Row) string
}

// css is the built-in style: readable on a phone (tables scroll inside
// their own box with the first column kept in view, charts scale to the
// width), and on A4 paper.
const css = `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,sans-serif;line-height:1.45;max-width:72rem;margin:0 auto;padding:0 1rem 2rem;color:#222;background:#fff;overflow-wrap:break-word}
header.site{display:flex;align-items:center;gap:.8rem;padding:.8rem 0;border-bottom:1px solid #ccc}header.site img{max-height:3rem;width:auto}
nav.crumbs ol{list-style:none;margin:.6rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem}nav.crumbs li+li::before{content:"›";margin-right:.3rem;color:#555}
a{color:#0b5394}h1{font-size:1.6rem;line-height:1.25;margin:1rem 0}h2{font-size:1.25rem;margin:1.6rem 0 .6rem}
.table{overflow-x:auto;margin:1rem 0;border:1px solid #ddd}.table:focus{outline:3px solid #0b5394;outline-offset:2px}
table{border-collapse:separate;border-spacing:0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ccc;padding:.35rem .6rem;text-align:right;vertical-align:top}
td{white-space:nowrap}thead th{position:sticky;top:0;background:#f4f4f4;text-align:right;vertical-align:bottom}
th:first-child{position:sticky;left:0;z-index:1;background:#fff;text-align:left;min-width:8rem;max-width:14rem;white-space:normal;border-right:1px solid #ccc}
thead th:first-child{background:#f4f4f4;z-index:2}tr.total th,tr.total td{font-weight:bold;border-top:2px solid #333}
.notes,footer{font-size:.9rem;color:#444}footer{border-top:1px solid #ccc;margin-top:2rem}
blockquote{border-left:3px solid #ccc;margin:.5rem 0;padding-left:.8rem}
figure{margin:1rem 0}figure svg{display:block;width:100%;height:auto;max-width:36rem}
@media print{@page{size:A4;margin:15mm}body{max-width:none;padding:0;font-size:10pt}
nav.crumbs{display:none}a{color:inherit;text-decoration:none}
.table{overflow:visible;border:0}table{width:100%;table-layout:fixed;font-size:7.5pt}th,td{white-space:normal;overflow-wrap:anywhere;hyphens:auto;padding:.2rem .25rem}
th:first-child,thead th{position:static;min-width:0}thead th:first-child{width:16%}figure,tr{break-inside:avoid}h2{break-after:avoid}
figure svg{max-width:14cm}}`

// logoSrc returns a logo URL for an img src: a data: URL of a raster
// image (PNG, JPEG, GIF, WebP, base64-encoded) as a trusted URL, since
// html/template refuses every data: URL; anything else as it is, for
// html/template to check. SVG data URLs stay refused: an SVG can carry
// script, and a browser may run it when the image is opened on its own.
func logoSrc(u string) any {
	if safeDataImage(u) {
		return template.URL(u)
	}
	return u
}

// safeDataImages are the media types of the data: URLs a logo may be.
var safeDataImages = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// safeDataImage reports whether u is data:TYPE;base64,DATA with TYPE one
// of safeDataImages and DATA of the base64 alphabet only.
func safeDataImage(u string) bool {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return false
	}
	typ, data, ok := strings.Cut(rest, ";base64,")
	if !ok || !slices.Contains(safeDataImages, strings.ToLower(typ)) || data == "" {
		return false
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"lines":   func(s string) []string { return strings.Split(s, "\n") },
	"tableOf": tableOf,
	"logoSrc": logoSrc,
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
{{- range .Options.Stylesheets}}
<link rel="stylesheet" href="{{.}}"/>
{{- end}}
{{- with .Options.CSS}}
<style>{{.}}</style>
{{- end}}
</head>
<body>
{{- if or .Options.Organisation .Options.LogoURL}}
<header class="site">
{{- if .Options.Home}}<a href="{{.Options.Home}}">{{end}}
{{- with .Options.LogoURL}}<img src="{{logoSrc .}}" alt="{{$.Options.LogoAlt}}"/>{{end}}
{{- with .Options.Organisation}}<span class="organisation">{{.}}</span>{{end}}
{{- if .Options.Home}}</a>{{end}}
</header>
{{- end}}
{{- with .Options.Breadcrumbs}}
<nav class="crumbs" aria-label="{{$.CrumbsLabel}}"><ol>
{{- range .}}<li><a href="{{.URL}}">{{.Text}}</a></li>{{end}}<li aria-current="page">{{$.Title}}</li></ol></nav>
{{- end}}
<main>
<h1>{{.Title}}</h1>
{{- range $b := .Blocks}}
{{- if $b.Heading}}
<h2>{{$b.Heading}}</h2>
{{- else if $b.Paragraph}}
<p>{{$b.Paragraph}}</p>
{{- else if $b.List}}
<ul>
{{- range $b.List}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- else if $b.Quotes}}
{{- range $b.Quotes}}
<blockquote>{{range $k, $line := lines .}}{{if $k}}<br/>{{end}}{{$line}}{{end}}</blockquote>
{{- end}}
{{- else if $b.Table}}
{{- template "table" (tableOf $ $b.Table)}}
{{- else if $b.Chart}}
<figure>{{$b.Chart.SVG}}</figure>
{{- else if $b.Links}}
<ul class="links">
{{- range $b.Links}}
<li><a href="{{.URL}}">{{.Text}}</a></li>
{{- end}}
</ul>
{{- end}}
{{- end}}
</main>
<footer>
<ul>
{{- range .Footer}}
<li>{{.}}</li>
{{- end}}
</ul>
</footer>
</body>
</html>
{{define "table"}}
<div class="table" role="region" aria-label="{{.Caption}}" tabindex="0">
<table>
<thead><tr>{{range .Headings}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
{{- $r := .}}
<tr{{if .Total}} class="total"{{end}}>{{range $k, $c := .Cells}}{{if $k}}<td>{{$c}}</td>{{else}}<th scope="row">{{with $.Link $r.Row}}<a href="{{.}}">{{$c}}</a>{{else}}{{$c}}{{end}}</th>{{end}}{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- with .Notes}}
<p class="notes">{{range $k, $n := .}}{{if $k}}<br/>{{end}}{{$n}}{{end}}</p>
{{- end}}
{{- end}}`))

// pageData is what the page template is given.
type pageData struct {
	*Document
	Lang        i18n.Lang
	Options     HTMLOptions
	CSS         template.CSS
	CrumbsLabel string
}

// tableView is a table as the page template shows it.
type tableView struct {
	Caption  string
	Headings []string
	Rows     []rowView
	Notes    []string
	rowLink  func(Row) string
}

type rowView struct {
	Total bool
	Cells []string
	Row   Row
}

// Link returns the URL of a row's own page, or "".
func (v tableView) Link(r Row) string {
	if v.rowLink == nil || r.Total {
		return ""
	}
	return v.rowLink(r)
}

func tableOf(p pageData, t *Table) tableView {
	v := tableView{Headings: t.headings(), Notes: t.notes(), rowLink: p.Options.RowLink}
	v.Caption = fmt.Sprintf(label(p.Lang, "report.table-region"), cmp.Or(t.Title, p.Title))
	for _, r := range t.Rows {
		v.Rows = append(v.Rows, rowView{Total: r.Total, Cells: t.cellsOf(r), Row: r})
	}
	return v
}

// HTML writes the document as a self-contained, well-formed HTML page.
func (d *Document) HTML(w io.Writer) error { return d.HTMLWith(w, HTMLOptions{}) }

// HTMLWith writes the document as a well-formed HTML page with the
// site's options. Every text is escaped for its context by html/template;
// charts are the package's own markup.
func (d *Document) HTMLWith(w io.Writer, o HTMLOptions) error {
	lang := d.Lang
	if !lang.IsValid() {
		lang = i18n.Finnish
	}
	b := bufio.NewWriter(w)
	if err := page.Execute(b, pageData{Document: d, Lang: lang, Options: o, CSS: css, CrumbsLabel: label(lang, "nav.breadcrumbs")}); err != nil {
		return err
	}
	return b.Flush()
}

// Markdown writes the document as Markdown; charts become their text
// alternatives.
func (d *Document) Markdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# %s\n", escapeMarkdown(d.Title))
	for _, bl := range d.Blocks {
		switch {
		case bl.Heading != "":
			fmt.Fprintf(b, "\n## %s\n", escapeMarkdown(bl.Heading))
		case bl.Paragraph != "":
			fmt.Fprintf(b, "\n%s\n", escapeMarkdown(bl.Paragraph))
		case bl.List != nil:
			b.WriteString("\n")
			for _, it := range bl.List {
				fmt.Fprintf(b, "- %s\n", escapeMarkdown(it))
			}
		case bl.Quotes != nil:
			for _, q := range bl.Quotes {
				fmt.Fprintf(b, "\n> %s\n", strings.ReplaceAll(escapeMarkdown(q), "\n", "\n> "))
			}
		case bl.Table != nil:
			b.WriteString("\n")
			bl.Table.markdownBody(b)
		case bl.Chart != nil:
			fmt.Fprintf(b, "\n%s\n", escapeMarkdown(bl.Chart.Desc))
		case bl.Links != nil:
			b.WriteString("\n")
			for _, k := range bl.Links {
				fmt.Fprintf(b, "- %s\n", escapeMarkdown(k.Text))
			}
		}
	}
	b.WriteString("\n---\n\n")
	for _, f := range d.Footer {
		fmt.Fprintf(b, "- %s\n", escapeMarkdown(f))
	}
	return b.Flush()
}
