package scoring

import (
	"math"
	"testing"

	"github.com/palaute/palaute/internal/vectors"

	"github.com/palaute/palaute/scoring/stat"

	"github.com/palaute/palaute/catalogue"
)

func scale(t testing.TB, id string) catalogue.Scale {
	s, err := catalogue.Default().Scale(id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var near = vectors.Near

func parseFloats(t *testing.T, fields []string) []float64 {
	v, err := vectors.ParseFloats(fields)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

var methodByName = map[string]stat.Method{"wilson": stat.Wilson, "clopper-pearson": stat.ClopperPearson, "jeffreys": stat.Jeffreys, "wald": stat.Wald, "adjusted-wald": stat.AdjustedWald}

// TestConformanceVectors holds the indicators to testdata/indicators.txt,
// computed by statsmodels and scipy (testdata/indicators.py).
func TestConformanceVectors(t *testing.T) {
	rows, err := vectors.Read("testdata/indicators.txt")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, row := range rows {
		line, text, want := row.Pos, row.Text, row.Out
		fields := append([]string{row.Kind}, row.In...)
		var got Indicator
		switch fields[0] {
		case "share":
			v := parseFloats(t, fields[2:])
			var tl Tally
			tl.Counts[5], tl.Counts[1] = int64(v[1]), int64(v[2]-v[1]) // agree vs disagree
			got = ShareOf("x", tl, 0, scale(t, "agree-5"), Options{Level: v[0], ShareMethod: methodByName[fields[1]]})
		case "index":
			v := parseFloats(t, fields[2:])
			var tl Tally
			tl.Counts[10], tl.Counts[8], tl.Counts[3] = int64(v[1]), int64(v[2]), int64(v[3])
			got = IndexOf("recommend", tl, 0, scale(t, "recommend-0-10"), Options{Level: v[0], IndexMethod: methodByName[fields[1]]})
		case "mean":
			v := parseFloats(t, fields[1:])
			var tl Tally
			for i := 1; i <= 5; i++ {
				tl.Counts[i] = int64(v[i])
			}
			tl.Counts[0] = 7 // can't-say answers never enter a mean
			got = MeanOf("x", tl, 0, scale(t, "agree-5"), Options{Level: v[0]})
		default:
			t.Fatalf("%s: unknown row %q", line, fields[0])
		}
		counts[fields[0]]++
		if !got.Valid || !near(got.Estimate, want[0]) || !near(got.Interval.Low, want[1]) || !near(got.Interval.High, want[2]) {
			t.Errorf("%s: %s\n got %v [%v, %v]", line, text, got.Estimate, got.Interval.Low, got.Interval.High)
		}
	}
	if counts["share"] < 200 || counts["index"] < 30 || counts["mean"] < 20 {
		t.Fatalf("too few vectors: %v", counts)
	}
}

func TestNoValue(t *testing.T) {
	var empty Tally
	for _, ind := range append(IndicatorsOf("recommend", empty, 4, scale(t, "recommend-0-10"), Options{}),
		IndicatorsOf("access", empty, 4, scale(t, "agree-5"), Options{})...) {
		if ind.Valid || !math.IsNaN(ind.Estimate) || !ind.Interval.IsZero() || ind.NotAnswered != 4 {
			t.Errorf("%v: n = 0 must give no value: %+v", ind.Kind, ind)
		}
	}
	// Only can't-say answers: no value by default, 0 % with the FFT policy.
	var cs Tally
	cs.Counts[0] = 3
	if ind := ShareOf("access", cs, 0, scale(t, "agree-5"), Options{}); ind.Valid || ind.CantSay != 3 {
		t.Errorf("can't-say only: %+v", ind)
	}
	if ind := ShareOf("access", cs, 0, scale(t, "agree-5"), Options{CantSay: IncludeCantSay}); !ind.Valid || ind.Estimate != 0 || ind.N != 3 {
		t.Errorf("can't-say included: %+v", ind)
	}
}

// TestPublishedFigures reproduces figures counties published, from counts
// consistent with them.
func TestPublishedFigures(t *testing.T) {
	// HUS 2021: 379 105 recommendation answers, index 75 (rounded). Counts
	// giving 75.0: promoters 303 284, detractors 18 955, passives the rest.
	var tl Tally
	tl.Counts[10], tl.Counts[7], tl.Counts[0] = 303284, 379105-303284-18955, 18955
	ind := IndexOf("recommend", tl, 0, scale(t, "recommend-0-10"), Options{})
	if ind.N != 379105 || math.Round(ind.Estimate) != 75 {
		t.Errorf("HUS: %+v", ind)
	}
	// Österbotten 2022, access: n 2956, mean 4.30. A distribution with that
	// n and mean: 1 550 fives, 990 fours, 240 threes, 100 twos, 76 ones
	// (sum 12 706, mean 4.298).
	var acc Tally
	acc.Counts[5], acc.Counts[4], acc.Counts[3], acc.Counts[2], acc.Counts[1] = 1550, 990, 240, 100, 76
	m := MeanOf("access", acc, 0, scale(t, "agree-5"), Options{})
	if m.N != 2956 || math.Abs(m.Estimate-4.30) > 0.005 {
		t.Errorf("Österbotten access mean %v over %d", m.Estimate, m.N)
	}
}

func TestBootstrap(t *testing.T) {
	var tl Tally
	tl.Counts[10], tl.Counts[8], tl.Counts[2] = 600, 250, 150
	o := Options{IndexMethod: stat.Bootstrap, Seed: 42}
	a := IndexOf("recommend", tl, 0, scale(t, "recommend-0-10"), o)
	b := IndexOf("recommend", tl, 0, scale(t, "recommend-0-10"), o)
	if a.Interval != b.Interval {
		t.Errorf("bootstrap with one seed is not reproducible: %v %v", a.Interval, b.Interval)
	}
	// With n = 1000 the bootstrap interval should be close to the Wald one.
	w := stat.IndexInterval(stat.IndexCounts{Promoters: 600, Passives: 250, Detractors: 150}, 0.95, stat.Wald)
	if math.Abs(a.Interval.Low-w.Low) > 1 || math.Abs(a.Interval.High-w.High) > 1 || a.Interval.Method != stat.Bootstrap {
		t.Errorf("bootstrap %v far from Wald %v", a.Interval, w)
	}
	s := ShareOf("access", Tally{Counts: [16]int64{0, 10, 10, 20, 60, 100}}, 0, scale(t, "agree-5"), Options{ShareMethod: stat.Bootstrap, Seed: 1})
	ws := stat.ShareInterval(stat.ShareCounts{Positive: 160, N: 200}, 0.95, stat.Wald)
	if !s.Interval.Contains(s.Estimate) || math.Abs(s.Interval.Low-ws.Low) > 0.02 || math.Abs(s.Interval.High-ws.High) > 0.02 {
		t.Errorf("bootstrap share %v vs Wald %v", s.Interval, ws)
	}
}
