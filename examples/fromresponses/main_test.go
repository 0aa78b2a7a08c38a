package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/palaute/palaute/internal/readme"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/scoring"
	"github.com/palaute/palaute/scoring/stat"
	"github.com/palaute/palaute/survey"
)

// TestReadmeBlock fails when the README's "from responses to a report"
// differs from this program, so the README cannot show code that does not
// compile.
func TestReadmeBlock(t *testing.T) {
	block, err := readme.Block("../../README.md", "fromresponses", "examples/fromresponses/main.go")
	require.NoError(t, err)
	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	if block != string(src) {
		t.Error("README.md differs from examples/fromresponses/main.go; copy the file into the README")
	}
}

// TestOutput runs the program on the example export and checks its table
// against package scoring called directly: every unit's row, and a ▼ for
// exactly the figures ComparePeers calls worse after Holm's adjustment.
func TestOutput(t *testing.T) {
	const path = "../testdata/feedback.csv"
	t.Setenv("PALAUTE_SECRET", "the county's secret, kept and reused")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout, args := os.Stdout, os.Args
	os.Stdout, os.Args = w, []string{"fromresponses", path}
	main()
	os.Stdout, os.Args = stdout, args
	w.Close()
	out, err := io.ReadAll(r)
	require.NoError(t, err)

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	raw, err := scoring.ReadTallies(context.Background(), survey.NewCSVDecoder(f), scoring.ProtectedBase(), nil)
	require.NoError(t, err)
	protected, err := scoring.Protect(raw, nil, scoring.Protection{Secret: []byte(os.Getenv("PALAUTE_SECRET"))})
	require.NoError(t, err)
	worse := map[string]int{}
	units := protected.WithoutPeriods().Regroup(scoring.ByUnit)
	for _, c := range scoring.ComparePeers(units.Groups(), scoring.ByUnit, nil, scoring.CompareOptions{Adjust: stat.Holm}) {
		if c.Label == scoring.Worse {
			worse["| "+c.Key.Unit+" |"]++
		}
	}
	rows := 0
	for _, line := range strings.Split(string(out), "\n") {
		unit, _, ok := strings.Cut(line, " | ")
		if !ok || !strings.HasPrefix(unit, "| u0") {
			continue
		}
		rows++
		if got := strings.Count(line, "▼"); got != worse[unit+" |"] {
			t.Errorf("%s: %d ▼, ComparePeers says %d worse", unit, got, worse[unit+" |"])
		}
	}
	require.Equal(t, 8, rows, "one row per unit of the export:\n%s", out)
	require.Contains(t, string(out), "Holmin menetelmällä", "the footer names the adjustment")
}
