package i18n

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// TestRoundingVectors holds Round, FormatDecimal and FormatPercent to the
// values Python's decimal module computed (testdata/rounding.py).
func TestRoundingVectors(t *testing.T) {
	f, err := os.Open("testdata/rounding.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line, rows := 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) != 4 {
			t.Fatalf("rounding.txt:%d: want 4 fields, got %q", line, text)
		}
		x, err1 := strconv.ParseFloat(fields[0], 64)
		digits, err2 := strconv.Atoi(fields[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("rounding.txt:%d: bad row %q", line, text)
		}
		want := fields[3]
		rows++
		switch fields[2] {
		case "round":
			if got := plain(FormatDecimal(English, x, digits)); got != want {
				t.Errorf("rounding.txt:%d: FormatDecimal(%v, %d) = %s, want %s", line, x, digits, got, want)
			}
			wantF, _ := strconv.ParseFloat(want, 64)
			if got := Round(x, digits); got != wantF {
				t.Errorf("rounding.txt:%d: Round(%v, %d) = %v, want %v", line, x, digits, got, wantF)
			}
			fi := strings.NewReplacer(".", ",", "-", "\u2212").Replace(want)
			if got := strings.ReplaceAll(FormatDecimal(Finnish, x, digits), "\u00a0", ""); got != fi {
				t.Errorf("rounding.txt:%d: FormatDecimal(Finnish, %v, %d) = %q, want %q", line, x, digits, got, fi)
			}
		case "percent":
			got := FormatPercent(English, x, digits)
			if !strings.HasSuffix(got, "%") {
				t.Errorf("rounding.txt:%d: FormatPercent(%v) = %q has no %%", line, x, got)
			}
			if got = plain(strings.TrimSuffix(got, "%")); got != want {
				t.Errorf("rounding.txt:%d: FormatPercent(English, %v, %d) = %s%%, want %s%%", line, x, digits, got, want)
			}
		default:
			t.Fatalf("rounding.txt:%d: unknown kind %q", line, fields[2])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows < 300 {
		t.Fatalf("read only %d vectors", rows)
	}
}

// plain removes English group separators.
func plain(s string) string { return strings.ReplaceAll(s, ",", "") }

// TestFormatAgainstCLDR compares separators, grouping and signs with
// golang.org/x/text's CLDR-based formatter, an independent implementation.
// The values have no tie at the last digit, where rounding rules differ.
func TestFormatAgainstCLDR(t *testing.T) {
	values := []float64{0, 7, -7, 68, 75.8, -12.25, 999.99, 1234.5, -1234.5, 12345.67, 987654.32, -12345678.91, 1e9 + 0.25}
	for _, l := range []Lang{Finnish, Swedish, English, NorthSami} {
		p := message.NewPrinter(l.Tag())
		for _, x := range values {
			for _, digits := range []int{0, 1, 2} {
				if math.Abs(x*math.Pow(10, float64(digits+1))-math.Trunc(x*math.Pow(10, float64(digits+1)))) == 0 &&
					strings.HasSuffix(strconv.FormatFloat(math.Abs(x), 'f', digits+1, 64), "5") {
					continue // a tie: x/text rounds half to even
				}
				want := p.Sprint(number.Decimal(x, number.Scale(digits)))
				if got := FormatDecimal(l, x, digits); got != want {
					t.Errorf("FormatDecimal(%s, %v, %d) = %q, x/text says %q", l, x, digits, got, want)
				}
			}
			if x == math.Trunc(x) && math.Abs(x) < 1e15 {
				want := p.Sprint(number.Decimal(int64(x)))
				if got := FormatInt(l, int64(x)); got != want {
					t.Errorf("FormatInt(%s, %v) = %q, x/text says %q", l, x, got, want)
				}
			}
		}
		for _, share := range []float64{0, 0.758, 0.9, 0.123, 1} {
			want := p.Sprint(number.Percent(share, number.Scale(1)))
			if got := FormatPercent(l, share, 1); got != want {
				t.Errorf("FormatPercent(%s, %v, 1) = %q, x/text says %q", l, share, got, want)
			}
		}
	}
	// Sanity: the comparison above really uses different conventions.
	if message.NewPrinter(language.Finnish).Sprint(number.Decimal(-1.5, number.Scale(1))) != "\u22121,5" {
		t.Fatal("x/text no longer formats Finnish as the spec describes")
	}
}

func TestFormatExamples(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{FormatDecimal(Finnish, 75.75, 1), "75,8"},
		{FormatDecimal(Swedish, -12.5, 0), "\u221213"},
		{FormatDecimal(English, -12.5, 0), "-13"},
		{FormatDecimal(Finnish, -0.04, 1), "0,0"},
		{FormatSigned(Finnish, 5.21, 1), "+5,2"},
		{FormatSigned(Swedish, -3, 1), "\u22123,0"},
		{FormatSigned(English, 0.04, 1), "0.0"},
		{FormatSigned(English, -0.04, 1), "0.0"},
		{FormatPercent(Finnish, 0.285, 0), "29\u00a0%"},
		{FormatPercent(English, 0.9, 0), "90%"},
		{FormatPercent(Finnish, math.NaN(), 0), NoValue},
		{FormatDecimal(Finnish, math.Inf(-1), 0), "\u2212∞"},
		{FormatInt(Finnish, -68000), "\u221268\u00a0000"},
		{FormatInt(English, 379105), "379,105"},
		{FormatInt(Finnish, 999), "999"},
		{FormatInt(Finnish, math.MinInt64), "\u22129\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0808"},
		{FormatDecimal(Finnish, 1.5, -3), "2"},
		{FormatDecimal(Finnish, 0.1, 99), "0,100000000000000"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
	if !math.IsNaN(Round(math.NaN(), 1)) || Round(math.Inf(1), 1) != math.Inf(1) {
		t.Error("Round must keep NaN and infinities")
	}
}
