// Package fhir moves the national feedback form and its answers in and
// out of HL7 FHIR R4, the interchange format of Finnish health IT: a
// unit's survey template becomes a Questionnaire ([NewQuestionnaire]), a
// response becomes a QuestionnaireResponse ([NewResponse]), and
// QuestionnaireResponses, one at a time or as a Bundle stream, come back
// as survey responses through the same validation as the CSV and NDJSON
// decoders ([Importer]).
//
// # The mapping
//
//   - Questionnaire: url Base/Questionnaire/TEMPLATE-ID; version
//     "INSTRUMENT-DATA-HASH" (instrument version, catalogue data version,
//     content hash), so answers to an older wording or another choice of
//     statements are told apart; item.linkId = the catalogue item ID;
//     choice items with answerOption codings whose code is the scale value
//     ("0"–"10"; "1"–"5" and "0" for can't say on the agree scale); the
//     open question as a text item; texts in one language with the others
//     through the standard translation extension; the provenance of every
//     item text as an extension, and meta.tag "provisional" when any text
//     is.
//   - QuestionnaireResponse: questionnaire = "URL|VERSION", authored = the
//     response time, identifier = the response ID, language = the answer
//     language, and region, provider, unit, service, channel, role and the
//     service time as extensions under Base/StructureDefinition/. The
//     optional contact group (link IDs [ContactGroup], …) is read into
//     [survey.Submission.Contact], never into the response.
//
// Canonical URLs live under [Options.Base]; the default, [DefaultBase], is
// the library's own namespace, because no official THL canonical for the
// national form is known to us.
//
// # Own structs, not a generated FHIR model
//
// The resources are this package's own small structs, not a generated R4
// model such as github.com/samply/golang-fhir-models (v0.3.2, December
// 2022). That module has no fields for the "_text" elements that carry
// primitive extensions, so the translation extension, which this mapping
// needs on every text, cannot be written or read with it; it is 2.6 MB of
// generated code for about 150 resources of which we use two; and an
// import must refuse modifier extensions and ignore, never read, the
// elements that may carry personal data, which is clearest in a struct
// that holds only what is read. The structs here model the elements used;
// [Check] and [CheckResponse] hold them to the R4 rules the mapping relies
// on, and the tests validate every exported resource with an independent
// R4 validator (the npm package fhir) and render the questionnaire in
// LHC-Forms.
package fhir
