package scoring

import (
	"bufio"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/palaute/palaute/catalogue"
)

// TestCompareVectors holds comparisons, adjustments and reliability to
// testdata/compare.txt, computed by statsmodels (testdata/compare.py).
func TestCompareVectors(t *testing.T) {
	f, err := os.Open("testdata/compare.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		in, out, _ := strings.Cut(text, " -> ")
		fields := strings.Fields(in)
		v := parseFloats(t, fields[1:])
		want := parseFloats(t, strings.Fields(out))
		var got []float64
		i := func(k int) int64 { return int64(v[k]) }
		switch fields[0] {
		case "shares":
			c := CompareShares(i(1), i(2), i(3), i(4), v[0])
			got = []float64{c.Diff, c.Interval.Low, c.Interval.High, c.P}
		case "benchshare":
			c := BenchmarkShare(i(1), i(2), v[3], v[0])
			got = []float64{c.Diff, c.P}
		case "index":
			c := CompareIndex(i(1), i(2), i(3), i(4), i(5), i(6), v[0])
			got = []float64{c.Diff, c.Interval.Low, c.Interval.High, c.P}
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
			got = []float64{ShareReliability(x, n).Tau2}
		default:
			t.Fatalf("compare.txt:%d: unknown row", line)
		}
		seen[fields[0]]++
		if len(got) != len(want) {
			t.Fatalf("compare.txt:%d: %d values, want %d", line, len(got), len(want))
		}
		for k := range got {
			if !near(got[k], want[k]) && math.Abs(got[k]-want[k]) > 1e-12 {
				t.Errorf("compare.txt:%d: %s\n got %v", line, text, got)
				break
			}
		}
	}
	for _, k := range []string{"shares", "benchshare", "index", "holm", "bh", "dl"} {
		if seen[k] < 5 {
			t.Errorf("only %d %s vectors", seen[k], k)
		}
	}
}

func TestComparePeers(t *testing.T) {
	rs := synthetic(4000, 21)
	// Unit u1 gets many more detractors.
	for i := range rs {
		if rs[i].Unit == "u1" {
			for j := range rs[i].Answers {
				if rs[i].Answers[j].Item == "recommend" && i%2 == 0 {
					rs[i].Answers[j].Value = 1
				}
			}
		}
	}
	tl := tally(t, Grouping{By: []Dimension{ByUnit}}, rs)
	scales := CatalogueScales(catalogue.Default())
	cs := ComparePeers(tl.Groups(), ByUnit, scales, CompareOptions{})
	var u1 Comparison
	for _, c := range cs {
		if c.Key.Unit == "u1" && c.Item == "recommend" {
			u1 = c
		}
	}
	if u1.Label != Worse || u1.Kind != Index {
		t.Errorf("u1 %+v", u1)
	}
	// The reference is the rest of the peers, summed.
	var rest Tally
	for _, g := range tl.Groups() {
		if g.Key.Unit != "u1" {
			rest.add(g.Items["recommend"])
		}
	}
	want := IndexOf("recommend", rest, 0, scale(t, "recommend-0-10"), Options{})
	if !near(u1.Reference, want.Estimate) {
		t.Errorf("reference %v, want the pooled rest %v", u1.Reference, want.Estimate)
	}
	// With Holm, p-values only grow.
	adj := ComparePeers(tl.Groups(), ByUnit, scales, CompareOptions{Adjust: Holm})
	for i := range cs {
		if adj[i].P < cs[i].P-1e-15 {
			t.Errorf("Holm lowered a p-value: %v → %v", cs[i].P, adj[i].P)
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

func TestReliability(t *testing.T) {
	// Identical true shares and equal n: little between-unit variance.
	same := ShareReliability([]int64{80, 81, 79, 80}, []int64{100, 100, 100, 100})
	if same.Tau2 != 0 || same.Mean != 0 {
		t.Errorf("identical units: %+v", same)
	}
	// Very different shares with large n: reliability near 1.
	apart := ShareReliability([]int64{500, 900, 700, 0}, []int64{1000, 1000, 1000, 0})
	if apart.Mean < 0.95 || !math.IsNaN(apart.PerGroup[3]) {
		t.Errorf("distinct units: %+v", apart)
	}
	idx := IndexReliability([]int64{60, 90, 30}, []int64{10, 2, 40}, []int64{100, 100, 100})
	if idx.Mean < 0.9 || idx.Tau2 <= 0 {
		t.Errorf("index reliability %+v", idx)
	}
	if r := ShareReliability([]int64{5}, []int64{10}); !math.IsNaN(r.Tau2) {
		t.Errorf("one group: %+v", r)
	}
}
