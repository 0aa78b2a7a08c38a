package scoring

import (
	"testing"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/scoring/stat"
)

func TestComparePeers(t *testing.T) {
	rs := synthetic(4000, 21)
	// Unit u1 gets many more detractors.
	for i := range rs {
		if rs[i].Unit == "u1" {
			for j := range rs[i].Answers {
				if rs[i].Answers[j].Item == "recommend" && i%2 == 0 {
					rs[i].Answers[j].Value = 1
				}
			}
		}
	}
	tl := tally(t, Grouping{By: []Dimension{ByUnit}}, rs)
	scales := CatalogueScales(catalogue.Default())
	cs := ComparePeers(tl.Groups(), ByUnit, scales, CompareOptions{})
	var u1 Comparison
	for _, c := range cs {
		if c.Key.Unit == "u1" && c.Item == "recommend" {
			u1 = c
		}
	}
	if u1.Label != Worse || u1.Kind != Index {
		t.Errorf("u1 %+v", u1)
	}
	// The reference is the rest of the peers, summed.
	var rest Tally
	for _, g := range tl.Groups() {
		if g.Key.Unit != "u1" {
			rest.add(g.Items["recommend"])
		}
	}
	want := IndexOf("recommend", rest, 0, scale(t, "recommend-0-10"), Options{})
	if !near(u1.Reference, want.Estimate) {
		t.Errorf("reference %v, want the pooled rest %v", u1.Reference, want.Estimate)
	}
	// With stat.Holm, p-values only grow.
	adj := ComparePeers(tl.Groups(), ByUnit, scales, CompareOptions{Adjust: stat.Holm})
	for i := range cs {
		if adj[i].P < cs[i].P-1e-15 {
			t.Errorf("Holm lowered a p-value: %v → %v", cs[i].P, adj[i].P)
		}
	}
}
