package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// DefaultBase is the base of the canonical URLs this package writes when
// [Options.Base] is empty: the library's own namespace. No official THL
// namespace for the national feedback form in FHIR is known to us; a
// county or vendor that publishes its questionnaires sets its own Base.
const DefaultBase = "https://github.com/palaute/palaute/fhir"

// URLs of the standard FHIR extensions and code systems used.
const (
	// TranslationURL is the R4 translation extension, set on "_text",
	// "_title" and "_display" for every other language of the template.
	TranslationURL = "http://hl7.org/fhir/StructureDefinition/translation"
	// ItemControlURL is the R4 questionnaire-itemControl extension; choice
	// items ask for radio buttons.
	ItemControlURL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
	// ChoiceOrientationURL is the R4 questionnaire-choiceOrientation
	// extension; the 0–10 scale is laid out horizontally.
	ChoiceOrientationURL = "http://hl7.org/fhir/StructureDefinition/questionnaire-choiceOrientation"
	itemControlSystem    = "http://hl7.org/fhir/questionnaire-item-control"
)

// The link IDs of the contact group ([Options.Contact]). Catalogue IDs
// cannot contain '.', so these never clash with an item.
const (
	ContactGroup = "palaute.contact"
	ContactName  = "palaute.contact.name"
	ContactPhone = "palaute.contact.phone"
	ContactEmail = "palaute.contact.email"
)

// Options configure the FHIR form of templates and responses. The zero
// value writes canonical URLs under [DefaultBase], in each template's
// first language, without the contact group. An [Importer] must use the
// options the questionnaires were exported with.
type Options struct {
	// Base is the base of every canonical URL written: questionnaires
	// (Base/Questionnaire/ID), code systems of the answer scales
	// (Base/CodeSystem/SCALE), and this package's extensions
	// (Base/StructureDefinition/NAME). Empty means DefaultBase.
	Base string
	// Lang is the language of the questionnaire's texts; the template's
	// other languages are given as translations. Zero means the
	// template's first language.
	Lang i18n.Lang
	// Contact adds an optional group in which respondents may leave their
	// name, phone number and email to be contacted. An import keeps these
	// apart from the response ([survey.Submission]).
	Contact bool
	// Labels gives the texts of the contact group; nil means
	// i18n.DefaultLabels().
	Labels *i18n.Labels
}

func (o Options) base() string {
	if o.Base == "" {
		return DefaultBase
	}
	return strings.TrimRight(o.Base, "/")
}

func (o Options) labels() *i18n.Labels {
	if o.Labels == nil {
		return i18n.DefaultLabels()
	}
	return o.Labels
}

// ExtensionURL returns the URL of one of this package's extensions under
// the options' base: "instrument", "catalogue-version", "text-provenance"
// on questionnaires; "region", "provider", "unit", "service", "channel",
// "role", "served" on responses.
func (o Options) ExtensionURL(name string) string {
	return o.base() + "/StructureDefinition/" + name
}

// CodeSystem returns the URL of the code system of an answer scale: its
// codes are the scale's values in decimal ("0"–"10", or "1"–"5" and "0"
// for can't say).
func (o Options) CodeSystem(scale string) string { return o.base() + "/CodeSystem/" + scale }

// ResponseIDSystem returns the identifier system of response IDs.
func (o Options) ResponseIDSystem() string { return o.base() + "/response-id" }

// ProvenanceSystem returns the code system of the provenance tag.
func (o Options) ProvenanceSystem() string { return o.base() + "/CodeSystem/text-provenance" }

// fhirID is the R4 id datatype.
var fhirID = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

// NewQuestionnaire returns the FHIR R4 Questionnaire of a unit's template:
// the recommendation question, the chosen statements in national order,
// own statements and open feedback, with link IDs equal to the item IDs.
//
// Choice items list their answers as answerOption codings of the scale's
// code system ([Options.CodeSystem]), with the scale's labels as display
// (the values of the 0–10 scale without a label show the number), in
// presentation order, the can't-say option last; they ask renderers for
// radio buttons. Texts are in [Options.Lang]; every other language of the
// template that has the text is attached with the standard translation
// extension. Every item carries the provenance of its texts (extension
// "text-provenance": lang, provenance, source), and meta.tag says
// "provisional" when any text of the questionnaire is provisional.
//
// The URL is Base/Questionnaire/ID, where ID is the template's; the
// version is "INSTRUMENT-DATA-HASH": the instrument version, the catalogue
// data version and a hash of the questionnaire's content in all its
// languages, so that any change of wording, items or options gives a new
// version, and the same template exported in another language keeps it.
// The instrument and the data version are also given as extensions.
//
// The error wraps [ErrTemplateID] for a template ID that is not a FHIR id
// (1–64 of A–Z, a–z, 0–9, '-', '.'), or is the [*catalogue.TextError]
// values of texts missing in Lang.
func NewQuestionnaire(t *catalogue.Template, o Options) (*Questionnaire, error) {
	langs := t.Langs()
	if o.Lang == i18n.Und {
		o.Lang = langs[0]
	}
	q, err := buildQuestionnaire(t, o)
	if err != nil {
		return nil, err
	}
	canon := q
	if o.Lang != langs[0] {
		c := o
		c.Lang = langs[0]
		if canon, err = buildQuestionnaire(t, c); err != nil {
			return nil, err
		}
	}
	q.Version = version(t, canon)
	if err := Check(q); err != nil {
		return nil, fmt.Errorf("fhir: internal error: questionnaire of %q breaks R4 rules: %w", t.ID(), err)
	}
	return q, nil
}

// version is the questionnaire version: instrument version, data version
// and a hash of the canonical-language questionnaire without its version.
func version(t *catalogue.Template, canon *Questionnaire) string {
	c := *canon
	c.Version = ""
	b, err := json.Marshal(c)
	if err != nil { // only strings, slices and structs: cannot fail
		panic(err)
	}
	sum := sha256.Sum256(b)
	return t.Instrument().Ref().Version + "-" + dataVersion(t) + "-" + hex.EncodeToString(sum[:4])
}

func buildQuestionnaire(t *catalogue.Template, o Options) (*Questionnaire, error) {
	if !fhirID.MatchString(t.ID()) {
		return nil, fmt.Errorf("%w: %q", ErrTemplateID, t.ID())
	}
	form, err := t.Render(o.Lang)
	if err != nil {
		return nil, err
	}
	others := map[i18n.Lang]catalogue.Form{}
	for _, l := range t.Langs() {
		if l != o.Lang {
			f, _ := t.Render(l) // a missing translation is left out, never invented
			others[l] = f
		}
	}
	order := slices.DeleteFunc(t.Langs(), func(l i18n.Lang) bool { return l == o.Lang })
	translations := func(get func(catalogue.Form) *catalogue.Text) *Element {
		var el Element
		for _, l := range order {
			if x := get(others[l]); x != nil && x.Value != "" && !x.Fallback {
				el.Extension = append(el.Extension, translation(l, x.Value))
			}
		}
		if len(el.Extension) == 0 {
			return nil
		}
		return &el
	}
	provisional := form.Title.Provenance == catalogue.Provisional
	q := &Questionnaire{
		ResourceType: "Questionnaire",
		ID:           t.ID(),
		Language:     o.Lang.String(),
		Extension: []Extension{
			{URL: o.ExtensionURL("instrument"), ValueString: t.Instrument().Ref().String()},
			{URL: o.ExtensionURL("catalogue-version"), ValueString: dataVersion(t)},
		},
		URL:      o.base() + "/Questionnaire/" + t.ID(),
		Title:    form.Title.Value,
		TitleExt: translations(func(f catalogue.Form) *catalogue.Text { return &f.Title }),
		Status:   "active",
	}
	for i, qn := range form.Questions {
		question := func(f catalogue.Form) *catalogue.Question {
			if i < len(f.Questions) {
				return &f.Questions[i]
			}
			return nil
		}
		it := Item{
			LinkID: qn.Item,
			Text:   qn.Text.Value,
			TextExt: translations(func(f catalogue.Form) *catalogue.Text {
				if x := question(f); x != nil {
					return &x.Text
				}
				return nil
			}),
			Type: "text",
		}
		for _, l := range append([]i18n.Lang{o.Lang}, order...) {
			x := qn.Text
			if l != o.Lang {
				if y := question(others[l]); y != nil && y.Text.Value != "" && !y.Text.Fallback {
					x = y.Text
				} else {
					continue
				}
			}
			provisional = provisional || x.Provenance == catalogue.Provisional
			it.Extension = append(it.Extension, provenance(o, x))
		}
		if qn.Kind != catalogue.KindNone {
			it.Type = "choice"
			control := Extension{URL: ItemControlURL, ValueCodeableConcept: &CodeableConcept{Coding: []Coding{{System: itemControlSystem, Code: "radio-button", Display: "Radio Button"}}}}
			it.Extension = append(it.Extension, control)
			if qn.Kind == catalogue.KindRecommendation {
				it.Extension = append(it.Extension, Extension{URL: ChoiceOrientationURL, ValueCode: "horizontal"})
			}
			for j, opt := range qn.Options {
				c := &Coding{System: o.CodeSystem(qn.Scale), Code: strconv.Itoa(opt.Value), Display: display(qn.Kind, opt, opt.Label)}
				c.DisplayExt = translations(func(f catalogue.Form) *catalogue.Text {
					if x := question(f); x != nil && j < len(x.Options) && x.Options[j].Label != nil {
						label := *x.Options[j].Label
						label.Value = display(qn.Kind, opt, &label)
						return &label
					}
					return nil
				})
				it.AnswerOption = append(it.AnswerOption, AnswerOption{ValueCoding: c})
			}
		}
		q.Item = append(q.Item, it)
	}
	if o.Contact {
		q.Item = append(q.Item, contactGroup(o, order))
	}
	if provisional {
		q.Meta = &Meta{Tag: []Coding{{System: o.ProvenanceSystem(), Code: "provisional",
			Display: "Contains provisional texts: reconstructed wording, not the official national text"}}}
	}
	return q, nil
}

// dataVersion is the catalogue data version of the template's catalogue.
func dataVersion(t *catalogue.Template) string { return t.Catalogue().Version() }

// display is an option's display text: its label, with the number in
// front on the 0–10 scale ("0 – very unlikely"), or the number alone for
// an option without a label.
func display(kind catalogue.ScaleKind, opt catalogue.Option, label *catalogue.Text) string {
	switch {
	case label == nil:
		return strconv.Itoa(opt.Value)
	case kind == catalogue.KindRecommendation && !opt.CantSay:
		return strconv.Itoa(opt.Value) + " – " + label.Value
	}
	return label.Value
}

func translation(l i18n.Lang, text string) Extension {
	return Extension{URL: TranslationURL, Extension: []Extension{
		{URL: "lang", ValueCode: l.String()},
		{URL: "content", ValueString: text},
	}}
}

func provenance(o Options, x catalogue.Text) Extension {
	e := Extension{URL: o.ExtensionURL("text-provenance"), Extension: []Extension{
		{URL: "lang", ValueCode: x.Lang.String()},
		{URL: "provenance", ValueCode: x.Provenance.String()},
	}}
	if x.Source != "" {
		e.Extension = append(e.Extension, Extension{URL: "source", ValueString: x.Source})
	}
	return e
}

// contactGroup is the optional group for a contact request.
func contactGroup(o Options, others []i18n.Lang) Item {
	lb := o.labels()
	text := func(key string) (string, *Element) {
		var el Element
		for _, l := range others {
			if s, ok := lb.Get(l, key); ok && s != "" {
				el.Extension = append(el.Extension, translation(l, s))
			}
		}
		s, _ := lb.Get(o.Lang, key)
		if len(el.Extension) == 0 {
			return s, nil
		}
		return s, &el
	}
	field := func(id, key string) Item {
		s, el := text(key)
		return Item{LinkID: id, Text: s, TextExt: el, Type: "string", MaxLength: maxContactLen}
	}
	s, el := text("form.contact")
	return Item{LinkID: ContactGroup, Text: s, TextExt: el, Type: "group", Item: []Item{
		field(ContactName, "form.name"), field(ContactPhone, "form.phone"), field(ContactEmail, "form.email"),
	}}
}

// maxContactLen bounds each contact detail.
const maxContactLen = 200

// ErrTemplateID reports a template whose ID cannot be a FHIR resource id.
var ErrTemplateID = errors.New("fhir: template ID is not a FHIR id (1–64 of A–Z, a–z, 0–9, '-', '.')")
