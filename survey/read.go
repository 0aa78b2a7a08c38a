package survey

import (
	"bufio"
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/palaute/palaute/internal/clip"
	"github.com/palaute/palaute/internal/csvscan"
)

// Sink receives the accepted responses of a [Read]. Each worker goroutine
// has a sink of its own, so a Sink needs no locking. The response given
// is the sink's to keep: its strings and answers are never changed or
// reused by the decoder (they share memory with the responses decoded
// near them: see [Decoder] for what a kept string holds). An error from
// Accept stops the read, and Read returns it.
type Sink interface {
	Accept(Response) error
}

// Read reads the decoder's input and passes every accepted response to a
// sink: with several workers in parallel when the input is a file (any
// reader with ReadAt and Seek, such as an *os.File), in one goroutine
// when it is a stream. Responses, problems, line numbers and the summary
// are those [Decoder.All] gives; onError, if not nil, receives every
// record's problems in line order, from one goroutine at a time. The read
// stops when ctx is done (returning its error) or a sink fails. Read
// returns the sinks, one per worker, holding what they accepted.
func Read[S Sink](ctx context.Context, d *Decoder, newSink func() S, onError func(*RowError)) ([]S, error) {
	var sinks []S
	var mu sync.Mutex
	err := d.run(ctx, delivery{
		worker: func() func(Response) error {
			s := newSink()
			mu.Lock()
			sinks = append(sinks, s)
			mu.Unlock()
			return s.Accept
		},
		inOrder: func(batch []readResult) error {
			if onError != nil {
				for i := range batch {
					if batch[i].err != nil {
						onError(batch[i].err)
					}
				}
			}
			return nil
		},
	})
	return sinks, err
}

// readResult is what reading one record gave. Before the ordered stage
// resp is the response as decoded (kept too, when it has no problems)
// and more indexes its problems; after it, resp is what is delivered (as
// accepted, or as read when rejected) and err its problems.
type readResult struct {
	line     int
	offset   int64
	bad      *ValidationError // a record that could not be read at all
	resp     Response
	more     int32  // index into the worker's problems, or -1
	hash     uint64 // of the ID, for the duplicate check
	dupe     bool   // the ID repeats an earlier record's
	err      *RowError
	accepted bool
}

// recordProblems are what a record with problems carries besides its response.
type recordProblems struct {
	kept Response
	errs []*ValidationError
}

// delivery is where a read's results go. inOrder receives every
// record's readResult in line order, inside the ordered stage; worker, if
// set, makes the acceptor of one worker goroutine, which receives the
// accepted responses outside it (in parallel, not in order).
type delivery struct {
	worker  func() func(Response) error
	inOrder func([]readResult) error
}

// input describes where a decoder reads from: a file (at, from start to
// size) or a stream.
type input struct {
	r     io.Reader
	at    io.ReaderAt
	start int64
	size  int64
}

// seekable returns the file behind r, if r can be read at offsets.
func seekable(r io.Reader) input {
	ra, ok1 := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok1 || !ok2 {
		return input{r: r}
	}
	cur, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return input{r: r}
	}
	end, err := sk.Seek(0, io.SeekEnd)
	// The reader is left where it was: the decoder reads with ReadAt.
	if _, serr := sk.Seek(cur, io.SeekStart); err != nil || serr != nil || end < cur {
		return input{r: r}
	}
	return input{r: r, at: ra, start: cur, size: end}
}

// engine is one read.
//
// # Locks
//
// A read has three kinds of lock, always taken in this order and never
// the other way round, so that no cycle of waits can form:
//
//  1. e.mu, the ordered stage's turn (held by the one worker whose piece
//     is next, while it finishes that piece's records);
//  2. a shard lock of the duplicate check (idShard.mu), taken alone by a
//     worker checking its piece's IDs (seenBatch), and under e.mu to pick
//     up a late verdict (idSet.late), before d.mu;
//  3. d.mu, the decoder's summary and ignored keys, taken alone by
//     Summary and under e.mu by the ordered stage (process, noteIgnored).
//
// Shard locks and d.mu are leaves: nothing is locked, and no file is
// read, while one is held. The duplicate check reads IDs back from the
// file (fileIDs.idAt) only between its shard locks, and reading an ID back
// has no side effect: ndjsonID and columns.fill parse, they note nothing.
// Parsing notes nothing either: the keys a record ignores travel with it
// (record.ignored) to the ordered stage, which notes them under d.mu.
// Every verdict of the duplicate check is taken before d.mu.
type engine struct {
	ctx     context.Context
	d       *Decoder
	in      input
	del     delivery
	ndjson  bool
	comma   byte
	lim     csvscan.Limits
	cols    *columns
	latest  time.Time
	zone    *time.Location
	ids     *idSet
	workers int
	block   int
	// For NDJSON: the item IDs known, and the lookalike of each unknown
	// key seen (bounded; see ndjsonLookalike).
	items      map[string]bool
	lookalikes sync.Map
	looked     atomic.Int32

	// The ordered stage.
	mu      sync.Mutex
	cond    *sync.Cond
	turn    int  // the next piece to enter
	stopped bool // a piece was irregular, a sink failed or ctx is done
	resume  resumePoint
	err     error
}

// resumePoint is where sequential reading takes over from the pieces.
type resumePoint struct {
	set    bool
	offset int64
	line   int
}

// run reads the decoder's input into del.
func (d *Decoder) run(ctx context.Context, del delivery) error {
	if d.input.r == nil && d.input.at == nil {
		return errors.New("survey: the decoder has no input")
	}
	if d.used {
		return errors.New("survey: a decoder reads its input once")
	}
	d.used = true
	e := &engine{ctx: ctx, d: d, in: d.input, del: del, ndjson: d.ndjson, lim: d.Limits.scan(), latest: d.validator().latest()}
	e.cond = sync.NewCond(&e.mu)
	if e.ndjson {
		e.items = itemColumns(d.validator())
	}
	var err error
	if e.comma, err = d.comma(); err != nil {
		return err
	}
	if e.zone, err = helsinki(); err != nil {
		return err
	}
	e.workers = d.Workers
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	e.block = d.BlockSize
	if e.block <= 0 {
		e.block = 1 << 20
	}
	defer func() {
		if e.in.at != nil {
			if sk, ok := e.in.r.(io.Seeker); ok {
				sk.Seek(e.in.size, io.SeekStart) // as if read through
			}
		}
	}()
	if e.in.at == nil {
		return e.sequential(e.in.r, 0, 1)
	}
	return e.parallel()
}

// helsinki loads the zone of civil dates once.
var helsinki = sync.OnceValues(func() (*time.Location, error) {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, fmt.Errorf("survey: the time zone Europe/Helsinki is needed for service dates: %w (install the zone database, or import time/tzdata in the program)", err)
	}
	return loc, nil
})

// Helsinki returns the Europe/Helsinki time zone, in whose calendar
// service dates and periods fall. It is loaded once, from the system's
// zone database or from time/tzdata if the program imports it (a library
// should not: the program decides); the error says how to get it.
func Helsinki() (*time.Location, error) { return helsinki() }

// lateRepeat completes the duplicate check of a record in the ordered
// stage, before d.mu is taken: whether a later-checked earlier twin made
// it a repeat (see idSet).
func (e *engine) lateRepeat(res *readResult) {
	if e.ids != nil && res.bad == nil && res.resp.ID != "" && !res.dupe {
		res.dupe = e.ids.late(res.hash, res.offset)
	}
}

// process finishes a record in the ordered stage, with d.mu held: the
// verdict and the summary, in place. The duplicate check's verdict is
// in res already (checkID, lateRepeat).
func (e *engine) process(v *Validator, res *readResult, p *recordProblems) error {
	d := e.d
	if res.bad != nil {
		d.summary.Rows++
		d.summary.count(false, []*ValidationError{res.bad})
		res.err = &RowError{Line: res.line, Rejected: true, Err: res.bad}
		return nil
	}
	r := res.resp
	var errs []*ValidationError
	kept := r
	if p != nil {
		errs, kept = p.errs, p.kept
	}
	if res.dupe {
		errs = append(errs, &ValidationError{Line: res.line, ID: r.ID, Field: "id", Value: r.ID, Err: ErrDuplicateID})
	}
	d.summary.Rows++
	if len(errs) == 0 {
		d.summary.count(true, nil)
		res.resp, res.accepted = kept, true
		return nil
	}
	out, ok, _ := v.verdict(r, kept, errs)
	d.summary.count(ok, errs)
	joined := make([]error, len(errs))
	for i, x := range errs {
		joined[i] = x
	}
	res.resp, res.accepted = out, ok
	res.err = &RowError{Line: res.line, ID: r.ID, Rejected: !ok, Err: errors.Join(joined...)}
	return nil
}

// sequential reads r (from offset in the input, starting on line) in
// this goroutine: streams, and files from a record the fast splitter
// does not handle.
func (e *engine) sequential(r io.Reader, offset int64, line int) error {
	d := e.d
	rd := newRecordDecoder(d, e.latest, e.zone)
	accept := func(Response) error { return nil }
	if e.del.worker != nil {
		accept = e.del.worker()
	}
	var src func(rec *record) (bad *ValidationError, err error)
	if e.ndjson {
		s := &ndjsonLines{r: bufio.NewReaderSize(r, 64<<10), line: line - 1, offset: offset, max: e.lim.RecordBytes}
		if offset == 0 {
			s.skipBOM()
		}
		src = func(rec *record) (*ValidationError, error) { return s.next(e, rec) }
	} else {
		sc := csvscan.New(r, e.comma, e.lim)
		if offset > 0 {
			sc.Resume(line)
		}
		if e.cols == nil {
			header, hline, err := sc.Scan()
			if err != nil {
				if sc.LoneCR() {
					return loneCRHeader(hline, "")
				}
				return headerError(err)
			}
			if e.cols, err = d.columns(header, hline); err != nil {
				return err
			}
			d.setIgnored(e.cols.ignores)
		}
		src = func(rec *record) (*ValidationError, error) {
			fields, l, err := sc.Scan()
			var re *csvscan.RecordError
			switch {
			case err == io.EOF:
				return nil, io.EOF
			case errors.As(err, &re):
				return &ValidationError{Line: re.Line, Err: ErrMalformed, Want: re.Err.Error()}, nil
			case err != nil:
				return nil, fmt.Errorf("survey: reading CSV: %w", err)
			}
			rec.reset(l, offset+sc.Offset(), false)
			return e.cols.fill(rec, fields), nil
		}
	}
	if e.ids == nil && !d.SkipDuplicateCheck {
		if e.in.at != nil {
			e.ids = newIDSet(0, e.in.size, &fileIDs{e: e})
		} else {
			e.ids = newIDSet(0, 1<<40, &idLog{})
		}
		defer e.ids.release()
	}
	var rec record
	batch := make([]readResult, 1)
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := e.ctx.Err(); err != nil {
				return err
			}
		}
		bad, err := src(&rec)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		res := &batch[0]
		*res = readResult{line: rec.line, offset: rec.offset, bad: bad, more: -1}
		if bad != nil {
			res.line = bad.Line
		}
		var p *recordProblems
		if bad == nil {
			r, kept, errs := rd.decode(&rec)
			res.resp = r
			if len(errs) > 0 {
				p = &recordProblems{kept, errs}
			}
			if lg, ok := idSourceLog(e.ids); ok && r.ID != "" {
				res.offset = lg.add([]byte(r.ID))
			}
			if err := e.checkID(res); err != nil {
				return err
			}
		}
		e.lateRepeat(res)
		d.mu.Lock()
		d.noteIgnored(rec.ignored)
		err = e.process(rd.v, res, p)
		d.mu.Unlock()
		if err != nil {
			return err
		}
		if err := e.del.inOrder(batch); err != nil {
			return err
		}
		if batch[0].accepted {
			if err := accept(batch[0].resp); err != nil {
				return err
			}
		}
	}
}

// checkID makes the duplicate check of a record (in any order; see
// idSet), noting a repeat in res.
func (e *engine) checkID(res *readResult) error {
	if e.ids == nil || res.bad != nil || res.resp.ID == "" {
		return nil
	}
	res.hash = e.ids.hash(res.resp.ID)
	dup, err := e.ids.seen(res.hash, res.resp.ID, res.offset)
	if err != nil {
		return fmt.Errorf("survey: reading an ID again for the duplicate check: %w", err)
	}
	res.dupe = dup
	return nil
}

// idSourceLog returns the in-memory ID log of a stream's duplicate check.
func idSourceLog(s *idSet) (*idLog, bool) {
	if s == nil {
		return nil, false
	}
	l, ok := s.ids.(*idLog)
	return l, ok
}

// fileIDs reads an ID again from the record at an offset of the file.
// Workers call it at once; it keeps nothing between calls.
type fileIDs struct {
	e *engine
}

func (f *fileIDs) idAt(off int64) ([]byte, error) {
	e := f.e
	// Most records are short: read 512 bytes, and more only if the
	// record does not end in them.
	for n := int64(512); ; n *= 8 {
		limit := int64(e.lim.RecordBytes + 2)
		n = min(n, limit, e.in.size-off)
		b := make([]byte, n)
		if _, err := e.in.at.ReadAt(b, off); err != nil && err != io.EOF {
			return nil, err
		}
		complete := n == limit || off+n == e.in.size
		var rec record
		if e.ndjson {
			i := bytes.IndexByte(b, '\n')
			if i < 0 && !complete {
				continue
			}
			if i >= 0 {
				b = b[:i]
			}
			return ndjsonID(e, bytes.TrimRight(b, "\r"))
		}
		fields, end, _, _, err := csvscan.SplitRecord(b, 0, e.comma, e.lim)
		if (err != nil || end == len(b)) && !complete {
			continue // perhaps cut short: read more
		}
		if err != nil { // irregular: the scanner reads it
			fields, _, err = csvscan.New(bytes.NewReader(b), e.comma, e.lim).Scan()
			if err != nil {
				return nil, fmt.Errorf("record at offset %d: %w", off, err)
			}
		}
		rec.reset(0, off, false)
		e.cols.fill(&rec, fields)
		return rec.field(fID), nil
	}
}

// piece is a part of a file that starts and ends on record boundaries.
type piece struct {
	idx    int
	data   []byte
	offset int64 // of data[0] in the input
	line   int   // the line data starts on
	buf    *[]byte
	// tooLong marks an NDJSON line over the limit at line (data is nil).
	tooLong bool
	// irregular marks a CSV piece without a record boundary (data nil):
	// sequential reading takes over at offset.
	irregular bool
}

// parallel reads a file in pieces with several workers.
func (e *engine) parallel() error {
	d := e.d
	off, line := e.in.start, 1
	if !e.ndjson {
		// The header: the first record, by the fast splitter if it can.
		head := make([]byte, min(int64(e.lim.RecordBytes)+1, e.in.size-e.in.start))
		n, err := e.in.at.ReadAt(head, e.in.start)
		if err != nil && err != io.EOF {
			return fmt.Errorf("survey: reading CSV: %w", err)
		}
		head = head[:n]
		pos := 0
		if bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
			pos = 3
		}
		fields, end, lines, quoted, err := csvscan.SplitRecord(head, pos, e.comma, e.lim)
		blank := len(fields) == 1 && len(fields[0]) == 0 && !quoted
		if err != nil || blank || (end == len(head) && int64(len(head)) < e.in.size-e.in.start) {
			// An irregular or blank first line: the scanner reads all.
			return e.sequential(io.NewSectionReader(e.in.at, e.in.start, e.in.size-e.in.start), 0, 1)
		}
		if e.cols, err = d.columns(fields, 1); err != nil {
			return err
		}
		d.setIgnored(e.cols.ignores)
		off, line = e.in.start+int64(end), 1+lines
	} else if e.in.size-e.in.start >= 3 {
		var bom [3]byte
		if n, _ := e.in.at.ReadAt(bom[:], e.in.start); n == 3 && string(bom[:]) == "\xEF\xBB\xBF" {
			off += 3
		}
	}
	if !d.SkipDuplicateCheck {
		est := 0
		if first := min(e.in.size-off, int64(e.block)); first > 0 {
			// Estimate the rows from the first block's newlines.
			sample := make([]byte, first)
			n, _ := e.in.at.ReadAt(sample, off)
			if nl := bytes.Count(sample[:n], []byte{'\n'}); nl > 0 {
				est = int((e.in.size - off) / int64(n) * int64(nl))
			}
		}
		e.ids = newIDSet(est, e.in.size, &fileIDs{e: e})
		defer e.ids.release()
	}

	pieces := make(chan piece, e.workers)
	free := make(chan *[]byte, 2*e.workers+2)
	for range cap(free) {
		b := make([]byte, 0, e.block+e.block/4)
		free <- &b
	}
	var wg sync.WaitGroup
	for range e.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{e: e, rd: newRecordDecoder(d, e.latest, e.zone)}
			if e.del.worker != nil {
				w.accept = e.del.worker()
			}
			for pc := range pieces {
				w.piece(pc)
				free <- pc.buf
			}
		}()
	}
	readErr := e.readPieces(off, line, pieces, free)
	close(pieces)
	wg.Wait()
	if readErr != nil && e.err == nil {
		e.err = readErr
	}
	if e.err != nil {
		return e.err
	}
	if e.resume.set {
		return e.sequential(io.NewSectionReader(e.in.at, e.resume.offset, e.in.size-e.resume.offset), e.resume.offset, e.resume.line)
	}
	return nil
}

// halt stops the read with err (the first error wins).
func (e *engine) halt(err error) {
	e.mu.Lock()
	if e.err == nil {
		e.err = err
	}
	e.stopped = true
	e.cond.Broadcast()
	e.mu.Unlock()
}

func (e *engine) isStopped() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stopped
}

// readPieces cuts the file into pieces at record boundaries.
func (e *engine) readPieces(off int64, line int, pieces chan<- piece, free chan *[]byte) error {
	var carry []byte
	size := e.in.size
	for idx := 0; off < size || len(carry) > 0; idx++ {
		if err := e.ctx.Err(); err != nil {
			e.halt(err)
			return nil
		}
		if e.isStopped() {
			return nil
		}
		bufp := <-free
		start := off - int64(len(carry))
		buf := append((*bufp)[:0], carry...)
		want := e.block
		for {
			if cap(buf)-len(buf) < want {
				grown := make([]byte, len(buf), len(buf)+want)
				copy(grown, buf)
				buf = grown
			}
			n, err := e.in.at.ReadAt(buf[len(buf):len(buf)+int(min(int64(want), size-off))], off)
			buf = buf[:len(buf)+n]
			off += int64(n)
			if err != nil && err != io.EOF {
				return fmt.Errorf("survey: reading: %w", err)
			}
			if n == 0 && off < size {
				return fmt.Errorf("survey: reading: %w", io.ErrUnexpectedEOF)
			}
			if off >= size {
				carry = nil
				break
			}
			cut := 0
			if e.ndjson {
				cut = bytes.LastIndexByte(buf, '\n') + 1
			} else {
				cut = csvscan.LastBoundary(buf)
			}
			if cut > 0 {
				carry = append(carry[:0], buf[cut:]...)
				buf = buf[:cut]
				break
			}
			if len(buf) > 2*e.lim.RecordBytes+e.block {
				if !e.ndjson {
					// No record boundary: a record over the limits, or
					// irregular quoting. The scanner takes over.
					pieces <- piece{idx: idx, offset: start, line: line, buf: bufp, irregular: true}
					return nil
				}
				// An NDJSON line over the limit: skip to its end.
				skipped, err := e.skipLine(off)
				if err != nil {
					return err
				}
				pieces <- piece{idx: idx, offset: start, line: line, buf: bufp, tooLong: true}
				off, line, carry = skipped, line+1, nil
				buf = nil
				break
			}
		}
		if buf == nil {
			continue
		}
		*bufp = buf
		pieces <- piece{idx: idx, data: buf, offset: start, line: line, buf: bufp}
		line += bytes.Count(buf, []byte{'\n'})
	}
	return nil
}

// skipLine returns the offset after the next newline from off (or the
// end of the input).
func (e *engine) skipLine(off int64) (int64, error) {
	var b [64 << 10]byte
	for off < e.in.size {
		n, err := e.in.at.ReadAt(b[:min(int64(len(b)), e.in.size-off)], off)
		if i := bytes.IndexByte(b[:n], '\n'); i >= 0 {
			return off + int64(i) + 1, nil
		}
		off += int64(n)
		if err != nil && err != io.EOF {
			return 0, err
		}
	}
	return off, nil
}

// worker parses and decodes pieces.
type worker struct {
	e       *engine
	rd      *recordDecoder
	accept  func(Response) error
	fields  [][]byte
	scratch []byte
	rec     record
	results []readResult
	more    []recordProblems
	queries []idQuery // scratch of the duplicate check
	order   []int32
	ignored []string // the NDJSON keys the piece's records ignore
}

// piece decodes the records of a piece, then takes its turn in the
// ordered stage, then passes on the accepted responses.
func (w *worker) piece(pc piece) {
	e := w.e
	w.results, w.more, w.ignored = w.results[:0], w.more[:0], w.ignored[:0]
	var resume resumePoint
	switch {
	case pc.irregular:
		resume = resumePoint{true, pc.offset, pc.line}
	case pc.tooLong:
		w.malformed(pc.line, &ValidationError{Line: pc.line, Err: ErrMalformed, Want: fmt.Sprintf("a line of at most %d bytes", e.lim.RecordBytes)})
	default:
		if !e.isStopped() {
			resume = w.decodePiece(pc)
		}
	}
	// The duplicate check, in parallel with the other workers.
	if err := w.checkIDs(); err != nil {
		e.halt(err)
		return
	}
	// The ordered stage: pieces one at a time, in order.
	e.mu.Lock()
	for e.turn != pc.idx && !e.stopped {
		e.cond.Wait()
	}
	if e.stopped {
		e.mu.Unlock()
		return
	}
	for i := range w.results {
		e.lateRepeat(&w.results[i])
	}
	e.d.mu.Lock()
	e.d.noteIgnored(w.ignored)
	var err error
	for i := range w.results {
		res := &w.results[i]
		var p *recordProblems
		if res.more >= 0 {
			p = &w.more[res.more]
		}
		if err = e.process(w.rd.v, res, p); err != nil {
			break
		}
	}
	e.d.mu.Unlock()
	if err == nil {
		err = e.del.inOrder(w.results)
	}
	if err != nil {
		e.mu.Unlock()
		e.halt(err)
		return
	}
	if resume.set {
		e.resume, e.stopped = resume, true
	}
	e.turn++
	e.cond.Broadcast()
	e.mu.Unlock()

	if w.accept == nil {
		return
	}
	for i := range w.results {
		if w.results[i].accepted {
			if err := w.accept(w.results[i].resp); err != nil {
				e.halt(err)
				return
			}
		}
	}
}

// checkIDs makes the duplicate check of the piece's records as one
// batch (see idSet.seenBatch), noting repeats in w.results.
func (w *worker) checkIDs() error {
	e := w.e
	if e.ids == nil {
		return nil
	}
	w.queries = w.queries[:0]
	for i := range w.results {
		res := &w.results[i]
		if res.bad != nil || res.resp.ID == "" {
			continue
		}
		res.hash = e.ids.hash(res.resp.ID)
		w.queries = append(w.queries, idQuery{h: res.hash, id: res.resp.ID, ref: res.offset})
	}
	var err error
	if w.order, err = e.ids.seenBatch(w.queries, w.order); err != nil {
		return fmt.Errorf("survey: reading an ID again for the duplicate check: %w", err)
	}
	q := w.queries
	for i := range w.results {
		res := &w.results[i]
		if res.bad != nil || res.resp.ID == "" {
			continue
		}
		res.dupe, q = q[0].dupe, q[1:]
	}
	return nil
}

func (w *worker) malformed(line int, bad *ValidationError) {
	w.results = append(w.results, readResult{line: line, bad: bad, more: -1})
}

// decodePiece decodes the records of a piece into w.results. It returns
// where sequential reading must take over if a record is irregular.
func (w *worker) decodePiece(pc piece) resumePoint {
	e := w.e
	b, pos, line := pc.data, 0, pc.line
	for pos < len(b) {
		if e.ndjson {
			end := bytes.IndexByte(b[pos:], '\n')
			next := len(b)
			if end >= 0 {
				next = pos + end + 1
			}
			l := bytes.TrimRight(b[pos:next], "\r\n")
			recLine, recOff := line, pc.offset+int64(pos)
			pos, line = next, line+1
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			if len(l) > e.lim.RecordBytes {
				w.malformed(recLine, &ValidationError{Line: recLine, Err: ErrMalformed, Want: fmt.Sprintf("a line of at most %d bytes", e.lim.RecordBytes)})
				continue
			}
			w.rec.reset(recLine, recOff, true)
			bad := parseNDJSON(e, l, &w.rec)
			w.ignored = append(w.ignored, w.rec.ignored...)
			if bad != nil {
				w.malformed(recLine, bad)
				continue
			}
			w.decodeRecord()
			continue
		}
		fields, next, lines, quoted, err := csvscan.SplitRecordInto(w.fields, &w.scratch, b, pos, e.comma, e.lim)
		w.fields = fields
		if err != nil {
			return resumePoint{true, pc.offset + int64(pos), line}
		}
		recLine, recOff := line, pc.offset+int64(pos)
		pos, line = next, line+lines
		if len(fields) == 1 && len(fields[0]) == 0 && !quoted {
			continue // a blank line
		}
		w.rec.reset(recLine, recOff, false)
		w.rec.ascii = asciiOnly(b[recOff-pc.offset : pos])
		if bad := e.cols.fill(&w.rec, fields); bad != nil {
			w.malformed(recLine, bad)
			continue
		}
		w.decodeRecord()
	}
	return resumePoint{}
}

func (w *worker) decodeRecord() {
	r, kept, errs := w.rd.decode(&w.rec)
	res := readResult{line: w.rec.line, offset: w.rec.offset, resp: r, more: -1}
	if len(errs) > 0 {
		res.more = int32(len(w.more))
		w.more = append(w.more, recordProblems{kept, errs})
	}
	w.results = append(w.results, res)
}

// setIgnored records the input's columns that are ignored.
func (d *Decoder) setIgnored(cols []string) {
	d.mu.Lock()
	d.summary.IgnoredColumns = cols
	d.mu.Unlock()
}

// noteIgnored records ignored NDJSON keys (by their first 256 bytes),
// with d.mu held. The set kept is the maxIgnoredTracked smallest keys, so
// that it does not depend on the order in which parallel pieces bring
// them.
func (d *Decoder) noteIgnored(keys []string) {
	for _, key := range keys {
		d.ignoreLocked(clip.Text(key, 256))
	}
}

func (d *Decoder) ignoreLocked(key string) {
	if d.ignored == nil {
		d.ignored = map[string]bool{}
	}
	if d.ignored[key] {
		return
	}
	if len(d.ignored) < maxIgnoredTracked {
		d.ignored[key] = true
		heap.Push(&d.ignoredHeap, key)
		return
	}
	if largest := d.ignoredHeap[0]; key < largest {
		delete(d.ignored, largest)
		d.ignored[key] = true
		d.ignoredHeap[0] = key
		heap.Fix(&d.ignoredHeap, 0)
	}
}

// maxIgnoredTracked bounds the set of ignored keys remembered.
const maxIgnoredTracked = 4096

// maxHeap is a heap of strings, largest first.
type maxHeap []string

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
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
		if c >= 0x80 {
			return false
		}
	}
	return true
}
