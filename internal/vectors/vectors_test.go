package vectors

import (
	"os"
	"strings"
	"testing"
)

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

func TestRead(t *testing.T) {
	dir := t.TempDir()
	good := dir + "/good.txt"
	if err := os.WriteFile(good, []byte("# made by x.py\n\nshare wilson 0.95 3 10 -> 0.3 0.1 0.6  # note\nmean 1 -> 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := Read(good)
	if err != nil || len(rows) != 2 {
		t.Fatalf("Read: %v %v", rows, err)
	}
	if r := rows[0]; r.Pos != "good.txt:3" || r.Kind != "share" || strings.Join(r.In, " ") != "wilson 0.95 3 10" || len(r.Out) != 3 || r.Out[2] != 0.6 {
		t.Errorf("row: %+v", r)
	}
	for _, bad := range []string{"share 1 2\n", "share 1 -> x\n", " -> 1\n"} {
		path := dir + "/bad.txt"
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "bad.txt:1") {
			t.Errorf("Read(%q): %v", bad, err)
		}
	}
}
