// Package report turns scored results into tables and documents for people
// (Markdown, self-contained HTML with SVG charts, localized in Finnish,
// Swedish and English) and for machines (CSV and JSON with plain ASCII
// numbers). It computes no statistics of its own.
package report
