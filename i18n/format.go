package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// numberStyle holds the symbols a language writes numbers with.
type numberStyle struct {
	decimal string // decimal separator
	group   string // group separator (every three digits)
	minus   string // minus sign
	percent string // what stands between the number and "%", then "%"
}

const (
	nbsp      = "\u00a0" // NO-BREAK SPACE
	minusSign = "\u2212" // MINUS SIGN
)

// nordic is the style of Finnish and Swedish (CLDR), also used for the Sami
// languages: CLDR gives it for North Sami; its data for Inari and Skolt Sami
// is incomplete, and Finnish conventions are assumed for them.
var nordic = numberStyle{decimal: ",", group: nbsp, minus: minusSign, percent: nbsp + "%"}

var english = numberStyle{decimal: ".", group: ",", minus: "-", percent: "%"}

func styleOf(l Lang) numberStyle {
	if l == English {
		return english
	}
	return nordic
}

// NoValue is what the formatting functions return for NaN: an en dash,
// the usual mark for a figure that does not exist.
const NoValue = "\u2013"

// maxDigits bounds the number of decimals the functions accept; more than
// this exceeds float64 precision for the values the library formats.
const maxDigits = 15

// decimal is a non-negative decimal number 0.d₁d₂… × 10^exp.
type decimal struct {
	digits []byte // significant digits, no leading zeros
	exp    int
}

// shortest returns |x| × 10^shift as the shortest decimal that reads back as
// |x|, with the point moved by shift places. Moving the point on the decimal
// digits (rather than multiplying the float) keeps 0.285 as 28.5, not
// 28.499999999999996.
func shortest(x float64, shift int) decimal {
	s := strconv.FormatFloat(math.Abs(x), 'e', -1, 64) // d.ddde±XX
	mant, expPart, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(expPart)
	digits := []byte(strings.Replace(mant, ".", "", 1))
	d := decimal{digits: digits, exp: e + 1 + shift}
	for len(d.digits) > 0 && d.digits[0] == '0' { // only for x == 0
		d.digits = d.digits[1:]
		d.exp--
	}
	if len(d.digits) == 0 {
		d.exp = 0
	}
	return d
}

// round rounds d to frac decimals, half away from zero, and returns the
// integer and fraction digits (the fraction exactly frac long).
func (d decimal) round(frac int) (intPart, fracPart string) {
	keep := d.exp + frac // number of digits before the rounding position
	var buf []byte
	switch {
	case keep < 0:
		buf = nil
	case keep >= len(d.digits):
		buf = append([]byte(nil), d.digits...)
		for len(buf) < keep {
			buf = append(buf, '0')
		}
	default:
		buf = append([]byte(nil), d.digits[:keep]...)
		if d.digits[keep] >= '5' {
			i := len(buf) - 1
			for ; i >= 0; i-- {
				if buf[i] == '9' {
					buf[i] = '0'
					continue
				}
				buf[i]++
				break
			}
			if i < 0 {
				buf = append([]byte{'1'}, buf...)
			}
		}
	}
	// buf now holds the number × 10^frac as an integer.
	for len(buf) < frac+1 {
		buf = append([]byte{'0'}, buf...)
	}
	n := len(buf) - frac
	intPart = strings.TrimLeft(string(buf[:n]), "0")
	if intPart == "" {
		intPart = "0"
	}
	return intPart, string(buf[n:])
}

func clampDigits(digits int) int {
	return max(0, min(digits, maxDigits))
}

// Round returns x rounded to the given number of decimals (0–15), half
// away from zero. The rounding is done on the shortest decimal
// representation of x, the digits a person sees, so Round(2.675, 2) is
// 2.68 and Round(-0.5, 0) is -1, although 2.675 is stored as
// 2.67499999999999982236431605997495353221893310546875. NaN and infinities
// are returned unchanged.
func Round(x float64, digits int) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	ip, fp := shortest(x, 0).round(clampDigits(digits))
	v, _ := strconv.ParseFloat(ip+"."+fp, 64)
	if math.Signbit(x) {
		return -v
	}
	return v
}

// format writes |x| × 10^shift with frac decimals in the style of l,
// preceded by sign when the rounded value is not zero.
func format(l Lang, x float64, shift, frac int, plus bool) string {
	st := styleOf(l)
	if math.IsNaN(x) {
		return NoValue
	}
	if math.IsInf(x, 0) {
		if x < 0 {
			return st.minus + "∞"
		}
		return "∞"
	}
	frac = clampDigits(frac)
	ip, fp := shortest(x, shift).round(frac)
	var b strings.Builder
	if strings.Trim(ip+fp, "0") != "" { // no sign on a value that rounds to zero
		if x < 0 {
			b.WriteString(st.minus)
		} else if plus {
			b.WriteString("+")
		}
	}
	writeGrouped(&b, ip, st.group)
	if frac > 0 {
		b.WriteString(st.decimal)
		b.WriteString(fp)
	}
	return b.String()
}

// writeGrouped writes the digits of an integer with a separator every three
// digits from the right (numbers of four digits or more are grouped, as
// CLDR's minimum grouping of one digit for fi, sv and en gives).
func writeGrouped(b *strings.Builder, digits, sep string) {
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
}

// FormatInt formats a count: "12 345" in Finnish and Swedish (with
// U+00A0), "12,345" in English, with U+2212 for a Finnish or Swedish minus.
func FormatInt(l Lang, n int64) string {
	st := styleOf(l)
	var b strings.Builder
	digits := strconv.FormatInt(n, 10)
	if n < 0 {
		b.WriteString(st.minus)
		digits = digits[1:]
	}
	writeGrouped(&b, digits, st.group)
	return b.String()
}

// FormatDecimal formats x with exactly digits decimals (0–15), rounded half
// away from zero as [Round] does: FormatDecimal(Finnish, 75.75, 1) is
// "75,8" and FormatDecimal(Finnish, -12.5, 0) is "−13". A value that rounds
// to zero has no sign. NaN gives [NoValue].
func FormatDecimal(l Lang, x float64, digits int) string {
	return format(l, x, 0, digits, false)
}

// FormatSigned is [FormatDecimal] with a "+" before positive values, for
// differences and changes: "+5,2", "−3,0", "0,0".
func FormatSigned(l Lang, x float64, digits int) string {
	return format(l, x, 0, digits, true)
}

// FormatPercent formats a share (0.758 for 75.8 %) as a percentage with
// the given decimals: "75,8 %" (U+00A0 before the sign) in Finnish and
// Swedish, "75.8%" in English. The share is scaled on its decimal digits,
// so 0.285 with no decimals is "29 %".
func FormatPercent(l Lang, share float64, digits int) string {
	s := format(l, share, 2, digits, false)
	if s == NoValue {
		return s
	}
	return s + styleOf(l).percent
}

// FormatMonth names a calendar month with its year, as people read it:
// "maaliskuu 2025", "mars 2025", "March 2025". The names are the labels
// "month.1" … "month.12" of [DefaultLabels] (CLDR's standalone wide
// forms).
func FormatMonth(l Lang, year int, m time.Month) string {
	if m < time.January || m > time.December {
		return NoValue
	}
	return DefaultLabels().Text("month."+strconv.Itoa(int(m)), l) + " " + strconv.Itoa(year)
}
