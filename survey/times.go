package survey

import "time"

// parseRFC3339 reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" as
// time.Parse(time.RFC3339, …) does, without allocating: UTC for Z, and
// for an offset the zone zone(offset) returns (time.Parse makes a fixed
// zone with no name). It reports false for anything else, which
// time.Parse then judges.
func parseRFC3339(b []byte, zone func(offset int) *time.Location) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	rest := b[19:]
	ns := 0
	if len(rest) > 0 && rest[0] == '.' {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		digits := rest[1:k]
		if len(digits) == 0 || len(digits) > 9 {
			return time.Time{}, false
		}
		ns, _ = num(digits)
		for range 9 - len(digits) {
			ns *= 10
		}
		rest = rest[k:]
	}
	var offset int
	switch {
	case len(rest) == 1 && rest[0] == 'Z':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := num(rest[1:3])
		om, ok2 := num(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	sec := daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+s) - int64(offset)
	if rest[0] == 'Z' {
		return time.Unix(sec, int64(ns)).UTC(), true
	}
	return time.Unix(sec, int64(ns)).In(zone(offset)), true
}

// daysFromCivil returns the days from 1970-01-01 to a date of the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
