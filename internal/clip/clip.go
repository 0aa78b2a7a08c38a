// Package clip shortens values from outside for error messages, so that
// a hostile input of megabytes cannot make a message of megabytes.
package clip

import (
	"strings"
	"unicode/utf8"
)

// Text returns s as valid UTF-8 (invalid bytes as U+FFFD) of at most
// about n bytes: a longer s is cut at a character boundary and ends in
// "...".
func Text(s string, n int) string {
	if len(s) <= n && utf8.ValidString(s) {
		return s
	}
	if len(s) > 4*n+4 {
		s = s[:4*n+4] // enough for n bytes of replacement characters
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := max(n-3, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
