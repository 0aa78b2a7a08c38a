package i18n

import (
	"slices"

	"golang.org/x/text/collate"
)

// Collator compares and sorts strings in the order of a language: in
// Finnish and Swedish, å, ä and ö come after z and ü sorts as y; in
// English they sort with a and o. Letter case is a tie-breaker only.
//
// A Collator keeps scratch buffers and is not safe for concurrent use;
// make one per goroutine.
type Collator struct {
	c *collate.Collator
}

// NewCollator returns a collator for l. North Sami uses its own CLDR
// order; Inari and Skolt Sami, for which CLDR has no order, use Finnish
// order. [Und] uses the root (language-neutral) order.
func NewCollator(l Lang) *Collator {
	tag := l.Tag()
	switch l {
	case InariSami, SkoltSami:
		tag = Finnish.Tag()
	}
	return &Collator{c: collate.New(tag)}
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func (c *Collator) Compare(a, b string) int { return c.c.CompareString(a, b) }

// Sort sorts names in place in the collator's order. The sort is stable,
// so names that compare equal keep their order.
func (c *Collator) Sort(names []string) {
	slices.SortStableFunc(names, c.Compare)
}

// SortFunc sorts items in place by the key each one yields, in the
// collator's order; a stable sort.
func SortFunc[T any](c *Collator, items []T, key func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int { return c.Compare(key(a), key(b)) })
}
