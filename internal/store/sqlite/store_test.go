package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/agentward/ward/session"
)

// openT opens a store at path and closes it when the test ends.
func openT(t testing.TB, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// newT opens a store in a new temporary directory.
func newT(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	return openT(t, path, Options{}), path
}

func update(t testing.TB, s *Store, fn func(session.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, s *Store, fn func(session.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// rawDB opens the file without the store, with its own connection pool.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// holdWriteLock takes the database's write lock (BEGIN IMMEDIATE) on a
// separate connection pool and keeps it until the test ends or the
// returned function is called.
func holdWriteLock(t testing.TB, path string) (release func()) {
	t.Helper()
	db := rawDB(t, path)
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatalf("BEGIN IMMEDIATE: %v", err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			tx.Rollback()
		}
	}
	t.Cleanup(release)
	return release
}

func TestFileModes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "home", "ward")
	path := filepath.Join(dir, "state.db")
	s := openT(t, path, Options{})
	update(t, s, func(tx session.Tx) error { return tx.Touch("s1", "claude-code", "/", false, time.Time{}) })

	want := map[string]os.FileMode{
		dir:               0o700 | os.ModeDir,
		filepath.Dir(dir): 0o700 | os.ModeDir,
		path:              0o600,
		path + "-wal":     0o600,
		path + "-shm":     0o600,
	}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), mode)
		}
	}
}

func TestOpenTightensMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	openT(t, path, Options{})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestPragmas(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	ctx := context.Background()
	// One connection, so every pragma is read from the same one.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, c := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"synchronous", "1"}, // NORMAL
		{"foreign_keys", "1"},
		{"busy_timeout", fmt.Sprint(busySlice.Milliseconds())},
		{"user_version", fmt.Sprint(len(migrations()))},
	} {
		var got string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+c.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
	}
}

func TestOpenOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := Open(ctx, "", Options{}); err == nil {
		t.Error("Open with an empty path succeeded")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"), Options{BusyTimeout: -time.Second}); err == nil {
		t.Error("Open with a negative busy timeout succeeded")
	}
	// A path with characters that mean something in a URI.
	path := filepath.Join(t.TempDir(), "a?b#c%d e", "state.db")
	s := openT(t, path, Options{})
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at its path: %v", err)
	}
}

func TestSalt(t *testing.T) {
	t.Parallel()
	s1, path := newT(t)
	s2 := openT(t, path, Options{})
	var a, b []byte
	view(t, s1, func(tx session.Tx) (err error) { a, err = tx.Salt(); return })
	update(t, s2, func(tx session.Tx) (err error) { b, err = tx.Salt(); return })
	if len(a) != saltSize || bytes.Equal(a, make([]byte, saltSize)) {
		t.Fatalf("salt %x: want %d random bytes", a, saltSize)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("two stores on one file: salts %x and %x", a, b)
	}
	a[0] ^= 0xff // the caller's copy, not the store's
	var c []byte
	view(t, s1, func(tx session.Tx) (err error) { c, err = tx.Salt(); return })
	if !bytes.Equal(b, c) {
		t.Errorf("salt changed after its copy was modified")
	}
	other, _ := newT(t)
	if bytes.Equal(b, other.salt) {
		t.Errorf("two databases share salt %x", b)
	}
}

// schemaOf describes a database's schema in a form that does not depend on
// how it was reached (CREATE TABLE or ALTER TABLE): every object, every
// column of every table, every column of every index.
func schemaOf(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	type object struct{ typ, name, table string }
	var objects []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.typ, &o.name, &o.table); err != nil {
			t.Fatal(err)
		}
		objects = append(objects, o)
	}
	rows.Close()
	var out []string
	for _, o := range objects {
		out = append(out, o.typ+" "+o.name+" on "+o.table)
		var q string
		switch o.typ {
		case "table":
			q = `SELECT name || ' ' || type || ' notnull=' || "notnull" || ' default=' || ifnull(dflt_value, '-') || ' pk=' || pk
				FROM pragma_table_xinfo(?)`
		case "index":
			q = `SELECT ifnull(name, '-') || ' desc=' || "desc" || ' key=' || "key" FROM pragma_index_xinfo(?)`
		default:
			continue
		}
		cols, err := db.Query(q, o.name)
		if err != nil {
			t.Fatal(err)
		}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				t.Fatal(err)
			}
			out = append(out, "  "+c)
		}
		cols.Close()
	}
	return out
}

// seed1 is data written in the shape of schema version 1, with plain SQL
// so that it stays valid when later versions change the Go code.
const seed1 = `
INSERT INTO sessions (id, agent, cwd, synthetic, created, seen, events, status, change_reason, change_by, change_at)
	VALUES ('old', 'codex', '/w', 1, 1000, 2000, 3, 'stopped', 'why', 'alice', 1500);
INSERT INTO agents (agent, status, reason, changed_by, at) VALUES ('codex', 'killed', 'r', 'bob', 1600);
INSERT INTO labels (session, name, event_id, tool, source, at) VALUES ('old', 'untrusted', 'e1', 'WebFetch', 'web', 1100);
INSERT INTO fingerprints (session, sum, event_id, tool, kind, at)
	VALUES ('old', x'000102030405060708090a0b0c0d0e0f', 'e2', 'Bash', 'secret.x', 1200);
INSERT INTO counters (key, tat) VALUES ('session:old:l', 9223372036854775000);
INSERT INTO decisions (session, at, event_id, phase, tool, kind, decision, rule, reason, digest)
	VALUES ('old', 1300, 'e3', 'pre', 'Bash', 'shell', 'deny', 'r1', 'because', 'dg');
`

// checkSeed1 checks, through the current code, that seed1 survived.
func checkSeed1(t *testing.T, tx session.Tx) error {
	in, err := tx.Session("old")
	if err != nil {
		return err
	}
	want := session.Info{ID: "old", Agent: "codex", Cwd: "/w", Synthetic: true, Status: session.Stopped,
		Change:  &session.Change{Status: session.Stopped, Reason: "why", By: "alice", At: time.Unix(0, 1500).UTC()},
		Created: time.Unix(0, 1000).UTC(), Seen: time.Unix(0, 2000).UTC(), Events: 3}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("session after upgrade: %+v", in)
	}
	if c, err := tx.AgentStatus("codex"); err != nil || c == nil || c.Status != session.Killed {
		t.Errorf("agent status after upgrade: %+v, %v", c, err)
	}
	if ls, err := tx.Labels("old"); err != nil || len(ls) != 1 || ls[0].Source != "web" {
		t.Errorf("labels after upgrade: %+v, %v", ls, err)
	}
	sum := session.Sum{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	if fs, err := tx.Fingerprints("old", []session.Sum{sum}); err != nil || len(fs) != 1 || fs[0].EventID != "e2" {
		t.Errorf("fingerprints after upgrade: %+v, %v", fs, err)
	}
	if n, err := tx.CountFingerprints("old"); err != nil || n != 1 {
		t.Errorf("fingerprint count after upgrade: %d, %v", n, err)
	}
	if cs, err := tx.Counters("session:old:"); err != nil || len(cs) != 1 {
		t.Errorf("counters after upgrade: %+v, %v", cs, err)
	}
	if rs, err := tx.Recent("old", 10); err != nil || len(rs) != 1 || rs[0].Reason != "because" {
		t.Errorf("decisions after upgrade: %+v, %v", rs, err)
	}
	return nil
}

// checkTallies checks that the tallies say how many fingerprints and
// decisions each session holds, and that no session holding some lacks a
// tally.
func checkTallies(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`
		SELECT session, sum(f), sum(d), sum(tf), sum(td) FROM (
			SELECT session, count(*) AS f, 0 AS d, 0 AS tf, 0 AS td FROM fingerprints GROUP BY session
			UNION ALL SELECT session, 0, count(*), 0, 0 FROM decisions GROUP BY session
			UNION ALL SELECT session, 0, 0, fingerprints, decisions FROM tallies)
		GROUP BY session ORDER BY session`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id           string
			f, d, tf, td int
		)
		if err := rows.Scan(&id, &f, &d, &tf, &td); err != nil {
			t.Fatal(err)
		}
		if f != tf || d != td {
			t.Errorf("session %q: %d fingerprints and %d decisions, tallies say %d and %d", id, f, d, tf, td)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestMigrations creates a database at every version the schema has had,
// with data written at version 1, and opens it with the current code:
// every one must end at the current version with the schema of a new
// database and keep its data and salt. A new migration is tested against
// every older version by this test without changes.
func TestMigrations(t *testing.T) {
	t.Parallel()
	ms := migrations()
	fresh, _ := newT(t)
	want := schemaOf(t, fresh.db)
	ctx := context.Background()
	for from := 0; from <= len(ms); from++ {
		t.Run(fmt.Sprintf("from%d", from), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.db")
			if err := prepareFile(path); err != nil {
				t.Fatal(err)
			}
			old := &Store{db: rawDB(t, path), path: path, busy: time.Second, now: time.Now, wlock: make(chan struct{}, 1), lim: defaultLimits()}
			if err := old.enableWAL(ctx); err != nil {
				t.Fatal(err)
			}
			var salt []byte
			if from >= 1 {
				if err := old.migrate(ctx, ms, 1); err != nil {
					t.Fatalf("migrate to 1: %v", err)
				}
				if _, err := old.db.Exec(seed1); err != nil {
					t.Fatal(err)
				}
				if err := old.db.QueryRow(`SELECT value FROM meta WHERE key = 'salt'`).Scan(&salt); err != nil {
					t.Fatal(err)
				}
			}
			if err := old.migrate(ctx, ms, from); err != nil {
				t.Fatalf("migrate to %d: %v", from, err)
			}
			if v, err := old.version(ctx); err != nil || v != from {
				t.Fatalf("version %d, %v; want %d", v, err, from)
			}
			old.db.Close()

			s := openT(t, path, Options{})
			if v, err := s.version(ctx); err != nil || v != len(ms) {
				t.Errorf("after Open: version %d, %v; want %d", v, err, len(ms))
			}
			if got := schemaOf(t, s.db); !reflect.DeepEqual(got, want) {
				t.Errorf("schema after upgrading from %d differs from a new database's:\n%s\nwant:\n%s",
					from, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if from >= 1 {
				if !bytes.Equal(s.salt, salt) {
					t.Errorf("salt changed by the upgrade")
				}
				view(t, s, func(tx session.Tx) error { return checkSeed1(t, tx) })
			}
			// Since version 2 the store keeps the tallies, which version
			// 1's triggers kept: they stay right across the upgrade.
			var triggers int
			if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'`).Scan(&triggers); err != nil || triggers != 0 {
				t.Errorf("%d triggers after the upgrade (%v), want none", triggers, err)
			}
			s.lim.keepDecisions, s.lim.pruneDecisions = 3, 2
			update(t, s, func(tx session.Tx) error {
				for i := range 6 {
					for _, id := range []string{"old", "new"} {
						if err := tx.Record(id, session.Record{EventID: fmt.Sprint(i), Decision: "allow"}); err != nil {
							return err
						}
						if err := tx.AddFingerprints(id, []session.Fingerprint{{Sum: session.Sum{byte(i)}}, {Sum: session.Sum{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}}}); err != nil {
							return err
						}
					}
				}
				return nil
			})
			checkTallies(t, s.db)
			// Opening again changes nothing.
			openT(t, path, Options{})
		})
	}
}

func TestTooNew(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations())+1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, path)
	_, err = Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("Open: %v, want ErrTooNew", err)
	}
	if !strings.Contains(err.Error(), "newer ward") {
		t.Errorf("error %q does not say why", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Error("Open changed the file")
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// filled makes a database with enough data to span many pages, closes it
// (checkpointing the WAL into the file) and returns its bytes.
func filled(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "full.db")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx session.Tx) error {
		for i := range 200 {
			id := fmt.Sprintf("session-%03d", i)
			if err := tx.Touch(id, "claude-code", "/work", false, time.Unix(int64(i), 0)); err != nil {
				return err
			}
			if err := tx.Record(id, session.Record{EventID: "e", Phase: "pre", Decision: "allow", Reason: strings.Repeat("r", 500)}); err != nil {
				return err
			}
			var fs []session.Fingerprint
			for j := range 20 {
				fs = append(fs, session.Fingerprint{Sum: session.Sum{byte(i), byte(j)}, EventID: "e", Kind: "secret.x"})
			}
			if err := tx.AddFingerprints(id, fs); err != nil {
				return err
			}
		}
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("WAL still there after Close: %v", err)
	}
	return readFile(t, path)
}

// readAll reads everything the store holds.
func readAll(tx session.Tx) error {
	ss, err := tx.Sessions(session.Filter{Limit: MaxList})
	if err != nil {
		return err
	}
	for _, in := range ss {
		if _, err := tx.Labels(in.ID); err != nil {
			return err
		}
		if _, err := tx.Recent(in.ID, MaxRecent); err != nil {
			return err
		}
		if _, err := tx.Fingerprints(in.ID, []session.Sum{{1}, {2, 3}}); err != nil {
			return err
		}
		if _, err := tx.Repeats(in.ID, "d", time.Time{}); err != nil {
			return err
		}
	}
	_, err = tx.Counters("")
	return err
}

// TestCorrupt opens damaged files: each must fail with ErrCorrupt, from
// Open or from the first transaction that reads the damage, never panic,
// and leave the file byte for byte as it was, whether the Store ends with
// Close or with Abandon.
func TestCorrupt(t *testing.T) {
	t.Parallel()
	good := filled(t)
	const page = 4096
	if len(good) < 20*page {
		t.Fatalf("test database is only %d bytes", len(good))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	damaged := func(at int, b []byte) []byte {
		out := bytes.Clone(good)
		copy(out[at:], b)
		return out
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"random bytes", random(3 * page)},
		{"short text", []byte("this is not a database\n")},
		{"header only", good[:100]},
		{"truncated to a page", good[:page]},
		{"truncated to half", good[:len(good)/2]},
		{"truncated mid-page", good[:len(good)-page-100]},
		{"garbage header", damaged(0, random(100))},
		{"garbage in pages", damaged(2*page, random(len(good)-3*page))},
		{"zeroed schema", damaged(100, make([]byte, page-100))},
	} {
		for _, end := range []string{"Close", "Abandon"} {
			t.Run(c.name+", "+end, func(t *testing.T) {
				t.Parallel()
				testCorrupt(t, c.data, end == "Abandon")
			})
		}
	}
}

// testCorrupt opens the damaged file data, reads and writes, and ends the
// Store with Abandon or Close.
func testCorrupt(t *testing.T, data []byte, abandon bool) {
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	err := func() error {
		s, err := Open(context.Background(), path, Options{BusyTimeout: time.Second})
		if err != nil {
			return err
		}
		if abandon {
			defer s.Abandon(context.Background())
		} else {
			defer s.Close()
		}
		if err := s.View(context.Background(), readAll); err != nil {
			return err
		}
		return s.Update(context.Background(), func(tx session.Tx) error {
			if err := readAll(tx); err != nil {
				return err
			}
			// Writes into the damaged tables.
			for i := range 50 {
				id := fmt.Sprintf("session-%03d", i*4)
				if err := tx.Touch(id, "a", "", false, time.Time{}); err != nil {
					return err
				}
				if err := tx.AddFingerprints(id, []session.Fingerprint{{Sum: session.Sum{9, byte(i)}}}); err != nil {
					return err
				}
			}
			return nil
		})
	}()
	if err == nil {
		t.Fatal("damaged database read and written without an error")
	}
	t.Log(err)
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("error %v does not wrap ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if got := readFile(t, path); !bytes.Equal(got, data) {
		t.Errorf("file changed: %d bytes, was %d", len(got), len(data))
	}
}

// TestEmptyFile: a file of zero bytes is a new database, the state a
// crashed first Open can leave.
func TestEmptyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openT(t, path, Options{})
	if len(s.salt) != saltSize {
		t.Errorf("salt %x", s.salt)
	}
}

// TestViewDoesNotWait: a View proceeds while another connection holds the
// write lock, and sees the last committed state.
func TestViewDoesNotWait(t *testing.T) {
	t.Parallel()
	s, path := newT(t)
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	holdWriteLock(t, path)
	other := openT(t, path, Options{BusyTimeout: 10 * time.Second})
	for name, st := range map[string]*Store{"same store": s, "other store": other} {
		start := time.Now()
		err := st.View(context.Background(), func(tx session.Tx) error {
			in, err := tx.Session("s")
			if err == nil && in.Events != 1 {
				t.Errorf("%s: events %d, want 1", name, in.Events)
			}
			return err
		})
		if err != nil {
			t.Errorf("%s: View while a writer holds the lock: %v", name, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: View took %v while a writer held the lock", name, d)
		}
	}
}

// TestViewIsolation: a View sees one snapshot even when an Update commits
// while it runs.
func TestViewIsolation(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	view(t, s, func(tx session.Tx) error {
		a, err := tx.Session("s")
		if err != nil {
			return err
		}
		update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
		b, err := tx.Session("s")
		if err != nil {
			return err
		}
		if a.Events != b.Events {
			t.Errorf("events changed inside one View: %d then %d", a.Events, b.Events)
		}
		return nil
	})
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session("s")
		if err == nil && in.Events != 2 {
			t.Errorf("events %d after two touches", in.Events)
		}
		return err
	})
}

// TestBusy: an Update waiting for a writer that does not finish fails with
// ErrBusy after about the busy timeout.
func TestBusy(t *testing.T) {
	t.Parallel()
	_, path := newT(t)
	holdWriteLock(t, path)
	const timeout = 200 * time.Millisecond
	s := openT(t, path, Options{BusyTimeout: timeout})
	start := time.Now()
	err := s.Update(context.Background(), func(tx session.Tx) error {
		t.Error("fn ran without the write lock")
		return nil
	})
	d := time.Since(start)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Update: %v, want ErrBusy", err)
	}
	if !strings.Contains(err.Error(), "state database is busy") {
		t.Errorf("error %q does not say the database is busy", err)
	}
	if d < timeout || d > timeout+time.Second {
		t.Errorf("gave up after %v, want about %v", d, timeout)
	}
}

// TestBusyThenFree: an Update that waits gets the lock once the other
// writer finishes within the busy timeout.
func TestBusyThenFree(t *testing.T) {
	t.Parallel()
	_, path := newT(t)
	release := holdWriteLock(t, path)
	s := openT(t, path, Options{BusyTimeout: 10 * time.Second})
	time.AfterFunc(300*time.Millisecond, release)
	start := time.Now()
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("Update finished after %v while the lock was held for 300ms", d)
	}
}

// TestCancelWhileWaiting: canceling the context ends an Update waiting for
// the lock, long before the busy timeout, both when another process holds
// it and when another Update of the same Store does.
func TestCancelWhileWaiting(t *testing.T) {
	t.Parallel()
	t.Run("other connection", func(t *testing.T) {
		t.Parallel()
		_, path := newT(t)
		holdWriteLock(t, path)
		s := openT(t, path, Options{BusyTimeout: time.Minute})
		cancelAfter(t, s, 100*time.Millisecond)
	})
	t.Run("same store", func(t *testing.T) {
		t.Parallel()
		s, _ := newT(t)
		s.busy = time.Minute
		held, done := make(chan struct{}), make(chan struct{})
		go s.Update(context.Background(), func(session.Tx) error {
			close(held)
			<-done
			return nil
		})
		<-held
		defer close(done)
		cancelAfter(t, s, 100*time.Millisecond)
	})
}

func cancelAfter(t *testing.T, s *Store, d time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(d, cancel)
	start := time.Now()
	err := s.Update(ctx, func(tx session.Tx) error {
		t.Error("fn ran without the write lock")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update: %v, want context.Canceled", err)
	}
	if el := time.Since(start); el > d+2*time.Second {
		t.Errorf("Update returned %v after the cancel", el-d)
	}
}

// TestUpdateRollback: when fn fails, Update returns its error and keeps
// nothing it wrote; a panic in fn rolls back too and leaves the store
// usable.
func TestUpdateRollback(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx session.Tx) error {
		if err := tx.Touch("s", "a", "", false, time.Time{}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Errorf("Update returned %v, want fn's error", err)
	}
	func() {
		defer func() { recover() }()
		s.Update(context.Background(), func(tx session.Tx) error {
			tx.Touch("s", "a", "", false, time.Time{})
			panic("fn panics")
		})
	}()
	view(t, s, func(tx session.Tx) error {
		if _, err := tx.Session("s"); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("session written by a failed Update: %v", err)
		}
		return nil
	})
	// The write lock was given back.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Update(ctx, func(tx session.Tx) error { return nil }); err != nil {
		t.Errorf("Update after a failed one: %v", err)
	}
}

// TestTxAfterEnd: a Tx used after its Update returned fails.
func TestTxAfterEnd(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	var kept session.Tx
	update(t, s, func(tx session.Tx) error { kept = tx; return nil })
	if err := kept.Touch("s", "a", "", false, time.Time{}); err == nil {
		t.Error("Touch on a finished transaction succeeded")
	}
}

// TestWALModeRestored: Open skips setting WAL mode when the file's header
// says it is set, and sets it again when someone changed it.
func TestWALModeRestored(t *testing.T) {
	t.Parallel()
	s, path := newT(t)
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if wal, err := prepareFileWAL(path); err != nil || !wal {
		t.Fatalf("header of a WAL database: wal %v, %v", wal, err)
	}
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil || mode != "delete" {
		t.Fatalf("PRAGMA journal_mode = DELETE: %q, %v", mode, err)
	}
	db.Close()
	if wal, err := prepareFileWAL(path); err != nil || wal {
		t.Fatalf("header of a rollback-journal database: wal %v, %v", wal, err)
	}
	s = openT(t, path, Options{})
	if err := s.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode after Open: %q, %v; want wal", mode, err)
	}
	view(t, s, func(tx session.Tx) error { _, err := tx.Session("s"); return err })
}

// TestOneConnection: a process that opens the store and decides, as a hook
// does, uses one connection, so SQLite reads and parses the schema once.
func TestOneConnection(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	view(t, s, func(tx session.Tx) error { _, err := tx.Session("s"); return err })
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	if n := s.db.Stats().OpenConnections; n != 1 {
		t.Errorf("%d connections open, want 1", n)
	}
}

// kept returns how many statements the connection of s keeps.
func kept(t *testing.T, s *Store) int {
	t.Helper()
	sc, err := s.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	n := -1
	if err := sc.Raw(func(dc any) error { n = len(dc.(*conn).stmts); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStatementsKept: a connection keeps a statement from its second use
// on, and Close finalizes what it keeps: only then does SQLite close the
// database, checkpoint the WAL and remove it.
func TestStatementsKept(t *testing.T) {
	t.Parallel()
	s, path := newT(t)
	touch := func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) }
	update(t, s, touch)
	if n := kept(t, s); n != 0 {
		t.Errorf("after one use: %d statements kept, want 0", n)
	}
	update(t, s, touch)
	// BEGIN IMMEDIATE, the touch, COMMIT.
	if n := kept(t, s); n != 3 {
		t.Errorf("after two uses: %d statements kept, want 3", n)
	}
	update(t, s, touch)
	view(t, s, func(tx session.Tx) error {
		if in, err := tx.Session("s"); err != nil || in.Events != 3 {
			t.Errorf("session through kept statements: %+v, %v", in, err)
		}
		return nil
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !os.IsNotExist(err) {
		t.Errorf("WAL still there after Close: %v", err)
	}
}

// TestUnexpectedTypes: a value of a type ward never writes, as a damaged
// or edited file may hold, is an error wrapping ErrCorrupt, not a panic or
// a zero value.
func TestUnexpectedTypes(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	if _, err := s.db.Exec(`
		INSERT INTO sessions (id, agent, cwd, synthetic, created, seen, events) VALUES ('s', 'a', '', 0, 'yesterday', 1, 1);
		INSERT INTO labels (session, name, event_id, tool, source, at) VALUES ('s', 'x', 'e', 'T', x'00', 1);
		INSERT INTO agents (agent, status, reason, changed_by, at) VALUES ('a', 'stopped', 'r', 'p', 'soon');`); err != nil {
		t.Fatal(err)
	}
	view(t, s, func(tx session.Tx) error {
		if _, err := tx.Session("s"); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Session: %v, want ErrCorrupt", err)
		}
		if _, err := tx.Labels("s"); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Labels: %v, want ErrCorrupt", err)
		}
		if _, err := tx.AgentStatus("a"); !errors.Is(err, ErrCorrupt) {
			t.Errorf("AgentStatus: %v, want ErrCorrupt", err)
		}
		return nil
	})
}

// TestCanceledInUpdate: once the context is done, the transaction's next
// statement fails with its error and Update keeps nothing.
func TestCanceledInUpdate(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.Update(ctx, func(tx session.Tx) error {
		if err := tx.Touch("s", "a", "", false, time.Time{}); err != nil {
			return err
		}
		cancel()
		return tx.Touch("t", "a", "", false, time.Time{})
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update: %v, want context.Canceled", err)
	}
	view(t, s, func(tx session.Tx) error {
		if _, err := tx.Session("s"); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("session written by a canceled Update: %v", err)
		}
		return nil
	})
}

// checkIntegrity runs SQLite's own check of the whole file.
func checkIntegrity(t *testing.T, s *Store) {
	t.Helper()
	var res string
	if err := s.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity_check: %q, %v", res, err)
	}
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestAbandon: below walLimit, Abandon leaves the WAL as it is and does
// not write the database file (no checkpoint: no fsync); at walLimit it
// checkpoints and truncates the WAL. Either way what was committed stays,
// and the Store is over: Update and View fail, Close does nothing.
func TestAbandon(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s := openT(t, path, Options{})
	s.now = func() time.Time { return start }
	for i := range 3 {
		if err := write(ctx, s, fmt.Sprintf("w%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	db, wal := readFile(t, path), walSize(t, path)
	if wal >= s.walLimit {
		t.Fatalf("WAL of %d bytes after 3 writes, at or over the limit %d", wal, s.walLimit)
	}
	if err := s.Abandon(ctx); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	if !bytes.Equal(db, readFile(t, path)) {
		t.Error("Abandon below the WAL limit wrote the database file")
	}
	if n := walSize(t, path); n != wal {
		t.Errorf("Abandon below the WAL limit changed the WAL from %d to %d bytes", wal, n)
	}
	if err := s.Update(ctx, func(session.Tx) error { return nil }); !errors.Is(err, errAbandoned) {
		t.Errorf("Update after Abandon: %v", err)
	}
	if err := s.View(ctx, func(session.Tx) error { return nil }); !errors.Is(err, errAbandoned) {
		t.Errorf("View after Abandon: %v", err)
	}
	if err := s.Abandon(ctx); err != nil {
		t.Errorf("second Abandon: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after Abandon: %v", err)
	}

	s = openT(t, path, Options{})
	s.now = func() time.Time { return start }
	checkWrites(t, s, 3)
	if err := write(ctx, s, "w3"); err != nil {
		t.Fatal(err)
	}
	s.walLimit = walSize(t, path)
	if err := s.Abandon(ctx); err != nil {
		t.Fatalf("Abandon: %v", err)
	}
	if n := walSize(t, path); n != 0 {
		t.Errorf("Abandon at the WAL limit left %d bytes in the WAL", n)
	}
	s = openT(t, path, Options{})
	s.now = func() time.Time { return start }
	checkWrites(t, s, 4)
	checkIntegrity(t, s)
}

// TestTornWAL: a power cut may leave the WAL with only part of what was
// written to it, or with zeros or garbage at its end: commits are written
// to it without fsync. (The database file is written only by checkpoints,
// after an fsync of the WAL.) A file whose last commits Abandon left in
// the WAL, with its WAL cut, zeroed or garbled from some point on, opens
// as a sound database holding every commit whose frames are whole before
// that point, and nothing of the others.
func TestTornWAL(t *testing.T) {
	t.Parallel()
	const writes = 4
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s := openT(t, path, Options{})
	if err := write(ctx, s, "w0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // checkpointed: the WAL is gone
		t.Fatal(err)
	}
	s = openT(t, path, Options{})
	for i := 1; i < writes; i++ {
		if err := write(ctx, s, fmt.Sprintf("w%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Abandon(ctx); err != nil {
		t.Fatal(err)
	}
	db, wal := readFile(t, path), readFile(t, path+"-wal")
	// A WAL is a 32-byte header and frames: a 24-byte header, whose
	// bytes 4 to 8 are not 0 in the last frame of a commit, and a page.
	const header, frame = 32, 24 + 4096
	if (len(wal)-header)%frame != 0 {
		t.Fatalf("WAL of %d bytes", len(wal))
	}
	type cut struct{ at, want int }
	cuts := []cut{{0, 1}, {header / 2, 1}}
	first := header // of the commit
	for at := header; at < len(wal); at += frame {
		if binary.BigEndian.Uint32(wal[at+4:]) == 0 {
			continue
		}
		n := len(cuts)/4 + 1 // writes whole before this commit
		cuts = append(cuts, cut{first + frame/2, n}, cut{at, n}, cut{at + frame/2, n}, cut{at + frame, n + 1})
		first = at + frame
	}
	if len(cuts) != 2+4*(writes-1) || first != len(wal) {
		t.Fatalf("WAL of %d bytes holds %d commits ending at %d, want %d", len(wal), (len(cuts)-2)/4, first, writes-1)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, damage := range []string{"cut", "zeroed", "garbage"} {
		for _, c := range cuts {
			torn := bytes.Clone(wal)
			switch damage {
			case "cut":
				torn = torn[:c.at]
			case "zeroed":
				clear(torn[c.at:])
			case "garbage":
				for i := c.at; i < len(torn); i++ {
					torn[i] = byte(rng.Uint32())
				}
			}
			if n := tornOpen(t, db, torn); n != c.want {
				t.Errorf("WAL %s at byte %d: %d writes found, want %d", damage, c.at, n, c.want)
			}
		}
	}
}

// tornOpen opens a copy of the database file db with the WAL wal (and no
// -shm, as after a reboot), checks that it is sound and holds whole
// writes, and returns how many.
func tornOpen(t *testing.T, db, wal []byte) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, db, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-wal", wal, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openT(t, path, Options{})
	s.now = func() time.Time { return start }
	var n int64
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session("shared")
		n = in.Events
		return err
	})
	checkWrites(t, s, int(n))
	checkIntegrity(t, s)
	return int(n)
}
