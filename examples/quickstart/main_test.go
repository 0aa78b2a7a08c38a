package main

import (
	"io"
	"os"
	"testing"

	"github.com/palaute/palaute/internal/readme"
)

// TestReadmeQuickStart fails when the README's quick start differs from
// this program, so the README cannot show code that does not compile.
func TestReadmeQuickStart(t *testing.T) {
	block, err := readme.Block("../../README.md", "quickstart", "examples/quickstart/main.go")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if block != string(src) {
		t.Error("README.md quick start differs from examples/quickstart/main.go; copy the file into the README")
	}
}

// TestQuickStartOutput runs the program and checks what it prints.
func TestQuickStartOutput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	main()
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	want := `1. Hur sannolikt är det att du skulle rekommendera den service du fick till en närstående eller vän i samma situation? (provisional)
2. Jag fick hjälp när jag behövde den (regional)
3. Jag kände mig trygg under vården/servicen (regional)
4. Jag tyckte att den vård/service som jag fick var nyttig (regional)
5. Vill du berätta mer om din upplevelse? (provisional)
catalogue 2026.1: 71 texts are provisional, check them before going live
`
	if string(out) != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}
