package scoring

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/survey"
)

// The attack battery on disclosure control, at the level of the library:
// the threat model of the package overview, scenario by scenario, each
// against the protection and against a control that publishes the same
// outputs exactly with per-table suppression (the attack must win there,
// or it proves nothing). The command's and the portal's outputs are
// attacked the same way in their own tests.

// attackCounty is a county with small units: 3 000 responses over six
// months, 10 ordinary units and 120 small ones (half of them with 1–4
// responses in all, half with 1–4 every 30 days).
func attackCounty(seed uint64) ([]survey.Response, synth.Config) {
	cfg := synth.Config{Responses: 3000, Units: 10, SmallUnits: 120, Seed: seed, Days: 181}
	var out []survey.Response
	for r := range synth.Responses(cfg) {
		out = append(out, r)
	}
	return out, cfg
}

// lastMonth publishes every month of attackCounty's data (the attacks
// are about what publishing tells, not about which months).
var lastMonth = Date{2025, 6, 30}

// inject returns the attacker's own responses: k answers through the web
// form to every small unit in every month, all with the same answers
// (passive, and "neither agree nor disagree"), numbered from first.
func inject(cfg synth.Config, k, first int) []survey.Response {
	var out []survey.Response
	n := first
	for _, u := range synth.Units(cfg) {
		if u.Unit[0] != 's' {
			continue
		}
		for m := 1; m <= 6; m++ {
			for range k {
				n++
				r := survey.Response{ID: fmt.Sprintf("x%06d", n), Instrument: adult, Region: u.Region, Provider: u.Provider, Unit: u.Unit,
					Service: u.Service, Channel: survey.ChannelWeb, Role: survey.RoleClient,
					Submitted: time.Date(2025, time.Month(m), 15, 12, 0, 0, 0, time.UTC),
					Answers:   survey.Answers{{Item: "recommend", Value: 8}}}
				for _, it := range []string{"access", "encounter", "participation", "safety", "information", "understandable", "usefulness"} {
					r.Answers = append(r.Answers, survey.Answer{Item: it, Value: 3})
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// family makes the releases of a publication from its base.
type family func(t testing.TB, base *Tallies, o Options) []Release

// coreReleases returns the tables a county publishes most: by unit, by
// provider, by region and in all, each by month, by quarter and over all
// time. (TestAttackOnePublisher attacks every family the library can
// make; the other scenarios use these to keep the tests quick.)
func coreReleases(t testing.TB, base *Tallies, o Options) []Release {
	var out []Release
	for _, by := range [][]Dimension{{ByUnit}, {ByProvider}, {ByRegion}, nil} {
		for _, k := range []PeriodKind{Month, Quarter, AllTime} {
			a := Aggregation{By: by, Period: k}
			res, err := Score(must(base.Aggregate(a)), catalogue.Default(), defaultScales, o)
			require.NoError(t, err)
			out = append(out, Release{Name: fmt.Sprint(by, k), Aggregation: a, Options: o, Results: res})
		}
	}
	return out
}

// protectedPublication protects the responses and publishes a family of
// releases from them.
func protectedPublication(t testing.TB, name string, rs, known []survey.Response, secret []byte, f family) Publication {
	raw := tally(t, baseGrouping, rs)
	base, err := Protect(raw, defaultScales, Protection{Secret: secret, Through: lastMonth})
	require.NoError(t, err)
	return Publication{Name: name, Base: base, Releases: f(t, base, Options{}), Known: known}
}

// exactPublication publishes a family of releases of the raw tallies,
// hiding figures of fewer than 5 answers table by table: the control.
func exactPublication(t testing.TB, name string, rs, known []survey.Response, f family) Publication {
	raw := tally(t, baseGrouping, rs)
	rels := f(t, raw, Options{})
	for i := range rels {
		rels[i].Results = suppressed(rels[i].Results, DefaultMinAnswers)
	}
	return Publication{Name: name, Base: raw, Releases: rels, Known: known}
}

// checkProtected fails the test unless the protection held: nothing
// inconsistent, no figure resting on fewer than 5 genuine answers, the
// attacker's gain over the prior's mode at most 0.10 on every item, and
// at most 1 % of lone respondents' bands certain (the noise is bounded,
// so a draw at its very edge can tell: see METHODS.md).
func checkProtected(t *testing.T, name string, rep AuditReport) {
	t.Helper()
	g, item := maxGain(rep)
	var lone int
	for _, l := range rep.Lone {
		lone += l.Respondents
	}
	if rep.Inconsistent != 0 || rep.Thin != 0 || g > 0.10 || certain(rep) > lone/100 {
		t.Errorf("%s: inconsistent %d, thin %d, gain %.3f (%s), certain %d of %d", name, rep.Inconsistent, rep.Thin, g, item, certain(rep), lone)
	}
}

// checkControl fails the test unless the attack won against the exact
// publication: lone respondents' bands certain.
func checkControl(t *testing.T, name string, rep AuditReport) {
	t.Helper()
	if certain(rep) < 20 {
		t.Errorf("%s: the attack should win against exact publication: certain %d, derivable %d, thin %d", name, certain(rep), rep.Derivable, rep.Thin)
	}
}

// audit runs the attacker over the publications and logs what it got.
func audit(t *testing.T, name string, genuine []survey.Response, pubs ...Publication) AuditReport {
	t.Helper()
	rep, err := Audit(pubs, defaultScales, AuditOptions{Genuine: tally(t, baseGrouping, genuine)})
	require.NoError(t, err)
	for _, l := range rep.Lone {
		t.Logf("%s: %s: %d lone respondents, attacker %.3f, prior's mode %.3f, gain %+.3f, certain %d",
			name, l.Item, l.Respondents, l.Accuracy(), l.PriorAccuracy(), l.Gain(), l.Certain)
	}
	t.Logf("%s: %d publications, %d releases, %d published and %d hidden figures; inconsistent %d, derivable %d, republished %d, thin %d",
		name, rep.Publications, rep.Releases, rep.Published, rep.Hidden, rep.Inconsistent, rep.Derivable, rep.Republished, rep.Thin)
	return rep
}

// maxGain returns the attacker's largest gain over the prior's mode, over
// items with at least 20 lone respondents, and the item.
func maxGain(rep AuditReport) (float64, string) {
	best, item := -1.0, ""
	for _, l := range rep.Lone {
		if l.Respondents >= 20 && l.Gain() > best {
			best, item = l.Gain(), l.Item
		}
	}
	return best, item
}

func certain(rep AuditReport) int {
	n := 0
	for _, l := range rep.Lone {
		n += l.Certain
	}
	return n
}

// TestAttackOnePublisher: every output family of one protected base.
func TestAttackOnePublisher(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack scores some 200 releases twice")
	}
	rs, _ := attackCounty(2026)
	checkProtected(t, "protected", audit(t, "protected", rs, protectedPublication(t, "county", rs, nil, testSecret, releases)))
	checkControl(t, "control", audit(t, "control", rs, exactPublication(t, "county", rs, nil, releases)))
}

// TestAttackInjection: the attacker answers 10 or 20 times through the
// open web form for every small unit in every month, and subtracts his
// own answers from what is published.
func TestAttackInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack scores some 200 releases four times")
	}
	genuine, cfg := attackCounty(2027)
	for _, k := range []int{10, 20} {
		own := inject(cfg, k, 0)
		all := append(slices.Clone(genuine), own...)
		name := fmt.Sprintf("%d injected", k)
		checkProtected(t, name, audit(t, "protected, "+name, genuine, protectedPublication(t, "county", all, own, testSecret, coreReleases)))
		ctrl := audit(t, "control, "+name, genuine, exactPublication(t, "county", all, own, coreReleases))
		checkControl(t, "control, "+name, ctrl)
		if ctrl.Thin == 0 {
			t.Errorf("control, %s: no figure rests on fewer than 5 genuine answers", name)
		}
	}
}

// TestAttackRepublication: the publisher republishes the same months 7
// times (as if each were still open), and before each round the attacker
// has added 3 more answers to every small unit-month: 7 looks at every
// small cell, each with its record-keyed noise drawn anew.
func TestAttackRepublication(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack scores some 200 releases 7 times")
	}
	genuine, cfg := attackCounty(2028)
	var pubs []Publication
	for round := 1; round <= 7; round++ {
		own := inject(cfg, 3*round, 0)
		pubs = append(pubs, protectedPublication(t, fmt.Sprint("round ", round), append(slices.Clone(genuine), own...), own, testSecret, coreReleases))
	}
	one := audit(t, "one round", genuine, pubs[0])
	seven := audit(t, "seven rounds", genuine, pubs...)
	checkProtected(t, "seven rounds", seven)
	if seven.Republished == 0 {
		t.Error("the audit did not see the republished cells")
	}
	g1, _ := maxGain(one)
	g7, _ := maxGain(seven)
	t.Logf("gain with one look %.3f, with seven %.3f", g1, g7)
}

// TestAttackSecondSecret: a second publisher (a regional office) that
// protects the same responses with a secret of its own gives a second,
// independently perturbed look at every small cell. The audit sees it;
// the package documentation says to share the secret (or the protected
// base) for this reason.
func TestAttackSecondSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack scores some 200 releases three times")
	}
	rs, _ := attackCounty(2029)
	shared := audit(t, "two publishers, one secret", rs,
		protectedPublication(t, "county", rs, nil, testSecret, coreReleases), protectedPublication(t, "region", rs, nil, testSecret, coreReleases))
	if shared.Republished != 0 {
		t.Errorf("the same secret gave %d cells other counts", shared.Republished)
	}
	checkProtected(t, "two publishers, one secret", shared)
	two := audit(t, "two publishers, two secrets", rs,
		protectedPublication(t, "county", rs, nil, testSecret, coreReleases), protectedPublication(t, "region", rs, nil, []byte("the regional office's own secret"), coreReleases))
	if two.Republished == 0 {
		t.Error("the audit did not see the second look")
	}
}

// TestAttackAllItems is a stronger attacker than Audit's: it guesses a
// lone respondent's recommendation band from the recommendation cell and
// from the cells of every statement the same respondent answered alone,
// through the joint distribution of the band and each statement's answer
// among all genuine respondents (the answers are correlated: a detractor
// tends to disagree).
func TestAttackAllItems(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	rs, _ := attackCounty(2030)
	pub := protectedPublication(t, "county", rs, nil, testSecret, coreReleases)
	rec, _ := defaultScales(adult, "recommend")
	agree, _ := defaultScales(adult, "access")
	// The joint distribution of band and statement answers among every
	// genuine respondent: P(value | band) per statement.
	prior := map[string]float64{}
	cond := map[string]map[string]map[int]float64{} // item → band → value → count
	for _, r := range rs {
		i := slices.IndexFunc(r.Answers, func(a survey.Answer) bool { return a.Item == "recommend" })
		if i < 0 {
			continue
		}
		v := r.Answers[i].Value
		b := bandName(rec, v)
		prior[b]++
		for _, a := range r.Answers {
			if a.Item == "recommend" {
				continue
			}
			if cond[a.Item] == nil {
				cond[a.Item] = map[string]map[int]float64{}
			}
			if cond[a.Item][b] == nil {
				cond[a.Item][b] = map[int]float64{}
			}
			cond[a.Item][b][a.Value]++
		}
	}
	mode := ""
	for _, b := range slices.Sorted(maps.Keys(prior)) {
		if mode == "" || prior[b] > prior[mode] {
			mode = b
		}
	}
	genuine := tally(t, baseGrouping, rs)
	var lone, correct, priorCorrect int
	for _, g := range genuine.Groups() {
		if g.Key.Period.End.Compare(lastMonth) > 0 || g.Items["recommend"].Answers() != 1 {
			continue
		}
		pg, _ := pub.Base.Group(g.Key)
		counts := g.Items["recommend"].Counts
		truth := bandName(rec, slices.Index(counts[:], 1))
		lone++
		if truth == mode {
			priorCorrect++
		}
		post := map[string]float64{}
		for _, cat := range categoriesOf(rec) {
			b := bandName(rec, cat.rep)
			p := prior[b] * cellLikelihood(pg.Items["recommend"], pg.Perturbation["recommend"], rec, cat.rep)
			for item, byBand := range cond {
				if g.Items[item].Answers() != 1 {
					continue // not the lone respondent's answer alone
				}
				var total, sum float64
				for _, c := range byBand[b] {
					total += c
				}
				for _, ac := range categoriesOf(agree) {
					sum += byBand[b][ac.rep] / total * cellLikelihood(pg.Items[item], pg.Perturbation[item], agree, ac.rep)
				}
				p *= sum
			}
			post[b] += p
		}
		guess := mode
		for _, b := range slices.Sorted(maps.Keys(post)) {
			if post[b] > post[guess] {
				guess = b
			}
		}
		if guess == truth {
			correct++
		}
	}
	acc, pacc := float64(correct)/float64(lone), float64(priorCorrect)/float64(lone)
	t.Logf("all items: %d lone respondents, attacker %.3f, prior's mode %.3f, gain %+.3f", lone, acc, pacc, acc-pacc)
	require.Greater(t, lone, 50)
	if acc-pacc > 0.10 {
		t.Errorf("the attacker using every item gains %.3f", acc-pacc)
	}
}

// cellLikelihood returns the probability of a protected cell's counts
// given one answer in the category of value rep and none elsewhere.
func cellLikelihood(y Tally, pert Perturbation, s catalogue.Scale, rep int) float64 {
	p := 1.0
	for _, c := range categoriesOf(s) {
		var x int64
		if c.rep == rep {
			x = 1
		}
		exact := pert.Variance[c.rep] == 0
		p *= likelihood(x, []int64{y.Counts[c.rep]}, []int64{0}, []bool{exact}, []int64{DefaultNoise})
	}
	return p
}
