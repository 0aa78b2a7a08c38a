package report

import (
	"bufio"
	"io"
	"strings"

	"github.com/palaute/palaute/i18n"

	"github.com/palaute/palaute/scoring"
)

// escapeMarkdown escapes the characters that would break a Markdown table
// cell or start markup.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", "", "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
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
