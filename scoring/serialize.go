package scoring

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

const (
	tallyJSONFormat = "palaute-tallies/2"
	binaryMagic     = "PLT\x02"
)

type groupingJSON struct {
	Grouping
	Location string `json:"location"`
}

type groupJSON struct {
	Key       Key                `json:"key"`
	Responses int64              `json:"responses"`
	Counts    map[string][]int64 `json:"counts"`
	// Keys holds each item's cell key as 16 hexadecimal digits (a JSON
	// number would lose digits in many readers).
	Keys map[string]string `json:"keys"`
}

type talliesJSON struct {
	Format   string       `json:"format"`
	Grouping groupingJSON `json:"grouping"`
	Groups   []groupJSON  `json:"groups"`
}

// MarshalJSON writes the tallies as JSON: the grouping, then every group
// (sorted by key) with its response count and, per item, the counts by
// value (trailing zeros omitted) and its cell key. Protected tallies are
// not serialized (the error wraps [ErrProtected]): tallies travel raw and
// are protected once, where they are published.
func (t *Tallies) MarshalJSON() ([]byte, error) {
	if t.prot != nil {
		return nil, errorf("serializing tallies: %w", ErrProtected)
	}
	out := talliesJSON{Format: tallyJSONFormat, Grouping: groupingJSON{t.grouping, t.loc.String()}, Groups: []groupJSON{}}
	for _, g := range t.Groups() {
		gj := groupJSON{Key: g.Key, Responses: g.Responses, Counts: map[string][]int64{}, Keys: map[string]string{}}
		for item, tl := range g.Items {
			n := len(tl.Counts)
			for n > 0 && tl.Counts[n-1] == 0 {
				n--
			}
			gj.Counts[item] = tl.Counts[:n]
			gj.Keys[item] = fmt.Sprintf("%016x", tl.CellKey)
		}
		out.Groups = append(out.Groups, gj)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads tallies written by MarshalJSON, replacing t's
// contents. Errors wrap [ErrFormat].
func (t *Tallies) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in talliesJSON
	if err := dec.Decode(&in); err != nil {
		return errorf("%w: %v", ErrFormat, err)
	}
	if in.Format != tallyJSONFormat {
		return errorf("%w: format %q, want %q", ErrFormat, in.Format, tallyJSONFormat)
	}
	g := in.Grouping.Grouping
	loc, err := time.LoadLocation(in.Grouping.Location)
	if err != nil {
		return errorf("%w: location %q", ErrFormat, in.Grouping.Location)
	}
	g.Location = loc
	nt := NewTallies(g)
	for _, gj := range in.Groups {
		if gj.Responses < 0 {
			return errorf("%w: negative count", ErrFormat)
		}
		og := &group{responses: gj.Responses}
		var names []string
		for item, counts := range gj.Counts {
			var tl Tally
			if len(counts) > len(tl.Counts) {
				return errorf("%w: item %q has %d values, at most %d", ErrFormat, item, len(counts), len(tl.Counts))
			}
			for _, c := range counts {
				if c < 0 {
					return errorf("%w: negative count", ErrFormat)
				}
			}
			copy(tl.Counts[:], counts)
			key, ok := gj.Keys[item]
			if _, err := fmt.Sscanf(key, "%016x", &tl.CellKey); !ok || err != nil || len(key) != 16 {
				return errorf("%w: item %q has no cell key of 16 hexadecimal digits", ErrFormat, item)
			}
			names = append(names, item)
			og.tallies = append(og.tallies, tl)
		}
		if len(gj.Keys) != len(gj.Counts) {
			return errorf("%w: cell keys for items without counts", ErrFormat)
		}
		nt.addGroup(gj.Key, og, names)
	}
	*t = *nt
	return nil
}

// MarshalBinary writes the tallies in a compact binary form: a header
// with the grouping, the item IDs, then each group's key, response count,
// and for each item its non-zero counts as variable-length integers and
// its cell key. Protected tallies are not serialized (see MarshalJSON).
func (t *Tallies) MarshalBinary() ([]byte, error) {
	if t.prot != nil {
		return nil, errorf("serializing tallies: %w", ErrProtected)
	}
	var b []byte
	b = append(b, binaryMagic...)
	gj, err := json.Marshal(groupingJSON{t.grouping, t.loc.String()})
	if err != nil {
		return nil, err
	}
	b = appendBytes(b, gj)
	b = binary.AppendUvarint(b, uint64(len(t.items)))
	for _, it := range t.items {
		b = appendBytes(b, []byte(it))
	}
	groups := t.Groups()
	b = binary.AppendUvarint(b, uint64(len(groups)))
	for _, g := range groups {
		k := g.Key
		for _, s := range []string{k.Region, k.Provider, k.Unit, k.Service, k.Instrument.ID, k.Instrument.Version} {
			b = appendBytes(b, []byte(s))
		}
		b = append(b, byte(k.Channel), byte(k.Role), byte(k.Lang), byte(k.Period.Kind))
		for _, d := range []Date{k.Period.Start, k.Period.End} {
			b = binary.AppendUvarint(b, uint64(d.Year))
			b = append(b, byte(d.Month), byte(d.Day))
		}
		b = binary.AppendUvarint(b, uint64(g.Responses))
		raw := t.groups[k]
		for i, tl := range raw.tallies {
			var mask uint16
			for v, c := range tl.Counts {
				if c != 0 {
					mask |= 1 << v
				}
			}
			if mask == 0 {
				continue
			}
			b = binary.AppendUvarint(b, uint64(i)+1)
			b = binary.AppendUvarint(b, uint64(mask))
			for _, c := range tl.Counts {
				if c != 0 {
					b = binary.AppendUvarint(b, uint64(c))
				}
			}
			b = binary.LittleEndian.AppendUint64(b, tl.CellKey)
		}
		b = binary.AppendUvarint(b, 0)
	}
	return b, nil
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader reads the binary form, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errors.New("truncated number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint64() uint64 {
	if r.err != nil || len(r.b) < 8 {
		r.err = cmpErr(r.err, errors.New("truncated cell key"))
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = cmpErr(r.err, errors.New("truncated"))
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = cmpErr(r.err, errors.New("truncated string"))
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// UnmarshalBinary reads tallies written by MarshalBinary, replacing t's
// contents. Malformed input gives an error wrapping [ErrFormat], never a
// panic.
func (t *Tallies) UnmarshalBinary(data []byte) error {
	if !bytes.HasPrefix(data, []byte(binaryMagic)) {
		return errorf("%w: not palaute binary tallies", ErrFormat)
	}
	r := &reader{b: data[len(binaryMagic):]}
	var gj groupingJSON
	if err := json.Unmarshal(r.bytes(), &gj); err != nil || r.err != nil {
		return errorf("%w: grouping: %v", ErrFormat, cmpErr(r.err, err))
	}
	loc, err := time.LoadLocation(gj.Location)
	if err != nil {
		return errorf("%w: location %q", ErrFormat, gj.Location)
	}
	g := gj.Grouping
	g.Location = loc
	nt := NewTallies(g)
	nItems := r.uvarint()
	if nItems > uint64(len(r.b)) {
		return errorf("%w: %d items in %d bytes", ErrFormat, nItems, len(r.b))
	}
	items := make([]string, nItems)
	for i := range items {
		items[i] = string(r.bytes())
	}
	nGroups := r.uvarint()
	for gi := uint64(0); gi < nGroups && r.err == nil; gi++ {
		var k Key
		strs := make([]string, 6)
		for i := range strs {
			strs[i] = string(r.bytes())
		}
		k.Region, k.Provider, k.Unit, k.Service = strs[0], strs[1], strs[2], strs[3]
		k.Instrument = catalogue.InstrumentRef{ID: strs[4], Version: strs[5]}
		k.Channel, k.Role, k.Lang, k.Period.Kind = survey.Channel(r.byte()), survey.Role(r.byte()), i18n.Lang(r.byte()), PeriodKind(r.byte())
		for _, d := range []*Date{&k.Period.Start, &k.Period.End} {
			d.Year = int(r.uvarint())
			d.Month, d.Day = time.Month(r.byte()), int(r.byte())
		}
		responses := r.uvarint()
		if responses > math.MaxInt64 {
			return errorf("%w: count out of range", ErrFormat)
		}
		og := &group{responses: int64(responses)}
		var names []string
		for r.err == nil {
			idx := r.uvarint()
			if idx == 0 {
				break
			}
			if idx > uint64(len(items)) {
				return errorf("%w: item index %d of %d", ErrFormat, idx, len(items))
			}
			mask := r.uvarint()
			var tl Tally
			for v := range tl.Counts {
				if mask&(1<<v) != 0 {
					c := r.uvarint()
					if c > math.MaxInt64 {
						return errorf("%w: count out of range", ErrFormat)
					}
					tl.Counts[v] = int64(c)
				}
			}
			tl.CellKey = r.uint64()
			names = append(names, items[idx-1])
			og.tallies = append(og.tallies, tl)
		}
		nt.addGroup(k, og, names)
	}
	if r.err != nil {
		return errorf("%w: %v", ErrFormat, r.err)
	}
	if len(r.b) != 0 {
		return errorf("%w: %d bytes after the data", ErrFormat, len(r.b))
	}
	*t = *nt
	return nil
}
