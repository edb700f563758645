package cond

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"unicode/utf8"
)

// Env declares the variables conditions may use, with their types, and
// the limits conditions run under. It is safe for concurrent use.
type Env struct {
	vars    map[string]*varDecl
	list    []*varDecl
	names   []string
	objects map[string]*Type // object types by name, usable as values
	opts    Options
}

// Var declares a variable.
type Var struct {
	Name string
	Type *Type
}

type varDecl struct {
	name  string
	typ   *Type
	index int
}

// Options are the limits on conditions. Zero values take the defaults.
type Options struct {
	// MaxLength bounds a condition's length in code points (16384).
	MaxLength int
	// MaxDepth bounds how deep a condition's syntax nests (64).
	MaxDepth int
	// CostLimit bounds the work of one evaluation, in steps: every
	// operation, every iteration of a macro, and every 64 bytes of
	// string scanned or built count one (1000000).
	CostLimit int64
}

// NewEnv returns an environment with the given variables.
func NewEnv(opts Options, vars ...Var) *Env {
	if opts.MaxLength == 0 {
		opts.MaxLength = 16 << 10
	}
	if opts.MaxDepth == 0 {
		opts.MaxDepth = 64
	}
	if opts.CostLimit == 0 {
		opts.CostLimit = 1_000_000
	}
	e := &Env{vars: map[string]*varDecl{}, objects: map[string]*Type{}, opts: opts}
	for i, v := range vars {
		d := &varDecl{name: v.Name, typ: v.Type, index: i}
		e.vars[v.Name] = d
		e.list = append(e.list, d)
		e.names = append(e.names, v.Name)
		e.addObjects(v.Type)
	}
	slices.Sort(e.names)
	return e
}

func (e *Env) addObjects(t *Type) {
	if t.kind == ObjectKind {
		if _, seen := e.objects[t.name]; seen {
			return
		}
		e.objects[t.name] = t
		for _, f := range t.fields {
			e.addObjects(f.typ)
		}
	}
	for _, p := range t.params {
		e.addObjects(p)
	}
}

// Issue is a problem with a condition, at a byte offset into its text.
type Issue struct {
	Offset int
	Msg    string
}

func (i Issue) Error() string { return fmt.Sprintf("%d: %s", i.Offset, i.Msg) }

// Program is a compiled condition. It is safe for concurrent use.
type Program struct {
	env    *Env
	ast    *expr
	typ    *Type
	root   evaluator
	locals int
}

// Compile parses, type-checks and plans src.
func (e *Env) Compile(src string) (*Program, []Issue) {
	if !utf8.ValidString(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, []Issue{{Offset: i, Msg: "the condition is not valid UTF-8"}}
	}
	if n := utf8.RuneCountInString(src); n > e.opts.MaxLength {
		return nil, []Issue{{Msg: fmt.Sprintf("the condition is %d characters long; the limit is %d", n, e.opts.MaxLength)}}
	}
	ast, issue := parse(src, e.opts.MaxDepth)
	if issue != nil {
		return nil, []Issue{*issue}
	}
	c := &checker{env: e}
	typ := c.checkExpr(ast)
	if len(c.issues) > 0 {
		return nil, c.issues
	}
	p := &planner{env: e}
	root := p.plan(ast)
	if len(p.issues) > 0 {
		return nil, p.issues
	}
	return &Program{env: e, ast: ast, typ: typ, root: root, locals: p.maxSlots}, nil
}

// Type is the type of the condition's value.
func (p *Program) Type() *Type { return p.typ }

// Activation supplies the values of variables. Var is called at most once
// per variable and evaluation, and only for variables the condition
// reaches. Values are Go values of the variables' types: a pointer to the
// struct of an object type, a slice (or pointer to one) for a list, any
// JSON-like value for dyn.
type Activation interface {
	Var(name string) (any, error)
}

// ErrCost is the error of an evaluation that exceeds its cost limit.
var ErrCost = errCost

// Eval runs the condition. The value is a bool, int64, uint64, float64,
// string, []byte, nil, []any or map[any]any, or the Go value of an
// object; a condition's errors are returned as errors.
func (p *Program) Eval(act Activation) (any, error) {
	v, err := p.run(act)
	if err != nil {
		return nil, err
	}
	return toNative(v)
}

// EvalBool runs a condition whose type is bool.
func (p *Program) EvalBool(act Activation) (bool, error) {
	v, err := p.run(act)
	if err != nil {
		return false, err
	}
	switch v.kind() {
	case BoolKind:
		return v.bool(), nil
	case ErrorKind:
		return false, v.err()
	}
	return false, fmt.Errorf("the condition gave a %s, not true or false", v.t.runtimeName())
}

// frames are reused across evaluations, so that an evaluation does not
// allocate one.
var frames = sync.Pool{New: func() any { return new(frame) }}

func (p *Program) run(act Activation) (Value, error) {
	f := frames.Get().(*frame)
	f.act, f.env, f.cost, f.limit, f.over = act, p.env, 0, p.env.opts.CostLimit, false
	if p.locals <= len(f.localBuf) {
		f.locals = f.localBuf[:p.locals]
	} else {
		f.locals = make([]Value, p.locals)
	}
	if n := len(p.env.list); n <= len(f.varBuf) {
		f.vars = f.varBuf[:n]
	} else {
		f.vars = make([]Value, n)
	}
	v := p.root.eval(f)
	over, limit := f.over, f.limit
	// Drop references to the activation and its values.
	clear(f.vars)
	clear(f.locals)
	f.act, f.vars, f.locals = nil, nil, nil
	frames.Put(f)
	if over {
		return Value{}, fmt.Errorf("%w (%d)", errCost, limit)
	}
	if v.kind() == ErrorKind {
		return Value{}, v.err()
	}
	return v, nil
}

// convertVar converts an activation's value of a declared variable.
func convertVar(d *varDecl, a any) Value {
	t := d.typ
	if t.goType != nil {
		rv := reflect.ValueOf(a)
		switch {
		case rv.Kind() == reflect.Pointer && rv.Type().Elem() == t.goType:
			if rv.IsNil() {
				rv = reflect.New(t.goType)
			}
			return Value{t: t, r: rv.Interface()}
		case rv.IsValid() && rv.Type() == t.goType:
			if t.kind == MapKind {
				return Value{t: t, r: a}
			}
			return Value{t: t, r: addr(rv)}
		}
		return errorValue("variable %s: a Go %T is not a %s", d.name, a, t)
	}
	v := FromNative(a)
	if t.kind != DynKind && v.kind() != t.kind && v.kind() != ErrorKind {
		return errorValue("variable %s: a %s is not a %s", d.name, v.t.runtimeName(), t)
	}
	return v
}

// Constant reports the value of a condition that does not depend on its
// variables: what is left after folding literals, and operators and
// functions of constants, and after && and || absorb what their constant
// operands decide (false && x is false).
func (p *Program) Constant() (any, bool) {
	v, ok := p.fold(p.ast)
	if !ok {
		return nil, false
	}
	n, err := toNative(v)
	return n, err == nil
}

func (p *Program) fold(e *expr) (Value, bool) {
	if e.kind == kCall && e.target == nil {
		switch e.name {
		case opAnd, opOr:
			absorb := e.name == opOr // the value that decides: true for ||, false for &&
			all := true
			for _, a := range e.args {
				v, ok := p.fold(a)
				switch {
				case ok && v.isBool(absorb):
					return boolValue(absorb), true
				case !ok || v.kind() != BoolKind:
					all = false
				}
			}
			return boolValue(!absorb), all
		case opNot:
			if v, ok := p.fold(e.args[0]); ok && v.kind() == BoolKind {
				return boolValue(!v.bool()), true
			}
			return Value{}, false
		case opCond:
			if c, ok := p.fold(e.args[0]); ok && c.kind() == BoolKind {
				if c.bool() {
					return p.fold(e.args[1])
				}
				return p.fold(e.args[2])
			}
			return Value{}, false
		}
	}
	if usesVars(e) {
		return Value{}, false
	}
	pl := &planner{env: p.env}
	ev := pl.plan(e)
	if len(pl.issues) > 0 {
		return Value{}, false
	}
	f := &frame{env: p.env, limit: p.env.opts.CostLimit, act: noVars{}}
	f.locals = make([]Value, pl.maxSlots)
	v := ev.eval(f)
	if f.over || v.kind() == ErrorKind {
		return Value{}, false
	}
	return v, true
}

type noVars struct{}

func (noVars) Var(name string) (any, error) { return nil, errors.New("no variables while folding") }

// usesVars reports whether e refers to a variable.
func usesVars(e *expr) bool {
	if e == nil {
		return false
	}
	if e.kind == kIdent && e.global != nil {
		return true
	}
	if usesVars(e.target) {
		return true
	}
	for _, a := range e.args {
		if usesVars(a) {
			return true
		}
	}
	if e.kind == kComp {
		return usesVars(e.init) || usesVars(e.step) || usesVars(e.result) || usesVars(e.cond)
	}
	return false
}
