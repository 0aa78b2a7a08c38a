package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/palaute/palaute/survey"
	"github.com/palaute/palaute/survey/fhir"
)

// The FHIR R4 interface of the server: other systems (a patient app, a
// kiosk, a FHIR form renderer such as LHC-Forms) fetch a unit's form as a
// Questionnaire and send the answers back as a QuestionnaireResponse.
//
//	GET  /fhir/Questionnaire/{unit}?lang=sv   the unit's Questionnaire
//	POST /fhir/QuestionnaireResponse          answers to it
//
// A response goes through the library's validation like a form
// submission: accepted, it is stored as one (comment redacted, contact
// request apart, triage) and answered 201 with an OperationOutcome;
// rejected, it is answered 422 with an OperationOutcome listing every
// problem, in the request's language, each with the item's link ID.

// fhirOptions are the FHIR options of the server's questionnaires: the
// contact group is offered, as on the HTML form.
func (s *Server) fhirOptions() fhir.Options {
	o := s.FHIR
	o.Contact = true
	return o
}

// importer returns the server's FHIR importer, made on first use.
func (s *Server) importer() *fhir.Importer {
	s.fhirOnce.Do(func() {
		s.fhirImporter = &fhir.Importer{Validator: s.Validator, Options: s.fhirOptions(), MaxBytes: maxBody, NewID: newID}
	})
	return s.fhirImporter
}

func writeFHIR(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/fhir+json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func outcome(severity, code, text string) *fhir.OperationOutcome {
	return &fhir.OperationOutcome{ResourceType: "OperationOutcome", Issue: []fhir.Issue{{Severity: severity, Code: code, Diagnostics: text}}}
}

// questionnaire serves a unit's Questionnaire in the requested language.
func (s *Server) questionnaire(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	t, ok := s.Templates[r.PathValue("unit")]
	if !ok {
		writeFHIR(w, http.StatusNotFound, outcome("error", "not-found", label(l, "form.not-found")))
		return
	}
	o := s.fhirOptions()
	o.Lang = l
	q, err := fhir.NewQuestionnaire(t, o)
	if err != nil {
		writeFHIR(w, http.StatusInternalServerError, outcome("error", "exception", err.Error()))
		return
	}
	writeFHIR(w, http.StatusOK, q)
}

// fhirSubmit accepts a QuestionnaireResponse.
func (s *Server) fhirSubmit(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	if !s.allow(w, r, l) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeFHIR(w, http.StatusRequestEntityTooLarge, outcome("error", "too-costly", label(l, "form.unreadable")))
		return
	}
	sub, err := s.importer().Import(body)
	var re *survey.RowError
	if err != nil && !errors.As(err, &re) {
		writeFHIR(w, http.StatusInternalServerError, outcome("error", "exception", err.Error()))
		return
	}
	if err != nil && re.Rejected {
		writeFHIR(w, http.StatusUnprocessableEntity, s.importer().Outcome(err, l))
		return
	}
	// The server names the response: an ID chosen by a client could
	// collide with, or be chosen to match, another response's.
	now := s.now()
	sub.Response.ID = newID()
	if sub.Response.Channel == survey.ChannelUnknown {
		sub.Response.Channel = survey.ChannelWeb
	}
	sub.Response.Comment = survey.Redact(sub.Response.Comment).Text
	if err := s.store(sub, now); err != nil {
		writeFHIR(w, http.StatusInternalServerError, outcome("error", "exception", label(l, "form.not-saved")))
		return
	}
	oo := outcome("information", "informational", label(l, "form.thanks"))
	if err != nil { // accepted without some answers: say which
		oo.Issue = append(oo.Issue, s.importer().Outcome(err, l).Issue...)
	}
	writeFHIR(w, http.StatusCreated, oo)
}
