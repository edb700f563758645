package cond

import (
	"fmt"
	"strconv"
	"strings"
)

// checker type-checks a parsed condition. Its inference follows CEL's
// checker (and cel-go's, which conditions were first written against):
// overloads are resolved by assignability with type parameters, dyn is
// assignable to and from everything, and several matching overloads with
// different results give dyn.
type checker struct {
	env     *Env
	subs    mapping
	nextVar int
	scopes  []map[string]*Type
	issues  []Issue
}

func (c *checker) errorf(off int, format string, args ...any) {
	c.issues = append(c.issues, Issue{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

// typeIdent returns the type a type's name stands for when used as a
// value: type(x) == int.
func typeIdent(name string) (*Type, bool) {
	switch name {
	case "bool":
		return Bool, true
	case "bytes":
		return Bytes, true
	case "double":
		return Double, true
	case "int":
		return Int, true
	case "null_type":
		return NullType, true
	case "string":
		return String, true
	case "type":
		return typeType, true
	case "uint":
		return Uint, true
	case "list":
		return dynList, true
	case "map":
		return dynMap, true
	}
	return nil, false
}

// checkExpr type-checks e, setting the type of every node; it returns the
// type of e with unresolved type parameters made dyn.
func (c *checker) checkExpr(e *expr) *Type {
	c.check(e)
	finish(&c.subs, e)
	return e.typ
}

// finish substitutes the final bindings of type parameters everywhere.
func finish(m *mapping, e *expr) {
	if e == nil {
		return
	}
	if e.typ != nil {
		e.typ = m.substitute(e.typ, true)
	}
	finish(m, e.target)
	for _, a := range e.args {
		finish(m, a)
	}
	if e.kind == kComp {
		finish(m, e.init)
		finish(m, e.cond)
		finish(m, e.step)
		finish(m, e.result)
	}
}

func (c *checker) check(e *expr) {
	switch e.kind {
	case kLit:
		e.typ = e.lit.t
	case kIdent:
		c.checkIdent(e)
	case kSelect:
		if !e.testOnly && c.objectTypeName(e) {
			return
		}
		t := c.checkSelectField(e, e.target, e.name)
		if e.testOnly {
			t = Bool
		}
		e.typ = c.subs.substitute(t, false)
	case kCall:
		c.checkCall(e)
	case kList:
		var elem *Type
		for _, a := range e.args {
			c.check(a)
			elem = c.join(elem, a.typ)
		}
		if elem == nil {
			elem = c.newVar()
		}
		e.typ = ListOf(elem)
	case kMap:
		var key, val *Type
		for i := 0; i < len(e.args); i += 2 {
			c.check(e.args[i])
			key = c.join(key, e.args[i].typ)
			c.check(e.args[i+1])
			val = c.join(val, e.args[i+1].typ)
		}
		if key == nil {
			key, val = c.newVar(), c.newVar()
		}
		e.typ = MapOf(key, val)
	case kComp:
		c.checkComp(e)
	}
}

func (c *checker) newVar() *Type {
	t := param("_var" + strconv.Itoa(c.nextVar))
	c.nextVar++
	return t
}

// join is the type of a list's elements (or a map's keys or values) so
// far: the most general of the two, or dyn when they differ.
func (c *checker) join(prev, cur *Type) *Type {
	if prev == nil {
		return cur
	}
	if c.subs.isAssignable(prev, cur) {
		return mostGeneral(prev, cur)
	}
	return Dyn
}

func (c *checker) lookupLocal(name string) (*Type, bool) {
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if t, ok := c.scopes[i][name]; ok {
			return t, true
		}
	}
	return nil, false
}

func (c *checker) checkIdent(e *expr) {
	if !strings.HasPrefix(e.name, ".") {
		if t, ok := c.lookupLocal(e.name); ok {
			e.typ, e.local = t, true
			return
		}
	}
	name := strings.TrimPrefix(e.name, ".")
	if v, ok := c.env.vars[name]; ok {
		e.typ, e.global = v.typ, v
		return
	}
	if t, ok := typeIdent(name); ok {
		e.typ = typeOf(t)
		v := typeValue(t.runtimeName())
		e.konst = &v
		return
	}
	e.typ = errorType
	c.errorf(e.off, "undeclared reference to '%s'%s", e.name, suggest(e.name, c.env.names))
}

// objectTypeName resolves a.b.C naming an object type, as cel-go does
// before taking it as a field selection; e becomes the type's value.
func (c *checker) objectTypeName(e *expr) bool {
	q, ok := qualifiedName(e)
	if !ok {
		return false
	}
	root, _, _ := strings.Cut(q, ".")
	if _, local := c.lookupLocal(root); local {
		return false
	}
	t, ok := c.env.objects[strings.TrimPrefix(q, ".")]
	if !ok {
		return false
	}
	v := typeValue(t.name)
	*e = expr{kind: kIdent, off: e.off, name: q, typ: typeOf(t), konst: &v, depth: e.depth}
	return true
}

func (c *checker) checkSelectField(e, operand *expr, field string) *Type {
	c.check(operand)
	t := c.subs.substitute(operand.typ, false)
	switch t.kind {
	case MapKind:
		return t.params[1]
	case ObjectKind:
		if f, ok := t.fields[field]; ok {
			return f.typ
		}
		c.errorf(e.off, "undefined field '%s'%s", field, suggest(field, t.names))
		return errorType
	case ParamKind:
		c.subs.isAssignable(Dyn, t)
		return Dyn
	case DynKind, ErrorKind:
		return Dyn
	}
	c.errorf(e.off, "type '%s' does not support field selection", t)
	return Dyn
}

func (c *checker) checkCall(e *expr) {
	for _, a := range e.args {
		c.check(a)
	}
	if e.target == nil {
		fn := functions()[strings.TrimPrefix(e.name, ".")]
		if fn == nil {
			e.typ = errorType
			c.errorf(e.off, "undeclared reference to '%s'", e.name)
			return
		}
		c.resolve(e, fn, nil)
		return
	}
	// target.f(...) may name a namespaced function, as strings.quote(s).
	if q, ok := qualifiedName(e.target); ok {
		if fn := functions()[strings.TrimPrefix(q+"."+e.name, ".")]; fn != nil {
			e.target = nil
			c.resolve(e, fn, nil)
			return
		}
	}
	c.check(e.target)
	fn := functions()[e.name]
	if fn == nil {
		e.typ = errorType
		c.errorf(e.off, "undeclared reference to '%s'", e.name)
		return
	}
	c.resolve(e, fn, e.target)
}

func qualifiedName(e *expr) (string, bool) {
	switch e.kind {
	case kIdent:
		return e.name, true
	case kSelect:
		if e.testOnly {
			return "", false
		}
		if q, ok := qualifiedName(e.target); ok {
			return q + "." + e.name, true
		}
	}
	return "", false
}

// resolve finds the overloads of fn the arguments' types fit.
func (c *checker) resolve(e *expr, fn *function, target *expr) {
	var argTypes []*Type
	if target != nil {
		argTypes = append(argTypes, target.typ)
	}
	for _, a := range e.args {
		argTypes = append(argTypes, a.typ)
	}
	e.fn = fn
	var result *Type
	for oi, o := range fn.overloads {
		if (target == nil) == o.member {
			continue
		}
		if fn.name == opAnd || fn.name == opOr {
			ok := true
			for i, t := range argTypes {
				if !c.subs.isAssignable(t, Bool) {
					c.errorf(e.args[i].off, "expected type 'bool' but found '%s'", t)
					ok = false
				}
			}
			if !ok {
				e.typ = errorType
				return
			}
			e.typ = Bool
			return
		}
		if len(o.args) != len(argTypes) {
			continue
		}
		args, res := o.args, o.result
		if len(o.params) > 0 {
			inst := map[string]*Type{}
			for _, p := range o.params {
				inst[p] = c.newVar()
			}
			args = make([]*Type, len(o.args))
			for i, a := range o.args {
				args[i] = instantiate(a, inst)
			}
			res = instantiate(res, inst)
		}
		if !c.subs.isAssignableList(argTypes, args) {
			continue
		}
		e.matched = append(e.matched, oi)
		r := c.subs.substitute(res, false)
		switch {
		case result == nil:
			result = r
		case result.kind != DynKind && !r.exact(result):
			result = Dyn
		}
	}
	if result == nil {
		names := make([]string, len(argTypes))
		for i, t := range argTypes {
			names[i] = c.subs.substitute(t, true).String()
		}
		sig := "(" + strings.Join(names, ", ") + ")"
		if target != nil {
			sig = names[0] + ".(" + strings.Join(names[1:], ", ") + ")"
		}
		c.errorf(e.off, "found no matching overload for '%s' applied to '%s'", fn.name, sig)
		e.typ = errorType
		return
	}
	e.typ = result
}

func instantiate(t *Type, inst map[string]*Type) *Type {
	switch t.kind {
	case ParamKind:
		if s, ok := inst[t.name]; ok {
			return s
		}
	case ListKind:
		return ListOf(instantiate(t.params[0], inst))
	case MapKind:
		return MapOf(instantiate(t.params[0], inst), instantiate(t.params[1], inst))
	case TypeKind:
		if len(t.params) == 1 {
			return typeOf(instantiate(t.params[0], inst))
		}
	}
	return t
}

func (c *checker) checkComp(e *expr) {
	c.check(e.target)
	c.check(e.init)
	rangeType := c.subs.substitute(e.target.typ, false)
	accuType := e.init.typ
	c.scopes = append(c.scopes, map[string]*Type{accuVar: accuType})
	var varType *Type
	switch rangeType.kind {
	case ListKind:
		varType = rangeType.params[0]
	case MapKind:
		varType = rangeType.params[0]
	case DynKind, ErrorKind, ParamKind:
		c.subs.isAssignable(Dyn, rangeType)
		varType = Dyn
	default:
		c.errorf(e.target.off, "expression of type '%s' cannot be range of a comprehension (must be list, map, or dynamic)", rangeType)
		varType = errorType
	}
	c.scopes = append(c.scopes, map[string]*Type{e.name: varType})
	c.check(e.cond)
	c.assertType(e.cond, Bool)
	c.check(e.step)
	c.assertType(e.step, accuType)
	c.scopes = c.scopes[:len(c.scopes)-1]
	c.check(e.result)
	c.scopes = c.scopes[:len(c.scopes)-1]
	e.typ = c.subs.substitute(e.result.typ, false)
}

func (c *checker) assertType(e *expr, t *Type) {
	if !c.subs.isAssignable(t, e.typ) {
		c.errorf(e.off, "expected type '%s' but found '%s'", t, e.typ)
	}
}

// mapping binds type parameters while checking.
type mapping struct {
	m         map[string]*Type
	undo      []undoEntry
	recording bool
}

type undoEntry struct {
	key  string
	prev *Type
	had  bool
}

func (m *mapping) find(t *Type) (*Type, bool) {
	if t.kind != ParamKind {
		return nil, false
	}
	s, ok := m.m[t.name]
	return s, ok
}

func (m *mapping) add(from, to *Type) {
	if m.m == nil {
		m.m = map[string]*Type{}
	}
	if m.recording {
		prev, had := m.m[from.name]
		m.undo = append(m.undo, undoEntry{from.name, prev, had})
	}
	m.m[from.name] = to
}

// attempt runs f, rolling back what it bound if it reports false.
func (m *mapping) attempt(f func() bool) bool {
	m.recording = true
	ok := f()
	m.recording = false
	if !ok {
		for i := len(m.undo) - 1; i >= 0; i-- {
			u := m.undo[i]
			if u.had {
				m.m[u.key] = u.prev
			} else {
				delete(m.m, u.key)
			}
		}
	}
	m.undo = m.undo[:0]
	return ok
}

func (m *mapping) isAssignable(t1, t2 *Type) bool {
	return m.attempt(func() bool { return m.assignable(t1, t2) })
}

func (m *mapping) isAssignableList(l1, l2 []*Type) bool {
	return m.attempt(func() bool { return m.assignableList(l1, l2) })
}

func (m *mapping) assignableList(l1, l2 []*Type) bool {
	if len(l1) != len(l2) {
		return false
	}
	for i, t := range l1 {
		if !m.assignable(t, l2[i]) {
			return false
		}
	}
	return true
}

func isDynOrError(t *Type) bool { return t.kind == DynKind || t.kind == ErrorKind }

// assignable reports whether t1 is assignable to t2, binding type
// parameters as needed.
func (m *mapping) assignable(t1, t2 *Type) bool {
	if t2.kind == ParamKind {
		valid, hasSub := m.validSubstitution(t1, t2)
		if valid {
			return true
		}
		if hasSub {
			return false
		}
	}
	if t1.kind == ParamKind {
		valid, _ := m.validSubstitution(t2, t1)
		return valid
	}
	if isDynOrError(t1) || isDynOrError(t2) {
		return true
	}
	if t1.kind == NullKind {
		return t2.kind == ObjectKind || t2.kind == NullKind
	}
	if t2.kind == NullKind {
		return t1.kind == ObjectKind
	}
	switch t1.kind {
	case BoolKind, BytesKind, DoubleKind, IntKind, StringKind, UintKind, ObjectKind:
		return t1.kind == t2.kind && t1.name == t2.name
	case TypeKind:
		if t2.kind != TypeKind {
			return false
		}
		n1, n2 := len(t1.params), len(t2.params)
		if n1 == 0 || n2 == 0 {
			return n2 == 0
		}
		from, to := t1.params[0], t2.params[0]
		if hasParam(from) || hasParam(to) {
			return m.assignable(from, to)
		}
		return true
	case ListKind, MapKind:
		return t1.kind == t2.kind && m.assignableList(t1.params, t2.params)
	}
	return false
}

// validSubstitution reports whether t2, a type parameter, may stand for
// t1, binding it if so, and whether t2 was bound already.
func (m *mapping) validSubstitution(t1, t2 *Type) (valid, hasSub bool) {
	if t1.kind == t2.kind && t1.exact(t2) {
		return true, true
	}
	if sub, ok := m.find(t2); ok {
		if t1.kind == sub.kind && t1.exact(sub) {
			return true, true
		}
		if m.assignable(t1, sub) {
			general := mostGeneral(t1, sub)
			if m.notReferencedIn(t2, general) {
				m.add(t2, general)
			}
			return true, true
		}
		return false, true
	}
	if m.notReferencedIn(t2, t1) {
		m.add(t2, t1)
		return true, false
	}
	return false, false
}

// notReferencedIn is the occurs check.
func (m *mapping) notReferencedIn(t, within *Type) bool {
	if t.exact(within) {
		return false
	}
	switch within.kind {
	case ParamKind:
		sub, ok := m.find(within)
		if !ok {
			return true
		}
		return m.notReferencedIn(t, sub)
	case ListKind, MapKind, TypeKind:
		for _, p := range within.params {
			if !m.notReferencedIn(t, p) {
				return false
			}
		}
	}
	return true
}

// substitute replaces bound type parameters by their bindings, and the
// unbound ones by dyn when toDyn is set.
func (m *mapping) substitute(t *Type, toDyn bool) *Type {
	if sub, ok := m.find(t); ok {
		return m.substitute(sub, toDyn)
	}
	if !hasParam(t) {
		return t
	}
	switch t.kind {
	case ParamKind:
		if toDyn {
			return Dyn
		}
		return t
	case ListKind:
		return ListOf(m.substitute(t.params[0], toDyn))
	case MapKind:
		return MapOf(m.substitute(t.params[0], toDyn), m.substitute(t.params[1], toDyn))
	case TypeKind:
		return typeOf(m.substitute(t.params[0], toDyn))
	}
	return t
}

func hasParam(t *Type) bool {
	if t.kind == ParamKind {
		return true
	}
	for _, p := range t.params {
		if hasParam(p) {
			return true
		}
	}
	return false
}

func isEqualOrLessSpecific(t1, t2 *Type) bool {
	if t1.kind == DynKind || t1.kind == ParamKind {
		return true
	}
	if t2.kind == DynKind || t2.kind == ParamKind {
		return false
	}
	if t1.kind != t2.kind {
		return false
	}
	switch t1.kind {
	case ListKind:
		return isEqualOrLessSpecific(t1.params[0], t2.params[0])
	case MapKind:
		return isEqualOrLessSpecific(t1.params[0], t2.params[0]) && isEqualOrLessSpecific(t1.params[1], t2.params[1])
	case TypeKind:
		n1, n2 := len(t1.params), len(t2.params)
		if n1 > 0 && n2 > 0 {
			return isEqualOrLessSpecific(t1.params[0], t2.params[0])
		}
		return n1 == 0
	}
	return t1.exact(t2)
}

func mostGeneral(t1, t2 *Type) *Type {
	if isEqualOrLessSpecific(t1, t2) {
		return t1
	}
	return t2
}

// suggest offers the closest of names to a misspelt one.
func suggest(name string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := editDistance(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean '%s'?)", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
