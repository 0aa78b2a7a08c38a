package enum

import "testing"

type color uint8

var names = []string{"", "red", "green"}

func TestEnum(t *testing.T) {
	if String(names, color(2), "color") != "green" || String(names, color(9), "color") != "color(9)" {
		t.Error("String")
	}
	if b, err := Marshal(names, color(1), "color"); err != nil || string(b) != "red" {
		t.Error("Marshal")
	}
	if _, err := Marshal(names, color(3), "color"); err == nil {
		t.Error("Marshal of an invalid value")
	}
	if v, ok := Parse[color](names, "green"); !ok || v != 2 {
		t.Error("Parse")
	}
	for _, s := range []string{"", "blue", "Red"} {
		if _, ok := Parse[color](names, s); ok {
			t.Errorf("Parse(%q) matched", s)
		}
	}
}
