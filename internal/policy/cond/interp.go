package cond

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
)

// frame is the state of one evaluation.
type frame struct {
	act      Activation
	env      *Env
	vars     []Value // resolved variables, by declaration; zero until used
	locals   []Value // iteration variables, by depth
	cost     int64
	limit    int64
	over     bool // the cost limit was exceeded
	varBuf   [8]Value
	localBuf [4]Value
}

// charge adds n to the cost, reporting false once the limit is exceeded.
func (f *frame) charge(n int64) bool {
	f.cost += n
	if f.cost > f.limit {
		f.over = true
		return false
	}
	return true
}

// chargeScan charges for reading n bytes of strings.
func (f *frame) chargeScan(n int) { f.charge(int64(n >> 6)) }

// chargeBytes charges for building n bytes of strings, before they are
// built.
func (f *frame) chargeBytes(n int) bool { return f.charge(int64(n>>6) + 1) }

func costValue() Value { return Value{t: errorType, r: errCost} }

// evaluator is a planned node of a condition.
type evaluator interface {
	eval(f *frame) Value
}

type constNode struct{ v Value }

func (n *constNode) eval(f *frame) Value { return n.v }

type globalNode struct{ d *varDecl }

func (n *globalNode) eval(f *frame) Value {
	f.cost++
	v := f.vars[n.d.index]
	if v.t == nil {
		a, err := f.act.Var(n.d.name)
		if err != nil {
			v = Value{t: errorType, r: fmt.Errorf("variable %s: %w", n.d.name, err)}
		} else {
			v = convertVar(n.d, a)
		}
		f.vars[n.d.index] = v
	}
	return v
}

type localNode struct{ slot int }

func (n *localNode) eval(f *frame) Value { return f.locals[n.slot] }

// fieldNode selects a field of an object of a known type.
type fieldNode struct {
	x   evaluator
	obj *Type
	fld *field
}

func (n *fieldNode) eval(f *frame) Value {
	f.cost++
	v := n.x.eval(f)
	if v.t != n.obj {
		return selectValue(v, n.fld.name)
	}
	return getField(v, n.fld)
}

func getField(v Value, fl *field) Value {
	rv := reflect.ValueOf(v.r).Elem()
	if len(fl.index) == 1 {
		return fl.conv(rv.Field(fl.index[0]))
	}
	return fl.conv(rv.FieldByIndex(fl.index))
}

// selectNode selects a field of a map or of a value of type dyn.
type selectNode struct {
	x    evaluator
	name string
}

func (n *selectNode) eval(f *frame) Value {
	f.cost++
	return selectValue(n.x.eval(f), n.name)
}

func selectValue(v Value, name string) Value {
	switch v.kind() {
	case ErrorKind:
		return v
	case ObjectKind:
		if fl, ok := v.t.fields[name]; ok {
			return getField(v, fl)
		}
		return errorValue("no such field: %s", name)
	case MapKind:
		if e, ok := mapFind(v, stringValue(name)); ok {
			return e
		}
		return errorValue("no such key: %s", name)
	case ListKind:
		return errorValue("unsupported index type 'string' in list")
	}
	return errorValue("no such key: %s", name)
}

// hasNode is has(x.name).
type hasNode struct {
	x    evaluator
	name string
}

func (n *hasNode) eval(f *frame) Value {
	f.cost++
	v := n.x.eval(f)
	switch v.kind() {
	case ErrorKind:
		return v
	case ObjectKind:
		fl, ok := v.t.fields[n.name]
		if !ok {
			return errorValue("no such field: %s", n.name)
		}
		rv := reflect.ValueOf(v.r).Elem().FieldByIndex(fl.index)
		return boolValue(!rv.IsZero())
	case MapKind:
		_, ok := mapFind(v, stringValue(n.name))
		return boolValue(ok)
	case ListKind:
		return errorValue("unsupported index type 'string' in list")
	}
	return False
}

type call1Node struct {
	fn func(*frame, Value) Value
	a  evaluator
}

func (n *call1Node) eval(f *frame) Value {
	f.cost++
	a := n.a.eval(f)
	if a.kind() == ErrorKind {
		return a
	}
	return n.fn(f, a)
}

type call2Node struct {
	fn   func(*frame, Value, Value) Value
	a, b evaluator
}

func (n *call2Node) eval(f *frame) Value {
	f.cost++
	a := n.a.eval(f)
	b := n.b.eval(f)
	if a.kind() == ErrorKind {
		return a
	}
	if b.kind() == ErrorKind {
		return b
	}
	return n.fn(f, a, b)
}

type callNNode struct {
	fn   func(*frame, []Value) Value
	args []evaluator
}

func (n *callNNode) eval(f *frame) Value {
	f.cost++
	var buf [4]Value
	args := buf[:0]
	for _, a := range n.args {
		v := a.eval(f)
		if v.kind() == ErrorKind {
			return v
		}
		args = append(args, v)
	}
	return n.fn(f, args)
}

// andNode is a && b && ...: false if any term is false, whatever errors
// the others give; otherwise an error if any is; otherwise true.
type andNode struct{ terms []evaluator }

func (n *andNode) eval(f *frame) Value {
	f.cost++
	var bad Value
	for _, t := range n.terms {
		v := t.eval(f)
		if v.kind() == BoolKind {
			if !v.bool() {
				return False
			}
			continue
		}
		if bad.t == nil {
			bad = v
			if v.kind() != ErrorKind {
				bad = noOverload(opAnd, v)
			}
		}
	}
	if bad.t != nil {
		return bad
	}
	return True
}

// orNode is a || b || ...: true if any term is true, whatever errors the
// others give; otherwise an error if any is; otherwise false.
type orNode struct{ terms []evaluator }

func (n *orNode) eval(f *frame) Value {
	f.cost++
	var bad Value
	for _, t := range n.terms {
		v := t.eval(f)
		if v.kind() == BoolKind {
			if v.bool() {
				return True
			}
			continue
		}
		if bad.t == nil {
			bad = v
			if v.kind() != ErrorKind {
				bad = noOverload(opOr, v)
			}
		}
	}
	if bad.t != nil {
		return bad
	}
	return False
}

type condNode struct{ c, a, b evaluator }

func (n *condNode) eval(f *frame) Value {
	f.cost++
	c := n.c.eval(f)
	switch c.kind() {
	case BoolKind:
		if c.bool() {
			return n.a.eval(f)
		}
		return n.b.eval(f)
	case ErrorKind:
		return c
	}
	return noOverload(opCond, c)
}

type eqNode struct {
	a, b evaluator
	ne   bool
}

func (n *eqNode) eval(f *frame) Value {
	f.cost++
	a := n.a.eval(f)
	b := n.b.eval(f)
	if a.kind() == ErrorKind {
		return a
	}
	if b.kind() == ErrorKind {
		return b
	}
	return boolValue(equal(a, b) != n.ne)
}

type cmpNode struct {
	a, b evaluator
	op   string
}

func (n *cmpNode) eval(f *frame) Value {
	f.cost++
	a := n.a.eval(f)
	b := n.b.eval(f)
	if a.kind() == ErrorKind {
		return a
	}
	if b.kind() == ErrorKind {
		return b
	}
	if isNaN(a) || isNaN(b) {
		return False
	}
	c, bad := compare(n.op, a, b)
	if bad.t != nil {
		return bad
	}
	switch n.op {
	case opLt:
		return boolValue(c < 0)
	case opLe:
		return boolValue(c <= 0)
	case opGt:
		return boolValue(c > 0)
	}
	return boolValue(c >= 0)
}

type indexNode struct{ x, i evaluator }

func (n *indexNode) eval(f *frame) Value {
	f.cost++
	x := n.x.eval(f)
	i := n.i.eval(f)
	if x.kind() == ErrorKind {
		return x
	}
	if i.kind() == ErrorKind {
		return i
	}
	return index(x, i)
}

func index(x, i Value) Value {
	switch x.kind() {
	case MapKind:
		if m, lit := x.r.(*litMap); lit && i.kind() == BytesKind && len(m.keys) > 0 {
			return errBytesKey()
		}
		if v, ok := mapFind(x, i); ok {
			return v
		}
		return errorValue("no such key: %s", describeValue(i))
	case ListKind:
		var idx int64
		switch i.kind() {
		case IntKind:
			idx = i.int()
		case UintKind:
			if i.n > math.MaxInt64 {
				return errorValue("unsupported index value %d in list", i.n)
			}
			idx = int64(i.n)
		case DoubleKind:
			d, ok := doubleToInt(i.double())
			if !ok || float64(d) != i.double() {
				return errorValue("unsupported index value %v in list", i.double())
			}
			idx = d
		default:
			return errorValue("unsupported index type '%s' in list", i.t.runtimeName())
		}
		if idx < 0 || idx >= int64(listLen(x)) {
			return errorValue("index out of bounds: %d", idx)
		}
		return listGet(x, int(idx))
	case ObjectKind:
		if i.kind() == StringKind {
			return selectValue(x, i.s)
		}
	}
	return noOverload(opIndex, x, i)
}

func describeValue(v Value) string {
	switch v.kind() {
	case StringKind:
		return v.s
	case IntKind:
		return fmt.Sprint(v.int())
	case UintKind:
		return fmt.Sprint(v.n)
	case DoubleKind:
		return fmt.Sprint(v.double())
	case BoolKind:
		return fmt.Sprint(v.bool())
	}
	return v.t.runtimeName()
}

type inNode struct{ a, b evaluator }

func (n *inNode) eval(f *frame) Value {
	f.cost++
	a := n.a.eval(f)
	b := n.b.eval(f)
	if a.kind() == ErrorKind {
		return a
	}
	if b.kind() == ErrorKind {
		return b
	}
	switch b.kind() {
	case ListKind:
		l := listLen(b)
		if !f.charge(int64(l / 8)) {
			return costValue()
		}
		for i := range l {
			if equal(a, listGet(b, i)) {
				return True
			}
		}
		return False
	case MapKind:
		if m, lit := b.r.(*litMap); lit && a.kind() == BytesKind && len(m.keys) > 0 {
			return errBytesKey()
		}
		_, ok := mapFind(b, a)
		return boolValue(ok)
	}
	return noOverload(opIn, a, b)
}

// setInNode is x in [constants], a set lookup as cel-go makes it: each
// number is in the set as an int, a uint and a double where it converts.
type setInNode struct {
	a   evaluator
	set map[mapKey]bool
}

func newSet(elems []Value) (map[mapKey]bool, bool) {
	set := map[mapKey]bool{}
	add := func(v Value) {
		if k, ok := keyOf(v); ok {
			set[k] = true
		}
	}
	for _, e := range elems {
		switch e.kind() {
		case BoolKind, StringKind:
			add(e)
		case IntKind:
			add(e)
			add(doubleValue(float64(e.int())))
			if e.int() >= 0 {
				add(uintValue(e.n))
			}
		case UintKind:
			add(e)
			add(doubleValue(float64(e.n)))
			if e.n <= math.MaxInt64 {
				add(intValue(int64(e.n)))
			}
		case DoubleKind:
			add(e)
			if i, ok := doubleToInt(e.double()); ok && float64(i) == e.double() {
				add(intValue(i))
			}
			if u, ok := doubleToUint(e.double()); ok && float64(u) == e.double() {
				add(uintValue(u))
			}
		default:
			return nil, false
		}
	}
	return set, true
}

func (n *setInNode) eval(f *frame) Value {
	f.cost++
	a := n.a.eval(f)
	switch a.kind() {
	case ErrorKind:
		return a
	case BoolKind, StringKind, IntKind, UintKind, DoubleKind:
		k, ok := keyOf(a)
		return boolValue(ok && n.set[k])
	case BytesKind:
		return errorValue("bytes cannot be looked up in a set")
	}
	return False
}

type regexNode struct {
	s  evaluator
	re *regexp.Regexp
}

func (n *regexNode) eval(f *frame) Value {
	f.cost++
	s := n.s.eval(f)
	switch s.kind() {
	case ErrorKind:
		return s
	case StringKind:
		return matchRegexp(f, n.re, s.s)
	}
	return noOverload("matches", s, stringValue(n.re.String()))
}

// guard returns the kinds of argument the matched overloads of a
// conversion take, or nil when they take any. The checker may have bound
// an argument's type to the first overload's (int(m['k']) takes only an
// int when m is dyn), and cel-go then dispatches to that overload alone.
func guard(fn *function, matched []int) *[ParamKind + 1]bool {
	var kinds [ParamKind + 1]bool
	for _, i := range matched {
		k := fn.overloads[i].args[0].kind
		if k == DynKind || k == ParamKind {
			return nil
		}
		kinds[k] = true
	}
	return &kinds
}

type guardNode struct {
	call  *call1Node
	kinds *[ParamKind + 1]bool
	name  string
}

func (n *guardNode) eval(f *frame) Value {
	f.cost++
	a := n.call.a.eval(f)
	if a.kind() == ErrorKind {
		return a
	}
	if !n.kinds[a.kind()] {
		return noOverload(n.name, a)
	}
	return n.call.fn(f, a)
}

type listNode struct{ elems []evaluator }

func (n *listNode) eval(f *frame) Value {
	if !f.charge(int64(1 + len(n.elems))) {
		return costValue()
	}
	out := make([]Value, len(n.elems))
	for i, e := range n.elems {
		v := e.eval(f)
		if v.kind() == ErrorKind {
			return v
		}
		out[i] = v
	}
	return listValue(out)
}

type mapLitNode struct{ keys, vals []evaluator }

func (n *mapLitNode) eval(f *frame) Value {
	if !f.charge(int64(1 + len(n.keys))) {
		return costValue()
	}
	m := &litMap{idx: make(map[mapKey]int, len(n.keys))}
	for i, k := range n.keys {
		kv := k.eval(f)
		if kv.kind() == ErrorKind {
			return kv
		}
		vv := n.vals[i].eval(f)
		if vv.kind() == ErrorKind {
			return vv
		}
		if kv.kind() == BytesKind {
			return errBytesKey()
		}
		m.put(kv, vv)
	}
	return Value{t: dynMap, r: m}
}

// rangeOf returns what a macro iterates over: a list's elements or a
// map's keys. As in cel-go, an empty string or bytes is an empty range.
func rangeOf(f *frame, v Value) ([]Value, Value) {
	switch v.kind() {
	case ErrorKind:
		return nil, v
	case ListKind:
		return nil, Value{}
	case StringKind, BytesKind:
		if v.s == "" {
			return []Value{}, Value{}
		}
	case MapKind:
		keys := mapKeys(v)
		if !f.charge(int64(len(keys))) {
			return nil, costValue()
		}
		return keys, Value{}
	}
	return nil, errorValue("got '%s', expected iterable type", v.t.runtimeName())
}

// iterate calls body for each element of a list, or key of a map,
// stopping when body reports false or the cost limit is reached.
func iterate(f *frame, v Value, slot int, body func() bool) Value {
	keys, bad := rangeOf(f, v)
	if bad.t != nil {
		return bad
	}
	if v.kind() != ListKind {
		for _, k := range keys {
			if !f.charge(1) {
				return costValue()
			}
			f.locals[slot] = k
			if !body() {
				break
			}
		}
		return Value{}
	}
	n := listLen(v)
	for i := range n {
		if !f.charge(1) {
			return costValue()
		}
		f.locals[slot] = listGet(v, i)
		if !body() {
			break
		}
	}
	return Value{}
}

// quantNode is all, exists or exists_one. all and exists absorb errors
// as && and || do: all is false if the predicate is false for any
// element, whatever errors it gives for others.
type quantNode struct {
	kind macroKind
	rng  evaluator
	slot int
	pred evaluator
}

func (n *quantNode) eval(f *frame) Value {
	f.cost++
	r := n.rng.eval(f)
	var bad, result Value
	count := 0
	stop := boolValue(n.kind == mExists) // the value that decides
	done := iterate(f, r, n.slot, func() bool {
		v := n.pred.eval(f)
		if v.kind() == BoolKind {
			if n.kind == mExistsOne {
				if v.bool() {
					count++
				}
				return true
			}
			if v.n == stop.n {
				result = stop
				return false
			}
			return true
		}
		if bad.t == nil {
			bad = v
			if v.kind() != ErrorKind {
				bad = noOverload(opCond, v)
			}
		}
		return n.kind != mExistsOne
	})
	switch {
	case done.t != nil:
		return done
	case result.t != nil:
		return result
	case bad.t != nil:
		return bad
	case n.kind == mExistsOne:
		return boolValue(count == 1)
	}
	return boolValue(!stop.bool())
}

// mapNode is map(x, t), map(x, p, t) and filter(x, p).
type mapNode struct {
	rng   evaluator
	slot  int
	pred  evaluator // nil for map(x, t)
	xform evaluator // nil for filter
}

func (n *mapNode) eval(f *frame) Value {
	f.cost++
	r := n.rng.eval(f)
	var out []Value
	var bad Value
	done := iterate(f, r, n.slot, func() bool {
		if n.pred != nil {
			p := n.pred.eval(f)
			switch {
			case p.kind() == ErrorKind:
				bad = p
				return false
			case p.kind() != BoolKind:
				bad = noOverload(opCond, p)
				return false
			case !p.bool():
				return true
			}
		}
		v := f.locals[n.slot]
		if n.xform != nil {
			v = n.xform.eval(f)
			if v.kind() == ErrorKind {
				bad = v
				return false
			}
		}
		out = append(out, v)
		return true
	})
	switch {
	case done.t != nil:
		return done
	case bad.t != nil:
		return bad
	}
	if out == nil {
		out = []Value{}
	}
	return listValue(out)
}

// planner turns a checked syntax tree into evaluators. Like cel-go's
// planner with its optimizations, it runs type conversions of constants
// and builds lists and maps of constants while compiling, compiles
// constant regular expressions, and turns x in [constants] into a set
// lookup; a conversion or regular expression that cannot succeed is a
// compile error.
type planner struct {
	env      *Env
	issues   []Issue
	scope    []string // iteration variables, by slot
	maxSlots int
}

func (p *planner) errorf(off int, format string, args ...any) {
	p.issues = append(p.issues, Issue{Offset: off, Msg: fmt.Sprintf(format, args...)})
}

func isConst(ev evaluator) (Value, bool) {
	if c, ok := ev.(*constNode); ok {
		return c.v, true
	}
	return Value{}, false
}

func (p *planner) plan(e *expr) evaluator {
	switch e.kind {
	case kLit:
		return &constNode{e.lit}
	case kIdent:
		switch {
		case e.konst != nil:
			return &constNode{*e.konst}
		case e.local:
			for i := len(p.scope) - 1; i >= 0; i-- {
				if p.scope[i] == e.name {
					return &localNode{slot: i}
				}
			}
			p.errorf(e.off, "internal error: no iteration variable %s", e.name)
			return &constNode{Null}
		default:
			return &globalNode{d: e.global}
		}
	case kSelect:
		x := p.plan(e.target)
		if e.testOnly {
			return &hasNode{x: x, name: e.name}
		}
		if t := e.target.typ; t.kind == ObjectKind {
			return &fieldNode{x: x, obj: t, fld: t.fields[e.name]}
		}
		return &selectNode{x: x, name: e.name}
	case kCall:
		return p.planCall(e)
	case kList:
		elems := make([]evaluator, len(e.args))
		allConst := true
		for i, a := range e.args {
			elems[i] = p.plan(a)
			_, c := isConst(elems[i])
			allConst = allConst && c
		}
		n := &listNode{elems: elems}
		if allConst {
			return &constNode{p.constEval(n)}
		}
		return n
	case kMap:
		n := &mapLitNode{}
		allConst := true
		for i := 0; i < len(e.args); i += 2 {
			k, v := p.plan(e.args[i]), p.plan(e.args[i+1])
			n.keys, n.vals = append(n.keys, k), append(n.vals, v)
			_, kc := isConst(k)
			_, vc := isConst(v)
			allConst = allConst && kc && vc
		}
		if allConst {
			v := p.constEval(n)
			if v.kind() == ErrorKind {
				p.errorf(e.off, "%v", v.err())
			}
			return &constNode{v}
		}
		return n
	case kComp:
		rng := p.plan(e.target)
		slot := len(p.scope)
		p.scope = append(p.scope, e.name)
		p.maxSlots = max(p.maxSlots, len(p.scope))
		var ev evaluator
		switch e.macro {
		case mAll, mExists, mExistsOne:
			ev = &quantNode{kind: e.macro, rng: rng, slot: slot, pred: p.plan(e.pred)}
		case mMap:
			ev = &mapNode{rng: rng, slot: slot, xform: p.plan(e.xform)}
		case mMapFilter:
			ev = &mapNode{rng: rng, slot: slot, pred: p.plan(e.pred), xform: p.plan(e.xform)}
		case mFilter:
			ev = &mapNode{rng: rng, slot: slot, pred: p.plan(e.pred)}
		}
		p.scope = p.scope[:len(p.scope)-1]
		return ev
	}
	p.errorf(e.off, "internal error: unexpected node")
	return &constNode{Null}
}

// constEval evaluates a node of constants while compiling.
func (p *planner) constEval(ev evaluator) Value {
	f := &frame{env: p.env, limit: p.env.opts.CostLimit, act: noVars{}}
	v := ev.eval(f)
	if f.over {
		return costValue()
	}
	return v
}

func (p *planner) planCall(e *expr) evaluator {
	var args []evaluator
	if e.target != nil {
		args = append(args, p.plan(e.target))
	}
	for _, a := range e.args {
		args = append(args, p.plan(a))
	}
	fn := e.fn
	switch fn.name {
	case opAnd, opOr:
		var terms []evaluator
		for _, a := range args {
			if an, ok := a.(*andNode); ok && fn.name == opAnd {
				terms = append(terms, an.terms...)
			} else if on, ok := a.(*orNode); ok && fn.name == opOr {
				terms = append(terms, on.terms...)
			} else {
				terms = append(terms, a)
			}
		}
		if fn.name == opAnd {
			return &andNode{terms: terms}
		}
		return &orNode{terms: terms}
	case opCond:
		return &condNode{c: args[0], a: args[1], b: args[2]}
	case opEq, opNe:
		return &eqNode{a: args[0], b: args[1], ne: fn.name == opNe}
	case opLt, opLe, opGt, opGe:
		return &cmpNode{a: args[0], b: args[1], op: fn.name}
	case opIndex:
		if k, ok := isConst(args[1]); ok {
			switch k.kind() {
			case StringKind, IntKind, UintKind, BoolKind, DoubleKind, ErrorKind:
			default:
				p.errorf(e.off, "a %s cannot be a key or an index", k.t.runtimeName())
			}
		}
		return &indexNode{x: args[0], i: args[1]}
	case opIn:
		if l, ok := isConst(args[1]); ok && l.kind() == ListKind && e.args[1].typ.kind == ListKind {
			elems := listValues(l)
			if len(elems) == 0 {
				return &constNode{False}
			}
			if set, ok := newSet(elems); ok {
				return &setInNode{a: args[0], set: set}
			}
		}
		return &inNode{a: args[0], b: args[1]}
	case "matches":
		if pat, ok := isConst(args[1]); ok && pat.kind() == StringKind {
			re, err := regexp.Compile(pat.s)
			if err != nil {
				off := e.off
				if len(e.args) > 0 {
					off = e.args[len(e.args)-1].off
				}
				p.errorf(off, "regular expression does not compile: %v", err)
				return &constNode{Null}
			}
			return &regexNode{s: args[0], re: re}
		}
	}
	var ev evaluator
	switch {
	case fn.impl1 != nil && len(args) == 1:
		ev = &call1Node{fn: fn.impl1, a: args[0]}
	case fn.impl2 != nil && len(args) == 2:
		ev = &call2Node{fn: fn.impl2, a: args[0], b: args[1]}
	case fn.implN != nil:
		ev = &callNNode{fn: fn.implN, args: args}
	default:
		p.errorf(e.off, "internal error: %s has no implementation for %d arguments", fn.name, len(args))
		return &constNode{Null}
	}
	if fn.conversion {
		if g := guard(fn, e.matched); g != nil {
			ev = &guardNode{call: ev.(*call1Node), kinds: g, name: fn.name}
		}
		if _, ok := isConst(args[0]); ok {
			v := p.constEval(ev)
			if v.kind() == ErrorKind {
				p.errorf(e.off, "%s", v.err())
				return &constNode{Null}
			}
			return &constNode{v}
		}
	}
	return ev
}
