package truth

import (
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

// TestThinFigures: a release that shows a figure of 3 answers is named,
// one of 5 is not, and a hidden figure is never named.
func TestThinFigures(t *testing.T) {
	raw := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByUnit}})
	for i, unit := range []string{"a", "a", "a", "b", "b", "b", "b", "b"} {
		_, err := raw.Add(survey.Response{ID: string(rune('0' + i)), Submitted: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Unit: unit,
			Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}, Answers: survey.Answers{{Item: "recommend", Value: 9}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	agg := scoring.Aggregation{By: []scoring.Dimension{scoring.ByUnit}}
	tallies, err := raw.Aggregate(agg)
	if err != nil {
		t.Fatal(err)
	}
	results, err := scoring.Score(tallies, nil, nil, scoring.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, hideA := range []bool{false, true} {
		rel := scoring.Release{Name: "by unit", Aggregation: agg, Results: results}
		if hideA {
			rel.Results = append([]scoring.Result(nil), results...)
			for i := range rel.Results {
				if rel.Results[i].Key.Unit == "a" {
					inds := append([]scoring.Indicator(nil), rel.Results[i].Indicators...)
					for j := range inds {
						inds[j].Suppressed = scoring.TooFewAnswers
					}
					rel.Results[i].Indicators = inds
				}
			}
		}
		thin, err := ThinFigures(raw, nil, []scoring.Release{rel}, scoring.DefaultMinAnswers)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 1, true: 0}[hideA]; len(thin) != want {
			t.Errorf("hide a %v: %q, want %d", hideA, thin, want)
		}
	}
}
