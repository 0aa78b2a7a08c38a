package i18n

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
)

// ErrNoLabel is returned (wrapped) when a label key is unknown or has no
// text in the requested language.
var ErrNoLabel = errors.New("no label")

//go:embed data/labels.json
var labelsJSON []byte

// Labels is a read-only table of UI labels: for each key (such as
// "channel.sms" or "indicator.recommendation-index"), its text in some
// languages. It is safe for concurrent use. The zero value is an empty
// table.
type Labels struct {
	texts map[string]map[Lang]string
}

var defaultLabels = sync.OnceValues(func() (*Labels, error) {
	return ParseLabels(bytes.NewReader(labelsJSON))
})

// DefaultLabels returns the labels shipped with the library, with every
// key in Finnish, Swedish and English (the package's tests check this).
// The table is parsed on first use and shared; it panics only if the
// embedded data of the binary is corrupt, which the tests rule out.
func DefaultLabels() *Labels {
	l, err := defaultLabels()
	if err != nil {
		panic("i18n: embedded labels: " + err.Error())
	}
	return l
}

type labelsFile struct {
	About  string                       `json:"about"`
	Labels map[string]map[string]string `json:"labels"`
}

// ParseLabels reads a label table in the format of the embedded
// data/labels.json: {"labels": {"key": {"fi": "…", "sv": "…"}}}. Unknown
// fields, unknown language codes and empty texts are errors. A caller can
// use it to ship labels of its own, for instance in a Sami language.
func ParseLabels(r io.Reader) (*Labels, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f labelsFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("i18n: labels: %w", err)
	}
	if dec.More() {
		return nil, errors.New("i18n: labels: data after the JSON object")
	}
	t := &Labels{texts: make(map[string]map[Lang]string, len(f.Labels))}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(f.Labels)) {
		if key == "" {
			errs = append(errs, errors.New("i18n: labels: empty key"))
			continue
		}
		byLang := make(map[Lang]string, len(f.Labels[key]))
		for code, text := range f.Labels[key] {
			l, err := ParseLang(code)
			if err != nil {
				errs = append(errs, fmt.Errorf("i18n: labels: key %q: %w", key, err))
				continue
			}
			if text == "" {
				errs = append(errs, fmt.Errorf("i18n: labels: key %q: empty text in %s", key, l))
				continue
			}
			byLang[l] = text
		}
		t.texts[key] = byLang
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return t, nil
}

// Keys returns every key of the table in sorted order.
func (t *Labels) Keys() []string {
	return slices.Sorted(maps.Keys(t.texts))
}

// Get returns the label of key in language l, and whether it exists.
func (t *Labels) Get(l Lang, key string) (string, bool) {
	s, ok := t.texts[key][l]
	return s, ok
}

// Lookup returns the label of key in language l. If there is none, it
// tries the fallback languages in order and returns the first label found
// together with the language it is in, so a caller can see (and show)
// that a fallback was used. With no label in any of them, the error wraps
// [ErrNoLabel].
func (t *Labels) Lookup(key string, l Lang, fallback ...Lang) (text string, in Lang, err error) {
	byLang, ok := t.texts[key]
	if !ok {
		return "", Und, fmt.Errorf("i18n: %w for key %q", ErrNoLabel, key)
	}
	for _, try := range append([]Lang{l}, fallback...) {
		if s, ok := byLang[try]; ok {
			return s, try, nil
		}
	}
	return "", Und, fmt.Errorf("i18n: %w for key %q in %s", ErrNoLabel, key, langList(append([]Lang{l}, fallback...)))
}

// Text returns the label of key in language l, or in English where l
// has none; a key without a label is returned as it is, so that a
// missing label shows on the page instead of an empty text.
func (t *Labels) Text(key string, l Lang) string {
	s, _, err := t.Lookup(key, l, English)
	if err != nil {
		return key
	}
	return s
}

// Missing returns the keys that have no label in language l, sorted.
func (t *Labels) Missing(l Lang) []string {
	var out []string
	for _, key := range t.Keys() {
		if _, ok := t.texts[key][l]; !ok {
			out = append(out, key)
		}
	}
	return out
}

func langList(ls []Lang) string {
	var b bytes.Buffer
	for i, l := range ls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.String())
	}
	return b.String()
}
