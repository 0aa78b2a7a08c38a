package main

import (
	"os"
	"testing"

	"github.com/palaute/palaute/internal/browser"
)

// TestMain runs the tests and says after the run which browser tests
// were skipped for a missing browser, Node.js or LHC-Forms.
func TestMain(m *testing.M) { os.Exit(browser.Main(m)) }
