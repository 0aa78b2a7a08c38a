package scoring

import (
	"bytes"
	"encoding"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

// TestFamilies checks the families of the multiple-comparison adjustment:
// per period by default (each month's units adjusted together, and a
// month's p-values unchanged by adding another month), across periods on
// request, and never a hidden group.
func TestFamilies(t *testing.T) {
	rs := synthetic(6000, 3)
	monthly := tally(t, Grouping{By: []Dimension{ByUnit}, Period: Month}, rs)
	raw := ComparePeers(monthly.Groups(), ByUnit, defaultScales, CompareOptions{})
	per := ComparePeers(monthly.Groups(), ByUnit, defaultScales, CompareOptions{Adjust: stat.Holm})
	across := ComparePeers(monthly.Groups(), ByUnit, defaultScales, CompareOptions{Adjust: stat.Holm, Family: AcrossPeriods})
	require.Equal(t, len(raw), len(per))
	for i, c := range per {
		var family []float64
		for _, r := range raw {
			if r.Item == c.Item && r.Kind == c.Kind && r.Key.Period == c.Key.Period {
				family = append(family, r.P)
			}
		}
		if c.Family != len(family) || c.Family != 4 {
			t.Fatalf("%s %s %s: family of %d, want the %d units of the month", c.Key.Unit, c.Item, c.Key.Period, c.Family, len(family))
		}
		want := stat.Adjust(family, stat.Holm)[slices.Index(family, raw[i].P)]
		if c.P != want {
			t.Errorf("%s %s %s: p %v, want %v", c.Key.Unit, c.Item, c.Key.Period, c.P, want)
		}
		if across[i].Family != 48 {
			t.Errorf("across periods: family of %d, want 48 (4 units × 12 months)", across[i].Family)
		}
		if across[i].P < c.P {
			t.Errorf("a larger family lowered a p-value: %v < %v", across[i].P, c.P)
		}
	}
	// Adding a month leaves the other months' adjusted p-values alone.
	var early []survey.Response
	for _, r := range rs {
		if r.Submitted.Month() != 12 {
			early = append(early, r)
		}
	}
	fewer := ComparePeers(tally(t, Grouping{By: []Dimension{ByUnit}, Period: Month}, early).Groups(), ByUnit, defaultScales, CompareOptions{Adjust: stat.Holm})
	for _, c := range fewer {
		i := slices.IndexFunc(per, func(d Comparison) bool { return d.Key == c.Key && d.Item == c.Item && d.Kind == c.Kind })
		if i < 0 || per[i].P != c.P {
			t.Fatalf("%s %s %s: adding December changed p", c.Key.Unit, c.Item, c.Key.Period)
		}
	}
	// A hidden group is not compared and not counted.
	var small []survey.Response
	u4 := 0
	for _, r := range rs {
		if r.Unit == "u4" {
			if u4++; u4 > 3 {
				continue
			}
		}
		small = append(small, r)
	}
	prot, err := Protect(tally(t, Grouping{By: []Dimension{ByUnit}, Period: Month}, small), defaultScales, Protection{Secret: testSecret, Through: Date{2025, 12, 31}})
	require.NoError(t, err)
	hidden := map[string]bool{}
	for _, r := range scored(t, prot) {
		if ind, ok := r.Indicator("recommend", Index); ok && ind.Suppressed != Published {
			hidden[r.Key.Unit] = true
		}
	}
	require.True(t, hidden["u4"], "u4 has 3 responses and must be hidden")
	for _, c := range ComparePeers(prot.Groups(), ByUnit, defaultScales, CompareOptions{Adjust: stat.Holm}) {
		if c.Item == "recommend" && (hidden[c.Key.Unit] || c.Family != 3) {
			t.Errorf("%s: compared in a family of %d; hidden %v", c.Key.Unit, c.Family, hidden)
		}
	}
}

// TestZeroTallies checks that a zero Tallies is usable: the same as
// NewTallies(Grouping{}).
func TestZeroTallies(t *testing.T) {
	rs := synthetic(200, 9)
	var zero Tallies
	for _, r := range rs {
		_, err := zero.Add(r)
		require.NoError(t, err)
	}
	want := tally(t, Grouping{}, rs)
	a, err := zero.MarshalBinary()
	require.NoError(t, err)
	b, err := want.MarshalBinary()
	require.NoError(t, err)
	if !bytes.Equal(a, b) {
		t.Error("a zero Tallies differs from NewTallies(Grouping{})")
	}
	var other Tallies
	require.NoError(t, other.Merge(want))
	require.Equal(t, want.Len(), other.Len())
	var empty Tallies
	require.Empty(t, empty.Groups())
	_, err = empty.MarshalJSON()
	require.NoError(t, err)
}

// TestMarshalBinaryOrderIndependent checks that the binary form depends on
// the counts only: responses added in another order, or tallied in parts
// and merged, give the same bytes.
func TestMarshalBinaryOrderIndependent(t *testing.T) {
	rs := synthetic(3000, 4)
	g := Grouping{By: []Dimension{ByUnit, ByChannel}, Period: Month}
	forward, err := tally(t, g, rs).MarshalBinary()
	require.NoError(t, err)
	rev := slices.Clone(rs)
	slices.Reverse(rev)
	// Put responses with one item first, so items are first met in
	// another order.
	slices.SortStableFunc(rev, func(a, b survey.Response) int { return len(a.Answers) - len(b.Answers) })
	backward, err := tally(t, g, rev).MarshalBinary()
	require.NoError(t, err)
	parts := tally(t, g, rs[1500:])
	require.NoError(t, parts.Merge(tally(t, g, rs[:1500])))
	merged, err := parts.MarshalBinary()
	require.NoError(t, err)
	if !bytes.Equal(forward, backward) || !bytes.Equal(forward, merged) {
		t.Error("binary form depends on the order of input")
	}
}

// TestTextRoundTrip checks that every type with MarshalText has
// UnmarshalText and that each of its values comes back.
func TestTextRoundTrip(t *testing.T) {
	type enum interface {
		encoding.TextMarshaler
	}
	check := func(name string, values []enum, fresh func() encoding.TextUnmarshaler) {
		for _, v := range values {
			text, err := v.MarshalText()
			require.NoError(t, err, "%s %v", name, v)
			u := fresh()
			require.NoError(t, u.UnmarshalText(text), "%s %q", name, text)
			if back := u.(interface{ String() string }); back.String() != v.(interface{ String() string }).String() {
				t.Errorf("%s: %q came back as %v", name, text, back)
			}
		}
		if err := fresh().UnmarshalText([]byte("no-such-value")); err == nil {
			t.Errorf("%s: unknown text accepted", name)
		}
	}
	check("Label", []enum{NotCompared, NoDifference, Better, Worse}, func() encoding.TextUnmarshaler { return new(Label) })
	check("Reason", []enum{Published, TooFewAnswers}, func() encoding.TextUnmarshaler { return new(Reason) })
	check("Kind", []enum{Index, Agreement, Mean, YesShare}, func() encoding.TextUnmarshaler { return new(Kind) })
	check("Family", []enum{PerPeriod, AcrossPeriods}, func() encoding.TextUnmarshaler { return new(Family) })
	check("Dimension", []enum{ByRegion, ByProvider, ByUnit, ByService, ByChannel, ByRole, ByLang}, func() encoding.TextUnmarshaler { return new(Dimension) })
	check("Method", []enum{stat.Wilson, stat.ClopperPearson, stat.Jeffreys, stat.Wald, stat.AdjustedWald, stat.StudentT, stat.Bootstrap}, func() encoding.TextUnmarshaler { return new(stat.Method) })
	check("Adjustment", []enum{stat.NoAdjustment, stat.Holm, stat.BenjaminiHochberg}, func() encoding.TextUnmarshaler { return new(stat.Adjustment) })
	check("Test", []enum{stat.PooledZ, stat.ExactConditional, stat.ScoreZ, stat.ExactMultinomial}, func() encoding.TextUnmarshaler { return new(stat.Test) })
}

// TestOptionsCheck checks that a method that does not apply is an error,
// not figures silently without intervals.
func TestOptionsCheck(t *testing.T) {
	tl := tally(t, Grouping{}, synthetic(50, 1))
	for _, o := range []Options{{IndexMethod: stat.Wilson}, {IndexMethod: stat.StudentT}, {ShareMethod: stat.AdjustedWald}, {ShareMethod: stat.Method(99)}} {
		res, err := Score(tl, nil, nil, o)
		if !errors.Is(err, stat.ErrMethod) || res != nil {
			t.Errorf("%+v: %v, %d results", o, err, len(res))
		}
	}
	res, err := Score(tl, nil, nil, Options{})
	require.NoError(t, err)
	require.NotEmpty(t, res)
	ind, _ := res[0].Indicator("recommend", Index)
	require.False(t, math.IsNaN(ind.Estimate))
	d := Options{}.WithDefaults()
	if d.Level != DefaultLevel || d.ShareMethod != stat.Wilson || d.IndexMethod != stat.AdjustedWald || d.Replicates != DefaultReplicates {
		t.Errorf("defaults %+v", d)
	}
}
