package survey

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// OrgUnit places a unit in the organisation tree: wellbeing services
// county (region) → service provider → unit. Codes are opaque, such as
// SOTE-organisation register OIDs.
type OrgUnit struct {
	Region   string `json:"region"`
	Provider string `json:"provider"`
	Unit     string `json:"unit"`
}

// Orgs is an organisation tree given by its units. It is read-only after
// [NewOrgs] and safe for concurrent use.
type Orgs struct {
	units map[string]OrgUnit
	order []string
}

// NewOrgs builds a tree from its units. Every unit needs a unit code and
// may appear once.
func NewOrgs(units []OrgUnit) (*Orgs, error) {
	o := &Orgs{units: make(map[string]OrgUnit, len(units))}
	var errs []error
	for i, u := range units {
		switch _, dup := o.units[u.Unit]; {
		case u.Unit == "":
			errs = append(errs, fmt.Errorf("survey: organisation unit %d has no unit code", i))
		case dup:
			errs = append(errs, fmt.Errorf("survey: organisation unit %q given twice", u.Unit))
		default:
			o.units[u.Unit] = u
			o.order = append(o.order, u.Unit)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return o, nil
}

// Unit returns the unit with the given code.
func (o *Orgs) Unit(code string) (OrgUnit, bool) {
	u, ok := o.units[code]
	return u, ok
}

// Units returns every unit in the order given to [NewOrgs].
func (o *Orgs) Units() []OrgUnit {
	out := make([]OrgUnit, len(o.order))
	for i, c := range o.order {
		out[i] = o.units[c]
	}
	return out
}

// DefaultMaxClockSkew is how far in the future a response time may lie
// when [Validator.MaxClockSkew] is zero: clocks of SMS gateways and kiosks
// drift.
const DefaultMaxClockSkew = 5 * time.Minute

// Validator checks responses against the catalogue and, when given, the
// units' templates and an organisation tree. Its zero value checks against
// [catalogue.Default] and rejects a response with any problem. Set its
// fields before use; it is safe for concurrent use afterwards.
type Validator struct {
	// Catalogue to check against; nil means catalogue.Default().
	Catalogue *catalogue.Catalogue
	// Templates maps unit codes to their templates. A response from a unit
	// with a template may answer only the template's items (own statements
	// included); other responses may answer any item of their instrument.
	Templates map[string]*catalogue.Template
	// Orgs, if set, is the organisation tree every response's unit must be
	// in, with a matching provider and region where those are given.
	Orgs *Orgs
	// Now is the time against which "in the future" is judged; zero means
	// the current time at each check.
	Now time.Time
	// MaxClockSkew is how far in the future a time may be; zero means
	// DefaultMaxClockSkew, a negative value allows none.
	MaxClockSkew time.Duration
	// KeepValidAnswers accepts a response whose problems all concern
	// individual answers: those answers are removed and the rest kept. By
	// default any problem rejects the whole response.
	KeepValidAnswers bool
}

func (v *Validator) catalogue() *catalogue.Catalogue {
	if v.Catalogue != nil {
		return v.Catalogue
	}
	return catalogue.Default()
}

func (v *Validator) latest() time.Time {
	now := v.Now
	if now.IsZero() {
		now = time.Now()
	}
	switch {
	case v.MaxClockSkew == 0:
		return now.Add(DefaultMaxClockSkew)
	case v.MaxClockSkew > 0:
		return now.Add(v.MaxClockSkew)
	}
	return now
}

// scope is what a response is checked against: its instrument and, if
// its unit has one, the unit's template.
type scope struct {
	inst *catalogue.Instrument
	tmpl *catalogue.Template
	memo *itemMemo // rules found before in this scope, if kept
}

// itemMemo remembers the rules of a scope's items, by ID and by CSV
// column.
type itemMemo struct {
	byName map[string]*itemRule
	byCol  []*itemRule
}

// itemRule is what an answer to an item is checked against: the item's
// scale and the values it allows, or why the item cannot be answered.
type itemRule struct {
	err   error
	scale catalogue.Scale
	kind  catalogue.ScaleKind
	mask  uint16 // values 0–15 the scale allows
}

// valid reports whether v is an answer the item's scale allows.
func (r *itemRule) valid(v int) bool {
	if v >= 0 && v < 16 {
		return r.mask&(1<<v) != 0
	}
	return r.scale.Valid(v)
}

// rule returns the rule of an item, remembered in the scope's memo when
// it has one.
func (c scope) rule(id string) *itemRule {
	if c.memo != nil {
		if r, ok := c.memo.byName[id]; ok {
			return r
		}
	}
	r := &itemRule{}
	it, err := c.item(id)
	if err != nil {
		r.err = err
	} else {
		r.scale, r.kind = it.Scale(), it.Scale().Kind()
		for v := range 16 {
			if r.scale.Valid(v) {
				r.mask |= 1 << v
			}
		}
	}
	if c.memo != nil && len(c.memo.byName) < 1024 {
		c.memo.byName[id] = r
	}
	return r
}

// ruleAt is rule for the answer in CSV column col (-1 if none), looked up
// by column.
func (c scope) ruleAt(col int, id string) *itemRule {
	if c.memo == nil || col < 0 || col >= 4096 {
		return c.rule(id)
	}
	if col < len(c.memo.byCol) {
		if r := c.memo.byCol[col]; r != nil {
			return r
		}
	} else {
		c.memo.byCol = append(c.memo.byCol, make([]*itemRule, col+1-len(c.memo.byCol))...)
	}
	r := c.rule(id)
	c.memo.byCol[col] = r
	return r
}

// item finds the item an answer is to.
func (c scope) item(id string) (catalogue.Item, error) {
	if c.tmpl != nil {
		if it, ok := c.tmpl.Item(id); ok {
			return it, nil
		}
		if _, ok := c.inst.Item(id); ok {
			return catalogue.Item{}, ErrNotInTemplate
		}
		return catalogue.Item{}, ErrUnknownItem
	}
	if it, ok := c.inst.Item(id); ok {
		return it, nil
	}
	return catalogue.Item{}, ErrUnknownItem
}

// langWant lists the language codes, for problems of the lang field.
func langWant() string {
	codes := make([]string, 0, 6)
	for _, l := range i18n.All() {
		codes = append(codes, l.String())
	}
	return strings.Join(codes, ", ")
}

// want describes the valid answers of a scale, language-neutrally:
// "0–10" or "1–5, 0".
func want(s catalogue.Scale) string {
	lo, hi := s.Range()
	w := strconv.Itoa(lo) + "–" + strconv.Itoa(hi)
	if cs, ok := s.CantSay(); ok {
		w += ", " + strconv.Itoa(cs)
	}
	return w
}

// resolve finds the instrument and template of r, reporting problems.
func (v *Validator) resolve(r *Response, fail func(*ValidationError)) (scope, bool) {
	if r.Instrument.IsZero() {
		fail(&ValidationError{Field: "instrument", Err: ErrMissing, Want: "ID/VERSION"})
		return scope{}, false
	}
	inst, err := v.catalogue().Instrument(r.Instrument)
	if err != nil {
		fail(&ValidationError{Field: "instrument", Value: r.Instrument.String(), Err: ErrUnknownInstrument, Want: instrumentList(v.catalogue())})
		return scope{}, false
	}
	ctx := scope{inst: inst, tmpl: v.Templates[r.Unit]}
	if ctx.tmpl != nil && ctx.tmpl.Instrument().Ref() != r.Instrument {
		fail(&ValidationError{Field: "instrument", Value: r.Instrument.String(), Err: ErrNotInTemplate, Want: ctx.tmpl.Instrument().Ref().String()})
		return scope{}, false
	}
	return ctx, true
}

func instrumentList(c *catalogue.Catalogue) string {
	var refs []string
	for _, in := range c.Instruments() {
		refs = append(refs, in.Ref().String())
	}
	return strings.Join(refs, ", ")
}

// Validate checks r and reports every problem, joined with [errors.Join]
// as [*ValidationError] values. ok reports whether the response is
// accepted: when there are no problems, or, with KeepValidAnswers, when
// every problem concerns an individual answer or the comment and something
// is left. kept is the response to use: r itself, or with KeepValidAnswers
// a copy without the invalid answers. r is not changed.
func (v *Validator) Validate(r Response) (kept Response, ok bool, err error) {
	var errs []*ValidationError
	fail := func(e *ValidationError) { errs = append(errs, e) }
	ctx, known := v.resolve(&r, fail)
	kept = v.check(&r, ctx, known, checkHints{latest: v.latest()}, fail)
	return v.verdict(r, kept, errs)
}

// verdict applies the policy to the problems found.
func (v *Validator) verdict(r, kept Response, errs []*ValidationError) (Response, bool, error) {
	if len(errs) == 0 {
		return r, true, nil
	}
	for _, e := range errs {
		if e.ID == "" {
			e.ID = r.ID
		}
	}
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	err := errors.Join(joined...)
	if !v.KeepValidAnswers || slices.ContainsFunc(errs, func(e *ValidationError) bool { return !e.AnswerLevel() }) || empty(kept) {
		return r, false, err
	}
	return kept, true, err
}

// empty reports whether r has neither an answer nor a comment.
func empty(r Response) bool { return len(r.Answers) == 0 && strings.TrimSpace(r.Comment) == "" }

// checkHints is what a caller of check knows already: fields whose
// problems were reported (a time that could not be read, say: not to be
// reported again), the time after which responses are in the future,
// the rules of the answers' items (in the order of the answers; nil to
// look them up), whether every text is known to be valid UTF-8 (an
// all-ASCII record), and whether no item can be answered twice (a
// decoder's columns and keys are unique).
type checkHints struct {
	reported    fieldSet
	latest      time.Time
	rules       []*itemRule
	textValid   bool
	uniqueItems bool
}

// check makes every check but the instrument's, and returns r without
// the invalid answers (and comment): r itself when nothing is dropped, so
// that a valid response costs no allocation.
func (v *Validator) check(r *Response, ctx scope, known bool, h checkHints, fail func(*ValidationError)) Response {
	reported, latest := h.reported, h.latest
	if r.ID == "" && !reported.has(fID) {
		fail(&ValidationError{Field: "id", Err: ErrMissing})
	}
	if !h.textValid {
		for _, f := range [...]struct {
			name string
			s    string
		}{{"id", r.ID}, {"region", r.Region}, {"provider", r.Provider}, {"unit", r.Unit}, {"service", r.Service}} {
			if !utf8.ValidString(f.s) {
				fail(&ValidationError{Field: f.name, Value: strings.ToValidUTF8(f.s, "\uFFFD"), Err: ErrInvalidUTF8})
			}
		}
	}
	if !r.Channel.IsValid() {
		fail(&ValidationError{Field: "channel", Value: r.Channel.String(), Err: ErrUnknownChannel, Want: strings.Join(channelCodes[1:], ", ")})
	}
	if !r.Role.IsValid() {
		fail(&ValidationError{Field: "role", Value: r.Role.String(), Err: ErrUnknownRole, Want: strings.Join(roleCodes[1:], ", ")})
	}
	if r.Lang != 0 && !r.Lang.IsValid() {
		fail(&ValidationError{Field: "lang", Value: r.Lang.String(), Err: ErrUnknownLang, Want: langWant()})
	}
	v.checkTimes(r, ctx, known, reported, latest, fail)
	v.checkOrg(r, fail)

	kept := *r
	dropped := false
	for i, a := range r.Answers {
		bad := func(err error, want string) {
			fail(&ValidationError{Item: a.Item, Value: strconv.Itoa(a.Value), Err: err, Want: want})
			if !dropped { // keep the answers before this one
				dropped = true
				kept.Answers = append(Answers(nil), r.Answers[:i]...)
			}
		}
		if !h.uniqueItems && slices.ContainsFunc(r.Answers[:i], func(b Answer) bool { return b.Item == a.Item }) {
			bad(ErrDuplicateAnswer, "")
			continue
		}
		if known {
			var rule *itemRule
			if i < len(h.rules) && h.rules[i] != nil {
				rule = h.rules[i]
			} else {
				rule = ctx.rule(a.Item)
			}
			switch {
			case rule.err != nil:
				bad(rule.err, "")
				continue
			case rule.kind == catalogue.KindNone:
				bad(ErrUnknownItem, "an item with a scale; open feedback goes in the comment")
				continue
			case !rule.valid(a.Value):
				bad(ErrOutOfRange, want(rule.scale))
				continue
			}
		}
		if dropped {
			kept.Answers = append(kept.Answers, a)
		}
	}
	if !h.textValid && !utf8.ValidString(r.Comment) {
		fail(&ValidationError{Item: "comment", Value: strings.ToValidUTF8(r.Comment, "\uFFFD"), Err: ErrInvalidUTF8})
		kept.Comment = ""
	}
	if empty(*r) && !reported.hasAnswers() {
		fail(&ValidationError{Err: ErrEmpty})
	}
	return kept
}

const timeWant = "RFC 3339, such as 2025-03-14T09:30:00+02:00"

func (v *Validator) checkTimes(r *Response, ctx scope, known bool, reported fieldSet, latest time.Time, fail func(*ValidationError)) {
	check := func(field string, t time.Time) {
		switch {
		case t.After(latest):
			fail(&ValidationError{Field: field, Value: t.Format(time.RFC3339), Err: ErrFuture})
		case known && t.Before(ctx.inst.ValidFrom()):
			fail(&ValidationError{Field: field, Value: t.Format(time.RFC3339), Err: ErrBeforeInstrument,
				Want: ctx.inst.Ref().String() + " from " + ctx.inst.ValidFrom().Format("2006-01-02")})
		}
	}
	if r.Submitted.IsZero() && !reported.has(fSubmitted) {
		fail(&ValidationError{Field: "submitted", Err: ErrMissing, Want: timeWant})
	} else if !r.Submitted.IsZero() {
		check("submitted", r.Submitted)
	}
	if !r.Served.IsZero() {
		check("served", r.Served)
		if !r.Submitted.IsZero() && r.Served.After(r.Submitted) {
			fail(&ValidationError{Field: "served", Value: r.Served.Format(time.RFC3339), Err: ErrServedAfterSubmitted, Want: "not after " + r.Submitted.Format(time.RFC3339)})
		}
	}
}

func (v *Validator) checkOrg(r *Response, fail func(*ValidationError)) {
	if v.Orgs == nil {
		return
	}
	if r.Unit == "" {
		fail(&ValidationError{Field: "unit", Err: ErrMissing})
		return
	}
	u, ok := v.Orgs.Unit(r.Unit)
	if !ok {
		fail(&ValidationError{Field: "unit", Value: r.Unit, Err: ErrUnknownUnit})
		return
	}
	if r.Provider != "" && r.Provider != u.Provider {
		fail(&ValidationError{Field: "provider", Value: r.Provider, Err: ErrOrgMismatch, Want: u.Provider})
	}
	if r.Region != "" && r.Region != u.Region {
		fail(&ValidationError{Field: "region", Value: r.Region, Err: ErrOrgMismatch, Want: u.Region})
	}
}
