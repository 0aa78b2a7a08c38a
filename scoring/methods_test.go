package scoring

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/survey"
)

// TestProtectedVectors holds protected tables to an independent
// re-computation: testdata/protected.py was written from METHODS.md alone
// (without reading this package's code) and computed every figure of
// three tables of examples/testdata/feedback.csv — by unit and month, by
// unit, and the county — with a known secret: counts, certain gated
// answers, estimates and intervals, hidden figures marked. The library
// must agree on every figure, counts exactly and numbers to 1e-9.
func TestProtectedVectors(t *testing.T) {
	f, err := os.Open("../examples/testdata/feedback.csv")
	require.NoError(t, err)
	defer f.Close()
	raw, err := ReadTallies(context.Background(), survey.NewCSVDecoder(f), ProtectedBase(), nil)
	require.NoError(t, err)
	base, err := Protect(raw, defaultScales, Protection{Secret: []byte("independent re-computation secret #1"), Through: Date{2025, 3, 31}})
	require.NoError(t, err)

	got := map[string]string{} // "table unit period item kind" → the rest
	for _, tb := range []struct {
		name string
		agg  Aggregation
	}{{"unit-month", Aggregation{By: []Dimension{ByUnit}, Period: Month}}, {"unit-all", Aggregation{By: []Dimension{ByUnit}}}, {"county", Aggregation{}}} {
		res, err := Score(must(base.Aggregate(tb.agg)), catalogue.Default(), defaultScales, Options{})
		require.NoError(t, err)
		for _, r := range res {
			unit, period := "-", "all"
			if r.Key.Unit != "" {
				unit = r.Key.Unit
			}
			if r.Key.Period.Kind == Month {
				period = r.Key.Period.String()
			}
			for _, ind := range r.Indicators {
				key := strings.Join([]string{tb.name, unit, period, ind.Item, ind.Kind.String()}, " ")
				if ind.Suppressed != Published {
					got[key] = "hidden"
					continue
				}
				got[key] = fmt.Sprintf("published %d %d %d %d %d %d %v %v %v", ind.N, ind.Positive, ind.Neutral, ind.Negative, ind.CantSay, ind.Certain,
					ind.Estimate, ind.Interval.Low, ind.Interval.High)
			}
		}
	}

	vf, err := os.Open("testdata/protected.txt")
	require.NoError(t, err)
	defer vf.Close()
	sc := bufio.NewScanner(vf)
	lines, published, largest := 0, 0, 0.0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		fs := strings.Fields(text)
		require.Len(t, fs, 15, "line %d", line)
		lines++
		key := strings.Join(fs[:5], " ")
		g, ok := got[key]
		if !ok {
			t.Errorf("line %d: %s: the library has no such figure", line, key)
			continue
		}
		delete(got, key)
		if fs[5] == "hidden" {
			if g != "hidden" {
				t.Errorf("line %d: %s: hidden in the re-computation, the library publishes %s", line, key, g)
			}
			continue
		}
		published++
		gs := strings.Fields(g)
		if gs[0] != "published" {
			t.Errorf("line %d: %s: published in the re-computation (%s), hidden by the library", line, key, strings.Join(fs[5:], " "))
			continue
		}
		for i, name := range []string{"n", "positive", "neutral", "negative", "cantsay", "certain"} {
			want := fs[6+i]
			if want == "-" {
				want = "0" // the index has no can't-say answers
			}
			if want != gs[1+i] {
				t.Errorf("line %d: %s: %s %s, the library %s", line, key, name, want, gs[1+i])
			}
		}
		for i, name := range []string{"estimate", "low", "high"} {
			w, err := strconv.ParseFloat(fs[12+i], 64)
			require.NoError(t, err, "line %d", line)
			g, _ := strconv.ParseFloat(gs[7+i], 64)
			largest = math.Max(largest, math.Abs(w-g))
			if math.Abs(w-g) > 1e-9 {
				t.Errorf("line %d: %s: %s %v, the library %v (difference %.3g)", line, key, name, w, g, w-g)
			}
		}
	}
	require.NoError(t, sc.Err())
	for key := range got {
		t.Errorf("%s: the library has a figure the re-computation does not", key)
	}
	require.Greater(t, lines, 400)
	require.Greater(t, published, 300)
	t.Logf("%d figures checked, %d of them published; largest difference of a number %.3g", lines, published, largest)
}
