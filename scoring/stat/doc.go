// Package stat holds the statistics of feedback measurement as pure
// functions over counts: confidence intervals of shares, the
// recommendation index and means; tests that compare two groups or a
// group with a reference; multiple-comparison adjustment; funnel-plot
// limits and overdispersion; and the reliability of differences between
// groups.
//
// Counts come in small structs ([ShareCounts], [IndexCounts]) rather than
// runs of integers, so that a promoter count is never passed where a
// detractor count belongs. Every function states its definition in its
// doc comment; shares are fractions from 0 to 1 and the recommendation
// index is in points from −100 to 100, here and everywhere in palaute.
//
// Package scoring applies these functions to tallies of responses (and
// adds the variance of the noise of protected counts); use this package
// directly when the counts come from elsewhere, such as a published
// table.
//
// Reference values come from scipy and statsmodels (Python) and the
// survey package of R; the scripts and the vectors are in
// ../testdata.
package stat
