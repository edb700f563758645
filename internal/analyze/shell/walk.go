package shell

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
)

// stmts walks a list of statements.
func (w *walker) stmts(list []*syntax.Stmt, sc *scope) {
	for _, st := range list {
		w.stmt(st, sc, flow{})
	}
}

// stmt walks one statement whose standard input carries in.
func (w *walker) stmt(st *syntax.Stmt, sc *scope, in flow) {
	if st == nil || !w.step() {
		return
	}
	in = w.redirects(st, sc, in)
	w.recordWritten(st, sc)
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		w.call(c, st, sc, in)
	case *syntax.BinaryCmd:
		w.binary(c, sc, in)
	case *syntax.Block:
		w.stmts(c.Stmts, sc)
	case *syntax.Subshell:
		w.stmts(c.Stmts, &scope{env: sc.env.copy(), depth: sc.depth, via: sc.via})
	case *syntax.IfClause:
		for cl := c; cl != nil; cl = cl.Else {
			w.stmts(cl.Cond, sc)
			w.stmts(cl.Then, sc)
		}
	case *syntax.WhileClause:
		w.stmts(c.Cond, sc)
		w.stmts(c.Do, sc)
	case *syntax.ForClause:
		w.forLoop(c, sc)
	case *syntax.CaseClause:
		w.nestedWords(sc, c.Word)
		for _, item := range c.Items {
			w.nestedWords(sc, item.Patterns...)
			w.stmts(item.Stmts, sc)
		}
	case *syntax.FuncDecl:
		w.funcDecl(c, sc)
	case *syntax.DeclClause:
		w.declClause(c, st, sc)
	case *syntax.TimeClause:
		w.stmt(c.Stmt, sc, in)
	case *syntax.CoprocClause:
		w.stmt(c.Stmt, sc, in)
	case *syntax.TestClause, *syntax.ArithmCmd, *syntax.LetClause:
		w.nestedNode(c, sc)
	}
}

// binary walks pipelines and && / || lists.
func (w *walker) binary(c *syntax.BinaryCmd, sc *scope, in flow) {
	if c.Op != syntax.Pipe && c.Op != syntax.PipeAll {
		w.stmt(c.X, sc, in)
		w.stmt(c.Y, sc, flow{})
		return
	}
	stages := pipeline(c)
	for i, st := range stages {
		// Each stage runs in a subshell: its assignments stay there.
		stageScope := &scope{env: sc.env.copy(), depth: sc.depth, via: sc.via}
		w.stmt(st, stageScope, in)
		if i < len(stages)-1 {
			in = w.stageFlow(st, sc.env.copy(), in, 0)
			in.piped = true
		}
	}
}

// pipeline flattens a | b | c into its stages.
func pipeline(c *syntax.BinaryCmd) []*syntax.Stmt {
	var out []*syntax.Stmt
	var add func(st *syntax.Stmt)
	add = func(st *syntax.Stmt) {
		if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) && len(st.Redirs) == 0 {
			add(b.X)
			add(b.Y)
			return
		}
		out = append(out, st)
	}
	add(c.X)
	add(c.Y)
	return out
}

// forLoop walks a for loop's body once per item when the items are few
// and known, so that "for d in / ~; do rm -rf $d; done" is seen for what
// it deletes; otherwise once, with the loop variable unknown.
func (w *walker) forLoop(c *syntax.ForClause, sc *scope) {
	it, ok := c.Loop.(*syntax.WordIter)
	if !ok {
		w.nestedNode(c.Loop, sc)
		w.stmts(c.Do, sc)
		return
	}
	w.nestedWords(sc, it.Items...)
	name := it.Name.Value
	items := sc.env.fields(it.Items)
	known := len(items) > 0 && len(items) <= maxLoopItems
	for _, a := range items {
		known = known && !a.dyn
	}
	if !known {
		delete(sc.env.vars, name)
		w.stmts(c.Do, sc)
		return
	}
	for _, a := range items {
		sc.env.set(name, a.val, true)
		w.stmts(c.Do, sc)
	}
}

// funcDecl records a function. Its body is walked here with unknown
// arguments (the function may be called later in the session) and again
// at every call in this command line with the arguments it is given.
func (w *walker) funcDecl(c *syntax.FuncDecl, sc *scope) {
	name := ""
	if c.Name != nil {
		name = c.Name.Value
	}
	if name != "" && len(w.funcs) < maxVars {
		w.funcs[name] = c.Body
	}
	if name != "" && callsItselfTwice(name, c.Body) {
		w.find(FindingForkBomb, "a function that starts two copies of itself", printNode(c))
	}
	unknown := sc.env.copy()
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*", "#"} {
		delete(unknown.vars, k)
	}
	w.calling[name]++
	w.stmt(c.Body, &scope{env: unknown, depth: sc.depth + 1, via: sc.via}, flow{})
	w.calling[name]--
}

// callsItselfTwice reports whether a function body runs the function at
// least twice, as a fork bomb does (:(){ :|:& };:).
func callsItselfTwice(name string, body *syntax.Stmt) bool {
	n := 0
	syntax.Walk(body, func(node syntax.Node) bool {
		if c, ok := node.(*syntax.CallExpr); ok && len(c.Args) > 0 && c.Args[0].Lit() == name {
			n++
		}
		return n < 2
	})
	return n >= 2
}

// declClause walks export, declare, local, readonly and typeset.
func (w *walker) declClause(c *syntax.DeclClause, st *syntax.Stmt, sc *scope) {
	w.nestedNode(c, sc)
	var assigns []*syntax.Assign
	bare := true
	for _, a := range c.Args {
		if a.Name != nil && !a.Naked {
			assigns = append(assigns, a)
		}
		if a.Name != nil && a.Naked && strings.HasPrefix(a.Name.Value, "-") {
			continue
		}
		bare = false
	}
	w.checkAssigns(assigns, sc)
	sc.env.assign(assigns)
	w.record(event.Command{Name: c.Variant.Value, Via: sc.via})
	if bare && (c.Variant.Value == "export" || c.Variant.Value == "declare" || c.Variant.Value == "typeset") {
		w.find(FindingEnvDump, "the environment is printed", c.Variant.Value)
	}
}

// redirects records what a statement's redirections read and write, and
// returns what its standard input carries.
func (w *walker) redirects(st *syntax.Stmt, sc *scope, in flow) flow {
	for _, r := range st.Redirs {
		if r.Word != nil {
			w.nestedWords(sc, r.Word)
		}
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			in = w.heredoc(r, sc)
			continue
		case syntax.WordHdoc:
			v, dyn := sc.env.word(r.Word)
			in = flow{text: v + "\n", static: !dyn}
			continue
		}
		if r.Word == nil {
			continue
		}
		target, dyn := sc.env.word(r.Word)
		if dyn {
			if r.Op == syntax.RdrIn {
				in = flow{}
			}
			continue
		}
		if isNetDevice(target) {
			w.netRedirect(r, target, st, sc, in)
			if r.Op == syntax.RdrIn || r.Op == syntax.RdrInOut {
				in = flow{download: true}
			}
			continue
		}
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrClob, syntax.AppClob, syntax.RdrAll, syntax.RdrAllClob, syntax.AppAll:
			w.addPath(target, event.OpWrite, false, "redirection")
			w.deviceWrite(target)
		case syntax.DplOut:
			if !isFD(target) {
				w.addPath(target, event.OpWrite, false, "redirection")
				w.deviceWrite(target)
			}
		case syntax.RdrIn:
			w.addPath(target, event.OpRead, false, "redirection")
			in = flow{files: []string{target}}
		case syntax.RdrInOut:
			w.addPath(target, event.OpRead, false, "redirection")
			w.addPath(target, event.OpWrite, false, "redirection")
		}
	}
	return in
}

// heredoc returns what a here-document gives its command.
func (w *walker) heredoc(r *syntax.Redirect, sc *scope) flow {
	if r.Hdoc == nil {
		return flow{static: true}
	}
	quoted := r.Word != nil && (len(r.Word.Parts) != 1 || func() bool {
		_, lit := r.Word.Parts[0].(*syntax.Lit)
		return !lit
	}())
	if quoted {
		var b strings.Builder
		for _, p := range r.Hdoc.Parts {
			if l, ok := p.(*syntax.Lit); ok {
				b.WriteString(l.Value)
			}
		}
		return flow{text: b.String(), static: true}
	}
	w.nestedWords(sc, r.Hdoc)
	if sc.env.dynamic(r.Hdoc) {
		return flow{}
	}
	s, err := expand.Document(sc.env.cfg, r.Hdoc)
	if err != nil {
		return flow{}
	}
	return flow{text: s, static: true}
}

func isFD(s string) bool {
	if s == "-" {
		return true
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// nestedWords walks the command and process substitutions inside words.
func (w *walker) nestedWords(sc *scope, words ...*syntax.Word) {
	for _, word := range words {
		if word != nil {
			w.nestedNode(word, sc)
		}
	}
}

// nestedNode walks the substitutions anywhere below n.
func (w *walker) nestedNode(n syntax.Node, sc *scope) {
	syntax.Walk(n, func(node syntax.Node) bool {
		switch s := node.(type) {
		case *syntax.CmdSubst:
			w.stmts(s.Stmts, &scope{env: sc.env.copy(), depth: sc.depth + 1, via: sc.via})
			return false
		case *syntax.ProcSubst:
			w.stmts(s.Stmts, &scope{env: sc.env.copy(), depth: sc.depth + 1, via: sc.via})
			return false
		}
		return true
	})
}

// call walks one simple command.
func (w *walker) call(c *syntax.CallExpr, st *syntax.Stmt, sc *scope, in flow) {
	for _, a := range c.Assigns {
		w.nestedNode(a, sc)
	}
	w.nestedWords(sc, c.Args...)
	w.checkAssigns(c.Assigns, sc)
	if len(c.Args) == 0 {
		sc.env.assign(c.Assigns)
		return
	}
	args := sc.env.fields(c.Args)
	if len(args) == 0 {
		return // every word expanded to nothing
	}
	if args[0].dyn {
		w.dynamicCommand(args, sc)
		return
	}
	name := args[0].val
	if body, ok := w.funcs[name]; ok && w.calling[name] < 2 {
		w.callFunc(name, body, args, sc, in)
		return
	}
	if value, ok := w.aliases[name]; ok && sc.depth < MaxDepth {
		w.script(value+" "+quoteArgs(args[1:]), sc.nested("alias "+name))
		return
	}
	w.run(args, sc, in, st)
}

// callFunc walks a function's body with its arguments.
func (w *walker) callFunc(name string, body *syntax.Stmt, args []arg, sc *scope, in flow) {
	if sc.depth >= MaxDepth {
		w.tooComplex("functions call each other too deeply to analyze")
		return
	}
	w.record(event.Command{Name: name, Args: values(args[1:]), Via: sc.via})
	w.calling[name]++
	fs := &scope{env: sc.env.withArgs(values(args[1:])), depth: sc.depth + 1, via: appendVia(sc.via, name+"()")}
	w.stmt(body, fs, in)
	w.calling[name]--
}

// dynamicCommand handles a command whose name is only known at run time.
func (w *walker) dynamicCommand(args []arg, sc *scope) {
	w.record(event.Command{Args: values(args[1:]), Via: sc.via})
	switch w.producerOf(args[0].word, sc) {
	case producerDownload:
		w.find(FindingDownloadExec, "the output of a download is run as a command", args[0].val)
	case producerDecode:
		w.find(FindingObfuscatedExec, "a decoded payload is run as a command", args[0].val)
	default:
		w.find(FindingDynamicCommand, "the command's name is only known when it runs", args[0].val)
	}
}

func appendVia(via []string, label string) []string {
	out := make([]string, len(via), len(via)+1)
	copy(out, via)
	return append(out, label)
}

// quoteArgs writes arguments back as shell words.
func quoteArgs(args []arg) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if a.dyn {
			parts[i] = a.val
			continue
		}
		q, err := syntax.Quote(a.val, syntax.LangBash)
		if err != nil {
			q = "''"
		}
		parts[i] = q
	}
	return strings.Join(parts, " ")
}
