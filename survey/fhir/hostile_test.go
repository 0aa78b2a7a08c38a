package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// goldenJSON is the golden response as a client writes it (indented, so
// that textual edits stay readable).
func goldenJSON(t testing.TB) string {
	b, err := json.MarshalIndent(response(t), "", " ")
	require.NoError(t, err)
	return string(b)
}

// TestStrictJSON: what encoding/json would take silently (the last of a
// repeated key, text with invalid UTF-8 or lone surrogates replaced by
// U+FFFD) and an answer with two values are refused, with an
// OperationOutcome naming where, alone and in a Bundle.
func TestStrictJSON(t *testing.T) {
	golden := goldenJSON(t)
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	for _, tc := range []struct {
		name, in string
		code     string // of the problem
		where    string // the issue's expression
	}{
		{"repeated status", strings.Replace(golden, `"status": "completed"`, `"status": "entered-in-error", "status": "completed"`, 1),
			"duplicate-key", "QuestionnaireResponse.status"},
		{"repeated status in another case", strings.Replace(golden, `"status": "completed"`, `"status": "completed", "Status": "entered-in-error"`, 1),
			"duplicate-key", "QuestionnaireResponse.Status"},
		{"repeated item", strings.Replace(golden, `"item": [`, `"item": [], "item": [`, 1),
			"duplicate-key", "QuestionnaireResponse.item"},
		{"repeated linkId", strings.Replace(golden, `"linkId": "access"`, `"linkId": "safety", "linkId": "access"`, 1),
			"duplicate-key", "QuestionnaireResponse.item[1].linkId"},
		{"two values", strings.Replace(golden, `"valueCoding": {`, `"valueInteger": 1, "valueCoding": {`, 1),
			"malformed", "QuestionnaireResponse.item[0].answer[0]"},
		{"two values of other types", strings.Replace(golden, `"valueCoding": {`, `"valueDate": "2025-01-01", "valueBoolean": true, "valueX": {`, 1),
			"malformed", "QuestionnaireResponse.item[0].answer[0]"},
		{"invalid UTF-8", strings.Replace(golden, "Tack", "T\xffck", 1),
			"invalid-utf8", "QuestionnaireResponse.item[4].answer[0].valueString"},
		{"lone surrogate", strings.Replace(golden, "Tack", `T\ud800ck`, 1),
			"invalid-utf8", "QuestionnaireResponse.item[4].answer[0].valueString"},
		{"two resources", golden + golden, "malformed", "QuestionnaireResponse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, golden, tc.in, "the edit did not apply")
			_, err := im.Import([]byte(tc.in))
			var re *survey.RowError
			require.ErrorAs(t, err, &re)
			require.True(t, re.Rejected, "%v", err)
			var codes []string
			for _, p := range re.Problems() {
				codes = append(codes, survey.Code(p))
			}
			require.Contains(t, codes, tc.code, "%v", err)
			oo := im.Outcome(err, i18n.Finnish)
			found := false
			for _, is := range oo.Issue {
				if len(is.Expression) > 0 && is.Expression[0] == tc.where {
					found = true
					require.Equal(t, "error", is.Severity)
				}
			}
			require.True(t, found, "no issue at %s: %+v", tc.where, oo.Issue)

			// The same response in a Bundle: its entry is rejected,
			// the one after it kept.
			other := strings.Replace(golden, "r-2025", "other-2025", 1)
			bundle := `{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": ` + tc.in + `}, {"resource": ` + other + `}]}`
			if tc.name == "two resources" {
				bundle = strings.Replace(bundle, `"resource": `+tc.in, `"resource": `+golden+`, "x": `+golden, 1)
				bundle = strings.Replace(bundle, `"x"`, `"resource"`, 1)
			}
			ok, rejected := 0, 0
			for _, err := range im.Bundle(strings.NewReader(bundle)) {
				var re *survey.RowError
				switch {
				case err == nil:
					ok++
				case errors.As(err, &re):
					rejected++
				default:
					t.Fatalf("fatal: %v", err)
				}
			}
			require.Equal(t, [2]int{1, 1}, [2]int{ok, rejected})
		})
	}
}

// TestBundleEndsAtItsEnd: data after the Bundle (cat a.json b.json) is
// an error naming the line, after the first Bundle's entries.
func TestBundleEndsAtItsEnd(t *testing.T) {
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	a, _ := bundle(t, 2, -1)
	for _, tc := range []struct{ name, after string }{
		{"a second Bundle", "\n" + string(a)},
		{"a stray bracket", "\n\n]"},
		{"text", " x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append(append([]byte{}, a...), tc.after...)
			ok := 0
			var fatal error
			for _, err := range im.Bundle(bytes.NewReader(in)) {
				if err == nil {
					ok++
					continue
				}
				fatal = err
			}
			require.Equal(t, 2, ok)
			require.ErrorIs(t, fatal, ErrBundle)
			line := bytes.Count(a, []byte("\n")) + 1 + strings.Count(tc.after[:len(tc.after)-len(strings.TrimLeft(tc.after, " \n"))], "\n")
			require.Contains(t, fatal.Error(), fmt.Sprintf("line %d", line))
		})
	}
	// Trailing white space is fine.
	n := 0
	for _, err := range im.Bundle(bytes.NewReader(append(a, " \r\n\n"...))) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 2, n)
	// A repeated key of the Bundle: the second entry list would replace
	// the first.
	var fatal error
	for _, err := range im.Bundle(strings.NewReader(`{"resourceType": "Bundle", "entry": [], "entry": []}`)) {
		fatal = err
	}
	require.ErrorIs(t, fatal, ErrBundle)
	require.Contains(t, fatal.Error(), "Bundle.entry repeated")
}

// hostile makes the requests of the worst kinds found, of about size
// bytes: items nested as deep as the size allows, many flat empty items,
// one item with many answers, many items with unknown link IDs.
func hostile(kind string, size int) []byte {
	head := `{"resourceType":"QuestionnaireResponse","status":"completed","questionnaire":"https://github.com/palaute/palaute/fhir/Questionnaire/vasa-halsostation|1",`
	var b strings.Builder
	b.WriteString(head)
	switch kind {
	case "deep":
		const open, close = `"item":[{"linkId":"x",`, `}]`
		n := (size - len(head)) / (len(open) + len(close))
		b.WriteString(strings.Repeat(open, n))
		b.WriteString(`"text":"y"`)
		b.WriteString(strings.Repeat(close, n))
	case "flat-empty":
		n := (size - len(head)) / 3
		b.WriteString(`"item":[{}` + strings.Repeat(`,{}`, n) + `]`)
	case "many-answers":
		const a = `{"valueCoding":{"code":"x"}},`
		n := (size - len(head)) / len(a)
		b.WriteString(`"item":[{"linkId":"recommend","answer":[` + strings.Repeat(a, n) + `{}]}]`)
	case "answer-grid":
		// Items and answers as many as the limits let through: every
		// item with 999 empty answers.
		per := `{"linkId":"recommend","answer":[{}` + strings.Repeat(`,{}`, 998) + `]},`
		n := (size - len(head)) / len(per)
		b.WriteString(`"item":[` + strings.Repeat(per, n) + `{}]`)
	case "nested-wide":
		// Nesting within the depth limit, each level 10 items wide.
		var level func(d int) string
		level = func(d int) string {
			if d == 0 {
				return `{"linkId":"x"}`
			}
			inner := level(d - 1)
			return `{"linkId":"x","item":[` + strings.Repeat(inner+",", 9) + inner + `]}`
		}
		d := 1
		for len(level(d+1)) < size-len(head)-20 && d < 12 {
			d++
		}
		b.WriteString(`"item":[` + level(d) + `]`)
	case "long-comment":
		b.WriteString(`"item":[{"linkId":"palaute.comment","answer":[{"valueString":"` + strings.Repeat("ä", (size-len(head))/2-60) + `"}]}]`)
	case "unknown-items":
		n := (size - len(head)) / 40
		b.WriteString(`"item":[`)
		for i := range n {
			fmt.Fprintf(&b, `{"linkId":"q%08d","answer":[{"valueX":1}]},`, i)
		}
		b.WriteString(`{}]`)
	}
	b.WriteString("}")
	return []byte(b.String())
}

var hostileKinds = []string{"deep", "flat-empty", "many-answers", "answer-grid", "nested-wide", "long-comment", "unknown-items"}

// reply is what a server answers an import with: the OperationOutcome.
func reply(im *Importer, data []byte) []byte {
	_, err := im.Import(data)
	b, _ := json.Marshal(im.Outcome(err, i18n.Finnish))
	return b
}

// TestHostileRequestsBounded: the worst requests constructed are
// refused with a reply of at most MaxProblems issues and a size that does
// not grow with the request. (Their cost in time and memory is measured
// by BenchmarkHostile; TestHostileFigures prints a table.)
func TestHostileRequestsBounded(t *testing.T) {
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}, MaxBytes: 1 << 20}
	for _, kind := range hostileKinds {
		var sizes []int
		for _, size := range []int{4 << 10, 64 << 10, 1<<20 - 1<<10} {
			data := hostile(kind, size)
			_, err := im.Import(data)
			var re *survey.RowError
			require.ErrorAs(t, err, &re, kind)
			require.True(t, re.Rejected)
			oo := im.Outcome(err, i18n.Finnish)
			require.LessOrEqual(t, len(oo.Issue), MaxProblems+1, kind)
			r := reply(im, data)
			require.Less(t, len(r), 64<<10, "%s of %d bytes: a reply of %d bytes", kind, len(data), len(r))
			for _, is := range oo.Issue {
				for _, x := range is.Expression {
					require.Less(t, len(x), 512, "%s: an expression of %d bytes", kind, len(x))
				}
			}
			sizes = append(sizes, len(r))
		}
		t.Logf("%s: replies of %v bytes", kind, sizes)
	}
}

// TestProblemsCapped: a response with more problems than MaxProblems
// lists the first ones and says how many more there are, in the
// reader's language.
func TestProblemsCapped(t *testing.T) {
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}}
	m := response(t)
	items := m["item"].([]any)
	for i := range 250 {
		items = append(items, map[string]any{"linkId": fmt.Sprintf("q%d", i)})
	}
	m["item"] = items
	_, err := im.Import(marshal(t, m))
	oo := im.Outcome(err, i18n.Finnish)
	require.Len(t, oo.Issue, MaxProblems+1)
	last := oo.Issue[MaxProblems]
	require.Contains(t, last.Diagnostics, "lisää ongelmia")
	require.Contains(t, last.Diagnostics, "150")
	require.Equal(t, "error", last.Severity)
}

// TestHostileFigures prints request size → CPU time, memory allocated
// and reply size for the hostile requests (go test -run HostileFigures
// -v -figures). Figures only: nothing is asserted about time.
func TestHostileFigures(t *testing.T) {
	if !*figures {
		t.Skip("run with -figures")
	}
	im := &Importer{Validator: validator(t), Options: Options{Contact: true}, MaxBytes: 1 << 20}
	t.Logf("%-14s %9s %12s %12s %12s %9s", "kind", "request", "time/req", "alloc/req", "alloc/byte", "reply")
	for _, kind := range hostileKinds {
		for _, size := range []int{16 << 10, 64 << 10, 256 << 10, 1<<20 - 1<<10} {
			data := hostile(kind, size)
			r := reply(im, data)
			const reps = 5
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			start := time.Now()
			for range reps {
				reply(im, data)
			}
			el := time.Since(start) / reps
			runtime.ReadMemStats(&ms1)
			alloc := (ms1.TotalAlloc - ms0.TotalAlloc) / reps
			t.Logf("%-14s %9d %12v %12d %12.1f %9d", kind, len(data), el, alloc, float64(alloc)/float64(len(data)), len(r))
		}
	}
}

// BenchmarkHostile imports the hostile requests and writes the reply.
func BenchmarkHostile(b *testing.B) {
	im := &Importer{Validator: validator(b), Options: Options{Contact: true}, MaxBytes: 1 << 20}
	for _, kind := range hostileKinds {
		for _, size := range []int{64 << 10, 1<<20 - 1<<10} {
			data := hostile(kind, size)
			b.Run(fmt.Sprintf("%s/%dKiB", kind, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				var n int
				for b.Loop() {
					n = len(reply(im, data))
				}
				b.ReportMetric(float64(n), "reply-bytes")
			})
		}
	}
}

// TestWriterReadBack: what NewResponse writes, the importer reads back to
// the same submission, with comments of every kind of character up to
// and past the size an importer takes, contact details at and past their
// maxLength, and invalid UTF-8; what the importer would refuse (or read
// as something else), NewResponse refuses.
func TestWriterReadBack(t *testing.T) {
	v := validator(t)
	im := &Importer{Validator: v, Options: Options{Contact: true}}
	q, err := NewQuestionnaire(v.Templates["vasa-halsostation"], Options{Contact: true})
	require.NoError(t, err)
	var cases []survey.Submission
	for _, class := range []string{"x", "ä", "\u2028", "\x01", "\"", "\\", "<", "\r\n", "😀"} {
		for _, n := range []int{100, DefaultMaxBytes / 6, DefaultMaxBytes/6 + 100, DefaultMaxBytes / 2, DefaultMaxBytes + 1} {
			s := goldenSubmission()
			s.Response.Comment = "a" + strings.Repeat(class, n/len(class)) + "b"
			cases = append(cases, s)
		}
		for _, n := range []int{maxContactLen - 1, maxContactLen, maxContactLen + 1} {
			s := goldenSubmission()
			s.Contact.Name = strings.Repeat(class, n/len(class))
			s.Contact.Email = strings.Repeat("y", n)
			cases = append(cases, s)
		}
	}
	for _, bad := range []string{"a\xffb", "\xed\xa0\x80"} {
		s := goldenSubmission()
		s.Response.Comment = bad
		cases = append(cases, s)
		s = goldenSubmission()
		s.Response.Service = bad
		cases = append(cases, s)
		s = goldenSubmission()
		s.Contact.Phone = bad
		cases = append(cases, s)
	}
	for i, want := range cases {
		qr, err := NewResponse(q, want, Options{})
		if err != nil {
			// Refused: a careless writer's output is refused or read
			// back as something else.
			careless, _ := NewResponse(q, survey.Submission{Response: want.Response}, Options{})
			if careless == nil {
				continue
			}
			if want.Contact != nil {
				careless.Item = append(careless.Item, contactItems(q.Item[len(q.Item)-1], *want.Contact))
			}
			data, _ := json.Marshal(careless)
			if got, err := im.Import(data); err == nil && cmp.Diff(want, got, equalSubmission) == "" {
				t.Fatalf("case %d: NewResponse refused what the importer reads back the same: %v", i, err)
			}
			continue
		}
		data, err := json.Marshal(qr)
		require.NoError(t, err)
		got, err := im.Import(data)
		require.NoError(t, err, "case %d: written, then refused", i)
		if diff := cmp.Diff(want, got, equalSubmission); diff != "" {
			t.Fatalf("case %d: read back differently (-written +read):\n%s", i, diff)
		}
	}
}
