package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/agentward/ward/session"
)

// DefaultBusyTimeout is how long Update waits for another writer by default.
const DefaultBusyTimeout = 5 * time.Second

// busySlice is the longest SQLite's own busy handler waits inside one
// statement. SQLite's handler sleeps without looking at the context, so
// Update retries BEGIN IMMEDIATE in slices of this length and checks the
// context and its deadline between them.
const busySlice = 50 * time.Millisecond

// Errors a caller may want to tell apart; the errors returned wrap them
// together with the underlying cause.
var (
	// ErrBusy: another writer held the database for longer than the
	// busy timeout.
	ErrBusy = errors.New("state database is busy")
	// ErrCorrupt: the file is not a SQLite database or is damaged. The
	// store never repairs, recreates or deletes it; a person must.
	ErrCorrupt = errors.New("state database is corrupt or not a database")
	// ErrTooNew: the database was written by a newer ward, whose schema
	// this one does not know.
	ErrTooNew = errors.New("state database was written by a newer ward")
	// ErrReadOnly: a method that writes was called in a View.
	ErrReadOnly = errors.New("write in a read-only transaction")
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// BusyTimeout is how long Update waits for the write lock that
	// another connection or process holds; 0 means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// Now returns the current time, used where a caller gives a zero
	// time; nil means time.Now. For tests.
	Now func() time.Time
}

// Store is a session.Store on a SQLite file. Its methods are safe for
// concurrent use, also with other Stores and processes on the same file.
type Store struct {
	db   *sql.DB
	path string
	busy time.Duration
	now  func() time.Time
	salt []byte
	lim  limits
	// wlock lets one Update of this Store at a time try for the
	// database's write lock; the others wait here, where the context
	// is honoured and no connection is held.
	wlock chan struct{}
}

var _ session.Store = (*Store)(nil)

// limits are the per-session caps; a Store holds them so that tests can
// lower them.
type limits struct {
	fingerprints   int // MaxFingerprints
	labelEvents    int // MaxLabelEvents
	keepDecisions  int // KeepDecisions
	pruneDecisions int // decisions past keepDecisions that trigger pruning
}

func defaultLimits() limits {
	return limits{
		fingerprints:   MaxFingerprints,
		labelEvents:    MaxLabelEvents,
		keepDecisions:  KeepDecisions,
		pruneDecisions: pruneDecisions,
	}
}

// Open opens (creating it if needed) the state database at path,
// creating its directory with mode 0700 and the file with mode 0600, and
// brings its schema up to date.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.BusyTimeout < 0 {
		return nil, fmt.Errorf("state database: negative busy timeout %v", opts.BusyTimeout)
	}
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = DefaultBusyTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if path == "" {
		return nil, errors.New("state database: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("state database %s: %w", path, err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn(abs, opts.BusyTimeout))
	if err != nil {
		return nil, fmt.Errorf("state database %s: %w", abs, err)
	}
	db.SetMaxIdleConns(4)
	s := &Store{
		db:    db,
		path:  abs,
		busy:  opts.BusyTimeout,
		now:   opts.Now,
		wlock: make(chan struct{}, 1),
		lim:   defaultLimits(),
	}
	if err := s.setup(ctx, migrations()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// prepareFile creates the directory (0700) and the empty database file
// (0600) if they are missing, so that SQLite, which gives the -wal and -shm
// files the database file's mode, never creates anything more open. An
// existing file more open than 0600 is tightened: it holds the salt.
func prepareFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("state database: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("state database: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().Perm()&0o077 != 0 {
		err = f.Chmod(fi.Mode().Perm() &^ 0o077)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("state database: %w", err)
	}
	return nil
}

// dsn is the driver's name for the database at path with the settings
// every connection needs:
//
//   - busy_timeout: SQLite's own wait for a lock, in slices (see
//     busySlice); Update adds the rest of the wait around it.
//   - synchronous=NORMAL: in WAL mode a commit is written to the WAL with
//     write(2) and synced only at checkpoints. A crash of the process
//     loses nothing, because the kernel already holds the data; only a
//     crash of the machine or a power cut can lose the last commits, and
//     even that never corrupts the database. Session state can afford
//     that; the price of FULL, an fsync per decision, it cannot.
//   - foreign_keys: on, so that any reference a schema declares holds.
//   - journal_size_limit: after a checkpoint the WAL file is cut back to
//     4 MiB, so one burst of writes does not leave it large for good.
//   - _txlock=immediate: BEGIN IMMEDIATE for every transaction that is
//     not read-only, so Update holds the write lock from its start; View
//     begins read-only transactions, which stay deferred and lock-free.
//
// WAL mode itself is set once by Open: it is kept in the file.
func dsn(path string, busy time.Duration) string {
	slice := min(busy, busySlice)
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(max(slice.Milliseconds(), 1), 10)+")")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_size_limit(4194304)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// setup makes the database usable: checks its version, switches it to WAL,
// applies missing migrations and reads the salt.
func (s *Store) setup(ctx context.Context, ms []migration) error {
	v, err := s.version(ctx)
	if err != nil {
		return err
	}
	if v > len(ms) {
		return fmt.Errorf("state database %s: %w (schema version %d, this ward knows up to %d); upgrade ward",
			s.path, ErrTooNew, v, len(ms))
	}
	if err := s.enableWAL(ctx); err != nil {
		return err
	}
	if v < len(ms) {
		if err := s.migrate(ctx, ms, len(ms)); err != nil {
			return err
		}
	}
	var salt []byte
	err = s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'salt'`).Scan(&salt)
	if err != nil {
		return s.wrap(ctx, "read salt", err)
	}
	if len(salt) != saltSize {
		return fmt.Errorf("state database %s: %w: salt is %d bytes, want %d", s.path, ErrCorrupt, len(salt), saltSize)
	}
	s.salt = salt
	return nil
}

// version returns the schema version of the database, 0 for a new one.
func (s *Store) version(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return 0, s.wrap(ctx, "read schema version", err)
	}
	return v, nil
}

// enableWAL switches the database to WAL mode, waiting out other processes
// that hold it as Update would.
func (s *Store) enableWAL(ctx context.Context) error {
	deadline := time.Now().Add(s.busy)
	for {
		var mode string
		tried := time.Now()
		err := s.db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		if err == nil {
			if mode != "wal" {
				return fmt.Errorf("state database %s: cannot use WAL mode (journal mode is %q)", s.path, mode)
			}
			return nil
		}
		if !isBusy(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return s.wrap(ctx, "enable WAL mode", err)
		}
		pause(ctx, tried)
	}
}

// pause waits until a millisecond after tried, or until ctx is done.
func pause(ctx context.Context, tried time.Time) {
	d := time.Until(tried.Add(time.Millisecond))
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("state database %s: close: %w", s.path, err)
	}
	return nil
}

// Update runs fn in a transaction that holds the database's write lock from
// its start. It waits for another writer up to the busy timeout, then
// fails with ErrBusy; a canceled ctx ends the wait. If fn returns an error
// the transaction is rolled back and Update returns that error. fn must not
// call Update on the same Store: it would wait for itself until ErrBusy.
func (s *Store) Update(ctx context.Context, fn func(session.Tx) error) error {
	tx, release, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer release()
	return s.run(ctx, tx, true, fn)
}

// View runs fn in a read-only transaction, which sees one snapshot of the
// database and never waits for writers.
func (s *Store) View(ctx context.Context, fn func(session.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.wrap(ctx, "begin view", err)
	}
	return s.run(ctx, tx, false, fn)
}

func (s *Store) run(ctx context.Context, tx *sql.Tx, write bool, fn func(session.Tx) error) (err error) {
	done := false
	defer func() {
		if !done {
			tx.Rollback()
		}
	}()
	if err := fn(&txn{ctx: ctx, tx: tx, s: s, write: write}); err != nil {
		return err
	}
	done = true
	if err := tx.Commit(); err != nil {
		return s.wrap(ctx, "commit", err)
	}
	return nil
}

// beginWrite begins a write transaction (BEGIN IMMEDIATE), waiting up to
// the busy timeout for the write lock. release must be called after the
// transaction ends.
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, func(), error) {
	deadline := time.Now().Add(s.busy)
	timer := time.NewTimer(s.busy)
	defer timer.Stop()
	select {
	case s.wlock <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("state database %s: begin update: %w", s.path, ctx.Err())
	case <-timer.C:
		return nil, nil, fmt.Errorf("state database %s: begin update: %w: waited %v for other updates in this process",
			s.path, ErrBusy, s.busy)
	}
	release := func() { <-s.wlock }
	for {
		tried := time.Now()
		tx, err := s.db.BeginTx(ctx, nil)
		if err == nil {
			return tx, release, nil
		}
		if isBusy(err) && ctx.Err() == nil && time.Now().Before(deadline) {
			// SQLite has usually waited one slice already; when it
			// has not, wait a little here rather than spin.
			pause(ctx, tried)
			continue
		}
		release()
		if isBusy(err) && ctx.Err() == nil {
			return nil, nil, fmt.Errorf("state database %s: begin update: %w: another writer held it for more than %v: %w",
				s.path, ErrBusy, s.busy, err)
		}
		return nil, nil, s.wrap(ctx, "begin update", err)
	}
}

// wrap adds the database's path and what was being done to err, and
// ErrBusy, ErrCorrupt or the context's error where they apply.
func (s *Store) wrap(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("state database %s: %s: %w: %w", s.path, what, ctx.Err(), err)
	}
	switch code(err) {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("state database %s: %s: %w: %w", s.path, what, ErrBusy, err)
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("state database %s: %s: %w: %w", s.path, what, ErrCorrupt, err)
	}
	return fmt.Errorf("state database %s: %s: %w", s.path, what, err)
}

// code returns the primary SQLite result code of err, or 0.
func code(err error) int {
	var e *msqlite.Error
	if errors.As(err, &e) {
		return e.Code() & 0xff
	}
	return 0
}

func isBusy(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}
