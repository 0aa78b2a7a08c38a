package scoring

import (
	"cmp"
	"encoding/binary"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/internal/enum"
	"github.com/palaute/palaute/internal/siphash"
	"github.com/palaute/palaute/survey"
)

// MaxValue is the largest answer value a [Tally] holds: the same as
// [survey.MaxValue].
const MaxValue = survey.MaxValue

// Tally counts the answers to one item by value: Counts[v] answers had
// value v. The zero value is an empty tally. Which values are can't-say
// answers, promoters or agreeing is for the item's scale to say.
type Tally struct {
	Counts [MaxValue + 1]int64
	// Gated[v] counts the answers with value v that came through a gated
	// channel ([IsGated]): one where answering needs an invitation for a
	// service event or a member of staff, so that nobody can add answers
	// of their own at will. Disclosure control ([Protect]) counts only
	// these towards its thresholds. It is zero in protected tallies.
	Gated [MaxValue + 1]int64
	// CellKey is the sum, modulo 2⁶⁴, of the record keys (a hash of the
	// response ID) of the answers counted: the cell key of the cell-key
	// method, which makes the perturbation of [Protect] the same whenever
	// the same responses are counted, and unpredictable to whoever does
	// not know which responses they are. It is zero in protected tallies.
	CellKey uint64
}

// Answers returns the number of answers counted (for a protected tally,
// the sum of its protected counts, which may be below zero).
func (t Tally) Answers() int64 {
	var n int64
	for _, c := range t.Counts {
		n += c
	}
	return n
}

// add merges u into t.
func (t *Tally) add(u Tally) {
	for v, c := range u.Counts {
		t.Counts[v] += c
		t.Gated[v] += u.Gated[v]
	}
	t.CellKey += u.CellKey
}

// recordHashKey keys the hash of response IDs into record keys. It is
// public: the secret of the perturbation is applied later, by [Protect],
// to the cell keys (sums of record keys), so tallies made anywhere with
// any settings combine.
var recordHashKey = siphash.KeyFrom([]byte("palaute/record/1"))

// RecordKey returns the record key of a response ID: SipHash-2-4 of the
// ID under a fixed, public key. Tallies add it to the cell key of every
// tally the response is counted in.
func RecordKey(id string) uint64 { return siphash.Sum64(recordHashKey, id) }

// IsGated reports whether answers through channel c are gated for
// disclosure control: a text message after a visit (sms), a phone
// interview (phone) and a professional's device at the service event
// (staff-device) need an invitation or a member of staff for each
// answer. Web forms, QR codes, kiosks and paper forms are open: anyone
// can answer through them as often as they like, and so add known
// answers to a small group; an unrecorded channel counts as open. This
// is the library's reading of the channels of the national standard
// (which sets no such rule); [Protection.TrustOpenChannels] counts every
// channel as gated where every channel needs a one-time invitation.
func IsGated(c survey.Channel) bool {
	switch c {
	case survey.ChannelSMS, survey.ChannelPhone, survey.ChannelStaffDevice:
		return true
	}
	return false
}

// Dimension is a response attribute responses can be grouped by.
type Dimension uint8

// The grouping dimensions. Groups are always split by instrument version
// as well, so that results (and time series) never mix versions.
const (
	ByRegion Dimension = iota + 1
	ByProvider
	ByUnit
	ByService
	ByChannel
	ByRole
	ByLang
)

var dimensionNames = []string{"", "region", "provider", "unit", "service", "channel", "role", "lang"}

// String returns the dimension's name, such as "unit".
func (d Dimension) String() string { return enum.String(dimensionNames, d, "Dimension") }

// ParseDimension returns the dimension with the given name: region,
// provider, unit, service, channel, role or lang.
func ParseDimension(s string) (Dimension, error) {
	if v, ok := enum.Parse[Dimension](dimensionNames, s); ok {
		return v, nil
	}
	return 0, errorf("unknown dimension %q (want region, provider, unit, service, channel, role or lang)", s)
}

// MarshalText implements [encoding.TextMarshaler].
func (d Dimension) MarshalText() ([]byte, error) { return enum.Marshal(dimensionNames, d, "Dimension") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (d *Dimension) UnmarshalText(b []byte) error {
	v, err := ParseDimension(string(b))
	if err == nil {
		*d = v
	}
	return err
}

// Grouping says how responses are grouped: by which dimensions and by
// which periods. The zero value groups by instrument version only, over
// all time.
type Grouping struct {
	By     []Dimension `json:"by,omitempty"`
	Period PeriodKind  `json:"period,omitzero"`
	// RollingDays and RollingEnd define the window of a Rolling period:
	// the RollingDays days ending on RollingEnd (inclusive).
	RollingDays int  `json:"rollingDays,omitzero"`
	RollingEnd  Date `json:"rollingEnd,omitzero"`
	// Location is the time zone whose calendar assigns responses to
	// periods; nil means Europe/Helsinki, where the services are
	// ([survey.Helsinki]).
	Location *time.Location `json:"-"`
}

// location returns the grouping's time zone: Location, or
// Europe/Helsinki, whose error (no zone database, and the program does not
// import time/tzdata) is returned.
func (g Grouping) location() (*time.Location, error) {
	if g.Location != nil {
		return g.Location, nil
	}
	return survey.Helsinki()
}

// locationName names the grouping's time zone for comparison.
func (g Grouping) locationName() string {
	if g.Location != nil {
		return g.Location.String()
	}
	return "Europe/Helsinki"
}

func (g Grouping) equal(h Grouping) bool {
	return slices.Equal(g.By, h.By) && g.Period == h.Period && g.RollingDays == h.RollingDays &&
		g.RollingEnd == h.RollingEnd && g.locationName() == h.locationName()
}

// Key identifies a group: the values of the grouping's dimensions (others
// are zero), the instrument version and the period. Keys are comparable.
type Key struct {
	Region     string                  `json:"region,omitempty"`
	Provider   string                  `json:"provider,omitempty"`
	Unit       string                  `json:"unit,omitempty"`
	Service    string                  `json:"service,omitempty"`
	Channel    survey.Channel          `json:"channel,omitzero"`
	Role       survey.Role             `json:"role,omitzero"`
	Lang       i18n.Lang               `json:"lang,omitzero"`
	Instrument catalogue.InstrumentRef `json:"instrument"`
	Period     Period                  `json:"period,omitzero"`
}

// Get returns the key's value of a dimension as text.
func (k Key) Get(d Dimension) string {
	switch d {
	case ByRegion:
		return k.Region
	case ByProvider:
		return k.Provider
	case ByUnit:
		return k.Unit
	case ByService:
		return k.Service
	case ByChannel:
		return k.Channel.String()
	case ByRole:
		return k.Role.String()
	case ByLang:
		return k.Lang.String()
	}
	return ""
}

func compareKeys(a, b Key) int {
	return cmp.Or(
		strings.Compare(a.Region, b.Region), strings.Compare(a.Provider, b.Provider),
		strings.Compare(a.Unit, b.Unit), strings.Compare(a.Service, b.Service),
		cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.Role, b.Role), cmp.Compare(a.Lang, b.Lang),
		strings.Compare(a.Instrument.ID, b.Instrument.ID), strings.Compare(a.Instrument.Version, b.Instrument.Version),
		a.Period.Start.Compare(b.Period.Start), cmp.Compare(a.Period.Kind, b.Period.Kind))
}

// Group is the tally of one group: how many responses it has and the
// tally of each item answered in it.
type Group struct {
	Key Key
	// Responses is the number of responses in the group. Protected
	// tallies do not publish it (it is zero there); see [Protect].
	Responses int64
	Items     map[string]Tally
	// Protection is the resolved protection (without its secret) of
	// protected tallies, nil for raw ones.
	Protection *Protection
	// Perturbation holds, for protected tallies, how far each item's
	// counts may be from the true ones; nil for raw tallies.
	Perturbation map[string]Perturbation
}

// NotAnswered returns how many of the group's responses did not answer
// item (0 for protected tallies, which do not publish the responses).
func (g Group) NotAnswered(item string) int64 {
	if g.Protection != nil {
		return 0
	}
	t := g.Items[item]
	return g.Responses - t.Answers()
}

// group is the internal form of a Group: the tallies of the items its
// responses answered, each with its index in Tallies.items. It holds only
// the items it counted, so memory follows what was counted, not how many
// items the tallies know.
type group struct {
	responses int64
	items     []uint16           // the item index of each tally
	tallies   []Tally            // in the order first counted
	pert      []Perturbation     // protected tallies only, like tallies
	itemBuf   [groupItems]uint16 // the first items' indexes, without an allocation of their own
}

// groupItems bounds the room a group makes for tallies when it counts its
// first item.
const groupItems = 8

// slot returns the position of item i's tally, adding one if needed. A
// group counting its first item makes room for as many tallies as the
// tallies know items (known), at most groupItems, instead of growing 1,
// 2, 4, 8: a fixed bound, so memory still follows what a group counted.
func (g *group) slot(i, known int) int {
	for k, it := range g.items {
		if int(it) == i {
			return k
		}
	}
	if g.items == nil {
		n := min(max(known, 1), groupItems)
		g.items, g.tallies = g.itemBuf[:0:n], make([]Tally, 0, n)
	}
	g.items = append(g.items, uint16(i))
	g.tallies = append(g.tallies, Tally{})
	return len(g.items) - 1
}

// tally returns the group's tally of item i; known is how many items the
// tallies know (see slot).
func (g *group) tally(i, known int) *Tally { return &g.tallies[g.slot(i, known)] }

// perturbation returns the group's perturbation of item i.
func (g *group) perturbation(i int) *Perturbation {
	k := g.slot(i, 1)
	if len(g.pert) < len(g.tallies) {
		g.pert = append(g.pert, make([]Perturbation, len(g.tallies)-len(g.pert))...)
	}
	return &g.pert[k]
}

// Limits of tallies. Every count, and every sum of counts over groups,
// is then at most MaxResponses: no arithmetic overflows, and every count
// is exact as a float64 too.
const (
	// MaxResponses is the most responses tallies count in all (2⁵³).
	MaxResponses = 1 << 53
	// MaxItems is the most distinct items tallies hold.
	MaxItems = 4096
)

// Tallies accumulates responses into per-group, per-item counts. Tallies
// are exact and mergeable: tallies of any split of a data set, merged in
// any order, equal the tallies of the whole. They serialize to JSON and
// to a compact binary form, so partial results from separate processes or
// counties can be combined. A Tallies is not safe for concurrent use;
// give each goroutine its own and merge them.
//
// Tallies made by [Protect] are protected: their counts are what may be
// published. They can be aggregated ([Tallies.Aggregate]) and scored, but
// not added to, merged or serialized.
type Tallies struct {
	grouping Grouping
	loc      *time.Location
	locErr   error // loading the time zone failed
	items    []string
	index    map[string]int
	groups   map[Key]*group
	prot     *Protection // non-nil for protected tallies
	base     Grouping    // the grouping protected tallies were protected with
	total    int64       // responses in all groups, at most MaxResponses

	// The hot path of Add: groups by an encoding of their key (no
	// allocation per response), a scratch buffer for the encoding, and
	// the item index of each answer position in the previous response
	// (responses mostly list their items in the same order).
	fast    map[string]*group
	scratch []byte
	slots   []int
	day     dayCache
}

// dayCache remembers the local day of the previous response (input is
// mostly in time order) and the period of a date.
type dayCache struct {
	from, to int64 // the day's first and last-plus-one Unix second
	date     Date
	periodOf Date // the date period was computed for
	period   Period
}

// dateOf returns the date of an instant in the tallies' time zone.
func (t *Tallies) dateOf(at time.Time) Date {
	c := &t.day
	if u := at.Unix(); u >= c.from && u < c.to {
		return c.date
	}
	d := DateOf(at.In(t.loc))
	// Only a day the zone's offset does not change in is remembered: it
	// runs from local midnight for exactly 24 hours. (A day with a
	// change, or whose midnight the clocks skip, is worked out anew for
	// each response.)
	start := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, t.loc)
	_, zoneEnd := start.ZoneBounds()
	if h, m, s := start.Clock(); h == 0 && m == 0 && s == 0 && DateOf(start) == d &&
		(zoneEnd.IsZero() || !zoneEnd.Before(start.Add(24*time.Hour))) {
		c.from, c.to, c.date = start.Unix(), start.Unix()+24*3600, d
	}
	return d
}

// NewTallies returns empty tallies with the given grouping. The zero
// Tallies is the same as NewTallies(Grouping{}): by instrument version,
// over all time.
func NewTallies(g Grouping) *Tallies {
	g.By = slices.Clone(g.By)
	t := &Tallies{grouping: g}
	t.init()
	return t
}

// init makes the maps of tallies that have none (the zero Tallies) and
// loads the time zone; a zone that cannot be loaded is kept as an error
// that Add and Merge return.
func (t *Tallies) init() {
	if t.index == nil {
		t.index, t.groups, t.fast = map[string]int{}, map[Key]*group{}, map[string]*group{}
	}
	if t.loc == nil && t.locErr == nil {
		t.loc, t.locErr = t.grouping.location()
	}
}

// Grouping returns the grouping of the tallies.
func (t *Tallies) Grouping() Grouping {
	g := t.grouping
	g.By = slices.Clone(g.By)
	return g
}

// project returns k with only the dimensions in by (and the instrument
// and period) kept.
func project(k Key, by []Dimension) Key {
	out := Key{Instrument: k.Instrument, Period: k.Period}
	for _, d := range by {
		switch d {
		case ByRegion:
			out.Region = k.Region
		case ByProvider:
			out.Provider = k.Provider
		case ByUnit:
			out.Unit = k.Unit
		case ByService:
			out.Service = k.Service
		case ByChannel:
			out.Channel = k.Channel
		case ByRole:
			out.Role = k.Role
		case ByLang:
			out.Lang = k.Lang
		}
	}
	return out
}

// roomFor reports whether n items (item(i) for i < n) fit beside the
// items known, within MaxItems.
func (t *Tallies) roomFor(n int, item func(int) string) bool {
	if len(t.items)+n <= MaxItems {
		return true
	}
	unknown := 0
	for i := range n {
		if _, ok := t.index[item(i)]; !ok {
			unknown++
		}
	}
	return len(t.items)+unknown <= MaxItems
}

func (t *Tallies) itemIndex(item string) int {
	if i, ok := t.index[item]; ok {
		return i
	}
	t.index[item] = len(t.items)
	t.items = append(t.items, item)
	return len(t.items) - 1
}

// Add counts one response. It reports whether the response was counted:
// with a rolling window, responses outside the window are not. An answer
// value outside 0–15 is an error (wrapping [ErrValue]) and the response is
// not counted, as is a response past [MaxResponses] or one bringing the
// items past [MaxItems] ([ErrLimit]). Add does not validate responses;
// pass it validated ones. It does not keep r or its strings.
func (t *Tallies) Add(r survey.Response) (bool, error) {
	if t.loc == nil { // zero Tallies, or a zone that did not load
		t.init()
		if t.locErr != nil {
			return false, errorf("adding response %q: %w", r.ID, t.locErr)
		}
	}
	if t.prot != nil {
		return false, errorf("adding to tallies: %w", ErrProtected)
	}
	for _, a := range r.Answers {
		if a.Value < 0 || a.Value > MaxValue {
			return false, errorf("response %q, item %q: %w: %d", r.ID, a.Item, ErrValue, a.Value)
		}
	}
	if t.total >= MaxResponses {
		return false, errorf("adding response %q: %w: %d responses", r.ID, ErrLimit, t.total)
	}
	if !t.roomFor(len(r.Answers), func(i int) string { return r.Answers[i].Item }) {
		return false, errorf("adding response %q: %w: more than %d items", r.ID, ErrLimit, MaxItems)
	}
	var period Period
	switch p := t.grouping.Period; p {
	case AllTime:
	case Rolling:
		d := t.dateOf(r.Submitted)
		end := t.grouping.RollingEnd
		start := end.AddDays(1 - t.grouping.RollingDays)
		if d.Compare(start) < 0 || d.Compare(end) > 0 {
			return false, nil
		}
		period = Period{Rolling, start, end}
	default:
		d := t.dateOf(r.Submitted)
		if d != t.day.periodOf {
			t.day.period, t.day.periodOf = periodOf(p, d), d
		}
		period = t.day.period
	}
	// The key's encoding: each string with its length in front (so that
	// no two keys share one, whatever bytes the strings hold), codes as
	// bytes, the period.
	b := t.scratch[:0]
	str := func(s string) { b = append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	for _, d := range t.grouping.By {
		switch d {
		case ByRegion:
			str(r.Region)
		case ByProvider:
			str(r.Provider)
		case ByUnit:
			str(r.Unit)
		case ByService:
			str(r.Service)
		case ByChannel:
			b = append(b, byte(r.Channel))
		case ByRole:
			b = append(b, byte(r.Role))
		case ByLang:
			b = append(b, byte(r.Lang))
		}
	}
	str(r.Instrument.ID)
	str(r.Instrument.Version)
	if period.Kind != AllTime {
		b = append(b, byte(period.Kind), byte(period.Start.Year>>8), byte(period.Start.Year), byte(period.Start.Month), byte(period.Start.Day))
	}
	t.scratch = b
	g := t.fast[string(b)]
	if g == nil {
		k := project(Key{Region: strings.Clone(r.Region), Provider: strings.Clone(r.Provider), Unit: strings.Clone(r.Unit),
			Service: strings.Clone(r.Service), Channel: r.Channel, Role: r.Role, Lang: r.Lang,
			Instrument: catalogue.InstrumentRef{ID: strings.Clone(r.Instrument.ID), Version: strings.Clone(r.Instrument.Version)}}, t.grouping.By)
		k.Period = period
		if g = t.groups[k]; g == nil {
			g = &group{}
			t.groups[k] = g
		}
		t.fast[string(b)] = g
	}
	g.responses++
	t.total++
	rk := RecordKey(r.ID)
	gated := IsGated(r.Channel)
	for j, a := range r.Answers {
		i := -1
		if j < len(t.slots) {
			if s := t.slots[j]; t.items[s] == a.Item {
				i = s
			}
		}
		if i < 0 && len(t.items) <= 32 {
			for k, item := range t.items {
				if item == a.Item {
					i = k
					break
				}
			}
		}
		if i < 0 {
			var known bool
			if i, known = t.index[a.Item]; !known {
				i = t.itemIndex(strings.Clone(a.Item))
			}
			for len(t.slots) <= j {
				t.slots = append(t.slots, 0)
			}
			t.slots[j] = i
		}
		tl := g.tally(i, len(t.items))
		tl.Counts[a.Value]++
		if gated {
			tl.Gated[a.Value]++
		}
		tl.CellKey += rk
	}
	return true, nil
}

// Merge adds the counts of o to t. Both must have the same grouping
// (else the error wraps [ErrGrouping]) and be raw: protection is applied
// once, to the merged tallies (else the error wraps [ErrProtected]); the
// sum must stay within [MaxResponses] and [MaxItems] (else the error
// wraps [ErrLimit] and t is not changed). o is not changed.
func (t *Tallies) Merge(o *Tallies) error {
	if t.loc == nil {
		t.init()
		if t.locErr != nil {
			return errorf("merging tallies: %w", t.locErr)
		}
	}
	if t.prot != nil || o.prot != nil {
		return errorf("merging tallies: %w", ErrProtected)
	}
	if !t.grouping.equal(o.grouping) {
		return errorf("merging tallies: %w", ErrGrouping)
	}
	if t.total > MaxResponses-o.total {
		return errorf("merging tallies: %w: %d and %d responses", ErrLimit, t.total, o.total)
	}
	if !t.roomFor(len(o.items), func(i int) string { return o.items[i] }) {
		return errorf("merging tallies: %w: more than %d items", ErrLimit, MaxItems)
	}
	for k, og := range o.groups {
		t.addGroup(k, og, o.items)
	}
	return nil
}

// addGroup adds the counts (and perturbations) of og, whose items are
// named by names, under key k.
func (t *Tallies) addGroup(k Key, og *group, names []string) {
	g := t.groups[k]
	if g == nil {
		g = &group{}
		t.groups[k] = g
	}
	g.responses += og.responses
	t.total += og.responses
	for k, tl := range og.tallies {
		j := t.itemIndex(names[og.items[k]])
		g.tally(j, len(og.tallies)).add(tl)
		if t.prot != nil && k < len(og.pert) {
			g.perturbation(j).add(og.pert[k])
		}
	}
}

// Len returns the number of groups.
func (t *Tallies) Len() int { return len(t.groups) }

// Items returns the IDs of the items answered, in the order first seen.
func (t *Tallies) Items() []string { return slices.Clone(t.items) }

// Protected reports whether the tallies were made by [Protect].
func (t *Tallies) Protected() bool { return t.prot != nil }

// Protection returns the resolved protection of protected tallies
// (without the secret), and false for raw tallies.
func (t *Tallies) Protection() (Protection, bool) {
	if t.prot == nil {
		return Protection{}, false
	}
	return *t.prot, true
}

// Base returns the grouping of the base cells protected tallies were
// made from (by [Protect]; aggregates keep it), and false for raw
// tallies.
func (t *Tallies) Base() (Grouping, bool) {
	if t.prot == nil {
		return Grouping{}, false
	}
	g := t.base
	g.By = slices.Clone(g.By)
	return g, true
}

// Groups returns every group, sorted by key.
func (t *Tallies) Groups() []Group {
	keys := slices.SortedFunc(maps.Keys(t.groups), compareKeys)
	out := make([]Group, len(keys))
	for i, k := range keys {
		out[i], _ = t.Group(k)
	}
	return out
}

// Group returns the group with key k.
func (t *Tallies) Group(k Key) (Group, bool) {
	g, ok := t.groups[k]
	if !ok {
		return Group{}, false
	}
	out := Group{Key: k, Responses: g.responses, Items: make(map[string]Tally, len(g.tallies))}
	if t.prot != nil {
		p := *t.prot
		out.Protection = &p
		out.Perturbation = make(map[string]Perturbation, len(g.tallies))
	}
	for k, tl := range g.tallies {
		// A protected cell is kept whatever its counts add up to: its
		// noise variance belongs in every sum it is part of.
		if tl.Answers() > 0 || t.prot != nil {
			out.Items[t.items[g.items[k]]] = tl
			if t.prot != nil && k < len(g.pert) {
				out.Perturbation[t.items[g.items[k]]] = g.pert[k]
			}
		}
	}
	return out, true
}

// Regroup returns new tallies with a coarser grouping: every group's
// counts are added under its key with only the dimensions of by kept (and
// the same periods). Use it to get unit totals from unit × channel
// tallies, say, without reading the responses again. It is Aggregate with
// the same periods; dimensions not in the tallies' grouping are ignored.
func (t *Tallies) Regroup(by ...Dimension) *Tallies {
	g := t.grouping
	g.By = slices.DeleteFunc(slices.Clone(by), func(d Dimension) bool { return !slices.Contains(t.grouping.By, d) })
	return t.rekey(g, func(k Key) (Key, bool) { return project(k, g.By), true })
}

// rekey returns new tallies with grouping g holding t's counts under the
// keys f gives; groups for which f reports false are left out. Protected
// tallies are added up in key order: their variances are floating-point
// sums, which must not depend on the order of a map.
func (t *Tallies) rekey(g Grouping, f func(Key) (Key, bool)) *Tallies {
	out := NewTallies(g)
	out.prot, out.base = t.prot, t.base
	add := func(k Key, og *group) {
		if nk, ok := f(k); ok {
			out.addGroup(nk, og, t.items)
		}
	}
	if t.prot != nil {
		for _, k := range slices.SortedFunc(maps.Keys(t.groups), compareKeys) {
			add(k, t.groups[k])
		}
		return out
	}
	for k, og := range t.groups {
		add(k, og)
	}
	return out
}

// Select returns new tallies with the groups of t that keep accepts. On
// protected tallies the result is still a sum of protected base cells:
// "every unit but one", say, for the rest of a unit's peers.
func (t *Tallies) Select(keep func(Key) bool) *Tallies {
	return t.rekey(t.grouping, func(k Key) (Key, bool) { return k, keep(k) })
}

// WithoutPeriods returns new tallies with the same dimensions over all
// time: the counts of every period added together (per instrument
// version, which stays apart).
func (t *Tallies) WithoutPeriods() *Tallies {
	out, _ := t.Aggregate(Aggregation{By: t.grouping.By, Period: AllTime})
	return out
}
