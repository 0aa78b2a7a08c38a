package survey

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/internal/clip"
	"github.com/palaute/palaute/internal/csvscan"
)

// NewCSVDecoder returns a decoder of wide CSV: a header row, then one
// response a row. The canonical columns are those of the spec (see
// [catalogue.Catalogue.Columns]) plus the optional "served"; columns named
// by an item ID of the catalogue or of a template's own statements are
// answers; other columns are ignored and listed in the summary. The
// header must have id, submitted and instrument (after
// [Mapping.Columns]). A UTF-8 byte order mark is skipped.
func NewCSVDecoder(r io.Reader) *Decoder {
	return &Decoder{input: inputOf(r)}
}

// inputOf returns the input of a decoder reading r.
func inputOf(r io.Reader) input {
	if r == nil {
		return input{}
	}
	return seekable(r)
}

// column roles: a metadata field index, an answer, or ignored.
const (
	colIgnored = -1
	colAnswer  = -2
)

// columns says what each input column of a CSV file is.
type columns struct {
	roles      []int    // per input column: a metadata field, colAnswer or colIgnored
	names      []string // canonical name per input column
	ignores    []string // input names of ignored columns
	metaCol    [numMeta]int
	answerCols []int
}

// comma returns the configured field separator.
func (d *Decoder) comma() (byte, error) {
	comma := d.Mapping.Comma
	if comma == 0 {
		comma = ','
	}
	if comma >= utf8.RuneSelf || comma == '"' || comma == '\n' || comma == '\r' {
		return 0, fmt.Errorf("survey: Mapping.Comma %q: want a single-byte separator other than quote and newline", comma)
	}
	return byte(comma), nil
}

func (d *Decoder) validator() *Validator {
	if d.Validator != nil {
		return d.Validator
	}
	return &defaultValidator
}

// columns interprets a header row.
func (d *Decoder) columns(header [][]byte, line int) (*columns, error) {
	items := itemColumns(d.validator())
	c := &columns{}
	var errs []error
	seen := map[string]bool{}
	for _, f := range header {
		switch {
		case !utf8.Valid(f):
			errs = append(errs, &ValidationError{Line: line, Value: strings.ToValidUTF8(string(f), "\uFFFD"), Err: ErrHeader, Want: "UTF-8 column names"})
			continue
		case bytes.Contains(f, []byte("\uFEFF")):
			errs = append(errs, &ValidationError{Line: line, Value: string(f), Err: ErrHeader, Want: "a column name without a byte order mark (U+FEFF); the input has more than one at its start, or one inside"})
			continue
		case bytes.IndexByte(f, '\r') >= 0:
			return nil, loneCRHeader(line, string(f))
		}
		name, mapped := d.Mapping.lookup(string(f))
		switch {
		case mapped && name == "":
			// Ignored on purpose.
			c.roles = append(c.roles, colIgnored)
			c.ignores = append(c.ignores, string(f))
			c.names = append(c.names, "")
			continue
		case seen[name]:
			errs = append(errs, &ValidationError{Line: line, Field: name, Err: ErrHeader, Want: "each column once"})
		case metaIndex(name) >= 0:
			c.roles = append(c.roles, metaIndex(name))
		case items[name]:
			c.roles = append(c.roles, colAnswer)
		default:
			c.roles = append(c.roles, colIgnored)
			c.ignores = append(c.ignores, string(f))
		}
		seen[name] = true
		c.names = append(c.names, name)
	}
	// An unknown column that looks like a known one whose column is absent
	// ("acess", "Unit", "submited") would drop all its values quietly.
	for i, role := range c.roles {
		if role != colIgnored {
			continue
		}
		if like := lookalike(c.names[i], items, seen); like != "" {
			errs = append(errs, &ValidationError{Line: line, Value: c.names[i], Err: ErrHeader,
				Want: fmt.Sprintf("column %q? name it so, or map the input's name with Mapping.Columns (to \"\" to ignore the column)", like)})
		}
	}
	for _, req := range []int{fID, fSubmitted, fInstrument} {
		if !seen[metaNames[req]] {
			errs = append(errs, &ValidationError{Line: line, Field: metaNames[req], Err: ErrHeader, Want: "a column " + metaNames[req]})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range c.metaCol {
		c.metaCol[i] = -1
	}
	for i, role := range c.roles {
		switch {
		case role >= 0:
			c.metaCol[role] = i
		case role == colAnswer:
			c.answerCols = append(c.answerCols, i)
		}
	}
	return c, nil
}

// fill makes rec the record of a CSV line's fields (valid until the
// next line), or reports a wrong number of fields.
func (c *columns) fill(rec *record, fields [][]byte) *ValidationError {
	if len(fields) != len(c.roles) {
		want := strconv.Itoa(len(c.roles)) + " like the header"
		for _, f := range fields {
			if i := bytes.IndexByte(f, '\r'); i >= 0 && (i+1 == len(f) || f[i+1] != '\n') {
				want += "; a lone CR in the record looks like a line end: lines must end with LF or CR LF"
				break
			}
		}
		return &ValidationError{Line: rec.line, Err: ErrFieldCount, Value: strconv.Itoa(len(fields)), Want: want}
	}
	rec.fields, rec.cols = fields, c
	return nil
}

// loneCRHeader reports a header whose lines end in a lone CR: the whole
// input would be one record.
func loneCRHeader(line int, value string) error {
	return &ValidationError{Line: line, Value: value, Err: ErrHeader, Want: "lines ended by LF or CR LF; this input ends lines with a lone CR (old Mac style): convert its line ends"}
}

// headerError turns a scanner error on the header row into an error.
func headerError(err error) error {
	var rec *csvscan.RecordError
	switch {
	case err == io.EOF:
		return &ValidationError{Line: 1, Err: ErrHeader, Want: "a header row"}
	case errors.As(err, &rec):
		return &ValidationError{Line: rec.Line, Err: ErrHeader, Want: rec.Err.Error()}
	}
	return fmt.Errorf("survey: reading CSV: %w", err)
}

// CSVEncoder writes responses as canonical wide CSV. Set its fields before
// the first Encode.
//
// What it writes, a decoder with the same Limits reads back to the same
// value (but for ForPeople's apostrophes): a response the decoder would
// refuse for its form (text that is not valid UTF-8 or over
// Limits.FieldBytes, a record over Limits.RecordBytes, an item answered
// twice) is not written, and Encode says why.
type CSVEncoder struct {
	// Catalogue gives the canonical columns; nil means catalogue.Default().
	Catalogue *catalogue.Catalogue
	// Own lists own-statement IDs to write as extra answer columns, after
	// the canonical ones.
	Own []string
	// ForPeople neutralises cells a spreadsheet would run as a formula
	// (starting with =, +, -, @, tab or carriage return) by prefixing an
	// apostrophe. Use it for files meant to be opened in a spreadsheet;
	// leave it off for machine interchange, where it would change data.
	ForPeople bool
	// Limits are those of the decoder that will read the output; zero
	// fields take the decoder's defaults.
	Limits Limits

	out    io.Writer
	buf    bytes.Buffer // one record, before it is known to fit
	w      *csv.Writer  // writing to buf
	cols   []string
	record []string
}

// NewCSVEncoder returns an encoder writing to w.
func NewCSVEncoder(w io.Writer) *CSVEncoder {
	e := &CSVEncoder{out: w}
	e.w = csv.NewWriter(&e.buf)
	return e
}

// Columns returns the header the encoder writes: the catalogue's canonical
// columns, the own statements, then "served".
func (e *CSVEncoder) Columns() []string {
	cat := e.Catalogue
	if cat == nil {
		cat = catalogue.Default()
	}
	cols := cat.Columns()
	for _, o := range e.Own {
		if !slices.Contains(cols, o) {
			cols = append(cols, o)
		}
	}
	return append(cols, "served")
}

// Encode writes one response (and the header before the first). An answer
// to an item that has no column is an error, not silently dropped; the
// response is then not written.
func (e *CSVEncoder) Encode(r Response) error {
	lim := e.Limits.scan()
	if e.cols == nil {
		cols := e.Columns()
		if len(cols) > lim.Fields {
			return fmt.Errorf("survey: %w: %d columns, over the reader's limit of %d (Limits.Fields)", ErrHeader, len(cols), lim.Fields)
		}
		e.cols = cols
		if err := e.write(e.cols, lim, ""); err != nil {
			e.cols = nil
			return err
		}
	}
	if err := writable(r, lim); err != nil {
		return err
	}
	rec, err := e.fields(r)
	if err != nil {
		return err
	}
	return e.write(rec, lim, r.ID)
}

// fields returns the record of a response.
func (e *CSVEncoder) fields(r Response) ([]string, error) {
	rec := slices.Grow(e.record[:0], len(e.cols))[:len(e.cols)]
	clear(rec)
	for i, col := range e.cols {
		switch metaIndex(col) {
		case fID:
			rec[i] = r.ID
		case fSubmitted:
			rec[i] = formatTime(r.Submitted)
		case fServed:
			rec[i] = formatTime(r.Served)
		case fInstrument:
			rec[i] = r.Instrument.String()
		case fRegion:
			rec[i] = r.Region
		case fProvider:
			rec[i] = r.Provider
		case fUnit:
			rec[i] = r.Unit
		case fService:
			rec[i] = r.Service
		case fChannel:
			rec[i] = r.Channel.String()
		case fRole:
			rec[i] = r.Role.String()
		case fLang:
			rec[i] = r.Lang.String()
		case fComment:
			rec[i] = r.Comment
		}
	}
	for _, a := range r.Answers {
		i := slices.Index(e.cols, a.Item)
		if i < 0 || metaIndex(a.Item) >= 0 {
			return nil, fmt.Errorf("survey: response %q: item %q has no column (add it to CSVEncoder.Own)", r.ID, a.Item)
		}
		rec[i] = strconv.Itoa(a.Value)
	}
	e.record = rec
	return rec, nil
}

// write writes a record if it fits the limits.
func (e *CSVEncoder) write(rec []string, lim csvscan.Limits, id string) error {
	if e.ForPeople {
		for i, s := range rec {
			rec[i] = NeutralizeFormula(s)
		}
	}
	e.buf.Reset()
	if err := e.w.Write(rec); err != nil {
		return err
	}
	e.w.Flush()
	if n := e.buf.Len() - 1; !lim.RecordFits(n) {
		return fmt.Errorf("survey: response %q: %w: its record would be %d bytes, over the reader's limit of %d (Limits.RecordBytes)", clip.Text(id, 80), ErrMalformed, n, lim.RecordBytes)
	}
	_, err := e.out.Write(e.buf.Bytes())
	return err
}

// Flush is kept for callers written when records were buffered: each
// record now reaches the underlying writer in Encode, which returns any
// write error. It returns nil.
func (e *CSVEncoder) Flush() error { return nil }

// NeutralizeFormula returns s prefixed with an apostrophe if a spreadsheet
// could treat it as a formula: if, after any leading white space and
// invisible characters (line feeds, spaces, zero-width spaces, byte order
// marks, which spreadsheets may drop), it starts with =, +, -, @ or their
// full-width forms (＝ ＋ － ＠), or if it starts with a tab or a carriage
// return. Other strings are returned unchanged.
func NeutralizeFormula(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune("=+-@\uFF1D\uFF0B\uFF0D\uFF20", r):
			return "'" + s
		}
		break
	}
	return s
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}
