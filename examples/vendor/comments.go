package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/palaute/palaute/i18n"
)

// CommentTriage flags comments that speak of self-harm, violence, abuse
// or a safety incident, so that the unit is alerted at once and the
// respondent is shown where to get help now. Its rules are data
// (data/comment-triage.json), with their provenance, in Finnish, Swedish
// and English; every language's rules are looked for in every comment,
// whatever the form's language.
//
// A rule is word patterns: stems that cover inflection and compounds
// (itsemurh*, *väkival*), sequences with a few words between them
// ("halua* kuol*"), and words that must stand near each other in a
// sentence in any order ("satut* & itse*"), as Finnish word order is
// free. Figurative and topic-only uses are removed first (except), and a
// negation just before or inside a rule's words cancels it ("en ole
// koskaan ajatellut itsemurhaa"). Match says which rule and which words
// flagged a comment. Detection is by words, so it misses what is said
// without them and flags some that are not meant (precision and recall
// on the labelled sets in testdata are measured by the tests); an alert
// asks a person to read the comment, nothing more. A nil or zero
// CommentTriage flags nothing.
type CommentTriage struct {
	About      string // what the rules are and how they are written, from the data
	Provenance string // who wrote the rules from what, from the data
	cats       []commentCategory
	except     []commentRule // removed before every category's rules
	negation   []commentPart
	gap        int // words allowed between the words of a sequence
	window     int // span of the words of a rule with &
	reach      int // words allowed between a negation and a rule
}

type commentCategory struct {
	id     string
	reason map[i18n.Lang]string
	rules  []commentRule
	except []commentRule
}

// A commentRule is parts that must all occur in one sentence within the
// window, in any order; a part is a sequence of slots, each a set of
// alternative word patterns.
type commentRule struct {
	text  string
	parts []commentPart
}

type commentPart [][]wordPattern

// clauseEnd is the slot $: the word before it ends its clause.
var clauseEnd = []wordPattern{{end: true}}

// A wordPattern is a word, or with * at its end a prefix, at its start a
// suffix, at both a part of a word. foldLit is the word without
// diacritics, for comments written without them.
type wordPattern struct {
	literal, foldLit string
	prefix, suffix   bool // * at the end, at the start
	end              bool // the slot $, matching no word
}

// ErrCommentRule reports an invalid comment triage file.
var ErrCommentRule = errors.New("invalid comment triage rule")

//go:embed data/comment-triage.json
var commentTriageJSON []byte

// DefaultCommentTriage returns the example's rules
// (data/comment-triage.json).
func DefaultCommentTriage() *CommentTriage {
	t, err := ParseCommentTriage(bytes.NewReader(commentTriageJSON))
	if err != nil {
		panic(err) // the tests read the embedded file
	}
	return t
}

// The distances used where a rules file leaves gap, window or
// negation_reach out.
const (
	defaultGap    = 2
	defaultWindow = 6
	defaultReach  = 1
)

// ParseCommentTriage reads comment triage rules in the format of
// data/comment-triage.json (its "about" describes the rules' syntax).
// Every category needs an ID, a reason in Finnish, Swedish and English
// and rules; all problems are reported, each wrapping ErrCommentRule
// and naming the category, language and rule.
func ParseCommentTriage(r io.Reader) (*CommentTriage, error) {
	var f struct {
		About      string                 `json:"about"`
		Provenance string                 `json:"provenance"`
		Gap        *int                   `json:"gap"`
		Window     *int                   `json:"window"`
		Reach      *int                   `json:"negation_reach"`
		Sets       map[string][]string    `json:"sets"`
		Negation   map[i18n.Lang][]string `json:"negation"`
		Except     map[i18n.Lang][]string `json:"except"`
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
	t := &CommentTriage{About: f.About, Provenance: f.Provenance, gap: defaultGap, window: defaultWindow, reach: defaultReach}
	var errs []error
	for _, n := range []struct {
		name string
		v    *int
		to   *int
	}{{"gap", f.Gap, &t.gap}, {"window", f.Window, &t.window}, {"negation_reach", f.Reach, &t.reach}} {
		if n.v == nil {
			continue
		}
		if *n.v < 0 || *n.v > 20 {
			errs = append(errs, fmt.Errorf("%w: %s is %d, want 0 to 20", ErrCommentRule, n.name, *n.v))
		}
		*n.to = *n.v
	}
	p := ruleParser{raw: f.Sets, sets: map[string][]wordPattern{}}
	names := make([]string, 0, len(f.Sets))
	for name := range f.Sets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := p.set(name, nil); err != nil {
			errs = append(errs, fmt.Errorf("%w: %v", ErrCommentRule, err))
		}
	}
	// The data's order of languages and rules is kept (maps are
	// walked in the order of i18n.All), so that Match names the same
	// rule every time.
	rules := func(where string, m map[i18n.Lang][]string) []commentRule {
		var out []commentRule
		for _, l := range i18n.All() {
			for _, s := range m[l] {
				rule, err := p.rule(s)
				if err != nil {
					errs = append(errs, fmt.Errorf("%w: %s, %s: %v", ErrCommentRule, where, l, err))
					continue
				}
				out = append(out, rule)
			}
		}
		return out
	}
	for _, l := range i18n.All() {
		for _, s := range f.Negation[l] {
			rule, err := p.rule(s)
			switch {
			case err != nil:
				errs = append(errs, fmt.Errorf("%w: negation, %s: %v", ErrCommentRule, l, err))
			case len(rule.parts) != 1:
				errs = append(errs, fmt.Errorf("%w: negation, %s: %q: a negation is one sequence, without &", ErrCommentRule, l, s))
			default:
				t.negation = append(t.negation, rule.parts[0])
			}
		}
	}
	t.except = rules("except", f.Except)
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
		cat.rules = rules(where, c.Terms)
		cat.except = rules(where+" except", c.Except)
		if len(cat.rules) == 0 {
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

type ruleParser struct {
	raw  map[string][]string
	sets map[string][]wordPattern // parsed, or nil while being parsed
}

// set returns the words of a set, parsing it (and the sets it names)
// the first time; within names the sets that name it.
func (p ruleParser) set(name string, within []string) ([]wordPattern, error) {
	if ws, ok := p.sets[name]; ok {
		if ws == nil {
			return nil, fmt.Errorf("set %q names itself through %s", name, strings.Join(within, ", "))
		}
		return ws, nil
	}
	list, ok := p.raw[name]
	if !ok {
		return nil, fmt.Errorf("unknown set @%s", name)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("set %q is empty", name)
	}
	p.sets[name] = nil
	var ws []wordPattern
	for _, w := range list {
		wp, err := p.word(w, append(within, name))
		if err != nil {
			p.sets[name] = []wordPattern{} // reported once
			return nil, fmt.Errorf("set %q: %w", name, err)
		}
		ws = append(ws, wp...)
	}
	p.sets[name] = ws
	return ws, nil
}

// rule parses "a* b|c & d": parts separated by " & ", each a sequence of
// slots separated by spaces, each slot alternatives separated by |, each
// a word pattern or @set; a part may end with $, the end of a clause.
func (p ruleParser) rule(s string) (commentRule, error) {
	r := commentRule{text: s}
	if strings.TrimSpace(s) != s || s == "" {
		return r, fmt.Errorf("term %q has no words or spaces around it", s)
	}
	for part := range strings.SplitSeq(s, "&") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			return r, fmt.Errorf("term %q: empty part around &", s)
		}
		var cp commentPart
		for i, f := range fields {
			if f == "$" {
				if i == 0 || i != len(fields)-1 {
					return r, fmt.Errorf("term %q: $ (end of a clause) comes last in a part, after a word", s)
				}
				cp = append(cp, clauseEnd)
				continue
			}
			var slot []wordPattern
			for alt := range strings.SplitSeq(f, "|") {
				wp, err := p.word(alt, nil)
				if err != nil {
					return r, fmt.Errorf("term %q: %v", s, err)
				}
				slot = append(slot, wp...)
			}
			cp = append(cp, slot)
		}
		r.parts = append(r.parts, cp)
	}
	return r, nil
}

// word parses one alternative: @set, or a word with * at either end.
func (p ruleParser) word(s string, within []string) ([]wordPattern, error) {
	if name, ok := strings.CutPrefix(s, "@"); ok {
		return p.set(name, within)
	}
	var w wordPattern
	body := strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	body, w.suffix = strings.CutPrefix(body, "*")
	body, w.prefix = strings.CutSuffix(body, "*")
	body = strings.ReplaceAll(body, "'", "")
	if body == "" {
		return nil, fmt.Errorf("%q is not a word pattern", s)
	}
	for _, r := range body {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return nil, fmt.Errorf("%q: %q is neither a letter nor a digit (write words apart with a space, alternatives with |)", s, r)
		}
	}
	w.literal, w.foldLit = body, fold(body)
	return []wordPattern{w}, nil
}

func (w wordPattern) matches(word string, folded bool) bool {
	if w.end {
		return false
	}
	lit := w.literal
	if folded {
		lit = w.foldLit
	}
	switch {
	case w.prefix && w.suffix:
		return strings.Contains(word, lit)
	case w.prefix:
		return strings.HasPrefix(word, lit)
	case w.suffix:
		return strings.HasSuffix(word, lit)
	}
	return word == lit
}

// fold removes the diacritics of Finnish and Swedish letters.
func fold(s string) string {
	return strings.NewReplacer("ä", "a", "ö", "o", "å", "a", "é", "e", "ü", "u").Replace(s)
}

// A token is a lower-case word of a comment, apostrophes removed (can't
// is cant), with the sentence and clause it stands in.
type token struct {
	word             string
	sentence, clause int
}

// tokenize splits text into words: letters and digits, apostrophes
// inside a word dropped. Full stops, question and exclamation marks,
// semicolons and line breaks end a sentence; commas, colons, brackets,
// quotes and dashes standing alone end a clause.
func tokenize(text string) []token {
	var out []token
	var b strings.Builder
	sentence, clause := 0, 0
	flush := func() {
		if b.Len() > 0 {
			out = append(out, token{word: b.String(), sentence: sentence, clause: clause})
			b.Reset()
		}
	}
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			// can't, patient's
		case strings.ContainsRune(".!?;\n", r):
			flush()
			sentence++
			clause++
		case r == '-' && b.Len() > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]):
			flush() // tupla-annos: two words, one clause
		case strings.ContainsRune(",:()[]\"“”«»–—-", r):
			flush()
			clause++
		default:
			flush()
		}
	}
	flush()
	return out
}

// A span is where a part occurred: its first and last word and the
// words it matched.
type span struct {
	start, end int
	at         []int
}

// A scan is one comment's words matched against rules.
type scan struct {
	*CommentTriage
	words  []token
	folded bool // the comment has no ä, ö or å
}

// occurrences returns where part occurs, in the order of their first
// words: for each word it can start at, the alignment that ends first,
// its slots in order with at most gap other words between them, within
// one sentence.
func (s scan) occurrences(part commentPart) []span {
	var out []span
	at := make([]int, len(part))
	var find func(k, from int) bool
	find = func(k, from int) bool {
		if k == len(part) {
			return true
		}
		if part[k][0].end {
			prev := at[k-1]
			at[k] = prev
			return prev+1 == len(s.words) || s.words[prev+1].clause != s.words[prev].clause
		}
		for j := from; j < len(s.words) && j <= from+s.gap; j++ {
			if s.words[j].sentence != s.words[at[0]].sentence {
				return false
			}
			if slotMatches(part[k], s.words[j].word, s.folded) {
				at[k] = j
				if find(k+1, j+1) {
					return true
				}
			}
		}
		return false
	}
	for i, w := range s.words {
		if !slotMatches(part[0], w.word, s.folded) {
			continue
		}
		at[0] = i
		if find(1, i+1) {
			out = append(out, span{start: i, end: at[len(part)-1], at: slices.Clone(at)})
		}
	}
	return out
}

func slotMatches(slot []wordPattern, word string, folded bool) bool {
	for _, w := range slot {
		if w.matches(word, folded) {
			return true
		}
	}
	return false
}

// find offers accept the occurrences of rule, first to last: one
// occurrence of each part, all in one sentence, from the first word of
// any to the last of any at most the window, no two overlapping. It
// returns the first that accept takes, nil if none.
func (s scan) find(rule commentRule, accept func([]span) bool) []span {
	occ := make([][]span, len(rule.parts))
	for k, part := range rule.parts {
		if occ[k] = s.occurrences(part); len(occ[k]) == 0 {
			return nil
		}
	}
	chosen := make([]span, len(rule.parts))
	var try func(k, lo, hi int) bool
	try = func(k, lo, hi int) bool {
		if k == len(rule.parts) {
			return accept(chosen)
		}
		// Only the occurrences that start within the window of those
		// chosen can be in it.
		first := 0
		if k > 0 {
			first = sort.Search(len(occ[k]), func(i int) bool { return occ[k][i].start >= hi-s.window })
		}
		for _, o := range occ[k][first:] {
			if k > 0 && o.start > lo+s.window {
				break
			}
			nlo, nhi := min(lo, o.start), max(hi, o.end)
			if k > 0 && (nhi-nlo > s.window || s.words[o.start].sentence != s.words[chosen[0].start].sentence ||
				slices.ContainsFunc(chosen[:k], func(c span) bool { return o.start <= c.end && c.start <= o.end })) {
				continue
			}
			if k == 0 {
				nlo, nhi = o.start, o.end
			}
			chosen[k] = o
			if try(k+1, nlo, nhi) {
				return true
			}
		}
		return false
	}
	if try(0, 0, 0) {
		return slices.Clone(chosen)
	}
	return nil
}

// negations indexes the occurrences of the negations by their last and
// first words.
type negations struct {
	byEnd, byStart [][]span
}

func (s scan) negations() negations {
	n := negations{byEnd: make([][]span, len(s.words)), byStart: make([][]span, len(s.words))}
	for _, part := range s.negation {
		for _, o := range s.occurrences(part) {
			n.byEnd[o.end] = append(n.byEnd[o.end], o)
			n.byStart[o.start] = append(n.byStart[o.start], o)
		}
	}
	return n
}

// negated reports whether a negation ends just before a part of the
// match (at most reach words before it, in its clause) or stands inside
// one of its parts between the words it matched. A negation that shares
// a word with the match is part of what the rule says (en halua elää),
// not a negation of it.
func (s scan) negated(match []span, negs negations) bool {
	var used []int
	for _, m := range match {
		used = append(used, m.at...)
	}
	counts := func(n span) bool {
		return !slices.ContainsFunc(n.at, func(i int) bool { return slices.Contains(used, i) })
	}
	for _, m := range match {
		for end := m.start - 1; end >= 0 && end >= m.start-1-s.reach && s.words[end].clause == s.words[m.start].clause; end-- {
			if slices.ContainsFunc(negs.byEnd[end], counts) {
				return true
			}
		}
		for start := m.start + 1; start < m.end; start++ {
			if slices.ContainsFunc(negs.byStart[start], func(n span) bool { return n.end < m.end && counts(n) }) {
				return true
			}
		}
	}
	return false
}

// CommentMatch is why a comment was flagged: the category, the rule as
// written in the data and the words of the comment it matched.
type CommentMatch struct {
	Category string
	Rule     string
	Words    []string
}

// Match returns, for each category a comment speaks of, in the order of
// the data, the first rule that flagged it and the words it matched.
func (t *CommentTriage) Match(comment string) []CommentMatch {
	if t == nil || comment == "" {
		return nil
	}
	all := scan{CommentTriage: t, words: tokenize(comment), folded: !strings.ContainsAny(strings.ToLower(comment), "äöå")}
	all.words = all.remove(t.except)
	var out []CommentMatch
	for _, c := range t.cats {
		s := all
		s.words = s.remove(c.except)
		negs := s.negations()
		for _, rule := range c.rules {
			m := s.find(rule, func(m []span) bool { return !s.negated(m, negs) })
			if m == nil {
				continue
			}
			var at []int
			for _, o := range m {
				at = append(at, o.at...)
			}
			sort.Ints(at)
			cm := CommentMatch{Category: c.id, Rule: rule.text}
			for _, i := range slices.Compact(at) {
				cm.Words = append(cm.Words, s.words[i].word)
			}
			out = append(out, cm)
			break
		}
	}
	return out
}

// remove returns the words without those of every occurrence of the
// except rules.
func (s scan) remove(except []commentRule) []token {
	for _, ex := range except {
		drop := map[int]bool{}
		s.find(ex, func(m []span) bool {
			for _, o := range m {
				for _, i := range o.at {
					drop[i] = true
				}
			}
			return false // every occurrence
		})
		if len(drop) == 0 {
			continue
		}
		var kept []token
		for i, w := range s.words {
			if !drop[i] {
				kept = append(kept, w)
			}
		}
		s.words = kept
	}
	return s.words
}

// Check returns the IDs of the categories a comment speaks of, in the
// order of the data.
func (t *CommentTriage) Check(comment string) []string {
	var out []string
	for _, m := range t.Match(comment) {
		out = append(out, m.Category)
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
