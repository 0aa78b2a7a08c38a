package scoring

import (
	"math"
	"slices"
)

// CoverageRule says when a unit measures continuously: at least
// MinResponses responses in each of the last Months complete calendar
// months. The zero value means at least 1 response in each of the last 3
// months; both are this library's defaults, not a national rule.
type CoverageRule struct {
	MinResponses int
	Months       int
}

func (r CoverageRule) withDefaults() CoverageRule {
	if r.MinResponses <= 0 {
		r.MinResponses = 1
	}
	if r.Months <= 0 {
		r.Months = 3
	}
	return r
}

// Coverage is the measurement coverage of a set of units on a date.
type Coverage struct {
	AsOf       Date         `json:"asOf"`
	Rule       CoverageRule `json:"rule"`
	Months     []Period     `json:"months"`     // the months looked at, oldest first
	Units      int          `json:"units"`      // units expected to measure
	Continuous []string     `json:"continuous"` // units measuring continuously, sorted
	// Share is len(Continuous)/Units (NaN with no units).
	Share float64 `json:"share"`
}

// MeasureCoverage finds the units that measure continuously as of a date:
// those of units with at least rule.MinResponses responses in each of the
// rule.Months complete calendar months before the month of asOf. t must be
// grouped by unit and month (else the error wraps [ErrGrouping]);
// responses of any instrument version count. Coverage is about whether
// units measure, not what their clients said; protected tallies, which
// publish no response counts, give an error wrapping [ErrProtected].
func MeasureCoverage(t *Tallies, units []string, asOf Date, rule CoverageRule) (Coverage, error) {
	if t.Protected() {
		// Protected tallies publish no response counts: every unit would
		// look as if it had measured nothing.
		return Coverage{}, errorf("coverage needs the response counts of raw tallies: %w", ErrProtected)
	}
	if g := t.Grouping(); g.Period != Month || !slices.Contains(g.By, ByUnit) {
		return Coverage{}, errorf("coverage needs tallies by unit and month: %w", ErrGrouping)
	}
	rule = rule.withDefaults()
	c := Coverage{AsOf: asOf, Rule: rule, Units: len(units), Continuous: []string{}}
	first := Date{asOf.Year, asOf.Month, 1}
	for i := rule.Months; i >= 1; i-- {
		c.Months = append(c.Months, periodOf(Month, DateOf(first.time().AddDate(0, -i, 0))))
	}
	counts := map[string]map[Period]int64{}
	for _, g := range t.Groups() {
		if counts[g.Key.Unit] == nil {
			counts[g.Key.Unit] = map[Period]int64{}
		}
		counts[g.Key.Unit][g.Key.Period] += g.Responses
	}
	for _, u := range units {
		ok := true
		for _, m := range c.Months {
			if counts[u][m] < int64(rule.MinResponses) {
				ok = false
				break
			}
		}
		if ok {
			c.Continuous = append(c.Continuous, u)
		}
	}
	slices.Sort(c.Continuous)
	c.Share = math.NaN()
	if c.Units > 0 {
		c.Share = float64(len(c.Continuous)) / float64(c.Units)
	}
	return c, nil
}

// CoverageChange compares the coverage at two dates (say the start and
// the end of a development project): the change in the number of units
// measuring continuously, as a count and as a percentage of the first
// count (NaN when the first count is zero), and the change of the share in
// percentage points.
func CoverageChange(before, after Coverage) (units int, percent, points float64) {
	a, b := len(before.Continuous), len(after.Continuous)
	percent = math.NaN()
	if a > 0 {
		percent = 100 * float64(b-a) / float64(a)
	}
	return b - a, percent, 100 * (after.Share - before.Share)
}
