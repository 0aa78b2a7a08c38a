package fhir

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// NewResponse returns the FHIR R4 QuestionnaireResponse of a submission
// to q, the questionnaire of the response's unit: status "completed",
// questionnaire = q's canonical "URL|VERSION", authored = Submitted, the
// response ID as identifier (system [Options.ResponseIDSystem]), Lang as
// language, the unit and the other metadata as extensions
// ([Options.ExtensionURL]), each answer as the valueCoding of q's option
// and the comment as the valueString of the open item, in q's order. A
// contact request goes into q's contact group; it is personal data, so
// the QuestionnaireResponse holding it must be kept like the Submission.
//
// The error wraps [survey.ErrNotInTemplate] for an answer or a comment q
// does not ask (or a contact request without a contact group),
// [survey.ErrOutOfRange] for a value that is not one of q's options,
// [survey.ErrInvalidUTF8] for text that is not valid UTF-8,
// [survey.ErrSyntax] for contact details over their maxLength, and
// [ErrTooLarge] for a response over [DefaultMaxBytes] as JSON: what
// NewResponse returns, an [Importer] (with the default MaxBytes) reads
// back to the same submission.
func NewResponse(q *Questionnaire, s survey.Submission, o Options) (*QuestionnaireResponse, error) {
	r := s.Response
	out := &QuestionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		Language:      r.Lang.String(),
		Questionnaire: q.Canonical(),
		Status:        "completed",
		Authored:      dateTime(r.Submitted),
	}
	if r.Lang == 0 {
		out.Language = ""
	}
	if r.ID != "" {
		out.Identifier = &Identifier{System: o.ResponseIDSystem(), Value: r.ID}
	}
	for _, m := range []struct{ name, value string }{
		{"region", r.Region}, {"provider", r.Provider}, {"unit", r.Unit}, {"service", r.Service},
	} {
		if m.value != "" {
			out.Extension = append(out.Extension, Extension{URL: o.ExtensionURL(m.name), ValueString: m.value})
		}
	}
	for _, m := range []struct{ name, value string }{{"channel", r.Channel.String()}, {"role", r.Role.String()}} {
		if m.value != "" {
			out.Extension = append(out.Extension, Extension{URL: o.ExtensionURL(m.name), ValueCode: m.value})
		}
	}
	if !r.Served.IsZero() {
		out.Extension = append(out.Extension, Extension{URL: o.ExtensionURL("served"), ValueDateTime: dateTime(r.Served)})
	}
	var errs []error
	asked := map[string]bool{}
	hasContact := false
	for _, it := range q.Item {
		asked[it.LinkID] = true
		switch {
		case it.LinkID == ContactGroup:
			hasContact = true
			if c := s.Contact; c != nil {
				if g := contactItems(it, *c); len(g.Item) > 0 {
					out.Item = append(out.Item, g)
				}
			}
		case it.Type == "text":
			if r.Comment != "" {
				comment := r.Comment
				out.Item = append(out.Item, ResponseItem{LinkID: it.LinkID, Text: it.Text, Answer: []ResponseAnswer{{ValueString: &comment}}})
			}
		case it.Type == "choice":
			v, ok := r.Answers.Get(it.LinkID)
			if !ok {
				continue
			}
			code := strconv.Itoa(v)
			var opt *Coding
			for _, a := range it.AnswerOption {
				if a.ValueCoding != nil && a.ValueCoding.Code == code {
					opt = &Coding{System: a.ValueCoding.System, Code: a.ValueCoding.Code, Display: a.ValueCoding.Display}
				}
			}
			if opt == nil {
				errs = append(errs, fmt.Errorf("fhir: item %s: %w: %d is not an option of %s", it.LinkID, survey.ErrOutOfRange, v, q.Canonical()))
				continue
			}
			out.Item = append(out.Item, ResponseItem{LinkID: it.LinkID, Text: it.Text, Answer: []ResponseAnswer{{ValueCoding: opt}}})
		}
	}
	for _, a := range r.Answers {
		if !asked[a.Item] {
			errs = append(errs, fmt.Errorf("fhir: item %s: %w: %s does not ask it", a.Item, survey.ErrNotInTemplate, q.Canonical()))
		}
	}
	if r.Comment != "" && !hasTextItem(q) {
		errs = append(errs, fmt.Errorf("fhir: comment: %w: %s has no open question", survey.ErrNotInTemplate, q.Canonical()))
	}
	if s.Contact != nil && !hasContact && *s.Contact != (survey.Contact{}) {
		errs = append(errs, fmt.Errorf("fhir: contact request: %w: %s has no contact group", survey.ErrNotInTemplate, q.Canonical()))
	}
	errs = append(errs, readable(s)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// What an importer refuses whole is not written: a response over its
	// default size (a long comment of characters JSON escapes).
	if b, err := json.Marshal(out); err != nil || len(b) > DefaultMaxBytes {
		return nil, fmt.Errorf("fhir: response %q: %w: %d bytes written, over DefaultMaxBytes", r.ID, ErrTooLarge, len(b))
	}
	return out, nil
}

// readable lists what an importer would refuse in a submission's texts:
// text that is not valid UTF-8 (JSON would carry it as U+FFFD) and
// contact details over their questionnaire's maxLength.
func readable(s survey.Submission) []error {
	r := s.Response
	var errs []error
	for _, f := range []struct{ name, s string }{{"identifier", r.ID}, {"region", r.Region}, {"provider", r.Provider}, {"unit", r.Unit}, {"service", r.Service}, {"comment", r.Comment}} {
		if !utf8.ValidString(f.s) {
			errs = append(errs, fmt.Errorf("fhir: %s: %w", f.name, survey.ErrInvalidUTF8))
		}
	}
	if c := s.Contact; c != nil {
		for _, f := range []struct{ name, s string }{{ContactName, c.Name}, {ContactPhone, c.Phone}, {ContactEmail, c.Email}} {
			switch {
			case !utf8.ValidString(f.s):
				errs = append(errs, fmt.Errorf("fhir: item %s: %w", f.name, survey.ErrInvalidUTF8))
			case len(f.s) > maxContactLen:
				errs = append(errs, fmt.Errorf("fhir: item %s: %w: %d bytes, over its maxLength of %d", f.name, survey.ErrSyntax, len(f.s), maxContactLen))
			}
		}
	}
	return errs
}

func hasTextItem(q *Questionnaire) bool {
	for _, it := range q.Item {
		if it.Type == "text" {
			return true
		}
	}
	return false
}

// contactItems fills the contact group with the details given.
func contactItems(group Item, c survey.Contact) ResponseItem {
	g := ResponseItem{LinkID: group.LinkID, Text: group.Text}
	values := map[string]string{ContactName: c.Name, ContactPhone: c.Phone, ContactEmail: c.Email}
	for _, f := range group.Item {
		if v := values[f.LinkID]; v != "" {
			g.Item = append(g.Item, ResponseItem{LinkID: f.LinkID, Text: f.Text, Answer: []ResponseAnswer{{ValueString: &v}}})
		}
	}
	return g
}

// dateTime writes t as a FHIR dateTime (RFC 3339 with its offset), or ""
// for the zero time. An offset FHIR cannot write (beyond ±14:00, or with
// seconds, as local mean times have) is written in UTC: the same instant.
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if _, off := t.Zone(); off%60 != 0 || off > 14*3600 || off < -14*3600 {
		t = t.UTC()
	}
	return t.Format(time.RFC3339Nano)
}

// NewBundle returns a Bundle of type "collection" holding the responses.
func NewBundle(rs []*QuestionnaireResponse) *Bundle {
	b := &Bundle{ResourceType: "Bundle", Type: "collection"}
	for _, r := range rs {
		b.Entry = append(b.Entry, BundleEntry{Resource: r})
	}
	return b
}

// metadataExtensions are the response metadata carried in extensions.
var metadataExtensions = []string{"region", "provider", "unit", "service", "channel", "role", "served"}

// fhirFields maps an import's field names to the FHIR elements they come
// from, for problems the survey validator reports.
var fhirFields = map[string]string{
	"id":         "identifier",
	"submitted":  "authored",
	"lang":       "language",
	"instrument": "questionnaire",
}

// fhirField returns the FHIR element a survey field is read from.
func fhirField(f string) string {
	if x, ok := fhirFields[f]; ok {
		return x
	}
	return f
}

// issueCode maps a problem to an R4 issue type.
func issueCode(e *survey.ValidationError) string {
	switch {
	case errors.Is(e.Err, survey.ErrSyntax), errors.Is(e.Err, survey.ErrMalformed), errors.Is(e.Err, survey.ErrInvalidUTF8):
		return "structure"
	case errors.Is(e.Err, survey.ErrMissing), errors.Is(e.Err, survey.ErrEmpty):
		return "required"
	case errors.Is(e.Err, survey.ErrDuplicateAnswer), errors.Is(e.Err, survey.ErrDuplicateID):
		return "duplicate"
	case errors.Is(e.Err, survey.ErrOtherForm), errors.Is(e.Err, survey.ErrNotInTemplate), errors.Is(e.Err, survey.ErrUnknownItem):
		return "not-found"
	case errors.Is(e.Err, survey.ErrOutOfRange):
		return "value"
	}
	return "invalid"
}

// Outcome returns the OperationOutcome of an import's error, for the
// reply to whoever sent the response: one issue for each problem, with
// its message in language l (see [survey.ValidationError.Message]) and
// where it is as a FHIRPath expression:
// "QuestionnaireResponse.item.where(linkId='access')" for an answer,
// "QuestionnaireResponse.extension('…/StructureDefinition/unit')" for
// metadata carried in an extension, "QuestionnaireResponse.authored" and
// so on for elements. Problems of a response accepted without some
// answers are warnings; others are errors. An error that holds no
// validation problem gives one issue of type "exception".
func (im *Importer) Outcome(err error, l i18n.Lang) *OperationOutcome {
	oo := &OperationOutcome{ResourceType: "OperationOutcome"}
	severity := "error"
	var re *survey.RowError
	if errors.As(err, &re) && !re.Rejected {
		severity = "warning"
	}
	problems := survey.Problems(err)
	for _, p := range problems {
		is := Issue{Severity: severity, Code: issueCode(p), Diagnostics: p.Message(l)}
		switch {
		case p.Item != "":
			is.Expression = []string{"QuestionnaireResponse.item.where(linkId='" + strings.ReplaceAll(p.Item, "'", `\'`) + "')"}
		case strings.HasPrefix(p.Field, "QuestionnaireResponse"):
			is.Expression = []string{p.Field}
		case slices.Contains(metadataExtensions, p.Field):
			is.Expression = []string{"QuestionnaireResponse.extension('" + im.Options.ExtensionURL(p.Field) + "')"}
		case p.Field != "":
			is.Expression = []string{"QuestionnaireResponse." + p.Field}
		}
		oo.Issue = append(oo.Issue, is)
	}
	if len(problems) == 0 && err != nil {
		oo.Issue = append(oo.Issue, Issue{Severity: "error", Code: "exception", Diagnostics: err.Error()})
	}
	return oo
}
