package survey

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/palaute/palaute/internal/clip"
	"github.com/palaute/palaute/internal/csvscan"
	"github.com/palaute/palaute/internal/jsonstrict"
)

// NewNDJSONDecoder returns a decoder of NDJSON: one JSON object a line with
// the metadata fields of the canonical format and an "answers" object keyed
// by item ID. Answer values are integers, null (not answered) or codes
// named in [Mapping.CantSay] and [Mapping.NotAnswered]. Unknown keys are
// ignored and listed in the summary; repeated keys are an error. Blank
// lines are skipped; a UTF-8 byte order mark at the start is skipped.
func NewNDJSONDecoder(r io.Reader) *Decoder {
	return &Decoder{input: inputOf(r), ndjson: true}
}

// ndjsonLines reads the lines of a stream of NDJSON.
type ndjsonLines struct {
	r      *bufio.Reader
	line   int
	offset int64 // of the next line
	max    int
	buf    []byte
}

func (s *ndjsonLines) skipBOM() {
	if b, err := s.r.Peek(3); err == nil && string(b) == "\xEF\xBB\xBF" {
		s.r.Discard(3)
		s.offset += 3
	}
}

// next reads the next record into rec, or reports a malformed one.
func (s *ndjsonLines) next(e *engine, rec *record) (*ValidationError, error) {
	for {
		s.buf = s.buf[:0]
		start := s.offset
		tooLong := false
		for {
			chunk, err := s.r.ReadSlice('\n')
			s.offset += int64(len(chunk))
			if len(s.buf)+len(chunk) > s.max+1 {
				tooLong = true
			} else {
				s.buf = append(s.buf, chunk...)
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF && len(s.buf) == 0 && !tooLong {
				return nil, io.EOF
			}
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("survey: reading NDJSON: %w", err)
			}
			break
		}
		s.line++
		if tooLong {
			return &ValidationError{Line: s.line, Err: ErrMalformed, Want: fmt.Sprintf("a line of at most %d bytes", s.max)}, nil
		}
		l := bytes.TrimRight(s.buf, "\r\n")
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		rec.reset(s.line, start, true)
		return parseNDJSON(e, l, rec), nil
	}
}

// parseNDJSON reads one line's object into rec, or reports why it is not
// a record. It has no side effects on the decoder: the keys it ignores
// are listed in rec.ignored for the caller to note (outside any lock of
// the duplicate check; see the lock order in read.go).
func parseNDJSON(e *engine, line []byte, rec *record) *ValidationError {
	fields, err := objectFields(line, e.lim.Fields)
	if err != nil {
		want := "a JSON object: " + err.Error()
		switch {
		case bytes.HasPrefix(line, []byte("\uFEFF")):
			want = "a JSON object, not a byte order mark (U+FEFF) first; the input has more than one at its start, or one inside"
		case bytes.IndexByte(line, '\r') >= 0:
			want += "; a lone CR looks like a line end: lines must end with LF or CR LF"
		}
		return &ValidationError{Line: rec.line, Err: ErrMalformed, Want: want}
	}
	fail := func(x *ValidationError) { rec.errs = append(rec.errs, x) }
	for _, f := range fields {
		name := e.d.Mapping.column(f.key)
		if name == "answers" {
			ndjsonAnswers(e, rec, f.value, fail)
			continue
		}
		i := metaIndex(name)
		if i < 0 {
			if like := e.ndjsonLookalike(name); like != "" && (!isMeta(like) || !hasKey(e, fields, like)) {
				fail(&ValidationError{Field: clip.Text(f.key, 80), Err: ErrUnknownField, Want: ndjsonWant(like)})
			}
			rec.ignored = append(rec.ignored, f.key)
			continue
		}
		str, err := jsonText(e, f.value)
		if err != nil {
			fail(&ValidationError{Field: name, Value: clipped(f.value), Err: err, Want: "a JSON string"})
			continue
		}
		rec.meta[i] = []byte(str)
	}
	return nil
}

// ndjsonID reads the ID of a line that parseNDJSON read as a record
// before, for the duplicate check: the same fields, key mapping and
// string rule, and nothing else (no lookalikes, no bookkeeping, no locks).
func ndjsonID(e *engine, line []byte) ([]byte, error) {
	fields, err := objectFields(line, e.lim.Fields)
	if err != nil {
		return nil, err
	}
	var id []byte
	for _, f := range fields {
		if metaIndex(e.d.Mapping.column(f.key)) != fID {
			continue
		}
		if str, err := jsonText(e, f.value); err == nil {
			id = []byte(str) // as parseNDJSON: a bad value leaves the field as it was
		}
	}
	return id, nil
}

// ndjsonLookalike returns the known name an unknown key resembles (see
// lookalike), remembering the answers for the first 1024 distinct keys.
func (e *engine) ndjsonLookalike(key string) string {
	if v, ok := e.lookalikes.Load(key); ok {
		return v.(string)
	}
	like := lookalike(key, e.items, nil)
	if e.looked.Add(1) <= 1024 {
		e.lookalikes.Store(key, like)
	}
	return like
}

func isMeta(name string) bool { return metaIndex(name) >= 0 }

// hasKey reports whether a record's fields include the (canonical) name.
func hasKey(e *engine, fields []field, name string) bool {
	for _, f := range fields {
		if e.d.Mapping.column(f.key) == name {
			return true
		}
	}
	return false
}

// ndjsonWant says what an NDJSON key resembling like should be.
func ndjsonWant(like string) string {
	if isMeta(like) {
		return fmt.Sprintf("%q? name it so, or map the key with Mapping.Columns (to \"\" to ignore it)", like)
	}
	return fmt.Sprintf("answers inside \"answers\": {%q: …}; or map the key with Mapping.Columns (to \"\" to ignore it)", like)
}

// jsonText reads a JSON string (or null, read as empty).
func jsonText(e *engine, v json.RawMessage) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	if len(v) == 0 || v[0] != '"' {
		return "", ErrSyntax
	}
	str, err := jsonstrict.String(v)
	switch {
	case errors.Is(err, jsonstrict.ErrInvalidUTF8):
		return "", ErrInvalidUTF8
	case err != nil:
		return "", ErrSyntax
	case !e.lim.FieldFits(len(str)):
		return "", fmt.Errorf("%w: longer than %d bytes", ErrSyntax, e.lim.FieldBytes)
	}
	return str, nil
}

func ndjsonAnswers(e *engine, rec *record, v json.RawMessage, fail func(*ValidationError)) {
	if string(v) == "null" {
		return
	}
	fields, err := objectFields(v, e.lim.Fields)
	if err != nil {
		fail(&ValidationError{Field: "answers", Value: clipped(v), Err: ErrSyntax, Want: "an object of item IDs to integers: " + err.Error()})
		return
	}
	for _, f := range fields {
		item := e.d.Mapping.column(f.key)
		switch {
		case string(f.value) == "null":
		case f.value[0] == '"':
			str, err := jsonText(e, f.value)
			if err != nil {
				fail(&ValidationError{Item: item, Value: clipped(f.value), Err: err})
				continue
			}
			rec.answers = append(rec.answers, answerField{item, -1, []byte(str)})
		case f.value[0] == '-' || f.value[0] >= '0' && f.value[0] <= '9':
			rec.answers = append(rec.answers, answerField{item, -1, f.value})
		default:
			fail(&ValidationError{Item: item, Value: clipped(f.value), Err: ErrSyntax, Want: "an integer or null"})
		}
	}
}

// clipped shortens a value for a message.
func clipped(v []byte) string { return clip.Text(string(v), 80) }

// NDJSONEncoder writes responses as NDJSON, one object a line, in the
// format [NewNDJSONDecoder] reads. Contact requests are not part of a
// [Response] and are never written. Set its fields before the first
// Encode.
//
// What it writes, a decoder with the same Limits reads back to the same
// value: a response the decoder would refuse for its form (text that is
// not valid UTF-8, which JSON would carry as U+FFFD; a text over
// Limits.FieldBytes; a line over Limits.RecordBytes, escapes counted;
// more answers than Limits.Fields; an item answered twice) is not
// written, and Encode says why.
type NDJSONEncoder struct {
	// Limits are those of the decoder that will read the output; zero
	// fields take the decoder's defaults.
	Limits Limits

	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// NewNDJSONEncoder returns an encoder writing to w.
func NewNDJSONEncoder(w io.Writer) *NDJSONEncoder {
	e := &NDJSONEncoder{w: w}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// Encode writes one response as a line.
func (e *NDJSONEncoder) Encode(r Response) error {
	lim := e.Limits.scan()
	if err := writable(r, lim); err != nil {
		return err
	}
	e.buf.Reset()
	if err := e.enc.Encode(r); err != nil {
		return fmt.Errorf("survey: encoding response %q: %w", clip.Text(r.ID, 80), err)
	}
	if line := e.buf.Len() - 1; line > lim.RecordBytes {
		return fmt.Errorf("survey: response %q: %w: its line would be %d bytes, over the reader's limit of %d (Limits.RecordBytes)", clip.Text(r.ID, 80), ErrMalformed, line, lim.RecordBytes)
	}
	if _, err := e.w.Write(e.buf.Bytes()); err != nil {
		return fmt.Errorf("survey: writing response %q: %w", clip.Text(r.ID, 80), err)
	}
	return nil
}

// writable reports why a reader with limits lim would refuse r's form,
// whatever the format: text that is not valid UTF-8 or over the field
// limit, more answers than fields, an item answered twice.
func writable(r Response, lim csvscan.Limits) error {
	for _, f := range [...]struct{ name, s string }{
		{"id", r.ID}, {"region", r.Region}, {"provider", r.Provider}, {"unit", r.Unit}, {"service", r.Service}, {"comment", r.Comment},
	} {
		switch {
		case !utf8.ValidString(f.s):
			return fmt.Errorf("survey: response %q: %s: %w", clip.Text(r.ID, 80), f.name, ErrInvalidUTF8)
		case !lim.FieldFits(len(f.s)):
			return fmt.Errorf("survey: response %q: %s: %w: %d bytes, over the reader's limit of %d (Limits.FieldBytes)", clip.Text(r.ID, 80), f.name, ErrSyntax, len(f.s), lim.FieldBytes)
		}
	}
	if len(r.Answers) > lim.Fields {
		return fmt.Errorf("survey: response %q: %w: %d answers, over the reader's limit of %d (Limits.Fields)", clip.Text(r.ID, 80), ErrMalformed, len(r.Answers), lim.Fields)
	}
	var items jsonstrict.Keys
	for _, a := range r.Answers {
		switch {
		case !utf8.ValidString(a.Item):
			return fmt.Errorf("survey: response %q: item %q: %w", clip.Text(r.ID, 80), clip.Text(a.Item, 80), ErrInvalidUTF8)
		case items.Add(a.Item):
			return fmt.Errorf("survey: response %q: item %q: %w", clip.Text(r.ID, 80), clip.Text(a.Item, 80), ErrDuplicateAnswer)
		}
	}
	return nil
}
