package scoring

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/survey"
)

// TestStandardizeVectors holds ReferenceMix and Standardize to
// testdata/standardize.txt, made with R's survey package
// (svystandardize; testdata/standardize.R). The cells have many can't-say
// answers: the mix must weight the share's own denominators, so that the
// population standardized to its own mix returns its crude share.
func TestStandardizeVectors(t *testing.T) {
	f, err := os.Open("testdata/standardize.txt")
	require.NoError(t, err)
	defer f.Close()
	var groups, pooled []Group
	wantMix, wantStd := map[survey.Channel]float64{}, map[string]float64{}
	var crude float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.Replace(sc.Text(), "->", "", 1))
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		num := func(i int) float64 {
			v, err := strconv.ParseFloat(fields[i], 64)
			require.NoError(t, err, sc.Text())
			return v
		}
		var ch survey.Channel
		switch fields[0] {
		case "cell":
			require.NoError(t, ch.UnmarshalText([]byte(fields[2])))
			var tl Tally
			tl.Counts[5], tl.Counts[3], tl.Counts[1], tl.Counts[0] = int64(num(3)), int64(num(4)), int64(num(5)), int64(num(6))
			k := Key{Instrument: adult, Unit: fields[1], Channel: ch}
			groups = append(groups, Group{Key: k, Items: map[string]Tally{"access": tl}})
			k.Unit = ""
			pooled = append(pooled, Group{Key: k, Items: map[string]Tally{"access": tl}})
		case "mix":
			require.NoError(t, ch.UnmarshalText([]byte(fields[1])))
			wantMix[ch] = num(2)
		case "std":
			wantStd[fields[1]] = num(2)
		case "crude":
			crude = num(1)
		}
	}
	require.NoError(t, sc.Err())
	require.Len(t, wantStd, 5)
	s := scale(t, "agree-5")
	strata := []Dimension{ByChannel}
	mix := ReferenceMix(groups, strata, "access", s, Options{})
	gotMix := map[survey.Channel]float64{}
	for k, w := range mix {
		gotMix[k.Channel] = w
	}
	approx := cmpopts.EquateApprox(0, 1e-12)
	if d := cmp.Diff(wantMix, gotMix, approx); d != "" {
		t.Errorf("mix (-R +Go):\n%s", d)
	}
	gotStd := map[string]float64{}
	for _, st := range must(Standardize(groups, strata, "access", s, mix, Options{})) {
		require.True(t, st.Valid, "unit %s", st.Key.Unit)
		gotStd[st.Key.Unit] = st.Estimate
	}
	if d := cmp.Diff(wantStd, gotStd, approx); d != "" {
		t.Errorf("standardized shares (-R +Go):\n%s", d)
	}
	// The population standardized to its own mix is its crude share.
	all := must(Standardize(pooled, strata, "access", s, ReferenceMix(pooled, strata, "access", s, Options{}), Options{}))
	require.Len(t, all, 1)
	if d := cmp.Diff([]float64{crude, crude}, []float64{all[0].Estimate, all[0].Raw.Estimate}, approx); d != "" {
		t.Errorf("own mix, crude (-R +Go):\n%s", d)
	}
}
