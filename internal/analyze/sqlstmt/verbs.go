package sqlstmt

import (
	"strings"

	rq "github.com/rqlite/sql"

	"github.com/agentward/ward/event"
)

// verb works out what a statement does from its verb onwards.
func (r *Result) verb(s *event.SQLStatement, toks []token, src string) {
	if len(toks) == 0 {
		return
	}
	switch s.Verb {
	case "drop":
		s.Object, s.Targets = objectAndTargets(toks[1:])
		switch s.Object {
		case "database", "schema":
			r.add(FindingDropDatabase, "a database or schema is dropped", src)
		case "user", "role", "login":
			r.add(FindingPrivilege, "a user or role is dropped", src)
			r.add(FindingDrop, "an object is dropped", src)
		default:
			r.add(FindingDrop, "a "+orObject(s.Object)+" is dropped", src)
		}
	case "truncate":
		_, s.Targets = objectAndTargets(toks[1:])
		s.Object = "table"
		r.add(FindingTruncate, "a table is truncated", src)
	case "delete":
		s.Targets = targetsAfter(toks, "from")
		s.Where = topLevel(toks, "where") >= 0
		if !s.Where {
			r.add(FindingDeleteNoWhere, "a DELETE without WHERE removes every row", src)
		} else if s.Tautology = tautologyAfter(toks, topLevel(toks, "where")); s.Tautology {
			r.add(FindingDeleteTautWhr, "a DELETE's WHERE is always true", src)
		}
	case "update":
		s.Targets = targetsAfter(toks, "update")
		s.Where = topLevel(toks, "where") >= 0
		if !s.Where {
			r.add(FindingUpdateNoWhere, "an UPDATE without WHERE changes every row", src)
		} else if s.Tautology = tautologyAfter(toks, topLevel(toks, "where")); s.Tautology {
			r.add(FindingUpdateTautWhr, "an UPDATE's WHERE is always true", src)
		}
	case "alter":
		s.Object, s.Targets = objectAndTargets(toks[1:])
		switch {
		case s.Object == "user" || s.Object == "role" || s.Object == "login":
			r.add(FindingPrivilege, "a user or role is changed", src)
		case topLevel(toks, "drop") >= 0:
			r.add(FindingAlterDrop, "ALTER ... DROP removes part of a "+orObject(s.Object), src)
		case (s.Object == "system" || s.Object == "database") && topLevel(toks, "set") >= 0:
		}
	case "grant", "revoke", "deny":
		r.add(FindingGrant, "privileges are "+map[string]string{"grant": "granted", "revoke": "revoked", "deny": "denied"}[s.Verb], src)
	case "create":
		s.Object, s.Targets = objectAndTargets(toks[1:])
		switch s.Object {
		case "user", "role", "login":
			r.add(FindingPrivilege, "a user or role is created", src)
		case "function", "procedure":
			if lang := wordAfter(toks, "language"); untrustedLanguage(lang) {
				r.add(FindingCommandExec, "a function is written in a language that runs native code or commands ("+lang+")", src)
			}
		}
	case "set":
		if len(toks) > 1 && toks[1].val == "password" {
			r.add(FindingPrivilege, "a password is set", src)
		}
	case "copy":
		r.copyStatement(toks, src)
	case "load":
		if topLevel(toks, "infile") >= 0 {
			r.add(FindingFileAccess, "LOAD DATA INFILE reads a file", src)
		}
	case "attach":
		r.add(FindingFileAccess, "ATTACH opens another database file", src)
	case "kill":
		r.add(FindingKill, "a session is killed", src)
	case "exec", "execute", "call":
		if len(toks) > 1 && msProcedure(toks[1].val) {
			r.add(FindingCommandExec, "a system procedure runs commands or changes server configuration", src)
		}
	case "insert", "replace", "merge", "upsert":
		s.Targets = targetsAfter(toks, "into")
	case "select":
		s.Targets = targetsAfter(toks, "from")
	}
	if intoFile(toks) {
		r.add(FindingFileAccess, "the query writes its result to a file on the server", src)
	}
}

func orObject(o string) string {
	if o == "" {
		return "object"
	}
	return o
}

// objectAndTargets reads "[TEMPORARY] TABLE [IF EXISTS] a, b" after DROP,
// CREATE, ALTER or TRUNCATE.
func objectAndTargets(toks []token) (object string, targets []string) {
	i := 0
	for i < len(toks) && toks[i].kind == tWord {
		switch toks[i].val {
		case "temporary", "temp", "materialized", "unique", "or", "replace", "global", "local", "external", "online", "virtual", "definer", "algorithm":
			i++
			continue
		}
		break
	}
	if i < len(toks) && toks[i].kind == tWord {
		object = toks[i].val
		i++
	}
	if object == "" || object == "if" {
		object = "table" // TRUNCATE x
		i = 0
	}
	for i < len(toks) && toks[i].kind == tWord && (toks[i].val == "if" || toks[i].val == "exists" || toks[i].val == "not" || toks[i].val == "only") {
		i++
	}
	for i < len(toks) && len(targets) < 16 {
		switch {
		case toks[i].kind == tWord || toks[i].kind == tQuoted:
			name := toks[i].val
			for i+2 < len(toks) && toks[i+1].kind == tOp && toks[i+1].val == "." {
				name += "." + toks[i+2].val
				i += 2
			}
			targets = append(targets, name)
			i++
			if i < len(toks) && toks[i].kind == tOp && toks[i].val == "," {
				i++
				continue
			}
		}
		break
	}
	return object, targets
}

// targetsAfter returns the table named after the first top-level keyword.
func targetsAfter(toks []token, kw string) []string {
	i := topLevel(toks, kw)
	if i < 0 || i+1 >= len(toks) {
		return nil
	}
	i++
	for i < len(toks) && toks[i].kind == tWord && (toks[i].val == "only" || toks[i].val == "low_priority" || toks[i].val == "ignore" || toks[i].val == "quick" || toks[i].val == "from") {
		i++
	}
	if i < len(toks) && (toks[i].kind == tWord || toks[i].kind == tQuoted) {
		name := toks[i].val
		for i+2 < len(toks) && toks[i+1].kind == tOp && toks[i+1].val == "." {
			name += "." + toks[i+2].val
			i += 2
		}
		return []string{name}
	}
	return nil
}

// topLevel returns the index of the first word kw outside parentheses,
// or -1.
func topLevel(toks []token, kw string) int {
	depth := 0
	for i, t := range toks {
		switch {
		case t.kind == tOp && t.val == "(":
			depth++
		case t.kind == tOp && t.val == ")":
			depth--
		case depth == 0 && t.kind == tWord && t.val == kw:
			return i
		}
	}
	return -1
}

func wordAfter(toks []token, kw string) string {
	for i, t := range toks {
		if t.kind == tWord && t.val == kw && i+1 < len(toks) {
			return toks[i+1].val
		}
	}
	return ""
}

// untrustedLanguage reports whether a function language runs native code
// or host commands.
func untrustedLanguage(lang string) bool {
	switch strings.Trim(lang, "'\"") {
	case "c", "internal", "plpythonu", "plpython3u", "plpython2u", "plperlu", "pltclu", "plsh", "plr", "plv8", "plrust", "java", "external":
		return true
	}
	return false
}

// msProcedure reports whether an EXEC names a SQL Server procedure that
// runs commands or reconfigures the server.
func msProcedure(name string) bool {
	name = strings.TrimPrefix(strings.TrimPrefix(name, "master.."), "master.dbo.")
	switch name {
	case "xp_cmdshell", "sp_configure", "sp_oacreate", "sp_oamethod", "sp_execute_external_script",
		"xp_regwrite", "xp_regread", "xp_dirtree", "xp_fileexist", "xp_subdirs", "sp_addextendedproc", "sp_makewebtask", "xp_servicecontrol":
		return true
	}
	return strings.HasPrefix(name, "xp_")
}

// intoFile reports whether a statement writes its result to a server
// file: INTO OUTFILE or INTO DUMPFILE.
func intoFile(toks []token) bool {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind == tWord && toks[i].val == "into" && (toks[i+1].val == "outfile" || toks[i+1].val == "dumpfile") {
			return true
		}
	}
	return false
}

// copyStatement handles PostgreSQL's COPY: PROGRAM runs a command, a
// quoted file name is read or written by the server.
func (r *Result) copyStatement(toks []token, src string) {
	for i := 1; i < len(toks); i++ {
		if toks[i].kind != tWord || (toks[i].val != "to" && toks[i].val != "from") || i+1 >= len(toks) {
			continue
		}
		next := toks[i+1]
		switch {
		case next.kind == tWord && next.val == "program":
			r.add(FindingCommandExec, "COPY ... PROGRAM runs a shell command on the server", src)
			return
		case next.kind == tString && !stdStream(next.val):
			r.add(FindingFileAccess, "COPY reads or writes a file on the server", src)
			return
		}
	}
}

// stdStream reports whether a file name is a standard stream, which
// COPY uses like STDIN and STDOUT (DuckDB's idiom for pipes).
func stdStream(name string) bool {
	switch name {
	case "/dev/stdin", "/dev/stdout", "/dev/stderr":
		return true
	}
	return false
}

// functions finds calls of functions that reach files, commands, other
// sessions or time.
func (r *Result) functions(toks []token, src string) {
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.kind != tWord {
			continue
		}
		call := toks[i+1].kind == tOp && toks[i+1].val == "("
		name := t.val
		if j := strings.LastIndexByte(name, '.'); j >= 0 {
			name = name[j+1:]
		}
		switch {
		case call && fileFunction(name):
			r.add(FindingFileAccess, name+" reaches files on the server", src)
		case call && commandFunction(name), !call && msProcedure(name) && i > 0 && (toks[i-1].val == "exec" || toks[i-1].val == "execute"):
			r.add(FindingCommandExec, name+" runs commands or native code on the server", src)
		case call && (name == "pg_terminate_backend" || name == "pg_cancel_backend"):
			r.add(FindingKill, name+" kills another session", src)
		case call && (name == "sleep" || name == "pg_sleep" || name == "benchmark" || name == "dbms_lock"):
			r.add(FindingTimeBased, name+" delays the query", src)
		case name == "waitfor" && i+1 < len(toks) && (toks[i+1].val == "delay" || toks[i+1].val == "time"):
			r.add(FindingTimeBased, "WAITFOR delays the query", src)
		}
	}
}

func fileFunction(name string) bool {
	switch name {
	case "load_file", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import", "lo_export",
		"openrowset", "opendatasource", "readfile", "writefile", "fopen", "edit", "pg_file_write", "utl_file":
		return true
	}
	return false
}

func commandFunction(name string) bool {
	switch name {
	case "xp_cmdshell", "sys_exec", "sys_eval", "load_extension", "dblink_exec", "dblink", "dblink_connect",
		"sp_oacreate", "shell", "system", "do_system", "pg_execute_server_program":
		return true
	}
	return false
}

// injection finds the shapes of SQL injection: UNION SELECT of
// credential columns and always-true ORs.
func (r *Result) injection(toks []token, src string) {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind != tWord || toks[i].val != "union" {
			continue
		}
		j := i + 1
		if j < len(toks) && (toks[j].val == "all" || toks[j].val == "distinct") {
			j++
		}
		if j >= len(toks) || toks[j].val != "select" {
			continue
		}
		for k := j + 1; k < len(toks) && toks[k].val != "union"; k++ {
			if (toks[k].kind == tWord || toks[k].kind == tQuoted) && credentialColumn(toks[k].val) {
				r.add(FindingUnionCreds, "a UNION SELECT pulls credential columns", src)
				break
			}
		}
	}
	for i, t := range toks {
		if t.kind == tWord && t.val == "or" && alwaysTrue(toks[i+1:]) {
			r.add(FindingTautology, "an OR with an always-true condition", src)
			return
		}
	}
}

func credentialColumn(name string) bool {
	for _, w := range []string{"password", "passwd", "pwd", "pass_hash", "passhash", "password_hash", "secret", "token", "api_key", "apikey", "credit_card", "card_number", "ssn", "private_key"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return name == "hash" || name == "pass"
}

// tautologyAfter reports whether the WHERE at index w is trivially true:
// a constant condition, or an OR of one.
func tautologyAfter(toks []token, w int) bool {
	if w < 0 || w+1 >= len(toks) {
		return false
	}
	clause := toks[w+1:]
	if alwaysTrue(clause) {
		return true
	}
	depth := 0
	for i, t := range clause {
		switch {
		case t.kind == tOp && t.val == "(":
			depth++
		case t.kind == tOp && t.val == ")":
			depth--
		case depth == 0 && t.kind == tWord && t.val == "or" && alwaysTrue(clause[i+1:]):
			return true
		}
	}
	return false
}

// alwaysTrue reports whether the condition at the start of toks is
// constant and true: 1=1, 'a'='a', x=x, TRUE, 2>1, or a non-zero number.
func alwaysTrue(toks []token) bool {
	for len(toks) > 0 && toks[0].kind == tOp && toks[0].val == "(" {
		toks = toks[1:]
	}
	if len(toks) == 0 {
		return false
	}
	first := toks[0]
	if first.kind == tWord && first.val == "true" && endsCondition(toks[1:]) {
		return true
	}
	if first.kind == tNumber && first.val != "0" && endsCondition(toks[1:]) {
		return true
	}
	if len(toks) < 3 || toks[1].kind != tOp && !(toks[1].kind == tWord && (toks[1].val == "like" || toks[1].val == "is")) {
		return false
	}
	a, op, b := toks[0], toks[1].val, toks[2]
	if !endsCondition(toks[3:]) {
		return false
	}
	switch {
	case (a.kind == tNumber || a.kind == tString) && a.kind == b.kind && a.val == b.val:
		return op == "=" || op == "==" || op == ">=" || op == "<=" || op == "like"
	case a.kind == tWord && b.kind == tWord && a.val == b.val && a.val != "null":
		return op == "=" || op == "=="
	case a.kind == tNumber && b.kind == tNumber:
		return op == "<>" && a.val != b.val || op == "!=" && a.val != b.val
	case (a.kind == tString || a.kind == tNumber) && a.kind == b.kind && a.val != b.val:
		return op == "<>" || op == "!="
	}
	return false
}

// endsCondition reports whether what follows a condition ends it.
func endsCondition(toks []token) bool {
	if len(toks) == 0 {
		return true
	}
	t := toks[0]
	switch {
	case t.kind == tOp && (t.val == ")" || t.val == ","):
		return true
	case t.kind == tWord:
		switch t.val {
		case "or", "and", "order", "group", "limit", "union", "returning", "having", "offset", "--":
			return true
		}
	case t.kind == tSemi:
		return true
	}
	return false
}

// bodies analyzes SQL inside dollar-quoted bodies (DO blocks, function
// bodies) and the strings given to EXECUTE in them.
func (r *Result) bodies(toks []token, d Dialect, depth int) {
	if depth >= maxDepth {
		return
	}
	for i, t := range toks {
		switch {
		case t.kind == tDollar:
			r.text(t.val, d, depth+1)
		case t.kind == tWord && (t.val == "execute" || t.val == "exec") && i+1 < len(toks) && toks[i+1].kind == tString && depth > 0:
			r.text(toks[i+1].val, d, depth+1)
		}
	}
	if len(toks) > 0 && toks[0].val == "do" {
		if lang := wordAfter(toks, "language"); untrustedLanguage(lang) {
			r.add(FindingCommandExec, "a DO block runs code in a language that reaches the host ("+lang+")", "")
		}
	}
}

// parse checks a statement with rqlite's SQL parser and, where it parses,
// lets its syntax tree decide the WHERE questions.
func (r *Result) parse(s *event.SQLStatement, src string) bool {
	stmt, err := rq.NewParser(strings.NewReader(src)).ParseStatement()
	if err != nil {
		return false
	}
	var where rq.Expr
	switch st := stmt.(type) {
	case *rq.DeleteStatement:
		where = st.WhereExpr
	case *rq.UpdateStatement:
		where = st.WhereExpr
	default:
		return true
	}
	s.Where = where != nil
	s.Tautology = where != nil && constTrue(where, 0)
	return true
}

// constTrue reports whether an expression is constant and true.
func constTrue(e rq.Expr, depth int) bool {
	if depth > 64 {
		return false
	}
	switch e := e.(type) {
	case *rq.BoolLit:
		return e.Value
	case *rq.NumberLit:
		return e.Value != "0" && e.Value != "0.0"
	case *rq.ParenExpr:
		return constTrue(e.X, depth+1)
	case *rq.BinaryExpr:
		switch e.Op {
		case rq.OR:
			return constTrue(e.X, depth+1) || constTrue(e.Y, depth+1)
		case rq.AND:
			return constTrue(e.X, depth+1) && constTrue(e.Y, depth+1)
		case rq.EQ, rq.LE, rq.GE, rq.IS:
			return sameConst(e.X, e.Y)
		case rq.NE:
			return differentConst(e.X, e.Y)
		}
	}
	return false
}

func constValue(e rq.Expr) (string, bool) {
	switch e := e.(type) {
	case *rq.NumberLit:
		return "n:" + e.Value, true
	case *rq.StringLit:
		return "s:" + e.Value, true
	case *rq.BoolLit:
		if e.Value {
			return "b:true", true
		}
		return "b:false", true
	case *rq.Ident:
		return "i:" + strings.ToLower(e.Name), true
	case *rq.ParenExpr:
		return constValue(e.X)
	}
	return "", false
}

func sameConst(x, y rq.Expr) bool {
	a, ok1 := constValue(x)
	b, ok2 := constValue(y)
	return ok1 && ok2 && a == b
}

func differentConst(x, y rq.Expr) bool {
	a, ok1 := constValue(x)
	b, ok2 := constValue(y)
	return ok1 && ok2 && a != b && !strings.HasPrefix(a, "i:") && !strings.HasPrefix(b, "i:")
}
