// Package problem makes sentinel errors that carry a stable code, so that
// the code lives with the error instead of in a table kept by hand, and a
// sentinel shared by several packages (catalogue.ErrUnknownItem is
// survey.ErrUnknownItem, as fs.ErrNotExist is os.ErrNotExist) keeps one
// code.
package problem

import "errors"

// Error is a sentinel error with a code.
type Error struct {
	code, text string
}

// New returns a sentinel error with a stable code (such as
// "out-of-range") and an English text.
func New(code, text string) error { return &Error{code: code, text: text} }

// Error returns the English text.
func (e *Error) Error() string { return e.text }

// Code returns the stable code.
func (e *Error) Code() string { return e.code }

// Code returns the code of the first sentinel in err's tree (depth first,
// as errors.As searches), or "" if there is none.
func Code(err error) string {
	var c interface{ Code() string }
	if errors.As(err, &c) {
		return c.Code()
	}
	return ""
}
