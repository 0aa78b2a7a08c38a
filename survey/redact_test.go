package survey

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var marker = regexp.MustCompile(`\{\{([A-Z-]+):(.*?)\}\}`)

// redactionScores measures Redact on a labelled set (see
// testdata/redaction.py): per kind, true positives, false positives and
// misses. A finding is correct only with the right kind and the exact
// extent, so one that leaves digits of a number behind, or takes a
// neighbouring number with it, counts as both a miss and a false positive.
func redactionScores(t *testing.T, path string, minLines int) (tp, fp, fn map[string]int) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	type span struct {
		kind       string
		start, end int
	}
	tp, fp, fn = map[string]int{}, map[string]int{}, map[string]int{}
	negatives, lines := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		lines++
		var want []span
		var plain strings.Builder
		at := 0
		for _, m := range marker.FindAllStringSubmatchIndex(line, -1) {
			plain.WriteString(line[at:m[0]])
			s := plain.Len()
			plain.WriteString(line[m[4]:m[5]])
			want = append(want, span{line[m[2]:m[3]], s, plain.Len()})
			at = m[1]
		}
		plain.WriteString(line[at:])
		if len(want) == 0 {
			negatives++
		}
		got := Redact(plain.String())
		matched := map[int]bool{}
		for _, g := range got.Findings {
			ok := false
			for i, w := range want {
				if !matched[i] && w.kind == g.Kind.String() && w.start == g.Start && w.end == g.End {
					matched[i], ok = true, true
					break
				}
			}
			if ok {
				tp[g.Kind.String()]++
			} else {
				fp[g.Kind.String()]++
				t.Logf("false positive %s %q in %q", g.Kind, plain.String()[g.Start:g.End], plain.String())
			}
		}
		for i, w := range want {
			if !matched[i] {
				fn[w.kind]++
				t.Logf("missed %s %q in %q", w.kind, plain.String()[w.start:w.end], plain.String())
			}
		}
	}
	require.NoError(t, sc.Err())
	if lines < minLines || negatives < minLines/4 {
		t.Fatalf("%s: test set too small: %d lines, %d negatives", path, lines, negatives)
	}
	var totTP, totFP, totFN int
	for _, k := range []DataKind{PersonalID, Phone, Email, IBAN} {
		n := k.String()
		totTP, totFP, totFN = totTP+tp[n], totFP+fp[n], totFN+fn[n]
		t.Logf("%-12s tp %3d fp %2d fn %2d  precision %s recall %s", n, tp[n], fp[n], fn[n], ratio(tp[n], tp[n]+fp[n]), ratio(tp[n], tp[n]+fn[n]))
	}
	t.Logf("all          tp %3d fp %2d fn %2d  precision %s recall %s (%d lines, %d true negatives)",
		totTP, totFP, totFN, ratio(totTP, totTP+totFP), ratio(totTP, totTP+totFN), lines, negatives)
	return tp, fp, fn
}

// TestRedactionPrecisionRecall measures the generated set (templated
// sentences): checksum-validated kinds and e-mails must be exact.
func TestRedactionPrecisionRecall(t *testing.T) {
	tp, fp, fn := redactionScores(t, "testdata/redaction.txt", 100)
	for _, k := range []string{"PERSONAL-ID", "IBAN", "EMAIL", "PHONE"} {
		if fp[k] > 0 || fn[k] > 0 {
			t.Errorf("%s: %d false positives, %d missed (of %d); want none", k, fp[k], fn[k], tp[k]+fn[k])
		}
	}
}

// TestRedactionHard measures the hand-written hard set
// (testdata/redaction_hard.py): per kind, recall at least 0.99 and
// precision at least 0.98.
func TestRedactionHard(t *testing.T) {
	tp, fp, fn := redactionScores(t, "testdata/redaction-hard.txt", 100)
	for _, k := range []string{"PERSONAL-ID", "IBAN", "EMAIL", "PHONE"} {
		p := float64(tp[k]) / float64(tp[k]+fp[k])
		r := float64(tp[k]) / float64(tp[k]+fn[k])
		if tp[k]+fn[k] < 20 || r < 0.99 || p < 0.98 {
			t.Errorf("%s: precision %.3f, recall %.3f of %d; want at least 0.98 and 0.99 of 20 or more", k, p, r, tp[k]+fn[k])
		}
	}
}

func ratio(a, b int) string {
	if b == 0 {
		return "  -  "
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func TestValidHETU(t *testing.T) {
	// 131052-308T is the example of the Digital and Population Data
	// Services Agency; the others are built from it with the 2023 signs.
	for _, s := range []string{"131052-308T", "131052Y308T", "131052U308T", "010101A123N", "010101F123N", "290200A002C", "131052-308t"} {
		if !validHETU(s) {
			t.Errorf("%s should be valid", s)
		}
	}
	for _, s := range []string{"131052-308U", "131052G308T", "310452-308T", "290201A002C", "131052-001T", "131352-308T"} {
		if validHETU(s) {
			t.Errorf("%s should be invalid", s)
		}
	}
}

func TestValidIBAN(t *testing.T) {
	for _, s := range []string{"FI21 1234 5600 0007 85", "FI2112345600000785", "GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00", "SE45 5000 0000 0583 9825 7466"} {
		if !validIBAN(s) {
			t.Errorf("%s should be valid", s)
		}
	}
	for _, s := range []string{"FI21 1234 5600 0007 86", "FI2112345600000", "GB82 WEST 1234 5698 7654 33"} {
		if validIBAN(s) {
			t.Errorf("%s should be invalid", s)
		}
	}
}

// BenchmarkRedactHostile runs Redact on 64 KB texts made of what its
// searches retry on (numbers in a row, words around "at", country codes):
// each must stay linear in the text (a cubic case once took 4 s for 6 KB).
func BenchmarkRedactHostile(b *testing.B) {
	for name, s := range map[string]string{
		"numbers": strings.Repeat("040 ", 16000),
		"at":      strings.Repeat("a at b dot ", 6000),
		"iban":    strings.Repeat("FI00 ", 13000),
		"hetu":    strings.Repeat("010101-", 9000),
		"prose":   strings.Repeat("Soittakaa 040 123 4567 tai nimi(at)hus.fi, tili FI21 1234 5600 0007 85. ", 900),
		// Many findings: time must grow linearly with their number too
		// (it once grew with its square: 256 KB took 1–2 s).
		"phones-256KB": strings.Repeat("Soita 040 123 4567. ", 256<<10/20),
		"mixed-256KB":  strings.Repeat("nimi(at)hus.fi 040 123 4567 131052-308T FI21 1234 5600 0007 85 ", 256<<10/64),
		"phones-64KB":  strings.Repeat("Soita 040 123 4567. ", 64<<10/20),
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				Redact(s)
			}
		})
	}
}

// TestRedactionHoldout scores a small set written after the detector was
// changed to meet the hard set, and not tuned to: a check that the rules
// were not fitted to the hard set alone.
func TestRedactionHoldout(t *testing.T) {
	tp, fp, fn := redactionScores(t, "testdata/redaction-holdout.txt", 30)
	for _, k := range []string{"PERSONAL-ID", "IBAN", "EMAIL", "PHONE"} {
		if fp[k]+fn[k] > 0 {
			t.Errorf("%s: %d false positives, %d missed of %d", k, fp[k], fn[k], tp[k]+fn[k])
		}
	}
}

// TestRedactSecondRound: the defects of the second outside attack.
// Phone numbers grouped with no-break, narrow no-break and other Unicode
// spaces are found; punctuation around a number stays the text's; numbers
// labelled as order, receipt, referral, case or ticket numbers are not
// phones; and the neighbours of each case still are.
func TestRedactSecondRound(t *testing.T) {
	for in, want := range map[string]string{
		"Soita 040\u00a0123\u00a04567 kiitos":        "Soita [PHONE] kiitos",
		"Soita 040\u202f123\u202f4567.":              "Soita [PHONE].",
		"Soita 040\u2009123\u20094567.":              "Soita [PHONE].",
		"Soita 040\u2007123\u20074567.":              "Soita [PHONE].",
		"Ring +358\u00a040\u00a0123\u00a045\u00a067": "Ring [PHONE]",
		"Puh. 09\u00a0471\u00a071":                   "Puh. [PHONE]",
		"Puh 045\u2011123\u00a04567":                 "Puh [PHONE]",
		"Soita (046 555 0199)":                       "Soita ([PHONE])",
		"Soita (046\u00a0555\u00a00199).":            "Soita ([PHONE]).",
		"numero [040 123 4567]":                      "numero [[PHONE]]",
		"numero \"040 123 4567\".":                   "numero \"[PHONE]\".",
		"nummer «040 123 4567»":                      "nummer «[PHONE]»",
		"Kotinumero (09) 123 4567":                   "Kotinumero [PHONE]",
		"(+358 40 123 4567)":                         "([PHONE])",
		"Tilausnumero 0512345678":                    "Tilausnumero 0512345678",
		"Kuitin numero 045 1122":                     "Kuitin numero 045 1122",
		"Lähete 0301 2345 hukkui.":                   "Lähete 0301 2345 hukkui.",
		"Tilauksen numero on 040 123 4567.":          "Tilauksen numero on 040 123 4567.",
		"Asianumero: 0401234567":                     "Asianumero: 0401234567",
		"Ordernummer 0512345678":                     "Ordernummer 0512345678",
		"kvitto nr 045 1122":                         "kvitto nr 045 1122",
		"Remiss 0301 2345":                           "Remiss 0301 2345",
		"ärendenummer 0401234567":                    "ärendenummer 0401234567",
		"Order number 0512345678":                    "Order number 0512345678",
		"receipt no. 045 1122":                       "receipt no. 045 1122",
		"Referral 0301 2345":                         "Referral 0301 2345",
		"case 0401234567":                            "case 0401234567",
		"Ticket #0401234567":                         "Ticket #0401234567",
		// Neighbours that are phones.
		"Soita asiakaspalveluun 0800 123 456":       "Soita asiakaspalveluun [PHONE]",
		"Tilauksesta kysyin numerosta 040 123 4567": "Tilauksesta kysyin numerosta [PHONE]",
		"Tilaus tuli. Soita 040 123 4567":           "Tilaus tuli. Soita [PHONE]",
		"Asiakas 040 123 4567 odotti":               "Asiakas [PHONE] odotti",
	} {
		if got := Redact(in).Text; got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// TestRedactionThird scores the third set (testdata/redaction_third.py),
// written for issue 21 and not tuned on: phones grouped with Unicode
// spaces and set in brackets, and labelled order, receipt, referral, case
// and ticket numbers that are not phones. Over all kinds, precision at
// least 0.98 and recall at least 0.99.
func TestRedactionThird(t *testing.T) {
	tp, fp, fn := redactionScores(t, "testdata/redaction-third.txt", 200)
	var a, b, c int
	for _, k := range []string{"PERSONAL-ID", "IBAN", "EMAIL", "PHONE"} {
		a, b, c = a+tp[k], b+fp[k], c+fn[k]
	}
	if p, r := float64(a)/float64(a+b), float64(a)/float64(a+c); p < 0.98 || r < 0.99 {
		t.Errorf("precision %.3f, recall %.3f; want at least 0.98 and 0.99", p, r)
	}
}

// TestRedactionFourth scores the fourth set (testdata/redaction_fourth.py),
// written after the third had been scored and not tuned on: feedback
// comments composed of parts, personal data among other numbers and
// labelled numbers. Over all kinds, precision at least 0.98 and recall
// at least 0.99.
func TestRedactionFourth(t *testing.T) {
	tp, fp, fn := redactionScores(t, "testdata/redaction-fourth.txt", 200)
	var a, b, c int
	for _, k := range []string{"PERSONAL-ID", "IBAN", "EMAIL", "PHONE"} {
		a, b, c = a+tp[k], b+fp[k], c+fn[k]
	}
	if p, r := float64(a)/float64(a+b), float64(a)/float64(a+c); p < 0.98 || r < 0.99 {
		t.Errorf("precision %.3f, recall %.3f; want at least 0.98 and 0.99", p, r)
	}
}
