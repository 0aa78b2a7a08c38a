package survey

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/csvscan"
)

// Sink receives the responses a parallel read accepts. Each worker has a
// Sink of its own, so a Sink needs no locking.
type Sink interface {
	// Accept is called for each accepted response. r and its strings are
	// valid only during the call (they may point into the read buffer):
	// copy what you keep.
	Accept(r *Response)
}

// ParallelOptions configures [Decoder.ReadCSVAt].
type ParallelOptions struct {
	// Workers is the number of goroutines parsing and checking records;
	// 0 means runtime.GOMAXPROCS(0). With the duplicate-ID check on (see
	// Decoder.SkipDuplicateCheck) one worker is used, so that "the later
	// of two" means what it does in a stream.
	Workers int
	// BlockSize is the size of the pieces the input is cut into; 0 means
	// 4 MiB. Memory use is about 3 × Workers × BlockSize.
	BlockSize int
	// OnError, if set, is called for every record with problems, in line
	// order, from one goroutine.
	OnError func(*RowError)
}

// ReadCSVAt reads CSV like the decoder's All does, with the same
// settings and the same results, but in parallel: the input (size bytes
// of src, such as an *os.File) is cut into pieces on record boundaries
// (found by the parity of quote characters), several workers parse,
// check and pass accepted responses to their Sink, and problems are
// reported through o.OnError in line order. Records the fast checks are
// not sure of are decoded by exactly the code All uses, so responses,
// problems and line numbers are identical; if the input's quoting is
// irregular (a bare quote, an unterminated quoted field, a record over
// the limits), the whole input is read again by All's code. It returns
// the sinks that hold the result (not those of an abandoned parallel
// pass) and the reader's error, if any; Summary counts what was read. The
// reader given to NewCSVDecoder is not used.
func (d *Decoder) ReadCSVAt(src io.ReaderAt, size int64, o ParallelOptions, newSink func() Sink) ([]Sink, error) {
	comma, err := d.comma()
	if err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if !d.SkipDuplicateCheck {
		workers = 1
	}
	block := o.BlockSize
	if block <= 0 {
		block = 4 << 20
	}
	lim := d.Limits.scan() // with defaults
	// The header: the first record, read by the general scanner.
	head := make([]byte, min(int64(lim.RecordBytes)+1, size))
	n, err := src.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("survey: reading CSV: %w", err)
	}
	head = head[:n]
	start, headerLines := 0, 0
	if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		start = 3
	}
	fields, hdrEnd, lines, firstQuoted, err := csvscan.SplitRecord(head, start, comma, lim)
	blank := len(fields) == 1 && len(fields[0]) == 0 && !firstQuoted
	if err != nil || blank || (hdrEnd == len(head) && int64(len(head)) < size) {
		// An irregular or blank first line: the general decoder reads
		// (and skips blank lines before the header).
		return d.readSequential(src, size, o, newSink, 0)
	}
	headerLines = lines
	cols, err := d.columns(fields, 1)
	if err != nil {
		return nil, err
	}
	p := &parallel{d: d, v: d.validator(), cols: cols, comma: comma, lim: lim, onError: o.OnError}
	p.latest = p.v.latest()
	p.fast = d.Mapping.Codes == nil && d.Mapping.CantSay == nil && d.Mapping.NotAnswered == nil &&
		d.Mapping.TimeLayouts == nil && d.Mapping.Location == nil && !d.Mapping.DecimalComma
	sinks, summary, fallbackLine, err := p.run(src, int64(hdrEnd), size, 1+headerLines, workers, block, newSink)
	if err != nil {
		return nil, err
	}
	if fallbackLine > 0 {
		return d.readSequential(src, size, o, newSink, fallbackLine)
	}
	summary.IgnoredColumns = cols.ignores
	d.summary = summary
	return sinks, nil
}

// readSequential reads the whole input with the general decoder,
// reporting problems only from line quiet on (earlier ones were reported
// by an abandoned parallel pass).
func (d *Decoder) readSequential(src io.ReaderAt, size int64, o ParallelOptions, newSink func() Sink, quiet int) ([]Sink, error) {
	seq := NewCSVDecoder(io.NewSectionReader(src, 0, size))
	seq.Validator, seq.Mapping, seq.Limits, seq.SkipDuplicateCheck = d.Validator, d.Mapping, d.Limits, d.SkipDuplicateCheck
	sink := newSink()
	for r, err := range seq.All() {
		var re *RowError
		switch {
		case err == nil:
			sink.Accept(&r)
			continue
		case errors.As(err, &re):
			if !re.Rejected {
				sink.Accept(&r)
			}
			if o.OnError != nil && re.Line >= quiet {
				o.OnError(re)
			}
			continue
		}
		d.summary = seq.Summary()
		return nil, err
	}
	d.summary = seq.Summary()
	return []Sink{sink}, nil
}

// parallel is the state shared by the workers of one ReadCSVAt.
type parallel struct {
	d       *Decoder
	v       *Validator
	cols    *columns
	comma   byte
	lim     limits
	latest  time.Time
	fast    bool // the mapping allows the fast checks
	onError func(*RowError)

	failed atomic.Bool
}

type limits = csvscan.Limits

// piece is a part of the input that starts and ends on record
// boundaries.
type piece struct {
	idx  int
	data []byte
	line int // line the piece starts on
	buf  *[]byte
}

// result is what a worker found in a piece.
type result struct {
	idx        int
	errs       []*RowError
	structural bool
	line       int
}

func (p *parallel) run(src io.ReaderAt, off, size int64, line, workers, block int, newSink func() Sink) ([]Sink, Summary, int, error) {
	pieces := make(chan piece, workers)
	results := make(chan result, workers)
	free := make(chan *[]byte, 2*workers+2)
	for range cap(free) {
		b := make([]byte, 0, block+block/4)
		free <- &b
	}
	sinks := make([]Sink, workers)
	sums := make([]Summary, workers)
	var wg sync.WaitGroup
	for w := range workers {
		sinks[w] = newSink()
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := &worker{p: p, sink: sinks[w], sum: &sums[w], insts: map[string]*instEntry{}, masks: map[maskKey][]uint16{}}
			for pc := range pieces {
				res := wk.piece(pc)
				free <- pc.buf
				results <- res
			}
		}()
	}
	// The collector reports problems in piece order and finds the first
	// piece the fast path could not read.
	fallback := make(chan int, 1)
	go func() {
		pending := map[int]result{}
		next, first := 0, 0
		for res := range results {
			pending[res.idx] = res
			for {
				r, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				if first > 0 {
					continue
				}
				// A piece that turned out irregular still reports the
				// problems found before its irregular record: the
				// sequential pass that follows is quiet before that line.
				if p.onError != nil {
					for _, e := range r.errs {
						p.onError(e)
					}
				}
				if r.structural {
					first = r.line
				}
			}
		}
		fallback <- first
	}()
	readErr := p.read(src, off, size, line, block, pieces, free)
	close(pieces)
	wg.Wait()
	close(results)
	first := <-fallback
	if readErr != nil {
		return nil, Summary{}, 0, readErr
	}
	var total Summary
	for _, s := range sums {
		total.add(s)
	}
	return sinks, total, first, nil
}

// add merges the counts of s into t.
func (t *Summary) add(s Summary) {
	t.Rows += s.Rows
	t.Accepted += s.Accepted
	t.Partial += s.Partial
	t.Rejected += s.Rejected
	for _, m := range []struct {
		dst *map[string]int
		src map[string]int
	}{{&t.RejectedBy, s.RejectedBy}, {&t.DroppedBy, s.DroppedBy}} {
		if len(m.src) > 0 && *m.dst == nil {
			*m.dst = map[string]int{}
		}
		for k, v := range m.src {
			(*m.dst)[k] += v
		}
	}
}

// read cuts the input into pieces at newlines outside quoted fields.
func (p *parallel) read(src io.ReaderAt, off, size int64, line, block int, pieces chan<- piece, free chan *[]byte) error {
	var carry []byte
	for idx := 0; off < size || len(carry) > 0; idx++ {
		if p.failed.Load() {
			return nil
		}
		bufp := <-free
		buf := append((*bufp)[:0], carry...)
		want := block
		for {
			if cap(buf)-len(buf) < want {
				grown := make([]byte, len(buf), len(buf)+want)
				copy(grown, buf)
				buf = grown
			}
			n, err := src.ReadAt(buf[len(buf):len(buf)+int(min(int64(want), size-off))], off)
			buf = buf[:len(buf)+n]
			off += int64(n)
			if err != nil && err != io.EOF {
				return fmt.Errorf("survey: reading CSV: %w", err)
			}
			if n == 0 && off < size {
				return fmt.Errorf("survey: reading CSV: %w", io.ErrUnexpectedEOF)
			}
			if off >= size {
				carry = nil
				break
			}
			if cut := csvscan.LastBoundary(buf); cut > 0 {
				carry = append(carry[:0], buf[cut:]...)
				buf = buf[:cut]
				break
			}
			if len(buf) > 2*p.lim.RecordBytes+block {
				// No record boundary: a record over the limits, or
				// irregular quoting. The general decoder decides.
				p.failed.Store(true)
				pieces <- piece{idx: idx, data: nil, line: line, buf: bufp}
				return nil
			}
		}
		*bufp = buf
		pieces <- piece{idx: idx, data: buf, line: line, buf: bufp}
		line += bytes.Count(buf, []byte{'\n'})
	}
	return nil
}

// worker parses and checks the records of pieces.
type worker struct {
	resp    Response // the view passed to the sink
	fields  [][]byte
	scratch []byte // unescaped quoted fields of the current record
	ascii   bool   // the current record has only ASCII bytes
	last    struct {
		inst  []byte
		entry *instEntry
		key   maskKey
		masks []uint16
	}
	p       *parallel
	sink    Sink
	sum     *Summary
	insts   map[string]*instEntry
	masks   map[maskKey][]uint16
	answers Answers
}

type instEntry struct {
	ref  catalogue.InstrumentRef
	inst *catalogue.Instrument
}

type maskKey struct {
	inst *catalogue.Instrument
	tmpl *catalogue.Template
}

func (w *worker) piece(pc piece) result {
	res := result{idx: pc.idx, line: pc.line}
	if pc.data == nil {
		res.structural = true
		return res
	}
	if w.p.failed.Load() {
		res.structural = true
		return res
	}
	b, pos, line := pc.data, 0, pc.line
	for pos < len(b) {
		fields, next, lines, firstQuoted, err := csvscan.SplitRecordInto(w.fields, &w.scratch, b, pos, w.p.comma, w.p.lim)
		w.fields = fields
		if err != nil {
			w.p.failed.Store(true)
			res.structural, res.line = true, line
			return res
		}
		recLine := line
		w.ascii = asciiOnly(b[pos:next])
		pos, line = next, line+lines
		if len(fields) == 1 && len(fields[0]) == 0 && !firstQuoted {
			continue // a blank line
		}
		w.sum.Rows++
		if e := w.record(fields, recLine); e != nil {
			res.errs = append(res.errs, e)
		}
	}
	return res
}

// record checks one record and passes it on; it returns the record's
// problems, if any.
func (w *worker) record(fields [][]byte, line int) *RowError {
	p := w.p
	if len(fields) == len(p.cols.roles) && p.fast {
		if r, ok := w.check(fields); ok {
			w.sum.count(true, nil)
			w.sink.Accept(r)
			return nil
		}
	}
	// The general decoder's own code, for identical results.
	raw, bad := p.cols.raw(fields, line)
	if bad != nil {
		w.sum.count(false, []*ValidationError{bad})
		return &RowError{Line: line, Rejected: true, Err: bad}
	}
	r, kept, ok, errs := p.d.decode(p.v, raw)
	w.sum.count(ok, errs)
	if ok {
		w.sink.Accept(&kept)
	}
	if len(errs) == 0 {
		return nil
	}
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return &RowError{Line: line, ID: r.ID, Rejected: !ok, Err: errors.Join(joined...)}
}

// view returns a string sharing b's bytes, valid while b is.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// asciiOnly reports whether b has no byte ≥ 0x80, eight bytes at a time.
func asciiOnly(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validText reports whether b is valid UTF-8, quickly for ASCII.
func validText(b []byte) bool { return asciiOnly(b) || utf8.Valid(b) }

// check makes the general decoder's checks on a regular record without
// allocating. It returns false whenever the record is not certainly
// valid, leaving the verdict (and the messages) to the general code.
func (w *worker) check(fields [][]byte) (*Response, bool) {
	p := w.p
	var meta [numMeta][]byte
	for i, role := range p.cols.roles {
		if role >= 0 {
			meta[role] = fields[i]
		}
	}
	id := meta[fID]
	if len(id) == 0 || len(meta[fServed]) != 0 {
		return nil, false
	}
	if !w.ascii { // else every field is ASCII, so valid UTF-8
		for _, f := range []int{fID, fRegion, fProvider, fUnit, fService, fComment} {
			if !validText(meta[f]) {
				return nil, false
			}
		}
	}
	submitted, ok := parseRFC3339(meta[fSubmitted])
	if !ok || submitted.After(p.latest) {
		return nil, false
	}
	var ie *instEntry
	if w.last.entry != nil && bytes.Equal(w.last.inst, meta[fInstrument]) {
		ie = w.last.entry
	} else {
		ie = w.insts[view(meta[fInstrument])]
	}
	if ie == nil {
		ref, err := catalogue.ParseInstrumentRef(string(meta[fInstrument]))
		if err != nil {
			return nil, false
		}
		inst, err := p.v.catalogue().Instrument(ref)
		if err != nil {
			return nil, false
		}
		ie = &instEntry{ref, inst}
		w.insts[string(meta[fInstrument])] = ie
	}
	if w.last.entry != ie {
		w.last.inst, w.last.entry = append(w.last.inst[:0], meta[fInstrument]...), ie
	}
	if submitted.Before(ie.inst.ValidFrom()) {
		return nil, false
	}
	unit := meta[fUnit]
	if p.v.Orgs != nil {
		u, ok := p.v.Orgs.units[view(unit)]
		if !ok || len(meta[fProvider]) > 0 && view(meta[fProvider]) != u.Provider || len(meta[fRegion]) > 0 && view(meta[fRegion]) != u.Region {
			return nil, false
		}
	}
	tmpl := p.v.Templates[view(unit)]
	if tmpl != nil && tmpl.Instrument().Ref() != ie.ref {
		return nil, false
	}
	// One Response per worker, reused: returning a new one would allocate
	// per row.
	r := &w.resp
	*r = Response{ID: view(id), Submitted: submitted, Instrument: ie.ref, Region: view(meta[fRegion]), Provider: view(meta[fProvider]),
		Unit: view(unit), Service: view(meta[fService]), Comment: view(meta[fComment])}
	if r.Channel, ok = fastCode[Channel](channelCodes, meta[fChannel]); !ok {
		return nil, false
	}
	if r.Role, ok = fastCode[Role](roleCodes, meta[fRole]); !ok {
		return nil, false
	}
	if r.Lang, ok = fastCode[i18n.Lang](langCodes, meta[fLang]); !ok {
		return nil, false
	}
	key := maskKey{ie.inst, tmpl}
	masks := w.last.masks
	if w.last.key != key || masks == nil {
		if masks = w.masks[key]; masks == nil {
			masks = w.masksFor(ie.inst, tmpl)
		}
		w.last.key, w.last.masks = key, masks
	}
	w.answers = w.answers[:0]
	for i, role := range p.cols.roles {
		if role != colAnswer {
			continue
		}
		f := fields[i]
		var v int
		switch {
		case len(f) == 0:
			continue
		case len(f) == 1 && f[0] >= '0' && f[0] <= '9':
			v = int(f[0] - '0')
		case len(f) == 2 && f[0] >= '0' && f[0] <= '9' && f[1] >= '0' && f[1] <= '9':
			v = int(f[0]-'0')*10 + int(f[1]-'0')
		default:
			return nil, false
		}
		if v > 15 || masks[i]&(1<<v) == 0 {
			return nil, false
		}
		w.answers = append(w.answers, Answer{p.cols.names[i], v})
	}
	if len(w.answers) == 0 {
		return nil, false // possibly empty: the general code says
	}
	if !p.d.SkipDuplicateCheck {
		if _, dup := p.d.seen[r.ID]; dup {
			return nil, false
		}
		if p.d.seen == nil {
			p.d.seen = map[string]struct{}{}
		}
		p.d.seen[string(id)] = struct{}{}
	}
	r.Answers = w.answers
	return r, true
}

// masksFor computes, per input column, the answer values valid for the
// column's item under an instrument and template (0 for none).
func (w *worker) masksFor(inst *catalogue.Instrument, tmpl *catalogue.Template) []uint16 {
	ctx := context{inst: inst, tmpl: tmpl}
	masks := make([]uint16, len(w.p.cols.roles))
	for i, role := range w.p.cols.roles {
		if role != colAnswer {
			continue
		}
		it, err := ctx.item(w.p.cols.names[i])
		if err != nil || it.Scale().Kind() == catalogue.KindNone {
			continue
		}
		for v := 0; v <= 15; v++ {
			if it.Scale().Valid(v) {
				masks[i] |= 1 << v
			}
		}
	}
	w.masks[maskKey{inst, tmpl}] = masks
	return masks
}

// fastCode is the fast path's exact match of a code (no spaces, no case
// folding: anything else goes to the general code, which trims and maps).
func fastCode[T ~uint8](codes []string, b []byte) (T, bool) {
	if len(b) == 0 {
		return 0, true
	}
	for i := 1; i < len(codes); i++ {
		if codes[i] == view(b) {
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

// parseRFC3339 reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" as
// time.Parse does, and reports false for anything else (which the
// general code then judges).
func parseRFC3339(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	rest := b[19:]
	ns := 0
	if len(rest) > 0 && rest[0] == '.' {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		digits := rest[1:k]
		if len(digits) == 0 || len(digits) > 9 {
			return time.Time{}, false
		}
		ns, _ = num(digits)
		for range 9 - len(digits) {
			ns *= 10
		}
		rest = rest[k:]
	}
	var offset int
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(rest[1:3])
		om, ok2 := num(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	sec := daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+s) - int64(offset)
	return time.Unix(sec, int64(ns)).UTC(), true
}

// daysFromCivil returns the days from 1970-01-01 to a date of the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
