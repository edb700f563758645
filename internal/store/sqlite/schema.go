package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
)

// saltSize is the length of the fingerprint salt.
const saltSize = 32

// A migration brings the schema from its position in the list to the next
// version: migrations()[i] makes version i+1. The list only ever grows;
// a released migration is never edited.
type migration struct {
	name string
	up   func(ctx context.Context, tx *sql.Tx) error
}

// migrations returns the schema's history. It is a function, not a
// variable, so that nothing at package level can be changed.
func migrations() []migration {
	return []migration{
		{"initial schema", migrate1},
		{"tallies kept by the store, not by triggers", migrate2},
		{"audit log", migrate3},
	}
}

// schema1 is the initial schema. Times are Unix nanoseconds, 0 for none.
// Rows of labels, fingerprints and decisions do not need a sessions row:
// a decision may be recorded before its session is touched.
const schema1 = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
	id            TEXT PRIMARY KEY,
	agent         TEXT NOT NULL,
	cwd           TEXT NOT NULL,
	synthetic     INTEGER NOT NULL,
	created       INTEGER NOT NULL,
	seen          INTEGER NOT NULL,
	events        INTEGER NOT NULL,
	status        TEXT NOT NULL DEFAULT 'active',
	change_reason TEXT,
	change_by     TEXT,
	change_at     INTEGER -- NULL until a person changes the status
) WITHOUT ROWID;
CREATE INDEX sessions_by_seen ON sessions (seen);
CREATE INDEX sessions_by_agent ON sessions (agent, seen);

CREATE TABLE agents (
	agent      TEXT PRIMARY KEY,
	status     TEXT NOT NULL,
	reason     TEXT NOT NULL,
	changed_by TEXT NOT NULL,
	at         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE labels (
	session  TEXT NOT NULL,
	name     TEXT NOT NULL,
	event_id TEXT NOT NULL,
	tool     TEXT NOT NULL,
	source   TEXT NOT NULL,
	at       INTEGER NOT NULL,
	PRIMARY KEY (session, name, event_id)
) WITHOUT ROWID;

CREATE TABLE fingerprints (
	session  TEXT NOT NULL,
	sum      BLOB NOT NULL CHECK (length(sum) = 16),
	event_id TEXT NOT NULL,
	tool     TEXT NOT NULL,
	kind     TEXT NOT NULL,
	at       INTEGER NOT NULL,
	PRIMARY KEY (session, sum)
) WITHOUT ROWID;

CREATE TABLE counters (
	key TEXT PRIMARY KEY,
	tat INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX counters_by_tat ON counters (tat);

CREATE TABLE decisions (
	id       INTEGER PRIMARY KEY,
	session  TEXT NOT NULL,
	at       INTEGER NOT NULL,
	event_id TEXT NOT NULL,
	phase    TEXT NOT NULL,
	tool     TEXT NOT NULL,
	kind     TEXT NOT NULL,
	decision TEXT NOT NULL,
	rule     TEXT NOT NULL,
	reason   TEXT NOT NULL,
	digest   TEXT NOT NULL
);
CREATE INDEX decisions_by_session ON decisions (session, at);
CREATE INDEX decisions_by_digest ON decisions (session, digest, at);

-- How many fingerprints and decisions each session holds, kept by
-- triggers so that the caps cost one lookup, not a count.
CREATE TABLE tallies (
	session      TEXT PRIMARY KEY,
	fingerprints INTEGER NOT NULL DEFAULT 0,
	decisions    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER fingerprints_insert AFTER INSERT ON fingerprints BEGIN
	INSERT INTO tallies (session, fingerprints) VALUES (NEW.session, 1)
		ON CONFLICT (session) DO UPDATE SET fingerprints = fingerprints + 1;
END;
CREATE TRIGGER fingerprints_delete AFTER DELETE ON fingerprints BEGIN
	UPDATE tallies SET fingerprints = fingerprints - 1 WHERE session = OLD.session;
END;
CREATE TRIGGER decisions_insert AFTER INSERT ON decisions BEGIN
	INSERT INTO tallies (session, decisions) VALUES (NEW.session, 1)
		ON CONFLICT (session) DO UPDATE SET decisions = decisions + 1;
END;
CREATE TRIGGER decisions_delete AFTER DELETE ON decisions BEGIN
	UPDATE tallies SET decisions = decisions - 1 WHERE session = OLD.session;
END;
`

// migrate1 creates the initial schema and the salt.
func migrate1(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, schema1); err != nil {
		return err
	}
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("make salt: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('salt', ?)`, salt)
	return err
}

// migrate2 drops the triggers that kept the tallies; the store keeps them
// itself, in the transaction that adds or deletes the rows they count.
// Every connection parsed the triggers when it read the schema (a quarter
// of the schema's parsing), and every statement that inserted into
// fingerprints or decisions compiled its trigger as a subprogram. The
// tallies the triggers kept are right and stay.
func migrate2(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `
		DROP TRIGGER fingerprints_insert;
		DROP TRIGGER fingerprints_delete;
		DROP TRIGGER decisions_insert;
		DROP TRIGGER decisions_delete;`)
	return err
}

// migrate brings the schema to version target in one write transaction.
// Several processes may do this at once: the first to take the write lock
// migrates, and the others find the work done.
func (s *Store) migrate(ctx context.Context, ms []migration, target int) error {
	release, err := s.lockWriters(ctx)
	if err != nil {
		return err
	}
	defer release()
	var tx *sql.Tx
	// BEGIN IMMEDIATE: the DSN sets _txlock=immediate.
	err = s.whileBusy(ctx, "begin migration", func() (err error) {
		tx, err = s.db.BeginTx(ctx, nil)
		return err
	})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return s.wrap(ctx, "read schema version", err)
	}
	if v > len(ms) {
		return fmt.Errorf("state database %s: %w (schema version %d, this ward knows up to %d); upgrade ward",
			s.path, ErrTooNew, v, len(ms))
	}
	if v >= target {
		return nil
	}
	for i := v; i < target; i++ {
		if err := ms[i].up(ctx, tx); err != nil {
			return s.wrap(ctx, fmt.Sprintf("migration %d (%s)", i+1, ms[i].name), err)
		}
	}
	// PRAGMA takes no parameters; target is an int.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, target)); err != nil {
		return s.wrap(ctx, "set schema version", err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(ctx, "commit migration", err)
	}
	return nil
}
