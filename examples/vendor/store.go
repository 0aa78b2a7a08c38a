package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL through database/sql: see the package doc for why
	_ "modernc.org/sqlite"             // SQLite without cgo: see the package doc for why

	"github.com/palaute/palaute/catalogue"
	"github.com/palaute/palaute/i18n"
	"github.com/palaute/palaute/survey"
)

// Store keeps what the service receives: responses, contact requests
// apart from them, the links that give a response its channel, and the
// keys of FHIR submissions already stored. Two implementations share one
// code path and one test suite: SQLite (a file, the default) and
// PostgreSQL (a postgres:// DSN); see OpenStore.
//
// A submission is one transaction: Submit returns nil only once the
// response, its contact request and the use of its invitation are
// committed together, and an error means none of them is. A failed write
// (a full disk, a lost connection) fails that call only; the next call
// tries again.
type Store interface {
	// Submit stores an entry. It returns ErrRetry (and stores nothing)
	// when the entry's RetryKey was stored before, and ErrLinkUsed when
	// its invitation was used already, has expired or never existed.
	Submit(ctx context.Context, e Entry) error
	// AddLink stores a link under the hash of its token.
	AddLink(ctx context.Context, token string, l Link) error
	// Link returns the link of a token if it works on day (YYYY-MM-DD),
	// else ErrLinkUsed.
	Link(ctx context.Context, token, day string) (Link, error)
	// Responses yields every stored response, in the order of their
	// (random) IDs, reading them as a stream.
	Responses(ctx context.Context) iter.Seq2[survey.Response, error]
	// ContactRequests returns the contact requests of a unit, ordered by
	// their random IDs.
	ContactRequests(ctx context.Context, unit string) ([]ContactRequest, error)
	// Prune deletes contact requests and retry keys older than the
	// retention and links that have expired, as of day.
	Prune(ctx context.Context, day string, r Retention) (Pruned, error)
	// Close closes the store.
	Close() error
}

// Entry is one submission to store: the response as the server made it
// (its ID drawn, its receipt day, unit metadata and channel set by the
// server), the contact request if the respondent asked for one, the key
// of a FHIR retry, and the invitation token it was answered with.
type Entry struct {
	Response survey.Response
	Contact  *ContactRequest
	// RetryKey identifies a FHIR submission across retries; "" for none.
	RetryKey string
	// Invitation is the one-time token the response was given with; it is
	// used up in the same transaction and never stored with the response.
	Invitation string
}

// ContactRequest is a respondent's request to be contacted, stored apart
// from the feedback. Its ID is drawn at random and has nothing to do with
// the response's ID, and it carries the unit and the day only (not the
// time), so that the person cannot be joined to their answers.
type ContactRequest struct {
	ID      string
	Unit    string
	Day     string // YYYY-MM-DD, in Helsinki
	Contact survey.Contact
}

// LinkKind says what a link is for.
type LinkKind string

// The kinds of links.
const (
	// Invitation is a one-time link sent after a service event (by SMS or
	// e-mail): one response, then it is deleted.
	Invitation LinkKind = "invitation"
	// Device is the link of an enrolled kiosk or staff device: many
	// responses, until it expires or is revoked.
	Device LinkKind = "device"
)

// Link is what a token stands for: the unit, the service and day of the
// service event, the channel the response gets, and the last day it
// works ("" for never).
type Link struct {
	Kind    LinkKind
	Unit    string
	Service string
	Channel survey.Channel
	Served  string // YYYY-MM-DD, "" if none
	Expires string // YYYY-MM-DD, "" for never
}

// Retention says how long the store keeps what it need not keep for
// ever: contact requests (delete them once the unit has called back)
// and the keys that recognise FHIR retries. Zero durations keep them
// for a day.
type Retention struct {
	Contacts, Retries time.Duration
}

// DefaultRetention keeps contact requests for 30 days and retry keys for
// 7.
var DefaultRetention = Retention{Contacts: 30 * 24 * time.Hour, Retries: 7 * 24 * time.Hour}

// Pruned counts what Prune deleted.
type Pruned struct{ Contacts, Links, Retries int64 }

// Errors of a Store.
var (
	// ErrRetry reports a FHIR submission stored before under the same key.
	ErrRetry = errors.New("vendor: submission stored before")
	// ErrLinkUsed reports a link that was used, has expired or does not
	// exist.
	ErrLinkUsed = errors.New("vendor: link used, expired or unknown")
)

// Limits of what the store accepts, so that its size stays bounded by the
// number of requests.
const (
	maxNameLen    = 100
	maxPhoneLen   = 32
	maxEmailLen   = 254
	maxCommentLen = 4000 // runes
)

//go:embed migrations
var migrations embed.FS

// dialect is what differs between SQLite and PostgreSQL: the driver,
// the placeholders and the migrations.
type dialect struct {
	name   string // "sqlite" or "postgres"
	driver string
}

// sqlStore is a Store on database/sql.
type sqlStore struct {
	d dialect
	w *sql.DB // writes
	r *sql.DB // reads; the same pool for PostgreSQL
}

// OpenStore opens (creating if needed) the store at where: a PostgreSQL
// database for a postgres:// or postgresql:// DSN, else a SQLite file,
// and brings its schema to the newest migration.
func OpenStore(ctx context.Context, where string) (Store, error) {
	var s *sqlStore
	if strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://") {
		db, err := sql.Open("pgx", where)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(60)
		db.SetMaxIdleConns(60)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s = &sqlStore{d: dialect{name: "postgres", driver: "pgx"}, w: db, r: db}
	} else {
		if where == "" || strings.ContainsAny(where, "?#") {
			return nil, fmt.Errorf("vendor: SQLite store %q: give a file name without ? or #", where)
		}
		// WAL: readers do not block the writer; synchronous FULL: a
		// commit is on disk before Submit returns, power loss included;
		// one writing connection: SQLite writes one transaction at a time
		// anyway, and waiting in Go is fairer than SQLite's busy loop.
		pragmas := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
		w, err := sql.Open("sqlite", where+pragmas+"&_txlock=immediate")
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		r, err := sql.Open("sqlite", where+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, err
		}
		r.SetMaxOpenConns(4)
		s = &sqlStore{d: dialect{name: "sqlite", driver: "sqlite"}, w: w, r: r}
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the store's connections.
func (s *sqlStore) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// q rewrites a query written with ? placeholders for the dialect.
func (s *sqlStore) q(query string) string {
	if s.d.name != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// migrate applies the migrations of the dialect not yet applied, each in
// a transaction, recording its version in schema_migrations. Several
// processes starting at once apply each migration once.
func (s *sqlStore) migrate(ctx context.Context) error {
	dir := path.Join("migrations", s.d.name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("vendor: opening the %s store: %w", s.d.name, err)
	}
	defer tx.Rollback()
	if s.d.name == "postgres" {
		// One migrating process at a time.
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(4242023)"); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)"); err != nil {
		return fmt.Errorf("vendor: opening the %s store: %w", s.d.name, err)
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil || !strings.HasSuffix(name, ".sql") {
			return fmt.Errorf("vendor: migration %s: name it NNNN_what.sql", name)
		}
		if applied[v] {
			continue
		}
		body, err := migrations.ReadFile(path.Join(dir, name))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("vendor: migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"), v, name); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// tokenHash is what the store keeps of a link's token.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte("palaute-link\x00" + token))
	return hex.EncodeToString(h[:])
}

// day returns the Helsinki day of t as YYYY-MM-DD, "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(helsinki()).Format(time.DateOnly)
}

// startOfDay returns midnight in Helsinki of the day d (YYYY-MM-DD), the
// zero time for "".
func startOfDay(d string) (time.Time, error) {
	if d == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.DateOnly, d, helsinki())
}

func (s *sqlStore) Submit(ctx context.Context, e Entry) error {
	r := e.Response
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if e.RetryKey != "" {
		res, err := tx.ExecContext(ctx, s.q("INSERT INTO retries (key, day) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"), e.RetryKey, day(r.Submitted))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrRetry
		}
	}
	if e.Invitation != "" {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM links WHERE token_hash = ? AND kind = ? AND (expires = '' OR expires >= ?)"),
			tokenHash(e.Invitation), string(Invitation), day(r.Submitted))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrLinkUsed
		}
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO responses (id, received, served, instrument, region, provider, unit, service, channel, role, lang, answers, comment)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ID, day(r.Submitted), day(r.Served), r.Instrument.String(), r.Region, r.Provider, r.Unit, r.Service,
		r.Channel.String(), r.Role.String(), r.Lang.String(), string(answers), r.Comment); err != nil {
		return err
	}
	if c := e.Contact; c != nil {
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO contact_requests (id, unit, day, name, phone, email) VALUES (?, ?, ?, ?, ?, ?)"),
			c.ID, c.Unit, c.Day, c.Contact.Name, c.Contact.Phone, c.Contact.Email); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *sqlStore) AddLink(ctx context.Context, token string, l Link) error {
	_, err := s.w.ExecContext(ctx, s.q("INSERT INTO links (token_hash, kind, unit, service, channel, served, expires) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		tokenHash(token), string(l.Kind), l.Unit, l.Service, l.Channel.String(), l.Served, l.Expires)
	return err
}

func (s *sqlStore) Link(ctx context.Context, token, day string) (Link, error) {
	var l Link
	var kind, channel string
	err := s.r.QueryRowContext(ctx, s.q("SELECT kind, unit, service, channel, served, expires FROM links WHERE token_hash = ? AND (expires = '' OR expires >= ?)"),
		tokenHash(token), day).Scan(&kind, &l.Unit, &l.Service, &channel, &l.Served, &l.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, ErrLinkUsed
	}
	if err != nil {
		return Link{}, err
	}
	l.Kind = LinkKind(kind)
	if l.Channel, err = survey.ParseChannel(channel); err != nil {
		return Link{}, fmt.Errorf("vendor: stored link: %w", err)
	}
	return l, nil
}

func (s *sqlStore) Responses(ctx context.Context) iter.Seq2[survey.Response, error] {
	return func(yield func(survey.Response, error) bool) {
		rows, err := s.r.QueryContext(ctx, `SELECT id, received, served, instrument, region, provider, unit, service, channel, role, lang, answers, comment
			FROM responses ORDER BY id`)
		if err != nil {
			yield(survey.Response{}, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var r survey.Response
			var received, served, instrument, channel, role, lang, answers string
			if err := rows.Scan(&r.ID, &received, &served, &instrument, &r.Region, &r.Provider, &r.Unit, &r.Service, &channel, &role, &lang, &answers, &r.Comment); err != nil {
				yield(survey.Response{}, err)
				return
			}
			err := readResponse(&r, received, served, instrument, channel, role, lang, answers)
			if !yield(r, err) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(survey.Response{}, err)
		}
	}
}

// readResponse sets the fields of r stored as text.
func readResponse(r *survey.Response, received, served, instrument, channel, role, lang, answers string) error {
	var errs []error
	var err error
	if r.Submitted, err = startOfDay(received); err != nil {
		errs = append(errs, err)
	}
	if r.Served, err = startOfDay(served); err != nil {
		errs = append(errs, err)
	}
	if r.Instrument, err = catalogue.ParseInstrumentRef(instrument); err != nil {
		errs = append(errs, err)
	}
	if r.Channel, err = parseOrZero(channel, survey.ParseChannel); err != nil {
		errs = append(errs, err)
	}
	if r.Role, err = parseOrZero(role, survey.ParseRole); err != nil {
		errs = append(errs, err)
	}
	if r.Lang, err = parseOrZero(lang, i18n.ParseLang); err != nil {
		errs = append(errs, err)
	}
	if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("vendor: stored response %s: %w", r.ID, err)
	}
	return nil
}

func parseOrZero[T any](code string, parse func(string) (T, error)) (T, error) {
	var zero T
	if code == "" {
		return zero, nil
	}
	return parse(code)
}

func (s *sqlStore) ContactRequests(ctx context.Context, unit string) ([]ContactRequest, error) {
	rows, err := s.r.QueryContext(ctx, s.q("SELECT id, unit, day, name, phone, email FROM contact_requests WHERE unit = ? ORDER BY id"), unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContactRequest
	for rows.Next() {
		var c ContactRequest
		if err := rows.Scan(&c.ID, &c.Unit, &c.Day, &c.Contact.Name, &c.Contact.Phone, &c.Contact.Email); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *sqlStore) Prune(ctx context.Context, today string, r Retention) (Pruned, error) {
	t, err := startOfDay(today)
	if err != nil {
		return Pruned{}, err
	}
	before := func(d time.Duration) string { return day(t.Add(-max(d, 24*time.Hour))) }
	var p Pruned
	for _, step := range []struct {
		query string
		arg   string
		n     *int64
	}{
		{"DELETE FROM contact_requests WHERE day < ?", before(r.Contacts), &p.Contacts},
		{"DELETE FROM retries WHERE day < ?", before(r.Retries), &p.Retries},
		{"DELETE FROM links WHERE expires <> '' AND expires < ?", today, &p.Links},
	} {
		res, err := s.w.ExecContext(ctx, s.q(step.query), step.arg)
		if err != nil {
			return p, err
		}
		if *step.n, err = res.RowsAffected(); err != nil {
			return p, err
		}
	}
	return p, nil
}
