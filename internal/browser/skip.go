package browser

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"testing"
)

// RequireVariable is the environment variable that, set to 1, makes a
// missing browser, axe-core, Node.js or LHC-Forms fail the test instead
// of skipping it. CI (.ci/run) sets it, so that nothing is skipped there.
const RequireVariable = "PALAUTE_REQUIRE_BROWSER"

// skips records, for [Main]'s summary, why tests of this test binary
// were skipped. It lives as long as the test binary: one per package's
// tests, never shared with code outside tests.
var skips struct {
	sync.Mutex
	reasons []string
}

// missing ends t for a missing tool: it fails t when RequireVariable is
// 1, and otherwise skips it with the reason, which [Main] repeats.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if os.Getenv(RequireVariable) == "1" {
		t.Fatalf("%s (%s=1: not skipped)", reason, RequireVariable)
	}
	skips.Lock()
	if !slices.Contains(skips.reasons, reason) {
		skips.reasons = append(skips.reasons, reason)
	}
	skips.Unlock()
	t.Skip(reason)
}

func skipIfAsked(t testing.TB) {
	t.Helper()
	if os.Getenv(SkipVariable) == "1" {
		t.Skipf("browser tests skipped: %s=1", SkipVariable)
	}
}

// Main runs a package's tests (call it from TestMain) and then, when
// browser tests were skipped for a missing tool, says so in one line per
// reason. go test shows a passing package's output only with -v, so the
// summary also goes to the terminal (/dev/tty) when there is one: a
// first run on a machine with Go alone is green and says what it left
// out.
func Main(m *testing.M) int {
	code := m.Run()
	skips.Lock()
	reasons := slices.Clone(skips.reasons)
	skips.Unlock()
	if len(reasons) == 0 {
		return code
	}
	var w io.Writer = os.Stderr
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		w = io.MultiWriter(os.Stderr, tty)
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "browser tests skipped: %s\n", r)
	}
	return code
}
