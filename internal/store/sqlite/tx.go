package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agentward/ward/session"
)

// Limits. Strings longer than their limit are cut (at a UTF-8 boundary),
// not refused; an id cut this way still finds its own rows, because reads
// cut ids the same way.
const (
	MaxID     = 256  // bytes of ids and names: session, event, agent, tool, label, rule, digest
	MaxText   = 1024 // bytes of reasons and label sources
	MaxCwd    = 4096 // bytes of a working directory
	MaxKey    = 1024 // bytes of a rate-limit key
	MaxSums   = 4096 // sums per Fingerprints call
	MaxAdd    = 4096 // labels per AddLabels call
	MaxList   = 1000 // sessions per Sessions call, counters per Counters call
	MaxRecent = 1000 // decisions per Recent call

	// DefaultList is how many sessions Sessions returns when the filter
	// does not say.
	DefaultList = 100
	// MaxFingerprints is how many fingerprints a session keeps. Beyond
	// it AddFingerprints drops new ones: the first sensitive values of a
	// session stay recognized; later ones are not remembered.
	MaxFingerprints = 100_000
	// MaxLabelEvents is how many events a session keeps as the provenance
	// of one label. The label itself is never dropped; events beyond the
	// first MaxLabelEvents are.
	MaxLabelEvents = 64
	// KeepDecisions is how many of its newest decisions a session keeps
	// at least. Older ones are deleted in batches of pruneDecisions.
	KeepDecisions = 1000

	pruneDecisions = 100
	pruneCounters  = 8   // expired counters deleted per Take
	sumsPerQuery   = 256 // sums per SELECT, well under SQLite's variable limit
)

// txn is a session.Tx. It keeps the context of the Update or View that made
// it: session.Tx's methods take none, and txn lives only as long as that
// call. It checks the context before each statement; the statements are
// short, and the one wait that is not (for the write lock) is in slices.
type txn struct {
	ctx   context.Context
	c     *conn // nil once the transaction is over
	s     *Store
	write bool
	audit *auditState // read on first use (audit.go)
	// auditDirty says audit was changed and is to be written at commit:
	// an append changes the head and the tree, one write for both.
	auditDirty bool
}

func (t *txn) writable(what string) error {
	if !t.write {
		return fmt.Errorf("state database %s: %s: %w", t.s.path, what, ErrReadOnly)
	}
	return nil
}

func (t *txn) wrap(what string, err error) error { return t.s.wrap(t.ctx, what, err) }

// usable fails once the transaction is over or its context is done.
func (t *txn) usable() error {
	if t.c == nil {
		return sql.ErrTxDone
	}
	return t.ctx.Err()
}

func (t *txn) exec(q string, args ...any) (int64, error) {
	if err := t.usable(); err != nil {
		return 0, err
	}
	return t.c.exec(q, args...)
}

func (t *txn) query(q string, args ...any) (*rows, error) {
	if err := t.usable(); err != nil {
		return nil, err
	}
	return t.c.query(q, args...)
}

// row runs q and scans its first row into dst; false if there is none.
func (t *txn) row(q string, args []any, dst ...any) (found bool, err error) {
	r, err := t.query(q, args...)
	if err != nil {
		return false, err
	}
	defer func() { err = errors.Join(err, r.close()) }()
	if ok, err := r.next(); !ok || err != nil {
		return false, err
	}
	return true, r.scan(dst...)
}

// Salt returns a copy of the store's salt.
func (t *txn) Salt() ([]byte, error) {
	return append([]byte(nil), t.s.salt...), nil
}

const sessionColumns = `id, agent, cwd, synthetic, created, seen, events, status, change_reason, change_by, change_at`

func scanSession(r *rows) (session.Info, error) {
	var (
		in            session.Info
		created, seen int64
		status        string
		reason, by    sql.NullString
		at            sql.NullInt64
	)
	err := r.scan(&in.ID, &in.Agent, &in.Cwd, &in.Synthetic, &created, &seen, &in.Events, &status, &reason, &by, &at)
	if err != nil {
		return in, err
	}
	in.Created, in.Seen, in.Status = fromNanos(created), fromNanos(seen), session.Status(status)
	if at.Valid {
		in.Change = &session.Change{Status: in.Status, Reason: reason.String, By: by.String, At: fromNanos(at.Int64)}
	}
	return in, nil
}

// Session returns a session, or an error wrapping session.ErrNotFound.
func (t *txn) Session(id string) (session.Info, error) {
	id = clip(id, MaxID)
	out, err := t.sessions(`SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id)
	if err != nil {
		return session.Info{}, t.wrap("read session", err)
	}
	if len(out) == 0 {
		return session.Info{}, fmt.Errorf("session %q: %w", id, session.ErrNotFound)
	}
	return out[0], nil
}

// Sessions lists sessions, most recently seen first: at most f.Limit,
// DefaultList if that is 0 or less, MaxList at most.
func (t *txn) Sessions(f session.Filter) ([]session.Info, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultList
	}
	limit = min(limit, MaxList)
	var (
		where []string
		args  []any
	)
	if f.Agent != "" {
		where = append(where, `agent = ?`)
		args = append(args, clip(f.Agent, MaxID))
	}
	if f.Status != "" {
		where = append(where, `status = ?`)
		args = append(args, string(f.Status))
	}
	if !f.Since.IsZero() {
		where = append(where, `seen >= ?`)
		args = append(args, nanos(f.Since))
	}
	q := `SELECT ` + sessionColumns + ` FROM sessions`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY seen DESC, id DESC LIMIT ?`
	args = append(args, limit)
	out, err := t.sessions(q, args...)
	if err != nil {
		return nil, t.wrap("list sessions", err)
	}
	return out, nil
}

func (t *txn) sessions(q string, args ...any) (out []session.Info, err error) {
	r, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, r.close()) }()
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return out, err
		}
		in, err := scanSession(r)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
}

// Touch creates the session or marks it seen with one more event. An
// empty agent or cwd keeps the one recorded; seen never goes back in time;
// synthetic is the one given when the session was created. A zero at
// means now.
func (t *txn) Touch(id, agent, cwd string, synthetic bool, at time.Time) error {
	if err := t.writable("touch session"); err != nil {
		return err
	}
	if at.IsZero() {
		at = t.s.now()
	}
	n := nanos(at)
	_, err := t.exec(`
		INSERT INTO sessions (id, agent, cwd, synthetic, created, seen, events)
		VALUES (?, ?, ?, ?, ?, ?, 1)
		ON CONFLICT (id) DO UPDATE SET
			agent = iif(excluded.agent = '', agent, excluded.agent),
			cwd = iif(excluded.cwd = '', cwd, excluded.cwd),
			seen = max(seen, excluded.seen),
			events = events + 1`,
		clip(id, MaxID), clip(agent, MaxID), clip(cwd, MaxCwd), synthetic, n, n)
	if err != nil {
		return t.wrap("touch session", err)
	}
	return nil
}

// change checks c and fills in its defaults: an empty status is Active, a
// zero time is now.
func (t *txn) change(c session.Change) (session.Change, error) {
	if c.Status == "" {
		c.Status = session.Active
	}
	if !c.Status.Valid() {
		return c, fmt.Errorf("unknown session status %q", c.Status)
	}
	if c.At.IsZero() {
		c.At = t.s.now()
	}
	c.Reason, c.By = clip(c.Reason, MaxText), clip(c.By, MaxID)
	return c, nil
}

// SetStatus records a status change, or returns an error wrapping
// session.ErrNotFound.
func (t *txn) SetStatus(id string, c session.Change) error {
	if err := t.writable("set session status"); err != nil {
		return err
	}
	c, err := t.change(c)
	if err != nil {
		return err
	}
	id = clip(id, MaxID)
	n, err := t.exec(`UPDATE sessions SET status = ?, change_reason = ?, change_by = ?, change_at = ? WHERE id = ?`,
		string(c.Status), c.Reason, c.By, nanos(c.At), id)
	if err != nil {
		return t.wrap("set session status", err)
	}
	if n == 0 {
		return fmt.Errorf("set status of session %q: %w", id, session.ErrNotFound)
	}
	return nil
}

// AgentStatus returns the status set for every session of an agent, or nil.
func (t *txn) AgentStatus(agent string) (*session.Change, error) {
	var (
		c          session.Change
		status     string
		at         int64
		reason, by string
	)
	found, err := t.row(`SELECT status, reason, changed_by, at FROM agents WHERE agent = ?`,
		[]any{clip(agent, MaxID)}, &status, &reason, &by, &at)
	if err != nil {
		return nil, t.wrap("read agent status", err)
	}
	if !found {
		return nil, nil
	}
	c.Status, c.Reason, c.By, c.At = session.Status(status), reason, by, fromNanos(at)
	return &c, nil
}

// SetAgentStatus sets the status of every session of an agent.
func (t *txn) SetAgentStatus(agent string, c session.Change) error {
	if err := t.writable("set agent status"); err != nil {
		return err
	}
	c, err := t.change(c)
	if err != nil {
		return err
	}
	_, err = t.exec(`
		INSERT INTO agents (agent, status, reason, changed_by, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (agent) DO UPDATE SET
			status = excluded.status, reason = excluded.reason,
			changed_by = excluded.changed_by, at = excluded.at`,
		clip(agent, MaxID), string(c.Status), c.Reason, c.By, nanos(c.At))
	if err != nil {
		return t.wrap("set agent status", err)
	}
	return nil
}

// Labels returns a session's labels with their provenance, oldest first.
// A session holds at most MaxLabelEvents rows per label name.
func (t *txn) Labels(id string) ([]session.Label, error) {
	out, err := t.labels(clip(id, MaxID))
	if err != nil {
		return nil, t.wrap("read labels", err)
	}
	return out, nil
}

func (t *txn) labels(id string) (out []session.Label, err error) {
	r, err := t.query(`SELECT name, event_id, tool, source, at FROM labels WHERE session = ? ORDER BY at, name, event_id`, id)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, r.close()) }()
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return out, err
		}
		var (
			l  session.Label
			at int64
		)
		if err := r.scan(&l.Name, &l.EventID, &l.Tool, &l.Source, &at); err != nil {
			return nil, err
		}
		l.At = fromNanos(at)
		out = append(out, l)
	}
}

// AddLabels adds labels to a session. A label already recorded for the
// same event keeps its first record; a label that already has
// MaxLabelEvents events keeps those and drops the new one. A zero At
// means now. At most MaxAdd labels per call.
func (t *txn) AddLabels(id string, ls []session.Label) error {
	if err := t.writable("add labels"); err != nil {
		return err
	}
	if len(ls) > MaxAdd {
		return fmt.Errorf("add labels: %d labels, at most %d per call", len(ls), MaxAdd)
	}
	id = clip(id, MaxID)
	for _, l := range ls {
		if l.Name == "" {
			return errors.New("add labels: label without a name")
		}
		at := l.At
		if at.IsZero() {
			at = t.s.now()
		}
		name := clip(l.Name, MaxID)
		_, err := t.exec(`
			INSERT OR IGNORE INTO labels (session, name, event_id, tool, source, at)
			SELECT ?1, ?2, ?3, ?4, ?5, ?6
			WHERE (SELECT count(*) FROM labels WHERE session = ?1 AND name = ?2) < ?7`,
			id, name, clip(l.EventID, MaxID), clip(l.Tool, MaxID), clip(l.Source, MaxText), nanos(at), t.s.lim.labelEvents)
		if err != nil {
			return t.wrap("add labels", err)
		}
	}
	return nil
}

// Fingerprints returns the fingerprints of a session among sums, in the
// order of sums (each once). At most MaxSums sums per call.
func (t *txn) Fingerprints(id string, sums []session.Sum) ([]session.Fingerprint, error) {
	if len(sums) > MaxSums {
		return nil, fmt.Errorf("read fingerprints: %d sums, at most %d per call", len(sums), MaxSums)
	}
	if len(sums) == 0 {
		return nil, nil
	}
	id = clip(id, MaxID)
	found := make(map[session.Sum]session.Fingerprint)
	args := make([]any, 0, 1+min(sumsQuery(len(sums)), sumsPerQuery))
	for start := 0; start < len(sums); start += sumsPerQuery {
		chunk := sums[start:min(start+sumsPerQuery, len(sums))]
		// The IN list has one of a few lengths (sumsQuery), so that the
		// statements a connection keeps stay few; NULLs fill it, and
		// match nothing.
		n := sumsQuery(len(chunk))
		args = append(args[:0], id)
		for i := range n {
			if i < len(chunk) {
				args = append(args, chunk[i][:])
			} else {
				args = append(args, nil)
			}
		}
		q := `SELECT sum, event_id, tool, kind, at FROM fingerprints WHERE session = ? AND sum IN (?` +
			strings.Repeat(`, ?`, n-1) + `)`
		if err := t.readFingerprints(q, args, found); err != nil {
			return nil, t.wrap("read fingerprints", err)
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	out := make([]session.Fingerprint, 0, len(found))
	for _, s := range sums {
		if f, ok := found[s]; ok {
			out = append(out, f)
			delete(found, s)
		}
	}
	return out, nil
}

// sumsQuery is the length of the IN list that asks for n sums (0 < n <=
// sumsPerQuery): the least power of two that holds them. Padding costs
// the driver binding and SQLite sorting the extra NULLs, so the lengths
// are not coarser than that.
func sumsQuery(n int) int {
	q := 1
	for q < n {
		q *= 2
	}
	return min(q, sumsPerQuery)
}

func (t *txn) readFingerprints(q string, args []any, found map[session.Sum]session.Fingerprint) (err error) {
	r, err := t.query(q, args...)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, r.close()) }()
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return err
		}
		var (
			f   session.Fingerprint
			sum []byte
			at  int64
		)
		if err := r.scan(&sum, &f.EventID, &f.Tool, &f.Kind, &at); err != nil {
			return err
		}
		if len(sum) != session.SumSize {
			return fmt.Errorf("%w: sum of %d bytes", ErrCorrupt, len(sum))
		}
		copy(f.Sum[:], sum)
		f.At = fromNanos(at)
		found[f.Sum] = f
	}
}

// AddFingerprints records fingerprints. A sum already recorded keeps its
// first event. A session holds at most MaxFingerprints; beyond that new
// sums are dropped without an error. A zero At means now.
func (t *txn) AddFingerprints(id string, fs []session.Fingerprint) error {
	if err := t.writable("add fingerprints"); err != nil {
		return err
	}
	if len(fs) == 0 {
		return nil
	}
	id = clip(id, MaxID)
	n, err := t.tally(id, "fingerprints")
	if err != nil {
		return t.wrap("add fingerprints", err)
	}
	limit := t.s.lim.fingerprints
	added := 0
	for _, f := range fs {
		if n+added >= limit {
			break
		}
		at := f.At
		if at.IsZero() {
			at = t.s.now()
		}
		k, err := t.exec(`INSERT OR IGNORE INTO fingerprints (session, sum, event_id, tool, kind, at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, f.Sum[:], clip(f.EventID, MaxID), clip(f.Tool, MaxID), clip(f.Kind, MaxID), nanos(at))
		if err != nil {
			return t.wrap("add fingerprints", err)
		}
		added += int(k)
	}
	if added == 0 {
		return nil
	}
	_, err = t.exec(`
		INSERT INTO tallies (session, fingerprints) VALUES (?, ?)
		ON CONFLICT (session) DO UPDATE SET fingerprints = fingerprints + excluded.fingerprints`, id, added)
	if err != nil {
		return t.wrap("add fingerprints", err)
	}
	return nil
}

// CountFingerprints returns how many fingerprints a session holds.
func (t *txn) CountFingerprints(id string) (int, error) {
	n, err := t.tally(clip(id, MaxID), "fingerprints")
	if err != nil {
		return 0, t.wrap("count fingerprints", err)
	}
	return n, nil
}

// tally reads one column of the tallies table: fingerprints or decisions.
//
// The tallies say how many fingerprints and decisions each session holds,
// so that the caps cost one lookup, not a count. The statements that add
// and delete those rows keep them, in the same transaction.
func (t *txn) tally(id, column string) (int, error) {
	var n int64
	_, err := t.row(`SELECT `+column+` FROM tallies WHERE session = ?`, []any{id}, &n)
	return int(n), err
}

// Take applies GCRA to key. With T = r.Per/r.N and tat the key's stored
// theoretical arrival time (now if it has none or it is past), one more
// event gives tat' = tat + T; it fits when tat' - now <= r.Per, and then
// tat' is stored. Otherwise retry = tat' - r.Per - now and nothing is
// stored. An empty key starts with exactly r.N events. Take also deletes a
// few counters that have expired, which are the same as no counter.
func (t *txn) Take(key string, r session.Rate, now time.Time) (bool, time.Duration, error) {
	if err := t.writable("take from rate limit"); err != nil {
		return false, 0, err
	}
	if r.N <= 0 || r.Per <= 0 {
		return false, 0, fmt.Errorf("take from rate limit %q: invalid rate %d per %v", key, r.N, r.Per)
	}
	key = clip(key, MaxKey)
	nowN := nanos(now)
	interval := max(int64(r.Per)/int64(r.N), 1)
	tat := nowN
	var stored int64
	found, err := t.row(`SELECT tat FROM counters WHERE key = ?`, []any{key}, &stored)
	if err != nil {
		return false, 0, t.wrap("take from rate limit", err)
	}
	if found && stored > tat {
		tat = stored
	}
	next := satAdd(tat, interval)
	if next-nowN > int64(r.Per) {
		return false, time.Duration(next - int64(r.Per) - nowN), nil
	}
	// Run even when nothing has expired: a statement that looks first
	// costs more (BenchmarkOpenDecision) than this one finding nothing.
	if _, err := t.exec(`
		DELETE FROM counters WHERE key IN (SELECT key FROM counters WHERE tat <= ? LIMIT ?)`,
		nowN, pruneCounters); err != nil {
		return false, 0, t.wrap("take from rate limit", err)
	}
	if _, err := t.exec(`
		INSERT INTO counters (key, tat) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET tat = excluded.tat`, key, next); err != nil {
		return false, 0, t.wrap("take from rate limit", err)
	}
	return true, 0, nil
}

// Counters returns the rate-limit state of keys with a prefix, by key, at
// most MaxList. Counters that have expired are left out: they are the same
// as none.
func (t *txn) Counters(prefix string) ([]session.Counter, error) {
	prefix = clip(prefix, MaxKey)
	q := `SELECT key, tat FROM counters WHERE tat > ? AND key >= ?`
	args := []any{nanos(t.s.now()), prefix}
	if end, ok := prefixEnd(prefix); ok {
		q += ` AND key < ?`
		args = append(args, end)
	}
	q += ` ORDER BY key LIMIT ?`
	args = append(args, MaxList)
	out, err := t.counters(q, args)
	if err != nil {
		return nil, t.wrap("read counters", err)
	}
	return out, nil
}

func (t *txn) counters(q string, args []any) (out []session.Counter, err error) {
	r, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, r.close()) }()
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return out, err
		}
		var (
			c   session.Counter
			tat int64
		)
		if err := r.scan(&c.Key, &tat); err != nil {
			return nil, err
		}
		c.TAT = fromNanos(tat)
		out = append(out, c)
	}
}

// Record keeps a decision. Each time a session passes KeepDecisions +
// pruneDecisions decisions, its oldest are deleted down to KeepDecisions.
// A zero At means now.
func (t *txn) Record(id string, r session.Record) error {
	if err := t.writable("record decision"); err != nil {
		return err
	}
	if r.At.IsZero() {
		r.At = t.s.now()
	}
	id = clip(id, MaxID)
	_, err := t.exec(`
		INSERT INTO decisions (session, at, event_id, phase, tool, kind, decision, rule, reason, digest)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, nanos(r.At), clip(r.EventID, MaxID), clip(r.Phase, MaxID), clip(r.Tool, MaxID), clip(r.Kind, MaxID),
		clip(r.Decision, MaxID), clip(r.Rule, MaxID), clip(r.Reason, MaxText), clip(r.Digest, MaxID))
	if err != nil {
		return t.wrap("record decision", err)
	}
	if _, err = t.exec(`
		INSERT INTO tallies (session, decisions) VALUES (?, 1)
		ON CONFLICT (session) DO UPDATE SET decisions = decisions + 1`, id); err != nil {
		return t.wrap("record decision", err)
	}
	n, err := t.tally(id, "decisions")
	if err != nil {
		return t.wrap("record decision", err)
	}
	if n < t.s.lim.keepDecisions+t.s.lim.pruneDecisions {
		return nil
	}
	deleted, err := t.exec(`
		DELETE FROM decisions WHERE id IN (
			SELECT id FROM decisions WHERE session = ?1 ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?2)`,
		id, t.s.lim.keepDecisions)
	if err != nil {
		return t.wrap("prune decisions", err)
	}
	if _, err := t.exec(`UPDATE tallies SET decisions = decisions - ? WHERE session = ?`, deleted, id); err != nil {
		return t.wrap("prune decisions", err)
	}
	return nil
}

// Recent returns up to n (at most MaxRecent) of a session's newest
// decisions, newest first.
func (t *txn) Recent(id string, n int) (out []session.Record, err error) {
	if n <= 0 {
		return nil, nil
	}
	out, err = t.recent(clip(id, MaxID), min(n, MaxRecent))
	if err != nil {
		return nil, t.wrap("read decisions", err)
	}
	return out, nil
}

func (t *txn) recent(id string, n int) (out []session.Record, err error) {
	r, err := t.query(`
		SELECT at, event_id, phase, tool, kind, decision, rule, reason, digest
		FROM decisions WHERE session = ? ORDER BY at DESC, id DESC LIMIT ?`, id, n)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, r.close()) }()
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return out, err
		}
		var (
			rec session.Record
			at  int64
		)
		if err := r.scan(&at, &rec.EventID, &rec.Phase, &rec.Tool, &rec.Kind, &rec.Decision, &rec.Rule, &rec.Reason, &rec.Digest); err != nil {
			return nil, err
		}
		rec.At = fromNanos(at)
		out = append(out, rec)
	}
}

// Repeats returns how many of a session's kept decisions at or after since
// had an action with this digest.
func (t *txn) Repeats(id, digest string, since time.Time) (int, error) {
	var n int64
	_, err := t.row(`SELECT count(*) FROM decisions WHERE session = ? AND digest = ? AND at >= ?`,
		[]any{clip(id, MaxID), clip(digest, MaxID), nanos(since)}, &n)
	if err != nil {
		return 0, t.wrap("count repeats", err)
	}
	return int(n), nil
}

// clip cuts s to at most n bytes, at a UTF-8 boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// prefixEnd returns the least string greater than every string with the
// prefix, and false when there is none (the prefix is empty or all 0xff).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// Times are stored as Unix nanoseconds; 0 is the zero time. Times outside
// what int64 nanoseconds can hold (years 1678 to 2262) are clamped.
const (
	minSec = math.MinInt64/int64(time.Second) + 1
	maxSec = math.MaxInt64/int64(time.Second) - 1
)

func nanos(t time.Time) int64 {
	switch sec := t.Unix(); {
	case t.IsZero():
		return 0
	case sec < minSec:
		return minSec * int64(time.Second)
	case sec > maxSec:
		return maxSec * int64(time.Second)
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// satAdd returns a+b for b >= 0, or MaxInt64 if that overflows.
func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
