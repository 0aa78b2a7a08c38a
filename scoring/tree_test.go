package scoring

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/palaute/palaute/survey"
)

// randomTree builds a total → region → provider → unit tree with many
// small units.
func randomTree(rng *rand.Rand) *Node {
	root := &Node{Level: LevelTotal}
	for r := 0; r < 1+rng.IntN(3); r++ {
		region := &Node{Level: LevelRegion}
		for p := 0; p < 1+rng.IntN(4); p++ {
			prov := &Node{Level: LevelProvider}
			for u := 0; u < 1+rng.IntN(5); u++ {
				n := int64(rng.IntN(12))
				if rng.IntN(3) == 0 {
					n += int64(rng.IntN(200))
				}
				prov.Children = append(prov.Children, &Node{Level: LevelUnit, Group: Group{Responses: n}})
				prov.Group.Responses += n
			}
			region.Children = append(region.Children, prov)
			region.Group.Responses += prov.Group.Responses
		}
		root.Children = append(root.Children, region)
		root.Group.Responses += region.Group.Responses
	}
	return root
}

// recoverable returns the hidden nodes whose counts an attacker can
// compute exactly from the published counts and the tree's sums (each
// parent is the sum of its children): a hidden count is recoverable when
// its unit vector lies in the row space of the sum equations restricted to
// the hidden counts. This covers subtraction, addition and any linear
// combination of them.
func recoverable(root *Node) []*Node {
	var hidden []*Node
	col := map[*Node]int{}
	root.Walk(func(n *Node) {
		if n.Suppressed != Published {
			col[n] = len(hidden)
			hidden = append(hidden, n)
		}
	})
	var rows [][]float64
	root.Walk(func(n *Node) {
		if len(n.Children) == 0 {
			return
		}
		row := make([]float64, len(hidden))
		any := false
		if i, ok := col[n]; ok {
			row[i], any = 1, true
		}
		for _, c := range n.Children {
			if i, ok := col[c]; ok {
				row[i], any = -1, true
			}
		}
		if any {
			rows = append(rows, row)
		}
	})
	base := rank(rows)
	var out []*Node
	for i, n := range hidden {
		e := make([]float64, len(hidden))
		e[i] = 1
		if rank(append(clone2(rows), e)) == base {
			out = append(out, n)
		}
	}
	return out
}

func clone2(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for i := range m {
		out[i] = append([]float64(nil), m[i]...)
	}
	return out
}

// rank of a small matrix by Gaussian elimination with partial pivoting.
func rank(m [][]float64) int {
	m = clone2(m)
	r := 0
	if len(m) == 0 {
		return 0
	}
	for c := 0; c < len(m[0]) && r < len(m); c++ {
		p := r
		for i := r; i < len(m); i++ {
			if math.Abs(m[i][c]) > math.Abs(m[p][c]) {
				p = i
			}
		}
		if math.Abs(m[p][c]) < 1e-9 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		for i := range m {
			if i != r && m[i][c] != 0 {
				f := m[i][c] / m[r][c]
				for j := c; j < len(m[i]); j++ {
					m[i][j] -= f * m[r][j]
				}
			}
		}
		r++
	}
	return r
}

// TestSuppressionResistsRecovery runs the suppression on many random
// trees and attempts to recover every hidden count from the published
// ones. Primary suppression alone must be attackable on some of them
// (else the attack would prove nothing).
func TestSuppressionResistsRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	attackable := 0
	for trial := 0; trial < 500; trial++ {
		root := randomTree(rng)
		// Primary only: the attack should often succeed.
		root.Walk(func(n *Node) {
			n.Suppressed = Published
			if n.Group.Responses > 0 && n.Group.Responses < 5 {
				n.Suppressed = Primary
			}
		})
		if len(recoverable(root)) > 0 {
			attackable++
		}
		Suppression{}.Apply(root)
		if got := recoverable(root); len(got) > 0 {
			t.Fatalf("trial %d: %d hidden counts recoverable, e.g. a %v node of %d", trial, len(got), got[0].Level, got[0].Group.Responses)
		}
		root.Walk(func(n *Node) {
			if n.Group.Responses > 0 && n.Group.Responses < 5 && n.Suppressed != Primary {
				t.Fatalf("a node of %d responses is not primarily suppressed", n.Group.Responses)
			}
			if n.Group.Responses == 0 && n.Suppressed != Published {
				t.Fatalf("an empty node was suppressed")
			}
		})
	}
	if attackable < 50 {
		t.Fatalf("primary suppression alone was attackable in only %d of 500 trees", attackable)
	}
	t.Logf("primary suppression alone leaked counts in %d of 500 random trees; full suppression in none", attackable)
}

func TestSuppressionRules(t *testing.T) {
	unit := func(n int64) *Node { return &Node{Level: LevelUnit, Group: Group{Responses: n}} }
	provider := func(children ...*Node) *Node {
		p := &Node{Level: LevelProvider, Children: children}
		for _, c := range children {
			p.Group.Responses += c.Group.Responses
		}
		return p
	}
	a, b, c, d := unit(3), unit(40), unit(25), unit(90)
	p := provider(a, b, c, d)
	Suppression{}.Apply(p)
	if a.Suppressed != Primary || c.Suppressed != Complementary || b.Suppressed != Published || d.Suppressed != Published || p.Suppressed != Published {
		t.Errorf("complementary: got %v %v %v %v parent %v", a.Suppressed, b.Suppressed, c.Suppressed, d.Suppressed, p.Suppressed)
	}
	// A parent with one small child has the same small count.
	e := unit(2)
	q := provider(e, unit(0))
	Suppression{}.Apply(q)
	if q.Suppressed != Primary || e.Suppressed != Primary {
		t.Errorf("single child: parent %v child %v", q.Suppressed, e.Suppressed)
	}
	// Cascade: a suppressed parent keeps two children hidden.
	x, y, z := unit(20), unit(30), unit(50)
	small := provider(unit(1), unit(0))
	top := &Node{Level: LevelRegion, Children: []*Node{small, provider(x, y, z)}}
	for _, ch := range top.Children {
		top.Group.Responses += ch.Group.Responses
	}
	Suppression{MinResponses: 5}.Apply(top)
	if small.Suppressed != Primary || top.Children[1].Suppressed != Complementary || x.Suppressed != Cascade || y.Suppressed != Cascade || z.Suppressed != Published {
		t.Errorf("cascade: %v %v %v %v %v", small.Suppressed, top.Children[1].Suppressed, x.Suppressed, y.Suppressed, z.Suppressed)
	}
	s := Suppression{ShowCounts: true}
	if g := s.Visible(x); g.Responses != 20 || g.Items != nil {
		t.Errorf("visible with counts: %+v", g)
	}
	if g := (Suppression{}).Visible(x); g.Responses != 0 {
		t.Errorf("visible without counts: %+v", g)
	}
	if !b.CommentsShown || a.CommentsShown {
		t.Errorf("comments: %v %v", b.CommentsShown, a.CommentsShown)
	}
}

func TestRollup(t *testing.T) {
	orgs, _ := survey.NewOrgs([]survey.OrgUnit{{Region: "r1", Provider: "p1", Unit: "u1"}, {Region: "r1", Provider: "p1", Unit: "u2"}, {Region: "r1", Provider: "p2", Unit: "u3"}})
	rs := synthetic(400, 11)
	tl := tally(t, Grouping{By: []Dimension{ByUnit}}, rs)
	root, unplaced := Rollup(tl.Groups(), orgs)
	if len(unplaced) != 1 || unplaced[0].Key.Unit != "u4" {
		t.Fatalf("unplaced %v", unplaced)
	}
	// The total equals the tally of the placed responses, item by item.
	var placed []survey.Response
	for _, r := range rs {
		if r.Unit != "u4" {
			placed = append(placed, r)
		}
	}
	whole := tally(t, Grouping{}, placed).Groups()[0]
	if root.Group.Responses != whole.Responses || root.Group.Items["access"] != whole.Items["access"] {
		t.Errorf("rollup total %d vs %d", root.Group.Responses, whole.Responses)
	}
	if len(root.Children) != 1 || len(root.Children[0].Children) != 2 || root.Children[0].Children[1].Group.Key.Provider != "p2" {
		t.Errorf("tree shape")
	}
}
