package stat

import (
	"math"
	"testing"

	"github.com/palaute/palaute/internal/vectors"
)

// TestCompareVectors holds comparisons, adjustments, tails, mean
// intervals and reliability to ../testdata/compare.txt, computed by
// statsmodels and scipy (../testdata/compare.py).
func TestCompareVectors(t *testing.T) {
	rows, err := vectors.Read("../testdata/compare.txt")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, row := range rows {
		line, text, want := row.Pos, row.Text, row.Out
		fields := append([]string{row.Kind}, row.In...)
		v := parseFloats(t, row.In)
		var got []float64
		i := func(k int) int64 { return int64(v[k]) }
		switch fields[0] {
		case "shares":
			c := CompareShares(ShareCounts{i(1), i(2)}, ShareCounts{i(3), i(4)}, TestOptions{Level: v[0]})
			got = []float64{c.Diff, c.Interval.Low, c.Interval.High, c.P}
		case "shareagainst":
			c := ShareAgainst(ShareCounts{i(1), i(2)}, v[3], TestOptions{Level: v[0]})
			got = []float64{c.Diff, c.P}
			// ShareZ is the same score statistic.
			if z := ShareZ(ShareCounts{i(1), i(2)}, v[3]); !near(TwoSidedP(z), want[1]) {
				t.Errorf("%s: ShareZ %v gives p %v", line, z, TwoSidedP(z))
			}
		case "index":
			c := CompareIndex(indexCounts(i(1), i(2), i(3)), indexCounts(i(4), i(5), i(6)), TestOptions{Level: v[0]})
			got = []float64{c.Diff, c.Interval.Low, c.Interval.High, c.P}
			if wantTest := map[bool]Test{true: ExactConditional, false: PooledZ}[min(i(3), i(6)) < DefaultExactBelow]; c.Test != wantTest {
				t.Errorf("%s: test %s, want %s", line, c.Test, wantTest)
			}
		case "indexagainst":
			c := IndexAgainst(indexCounts(i(1), i(2), i(3)), v[4], v[5], TestOptions{Level: v[0]})
			got = []float64{c.Diff, c.Interval.Low, c.Interval.High, c.P}
			// From 30 answers the test is IndexZ's score statistic.
			if z := IndexZ(indexCounts(i(1), i(2), i(3)), v[4], v[5]); i(3) >= DefaultExactBelow && !near(TwoSidedP(z), want[3]) {
				t.Errorf("%s: IndexZ %v gives p %v", line, z, TwoSidedP(z))
			}
		case "tail":
			got = []float64{TwoSidedP(v[0])}
		case "mean":
			iv := MeanInterval(v[1], v[2], i(3), v[0], 1, 5)
			got = []float64{iv.Low, iv.High}
		case "holm", "bh":
			a := Holm
			if fields[0] == "bh" {
				a = BenjaminiHochberg
			}
			got = Adjust(parseFloats(t, fields[1:]), a)
		case "dl":
			var x, n []int64
			for k := 0; k < len(v); k += 2 {
				x, n = append(x, int64(v[k])), append(n, int64(v[k+1]))
			}
			var groups []ShareCounts
			for k := range x {
				groups = append(groups, ShareCounts{x[k], n[k]})
			}
			got = []float64{ShareReliability(groups).Tau2}
		default:
			t.Fatalf("%s: unknown row", line)
		}
		seen[fields[0]]++
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", line, len(got), len(want))
		}
		// P-values (the last figure of a comparison, and tails) are held
		// to a relative tolerance alone, so that 1e-53 is not "near" 0;
		// the other figures may also differ by 1e-12 absolutely.
		pIndex := -1
		switch fields[0] {
		case "shares", "shareagainst", "index", "indexagainst", "tail":
			pIndex = len(got) - 1
		}
		for k := range got {
			if !near(got[k], want[k]) && (k == pIndex || math.Abs(got[k]-want[k]) > 1e-12) {
				t.Errorf("%s: %s\n got %v", line, text, got)
				break
			}
		}
	}
	for _, k := range []string{"shares", "shareagainst", "index", "indexagainst", "tail", "mean", "holm", "bh", "dl"} {
		if seen[k] < 5 {
			t.Errorf("only %d %s vectors", seen[k], k)
		}
	}
}

func TestFunnel(t *testing.T) {
	ns := []int64{10, 100, 1000, 0}
	lim := ShareFunnel(0.9, ns, 1)
	if len(lim) != 3 {
		t.Fatalf("limits %v", lim)
	}
	// 95 %: 0.9 ± 1.959964·√(0.09/100) at n = 100.
	if !near(lim[1].Low95, 0.9-1.959963984540054*0.03) || !near(lim[1].High998, 0.9+3.090232306167813*0.03) {
		t.Errorf("n=100 limits %+v", lim[1])
	}
	if lim[0].High95 != 1 || lim[2].High95-lim[2].Low95 >= lim[1].High95-lim[1].Low95 {
		t.Errorf("funnel shape %+v", lim)
	}
	wide := ShareFunnel(0.9, ns, 4)
	if !near(wide[2].High95-0.9, 2*(lim[2].High95-0.9)) {
		t.Errorf("φ = 4 should double the half-width: %v vs %v", wide[2], lim[2])
	}
	il := IndexFunnel(0.7, 0.1, []int64{100}, 1)
	se := 100 * math.Sqrt((0.7+0.1-0.36)/100)
	if !near(il[0].Low95, 60-1.959963984540054*se) {
		t.Errorf("index funnel %+v", il[0])
	}
	// Overdispersion: z-scores from pure chance have φ near 1; spread ones
	// more.
	z := []float64{-1.5, -1, -0.5, 0, 0.2, 0.4, 0.8, 1, 1.2, 9}
	want := 0.0
	for _, v := range []float64{-1, -1, -0.5, 0, 0.2, 0.4, 0.8, 1, 1.2, 1.2} {
		want += v * v / 10
	}
	if got := Overdispersion(z); !near(got, want) {
		t.Errorf("Overdispersion %v, want %v (Winsorized at the 10th and 90th percentiles)", got, want)
	}
	if !math.IsNaN(Overdispersion([]float64{1})) {
		t.Error("one score has no overdispersion")
	}
}

func shares(x, n []int64) []ShareCounts {
	out := make([]ShareCounts, len(x))
	for i := range x {
		out[i] = ShareCounts{x[i], n[i]}
	}
	return out
}

func TestReliability(t *testing.T) {
	// Identical true shares and equal n: little between-unit variance.
	same := ShareReliability(shares([]int64{80, 81, 79, 80}, []int64{100, 100, 100, 100}))
	if same.Tau2 != 0 || same.Mean != 0 {
		t.Errorf("identical units: %+v", same)
	}
	// Very different shares with large n: reliability near 1.
	apart := ShareReliability(shares([]int64{500, 900, 700, 0}, []int64{1000, 1000, 1000, 0}))
	if apart.Mean < 0.95 || !math.IsNaN(apart.PerGroup[3]) {
		t.Errorf("distinct units: %+v", apart)
	}
	idx := IndexReliability([]IndexCounts{{60, 30, 10}, {90, 8, 2}, {30, 30, 40}})
	if idx.Mean < 0.9 || idx.Tau2 <= 0 {
		t.Errorf("index reliability %+v", idx)
	}
	if r := ShareReliability([]ShareCounts{{5, 10}}); !math.IsNaN(r.Tau2) {
		t.Errorf("one group: %+v", r)
	}
}

// indexCounts makes counts from promoters, detractors and answers, the
// order of the vector files.
func indexCounts(p, d, n int64) IndexCounts {
	return IndexCounts{Promoters: p, Passives: n - p - d, Detractors: d}
}

var near = vectors.Near

func parseFloats(t *testing.T, fields []string) []float64 {
	v, err := vectors.ParseFloats(fields)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
