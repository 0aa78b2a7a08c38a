package synth

import (
	"math"
	"testing"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/survey"
)

// TestDistributions checks that the generated data look like the
// published figures the generator imitates, and that every response is
// valid.
func TestDistributions(t *testing.T) {
	c := Config{Responses: 40_000, Seed: 3}
	tl := scoring.NewTallies(scoring.Grouping{})
	byChannel := scoring.NewTallies(scoring.Grouping{By: []scoring.Dimension{scoring.ByChannel}})
	v := &survey.Validator{}
	n, comments, sms := 0, 0, 0
	for r := range Responses(c) {
		if _, ok, err := v.Validate(r); !ok {
			t.Fatalf("invalid response: %v", err)
		}
		tl.Add(r)
		byChannel.Add(r)
		n++
		if r.Comment != "" {
			comments++
		}
		if r.Channel == survey.ChannelSMS {
			sms++
		}
	}
	res, err := scoring.Score(tl, catalogue.Default(), scoring.CatalogueScales(catalogue.Default()), scoring.Options{})
	if err != nil {
		t.Fatal(err)
	}
	index, _ := res[0].Indicator("recommend", scoring.Index)
	access, _ := res[0].Indicator("access", scoring.Agreement)
	t.Logf("n %d, index %.1f, access agreement %.3f, comments %.3f, SMS %.3f", n, index.Estimate, access.Estimate, float64(comments)/float64(n), float64(sms)/float64(n))
	if n != c.Responses || math.Abs(index.Estimate-68) > 6 || math.Abs(access.Estimate-0.9) > 0.04 ||
		math.Abs(float64(comments)/float64(n)-0.3) > 0.02 || math.Abs(float64(sms)/float64(n)-0.85) > 0.02 {
		t.Errorf("distributions off")
	}
	chans, _ := scoring.Score(byChannel, catalogue.Default(), scoring.CatalogueScales(catalogue.Default()), scoring.Options{})
	var smsIndex, kioskIndex float64
	for _, r := range chans {
		ind, _ := r.Indicator("recommend", scoring.Index)
		switch r.Key.Channel {
		case survey.ChannelSMS:
			smsIndex = ind.Estimate
		case survey.ChannelKiosk:
			kioskIndex = ind.Estimate
		}
	}
	if smsIndex <= kioskIndex+5 {
		t.Errorf("SMS index %.1f should exceed kiosk %.1f clearly", smsIndex, kioskIndex)
	}
	// Deterministic.
	a, b := first(Responses(c)), first(Responses(c))
	if a.ID != b.ID || !a.Submitted.Equal(b.Submitted) || len(a.Answers) != len(b.Answers) {
		t.Error("not deterministic")
	}
}

func first(seq func(func(survey.Response) bool)) survey.Response {
	for r := range seq {
		return r
	}
	return survey.Response{}
}
