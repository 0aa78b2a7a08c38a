package survey

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NewNDJSONDecoder returns a decoder of NDJSON: one JSON object a line with
// the metadata fields of the canonical format and an "answers" object keyed
// by item ID. Answer values are integers, null (not answered) or codes
// named in [Mapping.CantSay] and [Mapping.NotAnswered]. Unknown keys are
// ignored and listed in the summary; repeated keys are an error. Blank
// lines are skipped.
func NewNDJSONDecoder(r io.Reader) *Decoder {
	return &Decoder{newSource: func(d *Decoder) (source, error) {
		l := d.Limits.scan()
		return &ndjsonSource{r: bufio.NewReaderSize(r, 64<<10), d: d, max: l.RecordBytes, maxField: l.FieldBytes, maxFields: l.Fields}, nil
	}}
}

type ndjsonSource struct {
	r                   *bufio.Reader
	d                   *Decoder
	line                int
	max                 int
	maxField, maxFields int
	buf                 []byte
	ignores             []string
}

func (s *ndjsonSource) ignored() []string { return s.ignores }

// readLine returns the next line without its newline, or tooLong if it
// exceeds the limit (the rest of the line is then skipped).
func (s *ndjsonSource) readLine() (line []byte, tooLong bool, err error) {
	s.buf = s.buf[:0]
	for {
		chunk, err := s.r.ReadSlice('\n')
		if len(s.buf)+len(chunk) > s.max+1 {
			tooLong = true
		} else {
			s.buf = append(s.buf, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && len(s.buf) == 0 && !tooLong:
			return nil, false, io.EOF
		case err != nil && err != io.EOF:
			return nil, false, err
		}
		return bytes.TrimRight(s.buf, "\r\n"), tooLong, nil
	}
}

func (s *ndjsonSource) next() (*rawRecord, *ValidationError, error) {
	for {
		line, tooLong, err := s.readLine()
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		if err != nil {
			return nil, nil, fmt.Errorf("survey: reading NDJSON: %w", err)
		}
		s.line++
		if tooLong {
			return nil, &ValidationError{Line: s.line, Err: ErrMalformed, Want: "a line of at most " + strconv.Itoa(s.max) + " bytes"}, nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return s.parse(line)
	}
}

func (s *ndjsonSource) parse(line []byte) (*rawRecord, *ValidationError, error) {
	fields, err := objectFields(line)
	if err != nil {
		return nil, &ValidationError{Line: s.line, Err: ErrMalformed, Want: "a JSON object: " + err.Error()}, nil
	}
	if len(fields) > s.maxFields {
		return nil, &ValidationError{Line: s.line, Err: ErrMalformed, Want: "at most " + strconv.Itoa(s.maxFields) + " keys"}, nil
	}
	raw := &rawRecord{line: s.line}
	fail := func(e *ValidationError) { raw.errs = append(raw.errs, e) }
	for _, f := range fields {
		name := s.d.Mapping.column(f.key)
		if name == "answers" {
			s.answers(raw, f.value, fail)
			continue
		}
		i := metaIndex(name)
		if i < 0 {
			if !slices.Contains(s.ignores, f.key) {
				s.ignores = append(s.ignores, f.key)
			}
			continue
		}
		str, err := s.text(f.value)
		if err != nil {
			fail(&ValidationError{Field: name, Value: clip(f.value), Err: err, Want: "a JSON string"})
			continue
		}
		raw.meta[i] = str
	}
	return raw, nil, nil
}

// text reads a JSON string (or null, read as empty).
func (s *ndjsonSource) text(v json.RawMessage) (string, error) {
	if string(v) == "null" {
		return "", nil
	}
	if !utf8.Valid(v) {
		return "", ErrInvalidUTF8
	}
	if len(v) > s.maxField+2 {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrSyntax, s.maxField)
	}
	var str string
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &str) != nil {
		return "", ErrSyntax
	}
	return str, nil
}

func (s *ndjsonSource) answers(raw *rawRecord, v json.RawMessage, fail func(*ValidationError)) {
	if string(v) == "null" {
		return
	}
	fields, err := objectFields(v)
	if err != nil {
		fail(&ValidationError{Field: "answers", Value: clip(v), Err: ErrSyntax, Want: "an object of item IDs to integers: " + err.Error()})
		return
	}
	for _, f := range fields {
		item := s.d.Mapping.column(f.key)
		switch {
		case string(f.value) == "null":
		case f.value[0] == '"':
			str, err := s.text(f.value)
			if err != nil {
				fail(&ValidationError{Item: item, Value: clip(f.value), Err: err})
				continue
			}
			raw.answers = append(raw.answers, rawAnswer{item, str})
		case f.value[0] == '-' || f.value[0] >= '0' && f.value[0] <= '9':
			raw.answers = append(raw.answers, rawAnswer{item, string(f.value)})
		default:
			fail(&ValidationError{Item: item, Value: clip(f.value), Err: ErrSyntax, Want: "an integer or null"})
		}
	}
}

// clip shortens a value for a message.
func clip(v []byte) string {
	s := strings.ToValidUTF8(string(v), "\uFFFD")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// NDJSONEncoder writes responses as NDJSON, one object a line, in the
// format [NewNDJSONDecoder] reads. Contact requests are not part of a
// [Response] and are never written.
type NDJSONEncoder struct {
	enc *json.Encoder
}

// NewNDJSONEncoder returns an encoder writing to w.
func NewNDJSONEncoder(w io.Writer) *NDJSONEncoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &NDJSONEncoder{enc: enc}
}

// Encode writes one response as a line.
func (e *NDJSONEncoder) Encode(r Response) error {
	if err := e.enc.Encode(r); err != nil {
		return fmt.Errorf("survey: encoding response %q: %w", r.ID, err)
	}
	return nil
}
