package scoring

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/survey"
)

var defaultScales = CatalogueScales(catalogue.Default())

// testSecret keys the perturbation in the tests.
var testSecret = []byte("palaute scoring tests: a secret of more than sixteen bytes")

// protection returns the default protection with the tests' secret.
func protection() Protection { return Protection{Secret: testSecret} }

// TestHalves: the record-keyed half of the noise is uniform on
// −d/2…+d/2 and the place-keyed half the heads of d coins less d/2,
// exactly: over values of u spread evenly over 64 bits, the uniform one
// gives every value equally often, and over every value of the d bits it
// reads the binomial one gives k − d/2 exactly C(d, k) times.
func TestHalves(t *testing.T) {
	for d := 2; d <= 20; d += 2 {
		const each = 1000
		m := uint64((d + 1) * each)
		got, want := map[int64]int{}, map[int64]int{}
		step := math.MaxUint64 / m
		for i := range m {
			got[recordsHalf(i*step+step/2, d)]++
		}
		for v := -d / 2; v <= d/2; v++ {
			want[int64(v)] = each
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records half, d = %d (-uniform +got):\n%s", d, diff)
		}
		got, want = map[int64]int{}, map[int64]int{}
		for u := range uint64(1) << d {
			got[placeHalf(u|0xdead<<d, d)]++ // bits above d must not matter
		}
		for k := 0; k <= d; k++ {
			want[int64(k-d/2)] = int(math.Round(math.Exp(lgammaOf(d+1) - lgammaOf(k+1) - lgammaOf(d-k+1))))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("place half, d = %d (-binomial +got):\n%s", d, diff)
		}
	}
}

func lgammaOf(n int) float64 { v, _ := math.Lgamma(float64(n)); return v }

// TestProtectionResolve: the defaults, and every invalid setting refused.
func TestProtectionResolve(t *testing.T) {
	p, err := Protection{}.Resolve()
	require.NoError(t, err)
	if diff := cmp.Diff(Protection{MinAnswers: 5, ExactFrom: 11, Noise: 6, CommentMin: 10}, p); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	for _, bad := range []Protection{
		{MinAnswers: -1}, {ExactFrom: -3}, {Noise: -1}, {CommentMin: -10},
		{Noise: 22}, {Noise: 5}, {MinAnswers: 20}, {MinAnswers: 6}, // ExactFrom 11 < MinAnswers + Noise
		{ExactFrom: 8, MinAnswers: 5, Noise: 4},
	} {
		if _, err := bad.Resolve(); !errors.Is(err, ErrProtection) {
			t.Errorf("%+v: error %v, want ErrProtection", bad, err)
		}
	}
}

// county returns synthetic responses of a county with injected small
// units, over six months.
func county(seed uint64, responses int) []survey.Response {
	var out []survey.Response
	for r := range synth.Responses(synth.Config{Responses: responses, Units: 10, SmallUnits: 6, Seed: seed, Days: 181}) {
		out = append(out, r)
	}
	return out
}

var baseGrouping = ProtectedBase()

// TestProtectRefuses: no secret, a short one, another base than the
// protected one, or tallies protected already.
func TestProtectRefuses(t *testing.T) {
	rs := county(4, 400)
	raw := tally(t, baseGrouping, rs)
	for name, secret := range map[string][]byte{"none": nil, "empty": {}, "short": []byte("fifteen bytes..")} {
		if _, err := Protect(raw, defaultScales, Protection{Secret: secret}); !errors.Is(err, ErrSecret) {
			t.Errorf("secret %s: error %v, want ErrSecret", name, err)
		}
	}
	utc := ProtectedBase()
	utc.Location = time.UTC
	for _, g := range []Grouping{
		{By: []Dimension{ByRegion}, Period: Month},
		{By: []Dimension{ByUnit, ByChannel}, Period: Month},
		{By: []Dimension{ByRegion, ByProvider, ByUnit}, Period: Day},
		{By: []Dimension{ByRegion, ByProvider, ByUnit}, Period: Quarter},
		{By: []Dimension{ByRegion, ByProvider, ByUnit}},
		utc,
	} {
		if _, err := Protect(tally(t, g, rs), defaultScales, protection()); !errors.Is(err, ErrProtection) {
			t.Errorf("base %+v: error %v, want ErrProtection", g, err)
		}
	}
	for _, g := range []Grouping{{By: []Dimension{ByUnit}, Period: Month}, {By: []Dimension{ByProvider, ByUnit}, Period: Month}} {
		if _, err := Protect(tally(t, g, rs), defaultScales, protection()); err != nil {
			t.Errorf("base %+v (the same cells): %v", g, err)
		}
	}
	p, err := Protect(raw, defaultScales, protection())
	require.NoError(t, err)
	_, errAdd := p.Add(rs[0])
	_, errJSON := json.Marshal(p)
	_, errBin := p.MarshalBinary()
	_, errAgain := Protect(p, defaultScales, protection())
	_, errCoverage := MeasureCoverage(p, []string{"u001"}, Date{2025, 6, 1}, CoverageRule{})
	s, _ := defaultScales(adult, "access")
	_, errStd := Standardize(p.Groups(), []Dimension{ByChannel}, "access", s, Mix{}, Options{})
	for name, err := range map[string]error{"Add": errAdd, "Merge": p.Merge(raw), "merge into raw": raw.Merge(p),
		"MarshalJSON": errJSON, "MarshalBinary": errBin, "Protect": errAgain, "MeasureCoverage": errCoverage, "Standardize": errStd} {
		if !errors.Is(err, ErrProtected) {
			t.Errorf("%s: error %v, want ErrProtected", name, err)
		}
	}
}

// categoryCounts returns a tally's counts (or, with gated, its gated
// counts) in the categories of scale s.
func categoryCounts(t Tally, s catalogue.Scale, gated bool) []int64 {
	cats := categoriesOf(s)
	out := make([]int64, len(cats))
	for v, c := range t.Counts {
		if gated {
			c = t.Gated[v]
		}
		for i, ct := range cats {
			if v >= ct.lo && v <= ct.hi {
				out[i] += c
			}
		}
	}
	return out
}

// TestProtectCells checks every base cell against the mechanism: a part
// with ExactFrom gated answers exact, every count of any other part
// (zeros too) moved by at most Noise with the noise's variance recorded,
// the certain gated answers never above the true ones and at most two
// below, no cell keys, gated counts or response counts left, and the
// same result for the same responses in any order.
func TestProtectCells(t *testing.T) {
	rs := county(3, 3000)
	raw := tally(t, baseGrouping, rs)
	p, err := Protect(raw, defaultScales, protection())
	require.NoError(t, err)
	perturbed, exact, movedZeros := 0, 0, 0
	for _, g := range raw.Groups() {
		if g.Key.Period.End.Compare(Date{2025, 6, 30}) > 0 {
			if _, ok := p.Group(g.Key); ok {
				t.Errorf("%v: the latest month (July) is published by default", g.Key)
			}
			continue
		}
		pg, ok := p.Group(g.Key)
		require.True(t, ok, "group %v missing", g.Key)
		if pg.Responses != 0 {
			t.Errorf("%v: protected group keeps %d responses", g.Key, pg.Responses)
		}
		for item, tl := range g.Items {
			s, _ := defaultScales(g.Key.Instrument, item)
			x, gx, y := categoryCounts(tl, s, false), categoryCounts(tl, s, true), categoryCounts(pg.Items[item], s, false)
			pert := pg.Perturbation[item]
			if pt := pg.Items[item]; pt.CellKey != 0 || pt.Gated != [MaxValue + 1]int64{} {
				t.Errorf("%v %s: protected tally keeps its cell key or gated counts", g.Key, item)
			}
			cats := categoriesOf(s)
			for _, part := range partsOf(cats, s) {
				var gated int64
				for _, i := range part.cats {
					gated += gx[i]
				}
				certain := pert.Gated
				if part.cantSay {
					certain = pert.GatedCantSay
				}
				if certain > gated || certain < gated-2 {
					t.Errorf("%v %s: %d gated answers, %d certain", g.Key, item, gated, certain)
				}
				for _, i := range part.cats {
					rep := cats[i].rep
					switch d := y[i] - x[i]; {
					case gated >= DefaultExactFrom && (d != 0 || pert.Variance[rep] != 0):
						t.Errorf("%v %s: a part of %d gated answers changed: %v → %v", g.Key, item, gated, x, y)
					case gated < DefaultExactFrom && (d < -DefaultNoise || d > DefaultNoise || pert.Variance[rep] != noiseVariance(DefaultNoise)):
						t.Errorf("%v %s: count %d became %d, variance %v", g.Key, item, x[i], y[i], pert.Variance[rep])
					case gated < DefaultExactFrom && x[i] == 0 && y[i] != 0:
						movedZeros++
					}
				}
				if gated >= DefaultExactFrom {
					exact++
				} else {
					perturbed++
				}
			}
		}
	}
	if perturbed == 0 || exact == 0 || movedZeros == 0 {
		t.Fatalf("the data set should have small (%d) and big (%d) parts, and moved zeros (%d)", perturbed, exact, movedZeros)
	}

	shuffled := slices.Clone(rs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again, err := Protect(tally(t, baseGrouping, shuffled), defaultScales, protection())
	require.NoError(t, err)
	if diff := cmp.Diff(p.Groups(), again.Groups()); diff != "" {
		t.Errorf("protecting the same responses in another order differs (-first +second):\n%s", diff)
	}
	other, err := Protect(raw, defaultScales, Protection{Secret: []byte("another secret of the county, long enough")})
	require.NoError(t, err)
	if cmp.Equal(p.Groups(), other.Groups()) {
		t.Error("another secret did not change the noise of any cell")
	}
}

// response returns a response of unit u in month m of 2025 with the
// given answers through channel ch.
func response(id, u string, m int, ch survey.Channel, answers ...survey.Answer) survey.Response {
	return survey.Response{ID: id, Instrument: adult, Region: "r", Provider: "p", Unit: u, Channel: ch,
		Submitted: time.Date(2025, time.Month(m), 10, 12, 0, 0, 0, time.UTC), Answers: answers}
}

// TestOpenChannelsNeverExact: answers anyone can add (web, QR, kiosk,
// paper, unrecorded) never make a cell exact nor a figure published,
// however many there are; TrustOpenChannels counts them.
func TestOpenChannelsNeverExact(t *testing.T) {
	for _, ch := range []survey.Channel{survey.ChannelWeb, survey.ChannelQR, survey.ChannelKiosk, survey.ChannelPaper, survey.ChannelUnknown} {
		var rs []survey.Response
		for i := range 3 {
			rs = append(rs, response(fmt.Sprint("g", i), "u", 3, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 10}))
		}
		for i := range 40 {
			rs = append(rs, response(fmt.Sprint("o", i), "u", 3, ch, survey.Answer{Item: "recommend", Value: 2}))
		}
		raw := tally(t, baseGrouping, rs)
		for _, trust := range []bool{false, true} {
			p := protection()
			p.TrustOpenChannels, p.Through = trust, Date{2025, 3, 31}
			base, err := Protect(raw, defaultScales, p)
			require.NoError(t, err)
			g := base.Groups()[0]
			pert := g.Perturbation["recommend"]
			ind, _ := scored(t, base)[0].Indicator("recommend", Index)
			exact := pert.Variance[10] == 0
			if exact != trust || (ind.Suppressed == Published) != trust {
				t.Errorf("%v, trust %v: exact %v, published %v (certain %d)", ch, trust, exact, ind.Suppressed == Published, pert.Gated)
			}
		}
	}
}

// TestThrough: by default the latest month is left out (it may still
// receive answers); an explicit Through publishes up to its month.
func TestThrough(t *testing.T) {
	var rs []survey.Response
	for m := 1; m <= 4; m++ {
		for i := range 12 {
			rs = append(rs, response(fmt.Sprint(m, "-", i), "u", m, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 9}))
		}
	}
	raw := tally(t, baseGrouping, rs)
	months := func(p Protection) []time.Month {
		base, err := Protect(raw, defaultScales, p)
		require.NoError(t, err)
		var out []time.Month
		for _, g := range base.Groups() {
			out = append(out, g.Key.Period.Start.Month)
		}
		return out
	}
	p := protection()
	require.Equal(t, []time.Month{1, 2, 3}, months(p))
	p.Through = Date{2025, 4, 30}
	require.Equal(t, []time.Month{1, 2, 3, 4}, months(p))
	p.Through = Date{2025, 2, 27}
	require.Equal(t, []time.Month{1}, months(p))
}

// TestNoiseDistribution: over many cells of the same true counts (zeros
// among them) but different responses, the noise of each count follows
// its table: the sum of the heads of Noise coins less Noise/2 and a
// uniform draw from −Noise/2…+Noise/2, mean 0 and variance Noise/4 +
// Noise(Noise+2)/12 (a chi-squared test of the frequencies, seeded).
func TestNoiseDistribution(t *testing.T) {
	const cells = 3000
	d := DefaultNoise
	x := []int64{0, 2, 1, 0, 3, 1} // values 0–5: every part small
	s, _ := defaultScales(adult, "access")
	freq := make([][]int64, len(x))
	for i := range freq {
		freq[i] = make([]int64, 2*d+1)
	}
	for c := range cells {
		var rs []survey.Response
		for v, k := range x {
			for j := range k {
				rs = append(rs, response(fmt.Sprintf("c%d-%d-%d", c, v, j), fmt.Sprint("u", c), 5, survey.ChannelSMS, survey.Answer{Item: "access", Value: v}))
			}
		}
		p := protection()
		p.Through = Date{2025, 5, 31}
		base, err := Protect(tally(t, baseGrouping, rs), defaultScales, p)
		require.NoError(t, err)
		y := categoryCounts(base.Groups()[0].Items["access"], s, false)
		for i := range y {
			freq[i][y[i]-x[i]+int64(d)]++
		}
	}
	for i := range x {
		var chi2, mean, variance float64
		for e, f := range freq[i] {
			var pe float64 // P(f + g = e − d)
			for f := -d / 2; f <= d/2; f++ {
				pe += placeProb(int64(d), int64(f)) * recordsProb(int64(d), int64(e-d-f))
			}
			want := float64(cells) * pe
			chi2 += (float64(f) - want) * (float64(f) - want) / want
			mean += float64(f) * float64(e-d) / cells
			variance += float64(f) * float64((e-d)*(e-d)) / cells
		}
		// 12 degrees of freedom: the 0.999 quantile is 32.9.
		nv := noiseVariance(d)
		if chi2 > 32.9 || math.Abs(mean) > 4*math.Sqrt(nv/cells) || math.Abs(variance-nv) > 0.15*nv {
			t.Errorf("value %d (count %d): chi² %.1f, mean %.3f, variance %.3f (want 0 and %v)", i, x[i], chi2, mean, variance, nv)
		}
	}
}

// TestNoiseHalves: the same answers get the same noise whatever else the
// organisation tree says (another provider code), and answers added to a
// cell redraw only the record-keyed half of the noise of its other
// counts: the place-keyed half stays, so republishing a month as answers
// come in never averages the noise away. Over many cells, the noise of a
// count before and after one more answer elsewhere in the cell has
// covariance Noise/4, the place-keyed half's variance.
func TestNoiseHalves(t *testing.T) {
	const cells = 3000
	var sumXY, sumX, sumY float64
	p := protection()
	p.Through = Date{2025, 5, 31}
	s, _ := defaultScales(adult, "recommend")
	for c := range cells {
		unit := fmt.Sprint("u", c)
		rs := []survey.Response{response(unit+"a", unit, 5, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 10}),
			response(unit+"b", unit, 5, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 7})}
		before, err := Protect(tally(t, baseGrouping, rs), defaultScales, p)
		require.NoError(t, err)
		moved := slices.Clone(rs)
		for i := range moved {
			moved[i].Provider, moved[i].Region = "another provider", "another region"
		}
		same, err := Protect(tally(t, baseGrouping, moved), defaultScales, p)
		require.NoError(t, err)
		b, m := categoryCounts(before.Groups()[0].Items["recommend"], s, false), categoryCounts(same.Groups()[0].Items["recommend"], s, false)
		require.Equal(t, b, m, "the same answers under another provider code")
		rs = append(rs, response(unit+"c", unit, 5, survey.ChannelWeb, survey.Answer{Item: "recommend", Value: 9}))
		after, err := Protect(tally(t, baseGrouping, rs), defaultScales, p)
		require.NoError(t, err)
		a := categoryCounts(after.Groups()[0].Items["recommend"], s, false)
		// The detractors' count (0) is not touched by the added promoter.
		ex, ey := float64(b[0]), float64(a[0])
		sumX, sumY, sumXY = sumX+ex, sumY+ey, sumXY+ex*ey
	}
	cov := sumXY/cells - sumX/cells*sumY/cells
	want := float64(DefaultNoise) / 4
	if math.Abs(cov-want) > 0.3 {
		t.Errorf("covariance of a count's noise before and after an answer elsewhere: %.3f, want %.3f", cov, want)
	}
}

// TestProtectedScore: published figures have at least MinAnswers true
// gated answers, hidden ones carry nothing, no published count is below
// zero, and intervals are at least as wide as the method's interval on
// the same published counts.
func TestProtectedScore(t *testing.T) {
	rs := county(5, 4000)
	raw := tally(t, baseGrouping, rs)
	p, err := Protect(raw, defaultScales, protection())
	require.NoError(t, err)
	nPublished, hidden := 0, 0
	for _, a := range []Aggregation{{By: []Dimension{ByUnit}, Period: Month}, {By: []Dimension{ByUnit}}, {Period: Quarter}, {By: []Dimension{ByProvider}, Period: Rolling, Window: 2, End: Date{2025, 4, 30}}} {
		pa, err := p.Aggregate(a)
		require.NoError(t, err)
		ra, err := raw.Aggregate(a)
		require.NoError(t, err)
		for _, r := range scored(t, pa) {
			rg, _ := ra.Group(r.Key)
			for _, ind := range r.Indicators {
				if ind.Suppressed != Published {
					hidden++
					if ind.N != 0 || ind.Positive != 0 || ind.Certain != 0 || ind.Valid || !math.IsNaN(ind.Estimate) {
						t.Errorf("%v %s %s: hidden figure carries %+v", r.Key, ind.Item, ind.Kind, ind)
					}
					continue
				}
				nPublished++
				s, _ := defaultScales(r.Key.Instrument, ind.Item)
				gated := rg.Items[ind.Item]
				gated.Counts = gated.Gated
				trueGated := IndicatorsOf(ind.Item, gated, 0, s, Options{})[0].N
				if trueGated < DefaultMinAnswers || ind.Certain > trueGated || ind.Certain < DefaultMinAnswers {
					t.Errorf("%v %s %s: published with %d certain of %d true gated answers", r.Key, ind.Item, ind.Kind, ind.Certain, trueGated)
				}
				if ind.Positive < 0 || ind.Neutral < 0 || ind.Negative < 0 || ind.CantSay < 0 {
					t.Errorf("%v %s %s: a count below zero: %+v", r.Key, ind.Item, ind.Kind, ind)
				}
				g, _ := pa.Group(r.Key)
				plain := IndicatorsOf(ind.Item, published(g.Items[ind.Item]), 0, s, Options{})
				i := slices.IndexFunc(plain, func(x Indicator) bool { return x.Kind == ind.Kind })
				if pl := plain[i].Interval; !pl.IsZero() && (ind.Interval.Low > pl.Low+1e-12 || ind.Interval.High < pl.High-1e-12) {
					t.Errorf("%v %s %s: interval %v narrower than the method's %v", r.Key, ind.Item, ind.Kind, ind.Interval, pl)
				}
				if perturbationVariance(ind, g.Perturbation[ind.Item], s, Options{}) > 0 && ind.Interval.Low == ind.Interval.High {
					t.Errorf("%v %s %s: a perturbed figure with an interval of zero width", r.Key, ind.Item, ind.Kind)
				}
			}
		}
	}
	if nPublished == 0 || hidden == 0 {
		t.Errorf("%d published, %d hidden; the data should give both", nPublished, hidden)
	}
}

// releases returns every output the library can make from the protected
// base: every subset of region, provider and unit, all time, months,
// quarters, years and rolling windows of 1–3 months ending at every month
// end.
func releases(t testing.TB, base *Tallies, o Options) []Release {
	dims := []Dimension{ByRegion, ByProvider, ByUnit}
	var aggs []Aggregation
	for mask := range 1 << len(dims) {
		var by []Dimension
		for i, d := range dims {
			if mask&(1<<i) != 0 {
				by = append(by, d)
			}
		}
		for _, k := range []PeriodKind{AllTime, Month, Quarter, Year} {
			aggs = append(aggs, Aggregation{By: by, Period: k})
		}
		for m := 1; m <= 7; m++ {
			end := DateOf(Date{2025, 1, 1}.time().AddDate(0, m, -1))
			for w := 1; w <= 3; w++ {
				aggs = append(aggs, Aggregation{By: by, Period: Rolling, Window: w, End: end})
			}
		}
	}
	var out []Release
	for _, a := range aggs {
		ta, err := base.Aggregate(a)
		require.NoError(t, err)
		res, err := Score(ta, catalogue.Default(), defaultScales, o)
		require.NoError(t, err)
		b, _ := json.Marshal(a)
		out = append(out, Release{Name: string(b), Aggregation: a, Options: o, Results: res})
	}
	return out
}

// suppressed returns raw results with figures of fewer than min answers
// hidden, table by table: the per-table suppression of the controls.
func suppressed(res []Result, min int64) []Result {
	out := slices.Clone(res)
	for i := range out {
		out[i].Indicators = slices.Clone(out[i].Indicators)
		for j, ind := range out[i].Indicators {
			if ind.N < min {
				out[i].Indicators[j] = Indicator{Item: ind.Item, Kind: ind.Kind, Suppressed: TooFewAnswers, Estimate: math.NaN()}
			}
		}
	}
	return out
}

// TestAuditFindsLeaks: a release that publishes one figure from the raw
// tallies instead of the protected base is inconsistent.
func TestAuditFindsLeaks(t *testing.T) {
	raw := tally(t, baseGrouping, county(8, 2000))
	base, err := Protect(raw, defaultScales, protection())
	require.NoError(t, err)
	a := Aggregation{By: []Dimension{ByUnit}}
	res := scored(t, must(base.Aggregate(a)))
	rawRes := scored(t, must(raw.Aggregate(a)))
	leaked := slices.Clone(res)
	leaked[0] = rawRes[0]
	for name, rs := range map[string][]Result{"protected": res, "leaked": leaked} {
		rep, err := Audit([]Publication{{Base: base, Releases: []Release{{Name: name, Aggregation: a, Results: rs}}}}, defaultScales, AuditOptions{})
		require.NoError(t, err)
		if (rep.Inconsistent > 0) != (name == "leaked") {
			t.Errorf("%s: %d inconsistent figures", name, rep.Inconsistent)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestAggregate: aggregates of protected tallies are sums of their
// cells, perturbations included, and keep the base.
func TestAggregate(t *testing.T) {
	raw := tally(t, baseGrouping, county(9, 1500))
	base, err := Protect(raw, defaultScales, protection())
	require.NoError(t, err)
	q, err := base.Aggregate(Aggregation{By: []Dimension{ByProvider}, Period: Quarter})
	require.NoError(t, err)
	b, ok := q.Base()
	require.True(t, ok)
	require.Equal(t, baseGrouping.By, b.By)
	for _, g := range q.Groups() {
		var want Tally
		var wantPert Perturbation
		for _, c := range base.Groups() {
			if c.Key.Provider == g.Key.Provider && periodOf(Quarter, c.Key.Period.Start) == g.Key.Period && c.Key.Instrument == g.Key.Instrument {
				want.add(c.Items["recommend"])
				wantPert.add(c.Perturbation["recommend"])
			}
		}
		if diff := cmp.Diff(want, g.Items["recommend"]); diff != "" {
			t.Errorf("%v: counts (-sum of cells +aggregate):\n%s", g.Key, diff)
		}
		if diff := cmp.Diff(wantPert, g.Perturbation["recommend"]); diff != "" {
			t.Errorf("%v: perturbation (-sum of cells +aggregate):\n%s", g.Key, diff)
		}
	}
}

// TestProtectedAggregateDeterministic: adding up protected tallies gives
// the same bits every time (their variances are floating-point sums, so
// the order of adding must not follow a map's).
func TestProtectedAggregateDeterministic(t *testing.T) {
	raw := tally(t, baseGrouping, county(12, 3000))
	base, err := Protect(raw, defaultScales, protection())
	require.NoError(t, err)
	first, err := base.Aggregate(Aggregation{Period: Quarter})
	require.NoError(t, err)
	for range 20 {
		again, err := base.Aggregate(Aggregation{Period: Quarter})
		require.NoError(t, err)
		if !reflect.DeepEqual(first.Groups(), again.Groups()) {
			t.Fatal("aggregating the same protected tallies gave different results")
		}
	}
}

// FuzzPublication: whatever the responses (units of every size, can't-say
// heavy items, open and gated channels) and the protection's settings,
// every release of the protected base is consistent with it and no
// published figure rests on fewer than MinAnswers gated answers.
func FuzzPublication(f *testing.F) {
	f.Add(uint64(1), uint8(4), uint8(3), uint8(0), false)
	f.Add(uint64(7), uint8(11), uint8(6), uint8(2), true)
	f.Add(uint64(42), uint8(1), uint8(1), uint8(1), false)
	f.Fuzz(func(t *testing.T, seed uint64, units, months, noise uint8, trust bool) {
		rng := rand.New(rand.NewPCG(seed, 77))
		nUnits, nMonths := 1+int(units%12), 1+int(months%6)
		d := 2 * (1 + int(noise%4))
		p := Protection{Noise: d, MinAnswers: 1 + rng.IntN(9), Secret: testSecret, TrustOpenChannels: trust, Through: Date{2025, 6, 30}}
		p.ExactFrom = p.MinAnswers + d + rng.IntN(4)
		raw := NewTallies(baseGrouping)
		gated := NewTallies(baseGrouping) // the gated answers only: the truth the threshold is about
		id := 0
		cantSayHeavy := seed%3 == 0 // items mostly answered "can't say"
		channels := survey.Channels()
		for u := range nUnits {
			region, provider := fmt.Sprint("r", rng.IntN(2)), fmt.Sprint("p", rng.IntN(3))
			for m := range nMonths {
				var n int
				switch rng.IntN(3) {
				case 0:
					n = rng.IntN(4)
				case 1:
					n = 1 + rng.IntN(15)
				default:
					n = 10 + rng.IntN(50)
				}
				for range n {
					id++
					r := survey.Response{ID: fmt.Sprint("f", id), Instrument: adult, Region: region, Provider: provider, Unit: fmt.Sprint("u", u),
						Channel: channels[rng.IntN(len(channels))], Submitted: time.Date(2025, time.Month(1+m), 1+rng.IntN(28), 12, 0, 0, 0, time.UTC)}
					r.Answers = append(r.Answers, survey.Answer{Item: "recommend", Value: rng.IntN(11)})
					if rng.IntN(4) > 0 {
						v := rng.IntN(6)
						if cantSayHeavy && rng.IntN(10) < 7 {
							v = 0
						}
						r.Answers = append(r.Answers, survey.Answer{Item: "access", Value: v})
					}
					if _, err := raw.Add(r); err != nil {
						t.Fatal(err)
					}
					if IsGated(r.Channel) || trust {
						gated.Add(r)
					}
				}
			}
		}
		base, err := Protect(raw, defaultScales, p)
		if err != nil {
			t.Fatal(err)
		}
		o := Options{CantSay: CantSayPolicy(rng.IntN(2))}
		var rels []Release
		dims := baseGrouping.By
		for mask := range 1 << len(dims) {
			var by []Dimension
			for i, dm := range dims {
				if mask&(1<<i) != 0 {
					by = append(by, dm)
				}
			}
			aggs := []Aggregation{{By: by}, {By: by, Period: Month}, {By: by, Period: Quarter}}
			for range 3 {
				end := periodOf(Month, Date{2025, time.Month(1 + rng.IntN(nMonths)), 1}).End
				aggs = append(aggs, Aggregation{By: by, Period: Rolling, Window: 1 + rng.IntN(3), End: end})
			}
			for _, a := range aggs {
				ta, err := base.Aggregate(a)
				if err != nil {
					t.Fatal(err)
				}
				res, err := Score(ta, catalogue.Default(), defaultScales, o)
				if err != nil {
					t.Fatal(err)
				}
				rels = append(rels, Release{Aggregation: a, Options: o, Results: res})
			}
		}
		rep, err := Audit([]Publication{{Base: base, Releases: rels}}, defaultScales, AuditOptions{Genuine: gated})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inconsistent != 0 || rep.Thin != 0 {
			t.Fatalf("protection %+v broken: %d inconsistent, %d thin: %v", p, rep.Inconsistent, rep.Thin, rep.Findings)
		}
	})
}

// TestProtectedIntervalCoverage: intervals computed from protected counts
// must still cover the true value about as often as their level says. A
// unit's year is the sum of 12 small, perturbed months (about 4 answers
// each, every answer by SMS); over 2 000 simulated units with true index
// 25 and true agreement share 0.85, the 95 % intervals must cover at
// least 95 % of the time. The coverage without the perturbation's
// variance is logged to show what the widening is for.
func TestProtectedIntervalCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const reps = 2000
	rng := rand.New(rand.NewPCG(2026, 11))
	recScale, _ := defaultScales(adult, "recommend")
	agreeScale, _ := defaultScales(adult, "access")
	var coveredIndex, coveredShare, plainIndex, plainShare, nPublished int
	for rep := range reps {
		raw := NewTallies(baseGrouping)
		for m := range 12 {
			n := 1 + rng.IntN(7) // 1–7 answers, 4 on average
			for i := range n {
				v := 10 // promoter 0.5, passive 0.25, detractor 0.25: index 25
				switch x := rng.Float64(); {
				case x < 0.25:
					v = rng.IntN(7)
				case x < 0.5:
					v = 7 + rng.IntN(2)
				}
				a := 1 + rng.IntN(3) // agree 0.85
				if rng.Float64() < 0.85 {
					a = 4 + rng.IntN(2)
				}
				_, err := raw.Add(response(fmt.Sprint(rep, "-", m, "-", i), "u", 1+m, survey.ChannelSMS,
					survey.Answer{Item: "recommend", Value: v}, survey.Answer{Item: "access", Value: a}))
				require.NoError(t, err)
			}
		}
		p := protection()
		p.Through = Date{2025, 12, 31}
		base, err := Protect(raw, defaultScales, p)
		require.NoError(t, err)
		year, err := base.Aggregate(Aggregation{By: []Dimension{ByUnit}})
		require.NoError(t, err)
		res := scored(t, year)
		idx, _ := res[0].Indicator("recommend", Index)
		share, _ := res[0].Indicator("access", Agreement)
		if idx.Suppressed != Published || share.Suppressed != Published {
			continue
		}
		nPublished++
		if idx.Interval.Contains(25) {
			coveredIndex++
		}
		if share.Interval.Contains(0.85) {
			coveredShare++
		}
		g := year.Groups()[0]
		if IndexOf("recommend", published(g.Items["recommend"]), 0, recScale, Options{}).Interval.Contains(25) {
			plainIndex++
		}
		if ShareOf("access", published(g.Items["access"]), 0, agreeScale, Options{}).Interval.Contains(0.85) {
			plainShare++
		}
	}
	require.Greater(t, nPublished, reps*9/10)
	ci, cs := float64(coveredIndex)/float64(nPublished), float64(coveredShare)/float64(nPublished)
	t.Logf("%d published years: coverage of the index %.3f (%.3f without the noise's variance), of the share %.3f (%.3f without)",
		nPublished, ci, float64(plainIndex)/float64(nPublished), cs, float64(plainShare)/float64(nPublished))
	if ci < 0.95 || cs < 0.95 {
		t.Errorf("coverage of 95 %% intervals: index %.3f, share %.3f", ci, cs)
	}
}

// TestRestKeepsNoiseVariance: a unit whose protected counts add up to
// zero or less is still a group with its noise's variance, and the rest
// of every peer it is compared with carries that variance: the p-value of
// ComparePeers equals the test computed by hand from the sum of the other
// units' cells, variances included.
func TestRestKeepsNoiseVariance(t *testing.T) {
	var rs []survey.Response
	for i := range 60 { // two big units, exact
		rs = append(rs, response(fmt.Sprint("big", i), "big", 3, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 5 + i%6}))
	}
	for i := range 300 {
		rs = append(rs, response(fmt.Sprint("big2-", i), "big2", 3, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 4 + i%7}))
	}
	for u := range 40 { // lone respondents
		rs = append(rs, response(fmt.Sprint("lone", u), fmt.Sprint("lone", u), 3, survey.ChannelSMS, survey.Answer{Item: "recommend", Value: 9}))
	}
	p := protection()
	p.Through = Date{2025, 3, 31}
	base, err := Protect(tally(t, baseGrouping, rs), defaultScales, p)
	require.NoError(t, err)
	groups := base.Groups()
	nonPositive := 0
	var rest Tally
	var restPert Perturbation
	for _, g := range groups {
		tl, ok := g.Items["recommend"]
		require.True(t, ok, "unit %s lost its cell", g.Key.Unit)
		if tl.Answers() <= 0 {
			nonPositive++
		}
		if g.Key.Unit != "big" {
			rest.add(tl)
			restPert.add(g.Perturbation["recommend"])
		}
	}
	require.NotZero(t, nonPositive, "no lone unit's counts added up to zero or less; the test proves nothing")
	s, _ := defaultScales(adult, "recommend")
	var got *Comparison
	for _, c := range ComparePeers(groups, ByUnit, defaultScales, CompareOptions{}) {
		if c.Key.Unit == "big" {
			got = &c
		}
	}
	require.NotNil(t, got, "the big unit was not compared")
	big := groups[slices.IndexFunc(groups, func(g Group) bool { return g.Key.Unit == "big" })]
	own, vOwn, _ := headline("recommend", big.Items["recommend"], big.Perturbation["recommend"], s, &Protection{MinAnswers: 5}, Options{})
	ref, vRest, ok := headline("recommend", rest, restPert, s, &Protection{MinAnswers: 5}, Options{})
	require.True(t, ok)
	require.NotZero(t, vRest)
	want := compare(own, ref, CompareOptions{}.test(vOwn+vRest))
	if math.Abs(got.P-want.P) > 1e-15 || got.Test != want.Test {
		t.Errorf("p %v (%s), by hand %v (%s)", got.P, got.Test, want.P, want.Test)
	}
}
