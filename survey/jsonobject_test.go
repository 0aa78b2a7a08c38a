package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestNDJSONNothingDropped: a line holding more than one object, or an
// object followed by anything but white space, is a malformed record with
// its line number, never a record whose rest is dropped; the lines around
// it are read; a byte order mark is skipped. The same on both read paths.
func TestNDJSONNothingDropped(t *testing.T) {
	lines := ndjsonOf(t, regular(14, 8))
	obj := func(i int) string { return strings.TrimSuffix(lines[i], "\n") }
	in := "\xEF\xBB\xBF" + lines[0] +
		obj(1) + "," + obj(2) + "\n" + // two objects, a comma between
		obj(3) + ";" + obj(4) + "\n" + // a semicolon
		obj(5) + obj(6) + "\n" + // nothing between
		obj(7) + " // kommentti\n" +
		obj(8) + " \t\r\n" + // white space after is fine
		lines[9]
	setup := func(d *Decoder) { d.Validator = fixture(t) }
	for _, asFile := range []bool{false, true} {
		o := readNDJSON(t, []byte(in), asFile, setup, 2, 64)
		if o.summary.Rows != 7 {
			t.Errorf("file %v: %d rows, want 7 (one a line)", asFile, o.summary.Rows)
		}
		malformed := 0
		for _, e := range o.errors {
			if strings.Contains(e, "malformed") || strings.Contains(e, "nothing after the object") {
				malformed++
			}
		}
		if malformed != 4 || o.summary.RejectedBy["malformed"] != 4 {
			t.Errorf("file %v: %d malformed (summary %v), want the 4 lines with more than one object: %q", asFile, malformed, o.summary.RejectedBy, o.errors)
		}
		for _, want := range []string{"line 2", "line 3", "line 4", "line 5"} {
			if !strings.Contains(strings.Join(o.errors, "\n"), want+" ") && !strings.Contains(strings.Join(o.errors, "\n"), want+":") {
				t.Errorf("file %v: no problem reported on %s: %q", asFile, want, o.errors)
			}
		}
	}
}

// TestObjectFieldsBounded: a line of 80 000 keys stops at the limit; a
// repeated key is found among 100 000 (past the point where a map takes
// over from comparing); answers have the same limit.
func TestObjectFieldsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 100_000 {
		fmt.Fprintf(&b, `"k%d":1,`, i)
	}
	b.WriteString(`"k99999":2}`)
	_, err := objectFields([]byte(b.String()), 4096)
	if err == nil || !strings.Contains(err.Error(), "more than 4096 keys") {
		t.Errorf("100 000 keys with a limit of 4096: %v", err)
	}
	_, err = objectFields([]byte(b.String()), 1<<30)
	if !errors.Is(err, ErrDuplicateKey) {
		t.Errorf("a key repeated after 100 000: %v, want ErrDuplicateKey", err)
	}
	var a strings.Builder
	for i := range 8000 {
		fmt.Fprintf(&a, `,"k%d":1`, i)
	}
	line := `{"id":"a","answers":{` + a.String()[1:] + "}}\n"
	o := readNDJSON(t, []byte(line), false, func(d *Decoder) { d.Validator = fixture(t) }, 1, 0)
	if len(o.errors) != 1 || len(o.errors[0]) > 1000 || !strings.Contains(o.errors[0], "more than 4096 keys") {
		t.Errorf("answers with 8000 keys: %d problems, %.300q", len(o.errors), o.errors)
	}
}

// FuzzObjectFields holds objectFields to encoding/json: what it accepts
// is a valid JSON object whose members (keys unique) it returns in order
// with their values as written; a valid object with unique keys and
// shallow values is accepted.
func FuzzObjectFields(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":"x","c":null}`, `{"a":{"b":[1,{"c":2}]}}`, `{"a":1},{"b":2}`,
		`{"a":1};{"b":2}`, `{"a":1}{"b":2}`, `{"a":1} x`, `{"a":1,"a":2}`, `{"\u0061":1,"a":2}`, ` {"a" : "\"}" } `,
		`{"a":tru}`, `{"a":01}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":[}`, `{"a":1,}`, `[1]`, `"x"`, "\xEF\xBB\xBF{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fields, err := objectFields(data, 64)
		var m map[string]json.RawMessage
		jerr := json.Unmarshal(data, &m)
		if err != nil {
			// Invalid UTF-8 (which encoding/json replaces) is refused on purpose.
			if jerr == nil && m != nil && len(m) <= 64 && utf8.Valid(data) && !deep(data) && !errors.Is(err, ErrDuplicateKey) {
				t.Fatalf("%q: rejected (%v), encoding/json accepts it", data, err)
			}
			return
		}
		if jerr != nil || m == nil {
			t.Fatalf("%q: accepted, encoding/json says %v", data, jerr)
		}
		if len(fields) != len(m) {
			t.Fatalf("%q: %d fields, encoding/json %d (a repeated key?)", data, len(fields), len(m))
		}
		for _, fl := range fields {
			var a, b bytes.Buffer
			json.Compact(&a, fl.value)
			json.Compact(&b, m[fl.key])
			if diff := cmp.Diff(b.String(), a.String()); diff != "" {
				t.Fatalf("%q: key %q: (-json +ours)\n%s", data, fl.key, diff)
			}
		}
	})
}

// deep reports whether data nests more than maxJSONDepth levels.
func deep(data []byte) bool {
	return bytes.Count(data, []byte("["))+bytes.Count(data, []byte("{")) > maxJSONDepth
}
