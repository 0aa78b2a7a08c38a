// Package scoring turns validated responses into the figures counties
// publish and the statistics that make comparisons between units honest:
// mergeable tallies, the recommendation index, agreement and yes shares
// and means with their intervals, grouping by organisation and period,
// suppression of small groups, comparison and standardization.
//
// Scoring rules (which answers are promoters, which count as agreeing)
// come from the answer scales' bands in package catalogue, not from
// constants here.
package scoring
