package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/palaute/palaute/i18n"
)

// CommentTriage flags comments that speak of self-harm, violence, abuse
// or a safety incident, so that the unit is alerted at once and the
// respondent is shown where to get help now. Its words are data
// (data/comment-triage.json), with their provenance, in Finnish, Swedish
// and English; every language's words are looked for in every comment,
// whatever the form's language. Detection is by words, so it misses what
// is said without them and flags some that are not meant (precision and
// recall on the labelled set testdata/comment-triage.txt are measured by
// the tests); an alert asks a person to read the comment, nothing more.
type CommentTriage struct {
	About      string
	Provenance string
	cats       []commentCategory
}

type commentCategory struct {
	id     string
	reason map[i18n.Lang]string
	terms  [][]string // each a sequence of word patterns
	except [][]string
}

// ErrCommentRule reports an invalid comment triage file.
var ErrCommentRule = errors.New("invalid comment triage rule")

//go:embed data/comment-triage.json
var commentTriageJSON []byte

// DefaultCommentTriage returns the example's words
// (data/comment-triage.json).
func DefaultCommentTriage() *CommentTriage {
	t, err := ParseCommentTriage(bytes.NewReader(commentTriageJSON))
	if err != nil {
		panic(err) // the tests read the embedded file
	}
	return t
}

// ParseCommentTriage reads comment triage words in the format of
// data/comment-triage.json. Every category needs an ID, a reason in
// Finnish, Swedish and English and terms; all problems are reported,
// each wrapping ErrCommentRule.
func ParseCommentTriage(r io.Reader) (*CommentTriage, error) {
	var f struct {
		About      string `json:"about"`
		Provenance string `json:"provenance"`
		Categories []struct {
			ID     string                 `json:"id"`
			Reason map[i18n.Lang]string   `json:"reason"`
			Terms  map[i18n.Lang][]string `json:"terms"`
			Except map[i18n.Lang][]string `json:"except"`
		} `json:"categories"`
	}
	d := json.NewDecoder(r)
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCommentRule, err)
	}
	t := &CommentTriage{About: f.About, Provenance: f.Provenance}
	var errs []error
	seen := map[string]bool{}
	for i, c := range f.Categories {
		where := fmt.Sprintf("category %d (%q)", i+1, c.ID)
		if c.ID == "" || seen[c.ID] {
			errs = append(errs, fmt.Errorf("%w: %s: needs a unique id", ErrCommentRule, where))
		}
		seen[c.ID] = true
		for _, l := range i18n.Complete() {
			if c.Reason[l] == "" {
				errs = append(errs, fmt.Errorf("%w: %s: no reason in %s", ErrCommentRule, where, l))
			}
		}
		cat := commentCategory{id: c.ID, reason: c.Reason}
		for _, l := range i18n.All() {
			for _, term := range c.Terms[l] {
				words := tokens(term)
				if len(words) == 0 || strings.TrimSpace(term) != term {
					errs = append(errs, fmt.Errorf("%w: %s: term %q has no words", ErrCommentRule, where, term))
					continue
				}
				cat.terms = append(cat.terms, words)
			}
			for _, term := range c.Except[l] {
				cat.except = append(cat.except, tokens(term))
			}
		}
		if len(cat.terms) == 0 {
			errs = append(errs, fmt.Errorf("%w: %s: no terms", ErrCommentRule, where))
		}
		t.cats = append(t.cats, cat)
	}
	if len(t.cats) == 0 {
		errs = append(errs, fmt.Errorf("%w: no categories", ErrCommentRule))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// tokens splits text into lower-case words: letters, digits and
// apostrophes inside a word (can't, don't), a trailing * kept (a
// pattern's prefix mark).
func tokens(text string) []string {
	text = strings.ReplaceAll(strings.ToLower(text), "’", "'")
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '*'
	}) {
		if f = strings.Trim(f, "'"); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// maxGap is how many words may stand between the words of a term.
const maxGap = 2

// match reports where a term's words occur in words, in order, with at
// most maxGap other words between them: the index of its first and
// last word, or -1.
func match(term, words []string, from int) (start, end int) {
	wordOK := func(p, w string) bool {
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			return strings.HasPrefix(w, prefix)
		}
		return p == w
	}
	for i := from; i < len(words); i++ {
		if !wordOK(term[0], words[i]) {
			continue
		}
		at, ok := i, true
		for _, p := range term[1:] {
			found := false
			for j := at + 1; j < len(words) && j <= at+1+maxGap; j++ {
				if wordOK(p, words[j]) {
					at, found = j, true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			return i, at
		}
	}
	return -1, -1
}

// Check returns the IDs of the categories a comment speaks of, in the
// order of the data.
func (t *CommentTriage) Check(comment string) []string {
	if t == nil || comment == "" {
		return nil
	}
	all := tokens(comment)
	var out []string
	for _, c := range t.cats {
		words := all
		for _, ex := range c.except {
			for {
				s, e := match(ex, words, 0)
				if s < 0 {
					break
				}
				words = append(words[:s:s], words[e+1:]...)
			}
		}
		for _, term := range c.terms {
			if s, _ := match(term, words, 0); s >= 0 {
				out = append(out, c.id)
				break
			}
		}
	}
	return out
}

// Categories returns the IDs of the categories, in the order of the data.
func (t *CommentTriage) Categories() []string {
	var out []string
	for _, c := range t.cats {
		out = append(out, c.id)
	}
	return out
}

// Reason returns the reason of a category in language l (English where
// it has none), for the unit's alert.
func (t *CommentTriage) Reason(id string, l i18n.Lang) string {
	for _, c := range t.cats {
		if c.id == id {
			if r, ok := c.reason[l]; ok {
				return r
			}
			return c.reason[i18n.English]
		}
	}
	return id
}
