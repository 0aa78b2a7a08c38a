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
// single-pass result. [ReadTallies] reads a decoder's input straight
// into tallies, a file in parallel. [Tallies.Aggregate] adds groups up into coarser ones
// (fewer dimensions; months into quarters and years; rolling windows).
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
// # Disclosure control
//
// Figures for publication come from protected tallies: [Protect] turns
// the tallies of a fixed base (say region × provider × unit × month) into
// protected ones, and every published figure is added up from them
// ([Tallies.Aggregate], [Tallies.Select], [Score], [ComparePeers],
// [Standardize], and package report, which refuses raw tallies unless a
// report is declared internal).
//
// Threat model. The attacker holds every output ever produced from the
// same data: every grouping and combination of dimensions, every period
// and rolling window end date, totals, organisation roll-ups, unit
// reports and widgets, over any number of runs. They combine them by
// addition, subtraction, linear algebra and interval arithmetic over the
// integers. They know the mechanism and its parameters (the thresholds
// and the noise bound) but not the secret (Protection.Secret) or the
// response IDs.
//
// Mechanism. A base cell is one item in one group of the base. Its
// substantive answers, and apart from them its can't-say answers, are
// published exactly when there are at least ExactFrom of them (default
// 10); in a smaller part every non-zero count (of each band of the
// recommendation question, of each value of other scales) moves by a
// noise between
// −min(count, Noise) and +Noise (default 2) with mean 0, every value
// possible, chosen by the cell key of the cell-key method (the sum of the
// cell's record keys, hashed with the secret): the same responses get the
// same noise in every output and run (Australian Bureau of Statistics,
// TableBuilder; the 2021 European census). Zero counts stay zero. Every
// published figure is a sum of protected base cells, never a separate
// perturbation of its own: independent noise on overlapping outputs is
// what averaging attacks undo (Asghar and Kaafar, PETS 2020). A figure is
// hidden when fewer than MinAnswers (default 5) of its answers are
// certain from what is published (the protected counts minus the noise
// they may carry): the decision is made from published numbers only,
// because a decision on the unperturbed counts would itself tell the
// attacker something that, with the protected counts, can pin a hidden
// cell. Intervals include the variance of the noise. Responses of a
// group, cell keys and the counts of hidden figures are not published.
//
// Guarantee. Everything published is a function of the protected base,
// so no combination of outputs tells more than the protected base does;
// an attacker who knew every protected count would still, for every
// hidden figure and each of its true counts (n and each band), be left
// with at least Noise + 1 possible values (the protection interval): a
// count published as y was between max(1, y − Noise) and y + Noise, a
// zero between 0 and Noise. Knowing that a part of a cell is small (it
// may add up to less than ExactFrom) caps its counts, but never below
// Noise + 1 values for a hidden figure: a hidden figure has fewer than
// MinAnswers certain answers in each part, and ExactFrom is at least
// MinAnswers + Noise. (Protecting can't-say answers apart is what makes
// this hold: a cell of 9 can't-say and 2 other answers is exact as a
// whole, and treating it as one part let the cap pin the 2.) Published
// figures have at least MinAnswers true answers. What remains visible: a positive
// protected count of a hidden figure tells that somebody gave an answer
// in that band (zeros stay zero, as in the cell-key method), and a cell
// published again after late answers changed it is a second look at it
// (Protection.Through publishes closed periods only). Choosing a finer
// base (more dimensions, days) makes more cells small and adds noise.
//
// [Audit] is the attacker: over a base and every release made from it,
// it checks that each published count is the sum of the base, recovers
// what linear algebra can recover, and bounds each hidden count (by the
// mechanism for protected bases, by linear programs for exact
// publications). Counties can run it over what their portals publish.
//
// # Comparison and standardization
//
// ComparePeers compares each unit with the pooled rest of its peer group
// (never including the unit itself), and CompareGroups two disjoint
// groups: difference, interval, two-sided p-value, the test that gave it,
// and a better / no difference / worse label. The statistics themselves
// are functions over counts in package [stat]: the recommendation index
// by a pooled-variance z test, or an exact conditional test when a group
// has fewer than 30 answers and the counts are exact (a small unit whose
// answers all fall in one band is no longer "certainly" different);
// shares by the pooled z test with Newcombe's interval. P-values are
// computed in the tail (2Φ(−|z|) as erfc) and keep their precision down
// to about 1e-300. Holm or Benjamini–Hochberg adjustment (CompareOptions)
// runs within a Family: per item and period by default, or across
// periods; hidden groups are never compared, so never in a family. Ranks
// are not offered. Funnel limits, overdispersion and the reliability of
// differences between units are in package stat too. Standardize adjusts
// a unit's figure to a reference mix of strata (channel, role, language),
// since SMS and kiosk answers differ systematically; ReferenceMix weights
// strata by the figure's own denominators, so a population standardized
// to its own mix keeps its crude figure.
//
// # Management
//
// [MeasureCoverage] finds the units that measure continuously and
// [CoverageChange] the change between two dates. (Flagging a single
// submission that needs a quick reaction is survey.Triage: it acts on one
// submission, not on tallies.)
//
// Reference values come from statsmodels and scipy (testdata/indicators.py,
// testdata/compare.py) and R's survey package (testdata/standardize.R);
// the scripts are in testdata/ beside the vectors they made.
package scoring
