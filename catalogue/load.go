package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/palaute/palaute/i18n"
)

// The file layout of a catalogue directory (see [Load]).
const (
	manifestFile   = "catalogue.json"
	scalesFile     = "scales.json"
	themesFile     = "themes.json"
	instrumentsDir = "instruments"
	catalogueFmt   = "palaute-catalogue/1"
	overrideFmt    = "palaute-text-override/1"
	dateLayout     = "2006-01-02"
)

// The raw types mirror the JSON files one to one; build turns them into
// the read-only API types after checking them.

type rawText struct {
	Text       string `json:"text"`
	Provenance string `json:"provenance"`
	Source     string `json:"source,omitempty"`
}

type rawTexts map[string]rawText

type rawManifest struct {
	Format            string   `json:"format"`
	Version           string   `json:"version"`
	Released          string   `json:"released"`
	About             string   `json:"about"`
	RequiredLanguages []string `json:"requiredLanguages"`
	Columns           []string `json:"columns"`
}

type rawBand struct {
	Name string `json:"name"`
	Min  int    `json:"min"`
	Max  int    `json:"max"`
}

type rawLabel struct {
	Value int      `json:"value"`
	Texts rawTexts `json:"texts"`
}

type rawScale struct {
	ID      string     `json:"id"`
	Kind    string     `json:"kind"`
	Min     int        `json:"min"`
	Max     int        `json:"max"`
	CantSay *int       `json:"cantSay,omitempty"`
	Options []int      `json:"options"`
	Bands   []rawBand  `json:"bands"`
	Notes   string     `json:"notes,omitempty"`
	Labels  []rawLabel `json:"labels"`
}

type rawScales struct {
	Scales []rawScale `json:"scales"`
}

type rawTheme struct {
	ID    string   `json:"id"`
	Texts rawTexts `json:"texts"`
}

type rawThemes struct {
	Themes []rawTheme `json:"themes"`
}

type rawRules struct {
	Sections      []string `json:"sections"`
	MinStatements int      `json:"minStatements"`
	MaxStatements int      `json:"maxStatements"`
}

type rawItem struct {
	ID       string   `json:"id"`
	Section  string   `json:"section"`
	Theme    string   `json:"theme,omitempty"`
	Scale    string   `json:"scale,omitempty"`
	Required bool     `json:"required,omitempty"`
	Texts    rawTexts `json:"texts"`
}

type rawInstrument struct {
	ID        string    `json:"id"`
	Version   string    `json:"version"`
	ValidFrom string    `json:"validFrom"`
	Source    string    `json:"source"`
	Notes     string    `json:"notes,omitempty"`
	Title     rawTexts  `json:"title"`
	Rules     rawRules  `json:"rules"`
	Items     []rawItem `json:"items"`
}

type rawCatalogue struct {
	Manifest    rawManifest     `json:"manifest"`
	Scales      rawScales       `json:"scales"`
	Themes      rawThemes       `json:"themes"`
	Instruments []rawInstrument `json:"instruments"`
	Files       []string        `json:"files"` // file name of each instrument
}

// decodeStrict decodes one JSON value, rejecting unknown fields and
// trailing data, and reports syntax errors with line and column.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn): // Offset counts the bytes read, the bad one included
			line, col := lineCol(data, syn.Offset-1)
			return fmt.Errorf("line %d, column %d: %w", line, col, err)
		case errors.As(err, &typ):
			line, col := lineCol(data, typ.Offset-1)
			return fmt.Errorf("line %d, column %d: %w", line, col, err)
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// lineCol returns the 1-based line and column of the byte at offset.
func lineCol(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Load reads a catalogue from a directory laid out like the embedded data:
//
//	catalogue.json             version, required languages, interchange columns
//	scales.json                answer scales with labels
//	themes.json                themes of the statements
//	instruments/*.json         one file per instrument version
//
// Every file is decoded with unknown fields rejected and every entry is
// checked (IDs, scales, bands, section order, a text with provenance in
// every required language). All problems are reported together, each a
// [*DataError] naming the file and place.
func Load(fsys fs.FS) (*Catalogue, error) {
	raw := &rawCatalogue{}
	var errs []error
	read := func(name string, v any) {
		data, err := fs.ReadFile(fsys, name)
		if err == nil {
			err = decodeStrict(data, v)
		}
		if err != nil {
			errs = append(errs, &DataError{File: name, Err: err})
		}
	}
	read(manifestFile, &raw.Manifest)
	read(scalesFile, &raw.Scales)
	read(themesFile, &raw.Themes)
	names, err := fs.Glob(fsys, instrumentsDir+"/*.json")
	if err != nil {
		errs = append(errs, &DataError{File: instrumentsDir, Err: err})
	}
	for _, name := range names {
		var in rawInstrument
		read(name, &in)
		raw.Instruments = append(raw.Instruments, in)
		raw.Files = append(raw.Files, name)
	}
	if len(names) == 0 {
		errs = append(errs, &DataError{File: instrumentsDir, Err: errors.New("no instrument files")})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(raw)
}

// builder collects the problems found while building a catalogue.
type builder struct {
	errs     []error
	required []i18n.Lang
}

func (b *builder) fail(file, place string, err error) {
	b.errs = append(b.errs, &DataError{File: file, Place: place, Err: err})
}

func (b *builder) failf(file, place, format string, args ...any) {
	b.fail(file, place, fmt.Errorf(format, args...))
}

// texts checks and converts the texts of one entry.
func (b *builder) texts(file, place string, key Key, raw rawTexts) Texts {
	t := Texts{key: key, m: make(map[i18n.Lang]Text, len(raw))}
	for code, rt := range raw {
		l, err := i18n.ParseLang(code)
		if err != nil {
			b.fail(file, place, err)
			continue
		}
		var p Provenance
		perr := p.UnmarshalText([]byte(rt.Provenance))
		switch {
		case rt.Text == "":
			b.failf(file, place, "empty text in %s", l)
		case perr != nil:
			b.failf(file, place, "text in %s: %w", l, perr)
		case p == Own:
			b.failf(file, place, "text in %s: provenance %q is for own statements, not catalogue data", l, Own)
		}
		t.m[l] = Text{Lang: l, Value: rt.Text, Provenance: p, Source: rt.Source}
	}
	for _, l := range b.required {
		if _, ok := t.m[l]; !ok {
			b.fail(file, place, &TextError{Key: key, Lang: l})
		}
	}
	return t
}

func (b *builder) id(file, place, what, id string) {
	if !ValidID(id) {
		b.failf(file, place, "%w: %s %q", ErrInvalidID, what, id)
	}
}

func build(raw *rawCatalogue) (*Catalogue, error) {
	b := &builder{}
	c := &Catalogue{raw: raw}
	m := raw.Manifest
	if m.Format != catalogueFmt {
		b.failf(manifestFile, "format", "format %q, want %q", m.Format, catalogueFmt)
	}
	if m.Version == "" {
		b.failf(manifestFile, "version", "no version")
	}
	if _, err := time.Parse(dateLayout, m.Released); err != nil {
		b.failf(manifestFile, "released", "release date %q is not YYYY-MM-DD", m.Released)
	}
	c.version, c.released, c.about = m.Version, m.Released, m.About
	for _, code := range m.RequiredLanguages {
		l, err := i18n.ParseLang(code)
		if err != nil {
			b.fail(manifestFile, "requiredLanguages", err)
			continue
		}
		b.required = append(b.required, l)
	}
	c.required = b.required
	for i, col := range m.Columns {
		place := "columns[" + strconv.Itoa(i) + "]"
		b.id(manifestFile, place, "column", col)
		if slices.Contains(m.Columns[:i], col) {
			b.failf(manifestFile, place, "%w column %q", ErrDuplicate, col)
		}
	}
	c.columns = slices.Clone(m.Columns)

	c.scales = b.scales(raw.Scales.Scales)
	c.themes = b.themes(raw.Themes.Themes)
	for i, ri := range raw.Instruments {
		in := b.instrument(raw.Files[i], ri, c)
		if prev, _ := c.Instrument(in.ref); prev != nil {
			b.failf(raw.Files[i], "", "%w instrument %s", ErrDuplicate, in.ref)
			continue
		}
		c.instruments = append(c.instruments, in)
	}
	slices.SortFunc(c.instruments, func(x, y *Instrument) int {
		if x.ref.ID != y.ref.ID {
			return strings.Compare(x.ref.ID, y.ref.ID)
		}
		return x.validFrom.Compare(y.validFrom)
	})
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return c, nil
}

func (b *builder) scales(raws []rawScale) []Scale {
	var out []Scale
	for i, rs := range raws {
		place := fmt.Sprintf("scales[%d] %s", i, rs.ID)
		b.id(scalesFile, place, "scale", rs.ID)
		if slices.ContainsFunc(out, func(s Scale) bool { return s.id == rs.ID }) {
			b.failf(scalesFile, place, "%w scale %q", ErrDuplicate, rs.ID)
		}
		s := Scale{id: rs.ID, min: rs.Min, max: rs.Max, notes: rs.Notes, labels: map[int]Texts{}}
		if err := s.kind.UnmarshalText([]byte(rs.Kind)); err != nil {
			b.fail(scalesFile, place, err)
		}
		if rs.Min > rs.Max {
			b.failf(scalesFile, place, "min %d is above max %d", rs.Min, rs.Max)
		}
		if rs.CantSay != nil {
			s.cantSay, s.hasCantSay = *rs.CantSay, true
			if *rs.CantSay >= rs.Min && *rs.CantSay <= rs.Max {
				b.failf(scalesFile, place, "can't-say value %d lies inside the range %d–%d", *rs.CantSay, rs.Min, rs.Max)
			}
		}
		// Options: every valid value exactly once.
		seen := map[int]bool{}
		for _, v := range rs.Options {
			if !(v >= rs.Min && v <= rs.Max || s.IsCantSay(v)) || seen[v] {
				b.failf(scalesFile, place, "option %d is invalid or repeated", v)
			}
			seen[v] = true
		}
		for v := rs.Min; v <= rs.Max && v-rs.Min < 1000; v++ {
			if !seen[v] {
				b.failf(scalesFile, place, "value %d is missing from the options", v)
			}
		}
		if s.hasCantSay && !seen[s.cantSay] {
			b.failf(scalesFile, place, "can't-say value %d is missing from the options", s.cantSay)
		}
		s.options = slices.Clone(rs.Options)
		// Bands: the kind's names, in ascending order, covering the range
		// without gaps or overlap.
		want := bandNames[s.kind]
		next := rs.Min
		for j, rb := range rs.Bands {
			if j >= len(want) || rb.Name != want[j] {
				b.failf(scalesFile, place, "band %d is %q; a %s scale has the bands %q in this order", j, rb.Name, s.kind, want)
			}
			if rb.Min != next || rb.Max < rb.Min {
				b.failf(scalesFile, place, "band %q covers %d–%d; want it to start at %d", rb.Name, rb.Min, rb.Max, next)
			}
			next = rb.Max + 1
			s.bands = append(s.bands, Band(rb))
		}
		if len(rs.Bands) != len(want) || next != rs.Max+1 {
			b.failf(scalesFile, place, "bands must cover %d–%d with %q", rs.Min, rs.Max, want)
		}
		for j, rl := range rs.Labels {
			lp := fmt.Sprintf("%s labels[%d]", place, j)
			if !(rl.Value >= rs.Min && rl.Value <= rs.Max || s.IsCantSay(rl.Value)) {
				b.failf(scalesFile, lp, "label for value %d, which the scale does not allow", rl.Value)
			}
			if _, dup := s.labels[rl.Value]; dup {
				b.failf(scalesFile, lp, "%w label for value %d", ErrDuplicate, rl.Value)
			}
			key := Key{Kind: KeyLabel, Owner: rs.ID, ID: strconv.Itoa(rl.Value)}
			s.labels[rl.Value] = b.texts(scalesFile, lp, key, rl.Texts)
		}
		if s.hasCantSay {
			if _, ok := s.labels[s.cantSay]; !ok {
				b.failf(scalesFile, place, "the can't-say value %d has no label", s.cantSay)
			}
		}
		out = append(out, s)
	}
	return out
}

func (b *builder) themes(raws []rawTheme) []Theme {
	var out []Theme
	for i, rt := range raws {
		place := fmt.Sprintf("themes[%d] %s", i, rt.ID)
		b.id(themesFile, place, "theme", rt.ID)
		if slices.ContainsFunc(out, func(t Theme) bool { return t.id == rt.ID }) {
			b.failf(themesFile, place, "%w theme %q", ErrDuplicate, rt.ID)
		}
		out = append(out, Theme{id: rt.ID, texts: b.texts(themesFile, place, Key{Kind: KeyTheme, ID: rt.ID}, rt.Texts)})
	}
	return out
}

func (b *builder) instrument(file string, ri rawInstrument, c *Catalogue) *Instrument {
	in := &Instrument{
		ref:           InstrumentRef{ID: ri.ID, Version: ri.Version},
		source:        ri.Source,
		notes:         ri.Notes,
		minStatements: ri.Rules.MinStatements,
		maxStatements: ri.Rules.MaxStatements,
	}
	if _, err := ParseInstrumentRef(in.ref.String()); err != nil {
		b.fail(file, "id/version", err)
	}
	if base := path.Base(file); base != ri.ID+"-"+ri.Version+".json" {
		b.failf(file, "", "file name must be %s-%s.json", ri.ID, ri.Version)
	}
	t, err := time.Parse(dateLayout, ri.ValidFrom)
	if err != nil {
		b.failf(file, "validFrom", "%q is not a date YYYY-MM-DD", ri.ValidFrom)
	}
	in.validFrom = t
	if ri.Source == "" {
		b.failf(file, "source", "no source named")
	}
	in.title = b.texts(file, "title", Key{Kind: KeyTitle, Owner: in.ref.String()}, ri.Title)
	for i, name := range ri.Rules.Sections {
		var s Section
		if err := s.UnmarshalText([]byte(name)); err != nil {
			b.fail(file, fmt.Sprintf("rules.sections[%d]", i), err)
			continue
		}
		if slices.Contains(in.sections, s) {
			b.failf(file, fmt.Sprintf("rules.sections[%d]", i), "%w section %s", ErrDuplicate, s)
		}
		in.sections = append(in.sections, s)
	}
	rank := -1
	for i, rit := range ri.Items {
		place := fmt.Sprintf("items[%d] %s", i, rit.ID)
		b.id(file, place, "item", rit.ID)
		if _, dup := in.Item(rit.ID); dup {
			b.failf(file, place, "%w item %q", ErrDuplicate, rit.ID)
		}
		it := Item{id: rit.ID, theme: rit.Theme, required: rit.Required}
		if err := it.section.UnmarshalText([]byte(rit.Section)); err != nil {
			b.fail(file, place, err)
		}
		switch r := in.sectionRank(it.section); {
		case it.section == SectionOwn:
			b.failf(file, place, "own statements belong to templates, not to the national data")
		case r < 0:
			b.failf(file, place, "section %q is not one of the instrument's sections", rit.Section)
		case r < rank:
			b.failf(file, place, "section %s comes after a later section: items must follow the section order %q", it.section, ri.Rules.Sections)
		default:
			rank = r
		}
		if rit.Theme != "" {
			if _, err := c.Theme(rit.Theme); err != nil {
				b.fail(file, place, err)
			}
		}
		switch {
		case it.section == SectionOpen && rit.Scale != "":
			b.failf(file, place, "an open item has no scale")
		case it.section != SectionOpen:
			s, err := c.Scale(rit.Scale)
			if err != nil {
				b.fail(file, place, err)
			}
			it.scale = s
			if (it.section == SectionRecommendation) != (s.kind == KindRecommendation) {
				b.failf(file, place, "section %s with a %s scale", it.section, s.kind)
			}
		}
		it.texts = b.texts(file, place, Key{Kind: KeyItem, Owner: in.ref.String(), ID: rit.ID}, rit.Texts)
		in.items = append(in.items, it)
	}
	basic := len(in.Section(SectionBasic))
	if in.minStatements < 0 || in.minStatements > in.maxStatements || in.maxStatements > basic {
		b.failf(file, "rules", "statement limits %d–%d do not fit the %d basic statements", in.minStatements, in.maxStatements, basic)
	}
	return in
}
