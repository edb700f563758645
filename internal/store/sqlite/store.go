package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
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

	// errAbandoned: Update or View after Abandon.
	errAbandoned = errors.New("store used after Abandon")
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
	// walLimit is the constant walLimit; tests lower it.
	walLimit int64
	// abandoned is set by Abandon: the Store is not to be used again.
	abandoned atomic.Bool
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
	wal, err := prepareFileWAL(abs)
	if err != nil {
		return nil, err
	}
	c, err := msqlite.NewConnector(dsn(abs, opts.BusyTimeout))
	if err != nil {
		return nil, fmt.Errorf("state database %s: %w", abs, err)
	}
	db := sql.OpenDB(connector{c})
	db.SetMaxIdleConns(4)
	s := &Store{
		db:       db,
		path:     abs,
		busy:     opts.BusyTimeout,
		now:      opts.Now,
		wlock:    make(chan struct{}, 1),
		lim:      defaultLimits(),
		walLimit: walLimit,
	}
	if err := s.setup(ctx, migrations(), wal); err != nil {
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
	_, err := prepareFileWAL(path)
	return err
}

// prepareFileWAL is prepareFile, and reports whether the file's header
// says it is in WAL mode, which is kept in the file: then Open need not
// set it.
func prepareFileWAL(path string) (wal bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("state database: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return false, fmt.Errorf("state database: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().Perm()&0o077 != 0 {
		err = f.Chmod(fi.Mode().Perm() &^ 0o077)
	}
	if err == nil {
		wal = walHeader(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("state database: %w", err)
	}
	return wal, nil
}

// walHeader reports whether f starts with the header of a SQLite database
// in WAL mode: its file format version numbers (bytes 18 and 19) are 2.
// Anything else, an unreadable or short file too, is "no": Open then sets
// WAL mode through SQLite, which reports what is wrong.
func walHeader(f *os.File) bool {
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false
	}
	return string(h[:16]) == "SQLite format 3\x00" && h[18] == 2 && h[19] == 2
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
//   - _txlock=immediate: BEGIN IMMEDIATE for database/sql's transactions
//     (migrations), as for Update's: they hold the write lock from their
//     start. View's transactions are deferred and lock-free.
//
// SQLite reads and parses the schema at the first statement that needs it:
// here PRAGMA synchronous. That happens once per connection, and a hook
// process has one.
//
// WAL mode is not set here: it is kept in the file, and Open sets it when
// the file's header says it is not.
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

// setup makes the database usable: checks its version, switches it to WAL
// unless wal says it is, applies missing migrations and reads the salt. On
// a database that is up to date, that is two statements.
//
// Another process may hold the database for a moment (switching it to WAL,
// or checkpointing as its last connection closes): the statements wait for
// it as Update would.
func (s *Store) setup(ctx context.Context, ms []migration, wal bool) error {
	var v int
	err := s.whileBusy(ctx, "read schema version", func() error {
		return s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	})
	if err != nil {
		return err
	}
	if v > len(ms) {
		return fmt.Errorf("state database %s: %w (schema version %d, this ward knows up to %d); upgrade ward",
			s.path, ErrTooNew, v, len(ms))
	}
	if !wal {
		if err := s.enableWAL(ctx); err != nil {
			return err
		}
	}
	if v < len(ms) {
		if err := s.migrate(ctx, ms, len(ms)); err != nil {
			return err
		}
	}
	var salt []byte
	err = s.whileBusy(ctx, "read salt", func() error {
		return s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'salt'`).Scan(&salt)
	})
	if err != nil {
		return err
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
	var mode string
	err := s.whileBusy(ctx, "enable WAL mode", func() error {
		return s.db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
	})
	if err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("state database %s: cannot use WAL mode (journal mode is %q)", s.path, mode)
	}
	return nil
}

// whileBusy calls try until it does not fail because another connection
// holds a lock, for up to the busy timeout or until ctx is done, and
// wraps the error it ends with.
func (s *Store) whileBusy(ctx context.Context, what string, try func() error) error {
	deadline := time.Now().Add(s.busy)
	for {
		tried := time.Now()
		err := try()
		if err == nil {
			return nil
		}
		if isBusy(err) && ctx.Err() == nil && time.Now().Before(deadline) {
			// SQLite has usually waited one slice already; when it
			// has not, wait a little here rather than spin.
			pause(ctx, tried)
			continue
		}
		if isBusy(err) && ctx.Err() == nil {
			return fmt.Errorf("state database %s: %s: %w: another writer held it for more than %v: %w",
				s.path, what, ErrBusy, s.busy, err)
		}
		return s.wrap(ctx, what, err)
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

// Close closes the database. When it closes the last connection to the
// file in any process, SQLite checkpoints the WAL (copies it into the
// database file, with an fsync of each) and deletes it. After Abandon,
// Close does nothing.
func (s *Store) Close() error {
	if s.abandoned.Load() {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("state database %s: close: %w", s.path, err)
	}
	return nil
}

// walLimit is the size of the WAL file from which Abandon checkpoints it.
// A decision adds about 40 KiB to the WAL (10 pages), so a hook process
// checkpoints about once every dozen. Every process that opens the file
// after the last one left reads the whole WAL back (SQLite's recovery,
// about 2 µs a page), which is what bounds it.
const walLimit = 512 << 10

// Abandon ends the use of s in a process that exits right after, such as
// a hook process, in place of Close. Every other user of a Store calls
// Close.
//
// Close, as the last connection, checkpoints the WAL and deletes it, and
// the next process's first commit creates it again: four fsyncs, most of
// what the store costs a hook process. Abandon leaves the connection open
// for the process's exit to end, as a crash would: that loses nothing,
// since a commit is in the WAL (written, not synced) once Update returns,
// and the next process to open the file reads the WAL back. A power
// cut may lose the last commits, as it may after Close.
//
// Abandon checkpoints only when the WAL file has reached walLimit, and
// then also truncates it, so that the next process finds it empty: a
// checkpoint's progress is kept in the -shm file, which the first process
// to open the file after all others have ended clears, and a WAL left
// whole would be read back and checkpointed again by every process. A
// checkpoint costs three fsyncs, and the next commit two more as it
// starts the WAL over. The checkpoint waits for another process's
// transaction as a statement does, up to 50 ms (busySlice) for the write
// lock and as long for readers; past that it leaves the rest of its work
// to the next process. SQLite's own checkpoint, at 1000 pages, is the
// backstop.
//
// After Abandon, Update and View fail and Close does nothing. The
// connection keeps its memory and three open files until the process
// exits: a process that goes on must call Close instead.
func (s *Store) Abandon(ctx context.Context) error {
	if s.abandoned.Swap(true) {
		return nil
	}
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() < s.walLimit {
		return nil // no WAL (nothing written), or a small one
	}
	// busy is 1 when readers or a writer kept the checkpoint from
	// finishing; that is not an error.
	var busy, log, done int
	err = s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done)
	if err != nil {
		return s.wrap(ctx, "checkpoint", err)
	}
	return nil
}

// Update runs fn in a transaction that holds the database's write lock from
// its start. It waits for another writer up to the busy timeout, then
// fails with ErrBusy; a canceled ctx ends the wait. If fn returns an error
// the transaction is rolled back and Update returns that error. fn must not
// call Update on the same Store: it would wait for itself until ErrBusy.
func (s *Store) Update(ctx context.Context, fn func(session.Tx) error) error {
	release, err := s.lockWriters(ctx)
	if err != nil {
		return err
	}
	defer release()
	return s.run(ctx, true, fn)
}

// View runs fn in a read-only transaction, which sees one snapshot of the
// database and never waits for writers.
func (s *Store) View(ctx context.Context, fn func(session.Tx) error) error {
	return s.run(ctx, false, fn)
}

// lockWriters lets one Update (or migration) of this Store at a time go on
// to wait for the database's write lock; the others wait here, where ctx
// is honoured and no connection is held. release must be called when the
// Update ends.
func (s *Store) lockWriters(ctx context.Context) (release func(), err error) {
	timer := time.NewTimer(s.busy)
	defer timer.Stop()
	select {
	case s.wlock <- struct{}{}:
		return func() { <-s.wlock }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("state database %s: begin update: %w", s.path, ctx.Err())
	case <-timer.C:
		return nil, fmt.Errorf("state database %s: begin update: %w: waited %v for other updates in this process",
			s.path, ErrBusy, s.busy)
	}
}

// run runs fn in a transaction on one connection of the pool: BEGIN
// IMMEDIATE for an Update, waiting for the write lock as long as the busy
// timeout allows; a deferred BEGIN for a View.
func (s *Store) run(ctx context.Context, write bool, fn func(session.Tx) error) error {
	what := "begin view"
	if write {
		what = "begin update"
	}
	if s.abandoned.Load() {
		return fmt.Errorf("state database %s: %s: %w", s.path, what, errAbandoned)
	}
	sc, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap(ctx, what, err)
	}
	defer sc.Close()
	return sc.Raw(func(dc any) error {
		c, ok := dc.(*conn)
		if !ok { // a pool opened without connector (tests): keep no statements
			x, ok := dc.(driverConn)
			if !ok {
				return fmt.Errorf("state database %s: %s: driver connection %T lacks methods the store needs", s.path, what, dc)
			}
			c = &conn{driverConn: x}
		}
		if err := ctx.Err(); err != nil {
			return s.wrap(ctx, what, err)
		}
		if write {
			err = s.whileBusy(ctx, what, func() error { _, err := c.exec(`BEGIN IMMEDIATE`); return err })
		} else if _, err = c.exec(`BEGIN`); err != nil {
			err = s.wrap(ctx, what, err)
		}
		if err != nil {
			return err
		}
		t := &txn{ctx: ctx, c: c, s: s, write: write}
		return t.run(fn)
	})
}

// run runs fn in t and commits, or rolls back if fn fails or panics. After
// it the transaction is over: t's methods fail.
func (t *txn) run(fn func(session.Tx) error) error {
	c := t.c
	defer func() {
		if t.c != nil { // fn failed or panicked
			t.c = nil
			c.exec(`ROLLBACK`)
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	if err := t.flushAudit(); err != nil {
		return err
	}
	t.c = nil
	if _, err := c.exec(`COMMIT`); err != nil {
		// A failed COMMIT may leave the transaction open.
		c.exec(`ROLLBACK`)
		return t.s.wrap(t.ctx, "commit", err)
	}
	return nil
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
