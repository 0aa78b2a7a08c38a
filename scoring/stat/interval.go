package stat

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/palaute/palaute/internal/enum"
)

// Method is how an interval is computed.
type Method uint8

// Interval methods. The zero value, [MethodDefault], picks the default for
// the figure: Wilson for shares, adjusted Wald for the recommendation
// index, Student's t for means.
const (
	MethodDefault Method = iota
	// Wilson: the score interval for a binomial share (Wilson 1927).
	Wilson
	// ClopperPearson: the exact interval from beta quantiles (Clopper and
	// Pearson 1934); conservative.
	ClopperPearson
	// Jeffreys: the equal-tailed interval of the Beta(x+½, n−x+½)
	// posterior, with the lower limit 0 at x = 0 and the upper limit 1 at
	// x = n (Brown, Cai and DasGupta 2001).
	Jeffreys
	// Wald: estimate ± z·se with the plain standard error; poor for small n
	// or extreme shares, offered for comparison with older reports.
	Wald
	// AdjustedWald: for the recommendation index, Wald on counts with ¾
	// added to promoters and detractors and 3 to n (Rocks 2016).
	AdjustedWald
	// StudentT: mean ± t(n−1)·s/√n, for means.
	StudentT
	// Bootstrap: percentile interval of a seeded multinomial bootstrap
	// (computed by package scoring, which holds the options it needs).
	Bootstrap
)

var methodNames = []string{"", "wilson", "clopper-pearson", "jeffreys", "wald", "adjusted-wald", "student-t", "bootstrap"}

// ErrMethod reports an interval method that does not apply to a figure.
var ErrMethod = errors.New("interval method does not apply")

// String returns the method's name, such as "wilson".
func (m Method) String() string { return enum.String(methodNames, m, "Method") }

// MarshalText implements [encoding.TextMarshaler].
func (m Method) MarshalText() ([]byte, error) { return enum.Marshal(methodNames, m, "Method") }

// UnmarshalText implements [encoding.TextUnmarshaler]; empty text is
// [MethodDefault].
func (m *Method) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = MethodDefault
		return nil
	}
	v, ok := enum.Parse[Method](methodNames, string(b))
	if !ok {
		return fmt.Errorf("stat: unknown interval method %q", b)
	}
	*m = v
	return nil
}

// ForShare reports whether m computes share intervals: the default,
// Wilson, Clopper–Pearson, Jeffreys, Wald or Bootstrap. An error wrapping
// [ErrMethod] says otherwise.
func (m Method) ForShare() error {
	switch m {
	case MethodDefault, Wilson, ClopperPearson, Jeffreys, Wald, Bootstrap:
		return nil
	}
	return fmt.Errorf("%w: %s is not a method for shares (wilson, clopper-pearson, jeffreys, wald or bootstrap)", ErrMethod, m)
}

// ForIndex reports whether m computes index intervals: the default,
// adjusted Wald, Wald or Bootstrap. An error wrapping [ErrMethod] says
// otherwise.
func (m Method) ForIndex() error {
	switch m {
	case MethodDefault, AdjustedWald, Wald, Bootstrap:
		return nil
	}
	return fmt.Errorf("%w: %s is not a method for the recommendation index (adjusted-wald, wald or bootstrap)", ErrMethod, m)
}

// Interval is a confidence interval with its method and level (0.95 for
// 95 %). The zero value means "not computed" (no answers, or a method that
// does not apply).
type Interval struct {
	Low    float64 `json:"low"`
	High   float64 `json:"high"`
	Method Method  `json:"method"`
	Level  float64 `json:"level"`
}

// IsZero reports whether the interval was not computed.
func (iv Interval) IsZero() bool { return iv == Interval{} }

// Contains reports whether x lies in the closed interval.
func (iv Interval) Contains(x float64) bool { return !iv.IsZero() && x >= iv.Low && x <= iv.High }

// ZCritical returns the two-sided critical value of the standard normal
// distribution for a confidence level: Φ⁻¹(1 − (1 − level)/2), 1.96 for
// 0.95.
func ZCritical(level float64) float64 {
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

// Clamp returns x limited to [lo, hi].
func Clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// ShareInterval returns an interval for the share c.Positive/c.N at the
// given level by method: [Wilson] (the default), [ClopperPearson],
// [Jeffreys] or [Wald]. Limits are clipped to [0, 1]. Counts that are not
// valid, or another method, give the zero Interval.
func ShareInterval(c ShareCounts, level float64, m Method) Interval {
	if !c.Valid() {
		return Interval{}
	}
	if m == MethodDefault {
		m = Wilson
	}
	alpha := 1 - level
	fx, fn := float64(c.Positive), float64(c.N)
	p := fx / fn
	var lo, hi float64
	switch m {
	case Wilson:
		z := ZCritical(level)
		z2 := z * z
		center := (fx + z2/2) / (fn + z2)
		half := z / (fn + z2) * math.Sqrt(fx*(fn-fx)/fn+z2/4)
		lo, hi = center-half, center+half
	case ClopperPearson:
		lo, hi = 0, 1
		if c.Positive > 0 {
			lo = distuv.Beta{Alpha: fx, Beta: fn - fx + 1}.Quantile(alpha / 2)
		}
		if c.Positive < c.N {
			hi = distuv.Beta{Alpha: fx + 1, Beta: fn - fx}.Quantile(1 - alpha/2)
		}
	case Jeffreys:
		b := distuv.Beta{Alpha: fx + 0.5, Beta: fn - fx + 0.5}
		lo, hi = 0, 1
		if c.Positive > 0 {
			lo = b.Quantile(alpha / 2)
		}
		if c.Positive < c.N {
			hi = b.Quantile(1 - alpha/2)
		}
	case Wald:
		half := ZCritical(level) * math.Sqrt(p*(1-p)/fn)
		lo, hi = p-half, p+half
	default:
		return Interval{}
	}
	return Interval{Low: Clamp(lo, 0, 1), High: Clamp(hi, 0, 1), Method: m, Level: level}
}

// IndexInterval returns an interval for the recommendation index of c, in
// points (−100…100), by [AdjustedWald] (the default) or [Wald]. The
// adjusted Wald interval (Rocks 2016) uses n' = n + 3, p' = (promoters +
// ¾)/n', d' = (detractors + ¾)/n', centre p' − d' and standard error
// √((p' + d' − (p' − d')²)/n'). Limits are clipped to [−100, 100]. Counts
// that are not valid, or another method, give the zero Interval.
func IndexInterval(c IndexCounts, level float64, m Method) Interval {
	if !c.Valid() {
		return Interval{}
	}
	if m == MethodDefault {
		m = AdjustedWald
	}
	var center, se float64
	switch m {
	case AdjustedWald:
		center, se = adjustedIndex(c)
	case Wald:
		p, d := c.shares()
		center, se = 100*(p-d), math.Sqrt(indexVariance(p, d)/float64(c.N()))
	default:
		return Interval{}
	}
	half := ZCritical(level) * se
	return Interval{Low: Clamp(center-half, -100, 100), High: Clamp(center+half, -100, 100), Method: m, Level: level}
}

// adjustedIndex returns the adjusted Wald index of c and its standard
// error, in points: ¾ added to promoters and detractors and 3 to n.
func adjustedIndex(c IndexCounts) (index, se float64) {
	n := float64(c.N()) + 3
	p, d := (float64(c.Promoters)+0.75)/n, (float64(c.Detractors)+0.75)/n
	return 100 * (p - d), math.Sqrt(indexVariance(p, d) / n)
}

// MeanInterval returns the Student's t interval for a mean of n answers
// with sample standard deviation sd: mean ± t(n − 1)·sd/√n, clipped to
// [lo, hi] (the scale's range). Fewer than two answers, or a NaN mean,
// give the zero Interval.
func MeanInterval(mean, sd float64, n int64, level float64, lo, hi float64) Interval {
	return (&MeanIntervals{Level: level}).Of(mean, sd, n, lo, hi)
}

// MeanIntervals computes Student's t intervals of one level for many
// means, remembering the quantiles by degrees of freedom: inverting the
// incomplete beta function is the costliest step of scoring many groups,
// and group sizes repeat. The zero value uses 95 %. A MeanIntervals is not
// safe for concurrent use.
type MeanIntervals struct {
	Level float64 // 0 means 0.95
	t     map[int64]float64
}

// Of returns the interval of [MeanInterval] at the level of m.
func (m *MeanIntervals) Of(mean, sd float64, n int64, lo, hi float64) Interval {
	if n < 2 || math.IsNaN(mean) {
		return Interval{}
	}
	level := m.Level
	if level <= 0 || level >= 1 {
		level = 0.95
	}
	t, ok := m.t[n-1]
	if !ok {
		t = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-level)/2)
		if m.t == nil {
			m.t = map[int64]float64{}
		}
		m.t[n-1] = t
	}
	half := t * sd / math.Sqrt(float64(n))
	return Interval{Low: Clamp(mean-half, lo, hi), High: Clamp(mean+half, lo, hi), Method: StudentT, Level: level}
}
