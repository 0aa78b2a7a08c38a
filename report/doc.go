// Package report turns scored results into what people read and machines
// consume. It computes no statistics of its own: [Build] calls package
// scoring for indicators, comparisons and standardization, and arranges
// the results.
//
// # Publication
//
// Reports publish protected tallies only ([scoring.Protect]): every
// figure is computed from the protected counts, figures with too few
// certain answers are hidden cell by cell, and every footer states the
// method and its parameters. Raw tallies are refused (the error wraps
// [scoring.ErrProtected]) unless Options.Internal declares the report
// internal, in which case every footer says it is not protected.
//
// # Tables
//
// A [Table] holds groups × items: for each group its response count and,
// per item, the headline indicator (the recommendation index, the
// agreement or yes share) with its interval, the mean of agree items, the
// comparison with the peer group and the standardized figure when asked
// for, and why a figure is hidden when it is. A total row follows the
// groups. Tables are localized in Finnish, Swedish and English: headings
// from the UI labels and the catalogue's theme names, numbers with a
// decimal comma, U+00A0 and U+2212 in Finnish and Swedish, and group names
// sorted in the language's order.
//
// # Renderers
//
// For people: [Table.Markdown], and [Document.HTML], a self-contained page
// (inline CSS and SVG, no scripts or external files) rendered with
// html/template, so every text is escaped for its context. Pages work on
// any device: a viewport for phones, tables in keyboard-focusable scroll
// regions with the first column kept in view, charts that scale with
// their viewBox, a main landmark, and print styles for A4.
// [Document.HTMLWith] takes [HTMLOptions]: a county's stylesheets and CSS
// (after the built-in styles, so they win), logo, organisation name and
// home link, breadcrumbs for drill-down from county to provider to unit,
// and links from table rows to the rows' own pages.
//
// Charts ([Chart], made only by this package) are readable on a 320 px
// phone, in print and by screen readers (a title, a description with
// every figure, a tooltip per mark, axis titles and value scales, labels
// above their rows and ellipsised with the whole text in the tooltip):
// [IndexChart] (the index per group with interval whiskers and the
// overall figure as reference line), [FunnelChart] (the index against
// the number of respondents with 95 % and 99.8 % control limits),
// [DistributionChart] (diverging stacked bars of the agree scale on a
// share scale) and [TrendChart] / [TrendChartOf] (the index by period,
// one line per group, broken and marked where the instrument version
// changes). [Table.Document] draws, for a table by period, a line per
// group and the charts of the latest period against that period's own
// total. Hidden figures carry a mark and a footnote saying why; a footer
// names the instrument, the catalogue data version, the library version
// and the methods. [ReadNames] reads the names people see for codes.
//
// For machines: [Table.CSV] and [Table.JSON] in long form (one row per
// group × item) with the protected counts, plain ASCII numbers,
// unrounded, and stable column names; text cells are neutralised against
// spreadsheet formula injection. Charts carry the records behind them
// (Block.Data) for open data.
//
// # Unit reports and widgets
//
// [UnitReport] is the document a supervisor goes through with staff: the
// unit against its peer group, its strongest and weakest statements, the
// trend, the latest comments (redacted, and only above the comment
// threshold) and [DiscussionQuestions]. [Widget] gives the JSON a county
// website shows for a unit: the index over a rolling window of whole
// base periods with its interval, or a suppressed flag.
package report
