package survey

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DataKind is a kind of personal data found in free text.
type DataKind uint8

// The kinds of personal data [Redact] finds.
const (
	PersonalID DataKind = iota + 1 // Finnish personal identity code (henkilötunnus)
	Phone                          // phone number, Finnish or international form
	Email                          // e-mail address
	IBAN                           // international bank account number
)

var dataKindNames = map[DataKind]string{PersonalID: "PERSONAL-ID", Phone: "PHONE", Email: "EMAIL", IBAN: "IBAN"}

// String returns the kind's name: "PERSONAL-ID", "PHONE", "EMAIL", "IBAN".
func (k DataKind) String() string { return dataKindNames[k] }

// Finding is one piece of personal data in a text: its kind and its byte
// offsets in the original text.
type Finding struct {
	Kind       DataKind
	Start, End int
}

// Redaction is a text with its personal data replaced by typed
// placeholders such as "[PHONE]", and what was found.
type Redaction struct {
	Text     string
	Findings []Finding
}

// Count returns how many findings of kind k there were.
func (r Redaction) Count(k DataKind) int {
	n := 0
	for _, f := range r.Findings {
		if f.Kind == k {
			n++
		}
	}
	return n
}

// Kinds returns the kinds found, each once, in the order of the constants.
func (r Redaction) Kinds() []DataKind {
	var out []DataKind
	for k := PersonalID; k <= IBAN; k++ {
		if r.Count(k) > 0 {
			out = append(out, k)
		}
	}
	return out
}

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`)
	ibanRE  = regexp.MustCompile(`(?i)[a-z]{2}\d{2}(?: ?[a-z0-9]){11,30}`)
	hetuRE  = regexp.MustCompile(`(?i)\d{6}[-+a-fu-y]\d{3}[0-9a-z]`)
	// Phones: an international prefix (+ or 00) with digit groups, or a
	// Finnish national number starting with 0 and a non-zero digit, with
	// an optional parenthesised area code. Separators: space, hyphen.
	phoneRE = regexp.MustCompile(`(?:\+|\b00)[1-9](?:[ -]?\(?\d\)?){6,16}|\(?\b0[1-9]\d{0,3}\)?(?:[ -]?\d){4,10}`)
)

// Redact replaces personal data in a comment with typed placeholders
// ("[PERSONAL-ID]", "[PHONE]", "[EMAIL]", "[IBAN]") and reports what it
// found. It looks for:
//
//   - Finnish personal identity codes, with a valid date, any century sign
//     (+, -, A, and those added in 2023: B–F, U–Y) and a correct check
//     character;
//   - IBANs with a correct length for their country (where known) and a
//     valid mod-97 checksum, written with or without spaces;
//   - e-mail addresses;
//   - phone numbers: international (+358 40 123 4567, 00358…) with 8–15
//     digits, and Finnish national numbers (040 123 4567, (09) 123 456)
//     with 7–11 digits and a prefix of the Finnish numbering plan; digit
//     strings that read as dates or time ranges (01012024, 0800-1600) are
//     left alone, and so are numbers grouped with dots (040.123.4567),
//     which cannot be told from dates;
//   - not creditor references (RF…), although they share the IBAN
//     checksum.
//
// Detection is heuristic. Its precision and recall on the labelled set in
// testdata/redaction.txt are measured by the tests.
func Redact(text string) Redaction {
	var found []Finding
	overlaps := func(s, e int) bool {
		return slices.ContainsFunc(found, func(f Finding) bool { return s < f.End && f.Start < e })
	}
	add := func(kind DataKind, re *regexp.Regexp, valid func(string) bool) {
		for _, m := range re.FindAllStringIndex(text, -1) {
			// A greedy IBAN match may run into the next word ("FI21 … 85
			// pian"): try shorter extents, ending on a letter or digit,
			// longest first. Other kinds are taken as matched.
			lo := m[1] - 1
			if kind == IBAN {
				lo = m[0]
			}
			for s, e := m[0], m[1]; e > lo; e-- {
				// A leading + separates a number from what precedes it.
				ok := bounded(text, s, e) || text[s] == '+' && bounded(text, s+1, e)
				if isAlnum(text[e-1]) && !overlaps(s, e) && ok && valid(text[s:e]) {
					found = append(found, Finding{kind, s, e})
					break
				}
			}
		}
	}
	add(Email, emailRE, func(string) bool { return true })
	add(IBAN, ibanRE, validIBAN)
	add(PersonalID, hetuRE, validHETU)
	add(Phone, phoneRE, plausiblePhone)
	// A phone-like run that continues a preceding digit group ("5390 0754
	// 7034") is the tail of a longer number, unless that digit belongs to
	// another finding.
	var keep []Finding
	for _, f := range found {
		tail := f.Kind == Phone && f.Start >= 2 && (text[f.Start-1] == ' ' || text[f.Start-1] == '-') &&
			isDigit(text[f.Start-2]) && !overlaps(f.Start-2, f.Start-1)
		if !tail {
			keep = append(keep, f)
		}
	}
	found = keep
	slices.SortFunc(found, func(a, b Finding) int { return a.Start - b.Start })
	var b strings.Builder
	at := 0
	for _, f := range found {
		b.WriteString(text[at:f.Start])
		b.WriteString("[" + f.Kind.String() + "]")
		at = f.End
	}
	b.WriteString(text[at:])
	return Redaction{Text: b.String(), Findings: found}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// bounded reports whether the match is not part of a longer word or
// number.
func bounded(text string, s, e int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:s])
	after, _ := utf8.DecodeRuneInString(text[e:])
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return !(s > 0 && word(before)) && !(e < len(text) && word(after))
}

const hetuCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// validHETU checks a Finnish personal identity code DDMMYYCZZZQ: a real
// date, a century sign, an individual number 002–999 and the check
// character.
func validHETU(s string) bool {
	if len(s) != 11 {
		return false
	}
	s = strings.ToUpper(s)
	var century int
	switch c := s[6]; {
	case c == '+':
		century = 1800
	case c == '-' || c >= 'U' && c <= 'Y':
		century = 1900
	case c >= 'A' && c <= 'F':
		century = 2000
	default:
		return false
	}
	day, month, yy := atoi(s[0:2]), atoi(s[2:4]), atoi(s[4:6])
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, century+yy) {
		return false
	}
	ind := atoi(s[7:10])
	if ind < 2 {
		return false
	}
	n := atoi(s[0:6])*1000 + ind
	return s[10] == hetuCheck[n%31]
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ibanLengths gives the IBAN length of countries (SWIFT IBAN registry);
// others are accepted with any length from 15 to 34.
var ibanLengths = map[string]int{
	"FI": 18, "AX": 18, "SE": 24, "NO": 15, "DK": 18, "IS": 26, "EE": 20, "LV": 21, "LT": 20,
	"DE": 22, "AT": 20, "CH": 21, "NL": 18, "BE": 16, "LU": 20, "FR": 27, "ES": 24, "PT": 25,
	"IT": 27, "GB": 22, "IE": 22, "PL": 28, "CZ": 24, "SK": 24, "HU": 28, "GR": 27, "RO": 24,
}

func validIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || s[:2] == "RF" { // RF: creditor reference (ISO 11649), same checksum, not an account
		return false
	}
	if n, ok := ibanLengths[s[:2]]; ok && len(s) != n || len(s) < 15 || len(s) > 34 {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// plausiblePhone counts digits and rules out dates and time ranges.
func plausiblePhone(s string) bool {
	if s == "" {
		return false
	}
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	n := len(digits)
	switch {
	case s[0] == '+':
		return n >= 8 && n <= 15
	case strings.HasPrefix(s, "00"):
		return n >= 11 && n <= 17 // 00 + 9–15 digits
	}
	if n < 7 || n > 11 || !finnishPrefix(string(digits)) {
		return false
	}
	if n == 8 && !strings.ContainsAny(s, " -()") && isDate(string(digits)) {
		return false // 01012024
	}
	if parts := strings.Split(s, "-"); len(parts) == 2 && isHHMM(parts[0]) && isHHMM(parts[1]) {
		return false // 0800-1600
	}
	return true
}

// finnishPrefix reports whether a national number starts like one of the
// Finnish numbering plan: area codes 02, 03, 05, 06, 08, 09 and 013–019,
// mobile 04x and 050, and the nationwide 010, 020, 029, 030, 07x, 0600,
// 0700 and 0800 numbers. (Numbers starting 011 or 012 do not exist.)
func finnishPrefix(d string) bool {
	switch d[1] {
	case '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	case '1':
		return d[2] == '0' || d[2] >= '3'
	}
	return false
}

func isDate(d string) bool {
	day, month, year := atoi(d[0:2]), atoi(d[2:4]), atoi(d[4:8])
	return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, year) && year >= 1900 && year <= 2099
}

func isHHMM(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) == 4 && atoi(s[:2]) <= 23 && atoi(s[2:]) <= 59 && strings.Trim(s, "0123456789") == ""
}
