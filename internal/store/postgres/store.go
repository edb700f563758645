package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of Options.
const (
	DefaultSchema      = "public"
	DefaultLockTimeout = 10 * time.Second
	// DefaultIdleTimeout is how long an Update may hold the log's lock
	// without sending the server anything before the server ends it.
	DefaultIdleTimeout = time.Minute
)

// Errors a caller may want to tell apart; the errors returned wrap them
// together with the cause.
var (
	// ErrBusy: another appender held the log's write lock for longer
	// than the lock timeout.
	ErrBusy = errors.New("audit log is busy")
	// ErrTooNew: the schema was written by a newer ward, whose tables
	// this one does not know.
	ErrTooNew = errors.New("audit schema was written by a newer ward")

	// errDone: a transaction's methods called after it ended.
	errDone = errors.New("transaction has ended")
)

// Options configure a Store. The zero value is ready to use.
type Options struct {
	// Schema is the PostgreSQL schema holding the tables; "" means
	// DefaultSchema. It is created when missing.
	Schema string
	// LockTimeout bounds how long Update waits for the log's write lock;
	// 0 means DefaultLockTimeout. The context given to Update can end
	// the wait sooner.
	LockTimeout time.Duration
	// IdleTimeout bounds how long an Update may hold the lock between
	// statements (fn computing, or a process hung or gone) before the
	// server rolls it back; 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// Store is an audit log in a PostgreSQL schema. Its methods are safe for
// concurrent use, also with other Stores and processes on the same
// schema.
type Store struct {
	pool   *pgxpool.Pool
	schema string
	lock   time.Duration
	idle   time.Duration
	q      statements
}

// Open connects to the database at dsn (a URL or key=value string, as
// libpq takes), creates or upgrades the schema, and returns the store.
// Pool settings such as pool_max_conns may be given in dsn.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Schema == "" {
		opts.Schema = DefaultSchema
	}
	if err := checkSchemaName(opts.Schema); err != nil {
		return nil, err
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's error quotes the DSN, redacting passwords only as well
		// as it can parse it: quote nothing.
		return nil, errors.New("postgres audit: the DSN is malformed (not shown: it may hold a password)")
	}
	// When the context ends, ask the server to cancel the statement, so
	// that a wait for the log's lock ends there too and not only here;
	// the connection is cut a little later if the server does not answer.
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Second}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres audit: connect: %w", err)
	}
	s := &Store{
		pool:   pool,
		schema: opts.Schema,
		lock:   opts.LockTimeout,
		idle:   opts.IdleTimeout,
		q:      makeStatements(pgx.Identifier{opts.Schema}.Sanitize()),
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// checkSchemaName refuses names PostgreSQL would change: it cuts names
// to 63 bytes, and none may hold a NUL.
func checkSchemaName(name string) error {
	switch {
	case len(name) > 63:
		return fmt.Errorf("postgres audit: schema name %.20q… is longer than 63 bytes", name)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("postgres audit: schema name %q holds a NUL", name)
	}
	return nil
}

// Close closes the store's connections, waiting for those in use.
func (s *Store) Close() { s.pool.Close() }

// wrap adds context to an error from the database: what was being done,
// ErrBusy when a lock wait timed out, and the context's error when it
// ended, so that errors.Is finds it.
func wrap(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		return fmt.Errorf("postgres audit: %s: %w: %w", what, ErrBusy, err)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("postgres audit: %s: %w: %w", what, cerr, err)
	}
	return fmt.Errorf("postgres audit: %s: %w", what, err)
}
