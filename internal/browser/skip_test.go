package browser

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// childVariable marks the test binary run by TestMissingBrowser as the
// child that starts a browser it cannot find.
const childVariable = "PALAUTE_BROWSER_SKIP_CHILD"

// TestStartWithoutBrowser is run only as TestMissingBrowser's child.
func TestStartWithoutBrowser(t *testing.T) {
	if os.Getenv(childVariable) != "1" {
		t.Skip("run by TestMissingBrowser")
	}
	Start(t)
	t.Error("Start returned without a browser")
}

// TestMissingBrowser runs this test binary on a machine without a
// browser (an empty PATH): the test skips, the run passes and its
// summary names what is missing; with PALAUTE_REQUIRE_BROWSER=1 the same
// run fails; with PALAUTE_SKIP_BROWSER=1 it skips without a summary.
func TestMissingBrowser(t *testing.T) {
	if os.Getenv(childVariable) == "1" {
		t.Skip("in the child")
	}
	const summary = "browser tests skipped: no Chromium found"
	for _, c := range []struct {
		name        string
		env         []string
		fail        bool
		wantSummary bool
	}{
		{"go alone", nil, false, true},
		{"required", []string{RequireVariable + "=1"}, true, false},
		{"skipped on purpose", []string{SkipVariable + "=1"}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestStartWithoutBrowser$", "-test.v")
			cmd.Env = append([]string{"PATH=", "PALAUTE_CHROMIUM=", childVariable + "=1", "HOME=" + t.TempDir()}, c.env...)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != c.fail {
				t.Errorf("failed = %v, want %v (%v)\n%s", failed, c.fail, err, out)
			}
			if got := strings.Contains(string(out), summary); got != c.wantSummary {
				t.Errorf("summary %q shown = %v, want %v\n%s", summary, got, c.wantSummary, out)
			}
		})
	}
}
