package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
		path string
	}{
		{`{"a":1,"b":[{"c":"d"}]}`, nil, ""},
		{`{"a":1,"a":2}`, ErrDuplicateKey, ""},
		{`{"item":[{"answer":[{"valueString":"x","valueString":"y"}]}]}`, ErrDuplicateKey, "item[0].answer[0]"},
		{"{\"a\":\"\xff\"}", ErrInvalidUTF8, "a"},
		{`{"a":"\ud800"}`, ErrInvalidUTF8, "a"},
		{`{"a":"\udc00\ud800"}`, ErrInvalidUTF8, "a"},
		{`{"a":"\ud83d\ude00"}`, nil, ""},
		{`{"a":1} {"b":2}`, ErrTrailing, ""},
		{`{"a":1}` + "\n\t ", nil, ""},
		{`{"a":}`, ErrSyntax, "a"},
		{`{"a":1,}`, ErrSyntax, ""},
		{`[1,2,]`, ErrSyntax, "[2]"},
		{strings.Repeat("[", 11) + strings.Repeat("]", 11), ErrTooDeep, "[0][0][0][0][0][0][0][0]…"},
		{strings.Repeat("[", 10) + strings.Repeat("]", 10), nil, ""},
	} {
		err := Check([]byte(tc.in), Limits{Depth: 10})
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("%q: got %v, want %v", tc.in, err, tc.want)
			continue
		}
		var e *Error
		if errors.As(err, &e) && e.Path != tc.path {
			t.Errorf("%q: path %q, want %q", tc.in, e.Path, tc.path)
		}
	}
}

// TestCheckLinear: the cost of a deep or wide input grows with its size,
// and the error's path does not.
func TestElements(t *testing.T) {
	for in, ok := range map[string]bool{`[1,2,3]`: true, `[1,2,3,4]`: false, `{"a":1,"b":2,"c":3}`: true, `{"a":1,"b":2,"c":3,"d":4}`: false, `[[1,2,3],{"a":[]}]`: true} {
		err := Check([]byte(in), Limits{Depth: 5, Elements: 3})
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrTooMany)) {
			t.Errorf("%s: %v", in, err)
		}
	}
	if err := Check([]byte(`[[],{},[{}]]`), Limits{Depth: 5, Containers: 4}); !errors.Is(err, ErrTooMany) {
		t.Errorf("5 containers: %v", err)
	}
	if err := Check([]byte(`[[],{},[]]`), Limits{Depth: 5, Containers: 4}); err != nil {
		t.Errorf("4 containers: %v", err)
	}
	keys, err := ObjectKeys([]byte(` {"b": {"x":1}, "a": [1, "}"], "c\u00e4": null} `))
	if err != nil || strings.Join(keys, ",") != "b,a,cä" {
		t.Errorf("keys %q %v", keys, err)
	}
}

func TestFoldKeys(t *testing.T) {
	for in, repeated := range map[string]bool{
		`{"status":1,"Status":2}`: true, `{"item":1,"ITEM":2}`: true, `{"k":1,"\u212a":2}`: true, `{"s":1,"ſ":2}`: true,
		`{"a":1,"b":2}`: false, `{"ä":1,"Ä":2}`: true, `{"valueString":1,"valuestring":2}`: true,
	} {
		err := Check([]byte(in), Limits{Depth: 5, FoldKeys: true})
		if errors.Is(err, ErrDuplicateKey) != repeated {
			t.Errorf("%s: %v", in, err)
		}
	}
}

func TestCheckPathBounded(t *testing.T) {
	deep := strings.Repeat(`{"item":[`, 5000) + `"\xff"` + strings.Repeat("]}", 5000)
	err := Check([]byte(deep), Limits{Depth: 20000})
	var e *Error
	if !errors.As(err, &e) || len(e.Error()) > 200 {
		t.Fatalf("%d bytes: %.300v", len(e.Error()), err)
	}
}

// FuzzCheck: what Check accepts encoding/json accepts, and reads without
// replacing anything by U+FFFD; what encoding/json accepts with valid
// UTF-8, no escapes and shallow nesting, Check refuses only for a
// repeated key.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":1,"a":2}`, `[{"a":"\u00e4"},"\ud800"]`, "\"\xff\"", `{"a":{"b":[1,2,{"c":null}]}} x`, `  true `, `-1.5e3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		err := Check(in, Limits{Depth: 64})
		if err == nil {
			if !json.Valid(in) {
				t.Fatalf("%q accepted, encoding/json refuses it", in)
			}
			var v any
			json.Unmarshal(in, &v)
			out, _ := json.Marshal(v)
			if bytes.Contains(out, []byte("\uFFFD")) && !bytes.Contains(in, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(in), []byte(`\ufffd`)) {
				t.Fatalf("%q accepted, read with U+FFFD", in)
			}
			return
		}
		if json.Valid(in) && utf8.Valid(in) && !bytes.Contains(in, []byte(`\`)) && bytes.Count(in, []byte("["))+bytes.Count(in, []byte("{")) < 64 && !errors.Is(err, ErrDuplicateKey) {
			t.Fatalf("%q refused: %v", in, err)
		}
	})
}
