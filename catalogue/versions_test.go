package catalogue

import (
	"slices"
	"testing"
)

// TestCompareVersions: data versions are ordered by number, not as text.
func TestCompareVersions(t *testing.T) {
	in := []string{"2026.10", "2026.2", "2025.1", "2026.1", "2026.1.1"}
	slices.SortFunc(in, compareVersions)
	if want := []string{"2025.1", "2026.1", "2026.1.1", "2026.2", "2026.10"}; !slices.Equal(in, want) {
		t.Errorf("sorted %q, want %q", in, want)
	}
}
