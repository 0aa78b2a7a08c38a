package survey

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

var marker = regexp.MustCompile(`\{\{([A-Z-]+):(.*?)\}\}`)

// TestRedactionPrecisionRecall measures Redact on the labelled set made by
// testdata/redaction.py. A finding is correct only with the right kind and
// the exact extent.
func TestRedactionPrecisionRecall(t *testing.T) {
	f, err := os.Open("testdata/redaction.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type span struct {
		kind       string
		start, end int
	}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
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
	if lines < 100 || negatives < 50 {
		t.Fatalf("test set too small: %d lines, %d negatives", lines, negatives)
	}
	var totTP, totFP, totFN int
	for _, k := range []DataKind{PersonalID, Phone, Email, IBAN} {
		n := k.String()
		totTP, totFP, totFN = totTP+tp[n], totFP+fp[n], totFN+fn[n]
		t.Logf("%-12s tp %3d fp %2d fn %2d  precision %s recall %s", n, tp[n], fp[n], fn[n], ratio(tp[n], tp[n]+fp[n]), ratio(tp[n], tp[n]+fn[n]))
	}
	t.Logf("all          tp %3d fp %2d fn %2d  precision %s recall %s (%d lines, %d true negatives)",
		totTP, totFP, totFN, ratio(totTP, totTP+totFP), ratio(totTP, totTP+totFN), lines, negatives)
	// Personal identity codes and IBANs are checksum-validated: no error is
	// acceptable. Phones are heuristic.
	for _, k := range []string{"PERSONAL-ID", "IBAN", "EMAIL"} {
		if fp[k] > 0 || fn[k] > 0 {
			t.Errorf("%s: %d false positives, %d missed; want none", k, fp[k], fn[k])
		}
	}
	if p := float64(totTP) / float64(totTP+totFP); p < 0.95 {
		t.Errorf("precision %.3f below 0.95", p)
	}
	if r := float64(totTP) / float64(totTP+totFN); r < 0.95 {
		t.Errorf("recall %.3f below 0.95", r)
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
