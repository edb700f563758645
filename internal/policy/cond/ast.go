package cond

// exprKind is the kind of a node of a parsed condition.
type exprKind uint8

const (
	kLit    exprKind = iota // a literal: lit
	kIdent                  // a name: name
	kSelect                 // target.name, or has(target.name) when testOnly
	kCall                   // name(args), or target.name(args)
	kList                   // [args...]
	kMap                    // {args[0]: args[1], ...}
	kComp                   // a macro, expanded into a comprehension
)

// macroKind says which macro a comprehension came from, so that it can
// run as a plain loop.
type macroKind uint8

const (
	mAll macroKind = iota + 1
	mExists
	mExistsOne
	mMap
	mMapFilter
	mFilter
)

// accuVar names a comprehension's accumulator. It is not an identifier
// a condition can write.
const accuVar = "@result"

// The names of operators, as CEL's declarations call them.
const (
	opCond             = "_?_:_"
	opAnd              = "_&&_"
	opOr               = "_||_"
	opNot              = "!_"
	opNeg              = "-_"
	opEq               = "_==_"
	opNe               = "_!=_"
	opLt               = "_<_"
	opLe               = "_<=_"
	opGt               = "_>_"
	opGe               = "_>=_"
	opAdd              = "_+_"
	opSub              = "_-_"
	opMul              = "_*_"
	opDiv              = "_/_"
	opMod              = "_%_"
	opIndex            = "_[_]"
	opIn               = "@in"
	opNotStrictlyFalse = "@not_strictly_false"
)

// expr is a node of a condition's syntax tree. Macros are expanded as CEL
// defines them, into comprehensions, so that they type-check exactly as
// CEL's checker does.
type expr struct {
	kind     exprKind
	off      int // byte offset of the node's token in the condition
	lit      Value
	name     string // identifier, field, function, or iteration variable
	testOnly bool
	target   *expr   // select operand, call receiver, comprehension range
	args     []*expr // call arguments, list elements, map keys and values

	// Comprehensions.
	macro                    macroKind
	init, cond, step, result *expr
	pred, xform              *expr // the macro's own arguments

	// depth is the node's depth as cel-go's parser counts it when it
	// visits the parse tree, which bounds conditions alongside the
	// grammar's own nesting.
	depth int

	// Set by the checker.
	typ    *Type
	global *varDecl  // identifiers naming a variable
	local  bool      // identifiers naming an iteration variable or the accumulator
	konst  *Value    // identifiers naming a type, such as int
	fn     *function // calls
	// matched are the overloads of fn the checker found the arguments'
	// types to fit; at run time a call takes only these, as in cel-go.
	matched []int
}
