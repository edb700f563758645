package cond

import (
	"fmt"
	"strconv"
	"strings"
)

// rule names the grammar's rules whose nesting is bounded.
type rule uint8

const (
	rExpr rule = iota
	rOr
	rAnd
	rRelation
	rCalc
	rUnary
	rMember
	rPrimary
	rExprList
	rListInit
	rMapInit
	rOptExpr
	nRules
)

// reserved reports whether CEL keeps an identifier for itself.
func reserved(name string) bool {
	switch name {
	case "as", "break", "const", "continue", "else", "for", "function", "if", "import",
		"let", "loop", "package", "namespace", "return", "var", "void", "while":
		return true
	}
	return false
}

// parser is a recursive-descent parser for CEL's grammar (cel-spec
// langdef.md). It bounds nesting as cel-go's parser does, so that the
// same conditions are accepted: each grammar rule may be open at most
// maxDepth times at once, and the tree may be at most maxDepth deep
// counting ternaries, relations, arithmetic, selections, method calls and
// indexing.
type parser struct {
	src      string
	toks     []token
	pos      int
	maxDepth int
	depth    [nRules]int
	err      *Issue
}

type bailout struct{}

// parse parses src into a syntax tree with macros expanded.
func parse(src string, maxDepth int) (e *expr, issue *Issue) {
	toks, lerr := lex(src)
	if lerr != nil {
		return nil, &Issue{Offset: lerr.off, Msg: lerr.msg}
	}
	p := &parser{src: src, toks: toks, maxDepth: maxDepth}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			e, issue = nil, p.err
		}
	}()
	e = p.expr()
	if t := p.tok(); t.kind != tEOF {
		p.fail(t.off, "unexpected %s", describe(t))
	}
	if e.depth > maxDepth {
		p.fail(0, "the condition nests more than %d deep", maxDepth)
	}
	return e, nil
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of condition"
	case tIdent:
		return "'" + t.text + "'"
	case tInt, tUint, tDouble, tString, tBytes, tEscIdent:
		return t.kind.String() + " " + t.text
	}
	return t.kind.String()
}

func (p *parser) fail(off int, format string, args ...any) {
	if p.err == nil {
		p.err = &Issue{Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	panic(bailout{})
}

func (p *parser) tok() token { return p.toks[p.pos] }

func (p *parser) peek(n int) token {
	if p.pos+n < len(p.toks) {
		return p.toks[p.pos+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if p.pos < len(p.toks)-1 {
		p.pos++
	}
	return t
}

func (p *parser) expect(k tokKind) token {
	t := p.tok()
	if t.kind != k {
		p.fail(t.off, "expected %s, found %s", k, describe(t))
	}
	return p.next()
}

func (p *parser) enter(r rule) {
	p.depth[r]++
	if p.depth[r] > p.maxDepth {
		p.fail(p.tok().off, "the condition nests more than %d deep", p.maxDepth)
	}
}

func (p *parser) exit(r rule, n int) { p.depth[r] -= n }

// call makes a call node; weight is 1 for the kinds of node cel-go counts
// towards the depth of the tree.
func call(off int, fn string, target *expr, weight int, args ...*expr) *expr {
	e := &expr{kind: kCall, off: off, name: fn, target: target, args: args}
	e.depth = weight + maxDepth(target, args)
	return e
}

func maxDepth(target *expr, args []*expr) int {
	d := 0
	if target != nil {
		d = target.depth
	}
	for _, a := range args {
		d = max(d, a.depth)
	}
	return d
}

// expr: conditionalOr ('?' conditionalOr ':' expr)?
func (p *parser) expr() *expr {
	p.enter(rExpr)
	e := p.or()
	if p.tok().kind == tQuestion {
		q := p.next()
		e1 := p.or()
		p.expect(tColon)
		e2 := p.expr()
		e = call(q.off, opCond, nil, 1, e, e1, e2)
	}
	p.exit(rExpr, 1)
	return e
}

// conditionalOr: conditionalAnd ('||' conditionalAnd)*
func (p *parser) or() *expr {
	p.enter(rOr)
	e := p.and()
	if p.tok().kind == tOr {
		off := p.tok().off
		terms := []*expr{e}
		for p.tok().kind == tOr {
			p.next()
			terms = append(terms, p.and())
		}
		e = call(off, opOr, nil, 0, terms...)
	}
	p.exit(rOr, 1)
	return e
}

// conditionalAnd: relation ('&&' relation)*
func (p *parser) and() *expr {
	p.enter(rAnd)
	e := p.relation(0)
	if p.tok().kind == tAnd {
		off := p.tok().off
		terms := []*expr{e}
		for p.tok().kind == tAnd {
			p.next()
			terms = append(terms, p.relation(0))
		}
		e = call(off, opAnd, nil, 0, terms...)
	}
	p.exit(rAnd, 1)
	return e
}

func relOp(k tokKind) string {
	switch k {
	case tLt:
		return opLt
	case tLe:
		return opLe
	case tGt:
		return opGt
	case tGe:
		return opGe
	case tEq:
		return opEq
	case tNe:
		return opNe
	case tIn:
		return opIn
	}
	return ""
}

// relation: calc | relation op relation, all operators of one precedence,
// left-associative.
func (p *parser) relation(prec int) *expr {
	p.enter(rRelation)
	e := p.calc(0)
	for prec <= 1 {
		fn := relOp(p.tok().kind)
		if fn == "" {
			break
		}
		op := p.next()
		rhs := p.relation(2)
		e = call(op.off, fn, nil, 1, e, rhs)
	}
	p.exit(rRelation, 1)
	return e
}

// calc: unary | calc ('*'|'/'|'%') calc | calc ('+'|'-') calc
func (p *parser) calc(prec int) *expr {
	p.enter(rCalc)
	e := p.unary()
	for {
		var fn string
		var rhsPrec int
		switch k := p.tok().kind; {
		case k == tStar && prec <= 2:
			fn, rhsPrec = opMul, 3
		case k == tSlash && prec <= 2:
			fn, rhsPrec = opDiv, 3
		case k == tPercent && prec <= 2:
			fn, rhsPrec = opMod, 3
		case k == tPlus && prec <= 1:
			fn, rhsPrec = opAdd, 2
		case k == tMinus && prec <= 1:
			fn, rhsPrec = opSub, 2
		}
		if fn == "" {
			break
		}
		op := p.next()
		rhs := p.calc(rhsPrec)
		e = call(op.off, fn, nil, 1, e, rhs)
	}
	p.exit(rCalc, 1)
	return e
}

// unary: member | '!'+ member | '-'+ member. An even number of ! or -
// cancels out, as in cel-go; a single - before a number is the number's
// sign.
func (p *parser) unary() *expr {
	p.enter(rUnary)
	var e *expr
	switch t := p.tok(); t.kind {
	case tBang, tMinus:
		if k := p.peek(1).kind; t.kind == tMinus && (k == tInt || k == tDouble) {
			e = p.member()
			break
		}
		n := 0
		for p.tok().kind == t.kind {
			p.next()
			n++
		}
		e = p.member()
		if n%2 == 1 {
			fn := opNot
			if t.kind == tMinus {
				fn = opNeg
			}
			e = call(t.off, fn, nil, 0, e)
		}
	default:
		e = p.member()
	}
	p.exit(rUnary, 1)
	return e
}

// member: primary ('.' field | '.' name '(' args ')' | '[' expr ']')*
func (p *parser) member() *expr {
	p.enter(rMember)
	e := p.primary()
	for {
		switch p.tok().kind {
		case tDot:
			dot := p.next()
			t := p.tok()
			switch {
			case t.kind == tQuestion:
				p.fail(t.off, "optional field selection (.?) is not supported")
			case t.kind == tIdent && p.peek(1).kind == tLParen:
				p.next()
				open := p.next()
				args := p.exprList(tRParen)
				e = p.callOrMacro(open.off, t.val, e, args, 1)
			case t.kind == tIdent || t.kind == tEscIdent:
				p.next()
				e = &expr{kind: kSelect, off: dot.off, target: e, name: t.val, depth: e.depth + 1}
			default:
				p.fail(t.off, "expected a field or method name after '.', found %s", describe(t))
			}
		case tLBracket:
			lb := p.next()
			if p.tok().kind == tQuestion {
				p.fail(p.tok().off, "optional indexing ([?) is not supported")
			}
			idx := p.expr()
			p.expect(tRBracket)
			e = call(lb.off, opIndex, nil, 1, e, idx)
		default:
			p.exit(rMember, 1)
			return e
		}
	}
}

// exprList parses call arguments up to and including the closing token.
func (p *parser) exprList(closing tokKind) []*expr {
	if p.tok().kind == closing {
		p.next()
		return nil
	}
	p.enter(rExprList)
	args := []*expr{p.expr()}
	for p.tok().kind == tComma {
		p.next()
		args = append(args, p.expr())
	}
	p.exit(rExprList, 1)
	p.expect(closing)
	return args
}

func (p *parser) primary() *expr {
	p.enter(rPrimary)
	var e *expr
	t := p.tok()
	switch t.kind {
	case tDot, tIdent:
		dot := t.kind == tDot
		if dot {
			p.next()
			t = p.tok()
			if t.kind != tIdent {
				p.fail(t.off, "expected a name after '.', found %s", describe(t))
			}
		}
		if p.isMessage() {
			p.fail(t.off, "creating objects (Type{field: value}) is not supported in conditions")
		}
		p.next()
		if reserved(t.val) {
			p.fail(t.off, "reserved identifier: %s", t.val)
		}
		name := t.val
		if dot {
			name = "." + name
		}
		if p.tok().kind == tLParen {
			open := p.next()
			args := p.exprList(tRParen)
			e = p.callOrMacro(open.off, name, nil, args, 0)
		} else {
			e = &expr{kind: kIdent, off: t.off, name: name}
		}
	case tLParen:
		p.next()
		e = p.expr()
		p.expect(tRParen)
	case tLBracket:
		e = p.list()
	case tLBrace:
		e = p.mapLit()
	case tMinus, tInt, tUint, tDouble, tString, tBytes, tTrue, tFalse, tNull:
		e = p.literal()
	default:
		p.fail(t.off, "unexpected %s", describe(t))
	}
	p.exit(rPrimary, 1)
	return e
}

// isMessage reports whether the tokens at p are Name{...} or a.b.Name{...}.
func (p *parser) isMessage() bool {
	i := 0
	for {
		if p.peek(i).kind != tIdent {
			return false
		}
		switch p.peek(i + 1).kind {
		case tLBrace:
			return true
		case tDot:
			i += 2
		default:
			return false
		}
	}
}

func (p *parser) list() *expr {
	lb := p.next()
	e := &expr{kind: kList, off: lb.off}
	switch {
	case p.tok().kind == tRBracket:
		p.next()
		return e
	case p.tok().kind == tComma && p.peek(1).kind == tRBracket:
		p.next()
		p.next()
		return e
	}
	p.enter(rListInit)
	for {
		p.enter(rOptExpr)
		if p.tok().kind == tQuestion {
			p.fail(p.tok().off, "optional list elements (?x) are not supported")
		}
		el := p.expr()
		p.exit(rOptExpr, 1)
		e.args = append(e.args, el)
		e.depth = max(e.depth, el.depth)
		if p.tok().kind != tComma {
			break
		}
		p.next()
		if p.tok().kind == tRBracket {
			break
		}
	}
	p.exit(rListInit, 1)
	p.expect(tRBracket)
	return e
}

func (p *parser) mapLit() *expr {
	lb := p.next()
	e := &expr{kind: kMap, off: lb.off}
	switch {
	case p.tok().kind == tRBrace:
		p.next()
		return e
	case p.tok().kind == tComma && p.peek(1).kind == tRBrace:
		p.next()
		p.next()
		return e
	}
	p.enter(rMapInit)
	for {
		p.enter(rOptExpr)
		if p.tok().kind == tQuestion {
			p.fail(p.tok().off, "optional map entries (?k: v) are not supported")
		}
		k := p.expr()
		p.exit(rOptExpr, 1)
		p.expect(tColon)
		v := p.expr()
		e.args = append(e.args, k, v)
		e.depth = max(e.depth, k.depth, v.depth)
		if p.tok().kind != tComma {
			break
		}
		p.next()
		if p.tok().kind == tRBrace {
			break
		}
	}
	p.exit(rMapInit, 1)
	p.expect(tRBrace)
	return e
}

func (p *parser) literal() *expr {
	t := p.next()
	sign := ""
	if t.kind == tMinus {
		sign = "-"
		t = p.next() // an int or double, as unary checked
	}
	e := &expr{kind: kLit, off: t.off}
	if sign != "" {
		e.off = t.off - 1
	}
	switch t.kind {
	case tInt:
		text, base := t.text, 10
		if strings.HasPrefix(text, "0x") {
			text, base = text[2:], 16
		}
		i, err := strconv.ParseInt(sign+text, base, 64)
		if err != nil {
			p.fail(t.off, "invalid int literal %s%s", sign, t.text)
		}
		e.lit = intValue(i)
	case tUint:
		text, base := t.text[:len(t.text)-1], 10
		if strings.HasPrefix(text, "0x") {
			text, base = text[2:], 16
		}
		u, err := strconv.ParseUint(text, base, 64)
		if err != nil {
			p.fail(t.off, "invalid uint literal %s", t.text)
		}
		e.lit = uintValue(u)
	case tDouble:
		d, err := strconv.ParseFloat(sign+t.text, 64)
		if err != nil {
			p.fail(t.off, "invalid double literal %s%s", sign, t.text)
		}
		e.lit = doubleValue(d)
	case tString:
		e.lit = stringValue(t.val)
	case tBytes:
		e.lit = bytesValue(t.val)
	case tTrue:
		e.lit = True
	case tFalse:
		e.lit = False
	case tNull:
		e.lit = Null
	default:
		p.fail(t.off, "unexpected %s", describe(t))
	}
	return e
}

// callOrMacro makes a call, expanding the macros has, all, exists,
// exists_one, map and filter as CEL defines them.
func (p *parser) callOrMacro(off int, fn string, target *expr, args []*expr, weight int) *expr {
	depth := weight + maxDepth(target, args)
	if target == nil {
		if fn == "has" && len(args) == 1 {
			a := args[0]
			if a.kind != kSelect || a.testOnly {
				p.fail(a.off, "has() takes a field selection, such as has(input.repo)")
			}
			return &expr{kind: kSelect, off: a.off, target: a.target, name: a.name, testOnly: true, depth: depth}
		}
		return &expr{kind: kCall, off: off, name: fn, args: args, depth: depth}
	}
	var m macroKind
	switch {
	case fn == "all" && len(args) == 2:
		m = mAll
	case fn == "exists" && len(args) == 2:
		m = mExists
	case fn == "exists_one" && len(args) == 2:
		m = mExistsOne
	case fn == "map" && len(args) == 2:
		m = mMap
	case fn == "map" && len(args) == 3:
		m = mMapFilter
	case fn == "filter" && len(args) == 2:
		m = mFilter
	default:
		return &expr{kind: kCall, off: off, name: fn, target: target, args: args, depth: depth}
	}
	v := args[0]
	if v.kind != kIdent {
		p.fail(v.off, "the first argument of %s() must be a simple name, as in %s(x, ...)", fn, fn)
	}
	if v.name == "__result__" {
		p.fail(v.off, "iteration variable overwrites accumulator variable")
	}
	accu := func() *expr { return &expr{kind: kIdent, off: off, name: accuVar} }
	lit := func(v Value) *expr { return &expr{kind: kLit, off: off, lit: v} }
	c := &expr{kind: kComp, off: off, macro: m, name: v.name, target: target, depth: depth}
	switch m {
	case mAll:
		c.pred = args[1]
		c.init = lit(True)
		c.cond = call(off, opNotStrictlyFalse, nil, 0, accu())
		c.step = call(off, opAnd, nil, 0, accu(), c.pred)
		c.result = accu()
	case mExists:
		c.pred = args[1]
		c.init = lit(False)
		c.cond = call(off, opNotStrictlyFalse, nil, 0, call(off, opNot, nil, 0, accu()))
		c.step = call(off, opOr, nil, 0, accu(), c.pred)
		c.result = accu()
	case mExistsOne:
		c.pred = args[1]
		c.init = lit(intValue(0))
		c.cond = lit(True)
		c.step = call(off, opCond, nil, 0, c.pred, call(off, opAdd, nil, 0, accu(), lit(intValue(1))), accu())
		c.result = call(off, opEq, nil, 0, accu(), lit(intValue(1)))
	case mMap, mMapFilter:
		c.xform = args[len(args)-1]
		c.init = &expr{kind: kList, off: off}
		c.cond = lit(True)
		c.step = call(off, opAdd, nil, 0, accu(), &expr{kind: kList, off: off, args: []*expr{c.xform}})
		if m == mMapFilter {
			c.pred = args[1]
			c.step = call(off, opCond, nil, 0, c.pred, c.step, accu())
		}
		c.result = accu()
	case mFilter:
		c.pred = args[1]
		c.init = &expr{kind: kList, off: off}
		c.cond = lit(True)
		c.step = call(off, opCond, nil, 0, c.pred,
			call(off, opAdd, nil, 0, accu(), &expr{kind: kList, off: off, args: []*expr{v}}), accu())
		c.result = accu()
	}
	return c
}
