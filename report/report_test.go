package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"github.com/stretchr/testify/require"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/synth"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var adult = catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}

// testSecret keys the perturbation of the tests.
var testSecret = []byte("report tests: a secret long enough")

// fixture returns protected monthly tallies (the protected base: region,
// provider, unit and month) of a small synthetic county, plus a tiny
// unit (3 responses) and a small one (7), so that hidden figures show,
// and the units' names.
func fixture(t testing.TB) (*scoring.Tallies, map[string]string) {
	raw, names := rawFixture(t, scoring.ProtectedBase())
	tl, err := scoring.Protect(raw, scoring.CatalogueScales(catalogue.Default()), scoring.Protection{Secret: testSecret, Through: scoring.Date{Year: 2025, Month: 4, Day: 30}})
	if err != nil {
		t.Fatal(err)
	}
	return tl, names
}

// rawFixture returns the tallies of fixture before protection, grouped
// by g.
func rawFixture(t testing.TB, g scoring.Grouping) (*scoring.Tallies, map[string]string) {
	c := synth.Config{Responses: 1500, Units: 6, Seed: 5, Days: 120}
	tl := scoring.NewTallies(g)
	for r := range synth.Responses(c) {
		if _, err := tl.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2025, 2, 10, 12, 0, 0, 0, time.UTC)
	for i, v := range []int{9, 10, 3, 8, 10, 9, 6, 10, 7, 9} {
		unit := "u-small"
		if i < 3 {
			unit = "u-tiny"
		}
		tl.Add(survey.Response{ID: "x" + strconv.Itoa(i), Instrument: adult, Unit: unit, Channel: survey.ChannelSMS, Submitted: at,
			Answers: survey.Answers{{Item: "recommend", Value: v}, {Item: "access", Value: 1 + v/3}}})
	}
	names := map[string]string{"u-tiny": "Zeta pieni yksikkö", "u-small": "Åland liten enhet"}
	for _, u := range synth.Units(c) {
		names[u.Unit] = u.Name
	}
	return tl, names
}

func buildTable(t testing.TB, l i18n.Lang) *Table {
	tl, names := fixture(t)
	tbl, err := Build(tl.WithoutPeriods(), Options{Lang: l, By: []scoring.Dimension{scoring.ByUnit}, Names: names,
		CompareWithin: scoring.ByUnit, Adjust: stat.Holm})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; review the change and run go test ./report -update", name)
	}
}

// wellFormed parses HTML output as XML, which it is written to be.
func wellFormed(t *testing.T, name string, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s is not well-formed: %v", name, err)
		}
	}
}

func render(t *testing.T, f func(io.Writer) error) []byte {
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGoldenTables(t *testing.T) {
	var machineCSV, machineJSON []byte
	for _, l := range i18n.Complete() {
		tbl := buildTable(t, l)
		golden(t, "table."+l.String()+".md", render(t, tbl.Markdown))
		html := render(t, tbl.Document().HTML)
		wellFormed(t, "table."+l.String()+".html", html)
		golden(t, "table."+l.String()+".html", html)
		golden(t, "document."+l.String()+".md", render(t, tbl.Document().Markdown))
		c, j := render(t, tbl.CSV), render(t, tbl.JSON)
		if machineCSV != nil && (!bytes.Equal(c, machineCSV) || !bytes.Equal(j, machineJSON)) {
			t.Errorf("machine output depends on the language (%s)", l)
		}
		machineCSV, machineJSON = c, j
	}
	golden(t, "table.csv", machineCSV)
	golden(t, "table.json", machineJSON)
}

func TestGoldenUnitReport(t *testing.T) {
	tl, names := fixture(t)
	monthly := tl.Regroup(scoring.ByUnit)
	at := func(m, d int) time.Time { return time.Date(2025, time.Month(m), d, 12, 0, 0, 0, time.UTC) }
	comments := []Comment{{at(3, 20), "Soittakaa 040 123 4567, kiitos!"}, {at(3, 19), "-"}, {at(2, 11), "Hoitaja oli <b>ihana</b> & \"reilu\"."},
		{at(2, 10), "ei mitään"}, {at(1, 5), "Tack för bra vård.\nMycket bra."}, {at(1, 4), "Tack för bra vård.\nMycket bra."}}
	for _, l := range i18n.Complete() {
		doc, err := UnitReport(UnitInput{Monthly: monthly, Unit: "u001", Comments: comments}, Options{Lang: l, Names: names})
		if err != nil {
			t.Fatal(err)
		}
		html := render(t, doc.HTML)
		wellFormed(t, "unit."+l.String()+".html", html)
		golden(t, "unit."+l.String()+".html", html)
		md := render(t, doc.Markdown)
		golden(t, "unit."+l.String()+".md", md)
		if strings.Contains(string(md), "040 123 4567") || !strings.Contains(string(md), `\[PHONE\]`) {
			t.Errorf("%s: comments not redacted", l)
		}
		for _, q := range DiscussionQuestions(l) {
			if !strings.Contains(string(html), q[:20]) {
				t.Errorf("%s: discussion question missing", l)
			}
		}
	}
	// A unit under the comment threshold shows no comments.
	doc, err := UnitReport(UnitInput{Monthly: monthly, Unit: "u-small", Comments: comments}, Options{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	if md := string(render(t, doc.Markdown)); strings.Contains(md, "Hoitaja") || !strings.Contains(md, label(i18n.Finnish, "report.comments-hidden")) {
		t.Error("comments of a small unit were shown")
	}
}

// TestTableAgainstScoring checks the machine output against scoring's own
// results on the same protected tallies, and against the true counts: a
// published figure has at least 5 true answers and is within the noise of
// the truth. So the golden files are known to hold the right numbers.
func TestTableAgainstScoring(t *testing.T) {
	tbl := buildTable(t, i18n.Finnish)
	tl, _ := fixture(t)
	byUnit := tl.WithoutPeriods().Regroup(scoring.ByUnit)
	res, err := scoring.Score(byUnit, catalogue.Default(), scoring.CatalogueScales(catalogue.Default()), scoring.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]scoring.Indicator{}
	for _, r := range res {
		for _, ind := range r.Indicators {
			if ind.Kind != scoring.Mean {
				want[[2]string{r.Key.Unit, ind.Item}] = ind
			}
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(render(t, tbl.CSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := rawFixture(t, scoring.ProtectedBase())
	truth := map[[2]string]scoring.Indicator{}
	rawRes, err := scoring.Score(raw.WithoutPeriods().Regroup(scoring.ByUnit), catalogue.Default(), scoring.CatalogueScales(catalogue.Default()), scoring.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rawRes {
		for _, ind := range r.Indicators {
			truth[[2]string{r.Key.Unit, ind.Item}] = ind
		}
	}
	// Each unit has at most 4 months of base cells, each count of a cell
	// moved by at most Noise, 6 counts at most.
	const maxNoise = 4 * 6 * scoring.DefaultNoise
	header := strings.Join(rows[0], ",")
	if header != "unit,total,instrument,item,n,positive,neutral,negative,estimate,low,high,excluded,suppressed,reference,diff,p,label,test,p_unadjusted,family" {
		t.Fatalf("header %s", header)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	checked, hidden := 0, 0
	for _, r := range rows[1:] {
		unit, item := r[col["unit"]], r[col["item"]]
		if unit == "" {
			continue // total
		}
		if r[col["instrument"]] != "thl-adult/2022" {
			t.Errorf("instrument %q", r[col["instrument"]])
		}
		ind := want[[2]string{unit, item}]
		if r[col["suppressed"]] != "" {
			hidden++
			if r[col["n"]] != "" || r[col["positive"]] != "" || r[col["estimate"]] != "" {
				t.Errorf("hidden row shows figures: %v", r)
			}
			continue
		}
		// Shares are fractions in machine outputs, as in package scoring.
		est, _ := strconv.ParseFloat(r[col["estimate"]], 64)
		n, _ := strconv.ParseInt(r[col["n"]], 10, 64)
		pos, _ := strconv.ParseInt(r[col["positive"]], 10, 64)
		if n != ind.N || pos != ind.Positive || math.Abs(est-ind.Estimate) > 1e-12 {
			t.Errorf("%s %s: n %d positive %d estimate %v, scoring says %d %d %v", unit, item, n, pos, est, ind.N, ind.Positive, ind.Estimate)
		}
		tr := truth[[2]string{unit, item}]
		if tr.N < scoring.DefaultMinAnswers || n-tr.N > maxNoise || tr.N-n > maxNoise {
			t.Errorf("%s %s: published n %d, true n %d", unit, item, n, tr.N)
		}
		checked++
	}
	if checked < 40 || hidden < 2 {
		t.Errorf("checked %d rows, %d hidden", checked, hidden)
	}
	for _, r := range tbl.Rows {
		if r.Key.Unit == "u-tiny" && r.Suppressed != scoring.TooFewAnswers {
			t.Errorf("u-tiny, 3 responses, is %v", r.Suppressed)
		}
	}
}

// TestBuildNeedsProtection: raw tallies are refused unless the report is
// declared internal, and then every footer says so.
func TestBuildNeedsProtection(t *testing.T) {
	raw, _ := rawFixture(t, scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit, scoring.ByChannel}, Period: scoring.Month})
	if _, err := Build(raw, Options{}); !errors.Is(err, scoring.ErrProtected) {
		t.Errorf("raw tallies: error %v, want ErrProtected", err)
	}
	// An internal report may split by channel and standardize to a
	// channel mix; its footer says it is not protected.
	tbl, err := Build(raw.WithoutPeriods(), Options{Internal: true, Lang: i18n.English, By: []scoring.Dimension{scoring.ByUnit},
		CompareWithin: scoring.ByUnit, Standardize: []scoring.Dimension{scoring.ByChannel}})
	if err != nil {
		t.Fatal(err)
	}
	md := string(render(t, tbl.Markdown))
	if !strings.Contains(md, "INTERNAL: the figures are not protected") || strings.Contains(md, "Disclosure control:") || !strings.Contains(md, "tandardized to a common mix (collection channel).") {
		t.Errorf("internal footer:\n%s", md)
	}
	if h := strings.SplitN(string(render(t, tbl.CSV)), "\n", 2)[0]; !strings.HasSuffix(h, ",standardized,standardized_low,standardized_high") {
		t.Errorf("internal CSV header %s", h)
	}
	// A protected table cannot be standardized: the base has no strata.
	prot, _ := fixture(t)
	if _, err := Build(prot, Options{Standardize: []scoring.Dimension{scoring.ByChannel}}); err == nil {
		t.Error("a protected table was standardized by channel")
	}
	pmd := string(render(t, buildTable(t, i18n.English).Markdown))
	for _, want := range []string{
		"Disclosure control: every figure is computed from protected counts of units' months (wellbeing services county × service provider × unit × month)",
		"with at least 11 answers through invitations, phone or staff devices is exact",
		"changed at random by at most ±6",
		"A figure is shown when at least 5 of its answers certainly came through invitations, phone or staff devices, and comments when at least 10",
		"figures with changed counts are compared only when, noise and all, they surely have at least 30 answers",
	} {
		if !strings.Contains(pmd, want) {
			t.Errorf("protected footer lacks %q:\n%s", want, pmd)
		}
	}
}

func TestLocalizedOutput(t *testing.T) {
	fi := string(render(t, buildTable(t, i18n.Finnish).Markdown))
	en := string(render(t, buildTable(t, i18n.English).Markdown))
	sv := string(render(t, buildTable(t, i18n.Swedish).Markdown))
	if !strings.Contains(fi, "\u00a0%") || !strings.Contains(fi, "| Yksikkö |") || !strings.Contains(fi, "Luottamustaso 95,0\u00a0%") {
		t.Error("Finnish table lacks Finnish number format or headings")
	}
	if !strings.Contains(sv, "| Enhet |") || !strings.Contains(sv, "Tillgänglighet") {
		t.Error("Swedish headings")
	}
	if strings.Contains(en, "\u00a0%") || !strings.Contains(en, "| Unit |") || !strings.Contains(en, "Confidence level 95.0%") {
		t.Error("English table uses Nordic formats or lacks English headings")
	}
	// Finnish order: Å after Z (Zeta, then Åland), Ä and Ö last.
	z, a := strings.Index(fi, "Zeta pieni"), strings.Index(fi, "Åland liten")
	if z < 0 || a < 0 || z > a {
		t.Error("units are not in Finnish order")
	}
	if za, aa := strings.Index(en, "Zeta pieni"), strings.Index(en, "Åland liten"); aa > za {
		t.Error("English order should put Åland with A")
	}
	if !strings.Contains(fi, "–\\*") || !strings.Contains(fi, "\\* piilotettu: liian vähän vastauksia (alle 5)") {
		t.Error("hidden cells are not marked and explained")
	}
}

func count(s, sub string) int { return strings.Count(s, sub) }

func TestCharts(t *testing.T) {
	l := i18n.Finnish
	points := []IndexPoint{{"a", 60, 50, 70, 100}, {"b & c", -10, -30, 5, 40}, {"ö", 90, 85, 94, 900}}
	svg := IndexChart("x", l, points, 55).String()
	wellFormed(t, "index chart", []byte(svg))
	if count(svg, "<circle") != 3 || count(svg, `class="unit"`) != 3 || !strings.Contains(svg, "b &amp; c") || !strings.Contains(svg, `role="img"`) {
		t.Errorf("index chart:\n%s", svg)
	}
	rows := []DistributionRow{{"Saatavuus", [6]int64{3, 1, 2, 5, 30, 60}}, {"Turvallisuus", [6]int64{0, 0, 0, 0, 0, 0}}}
	svg = DistributionChart("y", l, rows, buildTable(t, l).agreeLabels()).String()
	wellFormed(t, "distribution chart", []byte(svg))
	if !strings.Contains(svg, "5 täysin samaa mieltä") {
		t.Error("distribution legend lacks the scale's labels")
	}
	if count(svg, "<rect") != 5*len(rows)+5 {
		t.Errorf("distribution chart has %d rects, want %d", count(svg, "<rect"), 5*len(rows)+5)
	}
	trendPoints := []TrendPoint{
		{Period: "2025-10", Instrument: "thl-adult/2022", Valid: true, Estimate: 60, Low: 50, High: 70, N: 80},
		{Period: "2025-11", Instrument: "thl-adult/2022", Valid: false},
		{Period: "2025-12", Instrument: "thl-adult/2022", Valid: true, Estimate: 62, Low: 52, High: 71, N: 90},
		{Period: "2026-01", Instrument: "thl-adult/2026", Valid: true, Estimate: 70, Low: 61, High: 78, N: 85},
		{Period: "2026-02", Instrument: "thl-adult/2026", Valid: true, Estimate: 72, Low: 64, High: 79, N: 95},
	}
	svg = TrendChart("z", l, trendPoints).String()
	wellFormed(t, "trend chart", []byte(svg))
	if count(svg, "<circle") != 4 || count(svg, `class="whisker"`) != 4 || count(svg, "<polyline") != 3 || count(svg, `class="version-break"`) != 1 || count(svg, "<polygon") != 3 {
		t.Errorf("trend chart: %d circles, %d lines, %d breaks", count(svg, "<circle"), count(svg, "<polyline"), count(svg, `class="version-break"`))
	}
}

func TestWidget(t *testing.T) {
	monthly := scoring.NewTallies(scoring.ProtectedBase())
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 40; i++ {
		monthly.Add(survey.Response{ID: "b" + strconv.Itoa(i), Instrument: adult, Unit: "big", Submitted: at, Channel: survey.ChannelSMS, Answers: survey.Answers{{Item: "recommend", Value: 6 + i%5}}})
	}
	for i := 0; i < 3; i++ {
		monthly.Add(survey.Response{ID: "t" + strconv.Itoa(i), Instrument: adult, Unit: "tiny", Submitted: at, Channel: survey.ChannelSMS, Answers: survey.Answers{{Item: "recommend", Value: 10}}})
	}
	if _, err := Widget(monthly, "big", Options{}); !errors.Is(err, scoring.ErrProtected) {
		t.Errorf("raw tallies: error %v, want ErrProtected", err)
	}
	protected, err := scoring.Protect(monthly, scoring.CatalogueScales(catalogue.Default()), scoring.Protection{Secret: testSecret, Through: scoring.Date{Year: 2025, Month: 3, Day: 31}})
	if err != nil {
		t.Fatal(err)
	}
	rolling, err := protected.Aggregate(scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}, Period: scoring.Rolling, Window: 2, End: scoring.Date{Year: 2025, Month: 3, Day: 31}})
	if err != nil {
		t.Fatal(err)
	}
	w, err := Widget(rolling, "big", Options{Names: map[string]string{"big": "Iso asema"}})
	if err != nil {
		t.Fatal(err)
	}
	// 40 answers 6..10 cycling: 8 each; promoters 16, detractors 8: index
	// 20, exact (a cell of 40 answers is not perturbed).
	if w.Suppressed || *w.N != 40 || *w.Index != 20 || w.Window != "2025-02-01/2025-03-31" || w.Days != 59 || w.Name != "Iso asema" || w.Method != "adjusted-wald" {
		t.Errorf("widget %+v", w)
	}
	b, _ := json.Marshal(w)
	golden(t, "widget.json", b)
	tiny, _ := Widget(rolling, "tiny", Options{})
	if !tiny.Suppressed || tiny.Index != nil || tiny.N != nil {
		t.Errorf("tiny widget %+v", tiny)
	}
	if _, err := Widget(protected, "x", Options{}); err == nil {
		t.Error("a widget needs a rolling window")
	}
}

// TestUnitPeerRowIsTheComparison checks that the peer-group row of a unit
// report shows exactly what the ▲/▼ comparison uses: the other units
// combined, without the unit itself, for every figure.
func TestUnitPeerRowIsTheComparison(t *testing.T) {
	tl, names := fixture(t)
	monthly := tl.Regroup(scoring.ByUnit)
	for _, unit := range []string{"u001", "u002", "u-small"} {
		doc, err := UnitReport(UnitInput{Monthly: monthly, Unit: unit}, Options{Names: names})
		require.NoError(t, err)
		tbl := doc.Blocks[0].Table
		require.Len(t, tbl.Rows, 2, unit)
		own, peers := tbl.Rows[0], tbl.Rows[1]
		require.True(t, peers.Total, "the second row is the peer group")
		compared := 0
		for i, c := range own.Cells {
			if c.Comparison == nil {
				continue
			}
			compared++
			ref := peers.Cells[i].Indicator
			if ref.Estimate != c.Comparison.Reference {
				t.Errorf("%s, %s: peer row shows %v, the comparison used %v", unit, tbl.Columns[i].Item, ref.Estimate, c.Comparison.Reference)
			}
		}
		if unit != "u-small" && compared == 0 {
			t.Errorf("%s: nothing compared", unit)
		}
	}
}

// TestComparisonTestsTheFigureShown: with can't-say answers in the
// shares' denominators, every comparison is of the share the cell shows
// (once 38 cells of this fixture showed one share and the difference and
// p-value of another).
func TestComparisonTestsTheFigureShown(t *testing.T) {
	tl, names := fixture(t)
	for _, policy := range []scoring.CantSayPolicy{scoring.ExcludeCantSay, scoring.IncludeCantSay} {
		tbl, err := Build(tl.WithoutPeriods(), Options{By: []scoring.Dimension{scoring.ByUnit}, Names: names, CompareWithin: scoring.ByUnit,
			Scoring: scoring.Options{CantSay: policy}})
		require.NoError(t, err)
		compared := 0
		for _, r := range tbl.Rows {
			for _, c := range r.Cells {
				if c.Comparison == nil || c.Comparison.Label == scoring.NotCompared {
					continue
				}
				compared++
				if c.Comparison.Estimate != c.Indicator.Estimate {
					t.Errorf("policy %d, %v %s: the cell shows %v, the comparison tested %v", policy, r.Key.Unit, c.Indicator.Item, c.Indicator.Estimate, c.Comparison.Estimate)
				}
			}
		}
		require.Greater(t, compared, 20)
	}
}
