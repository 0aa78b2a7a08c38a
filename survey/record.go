package survey

import (
	"bytes"
	"slices"
	"strconv"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
)

// record is one input record before interpretation: its metadata and
// answers as views of the input (valid until the next record), and the
// problems its source found (NDJSON structure).
//
// A CSV record is its fields and the header's columns (nothing copied); an
// NDJSON record fills meta and answers.
type record struct {
	line    int
	offset  int64 // where the record starts in the input, for the duplicate check
	ascii   bool  // every byte of the record is ASCII (so its text is valid UTF-8)
	fields  [][]byte
	cols    *columns
	meta    [numMeta][]byte
	answers []answerField
	errs    []*ValidationError
	ignored []string // NDJSON keys ignored, for the summary (see Decoder.noteIgnored)
}

// field returns a metadata field (empty if the input has none).
func (r *record) field(f int) []byte {
	if r.cols != nil {
		if i := r.cols.metaCol[f]; i >= 0 {
			return r.fields[i]
		}
		return nil
	}
	return r.meta[f]
}

// answerField is one answer as given: the item (canonical ID), its CSV
// column (-1 for NDJSON) and text.
type answerField struct {
	item string
	col  int
	text []byte
}

// reset empties r for reuse. A CSV record replaces its fields and columns
// whole, so its metadata need not be cleared.
func (r *record) reset(line int, offset int64, clearMeta bool) {
	r.line, r.offset, r.ascii = line, offset, false
	r.fields, r.cols = nil, nil
	if clearMeta {
		r.meta = [numMeta][]byte{}
	}
	r.answers = r.answers[:0]
	r.errs = r.errs[:0]
	r.ignored = r.ignored[:0]
}

// recordDecoder turns records into validated responses. It holds the
// caches of one goroutine (instruments by their text, time zones by
// offset, interned strings) and the arena the responses' strings and
// answers are copied into. Every rule of reading a record is here, once;
// the streaming and the parallel readers both call it.
type recordDecoder struct {
	d        *Decoder
	v        *Validator
	latest   time.Time // responses after this are in the future
	helsinki *time.Location

	strs       interner
	mem        arena
	insts      map[string]instEntry
	last       instEntry // the previous record's instrument, the common case
	lastRaw    []byte
	memos      map[scopeKey]*itemMemo
	lastScope  scopeKey
	lastMemo   *itemMemo
	zones      map[int]*time.Location
	lastOffset int
	lastZone   *time.Location
	answers    []Answer    // scratch for the answers of one record
	rules      []*itemRule // and the rules of their items
}

// instEntry is an instrument as written in the input and as found.
type instEntry struct {
	ref catalogue.InstrumentRef
	err bool // the text is not an instrument reference
}

func newRecordDecoder(d *Decoder, latest time.Time, helsinki *time.Location) *recordDecoder {
	return &recordDecoder{d: d, v: d.validator(), latest: latest, helsinki: helsinki}
}

// decode interprets and validates one record. r is the response as
// read, kept what the validator's policy keeps; errs are its problems in
// the order found, with line numbers (the duplicate-ID check is the
// caller's). On a valid record it allocates nothing: strings are interned
// or copied into the arena.
func (rd *recordDecoder) decode(rec *record) (r, kept Response, errs []*ValidationError) {
	fail := func(e *ValidationError) { errs = append(errs, e) }
	for _, e := range rec.errs {
		fail(e)
	}
	m := &rd.d.Mapping
	r.ID = rd.mem.string(rec.field(fID))
	r.Region = rd.strs.get(rec.field(fRegion), &rd.mem)
	r.Provider = rd.strs.get(rec.field(fProvider), &rd.mem)
	r.Unit = rd.strs.get(rec.field(fUnit), &rd.mem)
	r.Service = rd.strs.get(rec.field(fService), &rd.mem)
	r.Comment = rd.mem.string(rec.field(fComment))
	for _, f := range []int{fSubmitted, fServed} {
		b := bytes.TrimSpace(rec.field(f))
		if len(b) == 0 {
			continue
		}
		t, ok := rd.parseTime(b, f == fServed)
		if !ok {
			want := m.timeWant()
			if f == fServed {
				want += ", or a date YYYY-MM-DD"
			}
			fail(&ValidationError{Field: metaNames[f], Value: string(b), Err: ErrSyntax, Want: want})
			continue
		}
		if f == fSubmitted {
			r.Submitted = t
		} else {
			r.Served = t
		}
	}
	if b := bytes.TrimSpace(rec.field(fInstrument)); len(b) > 0 {
		e := rd.instrument(b)
		if e.err {
			fail(&ValidationError{Field: "instrument", Value: string(b), Err: ErrUnknownInstrument, Want: instrumentList(rd.v.catalogue())})
		}
		r.Instrument = e.ref
	}
	rd.codes(rec, &r, fail)

	var ctx scope
	known := false
	if !r.Instrument.IsZero() || !reportedOf(errs).has(fInstrument) {
		ctx, known = rd.v.resolve(&r, fail)
		ctx.memo = rd.memoOf(ctx)
	}
	rd.answers, rd.rules = rd.answers[:0], rd.rules[:0]
	if c := rec.cols; c != nil {
		for _, i := range c.answerCols {
			rd.answer(ctx, known, answerField{c.names[i], i, rec.fields[i]}, fail)
		}
	} else {
		for _, a := range rec.answers {
			rd.answer(ctx, known, a, fail)
		}
	}
	r.Answers = rd.mem.answerList(rd.answers)
	kept = rd.v.check(&r, ctx, known, checkHints{reported: reportedOf(errs), latest: rd.latest, rules: rd.rules, textValid: rec.ascii, uniqueItems: true}, fail)
	for _, e := range errs {
		e.Line = rec.line
	}
	return r, kept, errs
}

// scopeKey identifies a scope.
type scopeKey struct {
	inst *catalogue.Instrument
	tmpl *catalogue.Template
}

// memoOf returns the memo of item rules of a scope (its instrument and
// template), made on first use.
func (rd *recordDecoder) memoOf(c scope) *itemMemo {
	key := scopeKey{c.inst, c.tmpl}
	if key == rd.lastScope && rd.lastMemo != nil {
		return rd.lastMemo
	}
	m, ok := rd.memos[key]
	if !ok {
		if rd.memos == nil {
			rd.memos = map[scopeKey]*itemMemo{}
		}
		m = &itemMemo{byName: map[string]*itemRule{}}
		rd.memos[key] = m
	}
	rd.lastScope, rd.lastMemo = key, m
	return m
}

// parseTime reads a time column: RFC 3339 (or the mapping's layouts),
// and for the service time also a civil date, read as the start of that
// day in Helsinki (patient systems export the visit date).
func (rd *recordDecoder) parseTime(b []byte, served bool) (time.Time, bool) {
	m := &rd.d.Mapping
	canonical := len(m.TimeLayouts) == 0 && m.Location == nil
	if canonical {
		if t, ok := parseRFC3339(b, rd.zone); ok {
			return t, true
		}
	}
	// An RFC 3339 time has at least 20 bytes: shorter ones need not be
	// tried (and their error allocates).
	if !canonical || len(b) >= len("2006-01-02T15:04:05Z") {
		if t, err := m.parseTime(string(b), rd.helsinki); err == nil {
			return t, true
		}
	}
	if served && len(b) == len(time.DateOnly) && rd.helsinki != nil {
		if t, err := time.ParseInLocation(time.DateOnly, string(b), rd.helsinki); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// zone returns the fixed zone of an offset in seconds, as time.Parse
// makes it ("" for its name), one per offset.
func (rd *recordDecoder) zone(offset int) *time.Location {
	if offset == 0 {
		return time.UTC
	}
	if offset == rd.lastOffset && rd.lastZone != nil {
		return rd.lastZone
	}
	defer func() { rd.lastOffset, rd.lastZone = offset, rd.zones[offset] }()
	if z, ok := rd.zones[offset]; ok {
		return z
	}
	if rd.zones == nil {
		rd.zones = map[int]*time.Location{}
	}
	z := time.FixedZone("", offset)
	if len(rd.zones) < 64 {
		rd.zones[offset] = z
	}
	return z
}

// instrument reads an instrument reference, remembering the texts seen.
func (rd *recordDecoder) instrument(b []byte) instEntry {
	if bytes.Equal(b, rd.lastRaw) {
		return rd.last
	}
	e, ok := rd.insts[string(b)]
	if !ok {
		ref, err := catalogue.ParseInstrumentRef(string(b))
		e = instEntry{ref: catalogue.InstrumentRef{ID: rd.strs.get([]byte(ref.ID), &rd.mem), Version: rd.strs.get([]byte(ref.Version), &rd.mem)}, err: err != nil}
		if rd.insts == nil {
			rd.insts = map[string]instEntry{}
		}
		if len(rd.insts) < 64 {
			rd.insts[string(b)] = e
		}
	}
	rd.last, rd.lastRaw = e, append(rd.lastRaw[:0], b...)
	return e
}

// codes reads the channel, role and language columns through the
// mapping's codes.
func (rd *recordDecoder) codes(rec *record, r *Response, fail func(*ValidationError)) {
	read := func(f int) []byte {
		b := bytes.TrimSpace(rec.field(f))
		if c, ok := rd.d.Mapping.Codes[metaNames[f]][string(b)]; ok {
			return []byte(c)
		}
		return b
	}
	if b := read(fChannel); len(b) > 0 {
		c, ok := codeOf[Channel](channelCodes, b)
		if !ok {
			fail(&ValidationError{Field: "channel", Value: string(b), Err: ErrUnknownChannel, Want: joinCodes(channelCodes)})
		}
		r.Channel = c
	}
	if b := read(fRole); len(b) > 0 {
		x, ok := codeOf[Role](roleCodes, b)
		if !ok {
			fail(&ValidationError{Field: "role", Value: string(b), Err: ErrUnknownRole, Want: joinCodes(roleCodes)})
		}
		r.Role = x
	}
	if b := read(fLang); len(b) > 0 {
		l, ok := codeOf[i18n.Lang](langCodes, b)
		if !ok {
			fail(&ValidationError{Field: "lang", Value: string(b), Err: ErrUnknownLang, Want: langWant()})
		}
		r.Lang = l
	}
}

// codeOf returns the value of an exact code ("" is the zero value).
func codeOf[T ~uint8](codes []string, b []byte) (T, bool) {
	for i := 1; i < len(codes); i++ {
		if codes[i] == string(b) {
			return T(i), true
		}
	}
	return 0, false
}

// langCodes lists the language codes by i18n.Lang value.
var langCodes = func() []string {
	out := []string{""}
	for _, l := range i18n.All() {
		out = append(out, l.String())
	}
	return out
}()

// answer reads one answer into rd.answers, or reports why it cannot.
func (rd *recordDecoder) answer(ctx scope, known bool, a answerField, fail func(*ValidationError)) {
	m := &rd.d.Mapping
	if len(a.text) == 0 {
		return
	}
	// The usual cell, one or two digits, when no codes are mapped.
	if len(m.NotAnswered) == 0 && len(m.CantSay) == 0 {
		if v, ok := smallInt(a.text); ok {
			var rule *itemRule
			if known {
				if rule = ctx.ruleAt(a.col, a.item); rule.err != nil {
					fail(&ValidationError{Item: a.item, Value: string(a.text), Err: rule.err})
					return
				}
			}
			rd.answers, rd.rules = append(rd.answers, Answer{a.item, v}), append(rd.rules, rule)
			return
		}
	}
	b := bytes.TrimSpace(a.text)
	if len(b) == 0 || slices.Contains(m.NotAnswered, string(b)) {
		return
	}
	bad := func(err error, want string) {
		fail(&ValidationError{Item: a.item, Value: string(b), Err: err, Want: want})
	}
	var scale catalogue.Scale
	var rule *itemRule
	if known {
		rule = ctx.ruleAt(a.col, a.item)
		if rule.err != nil {
			bad(rule.err, "")
			return
		}
		scale = rule.scale
	}
	if slices.Contains(m.CantSay, string(b)) {
		cs, ok := scale.CantSay()
		if !ok {
			if known {
				bad(ErrOutOfRange, want(scale))
			}
			return
		}
		rd.answers, rd.rules = append(rd.answers, Answer{a.item, cs}), append(rd.rules, rule)
		return
	}
	v, ok := smallInt(b)
	if !ok {
		var err error
		v, err = strconv.Atoi(string(b))
		if err != nil && m.DecimalComma {
			v, err = integral(string(b))
		}
		if err != nil {
			w := "an integer"
			if known {
				w = want(scale)
			}
			bad(ErrSyntax, w)
			return
		}
	}
	rd.answers, rd.rules = append(rd.answers, Answer{a.item, v}), append(rd.rules, rule)
}

// smallInt reads one or two decimal digits, the usual answer.
func smallInt(b []byte) (int, bool) {
	switch {
	case len(b) == 1 && b[0] >= '0' && b[0] <= '9':
		return int(b[0] - '0'), true
	case len(b) == 2 && b[0] >= '1' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9':
		return int(b[0]-'0')*10 + int(b[1]-'0'), true
	}
	return 0, false
}

// fieldSet is a set of metadata fields (by index) and "answers", for the
// fields whose problems have been reported already.
type fieldSet uint32

const answersBit = 1 << numMeta

func (s fieldSet) has(f int) bool   { return s&(1<<f) != 0 }
func (s fieldSet) hasAnswers() bool { return s&answersBit != 0 }

// reportedOf returns the fields the problems concern: a problem of an
// answer stands for all answers.
func reportedOf(errs []*ValidationError) fieldSet {
	var s fieldSet
	for _, e := range errs {
		if i := metaIndex(e.Field); i >= 0 {
			s |= 1 << i
		}
		if e.Item != "" {
			s |= answersBit
		}
	}
	return s
}
func joinCodes(codes []string) string { return joinComma(codes[1:]) }

func joinComma(ss []string) string {
	var b []byte
	for i, s := range ss {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	return string(b)
}
