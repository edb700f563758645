package shell

import (
	"errors"
	"io"
	"maps"
	"path"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// maxVars bounds the variables one command line can assign.
const maxVars = 256

// env is the shell environment as far as it can be known without running
// anything: HOME, PWD, IFS and the like; empty positional parameters (an
// agent's shell has none); and what the command line itself assigns.
// Expansion runs through mvdan.cc/sh/v3/expand with globbing off and with
// command substitution limited to statically evaluable text (see
// static.go), so it never runs or reads anything.
type env struct {
	w    *walker
	home string
	vars map[string]expand.Variable
	cfg  *expand.Config
}

var errNotStatic = errors.New("not statically known")

func newEnv(w *walker, home, cwd string) *env {
	e := &env{w: w, home: home, vars: map[string]expand.Variable{}}
	set := func(k, v string) { e.vars[k] = strVar(v) }
	set("IFS", " \t\n")
	set("BASH", "/bin/bash")
	set("SHELL", "/bin/bash")
	set("0", "bash")
	set("#", "0")
	for i := 1; i <= 9; i++ {
		set(strconv.Itoa(i), "")
	}
	e.vars["@"] = expand.Variable{Set: true, Kind: expand.Indexed}
	e.vars["*"] = expand.Variable{Set: true, Kind: expand.Indexed}
	if home != "" {
		set("HOME", home)
		if u := path.Base(home); u != "/" && u != "." {
			set("USER", u)
			set("LOGNAME", u)
		}
	}
	if cwd != "" {
		set("PWD", cwd)
	}
	e.cfg = e.config()
	return e
}

func (e *env) config() *expand.Config {
	return &expand.Config{Env: e, CmdSubst: e.cmdSubst}
}

func strVar(s string) expand.Variable {
	return expand.Variable{Set: true, Kind: expand.String, Str: s}
}

// copy returns an environment whose assignments do not reach e, for
// subshells, pipeline stages and command substitutions.
func (e *env) copy() *env {
	c := &env{w: e.w, home: e.home, vars: maps.Clone(e.vars)}
	c.cfg = c.config()
	return c
}

// withArgs returns a copy with the positional parameters set, for a
// function call.
func (e *env) withArgs(args []string) *env {
	c := e.copy()
	for i := 1; i <= 9; i++ {
		v := ""
		if i <= len(args) {
			v = args[i-1]
		}
		c.vars[strconv.Itoa(i)] = strVar(v)
	}
	c.vars["#"] = strVar(strconv.Itoa(len(args)))
	c.vars["@"] = expand.Variable{Set: true, Kind: expand.Indexed, List: args}
	c.vars["*"] = expand.Variable{Set: true, Kind: expand.Indexed, List: args}
	return c
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

// cmdSubst gives the output of a command substitution when it is plain
// text ward can work out, such as $(printf %s 'eh' | rev); otherwise the
// word stays dynamic.
func (e *env) cmdSubst(w io.Writer, cs *syntax.CmdSubst) error {
	f := e.w.flowOf(cs.Stmts, e.copy(), nil, 0)
	if !f.static {
		return errNotStatic
	}
	_, err := io.WriteString(w, strings.TrimRight(f.text, "\n"))
	return err
}

// set assigns a variable, forgetting it when its value is unknown.
func (e *env) set(name string, value string, known bool) {
	if !known {
		delete(e.vars, name)
		return
	}
	if len(e.vars) >= maxVars {
		return
	}
	e.vars[name] = strVar(value)
}

// assign records assignments.
func (e *env) assign(as []*syntax.Assign) {
	for _, a := range as {
		if a.Name == nil {
			continue
		}
		name := a.Name.Value
		switch {
		case a.Array != nil:
			e.assignArray(name, a.Array)
		case a.Index != nil || a.Naked:
			delete(e.vars, name)
		case a.Value == nil:
			e.set(name, "", true)
		default:
			v, dyn := e.word(a.Value)
			if a.Append {
				old, ok := e.vars[name]
				if !ok {
					dyn = true
				}
				v = old.Str + v
			}
			e.set(name, v, !dyn)
		}
	}
}

func (e *env) assignArray(name string, arr *syntax.ArrayExpr) {
	var list []string
	for _, el := range arr.Elems {
		if el.Index != nil || el.Value == nil {
			delete(e.vars, name)
			return
		}
		args := e.fields([]*syntax.Word{el.Value})
		for _, a := range args {
			if a.dyn {
				delete(e.vars, name)
				return
			}
			list = append(list, a.val)
		}
	}
	if len(e.vars) < maxVars {
		e.vars[name] = expand.Variable{Set: true, Kind: expand.Indexed, List: list}
	}
}

// arg is one argument as the shell would pass it.
type arg struct {
	val  string
	dyn  bool         // the value is only known at run time; val is the word as written
	word *syntax.Word // the word it came from
}

// fields expands words into the arguments the shell would pass, with brace
// expansion and field splitting. A word whose value is only known at run
// time stays as written, marked dynamic.
func (e *env) fields(words []*syntax.Word) []arg {
	var out []arg
	for _, w := range words {
		if e.dynamic(w) {
			out = append(out, arg{val: printNode(w), dyn: true, word: w})
			continue
		}
		fs, err := expand.Fields(e.cfg, w)
		if err != nil {
			out = append(out, arg{val: printNode(w), dyn: true, word: w})
			continue
		}
		for _, f := range fs {
			out = append(out, arg{val: f, word: w})
		}
	}
	return out
}

// word expands one word to a single string.
func (e *env) word(w *syntax.Word) (string, bool) {
	if e.dynamic(w) {
		return printNode(w), true
	}
	s, err := expand.Literal(e.cfg, w)
	if err != nil {
		return printNode(w), true
	}
	return s, false
}

// dynamic reports whether w's value depends on something ward cannot
// know: a variable it has not seen assigned, or a process substitution.
// Command substitutions are left to cmdSubst.
func (e *env) dynamic(w *syntax.Word) bool {
	dyn := false
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ProcSubst:
			dyn = true
		case *syntax.CmdSubst:
			return false // cmdSubst decides
		case *syntax.ParamExp:
			if n.Param == nil || !e.vars[n.Param.Value].IsSet() {
				dyn = true
			}
		}
		return !dyn
	})
	return dyn
}

// values returns the values of args, dynamic ones marked.
func values(args []arg) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a.dyn {
			out[i] = dynamicMark + a.val
		} else {
			out[i] = a.val
		}
	}
	return out
}
