package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"lyhyt", "lyhyt"},
		{strings.Repeat("a", 20), strings.Repeat("a", 7) + "..."},
		{strings.Repeat("ä", 10), "äää..."}, // 2-byte characters: never half of one
		{"a\xffb", "a\uFFFDb"},
		{"", ""},
	} {
		if got := Text(c.in, 10); got != c.want {
			t.Errorf("Text(%q, 10) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("ääää\xff\xfe€€€€€", 7)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n & 255
		got := Text(s, n)
		if !utf8.ValidString(got) || len(got) > max(n, 3) {
			t.Fatalf("Text(%q, %d) = %q", s, n, got)
		}
		if utf8.ValidString(s) && len(s) <= n && got != s {
			t.Fatalf("Text(%q, %d) = %q, want it unchanged", s, n, got)
		}
	})
}
