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
// (inline CSS and SVG, no scripts or external files) with charts readable
// in print and by screen readers: [IndexChart] (the index per unit with
// interval whiskers and the reference line), [DistributionChart]
// (diverging stacked bars of the agree scale) and [TrendChart] (the index
// by month with its interval band, broken and marked where the instrument
// version changes). Hidden figures carry a mark and a footnote saying
// why; a footer names the instrument, the catalogue data version, the
// library version and the methods.
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
