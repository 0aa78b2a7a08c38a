package scoring

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
	"github.com/stretchr/testify/require"
)

var adult = catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}

// synthetic returns n deterministic responses over a few units, channels
// and months.
func synthetic(n int, seed uint64) []survey.Response {
	rng := rand.New(rand.NewPCG(seed, 1))
	items := []string{"recommend", "access", "encounter", "safety", "usefulness"}
	out := make([]survey.Response, n)
	for i := range out {
		r := survey.Response{
			ID:         "r" + string(rune('a'+i%26)),
			Submitted:  time.Date(2025, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC),
			Instrument: adult,
			Region:     "pohjanmaa", Provider: []string{"p1", "p2"}[rng.IntN(2)], Unit: []string{"u1", "u2", "u3", "u4"}[rng.IntN(4)],
			Channel: survey.Channels()[rng.IntN(3)], Role: survey.Role(1 + rng.IntN(2)), Lang: i18n.Lang(1 + rng.IntN(3)),
		}
		for _, it := range items {
			if rng.IntN(10) == 0 {
				continue // not answered
			}
			v := 1 + rng.IntN(5)
			if it == "recommend" {
				v = rng.IntN(11)
			} else if rng.IntN(20) == 0 {
				v = 0
			}
			r.Answers = append(r.Answers, survey.Answer{Item: it, Value: v})
		}
		out[i] = r
	}
	return out
}

func tally(t testing.TB, g Grouping, rs []survey.Response) *Tallies {
	tl := NewTallies(g)
	for _, r := range rs {
		if _, err := tl.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	return tl
}

func scored(t testing.TB, tl *Tallies) []Result {
	res, err := Score(tl, catalogue.Default(), CatalogueScales(catalogue.Default()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestMergeProperty: any split of a response set into tallies, merged in
// any order, gives the same groups and indicators as one pass.
func TestMergeProperty(t *testing.T) {
	rs := synthetic(3000, 7)
	g := Grouping{By: []Dimension{ByUnit, ByChannel}, Period: Month}
	whole := tally(t, g, rs)
	want := scored(t, whole)
	rng := rand.New(rand.NewPCG(99, 2))
	for trial := 0; trial < 20; trial++ {
		parts := make([]*Tallies, 1+rng.IntN(7))
		for i := range parts {
			parts[i] = NewTallies(g)
		}
		for _, r := range rs {
			parts[rng.IntN(len(parts))].Add(r)
		}
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		// Some parts travel through JSON or binary, as from other processes.
		merged := NewTallies(g)
		for i, p := range parts {
			switch i % 3 {
			case 1:
				b, _ := json.Marshal(p)
				p = &Tallies{}
				if err := json.Unmarshal(b, p); err != nil {
					t.Fatal(err)
				}
			case 2:
				b, _ := p.MarshalBinary()
				p = &Tallies{}
				if err := p.UnmarshalBinary(b); err != nil {
					t.Fatal(err)
				}
			}
			if err := merged.Merge(p); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(merged.Groups(), whole.Groups()) {
			t.Fatalf("trial %d: merged groups differ from one pass", trial)
		}
		got, _ := json.Marshal(scored(t, merged))
		w, _ := json.Marshal(want)
		if !bytes.Equal(got, w) {
			t.Fatalf("trial %d: merged indicators differ", trial)
		}
	}
	if err := NewTallies(Grouping{By: []Dimension{ByUnit}}).Merge(whole); !errors.Is(err, ErrGrouping) {
		t.Errorf("merging different groupings: %v", err)
	}
}

func TestPeriods(t *testing.T) {
	helsinki, _ := time.LoadLocation("Europe/Helsinki")
	// 2025-12-31 22:30 UTC is 2026-01-01 00:30 in Helsinki.
	at := time.Date(2025, 12, 31, 22, 30, 0, 0, time.UTC)
	tests := []struct {
		kind PeriodKind
		want string
	}{
		{Day, "2026-01-01"}, {ISOWeek, "2026-W01"}, {Month, "2026-01"}, {Quarter, "2026-Q1"}, {Year, "2026"},
	}
	for _, tt := range tests {
		p := periodOf(tt.kind, DateOf(at.In(helsinki)))
		if p.String() != tt.want {
			t.Errorf("%v: %s, want %s", tt.kind, p, tt.want)
		}
	}
	// ISO week 1 of 2026 starts on Monday 2025-12-29.
	if p := periodOf(ISOWeek, Date{2025, 12, 29}); p.Start != (Date{2025, 12, 29}) || p.End != (Date{2026, 1, 4}) || p.String() != "2026-W01" {
		t.Errorf("ISO week %+v %s", p, p)
	}
	if p := periodOf(Quarter, Date{2024, 2, 29}); p.End != (Date{2024, 3, 31}) {
		t.Errorf("quarter end %v", p.End)
	}
	// Rolling window: the last 30 days ending 2025-03-14.
	tl := NewTallies(Grouping{Period: Rolling, RollingDays: 30, RollingEnd: Date{2025, 3, 14}})
	for _, d := range []time.Time{
		time.Date(2025, 2, 13, 0, 30, 0, 0, helsinki),  // first day: in
		time.Date(2025, 2, 12, 23, 30, 0, 0, helsinki), // day before: out
		time.Date(2025, 3, 14, 23, 59, 0, 0, helsinki), // last day: in
		time.Date(2025, 3, 14, 22, 30, 0, 0, time.UTC), // 00:30 on 15 March in Helsinki: out
	} {
		tl.Add(survey.Response{Instrument: adult, Submitted: d, Answers: survey.Answers{{Item: "recommend", Value: 9}}})
	}
	gs := tl.Groups()
	if len(gs) != 1 || gs[0].Responses != 2 || gs[0].Key.Period.String() != "2025-02-13/2025-03-14" {
		t.Errorf("rolling window: %+v", gs)
	}
}

// TestVersionBreak: groups never mix instrument versions, so a time series
// breaks where the version changes.
func TestVersionBreak(t *testing.T) {
	tl := NewTallies(Grouping{Period: Year})
	for _, v := range []string{"2022", "2026"} {
		tl.Add(survey.Response{Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: v}, Submitted: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Answers: survey.Answers{{Item: "recommend", Value: 9}}})
	}
	if tl.Len() != 2 {
		t.Errorf("versions mixed in one group: %d groups", tl.Len())
	}
}

func TestAddErrorsAndRegroup(t *testing.T) {
	tl := NewTallies(Grouping{By: []Dimension{ByUnit, ByChannel}})
	if ok, err := tl.Add(survey.Response{Instrument: adult, Answers: survey.Answers{{Item: "x", Value: 16}}}); ok || !errors.Is(err, ErrValue) || tl.Len() != 0 {
		t.Errorf("value 16: %v %v", ok, err)
	}
	rs := synthetic(500, 3)
	fine := tally(t, Grouping{By: []Dimension{ByUnit, ByChannel}}, rs)
	coarse := tally(t, Grouping{By: []Dimension{ByUnit}}, rs)
	if !reflect.DeepEqual(fine.Regroup(ByUnit).Groups(), coarse.Groups()) {
		t.Error("Regroup differs from tallying at the coarser grouping")
	}
	g := coarse.Groups()[0]
	if g.NotAnswered("recommend") != g.Responses-g.Items["recommend"].Answers() || g.NotAnswered("recommend") <= 0 {
		t.Errorf("not answered %d", g.NotAnswered("recommend"))
	}
}

func FuzzUnmarshal(f *testing.F) {
	tl := tally(f, Grouping{By: []Dimension{ByUnit}, Period: Month}, synthetic(50, 1))
	b, _ := tl.MarshalBinary()
	j, _ := json.Marshal(tl)
	f.Add(b)
	f.Add(j)
	f.Add([]byte("PLT\x01\x02{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a, c Tallies
		if a.UnmarshalBinary(data) == nil {
			again, err := a.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if err := c.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(a.Groups(), c.Groups()) {
				t.Fatalf("binary round trip: %v", err)
			}
		}
		if a.UnmarshalBinary(data) == nil {
			plausible(t, &a)
		}
		var d Tallies
		if json.Unmarshal(data, &d) == nil {
			plausible(t, &d)
		}
	})
}

// plausible fails the test unless decoded tallies are ones Add could have
// made: codes and periods valid, counts not negative, no item answered
// more often than its group has responses, the total within
// MaxResponses, and indicators within their ranges.
func plausible(t *testing.T, tl *Tallies) {
	t.Helper()
	g := tl.Grouping()
	var total int64
	for _, grp := range tl.Groups() {
		k := grp.Key
		if !k.Channel.IsValid() || !k.Role.IsValid() || (k.Lang != 0 && !k.Lang.IsValid()) {
			t.Fatalf("group %+v: invalid codes", k)
		}
		switch {
		case g.Period == AllTime && k.Period != (Period{}):
			t.Fatalf("group %+v: a period in tallies over all time", k)
		case g.Period != AllTime:
			if p, err := ParsePeriod(k.Period.String()); err != nil || p != k.Period || p.Kind != g.Period {
				t.Fatalf("group %+v: period %v is not a %v (%v)", k, k.Period, g.Period, err)
			}
		}
		if grp.Responses < 0 {
			t.Fatalf("group %+v: %d responses", k, grp.Responses)
		}
		total += grp.Responses
		if total < 0 || total > MaxResponses {
			t.Fatalf("%d responses in all", total)
		}
		for item, tally := range grp.Items {
			for _, c := range tally.Counts {
				if c < 0 {
					t.Fatalf("group %+v, item %q: count %d", k, item, c)
				}
			}
			if n := tally.Answers(); n > grp.Responses {
				t.Fatalf("group %+v, item %q: %d answers from %d responses", k, item, n, grp.Responses)
			}
		}
	}
}

// TestImpossibleTalliesRefused: serialized tallies Add could not have
// made are refused with ErrFormat (counts above the responses, negative
// or overflowing counts, invalid codes and periods, groups or items given
// twice, groups off the grouping), and merges that would overflow are
// refused with ErrLimit. Every byte of a binary encoding is also replaced
// by 0, 1, 7, 200 and 255: whatever still decodes is plausible.
func TestImpossibleTalliesRefused(t *testing.T) {
	group := func(key, counts string, responses string) string {
		return `{"format":"palaute-tallies/3","grouping":{"by":["unit"],"period":"month","location":"Europe/Helsinki"},"groups":[` +
			`{"key":{"unit":"u1","instrument":"thl-adult/2022","period":` + key + `},"responses":` + responses +
			`,"counts":{"recommend":` + counts + `},"keys":{"recommend":"0000000000000001"}}]}`
	}
	march := `{"kind":"month","start":"2025-03-01","end":"2025-03-31"}`
	var ok Tallies
	require.NoError(t, json.Unmarshal([]byte(group(march, "[0,0,0,0,0,0,0,0,0,1,1]", "2")), &ok))
	for name, data := range map[string]string{
		"more answers than responses":      group(march, "[0,0,0,0,0,0,0,0,0,1,2]", "2"),
		"negative count":                   group(march, "[0,0,0,0,0,0,0,0,0,-1,3]", "2"),
		"negative responses":               group(march, "[]", "-2"),
		"count past 2^53":                  group(march, "[9007199254740993]", "9007199254740993"),
		"near int64 max":                   group(march, "[9223372036854775807]", "9223372036854775807"),
		"a month that is not one":          group(`{"kind":"month","start":"2025-03-02","end":"2025-04-01"}`, "[1]", "1"),
		"a day that does not exist":        group(`{"kind":"month","start":"2025-02-30","end":"2025-03-29"}`, "[1]", "1"),
		"another kind of period":           group(`{"kind":"year","start":"2025-01-01","end":"2025-12-31"}`, "[1]", "1"),
		"a dimension not grouped by":       strings.Replace(group(march, "[1]", "1"), `"unit":"u1"`, `"unit":"u1","region":"r"`, 1),
		"a group twice":                    strings.Replace(group(march, "[1]", "1"), `]}`, `,{"key":{"unit":"u1","instrument":"thl-adult/2022","period":`+march+`},"responses":1,"counts":{"recommend":[1]},"keys":{"recommend":"0000000000000001"}}]}`, 1),
		"grouping by a dimension twice":    strings.Replace(group(march, "[1]", "1"), `"by":["unit"]`, `"by":["unit","unit"]`, 1),
		"a rolling window without rolling": strings.Replace(group(march, "[1]", "1"), `"period":"month"`, `"period":"month","rollingDays":30`, 1),
		"more gated answers than answers":  strings.Replace(group(march, "[0,0,0,0,0,0,0,0,0,1,1]", "2"), `"keys"`, `"gated":{"recommend":[0,0,0,0,0,0,0,0,0,2]},"keys"`, 1),
		"negative gated answers":           strings.Replace(group(march, "[0,0,0,0,0,0,0,0,0,1,1]", "2"), `"keys"`, `"gated":{"recommend":[0,0,0,0,0,0,0,0,0,-1]},"keys"`, 1),
		"gated answers of an item without": strings.Replace(group(march, "[0,0,0,0,0,0,0,0,0,1,1]", "2"), `"keys"`, `"gated":{"access":[1]},"keys"`, 1),
		"gated answers past value 15":      strings.Replace(group(march, "[0,0,0,0,0,0,0,0,0,1,1]", "2"), `"keys"`, `"gated":{"recommend":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]},"keys"`, 1),
		"the form before gated counts":     strings.Replace(group(march, "[1]", "1"), `palaute-tallies/3`, `palaute-tallies/2`, 1),
	} {
		var tl Tallies
		if err := json.Unmarshal([]byte(data), &tl); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
	}

	// Merges: two halves of 2^53 fit; one more response does not.
	half := func(n string) *Tallies {
		var tl Tallies
		require.NoError(t, json.Unmarshal([]byte(group(march, "[1]", n)), &tl))
		return &tl
	}
	a := half("4503599627370496")
	require.NoError(t, a.Merge(half("4503599627370495")))
	if err := a.Merge(half("2")); !errors.Is(err, ErrLimit) {
		t.Errorf("merging past 2^53 responses: %v, want ErrLimit", err)
	}
	if _, err := a.Add(survey.Response{ID: "x", Unit: "u1", Instrument: adult, Submitted: time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Errorf("the 2^53rd response: %v", err)
	}
	if _, err := a.Add(survey.Response{ID: "y", Unit: "u1", Instrument: adult, Submitted: time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)}); !errors.Is(err, ErrLimit) {
		t.Errorf("one response past 2^53: %v, want ErrLimit", err)
	}

	// Mutated binary encodings.
	src := tally(t, Grouping{By: []Dimension{ByUnit, ByChannel, ByLang}, Period: Month}, synthetic(15, 5))
	enc, err := src.MarshalBinary()
	require.NoError(t, err)
	decoded := 0
	for i := range enc {
		for _, v := range []byte{0, 1, 7, 200, 255} {
			m := slices.Clone(enc)
			m[i] = v
			var tl Tallies
			if tl.UnmarshalBinary(m) == nil {
				decoded++
				plausible(t, &tl)
			}
		}
	}
	t.Logf("%d of %d mutated encodings decoded, all plausible", decoded, 5*len(enc))
}

// TestParsePeriod: every period's name parses back to the period.
func TestParsePeriod(t *testing.T) {
	for _, k := range []PeriodKind{Day, ISOWeek, Month, Quarter, Year} {
		for d := (Date{2024, 12, 20}); d.Compare(Date{2026, 1, 10}) < 0; d = d.AddDays(1) {
			p := periodOf(k, d)
			got, err := ParsePeriod(p.String())
			if err != nil || got != p {
				t.Fatalf("%s %s: parsed %+v, %v; want %+v", k, p, got, err, p)
			}
		}
	}
	w := Period{Rolling, Date{2025, 2, 13}, Date{2025, 3, 14}}
	if got, err := ParsePeriod(w.String()); err != nil || got != w {
		t.Errorf("rolling: %+v %v", got, err)
	}
	for _, bad := range []string{"2025-13", "2025-Q5", "2025-W54", "2025-W00", "x", "2025-03-14/2025-03-01", "20251"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestDateCache: the day Add remembers between responses gives the date
// time.Time.In gives, for instants in time order (the cached case) and
// shuffled, around daylight-saving changes (when a Helsinki day has 23 or
// 25 hours) and in a zone whose clocks skip midnight.
func TestDateCache(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// America/Santiago moved its clocks from 24:00 to 01:00 (no midnight).
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, loc := range []*time.Location{helsinki, santiago, time.UTC} {
		var at []time.Time
		// Two days either side of each clock change, every few minutes.
		for _, edge := range []string{"2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z", "2024-09-08T04:00:00Z", "2025-04-06T03:00:00Z"} {
			e, _ := time.Parse(time.RFC3339, edge)
			for s := -48 * 3600; s <= 48*3600; s += 60 + rng.IntN(300) {
				at = append(at, e.Add(time.Duration(s)*time.Second+time.Duration(rng.IntN(1e9))))
			}
		}
		for range 5000 {
			at = append(at, time.Unix(1.7e9+rng.Int64N(1e8), rng.Int64N(1e9)))
		}
		shuffled := slices.Clone(at)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, order := range [][]time.Time{at, shuffled} {
			tl := NewTallies(Grouping{Period: Month, Location: loc})
			for _, x := range order {
				if got, want := tl.dateOf(x), DateOf(x.In(loc)); got != want {
					t.Fatalf("%s in %s: date %v, want %v", x.Format(time.RFC3339Nano), loc, got, want)
				}
			}
		}
	}
}

// TestGroupKeysDoNotCollide: groups whose codes hold NUL bytes (Add does
// not validate) stay apart, however the bytes could be split between
// dimensions.
func TestGroupKeysDoNotCollide(t *testing.T) {
	inst := catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"}
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	pairs := [][2]survey.Response{
		{{ID: "a", Region: "r\x00u1", Unit: "", Instrument: inst, Submitted: at}, {ID: "b", Region: "r", Unit: "u1\x00", Instrument: inst, Submitted: at}},
		{{ID: "a", Region: "r", Unit: "\x00u1", Instrument: inst, Submitted: at}, {ID: "b", Region: "r\x00", Unit: "u1", Instrument: inst, Submitted: at}},
		{{ID: "a", Unit: "u", Instrument: catalogue.InstrumentRef{ID: "x\x00", Version: "1"}, Submitted: at}, {ID: "b", Unit: "u", Instrument: catalogue.InstrumentRef{ID: "x", Version: "\x001"}, Submitted: at}},
	}
	for _, p := range pairs {
		tl := NewTallies(Grouping{By: []Dimension{ByRegion, ByUnit}, Period: Month})
		for _, r := range p {
			r.Answers = survey.Answers{{Item: "recommend", Value: 9}}
			_, err := tl.Add(r)
			require.NoError(t, err)
		}
		if got := tl.Len(); got != 2 {
			t.Errorf("%q and %q: %d groups, want 2", p[0].Region+"|"+p[0].Unit+"|"+p[0].Instrument.String(), p[1].Region+"|"+p[1].Unit+"|"+p[1].Instrument.String(), got)
		}
	}
}

// TestDecodeMemoryBounded: tallies that know MaxItems items but whose
// groups each count only the last one (what made 64 MB of binary
// allocate 1.14 GB when every group made room for every item) decode in
// memory proportional to their size.
func TestDecodeMemoryBounded(t *testing.T) {
	tl := NewTallies(Grouping{By: []Dimension{ByUnit}})
	at := time.Date(2025, 3, 5, 12, 0, 0, 0, time.UTC)
	first := survey.Response{ID: "all", Unit: "u", Instrument: adult, Submitted: at}
	for i := range MaxItems {
		first.Answers = append(first.Answers, survey.Answer{Item: fmt.Sprintf("i%d", i), Value: 1})
	}
	_, err := tl.Add(first)
	require.NoError(t, err)
	last := survey.Answers{{Item: fmt.Sprintf("i%d", MaxItems-1), Value: 1}}
	for i := range 20_000 {
		_, err := tl.Add(survey.Response{ID: fmt.Sprint(i), Unit: fmt.Sprintf("u%d", i), Instrument: adult, Submitted: at, Answers: last})
		require.NoError(t, err)
	}
	bin, err := tl.MarshalBinary()
	require.NoError(t, err)
	js, err := json.Marshal(tl)
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		data   []byte
		decode func([]byte) error
		factor uint64
	}{
		{"binary", bin, func(b []byte) error { var x Tallies; return x.UnmarshalBinary(b) }, 40},
		{"JSON", js, func(b []byte) error { var x Tallies; return json.Unmarshal(b, &x) }, 40},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		require.NoError(t, c.decode(c.data))
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d kB decoded with %d kB allocated (%.1f×)", c.name, len(c.data)>>10, alloc>>10, float64(alloc)/float64(len(c.data)))
		if alloc > c.factor*uint64(len(c.data)) {
			t.Errorf("%s: %d kB allocated for %d kB of input, more than %d×", c.name, alloc>>10, len(c.data)>>10, c.factor)
		}
	}
}

// TestUnknownZoneSaid: serialized tallies naming a zone the database does
// not know are refused as a format error that says the zone loader's
// reason.
func TestUnknownZoneSaid(t *testing.T) {
	data := `{"format":"palaute-tallies/3","grouping":{"by":["unit"],"period":"month","location":"Mars/Olympus_Mons"},"groups":[]}`
	var tl Tallies
	err := json.Unmarshal([]byte(data), &tl)
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "unknown time zone Mars/Olympus_Mons") {
		t.Errorf("error %v", err)
	}
}

// worstBinary returns binary tallies of groups (by unit) with items
// each, every item counted once with the shortest encoding the form
// allows: the most tallies per byte of input.
func worstBinary(groups, items int) []byte {
	b := []byte(binaryMagic)
	gj, _ := json.Marshal(groupingJSON{Grouping{By: []Dimension{ByUnit}, Period: Month}, "Europe/Helsinki"})
	b = appendBytes(b, gj)
	b = binary.AppendUvarint(b, uint64(items))
	for k := range items {
		b = appendBytes(b, []byte(fmt.Sprint(k)))
	}
	b = binary.AppendUvarint(b, uint64(groups))
	for i := range groups {
		for _, s := range []string{"", "", fmt.Sprint(i), "", "i", "v"} {
			b = appendBytes(b, []byte(s))
		}
		b = append(b, 0, 0, 0, byte(Month))
		b = append(binary.AppendUvarint(b, 2025), 3, 1)
		b = append(binary.AppendUvarint(b, 2025), 3, 31)
		b = binary.AppendUvarint(b, uint64(items)) // responses
		for k := range items {
			b = binary.AppendUvarint(b, uint64(k+1))
			b = binary.AppendUvarint(b, 1<<9) // one count, of value 9
			b = binary.AppendUvarint(b, 1)
			b = binary.AppendUvarint(b, 0) // no gated counts
			b = binary.LittleEndian.AppendUint64(b, 7)
		}
		b = binary.AppendUvarint(b, 0)
	}
	return b
}

// TestBinaryDecodeAllocationBounded: whatever the shape of binary
// tallies — many groups of one item, or groups of many items, valid or
// refused at their last byte — decoding allocates at most 25 times their
// size (the documented bound; a tally takes 264 bytes, and its shortest
// encoding 13). Before the groups' slices were sized exactly, groups of
// 200 items allocated 60 times.
func TestBinaryDecodeAllocationBounded(t *testing.T) {
	for _, shape := range []struct{ groups, items int }{{20_000, 1}, {100, 200}, {20, 4000}} {
		data := worstBinary(shape.groups, shape.items)
		for _, in := range [][]byte{data, append(slices.Clone(data), 1)} {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var x Tallies
			err := x.UnmarshalBinary(in)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d groups of %d items: %d kB, %d kB allocated (%.1f×), error %v", shape.groups, shape.items, len(in)>>10, alloc>>10, float64(alloc)/float64(len(in)), err)
			if (len(in) > len(data)) != (err != nil) {
				t.Errorf("error %v", err)
			}
			if alloc > 25*uint64(len(in)) {
				t.Errorf("%d groups of %d items: %.1f times the input allocated", shape.groups, shape.items, float64(alloc)/float64(len(in)))
			}
		}
	}
}

// TestTalliesReadBackAtLimits: what MarshalJSON and MarshalBinary write
// at the limits of tallies — counts and gated counts of MaxResponses,
// every value 0–15, MaxItems items, item IDs of any bytes — their readers
// read back to the same tallies; one past a limit is refused by both
// readers alike.
func TestTalliesReadBackAtLimits(t *testing.T) {
	var counts, gated []int64
	for v := range MaxValue + 1 {
		counts = append(counts, int64(v)*1000)
		gated = append(gated, int64(v)*500)
	}
	counts[MaxValue] = MaxResponses - 120*1000
	gated[MaxValue] = counts[MaxValue]
	item := func(i int) string { return fmt.Sprintf("i%d\x00\"ä\u2028", i) }
	doc := func(responses int64, items int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `{"format":"palaute-tallies/3","grouping":{"by":["unit"],"period":"month","location":"Europe/Helsinki"},"groups":[{"key":{"unit":"u","instrument":"thl-adult/2022","period":{"kind":"month","start":"2025-03-01","end":"2025-03-31"}},"responses":%d,"counts":{`, responses)
		c, _ := json.Marshal(counts)
		g, _ := json.Marshal(gated)
		var keys, gs []string
		for i := range items {
			name, _ := json.Marshal(item(i))
			if i > 0 {
				b.WriteString(",")
			}
			if i == 0 {
				fmt.Fprintf(&b, "%s:%s", name, c)
				gs = append(gs, fmt.Sprintf("%s:%s", name, g))
			} else {
				fmt.Fprintf(&b, "%s:[1]", name)
			}
			keys = append(keys, fmt.Sprintf(`%s:"%016x"`, name, uint64(i)*0x9e3779b97f4a7c15))
		}
		fmt.Fprintf(&b, `},"gated":{%s},"keys":{%s}}]}`, strings.Join(gs, ","), strings.Join(keys, ","))
		return b.String()
	}
	var tl Tallies
	require.NoError(t, json.Unmarshal([]byte(doc(MaxResponses, MaxItems)), &tl))
	js, err := json.Marshal(&tl)
	require.NoError(t, err)
	bin, err := tl.MarshalBinary()
	require.NoError(t, err)
	var fromJSON, fromBin Tallies
	require.NoError(t, json.Unmarshal(js, &fromJSON))
	require.NoError(t, fromBin.UnmarshalBinary(bin))
	for name, got := range map[string]*Tallies{"JSON": &fromJSON, "binary": &fromBin} {
		if !reflect.DeepEqual(got.Groups(), tl.Groups()) || len(got.Items()) != MaxItems {
			t.Errorf("%s: read back differs", name)
		}
	}
	// One past: more responses than MaxResponses, or more items.
	for name, d := range map[string]string{"responses": doc(MaxResponses+1, 2), "items": doc(MaxResponses, MaxItems+1)} {
		if err := json.Unmarshal([]byte(d), &Tallies{}); !errors.Is(err, ErrFormat) {
			t.Errorf("%s past the limit, JSON: %v", name, err)
		}
	}
}
