package cond

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// overload is one signature of a function.
type overload struct {
	member bool // called as a method: args[0] is the receiver
	args   []*Type
	result *Type
	params []string // the type parameters it uses
}

// function is a function conditions may call, with its signatures for
// the checker and its implementation. Implementations look at the values
// they get, not at the signature the checker chose, as CEL's runtime
// does; a value of a kind a function does not take is an error.
type function struct {
	name      string
	overloads []overload
	// conversion marks type conversions, which are run when the condition
	// compiles if their argument is a constant (as cel-go does), so that
	// int('x') is a compile error.
	conversion bool
	impl1      func(f *frame, a Value) Value
	impl2      func(f *frame, a, b Value) Value
	implN      func(f *frame, args []Value) Value
}

// functions returns the functions conditions may call, by name: CEL's
// standard functions other than those on timestamps and durations, and
// the string functions of cel-go's strings extension other than format.
var functions = sync.OnceValue(func() map[string]*function {
	A, B := param("A"), param("B")
	listA, mapAB := ListOf(A), MapOf(A, B)
	g := func(result *Type, args ...*Type) overload {
		o := overload{args: args, result: result}
		for _, t := range append(args, result) {
			collectParams(t, &o.params)
		}
		return o
	}
	m := func(result *Type, args ...*Type) overload {
		o := g(result, args...)
		o.member = true
		return o
	}
	cmpOverloads := []overload{g(Bool, Bool, Bool), g(Bool, Int, Int), g(Bool, Uint, Uint),
		g(Bool, Double, Double), g(Bool, String, String), g(Bool, Bytes, Bytes)}
	list := []*function{
		{name: opCond, overloads: []overload{g(A, Bool, A, A)}},
		{name: opAnd, overloads: []overload{g(Bool, Bool, Bool)}},
		{name: opOr, overloads: []overload{g(Bool, Bool, Bool)}},
		{name: opNot, overloads: []overload{g(Bool, Bool)}, impl1: not},
		{name: opNotStrictlyFalse, overloads: []overload{g(Bool, Bool)}},
		{name: opEq, overloads: []overload{g(Bool, A, A)}},
		{name: opNe, overloads: []overload{g(Bool, A, A)}},
		{name: opAdd, overloads: []overload{g(Bytes, Bytes, Bytes), g(Double, Double, Double),
			g(Int, Int, Int), g(listA, listA, listA), g(String, String, String), g(Uint, Uint, Uint)}, impl2: add},
		{name: opDiv, overloads: []overload{g(Double, Double, Double), g(Int, Int, Int), g(Uint, Uint, Uint)}, impl2: div},
		{name: opMod, overloads: []overload{g(Int, Int, Int), g(Uint, Uint, Uint)}, impl2: mod},
		{name: opMul, overloads: []overload{g(Double, Double, Double), g(Int, Int, Int), g(Uint, Uint, Uint)}, impl2: mul},
		{name: opNeg, overloads: []overload{g(Double, Double), g(Int, Int)}, impl1: neg},
		{name: opSub, overloads: []overload{g(Double, Double, Double), g(Int, Int, Int), g(Uint, Uint, Uint)}, impl2: sub},
		{name: opLt, overloads: cmpOverloads},
		{name: opLe, overloads: cmpOverloads},
		{name: opGt, overloads: cmpOverloads},
		{name: opGe, overloads: cmpOverloads},
		{name: opIndex, overloads: []overload{g(A, listA, Int), g(B, mapAB, A)}},
		{name: opIn, overloads: []overload{g(Bool, A, listA), g(Bool, A, mapAB)}},
		{name: "size", overloads: []overload{g(Int, Bytes), m(Int, Bytes), g(Int, listA), m(Int, listA),
			g(Int, mapAB), m(Int, mapAB), g(Int, String), m(Int, String)}, impl1: size},
		{name: "type", overloads: []overload{g(typeOf(A), A)}, conversion: true, impl1: typeOfValue},
		{name: "bool", overloads: []overload{g(Bool, Bool), g(Bool, String)}, conversion: true, impl1: toBool},
		{name: "bytes", overloads: []overload{g(Bytes, Bytes), g(Bytes, String)}, conversion: true, impl1: toBytes},
		{name: "double", overloads: []overload{g(Double, Double), g(Double, Int), g(Double, String), g(Double, Uint)},
			conversion: true, impl1: toDouble},
		{name: "dyn", overloads: []overload{g(Dyn, A)}, conversion: true, impl1: func(_ *frame, v Value) Value { return v }},
		{name: "int", overloads: []overload{g(Int, Int), g(Int, Double), g(Int, String), g(Int, Uint)},
			conversion: true, impl1: toInt},
		{name: "string", overloads: []overload{g(String, String), g(String, Bool), g(String, Bytes), g(String, Double),
			g(String, Int), g(String, Uint)}, conversion: true, impl1: toString},
		{name: "uint", overloads: []overload{g(Uint, Uint), g(Uint, Double), g(Uint, Int), g(Uint, String)},
			conversion: true, impl1: toUint},
		{name: "contains", overloads: []overload{m(Bool, String, String)}, impl2: stringTest("contains", strings.Contains)},
		{name: "endsWith", overloads: []overload{m(Bool, String, String)}, impl2: stringTest("endsWith", strings.HasSuffix)},
		{name: "startsWith", overloads: []overload{m(Bool, String, String)}, impl2: stringTest("startsWith", strings.HasPrefix)},
		{name: "matches", overloads: []overload{g(Bool, String, String), m(Bool, String, String)}, impl2: matches},

		// cel-go's strings extension.
		{name: "charAt", overloads: []overload{m(String, String, Int)}, impl2: charAt},
		{name: "indexOf", overloads: []overload{m(Int, String, String), m(Int, String, String, Int)}, implN: indexOf},
		{name: "lastIndexOf", overloads: []overload{m(Int, String, String), m(Int, String, String, Int)}, implN: lastIndexOf},
		{name: "lowerAscii", overloads: []overload{m(String, String)}, impl1: asciiCase("lowerAscii", 'A', 'Z', 'a'-'A')},
		{name: "upperAscii", overloads: []overload{m(String, String)}, impl1: asciiCase("upperAscii", 'a', 'z', 'A'-'a')},
		{name: "replace", overloads: []overload{m(String, String, String, String), m(String, String, String, String, Int)}, implN: replace},
		{name: "split", overloads: []overload{m(ListOf(String), String, String), m(ListOf(String), String, String, Int)}, implN: split},
		{name: "substring", overloads: []overload{m(String, String, Int), m(String, String, Int, Int)}, implN: substring},
		{name: "trim", overloads: []overload{m(String, String)}, impl1: trim},
		{name: "join", overloads: []overload{m(String, ListOf(String)), m(String, ListOf(String), String)}, implN: join},
		{name: "reverse", overloads: []overload{m(String, String)}, impl1: reverse},
		{name: "strings.quote", overloads: []overload{g(String, String)}, impl1: quote},
	}
	out := make(map[string]*function, len(list))
	for _, fn := range list {
		out[fn.name] = fn
	}
	return out
})

func collectParams(t *Type, out *[]string) {
	if t.kind == ParamKind {
		for _, p := range *out {
			if p == t.name {
				return
			}
		}
		*out = append(*out, t.name)
	}
	for _, p := range t.params {
		collectParams(p, out)
	}
}

func not(_ *frame, v Value) Value {
	if v.kind() == BoolKind {
		return boolValue(!v.bool())
	}
	return noOverload(opNot, v)
}

func neg(_ *frame, v Value) Value {
	switch v.kind() {
	case IntKind:
		if v.int() == math.MinInt64 {
			return errorValue("integer overflow")
		}
		return intValue(-v.int())
	case DoubleKind:
		return doubleValue(-v.double())
	}
	return noOverload(opNeg, v)
}

func add(f *frame, a, b Value) Value {
	if a.kind() == b.kind() {
		switch a.kind() {
		case IntKind:
			x, y := a.int(), b.int()
			if (y > 0 && x > math.MaxInt64-y) || (y < 0 && x < math.MinInt64-y) {
				return errorValue("integer overflow")
			}
			return intValue(x + y)
		case UintKind:
			if b.n > 0 && a.n > math.MaxUint64-b.n {
				return errorValue("unsigned integer overflow")
			}
			return uintValue(a.n + b.n)
		case DoubleKind:
			return doubleValue(a.double() + b.double())
		case StringKind, BytesKind:
			if !f.chargeBytes(len(a.s) + len(b.s)) {
				return costValue()
			}
			return Value{t: a.t, s: a.s + b.s}
		case ListKind:
			na, nb := listLen(a), listLen(b)
			if !f.charge(int64(na + nb)) {
				return costValue()
			}
			out := make([]Value, 0, na+nb)
			out = append(out, listValues(a)...)
			out = append(out, listValues(b)...)
			return listValue(out)
		}
	}
	return noOverload(opAdd, a, b)
}

func sub(_ *frame, a, b Value) Value {
	if a.kind() == b.kind() {
		switch a.kind() {
		case IntKind:
			x, y := a.int(), b.int()
			if (y < 0 && x > math.MaxInt64+y) || (y > 0 && x < math.MinInt64+y) {
				return errorValue("integer overflow")
			}
			return intValue(x - y)
		case UintKind:
			if b.n > a.n {
				return errorValue("unsigned integer overflow")
			}
			return uintValue(a.n - b.n)
		case DoubleKind:
			return doubleValue(a.double() - b.double())
		}
	}
	return noOverload(opSub, a, b)
}

func mul(_ *frame, a, b Value) Value {
	if a.kind() == b.kind() {
		switch a.kind() {
		case IntKind:
			x, y := a.int(), b.int()
			if (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) ||
				(x > 0 && y > 0 && x > math.MaxInt64/y) || (x > 0 && y < 0 && y < math.MinInt64/x) ||
				(x < 0 && y > 0 && x < math.MinInt64/y) || (x < 0 && y < 0 && y < math.MaxInt64/x) {
				return errorValue("integer overflow")
			}
			return intValue(x * y)
		case UintKind:
			if b.n != 0 && a.n > math.MaxUint64/b.n {
				return errorValue("unsigned integer overflow")
			}
			return uintValue(a.n * b.n)
		case DoubleKind:
			return doubleValue(a.double() * b.double())
		}
	}
	return noOverload(opMul, a, b)
}

func div(_ *frame, a, b Value) Value {
	if a.kind() == b.kind() {
		switch a.kind() {
		case IntKind:
			x, y := a.int(), b.int()
			if y == 0 {
				return errorValue("division by zero")
			}
			if x == math.MinInt64 && y == -1 {
				return errorValue("integer overflow")
			}
			return intValue(x / y)
		case UintKind:
			if b.n == 0 {
				return errorValue("division by zero")
			}
			return uintValue(a.n / b.n)
		case DoubleKind:
			return doubleValue(a.double() / b.double())
		}
	}
	return noOverload(opDiv, a, b)
}

func mod(_ *frame, a, b Value) Value {
	if a.kind() == b.kind() {
		switch a.kind() {
		case IntKind:
			x, y := a.int(), b.int()
			if y == 0 {
				return errorValue("modulus by zero")
			}
			if x == math.MinInt64 && y == -1 {
				return errorValue("integer overflow")
			}
			return intValue(x % y)
		case UintKind:
			if b.n == 0 {
				return errorValue("modulus by zero")
			}
			return uintValue(a.n % b.n)
		}
	}
	return noOverload(opMod, a, b)
}

func size(f *frame, v Value) Value {
	switch v.kind() {
	case StringKind:
		f.chargeScan(len(v.s))
		return intValue(int64(utf8.RuneCountInString(v.s)))
	case BytesKind:
		return intValue(int64(len(v.s)))
	case ListKind:
		return intValue(int64(listLen(v)))
	case MapKind:
		return intValue(int64(mapLen(v)))
	}
	return noOverload("size", v)
}

func typeOfValue(_ *frame, v Value) Value { return typeValue(v.t.runtimeName()) }

func conversionError(from Value, to string) Value {
	return errorValue("type conversion error from '%s' to '%s'", from.t.runtimeName(), to)
}

func toBool(_ *frame, v Value) Value {
	switch v.kind() {
	case BoolKind:
		return v
	case StringKind:
		if b, err := strconv.ParseBool(v.s); err == nil {
			return boolValue(b)
		}
		return conversionError(v, "bool")
	}
	return noOverload("bool", v)
}

func toBytes(_ *frame, v Value) Value {
	switch v.kind() {
	case BytesKind:
		return v
	case StringKind:
		return bytesValue(v.s)
	}
	return noOverload("bytes", v)
}

func toDouble(_ *frame, v Value) Value {
	switch v.kind() {
	case DoubleKind:
		return v
	case IntKind:
		return doubleValue(float64(v.int()))
	case UintKind:
		return doubleValue(float64(v.n))
	case StringKind:
		if d, err := strconv.ParseFloat(v.s, 64); err == nil {
			return doubleValue(d)
		}
		return conversionError(v, "double")
	}
	return noOverload("double", v)
}

func toInt(_ *frame, v Value) Value {
	switch v.kind() {
	case IntKind:
		return v
	case UintKind:
		if v.n > math.MaxInt64 {
			return errorValue("integer overflow")
		}
		return intValue(int64(v.n))
	case DoubleKind:
		if i, ok := doubleToInt(v.double()); ok {
			return intValue(i)
		}
		return errorValue("integer overflow")
	case StringKind:
		if i, err := strconv.ParseInt(v.s, 10, 64); err == nil {
			return intValue(i)
		}
		return conversionError(v, "int")
	}
	return noOverload("int", v)
}

func toUint(_ *frame, v Value) Value {
	switch v.kind() {
	case UintKind:
		return v
	case IntKind:
		if v.int() < 0 {
			return errorValue("unsigned integer overflow")
		}
		return uintValue(v.n)
	case DoubleKind:
		if u, ok := doubleToUint(v.double()); ok {
			return uintValue(u)
		}
		return errorValue("unsigned integer overflow")
	case StringKind:
		if u, err := strconv.ParseUint(v.s, 10, 64); err == nil {
			return uintValue(u)
		}
		return conversionError(v, "uint")
	}
	return noOverload("uint", v)
}

func toString(_ *frame, v Value) Value {
	switch v.kind() {
	case StringKind:
		return v
	case BoolKind:
		return stringValue(strconv.FormatBool(v.bool()))
	case BytesKind:
		if !utf8.ValidString(v.s) {
			return errorValue("invalid UTF-8 in bytes, cannot convert to string")
		}
		return stringValue(v.s)
	case DoubleKind:
		return stringValue(fmt.Sprintf("%g", v.double()))
	case IntKind:
		return stringValue(strconv.FormatInt(v.int(), 10))
	case UintKind:
		return stringValue(strconv.FormatUint(v.n, 10))
	}
	return noOverload("string", v)
}

func stringTest(name string, test func(s, t string) bool) func(*frame, Value, Value) Value {
	return func(f *frame, a, b Value) Value {
		if a.kind() != StringKind || b.kind() != StringKind {
			return noOverload(name, a, b)
		}
		f.chargeScan(len(a.s))
		return boolValue(test(a.s, b.s))
	}
}

func matches(f *frame, s, pattern Value) Value {
	if s.kind() != StringKind || pattern.kind() != StringKind {
		return noOverload("matches", s, pattern)
	}
	re, err := regexp.Compile(pattern.s)
	if err != nil {
		return errorValue("%v", err)
	}
	return matchRegexp(f, re, s.s)
}

func matchRegexp(f *frame, re *regexp.Regexp, s string) Value {
	f.chargeScan(len(s) * 4)
	return boolValue(re.MatchString(s))
}
