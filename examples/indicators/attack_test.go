package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/internal/truth"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
)

// attackData writes fresh synthetic data with injected small units and a
// secret, and returns their paths and the raw tallies of the base.
func attackData(t *testing.T, base scoring.Grouping) (csvPath, secretPath string, raw *scoring.Tallies) {
	dir := t.TempDir()
	csvPath, secretPath = filepath.Join(dir, "feedback.csv"), filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secretPath, []byte("attack test secret\n"), 0o600))
	cfg := synth.Config{Responses: 3000, Units: 10, SmallUnits: 8, Seed: 90210, Days: 181}
	f, err := os.Create(csvPath)
	require.NoError(t, err)
	require.NoError(t, synth.WriteCSV(f, cfg))
	require.NoError(t, f.Close())
	raw = scoring.NewTallies(base)
	for r := range synth.Responses(cfg) {
		_, err := raw.Add(r)
		require.NoError(t, err)
	}
	return csvPath, secretPath, raw
}

// family is one kind of output the command makes, with the aggregation
// of the base that it is.
type family struct {
	args []string
	agg  scoring.Aggregation
}

// publish runs the command for every family and reads what it printed
// back into releases.
func publish(t *testing.T, families []family, extra ...string) []scoring.Release {
	var rels []scoring.Release
	scales := scoring.CatalogueScales(catalogue.Default())
	for _, f := range families {
		args := append(append([]string{"-format", "csv"}, f.args...), extra...)
		code, out, errOut := runArgs(t, "", args...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
		recs, err := report.ReadCSV(strings.NewReader(out))
		require.NoError(t, err, "%v", args)
		// Total rows add up all groups: an aggregation of their own.
		var groups, totals []report.Record
		for _, r := range recs {
			if r.Total {
				totals = append(totals, r)
			} else {
				groups = append(groups, r)
			}
		}
		for i, part := range [][]report.Record{groups, totals} {
			res, err := report.Results(part, scales)
			require.NoError(t, err, "%v", args)
			agg := f.agg
			if i == 1 {
				agg.By = nil
			}
			rels = append(rels, scoring.Release{Name: strings.Join(f.args, " "), Aggregation: agg, Results: res})
		}
	}
	return rels
}

// monthEnds returns the last days of the months of the data (2025,
// January–June).
func monthEnds() []scoring.Date {
	var out []scoring.Date
	for m := 1; m <= 6; m++ {
		out = append(out, scoring.DateOf(time.Date(2025, time.Month(m+1), 0, 0, 0, 0, 0, time.UTC)))
	}
	return out
}

// TestAttackEveryOutput is the attack of the issue on disclosure control,
// run on the command as users run it: every grouping of the base's
// dimensions, all time, months, quarters, the year and rolling windows of
// 1–3 months at every month end, each with peer comparisons, read back
// from the CSV the command prints, then attacked with scoring.Audit
// (linear recovery over all outputs together, and bounds on every hidden
// count by an attacker who knows every protected count). Published
// figures must also have at least 5 true answers. The control publishes
// the same outputs with exact counts (-internal, hiding figures of fewer
// than 5 answers table by table, as per-table suppression does): the same
// attacker must recover hidden figures there, so the attack is real.
func TestAttackEveryOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack runs the command some 200 times")
	}
	base := scoring.Grouping{By: []scoring.Dimension{scoring.ByRegion, scoring.ByProvider, scoring.ByUnit}, Period: scoring.Month}
	csvPath, secretPath, raw := attackData(t, base)
	scales := scoring.CatalogueScales(catalogue.Default())
	protected, err := scoring.Protect(raw, scales, scoring.Protection{Secret: []byte("attack test secret")})
	require.NoError(t, err)

	dims := []scoring.Dimension{scoring.ByRegion, scoring.ByProvider, scoring.ByUnit}
	var families []family
	for mask := range 1 << len(dims) {
		var by []scoring.Dimension
		var names []string
		for i, d := range dims {
			if mask&(1<<i) != 0 {
				by, names = append(by, d), append(names, d.String())
			}
		}
		args := []string{"-by", strings.Join(names, ",")}
		if len(by) > 0 {
			args = append(args, "-compare")
		}
		for _, p := range []scoring.PeriodKind{scoring.AllTime, scoring.Month, scoring.Quarter, scoring.Year} {
			families = append(families, family{append(append([]string{}, args...), "-period", p.String()), scoring.Aggregation{By: by, Period: p}})
		}
		for _, end := range monthEnds() {
			for w := 1; w <= 3; w++ {
				families = append(families, family{append(append([]string{}, args...), "-period", "rolling"+strconv.Itoa(w), "-at", end.String()),
					scoring.Aggregation{By: by, Period: scoring.Rolling, Window: w, End: end}})
			}
		}
	}
	rels := publish(t, families, "-secret-file", secretPath, csvPath)
	rep, err := scoring.Audit(protected, scales, rels, scoring.AuditOptions{})
	require.NoError(t, err)
	t.Logf("protected: %d outputs; %d published and %d hidden figures; linear algebra derives the protected counts of %d hidden figures; true counts pinned %d, narrower than the protection interval %d, narrowest %d (protection: %d); inconsistent %d",
		rep.Releases, rep.Published, rep.Hidden, rep.Derivable, rep.Exact, rep.Narrow, rep.MinWidth, scoring.DefaultNoise, rep.Inconsistent)
	if rep.Inconsistent != 0 || rep.Exact != 0 || rep.Narrow != 0 || rep.MinWidth < scoring.DefaultNoise {
		t.Fatalf("the command's outputs break the protection: %+v", rep)
	}
	if rep.Hidden < 100 || rep.Derivable == 0 {
		t.Fatalf("the attack had too little to do: %d hidden, %d derivable", rep.Hidden, rep.Derivable)
	}

	// Published figures have at least 5 true answers.
	thin, err := truth.ThinFigures(raw, scales, rels, scoring.DefaultMinAnswers)
	require.NoError(t, err)
	for _, f := range thin {
		t.Error(f)
	}

	// The control: exact counts, hidden table by table.
	control := publish(t, families, "-internal", csvPath)
	for _, r := range control {
		for i := range r.Results {
			for j, ind := range r.Results[i].Indicators {
				if ind.N < scoring.DefaultMinAnswers {
					r.Results[i].Indicators[j] = scoring.Indicator{Item: ind.Item, Kind: ind.Kind, Suppressed: scoring.TooFewAnswers, Estimate: math.NaN()}
				}
			}
		}
	}
	crep, err := scoring.Audit(raw, scales, control, scoring.AuditOptions{MaxAtoms: 40})
	require.NoError(t, err)
	t.Logf("control, exact counts hidden table by table: %d hidden figures, %d recovered exactly, %d bounded narrowly, %d not bounded (too large)",
		crep.Hidden, crep.Exact, crep.Narrow, crep.Skipped)
	if crep.Exact < crep.Hidden/2 {
		t.Fatalf("the attacker recovered only %d of %d hidden figures of the exact publication", crep.Exact, crep.Hidden)
	}
}
