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
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/survey"
)

var defaultScales = CatalogueScales(catalogue.Default())

// TestNoiseTable checks the perturbation table against its definition:
// every noise value from −min(x, D) to D has a positive weight, the mean
// is exactly 0 (in integers), and the variance is D(D+1)/3 for x ≥ D
// (uniform on −D…D) and the value computed by hand for x = 1, D = 2.
func TestNoiseTable(t *testing.T) {
	for d := int64(1); d <= 6; d++ {
		for x := int64(1); x <= 9; x++ {
			lo, w := noiseWeights(x, d)
			require.Equal(t, -min(x, d), lo, "x %d d %d", x, d)
			require.Len(t, w, int(d-lo+1))
			var mean int64
			for i, v := range w {
				if v <= 0 {
					t.Fatalf("x %d d %d: noise %d has weight %d", x, d, lo+int64(i), v)
				}
				mean += v * (lo + int64(i))
			}
			if mean != 0 {
				t.Errorf("x %d d %d: weighted sum of noise %d, want 0", x, d, mean)
			}
			if x >= d {
				if got, want := noiseVariance(x, d), float64(d*(d+1))/3; math.Abs(got-want) > 1e-12 {
					t.Errorf("x %d d %d: variance %g, want %g", x, d, got, want)
				}
			}
		}
	}
	// x = 1, D = 2: weights −1:4, 0:2, 1:2, 2:1 of 9; variance (4+2+4)/9.
	if got := noiseVariance(1, 2); math.Abs(got-10.0/9) > 1e-12 {
		t.Errorf("x 1 d 2: variance %g, want 10/9", got)
	}
}

// TestNoiseOfFollowsTable: over evenly spread 64-bit keys, each noise
// value is chosen in proportion to its weight.
func TestNoiseOfFollowsTable(t *testing.T) {
	const n = 90_000
	for _, c := range []struct{ x, d int64 }{{1, 2}, {2, 2}, {5, 2}, {1, 3}, {2, 3}} {
		lo, w := noiseWeights(c.x, c.d)
		var total int64
		for _, v := range w {
			total += v
		}
		got := make([]int64, len(w))
		for i := range n {
			u := uint64((float64(i) + 0.5) / n * math.Exp2(64))
			got[noiseOf(c.x, c.d, u)-lo]++
		}
		for i, v := range w {
			want := float64(n) * float64(v) / float64(total)
			if math.Abs(float64(got[i])-want) > 2 {
				t.Errorf("x %d d %d noise %d: chosen %d times, want %.1f", c.x, c.d, lo+int64(i), got[i], want)
			}
		}
	}
}

func TestProtectionResolve(t *testing.T) {
	p, err := Protection{}.Resolve()
	require.NoError(t, err)
	if diff := cmp.Diff(Protection{MinAnswers: 5, ExactFrom: 10, Noise: 2, CommentMin: 10}, p); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	for _, bad := range []Protection{
		{MinAnswers: -1}, {ExactFrom: -3}, {Noise: -1}, {CommentMin: -10},
		{Noise: 21}, {MinAnswers: 20}, {MinAnswers: 9}, // ExactFrom 10 < MinAnswers + Noise
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

var baseGrouping = Grouping{By: []Dimension{ByRegion, ByProvider, ByUnit}, Period: Month}

// categoryCounts returns a tally's counts in the categories of scale s.
func categoryCounts(t Tally, s catalogue.Scale) []int64 {
	cats := categoriesOf(s)
	out := make([]int64, len(cats))
	for v, c := range t.Counts {
		for i, ct := range cats {
			if v >= ct.lo && v <= ct.hi {
				out[i] += c
			}
		}
	}
	return out
}

// TestProtectCells checks every base cell against the mechanism: big
// cells exact, small ones moved by at most Noise and never below 0, zero
// counts kept, the certain counts never above the true ones, no cell keys
// or response counts left, and the same result for the same responses in
// any order.
func TestProtectCells(t *testing.T) {
	rs := county(3, 3000)
	raw := tally(t, baseGrouping, rs)
	p, err := Protect(raw, defaultScales, Protection{})
	require.NoError(t, err)
	perturbed, exact := 0, 0
	for _, g := range raw.Groups() {
		pg, ok := p.Group(g.Key)
		require.True(t, ok, "group %v missing", g.Key)
		if pg.Responses != 0 {
			t.Errorf("%v: protected group keeps %d responses", g.Key, pg.Responses)
		}
		for item, tl := range g.Items {
			s, _ := defaultScales(g.Key.Instrument, item)
			x, y := categoryCounts(tl, s), categoryCounts(pg.Items[item], s)
			pert := pg.Perturbation[item]
			if pg.Items[item].CellKey != 0 {
				t.Errorf("%v %s: protected tally keeps its cell key", g.Key, item)
			}
			cats := categoriesOf(s)
			for _, part := range parts(cats, s) {
				var n int64
				for _, i := range part {
					n += x[i]
				}
				if n < DefaultExactFrom {
					perturbed++
					continue
				}
				exact++
				for _, i := range part {
					if x[i] != y[i] {
						t.Errorf("%v %s: a part of %d answers changed: %v → %v", g.Key, item, n, x, y)
					}
				}
			}
			for i, ct := range categoriesOf(s) {
				switch d := y[i] - x[i]; {
				case x[i] == 0 && y[i] != 0:
					t.Errorf("%v %s: zero count became %d", g.Key, item, y[i])
				case y[i] < 0 || d > DefaultNoise || d < -DefaultNoise:
					t.Errorf("%v %s: count %d became %d", g.Key, item, x[i], y[i])
				}
				if pert.Certain[ct.rep] > x[i] {
					t.Errorf("%v %s: %d certain answers of value %d, but only %d", g.Key, item, pert.Certain[ct.rep], ct.rep, x[i])
				}
			}
		}
	}
	if perturbed == 0 || exact == 0 {
		t.Fatalf("the data set should have both small (%d) and big (%d) cells", perturbed, exact)
	}

	shuffled := slices.Clone(rs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again, err := Protect(tally(t, baseGrouping, shuffled), defaultScales, Protection{})
	require.NoError(t, err)
	if diff := cmp.Diff(p.Groups(), again.Groups()); diff != "" {
		t.Errorf("protecting the same responses in another order differs (-first +second):\n%s", diff)
	}
	keyed, err := Protect(raw, defaultScales, Protection{Secret: []byte("county secret")})
	require.NoError(t, err)
	if cmp.Equal(p.Groups(), keyed.Groups()) {
		t.Error("a secret did not change the noise of any cell")
	}
}

// TestProtectedTalliesRefuse: protected tallies cannot take raw
// responses, be merged, serialized or protected again.
func TestProtectedTalliesRefuse(t *testing.T) {
	raw := tally(t, baseGrouping, county(4, 500))
	p, err := Protect(raw, defaultScales, Protection{})
	require.NoError(t, err)
	_, errAdd := p.Add(county(4, 1)[0])
	_, errJSON := json.Marshal(p)
	_, errBin := p.MarshalBinary()
	_, errAgain := Protect(p, defaultScales, Protection{})
	for name, err := range map[string]error{"Add": errAdd, "Merge": p.Merge(raw), "merge into raw": raw.Merge(p),
		"MarshalJSON": errJSON, "MarshalBinary": errBin, "Protect": errAgain} {
		if !errors.Is(err, ErrProtected) {
			t.Errorf("%s: error %v, want ErrProtected", name, err)
		}
	}
}

// TestNoiseUnbiased: over many small cells of the same true counts but
// different responses, the protected counts average the true ones.
func TestNoiseUnbiased(t *testing.T) {
	s, _ := defaultScales(adult, "access")
	const cells = 4000
	var sum, sumSq [6]float64
	x := []int64{1, 0, 2, 1, 3, 0} // values 0–5: n = 7 < ExactFrom
	for c := range cells {
		tl := NewTallies(Grouping{By: []Dimension{ByUnit}})
		id := 0
		for v, k := range x {
			for range k {
				id++
				tl.Add(survey.Response{ID: string(rune('a'+c%26)) + string(rune(c)) + "-" + string(rune(id)), Instrument: adult, Unit: "u",
					Answers: survey.Answers{{Item: "access", Value: v}}})
			}
		}
		p, err := Protect(tl, defaultScales, Protection{})
		require.NoError(t, err)
		y := categoryCounts(p.Groups()[0].Items["access"], s)
		for i := range y {
			e := float64(y[i] - x[i])
			sum[i] += e
			sumSq[i] += e * e
		}
	}
	for i := range x {
		if x[i] == 0 {
			if sumSq[i] != 0 {
				t.Errorf("value %d: a zero count was perturbed", i)
			}
			continue
		}
		mean, variance := sum[i]/cells, sumSq[i]/cells
		want := noiseVariance(x[i], DefaultNoise)
		if math.Abs(mean) > 4*math.Sqrt(want/cells) {
			t.Errorf("value %d (count %d): mean noise %.4f, want 0 ± %.4f", i, x[i], mean, 4*math.Sqrt(want/cells))
		}
		if math.Abs(variance-want) > 0.15*want {
			t.Errorf("value %d (count %d): noise variance %.3f, want %.3f", i, x[i], variance, want)
		}
	}
}

// TestProtectedScore: published figures have at least MinAnswers true
// answers, hidden ones carry nothing, and intervals are at least as wide
// as the method's interval on the same (protected) counts.
func TestProtectedScore(t *testing.T) {
	raw := tally(t, baseGrouping, county(5, 4000))
	p, err := Protect(raw, defaultScales, Protection{})
	require.NoError(t, err)
	published, hidden := 0, 0
	for _, a := range []Aggregation{{By: []Dimension{ByUnit}, Period: Month}, {By: []Dimension{ByUnit}}, {Period: Quarter}, {By: []Dimension{ByProvider}, Period: Rolling, Window: 2, End: Date{2025, 4, 30}}} {
		pa, err := p.Aggregate(a)
		require.NoError(t, err)
		ra, err := raw.Aggregate(a)
		require.NoError(t, err)
		truth := map[Key]Result{}
		for _, r := range scored(t, ra) {
			truth[r.Key] = r
		}
		for _, r := range scored(t, pa) {
			for _, ind := range r.Indicators {
				want, _ := truth[r.Key].Indicator(ind.Item, ind.Kind)
				if ind.Suppressed != Published {
					hidden++
					if ind.N != 0 || ind.Positive != 0 || ind.Valid || !math.IsNaN(ind.Estimate) {
						t.Errorf("%v %s %s: hidden figure carries %+v", r.Key, ind.Item, ind.Kind, ind)
					}
					continue
				}
				published++
				if want.N < DefaultMinAnswers || ind.Certain > want.N || ind.Certain < DefaultMinAnswers {
					t.Errorf("%v %s %s: published with %d certain of %d true answers", r.Key, ind.Item, ind.Kind, ind.Certain, want.N)
				}
				g, _ := pa.Group(r.Key)
				s, _ := defaultScales(r.Key.Instrument, ind.Item)
				plain := IndicatorsOf(ind.Item, g.Items[ind.Item], 0, s, Options{})
				i := slices.IndexFunc(plain, func(x Indicator) bool { return x.Kind == ind.Kind })
				if pl := plain[i].Interval; !pl.IsZero() && (ind.Interval.Low > pl.Low+1e-12 || ind.Interval.High < pl.High-1e-12) {
					t.Errorf("%v %s %s: interval %v narrower than the method's %v", r.Key, ind.Item, ind.Kind, ind.Interval, pl)
				}
			}
		}
	}
	if published == 0 || hidden == 0 {
		t.Errorf("%d published, %d hidden; the data should give both", published, hidden)
	}
}

// releases returns every output the library can make from a base
// grouped by region, provider and unit per month: every subset of the
// dimensions, all time, months, quarters, years and rolling windows of
// 1–3 months ending at every month end.
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

// TestAuditProtectedPublication is the attack on every output family of
// a protected base, with small units injected: nothing published may be
// anything but sums of the protected base, and no hidden count may be
// pinned or bounded tighter than Noise + 1 values, even by an attacker who
// knows every protected count. The true counts must lie within the
// attacker's bounds (else the bounds, and the audit, would be wrong), and
// the linear attack must recover protected counts of hidden figures (else
// it would prove nothing).
func TestAuditProtectedPublication(t *testing.T) {
	for _, o := range []Options{{}, {CantSay: IncludeCantSay}} {
		raw := tally(t, baseGrouping, county(6, 2500))
		base, err := Protect(raw, defaultScales, Protection{})
		require.NoError(t, err)
		rels := releases(t, base, o)
		rep, err := Audit(base, defaultScales, rels, AuditOptions{})
		require.NoError(t, err)
		t.Logf("can't-say %v: %d releases, %d published and %d hidden figures; %d hidden figures' protected counts derivable; exact %d, narrow %d, narrowest %d, inconsistent %d",
			o.CantSay, rep.Releases, rep.Published, rep.Hidden, rep.Derivable, rep.Exact, rep.Narrow, rep.MinWidth, rep.Inconsistent)
		if rep.Inconsistent != 0 || rep.Exact != 0 || rep.Narrow != 0 || rep.MinWidth < DefaultNoise {
			t.Fatalf("the protection was broken: %+v", rep)
		}
		if rep.Hidden < 50 || rep.Derivable == 0 {
			t.Fatalf("the attack had too little to do: %d hidden, %d derivable", rep.Hidden, rep.Derivable)
		}

		if checked := checkSound(t, raw, base, rels, o); checked == 0 {
			t.Fatal("no hidden count was checked")
		}
	}
}

// checkSound checks that the true counts of every hidden figure of the
// releases lie within the bounds the auditor gives the attacker, and
// returns how many counts it checked.
func checkSound(t testing.TB, raw, base *Tallies, rels []Release, o Options) int {
	t.Helper()
	rawBase := map[Key]Group{}
	for _, g := range raw.Groups() {
		rawBase[g.Key] = g
	}
	var atoms []atom
	for _, g := range base.Groups() {
		for _, item := range slices.Sorted(mapsKeys(g.Items)) {
			atoms = append(atoms, atom{g.Key, item, g.Items[item]})
		}
	}
	checked := 0
	for _, r := range rels {
		_, f, _ := aggregation(base.grouping, r.Aggregation)
		for _, res := range r.Results {
			for _, ind := range res.Indicators {
				if ind.Suppressed == Published {
					continue
				}
				fg := figure{item: ind.Item, kind: ind.Kind, opts: o, key: res.Key}
				var truth Tally
				for i, a := range atoms {
					if nk, ok := f(a.key); ok && nk == res.Key && a.item == ind.Item {
						fg.atoms = append(fg.atoms, i)
						truth.add(rawBase[a.key].Items[a.item])
					}
				}
				s, _ := defaultScales(res.Key.Instrument, ind.Item)
				cts := countTypes(ind.Kind, s, o)
				for _, b := range protectedBounds(fg, atoms, s, base.prot) {
					ct := cts[slices.IndexFunc(cts, func(c countType) bool { return c.name == b.name })]
					var c int64
					for v, x := range truth.Counts {
						if ct.in(v) {
							c += x
						}
					}
					if c < b.low || c > b.high {
						t.Fatalf("%v %s %s %s: true count %d outside the attacker's bounds %d…%d", res.Key, ind.Item, ind.Kind, b.name, c, b.low, b.high)
					}
					checked++
				}
			}
		}
	}
	return checked
}

func mapsKeys[K comparable, V any](m map[K]V) func(yield func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestAuditExactPublication is the control: the same outputs with exact
// counts, each hiding its own figures of fewer than 5 answers (what the
// library did before, without its complementary suppression), fall to the
// same attacker.
func TestAuditExactPublication(t *testing.T) {
	raw := tally(t, baseGrouping, county(6, 2500))
	var rels []Release
	for _, r := range releases(t, raw, Options{}) {
		for i := range r.Results {
			for j, ind := range r.Results[i].Indicators {
				if ind.N < DefaultMinAnswers {
					r.Results[i].Indicators[j] = Indicator{Item: ind.Item, Kind: ind.Kind, Suppressed: TooFewAnswers, Estimate: math.NaN()}
				}
			}
		}
		rels = append(rels, r)
	}
	rep, err := Audit(raw, defaultScales, rels, AuditOptions{MaxAtoms: 120})
	require.NoError(t, err)
	t.Logf("exact publication: %d hidden figures, %d recovered exactly, %d bounded narrowly, %d skipped", rep.Hidden, rep.Exact, rep.Narrow, rep.Skipped)
	if rep.Exact < rep.Hidden/4 {
		t.Fatalf("the attacker recovered only %d of %d hidden figures of an exact publication", rep.Exact, rep.Hidden)
	}
}

// TestAuditFindsLeaks: a release that publishes one figure from the raw
// counts is caught as inconsistent.
func TestAuditFindsLeaks(t *testing.T) {
	raw := tally(t, baseGrouping, county(7, 1500))
	base, err := Protect(raw, defaultScales, Protection{})
	require.NoError(t, err)
	a := Aggregation{By: []Dimension{ByUnit}, Period: Month}
	pa, _ := base.Aggregate(a)
	ra, _ := raw.Aggregate(a)
	res := scored(t, pa)
	leaked := scored(t, ra)
	// Publish the raw figure of a cell that was perturbed and differs.
	done := false
	for i := range res {
		for j, ind := range res[i].Indicators {
			if !done && ind.Suppressed == Published && leaked[i].Indicators[j].Positive != ind.Positive {
				res[i].Indicators[j] = leaked[i].Indicators[j]
				done = true
			}
		}
	}
	require.True(t, done, "no perturbed published figure to leak")
	rep, err := Audit(base, defaultScales, []Release{{Name: "leak", Aggregation: a, Results: res}}, AuditOptions{})
	require.NoError(t, err)
	if rep.Inconsistent != 1 || len(rep.Findings) == 0 || rep.Findings[0].Problem != "inconsistent" {
		t.Errorf("leak not found: %+v", rep)
	}
}

// TestAggregate: coarser periods and windows equal tallying with that
// grouping directly.
func TestAggregate(t *testing.T) {
	rs := county(8, 1200)
	day := tally(t, Grouping{By: []Dimension{ByUnit}, Period: Day}, rs)
	for _, c := range []struct {
		a Aggregation
		g Grouping
	}{
		{Aggregation{By: []Dimension{ByUnit}, Period: Month}, Grouping{By: []Dimension{ByUnit}, Period: Month}},
		{Aggregation{Period: ISOWeek}, Grouping{Period: ISOWeek}},
		{Aggregation{By: []Dimension{ByUnit}, Period: Year}, Grouping{By: []Dimension{ByUnit}, Period: Year}},
		{Aggregation{By: []Dimension{ByUnit}, Period: Rolling, Window: 30, End: Date{2025, 3, 14}}, Grouping{By: []Dimension{ByUnit}, Period: Rolling, RollingDays: 30, RollingEnd: Date{2025, 3, 14}}},
	} {
		got, err := day.Aggregate(c.a)
		require.NoError(t, err)
		want := tally(t, c.g, rs)
		if diff := cmp.Diff(want.Groups(), got.Groups(), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%+v (-direct +aggregated):\n%s", c.a, diff)
		}
		if !got.grouping.equal(c.g) {
			t.Errorf("%+v: grouping %+v, want %+v", c.a, got.grouping, c.g)
		}
	}
	month := tally(t, Grouping{By: []Dimension{ByUnit}, Period: Month}, rs)
	for _, bad := range []Aggregation{{Period: Day}, {Period: ISOWeek}, {By: []Dimension{ByChannel}}, {Period: Rolling, Window: 2, End: Date{2025, 3, 14}}, {Period: Rolling}} {
		if _, err := month.Aggregate(bad); !errors.Is(err, ErrGrouping) {
			t.Errorf("%+v from months: error %v, want ErrGrouping", bad, err)
		}
	}
}

// TestAuditDailyWindows attacks a base of unit × day with what a daily
// refreshed widget shows: rolling windows of 7 and 30 days ending on
// every day, next to days, weeks and months, by unit and in total.
func TestAuditDailyWindows(t *testing.T) {
	raw := tally(t, Grouping{By: []Dimension{ByUnit}, Period: Day}, county(11, 2000))
	base, err := Protect(raw, defaultScales, Protection{})
	require.NoError(t, err)
	var rels []Release
	add := func(a Aggregation) {
		ta, err := base.Aggregate(a)
		require.NoError(t, err)
		res, err := Score(ta, catalogue.Default(), defaultScales, Options{})
		require.NoError(t, err)
		rels = append(rels, Release{Name: fmt.Sprint(a), Aggregation: a, Results: res})
	}
	for _, by := range [][]Dimension{nil, {ByUnit}} {
		for _, k := range []PeriodKind{AllTime, Day, ISOWeek, Month, Quarter} {
			add(Aggregation{By: by, Period: k})
		}
		for d := (Date{2025, 1, 1}); d.Compare(Date{2025, 6, 30}) <= 0; d = d.AddDays(1) {
			add(Aggregation{By: by, Period: Rolling, Window: 7, End: d})
			add(Aggregation{By: by, Period: Rolling, Window: 30, End: d})
		}
	}
	rep, err := Audit(base, defaultScales, rels, AuditOptions{})
	require.NoError(t, err)
	t.Logf("daily base: %d releases, %d published and %d hidden figures, %d derivable; exact %d, narrow %d, narrowest %d, inconsistent %d",
		rep.Releases, rep.Published, rep.Hidden, rep.Derivable, rep.Exact, rep.Narrow, rep.MinWidth, rep.Inconsistent)
	if rep.Inconsistent != 0 || rep.Exact != 0 || rep.Narrow != 0 || rep.MinWidth < DefaultNoise || rep.Hidden < 100 {
		t.Fatalf("%+v", rep)
	}
}

// FuzzPublication publishes random organisation trees (regions,
// providers, units of every size from 1 answer up) over random periods
// with random protection settings, through every grouping of the base and
// random rolling windows, and attacks the result: nothing inconsistent,
// no hidden count pinned or narrowed, the true counts within the
// attacker's bounds, and no panic.
func FuzzPublication(f *testing.F) {
	f.Add(uint64(1), uint8(4), uint8(3), uint8(0), false)
	f.Add(uint64(7), uint8(11), uint8(6), uint8(2), true)
	f.Add(uint64(42), uint8(1), uint8(1), uint8(1), false)
	f.Fuzz(func(t *testing.T, seed uint64, units, months, noise uint8, days bool) {
		rng := rand.New(rand.NewPCG(seed, 77))
		nUnits, nMonths := 1+int(units%12), 1+int(months%6)
		d := 1 + int(noise%3)
		p := Protection{Noise: d, MinAnswers: 1 + rng.IntN(9), Secret: []byte{byte(seed)}}
		p.ExactFrom = p.MinAnswers + d + rng.IntN(4)
		g := Grouping{By: []Dimension{ByRegion, ByProvider, ByUnit}, Period: Month}
		if days {
			g.Period = Day
		}
		raw := NewTallies(g)
		id := 0
		cantSayHeavy := seed%3 == 0 // items mostly answered "can't say"
		for u := range nUnits {
			region, provider := fmt.Sprint("r", rng.IntN(2)), fmt.Sprint("p", rng.IntN(3))
			for m := range nMonths {
				var n int
				switch rng.IntN(3) {
				case 0:
					n = rng.IntN(4)
				case 1:
					n = 1 + rng.IntN(12)
				default:
					n = 10 + rng.IntN(50)
				}
				for range n {
					id++
					r := survey.Response{ID: fmt.Sprint("f", id), Instrument: adult, Region: region, Provider: provider, Unit: fmt.Sprint("u", u),
						Submitted: time.Date(2025, time.Month(1+m), 1+rng.IntN(28), 12, 0, 0, 0, time.UTC)}
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
				}
			}
		}
		base, err := Protect(raw, defaultScales, p)
		if err != nil {
			t.Fatal(err)
		}
		o := Options{CantSay: CantSayPolicy(rng.IntN(2))}
		var rels []Release
		dims := g.By
		for mask := range 1 << len(dims) {
			var by []Dimension
			for i, dm := range dims {
				if mask&(1<<i) != 0 {
					by = append(by, dm)
				}
			}
			aggs := []Aggregation{{By: by}, {By: by, Period: g.Period}, {By: by, Period: Quarter}}
			for range 3 {
				end := periodOf(Month, Date{2025, time.Month(1 + rng.IntN(nMonths)), 1}).End
				if days {
					aggs = append(aggs, Aggregation{By: by, Period: Rolling, Window: 1 + rng.IntN(40), End: Date{2025, time.Month(1 + rng.IntN(nMonths)), 1 + rng.IntN(28)}})
				} else {
					aggs = append(aggs, Aggregation{By: by, Period: Rolling, Window: 1 + rng.IntN(3), End: end})
				}
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
		rep, err := Audit(base, defaultScales, rels, AuditOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Inconsistent != 0 || rep.Exact != 0 || rep.Narrow != 0 || (rep.MinWidth >= 0 && rep.MinWidth < int64(d)) {
			t.Fatalf("protection %+v broken: %+v", p, rep)
		}
		checkSound(t, raw, base, rels, o)
	})
}

// TestCantSayDoesNotNarrow is the case the fuzzer found: a cell with many
// can't-say answers and few others is exact as a whole, but its share is
// hidden; an attacker who cannot tell whether the cell was perturbed must
// still not bound the hidden counts tighter than the protection interval.
// (Before can't-say answers were protected apart, the agree count was
// bounded to two values here.)
func TestCantSayDoesNotNarrow(t *testing.T) {
	raw := NewTallies(Grouping{By: []Dimension{ByUnit}})
	add := func(id string, v int) {
		_, err := raw.Add(survey.Response{ID: id, Instrument: adult, Unit: "u", Answers: survey.Answers{{Item: "access", Value: v}}})
		require.NoError(t, err)
	}
	for i := range 9 {
		add(fmt.Sprint("c", i), 0)
	}
	add("a1", 5)
	add("a2", 4)
	for _, secret := range []string{"", "a", "b", "c", "d", "e", "f", "g"} {
		base, err := Protect(raw, defaultScales, Protection{Secret: []byte(secret)})
		require.NoError(t, err)
		res := scored(t, base)
		rep, err := Audit(base, defaultScales, []Release{{Aggregation: Aggregation{By: []Dimension{ByUnit}}, Results: res}}, AuditOptions{})
		require.NoError(t, err)
		if rep.Hidden == 0 {
			t.Fatalf("secret %q: the share of 2 answers should be hidden", secret)
		}
		if rep.Exact != 0 || rep.Narrow != 0 || rep.MinWidth < DefaultNoise {
			t.Errorf("secret %q: %+v", secret, rep)
		}
	}
}

// TestProtectedIntervalCoverage: intervals computed from protected counts
// must still cover the true value about as often as their level says. A
// unit's year is the sum of 12 small, perturbed months (about 4 answers
// each); over 2 000 simulated units with true index 25 and true agreement
// share 0.85, the 95 % intervals must cover at least 93 % of the time.
// The coverage without the perturbation's variance is logged to show
// what the widening is for.
func TestProtectedIntervalCoverage(t *testing.T) {
	const reps = 2000
	rng := rand.New(rand.NewPCG(2026, 11))
	recScale, _ := defaultScales(adult, "recommend")
	agreeScale, _ := defaultScales(adult, "access")
	var coveredIndex, coveredShare, plainIndex, plainShare, published int
	for rep := range reps {
		raw := NewTallies(Grouping{By: []Dimension{ByUnit}, Period: Month})
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
				_, err := raw.Add(survey.Response{ID: fmt.Sprint(rep, "-", m, "-", i), Instrument: adult, Unit: "u",
					Submitted: time.Date(2025, time.Month(1+m), 10, 12, 0, 0, 0, time.UTC),
					Answers:   survey.Answers{{Item: "recommend", Value: v}, {Item: "access", Value: a}}})
				require.NoError(t, err)
			}
		}
		base, err := Protect(raw, defaultScales, Protection{})
		require.NoError(t, err)
		year, err := base.Aggregate(Aggregation{By: []Dimension{ByUnit}})
		require.NoError(t, err)
		res := scored(t, year)
		idx, _ := res[0].Indicator("recommend", Index)
		share, _ := res[0].Indicator("access", Agreement)
		if idx.Suppressed != Published || share.Suppressed != Published {
			continue
		}
		published++
		if idx.Interval.Contains(25) {
			coveredIndex++
		}
		if share.Interval.Contains(0.85) {
			coveredShare++
		}
		g := year.Groups()[0]
		if IndexOf("recommend", g.Items["recommend"], 0, recScale, Options{}).Interval.Contains(25) {
			plainIndex++
		}
		if ShareOf("access", g.Items["access"], 0, agreeScale, Options{}).Interval.Contains(0.85) {
			plainShare++
		}
	}
	require.Greater(t, published, reps*9/10)
	ci, cs := float64(coveredIndex)/float64(published), float64(coveredShare)/float64(published)
	t.Logf("%d published years: coverage of the index %.3f (%.3f without the noise's variance), of the share %.3f (%.3f without)",
		published, ci, float64(plainIndex)/float64(published), cs, float64(plainShare)/float64(published))
	if ci < 0.93 || cs < 0.93 {
		t.Errorf("coverage of 95 %% intervals: index %.3f, share %.3f", ci, cs)
	}
}

// TestProtectedAggregateDeterministic: adding up protected tallies gives
// the same bits every time (their variances are floating-point sums, so
// the order of adding must not follow a map's).
func TestProtectedAggregateDeterministic(t *testing.T) {
	raw := tally(t, Grouping{By: []Dimension{ByUnit, ByChannel}, Period: Day}, county(12, 3000))
	base, err := Protect(raw, defaultScales, Protection{})
	require.NoError(t, err)
	first, err := base.Aggregate(Aggregation{Period: Month})
	require.NoError(t, err)
	for range 20 {
		again, err := base.Aggregate(Aggregation{Period: Month})
		require.NoError(t, err)
		if !reflect.DeepEqual(first.Groups(), again.Groups()) {
			t.Fatal("aggregating the same protected tallies gave different results")
		}
	}
}
