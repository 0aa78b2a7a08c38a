package survey

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/palaute/palaute/catalogue"
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
	// Names not mapped are used as they are. A name mapped to "" is
	// ignored on purpose. A name that is not known but resembles a known
	// one whose column is absent ("acess", "Unit", "submited") is an error
	// (of the header for CSV, of the record for NDJSON), since its values
	// would otherwise be lost without a word: map it to the name meant,
	// or to "".
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
	// Location is the time zone of times without an offset; nil means
	// Europe/Helsinki ([Helsinki]), the zone whose calendar service dates
	// and periods fall in, so that a naive local time near midnight lands
	// on its own day.
	Location *time.Location
	// DecimalComma accepts answers written as decimals with an integral
	// value, "4,0" or "4.0", as the integer 4.
	DecimalComma bool
}

func (m *Mapping) column(name string) string {
	c, _ := m.lookup(name)
	return c
}

// lookup returns the canonical name of an input column and whether
// Columns maps it (a name mapped to "" is ignored on purpose).
func (m *Mapping) lookup(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if c, ok := m.Columns[name]; ok {
		return c, true
	}
	return name, false
}

// lookalike returns the known column (metadata field or item ID) that
// name is probably a misspelling of, or "": one that equals it but for
// case, spaces, '-', '_' and '.', or (for known names of 4 letters or
// more) one edit away, two for 8 or more. Known names already present
// are not suggested: then name is an extra column, not a misspelling.
func lookalike(name string, items map[string]bool, present map[string]bool) string {
	if name == "" {
		return ""
	}
	norm := normalColumn(name)
	best, bestDist := "", 3
	try := func(known string) {
		if present[known] {
			return
		}
		k := normalColumn(known)
		d := 0
		if k != norm {
			limit := 0
			switch {
			case len(k) >= 8:
				limit = 2
			case len(k) >= 4:
				limit = 1
			}
			if d = editDistance(norm, k, limit); d > limit {
				return
			}
		}
		if d < bestDist || d == bestDist && known < best {
			best, bestDist = known, d
		}
	}
	for _, n := range metaNames {
		try(n)
	}
	for it := range items {
		try(it)
	}
	return best
}

// normalColumn folds case and drops the separators people vary.
func normalColumn(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '.':
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// editDistance returns the optimal-string-alignment distance of a and b
// (insertions, deletions, substitutions and swaps of neighbours), or
// limit+1 once it exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows of the dynamic programme.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit+1)
}

func (m *Mapping) parseTime(s string, helsinki *time.Location) (time.Time, error) {
	layouts := m.TimeLayouts
	if len(layouts) == 0 {
		layouts = []string{time.RFC3339}
	}
	loc := m.Location
	if loc == nil {
		loc = helsinki // the one default zone (see Location)
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

// Summary counts what a [Decoder] has read.
type Summary struct {
	Rows       int            // records read after any header, malformed ones included
	Accepted   int            // responses accepted, partly accepted ones included
	Partial    int            // accepted without some invalid answers (Validator.KeepValidAnswers)
	Rejected   int            // records rejected
	RejectedBy map[string]int // rejected records by problem code (a record may count under several)
	DroppedBy  map[string]int // answers dropped from accepted responses, by problem code
	// IgnoredColumns lists input columns (or NDJSON keys) that are neither
	// metadata nor items the catalogue or templates know: the first
	// MaxIgnoredColumns of them (CSV in header order, NDJSON keys in
	// sorted order). IgnoredMore counts the further distinct ones; for
	// NDJSON it stops at 4,032 (4,096 distinct keys remembered in all).
	IgnoredColumns []string
	IgnoredMore    int
}

// MaxIgnoredColumns bounds [Summary.IgnoredColumns]: NDJSON lines can
// each bring new keys.
const MaxIgnoredColumns = 64

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
		if s.IgnoredMore > 0 {
			fmt.Fprintf(&b, " and %d more", s.IgnoredMore)
		}
	}
	return b.String()
}

// Decoder reads responses from canonical (or mapped) CSV or NDJSON,
// validating each. Create it with [NewCSVDecoder] or [NewNDJSONDecoder],
// set its fields, then range over [Decoder.All] or call [Read]. A file
// (any reader with ReadAt and Seek, such as an *os.File) is read in
// parallel by Workers goroutines; a stream (a pipe, standard input) in
// one. Both give the same responses, problems, line numbers and summary.
// Memory does not grow with the input's length, except for the
// duplicate-ID check's 7 bytes or so per distinct ID (kept off the Go
// heap on Unix; for streams, which cannot be read again, the IDs
// themselves too). A decoder reads its input once.
//
// The strings and answers of the responses a decoder gives are copied
// into chunks shared with the responses decoded near them (64 KiB of
// text, 4 096 answers), which saves an allocation per string. A string
// kept keeps its whole chunk alive: a caller that keeps a few strings of
// many responses for long (one ID of each thousand, say) should
// strings.Clone them. BenchmarkArenaPinning measures it: keeping the ID
// of one response in 1 000 holds about 16 KB per ID (a chunk shared by
// about four such IDs), and nothing beyond the ID's bytes with Clone.
// Smaller chunks were measured too (16 KiB, 4 KiB): decoding was slower
// and a caller keeping one string per chunk still holds the chunk.
type Decoder struct {
	// Validator checks each response; nil means a zero Validator (default
	// catalogue, a response with any problem rejected).
	Validator *Validator
	// Mapping describes a vendor format; the zero value is canonical.
	Mapping Mapping
	// Limits bound the size of a record.
	Limits Limits
	// SkipDuplicateCheck turns off the check for response IDs repeated
	// within the input. The check is exact (a repeat is confirmed by
	// comparing the IDs byte for byte) and rejects the later of two
	// records with the same ID, with ErrDuplicateID.
	SkipDuplicateCheck bool
	// Workers is the number of goroutines reading a file; 0 means
	// runtime.GOMAXPROCS(0). Streams are read by one.
	Workers int
	// BlockSize is the size of the pieces a file is cut into; 0 means
	// 1 MiB. Memory use is about 3 × Workers × BlockSize.
	BlockSize int

	input   input
	ndjson  bool
	used    bool
	mu      sync.Mutex // guards summary
	summary Summary
	// The smallest NDJSON keys ignored so far (at most
	// maxIgnoredTracked), as a set and a heap.
	ignored     map[string]bool
	ignoredHeap maxHeap
}

var defaultValidator Validator

// All returns the stream of responses, in input order. For each record it
// yields:
//
//   - (response, nil) for a valid response;
//   - (response, *RowError with Rejected false) for a response accepted
//     without some invalid answers (Validator.KeepValidAnswers);
//   - (response as read, *RowError with Rejected true) for a rejected
//     record, whose problems the error lists with line numbers;
//   - (Response{}, error of another type) for a fatal problem (an unusable
//     header, an I/O error), after which the stream ends.
//
// A bad record never ends the stream. The responses are the caller's to
// keep (see [Decoder] for the memory a kept string holds). All may be
// ranged over once; stopping early stops the reading.
func (d *Decoder) All() iter.Seq2[Response, error] {
	return func(yield func(Response, error) bool) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		batches := make(chan []readResult, 4)
		done := make(chan error, 1)
		go func() {
			done <- d.run(ctx, delivery{inOrder: func(b []readResult) error {
				select {
				case batches <- slices.Clone(b):
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}})
			close(batches)
		}()
		stop := func() {
			cancel()
			for range batches {
			}
			<-done
		}
		for b := range batches {
			for _, o := range b {
				ok := false
				switch {
				case o.err != nil:
					ok = yield(o.resp, o.err)
				default:
					ok = yield(o.resp, nil)
				}
				if !ok {
					stop()
					return
				}
			}
		}
		if err := <-done; err != nil {
			yield(Response{}, err)
		}
	}
}

// Summary returns the counts of what has been read so far.
func (d *Decoder) Summary() Summary {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.summary
	s.RejectedBy = maps.Clone(s.RejectedBy)
	s.DroppedBy = maps.Clone(s.DroppedBy)
	s.IgnoredColumns = slices.Clone(s.IgnoredColumns)
	if d.ndjson {
		// Keys are met in a different order by parallel pieces: list the
		// first in sorted order.
		s.IgnoredColumns = slices.Sorted(maps.Keys(d.ignored))
	}
	if n := len(s.IgnoredColumns); n > MaxIgnoredColumns {
		s.IgnoredMore += n - MaxIgnoredColumns
		s.IgnoredColumns = s.IgnoredColumns[:MaxIgnoredColumns]
	}
	return s
}

// count adds one record's readResult.
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
