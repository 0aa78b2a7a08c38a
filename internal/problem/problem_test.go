package problem

import (
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	a, b := New("a-code", "first problem"), New("b-code", "second problem")
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("plain"), ""},
		{a, "a-code"},
		{fmt.Errorf("line 3: %w", b), "b-code"},
		{errors.Join(fmt.Errorf("x: %w", a), b), "a-code"},
		{errors.Join(errors.New("plain"), fmt.Errorf("y: %w", b)), "b-code"},
	} {
		if got := Code(c.err); got != c.want {
			t.Errorf("Code(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if a.Error() != "first problem" || errors.Is(a, b) || !errors.Is(fmt.Errorf("w: %w", a), a) {
		t.Error("sentinel identity or text")
	}
}
