package survey

import (
	_ "embed"
	"encoding/json"
	"strings"
	"sync"
	"unicode"
)

//go:embed data/nonanswers.json
var nonAnswersJSON []byte

var nonAnswers = sync.OnceValue(func() map[string]bool {
	var f struct {
		About      string   `json:"about"`
		NonAnswers []string `json:"nonAnswers"`
	}
	if err := json.Unmarshal(nonAnswersJSON, &f); err != nil {
		panic("survey: embedded non-answers: " + err.Error())
	}
	m := make(map[string]bool, len(f.NonAnswers))
	for _, s := range f.NonAnswers {
		m[normalizeComment(s)] = true
	}
	return m
})

// normalizeComment lower-cases s, drops punctuation and symbols at both
// ends and folds inner white space.
func normalizeComment(s string) string {
	s = strings.TrimFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	return strings.Join(strings.Fields(s), " ")
}

// IsNonAnswer reports whether a comment says nothing: it is empty, only
// punctuation ("-", "..."), or a stock phrase such as "ei", "ei mitään",
// "inget", "nothing" or "no comment" (case, surrounding punctuation and
// extra spaces ignored). Such comments should not be counted or shown as
// feedback. The phrase list is embedded data (data/nonanswers.json) of
// this library, not a national rule.
func IsNonAnswer(comment string) bool {
	n := normalizeComment(comment)
	return n == "" || nonAnswers()[n]
}
