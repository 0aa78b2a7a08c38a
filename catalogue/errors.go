package catalogue

import (
	"errors"
	"fmt"
	"strings"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/problem"
)

// Errors of the catalogue. Functions wrap them, so test with [errors.Is].
var (
	// ErrNoText: an entry has no text in the requested language.
	ErrNoText = errors.New("no text in that language")
	// ErrInvalidData: catalogue or override data does not follow the format.
	ErrInvalidData = errors.New("invalid catalogue data")
	// ErrInvalidKey: a text key is malformed (see [Key]).
	ErrInvalidKey = errors.New("invalid text key")
	// ErrUnknownKey: a text key names no entry of the catalogue.
	ErrUnknownKey = errors.New("no such catalogue entry")
	// ErrUnknownInstrument: no instrument with that ID and version.
	ErrUnknownInstrument = problem.New("unknown-instrument", "unknown instrument")
	// ErrUnknownItem: the instrument has no item with that ID.
	ErrUnknownItem = problem.New("unknown-item", "unknown item")
	// ErrUnknownScale: the catalogue has no scale with that ID.
	ErrUnknownScale = errors.New("unknown scale")
	// ErrUnknownTheme: the catalogue has no theme with that ID.
	ErrUnknownTheme = errors.New("unknown theme")
	// ErrWrongSection: an item was chosen for a section it does not
	// belong to (the recommendation item as a basic statement, say).
	ErrWrongSection = errors.New("item not in that section")
	// ErrDuplicate: the same ID was given twice.
	ErrDuplicate = errors.New("duplicate")
	// ErrStatementCount: a template has fewer or more statements than the
	// instrument allows.
	ErrStatementCount = errors.New("wrong number of statements")
	// ErrInvalidID: an ID is not 1–64 characters of a–z, 0–9, '-', '_'
	// starting with a letter.
	ErrInvalidID = errors.New("invalid ID")
	// ErrIDClash: an own statement's ID is already used by a national
	// item or by a column of the interchange format.
	ErrIDClash = errors.New("ID already in use")
	// ErrNoOwnSection: the instrument does not allow own statements.
	ErrNoOwnSection = errors.New("instrument has no section for own statements")
	// ErrTooLarge: input over a size limit.
	ErrTooLarge = errors.New("too large")
)

// TextError reports a text that is missing in a language. It wraps
// [ErrNoText].
type TextError struct {
	Key      Key         // the entry without the text
	Lang     i18n.Lang   // the language asked for
	Fallback []i18n.Lang // the fallback languages tried, if any
}

// Error says which entry lacks a text in which language.
func (e *TextError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "catalogue: %s: %v (%s)", e.Key, ErrNoText, e.Lang)
	if len(e.Fallback) > 0 {
		b.WriteString(" nor in fallback")
		for _, l := range e.Fallback {
			b.WriteString(" ")
			b.WriteString(l.String())
		}
	}
	return b.String()
}

// Unwrap returns [ErrNoText].
func (e *TextError) Unwrap() error { return ErrNoText }

// DataError reports a problem in catalogue or override data: the file, the
// place in it (a path such as "scales[1].labels[0]" or an entry key) and
// what is wrong. It wraps [ErrInvalidData] and, where there is one, a more
// specific sentinel.
type DataError struct {
	File  string // file name within the loaded fs.FS, or "" for a reader
	Place string // where in the file
	Err   error  // what is wrong
}

// Error says which file and place has which problem.
func (e *DataError) Error() string {
	var b strings.Builder
	b.WriteString("catalogue: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Place != "" {
		b.WriteString(e.Place)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns [ErrInvalidData] and the specific error.
func (e *DataError) Unwrap() []error { return []error{ErrInvalidData, e.Err} }

// TemplateError reports one problem of a survey template: which template,
// which item or field, and what is wrong (wrapping a sentinel such as
// [ErrUnknownItem] or [ErrStatementCount]).
type TemplateError struct {
	Template string // the template's ID, if it has one
	Item     string // the item concerned, if any
	Field    string // the TemplateSpec field concerned: "Instrument", "Statements", "Own", …
	Err      error
}

// Error says which template, field and item has which problem.
func (e *TemplateError) Error() string {
	var b strings.Builder
	b.WriteString("catalogue: template")
	if e.Template != "" {
		fmt.Fprintf(&b, " %q", e.Template)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Item != "" {
		fmt.Fprintf(&b, " %q", e.Item)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TemplateError) Unwrap() error { return e.Err }
