package scoring

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/palaute/palaute/internal/enum"
)

// Date is a calendar date, without time or zone. The zero value is no
// date. Dates are comparable and marshal as "2025-03-14".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d is a day of the calendar (not, say, February 30).
func (d Date) valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && DateOf(d.time()) == d
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.time().Compare(e.time()) }

// String returns "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.time().Format(time.DateOnly)
}

// MarshalText implements [encoding.TextMarshaler].
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// PeriodKind is the length of the periods responses are grouped by.
type PeriodKind uint8

// Period kinds. The zero value, [AllTime], does not split by time.
const (
	AllTime PeriodKind = iota
	Day
	ISOWeek
	Month
	Quarter
	Year
	// Rolling is one window of Grouping.RollingDays days ending on
	// Grouping.RollingEnd (inclusive); responses outside it are not
	// counted.
	Rolling
)

var periodNames = []string{"", "day", "week", "month", "quarter", "year", "rolling"}

// String returns the kind's name: "day", "week", "month", "quarter",
// "year", "rolling", or "" for AllTime.
func (k PeriodKind) String() string { return enum.String(periodNames, k, "PeriodKind") }

// MarshalText implements [encoding.TextMarshaler].
func (k PeriodKind) MarshalText() ([]byte, error) { return enum.Marshal(periodNames, k, "PeriodKind") }

// UnmarshalText implements [encoding.TextUnmarshaler].
func (k *PeriodKind) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*k = AllTime
		return nil
	}
	v, ok := enum.Parse[PeriodKind](periodNames, string(b))
	if !ok {
		return errorf("unknown period %q (want day, week, month, quarter, year or rolling)", b)
	}
	*k = v
	return nil
}

// Period is one period of time a group covers: its kind and its first and
// last day. The zero value is all time.
type Period struct {
	Kind  PeriodKind `json:"kind,omitzero"`
	Start Date       `json:"start,omitzero"`
	End   Date       `json:"end,omitzero"`
}

// String returns the period's usual name: "2025-03-14", "2025-W11",
// "2025-03", "2025-Q1", "2025", or "2025-02-13/2025-03-14" for a rolling
// window; "" for all time.
func (p Period) String() string {
	switch p.Kind {
	case Day:
		return p.Start.String()
	case ISOWeek:
		y, w := p.Start.time().ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return p.Start.time().Format("2006-01")
	case Quarter:
		return strconv.Itoa(p.Start.Year) + "-Q" + strconv.Itoa(int(p.Start.Month-1)/3+1)
	case Year:
		return strconv.Itoa(p.Start.Year)
	case Rolling:
		return p.Start.String() + "/" + p.End.String()
	}
	return ""
}

// periodOf returns the period of kind k containing date d.
func periodOf(k PeriodKind, d Date) Period {
	switch k {
	case Day:
		return Period{k, d, d}
	case ISOWeek:
		wd := (int(d.time().Weekday()) + 6) % 7 // Monday = 0
		start := d.AddDays(-wd)
		return Period{k, start, start.AddDays(6)}
	case Month:
		start := Date{d.Year, d.Month, 1}
		return Period{k, start, DateOf(start.time().AddDate(0, 1, -1))}
	case Quarter:
		m := time.Month((int(d.Month)-1)/3*3 + 1)
		start := Date{d.Year, m, 1}
		return Period{k, start, DateOf(start.time().AddDate(0, 3, -1))}
	case Year:
		return Period{k, Date{d.Year, time.January, 1}, Date{d.Year, time.December, 31}}
	}
	return Period{}
}

// ParsePeriod parses a period's name as Period.String writes it:
// "2025-03-14" (a day), "2025-W11", "2025-03", "2025-Q1", "2025",
// "2025-02-13/2025-03-14" (a rolling window), or "" (all time).
func ParsePeriod(s string) (Period, error) {
	bad := errorf("period %q: want YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY or START/END", s)
	switch {
	case s == "":
		return Period{}, nil
	case strings.Contains(s, "/"):
		a, b, _ := strings.Cut(s, "/")
		start, err1 := ParseDate(a)
		end, err2 := ParseDate(b)
		if err1 != nil || err2 != nil || end.Compare(start) < 0 {
			return Period{}, bad
		}
		return Period{Rolling, start, end}, nil
	case strings.Contains(s, "-W"):
		var y, w int
		if n, err := fmt.Sscanf(s, "%4d-W%2d", &y, &w); n != 2 || err != nil || w < 1 || w > 53 {
			return Period{}, bad
		}
		p := periodOf(ISOWeek, Date{y, time.January, 4}.AddDays(7*(w-1))) // 4 January is in week 1
		if p.String() != s {
			return Period{}, bad
		}
		return p, nil
	case strings.Contains(s, "-Q"):
		var y, q int
		if n, err := fmt.Sscanf(s, "%4d-Q%1d", &y, &q); n != 2 || err != nil || q < 1 || q > 4 {
			return Period{}, bad
		}
		return periodOf(Quarter, Date{y, time.Month(3*q - 2), 1}), nil
	case len(s) == len("2025"):
		y, err := strconv.Atoi(s)
		if err != nil {
			return Period{}, bad
		}
		return periodOf(Year, Date{y, time.January, 1}), nil
	case len(s) == len("2025-03"):
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return Period{}, bad
		}
		return periodOf(Month, DateOf(t)), nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return Period{}, bad
	}
	return periodOf(Day, d), nil
}
