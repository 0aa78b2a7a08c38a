// Package truth holds published releases against the raw responses they
// were made from, for the attack tests of the programs that publish: every
// figure a release shows must rest on at least the minimum number of true
// answers, whatever protection moved its counts.
package truth

import (
	"fmt"

	"github.com/palaute/palaute/scoring"
)

// ThinFigures returns, for each published figure (Suppressed ==
// scoring.Published) of the releases whose true count of answers — from
// raw, the tallies of the responses before any protection, selected and
// aggregated as the release was — is below min, a line naming the
// release, the group, the item and that count. Figures are scored with
// scales (nil: the default catalogue's).
func ThinFigures(raw *scoring.Tallies, scales scoring.Scales, releases []scoring.Release, min int64) ([]string, error) {
	if scales == nil {
		scales = scoring.CatalogueScales(nil)
	}
	var thin []string
	for _, r := range releases {
		sel := raw
		if r.Select != nil {
			sel = raw.Select(r.Select)
		}
		agg, err := sel.Aggregate(r.Aggregation)
		if err != nil {
			return nil, fmt.Errorf("release %s: %w", r.Name, err)
		}
		for _, res := range r.Results {
			g, _ := agg.Group(res.Key)
			for _, ind := range res.Indicators {
				if ind.Suppressed != scoring.Published {
					continue
				}
				s, ok := scales(res.Key.Instrument, ind.Item)
				if !ok {
					return nil, fmt.Errorf("release %s: no scale for %s of %s", r.Name, ind.Item, res.Key.Instrument)
				}
				if n := scoring.IndicatorsOf(ind.Item, g.Items[ind.Item], 0, s, scoring.Options{})[0].N; n < min {
					thin = append(thin, fmt.Sprintf("%s %v %s: published with %d true answers", r.Name, res.Key, ind.Item, n))
				}
			}
		}
	}
	return thin, nil
}
