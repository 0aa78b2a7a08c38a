// Package scoring turns validated responses into the figures counties
// publish and the statistics that make comparisons between units honest.
//
// # Tallies
//
// [Tallies] count answers per group and item, by value. Groups are split
// by any of region, provider, unit, service, channel, role and language
// ([Grouping]), always by instrument version (so time series break where
// the version changes), and by day, ISO week, month, quarter, year or a
// rolling window ([PeriodKind]) in the calendar of Europe/Helsinki.
// Tallies merge exactly and serialize to JSON and a compact binary form,
// so partial results from separate processes or counties combine into the
// single-pass result. [TallyCSV] reads a CSV file in parallel straight
// into tallies. [Rollup] sums unit tallies up the organisation tree.
// Aggregation always sums counts and then computes; it never averages
// percentages or means.
//
// # Indicators
//
// [IndexOf], [ShareOf] and [MeanOf] compute the recommendation index,
// the agreement (or yes) share and the mean from a tally and the item's
// scale; [Score] does it for every group. Which answers are promoters,
// passives and detractors, or agreeing, comes from the scale's bands in
// the catalogue data. Every [Indicator] carries its counts (n, the bands,
// can't-say and not answered), the estimate and an [Interval] with its
// method and level; n = 0 gives no value, never 0. Shares use Wilson
// intervals by default (Clopper–Pearson, Jeffreys, Wald and a seeded
// bootstrap on request); the index uses the adjusted Wald interval of
// Rocks (2016); means use Student's t. Can't-say answers are excluded from
// share denominators unless [IncludeCantSay] is set.
//
// # Suppression
//
// [Suppression.Apply] hides small groups in an organisation tree: groups
// under the threshold (default 5), the next-smallest sibling of a lone
// hidden group, and two children of a hidden parent, as NHS England's
// Friends and Family Test does, so hidden counts cannot be recovered by
// subtraction. Comments have their own, higher threshold.
//
// # Comparison and standardization
//
// [ComparePeers] compares each unit with the pooled rest of its peer
// group, and [BenchmarkShare] and [BenchmarkIndex] with a fixed value:
// difference, interval, p-value and a better / no difference / worse
// label, with Holm or Benjamini–Hochberg correction ([Adjust]). Ranks are
// not offered. [ShareFunnel] and [IndexFunnel] give funnel-plot limits at
// 95 % and 99.8 %, widened by [Overdispersion] where units vary more than
// chance. [ShareReliability] and [IndexReliability] say whether units can
// be told apart at all with their sample sizes. [Standardize] adjusts a
// unit's figure to a reference mix of strata (channel, role, language),
// since SMS and kiosk answers differ systematically.
//
// # Management
//
// [MeasureCoverage] finds the units that measure continuously and
// [CoverageChange] the change between two dates; [Triage] flags single
// responses that need a quick reaction, by rules kept as data.
//
// Reference values for the statistics come from statsmodels and scipy;
// the scripts are in testdata/ beside the vectors.
package scoring
