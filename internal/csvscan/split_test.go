package csvscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// FuzzSplit holds the fast splitter to the scanner: on any input, every
// record SplitRecord reads before its first ErrIrregular has the fields
// and the line number the scanner gives it (blank lines skipped, as both
// readers do).
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"a\"\"b\",c\r\n", "x,\"y\nz\"\n", "\"open\n1,2\n", "a\"b\n", "\n\n,\n", "\"\"\n", "a,b\r\nc,\"d\r\ne\"\r\n", "x\ry,z\n"} {
		f.Add([]byte(s))
	}
	lim := Limits{FieldBytes: 64, Fields: 8, RecordBytes: 256}
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.HasPrefix(in, []byte("\xEF\xBB\xBF")) {
			return // the scanner skips a byte order mark; callers of SplitRecord do
		}
		want := scanAll(t, string(in), ',', lim)
		var fields [][]byte
		var scratch []byte
		pos, line, rec := 0, 1, 0
		for pos < len(in) {
			var next, lines int
			var quoted bool
			var err error
			fields, next, lines, quoted, err = SplitRecordInto(fields, &scratch, in, pos, ',', lim)
			if errors.Is(err, ErrIrregular) {
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if next <= pos {
				t.Fatalf("no progress at %d", pos)
			}
			recLine := line
			pos, line = next, line+lines
			if len(fields) == 1 && len(fields[0]) == 0 && !quoted {
				continue
			}
			if rec >= len(want) {
				t.Fatalf("split read record %d (%q), the scanner only %d", rec, fields, len(want))
			}
			w := want[rec]
			var got []string
			for _, f := range fields {
				got = append(got, string(f))
			}
			if w.err != nil || strings.Join(got, "\x00") != strings.Join(w.fields, "\x00") || w.line != recLine {
				t.Fatalf("record %d: split %q at line %d, scanner %+v", rec, got, recLine, w)
			}
			rec++
		}
	})
}

// FuzzSplitFields: the eight-bytes-at-a-time split equals bytes.Split.
func FuzzSplitFields(f *testing.F) {
	f.Add([]byte("a,b,,c,dddddddddd,eeeeeeeee,"), byte(','))
	f.Add([]byte(",,,,,,,,,,,,,,,,,"), byte(','))
	f.Add([]byte("x;y;\xff\x2c\x00;z"), byte(';'))
	f.Fuzz(func(t *testing.T, line []byte, comma byte) {
		got := SplitFields(nil, line, comma)
		want := bytes.Split(line, []byte{comma})
		if len(got) != len(want) {
			t.Fatalf("%q: %d fields, want %d", line, len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%q: field %d %q, want %q", line, i, got[i], want[i])
			}
		}
	})
}

// BenchmarkSplitRecord measures splitting one regular record into fields.
func BenchmarkSplitRecord(b *testing.B) {
	line := []byte("s00000001,2025-01-08T12:28:18+02:00,thl-adult/2022,keski-suomi,keski-suomi-p-yksityinen,u022,kotihoito,sms,client,fi,9,3,3,3,4,4,4,,,\n")
	var fields [][]byte
	var scratch []byte
	lim := Limits{}.WithDefaults()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		fields, _, _, _, _ = SplitRecordInto(fields, &scratch, line, 0, ',', lim)
	}
}

// TestOffsetAndResume: Offset gives where each record starts, and a
// scanner resumed there with its line reads the same record.
func TestOffsetAndResume(t *testing.T) {
	in := "\xEF\xBB\xBFa,b\n\n1,\"x\ny\"\r\nbad\"q\n3,4\n"
	s := New(strings.NewReader(in), ',', Limits{})
	for {
		fields, line, err := s.Scan()
		if err == io.EOF {
			break
		}
		if err != nil {
			continue
		}
		off := s.Offset()
		r := New(strings.NewReader(in[off:]), ',', Limits{})
		r.Resume(line)
		got, gotLine, err := r.Scan()
		if err != nil || gotLine != line || fmt.Sprint(got) != fmt.Sprint(fields) {
			t.Errorf("record at %d (line %d, %q): resumed %q at line %d, %v", off, line, fields, got, gotLine, err)
		}
	}
}
