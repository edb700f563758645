package shell

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// maxVars bounds the variables one command line can assign.
const maxVars = 256

// env is the shell environment as far as it can be known without running
// anything: HOME and PWD, and what the command line itself assigns.
type env struct {
	home string
	vars map[string]expand.Variable
	cfg  *expand.Config
}

func newEnv(home, cwd string) *env {
	e := &env{home: home, vars: map[string]expand.Variable{}}
	if home != "" {
		e.vars["HOME"] = strVar(home)
	}
	if cwd != "" {
		e.vars["PWD"] = strVar(cwd)
	}
	// A nil CmdSubst, ProcSubst and ReadDir2 keep expansion from running
	// anything or touching the file system.
	e.cfg = &expand.Config{Env: e}
	return e
}

func strVar(s string) expand.Variable {
	return expand.Variable{Set: true, Kind: expand.String, Str: s}
}

// Get implements expand.Environ. "HOME user" is how expand asks for
// another user's home; it is answered without reading /etc/passwd.
func (e *env) Get(name string) expand.Variable {
	if user, ok := strings.CutPrefix(name, "HOME "); ok {
		if user == "root" {
			return strVar("/root")
		}
		return strVar(path.Join(path.Dir(e.home), user))
	}
	return e.vars[name]
}

// Each implements expand.Environ.
func (e *env) Each(fn func(string, expand.Variable) bool) {
	for k, v := range e.vars {
		if !fn(k, v) {
			return
		}
	}
}

// assign records assignments whose values can be known.
func (e *env) assign(as []*syntax.Assign) {
	for _, a := range as {
		if a.Name == nil || len(e.vars) >= maxVars {
			continue
		}
		if a.Value == nil || a.Array != nil || a.Index != nil || a.Append {
			delete(e.vars, a.Name.Value) // its value is now unknown
			continue
		}
		v, dyn := e.word(a.Value)
		if dyn {
			delete(e.vars, a.Name.Value)
			continue
		}
		e.vars[a.Name.Value] = strVar(v)
	}
}

// fields expands words into the arguments the shell would pass, with brace
// expansion and field splitting. A word whose value is only known at run
// time stays as written, marked dynamic.
func (e *env) fields(words []*syntax.Word) (args []string, dynamic []bool) {
	for _, w := range words {
		if e.dynamic(w) {
			args = append(args, printWord(w))
			dynamic = append(dynamic, true)
			continue
		}
		fs, err := expand.Fields(e.cfg, w)
		if err != nil {
			args = append(args, printWord(w))
			dynamic = append(dynamic, true)
			continue
		}
		for _, f := range fs {
			args = append(args, f)
			dynamic = append(dynamic, false)
		}
	}
	if len(args) == 0 {
		return []string{""}, []bool{true}
	}
	return args, dynamic
}

// word expands one word to a single string.
func (e *env) word(w *syntax.Word) (string, bool) {
	if e.dynamic(w) {
		return printWord(w), true
	}
	s, err := expand.Literal(e.cfg, w)
	if err != nil {
		return printWord(w), true
	}
	return s, false
}

// dynamic reports whether w's value depends on running something or on a
// variable ward does not know.
func (e *env) dynamic(w *syntax.Word) bool {
	dyn := false
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp:
			dyn = true
		case *syntax.ParamExp:
			if n.Param == nil || !e.vars[n.Param.Value].IsSet() || n.Excl || n.Index != nil {
				dyn = true
			}
		}
		return !dyn
	})
	return dyn
}
