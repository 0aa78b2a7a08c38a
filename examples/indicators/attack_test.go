package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

// The outside attack battery on disclosure control, run on the command
// as users run it (package scoring's tests attack the library the same
// way): the outputs are read back from the CSV the command prints, and
// scoring.Audit attacks them all together, knowing the mechanism, every
// protected count of the base (more than the outputs give), the answers
// the attacker submitted himself, and every republication. The truth
// (the genuine responses) measures what the attacker achieved: published
// figures resting on fewer than 5 genuine answers, and how often he names
// the band of a lone respondent (the only genuine answer to an item in a
// unit's month) against guessing the commonest band.

var attackScales = scoring.CatalogueScales(catalogue.Default())

// attackSecret is the county's secret in the attack tests.
const attackSecret = "the county's secret in the attack tests"

// lastDay is the end of the attack data's last month: every month is
// published (the attacks are about what publishing tells).
const lastDay = "2025-06-30"

// attackData writes fresh synthetic data with many small units (plus
// extra rows, the attacker's own, if any) and the secret, and returns
// their paths and the genuine responses.
func attackData(t *testing.T, extra []survey.Response) (csvPath, secretPath string, genuine []survey.Response) {
	dir := t.TempDir()
	csvPath, secretPath = filepath.Join(dir, "feedback.csv"), filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secretPath, []byte(attackSecret+"\n"), 0o600))
	f, err := os.Create(csvPath)
	require.NoError(t, err)
	enc := survey.NewCSVEncoder(f)
	for r := range synth.Responses(attackConfig) {
		genuine = append(genuine, r)
		require.NoError(t, enc.Encode(r))
	}
	for _, r := range extra {
		require.NoError(t, enc.Encode(r))
	}
	require.NoError(t, enc.Flush())
	require.NoError(t, f.Close())
	return csvPath, secretPath, genuine
}

// attackConfig is the attack data: six months, 10 ordinary units and 60
// small ones (half with 1–4 responses in all, half with 1–4 a month).
var attackConfig = synth.Config{Responses: 3000, Units: 10, SmallUnits: 60, Seed: 90210, Days: 181}

// inject returns the attacker's own answers through the web form: k to
// every small unit in every month, all passive and neutral.
func inject(k, first int) []survey.Response {
	var out []survey.Response
	n := first
	for _, u := range synth.Units(attackConfig) {
		if u.Unit[0] != 's' {
			continue
		}
		for m := 1; m <= 6; m++ {
			for range k {
				n++
				r := survey.Response{ID: fmt.Sprintf("x%06d", n), Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
					Region: u.Region, Provider: u.Provider, Unit: u.Unit, Service: u.Service, Channel: survey.ChannelWeb,
					Role: survey.RoleClient, Submitted: time.Date(2025, time.Month(m), 15, 12, 0, 0, 0, time.UTC),
					Answers: survey.Answers{{Item: "recommend", Value: 8}}}
				for _, it := range []string{"access", "encounter", "participation", "safety", "information", "understandable", "usefulness"} {
					r.Answers = append(r.Answers, survey.Answer{Item: it, Value: 3})
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// family is one kind of output the command makes, with the aggregation
// of the base that it is.
type family struct {
	args []string
	agg  scoring.Aggregation
}

// everyFamily returns every output the command can publish: every
// grouping of region, provider and unit × all time, months, quarters, the
// year and rolling windows of 1–3 months at every month end, compared
// with their peers.
func everyFamily() []family {
	dims := []scoring.Dimension{scoring.ByRegion, scoring.ByProvider, scoring.ByUnit}
	var out []family
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
			out = append(out, family{append(slices.Clone(args), "-period", p.String()), scoring.Aggregation{By: by, Period: p}})
		}
		for m := 1; m <= 6; m++ {
			end := scoring.DateOf(time.Date(2025, time.Month(m+1), 0, 0, 0, 0, 0, time.UTC))
			for w := 1; w <= 3; w++ {
				out = append(out, family{append(slices.Clone(args), "-period", "rolling"+strconv.Itoa(w), "-at", end.String()),
					scoring.Aggregation{By: by, Period: scoring.Rolling, Window: w, End: end}})
			}
		}
	}
	return out
}

// coreFamilies are the tables a county publishes most: by unit,
// provider and region, and in all, by month, quarter and over all time.
func coreFamilies() []family {
	var out []family
	for _, by := range []string{"unit", "provider", "region", ""} {
		var dims []scoring.Dimension
		if by != "" {
			d, _ := scoring.ParseDimension(by)
			dims = []scoring.Dimension{d}
		}
		for _, p := range []scoring.PeriodKind{scoring.Month, scoring.Quarter, scoring.AllTime} {
			out = append(out, family{[]string{"-by", by, "-compare", "-period", p.String()}, scoring.Aggregation{By: dims, Period: p}})
		}
	}
	return out
}

// publish runs the command for every family and reads what it printed
// back into releases.
func publish(t *testing.T, families []family, extra ...string) []scoring.Release {
	var rels []scoring.Release
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
			res, err := report.Results(part, attackScales)
			require.NoError(t, err, "%v", args)
			agg := f.agg
			if i == 1 {
				agg.By = nil
			}
			if !strings.Contains(strings.Join(extra, " "), "-internal") {
				rels = append(rels, scoring.Release{Name: strings.Join(f.args, " "), Aggregation: agg, Results: res})
				continue
			}
			// The control hides figures of fewer than 5 answers table by
			// table, as per-table suppression does.
			for r := range res {
				for j, ind := range res[r].Indicators {
					if ind.N < scoring.DefaultMinAnswers {
						res[r].Indicators[j] = scoring.Indicator{Item: ind.Item, Kind: ind.Kind, Suppressed: scoring.TooFewAnswers, Estimate: math.NaN()}
					}
				}
			}
			rels = append(rels, scoring.Release{Name: strings.Join(f.args, " "), Aggregation: agg, Results: res})
		}
	}
	return rels
}

// tallied returns the tallies of responses by the protected base.
func tallied(t *testing.T, rs []survey.Response) *scoring.Tallies {
	tl := scoring.NewTallies(scoring.ProtectedBase())
	for _, r := range rs {
		_, err := tl.Add(r)
		require.NoError(t, err)
	}
	return tl
}

// attackerBase is the attacker's view of the base: every protected
// count, as the command protects them (the attacker does not know the
// secret; the test uses it to give him more than the outputs do).
func attackerBase(t *testing.T, rs []survey.Response, secret string) *scoring.Tallies {
	through, _ := scoring.ParseDate(lastDay)
	base, err := scoring.Protect(tallied(t, rs), attackScales, scoring.Protection{Secret: []byte(secret), Through: through})
	require.NoError(t, err)
	return base
}

// audit attacks the publications and logs what the attacker achieved.
func audit(t *testing.T, name string, genuine []survey.Response, pubs ...scoring.Publication) scoring.AuditReport {
	t.Helper()
	rep, err := scoring.Audit(pubs, attackScales, scoring.AuditOptions{Genuine: tallied(t, genuine)})
	require.NoError(t, err)
	lone, correct, prior, certain := 0, 0, 0, 0
	for _, l := range rep.Lone {
		t.Logf("%s: %s: %d lone respondents, attacker %.3f, prior's mode %.3f, gain %+.3f, certain %d",
			name, l.Item, l.Respondents, l.Accuracy(), l.PriorAccuracy(), l.Gain(), l.Certain)
		lone, correct, prior, certain = lone+l.Respondents, correct+l.Correct, prior+l.PriorCorrect, certain+l.Certain
	}
	t.Logf("%s: %d releases; %d published, %d hidden figures; inconsistent %d, derivable %d, republished %d, thin %d; lone respondents %d, attacker %d right, prior's mode %d right, %d certain",
		name, rep.Releases, rep.Published, rep.Hidden, rep.Inconsistent, rep.Derivable, rep.Republished, rep.Thin, lone, correct, prior, certain)
	return rep
}

// checkProtected fails unless the protection held: consistent outputs,
// no figure on fewer than 5 genuine answers, the attacker's gain over the
// prior's mode at most 0.10 for every item with 20 lone respondents or
// more, and at most 1 % of lone respondents' bands certain.
func checkProtected(t *testing.T, name string, rep scoring.AuditReport) {
	t.Helper()
	lone, certain := 0, 0
	for _, l := range rep.Lone {
		lone, certain = lone+l.Respondents, certain+l.Certain
		if l.Respondents >= 20 && l.Gain() > 0.10 {
			t.Errorf("%s: %s: the attacker gains %.3f over the prior's mode", name, l.Item, l.Gain())
		}
	}
	if rep.Inconsistent != 0 || rep.Thin != 0 || certain > lone/100 || lone < 100 {
		t.Errorf("%s: inconsistent %d, thin %d, certain %d of %d lone respondents", name, rep.Inconsistent, rep.Thin, certain, lone)
	}
}

// TestAttackEveryOutput: every output family of the command, protected,
// against the same outputs made exactly (-internal) and hidden table by
// table, the control the attacker must beat.
func TestAttackEveryOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack runs the command some 350 times")
	}
	csvPath, secretPath, genuine := attackData(t, nil)
	rels := publish(t, everyFamily(), "-secret-file", secretPath, "-through", lastDay, csvPath)
	checkProtected(t, "protected", audit(t, "protected", genuine, scoring.Publication{Name: "county", Base: attackerBase(t, genuine, attackSecret), Releases: rels}))

	control := publish(t, everyFamily(), "-internal", csvPath)
	crep := audit(t, "control", genuine, scoring.Publication{Name: "county", Base: tallied(t, genuine), Releases: control})
	certain := 0
	for _, l := range crep.Lone {
		certain += l.Certain
	}
	if crep.Derivable == 0 || certain < 20 {
		t.Errorf("the attack should win against exact publication: derivable %d, certain %d", crep.Derivable, certain)
	}
}

// TestAttackInjection: the attacker answers 10 or 20 times through the
// web form for every small unit in every month, then subtracts his own
// answers from everything the command publishes.
func TestAttackInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack runs the command some 50 times")
	}
	for _, k := range []int{10, 20} {
		own := inject(k, 0)
		csvPath, secretPath, genuine := attackData(t, own)
		rels := publish(t, coreFamilies(), "-secret-file", secretPath, "-through", lastDay, csvPath)
		name := fmt.Sprintf("%d injected", k)
		checkProtected(t, name, audit(t, name, genuine,
			scoring.Publication{Name: "county", Base: attackerBase(t, append(slices.Clone(genuine), own...), attackSecret), Releases: rels, Known: own}))

		control := publish(t, coreFamilies(), "-internal", csvPath)
		crep := audit(t, "control, "+name, genuine, scoring.Publication{Name: "county", Base: tallied(t, append(slices.Clone(genuine), own...)), Releases: control, Known: own})
		if crep.Thin == 0 {
			t.Errorf("control, %s: no figure rests on fewer than 5 genuine answers; the injection should have bought them", name)
		}
	}
}

// TestAttackRepublication: the county publishes the same months 7 times,
// as if each were still open (-through given), and before each round the
// attacker has answered 3 more times for every small unit-month.
func TestAttackRepublication(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack runs the command some 80 times")
	}
	var pubs []scoring.Publication
	var genuine []survey.Response
	for round := 1; round <= 7; round++ {
		own := inject(3*round, 0)
		csvPath, secretPath, g := attackData(t, own)
		genuine = g
		rels := publish(t, coreFamilies()[:3], "-secret-file", secretPath, "-through", lastDay, csvPath) // by unit
		pubs = append(pubs, scoring.Publication{Name: fmt.Sprint("round ", round), Base: attackerBase(t, append(slices.Clone(g), own...), attackSecret), Releases: rels, Known: own})
	}
	rep := audit(t, "7 republications", genuine, pubs...)
	checkProtected(t, "7 republications", rep)
	require.NotZero(t, rep.Republished, "the republished cells should be seen")
}

// TestAttackRegionalOffice: a regional office publishes its own region's
// tables from its own export (the same responses of that region) with
// the county's secret; its cells are the county's, so together they tell
// the attacker nothing more. A second base is not available: the
// command refuses tables by channel, role, language, service, day or
// week without -internal.
func TestAttackRegionalOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack runs the command some 30 times")
	}
	csvPath, secretPath, genuine := attackData(t, nil)
	county := publish(t, coreFamilies(), "-secret-file", secretPath, "-through", lastDay, csvPath)
	var regional []survey.Response
	for _, r := range genuine {
		if r.Region == "pohjanmaa" {
			regional = append(regional, r)
		}
	}
	dir := t.TempDir()
	regionCSV := filepath.Join(dir, "region.csv")
	f, err := os.Create(regionCSV)
	require.NoError(t, err)
	enc := survey.NewCSVEncoder(f)
	for _, r := range regional {
		require.NoError(t, enc.Encode(r))
	}
	require.NoError(t, enc.Flush())
	require.NoError(t, f.Close())
	region := publish(t, coreFamilies(), "-secret-file", secretPath, "-through", lastDay, regionCSV)
	rep := audit(t, "county and regional office", genuine,
		scoring.Publication{Name: "county", Base: attackerBase(t, genuine, attackSecret), Releases: county},
		scoring.Publication{Name: "region", Base: attackerBase(t, regional, attackSecret), Releases: region})
	checkProtected(t, "county and regional office", rep)
	if rep.Republished != 0 {
		t.Errorf("the regional office published %d cells with other counts than the county", rep.Republished)
	}
	for _, args := range [][]string{{"-by", "channel"}, {"-by", "unit,role"}, {"-by", "lang"}, {"-by", "service"}, {"-period", "day"}, {"-period", "week"}, {"-standardize", "channel"}} {
		code, _, errOut := runArgs(t, "", append(args, "-secret-file", secretPath, csvPath)...)
		if code != 2 || !strings.Contains(errOut, "-internal") {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}

// TestNoSecretNoProtectedOutput: without a secret, or with one too short,
// the command refuses to publish and says how to make one; -demo uses the
// public demo secret and says so; -internal needs none.
func TestNoSecretNoProtectedOutput(t *testing.T) {
	t.Setenv("PALAUTE_SECRET", "")
	dir := t.TempDir()
	empty, short := filepath.Join(dir, "empty"), filepath.Join(dir, "short")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	require.NoError(t, os.WriteFile(short, []byte("fifteen bytes.."), 0o600))
	for _, args := range [][]string{{sample}, {"-secret-file", empty, sample}, {"-secret-file", short, sample}, {"-format", "csv", sample}} {
		code, out, errOut := runArgs(t, "", args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "head -c 32 /dev/urandom > secret") {
			t.Errorf("%v: exit %d, %d bytes out, %s", args, code, len(out), errOut)
		}
	}
	t.Setenv("PALAUTE_SECRET", "short")
	if code, _, errOut := runArgs(t, "", sample); code != 2 || !strings.Contains(errOut, "PALAUTE_SECRET is 5 bytes") {
		t.Errorf("short PALAUTE_SECRET: exit %d, %s", code, errOut)
	}
	if code, out, errOut := runArgs(t, "", "-demo"); code != 0 || !strings.Contains(errOut, "public demo secret") || out == "" {
		t.Errorf("-demo: exit %d, %s", code, errOut)
	}
	if code, out, errOut := runArgs(t, "", "-internal", sample); code != 0 || !strings.Contains(out, "SISÄISEEN KÄYTTÖÖN") {
		t.Errorf("-internal: exit %d, %s", code, errOut)
	}
}
