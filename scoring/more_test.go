package scoring

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/palaute/palaute/survey"
)

// respond adds n responses of unit u on channel ch answering item with v.
func respond(rs []survey.Response, u string, ch survey.Channel, item string, v, n int, at time.Time) []survey.Response {
	for i := 0; i < n; i++ {
		rs = append(rs, survey.Response{Instrument: adult, Unit: u, Channel: ch, Submitted: at, Answers: survey.Answers{{Item: item, Value: v}}})
	}
	return rs
}

func TestStandardize(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var rs []survey.Response
	// Both units: 90 % agree by SMS, 60 % by kiosk. Unit a answers mostly
	// by SMS, unit b mostly by kiosk, so their raw shares differ.
	rs = respond(rs, "a", survey.ChannelSMS, "access", 5, 90, at)
	rs = respond(rs, "a", survey.ChannelSMS, "access", 2, 10, at)
	rs = respond(rs, "a", survey.ChannelKiosk, "access", 5, 6, at)
	rs = respond(rs, "a", survey.ChannelKiosk, "access", 1, 4, at)
	rs = respond(rs, "b", survey.ChannelSMS, "access", 5, 9, at)
	rs = respond(rs, "b", survey.ChannelSMS, "access", 1, 1, at)
	rs = respond(rs, "b", survey.ChannelKiosk, "access", 5, 60, at)
	rs = respond(rs, "b", survey.ChannelKiosk, "access", 2, 40, at)
	rs = respond(rs, "c", survey.ChannelSMS, "access", 5, 10, at) // no kiosk answers
	groups := tally(t, Grouping{By: []Dimension{ByUnit, ByChannel}}, rs).Groups()
	mix := Mix{{Channel: survey.ChannelSMS}: 0.8, {Channel: survey.ChannelKiosk}: 0.2}
	out := must(Standardize(groups, []Dimension{ByChannel}, "access", scale(t, "agree-5"), mix, Options{}))
	if len(out) != 3 {
		t.Fatalf("%d results", len(out))
	}
	a, b, c := out[0], out[1], out[2]
	if !near(a.Raw.Estimate, 96.0/110) || !near(b.Raw.Estimate, 69.0/110) {
		t.Errorf("raw %v %v", a.Raw.Estimate, b.Raw.Estimate)
	}
	// 0.8·0.9 + 0.2·0.6 = 0.84 for both.
	if !a.Valid || !b.Valid || !near(a.Estimate, 0.84) || !near(b.Estimate, 0.84) {
		t.Errorf("standardized %v %v", a.Estimate, b.Estimate)
	}
	// Variance Σ w²·p̃(1−p̃)/ñ for unit a, at Agresti–Coull's adjusted
	// counts: ñ = n + z², p̃ = (x + z²/2)/ñ, for SMS 90 of 100 and kiosk
	// 6 of 10 agreeing.
	z := 1.959963984540054
	ac := func(x, n float64) float64 { p := (x + z*z/2) / (n + z*z); return p * (1 - p) / (n + z*z) }
	se := math.Sqrt(0.64*ac(90, 100) + 0.04*ac(6, 10))
	if !near(a.Interval.High, 0.84+z*se) || !near(a.Interval.Low, 0.84-z*se) {
		t.Errorf("interval %+v, se %v", a.Interval, se)
	}
	if c.Valid || len(c.Missing) != 1 || c.Missing[0].Channel != survey.ChannelKiosk || c.Key.Unit != "c" {
		t.Errorf("unit without kiosk answers: %+v", c)
	}
	ref := ReferenceMix(groups, []Dimension{ByChannel}, "access", scale(t, "agree-5"), Options{})
	if !near(ref[Key{Channel: survey.ChannelSMS}], 120.0/230) {
		t.Errorf("reference mix %v", ref)
	}
}

func TestCoverage(t *testing.T) {
	var rs []survey.Response
	month := func(m time.Month) time.Time { return time.Date(2025, m, 10, 12, 0, 0, 0, time.UTC) }
	for _, m := range []time.Month{1, 2, 3} {
		rs = respond(rs, "steady", survey.ChannelSMS, "recommend", 9, 5, month(m))
	}
	rs = respond(rs, "gap", survey.ChannelSMS, "recommend", 9, 5, month(1))
	rs = respond(rs, "gap", survey.ChannelSMS, "recommend", 9, 5, month(3))
	rs = respond(rs, "thin", survey.ChannelSMS, "recommend", 9, 1, month(1))
	rs = respond(rs, "thin", survey.ChannelSMS, "recommend", 9, 5, month(2))
	rs = respond(rs, "thin", survey.ChannelSMS, "recommend", 9, 5, month(3))
	tl := tally(t, Grouping{By: []Dimension{ByUnit}, Period: Month}, rs)
	units := []string{"steady", "gap", "thin", "silent"}
	end, err := MeasureCoverage(tl, units, Date{2025, 4, 2}, CoverageRule{MinResponses: 2, Months: 3})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(end.Continuous, ",") != "steady" || !near(end.Share, 0.25) || end.Months[0].String() != "2025-01" || end.Months[2].String() != "2025-03" {
		t.Errorf("coverage %+v", end)
	}
	loose, _ := MeasureCoverage(tl, units, Date{2025, 4, 2}, CoverageRule{})
	if strings.Join(loose.Continuous, ",") != "steady,thin" {
		t.Errorf("default rule: %v", loose.Continuous)
	}
	start, _ := MeasureCoverage(tl, units, Date{2025, 3, 1}, CoverageRule{MinResponses: 2, Months: 2})
	n, pct, pts := CoverageChange(start, end)
	if len(start.Continuous) != 1 || n != 0 || pct != 0 || pts != 0 {
		t.Errorf("change %d %v %v from %v", n, pct, pts, start.Continuous)
	}
	n, pct, pts = CoverageChange(end, loose)
	if n != 1 || pct != 100 || !near(pts, 25) {
		t.Errorf("change %d %v %v", n, pct, pts)
	}
	if _, err := MeasureCoverage(NewTallies(Grouping{By: []Dimension{ByUnit}}), units, Date{2025, 4, 2}, CoverageRule{}); !errors.Is(err, ErrGrouping) {
		t.Errorf("wrong grouping: %v", err)
	}
}
