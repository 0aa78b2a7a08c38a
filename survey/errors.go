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

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/clip"
	"github.com/palaute/palaute/internal/problem"
)

// Problems a response can have. A [*ValidationError] wraps one of them;
// test with [errors.Is]. Each carries a stable code ([Code]) used in
// summaries and in the localized messages. The unknown instrument, item
// and language are the very sentinels of packages catalogue and i18n, so
// errors.Is(err, catalogue.ErrUnknownItem) holds for either package's
// error.
var (
	ErrMissing              = problem.New("missing", "required value missing")
	ErrSyntax               = problem.New("syntax", "value cannot be read")
	ErrInvalidUTF8          = problem.New("invalid-utf8", "text is not valid UTF-8")
	ErrMalformed            = problem.New("malformed", "malformed record")
	ErrFieldCount           = problem.New("field-count", "wrong number of fields")
	ErrDuplicateKey         = problem.New("duplicate-key", "repeated key")
	ErrUnknownInstrument    = catalogue.ErrUnknownInstrument // the same sentinel, code "unknown-instrument"
	ErrUnknownItem          = catalogue.ErrUnknownItem       // the same sentinel, code "unknown-item"
	ErrNotInTemplate        = problem.New("not-in-template", "item not in the unit's template")
	ErrOutOfRange           = problem.New("out-of-range", "value outside the item's scale")
	ErrDuplicateAnswer      = problem.New("duplicate-answer", "item answered twice")
	ErrEmpty                = problem.New("empty", "response has no answers")
	ErrFuture               = problem.New("future", "time is in the future")
	ErrBeforeInstrument     = problem.New("before-instrument", "time is before the instrument version existed")
	ErrServedAfterSubmitted = problem.New("served-after-submitted", "service time is after the response time")
	ErrUnknownChannel       = problem.New("unknown-channel", "unknown channel")
	ErrUnknownRole          = problem.New("unknown-role", "unknown respondent role")
	ErrUnknownLang          = i18n.ErrUnknownLang // the same sentinel, code "unknown-lang"
	ErrUnknownUnit          = problem.New("unknown-unit", "unit not in the organisation tree")
	ErrOrgMismatch          = problem.New("org-mismatch", "unit belongs elsewhere in the organisation tree")
	ErrDuplicateID          = problem.New("duplicate-id", "response ID seen before in this stream")
	ErrHeader               = problem.New("header", "unusable header")
	ErrUnknownField         = problem.New("unknown-field", "unknown field resembling a known one")
	ErrOtherForm            = problem.New("other-form", "answers to a different form or form version")
	// ErrMoreProblems stands for the problems of a response left out of
	// a report that lists only the first ones (its Value is how many).
	ErrMoreProblems = problem.New("more-problems", "more problems not listed; count")
)

// Code returns the stable code of the first problem err wraps (depth
// first, as errors.As searches), such as "out-of-range", or "" if it
// wraps none. The code is carried by the sentinel itself.
func Code(err error) string { return problem.Code(err) }

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

// sentinelOf returns the coded sentinel err wraps, or err.
func sentinelOf(err error) error {
	var p *problem.Error
	if errors.As(err, &p) {
		return p
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

// Unwrap returns the record's problems, each a [*ValidationError], so
// that errors.Is and errors.As see every one of them.
func (e *RowError) Unwrap() []error {
	if j, ok := e.Err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{e.Err}
}

// Problems returns the individual problems ([Problems] of Err).
func (e *RowError) Problems() []*ValidationError { return Problems(e.Err) }

// Problems lists the validation problems in err, in order: the
// [*ValidationError] values it holds however they were joined or wrapped
// (errors.Join, fmt.Errorf with %w, a [*RowError]). Validator.Validate and
// the decoders join a response's problems into one error; Problems takes
// them apart again. A nil error has none.
func Problems(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *ValidationError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
