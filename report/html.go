package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/palaute/palaute/i18n"
)

// Block is one part of a [Document]: a heading, a paragraph, a list, a
// table or a chart.
type Block struct {
	Heading   string   // a section heading
	Paragraph string   // a paragraph of text
	List      []string // a bulleted list
	Quotes    []string // quoted comments
	Table     *Table   // a table (its title is not repeated)
	// Chart is inline SVG markup with Alt, a text alternative used where
	// SVG cannot be shown (Markdown), and Data, the figures behind the
	// chart for machines (open data).
	Chart string
	Alt   string
	Data  []Record
}

// Document is a report for people: a title, blocks in order, and footer
// lines. It renders as self-contained HTML (inline CSS and SVG, no
// scripts, no external files) or as Markdown (charts as text).
type Document struct {
	Lang   i18n.Lang
	Title  string
	Blocks []Block
	Footer []string
}

const css = `body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}tr.total td{font-weight:bold;border-top:2px solid #333}
.notes,footer{font-size:.9rem;color:#444}blockquote{border-left:3px solid #ccc;margin:.5rem 0;padding-left:.8rem}
@media print{body{margin:0}svg{max-width:100%}}`

// HTML writes the document as a self-contained, well-formed HTML page.
func (d *Document) HTML(w io.Writer) error {
	b := bufio.NewWriter(w)
	e := html.EscapeString
	lang := d.Lang
	if !lang.IsValid() {
		lang = i18n.Finnish
	}
	fmt.Fprintf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n",
		lang, e(d.Title), css, e(d.Title))
	for _, bl := range d.Blocks {
		switch {
		case bl.Heading != "":
			fmt.Fprintf(b, "<h2>%s</h2>\n", e(bl.Heading))
		case bl.Paragraph != "":
			fmt.Fprintf(b, "<p>%s</p>\n", e(bl.Paragraph))
		case bl.List != nil:
			b.WriteString("<ul>\n")
			for _, it := range bl.List {
				fmt.Fprintf(b, "<li>%s</li>\n", e(it))
			}
			b.WriteString("</ul>\n")
		case bl.Quotes != nil:
			for _, q := range bl.Quotes {
				fmt.Fprintf(b, "<blockquote>%s</blockquote>\n", strings.ReplaceAll(e(q), "\n", "<br/>"))
			}
		case bl.Table != nil:
			writeHTMLTable(b, bl.Table)
		case bl.Chart != "":
			fmt.Fprintf(b, "<figure>\n%s\n</figure>\n", bl.Chart)
		}
	}
	b.WriteString("<footer>\n<ul>\n")
	for _, f := range d.Footer {
		fmt.Fprintf(b, "<li>%s</li>\n", e(f))
	}
	b.WriteString("</ul>\n</footer>\n</body>\n</html>\n")
	return b.Flush()
}

func writeHTMLTable(b *bufio.Writer, t *Table) {
	e := html.EscapeString
	b.WriteString("<table>\n<thead><tr>")
	for _, h := range t.headings() {
		fmt.Fprintf(b, "<th scope=\"col\">%s</th>", e(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range t.Rows {
		if r.Total {
			b.WriteString(`<tr class="total">`)
		} else {
			b.WriteString("<tr>")
		}
		for i, c := range t.cellsOf(r) {
			if i == 0 {
				fmt.Fprintf(b, "<th scope=\"row\">%s</th>", e(c))
			} else {
				fmt.Fprintf(b, "<td>%s</td>", e(c))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if notes := t.notes(); len(notes) > 0 {
		b.WriteString("<p class=\"notes\">")
		for i, n := range notes {
			if i > 0 {
				b.WriteString("<br/>")
			}
			b.WriteString(e(n))
		}
		b.WriteString("</p>\n")
	}
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
		case bl.Chart != "":
			fmt.Fprintf(b, "\n%s\n", escapeMarkdown(bl.Alt))
		}
	}
	b.WriteString("\n---\n\n")
	for _, f := range d.Footer {
		fmt.Fprintf(b, "- %s\n", escapeMarkdown(f))
	}
	return b.Flush()
}
