package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A migration brings the schema from its position in the list to the
// next version: migrations()[i] makes version i+1. The list only ever
// grows; a released migration is never edited. Its SQL names tables as
// {schema}.name.
type migration struct {
	name string
	sql  string
}

// migrations returns the schema's history. It is a function, not a
// variable, so that nothing at package level can be changed.
func migrations() []migration {
	return []migration{
		{"audit log", schema1},
	}
}

// schema1 is the audit log. Times are Unix microseconds. The text of a
// record is TEXT, never json or jsonb, which would normalise it and so
// change what its hash covers. audit_state has exactly one row: the
// head, the base, and the Merkle frontiers, hashes concatenated.
const schema1 = `
CREATE TABLE {schema}.audit (
	seq        BIGINT PRIMARY KEY,
	time       BIGINT NOT NULL,
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
	latency_us BIGINT NOT NULL,
	approver   TEXT NOT NULL,
	prev       BYTEA NOT NULL,
	hash       BYTEA NOT NULL,
	mac        BYTEA NOT NULL
);
CREATE INDEX audit_by_session ON {schema}.audit (session, seq);
CREATE INDEX audit_by_time ON {schema}.audit (time);
CREATE INDEX audit_by_agent ON {schema}.audit (agent, seq);
CREATE INDEX audit_by_decision ON {schema}.audit (decision, seq);
CREATE INDEX audit_by_rule ON {schema}.audit (rule, seq);

CREATE TABLE {schema}.audit_checkpoints (
	size BIGINT PRIMARY KEY,
	root BYTEA NOT NULL,
	head BYTEA NOT NULL,
	time BIGINT NOT NULL,
	note BYTEA NOT NULL
);

CREATE TABLE {schema}.audit_state (
	id                 SMALLINT PRIMARY KEY CHECK (id = 1),
	head_seq           BIGINT NOT NULL,
	head_hash          BYTEA NOT NULL,
	base_seq           BIGINT NOT NULL,
	base_hash          BYTEA NOT NULL,
	base_frontier_size BIGINT NOT NULL,
	base_frontier      BYTEA NOT NULL,
	frontier_size      BIGINT NOT NULL,
	frontier           BYTEA NOT NULL
);
INSERT INTO {schema}.audit_state VALUES
	(1, 0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'), 0, '', 0, '');
`

// migrateLockClass is the first key of the advisory lock that Open takes
// to migrate; the second is the hash of the schema's name.
const migrateLockClass = 0x77617264 // "ward"

// migrate brings the schema to the newest version. Several processes may
// do this at once: the first to take the advisory lock migrates, and the
// others find the work done. A schema already current costs one query.
func (s *Store) migrate(ctx context.Context) error {
	ms := migrations()
	v, err := s.version(ctx, s.pool)
	switch {
	case err == nil && v == len(ms):
		return nil
	case err == nil && v > len(ms):
		return s.tooNew(v)
	case err != nil && !missing(err):
		return wrap(ctx, "read schema version", err)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(ctx, "begin migration", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int4, hashtext($2))`, migrateLockClass, s.schema); err != nil {
		return wrap(ctx, "lock for migration", err)
	}
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, s.schema).Scan(&exists); err != nil {
		return wrap(ctx, "look for schema", err)
	}
	if !exists {
		if _, err := tx.Exec(ctx, `CREATE SCHEMA `+s.q.schema); err != nil {
			return wrap(ctx, "create schema "+s.schema, err)
		}
	}
	_, err = tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+s.q.schema+`.ward_schema (
		version INTEGER PRIMARY KEY,
		name    TEXT NOT NULL,
		applied BIGINT NOT NULL -- Unix microseconds
	)`)
	if err != nil {
		return wrap(ctx, "create ward_schema", err)
	}
	if v, err = s.version(ctx, tx); err != nil {
		return wrap(ctx, "read schema version", err)
	}
	if v > len(ms) {
		return s.tooNew(v)
	}
	for i := v; i < len(ms); i++ {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(ms[i].sql, "{schema}", s.q.schema)); err != nil {
			return wrap(ctx, fmt.Sprintf("migration %d (%s)", i+1, ms[i].name), err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+s.q.schema+`.ward_schema (version, name, applied) VALUES ($1, $2, $3)`,
			i+1, ms[i].name, time.Now().UnixMicro())
		if err != nil {
			return wrap(ctx, fmt.Sprintf("record migration %d", i+1), err)
		}
	}
	return wrap(ctx, "commit migration", tx.Commit(ctx))
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Store) version(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+s.q.schema+`.ward_schema`).Scan(&v)
	return v, err
}

func (s *Store) tooNew(v int) error {
	return fmt.Errorf("postgres audit: schema %s: %w (version %d, this ward knows up to %d); upgrade ward",
		s.schema, ErrTooNew, v, len(migrations()))
}

// missing reports whether err says the schema or ward_schema is not
// there yet.
func missing(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "42P01" || pe.Code == "3F000") // undefined_table, invalid_schema_name
}

// statements are the SQL texts the store runs often, with its schema's
// tables named.
type statements struct {
	schema         string // quoted
	audit          string // schema.audit, quoted
	checkpoints    string
	state          string
	readState      string
	lockState      string
	makeState      string
	writeState     string
	insert         string
	scan           string
	lastCheckpoint string
}

// columns are the audit table's, in the order record reads them.
const columns = `seq, time, event_id, agent, session, tool, phase, cwd, action, findings,
	decision, rule, reason, policy, latency_us, approver, prev, hash, mac`

const stateColumns = `head_seq, head_hash, base_seq, base_hash, base_frontier_size, base_frontier, frontier_size, frontier`

func makeStatements(schema string) statements {
	q := statements{
		schema:      schema,
		audit:       schema + ".audit",
		checkpoints: schema + ".audit_checkpoints",
		state:       schema + ".audit_state",
	}
	q.readState = `SELECT ` + stateColumns + ` FROM ` + q.state + ` WHERE id = 1`
	q.lockState = q.readState + ` FOR UPDATE`
	q.makeState = `INSERT INTO ` + q.state + ` VALUES
		(1, 0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'), 0, '', 0, '')
		ON CONFLICT (id) DO NOTHING`
	q.writeState = `UPDATE ` + q.state + ` SET head_seq = $1, head_hash = $2, base_seq = $3, base_hash = $4,
		base_frontier_size = $5, base_frontier = $6, frontier_size = $7, frontier = $8 WHERE id = 1`
	// Records go in as one array per column, any number in one
	// statement: several times faster than a statement each.
	q.insert = `INSERT INTO ` + q.audit + ` (` + columns + `)
		SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int8[],
			$16::text[], $17::bytea[], $18::bytea[], $19::bytea[])`
	q.scan = `SELECT ` + columns + ` FROM ` + q.audit + ` WHERE seq >= $1 ORDER BY seq LIMIT $2`
	q.lastCheckpoint = `SELECT size, root, head, time, note FROM ` + q.checkpoints + ` ORDER BY size DESC LIMIT 1`
	return q
}
