package scoring

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/survey"
)

// The statistical properties of protected publication, by simulation:
// the size of comparisons of small protected units, the coverage and
// width of protected intervals, and the error the protection adds. The
// figures are logged (go test -v -run Simulation) and quoted in
// METHODS.md.

// mix is a distribution of answers: promoters and detractors of the
// recommendation question (the rest passives), agreeing and disagreeing
// answers to a statement (the rest neutral).
type mix struct {
	name                string
	promoter, detractor float64
	agree, disagree     float64
}

var (
	balanced = mix{name: "balanced", promoter: 0.35, detractor: 0.30, agree: 0.5, disagree: 0.25}
	skewed   = mix{name: "skewed", promoter: 0.80, detractor: 0.05, agree: 0.9, disagree: 0.03}
)

// answer draws one respondent's answers from m.
func (m mix) answer(rng *rand.Rand) survey.Answers {
	v := 7 + rng.IntN(2)
	switch x := rng.Float64(); {
	case x < m.promoter:
		v = 9 + rng.IntN(2)
	case x < m.promoter+m.detractor:
		v = rng.IntN(7)
	}
	a := 3
	switch x := rng.Float64(); {
	case x < m.agree:
		a = 4 + rng.IntN(2)
	case x < m.agree+m.disagree:
		a = 1 + rng.IntN(2)
	}
	return survey.Answers{{Item: "recommend", Value: v}, {Item: "access", Value: a}}
}

// simUnit adds n responses of unit u in March 2025 drawn from m, gated
// (by SMS) with probability gated, else through a kiosk.
func simUnit(t testing.TB, raw *Tallies, rng *rand.Rand, u string, n int, m mix, gated float64, id *int) {
	for range n {
		*id++
		ch := survey.ChannelKiosk
		if rng.Float64() < gated {
			ch = survey.ChannelSMS
		}
		if _, err := raw.Add(response(fmt.Sprint("s", *id), u, 3, ch, m.answer(rng)...)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSimulationComparisonSize: the size of the comparison of a small
// unit with its peers (four units of 200 answers) under the null (every
// unit answers alike), 6 000 replicates per case, at 95 %: how often a
// difference is declared, among the replicates where a comparison is
// made. Small protected figures that carry noise are not compared below
// CompareOptions.NoisyFrom (20) answers; figures of exact cells (11
// gated answers or more) get the exact conditional test below 30; noisy
// figures from 20 answers get the z test with the noise's variance.
func TestSimulationComparisonSize(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const reps = 6000
	type scenario struct {
		n     []int   // the small unit's answers, drawn uniformly from these
		gated float64 // share of its answers through gated channels
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-9s %-10s %-6s %9s %9s %9s\n", "mix", "n", "gated", "compared", "rejected", "size")
	for _, m := range []mix{balanced, skewed} {
		for _, sc := range []scenario{{[]int{5, 6, 7, 8, 9}, 1}, {[]int{11, 12, 15}, 1}, {[]int{20, 25, 29}, 1}, {[]int{20, 25, 29}, 0.3}, {[]int{30, 35, 39}, 0.3}, {[]int{40, 60}, 0.3}} {
			rng := rand.New(rand.NewPCG(uint64(sc.n[0]), uint64(100*sc.gated)+uint64(m.promoter*100)))
			compared, rejected := 0, 0
			for rep := range reps {
				raw := NewTallies(baseGrouping)
				id := rep * 10_000
				for i := range 4 {
					simUnit(t, raw, rng, fmt.Sprint("peer", i), 200, m, 0.85, &id)
				}
				simUnit(t, raw, rng, "small", sc.n[rng.IntN(len(sc.n))], m, sc.gated, &id)
				p := Protection{Secret: []byte(fmt.Sprint("simulation secret number ", rep)), Through: Date{2025, 3, 31}}
				base, err := Protect(raw, defaultScales, p)
				require.NoError(t, err)
				for _, c := range ComparePeers(base.Groups(), ByUnit, defaultScales, CompareOptions{}) {
					if c.Key.Unit != "small" || c.Item != "recommend" {
						continue
					}
					compared++
					if c.Label == Better || c.Label == Worse {
						rejected++
					}
				}
			}
			size := math.NaN()
			if compared > 0 {
				size = float64(rejected) / float64(compared)
			}
			fmt.Fprintf(&b, "%-9s %-10s %-6.2f %9d %9d %9.4f\n", m.name, fmt.Sprint(sc.n), sc.gated, compared, rejected, size)
			if compared > 0 && size > 0.06 {
				t.Errorf("%s, n %v, gated %.2f: size %.4f over %d comparisons", m.name, sc.n, sc.gated, size, compared)
			}
		}
	}
	t.Log(b.String())
}

// TestSimulationUtility: what the protection costs the figures people
// read, by the figure's n: the mean absolute difference between the
// protected and the unprotected index of a unit's month (in points), the
// coverage of the protected 95 % interval of the true index (the mix's),
// and the median width of the protected interval against the
// unprotected one. Units answer 85 % by SMS (gated), the rest by kiosk,
// as in the counties' figures; every replicate has its own secret.
func TestSimulationUtility(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	type band struct {
		lo, hi int
		errs   []float64
		ratios []float64
		cover  int // protected intervals covering the truth
		plain  int // unprotected intervals covering it
		n      int
	}
	bands := []*band{{lo: 5, hi: 10}, {lo: 11, hi: 19}, {lo: 20, hi: 49}, {lo: 50, hi: 99}, {lo: 100, hi: 400}}
	rng := rand.New(rand.NewPCG(7, 7))
	m := mix{promoter: 0.62, detractor: 0.10, agree: 0.85, disagree: 0.05}
	truth := 100 * (m.promoter - m.detractor)
	id := 0
	for rep := range 8000 {
		raw := NewTallies(baseGrouping)
		n := 5 + int(math.Exp(rng.Float64()*math.Log(80))) // 6–85, more small than big
		if rep%4 == 0 {
			n = 100 + rng.IntN(300)
		}
		simUnit(t, raw, rng, "u", n, m, 0.85, &id)
		p := Protection{Secret: []byte(fmt.Sprint("utility secret number ", rep)), Through: Date{2025, 3, 31}}
		base, err := Protect(raw, defaultScales, p)
		require.NoError(t, err)
		prot, _ := scored(t, base)[0].Indicator("recommend", Index)
		plain, _ := scored(t, raw)[0].Indicator("recommend", Index)
		i := slices.IndexFunc(bands, func(b *band) bool { return n >= b.lo && n <= b.hi })
		if i < 0 || prot.Suppressed != Published {
			continue
		}
		b := bands[i]
		b.n++
		b.errs = append(b.errs, math.Abs(prot.Estimate-plain.Estimate))
		b.ratios = append(b.ratios, (prot.Interval.High-prot.Interval.Low)/(plain.Interval.High-plain.Interval.Low))
		if prot.Interval.Contains(truth) {
			b.cover++
		}
		if plain.Interval.Contains(truth) {
			b.plain++
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\n%-9s %7s %10s %9s %12s %12s\n", "n", "figures", "MAE (pt)", "coverage", "unprotected", "width ratio")
	for _, b := range bands {
		mae := mean(b.errs)
		slices.Sort(b.ratios)
		ratio := b.ratios[len(b.ratios)/2]
		cover, plain := float64(b.cover)/float64(b.n), float64(b.plain)/float64(b.n)
		fmt.Fprintf(&out, "%3d–%-5d %7d %10.3f %9.3f %12.3f %12.3f\n", b.lo, b.hi, b.n, mae, cover, plain, ratio)
		// The coverage of a protected interval must not fall below the
		// method's own (the adjusted Wald interval covers about 95 %; the
		// Monte Carlo error of these figures is about ±0.01) nor below 0.95
		// by more than that error.
		se := math.Sqrt(0.05 * 0.95 / float64(b.n))
		switch {
		case b.lo >= 50 && mae > 1, b.lo >= 20 && b.hi < 50 && mae > 2:
			t.Errorf("n %d–%d: mean absolute index error %.3f", b.lo, b.hi, mae)
		case b.lo >= 20 && (cover < 0.95-2*se || cover < plain-2*se || ratio > 1.6):
			t.Errorf("n %d–%d: coverage %.3f (unprotected %.3f), median width ratio %.3f", b.lo, b.hi, cover, plain, ratio)
		}
	}
	t.Log(out.String())
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
