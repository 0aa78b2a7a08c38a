package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestResearch(t *testing.T) {
	f, err := os.Open("../testdata/feedback.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if err := run(f, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	t.Log("\n" + s)
	if !strings.Contains(s, "read 600 rows: 600 accepted, 0 rejected") || !strings.Contains(s, "8 units:") {
		t.Fatalf("output:\n%s", s)
	}
	// The synthetic data make SMS answers kinder than kiosk answers.
	m := regexp.MustCompile(`SMS − kiosk: \+([0-9.]+) points`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no positive SMS − kiosk difference in:\n%s", s)
	}
	if d, _ := strconv.ParseFloat(m[1], 64); d < 5 {
		t.Errorf("SMS − kiosk difference %v is implausibly small", d)
	}
}
