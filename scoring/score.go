package scoring

import (
	"errors"
	"slices"
	"strings"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring/stat"
)

// Scales finds the answer scale of an item of an instrument version.
// Functions that take Scales treat nil as CatalogueScales(nil): the items
// of the default catalogue.
type Scales func(instrument catalogue.InstrumentRef, item string) (catalogue.Scale, bool)

// orDefault returns s, or the default catalogue's scales for nil.
func (s Scales) orDefault() Scales {
	if s == nil {
		return CatalogueScales(nil)
	}
	return s
}

// CatalogueScales returns Scales that look an item up in its instrument
// in the catalogue and then among the templates' own statements. A nil
// catalogue is [catalogue.Default].
func CatalogueScales(cat *catalogue.Catalogue, templates ...*catalogue.Template) Scales {
	if cat == nil {
		cat = catalogue.Default()
	}
	return func(ref catalogue.InstrumentRef, item string) (catalogue.Scale, bool) {
		if in, err := cat.Instrument(ref); err == nil {
			if it, ok := in.Item(item); ok {
				return it.Scale(), true
			}
		}
		for _, t := range templates {
			if it, ok := t.Item(item); ok && t.Instrument().Ref() == ref {
				return it.Scale(), true
			}
		}
		return catalogue.Scale{}, false
	}
}

// itemOrder returns the position of an item in its instrument's national
// order, or a large number for own statements.
func itemOrder(cat *catalogue.Catalogue, ref catalogue.InstrumentRef) func(string) int {
	var ids []string
	if in, err := cat.Instrument(ref); err == nil {
		for _, it := range in.Items() {
			ids = append(ids, it.ID())
		}
	}
	return func(id string) int {
		if i := slices.Index(ids, id); i >= 0 {
			return i
		}
		return len(ids)
	}
}

// Result holds the indicators of one group.
type Result struct {
	Key        Key         `json:"key"`
	Responses  int64       `json:"responses"`
	Indicators []Indicator `json:"indicators"`
}

// Indicator returns the group's indicator of kind k for item.
func (r Result) Indicator(item string, k Kind) (Indicator, bool) {
	for _, ind := range r.Indicators {
		if ind.Item == item && ind.Kind == k {
			return ind, true
		}
	}
	return Indicator{}, false
}

// OfKind returns the group's first indicator of kind k: for Index, the
// recommendation index (an instrument has one recommendation question, and
// own statements cannot use its scale), whatever the item's ID.
func (r Result) OfKind(k Kind) (Indicator, bool) {
	for _, ind := range r.Indicators {
		if ind.Kind == k {
			return ind, true
		}
	}
	return Indicator{}, false
}

// Score computes the indicators of every group of t, sorted by key, with
// items in national order (own statements after, by ID). The catalogue
// gives the order and, when scales is nil, the scales
// ([CatalogueScales]); a nil catalogue is [catalogue.Default]. Options
// that [Options.Check] rejects give an error and no results. Items whose
// scale is unknown are left out and reported in the error, wrapping
// [ErrUnknownItem], alongside the results for the rest.
//
// For protected tallies ([Protect]) every indicator comes from the
// protected counts as published (a sum below zero counts as zero): one
// with fewer than Protection.MinAnswers certain gated answers is hidden
// (Suppressed, no counts, no value), the intervals of the others include
// the variance of the perturbation, and a result's Responses is the
// largest n among its published indicators.
func Score(t *Tallies, cat *catalogue.Catalogue, scales Scales, o Options) ([]Result, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if cat == nil {
		cat = catalogue.Default()
	}
	if scales == nil {
		scales = CatalogueScales(cat)
	}
	var out []Result
	var errs []error
	unknown := map[string]bool{}
	q := &stat.MeanIntervals{Level: o.level()}
	sorted := map[catalogue.InstrumentRef][]string{} // items in national order, per instrument
	for _, g := range t.Groups() {
		items, ok := sorted[g.Key.Instrument]
		if !ok {
			order := itemOrder(cat, g.Key.Instrument)
			items = t.Items()
			slices.SortStableFunc(items, func(a, b string) int {
				if oa, ob := order(a), order(b); oa != ob {
					return oa - ob
				}
				return strings.Compare(a, b)
			})
			sorted[g.Key.Instrument] = items
		}
		res := Result{Key: g.Key, Responses: g.Responses}
		for _, item := range items {
			tl, answered := g.Items[item]
			s, ok := scales(g.Key.Instrument, item)
			if !ok {
				if answered && !unknown[item] {
					unknown[item] = true
					errs = append(errs, errorf("%w %q in %s", ErrUnknownItem, item, g.Key.Instrument))
				}
				continue
			}
			if g.Protection != nil {
				tl = published(tl)
			}
			inds := indicatorsOf(item, tl, g.NotAnswered(item), s, o, q)
			if g.Protection != nil {
				for i := range inds {
					inds[i] = protectIndicator(inds[i], g.Perturbation[item], s, o, g.Protection)
				}
			}
			res.Indicators = append(res.Indicators, inds...)
		}
		if g.Protection != nil {
			res.Responses = 0
			for _, ind := range res.Indicators {
				if ind.Suppressed == Published {
					res.Responses = max(res.Responses, ind.N)
				}
			}
		}
		out = append(out, res)
	}
	return out, errors.Join(errs...)
}
