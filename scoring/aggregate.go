package scoring

import (
	"cmp"
	"slices"
)

// Aggregation says how [Tallies.Aggregate] adds groups up into coarser
// ones: which of the tallies' dimensions to keep, and into which periods.
// The zero value keeps no dimension and adds all periods together.
type Aggregation struct {
	// By lists the dimensions kept, a subset of the tallies' grouping.
	By []Dimension `json:"by,omitempty"`
	// Period is the kind of the new periods: AllTime, the tallies' own
	// kind, a longer one that their periods nest in (days in weeks,
	// months, quarters and years; months in quarters and years; quarters
	// in years), or Rolling.
	Period PeriodKind `json:"period,omitzero"`
	// Window and End define a Rolling period: the Window consecutive
	// periods of the tallies (days, months, …) ending with the one whose
	// last day is End.
	Window int  `json:"window,omitzero"`
	End    Date `json:"end,omitzero"`
}

// nests reports whether periods of kind inner lie each inside one period
// of kind outer.
func nests(inner, outer PeriodKind) bool {
	switch inner {
	case Day:
		return outer == ISOWeek || outer == Month || outer == Quarter || outer == Year
	case Month:
		return outer == Quarter || outer == Year
	case Quarter:
		return outer == Year
	}
	return false
}

// Aggregate returns new tallies whose groups add up t's groups as a says.
// Counts are summed, never averaged; for protected tallies the
// perturbations are summed too, so every aggregate of a protected base is
// computed from the same protected counts. An aggregation the tallies
// cannot give (a dimension they are not grouped by, periods that do not
// nest in theirs, a window not made of whole periods) is an error
// wrapping [ErrGrouping].
func (t *Tallies) Aggregate(a Aggregation) (*Tallies, error) {
	g, f, err := aggregation(t.grouping, a)
	if err != nil {
		return nil, err
	}
	return t.rekey(g, f), nil
}

// aggregation returns the grouping of an aggregation of tallies grouped
// by base, and the function that maps a base group's key to the key of
// the group it is added to (false: to none, outside a rolling window).
func aggregation(base Grouping, a Aggregation) (Grouping, func(Key) (Key, bool), error) {
	for _, d := range a.By {
		if !slices.Contains(base.By, d) {
			return Grouping{}, nil, errorf("aggregating by %s: %w: the tallies are not grouped by it", d, ErrGrouping)
		}
	}
	g := base
	g.By = slices.Clone(a.By)
	g.Period, g.RollingDays, g.RollingEnd = a.Period, 0, Date{}
	keep := func(k Key) Key { return project(k, a.By) }
	switch {
	case a.Period == AllTime:
		return g, func(k Key) (Key, bool) {
			nk := keep(k)
			nk.Period = Period{}
			return nk, true
		}, nil
	case a.Period == base.Period && a.Period != Rolling:
		g.RollingDays, g.RollingEnd = base.RollingDays, base.RollingEnd
		return g, func(k Key) (Key, bool) { return keep(k), true }, nil
	case a.Period == Rolling:
		if base.Period == AllTime || base.Period == Rolling {
			return Grouping{}, nil, errorf("a rolling window of %s periods: %w", cmp.Or(base.Period.String(), "all-time"), ErrGrouping)
		}
		if a.Window < 1 {
			return Grouping{}, nil, errorf("a rolling window of %d periods: %w", a.Window, ErrGrouping)
		}
		last := periodOf(base.Period, a.End)
		if last.End != a.End {
			return Grouping{}, nil, errorf("a rolling window ending %s: %w: the last day of that %s is %s", a.End, ErrGrouping, base.Period, last.End)
		}
		first := last
		for range a.Window - 1 {
			first = periodOf(base.Period, first.Start.AddDays(-1))
		}
		window := Period{Rolling, first.Start, a.End}
		g.RollingEnd = a.End
		g.RollingDays = int(a.End.time().Sub(first.Start.time()).Hours()/24) + 1
		return g, func(k Key) (Key, bool) {
			if k.Period.Start.Compare(window.Start) < 0 || k.Period.End.Compare(window.End) > 0 {
				return Key{}, false
			}
			nk := keep(k)
			nk.Period = window
			return nk, true
		}, nil
	case nests(base.Period, a.Period):
		return g, func(k Key) (Key, bool) {
			nk := keep(k)
			nk.Period = periodOf(a.Period, k.Period.Start)
			return nk, true
		}, nil
	}
	return Grouping{}, nil, errorf("%s periods from %s periods: %w: they do not nest", a.Period, cmp.Or(base.Period.String(), "all-time"), ErrGrouping)
}
