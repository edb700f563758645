package policy

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agentward/ward/event"
)

// A generator of random conditions: typed expressions over the declared
// variables, mostly well-typed, sometimes not, driven by a byte string so
// that the fuzzer can steer it. Conditions that depend on the order in
// which a map is iterated are not generated: cel-go's order is random.

type tyKind int

const (
	tyBool tyKind = iota
	tyInt
	tyUint
	tyDouble
	tyString
	tyBytes
	tyNull
	tyDyn
	tyList
	tyMap
	tyObj
	tyType
)

type ty struct {
	k    tyKind
	elem *ty // list elements, map values
	key  *ty // map keys
	obj  reflect.Type
}

var (
	tBool   = &ty{k: tyBool}
	tInt    = &ty{k: tyInt}
	tUint   = &ty{k: tyUint}
	tDouble = &ty{k: tyDouble}
	tString = &ty{k: tyString}
	tBytes  = &ty{k: tyBytes}
	tNull   = &ty{k: tyNull}
	tDyn    = &ty{k: tyDyn}
	tType   = &ty{k: tyType}
)

func tList(e *ty) *ty   { return &ty{k: tyList, elem: e} }
func tMap(k, v *ty) *ty { return &ty{k: tyMap, key: k, elem: v} }

func (t *ty) eq(o *ty) bool {
	if t.k != o.k {
		return false
	}
	switch t.k {
	case tyList:
		return t.elem.eq(o.elem)
	case tyMap:
		return t.key.eq(o.key) && t.elem.eq(o.elem)
	case tyObj:
		return t.obj == o.obj
	}
	return true
}

// goTy maps a Go field type to the type conditions see.
func goTy(rt reflect.Type) *ty {
	switch rt.Kind() {
	case reflect.Bool:
		return tBool
	case reflect.Int, reflect.Int64, reflect.Int32:
		return tInt
	case reflect.String:
		return tString
	case reflect.Slice:
		if e := goTy(rt.Elem()); e != nil {
			return tList(e)
		}
	case reflect.Map:
		if v := goTy(rt.Elem()); v != nil {
			return tMap(tString, v)
		}
	case reflect.Interface:
		return tDyn
	case reflect.Struct:
		return &ty{k: tyObj, obj: rt}
	}
	return nil
}

type genField struct {
	name string
	t    *ty
}

func objFields(rt reflect.Type) []genField {
	var out []genField
	for i := range rt.NumField() {
		sf := rt.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if t := goTy(sf.Type); t != nil {
			out = append(out, genField{name, t})
		}
	}
	return out
}

// source is an expression of a known type that reads a variable.
type source struct {
	src string
	t   *ty
}

var genVars = []source{
	{"event", goTy(reflect.TypeFor[EventView]())},
	{"action", goTy(reflect.TypeFor[event.Action]())},
	{"facts", goTy(reflect.TypeFor[event.Facts]())},
	{"findings", tList(goTy(reflect.TypeFor[FindingView]()))},
	{"session", goTy(reflect.TypeFor[SessionView]())},
}

// genSources lists expressions reading the variables, two levels of
// objects and list elements deep.
func genSources() []source {
	var out []source
	var walk func(s source, depth int)
	walk = func(s source, depth int) {
		out = append(out, s)
		if depth == 0 {
			return
		}
		switch s.t.k {
		case tyObj:
			for _, f := range objFields(s.t.obj) {
				walk(source{s.src + "." + f.name, f.t}, depth-1)
			}
		case tyList:
			if s.t.elem.k == tyObj {
				walk(source{s.src + "[0]", s.t.elem}, depth-1)
			} else {
				out = append(out, source{s.src + "[0]", s.t.elem})
			}
		}
	}
	for _, v := range genVars {
		walk(v, 4)
	}
	for _, s := range []string{"input", "input.command", "input.n", "input.f", "input.l", "input.m", "input.m.k",
		"input.z", "input.s", "input.e", "input.repo", "input.tags", "input['n']", "input.l[0]", "input.l[1]",
		"input.l[4]", "input.big", "input.neg", "input.nope", "action.arguments.repo", "action.arguments['count']",
		"action.arguments.tags", "input.tags[1]", "input.m.e", "input[0]", "input[1]", "input[2]"} {
		out = append(out, source{s, tDyn})
	}
	return out
}

var sourcesCache = genSources()

type gen struct {
	data  []byte
	pos   int
	scope []source // iteration variables
	vars  int
}

// n returns a choice in [0, k), read from the data; 0 once it runs out.
func (g *gen) n(k int) int {
	if k <= 1 {
		return 0
	}
	if g.pos >= len(g.data) {
		return 0
	}
	b := int(g.data[g.pos])
	g.pos++
	if k > 256 && g.pos < len(g.data) {
		b = b<<8 | int(g.data[g.pos])
		g.pos++
	}
	return b % k
}

func (g *gen) pick(list ...string) string { return list[g.n(len(list))] }

func (g *gen) chance(k int) bool { return g.n(k) == 0 }

var literalStrings = []string{`''`, `'a'`, `"abc"`, `'héllo'`, `'a.b.c'`, `'\n'`, `"\\"`, `'\u00e9'`, `r'\d'`,
	`'''x'y'''`, `'ls -la'`, `'rm'`, `'curl'`, `'untrusted'`, `'delete'`, `'temp'`, `'shell'`, `'Bash'`, `'/tmp/x'`,
	`'command'`, `'n'`, `'k'`, `'l'`, `'😀'`, `' a '`, `'%'`, `'A-Z'`, `'x'`, `"é"`, `'-rf'`, `'https://'`, `'.'`,
	`'git'`, `'status'`, `'workspace'`, `'high'`, `'1'`, `'-2'`, `'1.5'`, `'true'`, `'FALSE'`, `'repo'`, `'prod'`}

var literalInts = []string{"0", "1", "2", "3", "-1", "-2", "5", "42", "443", "0x10", "9223372036854775807",
	"-9223372036854775808", "4611686018427387904", "1000000"}

var literalUints = []string{"0u", "1u", "2u", "3u", "7u", "18446744073709551615u", "0xffu", "9223372036854775808u"}

var literalDoubles = []string{"0.0", "1.0", "1.5", "-2.5", "0.1", "1e300", "1e-300", ".5", "3.0", "-0.0",
	"double('NaN')", "double('inf')", "9007199254740992.0", "2.0"}

var regexes = []string{`'a'`, `'^h'`, `'l+'`, `'.*'`, `'[a-z]+'`, `'\\d'`, `'(a|b)'`, `'^$'`, `'('`, `'['`, `'*'`,
	`'(?i)RM'`, `'é'`, `'^.{3}$'`}

var typeNames = []string{"int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type",
	"event.Action", "event.PathFact", "policy.FindingView"}

func (g *gen) randomTy(depth int) *ty {
	switch g.n(12) {
	case 0, 1:
		return tBool
	case 2:
		return tInt
	case 3:
		return tUint
	case 4:
		return tDouble
	case 5, 6:
		return tString
	case 7:
		return tBytes
	case 8:
		return tDyn
	case 9:
		if depth > 0 {
			return tList(g.randomTy(depth - 1))
		}
		return tList(tString)
	case 10:
		if depth > 0 {
			return tMap(g.pickTy(tString, tInt, tBool, tUint), g.randomTy(depth-1))
		}
		return tMap(tString, tString)
	}
	for {
		s := sourcesCache[g.n(len(sourcesCache))]
		if s.t.k == tyObj {
			return s.t
		}
	}
}

func (g *gen) pickTy(list ...*ty) *ty { return list[g.n(len(list))] }

// sourcesOf returns the variable paths and iteration variables of type t.
func (g *gen) sourcesOf(t *ty) []string {
	var out []string
	for _, s := range sourcesCache {
		if s.t.eq(t) {
			out = append(out, s.src)
		}
	}
	for _, s := range g.scope {
		if s.t.eq(t) {
			out = append(out, s.src)
		}
	}
	return out
}

// expr generates an expression of type t.
func (g *gen) expr(t *ty, d int) string {
	if d > 0 && g.chance(20) {
		t = g.randomTy(1) // an ill-typed operand, on purpose
	}
	if d <= 0 || g.chance(4) {
		return g.leaf(t, d)
	}
	switch t.k {
	case tyBool:
		return g.boolExpr(d)
	case tyInt:
		return g.intExpr(d)
	case tyUint:
		switch g.n(4) {
		case 0:
			return fmt.Sprintf("(%s %s %s)", g.expr(tUint, d-1), g.pick("+", "-", "*", "/", "%"), g.expr(tUint, d-1))
		case 1:
			return fmt.Sprintf("uint(%s)", g.expr(g.pickTy(tInt, tDouble, tString, tDyn, tUint), d-1))
		case 2:
			return g.ternary(t, d)
		}
	case tyDouble:
		switch g.n(5) {
		case 0:
			return fmt.Sprintf("(%s %s %s)", g.expr(tDouble, d-1), g.pick("+", "-", "*", "/"), g.expr(tDouble, d-1))
		case 1:
			return fmt.Sprintf("double(%s)", g.expr(g.pickTy(tInt, tUint, tString, tDyn, tDouble), d-1))
		case 2:
			return "-" + g.expr(tDouble, d-1)
		case 3:
			return g.ternary(t, d)
		}
	case tyString:
		return g.stringExpr(d)
	case tyBytes:
		switch g.n(3) {
		case 0:
			return fmt.Sprintf("bytes(%s)", g.expr(tString, d-1))
		case 1:
			return fmt.Sprintf("(%s + %s)", g.expr(tBytes, d-1), g.expr(tBytes, d-1))
		}
	case tyDyn:
		switch g.n(4) {
		case 0:
			return fmt.Sprintf("dyn(%s)", g.expr(g.randomTy(1), d-1))
		case 1:
			return fmt.Sprintf("%s[%s]", g.expr(tDyn, d-1), g.expr(g.pickTy(tString, tInt, tUint, tDouble), d-1))
		case 2:
			return fmt.Sprintf("%s.%s", g.expr(tDyn, d-1), g.pick("command", "n", "l", "m", "k", "z", "nope", "repo"))
		}
	case tyList:
		switch g.n(6) {
		case 0:
			return fmt.Sprintf("(%s + %s)", g.expr(t, d-1), g.expr(t, d-1))
		case 1:
			return g.macro("map", t, d)
		case 2:
			return g.macro("filter", t, d)
		case 3:
			if t.elem.eq(tString) {
				if g.chance(2) {
					return fmt.Sprintf("%s.split(%s, %s)", g.expr(tString, d-1), g.expr(tString, d-1), g.expr(tInt, d-1))
				}
				return fmt.Sprintf("%s.split(%s)", g.expr(tString, d-1), g.expr(tString, d-1))
			}
		case 4:
			return g.ternary(t, d)
		}
	case tyMap:
		if g.chance(2) {
			return g.ternary(t, d)
		}
	case tyObj:
		if g.chance(3) {
			return g.ternary(t, d)
		}
	}
	return g.leaf(t, d)
}

func (g *gen) ternary(t *ty, d int) string {
	return fmt.Sprintf("(%s ? %s : %s)", g.expr(tBool, d-1), g.expr(t, d-1), g.expr(t, d-1))
}

// macro generates l.map(x, ...) or l.filter(x, ...) of type t, over a
// list: cel-go iterates maps in a random order.
func (g *gen) macro(kind string, t *ty, d int) string {
	v := g.varName()
	if kind == "filter" {
		l := g.listExpr(t, d-1)
		g.push(v, t.elem)
		p := g.expr(tBool, d-1)
		g.pop()
		return fmt.Sprintf("%s.filter(%s, %s)", l, v, p)
	}
	lt := tList(g.randomTy(0))
	l := g.listExpr(lt, d-1)
	g.push(v, lt.elem)
	defer g.pop()
	if g.chance(3) {
		return fmt.Sprintf("%s.map(%s, %s, %s)", l, v, g.expr(tBool, d-1), g.expr(t.elem, d-1))
	}
	return fmt.Sprintf("%s.map(%s, %s)", l, v, g.expr(t.elem, d-1))
}

// listExpr is an expression whose static type is the list type t.
func (g *gen) listExpr(t *ty, d int) string {
	if d > 0 && g.chance(3) {
		return g.expr(t, d)
	}
	if srcs := g.sourcesOf(t); len(srcs) > 0 && g.chance(2) {
		return srcs[g.n(len(srcs))]
	}
	return g.literal(t, d)
}

func (g *gen) varName() string {
	if g.chance(8) {
		return g.pick("input", "event", "x")
	}
	g.vars++
	return fmt.Sprintf("v%d", g.vars%4)
}

func (g *gen) push(name string, t *ty) { g.scope = append(g.scope, source{name, t}) }
func (g *gen) pop()                    { g.scope = g.scope[:len(g.scope)-1] }

func (g *gen) boolExpr(d int) string {
	switch g.n(16) {
	case 0, 1, 2:
		var t *ty
		ops := []string{"==", "!="}
		switch g.n(4) {
		case 0:
			t = g.randomTy(1)
		default:
			t = g.pickTy(tInt, tUint, tDouble, tString, tBytes, tBool, tDyn)
			ops = append(ops, "<", "<=", ">", ">=")
		}
		rt := t
		if g.chance(10) {
			rt = g.randomTy(0)
		}
		return fmt.Sprintf("%s %s %s", g.expr(t, d-1), ops[g.n(len(ops))], g.expr(rt, d-1))
	case 3:
		return "!" + g.atom(tBool, d-1)
	case 4:
		terms := []string{g.expr(tBool, d-1), g.expr(tBool, d-1)}
		if g.chance(3) {
			terms = append(terms, g.expr(tBool, d-1))
		}
		return "(" + strings.Join(terms, g.pick(" && ", " || ")) + ")"
	case 5:
		return g.ternary(tBool, d)
	case 6:
		t := g.randomTy(0)
		if g.chance(3) {
			return fmt.Sprintf("%s in %s", g.expr(t, d-1), g.expr(tMap(t, g.randomTy(0)), d-1))
		}
		return fmt.Sprintf("%s in %s", g.expr(t, d-1), g.listExpr(tList(t), d-1))
	case 7:
		f := g.pick("contains", "startsWith", "endsWith")
		return fmt.Sprintf("%s.%s(%s)", g.atom(tString, d-1), f, g.expr(tString, d-1))
	case 8:
		if g.chance(2) {
			return fmt.Sprintf("%s.matches(%s)", g.atom(tString, d-1), g.pick(regexes...))
		}
		return fmt.Sprintf("matches(%s, %s)", g.expr(tString, d-1), g.expr(tString, d-1))
	case 9, 10:
		kind := g.pick("all", "exists", "exists_one")
		var r string
		var et *ty
		switch g.n(4) {
		case 0:
			r, et = g.expr(tDyn, d-1), tDyn
		case 1:
			mt := tMap(g.pickTy(tString, tInt), tInt)
			r, et = g.expr(mt, d-1), mt.key
		default:
			lt := tList(g.randomTy(0))
			r, et = g.listExpr(lt, d-1), lt.elem
		}
		v := g.varName()
		g.push(v, et)
		p := g.expr(tBool, d-1)
		g.pop()
		return fmt.Sprintf("%s.%s(%s, %s)", r, kind, v, p)
	case 11:
		switch g.n(3) {
		case 0:
			return fmt.Sprintf("has(%s.%s)", g.expr(tDyn, d-1), g.pick("n", "l", "m", "k", "nope", "command", "z", "x"))
		case 1:
			return fmt.Sprintf("has(%s.%s)", g.expr(tMap(tString, g.randomTy(0)), d-1), g.pick("a", "b", "Authorization", "repo"))
		}
		for {
			s := sourcesCache[g.n(len(sourcesCache))]
			if s.t.k == tyObj {
				fs := objFields(s.t.obj)
				return fmt.Sprintf("has(%s.%s)", s.src, fs[g.n(len(fs))].name)
			}
		}
	case 12:
		return fmt.Sprintf("bool(%s)", g.expr(tString, d-1))
	case 13:
		return fmt.Sprintf("type(%s) == %s", g.expr(g.randomTy(1), d-1), g.pick(typeNames...))
	case 14:
		return fmt.Sprintf("size(%s) %s %s", g.expr(g.pickTy(tString, tBytes, tList(tString), tDyn, tMap(tString, tString)), d-1),
			g.pick("==", ">", "<", ">="), g.pick("0", "1", "2", "5"))
	}
	return g.leaf(tBool, d)
}

func (g *gen) intExpr(d int) string {
	switch g.n(9) {
	case 0, 1:
		return fmt.Sprintf("(%s %s %s)", g.expr(tInt, d-1), g.pick("+", "-", "*", "/", "%"), g.expr(tInt, d-1))
	case 2:
		return "-" + g.atom(tInt, d-1)
	case 3:
		if g.chance(2) {
			return fmt.Sprintf("%s.size()", g.atom(g.pickTy(tString, tBytes, tList(tInt), tDyn), d-1))
		}
		return fmt.Sprintf("size(%s)", g.expr(g.pickTy(tString, tBytes, tList(tInt), tDyn, tMap(tString, tInt)), d-1))
	case 4:
		return fmt.Sprintf("int(%s)", g.expr(g.pickTy(tInt, tUint, tDouble, tString, tDyn), d-1))
	case 5:
		f := g.pick("indexOf", "lastIndexOf")
		if g.chance(2) {
			return fmt.Sprintf("%s.%s(%s, %s)", g.atom(tString, d-1), f, g.expr(tString, d-1), g.expr(tInt, d-1))
		}
		return fmt.Sprintf("%s.%s(%s)", g.atom(tString, d-1), f, g.expr(tString, d-1))
	case 6:
		return g.ternary(tInt, d)
	case 7:
		return fmt.Sprintf("%s[%s]", g.listExpr(tList(tInt), d-1), g.expr(tInt, d-1))
	}
	return g.leaf(tInt, d)
}

func (g *gen) stringExpr(d int) string {
	s := func() string { return g.atom(tString, d-1) }
	i := func() string { return g.expr(tInt, d-1) }
	switch g.n(14) {
	case 0, 1:
		return fmt.Sprintf("(%s + %s)", g.expr(tString, d-1), g.expr(tString, d-1))
	case 2:
		return fmt.Sprintf("string(%s)", g.expr(g.pickTy(tInt, tUint, tDouble, tBool, tBytes, tString, tDyn), d-1))
	case 3:
		return fmt.Sprintf("%s.%s()", s(), g.pick("lowerAscii", "upperAscii", "trim", "reverse"))
	case 4:
		if g.chance(2) {
			return fmt.Sprintf("%s.substring(%s, %s)", s(), i(), i())
		}
		return fmt.Sprintf("%s.substring(%s)", s(), i())
	case 5:
		return fmt.Sprintf("%s.charAt(%s)", s(), i())
	case 6:
		if g.chance(2) {
			return fmt.Sprintf("%s.replace(%s, %s, %s)", s(), g.expr(tString, d-1), g.expr(tString, d-1), i())
		}
		return fmt.Sprintf("%s.replace(%s, %s)", s(), g.expr(tString, d-1), g.expr(tString, d-1))
	case 7:
		if g.chance(2) {
			return fmt.Sprintf("%s.join(%s)", g.listExpr(tList(tString), d-1), g.expr(tString, d-1))
		}
		return fmt.Sprintf("%s.join()", g.listExpr(tList(tString), d-1))
	case 8:
		return fmt.Sprintf("strings.quote(%s)", g.expr(tString, d-1))
	case 9:
		return g.ternary(tString, d)
	case 10:
		return fmt.Sprintf("%s[%s]", g.listExpr(tList(tString), d-1), i())
	case 11:
		return fmt.Sprintf("%s[%s]", g.expr(tMap(tString, tString), d-1), g.expr(tString, d-1))
	}
	return g.leaf(tString, d)
}

// atom is an expression that can take a method call without parentheses.
func (g *gen) atom(t *ty, d int) string {
	e := g.expr(t, d)
	if strings.ContainsAny(e, " -") && !strings.HasPrefix(e, "(") {
		return "(" + e + ")"
	}
	return e
}

func (g *gen) leaf(t *ty, d int) string {
	if srcs := g.sourcesOf(t); len(srcs) > 0 && g.n(3) > 0 {
		return srcs[g.n(len(srcs))]
	}
	return g.literal(t, d)
}

func (g *gen) literal(t *ty, d int) string {
	switch t.k {
	case tyBool:
		return g.pick("true", "false")
	case tyInt:
		return g.pick(literalInts...)
	case tyUint:
		return g.pick(literalUints...)
	case tyDouble:
		return g.pick(literalDoubles...)
	case tyString:
		return g.pick(literalStrings...)
	case tyBytes:
		return g.pick(`b''`, `b'a'`, `b'\xff'`, `b"abc"`, `b'\303\251'`, `br'\x'`)
	case tyNull:
		return "null"
	case tyType:
		return g.pick(typeNames...)
	case tyDyn:
		if g.chance(2) {
			return g.pick("dyn(1)", "dyn('a')", "dyn(null)", "dyn([1, 'a'])", "dyn({'k': 1})", "dyn(1u)", "dyn(1.0)", "dyn(true)")
		}
		srcs := g.sourcesOf(tDyn)
		return srcs[g.n(len(srcs))]
	case tyList:
		n := g.n(4)
		elems := make([]string, n)
		for i := range elems {
			elems[i] = g.expr(t.elem, d-1)
		}
		return "[" + strings.Join(elems, ", ") + "]"
	case tyMap:
		n := g.n(3)
		entries := make([]string, n)
		for i := range entries {
			entries[i] = g.literal(t.key, 0) + ": " + g.expr(t.elem, d-1)
		}
		return "{" + strings.Join(entries, ", ") + "}"
	case tyObj:
		for _, s := range sourcesCache {
			if s.t.eq(t) {
				return s.src
			}
		}
	}
	return "null"
}

// generate makes a condition, and an input to run it on besides
// diffInputs, from data. The first byte chooses: mostly a generated
// condition, sometimes the rest of data taken as the condition's text.
func generate(data []byte) (src string, in *Input) {
	if len(data) > 0 && data[0]%8 == 0 {
		return string(data[1:]), nil
	}
	g := &gen{data: data}
	if len(data) > 0 {
		g.pos = 1
	}
	src = g.expr(tBool, 2+g.n(4))
	if g.chance(24) { // a syntax error or an unexpected token
		i := g.n(len(src) + 1)
		src = src[:i] + g.pick("(", ")", ",", ".", "!", "-", "&&", "?", "[", "}", " in ", "1", "'") + src[i:]
	}
	return src, g.input()
}

// input makes a random event.
func (g *gen) input() *Input {
	words := []string{"rm", "-rf", "/", "curl", "sh", "git", "push", "--force", "ls", "héllo", "", "a.b", "x\xffy"}
	word := func() string { return words[g.n(len(words))] }
	var jsonVal func(d int) any
	jsonVal = func(d int) any {
		switch g.n(9) {
		case 0:
			return nil
		case 1:
			return g.chance(2)
		case 2:
			return []float64{0, 1, -1, 2.5, 1e300, 3, 9007199254740993}[g.n(7)]
		case 3, 4:
			return word()
		case 5:
			if d > 0 {
				l := make([]any, g.n(4))
				for i := range l {
					l[i] = jsonVal(d - 1)
				}
				return l
			}
		case 6, 7:
			if d > 0 {
				m := map[string]any{}
				for range g.n(4) {
					m[[]string{"n", "l", "m", "k", "z", "command", "repo"}[g.n(7)]] = jsonVal(d - 1)
				}
				return m
			}
		}
		return float64(g.n(5))
	}
	raw, _ := json.Marshal(jsonVal(3))
	in := &Input{
		Event: &event.Event{Agent: word(), Phase: event.PhasePre, Tool: word(), Input: raw,
			Action: event.Action{Kind: event.Kinds()[g.n(len(event.Kinds()))], Command: word() + " " + word(),
				Headers: map[string]string{word(): word()}}},
		Facts: &event.Facts{},
	}
	for range g.n(3) {
		in.Labels = append(in.Labels, word())
	}
	for range g.n(3) {
		in.Facts.Paths = append(in.Facts.Paths, event.PathFact{Path: word(), Op: event.PathOps()[g.n(7)],
			Classes: []string{word()}, Recursive: g.chance(2)})
	}
	for range g.n(3) {
		c := event.Command{Name: word()}
		for range g.n(3) {
			c.Args = append(c.Args, word())
		}
		in.Facts.Shell.Commands = append(in.Facts.Shell.Commands, c)
	}
	if g.chance(2) {
		in.Findings = []event.Finding{{ID: word(), Severity: event.Severity(g.n(4) + 1), Message: word()}}
	}
	return in
}

// checkGenerated compares both implementations on one generated case.
func checkGenerated(t *testing.T, data []byte) (src string, compiled bool) {
	src, in := generate(data)
	if !utf8.ValidString(src) {
		return src, false // cond rejects invalid UTF-8; cel-go reads it as U+FFFD
	}
	inputs := diffInputs()
	if in != nil {
		inputs = append(inputs, in)
	}
	msg, got := diff(src, inputs)
	if msg != "" {
		t.Fatalf("%q\n\t%s", src, msg)
	}
	return src, got.compiled
}

func TestGeneratedConditionsMatchCEL(t *testing.T) {
	t.Parallel()
	n := 3000
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(1, 2))
	compiled := 0
	for range n {
		data := make([]byte, 64+rng.IntN(192))
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		if data[0]%8 == 0 {
			data[0]++
		}
		if _, ok := checkGenerated(t, data); ok {
			compiled++
		}
	}
	t.Logf("%d generated conditions, %d compile, each run on %d inputs", n, compiled, len(diffInputs())+1)
}

// FuzzCondition generates conditions (or takes the fuzzer's bytes as
// one) and requires package cond and cel-go to agree on them.
func FuzzCondition(f *testing.F) {
	for _, tt := range condTable {
		f.Add(append([]byte{0}, tt.src...))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 64 {
		data := make([]byte, 128)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		data[0] |= 1
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkGenerated(t, data)
	})
}
