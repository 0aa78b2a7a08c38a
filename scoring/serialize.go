package scoring

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/clip"
	"github.com/palaute/palaute/survey"
)

const (
	tallyJSONFormat = "palaute-tallies/3"
	binaryMagic     = "PLT\x03"
	// The forms before gated counts (Tally.Gated): refused with a message
	// saying so, since reading them as "no gated answers" would hide
	// every figure.
	tallyJSONFormat2 = "palaute-tallies/2"
	binaryMagic2     = "PLT\x02"
)

// errOldForm is the error for tallies written before gated counts.
func errOldForm(form string) error {
	return errorf("%w: %s was written by an earlier version, without the counts of gated answers (Tally.Gated) that disclosure control needs; tally the responses again", ErrFormat, form)
}

type groupingJSON struct {
	Grouping
	Location string `json:"location"`
}

type groupJSON struct {
	Key       Key                `json:"key"`
	Responses int64              `json:"responses"`
	Counts    map[string][]int64 `json:"counts"`
	// Gated holds each item's counts of gated answers by value (trailing
	// zeros omitted; items without any left out).
	Gated map[string][]int64 `json:"gated,omitempty"`
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
// value and the counts of gated answers by value (trailing zeros
// omitted) and its cell key. Protected tallies are
// not serialized (the error wraps [ErrProtected]): tallies travel raw and
// are protected once, where they are published.
func (t *Tallies) MarshalJSON() ([]byte, error) {
	if t.prot != nil {
		return nil, errorf("serializing tallies: %w", ErrProtected)
	}
	out := talliesJSON{Format: tallyJSONFormat, Grouping: groupingJSON{t.grouping, t.grouping.locationName()}, Groups: []groupJSON{}}
	for _, g := range t.Groups() {
		gj := groupJSON{Key: g.Key, Responses: g.Responses, Counts: map[string][]int64{}, Gated: map[string][]int64{}, Keys: map[string]string{}}
		for item, tl := range g.Items {
			gj.Counts[item] = trimZeros(tl.Counts[:])
			if gated := trimZeros(tl.Gated[:]); len(gated) > 0 {
				gj.Gated[item] = gated
			}
			gj.Keys[item] = fmt.Sprintf("%016x", tl.CellKey)
		}
		out.Groups = append(out.Groups, gj)
	}
	return json.Marshal(out)
}

// trimZeros returns counts without its trailing zeros.
func trimZeros(counts []int64) []int64 {
	n := len(counts)
	for n > 0 && counts[n-1] == 0 {
		n--
	}
	return counts[:n]
}

// UnmarshalJSON reads tallies written by MarshalJSON, replacing t's
// contents. Only tallies [Tallies.Add] could have made are accepted: a
// grouping NewTallies takes, keys of its dimensions and periods with
// valid codes, counts that are not negative, no item answered more often
// than its group has responses, and the limits [MaxResponses] and
// [MaxItems]. Errors wrap [ErrFormat] (and [ErrLimit] for the limits).
// Decoding allocates about 25 times the input's size (measured: 24 times
// for 20 000 groups).
func (t *Tallies) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var in talliesJSON
	if err := dec.Decode(&in); err != nil {
		return errorf("%w: %v", ErrFormat, err)
	}
	if in.Format == tallyJSONFormat2 {
		return errOldForm("format " + tallyJSONFormat2)
	}
	if in.Format != tallyJSONFormat {
		return errorf("%w: format %q, want %q", ErrFormat, in.Format, tallyJSONFormat)
	}
	g := in.Grouping.Grouping
	loc, err := loadLocation(in.Grouping.Location)
	if err != nil {
		return err
	}
	g.Location = loc
	nt, err := decodedTallies(g)
	if err != nil {
		return err
	}
	for _, gj := range in.Groups {
		if len(gj.Counts) > MaxItems {
			return errorf("%w: %w: more than %d items", ErrFormat, ErrLimit, MaxItems)
		}
		og := &group{responses: gj.Responses}
		var names []string
		for item, counts := range gj.Counts {
			var tl Tally
			if len(counts) > len(tl.Counts) {
				return errorf("%w: item %q has %d values, at most %d", ErrFormat, clip.Text(item, 80), len(counts), len(tl.Counts))
			}
			copy(tl.Counts[:], counts)
			gated := gj.Gated[item]
			if len(gated) > len(tl.Gated) {
				return errorf("%w: item %q has %d gated values, at most %d", ErrFormat, clip.Text(item, 80), len(gated), len(tl.Gated))
			}
			copy(tl.Gated[:], gated)
			key, ok := gj.Keys[item]
			if _, err := fmt.Sscanf(key, "%016x", &tl.CellKey); !ok || err != nil || len(key) != 16 {
				return errorf("%w: item %q has no cell key of 16 hexadecimal digits", ErrFormat, clip.Text(item, 80))
			}
			names = append(names, item)
			og.items = append(og.items, uint16(len(names)-1))
			og.tallies = append(og.tallies, tl)
		}
		if len(gj.Keys) != len(gj.Counts) {
			return errorf("%w: cell keys for items without counts", ErrFormat)
		}
		for item := range gj.Gated {
			if _, ok := gj.Counts[item]; !ok {
				return errorf("%w: gated counts of item %q without counts", ErrFormat, clip.Text(item, 80))
			}
		}
		if err := nt.addDecoded(gj.Key, og, names); err != nil {
			return err
		}
	}
	*t = *nt
	return nil
}

// loadLocation loads the time zone serialized tallies name. A name the
// zone database does not know is a format error; a zone database that is
// missing altogether (a program without time/tzdata on a machine
// without one) is said as such, not taken for corrupt tallies.
func loadLocation(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err == nil {
		return loc, nil
	}
	if _, utcErr := time.LoadLocation("Europe/Helsinki"); utcErr != nil {
		return nil, errorf("loading the time zone %q of the tallies: %w (no zone database: import time/tzdata in the program, or install one)", clip.Text(name, 80), err)
	}
	return nil, errorf("%w: location %q: %v", ErrFormat, clip.Text(name, 80), err)
}

// decodedTallies returns empty tallies for decoding, once the grouping
// read is known to be one NewTallies could have made.
func decodedTallies(g Grouping) (*Tallies, error) {
	seen := map[Dimension]bool{}
	for _, d := range g.By {
		if d < ByRegion || d > ByLang || seen[d] {
			return nil, errorf("%w: grouping by %v", ErrFormat, g.By)
		}
		seen[d] = true
	}
	switch {
	case g.Period > Rolling:
		return nil, errorf("%w: period kind %d", ErrFormat, g.Period)
	case g.Period == Rolling && (g.RollingDays < 1 || g.RollingDays > 3660 || !g.RollingEnd.valid()):
		return nil, errorf("%w: rolling window of %d days ending %v", ErrFormat, g.RollingDays, g.RollingEnd)
	case g.Period != Rolling && (g.RollingDays != 0 || !g.RollingEnd.IsZero()):
		return nil, errorf("%w: a rolling window without rolling periods", ErrFormat)
	}
	return NewTallies(g), nil
}

// addDecoded adds a decoded group after checking that Add could have
// made it: a key of the grouping's dimensions and periods with valid
// codes, counts that are not negative, no item answered more often than
// the group has responses, and the limits of tallies kept.
func (t *Tallies) addDecoded(k Key, og *group, names []string) error {
	bad := func(what string, args ...any) error {
		return errorf("%w: group %v: %s", ErrFormat, clip.Text(fmt.Sprint(k), 200), fmt.Sprintf(what, args...))
	}
	g := t.grouping
	if project(k, g.By) != k {
		return bad("values of dimensions the grouping does not have")
	}
	if !k.Channel.IsValid() || !k.Role.IsValid() || (k.Lang != 0 && !k.Lang.IsValid()) {
		return bad("invalid channel, role or language code")
	}
	var want Period
	switch {
	case g.Period == AllTime:
	case g.Period == Rolling:
		want = Period{Rolling, g.RollingEnd.AddDays(1 - g.RollingDays), g.RollingEnd}
	case k.Period.Start.valid():
		want = periodOf(g.Period, k.Period.Start)
	default:
		return bad("invalid period")
	}
	if k.Period != want {
		return bad("a period the grouping does not make")
	}
	if _, dup := t.groups[k]; dup {
		return bad("given twice")
	}
	if og.responses < 0 || og.responses > MaxResponses-t.total {
		return errorf("%w: %w: %d responses", ErrFormat, ErrLimit, og.responses)
	}
	var seen [MaxItems / 64]uint64
	for i, tl := range og.tallies {
		j := og.items[i]
		name := names[j]
		if seen[j/64]&(1<<(j%64)) != 0 {
			return bad("item %q given twice", clip.Text(name, 80))
		}
		seen[j/64] |= 1 << (j % 64)
		if _, known := t.index[name]; !known && len(t.items) == MaxItems {
			return errorf("%w: %w: more than %d items", ErrFormat, ErrLimit, MaxItems)
		}
		var n int64
		for v, c := range tl.Counts {
			if c < 0 || c > MaxResponses {
				return bad("item %q: count %d", clip.Text(name, 80), c)
			}
			if g := tl.Gated[v]; g < 0 || g > c {
				return bad("item %q: %d gated answers of value %d among %d", clip.Text(name, 80), g, v, c)
			}
			n += c
		}
		if n > og.responses {
			return bad("item %q answered %d times by %d responses", clip.Text(name, 80), n, og.responses)
		}
	}
	for i, j := range og.items {
		og.items[i] = uint16(t.itemIndex(names[j]))
	}
	t.groups[k] = og
	t.total += og.responses
	return nil
}

// MarshalBinary writes the tallies in a compact binary form: a header
// with the grouping, the item IDs in sorted order, then each group's key
// (groups in key order), response count, and for each item (in item
// order) its non-zero counts as variable-length integers, its non-zero
// gated counts likewise, and its cell key.
// The output depends only on the counts, not on the order responses were
// added or tallies merged in. Protected tallies are not serialized (see
// MarshalJSON).
func (t *Tallies) MarshalBinary() ([]byte, error) {
	if t.prot != nil {
		return nil, errorf("serializing tallies: %w", ErrProtected)
	}
	var b []byte
	b = append(b, binaryMagic...)
	gj, err := json.Marshal(groupingJSON{t.grouping, t.grouping.locationName()})
	if err != nil {
		return nil, err
	}
	b = appendBytes(b, gj)
	items := slices.Sorted(slices.Values(t.items))
	b = binary.AppendUvarint(b, uint64(len(items)))
	for _, it := range items {
		b = appendBytes(b, []byte(it))
	}
	rank := make([]int, len(t.items)) // an item's index in t.items → in items
	for i, it := range t.items {
		rank[i], _ = slices.BinarySearch(items, it)
	}
	var slots []int
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
		slots = slots[:0]
		for slot := range raw.tallies {
			slots = append(slots, slot)
		}
		slices.SortFunc(slots, func(a, b int) int { return rank[raw.items[a]] - rank[raw.items[b]] })
		for _, slot := range slots {
			tl := raw.tallies[slot]
			var mask uint16
			for v, c := range tl.Counts {
				if c != 0 {
					mask |= 1 << v
				}
			}
			if mask == 0 {
				continue
			}
			b = binary.AppendUvarint(b, uint64(rank[raw.items[slot]])+1)
			b = binary.AppendUvarint(b, uint64(mask))
			for _, c := range tl.Counts {
				if c != 0 {
					b = binary.AppendUvarint(b, uint64(c))
				}
			}
			var gmask uint16
			for v, c := range tl.Gated {
				if c != 0 {
					gmask |= 1 << v
				}
			}
			b = binary.AppendUvarint(b, uint64(gmask))
			for _, c := range tl.Gated {
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
// contents, with the checks of [Tallies.UnmarshalJSON]. Malformed input
// gives an error wrapping [ErrFormat], never a panic. Decoding allocates
// at most 25 times the input's size, whatever its shape, before it
// returns or refuses (a tally takes 264 bytes and its shortest encoding
// 13; measured 18 to 23 times, TestBinaryDecodeAllocationBounded).
func (t *Tallies) UnmarshalBinary(data []byte) error {
	if bytes.HasPrefix(data, []byte(binaryMagic2)) {
		return errOldForm("binary form 2")
	}
	if !bytes.HasPrefix(data, []byte(binaryMagic)) {
		return errorf("%w: not palaute binary tallies", ErrFormat)
	}
	r := &reader{b: data[len(binaryMagic):]}
	var gj groupingJSON
	if err := json.Unmarshal(r.bytes(), &gj); err != nil || r.err != nil {
		return errorf("%w: grouping: %v", ErrFormat, cmpErr(r.err, err))
	}
	loc, err := loadLocation(gj.Location)
	if err != nil {
		return err
	}
	g := gj.Grouping
	g.Location = loc
	nt, err := decodedTallies(g)
	if err != nil {
		return err
	}
	nItems := r.uvarint()
	if nItems > uint64(len(r.b)) || nItems > MaxItems {
		return errorf("%w: %d items in %d bytes", ErrFormat, nItems, len(r.b))
	}
	items := make([]string, nItems)
	for i := range items {
		items[i] = string(r.bytes())
	}
	nGroups := r.uvarint()
	// A group takes at least 18 bytes: room for as many as fit.
	nt.groups = make(map[Key]*group, min(nGroups, uint64(len(r.b)/18)))
	strings := map[string]string{} // codes repeat from group to group
	str := func() string {
		b := r.bytes()
		s, ok := strings[string(b)]
		if !ok {
			s = string(b)
			strings[s] = s
		}
		return s
	}
	var scratchItems []uint16
	var scratchTallies []Tally
	for gi := uint64(0); gi < nGroups && r.err == nil; gi++ {
		var k Key
		var strs [6]string
		for i := range strs {
			strs[i] = str()
		}
		k.Region, k.Provider, k.Unit, k.Service = strs[0], strs[1], strs[2], strs[3]
		k.Instrument = catalogue.InstrumentRef{ID: strs[4], Version: strs[5]}
		k.Channel, k.Role, k.Lang, k.Period.Kind = survey.Channel(r.byte()), survey.Role(r.byte()), i18n.Lang(r.byte()), PeriodKind(r.byte())
		for _, d := range []*Date{&k.Period.Start, &k.Period.End} {
			d.Year = int(r.uvarint())
			d.Month, d.Day = time.Month(r.byte()), int(r.byte())
		}
		responses := r.uvarint()
		if responses > MaxResponses {
			return errorf("%w: count out of range", ErrFormat)
		}
		og := &group{responses: int64(responses)}
		scratchItems, scratchTallies = scratchItems[:0], scratchTallies[:0]
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
					if c > MaxResponses {
						return errorf("%w: count out of range", ErrFormat)
					}
					tl.Counts[v] = int64(c)
				}
			}
			gmask := r.uvarint()
			for v := range tl.Gated {
				if gmask&(1<<v) != 0 {
					c := r.uvarint()
					if c > MaxResponses {
						return errorf("%w: count out of range", ErrFormat)
					}
					tl.Gated[v] = int64(c)
				}
			}
			if gmask>>len(tl.Gated) != 0 || mask>>len(tl.Counts) != 0 {
				return errorf("%w: values beyond %d", ErrFormat, MaxValue)
			}
			tl.CellKey = r.uint64()
			scratchItems = append(scratchItems, uint16(idx-1))
			scratchTallies = append(scratchTallies, tl)
		}
		if r.err != nil {
			break
		}
		// The group's own slices, of exactly its size: read into scratch
		// first, so that growing them never costs more than the tallies.
		if len(scratchItems) <= groupItems {
			og.items = og.itemBuf[:len(scratchItems):len(scratchItems)]
			copy(og.items, scratchItems)
		} else {
			og.items = slices.Clone(scratchItems)
		}
		og.tallies = slices.Clone(scratchTallies)
		if err := nt.addDecoded(k, og, items); err != nil {
			return err
		}
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
