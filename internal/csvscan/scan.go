// Package csvscan is an RFC 4180 record scanner with hard limits, exact
// line numbers and recovery: a malformed record costs only its first
// physical line, and scanning resumes on the next one, so one bad row never
// hides the good rows after it. Memory is bounded by the limits, whatever
// the input (a gigabyte-long field, an unbalanced quote, millions of
// columns).
//
// Unlike encoding/csv, line breaks inside quoted fields are kept as they
// are (\r\n stays \r\n), so that a decode and re-encode round trip keeps
// comments byte for byte; \r\n is read as \n only where it ends a record.
//
// It is internal: package survey builds its decoders on it.
package csvscan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Errors of a malformed record; a *RecordError wraps one of them.
var (
	ErrBareQuote     = errors.New(`bare " in an unquoted field`)
	ErrQuote         = errors.New(`extraneous character after a closing "`)
	ErrUnterminated  = errors.New(`quoted field not closed before the end of the input`)
	ErrFieldTooLong  = errors.New("field too long")
	ErrTooManyFields = errors.New("too many fields")
	ErrRecordTooLong = errors.New("record too long")
)

// RecordError reports a malformed record. Line is the line on which the
// record starts; the scanner skips that line and continues with the next.
type RecordError struct {
	Line int
	Err  error
}

// Error gives the line and the problem.
func (e *RecordError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the specific error.
func (e *RecordError) Unwrap() error { return e.Err }

// Limits bounds what one record may hold. Zero fields take the defaults.
type Limits struct {
	FieldBytes  int // longest field; default 64 KiB
	Fields      int // most fields in a record; default 4096
	RecordBytes int // longest record (raw bytes); default 1 MiB
}

// WithDefaults returns l with zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	if l.FieldBytes <= 0 {
		l.FieldBytes = 64 << 10
	}
	if l.Fields <= 0 {
		l.Fields = 4096
	}
	if l.RecordBytes <= 0 {
		l.RecordBytes = 1 << 20
	}
	return l
}

// FieldFits reports whether a field of n bytes of text (unquoted, or
// JSON-unescaped) is within the limits: the one rule of field length the
// scanner, survey's NDJSON reader and survey's writers apply.
func (l Limits) FieldFits(n int) bool { return n <= l.FieldBytes }

// RecordFits reports whether a record of n bytes, not counting its line
// end, surely fits the limits whatever its line end (LF or CR LF): the
// rule survey's CSV writer applies before it writes.
func (l Limits) RecordFits(n int) bool { return n+2 <= l.RecordBytes }

// Scanner reads records. Fields returned by Scan are valid until the next
// call.
type Scanner struct {
	src     *bufio.Reader
	pending []byte // bytes pushed back after a malformed record, read first
	comma   byte
	limits  Limits
	line    int // line number of the next byte
	started bool
	// lastQuoted: the record's first field was quoted (so "" is not a blank line)
	lastQuoted bool

	consumed int64 // bytes of the input consumed so far
	start    int64 // where the last record returned starts

	raw    []byte // raw bytes of the current record
	buf    []byte // field contents, concatenated
	ends   []int  // end offset of each field in buf
	fields [][]byte
}

// New returns a scanner reading r with the given separator (',' or ';',
// say) and limits. A UTF-8 byte order mark at the start is skipped.
func New(r io.Reader, comma byte, limits Limits) *Scanner {
	return &Scanner{src: bufio.NewReaderSize(r, 64<<10), comma: comma, limits: limits.WithDefaults(), line: 1}
}

// Resume makes a scanner that reads from the middle of an input: its
// first line is numbered line, and no byte order mark is skipped.
func (s *Scanner) Resume(line int) {
	s.started, s.line = true, line
}

// LoneCR reports whether the bytes of the last record scanned (or of
// what was read of it before it failed) hold a CR that no LF follows: a
// sign of lone-CR line ends, which this scanner (like RFC 4180) does not
// take as line ends.
func (s *Scanner) LoneCR() bool {
	for i, c := range s.raw {
		if c == '\r' && (i+1 == len(s.raw) || s.raw[i+1] != '\n') {
			return true
		}
	}
	return false
}

// Offset returns where the record last returned by Scan starts, in bytes
// from the start of the reader.
func (s *Scanner) Offset() int64 { return s.start }

func (s *Scanner) readByte() (byte, error) {
	if len(s.pending) > 0 {
		c := s.pending[0]
		s.pending = s.pending[1:]
		s.consumed++
		return c, nil
	}
	c, err := s.src.ReadByte()
	if err == nil {
		s.consumed++
	}
	return c, err
}

func (s *Scanner) peekByte() (byte, bool) {
	if len(s.pending) > 0 {
		return s.pending[0], true
	}
	b, err := s.src.Peek(1)
	if err != nil {
		return 0, false
	}
	return b[0], true
}

type state uint8

const (
	fieldStart state = iota
	unquoted
	quoted
	quotedQuote
)

// Scan reads the next record and returns its fields and the line it starts
// on. Blank lines are skipped. At the end of the input it returns io.EOF.
// A malformed record gives a *RecordError; the scanner has then skipped the
// record's first line, and the next call continues after it. An I/O error
// from the reader is returned as is and ends the scan.
func (s *Scanner) Scan() (fields [][]byte, line int, err error) {
	if !s.started {
		s.started = true
		if b, err := s.src.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
			s.src.Discard(3)
			s.consumed += 3
		}
	}
	for {
		fields, line, err = s.scan()
		if err == nil && len(fields) == 1 && len(fields[0]) == 0 && !s.lastQuoted {
			continue // a blank line
		}
		return fields, line, err
	}
}

func (s *Scanner) scan() ([][]byte, int, error) {
	start := s.line
	s.start = s.consumed
	s.raw, s.buf, s.ends = s.raw[:0], s.buf[:0], s.ends[:0]
	s.lastQuoted = false
	st := fieldStart
	fieldStartAt := 0
	endField := func() error {
		if len(s.ends) >= s.limits.Fields {
			return ErrTooManyFields
		}
		s.ends = append(s.ends, len(s.buf))
		fieldStartAt = len(s.buf)
		return nil
	}
	for {
		c, err := s.readByte()
		if err == io.EOF {
			switch {
			case len(s.raw) == 0:
				return nil, start, io.EOF
			case st == quoted:
				return nil, start, s.fail(start, ErrUnterminated)
			}
			if err := endField(); err != nil {
				return nil, start, s.fail(start, err)
			}
			return s.record(), start, nil
		}
		if err != nil {
			return nil, start, err
		}
		s.raw = append(s.raw, c)
		if c == '\n' {
			s.line++
		}
		if len(s.raw) > s.limits.RecordBytes {
			return nil, start, s.fail(start, ErrRecordTooLong)
		}
		if c == '\r' && st != quoted {
			if n, ok := s.peekByte(); ok && n == '\n' {
				continue // a \r\n record end is read as \n; inside quotes it is data
			}
		}
		// Outside quotes, a separator ends the field and a newline the record.
		if st != quoted && (c == s.comma || c == '\n') {
			if err := endField(); err != nil {
				return nil, start, s.fail(start, err)
			}
			if c == '\n' {
				return s.record(), start, nil
			}
			st = fieldStart
			continue
		}
		switch st {
		case fieldStart:
			if c == '"' {
				st = quoted
				if len(s.ends) == 0 {
					s.lastQuoted = true
				}
				continue
			}
			s.buf = append(s.buf, c)
			st = unquoted
		case unquoted:
			if c == '"' {
				return nil, start, s.fail(start, ErrBareQuote)
			}
			s.buf = append(s.buf, c)
		case quoted:
			if c == '"' {
				st = quotedQuote
			} else {
				s.buf = append(s.buf, c)
			}
		case quotedQuote:
			if c != '"' {
				return nil, start, s.fail(start, ErrQuote)
			}
			s.buf = append(s.buf, '"') // "" inside quotes
			st = quoted
		}
		if !s.limits.FieldFits(len(s.buf) - fieldStartAt) {
			return nil, start, s.fail(start, ErrFieldTooLong)
		}
	}
}

func (s *Scanner) record() [][]byte {
	s.fields = s.fields[:0]
	from := 0
	for _, end := range s.ends {
		s.fields = append(s.fields, s.buf[from:end:end])
		from = end
	}
	return s.fields
}

// fail abandons the current record: it keeps the record's first physical
// line as consumed, pushes back every byte read after it, and if the first
// line has not ended yet, discards input up to its end. Memory stays
// bounded: what is pushed back is at most RecordBytes.
func (s *Scanner) fail(start int, err error) error {
	if i := bytes.IndexByte(s.raw, '\n'); i >= 0 {
		rest := s.raw[i+1:]
		s.line -= bytes.Count(rest, []byte("\n"))
		s.pending = append(append([]byte(nil), rest...), s.pending...)
		s.consumed -= int64(len(rest))
		s.line = start + 1
		return &RecordError{Line: start, Err: err}
	}
	// The first line has not ended: skip to its end.
	for {
		c, rerr := s.readByte()
		if rerr != nil {
			break
		}
		if c == '\n' {
			break
		}
	}
	s.line = start + 1
	return &RecordError{Line: start, Err: err}
}
