package survey

import (
	"encoding/json"
	"fmt"
	"github.com/palaute/palaute/internal/jsonstrict"
)

// field is one member of a JSON object: its key and its value as written.
type field struct {
	key   string
	value json.RawMessage
}

// maxAnswerKeys bounds the answers of one response decoded from JSON
// outside a Decoder (Answers.UnmarshalJSON): far more items than any
// instrument has.
const maxAnswerKeys = 4096

// maxJSONDepth bounds the nesting of a value inside an object's member.
const maxJSONDepth = 64

// errJSON is a JSON syntax problem at a byte offset of the object.
type errJSON struct {
	at   int
	want string
}

// Error gives the byte offset (from 1) and what was expected there.
func (e *errJSON) Error() string { return fmt.Sprintf("byte %d: want %s", e.at+1, e.want) }

// objectFields splits one JSON object into its members in order, in time
// linear in its length. It rejects what encoding/json would accept
// silently or not at all: a repeated key (ErrDuplicateKey), more than
// maxKeys members, and anything but white space after the object (a
// second object on the same line is an error, never dropped). Values are
// checked to be valid JSON; they are returned as written.
func objectFields(data []byte, maxKeys int) ([]field, error) {
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "a JSON object"})
	}
	i = skipSpace(data, i+1)
	var out []field
	var keys jsonstrict.Keys
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i == len(data) || data[i] != '"' {
				return nil, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "a key in double quotes"})
			}
			end, err := stringEnd(data, i)
			if err != nil {
				return nil, err
			}
			key, err := jsonKey(data[i:end])
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "a valid JSON string"})
			}
			if len(out) == maxKeys {
				return nil, fmt.Errorf("%w: more than %d keys", ErrSyntax, maxKeys)
			}
			if keys.Add(key) {
				return nil, fmt.Errorf("%w key %q", ErrDuplicateKey, clipped([]byte(key)))
			}
			i = skipSpace(data, end)
			if i == len(data) || data[i] != ':' {
				return nil, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "':' after the key"})
			}
			i = skipSpace(data, i+1)
			vend, err := valueEnd(data, i)
			if err != nil {
				return nil, err
			}
			out = append(out, field{key, json.RawMessage(data[i:vend])})
			i = skipSpace(data, vend)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			return nil, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "',' or '}'"})
		}
	}
	if j := skipSpace(data, i); j < len(data) {
		return nil, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{j, "nothing after the object (one object a line)"})
	}
	return out, nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the offset after the JSON string starting at i.
func stringEnd(data []byte, i int) (int, error) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{len(data), "the end of a string"})
}

// jsonKey decodes a JSON string key (the rule of jsonstrict.String).
func jsonKey(quoted []byte) (string, error) { return jsonstrict.String(quoted) }

// valueEnd returns the offset after the JSON value starting at i, having
// checked that the value is valid JSON.
func valueEnd(data []byte, i int) (int, error) {
	if i == len(data) {
		return 0, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "a value"})
	}
	end := i
	switch c := data[i]; {
	case c == '"':
		e, err := stringEnd(data, i)
		if err != nil {
			return 0, err
		}
		end = e
	case c == '{' || c == '[':
		depth := 0
		for end < len(data) {
			switch data[end] {
			case '"':
				e, err := stringEnd(data, end)
				if err != nil {
					return 0, err
				}
				end = e
				continue
			case '{', '[':
				if depth++; depth > maxJSONDepth {
					return 0, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{end, fmt.Sprintf("at most %d levels of nesting", maxJSONDepth)})
				}
			case '}', ']':
				depth--
			}
			end++
			if depth == 0 {
				break
			}
		}
		if depth != 0 {
			return 0, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{len(data), "the end of a nested value"})
		}
	default:
		for end < len(data) && !isDelimiter(data[end]) {
			end++
		}
	}
	if !json.Valid(data[i:end]) {
		return 0, fmt.Errorf("%w: %w", ErrSyntax, &errJSON{i, "a JSON value"})
	}
	return end, nil
}

func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}
