package stat

import (
	"fmt"
	"math"

	"github.com/palaute/palaute/internal/enum"
)

// Test names the test that gave a p-value.
type Test uint8

// The tests. The zero value means no test was made.
const (
	NoTest Test = iota
	// PooledZ is the two-sample z test with the variance pooled under the
	// null hypothesis of equal figures (the score test): for shares
	// z = (p₁ − p₂)/√(p̄(1 − p̄)(1/n₁ + 1/n₂)); for the index the variance
	// of one answer, 10⁴(p̄ + d̄ − (p̄ − d̄)²), comes from the pooled
	// promoter and detractor shares p̄ and d̄. A group whose answers all
	// fall in one band still has a variance.
	PooledZ
	// ExactConditional is the exact test of two indexes conditional on
	// the pooled counts of promoters, passives and detractors: under the
	// null hypothesis the smaller group's counts are multivariate
	// hypergeometric, and the p-value is the probability of a difference
	// at least as large in absolute value as the one observed. Its size
	// never exceeds the nominal level, whatever the group sizes.
	ExactConditional
	// ScoreZ is the one-sample z test against a reference with the
	// reference's variance: z = (p − θ)/√(θ(1 − θ)/n) for a share, and
	// z = (I − I₀)/√(10⁴(p₀ + d₀ − (p₀ − d₀)²)/n) for the index.
	ScoreZ
	// ExactMultinomial is the exact test of an index against a reference
	// population with promoter, passive and detractor shares p₀, a₀, d₀:
	// the probability under Multinomial(n; p₀, a₀, d₀) of an index at
	// least as far from I₀ as the one observed.
	ExactMultinomial
)

var testNames = []string{"", "pooled-z", "exact-conditional", "score-z", "exact-multinomial"}

// String returns the test's name, such as "pooled-z".
func (t Test) String() string { return enum.String(testNames, t, "Test") }

// MarshalText implements [encoding.TextMarshaler].
func (t Test) MarshalText() ([]byte, error) { return enum.Marshal(testNames, t, "Test") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (t *Test) UnmarshalText(b []byte) error {
	v, ok := enum.Parse[Test](testNames, string(b))
	if !ok {
		return fmt.Errorf("stat: unknown test %q", b)
	}
	*t = v
	return nil
}

// DefaultExactBelow is the group size under which index comparisons use
// an exact test by default. The normal approximation of the index, a
// statistic on 2n + 1 values, is poor for a few dozen answers; above it
// the pooled z test holds its size closely and costs nothing.
const DefaultExactBelow = 30

// TestOptions configures a comparison. The zero value tests at 95 %, with
// the exact test for index comparisons of groups under
// [DefaultExactBelow] answers.
type TestOptions struct {
	Level float64 // confidence level of the interval and the test; 0 means 0.95
	// ExtraVariance is variance of the difference beyond sampling, in the
	// figure's unit squared (points² for the index, fraction² for shares):
	// package scoring adds the variance of the noise of protected counts
	// here. It widens the interval and enters the z tests; with extra
	// variance the exact tests do not apply.
	ExtraVariance float64
	// ExactBelow sets when index comparisons are exact: when the smaller
	// group (or the one group, against a reference) has fewer answers than
	// this. 0 means DefaultExactBelow; a negative value never.
	ExactBelow int64
}

func (o TestOptions) level() float64 {
	if o.Level <= 0 || o.Level >= 1 {
		return 0.95
	}
	return o.Level
}

func (o TestOptions) exact(n int64) bool {
	below := o.ExactBelow
	if below == 0 {
		below = DefaultExactBelow
	}
	return o.ExtraVariance == 0 && n < below
}

// Difference is a figure compared with a reference: a group's share or
// index against another group's, or against a fixed value, with the
// interval of the difference and a two-sided p-value. Shares are
// fractions (0–1), indexes points (−100…100). The zero value is not a
// comparison; a comparison that cannot be made (a side without answers)
// has Test NoTest and NaN figures.
type Difference struct {
	Estimate  float64  `json:"estimate"`  // the group's figure
	Reference float64  `json:"reference"` // the other group's figure, or the fixed value
	Diff      float64  `json:"diff"`      // Estimate − Reference
	Interval  Interval `json:"interval"`  // of Diff
	P         float64  `json:"p"`         // two-sided
	Test      Test     `json:"test"`      // which test gave P
}

func noDifference() Difference {
	return Difference{Estimate: math.NaN(), Reference: math.NaN(), Diff: math.NaN(), P: math.NaN()}
}

// TwoSidedP returns the two-sided p-value of a standard normal z score,
// 2Φ(−|z|), computed as erfc(|z|/√2) so that it keeps its relative
// precision far in the tail (1 − Φ(|z|) cancels to 0 beyond |z| ≈ 8.3).
func TwoSidedP(z float64) float64 { return math.Erfc(math.Abs(z) / math.Sqrt2) }

// zP returns the two-sided p-value of a difference with a standard error;
// with no variance at all a non-zero difference is certain.
func zP(diff, se float64) float64 {
	switch {
	case se > 0:
		return TwoSidedP(diff / se)
	case diff == 0:
		return 1
	}
	return 0
}

// CompareShares compares the share of a with that of b, an independent
// sample (a unit with the rest of its peer group). The interval of the
// difference is Newcombe's hybrid score interval (from the two Wilson
// intervals, the extra variance added to both sides); the p-value is the
// [PooledZ] test's. Counts that are not valid on either side give no
// comparison.
func CompareShares(a, b ShareCounts, o TestOptions) Difference {
	if !a.Valid() || !b.Valid() {
		return noDifference()
	}
	level := o.level()
	p1, p2 := a.Share(), b.Share()
	c := Difference{Estimate: p1, Reference: p2, Diff: p1 - p2, Test: PooledZ}
	w1, w2 := ShareInterval(a, level, Wilson), ShareInterval(b, level, Wilson)
	z := ZCritical(level)
	z2e := z * z * o.ExtraVariance
	c.Interval = Interval{
		Low:    c.Diff - math.Sqrt((p1-w1.Low)*(p1-w1.Low)+(w2.High-p2)*(w2.High-p2)+z2e),
		High:   c.Diff + math.Sqrt((w1.High-p1)*(w1.High-p1)+(p2-w2.Low)*(p2-w2.Low)+z2e),
		Method: Wilson, Level: level,
	}
	pool := float64(a.Positive+b.Positive) / float64(a.N+b.N)
	c.P = zP(c.Diff, math.Sqrt(pool*(1-pool)*(1/float64(a.N)+1/float64(b.N))+o.ExtraVariance))
	return c
}

// CompareIndex compares the recommendation index of a with that of b, an
// independent sample. The interval of the difference is the adjusted Wald
// one (each side with ¾ added to promoters and detractors and 3 to n, as
// [IndexInterval] does, and the extra variance), so a group whose answers
// all fall in one band still has an interval of honest width. The p-value
// is the [ExactConditional] test's when the smaller group has fewer
// answers than o.ExactBelow and there is no extra variance, else the
// [PooledZ] test's. (The unpooled Wald variance, used before, is 0 for a
// small unit whose answers all fall in one band, and called five
// promoters "better" with p = 0.)
func CompareIndex(a, b IndexCounts, o TestOptions) Difference {
	if !a.Valid() || !b.Valid() {
		return noDifference()
	}
	level := o.level()
	c := Difference{Estimate: a.Index(), Reference: b.Index()}
	c.Diff = c.Estimate - c.Reference
	ia, sa := adjustedIndex(a)
	ib, sb := adjustedIndex(b)
	half := ZCritical(level) * math.Sqrt(sa*sa+sb*sb+o.ExtraVariance)
	c.Interval = Interval{Low: Clamp(ia-ib-half, -200, 200), High: Clamp(ia-ib+half, -200, 200), Method: AdjustedWald, Level: level}
	if o.exact(min(a.N(), b.N())) {
		c.P, c.Test = exactConditional(a, b), ExactConditional
		return c
	}
	pooled := a.Add(b)
	p, d := pooled.shares()
	se := math.Sqrt(indexVariance(p, d)*(1/float64(a.N())+1/float64(b.N())) + o.ExtraVariance)
	c.P, c.Test = zP(c.Diff, se), PooledZ
	return c
}

// ShareAgainst compares the share of c with a fixed value θ (a target, or
// the national figure). The p-value is the [ScoreZ] test's; the interval
// of the difference is the Wilson interval shifted by θ. θ outside (0, 1)
// or counts that are not valid give no comparison.
func ShareAgainst(c ShareCounts, theta float64, o TestOptions) Difference {
	if !c.Valid() || !(theta > 0 && theta < 1) {
		return noDifference()
	}
	level := o.level()
	p := c.Share()
	d := Difference{Estimate: p, Reference: theta, Diff: p - theta, Test: ScoreZ}
	w := ShareInterval(c, level, Wilson)
	d.Interval = Interval{Low: w.Low - theta, High: w.High - theta, Method: Wilson, Level: level}
	d.P = zP(d.Diff, math.Sqrt(theta*(1-theta)/float64(c.N)+o.ExtraVariance))
	return d
}

// IndexAgainst compares the index of c with that of a reference
// population whose promoter and detractor shares are p0 and d0 (the
// county or the national figure, taken as known): an index alone does not
// say how its answers spread, so the reference is given by its shares.
// The p-value is the [ExactMultinomial] test's for fewer answers than
// o.ExactBelow without extra variance, else the [ScoreZ] test's; the
// interval is the adjusted Wald interval of c shifted by the reference
// index. Shares outside [0, 1], or adding up to more than 1, give no
// comparison.
func IndexAgainst(c IndexCounts, p0, d0 float64, o TestOptions) Difference {
	if !c.Valid() || p0 < 0 || d0 < 0 || p0+d0 > 1 {
		return noDifference()
	}
	level := o.level()
	ref := 100 * (p0 - d0)
	d := Difference{Estimate: c.Index(), Reference: ref}
	d.Diff = d.Estimate - ref
	iv := IndexInterval(c, level, AdjustedWald)
	d.Interval = Interval{Low: iv.Low - ref, High: iv.High - ref, Method: AdjustedWald, Level: level}
	if o.exact(c.N()) {
		d.P, d.Test = exactMultinomial(c, p0, d0), ExactMultinomial
		return d
	}
	d.P, d.Test = zP(d.Diff, math.Sqrt(indexVariance(p0, d0)/float64(c.N())+o.ExtraVariance)), ScoreZ
	return d
}

// ShareZ returns the z score of the share of c against θ:
// (p − θ)/√(θ(1 − θ)/n), as in the funnel plot of [ShareFunnel].
func ShareZ(c ShareCounts, theta float64) float64 {
	return (c.Share() - theta) / math.Sqrt(theta*(1-theta)/float64(c.N))
}

// IndexZ returns the z score of the index of c against a population with
// promoter and detractor shares p0 and d0: (I − I₀)/√(10⁴(p₀ + d₀ − (p₀ −
// d₀)²)/n), as in the funnel plot of [IndexFunnel].
func IndexZ(c IndexCounts, p0, d0 float64) float64 {
	return (c.Index() - 100*(p0-d0)) / math.Sqrt(indexVariance(p0, d0)/float64(c.N()))
}

// logChoose returns log C(n, k).
func logChoose(n, k int64) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// exactConditional is the p-value of [ExactConditional]. The statistic
// is compared in integers: the difference times n₁n₂/100.
func exactConditional(a, b IndexCounts) float64 {
	small, large := a, b
	if b.N() < a.N() {
		small, large = b, a
	}
	tot := small.Add(large)
	m, ns, nl := small.N(), small.N(), large.N()
	stat := func(sp, sd int64) int64 {
		lp, ld := tot.Promoters-sp, tot.Detractors-sd
		v := (sp-sd)*nl - (lp-ld)*ns
		if v < 0 {
			return -v
		}
		return v
	}
	obs := stat(small.Promoters, small.Detractors)
	var terms []float64
	var extreme []bool
	top := math.Inf(-1)
	for xp := max(0, m-tot.Passives-tot.Detractors); xp <= min(tot.Promoters, m); xp++ {
		for xd := max(0, m-xp-tot.Passives); xd <= min(tot.Detractors, m-xp); xd++ {
			xa := m - xp - xd
			lw := logChoose(tot.Promoters, xp) + logChoose(tot.Passives, xa) + logChoose(tot.Detractors, xd)
			terms, extreme = append(terms, lw), append(extreme, stat(xp, xd) >= obs)
			top = math.Max(top, lw)
		}
	}
	return tailShare(terms, extreme, top)
}

// exactMultinomial is the p-value of [ExactMultinomial].
func exactMultinomial(c IndexCounts, p0, d0 float64) float64 {
	n := c.N()
	a0 := math.Max(0, 1-p0-d0)
	shift := float64(n) * (p0 - d0)
	dist := func(xp, xd int64) float64 { return math.Abs(float64(xp-xd) - shift) }
	obs := dist(c.Promoters, c.Detractors)
	tol := 1e-9 * math.Max(1, float64(n))
	logp := func(x int64, s float64) float64 {
		if x == 0 {
			return 0
		}
		return float64(x) * math.Log(s) // −Inf when s = 0
	}
	var terms []float64
	var extreme []bool
	top := math.Inf(-1)
	for xp := int64(0); xp <= n; xp++ {
		for xd := int64(0); xd <= n-xp; xd++ {
			xa := n - xp - xd
			lw := logChoose(n, xp) + logChoose(n-xp, xd) + logp(xp, p0) + logp(xd, d0) + logp(xa, a0)
			if math.IsInf(lw, -1) {
				continue
			}
			terms, extreme = append(terms, lw), append(extreme, dist(xp, xd) >= obs-tol)
			top = math.Max(top, lw)
		}
	}
	return tailShare(terms, extreme, top)
}

// tailShare returns the probability mass of the extreme terms among all,
// from log weights (normalized by their sum, which is exactly 1 only in
// exact arithmetic).
func tailShare(logw []float64, extreme []bool, top float64) float64 {
	var all, tail float64
	for i, lw := range logw {
		w := math.Exp(lw - top)
		all += w
		if extreme[i] {
			tail += w
		}
	}
	return math.Min(1, tail/all)
}
