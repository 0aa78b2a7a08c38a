package fhir

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/palaute/palaute/internal/jsonstrict"
)

// Questionnaire is the part of the FHIR R4 Questionnaire resource this
// package writes (http://hl7.org/fhir/R4/questionnaire.html). Build one
// with [NewQuestionnaire]; it marshals to the resource's JSON form.
//
// Its fields are the R4 elements of the same JSON name; a field ending in
// Ext holds the "_name" element (the extensions) of the field before it.
type Questionnaire struct {
	ResourceType string      `json:"resourceType"` // always "Questionnaire"
	ID           string      `json:"id,omitempty"`
	Meta         *Meta       `json:"meta,omitempty"`
	Language     string      `json:"language,omitempty"`
	Extension    []Extension `json:"extension,omitempty"`
	URL          string      `json:"url,omitempty"`
	Version      string      `json:"version,omitempty"`
	Name         string      `json:"name,omitempty"`
	Title        string      `json:"title,omitempty"`
	TitleExt     *Element    `json:"_title,omitempty"`
	Status       string      `json:"status"`
	Date         string      `json:"date,omitempty"`
	Item         []Item      `json:"item,omitempty"`
}

// Canonical returns the questionnaire's canonical reference with its
// version, "URL|VERSION", as a QuestionnaireResponse names it.
func (q *Questionnaire) Canonical() string {
	if q.Version == "" {
		return q.URL
	}
	return q.URL + "|" + q.Version
}

// Item is one item of a [Questionnaire]: a question, a group or a
// display text.
//
// Its fields are the R4 elements of the same JSON name; a field ending in
// Ext holds the "_name" element (the extensions) of the field before it.
type Item struct {
	Extension    []Extension    `json:"extension,omitempty"`
	LinkID       string         `json:"linkId"`
	Text         string         `json:"text,omitempty"`
	TextExt      *Element       `json:"_text,omitempty"`
	Type         string         `json:"type"`
	Required     bool           `json:"required,omitempty"`
	Repeats      bool           `json:"repeats,omitempty"`
	MaxLength    int            `json:"maxLength,omitempty"`
	AnswerOption []AnswerOption `json:"answerOption,omitempty"`
	Item         []Item         `json:"item,omitempty"`
}

// AnswerOption is one permitted answer of a choice item.
type AnswerOption struct {
	ValueCoding *Coding `json:"valueCoding,omitempty"`
}

// Coding is a code from a code system, with its display text.
//
// Its fields are the R4 elements of the same JSON name; a field ending in
// Ext holds the "_name" element (the extensions) of the field before it.
type Coding struct {
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
	Display    string   `json:"display,omitempty"`
	DisplayExt *Element `json:"_display,omitempty"`
}

// CodeableConcept is a concept given by codings.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Element carries the extensions of a primitive value, written in JSON
// as the "_name" sibling of the value "name": here the translations of
// a text.
type Element struct {
	Extension []Extension `json:"extension,omitempty"`
}

// Extension is a FHIR extension with one of the value types this package
// uses, or nested extensions (a complex extension). Another system's
// extension with a value of another type is read with that type's
// element name in Other.
type Extension struct {
	Extension            []Extension      `json:"extension,omitempty"`
	URL                  string           `json:"url"`
	ValueCode            string           `json:"valueCode,omitempty"`
	ValueString          string           `json:"valueString,omitempty"`
	ValueDateTime        string           `json:"valueDateTime,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	// Other is the name of a value element of another type, such as
	// "valueBoolean", that the extension had when read; never written.
	Other string `json:"-"`

	values int // the value elements it had when read (more than one breaks R4)
}

// UnmarshalJSON reads an extension, noting a value of a type the package
// does not read in Other.
func (e *Extension) UnmarshalJSON(data []byte) error {
	type plain Extension
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*e = Extension(p)
	var err error
	e.Other, e.values, err = valueElements(data, "valueCode", "valueString", "valueDateTime", "valueCodeableConcept")
	return err
}

// valueElements returns, of the members of the object data, the first
// value[x] element (R4 datatypes, http://hl7.org/fhir/R4/datatypes.html)
// that is not one of the modelled ones, and how many value elements there
// are. It reads only the keys, so that it costs no more than the object
// is long.
func valueElements(data []byte, modelled ...string) (other string, values int, _ error) {
	keys, err := jsonstrict.ObjectKeys(data)
	if err != nil {
		return "", 0, err
	}
	for _, k := range keys {
		t, ok := strings.CutPrefix(k, "value")
		if !ok || !valueTypes[t] {
			continue
		}
		values++
		if other == "" && !slices.Contains(modelled, k) {
			other = k
		}
	}
	return other, values, nil
}

// valueTypes are the R4 datatypes a value[x] element may have.
var valueTypes = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(`Base64Binary Boolean Canonical Code Date DateTime Decimal Id Instant Integer
		Markdown Oid PositiveInt String Time UnsignedInt Uri Url Uuid Address Age Annotation Attachment
		CodeableConcept Coding ContactPoint Count Distance Duration HumanName Identifier Money Period
		Quantity Range Ratio Reference SampledData Signature Timing ContactDetail Contributor
		DataRequirement Expression ParameterDefinition RelatedArtifact TriggerDefinition UsageContext
		Dosage Meta`) {
		m[t] = true
	}
	return m
}()

// Meta is resource metadata: here the tags that flag provisional texts.
type Meta struct {
	Tag []Coding `json:"tag,omitempty"`
}

// Identifier is a business identifier: a value unique within a system.
type Identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// QuestionnaireResponse is the part of the FHIR R4 QuestionnaireResponse
// resource (http://hl7.org/fhir/R4/questionnaireresponse.html) this
// package reads and writes. Elements it does not model (subject, author,
// source, encounter, contained resources, narrative) are never read: they
// may hold personal data, which must not reach a [survey.Response].
// ImplicitRules and ModifierExtension are modelled only so that a
// response using them is refused, as the FHIR rules for modifiers ask.
// Its fields, like those of the other resource types here, are the R4
// elements of the same JSON name.
type QuestionnaireResponse struct {
	ResourceType      string            `json:"resourceType"` // always "QuestionnaireResponse"
	ID                string            `json:"id,omitempty"`
	ImplicitRules     string            `json:"implicitRules,omitempty"`
	Language          string            `json:"language,omitempty"`
	Extension         []Extension       `json:"extension,omitempty"`
	ModifierExtension []json.RawMessage `json:"modifierExtension,omitempty"`
	Identifier        *Identifier       `json:"identifier,omitempty"`
	Questionnaire     string            `json:"questionnaire,omitempty"`
	Status            string            `json:"status"`
	Authored          string            `json:"authored,omitempty"`
	Item              []ResponseItem    `json:"item,omitempty"`
}

// ResponseItem is the answer to one item of a [QuestionnaireResponse],
// or a group of them.
type ResponseItem struct {
	LinkID            string            `json:"linkId"`
	Text              string            `json:"text,omitempty"`
	ModifierExtension []json.RawMessage `json:"modifierExtension,omitempty"`
	Answer            []ResponseAnswer  `json:"answer,omitempty"`
	Item              []ResponseItem    `json:"item,omitempty"`
}

// ResponseAnswer is one answer value. This package writes ValueCoding
// for choice items and ValueString for text; it reads ValueInteger as
// well, which renderers use for integer items. An answer with a value of
// another type is read with that type's element name in Other, so that
// it can be reported.
type ResponseAnswer struct {
	ValueCoding  *Coding        `json:"valueCoding,omitempty"`
	ValueInteger *json.Number   `json:"valueInteger,omitempty"`
	ValueString  *string        `json:"valueString,omitempty"`
	Item         []ResponseItem `json:"item,omitempty"`
	// Other is the name of a value element of another type, such as
	// "valueDate", that the answer had when read; never written.
	Other string `json:"-"`

	values int // the value elements it had when read (more than one breaks R4)
}

// UnmarshalJSON reads an answer, noting a value of a type the package
// does not read in Other.
func (a *ResponseAnswer) UnmarshalJSON(data []byte) error {
	type plain ResponseAnswer
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*a = ResponseAnswer(p)
	var err error
	a.Other, a.values, err = valueElements(data, "valueCoding", "valueInteger", "valueString")
	return err
}

// Bundle is a FHIR R4 Bundle of resources
// (http://hl7.org/fhir/R4/bundle.html), as written by [NewBundle]; read
// bundles of responses with [Importer.Bundle], which streams them.
type Bundle struct {
	ResourceType string        `json:"resourceType"` // always "Bundle"
	Type         string        `json:"type"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is one entry of a [Bundle].
type BundleEntry struct {
	FullURL  string `json:"fullUrl,omitempty"`
	Resource any    `json:"resource,omitempty"`
}

// OperationOutcome reports the problems of a request
// (http://hl7.org/fhir/R4/operationoutcome.html); see [Importer.Outcome].
type OperationOutcome struct {
	ResourceType string  `json:"resourceType"` // always "OperationOutcome"
	Issue        []Issue `json:"issue"`
}

// Issue is one problem of an [OperationOutcome]: its severity ("error",
// "warning", "information"), its code from the R4 issue-type value set,
// a message for people, and where it is (a FHIRPath expression such as
// "QuestionnaireResponse.item.where(linkId='access')").
type Issue struct {
	Severity    string   `json:"severity"`
	Code        string   `json:"code"`
	Diagnostics string   `json:"diagnostics,omitempty"`
	Expression  []string `json:"expression,omitempty"`
}
