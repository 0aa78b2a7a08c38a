package scoring

import (
	"math"
	"slices"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring/stat"
)

// Mix is a reference mix of strata: the weight of each stratum, keyed by
// a Key with only the stratum dimensions set. Weights sum to 1.
type Mix map[Key]float64

// allDims lists every grouping dimension.
var allDims = []Dimension{ByRegion, ByProvider, ByUnit, ByService, ByChannel, ByRole, ByLang}

func stratumKey(k Key, strata []Dimension) Key {
	s := project(k, strata)
	s.Instrument, s.Period = catalogue.InstrumentRef{}, Period{}
	return s
}

// except returns every dimension but the given ones.
func except(dims ...Dimension) []Dimension {
	return slices.DeleteFunc(slices.Clone(allDims), func(d Dimension) bool { return slices.Contains(dims, d) })
}

// ReferenceMix returns the mix of strata among the answers to item in
// the groups: each stratum's share of the denominators of the item's
// headline figure (the index, agreement share or yes share, as o computes
// it; can't-say answers count only with IncludeCantSay). Weighting by the
// figure's own denominators makes standardizing a population to its own
// mix return its crude figure. Use it to standardize to the population's
// own mix (all units of a county, say), or build a Mix by hand for a fixed
// reference.
func ReferenceMix(groups []Group, strata []Dimension, item string, s catalogue.Scale, o Options) Mix {
	mix := Mix{}
	var total float64
	for _, g := range groups {
		inds := IndicatorsOf(item, g.Items[item], 0, s, o)
		if len(inds) == 0 {
			continue
		}
		n := float64(inds[0].N)
		mix[stratumKey(g.Key, strata)] += n
		total += n
	}
	for k, n := range mix {
		if n == 0 {
			delete(mix, k)
			continue
		}
		mix[k] = n / total
	}
	return mix
}

// Standardized is a group's figure directly standardized to a reference
// mix of strata, next to its raw figure.
type Standardized struct {
	Key  Key       `json:"key"` // the group, stratum dimensions cleared
	Raw  Indicator `json:"raw"` // all strata pooled
	Kind Kind      `json:"kind"`
	// Valid is false when the group has no answers in a stratum the mix
	// weights; Missing lists those strata.
	Valid    bool          `json:"valid"`
	Estimate float64       `json:"estimate"`
	Interval stat.Interval `json:"interval"`
	Missing  []Key         `json:"missing,omitempty"`
}

// Standardize computes, for every group of groups with its strata
// dimensions (such as ByChannel) removed, the direct standardization of an
// item's headline figure (the index, agreement share or yes share) to a
// reference mix: Σ w_s·θ_s over the strata s, where θ_s is the group's
// figure in stratum s. Its interval is normal with variance Σ w_s²·v_s,
// with v_s the sampling variance of θ_s (p(1 − p)/n for shares; (p + d −
// (p − d)²)/n for the index). Answers collected by SMS and by kiosk differ
// systematically; standardizing to one channel mix makes units with
// different mixes comparable. A group without answers in a weighted
// stratum gets no standardized value (the strata are not silently
// reweighted). Groups are returned in key order.
//
// Strata are respondent attributes the protected base does not split by
// ([ProtectedBase]), so protected groups cannot be standardized: they
// give an error wrapping [ErrProtected]. (Standardizing from a second
// base split by channel would publish a second, differently perturbed
// look at the same answers.)
func Standardize(groups []Group, strata []Dimension, item string, s catalogue.Scale, mix Mix, o Options) ([]Standardized, error) {
	for _, g := range groups {
		if g.Protection != nil {
			return nil, errorf("standardizing %s by %v: %w: the protected base is not split by respondents' strata", item, strata, ErrProtected)
		}
	}
	type parts struct {
		pooled Tally
		byStr  map[Key]Tally
	}
	units := map[Key]*parts{}
	unitDims := except(strata...)
	for _, g := range groups {
		uk := project(g.Key, unitDims)
		p := units[uk]
		if p == nil {
			p = &parts{byStr: map[Key]Tally{}}
			units[uk] = p
		}
		t := g.Items[item]
		p.pooled.add(t)
		st := p.byStr[stratumKey(g.Key, strata)]
		st.add(t)
		p.byStr[stratumKey(g.Key, strata)] = st
	}
	strataKeys := make([]Key, 0, len(mix))
	for k := range mix {
		strataKeys = append(strataKeys, k)
	}
	slices.SortFunc(strataKeys, compareKeys)
	z := stat.ZCritical(o.level())
	var out []Standardized
	for _, uk := range slices.SortedFunc(func(yield func(Key) bool) {
		for k := range units {
			if !yield(k) {
				return
			}
		}
	}, compareKeys) {
		p := units[uk]
		raw := IndicatorsOf(item, p.pooled, 0, s, o)
		if len(raw) == 0 {
			continue
		}
		st := Standardized{Key: uk, Raw: raw[0], Kind: raw[0].Kind, Estimate: math.NaN()}
		var est, variance float64
		for _, sk := range strataKeys {
			w := mix[sk]
			if w == 0 {
				continue
			}
			ind := IndicatorsOf(item, p.byStr[sk], 0, s, o)[0]
			if !ind.Valid {
				st.Missing = append(st.Missing, sk)
				continue
			}
			est += w * ind.Estimate
			v := adjustedVariance(ind, z)
			variance += w * w * v
		}
		if len(st.Missing) == 0 {
			lo, hi := 0.0, 1.0
			if st.Kind == Index {
				lo, hi = -100, 100
			}
			half := z * math.Sqrt(variance)
			st.Valid, st.Estimate = true, est
			st.Interval = stat.Interval{Low: stat.Clamp(est-half, lo, hi), High: stat.Clamp(est+half, lo, hi), Method: stat.Wald, Level: o.level()}
		}
		out = append(out, st)
	}
	return out, nil
}

// adjustedVariance returns the variance of a stratum's figure at
// adjusted counts (see Standardize), for the level whose critical value
// is z.
func adjustedVariance(ind Indicator, z float64) float64 {
	if ind.Kind == Index {
		n := float64(ind.N) + 3
		p, d := (float64(ind.Positive)+0.75)/n, (float64(ind.Negative)+0.75)/n
		return 1e4 * (p + d - (p-d)*(p-d)) / n
	}
	n := float64(ind.N) + z*z
	p := (float64(ind.Positive) + z*z/2) / n
	return p * (1 - p) / n
}
