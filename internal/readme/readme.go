// Package readme finds the Go programs the README shows, so that tests
// can keep each one equal to the file it copies.
package readme

import (
	"fmt"
	"os"
	"strings"
)

// Block returns the code of the README at path that follows the marker
// line "<!-- name: file -->" and a "```go" line, up to the closing fence.
func Block(path, name, file string) (string, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	start := "<!-- " + name + ": " + file + " -->\n```go\n"
	_, block, ok := strings.Cut(string(text), start)
	if !ok {
		return "", fmt.Errorf("%s has no block starting with %q", path, start)
	}
	block, _, ok = strings.Cut(block, "```\n")
	if !ok {
		return "", fmt.Errorf("%s: the %s block is not closed", path, name)
	}
	return block, nil
}
