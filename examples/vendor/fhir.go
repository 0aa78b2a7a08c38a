package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

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
// submission: accepted, it is stored as one (server's metadata, comment
// redacted, contact request validated and apart, triage) and answered 201
// with an OperationOutcome; rejected, it is answered 422 with an
// OperationOutcome listing every problem, in the request's language, each
// with the item's link ID; over maxBody, 413. A retry (the same
// identifier) is answered as the first time and stored once.

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
		// The importer checks the answers against the form; the
		// metadata it reads is replaced by the server's (fhirSubmit), so
		// it is checked without the organisation tree and the clock.
		v := *s.Validator
		v.Orgs = nil
		s.fhirImp = &fhir.Importer{Validator: &v, Options: s.fhirOptions(), MaxBytes: maxBody, NewID: newID}
	})
	return s.fhirImp
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
	u, ok := s.units[r.PathValue("unit")]
	if !ok {
		writeFHIR(w, http.StatusNotFound, outcome("error", "not-found", label(l, "form.not-found")))
		return
	}
	o := s.fhirOptions()
	o.Lang = l
	q, err := fhir.NewQuestionnaire(u.Template, o)
	if err != nil {
		writeFHIR(w, http.StatusInternalServerError, outcome("error", "exception", err.Error()))
		return
	}
	writeFHIR(w, http.StatusOK, q)
}

// fhirSubmit accepts a QuestionnaireResponse. The server owns the
// metadata: the response gets a new ID, the day of receipt (authored is
// ignored), the channel web (the endpoint is open to anyone, as the web
// form is), and the region, provider and service of its unit from the
// registry; what the client sent for them is ignored. A retry is
// recognised by the response's identifier (or a conditional create's
// If-None-Exist header): it stores nothing and gets the first answer
// again.
func (s *Server) fhirSubmit(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	if ok, wait := s.allow(r); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeFHIR(w, http.StatusTooManyRequests, outcome("error", "throttled", fmt.Sprintf(label(l, "form.too-many"), int(wait.Seconds())+1)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeFHIR(w, http.StatusRequestEntityTooLarge, outcome("error", "too-costly", label(l, "form.too-large")))
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
	u, ok := s.units[sub.Response.Unit]
	if !ok { // the importer knows only the registry's templates
		writeFHIR(w, http.StatusUnprocessableEntity, outcome("error", "not-found", label(l, "form.not-found")))
		return
	}
	stamped := s.stamp(open(u), l)
	stamped.Lang, stamped.Role, stamped.Answers = sub.Response.Lang, sub.Response.Role, sub.Response.Answers
	var issues []fhir.Issue
	if utf8.RuneCountInString(sub.Response.Comment) > maxCommentLen {
		issues = append(issues, fhir.Issue{Severity: "error", Code: "too-long", Diagnostics: fmt.Sprintf(label(l, "form.too-long"), maxCommentLen),
			Expression: []string{"QuestionnaireResponse.item.where(linkId='comment')"}})
	}
	stamped.Comment = survey.Redact(sub.Response.Comment).Text
	var contact *survey.Contact
	if sub.Contact != nil {
		var problems map[string][]string
		contact, problems = checkContact(*sub.Contact, l)
		for _, f := range []struct{ field, link string }{{"contact-name", fhir.ContactName}, {"contact-phone", fhir.ContactPhone}, {"contact-email", fhir.ContactEmail}} {
			for _, p := range problems[f.field] {
				issues = append(issues, fhir.Issue{Severity: "error", Code: "value", Diagnostics: p,
					Expression: []string{"QuestionnaireResponse.item.where(linkId='" + fhir.ContactGroup + "').item.where(linkId='" + f.link + "')"}})
			}
		}
	}
	if len(issues) > 0 {
		writeFHIR(w, http.StatusUnprocessableEntity, &fhir.OperationOutcome{ResourceType: "OperationOutcome", Issue: issues})
		return
	}
	if _, ok, verr := s.Validator.Validate(stamped); !ok {
		writeFHIR(w, http.StatusUnprocessableEntity, s.importer().Outcome(&survey.RowError{Rejected: true, Err: verr}, l))
		return
	}
	oo := outcome("information", "informational", label(l, "form.thanks"))
	if err != nil { // accepted without some answers: say which
		oo.Issue = append(oo.Issue, s.importer().Outcome(err, l).Issue...)
	}
	e := Entry{Response: stamped, RetryKey: retryKey(r, body, u.Code)}
	var contactID string
	if contact != nil {
		contactID = newID()
		e.Contact = &ContactRequest{ID: contactID, Unit: u.Code, Day: day(stamped.Submitted), Contact: *contact}
	}
	switch err := s.Store.Submit(r.Context(), e); {
	case errors.Is(err, ErrRetry):
		// Stored before: the first answer again, nothing stored or sent.
		writeFHIR(w, http.StatusCreated, oo)
		return
	case err != nil:
		log.Printf("vendor: storing a FHIR response of unit %s: %v", u.Code, err)
		writeFHIR(w, http.StatusServiceUnavailable, outcome("error", "transient", label(l, "form.not-saved")))
		return
	}
	if s.triage(survey.Submission{Response: stamped, Contact: contact}, contactID) {
		help := []string{label(l, "help.flagged"), label(l, "help.emergency"), label(l, "help.crisis"), label(l, "help.violence"), label(l, "help.care")}
		oo.Issue = append(oo.Issue, fhir.Issue{Severity: "information", Code: "informational", Diagnostics: strings.Join(help, " ")})
	}
	writeFHIR(w, http.StatusCreated, oo)
}

// retryKey returns what recognises a FHIR submission when it is sent
// again: the identifier of a conditional create (If-None-Exist:
// identifier=SYSTEM|VALUE) or of the resource, hashed with the unit; ""
// when it has neither, and then a retry cannot be recognised.
func retryKey(r *http.Request, body []byte, unit string) string {
	id := ""
	if h := r.Header.Get("If-None-Exist"); h != "" {
		if q, err := url.ParseQuery(h); err == nil {
			id = q.Get("identifier")
		}
	}
	if id == "" {
		var qr struct {
			Identifier *fhir.Identifier `json:"identifier"`
		}
		if json.Unmarshal(body, &qr) == nil && qr.Identifier != nil && qr.Identifier.Value != "" {
			id = qr.Identifier.System + "|" + qr.Identifier.Value
		}
	}
	if id == "" {
		return ""
	}
	h := sha256.Sum256([]byte("palaute-fhir-retry\x00" + unit + "\x00" + id))
	return hex.EncodeToString(h[:])
}
