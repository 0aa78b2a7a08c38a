package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

// TestAttackPortal attacks everything the portal publishes: the
// dashboard (every provider, all time, and the county), each provider's
// page (its units and their total), each unit's page (the
// unit, its peer group of all the other units, and its monthly trend) and
// the widgets (three months per unit), read back from the open data and
// widgets.json, on fresh synthetic data with many small units, and with
// the attacker's own answers (10 through the web form to every small
// unit in every month) in the data. scoring.Audit must find everything
// consistent with the protected base, no published figure resting on
// fewer than 5 genuine answers, and the attacker's guesses of lone
// respondents' bands no better than the commonest band by more than
// 0.10. No page may show a comment of the open month, or of a month in
// which the unit's figures rest on fewer than 10 gated answers.
func TestAttackPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("the attack builds a site of 50 units and attacks it")
	}
	dir := t.TempDir()
	cfg := synth.Config{Responses: 2500, Units: 10, SmallUnits: 40, Seed: 31337, Days: 181}
	csvPath := filepath.Join(dir, "feedback.csv")
	f, err := os.Create(csvPath)
	require.NoError(t, err)
	enc := survey.NewCSVEncoder(f)
	var genuine, own []survey.Response
	for r := range synth.Responses(cfg) {
		genuine = append(genuine, r)
		require.NoError(t, enc.Encode(r))
	}
	n := 0
	for _, u := range synth.Units(cfg) {
		if u.Unit[0] != 's' {
			continue
		}
		for m := 1; m <= 6; m++ {
			for range 10 {
				n++
				r := survey.Response{ID: fmt.Sprintf("x%06d", n), Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
					Region: u.Region, Provider: u.Provider, Unit: u.Unit, Service: u.Service, Channel: survey.ChannelWeb,
					Submitted: time.Date(2025, time.Month(m), 15, 12, 0, 0, 0, time.UTC), Answers: survey.Answers{{Item: "recommend", Value: 8}},
					Comment: fmt.Sprintf("attacker's comment %d in month %d", n, m)}
				own = append(own, r)
				require.NoError(t, enc.Encode(r))
			}
		}
	}
	// A lone respondent of the open month (June) names a nurse.
	june := survey.Response{ID: "lone-june", Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Region: "pohjanmaa", Provider: "pohjanmaa-p-julkinen", Unit: "u001", Channel: survey.ChannelSMS,
		Submitted: time.Date(2025, 6, 29, 12, 0, 0, 0, time.UTC), Answers: survey.Answers{{Item: "recommend", Value: 0}},
		Comment: "Hoitaja Virtanen oli töykeä kesäkuussa"}
	genuine = append(genuine, june)
	require.NoError(t, enc.Encode(june))
	require.NoError(t, enc.Flush())
	require.NoError(t, f.Close())
	secret := []byte("the portal attack test's county secret")
	site := filepath.Join(dir, "site")
	require.NoError(t, build(csvPath, config{lang: i18n.Finnish, secret: secret}, site, io.Discard))

	// The attacker's view of the base: the same protection the portal
	// applies (the data end in June, so May is the last closed month).
	scales := scoring.CatalogueScales(catalogue.Default())
	raw := scoring.NewTallies(base)
	for _, r := range append(slices.Clone(genuine), own...) {
		raw.Add(r)
	}
	through := scoring.Date{Year: 2025, Month: 5, Day: 31}
	protected, err := scoring.Protect(raw, scales, scoring.Protection{Through: through, Secret: secret})
	require.NoError(t, err)

	var rels []scoring.Release
	release := func(name string, agg scoring.Aggregation, sel func(scoring.Key) bool, recs []report.Record) {
		res, err := report.Results(recs, scales)
		require.NoError(t, err, name)
		rels = append(rels, scoring.Release{Name: name, Aggregation: agg, Select: sel, Results: res})
	}
	split := func(recs []report.Record) (groups, totals []report.Record) {
		for _, r := range recs {
			if r.Total {
				totals = append(totals, r)
			} else {
				groups = append(groups, r)
			}
		}
		return groups, totals
	}
	byUnit := scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}}
	var dash struct{ Records []report.Record }
	readJSON(t, filepath.Join(site, "data", "dashboard.json"), &dash)
	groups, totals := split(dash.Records)
	release("dashboard", scoring.Aggregation{By: []scoring.Dimension{scoring.ByProvider}}, nil, groups)
	release("dashboard total", scoring.Aggregation{}, nil, totals)

	// Each provider's page: its units and their total.
	providerPages, err := filepath.Glob(filepath.Join(site, "data", "providers", "*.json"))
	require.NoError(t, err)
	require.Len(t, providerPages, 4)
	for _, p := range providerPages {
		var page struct {
			Unit    string // the provider's code
			Records []report.Record
		}
		readJSON(t, p, &page)
		units, total := split(page.Records)
		of := func(k scoring.Key) bool { return k.Provider == page.Unit }
		release(page.Unit, byUnit, of, units)
		release(page.Unit+" total", scoring.Aggregation{}, of, total)
	}

	pages, err := filepath.Glob(filepath.Join(site, "data", "units", "*.json"))
	require.NoError(t, err)
	require.Len(t, pages, cfg.Units+cfg.SmallUnits)
	for _, p := range pages {
		var page struct {
			Unit    string
			Records []report.Record
			Trend   []report.Record
		}
		readJSON(t, p, &page)
		unit, peers := split(page.Records)
		release(page.Unit, byUnit, nil, unit)
		release(page.Unit+" peers", scoring.Aggregation{}, func(k scoring.Key) bool { return k.Unit != page.Unit }, peers)
		release(page.Unit+" trend", scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Month}, nil, page.Trend)
	}

	// Widgets carry n and the index, not counts: they must equal the
	// figures of the same aggregation, which is then attacked with them.
	window := scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Rolling, Window: widgetMonths, End: through}
	wt, err := protected.Aggregate(window)
	require.NoError(t, err)
	wres, err := scoring.Score(wt, catalogue.Default(), scales, scoring.Options{})
	require.NoError(t, err)
	var widgets []report.WidgetPayload
	readJSON(t, filepath.Join(site, "widgets.json"), &widgets)
	shown := 0
	for _, w := range widgets {
		var want scoring.Indicator
		for _, r := range wres {
			if r.Key.Unit == w.Unit {
				want, _ = r.OfKind(scoring.Index)
			}
		}
		switch {
		case w.Suppressed != (want.Suppressed != scoring.Published || !want.Valid):
			t.Errorf("widget %s: suppressed %v, the figure %+v", w.Unit, w.Suppressed, want)
		case !w.Suppressed && (*w.N != want.N || *w.Index != want.Estimate):
			t.Errorf("widget %s: n %d index %v, the figure n %d index %v", w.Unit, *w.N, *w.Index, want.N, want.Estimate)
		case !w.Suppressed:
			shown++
		}
	}
	require.NotZero(t, shown)
	rels = append(rels, scoring.Release{Name: "widgets", Aggregation: window, Results: wres})

	gt := scoring.NewTallies(base)
	for _, r := range genuine {
		gt.Add(r)
	}
	rep, err := scoring.Audit([]scoring.Publication{{Name: "portal", Base: protected, Releases: rels, Known: own}}, scales, scoring.AuditOptions{Genuine: gt})
	require.NoError(t, err)
	lone, certain := 0, 0
	for _, l := range rep.Lone {
		t.Logf("%s: %d lone respondents, attacker %.3f, prior's mode %.3f, gain %+.3f, certain %d", l.Item, l.Respondents, l.Accuracy(), l.PriorAccuracy(), l.Gain(), l.Certain)
		lone, certain = lone+l.Respondents, certain+l.Certain
		if l.Respondents >= 20 && l.Gain() > 0.10 {
			t.Errorf("%s: the attacker gains %.3f over the prior's mode", l.Item, l.Gain())
		}
	}
	t.Logf("portal: %d outputs; %d published and %d hidden figures; inconsistent %d, thin %d; %d lone respondents, %d certain",
		rep.Releases, rep.Published, rep.Hidden, rep.Inconsistent, rep.Thin, lone, certain)
	if rep.Inconsistent != 0 || rep.Thin != 0 || certain > lone/100 || lone < 100 {
		t.Fatalf("the portal breaks the protection: %+v", rep)
	}

	// Comments: none of the open month, none of a month whose figures
	// rest on fewer than 10 gated answers (every small unit's month).
	unitPages, err := filepath.Glob(filepath.Join(site, "units", "*.html"))
	require.NoError(t, err)
	shown = 0
	for _, p := range unitPages {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		page := string(b)
		if strings.Contains(page, "Virtanen") || strings.Contains(page, "kesäkuu 2025") {
			t.Errorf("%s shows a comment of the open month", filepath.Base(p))
		}
		if strings.Contains(page, "attacker&#39;s comment") || strings.Contains(page, "attacker's comment") {
			t.Errorf("%s shows a comment of a small unit's month", filepath.Base(p))
		}
		shown += strings.Count(page, "<blockquote")
	}
	require.NotZero(t, shown, "no comments at all: the test would prove nothing")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(bytes.NewReader(b)).Decode(v))
}
