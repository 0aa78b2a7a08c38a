package report

import (
	"fmt"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
)

// WidgetPayload is what a county website's public result widget shows
// for one unit: the recommendation index over a rolling window with its
// interval, or nothing but a suppressed flag when the unit has too few
// responses. Estimates are unrounded; the widget rounds for display.
type WidgetPayload struct {
	Unit             string   `json:"unit"`
	Name             string   `json:"name,omitempty"`
	Window           string   `json:"window"` // "2025-02-13/2025-03-14"
	Days             int      `json:"days"`
	N                *int64   `json:"n"`
	Index            *float64 `json:"index"`
	Low              *float64 `json:"low"`
	High             *float64 `json:"high"`
	Method           string   `json:"method,omitempty"`
	Level            float64  `json:"level,omitempty"`
	Suppressed       bool     `json:"suppressed"`
	Instrument       string   `json:"instrument"`
	CatalogueVersion string   `json:"catalogueVersion"`
}

// Widget makes the widget payload of one unit from protected tallies
// over a rolling window (such as the last three months, from
// [scoring.Tallies.Aggregate]). The index is shown only when it is
// published (enough certain answers); otherwise the payload says
// suppressed and carries no figures. Raw tallies are refused unless
// o.Internal is set. If the window holds two instrument versions, the
// latest one's figures are used.
func Widget(t *scoring.Tallies, unit string, o Options) (WidgetPayload, error) {
	if !t.Protected() && !o.Internal {
		return WidgetPayload{}, fmt.Errorf("report: a widget needs %w (or Options.Internal)", scoring.ErrProtected)
	}
	g := t.Grouping()
	if g.Period != scoring.Rolling {
		return WidgetPayload{}, fmt.Errorf("report: a widget needs tallies over a rolling window: %w", scoring.ErrGrouping)
	}
	cat := o.catalogue()
	results, err := scoring.Score(t.Regroup(scoring.ByUnit), cat, scoring.CatalogueScales(cat, o.Templates...), o.Scoring)
	if err != nil {
		return WidgetPayload{}, fmt.Errorf("report: %w", err)
	}
	var found *scoring.Result
	for i, r := range results {
		if r.Key.Unit != unit {
			continue
		}
		if found == nil || validFrom(cat, r.Key).After(validFrom(cat, found.Key)) {
			found = &results[i]
		}
	}
	end := g.RollingEnd
	p := WidgetPayload{Unit: unit, Name: o.Names[unit], Days: g.RollingDays, Window: end.AddDays(1-g.RollingDays).String() + "/" + end.String(), CatalogueVersion: cat.Version()}
	if found == nil {
		p.Suppressed = true // no responses: nothing to show
		return p, nil
	}
	p.Instrument = found.Key.Instrument.String()
	ind, _ := found.OfKind(scoring.Index)
	if ind.Suppressed != scoring.Published || !ind.Valid {
		p.Suppressed = true
		return p, nil
	}
	p.N, p.Index = ptr(ind.N), fptr(ind.Estimate)
	p.Low, p.High = fptr(ind.Interval.Low), fptr(ind.Interval.High)
	p.Method, p.Level = ind.Interval.Method.String(), ind.Interval.Level
	return p, nil
}

// validFrom returns when the group's instrument version came into use
// (zero if unknown), to pick the latest version.
func validFrom(cat *catalogue.Catalogue, k scoring.Key) time.Time {
	if in, err := cat.Instrument(k.Instrument); err == nil {
		return in.ValidFrom()
	}
	return time.Time{}
}
