package report

import (
	"math"
	"strconv"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
)

// Marks used in tables for people.
const (
	markHidden = "*" // hidden: too few certain answers
	markBetter = "▲"
	markWorse  = "▼"
)

// scaleOf returns the factor that turns an indicator's estimate into the
// unit shown: points for the index, percent for shares.
func scaleOf(k scoring.Kind) float64 {
	if k == scoring.Agreement || k == scoring.YesShare {
		return 100
	}
	return 1
}

// value formats an indicator's estimate for people: "68" or "90 %".
func value(l i18n.Lang, k scoring.Kind, x float64) string {
	switch k {
	case scoring.Agreement, scoring.YesShare:
		return i18n.FormatPercent(l, x, 0)
	case scoring.Mean:
		return i18n.FormatDecimal(l, x, 2)
	}
	return i18n.FormatDecimal(l, x, 0)
}

// interval formats an interval as "59–76", or "−20 … 10" when a limit is
// negative (a dash between negative numbers misleads).
func interval(l i18n.Lang, k scoring.Kind, iv stat.Interval) string {
	if iv.IsZero() {
		return ""
	}
	f := func(x float64) string {
		if k == scoring.Mean {
			return i18n.FormatDecimal(l, x, 2)
		}
		return i18n.FormatDecimal(l, x*scaleOf(k), 0)
	}
	sep := "–"
	if iv.Low < 0 || iv.High < 0 {
		sep = " … "
	}
	return f(iv.Low) + sep + f(iv.High)
}

// cellText formats a cell for people: "68 (59–76) ▲", a suppression mark,
// or "–" for no value.
func cellText(l i18n.Lang, row Row, c Cell) string {
	ind := c.Indicator
	if ind.Suppressed != scoring.Published {
		return i18n.NoValue + markHidden
	}
	if !ind.Valid {
		return i18n.NoValue
	}
	s := value(l, ind.Kind, ind.Estimate)
	if iv := interval(l, ind.Kind, ind.Interval); iv != "" {
		s += " (" + iv + ")"
	}
	if c.Comparison != nil {
		switch c.Comparison.Label {
		case scoring.Better:
			s += " " + markBetter
		case scoring.Worse:
			s += " " + markWorse
		}
	}
	if st := c.Standardized; st != nil && st.Valid {
		s += "; " + label(l, "report.standardized.short") + " " + value(l, st.Kind, st.Estimate)
		if iv := interval(l, st.Kind, st.Interval); iv != "" {
			s += " (" + iv + ")"
		}
	}
	return s
}

// countText formats a row's n, hidden for hidden rows.
func countText(l i18n.Lang, row Row) string {
	if row.Suppressed != scoring.Published {
		return i18n.NoValue
	}
	return i18n.FormatInt(l, row.Responses)
}

// number formats a float for machines: plain ASCII, unrounded, "" for NaN.
func number(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}
