// Package vectors reads the reference vectors the tests compare with
// (lines of numbers made by scripts in R and Python) and compares numbers
// the way those tests do.
package vectors

import (
	"fmt"
	"math"
	"strconv"
)

// Near reports whether a and b agree to a relative tolerance of 1e-9
// (absolute below 1): equal values, or both within 1e-9·max(1, |a|, |b|).
func Near(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// ParseFloats parses fields as numbers, naming the first that is not one.
func ParseFloats(fields []string) ([]float64, error) {
	out := make([]float64, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out[i] = v
	}
	return out, nil
}
