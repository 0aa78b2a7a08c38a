package csvscan

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
)

type rec struct {
	line   int
	fields []string
	err    error
}

func scanAll(t testing.TB, in string, comma byte, lim Limits) []rec {
	s := New(strings.NewReader(in), comma, lim)
	var out []rec
	for i := 0; ; i++ {
		if i > len(in)+10 {
			t.Fatalf("scanner does not advance on %q", in)
		}
		fields, line, err := s.Scan()
		if err == io.EOF {
			return out
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		r := rec{line: line, err: err}
		if err == nil {
			for _, f := range fields {
				r.fields = append(r.fields, string(f))
			}
		} else {
			r.err = re.Err
			if re.Line != line {
				t.Fatalf("RecordError.Line %d, Scan line %d", re.Line, line)
			}
		}
		out = append(out, r)
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []rec
	}{
		{"simple", "a,b\n1,2\n", []rec{{1, []string{"a", "b"}, nil}, {2, []string{"1", "2"}, nil}}},
		{"no final newline, CRLF, BOM", "\xEF\xBB\xBFa,b\r\n1,2", []rec{{1, []string{"a", "b"}, nil}, {2, []string{"1", "2"}, nil}}},
		{"quotes, commas, newlines", "x,\"he said \"\"hi\"\", then\r\nleft\"\n\"\",end\n", []rec{{1, []string{"x", "he said \"hi\", then\r\nleft"}, nil}, {3, []string{"", "end"}, nil}}},
		{"blank lines skipped", "\n\na\n\n\"\"\n", []rec{{3, []string{"a"}, nil}, {5, []string{""}, nil}}},
		{"empty fields", ",,\n", []rec{{1, []string{"", "", ""}, nil}}},
		{"bare quote costs one line", "a,b\"c\n1,2\n", []rec{{1, nil, ErrBareQuote}, {2, []string{"1", "2"}, nil}}},
		{"text after closing quote", "\"a\"b,c\n1\n", []rec{{1, nil, ErrQuote}, {2, []string{"1"}, nil}}},
		{"unterminated quote resumes on next line", "1,\"open\n2,ok\n3,ok\n", []rec{{1, nil, ErrUnterminated}, {2, []string{"2", "ok"}, nil}, {3, []string{"3", "ok"}, nil}}},
		{"semicolon", "a;\"b;c\"\n", []rec{{1, []string{"a", "b;c"}, nil}}},
		{"lone CR kept", "a\rb,c\n", []rec{{1, []string{"a\rb", "c"}, nil}}},
	}
	for _, tt := range tests {
		comma := byte(',')
		if tt.name == "semicolon" {
			comma = ';'
		}
		got := scanAll(t, tt.in, comma, Limits{})
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			g, w := got[i], tt.want[i]
			if g.line != w.line || !errors.Is(g.err, w.err) && g.err != w.err || strings.Join(g.fields, "|") != strings.Join(w.fields, "|") || len(g.fields) != len(w.fields) {
				t.Errorf("%s: record %d = %+v, want %+v", tt.name, i, g, w)
			}
		}
	}
}

func TestLimits(t *testing.T) {
	lim := Limits{FieldBytes: 8, Fields: 3, RecordBytes: 32}
	in := "ok,1\n123456789,x\na,b,c,d\n\"" + strings.Repeat("y", 40) + "\"\nlast,1\n" + strings.Repeat("z", 100) + "\nend\n"
	got := scanAll(t, in, ',', lim)
	want := []rec{
		{1, []string{"ok", "1"}, nil},
		{2, nil, ErrFieldTooLong},
		{3, nil, ErrTooManyFields},
		{4, nil, ErrFieldTooLong},
		{5, []string{"last", "1"}, nil},
		{6, nil, ErrFieldTooLong},
		{7, []string{"end"}, nil},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].line != want[i].line || !errors.Is(got[i].err, want[i].err) || strings.Join(got[i].fields, "|") != strings.Join(want[i].fields, "|") {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// A record over RecordBytes whose fields are each small.
	got = scanAll(t, "a,b\n\"1\n2\n3\n4\n5\n6\n7\n8\n9\n0\n1\n2\n3\n4\n5\n6\"\nz\n", ',', Limits{RecordBytes: 16, FieldBytes: 100})
	if len(got) < 2 || !errors.Is(got[1].err, ErrRecordTooLong) || got[1].line != 2 || got[len(got)-1].fields[0] != "z" {
		t.Errorf("record limit: %+v", got)
	}
}

// TestAdversarialIsLinear scans inputs designed to make a naive recovery
// quadratic: many lines opening quotes that never close. With linear
// recovery these take milliseconds; a quadratic one would run for hours and
// time the test out.
func TestAdversarialIsLinear(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 4<<20 {
		b.WriteString("\"abc,def\n")
	}
	n := 0
	s := New(bytes.NewReader(b.Bytes()), ',', Limits{})
	for {
		_, _, err := s.Scan()
		if err == io.EOF {
			break
		}
		n++
	}
	if n == 0 {
		t.Fatal("no records")
	}
	b.Reset()
	for b.Len() < 4<<20 {
		b.WriteString("x,\"\"\"\"\"\"\"\"\"\"y\n") // pairs of quotes, never a lone one
	}
	s = New(bytes.NewReader(b.Bytes()), ',', Limits{FieldBytes: 1 << 10})
	for {
		if _, _, err := s.Scan(); err == io.EOF {
			break
		}
	}
}

// FuzzScan checks, for any input, that the scanner never panics, always
// advances, and agrees with encoding/csv (an independent implementation)
// on every record up to the first malformed one.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"a\"\"b\",c\n", "x,\"y\nz\"\n", "\"open\n1,2\n", "a\"b\n", "\n\n,\n", "\"\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got := scanAll(t, string(in), ',', Limits{})
		if bytes.ContainsAny(in, "\r") || bytes.HasPrefix(in, []byte("\xEF\xBB\xBF")) {
			return // encoding/csv neither strips BOMs nor treats \r as we do
		}
		r := csv.NewReader(bytes.NewReader(in))
		r.FieldsPerRecord = -1
		for i := 0; ; i++ {
			want, err := r.Read()
			if err == io.EOF {
				if i != len(got) {
					t.Fatalf("encoding/csv read %d records, scanner %d", i, len(got))
				}
				return
			}
			if i >= len(got) {
				t.Fatalf("scanner ended after %d records; encoding/csv has %q, %v", i, want, err)
			}
			if err != nil {
				if got[i].err == nil {
					t.Fatalf("record %d: encoding/csv error %v, scanner read %q", i, err, got[i].fields)
				}
				return
			}
			line, _ := r.FieldPos(0)
			if got[i].err != nil || strings.Join(got[i].fields, "\x00") != strings.Join(want, "\x00") || got[i].line != line {
				t.Fatalf("record %d: scanner %+v, encoding/csv %q at line %d", i, got[i], want, line)
			}
		}
	})
}
