package vectors

import "testing"

func TestNear(t *testing.T) {
	for _, c := range []struct {
		a, b float64
		want bool
	}{{1, 1, true}, {1, 1 + 1e-10, true}, {1, 1 + 1e-8, false}, {1e-20, 2e-20, true}, {1e6, 1e6 + 1e-4, true}, {1e6, 1e6 + 1e-2, false}} {
		if Near(c.a, c.b) != c.want {
			t.Errorf("Near(%v, %v) != %v", c.a, c.b, c.want)
		}
	}
	if v, err := ParseFloats([]string{"1.5", "-2e-3"}); err != nil || v[0] != 1.5 || v[1] != -2e-3 {
		t.Errorf("ParseFloats: %v %v", v, err)
	}
	if _, err := ParseFloats([]string{"1", "x"}); err == nil {
		t.Error("ParseFloats accepted x")
	}
}
