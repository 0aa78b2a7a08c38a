package stat

import "math"

// ShareCounts are the answers behind a share: Positive of N (the agreeing
// answers of the substantive ones, or the yes answers of yes and no). The
// zero value has no answers.
type ShareCounts struct {
	Positive int64 `json:"positive"`
	N        int64 `json:"n"`
}

// Valid reports whether the counts can be a share: N > 0 and 0 ≤
// Positive ≤ N.
func (c ShareCounts) Valid() bool { return c.N > 0 && c.Positive >= 0 && c.Positive <= c.N }

// Share returns Positive/N, a fraction from 0 to 1, or NaN when the
// counts are not valid.
func (c ShareCounts) Share() float64 {
	if !c.Valid() {
		return math.NaN()
	}
	return float64(c.Positive) / float64(c.N)
}

// IndexCounts are the answers behind a recommendation index: promoters,
// passives and detractors (9–10, 7–8 and 0–6 on the national 0–10 scale).
// The zero value has no answers.
type IndexCounts struct {
	Promoters  int64 `json:"promoters"`
	Passives   int64 `json:"passives"`
	Detractors int64 `json:"detractors"`
}

// N returns the number of answers.
func (c IndexCounts) N() int64 { return c.Promoters + c.Passives + c.Detractors }

// Valid reports whether the counts can give an index: none negative and
// at least one answer.
func (c IndexCounts) Valid() bool {
	return c.Promoters >= 0 && c.Passives >= 0 && c.Detractors >= 0 && c.N() > 0
}

// Index returns 100 × (promoters − detractors)/N in points, or NaN when
// the counts are not valid.
func (c IndexCounts) Index() float64 {
	if !c.Valid() {
		return math.NaN()
	}
	return 100 * float64(c.Promoters-c.Detractors) / float64(c.N())
}

// Add returns the sum of two counts.
func (c IndexCounts) Add(d IndexCounts) IndexCounts {
	return IndexCounts{c.Promoters + d.Promoters, c.Passives + d.Passives, c.Detractors + d.Detractors}
}

// indexVariance is the variance of one answer's index score (+100, 0 or
// −100) when a share p of answers are promoters and d detractors, in
// points²: 10⁴(p + d − (p − d)²).
func indexVariance(p, d float64) float64 { return 1e4 * (p + d - (p-d)*(p-d)) }

// shares returns the promoter and detractor shares.
func (c IndexCounts) shares() (p, d float64) {
	n := float64(c.N())
	return float64(c.Promoters) / n, float64(c.Detractors) / n
}

// Variance returns the sampling variance of the share: p(1 − p)/n; NaN
// when the counts are not valid.
func (c ShareCounts) Variance() float64 {
	p := c.Share()
	return p * (1 - p) / float64(c.N)
}

// Variance returns the sampling variance of the index in points²:
// 10⁴(p + d − (p − d)²)/n with p and d the promoter and detractor shares;
// NaN when the counts are not valid.
func (c IndexCounts) Variance() float64 {
	if !c.Valid() {
		return math.NaN()
	}
	p, d := c.shares()
	return indexVariance(p, d) / float64(c.N())
}
