package catalogue

import (
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/clip"
)

// DataVersion is the version of the catalogue data that [Default] returns.
// Released data versions are never edited; a change of wording or a new
// instrument version is a new data version.
const DataVersion = "2026.1"

//go:embed data
var dataFS embed.FS

// Catalogue is a loaded, checked catalogue: instruments with their items,
// answer scales, themes, and the texts of all of them with provenance. It
// is read-only and safe for concurrent use; [Catalogue.Override] returns a
// new catalogue.
type Catalogue struct {
	raw         *rawCatalogue // kept for Override
	version     string
	released    string
	about       string
	required    []i18n.Lang
	columns     []string
	scales      []Scale
	themes      []Theme
	instruments []*Instrument
}

// embedded holds, per embedded data version, the function that parses
// it once. It is made once, on first use, and never changed.
var embedded = sync.OnceValue(func() map[string]func() (*Catalogue, error) {
	entries, _ := dataFS.ReadDir("data")
	out := map[string]func() (*Catalogue, error){}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		version := e.Name()
		out[version] = sync.OnceValues(func() (*Catalogue, error) {
			sub, err := fs.Sub(dataFS, "data/"+version)
			if err != nil {
				return nil, err
			}
			return Load(sub)
		})
	}
	return out
})

// Embedded returns the catalogue of a data version embedded in the
// package, parsed once on first use. See [EmbeddedVersions].
func Embedded(version string) (*Catalogue, error) {
	load, ok := embedded()[version]
	if !ok {
		return nil, fmt.Errorf("catalogue: no embedded data version %q (have %q)", version, EmbeddedVersions())
	}
	return load()
}

// EmbeddedVersions lists the data versions embedded in the package, oldest
// first: ordered by version number (2026.2 before 2026.10), not as text.
func EmbeddedVersions() []string {
	return slices.SortedFunc(maps.Keys(embedded()), compareVersions)
}

// compareVersions orders data versions such as "2026.1" by their numeric
// parts, then as text.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(pa), len(pb)) {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		if errA == nil && errB == nil && na != nb {
			return cmp.Compare(na, nb)
		}
		if c := strings.Compare(pa[i], pb[i]); (errA != nil || errB != nil) && c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

// Default returns the embedded catalogue of version [DataVersion]. It is
// parsed on first use and shared. The package's tests load it, so Default
// panics only if the binary's embedded data is corrupt.
func Default() *Catalogue {
	c, err := Embedded(DataVersion)
	if err != nil {
		panic(err)
	}
	return c
}

// Version returns the catalogue's data version, such as "2026.1".
func (c *Catalogue) Version() string { return c.version }

// Released returns the release date of the data version (YYYY-MM-DD).
func (c *Catalogue) Released() string { return c.released }

// About returns the data's description, including its caveats.
func (c *Catalogue) About() string { return c.about }

// RequiredLangs returns the languages in which every text of the catalogue
// exists (fi, sv and en for the embedded data).
func (c *Catalogue) RequiredLangs() []i18n.Lang { return slices.Clone(c.required) }

// Columns returns the column names of the canonical interchange format
// (wide CSV) in order. Own statements may not use these names as IDs.
func (c *Catalogue) Columns() []string { return slices.Clone(c.columns) }

// Instruments returns every instrument version, ordered by ID and then by
// the date each version came into use.
func (c *Catalogue) Instruments() []*Instrument { return slices.Clone(c.instruments) }

// Instrument returns one instrument version. The error wraps
// [ErrUnknownInstrument].
func (c *Catalogue) Instrument(ref InstrumentRef) (*Instrument, error) {
	for _, in := range c.instruments {
		if in.ref == ref {
			return in, nil
		}
	}
	return nil, fmt.Errorf("catalogue: %w %q", ErrUnknownInstrument, ref.String())
}

// Latest returns the version of instrument id that came into use last.
func (c *Catalogue) Latest(id string) (*Instrument, error) {
	var latest *Instrument
	for _, in := range c.instruments {
		if in.ref.ID == id {
			latest = in // sorted by validFrom within an ID
		}
	}
	if latest == nil {
		return nil, fmt.Errorf("catalogue: %w %q", ErrUnknownInstrument, id)
	}
	return latest, nil
}

// Scales returns every answer scale in data order.
func (c *Catalogue) Scales() []Scale { return slices.Clone(c.scales) }

// Scale returns the scale with the given ID. The error wraps
// [ErrUnknownScale].
func (c *Catalogue) Scale(id string) (Scale, error) {
	for _, s := range c.scales {
		if s.id == id {
			return s, nil
		}
	}
	return Scale{}, fmt.Errorf("catalogue: %w %q", ErrUnknownScale, id)
}

// Themes returns every theme in data order.
func (c *Catalogue) Themes() []Theme { return slices.Clone(c.themes) }

// Theme returns the theme with the given ID. The error wraps
// [ErrUnknownTheme].
func (c *Catalogue) Theme(id string) (Theme, error) {
	for _, t := range c.themes {
		if t.id == id {
			return t, nil
		}
	}
	return Theme{}, fmt.Errorf("catalogue: %w %q", ErrUnknownTheme, id)
}

// Lookup returns the texts of the entry named by key. The error wraps
// [ErrUnknownKey].
func (c *Catalogue) Lookup(key Key) (Texts, error) {
	var t Texts
	ok := false
	switch key.Kind {
	case KeyTitle, KeyItem:
		ref, err := ParseInstrumentRef(key.Owner)
		if err != nil {
			break
		}
		in, err := c.Instrument(ref)
		if err != nil {
			break
		}
		if key.Kind == KeyTitle {
			t, ok = in.title, true
			break
		}
		var it Item
		it, ok = in.Item(key.ID)
		t = it.texts
	case KeyLabel:
		s, err := c.Scale(key.Owner)
		v, err2 := strconv.Atoi(key.ID)
		if err == nil && err2 == nil {
			t, ok = s.Label(v)
		}
	case KeyTheme:
		th, err := c.Theme(key.ID)
		t, ok = th.texts, err == nil
	}
	if !ok {
		return Texts{}, fmt.Errorf("catalogue: %w %q", ErrUnknownKey, key.String())
	}
	return t, nil
}

// all calls f with the texts of every entry: instrument titles and items,
// scale labels (in option order), themes.
func (c *Catalogue) all(f func(Texts)) {
	for _, in := range c.instruments {
		f(in.title)
		for _, it := range in.items {
			f(it.texts)
		}
	}
	for _, s := range c.scales {
		for _, v := range s.options {
			if t, ok := s.labels[v]; ok {
				f(t)
			}
		}
	}
	for _, th := range c.themes {
		f(th.texts)
	}
}

// Texts returns every text of the catalogue in a fixed order: per
// instrument its title and items, then scale labels, then themes; within an
// entry in language order.
func (c *Catalogue) Texts() []Entry {
	var out []Entry
	c.all(func(t Texts) {
		for _, l := range t.Langs() {
			out = append(out, Entry{Key: t.key, Text: t.m[l]})
		}
	})
	return out
}

// Provisional returns the texts whose provenance is [Provisional]: the
// wording a vendor should check, and replace with the official text where
// it has one, before going live.
func (c *Catalogue) Provisional() []Entry {
	return slices.DeleteFunc(c.Texts(), func(e Entry) bool { return e.Text.Provenance != Provisional })
}

// Missing returns the keys of the entries that have no text in language l,
// such as all of them for the Sami languages in the embedded data.
func (c *Catalogue) Missing(l i18n.Lang) []Key {
	var out []Key
	c.all(func(t Texts) {
		if _, ok := t.m[l]; !ok {
			out = append(out, t.key)
		}
	})
	return out
}

// overrideFile is the format of a text override file.
type overrideFile struct {
	Format string          `json:"format"`
	About  string          `json:"about,omitempty"`
	Texts  []overrideEntry `json:"texts"`
}

type overrideEntry struct {
	Key        string     `json:"key"`
	Lang       string     `json:"lang"`
	Text       string     `json:"text"`
	Provenance Provenance `json:"provenance"`
	Source     string     `json:"source"`
}

// MaxOverrideBytes is the largest override file [Catalogue.Override]
// reads: about a hundred times a full set of texts in six languages.
const MaxOverrideBytes = 1 << 20

// Limits of one override entry, and of the problems reported.
const (
	maxKeyBytes       = 256
	maxTextBytes      = 4096
	maxOverrideErrors = 20
)

// Override returns a new catalogue in which texts are replaced or added
// from an override file, so that a county or vendor can install the
// official wording where the library's text is provisional, or add texts
// in a language the library lacks (Sami, say). The file looks like:
//
//	{
//	  "format": "palaute-text-override/1",
//	  "texts": [
//	    {"key": "item:thl-adult/2022:access", "lang": "fi",
//	     "text": "…", "provenance": "verified", "source": "THL, …"}
//	  ]
//	}
//
// Every entry must name an existing key, a known language, a non-empty
// text, a provenance and a source; a key and language may appear once.
// Nothing is applied unless every entry is valid: the problems (the first
// 20) are reported together as [*DataError] values with the entry's
// index. A file over [MaxOverrideBytes], a key over 256 bytes or a text
// over 4096 is refused ([ErrTooLarge]). The receiver is not changed.
func (c *Catalogue) Override(r io.Reader) (*Catalogue, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxOverrideBytes+1))
	if err != nil {
		return nil, fmt.Errorf("catalogue: override: %w", err)
	}
	if len(data) > MaxOverrideBytes {
		return nil, &DataError{Place: "override", Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxOverrideBytes)}
	}
	var f overrideFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, &DataError{Place: "override", Err: err}
	}
	if f.Format != overrideFmt {
		return nil, &DataError{Place: "override format", Err: fmt.Errorf("format %q, want %q", f.Format, overrideFmt)}
	}
	raw, err := c.raw.clone()
	if err != nil {
		return nil, err
	}
	var errs []error
	type keyLang struct {
		key  Key
		lang i18n.Lang
	}
	seen := map[keyLang]bool{}
	for i, e := range f.Texts {
		place := fmt.Sprintf("override texts[%d] %s", i, clip.Text(e.Key, 80))
		fail := func(err error) {
			if len(errs) == maxOverrideErrors {
				errs = append(errs, fmt.Errorf("catalogue: override: more problems not listed (the first %d are)", maxOverrideErrors))
			}
			if len(errs) < maxOverrideErrors {
				errs = append(errs, &DataError{Place: place, Err: err})
			}
		}
		if len(e.Key) > maxKeyBytes || len(e.Lang) > maxKeyBytes || len(e.Source) > maxTextBytes || len(e.Text) > maxTextBytes {
			fail(fmt.Errorf("%w: a key or language of over %d bytes, or a text or source of over %d", ErrTooLarge, maxKeyBytes, maxTextBytes))
			continue
		}
		key, err := ParseKey(e.Key)
		if err != nil {
			fail(err)
			continue
		}
		lang, err := i18n.ParseLang(e.Lang)
		if err != nil {
			fail(err)
			continue
		}
		switch {
		case e.Text == "":
			fail(errors.New("empty text"))
			continue
		case e.Provenance == ProvenanceUnknown || e.Provenance == Own:
			fail(fmt.Errorf("provenance must be verified, regional or provisional, not %q", e.Provenance))
			continue
		case e.Source == "":
			fail(errors.New("no source named"))
			continue
		case seen[keyLang{key, lang}]:
			fail(fmt.Errorf("%w: %s in %s given twice", ErrDuplicate, key, lang))
			continue
		}
		seen[keyLang{key, lang}] = true
		texts := raw.find(key)
		if texts == nil {
			fail(fmt.Errorf("%w %q", ErrUnknownKey, key.String()))
			continue
		}
		texts[lang.String()] = rawText{Text: e.Text, Provenance: e.Provenance.String(), Source: e.Source}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(raw)
}

// clone returns a deep copy of the raw data.
func (r *rawCatalogue) clone() (*rawCatalogue, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("catalogue: copying data: %w", err)
	}
	var out rawCatalogue
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("catalogue: copying data: %w", err)
	}
	return &out, nil
}

// find returns the texts map of the entry named by key, or nil.
func (r *rawCatalogue) find(key Key) rawTexts {
	switch key.Kind {
	case KeyTitle, KeyItem:
		for _, in := range r.Instruments {
			if in.ID+"/"+in.Version != key.Owner {
				continue
			}
			if key.Kind == KeyTitle {
				return in.Title
			}
			for _, it := range in.Items {
				if it.ID == key.ID {
					return it.Texts
				}
			}
		}
	case KeyLabel:
		for _, s := range r.Scales.Scales {
			if s.ID != key.Owner {
				continue
			}
			for _, l := range s.Labels {
				if strconv.Itoa(l.Value) == key.ID {
					return l.Texts
				}
			}
		}
	case KeyTheme:
		for _, t := range r.Themes.Themes {
			if t.ID == key.ID {
				return t.Texts
			}
		}
	}
	return nil
}
