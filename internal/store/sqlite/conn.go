package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
)

// Transactions run on the driver's connection itself, not through
// database/sql's Tx: that way the statements of a connection are prepared
// once and kept, and no statement starts a goroutine to watch the context
// (the driver does that for every statement whose context can end).
//
// Parsing and planning a statement is much of what SQLite does for the
// small statements a decision runs (BenchmarkDecision: 40% fewer
// instructions with them kept). A connection keeps a statement from its
// second use on: a hook process runs each statement once, and keeping them
// would cost it, because a kept statement holds memory that SQLite's
// per-connection allocator (lookaside) would otherwise reuse for the next
// one, and the next falls back to malloc (BenchmarkOpenDecision: 6% more
// instructions when every statement is kept).

// driverConn is what the store uses of a connection of modernc.org/sqlite.
type driverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
}

// maxStmts is how many prepared statements a connection keeps. The store
// runs fewer distinct ones than that; the limit bounds the memory held if
// that ever changes.
const maxStmts = 64

// conn is a connection of a Store's pool: the driver's, with the
// statements prepared on it. database/sql hands it to one goroutine at a
// time.
type conn struct {
	driverConn
	// stmts holds the prepared statements by their text; nil means
	// every statement is prepared for one use.
	stmts map[string]driver.Stmt
	// used holds the statements used once and not kept.
	used map[string]bool
}

// connector makes the connections of a Store's pool.
type connector struct{ driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	x, ok := dc.(driverConn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("sqlite driver connection %T lacks methods the store needs", dc)
	}
	return &conn{driverConn: x, stmts: make(map[string]driver.Stmt), used: make(map[string]bool)}, nil
}

// Close finalizes the statements, then closes the connection: SQLite
// closes a connection (and checkpoints the WAL) only once all its
// statements are finalized.
func (c *conn) Close() error {
	var errs []error
	for q, st := range c.stmts {
		errs = append(errs, st.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.driverConn.Close())...)
}

// prepare returns the statement q, prepared on c; when keep is false the
// caller closes it after one use.
func (c *conn) prepare(q string) (st driver.Stmt, keep bool, err error) {
	if st, ok := c.stmts[q]; ok {
		return st, true, nil
	}
	// The context is not watched (see above); the caller checks it.
	st, err = c.PrepareContext(context.Background(), q)
	if err != nil {
		return nil, false, err
	}
	switch {
	case c.stmts == nil || len(c.stmts) >= maxStmts:
	case c.used[q]:
		delete(c.used, q)
		c.stmts[q] = st
		return st, true, nil
	case len(c.used) < maxStmts:
		c.used[q] = true
	}
	return st, false, nil
}

// exec runs q and returns how many rows it changed.
func (c *conn) exec(q string, args ...any) (int64, error) {
	st, keep, err := c.prepare(q)
	if err != nil {
		return 0, err
	}
	if !keep {
		defer st.Close()
	}
	res, err := st.(driver.StmtExecContext).ExecContext(context.Background(), named(args))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// query runs q; the caller closes the rows.
func (c *conn) query(q string, args ...any) (*rows, error) {
	st, keep, err := c.prepare(q)
	if err != nil {
		return nil, err
	}
	r, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), named(args))
	if err != nil {
		if !keep {
			st.Close()
		}
		return nil, err
	}
	out := &rows{r: r, vals: make([]driver.Value, len(r.Columns()))}
	if !keep {
		out.st = st
	}
	return out, nil
}

// named makes args the driver's arguments: ints become int64, the other
// types the driver takes (int64, string, []byte, bool, nil) stay as they
// are.
func named(args []any) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if n, ok := a.(int); ok {
			a = int64(n)
		}
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// rows reads the result of a query.
type rows struct {
	r    driver.Rows
	st   driver.Stmt // closed with the rows, when not kept
	vals []driver.Value
}

// next moves to the next row; false at the end.
func (r *rows) next() (bool, error) {
	switch err := r.r.Next(r.vals); err {
	case nil:
		return true, nil
	case io.EOF:
		return false, nil
	default:
		return false, err
	}
}

func (r *rows) close() error {
	err := r.r.Close()
	if r.st != nil {
		err = errors.Join(err, r.st.Close())
	}
	return err
}

// errColumn is a value of the wrong type in a column: not what ward wrote.
var errColumn = fmt.Errorf("%w: unexpected value", ErrCorrupt)

// scan copies the current row into dst, one pointer per column: *int64,
// *bool, *string, *[]byte, *sql.NullString or *sql.NullInt64. NULL fits
// only *[]byte and the Null types.
func (r *rows) scan(dst ...any) error {
	if len(dst) != len(r.vals) {
		return fmt.Errorf("scan: %d columns into %d values", len(r.vals), len(dst))
	}
	for i, d := range dst {
		v := r.vals[i]
		ok := true
		switch d := d.(type) {
		case *int64:
			*d, ok = v.(int64)
		case *bool:
			var n int64
			n, ok = v.(int64)
			*d = n != 0
		case *string:
			*d, ok = v.(string)
		case *[]byte:
			switch x := v.(type) {
			case []byte:
				*d = x
			case nil:
				*d = nil
			default:
				ok = false
			}
		case *sql.NullString:
			d.String, d.Valid = v.(string)
			ok = d.Valid || v == nil
		case *sql.NullInt64:
			d.Int64, d.Valid = v.(int64)
			ok = d.Valid || v == nil
		default:
			return fmt.Errorf("scan: cannot scan into %T", d)
		}
		if !ok {
			return fmt.Errorf("%w: column %d holds %T", errColumn, i, v)
		}
	}
	return nil
}
