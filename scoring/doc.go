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
// the tallies of the one protected base, region × provider × unit ×
// calendar month ([ProtectedBase]), into protected ones, and every
// published figure is added up from them ([Tallies.Aggregate],
// [Tallies.Select], [Score], [ComparePeers], and package report, which
// refuses raw tallies unless a report is declared internal). METHODS.md
// beside this file says exactly how, so that a statistician can reproduce
// every published figure, and what was measured.
//
// Threat model. The attacker holds every output ever published from the
// same responses, by any number of publishers (a county, its regional
// offices, a vendor) and rounds: every table, period, rolling window,
// total, unit report and widget. He combines them by arithmetic, linear
// algebra and averaging; he can submit responses of his own through the
// open channels (web form, QR codes, kiosks, paper), in any number and at
// any time, knows their answers and sees every republication; he knows
// the mechanism and its parameters but not the secret.
//
// Mechanism. One base for every publisher: a second base (regions alone,
// units by channel, days) would be a second, differently perturbed look
// at the same answers, so Protect refuses any other. Tallies count which
// answers came through gated channels ([IsGated]: text-message
// invitations, phone interviews, staff devices), where nobody can add
// answers at will. In each cell (an item in a unit's month) the
// substantive answers, and apart from them the can't-say answers, are
// exact when at least ExactFrom (11) of them are gated; in any other part
// every count, zeros included, moves by a noise on −Noise…+Noise
// (Noise 6, variance 5.5), the sum of two halves keyed by the secret: a
// centred binomial by the place (unit, month, item, category) and a
// uniform by the records
// (the cell key, a sum of hashes of the response IDs: the same answers
// get the same noise in every table). Answers added later redraw only the
// record-keyed half, so averaging republications never removes the
// place-keyed one. A figure is published only when at least MinAnswers
// (5) of its answers are certainly gated, so an attacker's own answers
// through open channels never carry a figure into publication nor make a
// cell exact. Intervals include the noise's variance; comparisons add it
// and skip noisy figures that do not surely have NoisyFrom (30) answers; comments are shown only from
// published months whose figures rest on CommentMin (10) gated answers.
// The secret is required: without it the noise is public.
//
// Guarantee. Everything published is a sum of the protected base, so no
// combination of outputs, by one publisher or several sharing the
// secret, tells more than the protected base does. No published figure
// rests on fewer than MinAnswers gated answers. An attacker who knows
// every protected count, and his own answers, names a lone respondent's
// band (the only genuine answer to an item in a unit's month) little more
// often than by guessing the commonest band: METHODS.md gives the figures
// of the attack tests (gains of at most 0.03 per item, 0.06 combining a
// respondent's items). What stays visible: how many answers of a cell
// came through gated channels; a draw at the edge of the bounded noise
// (about 1 in 4 096 per count) can still make one band certain.
// Residuals, by design: two publishers with different secrets give two
// looks at every small cell; answers stuffed through a gated channel count
// as gated; months republished after late answers get new record-keyed
// noise (Protection.Through publishes closed months only).
//
// [Audit] is the attacker: over every publication made from the same
// responses (several bases, publishers and rounds, with the attacker's
// own answers), it checks that each published figure is a sum of its
// base, derives what linear algebra can from exact publications, and,
// given the genuine responses, counts figures resting on too few genuine
// answers and guesses every lone respondent's band from the posterior
// under the mechanism. Counties can run it over what their portals
// publish.
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
// periods; hidden groups are never compared, so never in a family, and
// protected figures with noise are compared from [DefaultNoisyFrom]
// answers (CompareOptions.NoisyFrom). Ranks
// are not offered. Funnel limits, overdispersion and the reliability of
// differences between units are in package stat too. Standardize adjusts
// a unit's figure to a reference mix of strata (channel, role, language),
// since SMS and kiosk answers differ systematically; ReferenceMix weights
// strata by the figure's own denominators, so a population standardized
// to its own mix keeps its crude figure. Strata are respondent attributes
// the protected base does not split by: standardization is for raw,
// internal tallies.
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
