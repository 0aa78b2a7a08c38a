package fhir

import (
	"cmp"
	"encoding/json"
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
}

// UnmarshalJSON reads an extension, noting a value of a type the package
// does not read in Other.
func (e *Extension) UnmarshalJSON(data []byte) error {
	type plain Extension
	var w struct {
		plain
		otherValues
		// Value types otherValues leaves to the modelled elements of
		// ResponseAnswer, which an extension does not model.
		ValueCoding  json.RawMessage `json:"valueCoding"`
		ValueInteger json.RawMessage `json:"valueInteger"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = Extension(w.plain)
	e.Other = cmp.Or(w.otherValues.name(), firstValue(value{"valueCoding", w.ValueCoding}, value{"valueInteger", w.ValueInteger}))
	return nil
}

// otherValues catches, in the same pass as the rest of an element, the
// R4 value[x] types (http://hl7.org/fhir/R4/datatypes.html) that neither
// Extension nor ResponseAnswer models (each wrapper adds those the other
// models: a field of the same name at the same depth would hide both),
// so that an element holding one is known to have a value.
type otherValues struct {
	ValueBase64Binary        json.RawMessage `json:"valueBase64Binary"`
	ValueBoolean             json.RawMessage `json:"valueBoolean"`
	ValueCanonical           json.RawMessage `json:"valueCanonical"`
	ValueDate                json.RawMessage `json:"valueDate"`
	ValueDecimal             json.RawMessage `json:"valueDecimal"`
	ValueId                  json.RawMessage `json:"valueId"`
	ValueInstant             json.RawMessage `json:"valueInstant"`
	ValueMarkdown            json.RawMessage `json:"valueMarkdown"`
	ValueOid                 json.RawMessage `json:"valueOid"`
	ValuePositiveInt         json.RawMessage `json:"valuePositiveInt"`
	ValueTime                json.RawMessage `json:"valueTime"`
	ValueUnsignedInt         json.RawMessage `json:"valueUnsignedInt"`
	ValueUri                 json.RawMessage `json:"valueUri"`
	ValueUrl                 json.RawMessage `json:"valueUrl"`
	ValueUuid                json.RawMessage `json:"valueUuid"`
	ValueAddress             json.RawMessage `json:"valueAddress"`
	ValueAge                 json.RawMessage `json:"valueAge"`
	ValueAnnotation          json.RawMessage `json:"valueAnnotation"`
	ValueAttachment          json.RawMessage `json:"valueAttachment"`
	ValueContactPoint        json.RawMessage `json:"valueContactPoint"`
	ValueCount               json.RawMessage `json:"valueCount"`
	ValueDistance            json.RawMessage `json:"valueDistance"`
	ValueDuration            json.RawMessage `json:"valueDuration"`
	ValueHumanName           json.RawMessage `json:"valueHumanName"`
	ValueIdentifier          json.RawMessage `json:"valueIdentifier"`
	ValueMoney               json.RawMessage `json:"valueMoney"`
	ValuePeriod              json.RawMessage `json:"valuePeriod"`
	ValueQuantity            json.RawMessage `json:"valueQuantity"`
	ValueRange               json.RawMessage `json:"valueRange"`
	ValueRatio               json.RawMessage `json:"valueRatio"`
	ValueReference           json.RawMessage `json:"valueReference"`
	ValueSampledData         json.RawMessage `json:"valueSampledData"`
	ValueSignature           json.RawMessage `json:"valueSignature"`
	ValueTiming              json.RawMessage `json:"valueTiming"`
	ValueContactDetail       json.RawMessage `json:"valueContactDetail"`
	ValueContributor         json.RawMessage `json:"valueContributor"`
	ValueDataRequirement     json.RawMessage `json:"valueDataRequirement"`
	ValueExpression          json.RawMessage `json:"valueExpression"`
	ValueParameterDefinition json.RawMessage `json:"valueParameterDefinition"`
	ValueRelatedArtifact     json.RawMessage `json:"valueRelatedArtifact"`
	ValueTriggerDefinition   json.RawMessage `json:"valueTriggerDefinition"`
	ValueUsageContext        json.RawMessage `json:"valueUsageContext"`
	ValueDosage              json.RawMessage `json:"valueDosage"`
	ValueMeta                json.RawMessage `json:"valueMeta"`
}

// name returns the element name of the first value caught, or "".
func (o *otherValues) name() string {
	return firstValue(value{"valueBase64Binary", o.ValueBase64Binary}, value{"valueBoolean", o.ValueBoolean}, value{"valueCanonical", o.ValueCanonical}, value{"valueDate", o.ValueDate}, value{"valueDecimal", o.ValueDecimal}, value{"valueId", o.ValueId}, value{"valueInstant", o.ValueInstant}, value{"valueMarkdown", o.ValueMarkdown}, value{"valueOid", o.ValueOid}, value{"valuePositiveInt", o.ValuePositiveInt}, value{"valueTime", o.ValueTime}, value{"valueUnsignedInt", o.ValueUnsignedInt}, value{"valueUri", o.ValueUri}, value{"valueUrl", o.ValueUrl}, value{"valueUuid", o.ValueUuid}, value{"valueAddress", o.ValueAddress}, value{"valueAge", o.ValueAge}, value{"valueAnnotation", o.ValueAnnotation}, value{"valueAttachment", o.ValueAttachment}, value{"valueContactPoint", o.ValueContactPoint}, value{"valueCount", o.ValueCount}, value{"valueDistance", o.ValueDistance}, value{"valueDuration", o.ValueDuration}, value{"valueHumanName", o.ValueHumanName}, value{"valueIdentifier", o.ValueIdentifier}, value{"valueMoney", o.ValueMoney}, value{"valuePeriod", o.ValuePeriod}, value{"valueQuantity", o.ValueQuantity}, value{"valueRange", o.ValueRange}, value{"valueRatio", o.ValueRatio}, value{"valueReference", o.ValueReference}, value{"valueSampledData", o.ValueSampledData}, value{"valueSignature", o.ValueSignature}, value{"valueTiming", o.ValueTiming}, value{"valueContactDetail", o.ValueContactDetail}, value{"valueContributor", o.ValueContributor}, value{"valueDataRequirement", o.ValueDataRequirement}, value{"valueExpression", o.ValueExpression}, value{"valueParameterDefinition", o.ValueParameterDefinition}, value{"valueRelatedArtifact", o.ValueRelatedArtifact}, value{"valueTriggerDefinition", o.ValueTriggerDefinition}, value{"valueUsageContext", o.ValueUsageContext}, value{"valueDosage", o.ValueDosage}, value{"valueMeta", o.ValueMeta})
}

// value is a value element as read: its name and its JSON, nil if absent.
type value struct {
	name string
	raw  json.RawMessage
}

// firstValue returns the name of the first value present, or "".
func firstValue(vs ...value) string {
	for _, v := range vs {
		if v.raw != nil {
			return v.name
		}
	}
	return ""
}

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
}

// UnmarshalJSON reads an answer, noting a value of a type the package
// does not read in Other.
func (a *ResponseAnswer) UnmarshalJSON(data []byte) error {
	type plain ResponseAnswer
	var w struct {
		plain
		otherValues
		// Value types otherValues leaves to the modelled elements of
		// Extension, which an answer does not model.
		ValueCode            json.RawMessage `json:"valueCode"`
		ValueDateTime        json.RawMessage `json:"valueDateTime"`
		ValueCodeableConcept json.RawMessage `json:"valueCodeableConcept"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*a = ResponseAnswer(w.plain)
	a.Other = cmp.Or(w.otherValues.name(), firstValue(value{"valueCode", w.ValueCode}, value{"valueDateTime", w.ValueDateTime},
		value{"valueCodeableConcept", w.ValueCodeableConcept}))
	return nil
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
