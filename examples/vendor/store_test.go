package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/survey"
)

// The store tests run against SQLite always and against PostgreSQL when
// PALAUTE_POSTGRES_DSN names a server (testdata/postgres.sh starts a
// throw-away one; .ci/run does). Without it the PostgreSQL half is
// skipped with a line saying so, unless PALAUTE_REQUIRE_POSTGRES=1 (as in
// CI) makes that a failure.
const (
	postgresVariable        = "PALAUTE_POSTGRES_DSN"
	requirePostgresVariable = "PALAUTE_REQUIRE_POSTGRES"
)

// storeKinds are the stores every store test runs against.
var storeKinds = []string{"sqlite", "postgres"}

// openTestStore opens an empty store of a kind for t, closed at its end,
// and returns where it is (the SQLite file or the DSN).
func openTestStore(t testing.TB, kind string) (Store, string) {
	t.Helper()
	where := ""
	switch kind {
	case "sqlite":
		where = t.TempDir() + "/feedback.db"
	case "postgres":
		where = postgresDatabase(t)
	}
	st, err := OpenStore(context.Background(), where)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st, where
}

// postgresDatabase creates a new database on the test server for t,
// dropped at its end, and returns its DSN.
func postgresDatabase(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(postgresVariable)
	if dsn == "" {
		if os.Getenv(requirePostgresVariable) == "1" {
			t.Fatalf("%s=1 but %s is not set: start a server with examples/vendor/testdata/postgres.sh", requirePostgresVariable, postgresVariable)
		}
		t.Skipf("PostgreSQL half skipped: set %s (examples/vendor/testdata/postgres.sh starts a throw-away server)", postgresVariable)
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer admin.Close()
	name := "palaute_test_" + newID()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("PostgreSQL at %s: %v", postgresVariable, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}

// forEachStore runs f as a subtest for each kind of store.
func forEachStore(t *testing.T, f func(t *testing.T, kind string)) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) { f(t, kind) })
	}
}

// storedResponses reads every response of a store.
func storedResponses(t testing.TB, st Store) []survey.Response {
	t.Helper()
	var out []survey.Response
	for r, err := range st.Responses(context.Background()) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

// storedNDJSON is every response of a store as the export writes it.
func storedNDJSON(t testing.TB, st Store) string {
	t.Helper()
	var b strings.Builder
	_, err := Export(context.Background(), st, nil, "ndjson", &b)
	require.NoError(t, err)
	return b.String()
}

func countRows(t testing.TB, where, table string) int {
	t.Helper()
	driver := "sqlite"
	if strings.HasPrefix(where, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, where)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s", table)).Scan(&n))
	return n
}
