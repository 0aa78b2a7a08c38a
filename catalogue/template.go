package catalogue

import (
	"errors"
	"fmt"
	"slices"

	"github.com/palaute/palaute/i18n"
)

// OwnStatement is a county's or provider's own statement (oma väittämä):
// an item of its own, asked after all national items.
type OwnStatement struct {
	// ID is the statement's stable ID and its column name in the
	// interchange format (see [ValidID]). It may not be a national item's
	// ID or a column of the interchange format.
	ID string `json:"id"`
	// Scale is the ID of an agree or yes/no scale of the catalogue, such
	// as "agree-5" or "yes-no".
	Scale string `json:"scale"`
	// Owner names who defined the statement, such as "Pohjanmaan
	// hyvinvointialue"; it becomes the Source of the texts.
	Owner string `json:"owner,omitempty"`
	// Texts holds the statement in each language; every language the
	// template offers is required.
	Texts map[i18n.Lang]string `json:"texts"`
}

// TemplateSpec describes a survey template (sapluuna): which items of an
// instrument one unit asks. It is plain data, so it can be stored as JSON
// and turned into a checked [Template] with [Catalogue.NewTemplate].
type TemplateSpec struct {
	// ID names the template, such as the unit's code; optional, used in
	// messages.
	ID string `json:"id,omitempty"`
	// Instrument is the instrument version the template uses.
	Instrument InstrumentRef `json:"instrument"`
	// Statements lists the basic statements to ask, by ID, in any order;
	// forms always ask them in national order. The instrument sets how
	// many are allowed (2–7 for the adult form).
	Statements []string `json:"statements"`
	// Special lists special statements, for instrument versions that have
	// them.
	Special []string `json:"special,omitempty"`
	// OpenFeedback adds the open-feedback question at the end.
	OpenFeedback bool `json:"openFeedback,omitempty"`
	// Own lists own statements, asked in this order after the national
	// statements.
	Own []OwnStatement `json:"own,omitempty"`
	// Langs lists the languages the template offers. Empty means the
	// catalogue's required languages (fi, sv, en).
	Langs []i18n.Lang `json:"langs,omitempty"`
}

// Template is a checked survey template: the items one unit asks, in form
// order (the recommendation question, chosen statements in national order,
// special and own statements, open feedback). It is read-only and safe for
// concurrent use.
type Template struct {
	cat   *Catalogue
	spec  TemplateSpec
	inst  *Instrument
	items []Item
	langs []i18n.Lang
}

// NewTemplate checks a template description against the catalogue and
// returns the template. Every problem is reported, each as a
// [*TemplateError] wrapping a sentinel ([ErrUnknownInstrument],
// [ErrUnknownItem], [ErrWrongSection], [ErrDuplicate],
// [ErrStatementCount], [ErrInvalidID], [ErrIDClash], [ErrUnknownScale],
// [ErrNoText], [ErrNoOwnSection], [i18n.ErrUnknownLang]), joined with
// [errors.Join].
func (c *Catalogue) NewTemplate(spec TemplateSpec) (*Template, error) {
	var errs []error
	fail := func(field, item string, err error) {
		errs = append(errs, &TemplateError{Template: spec.ID, Field: field, Item: item, Err: err})
	}
	inst, err := c.Instrument(spec.Instrument)
	if err != nil {
		fail("Instrument", "", err)
		return nil, errors.Join(errs...)
	}
	t := &Template{cat: c, spec: cloneSpec(spec), inst: inst}

	t.langs = spec.Langs
	if len(t.langs) == 0 {
		t.langs = c.required
	}
	t.langs = slices.Clone(t.langs)
	for i, l := range t.langs {
		if !l.IsValid() {
			fail("Langs", "", fmt.Errorf("%w %v", i18n.ErrUnknownLang, l))
		} else if slices.Contains(t.langs[:i], l) {
			fail("Langs", "", fmt.Errorf("%w language %s", ErrDuplicate, l))
		}
	}

	chosen := map[string]bool{}
	choose := func(field string, section Section, ids []string) {
		for _, id := range ids {
			it, ok := inst.Item(id)
			switch {
			case !ok:
				fail(field, id, fmt.Errorf("%w: %s has no item %q", ErrUnknownItem, inst.ref, id))
			case it.section != section:
				fail(field, id, fmt.Errorf("%w: %q is in section %s, not %s", ErrWrongSection, id, it.section, section))
			case chosen[id]:
				fail(field, id, fmt.Errorf("%w statement %q", ErrDuplicate, id))
			default:
				chosen[id] = true
			}
		}
	}
	choose("Statements", SectionBasic, spec.Statements)
	choose("Special", SectionSpecial, spec.Special)
	n := 0
	for id := range chosen {
		if it, _ := inst.Item(id); it.section == SectionBasic {
			n++
		}
	}
	if lo, hi := inst.StatementLimits(); n < lo || n > hi {
		fail("Statements", "", fmt.Errorf("%w: %d chosen, %s allows %d–%d", ErrStatementCount, n, inst.ref, lo, hi))
	}
	if spec.OpenFeedback {
		open := inst.Section(SectionOpen)
		if len(open) == 0 {
			fail("OpenFeedback", "", fmt.Errorf("%w: %s has no open-feedback item", ErrWrongSection, inst.ref))
		}
		for _, it := range open {
			chosen[it.id] = true
		}
	}
	for _, it := range inst.items {
		if it.required {
			chosen[it.id] = true
		}
	}

	own := c.ownItems(t, spec, fail)
	for _, s := range inst.sections {
		if s == SectionOwn {
			t.items = append(t.items, own...)
			continue
		}
		for _, it := range inst.items {
			if it.section == s && chosen[it.id] {
				t.items = append(t.items, it)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

// ownItems checks the own statements of spec and returns them as items.
func (c *Catalogue) ownItems(t *Template, spec TemplateSpec, fail func(field, item string, err error)) []Item {
	if len(spec.Own) == 0 {
		return nil
	}
	if t.inst.sectionRank(SectionOwn) < 0 {
		fail("Own", "", fmt.Errorf("%w (%s)", ErrNoOwnSection, t.inst.ref))
		return nil
	}
	var out []Item
	for _, o := range spec.Own {
		fail := func(err error) { fail("Own", o.ID, err) }
		if !ValidID(o.ID) {
			fail(fmt.Errorf("%w %q: use 1–64 of a–z, 0–9, '-', '_', starting with a letter", ErrInvalidID, o.ID))
			continue
		}
		if _, national := t.inst.Item(o.ID); national || slices.Contains(c.columns, o.ID) {
			fail(fmt.Errorf("%w: %q is a national item or an interchange column", ErrIDClash, o.ID))
		}
		if slices.ContainsFunc(out, func(it Item) bool { return it.id == o.ID }) {
			fail(fmt.Errorf("%w own statement %q", ErrDuplicate, o.ID))
		}
		scale, err := c.Scale(o.Scale)
		if err != nil {
			fail(err)
		} else if scale.kind != KindAgree && scale.kind != KindYesNo {
			fail(fmt.Errorf("%w: own statements use an agree or yes-no scale, not %q", ErrUnknownScale, o.Scale))
		}
		key := Key{Kind: KeyOwn, ID: o.ID}
		texts := Texts{key: key, m: make(map[i18n.Lang]Text, len(o.Texts))}
		for l, s := range o.Texts {
			if !l.IsValid() {
				fail(fmt.Errorf("%w %v", i18n.ErrUnknownLang, l))
				continue
			}
			if s != "" {
				texts.m[l] = Text{Lang: l, Value: s, Provenance: Own, Source: o.Owner}
			}
		}
		for _, l := range t.langs {
			if _, ok := texts.m[l]; !ok && l.IsValid() {
				fail(&TextError{Key: key, Lang: l})
			}
		}
		out = append(out, Item{id: o.ID, section: SectionOwn, scale: scale, texts: texts})
	}
	return out
}

func cloneSpec(s TemplateSpec) TemplateSpec {
	s.Statements = slices.Clone(s.Statements)
	s.Special = slices.Clone(s.Special)
	s.Langs = slices.Clone(s.Langs)
	own := make([]OwnStatement, len(s.Own))
	for i, o := range s.Own {
		texts := make(map[i18n.Lang]string, len(o.Texts))
		for l, x := range o.Texts {
			texts[l] = x
		}
		o.Texts = texts
		own[i] = o
	}
	s.Own = own
	return s
}

// ID returns the template's ID from its description.
func (t *Template) ID() string { return t.spec.ID }

// Spec returns a copy of the description the template was built from, for
// storing it.
func (t *Template) Spec() TemplateSpec { return cloneSpec(t.spec) }

// Instrument returns the instrument version the template uses.
func (t *Template) Instrument() *Instrument { return t.inst }

// Catalogue returns the catalogue the template was checked against, whose
// texts it uses.
func (t *Template) Catalogue() *Catalogue { return t.cat }

// Langs returns the languages the template offers.
func (t *Template) Langs() []i18n.Lang { return slices.Clone(t.langs) }

// Items returns the template's items in form order.
func (t *Template) Items() []Item { return slices.Clone(t.items) }

// Item returns the template's item with the given ID, and whether the
// template asks it.
func (t *Template) Item(id string) (Item, bool) {
	for _, it := range t.items {
		if it.id == id {
			return it, true
		}
	}
	return Item{}, false
}

// Form is a template rendered in one language: what a vendor needs to draw
// a web form, an SMS dialogue or a kiosk screen. Every text carries its
// provenance, and a text shown in a fallback language says so.
type Form struct {
	Template   string        `json:"template,omitempty"`
	Instrument InstrumentRef `json:"instrument"`
	Lang       i18n.Lang     `json:"lang"`
	Title      Text          `json:"title"`
	Questions  []Question    `json:"questions"`
}

// Question is one item of a [Form].
type Question struct {
	Item    string  `json:"item"`
	Section Section `json:"section"`
	Text    Text    `json:"text"`
	// Theme and ThemeName are set for statements of a national theme.
	Theme     string `json:"theme,omitempty"`
	ThemeName *Text  `json:"themeName,omitempty"`
	// Scale, Kind and Options are empty for the open question.
	Scale   string    `json:"scale,omitempty"`
	Kind    ScaleKind `json:"kind,omitempty"`
	Options []Option  `json:"options,omitempty"`
}

// Option is one answer option of a [Question], in presentation order.
type Option struct {
	Value int `json:"value"`
	// Label is nil for values the scale does not label (the middle of the
	// 0–10 scale).
	Label   *Text `json:"label,omitempty"`
	CantSay bool  `json:"cantSay,omitempty"`
}

// Render returns the template as a form in language l. Where a text is
// missing in l, the fallback languages are tried in order and the text
// used is marked with [Text.Fallback]; nothing is substituted unless the
// caller names a fallback. If texts are missing in every language tried,
// Render returns the form with those texts empty together with a joined
// error of [*TextError] values (wrapping [ErrNoText]), one per missing
// entry.
func (t *Template) Render(l i18n.Lang, fallback ...i18n.Lang) (Form, error) {
	var errs []error
	reported := map[Key]bool{} // a scale's labels are shared by many questions
	text := func(ts Texts) Text {
		x, err := ts.Lookup(l, fallback...)
		if err != nil && !reported[ts.key] {
			reported[ts.key] = true
			errs = append(errs, err)
		}
		return x
	}
	f := Form{Template: t.spec.ID, Instrument: t.inst.ref, Lang: l, Title: text(t.inst.title)}
	for _, it := range t.items {
		q := Question{Item: it.id, Section: it.section, Text: text(it.texts), Theme: it.theme}
		if it.theme != "" {
			if th, err := t.cat.Theme(it.theme); err == nil {
				name := text(th.texts)
				q.ThemeName = &name
			}
		}
		if it.scale.kind != KindNone {
			q.Scale, q.Kind = it.scale.id, it.scale.kind
			for _, v := range it.scale.options {
				o := Option{Value: v, CantSay: it.scale.IsCantSay(v)}
				if ts, ok := it.scale.labels[v]; ok {
					label := text(ts)
					o.Label = &label
				}
				q.Options = append(q.Options, o)
			}
		}
		f.Questions = append(f.Questions, q)
	}
	return f, errors.Join(errs...)
}
