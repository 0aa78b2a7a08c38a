package survey

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// MaxValue is the largest answer value the library handles (tallies hold
// 0–15); the national scales use 0–10.
const MaxValue = 15

// ErrRule reports an invalid triage rule.
var ErrRule = errors.New("invalid triage rule")

// TriageRule flags individual feedback that needs a quick reaction: an
// answer to Item with one of Values, or (with Contact) a contact request.
// Rules are data: see [ParseTriage].
type TriageRule struct {
	ID      string               `json:"id"`
	Item    string               `json:"item,omitempty"`
	Values  []int                `json:"values,omitempty"`
	Contact bool                 `json:"contact,omitempty"`
	Reason  map[i18n.Lang]string `json:"reason"`
}

// Triage is a set of triage rules. It is read-only and safe for
// concurrent use.
type Triage struct {
	rules []TriageRule
}

//go:embed data/triage.json
var triageJSON []byte

var defaultTriage = sync.OnceValues(func() (*Triage, error) { return ParseTriage(bytes.NewReader(triageJSON)) })

// DefaultTriage returns the library's example rules (data/triage.json): a
// recommendation answer of 0–2, strongly disagreeing that one felt safe,
// and a contact request. They are not national rules; counties set their
// own with [ParseTriage].
func DefaultTriage() *Triage {
	t, err := defaultTriage()
	if err != nil {
		panic("survey: embedded triage rules: " + err.Error())
	}
	return t
}

// ParseTriage reads rules in the format of data/triage.json:
// {"rules": [{"id": …, "item": …, "values": […], "reason": {"fi": …}}]}.
// Every rule needs a unique ID, either an item with values in 0–15 or
// "contact": true, and a reason in Finnish, Swedish and English. All
// problems are reported, each wrapping [ErrRule].
func ParseTriage(r io.Reader) (*Triage, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f struct {
		About string       `json:"about"`
		Rules []TriageRule `json:"rules"`
	}
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("survey: triage rules: %w: %v", ErrRule, err)
	}
	var errs []error
	fail := func(i int, id, format string, args ...any) {
		errs = append(errs, fmt.Errorf("survey: triage rule %d %q: %w: %s", i, id, ErrRule, fmt.Sprintf(format, args...)))
	}
	for i, rule := range f.Rules {
		switch {
		case !catalogue.ValidID(rule.ID):
			fail(i, rule.ID, "invalid ID")
		case slices.ContainsFunc(f.Rules[:i], func(o TriageRule) bool { return o.ID == rule.ID }):
			fail(i, rule.ID, "ID used twice")
		}
		if rule.Contact == (rule.Item != "") {
			fail(i, rule.ID, "give either an item with values or contact: true")
		}
		if rule.Item != "" && len(rule.Values) == 0 {
			fail(i, rule.ID, "item %q has no values", rule.Item)
		}
		for _, v := range rule.Values {
			if v < 0 || v > MaxValue {
				fail(i, rule.ID, "value %d outside 0–%d", v, MaxValue)
			}
		}
		for _, l := range i18n.Complete() {
			if rule.Reason[l] == "" {
				fail(i, rule.ID, "no reason in %s", l)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Triage{rules: f.Rules}, nil
}

// Rules returns the rules in order.
func (t *Triage) Rules() []TriageRule { return slices.Clone(t.rules) }

// Flag is one rule that a submission triggered.
type Flag struct {
	Response string `json:"response"` // response ID
	Rule     string `json:"rule"`
	Item     string `json:"item,omitempty"`
	Value    int    `json:"value,omitempty"`
	Reason   string `json:"reason"` // in the language asked for
}

// Check returns the flags a submission triggers, in rule order, with
// reasons in language l (English where the rule lacks l). The contact
// details themselves are not copied into flags.
func (t *Triage) Check(s Submission, l i18n.Lang) []Flag {
	var out []Flag
	for _, rule := range t.rules {
		reason := rule.Reason[l]
		if reason == "" {
			reason = rule.Reason[i18n.English]
		}
		if rule.Contact {
			if s.Contact != nil {
				out = append(out, Flag{Response: s.Response.ID, Rule: rule.ID, Reason: reason})
			}
			continue
		}
		if v, ok := s.Response.Answers.Get(rule.Item); ok && slices.Contains(rule.Values, v) {
			out = append(out, Flag{Response: s.Response.ID, Rule: rule.ID, Item: rule.Item, Value: v, Reason: reason})
		}
	}
	return out
}
