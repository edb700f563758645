// Package shell analyzes shell commands the way the shell will run them:
// it parses them with mvdan.cc/sh (never executing anything), resolves
// quoting, expands what can be known without running code, unwraps
// wrappers such as sudo and bash -c, and records every command the shell
// would run and every path it would touch.
package shell

import (
	"context"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Limits on the work one command can cause.
const (
	MaxScript   = 256 << 10 // bytes of script parsed, including nested ones
	MaxDepth    = 8         // nesting of bash -c, eval and the like
	MaxCommands = 512       // simple commands recorded
)

// Finding ids the analyzer emits.
const (
	FindingUnparsed       = "shell.unparsed"
	FindingDynamicCommand = "shell.dynamic_command"
	FindingTooComplex     = "shell.too_complex"
)

// Analyzer is the shell analyzer.
type Analyzer struct{}

var (
	_ analyze.Analyzer  = Analyzer{}
	_ analyze.Cataloger = Analyzer{}
)

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "shell" }

// Catalog implements analyze.Cataloger.
func (Analyzer) Catalog() []analyze.FindingSpec {
	return []analyze.FindingSpec{
		{ID: FindingUnparsed, Severity: event.Medium, Doc: "the command is not valid shell syntax, so ward cannot tell what it does"},
		{ID: FindingDynamicCommand, Severity: event.Medium, Doc: "a command's name is only known when it runs (it comes from a substitution or an unknown variable)"},
		{ID: FindingTooComplex, Severity: event.Medium, Doc: "the command nests or repeats beyond what ward analyzes"},
	}
}

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(ctx context.Context, s *analyze.Subject) error {
	if s.Event.Action.Kind != event.KindShell {
		return nil
	}
	w := &walker{ctx: ctx, s: s, env: newEnv(s.Env.Home, s.Event.Cwd)}
	w.script(s.Event.Action.Command, 0, nil)
	return ctx.Err()
}

// walker walks one command line and everything nested in it.
type walker struct {
	ctx    context.Context
	s      *analyze.Subject
	env    *env
	parsed int // bytes parsed so far
}

// script parses src and walks it. via lists the wrappers src was found in.
func (w *walker) script(src string, depth int, via []string) {
	if depth > MaxDepth || w.parsed+len(src) > MaxScript {
		w.tooComplex("the command nests too deeply or is too long to analyze")
		return
	}
	w.parsed += len(src)
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		w.s.AddFinding(event.Finding{ID: FindingUnparsed, Severity: event.Medium,
			Message: "the command is not valid shell syntax", Evidence: err.Error()})
		return
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if w.ctx.Err() != nil {
			return false
		}
		switch n := n.(type) {
		case *syntax.CallExpr:
			w.call(n, depth, via)
		case *syntax.Redirect:
			w.redirect(n)
		}
		return true
	})
}

func (w *walker) tooComplex(msg string) {
	for _, f := range w.s.Findings {
		if f.ID == FindingTooComplex {
			return
		}
	}
	w.s.AddFinding(event.Finding{ID: FindingTooComplex, Severity: event.Medium, Message: msg})
}

// call records one simple command.
func (w *walker) call(c *syntax.CallExpr, depth int, via []string) {
	if len(c.Args) == 0 {
		w.env.assign(c.Assigns)
		return
	}
	args, dynamic := w.env.fields(c.Args)
	if dynamic[0] {
		w.record(event.Command{Args: args[1:], Via: via})
		w.s.AddFinding(event.Finding{ID: FindingDynamicCommand, Severity: event.Medium,
			Message:  "the command's name is only known when it runs",
			Evidence: printWord(c.Args[0])})
		return
	}
	w.command(args, dynamic, depth, via)
}

// command records a command given as resolved words, unwrapping wrappers.
func (w *walker) command(args []string, dynamic []bool, depth int, via []string) {
	if len(args) == 0 || args[0] == "" {
		return
	}
	if depth > MaxDepth {
		w.tooComplex("wrappers nest too deeply to analyze")
		return
	}
	prog := args[0]
	name := path.Base(prog)
	cmd := event.Command{Name: name, Args: args[1:], Via: via}
	if prog != name {
		cmd.Path = prog
	}
	w.record(cmd)
	if inner, innerDyn, label, ok := unwrap(name, args[1:], dynamic[1:]); ok {
		w.command(inner, innerDyn, depth+1, appendVia(via, label))
		return
	}
	if src, label, ok := shellString(name, args[1:]); ok {
		w.script(src, depth+1, appendVia(via, label))
		return
	}
	for _, ref := range pathRoles(name, markDynamic(args[1:], dynamic[1:])) {
		if !strings.HasPrefix(ref.Path, dynamicMark) {
			w.s.AddPath(ref.Path, ref.Op, name+" argument")
		}
	}
}

func appendVia(via []string, label string) []string {
	out := make([]string, len(via), len(via)+1)
	copy(out, via)
	return append(out, label)
}

func (w *walker) record(c event.Command) {
	cmds := &w.s.Facts.Shell.Commands
	if len(*cmds) >= MaxCommands {
		w.tooComplex("the command runs more simple commands than ward records")
		return
	}
	*cmds = append(*cmds, c)
}

// redirect records the file a redirection reads or writes.
func (w *walker) redirect(r *syntax.Redirect) {
	if r.Word == nil || r.Hdoc != nil {
		return
	}
	var op event.PathOp
	switch r.Op {
	case syntax.RdrOut, syntax.AppOut, syntax.RdrClob, syntax.RdrAll, syntax.RdrAllClob, syntax.AppAll, syntax.RdrInOut:
		op = event.OpWrite
	case syntax.RdrIn:
		op = event.OpRead
	default:
		return // duplications such as 2>&1, here-strings
	}
	target, dyn := w.env.word(r.Word)
	if dyn || pseudoFile(target) {
		return
	}
	w.s.AddPath(target, op, "redirection")
}

// pseudoFile reports whether p names a stream rather than a file.
func pseudoFile(p string) bool {
	switch p {
	case "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/zero", "-":
		return true
	}
	return strings.HasPrefix(p, "/dev/fd/")
}

func printWord(w *syntax.Word) string {
	var b strings.Builder
	if err := syntax.NewPrinter().Print(&b, w); err != nil {
		return ""
	}
	return b.String()
}

// dynamicMark prefixes arguments whose value is only known at run time, so
// that they keep their place among a command's operands but are never
// taken for a path. A NUL cannot occur in a real argument.
const dynamicMark = "\x00"

func markDynamic(args []string, dynamic []bool) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if dynamic[i] {
			a = dynamicMark + a
		}
		out[i] = a
	}
	return out
}
