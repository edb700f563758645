// Package sqlstmt analyzes SQL: what each statement does (its verb,
// object, targets, whether a DELETE or UPDATE is limited by a WHERE that
// is not trivially true) and what in it is dangerous (file and command
// access, privilege changes, injection shapes).
//
// Its own lexer reads every statement, in any dialect: it splits
// statements, knows quoting, comments and dollar quoting, and reads the
// content of MySQL's executable comments (/*! ... */), which MySQL runs.
// Where github.com/rqlite/sql parses a statement, its syntax tree decides
// the WHERE questions; a statement no parser accepts is a fact
// (sql.unparsed), not an allow.
package sqlstmt

import (
	"slices"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Finding ids.
const (
	FindingDropDatabase   = "sql.drop.database"
	FindingDrop           = "sql.drop"
	FindingTruncate       = "sql.truncate"
	FindingAlterDrop      = "sql.alter.drop"
	FindingDeleteNoWhere  = "sql.delete.no_where"
	FindingUpdateNoWhere  = "sql.update.no_where"
	FindingDeleteTautWhr  = "sql.delete.tautology"
	FindingUpdateTautWhr  = "sql.update.tautology"
	FindingGrant          = "sql.grant"
	FindingPrivilege      = "sql.privilege"
	FindingFileAccess     = "sql.file_access"
	FindingCommandExec    = "sql.command_exec"
	FindingKill           = "sql.kill"
	FindingUnionCreds     = "sql.injection.union_credentials"
	FindingTautology      = "sql.injection.tautology"
	FindingTimeBased      = "sql.injection.time_based"
	FindingStacked        = "sql.injection.stacked"
	FindingUnparsed       = "sql.unparsed"
	FindingMultiStatement = "sql.multi_statement"
)

var catalog = [...]analyze.FindingSpec{
	{ID: FindingDropDatabase, Severity: event.Critical, Doc: "a database or schema is dropped"},
	{ID: FindingDrop, Severity: event.High, Doc: "a table, view, function, index, user or other object is dropped"},
	{ID: FindingTruncate, Severity: event.High, Doc: "a table is truncated"},
	{ID: FindingAlterDrop, Severity: event.Medium, Doc: "ALTER ... DROP removes a column, partition or constraint"},
	{ID: FindingDeleteNoWhere, Severity: event.High, Doc: "a DELETE has no WHERE: every row goes"},
	{ID: FindingUpdateNoWhere, Severity: event.High, Doc: "an UPDATE has no WHERE: every row changes"},
	{ID: FindingDeleteTautWhr, Severity: event.High, Doc: "a DELETE's WHERE is trivially true (1=1, OR '1'='1')"},
	{ID: FindingUpdateTautWhr, Severity: event.High, Doc: "an UPDATE's WHERE is trivially true"},
	{ID: FindingGrant, Severity: event.Medium, Doc: "privileges are granted or revoked"},
	{ID: FindingPrivilege, Severity: event.High, Doc: "users, roles or passwords are created or changed"},
	{ID: FindingFileAccess, Severity: event.Critical, Doc: "the database server reads or writes files (INTO OUTFILE, LOAD_FILE, pg_read_file, COPY ... TO 'file', ATTACH)"},
	{ID: FindingCommandExec, Severity: event.Critical, Doc: "the database server runs commands or native code (xp_cmdshell, COPY ... PROGRAM, load_extension, untrusted function languages)"},
	{ID: FindingKill, Severity: event.Medium, Doc: "other sessions are killed (KILL, pg_terminate_backend)"},
	{ID: FindingUnionCreds, Severity: event.High, Doc: "a UNION SELECT pulls credential columns (the shape of an injection dump)"},
	{ID: FindingTautology, Severity: event.Medium, Doc: "a WHERE holds an always-true OR ('1'='1'): the shape of an injection"},
	{ID: FindingTimeBased, Severity: event.Medium, Doc: "a statement sleeps (SLEEP, pg_sleep, WAITFOR DELAY, BENCHMARK): the shape of a blind injection probe"},
	{ID: FindingStacked, Severity: event.High, Doc: "a quoted value is closed and another statement follows ('; DROP ...): a stacked injection"},
	{ID: FindingUnparsed, Severity: event.Medium, Doc: "no parser accepts a statement that is not a plain read"},
	{ID: FindingMultiStatement, Severity: event.Info, Doc: "the text holds more than one statement"},
}

// Catalog lists the findings of the SQL analyzer.
func Catalog() []analyze.FindingSpec {
	return append([]analyze.FindingSpec(nil), catalog[:]...)
}

func severityOf(id string) event.Severity {
	for _, f := range catalog {
		if f.ID == id {
			return f.Severity
		}
	}
	return event.Medium
}

// Bounds.
const (
	MaxText       = 1 << 20
	maxStatements = 256
	maxDepth      = 4 // SQL inside dollar-quoted bodies inside ...
)

// Result is what Analyze found.
type Result struct {
	Statements []event.SQLStatement
	Findings   []event.Finding
}

// Analyze analyzes SQL text.
func Analyze(text string, d Dialect) Result {
	var r Result
	if len(text) > MaxText {
		text = text[:MaxText]
		r.add(FindingUnparsed, "the SQL text is longer than ward analyzes", "")
	}
	r.text(text, d, 0)
	return r
}

func (r *Result) add(id, msg, evidence string) {
	if len(evidence) > 200 {
		evidence = evidence[:197] + "..."
	}
	for _, f := range r.Findings {
		if f.ID == id && f.Evidence == evidence {
			return
		}
	}
	if len(r.Findings) < analyze.MaxFindings {
		r.Findings = append(r.Findings, event.Finding{ID: id, Severity: severityOf(id), Message: msg, Evidence: evidence})
	}
}

func (r *Result) text(text string, d Dialect, depth int) {
	l := lex(text, d)
	stmts := statements(l.toks)
	if len(stmts) > 1 {
		r.add(FindingMultiStatement, "the text holds more than one statement", "")
	}
	for i, toks := range stmts {
		if i >= maxStatements {
			break
		}
		end := len(text)
		if i+1 < len(stmts) {
			end = stmts[i+1][0].pos
		}
		src := strings.TrimRight(text[toks[0].pos:min(end, len(text))], "; \n\t")
		r.statement(toks, src, d, depth)
	}
	if len(stmts) > 1 && stackedShape(l.toks) {
		r.add(FindingStacked, "a quoted value is closed and another statement follows", strings.TrimSpace(text))
	}
	if l.commentAfterString && slices.ContainsFunc(r.Findings, func(f event.Finding) bool {
		return f.ID == FindingUnionCreds || f.ID == FindingTautology
	}) {
		r.add(FindingTautology, "a comment cuts off the rest of the query after an injected value", strings.TrimSpace(text))
	}
}

// stackedShape reports whether a statement ends right after a string
// literal and another destructive one follows: the shape of '; DROP.
func stackedShape(toks []token) bool {
	for i := 1; i+1 < len(toks); i++ {
		if toks[i].kind == tSemi && toks[i-1].kind == tString {
			switch toks[i+1].val {
			case "drop", "delete", "update", "insert", "truncate", "alter", "exec", "execute", "shutdown", "grant", "create":
				return true
			}
		}
	}
	return false
}

// statement analyzes one statement's tokens.
func (r *Result) statement(toks []token, src string, d Dialect, depth int) {
	s := event.SQLStatement{Text: src}
	i := skipOpen(toks, 0)
	if i >= len(toks) {
		return
	}
	s.Verb = toks[i].val
	if s.Verb == "with" {
		i = skipCTEs(toks, i+1)
		if i < len(toks) {
			s.Verb = toks[i].val
		}
	}
	if s.Verb == "explain" && i+1 < len(toks) && toks[i+1].val == "analyze" {
		// EXPLAIN ANALYZE runs the statement it explains.
		i += 2
		for i < len(toks) && toks[i].kind == tWord && (toks[i].val == "verbose" || toks[i].val == "buffers") {
			i++
		}
		if i < len(toks) {
			s.Verb = toks[i].val
		}
	}
	rest := toks[i:]
	r.verb(&s, rest, src)
	r.functions(toks, src)
	r.injection(toks, src)
	r.bodies(toks, d, depth)
	s.Parsed = r.parse(&s, src)
	if !s.Parsed && !isRead(s.Verb) {
		r.add(FindingUnparsed, "no parser accepts this statement", src)
	}
	if len(r.Statements) < maxStatements {
		r.Statements = append(r.Statements, s)
	}
}

// skipOpen skips leading parentheses.
func skipOpen(toks []token, i int) int {
	for i < len(toks) && toks[i].kind == tOp && toks[i].val == "(" {
		i++
	}
	return i
}

// skipCTEs skips WITH's common table expressions and returns the index
// of the main statement's verb.
func skipCTEs(toks []token, i int) int {
	if i < len(toks) && toks[i].val == "recursive" {
		i++
	}
	for i < len(toks) {
		// name [(columns)] AS [NOT] [MATERIALIZED] ( ... )
		for i < len(toks) && !(toks[i].kind == tWord && toks[i].val == "as") {
			if toks[i].kind == tOp && toks[i].val == "(" {
				i = closeParen(toks, i)
			}
			i++
		}
		i++
		for i < len(toks) && toks[i].kind == tWord && (toks[i].val == "not" || toks[i].val == "materialized") {
			i++
		}
		if i < len(toks) && toks[i].kind == tOp && toks[i].val == "(" {
			i = closeParen(toks, i) + 1
		}
		if i < len(toks) && toks[i].kind == tOp && toks[i].val == "," {
			i++
			continue
		}
		return i
	}
	return i
}

// closeParen returns the index of the parenthesis that closes toks[i].
func closeParen(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].kind != tOp {
			continue
		}
		switch toks[j].val {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

func isRead(verb string) bool {
	switch verb {
	case "select", "show", "describe", "desc", "explain", "values", "table", "pragma", "use", "begin",
		"commit", "rollback", "start", "set", "savepoint", "release", "analyze", "vacuum":
		return true
	}
	return false
}
