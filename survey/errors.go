package survey

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/clip"
)

// Problems a response can have. A [*ValidationError] wraps one of them;
// test with [errors.Is]. Each has a stable code ([Code]) used in summaries
// and in the localized messages.
var (
	ErrMissing              = errors.New("required value missing")
	ErrSyntax               = errors.New("value cannot be read")
	ErrInvalidUTF8          = errors.New("text is not valid UTF-8")
	ErrMalformed            = errors.New("malformed record")
	ErrFieldCount           = errors.New("wrong number of fields")
	ErrDuplicateKey         = errors.New("repeated key")
	ErrUnknownInstrument    = errors.New("unknown instrument")
	ErrUnknownItem          = errors.New("unknown item")
	ErrNotInTemplate        = errors.New("item not in the unit's template")
	ErrOutOfRange           = errors.New("value outside the item's scale")
	ErrDuplicateAnswer      = errors.New("item answered twice")
	ErrEmpty                = errors.New("response has no answers")
	ErrFuture               = errors.New("time is in the future")
	ErrBeforeInstrument     = errors.New("time is before the instrument version existed")
	ErrServedAfterSubmitted = errors.New("service time is after the response time")
	ErrUnknownChannel       = errors.New("unknown channel")
	ErrUnknownRole          = errors.New("unknown respondent role")
	ErrUnknownLang          = errors.New("unknown language")
	ErrUnknownUnit          = errors.New("unit not in the organisation tree")
	ErrOrgMismatch          = errors.New("unit belongs elsewhere in the organisation tree")
	ErrDuplicateID          = errors.New("response ID seen before in this stream")
	ErrHeader               = errors.New("unusable header")
	ErrUnknownField         = errors.New("unknown field resembling a known one")
)

var codes = []struct {
	err  error
	code string
}{
	{ErrMissing, "missing"}, {ErrSyntax, "syntax"}, {ErrInvalidUTF8, "invalid-utf8"},
	{ErrMalformed, "malformed"}, {ErrFieldCount, "field-count"}, {ErrDuplicateKey, "duplicate-key"},
	{ErrUnknownInstrument, "unknown-instrument"}, {ErrUnknownItem, "unknown-item"},
	{ErrNotInTemplate, "not-in-template"}, {ErrOutOfRange, "out-of-range"},
	{ErrDuplicateAnswer, "duplicate-answer"}, {ErrEmpty, "empty"}, {ErrFuture, "future"},
	{ErrBeforeInstrument, "before-instrument"}, {ErrServedAfterSubmitted, "served-after-submitted"},
	{ErrUnknownChannel, "unknown-channel"}, {ErrUnknownRole, "unknown-role"},
	{ErrUnknownLang, "unknown-lang"}, {ErrUnknownUnit, "unknown-unit"},
	{ErrOrgMismatch, "org-mismatch"}, {ErrDuplicateID, "duplicate-id"}, {ErrHeader, "header"},
	{ErrUnknownField, "unknown-field"},
}

// Code returns the stable code of the first problem err wraps, such as
// "out-of-range", or "" if it wraps none.
func Code(err error) string {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return ""
}

// ValidationError is one problem of one response: where it is (input line,
// response ID, metadata field or item), the value as given, what was
// expected, and which problem it is (Err, one of the package's sentinel
// errors). Error gives an English message; [ValidationError.Message]
// gives it in Finnish, Swedish or English.
type ValidationError struct {
	Line  int    // line the record starts on; 0 when not decoded from a stream
	ID    string // response ID, if known
	Field string // metadata field or column, such as "submitted" or "channel"
	Item  string // item ID, for a problem of one answer (or "comment")
	Value string // the value as given
	Want  string // what was expected, language-neutral: "1–5, 0", "sms, qr, …", "RFC 3339"
	Err   error  // the problem
}

// Error returns the problem in English.
func (e *ValidationError) Error() string { return e.Message(i18n.English) }

// Unwrap returns the problem.
func (e *ValidationError) Unwrap() error { return e.Err }

// AnswerLevel reports whether the problem concerns one answer (or the
// comment) only, so that the rest of the response can be kept.
func (e *ValidationError) AnswerLevel() bool { return e.Item != "" }

//go:embed data/messages.json
var messagesJSON []byte

type messageTable map[string]map[string]string // code or phrase → lang code → text

var messages = sync.OnceValue(func() messageTable {
	var t messageTable
	if err := json.Unmarshal(messagesJSON, &t); err != nil {
		panic("survey: embedded messages: " + err.Error())
	}
	return t
})

func msg(key string, l i18n.Lang) string {
	byLang := messages()[key]
	if s, ok := byLang[l.String()]; ok {
		return s
	}
	return byLang[i18n.English.String()]
}

// Message returns the problem as a sentence in language l (Finnish,
// Swedish or English; other languages get English): "rivi 7, vastaus r-12,
// kysymys access: arvo ei ole kysymyksen asteikolla: annettu "6" (odotettiin
// 1–5, 0)". Values from the input are shortened to about 80 bytes.
func (e *ValidationError) Message(l i18n.Lang) string {
	var parts []string
	if e.Line > 0 {
		parts = append(parts, msg("line", l)+" "+strconv.Itoa(e.Line))
	}
	if e.ID != "" {
		parts = append(parts, msg("response", l)+" "+strconv.Quote(clip.Text(e.ID, 80)))
	}
	if e.Field != "" {
		parts = append(parts, msg("field", l)+" "+clip.Text(e.Field, 80))
	}
	if e.Item != "" {
		parts = append(parts, msg("item", l)+" "+clip.Text(e.Item, 80))
	}
	var b strings.Builder
	if len(parts) > 0 {
		b.WriteString(strings.Join(parts, ", "))
		b.WriteString(": ")
	}
	if code := Code(e.Err); code != "" {
		b.WriteString(msg(code, l))
		// Say more when the error carries more than the sentinel.
		if detail := strings.TrimPrefix(e.Err.Error(), sentinelOf(e.Err).Error()); detail != "" && detail != e.Err.Error() {
			b.WriteString(strings.TrimPrefix(detail, ":"))
		}
	} else if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Value != "" {
		fmt.Fprintf(&b, ": %s %q", msg("given", l), clip.Text(e.Value, 80))
	}
	if e.Want != "" {
		fmt.Fprintf(&b, " (%s %s)", msg("want", l), e.Want)
	}
	return b.String()
}

func sentinelOf(err error) error {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.err
		}
	}
	return err
}

// RowError reports the problems of one decoded record. If Rejected is
// false, the response was accepted without the answers reported (see
// [Validator.KeepValidAnswers]); otherwise it was not accepted. Err joins
// the [*ValidationError] values.
type RowError struct {
	Line     int
	ID       string
	Rejected bool
	Err      error
}

// Error gives the verdict and every problem of the record, in English.
func (e *RowError) Error() string {
	verdict := "accepted without invalid answers"
	if e.Rejected {
		verdict = "rejected"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "survey: %s: ", verdict)
	b.WriteString(strings.ReplaceAll(e.Err.Error(), "\n", "; "))
	return b.String()
}

// Unwrap returns the joined problems.
func (e *RowError) Unwrap() error { return e.Err }

// Problems returns the individual problems.
func (e *RowError) Problems() []*ValidationError { return problems(e.Err) }

// problems flattens joined errors into validation errors.
func problems(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		if ve, ok := err.(*ValidationError); ok {
			out = append(out, ve)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}
