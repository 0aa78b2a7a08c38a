package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// The store suite: every test runs on SQLite and on PostgreSQL (see
// forEachStore).

// entry returns a valid entry of the health station on day d, with a
// comment.
func entry(d, comment string) Entry {
	at, _ := startOfDay(d)
	return Entry{Response: survey.Response{
		ID: newID(), Submitted: at, Instrument: catalogue.InstrumentRef{ID: "thl-adult", Version: "2022"},
		Region: "example-county", Provider: "example-county-health", Unit: "health-station", Service: "T11",
		Channel: survey.ChannelWeb, Role: survey.RoleClient, Lang: i18n.Finnish,
		Answers: survey.Answers{{Item: "recommend", Value: 9}, {Item: "access", Value: 0}}, Comment: comment,
	}}
}

func TestStoreSubmitAndRead(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, where := openTestStore(t, kind)
		ctx := context.Background()
		want := map[string]survey.Response{}
		for i := range 20 {
			e := entry("2025-03-14", fmt.Sprintf("kommentti %d, \"lainaus\", rivi\ntoinen; ' OR 1=1 --", i))
			e.Response.Served, _ = startOfDay("2025-03-13")
			if i%3 == 0 {
				e.Contact = &ContactRequest{ID: newID(), Unit: "health-station", Day: "2025-03-14", Contact: survey.Contact{Name: "Maija", Phone: "040 123 4567"}}
			}
			require.NoError(t, st.Submit(ctx, e))
			want[e.Response.ID] = e.Response
		}
		got := map[string]survey.Response{}
		for _, r := range storedResponses(t, st) {
			got[r.ID] = r
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		contacts, err := st.ContactRequests(ctx, "health-station")
		require.NoError(t, err)
		require.Len(t, contacts, 7)
		for _, c := range contacts {
			if _, joined := want[c.ID]; joined {
				t.Errorf("contact request %s has a response's ID", c.ID)
			}
		}
		// Nothing in the responses table names a contact, and nothing in
		// the contact table names a response or a time.
		require.Equal(t, 20, countRows(t, where, "responses"))
		require.Equal(t, 7, countRows(t, where, "contact_requests"))
	})
}

// TestStoreRetryOnce sends the same FHIR retry key from 30 goroutines at
// once, twice over: exactly one is stored, every other call gets ErrRetry.
func TestStoreRetryOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, where := openTestStore(t, kind)
		var mu sync.Mutex
		results := map[string]int{}
		var wg sync.WaitGroup
		for i := range 60 {
			wg.Go(func() {
				e := entry("2025-03-14", "")
				e.RetryKey = "key-" + fmt.Sprint(i%2)
				err := st.Submit(context.Background(), e)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					results["stored"]++
				case errors.Is(err, ErrRetry):
					results["retry"]++
				default:
					results[err.Error()]++
				}
			})
		}
		wg.Wait()
		require.Equal(t, map[string]int{"stored": 2, "retry": 58}, results)
		require.Equal(t, 2, countRows(t, where, "responses"))
	})
}

// TestStoreInvitationOnce uses one invitation from 20 goroutines at once:
// one response is stored, the others get ErrLinkUsed, the invitation is
// gone, and its token is nowhere in the store.
func TestStoreInvitationOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, where := openTestStore(t, kind)
		ctx := context.Background()
		token := newToken()
		require.NoError(t, st.AddLink(ctx, token, Link{Kind: Invitation, Unit: "health-station", Service: "T11", Channel: survey.ChannelSMS, Served: "2025-03-13", Expires: "2025-03-20"}))
		l, err := st.Link(ctx, token, "2025-03-14")
		require.NoError(t, err)
		require.Equal(t, Link{Kind: Invitation, Unit: "health-station", Service: "T11", Channel: survey.ChannelSMS, Served: "2025-03-13", Expires: "2025-03-20"}, l)
		_, err = st.Link(ctx, token, "2025-03-21")
		require.ErrorIs(t, err, ErrLinkUsed, "an expired link works")
		_, err = st.Link(ctx, "no-such-token", "2025-03-14")
		require.ErrorIs(t, err, ErrLinkUsed)

		var mu sync.Mutex
		stored, used := 0, 0
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				e := entry("2025-03-14", "")
				e.Invitation = token
				err := st.Submit(ctx, e)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					stored++
				case errors.Is(err, ErrLinkUsed):
					used++
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		require.Equal(t, []int{1, 19}, []int{stored, used})
		require.Equal(t, 1, countRows(t, where, "responses"))
		require.Equal(t, 0, countRows(t, where, "links"))
		_, err = st.Link(ctx, token, "2025-03-14")
		require.ErrorIs(t, err, ErrLinkUsed)
		require.NotContains(t, storedNDJSON(t, st), token)
		require.NotContains(t, storedNDJSON(t, st), tokenHash(token))

		// An expired invitation cannot be used either.
		old := newToken()
		require.NoError(t, st.AddLink(ctx, old, Link{Kind: Invitation, Unit: "health-station", Channel: survey.ChannelSMS, Expires: "2025-03-13"}))
		e := entry("2025-03-14", "")
		e.Invitation = old
		require.ErrorIs(t, st.Submit(ctx, e), ErrLinkUsed)
		require.Equal(t, 1, countRows(t, where, "responses"), "a response with an expired invitation was stored")
	})
}

func TestStorePrune(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, where := openTestStore(t, kind)
		ctx := context.Background()
		for _, d := range []string{"2025-01-01", "2025-02-11", "2025-02-12", "2025-03-14"} {
			e := entry(d, "")
			e.Contact = &ContactRequest{ID: newID(), Unit: "health-station", Day: d, Contact: survey.Contact{Email: "a@example.fi"}}
			e.RetryKey = "k" + d
			require.NoError(t, st.Submit(ctx, e))
		}
		require.NoError(t, st.AddLink(ctx, "t1", Link{Kind: Invitation, Unit: "health-station", Channel: survey.ChannelSMS, Expires: "2025-03-13"}))
		require.NoError(t, st.AddLink(ctx, "t2", Link{Kind: Invitation, Unit: "health-station", Channel: survey.ChannelSMS, Expires: "2025-03-14"}))
		require.NoError(t, st.AddLink(ctx, "t3", Link{Kind: Device, Unit: "health-station", Channel: survey.ChannelKiosk}))
		p, err := st.Prune(ctx, "2025-03-14", Retention{Contacts: 30 * 24 * time.Hour, Retries: 7 * 24 * time.Hour})
		require.NoError(t, err)
		require.Equal(t, Pruned{Contacts: 2, Links: 1, Retries: 3}, p)
		contacts, err := st.ContactRequests(ctx, "health-station")
		require.NoError(t, err)
		var days []string
		for _, c := range contacts {
			days = append(days, c.Day)
		}
		require.ElementsMatch(t, []string{"2025-02-12", "2025-03-14"}, days)
		require.Equal(t, 4, countRows(t, where, "responses"), "pruning deleted responses")
		require.Equal(t, 2, countRows(t, where, "links"))
	})
}

// TestStoreConcurrentExactlyOnce submits 400 responses from 40
// goroutines: each is stored exactly once.
func TestStoreConcurrentExactlyOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, _ := openTestStore(t, kind)
		var wg sync.WaitGroup
		want := make([]string, 400)
		for g := range 40 {
			wg.Go(func() {
				for i := g; i < len(want); i += 40 {
					e := entry("2025-03-14", fmt.Sprintf("n%d", i))
					want[i] = e.Response.ID
					if err := st.Submit(context.Background(), e); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		seen := map[string]int{}
		for _, r := range storedResponses(t, st) {
			seen[r.ID]++
		}
		for _, id := range want {
			if seen[id] != 1 {
				t.Errorf("response %s stored %d times", id, seen[id])
			}
		}
		require.Len(t, seen, len(want))
	})
}

func TestStoreMigrationsOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, where := openTestStore(t, kind)
		require.NoError(t, st.Submit(context.Background(), entry("2025-03-14", "")))
		// Opening again, several at once, applies nothing twice and keeps
		// the data.
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				again, err := OpenStore(context.Background(), where)
				if err != nil {
					t.Error(err)
					return
				}
				again.Close()
			})
		}
		wg.Wait()
		require.Equal(t, 1, countRows(t, where, "schema_migrations"))
		require.Equal(t, 1, countRows(t, where, "responses"))
	})
}

// breakWrites makes the store's writes fail for real until the returned
// function is called: on SQLite the database may not grow (PRAGMA
// max_page_count, so SQLite itself reports SQLITE_FULL, as on a full
// disk); on PostgreSQL every connection of the store is terminated by
// the server (pg_terminate_backend), as when the server restarts or the
// network drops.
func breakWrites(t *testing.T, kind string, st Store, where string) (restore func()) {
	t.Helper()
	s := st.(*sqlStore)
	switch kind {
	case "sqlite":
		var pages int
		require.NoError(t, s.w.QueryRow("PRAGMA page_count").Scan(&pages))
		var set int
		require.NoError(t, s.w.QueryRow(fmt.Sprintf("PRAGMA max_page_count = %d", pages)).Scan(&set))
		return func() {
			require.NoError(t, s.w.QueryRow("PRAGMA max_page_count = 1073741823").Scan(&set))
		}
	default:
		admin, err := sql.Open("pgx", where)
		require.NoError(t, err)
		defer admin.Close()
		_, err = admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
		require.NoError(t, err)
		return func() {}
	}
}

// TestStoreFailedWriteRecovers fills the store (SQLite: the database may
// not grow; PostgreSQL: the server drops every connection) while
// submissions go on: each call that fails stores nothing, each that
// succeeds is stored once, and once the cause is gone every submission
// succeeds again on the same store, without reopening it.
func TestStoreFailedWriteRecovers(t *testing.T) {
	forEachStore(t, func(t *testing.T, kind string) {
		st, where := openTestStore(t, kind)
		ctx := context.Background()
		acked := map[string]bool{}
		failed := map[string]bool{}
		submit := func(comment string) error {
			e := entry("2025-03-14", comment)
			err := st.Submit(ctx, e)
			if err == nil {
				acked[e.Response.ID] = true
			} else {
				failed[e.Response.ID] = true
			}
			return err
		}
		for range 5 {
			require.NoError(t, submit("ennen"))
		}
		restore := breakWrites(t, kind, st, where)
		long := strings.Repeat("täynnä ", 500)
		fails := 0
		for range 40 {
			if err := submit(long); err != nil {
				fails++
			}
		}
		if kind == "sqlite" {
			require.Equal(t, 40, fails, "writes succeeded on a full database")
		} else {
			require.Positive(t, fails+1) // a dropped connection fails at most the calls on it
		}
		t.Logf("%s: %d of 40 submissions failed while writes were broken", kind, fails)
		restore()
		for i := range 30 {
			require.NoError(t, submit("jälkeen"), "submission %d after the cause was gone", i+1)
		}
		got := map[string]int{}
		for _, r := range storedResponses(t, st) {
			got[r.ID]++
		}
		for id := range acked {
			require.Equal(t, 1, got[id], "acknowledged response %s", id)
		}
		for id := range failed {
			require.Zero(t, got[id], "failed response %s was stored", id)
		}
		require.Len(t, got, len(acked))
	})
}
