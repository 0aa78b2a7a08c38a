package stat

import (
	"fmt"
	"math"
	"slices"

	"github.com/palaute/palaute/internal/enum"
)

// Adjustment is a multiple-comparison correction of p-values.
type Adjustment uint8

// Adjustments. The zero value adjusts nothing.
const (
	NoAdjustment Adjustment = iota
	// Holm controls the family-wise error rate (Holm 1979).
	Holm
	// BenjaminiHochberg controls the false discovery rate (1995).
	BenjaminiHochberg
)

var adjustmentNames = []string{"none", "holm", "benjamini-hochberg"}

// String returns the adjustment's name: "none", "holm" or
// "benjamini-hochberg".
func (a Adjustment) String() string { return enum.String(adjustmentNames, a, "Adjustment") }

// MarshalText implements [encoding.TextMarshaler].
func (a Adjustment) MarshalText() ([]byte, error) {
	return enum.Marshal(adjustmentNames, a, "Adjustment")
}

// UnmarshalText implements [encoding.TextUnmarshaler]; "bh" and "fdr" are
// accepted for Benjamini–Hochberg, empty text for none.
func (a *Adjustment) UnmarshalText(b []byte) error {
	switch string(b) {
	case "", "none":
		*a = NoAdjustment
		return nil
	case "bh", "fdr":
		*a = BenjaminiHochberg
		return nil
	}
	v, ok := enum.Parse[Adjustment](adjustmentNames, string(b))
	if !ok {
		return fmt.Errorf("stat: unknown adjustment %q (none, holm or benjamini-hochberg)", b)
	}
	*a = v
	return nil
}

// Adjust returns the p-values adjusted for multiple comparisons by a,
// all of p being one family. Holm: the i-th smallest of m p-values
// becomes max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎). Benjamini–Hochberg:
// min over j ≥ i of min(1, m·p₍ⱼ₎/j). NaN values are left out of the
// family (and of m) and returned as NaN.
func Adjust(p []float64, a Adjustment) []float64 {
	out := slices.Clone(p)
	var idx []int
	for i, v := range p {
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	m := len(idx)
	if a == NoAdjustment || m == 0 {
		return out
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case p[i] < p[j]:
			return -1
		case p[i] > p[j]:
			return 1
		}
		return 0
	})
	switch a {
	case Holm:
		running := 0.0
		for rank, i := range idx {
			running = math.Max(running, math.Min(1, float64(m-rank)*p[i]))
			out[i] = running
		}
	case BenjaminiHochberg:
		running := 1.0
		for rank := m - 1; rank >= 0; rank-- {
			i := idx[rank]
			running = math.Min(running, math.Min(1, float64(m)*p[i]/float64(rank+1)))
			out[i] = running
		}
	}
	return out
}
