package scoring

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/palaute/palaute/internal/enum"
)

// Method is how an interval is computed.
type Method uint8

// Interval methods. The zero value, [MethodDefault], picks the default for
// the indicator: Wilson for shares, adjusted Wald for the recommendation
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
	// Bootstrap: percentile interval of a seeded multinomial bootstrap.
	Bootstrap
)

var methodNames = []string{"", "wilson", "clopper-pearson", "jeffreys", "wald", "adjusted-wald", "student-t", "bootstrap"}

// String returns the method's name, such as "wilson".
func (m Method) String() string { return enum.String(methodNames, m, "Method") }

// MarshalText implements [encoding.TextMarshaler].
func (m Method) MarshalText() ([]byte, error) { return enum.Marshal(methodNames, m, "Method") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (m *Method) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = MethodDefault
		return nil
	}
	v, ok := enum.Parse[Method](methodNames, string(b))
	if !ok {
		return errorf("unknown interval method %q", b)
	}
	*m = v
	return nil
}

// Interval is a confidence interval with its method and level. The zero
// value means "not computed" (no answers, or a method that needs more).
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

// zScore returns the two-sided standard normal quantile for a level.
func zScore(level float64) float64 {
	return distuv.UnitNormal.Quantile(1 - (1-level)/2)
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// ShareInterval returns an interval for the share x/n at the given level
// (0.95 for 95 %) by method: [Wilson], [ClopperPearson], [Jeffreys] or
// [Wald] (the default is Wilson). Limits are clipped to [0, 1]. With n = 0
// it returns the zero Interval.
func ShareInterval(x, n int64, level float64, m Method) Interval {
	if n <= 0 || x < 0 || x > n {
		return Interval{}
	}
	if m == MethodDefault {
		m = Wilson
	}
	alpha := 1 - level
	fx, fn := float64(x), float64(n)
	p := fx / fn
	var lo, hi float64
	switch m {
	case Wilson:
		z := zScore(level)
		z2 := z * z
		center := (fx + z2/2) / (fn + z2)
		half := z / (fn + z2) * math.Sqrt(fx*(fn-fx)/fn+z2/4)
		lo, hi = center-half, center+half
	case ClopperPearson:
		lo, hi = 0, 1
		if x > 0 {
			lo = distuv.Beta{Alpha: fx, Beta: fn - fx + 1}.Quantile(alpha / 2)
		}
		if x < n {
			hi = distuv.Beta{Alpha: fx + 1, Beta: fn - fx}.Quantile(1 - alpha/2)
		}
	case Jeffreys:
		b := distuv.Beta{Alpha: fx + 0.5, Beta: fn - fx + 0.5}
		lo, hi = 0, 1
		if x > 0 {
			lo = b.Quantile(alpha / 2)
		}
		if x < n {
			hi = b.Quantile(1 - alpha/2)
		}
	case Wald:
		half := zScore(level) * math.Sqrt(p*(1-p)/fn)
		lo, hi = p-half, p+half
	default:
		return Interval{}
	}
	return Interval{Low: clamp(lo, 0, 1), High: clamp(hi, 0, 1), Method: m, Level: level}
}

// IndexInterval returns an interval for the recommendation index of
// promoters and detractors among n answers, in index points (−100…100),
// by [AdjustedWald] (the default) or [Wald]. The adjusted Wald interval
// (Rocks 2016) uses n' = n + 3, p' = (promoters + ¾)/n', d' = (detractors +
// ¾)/n', centre p' − d' and standard error √((p' + d' − (p' − d')²)/n').
// Limits are clipped to [−100, 100]. With n = 0 it returns the zero
// Interval.
func IndexInterval(promoters, detractors, n int64, level float64, m Method) Interval {
	if n <= 0 || promoters < 0 || detractors < 0 || promoters+detractors > n {
		return Interval{}
	}
	if m == MethodDefault {
		m = AdjustedWald
	}
	fp, fd, fn := float64(promoters), float64(detractors), float64(n)
	switch m {
	case AdjustedWald:
		fn += 3
		fp, fd = fp+0.75, fd+0.75
	case Wald:
	default:
		return Interval{}
	}
	p, d := fp/fn, fd/fn
	center := p - d
	se := math.Sqrt((p + d - center*center) / fn)
	half := zScore(level) * se
	return Interval{Low: clamp(100*(center-half), -100, 100), High: clamp(100*(center+half), -100, 100), Method: m, Level: level}
}

// MeanInterval returns the Student's t interval for a mean of n answers
// with sample standard deviation sd, clipped to [lo, hi] (the scale's
// range). Fewer than two answers give the zero Interval.
func MeanInterval(mean, sd float64, n int64, level float64, lo, hi float64) Interval {
	return meanInterval(mean, sd, n, level, lo, hi, nil)
}

// quantiles caches Student's t quantiles by degrees of freedom for one
// level: inverting the incomplete beta function is by far the costliest
// step of scoring many groups, and group sizes repeat.
type quantiles struct {
	level float64
	t     map[int64]float64
}

func (q *quantiles) student(df int64, level float64) float64 {
	if q != nil && q.level == level {
		if v, ok := q.t[df]; ok {
			return v
		}
	}
	v := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - (1-level)/2)
	if q != nil && q.level == level {
		q.t[df] = v
	}
	return v
}

func meanInterval(mean, sd float64, n int64, level float64, lo, hi float64, q *quantiles) Interval {
	if n < 2 || math.IsNaN(mean) {
		return Interval{}
	}
	half := q.student(n-1, level) * sd / math.Sqrt(float64(n))
	return Interval{Low: clamp(mean-half, lo, hi), High: clamp(mean+half, lo, hi), Method: StudentT, Level: level}
}
