package scoring

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/enum"
	"github.com/palaute/palaute/scoring/stat"
)

// Kind is the kind of an indicator.
type Kind uint8

// The indicators.
const (
	// Index is the recommendation index (suositteluindeksi): 100 ×
	// (promoters − detractors) / answers, in points from −100 to 100.
	Index Kind = iota + 1
	// Agreement is the share of answers in the agree band (4–5 of 1–5).
	Agreement
	// Mean is the mean answer on the substantive range (1–5).
	Mean
	// YesShare is the share of yes among yes and no.
	YesShare
)

var kindNames = []string{"", "recommendation-index", "agreement-share", "mean", "yes-share"}

// String returns the kind's name, such as "recommendation-index".
func (k Kind) String() string { return enum.String(kindNames, k, "Kind") }

// MarshalText implements [encoding.TextMarshaler].
func (k Kind) MarshalText() ([]byte, error) { return enum.Marshal(kindNames, k, "Kind") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *Kind) UnmarshalText(b []byte) error {
	v, ok := enum.Parse[Kind](kindNames, string(b))
	if !ok {
		return errorf("unknown indicator kind %q", b)
	}
	*k = v
	return nil
}

// CantSayPolicy says whether can't-say answers count in the denominator
// of a share. The library's definition excludes them (agreement share =
// answers 4–5 / answers 1–5); NHS England's Friends and Family Test keeps
// "don't know" in the denominator. Means always exclude them.
type CantSayPolicy uint8

// The can't-say policies; the zero value excludes.
const (
	ExcludeCantSay CantSayPolicy = iota
	IncludeCantSay
)

// Options configures how indicators are computed. The zero value gives
// 95 % intervals, Wilson for shares, adjusted Wald for the index,
// Student's t for means, and can't-say answers excluded; WithDefaults
// spells those defaults out, and Check rejects a method that does not
// apply.
type Options struct {
	Level       float64       // confidence level; 0 means 0.95 (0.998 for control limits)
	ShareMethod stat.Method   // stat.Wilson (default), ClopperPearson, Jeffreys, Wald or Bootstrap
	IndexMethod stat.Method   // stat.AdjustedWald (default), Wald or Bootstrap
	CantSay     CantSayPolicy // whether can't-say answers are in share denominators
	// Replicates and Seed configure the Bootstrap method: the number of
	// resamples (0 means 2000) and the seed of the generator, so that
	// results are reproducible.
	Replicates int
	Seed       uint64
}

// DefaultLevel is the confidence level of intervals and tests when
// none is given.
const DefaultLevel = 0.95

// DefaultReplicates is the number of bootstrap resamples when none is
// given.
const DefaultReplicates = 2000

// WithDefaults returns o with every default resolved: the level, the
// share and index methods and the bootstrap replicates. It is the one
// place the defaults are decided; functions given a zero field use it.
func (o Options) WithDefaults() Options {
	if o.Level <= 0 || o.Level >= 1 {
		o.Level = DefaultLevel
	}
	if o.ShareMethod == stat.MethodDefault {
		o.ShareMethod = stat.Wilson
	}
	if o.IndexMethod == stat.MethodDefault {
		o.IndexMethod = stat.AdjustedWald
	}
	if o.Replicates <= 0 {
		o.Replicates = DefaultReplicates
	}
	return o
}

// Check reports options that cannot be honoured: an interval method that
// does not apply to shares or to the index (Wilson for the index, say)
// gives an error wrapping [stat.ErrMethod], rather than figures silently
// without intervals.
func (o Options) Check() error {
	if err := o.ShareMethod.ForShare(); err != nil {
		return errorf("ShareMethod: %w", err)
	}
	if err := o.IndexMethod.ForIndex(); err != nil {
		return errorf("IndexMethod: %w", err)
	}
	return nil
}

func (o Options) level() float64 { return o.WithDefaults().Level }

// Indicator is one figure with the counts it came from. When N is zero
// there is no value: Valid is false and Estimate is NaN (null in JSON),
// never 0.
type Indicator struct {
	Item string `json:"item"`
	Kind Kind   `json:"kind"`
	// N is the denominator: the answers the estimate is computed from.
	N int64 `json:"n"`
	// Positive, Neutral and Negative count promoters, passives and
	// detractors (index); answers in the agree, neutral and disagree bands
	// (agreement, mean); yes and no (yes share).
	Positive int64 `json:"positive"`
	Neutral  int64 `json:"neutral"`
	Negative int64 `json:"negative"`
	// CantSay counts can't-say answers; with ExcludeCantSay they are not
	// in N.
	CantSay int64 `json:"cantSay"`
	// NotAnswered counts the group's responses that left the item empty
	// (0 for protected tallies, which do not publish responses).
	NotAnswered int64 `json:"notAnswered"`
	// Certain is the fewest answers in N that are certain: N for raw
	// tallies; for protected ones, what the published counts guarantee
	// whatever noise was added (see [Protect]).
	Certain int64 `json:"certain"`
	// Suppressed says why the figure is hidden; zero if published. A
	// hidden indicator has no counts and no value.
	Suppressed Reason `json:"suppressed,omitzero"`
	// Valid reports whether there is a value (N > 0).
	Valid bool `json:"valid"`
	// Estimate is the index in points (−100…100), a share (0…1) or a mean.
	Estimate float64       `json:"estimate"`
	Interval stat.Interval `json:"interval"`
}

// MarshalJSON writes the indicator with "estimate": null when there is no
// value.
func (ind Indicator) MarshalJSON() ([]byte, error) {
	type plain Indicator
	out := struct {
		plain
		Estimate *float64 `json:"estimate"`
	}{plain: plain(ind)}
	if ind.Valid {
		out.Estimate = &ind.Estimate
	}
	return json.Marshal(out)
}

// IndexCounts returns the counts of an index indicator for the functions
// of package stat: promoters (Positive), passives (N − Positive −
// Negative) and detractors (Negative).
func (ind Indicator) IndexCounts() stat.IndexCounts {
	return stat.IndexCounts{Promoters: ind.Positive, Passives: ind.N - ind.Positive - ind.Negative, Detractors: ind.Negative}
}

// ShareCounts returns the counts of a share indicator for the functions
// of package stat: Positive of N (can't-say answers in N only when the
// options included them).
func (ind Indicator) ShareCounts() stat.ShareCounts {
	return stat.ShareCounts{Positive: ind.Positive, N: ind.N}
}

// bandCounts counts answers in the scale's bands.
func bandCounts(t Tally, s catalogue.Scale) map[string]int64 {
	out := map[string]int64{}
	for _, b := range s.Bands() {
		for v := b.Min; v <= b.Max; v++ {
			if v >= 0 && v <= MaxValue {
				out[b.Name] += t.Counts[v]
			}
		}
	}
	return out
}

func cantSay(t Tally, s catalogue.Scale) int64 {
	if v, ok := s.CantSay(); ok && v >= 0 && v <= MaxValue {
		return t.Counts[v]
	}
	return 0
}

// IndexOf computes the recommendation index of a tally on a
// recommendation scale, whose bands "promoter" and "detractor" (9–10 and
// 0–6 on the national scale) come from the catalogue.
func IndexOf(item string, t Tally, notAnswered int64, s catalogue.Scale, o Options) Indicator {
	b := bandCounts(t, s)
	ind := Indicator{Item: item, Kind: Index, Positive: b[catalogue.BandPromoter], Neutral: b[catalogue.BandPassive], Negative: b[catalogue.BandDetractor],
		CantSay: cantSay(t, s), NotAnswered: notAnswered, Estimate: math.NaN()}
	ind.N = ind.Positive + ind.Neutral + ind.Negative
	ind.Certain = ind.N
	if ind.N == 0 {
		return ind
	}
	ind.Valid = true
	ind.Estimate = 100 * float64(ind.Positive-ind.Negative) / float64(ind.N)
	if o.IndexMethod == stat.Bootstrap {
		ind.Interval = bootstrap(o, ind.N, []int64{ind.Positive, ind.Neutral, ind.Negative}, func(c []int64, n int64) float64 {
			return 100 * float64(c[0]-c[2]) / float64(n)
		}, -100, 100)
	} else {
		ind.Interval = stat.IndexInterval(ind.IndexCounts(), o.level(), o.IndexMethod)
	}
	return ind
}

// ShareOf computes the share of the positive band: "agree" for an agree
// scale (the agreement share) or "yes" for a yes/no scale (the yes share).
// Can't-say answers are in the denominator only with IncludeCantSay.
func ShareOf(item string, t Tally, notAnswered int64, s catalogue.Scale, o Options) Indicator {
	b := bandCounts(t, s)
	ind := Indicator{Item: item, CantSay: cantSay(t, s), NotAnswered: notAnswered, Estimate: math.NaN()}
	switch s.Kind() {
	case catalogue.KindYesNo:
		ind.Kind, ind.Positive, ind.Negative = YesShare, b[catalogue.BandYes], b[catalogue.BandNo]
	default:
		ind.Kind, ind.Positive, ind.Neutral, ind.Negative = Agreement, b[catalogue.BandAgree], b[catalogue.BandNeutral], b[catalogue.BandDisagree]
	}
	ind.N = ind.Positive + ind.Neutral + ind.Negative
	if o.CantSay == IncludeCantSay {
		ind.N += ind.CantSay
	}
	ind.Certain = ind.N
	if ind.N == 0 {
		return ind
	}
	ind.Valid = true
	ind.Estimate = float64(ind.Positive) / float64(ind.N)
	if o.ShareMethod == stat.Bootstrap {
		ind.Interval = bootstrap(o, ind.N, []int64{ind.Positive, ind.N - ind.Positive}, func(c []int64, n int64) float64 {
			return float64(c[0]) / float64(n)
		}, 0, 1)
	} else {
		ind.Interval = stat.ShareInterval(ind.ShareCounts(), o.level(), o.ShareMethod)
	}
	return ind
}

// MeanOf computes the mean of the substantive answers (can't-say
// excluded) with a Student's t interval.
func MeanOf(item string, t Tally, notAnswered int64, s catalogue.Scale, o Options) Indicator {
	return meanOf(item, t, notAnswered, s, o, nil)
}

func meanOf(item string, t Tally, notAnswered int64, s catalogue.Scale, o Options, q *stat.MeanIntervals) Indicator {
	b := bandCounts(t, s)
	ind := Indicator{Item: item, Kind: Mean, Positive: b[catalogue.BandAgree], Neutral: b[catalogue.BandNeutral], Negative: b[catalogue.BandDisagree],
		CantSay: cantSay(t, s), NotAnswered: notAnswered, Estimate: math.NaN()}
	lo, hi := s.Range()
	var sum, sumSq float64
	for v := max(lo, 0); v <= min(hi, MaxValue); v++ {
		c := float64(t.Counts[v])
		ind.N += t.Counts[v]
		sum += c * float64(v)
		sumSq += c * float64(v) * float64(v)
	}
	ind.Certain = ind.N
	if ind.N == 0 {
		return ind
	}
	n := float64(ind.N)
	ind.Valid = true
	ind.Estimate = sum / n
	if ind.N > 1 {
		variance := (sumSq - sum*sum/n) / (n - 1)
		if q == nil {
			q = &stat.MeanIntervals{Level: o.level()}
		}
		ind.Interval = q.Of(ind.Estimate, math.Sqrt(math.Max(variance, 0)), ind.N, float64(lo), float64(hi))
	}
	return ind
}

// IndicatorsOf returns the indicators an item's scale calls for: the
// index for a recommendation scale, the agreement share and the mean for
// an agree scale, the yes share for a yes/no scale.
func IndicatorsOf(item string, t Tally, notAnswered int64, s catalogue.Scale, o Options) []Indicator {
	return indicatorsOf(item, t, notAnswered, s, o, nil)
}

func indicatorsOf(item string, t Tally, notAnswered int64, s catalogue.Scale, o Options, q *stat.MeanIntervals) []Indicator {
	switch s.Kind() {
	case catalogue.KindRecommendation:
		return []Indicator{IndexOf(item, t, notAnswered, s, o)}
	case catalogue.KindAgree:
		return []Indicator{ShareOf(item, t, notAnswered, s, o), meanOf(item, t, notAnswered, s, o, q)}
	case catalogue.KindYesNo:
		return []Indicator{ShareOf(item, t, notAnswered, s, o)}
	}
	return nil
}

// bootstrap returns the percentile interval of stat over multinomial
// resamples of counts, seeded by o.Seed.
func bootstrap(o Options, n int64, counts []int64, statistic func([]int64, int64) float64, lo, hi float64) stat.Interval {
	reps := o.WithDefaults().Replicates
	src := rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)
	values := make([]float64, reps)
	sample := make([]int64, len(counts))
	for r := range values {
		left, leftP := n, 1.0
		for i, c := range counts {
			p := float64(c) / float64(n)
			switch {
			case i == len(counts)-1 || left == 0:
				sample[i] = left
			case leftP <= 0:
				sample[i] = 0
			default:
				q := math.Min(1, p/leftP)
				sample[i] = int64(distuv.Binomial{N: float64(left), P: q, Src: src}.Rand())
			}
			left -= sample[i]
			leftP -= p
		}
		values[r] = statistic(sample, n)
	}
	slices.Sort(values)
	alpha := 1 - o.level()
	pick := func(q float64) float64 {
		i := int(math.Round(q * float64(reps-1)))
		return values[min(max(i, 0), reps-1)]
	}
	return stat.Interval{Low: stat.Clamp(pick(alpha/2), lo, hi), High: stat.Clamp(pick(1-alpha/2), lo, hi), Method: stat.Bootstrap, Level: o.level()}
}
