package shell

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
)

// maxWritten bounds the files whose written content is remembered.
const maxWritten = 16

// recordWritten remembers what a statement writes into a file when ward
// can work it out (echo 'x' > f, cat > f <<EOF), so that running the
// file later in the same command line is analyzed too; and it flags
// content that starts a shell.
func (w *walker) recordWritten(st *syntax.Stmt, sc *scope) {
	c, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) == 0 {
		return
	}
	for _, r := range st.Redirs {
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrClob, syntax.RdrAll, syntax.AppAll, syntax.RdrAllClob:
		default:
			continue
		}
		target, dyn := sc.env.word(r.Word)
		if dyn || pseudoFile(target) || isNetDevice(target) {
			continue
		}
		in, _ := staticRedirects(st, sc.env, flow{})
		f := w.callFlow(c, sc.env.copy(), in, 0)
		if f.static {
			w.wrote(target, f.text, r.Op == syntax.AppOut || r.Op == syntax.AppAll)
		}
	}
}

// wrote remembers content written to a file.
func (w *walker) wrote(target, text string, appending bool) {
	key := w.s.Env.Resolve(target)
	if appending {
		text = w.written[key] + text
	}
	if _, known := w.written[key]; (known || len(w.written) < maxWritten) && len(text) <= MaxText {
		w.written[key] = text
	}
	if files := &w.s.Facts.Shell.Written; len(*files) < maxWritten && len(text) <= 64<<10 {
		*files = append(*files, event.WrittenFile{Path: key, Content: text})
	}
	if shellInContent(text) {
		w.find(FindingWrittenShell, "a file is written with code that starts a shell", target)
	}
}

// writtenFile returns what the command line wrote into a file before.
func (w *walker) writtenFile(p string) (string, bool) {
	if isDynamic(p) {
		return "", false
	}
	t, ok := w.written[w.s.Env.Resolve(p)]
	return t, ok
}

// runWritten analyzes a file written earlier in the command line that is
// now run, in the language its shebang or name says.
func (w *walker) runWritten(p string, sc *scope) bool {
	text, ok := w.writtenFile(p)
	if !ok {
		return false
	}
	if l := langOfScript(p, text); l != "" {
		w.code(l, text, sc.nested(path.Base(p)))
		return true
	}
	w.script(text, sc.nested(path.Base(p)))
	return true
}

// langOfScript returns an interpreter language from a script's shebang or
// extension; "" means shell.
func langOfScript(p, text string) lang {
	if first, _, _ := strings.Cut(text, "\n"); strings.HasPrefix(first, "#!") {
		fields := strings.Fields(strings.TrimPrefix(first, "#!"))
		if len(fields) > 0 {
			prog := path.Base(fields[0])
			if prog == "env" && len(fields) > 1 {
				prog = path.Base(fields[len(fields)-1])
			}
			if isShell(prog) {
				return ""
			}
			if l := langOf(prog); l != "" {
				return l
			}
		}
	}
	switch path.Ext(p) {
	case ".py":
		return langPython
	case ".js", ".mjs", ".cjs", ".ts":
		return langNode
	case ".pl":
		return langPerl
	case ".rb":
		return langRuby
	case ".php":
		return langPHP
	case ".lua":
		return langLua
	case ".go", ".java", ".c", ".rs", ".jl", ".r", ".R":
		return langOther
	}
	return ""
}

// shellInContent reports whether written content names a shell outside
// a shebang line, as in system("/bin/sh").
func shellInContent(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#!") {
			continue
		}
		if mentionsShell(line) {
			return true
		}
	}
	return false
}
