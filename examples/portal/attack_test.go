package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/internal/truth"
	"github.com/palaute/palaute/report"
	"github.com/palaute/palaute/scoring"
)

// TestAttackPortal attacks everything the portal publishes: the
// dashboard (every provider, all time, and the county), each provider's
// page (its units and their total), each unit's page (the
// unit, its peer group of all the other units, and its monthly trend) and
// the widgets (three months per unit), read back from the open data and
// widgets.json, on fresh synthetic data with injected small units.
// scoring.Audit must find everything consistent with the protected base,
// and no hidden count pinned or bounded tighter than the protection
// interval; published figures need 5 true answers.
func TestAttackPortal(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.Config{Responses: 2500, Units: 10, SmallUnits: 8, Seed: 31337, Days: 181}
	csvPath := filepath.Join(dir, "feedback.csv")
	f, err := os.Create(csvPath)
	require.NoError(t, err)
	require.NoError(t, synth.WriteCSV(f, cfg))
	require.NoError(t, f.Close())
	secret := []byte("portal secret")
	site := filepath.Join(dir, "site")
	require.NoError(t, build(csvPath, config{lang: i18n.Finnish, secret: secret}, site, io.Discard))

	// The attacker's view of the base: the same protection the portal
	// applies (the data end in June, so May is the last closed month).
	scales := scoring.CatalogueScales(catalogue.Default())
	raw := scoring.NewTallies(base)
	for r := range synth.Responses(cfg) {
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

	rep, err := scoring.Audit(protected, scales, rels, scoring.AuditOptions{})
	require.NoError(t, err)
	t.Logf("portal: %d outputs; %d published and %d hidden figures; protected counts of %d hidden figures derivable; true counts pinned %d, narrower than the protection interval %d, narrowest %d; inconsistent %d",
		rep.Releases, rep.Published, rep.Hidden, rep.Derivable, rep.Exact, rep.Narrow, rep.MinWidth, rep.Inconsistent)
	if rep.Inconsistent != 0 || rep.Exact != 0 || rep.Narrow != 0 || rep.MinWidth < scoring.DefaultNoise {
		t.Fatalf("the portal breaks the protection: %+v", rep)
	}
	if rep.Hidden < 20 {
		t.Fatalf("the attack had too little to do: %d hidden", rep.Hidden)
	}

	// Published figures have at least 5 true answers.
	thin, err := truth.ThinFigures(raw, scales, rels, scoring.DefaultMinAnswers)
	require.NoError(t, err)
	for _, f := range thin {
		t.Error(f)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(bytes.NewReader(b)).Decode(v))
}
