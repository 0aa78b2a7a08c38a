package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// hostileTexts are comments and names written to become markup.
var hostileTexts = []string{
	"![](https://evil.example/px.png)",
	"[klikkaa](javascript:alert(1))",
	"[x][ref]\n\n[ref]: https://evil.example",
	"<img src=x onerror=alert(1)>",
	"<script>alert(1)</script>",
	"<https://evil.example>",
	"*tärkeä* __lihava__ ~~poistettu~~ `koodi`",
	"# otsikko",
	"## toinen",
	"- lista",
	"+ lista",
	"1. numeroitu",
	"12) numeroitu",
	"> lainaus",
	"    neljä välilyöntiä",
	"```\nkoodia\n```",
	"===",
	"a | b | c",
	`kenoviiva lopussa \`,
	`\| pakoon`,
	"&lt;b&gt; &#42;entiteetti&#42; &amp;",
	"rivi\nvaihto\r\nja\rtoinen\u2028kolmas",
	"[ ] tehtävä",
	"katso https://evil.example/login ja www.evil.example tai nimi@hus.fi",
	"Hyvä palvelu, kiitos!",
}

// TestMarkdownStaysText renders every hostile text as a table cell, a
// heading, a paragraph, a list item and a quote, parses the output with
// goldmark (CommonMark with GitHub's extensions, an implementation of its
// own) and requires plain text equal to the input (line ends as spaces,
// leading spaces dropped): no link, image, HTML, emphasis, code, heading
// or list made from the text.
func TestMarkdownStaysText(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	for _, s := range hostileTexts {
		want := strings.TrimLeft(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ").Replace(s), " ")
		doc := &Document{Title: s, Blocks: []Block{
			{Heading: s}, {Paragraph: s}, {List: []string{s}}, {Quotes: []string{s}},
			{Table: &Table{Rows: []Row{{Labels: []string{s}}}, By: nil}},
		}}
		var b bytes.Buffer
		if err := doc.Markdown(&b); err != nil {
			t.Fatal(err)
		}
		src := b.Bytes()
		root := md.Parser().Parse(text.NewReader(src))
		var texts []string
		err := ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.Link, *ast.Image, *ast.AutoLink, *ast.RawHTML, *ast.HTMLBlock, *ast.Emphasis,
				*ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *extast.Strikethrough, *extast.TaskCheckBox:
				t.Errorf("%q became %s:\n%s", s, n.Kind(), src)
			case *ast.Heading:
				if n.Level > 2 {
					t.Errorf("%q made a heading of level %d:\n%s", s, n.Level, src)
				}
				texts = append(texts, plain(n, src))
				return ast.WalkSkipChildren, nil
			case *ast.List:
				if n.IsOrdered() {
					t.Errorf("%q made an ordered list:\n%s", s, src)
				}
			case *ast.Paragraph, *ast.TextBlock, *extast.TableCell:
				texts = append(texts, plain(n, src))
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, x := range texts {
			if x == want {
				found++
			}
		}
		// The title, the heading, the paragraph, the item, the quote and
		// the cell.
		if found < 6 {
			t.Errorf("%q: %d of the places show it as it is (want 6); texts %q\n%s", s, found, texts, src)
		}
	}
}

// plain returns the text of a node's inline children, entities and
// escapes resolved as a browser would show them.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(c.Value(src)))))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteString(" ")
			}
		case *ast.String:
			b.Write(c.Value)
		default:
			b.WriteString(plain(c, src))
		}
	}
	return b.String()
}
