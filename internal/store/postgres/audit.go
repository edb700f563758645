package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/agentward/ward/audit"
)

// Audit returns the audit log kept in the store.
func (s *Store) Audit() audit.Backend { return backend{s} }

type backend struct{ s *Store }

var (
	_ audit.Backend = backend{}
	_ audit.Tx      = (*txn)(nil)
)

// Update runs fn in one READ COMMITTED transaction holding the row lock
// of audit_state, the log's write lock, from its first statement to its
// commit. Records fn inserts are sent in batches and the state once, with
// the commit. Nothing is kept if fn returns an error or panics. fn must
// not call Update: it would wait for its own lock, up to the lock
// timeout.
func (b backend) Update(ctx context.Context, fn func(audit.Tx) error) error {
	t, err := b.s.begin(ctx, true)
	if err != nil {
		return err
	}
	// On an error or a panic, end rolls back; a panic goes on from here.
	defer t.end()
	if err := fn(t); err != nil {
		return err
	}
	return t.commit()
}

// View runs fn on a REPEATABLE READ, READ ONLY snapshot of the log.
func (b backend) View(ctx context.Context, fn func(audit.Reader) error) error {
	t, err := b.s.begin(ctx, false)
	if err != nil {
		return err
	}
	defer t.end()
	// fn gets only the Reader's methods, even by type assertion.
	return fn(struct{ audit.Reader }{t})
}

// Bounds on what a transaction holds in memory.
const (
	// scanRows and scanBytes bound one batch of Scan: a scan of a
	// million records neither loads them all nor holds one statement
	// open while fn runs, so fn may use the transaction too.
	scanRows  = 2048
	scanBytes = 8 << 20
	// pendingRows and pendingBytes bound the records Insert holds before
	// it sends them.
	pendingRows  = 1024
	pendingBytes = 4 << 20
)

// txn is one transaction on one connection. It is not safe for
// concurrent use, as audit.Tx need not be.
type txn struct {
	// ctx is the context given to Update or View: Reader's methods take
	// none, and it lives only as long as the transaction.
	ctx  context.Context
	s    *Store
	conn *pgxpool.Conn // nil once ended

	st    state
	dirty bool // st changed and not yet written
	// last is the newest checkpoint when known (lastKnown).
	last      *audit.Checkpoint
	lastKnown bool

	pending      []audit.Record // inserted and not yet sent
	pendingBytes int
}

// state is the row of audit_state.
type state struct {
	head     audit.Head
	base     audit.Base
	frontier audit.Frontier
}

// begin starts a transaction: BEGIN, the lock when write, and the reads
// of the state go in one round trip.
func (s *Store) begin(ctx context.Context, write bool) (*txn, error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, wrap(ctx, "connect", err)
	}
	t := &txn{ctx: ctx, s: s, conn: c}
	found := false
	b := &pgx.Batch{}
	if write {
		b.Queue(`BEGIN ISOLATION LEVEL READ COMMITTED`)
		b.Queue(`SELECT set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)`,
			millis(s.lock), millis(s.idle))
		b.Queue(s.q.lockState).QueryRow(t.scanState(&found))
		b.Queue(s.q.lastCheckpoint).Query(t.scanLast)
	} else {
		b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
		b.Queue(s.q.readState).QueryRow(t.scanState(&found))
	}
	what := "begin"
	if write {
		what = "lock the log"
	}
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		t.end()
		return nil, wrap(ctx, what, err)
	}
	if !found && write {
		// The row was deleted: put a zero state back, and lock it. Verify
		// will report the records after its zero head.
		b := &pgx.Batch{}
		b.Queue(s.q.makeState)
		b.Queue(s.q.lockState).QueryRow(t.scanState(&found))
		err := c.SendBatch(ctx, b).Close()
		if err == nil && !found {
			err = fmt.Errorf("audit_state has no row")
		}
		if err != nil {
			t.end()
			return nil, wrap(ctx, what, err)
		}
	}
	return t, nil
}

// millis is a duration as a setting in milliseconds, at least 1 (0 would
// turn the timeout off).
func millis(d time.Duration) string {
	return strconv.FormatInt(max(d.Milliseconds(), 1), 10)
}

// scanState reads the state row leniently: hashes of the wrong length
// are cut or padded (and then do not verify), and frontiers keep the
// whole hashes they hold. A missing row reads as the zero state.
func (t *txn) scanState(found *bool) func(pgx.Row) error {
	return func(row pgx.Row) error {
		var headSeq, baseSeq, baseSize, size int64
		var baseFr, fr []byte
		st := state{}
		err := row.Scan(&headSeq, (*hashDst)(&st.head.Hash), &baseSeq, (*hashDst)(&st.base.Hash),
			&baseSize, &baseFr, &size, &fr)
		if errors.Is(err, pgx.ErrNoRows) {
			t.st, *found = state{}, false
			return nil
		}
		if err != nil {
			return err
		}
		st.head.Seq, st.base.Seq = uint64(headSeq), uint64(baseSeq)
		st.base.Frontier = frontier(baseSize, baseFr)
		st.frontier = frontier(size, fr)
		t.st, *found = st, true
		return nil
	}
}

func frontier(size int64, b []byte) audit.Frontier {
	f := audit.Frontier{Size: uint64(size)}
	if n := len(b) / len(audit.Hash{}); n > 0 {
		f.Hashes = make([]audit.Hash, n)
		for i := range f.Hashes {
			copy(f.Hashes[i][:], b[i*len(audit.Hash{}):])
		}
	}
	return f
}

func frontierBytes(f audit.Frontier) []byte {
	b := make([]byte, 0, len(f.Hashes)*len(audit.Hash{}))
	for _, h := range f.Hashes {
		b = append(b, h[:]...)
	}
	return b
}

func (t *txn) scanLast(rows pgx.Rows) error {
	cs, err := checkpoints(rows)
	if err != nil {
		return err
	}
	t.last, t.lastKnown = nil, true
	if len(cs) > 0 {
		t.last = &cs[0]
	}
	return nil
}

// hashDst scans a BYTEA into a Hash, copying what fits.
type hashDst audit.Hash

// ScanBytes implements pgtype.BytesScanner.
func (h *hashDst) ScanBytes(b []byte) error {
	*h = hashDst{}
	copy(h[:], b)
	return nil
}

// end rolls back what is not committed and gives the connection back.
// A connection left inside a transaction, as when the context ended, is
// closed by the pool, which rolls it back too.
func (t *txn) end() {
	if t.conn == nil {
		return
	}
	c := t.conn
	t.conn = nil
	if pc := c.Conn().PgConn(); !pc.IsClosed() && !pc.IsBusy() && pc.TxStatus() != 'I' && t.ctx.Err() == nil {
		ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
		_, _ = c.Exec(ctx, `ROLLBACK`)
		cancel()
	}
	c.Release()
}

func (t *txn) live() error {
	if t.conn == nil {
		return fmt.Errorf("postgres audit: %w", errDone)
	}
	return nil
}

// commit sends what is pending, the state and COMMIT in one round trip.
func (t *txn) commit() error {
	if err := t.flush(true); err != nil {
		return err
	}
	t.end()
	return nil
}

// flush sends the pending records, in one statement, and, when commit,
// the state and the commit, all in one round trip.
func (t *txn) flush(commit bool) error {
	if err := t.live(); err != nil {
		return err
	}
	if len(t.pending) == 0 && !commit {
		return nil
	}
	b := &pgx.Batch{}
	if len(t.pending) > 0 {
		b.Queue(t.s.q.insert, arrays(t.pending)...)
	}
	if commit && t.dirty {
		st := &t.st
		b.Queue(t.s.q.writeState, int64(st.head.Seq), st.head.Hash[:], int64(st.base.Seq), st.base.Hash[:],
			int64(st.base.Frontier.Size), frontierBytes(st.base.Frontier), int64(st.frontier.Size), frontierBytes(st.frontier))
	}
	if commit {
		b.Queue(`COMMIT`)
	}
	br := t.conn.SendBatch(t.ctx, b)
	step := func(what string) error {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return wrap(t.ctx, what, err)
		}
		return nil
	}
	if n := len(t.pending); n > 0 {
		what := fmt.Sprintf("insert record %d", t.pending[0].Seq)
		if n > 1 {
			what = fmt.Sprintf("insert records %d to %d", t.pending[0].Seq, t.pending[n-1].Seq)
		}
		if err := step(what); err != nil {
			return err
		}
	}
	if commit && t.dirty {
		if err := step("write the state"); err != nil {
			return err
		}
	}
	if commit {
		if err := step("commit"); err != nil {
			return err
		}
	}
	if err := br.Close(); err != nil {
		return wrap(t.ctx, "commit", err)
	}
	clear(t.pending)
	t.pending, t.pendingBytes = t.pending[:0], 0
	if commit {
		t.dirty = false
	}
	return nil
}

// arrays are the arguments of statements.insert: one array per column.
func arrays(rs []audit.Record) []any {
	n := len(rs)
	var (
		seq, us, latency = make([]int64, n), make([]int64, n), make([]int64, n)
		prev, hash, mac  = make([][]byte, n), make([][]byte, n), make([][]byte, n)
		cols             [13][]string
	)
	for i := range cols {
		cols[i] = make([]string, n)
	}
	for i := range rs {
		r := &rs[i]
		seq[i], us[i], latency[i] = int64(r.Seq), r.Time.UnixMicro(), r.LatencyUS
		prev[i], hash[i], mac[i] = r.Prev[:], r.Hash[:], r.MAC[:]
		for j, v := range texts(r) {
			cols[j][i] = v
		}
	}
	return []any{seq, us, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7],
		cols[8], cols[9], cols[10], cols[11], latency, cols[12], prev, hash, mac}
}

// texts are a record's TEXT columns, in the order of columns.
func texts(r *audit.Record) [13]string {
	return [13]string{r.EventID, r.Agent, r.Session, r.Tool, r.Phase, r.Cwd, string(r.Action), string(r.Findings),
		r.Decision, r.Rule, r.Reason, r.Policy, r.Approver}
}

// badText returns the first of r's TEXT columns that PostgreSQL cannot
// hold, or "".
func badText(r *audit.Record) string {
	type text struct{ col, v string }
	for _, c := range [...]text{{"event_id", r.EventID}, {"agent", r.Agent}, {"session", r.Session}, {"tool", r.Tool},
		{"phase", r.Phase}, {"cwd", r.Cwd}, {"decision", r.Decision}, {"rule", r.Rule}, {"reason", r.Reason},
		{"policy", r.Policy}, {"approver", r.Approver}} {
		if !utf8.ValidString(c.v) || strings.IndexByte(c.v, 0) >= 0 {
			return c.col
		}
	}
	switch {
	case !utf8.Valid(r.Action) || bytes.IndexByte(r.Action, 0) >= 0:
		return "action"
	case !utf8.Valid(r.Findings) || bytes.IndexByte(r.Findings, 0) >= 0:
		return "findings"
	}
	return ""
}

func (t *txn) Head() (audit.Head, error) {
	if err := t.live(); err != nil {
		return audit.Head{}, err
	}
	return t.st.head, nil
}

func (t *txn) Base() (audit.Base, error) {
	if err := t.live(); err != nil {
		return audit.Base{}, err
	}
	b := t.st.base
	b.Frontier = b.Frontier.Clone()
	return b, nil
}

// Frontier returns the Merkle frontier; one that does not have a hash
// for each bit of its size is an error, since extending it would panic.
func (t *txn) Frontier() (audit.Frontier, error) {
	if err := t.live(); err != nil {
		return audit.Frontier{}, err
	}
	if err := t.st.frontier.Valid(); err != nil {
		return audit.Frontier{}, fmt.Errorf("postgres audit: the stored Merkle frontier is damaged: %w", err)
	}
	return t.st.frontier.Clone(), nil
}

func (t *txn) SetHead(h audit.Head) error {
	if err := t.live(); err != nil {
		return err
	}
	if h.Seq > math.MaxInt64 {
		return fmt.Errorf("postgres audit: head %d is out of range", h.Seq)
	}
	t.st.head, t.dirty = h, true
	return nil
}

func (t *txn) SetFrontier(f audit.Frontier) error {
	if err := t.live(); err != nil {
		return err
	}
	if f.Size > math.MaxInt64 {
		return fmt.Errorf("postgres audit: frontier size %d is out of range", f.Size)
	}
	t.st.frontier, t.dirty = f.Clone(), true
	return nil
}

// Insert queues r, to be sent with the next batch: when enough are
// queued, before any read of the records, and at commit. An error
// inserting it (a duplicate Seq) comes from then; text PostgreSQL cannot
// hold is refused here.
func (t *txn) Insert(r *audit.Record) error {
	if err := t.live(); err != nil {
		return err
	}
	if r.Seq > math.MaxInt64 {
		return fmt.Errorf("postgres audit: insert record %d: out of range", r.Seq)
	}
	if col := badText(r); col != "" {
		return fmt.Errorf("postgres audit: insert record %d: its %s is not UTF-8 without NUL, which PostgreSQL's TEXT cannot hold", r.Seq, col)
	}
	t.pending = append(t.pending, *r)
	t.pendingBytes += size(r)
	if len(t.pending) >= pendingRows || t.pendingBytes >= pendingBytes {
		return t.flush(false)
	}
	return nil
}

// size is about how many bytes r takes.
func size(r *audit.Record) int {
	return 200 + len(r.EventID) + len(r.Agent) + len(r.Session) + len(r.Tool) + len(r.Phase) + len(r.Cwd) +
		len(r.Action) + len(r.Findings) + len(r.Decision) + len(r.Rule) + len(r.Reason) + len(r.Policy) + len(r.Approver)
}

func (t *txn) Archive(b audit.Base) error {
	if err := t.flush(false); err != nil {
		return err
	}
	if b.Seq > math.MaxInt64 || b.Frontier.Size > math.MaxInt64 {
		return fmt.Errorf("postgres audit: archive to %d: out of range", b.Seq)
	}
	if _, err := t.conn.Exec(t.ctx, `DELETE FROM `+t.s.q.audit+` WHERE seq <= $1`, int64(b.Seq)); err != nil {
		return wrap(t.ctx, fmt.Sprintf("archive records to %d", b.Seq), err)
	}
	b.Frontier = b.Frontier.Clone()
	t.st.base, t.dirty = b, true
	return nil
}

func (t *txn) AddCheckpoint(c audit.Checkpoint) error {
	if err := t.live(); err != nil {
		return err
	}
	if c.Size > math.MaxInt64 {
		return fmt.Errorf("postgres audit: checkpoint at %d: out of range", c.Size)
	}
	_, err := t.conn.Exec(t.ctx, `INSERT INTO `+t.s.q.checkpoints+` (size, root, head, time, note) VALUES ($1, $2, $3, $4, $5)`,
		int64(c.Size), c.Root[:], c.Head[:], c.Time.UnixMicro(), c.Note)
	if err != nil {
		return wrap(t.ctx, fmt.Sprintf("add checkpoint at %d", c.Size), err)
	}
	if t.lastKnown && (t.last == nil || c.Size > t.last.Size) {
		c.Note = append([]byte(nil), c.Note...)
		t.last = &c
	}
	return nil
}

func (t *txn) Checkpoints() ([]audit.Checkpoint, error) {
	if err := t.live(); err != nil {
		return nil, err
	}
	rows, err := t.conn.Query(t.ctx, `SELECT size, root, head, time, note FROM `+t.s.q.checkpoints+` ORDER BY size`)
	if err != nil {
		return nil, wrap(t.ctx, "read checkpoints", err)
	}
	cs, err := checkpoints(rows)
	return cs, wrap(t.ctx, "read checkpoints", err)
}

func (t *txn) LastCheckpoint() (*audit.Checkpoint, error) {
	if err := t.live(); err != nil {
		return nil, err
	}
	if !t.lastKnown {
		rows, err := t.conn.Query(t.ctx, t.s.q.lastCheckpoint)
		if err != nil {
			return nil, wrap(t.ctx, "read the last checkpoint", err)
		}
		if err := t.scanLast(rows); err != nil {
			return nil, wrap(t.ctx, "read the last checkpoint", err)
		}
	}
	if t.last == nil {
		return nil, nil
	}
	c := *t.last
	c.Note = append([]byte(nil), c.Note...)
	return &c, nil
}

// checkpoints reads rows of size, root, head, time, note and closes them.
func checkpoints(rows pgx.Rows) ([]audit.Checkpoint, error) {
	defer rows.Close()
	var out []audit.Checkpoint
	for rows.Next() {
		var c audit.Checkpoint
		var size, us int64
		if err := rows.Scan(&size, (*hashDst)(&c.Root), (*hashDst)(&c.Head), &us, &c.Note); err != nil {
			return out, err
		}
		c.Size, c.Time = uint64(size), time.UnixMicro(us).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// Scan reads the records in batches by Seq, each ended by scanRows or
// scanBytes, and calls fn on a batch once its statement is done.
func (t *txn) Scan(from uint64, fn func(*audit.Record) error) error {
	if err := t.flush(false); err != nil {
		return err
	}
	for from <= math.MaxInt64 {
		recs, cut, err := t.records(scanBytes, t.s.q.scan, int64(from), scanRows)
		if err != nil {
			return wrap(t.ctx, fmt.Sprintf("read records from %d", from), err)
		}
		for i := range recs {
			if err := fn(&recs[i]); err != nil {
				return err
			}
		}
		if len(recs) == 0 || !cut && len(recs) < scanRows {
			return nil
		}
		from = recs[len(recs)-1].Seq + 1
	}
	return nil
}

// Query returns the records that pass f, newest first unless f.Oldest,
// at most f.Limited() of them.
func (t *txn) Query(f audit.Filter) ([]audit.Record, error) {
	if err := t.flush(false); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if !f.Since.IsZero() {
		add(`time >= $?`, f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		add(`time < $?`, f.Until.UnixMicro())
	}
	for _, c := range []struct{ col, v string }{
		{"session", f.Session}, {"agent", f.Agent}, {"tool", f.Tool}, {"decision", f.Decision}, {"rule", f.Rule},
	} {
		if c.v != "" {
			add(c.col+` = $?`, c.v)
		}
	}
	if f.Finding != "" {
		// The findings are JSON as encoding/json writes it: an id is
		// "id":"<id>", with no space.
		if p, ok := strings.CutSuffix(f.Finding, "*"); ok {
			add(`strpos(findings, $?) > 0`, `"id":"`+p)
		} else {
			add(`strpos(findings, $?) > 0`, `"id":"`+f.Finding+`"`)
		}
	}
	if f.After > 0 {
		if f.After >= math.MaxInt64 {
			return nil, nil
		}
		add(`seq > $?`, int64(f.After))
	}
	if f.Before > 0 && f.Before <= math.MaxInt64 {
		add(`seq < $?`, int64(f.Before))
	}
	q := `SELECT ` + columns + ` FROM ` + t.s.q.audit
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	args = append(args, f.Limited())
	if f.Oldest {
		q += ` ORDER BY seq LIMIT $` + strconv.Itoa(len(args))
	} else {
		q += ` ORDER BY seq DESC LIMIT $` + strconv.Itoa(len(args))
	}
	recs, _, err := t.records(0, q, args...)
	if err != nil {
		return nil, wrap(t.ctx, "query records", err)
	}
	return recs, nil
}

// records runs q and reads the records it returns. When maxBytes > 0 it
// stops once they hold that much, and reports that it cut them short.
func (t *txn) records(maxBytes int, q string, args ...any) (recs []audit.Record, cut bool, err error) {
	rows, err := t.conn.Query(t.ctx, q, args...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	// The integers and hashes must be in binary; text is the same in
	// either format.
	bin := true
	for i, fd := range rows.FieldDescriptions() {
		switch i {
		case 0, 1, 14, 16, 17, 18:
			bin = bin && fd.Format == pgx.BinaryFormatCode
		}
	}
	n := 0
	for rows.Next() {
		recs = append(recs, audit.Record{})
		r := &recs[len(recs)-1]
		if !bin || !decode(rows.RawValues(), r) {
			if err := scan(rows, r); err != nil {
				return nil, false, err
			}
		}
		if n += size(r); maxBytes > 0 && n >= maxBytes {
			// Cut short: rows.Close reads and drops the rest.
			return recs, true, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	return recs, false, nil
}

func scan(rows pgx.Rows, r *audit.Record) error {
	var seq, us int64
	var action, findings []byte
	err := rows.Scan(&seq, &us, &r.EventID, &r.Agent, &r.Session, &r.Tool, &r.Phase, &r.Cwd, &action, &findings,
		&r.Decision, &r.Rule, &r.Reason, &r.Policy, &r.LatencyUS, &r.Approver,
		(*hashDst)(&r.Prev), (*hashDst)(&r.Hash), (*hashDst)(&r.MAC))
	r.Seq, r.Time = uint64(seq), time.UnixMicro(us).UTC()
	r.Action, r.Findings = action, findings
	return err
}

// decode reads a row of columns with integers and hashes in PostgreSQL's
// binary format, as pgx asks for them, at a fraction of the cost of Scan:
// one allocation for the text and one for the JSON. It reports false when
// a value is not as expected, and Scan then reads the row.
func decode(v [][]byte, r *audit.Record) bool {
	if len(v) != 19 || len(v[0]) != 8 || len(v[1]) != 8 || len(v[14]) != 8 {
		return false
	}
	r.Seq = binary.BigEndian.Uint64(v[0])
	r.Time = time.UnixMicro(int64(binary.BigEndian.Uint64(v[1]))).UTC()
	r.LatencyUS = int64(binary.BigEndian.Uint64(v[14]))
	texts := [...]struct {
		dst *string
		i   int
	}{{&r.EventID, 2}, {&r.Agent, 3}, {&r.Session, 4}, {&r.Tool, 5}, {&r.Phase, 6}, {&r.Cwd, 7},
		{&r.Decision, 10}, {&r.Rule, 11}, {&r.Reason, 12}, {&r.Policy, 13}, {&r.Approver, 15}}
	var sb strings.Builder
	n := 0
	for _, c := range texts {
		n += len(v[c.i])
	}
	sb.Grow(n)
	for _, c := range texts {
		sb.Write(v[c.i])
	}
	all, at := sb.String(), 0
	for _, c := range texts {
		*c.dst = all[at : at+len(v[c.i])]
		at += len(v[c.i])
	}
	js := make([]byte, len(v[8])+len(v[9]))
	n = copy(js, v[8])
	copy(js[n:], v[9])
	r.Action, r.Findings = js[:n:n], js[n:]
	copy(r.Prev[:], v[16])
	copy(r.Hash[:], v[17])
	copy(r.MAC[:], v[18])
	return true
}
