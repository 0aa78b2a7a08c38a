package report

import (
	"bufio"
	"io"
	"strings"

	"github.com/palaute/palaute/i18n"

	"github.com/palaute/palaute/scoring"
)

// markdownInline escapes what would be markup inside a line: emphasis,
// code, links and images (their brackets: a parenthesis is a link's only
// after "]"; also bare addresses, which GitHub's renderer turns into
// links), strikethrough, table cell ends, raw HTML and entities, and the
// backslash itself. Line ends become spaces (a value is
// one line of a cell, a list item or a paragraph).
var markdownInline = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"|", `\|`, "~", `\~`, "<", "&lt;", ">", "&gt;", "&", "&amp;",
	// GitHub's extension makes links of bare addresses: an escape inside
	// the scheme, "www." or an e-mail address keeps them text.
	"://", `\://`, "@", `\@`, "www.", `www\.`, "WWW.", `WWW\.`, "Www.", `Www\.`,
	"\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ",
)

// escapeMarkdown makes s literal text wherever it is put on a line of
// its own: in a table cell, a heading, a list item, a paragraph or a
// quote. Text from outside (comments, unit names) can then neither start
// a block (heading, list, quote, code) nor contain links, images or HTML:
// CommonMark and GitHub's renderer show it as it is.
func escapeMarkdown(s string) string {
	s = strings.TrimLeft(markdownInline.Replace(s), " \t")
	if s == "" {
		return s
	}
	// Block markers count only at the start of a line.
	switch s[0] {
	case '#', '-', '+', '=', '>', ':':
		return `\` + s
	}
	// An ordered list item: up to nine digits, "." or ")", then a space.
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && (s[i] == '.' || s[i] == ')') &&
		(i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// headings returns the table's column headings in order.
func (t *Table) headings() []string {
	var h []string
	for _, d := range t.By {
		h = append(h, label(t.Lang, "report."+d.String()))
	}
	if t.Periods {
		h = append(h, label(t.Lang, "report.period"))
	}
	h = append(h, label(t.Lang, "count.n"))
	for _, c := range t.Columns {
		h = append(h, c.Heading)
	}
	return h
}

// cellsOf returns a row's cells as text for people.
func (t *Table) cellsOf(r Row) []string {
	var out []string
	out = append(out, r.Labels...)
	if t.Periods {
		out = append(out, r.Period)
	}
	out = append(out, countText(t.Lang, r))
	for _, c := range r.Cells {
		out = append(out, cellText(t.Lang, r, c))
	}
	return out
}

// notes returns the footnotes that explain the marks used in the table.
func (t *Table) notes() []string {
	var hidden, better, worse, provisional bool
	for _, r := range t.Rows {
		for _, c := range r.Cells {
			hidden = hidden || c.Indicator.Suppressed != scoring.Published
			if c.Comparison != nil && c.Indicator.Suppressed == scoring.Published {
				better = better || c.Comparison.Label == scoring.Better
				worse = worse || c.Comparison.Label == scoring.Worse
			}
		}
	}
	for _, c := range t.Columns {
		provisional = provisional || c.Provisional
	}
	l := t.Lang
	var n []string
	if hidden {
		min := ""
		if p, ok := t.protection(); ok {
			min = i18n.FormatInt(l, int64(p.MinAnswers))
		}
		n = append(n, markHidden+" "+labelf(l, "report.suppression.hidden", "{min}", min))
	}
	if better {
		n = append(n, markBetter+" "+label(l, "report.compare.better"))
	}
	if worse {
		n = append(n, markWorse+" "+label(l, "report.compare.worse"))
	}
	if provisional {
		n = append(n, capitalize(label(l, "report.statement"))+": "+label(l, "report.provisional-text"))
	}
	return n
}

// footerLines returns the footer as lines of text.
func (t *Table) footerLines() []string {
	l := t.Lang
	return append([]string{
		label(l, "report.footer.instrument") + ": " + strings.Join(t.Footer.Instruments, ", "),
		label(l, "report.footer.catalogue") + ": " + t.Footer.CatalogueVersion,
		label(l, "report.footer.library") + ": " + t.Footer.LibraryVersion,
	}, t.Footer.Methods...)
}

// Markdown writes the table as a Markdown document: title, table, notes
// explaining marks, and the footer.
func (t *Table) Markdown(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("# " + escapeMarkdown(t.Title) + "\n\n")
	t.markdownBody(b)
	b.WriteString("\n---\n\n")
	for _, line := range t.footerLines() {
		b.WriteString("- " + escapeMarkdown(line) + "\n")
	}
	return b.Flush()
}

// markdownBody writes the table and its notes.
func (t *Table) markdownBody(b *bufio.Writer) {
	writeRow := func(cells []string, total bool) {
		b.WriteString("|")
		for i, c := range cells {
			c = escapeMarkdown(c)
			if total && i == 0 {
				c = "**" + c + "**"
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	h := t.headings()
	writeRow(h, false)
	b.WriteString("|")
	for i := range h {
		if i < len(t.By)+boolInt(t.Periods) {
			b.WriteString("---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		writeRow(t.cellsOf(r), r.Total)
	}
	if notes := t.notes(); len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString(escapeMarkdown(n) + "  \n")
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
