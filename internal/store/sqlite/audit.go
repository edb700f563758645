package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/session"
)

// The audit log lives in the state database (migration 3): the table
// audit holds the records, audit_checkpoints the signed checkpoints, and
// the meta row 'audit.state' the head, the base and the Merkle frontier.
// A hook appends its decision's record in the same transaction as the
// session update, so a decision is recorded exactly when its effects on
// the session are.

// Audit returns the audit log kept in the database.
func (s *Store) Audit() audit.Backend { return auditLog{s} }

type auditLog struct{ s *Store }

func (l auditLog) Update(ctx context.Context, fn func(audit.Tx) error) error {
	return l.s.Update(ctx, func(tx session.Tx) error { return fn(tx.(*txn)) })
}

func (l auditLog) View(ctx context.Context, fn func(audit.Reader) error) error {
	return l.s.View(ctx, func(tx session.Tx) error { return fn(tx.(*txn)) })
}

var _ audit.Tx = (*txn)(nil)

// auditState is the meta row 'audit.state'.
type auditState struct {
	Head     audit.Head     `json:"head"`
	Base     audit.Base     `json:"base"`
	Frontier audit.Frontier `json:"frontier"`
}

// state reads the audit state, once per transaction.
func (t *txn) state() (*auditState, error) {
	if t.audit != nil {
		return t.audit, nil
	}
	var raw []byte
	found, err := t.row(`SELECT value FROM meta WHERE key = 'audit.state'`, nil, &raw)
	if err != nil {
		return nil, t.wrap("read audit state", err)
	}
	st := &auditState{}
	if found {
		if err := json.Unmarshal(raw, st); err != nil {
			return nil, fmt.Errorf("state database %s: audit state: %w: %v", t.s.path, ErrCorrupt, err)
		}
	}
	t.audit = st
	return st, nil
}

// changed marks the audit state to be written at commit.
func (t *txn) changed(what string) error {
	if err := t.writable(what); err != nil {
		return err
	}
	t.auditDirty = true
	return nil
}

// flushAudit writes the audit state if the transaction changed it.
func (t *txn) flushAudit() error {
	if !t.auditDirty {
		return nil
	}
	raw, err := json.Marshal(t.audit)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO meta (key, value) VALUES ('audit.state', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, raw)
	return t.failed("write audit state", err)
}

func (t *txn) Head() (audit.Head, error) {
	st, err := t.state()
	if err != nil {
		return audit.Head{}, err
	}
	return st.Head, nil
}

func (t *txn) Base() (audit.Base, error) {
	st, err := t.state()
	if err != nil {
		return audit.Base{}, err
	}
	return st.Base, nil
}

func (t *txn) Frontier() (audit.Frontier, error) {
	st, err := t.state()
	if err != nil {
		return audit.Frontier{}, err
	}
	return st.Frontier.Clone(), nil
}

func (t *txn) SetHead(h audit.Head) error {
	st, err := t.state()
	if err != nil {
		return err
	}
	if err := t.changed("write audit head"); err != nil {
		return err
	}
	st.Head = h
	return nil
}

func (t *txn) SetFrontier(f audit.Frontier) error {
	st, err := t.state()
	if err != nil {
		return err
	}
	if err := t.changed("write audit tree"); err != nil {
		return err
	}
	st.Frontier = f.Clone()
	return nil
}

func (t *txn) Archive(b audit.Base) error {
	if err := t.writable("archive audit records"); err != nil {
		return err
	}
	st, err := t.state()
	if err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM audit WHERE seq <= ?`, int64(b.Seq)); err != nil {
		return t.failed("archive audit records", err)
	}
	if err := t.changed("write audit base"); err != nil {
		return err
	}
	st.Base = b
	st.Base.Frontier = b.Frontier.Clone()
	return nil
}

const auditColumns = `seq, time, event_id, agent, session, tool, phase, cwd, action, findings,
	decision, rule, reason, policy, latency_us, approver, prev, hash, mac`

func (t *txn) Insert(r *audit.Record) error {
	if err := t.writable("append audit record"); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO audit (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		int64(r.Seq), r.Time.UnixMicro(), r.EventID, r.Agent, r.Session, r.Tool, r.Phase, r.Cwd,
		string(r.Action), string(r.Findings), r.Decision, r.Rule, r.Reason, r.Policy,
		r.LatencyUS, r.Approver, r.Prev[:], r.Hash[:], r.MAC[:])
	return t.failed(fmt.Sprintf("append audit record %d", r.Seq), err)
}

// scanBatch is how many records Scan reads per statement, so that a
// scan of a million records neither holds one statement open for long
// nor loads them all.
const scanBatch = 4096

func (t *txn) Scan(from uint64, fn func(*audit.Record) error) error {
	for {
		recs, err := t.records(`SELECT `+auditColumns+` FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?`, int64(from), scanBatch)
		if err != nil {
			return err
		}
		for i := range recs {
			if err := fn(&recs[i]); err != nil {
				return err
			}
		}
		if len(recs) < scanBatch {
			return nil
		}
		from = recs[len(recs)-1].Seq + 1
	}
}

func (t *txn) Query(f audit.Filter) ([]audit.Record, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if !f.Since.IsZero() {
		add(`time >= ?`, f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		add(`time < ?`, f.Until.UnixMicro())
	}
	for _, c := range []struct{ col, v string }{
		{"session", f.Session}, {"agent", f.Agent}, {"tool", f.Tool}, {"decision", f.Decision}, {"rule", f.Rule},
	} {
		if c.v != "" {
			add(c.col+` = ?`, c.v)
		}
	}
	if f.Finding != "" {
		if p, ok := strings.CutSuffix(f.Finding, "*"); ok {
			add(`instr(findings, ?) > 0`, `"id":"`+p)
		} else {
			add(`instr(findings, ?) > 0`, `"id":"`+f.Finding+`"`)
		}
	}
	if f.After > 0 {
		add(`seq > ?`, int64(f.After))
	}
	if f.Before > 0 {
		add(`seq < ?`, int64(f.Before))
	}
	q := `SELECT ` + auditColumns + ` FROM audit`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	if f.Oldest {
		q += ` ORDER BY seq LIMIT ?`
	} else {
		q += ` ORDER BY seq DESC LIMIT ?`
	}
	return t.records(q, append(args, f.Limited())...)
}

func (t *txn) records(q string, args ...any) (out []audit.Record, err error) {
	r, err := t.query(q, args...)
	if err != nil {
		return nil, t.wrap("read audit records", err)
	}
	defer func() { err = errors.Join(err, r.close()) }()
	out = make([]audit.Record, 0, 64)
	for {
		ok, err := r.next()
		if err != nil {
			return out, t.wrap("read audit records", err)
		}
		if !ok {
			return out, nil
		}
		out = append(out, auditRecord(r.vals))
	}
}

// auditRecord converts a row leniently: a value of the wrong type (the
// file was edited) becomes a zero value, which Verify then reports as a
// changed record rather than failing to read the log.
func auditRecord(v []driver.Value) audit.Record {
	var r audit.Record
	r.Seq = uint64(asInt(v[0]))
	r.Time = time.UnixMicro(asInt(v[1])).UTC()
	for i, p := range []*string{&r.EventID, &r.Agent, &r.Session, &r.Tool, &r.Phase, &r.Cwd} {
		*p = asText(v[2+i])
	}
	r.Action = asBytes(v[8])
	r.Findings = asBytes(v[9])
	for i, p := range []*string{&r.Decision, &r.Rule, &r.Reason, &r.Policy} {
		*p = asText(v[10+i])
	}
	r.LatencyUS = asInt(v[14])
	r.Approver = asText(v[15])
	copy(r.Prev[:], asBytes(v[16]))
	copy(r.Hash[:], asBytes(v[17]))
	copy(r.MAC[:], asBytes(v[18]))
	return r
}

func asInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// asBytes returns a column's bytes without copying a BLOB.
func asBytes(v any) []byte {
	switch x := v.(type) {
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	return nil
}

func asText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func (t *txn) Checkpoints() ([]audit.Checkpoint, error) {
	return t.checkpoints(`SELECT size, root, head, time, note FROM audit_checkpoints ORDER BY size`)
}

func (t *txn) LastCheckpoint() (*audit.Checkpoint, error) {
	cs, err := t.checkpoints(`SELECT size, root, head, time, note FROM audit_checkpoints ORDER BY size DESC LIMIT 1`)
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return &cs[0], nil
}

func (t *txn) checkpoints(q string) (out []audit.Checkpoint, err error) {
	r, err := t.query(q)
	if err != nil {
		return nil, t.wrap("read audit checkpoints", err)
	}
	defer func() { err = errors.Join(err, r.close()) }()
	for {
		ok, err := r.next()
		if err != nil {
			return out, t.wrap("read audit checkpoints", err)
		}
		if !ok {
			return out, nil
		}
		v := r.vals
		c := audit.Checkpoint{Size: uint64(asInt(v[0])), Time: time.UnixMicro(asInt(v[3])).UTC(), Note: []byte(asText(v[4]))}
		copy(c.Root[:], asText(v[1]))
		copy(c.Head[:], asText(v[2]))
		out = append(out, c)
	}
}

func (t *txn) AddCheckpoint(c audit.Checkpoint) error {
	if err := t.writable("add audit checkpoint"); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO audit_checkpoints (size, root, head, time, note) VALUES (?, ?, ?, ?, ?)`,
		int64(c.Size), c.Root[:], c.Head[:], c.Time.UnixMicro(), c.Note)
	return t.failed("add audit checkpoint", err)
}

// schema3 adds the audit log.
const schema3 = `
CREATE TABLE audit (
	seq        INTEGER PRIMARY KEY,
	time       INTEGER NOT NULL, -- Unix microseconds
	event_id   TEXT NOT NULL,
	agent      TEXT NOT NULL,
	session    TEXT NOT NULL,
	tool       TEXT NOT NULL,
	phase      TEXT NOT NULL,
	cwd        TEXT NOT NULL,
	action     TEXT NOT NULL,
	findings   TEXT NOT NULL,
	decision   TEXT NOT NULL,
	rule       TEXT NOT NULL,
	reason     TEXT NOT NULL,
	policy     TEXT NOT NULL,
	latency_us INTEGER NOT NULL,
	approver   TEXT NOT NULL,
	prev       BLOB NOT NULL,
	hash       BLOB NOT NULL,
	mac        BLOB NOT NULL
);
CREATE INDEX audit_by_session ON audit (session, seq);
CREATE INDEX audit_by_time ON audit (time);
CREATE INDEX audit_by_agent ON audit (agent, seq);
CREATE INDEX audit_by_decision ON audit (decision, seq);
CREATE INDEX audit_by_rule ON audit (rule, seq);

CREATE TABLE audit_checkpoints (
	size INTEGER PRIMARY KEY,
	root BLOB NOT NULL,
	head BLOB NOT NULL,
	time INTEGER NOT NULL,
	note BLOB NOT NULL
);
`

func migrate3(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, schema3)
	return err
}

// failed wraps err, if any, with what was being done.
func (t *txn) failed(what string, err error) error {
	if err == nil {
		return nil
	}
	return t.wrap(what, err)
}
