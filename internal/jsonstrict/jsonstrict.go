// Package jsonstrict holds the rules palaute's JSON readers share beyond
// what encoding/json checks: no key repeated in an object (encoding/json
// takes the last), text valid UTF-8 (encoding/json replaces invalid bytes
// and lone surrogate escapes with U+FFFD), a bounded nesting depth, and
// nothing after the value. survey's NDJSON reader and survey/fhir's
// importer call the same code, so a rule is written once.
package jsonstrict

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The problems Check reports; an *Error wraps one.
var (
	ErrSyntax       = errors.New("not valid JSON")
	ErrDuplicateKey = errors.New("repeated key")
	ErrInvalidUTF8  = errors.New("text is not valid UTF-8")
	ErrTooDeep      = errors.New("nested too deep")
	ErrTrailing     = errors.New("data after the value")
)

// Error is a problem at a byte offset of the input, inside the element
// at Path (JSON member names and array indexes from the top, such as
// "item[2].answer[0]"; empty for the top level; cut at 8 levels).
type Error struct {
	Offset int
	Path   string
	Key    string // the key repeated, for ErrDuplicateKey
	Err    error
	Detail string // what was expected
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "byte %d", e.Offset+1)
	if e.Path != "" {
		b.WriteString(" (" + e.Path + ")")
	}
	b.WriteString(": " + e.Err.Error())
	if e.Key != "" {
		b.WriteString(" " + strconv.Quote(e.Key))
	}
	if e.Detail != "" {
		b.WriteString(" " + e.Detail)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Keys finds repeated keys among an object's members: in a slice while
// they are few, in a map once there are many (so that an object of many
// keys costs linear time). With Fold set, keys that differ only in case
// (as encoding/json matches them to a field: "status" and "Status", the
// Kelvin sign and "k") are repeats too.
type Keys struct {
	Fold bool
	few  []string
	many map[string]bool
}

// fold returns key with each letter as the smallest of its case-folding
// orbit (unicode.SimpleFold), so that keys equal under case folding are
// equal.
func fold(key string) string {
	var b strings.Builder
	for _, r := range key {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}

// Add adds key and reports whether it was there already.
func (k *Keys) Add(key string) (repeated bool) {
	if k.Fold {
		key = fold(key)
	}
	if k.many != nil {
		if k.many[key] {
			return true
		}
		k.many[key] = true
		return false
	}
	for _, f := range k.few {
		if f == key {
			return true
		}
	}
	k.few = append(k.few, key)
	if len(k.few) > 16 {
		k.many = make(map[string]bool, 64)
		for _, f := range k.few {
			k.many[f] = true
		}
	}
	return false
}

// String decodes a JSON string (with its quotes), refusing invalid UTF-8
// and escapes of lone surrogates, which encoding/json would turn into
// U+FFFD silently.
func String(quoted []byte) (string, error) {
	if len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
		return "", ErrSyntax
	}
	body := quoted[1 : len(quoted)-1]
	plain := true
	for _, c := range body {
		if c == '\\' || c < 0x20 || c == '"' {
			plain = false
			break
		}
	}
	if !utf8.Valid(body) {
		return "", ErrInvalidUTF8
	}
	if plain {
		return string(body), nil
	}
	if err := surrogates(body); err != nil {
		return "", err
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return "", ErrSyntax
	}
	return s, nil
}

// surrogates refuses \u escapes of surrogates that do not pair.
func surrogates(body []byte) error {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		i++
		if i >= len(body) || body[i] != 'u' {
			continue
		}
		r, ok := hex4(body[i+1:])
		if !ok {
			return ErrSyntax
		}
		i += 4
		if !utf16.IsSurrogate(rune(r)) {
			continue
		}
		if r >= 0xDC00 || i+7 > len(body) || body[i+1] != '\\' || body[i+2] != 'u' {
			return ErrInvalidUTF8
		}
		r2, ok := hex4(body[i+3:])
		if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
			return ErrInvalidUTF8
		}
		i += 6
	}
	return nil
}

func hex4(b []byte) (uint16, bool) {
	if len(b) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return uint16(v), err == nil
}

// Limits bound what Check accepts.
type Limits struct {
	Depth      int  // levels of objects and arrays
	Elements   int  // members of one object or elements of one array; zero means no limit
	Containers int  // objects and arrays in all; zero means no limit
	FoldKeys   bool // keys that differ only in case are repeats (see Keys.Fold)
}

// ErrTooMany reports an object or array over Limits.Elements.
var ErrTooMany = errors.New("too many elements")

// Check checks that data is one JSON value, then only white space, with
// no key repeated in any object, its text valid UTF-8 and its objects and
// arrays within the limits. It reports the first problem found, in time
// linear in len(data).
func Check(data []byte, lim Limits) error {
	c := checker{data: data, maxDepth: lim.Depth, maxElements: lim.Elements, maxContainers: lim.Containers, foldKeys: lim.FoldKeys}
	i, err := c.value(skip(data, 0), 0)
	if err != nil {
		return err
	}
	if j := skip(data, i); j < len(data) {
		return &Error{Offset: j, Err: ErrTrailing}
	}
	return nil
}

// maxPath is how many levels a path names; deeper ones are elided, so
// that a report does not grow with the depth of the input.
const maxPath = 8

type checker struct {
	data          []byte
	maxDepth      int
	maxElements   int
	maxContainers int
	containers    int
	foldKeys      bool
	path          []string // the members and indexes above the value checked
}

func (c *checker) fail(at int, err error, detail string) error {
	p := c.path
	var b strings.Builder
	for k, s := range p {
		if k == maxPath {
			b.WriteString("…")
			break
		}
		if k > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return &Error{Offset: at, Path: b.String(), Err: err, Detail: detail}
}

func skip(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// value checks the value at i and returns the offset after it.
func (c *checker) value(i, depth int) (int, error) {
	d := c.data
	if i >= len(d) {
		return 0, c.fail(i, ErrSyntax, "want a value")
	}
	switch d[i] {
	case '{', '[':
		if depth == c.maxDepth {
			return 0, c.fail(i, ErrTooDeep, fmt.Sprintf("(at most %d levels)", c.maxDepth))
		}
		if c.containers++; c.containers > c.maxContainers && c.maxContainers > 0 {
			return 0, c.fail(i, ErrTooMany, fmt.Sprintf("(at most %d objects and arrays in all)", c.maxContainers))
		}
		if d[i] == '{' {
			return c.object(i, depth+1)
		}
		return c.array(i, depth+1)
	case '"':
		end, err := c.str(i)
		return end, err
	}
	end := i
	for end < len(d) && !strings.ContainsRune(",}] \t\r\n", rune(d[end])) {
		end++
	}
	if !json.Valid(d[i:end]) {
		return 0, c.fail(i, ErrSyntax, "want a value")
	}
	return end, nil
}

// str checks the string at i and returns the offset after it.
func (c *checker) str(i int) (int, error) {
	d := c.data
	for j := i + 1; j < len(d); j++ {
		switch d[j] {
		case '\\':
			j++
		case '"':
			if _, err := String(d[i : j+1]); err != nil {
				return 0, c.fail(i, err, "")
			}
			return j + 1, nil
		}
	}
	return 0, c.fail(len(d), ErrSyntax, "want the end of a string")
}

func (c *checker) object(i, depth int) (int, error) {
	d := c.data
	i = skip(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	keys := Keys{Fold: c.foldKeys}
	for n := 1; ; n++ {
		if n > c.maxElements && c.maxElements > 0 {
			return 0, c.fail(i, ErrTooMany, fmt.Sprintf("(at most %d members)", c.maxElements))
		}
		if i >= len(d) || d[i] != '"' {
			return 0, c.fail(i, ErrSyntax, "want a key in double quotes")
		}
		end, err := c.str(i)
		if err != nil {
			return 0, err
		}
		key, _ := String(d[i:end])
		if keys.Add(key) {
			e := c.fail(i, ErrDuplicateKey, "")
			e.(*Error).Key = clip(key)
			return 0, e
		}
		i = skip(d, end)
		if i >= len(d) || d[i] != ':' {
			return 0, c.fail(i, ErrSyntax, "want ':' after the key")
		}
		c.path = append(c.path, clip(key))
		i, err = c.value(skip(d, i+1), depth)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return 0, err
		}
		i = skip(d, i)
		if i < len(d) && d[i] == ',' {
			i = skip(d, i+1)
			continue
		}
		if i < len(d) && d[i] == '}' {
			return i + 1, nil
		}
		return 0, c.fail(i, ErrSyntax, "want ',' or '}'")
	}
}

func (c *checker) array(i, depth int) (int, error) {
	d := c.data
	i = skip(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		if n == c.maxElements && c.maxElements > 0 {
			return 0, c.fail(i, ErrTooMany, fmt.Sprintf("(at most %d elements)", c.maxElements))
		}
		c.path = append(c.path, "["+strconv.Itoa(n)+"]")
		var err error
		i, err = c.value(i, depth)
		c.path = c.path[:len(c.path)-1]
		if err != nil {
			return 0, err
		}
		i = skip(d, i)
		if i < len(d) && d[i] == ',' {
			i = skip(d, i+1)
			continue
		}
		if i < len(d) && d[i] == ']' {
			return i + 1, nil
		}
		return 0, c.fail(i, ErrSyntax, "want ',' or ']'")
	}
}

// clip shortens a key for a message.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	n := 64
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ObjectKeys returns the keys of the members of the object data, in the order
// written. data must have passed Check (or encoding/json); Keys reports a
// syntax error otherwise.
func ObjectKeys(data []byte) ([]string, error) {
	c := checker{data: data, maxDepth: 1 << 30}
	i := skip(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, c.fail(i, ErrSyntax, "want an object")
	}
	i = skip(data, i+1)
	var out []string
	if i < len(data) && data[i] == '}' {
		return nil, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, c.fail(i, ErrSyntax, "want a key in double quotes")
		}
		end, err := c.str(i)
		if err != nil {
			return nil, err
		}
		key, _ := String(data[i:end])
		out = append(out, key)
		i = skip(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, c.fail(i, ErrSyntax, "want ':' after the key")
		}
		if i, err = c.value(skip(data, i+1), 1); err != nil {
			return nil, err
		}
		i = skip(data, i)
		if i < len(data) && data[i] == ',' {
			i = skip(data, i+1)
			continue
		}
		if i < len(data) && data[i] == '}' {
			return out, nil
		}
		return nil, c.fail(i, ErrSyntax, "want ',' or '}'")
	}
}
