package scoring

import (
	"slices"
	"strings"

	"github.com/palaute/palaute/internal/enum"
	"github.com/palaute/palaute/survey"
)

// Level is a level of the organisation tree.
type Level uint8

// The levels, from the top.
const (
	LevelTotal Level = iota + 1
	LevelRegion
	LevelProvider
	LevelUnit
)

var levelNames = []string{"", "total", "region", "provider", "unit"}

// String returns the level's name.
func (l Level) String() string { return enum.String(levelNames, l, "Level") }

// MarshalText implements [encoding.TextMarshaler].
func (l Level) MarshalText() ([]byte, error) { return enum.Marshal(levelNames, l, "Level") }

// Node is one node of an organisation tree with the summed tallies of the
// units below it, and, after [Suppression.Apply], whether its figures may
// be published.
type Node struct {
	Level    Level
	Code     string // region, provider or unit code; "" for the total
	Group    Group  // counts summed over the units below
	Children []*Node
	// Suppressed is why the node's figures are hidden; zero if published.
	Suppressed Reason
	// CommentsShown reports whether the node has enough responses for its
	// free-text comments to be shown (Suppression.CommentMin).
	CommentsShown bool
}

// Walk calls f for n and every node below it, parents first.
func (n *Node) Walk(f func(*Node)) {
	f(n)
	for _, c := range n.Children {
		c.Walk(f)
	}
}

// Rollup builds the tree total → region → provider → unit from
// unit-level groups (tallies grouped by unit, one period) and the
// organisation tree, by summing counts: never by averaging percentages or
// means. Groups of units the tree does not know are returned apart and
// not counted. Children are ordered by code.
func Rollup(units []Group, orgs *survey.Orgs) (root *Node, unplaced []Group) {
	root = &Node{Level: LevelTotal}
	find := func(parent *Node, level Level, code string) *Node {
		for _, c := range parent.Children {
			if c.Code == code {
				return c
			}
		}
		c := &Node{Level: level, Code: code}
		parent.Children = append(parent.Children, c)
		return c
	}
	for _, g := range units {
		u, ok := orgs.Unit(g.Key.Unit)
		if !ok {
			unplaced = append(unplaced, g)
			continue
		}
		region := find(root, LevelRegion, u.Region)
		provider := find(region, LevelProvider, u.Provider)
		unit := find(provider, LevelUnit, u.Unit)
		for _, n := range []*Node{root, region, provider, unit} {
			addTo(&n.Group, g)
			n.Group.Key = g.Key
			switch n.Level {
			case LevelTotal:
				n.Group.Key.Unit = ""
			case LevelRegion:
				n.Group.Key.Region, n.Group.Key.Provider, n.Group.Key.Unit = u.Region, "", ""
			case LevelProvider:
				n.Group.Key.Region, n.Group.Key.Provider, n.Group.Key.Unit = u.Region, u.Provider, ""
			case LevelUnit:
				n.Group.Key.Region, n.Group.Key.Provider = u.Region, u.Provider
			}
		}
	}
	root.Walk(func(n *Node) {
		slices.SortFunc(n.Children, func(a, b *Node) int { return strings.Compare(a.Code, b.Code) })
	})
	return root, unplaced
}

func addTo(dst *Group, g Group) {
	if dst.Items == nil {
		dst.Items = map[string]Tally{}
	}
	dst.Responses += g.Responses
	for item, t := range g.Items {
		sum := dst.Items[item]
		sum.add(t)
		dst.Items[item] = sum
	}
}

// Reason says why a group's figures are hidden.
type Reason uint8

// Suppression reasons. The zero value means published.
const (
	Published Reason = iota
	// Primary: fewer responses than the threshold.
	Primary
	// Complementary: hidden so that a primarily suppressed sibling cannot
	// be recovered by subtracting the published siblings from the parent.
	Complementary
	// Cascade: a child hidden so that a suppressed parent cannot be
	// recovered by adding up its children.
	Cascade
)

var reasonNames = []string{"", "primary", "complementary", "cascade"}

// String returns the reason's name: "primary", "complementary",
// "cascade", or "" for published.
func (r Reason) String() string { return enum.String(reasonNames, r, "Reason") }

// MarshalText implements [encoding.TextMarshaler].
func (r Reason) MarshalText() ([]byte, error) { return enum.Marshal(reasonNames, r, "Reason") }

// DefaultMinResponses is the primary suppression threshold when
// Suppression.MinResponses is zero: groups of 1–4 responses are hidden,
// as NHS England's Friends and Family Test does and survey products
// commonly do. No THL rule is known; set your own.
const DefaultMinResponses = 5

// DefaultCommentMin is the group size from which free-text comments are
// shown when Suppression.CommentMin is zero. Survey products use a higher
// threshold for comments than for figures; 10 is this library's choice,
// not a national rule.
const DefaultCommentMin = 10

// Suppression configures the hiding of small groups. The zero value hides
// groups of fewer than 5 responses and shows comments from 10 responses.
type Suppression struct {
	MinResponses int // primary threshold; 0 means DefaultMinResponses
	CommentMin   int // comment threshold; 0 means DefaultCommentMin
	// ShowCounts keeps the response counts of suppressed groups visible
	// (their figures stay hidden). By default counts are hidden too.
	ShowCounts bool
}

// Apply decides, for every node of the tree, whether its figures are
// published, by the rules of NHS England's Friends and Family Test:
//
//  1. primary: a node with 1 to MinResponses−1 responses is hidden;
//  2. complementary: where exactly one child of a published parent is
//     hidden, the next-smallest sibling with responses is hidden too (and
//     if there is none, the parent);
//  3. cascade: a hidden node keeps at least two of its children with
//     responses hidden, adding the smallest ones.
//
// Rules 2 and 3 are repeated until nothing changes, so that no hidden
// count can be recovered by subtraction or addition from published
// totals. Nodes with no responses have no figures and are left alone.
func (s Suppression) Apply(root *Node) {
	min := s.MinResponses
	if min <= 0 {
		min = DefaultMinResponses
	}
	comments := s.CommentMin
	if comments <= 0 {
		comments = DefaultCommentMin
	}
	root.Walk(func(n *Node) {
		n.Suppressed = Published
		if n.Group.Responses > 0 && n.Group.Responses < int64(min) {
			n.Suppressed = Primary
		}
	})
	for changed := true; changed; {
		changed = false
		root.Walk(func(n *Node) {
			live := slices.DeleteFunc(slices.Clone(n.Children), func(c *Node) bool { return c.Group.Responses == 0 })
			slices.SortStableFunc(live, func(a, b *Node) int { return int(a.Group.Responses - b.Group.Responses) })
			hidden := 0
			for _, c := range live {
				if c.Suppressed != Published {
					hidden++
				}
			}
			hideSmallest := func(reason Reason) bool {
				for _, c := range live {
					if c.Suppressed == Published {
						c.Suppressed = reason
						return true
					}
				}
				return false
			}
			switch {
			case n.Suppressed == Published && hidden == 1:
				if !hideSmallest(Complementary) {
					n.Suppressed = Complementary
				}
				changed = true
			case n.Suppressed != Published && hidden < 2 && hidden < len(live):
				hideSmallest(Cascade)
				changed = true
			}
		})
	}
	root.Walk(func(n *Node) {
		n.CommentsShown = n.Suppressed == Published && n.Group.Responses >= int64(comments)
	})
}

// Visible returns what may be published of a node: its group with counts
// and tallies, or, for a suppressed node, an empty group (keeping the
// response count if ShowCounts is set).
func (s Suppression) Visible(n *Node) Group {
	if n.Suppressed == Published {
		return n.Group
	}
	g := Group{Key: n.Group.Key}
	if s.ShowCounts {
		g.Responses = n.Group.Responses
	}
	return g
}
