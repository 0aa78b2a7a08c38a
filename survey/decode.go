package survey

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/csvscan"
)

// The metadata fields of a record, in the order of the canonical format.
// "served" (the time of service) is this library's extension, written
// after the spec's columns.
const (
	fID = iota
	fSubmitted
	fInstrument
	fRegion
	fProvider
	fUnit
	fService
	fChannel
	fRole
	fLang
	fComment
	fServed
	numMeta
)

var metaNames = [numMeta]string{"id", "submitted", "instrument", "region", "provider", "unit", "service", "channel", "role", "lang", "comment", "served"}

func metaIndex(name string) int {
	for i, n := range metaNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Mapping describes how a vendor's export differs from the canonical
// format. Its zero value reads the canonical format.
type Mapping struct {
	// Comma is the field separator of CSV input; zero means ','. Many
	// Finnish spreadsheet exports use ';'.
	Comma rune
	// Columns maps the input's column names (CSV) or keys (NDJSON) to
	// canonical names: metadata columns ("id", "submitted", …) or item IDs.
	// Names not mapped are used as they are.
	Columns map[string]string
	// Codes maps input codes of the channel, role and lang columns to
	// canonical ones, keyed by canonical column: {"channel":
	// {"tekstiviesti": "sms"}, "lang": {"suomi": "fi"}}.
	Codes map[string]map[string]string
	// CantSay lists answer codes that mean "can't say", such as "EOS";
	// they become the can't-say value of the item's scale.
	CantSay []string
	// NotAnswered lists answer codes that mean "not answered", such as
	// "NA" or "-"; they are read like an empty cell.
	NotAnswered []string
	// TimeLayouts are the layouts (as for time.Parse) tried in order for
	// the time columns; empty means RFC 3339.
	TimeLayouts []string
	// Location is the time zone of times without an offset; nil means UTC.
	Location *time.Location
	// DecimalComma accepts answers written as decimals with an integral
	// value, "4,0" or "4.0", as the integer 4.
	DecimalComma bool
}

func (m *Mapping) column(name string) string {
	name = strings.TrimSpace(name)
	if c, ok := m.Columns[name]; ok {
		return c
	}
	return name
}

func (m *Mapping) parseTime(s string) (time.Time, error) {
	layouts := m.TimeLayouts
	if len(layouts) == 0 {
		layouts = []string{time.RFC3339}
	}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	var err error
	for _, l := range layouts {
		var t time.Time
		if t, err = time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

func (m *Mapping) timeWant() string {
	if len(m.TimeLayouts) == 0 {
		return timeWant
	}
	return strings.Join(m.TimeLayouts, " | ")
}

// Limits bound what one record of the input may hold, so hostile input
// cannot exhaust memory. Zero fields take the defaults.
type Limits struct {
	FieldBytes  int // longest field or JSON value; default 64 KiB
	Fields      int // most columns; default 4096
	RecordBytes int // longest record or NDJSON line; default 1 MiB
}

func (l Limits) scan() csvscan.Limits {
	return csvscan.Limits{FieldBytes: l.FieldBytes, Fields: l.Fields, RecordBytes: l.RecordBytes}.WithDefaults()
}

// rawRecord is one record before interpretation: metadata as text, answers
// as text keyed by item ID, and the problems the source found.
type rawRecord struct {
	line    int
	meta    [numMeta]string
	answers []rawAnswer
	errs    []*ValidationError
}

type rawAnswer struct{ item, text string }

// source yields raw records. A malformed record gives bad (with its line);
// fatal ends the stream.
type source interface {
	next() (raw *rawRecord, bad *ValidationError, fatal error)
	ignored() []string
}

// Summary counts what a [Decoder] has read.
type Summary struct {
	Rows       int            // records read after any header, malformed ones included
	Accepted   int            // responses accepted, partly accepted ones included
	Partial    int            // accepted without some invalid answers (Validator.KeepValidAnswers)
	Rejected   int            // records rejected
	RejectedBy map[string]int // rejected records by problem code (a record may count under several)
	DroppedBy  map[string]int // answers dropped from accepted responses, by problem code
	// IgnoredColumns lists input columns (or NDJSON keys) that are neither
	// metadata nor items the catalogue or templates know.
	IgnoredColumns []string
}

// String summarizes in one line: "read 10 rows: 8 accepted (1 partly), 2
// rejected (malformed 1, out-of-range 1)".
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %d rows: %d accepted", s.Rows, s.Accepted)
	if s.Partial > 0 {
		fmt.Fprintf(&b, " (%d partly)", s.Partial)
	}
	fmt.Fprintf(&b, ", %d rejected", s.Rejected)
	if len(s.RejectedBy) > 0 {
		b.WriteString(" (")
		for i, code := range slices.Sorted(maps.Keys(s.RejectedBy)) {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", code, s.RejectedBy[code])
		}
		b.WriteString(")")
	}
	if len(s.IgnoredColumns) > 0 {
		fmt.Fprintf(&b, "; ignored columns: %s", strings.Join(s.IgnoredColumns, ", "))
	}
	return b.String()
}

// Decoder reads responses from a stream of canonical (or mapped) CSV or
// NDJSON, validating each, in memory independent of the stream's length
// (apart from the IDs kept for the duplicate check). Create it with
// [NewCSVDecoder] or [NewNDJSONDecoder], set its fields, then range over
// [Decoder.All].
type Decoder struct {
	// Validator checks each response; nil means a zero Validator (default
	// catalogue, a response with any problem rejected).
	Validator *Validator
	// Mapping describes a vendor format; the zero value is canonical.
	Mapping Mapping
	// Limits bound the size of a record.
	Limits Limits
	// SkipDuplicateCheck turns off the check for response IDs repeated
	// within the stream. The check keeps every ID read, so its memory
	// grows with the number of responses; skip it only when the IDs are
	// known to be unique (a database export by primary key, say).
	SkipDuplicateCheck bool

	newSource func(d *Decoder) (source, error)
	summary   Summary
	seen      map[string]struct{}
}

var defaultValidator Validator

// All returns the stream of responses. For each record it yields:
//
//   - (response, nil) for a valid response;
//   - (response, *RowError with Rejected false) for a response accepted
//     without some invalid answers (Validator.KeepValidAnswers);
//   - (response as read, *RowError with Rejected true) for a rejected
//     record, whose problems the error lists with line numbers;
//   - (Response{}, error of another type) for a fatal problem (an unusable
//     header, an I/O error), after which the stream ends.
//
// A bad record never ends the stream. All may be ranged over once.
func (d *Decoder) All() iter.Seq2[Response, error] {
	return func(yield func(Response, error) bool) {
		src, err := d.newSource(d)
		if err != nil {
			yield(Response{}, err)
			return
		}
		defer func() { d.summary.IgnoredColumns = src.ignored() }()
		v := d.validator()
		for {
			raw, bad, fatal := src.next()
			switch {
			case fatal == io.EOF:
				return
			case fatal != nil:
				yield(Response{}, fatal)
				return
			case bad != nil:
				d.summary.Rows++
				d.summary.count(false, []*ValidationError{bad})
				if !yield(Response{}, &RowError{Line: bad.Line, Rejected: true, Err: bad}) {
					return
				}
				continue
			}
			d.summary.Rows++
			r, kept, ok, errs := d.decode(v, raw)
			d.summary.count(ok, errs)
			if len(errs) == 0 {
				if !yield(kept, nil) {
					return
				}
				continue
			}
			joined := make([]error, len(errs))
			for i, e := range errs {
				joined[i] = e
			}
			re := &RowError{Line: raw.line, ID: r.ID, Rejected: !ok, Err: errors.Join(joined...)}
			out := r
			if ok {
				out = kept
			}
			if !yield(out, re) {
				return
			}
		}
	}
}

// Summary returns the counts of what has been read so far.
func (d *Decoder) Summary() Summary {
	s := d.summary
	s.RejectedBy = maps.Clone(s.RejectedBy)
	s.DroppedBy = maps.Clone(s.DroppedBy)
	s.IgnoredColumns = slices.Clone(s.IgnoredColumns)
	return s
}

// count adds one record's outcome.
func (s *Summary) count(ok bool, errs []*ValidationError) {
	if !ok {
		s.Rejected++
		if s.RejectedBy == nil {
			s.RejectedBy = map[string]int{}
		}
		seen := map[string]bool{}
		for _, e := range errs {
			if c := Code(e); !seen[c] {
				seen[c] = true
				s.RejectedBy[c]++
			}
		}
		return
	}
	s.Accepted++
	if len(errs) > 0 {
		s.Partial++
		if s.DroppedBy == nil {
			s.DroppedBy = map[string]int{}
		}
		for _, e := range errs {
			s.DroppedBy[Code(e)]++
		}
	}
}

// decode interprets a raw record and validates it. r is the response as
// read, kept what the policy keeps.
func (d *Decoder) decode(v *Validator, raw *rawRecord) (r, kept Response, ok bool, errs []*ValidationError) {
	fail := func(e *ValidationError) { errs = append(errs, e) }
	for _, e := range raw.errs {
		fail(e)
	}
	m := &d.Mapping
	r.ID = raw.meta[fID]
	r.Region, r.Provider, r.Unit, r.Service = raw.meta[fRegion], raw.meta[fProvider], raw.meta[fUnit], raw.meta[fService]
	r.Comment = raw.meta[fComment]
	for _, f := range []int{fSubmitted, fServed} {
		s := strings.TrimSpace(raw.meta[f])
		if s == "" {
			continue
		}
		t, err := m.parseTime(s)
		if err != nil {
			fail(&ValidationError{Field: metaNames[f], Value: s, Err: ErrSyntax, Want: m.timeWant()})
			continue
		}
		if f == fSubmitted {
			r.Submitted = t
		} else {
			r.Served = t
		}
	}
	if s := strings.TrimSpace(raw.meta[fInstrument]); s != "" {
		ref, err := catalogue.ParseInstrumentRef(s)
		if err != nil {
			fail(&ValidationError{Field: "instrument", Value: s, Err: ErrUnknownInstrument, Want: instrumentList(v.catalogue())})
		}
		r.Instrument = ref
	}
	d.codes(raw, &r, fail)

	var ctx context
	known := false
	if !r.Instrument.IsZero() || !slices.ContainsFunc(errs, func(e *ValidationError) bool { return e.Field == "instrument" }) {
		ctx, known = v.resolve(&r, fail)
	}
	for _, a := range raw.answers {
		d.answer(&r, ctx, known, a, fail)
	}
	if !d.SkipDuplicateCheck && r.ID != "" {
		if d.seen == nil {
			d.seen = map[string]struct{}{}
		}
		if _, dup := d.seen[r.ID]; dup {
			fail(&ValidationError{Field: "id", Value: r.ID, Err: ErrDuplicateID})
		} else {
			d.seen[r.ID] = struct{}{}
		}
	}
	reported := map[string]bool{}
	for _, e := range errs {
		reported[e.Field] = true
		if e.Item != "" {
			reported["answers"] = true // answers were given, if not readable
		}
	}
	kept = v.check(r, ctx, known, reported, fail)
	for _, e := range errs {
		e.Line = raw.line
	}
	_, ok, _ = v.verdict(r, kept, errs)
	return r, kept, ok, errs
}

// codes reads the channel, role and language columns through the mapping.
func (d *Decoder) codes(raw *rawRecord, r *Response, fail func(*ValidationError)) {
	read := func(f int) string {
		s := strings.TrimSpace(raw.meta[f])
		if c, ok := d.Mapping.Codes[metaNames[f]][s]; ok {
			return c
		}
		return s
	}
	if s := read(fChannel); s != "" {
		c, err := ParseChannel(s)
		if err != nil {
			fail(&ValidationError{Field: "channel", Value: s, Err: ErrUnknownChannel, Want: strings.Join(channelCodes[1:], ", ")})
		}
		r.Channel = c
	}
	if s := read(fRole); s != "" {
		x, err := ParseRole(s)
		if err != nil {
			fail(&ValidationError{Field: "role", Value: s, Err: ErrUnknownRole, Want: strings.Join(roleCodes[1:], ", ")})
		}
		r.Role = x
	}
	if s := read(fLang); s != "" {
		l, err := i18n.ParseLang(s)
		if err != nil {
			fail(&ValidationError{Field: "lang", Value: s, Err: ErrUnknownLang, Want: "fi, sv, en, se, smn, sms"})
		}
		r.Lang = l
	}
}

// answer reads one answer cell into r, or reports why it cannot.
func (d *Decoder) answer(r *Response, ctx context, known bool, a rawAnswer, fail func(*ValidationError)) {
	m := &d.Mapping
	s := strings.TrimSpace(a.text)
	if s == "" || slices.Contains(m.NotAnswered, s) {
		return
	}
	bad := func(err error, want string) { fail(&ValidationError{Item: a.item, Value: s, Err: err, Want: want}) }
	var scale catalogue.Scale
	if known {
		it, err := ctx.item(a.item)
		if err != nil {
			bad(err, "")
			return
		}
		scale = it.Scale()
	}
	if slices.Contains(m.CantSay, s) {
		cs, ok := scale.CantSay()
		if !ok {
			if known {
				bad(ErrOutOfRange, want(scale))
			}
			return
		}
		r.Answers = append(r.Answers, Answer{a.item, cs})
		return
	}
	v, err := strconv.Atoi(s)
	if err != nil && m.DecimalComma {
		v, err = integral(s)
	}
	if err != nil {
		w := "an integer"
		if known {
			w = want(scale)
		}
		bad(ErrSyntax, w)
		return
	}
	r.Answers = append(r.Answers, Answer{a.item, v})
}

// integral reads "4,0" or "4.0" as 4; a fraction is an error.
func integral(s string) (int, error) {
	whole, frac, ok := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if !ok || strings.Trim(frac, "0") != "" {
		return 0, ErrSyntax
	}
	return strconv.Atoi(whole)
}

// itemColumns returns the item IDs the catalogue and the templates know:
// the columns a decoder reads as answers.
func itemColumns(v *Validator) map[string]bool {
	items := map[string]bool{}
	for _, in := range v.catalogue().Instruments() {
		for _, it := range in.Items() {
			if it.Scale().Kind() != catalogue.KindNone {
				items[it.ID()] = true
			}
		}
	}
	for _, t := range v.Templates {
		for _, it := range t.Items() {
			if it.Scale().Kind() != catalogue.KindNone {
				items[it.ID()] = true
			}
		}
	}
	return items
}
