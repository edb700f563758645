package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/audittest"
)

// defaultTestDSN is the server tried when WARD_TEST_POSTGRES is unset.
const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// testDSN returns the test server's DSN: WARD_TEST_POSTGRES, or
// defaultTestDSN when that is unset. A server that does not answer skips
// the test, unless it was named in WARD_TEST_POSTGRES or
// WARD_REQUIRE_SERVICES=1, which fail it.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn, set := os.LookupEnv("WARD_TEST_POSTGRES")
	if !set {
		dsn = defaultTestDSN
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		if set || os.Getenv("WARD_REQUIRE_SERVICES") == "1" {
			t.Fatalf("PostgreSQL at WARD_TEST_POSTGRES: %v", err)
		}
		t.Skipf("no PostgreSQL at %s (set WARD_TEST_POSTGRES to test against one; WARD_REQUIRE_SERVICES=1 makes this fail): %v", dsn, err)
	}
	c.Close(ctx)
	return dsn
}

// fixture is a fresh schema on the test server, dropped when the test
// ends.
type fixture struct {
	dsn    string
	schema string
	// raw runs SQL with search_path set to the schema.
	raw *pgxpool.Pool
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dsn := testDSN(t)
	var b [8]byte
	rand.Read(b[:])
	f := &fixture{dsn: dsn, schema: "ward_test_" + hex.EncodeToString(b[:])}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{f.schema}.Sanitize()
	if f.raw, err = pgxpool.NewWithConfig(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := f.raw.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{f.schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", f.schema, err)
		}
		f.raw.Close()
	})
	return f
}

// open opens a Store on the fixture's schema, closed when the test ends
// (before the schema is dropped).
func (f *fixture) open(t testing.TB, opts Options) *Store {
	t.Helper()
	opts.Schema = f.schema
	s, err := Open(context.Background(), f.dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// withParam adds a parameter to a DSN, a URL or key=value pairs.
func withParam(dsn, key, value string) string {
	switch {
	case !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://"):
		return dsn + " " + key + "=" + value
	case strings.Contains(dsn, "?"):
		return dsn + "&" + key + "=" + value
	}
	return dsn + "?" + key + "=" + value
}

// exec runs a statement with ? placeholders, as the conformance suite
// writes them for SQLite.
func (f *fixture) exec(ctx context.Context, q string, args ...any) error {
	_, err := f.raw.Exec(ctx, placeholders(q), args...)
	return err
}

// placeholders rewrites ? to $1, $2, ... outside quoted text.
func placeholders(q string) string {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{`UPDATE audit SET reason = ? WHERE seq = ?`, `UPDATE audit SET reason = $1 WHERE seq = $2`},
		{`SELECT '?', "a?b", ? FROM t`, `SELECT '?', "a?b", $1 FROM t`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
	} {
		if got := placeholders(tt.in); got != tt.want {
			t.Errorf("placeholders(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAuditConformance(t *testing.T) {
	audittest.Run(t, func(t *testing.T) *audittest.Harness {
		f := newFixture(t)
		s := f.open(t, Options{})
		return &audittest.Harness{
			Backend: s.Audit(),
			Exec:    f.exec,
			Reopen:  func(t *testing.T) audit.Backend { return f.open(t, Options{}).Audit() },
		}
	})
}

// TestAuditConformanceSimpleProtocol runs the suite over the simple
// query protocol, as behind PgBouncer in transaction mode: no prepared
// statements, and results in text, which Scan reads rather than decode.
func TestAuditConformanceSimpleProtocol(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	audittest.Run(t, func(t *testing.T) *audittest.Harness {
		f := newFixture(t)
		f.dsn = withParam(f.dsn, "default_query_exec_mode", "simple_protocol")
		s := f.open(t, Options{})
		return &audittest.Harness{
			Backend: s.Audit(),
			Exec:    f.exec,
			Reopen:  func(t *testing.T) audit.Backend { return f.open(t, Options{}).Audit() },
		}
	})
}
