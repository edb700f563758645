package cond

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
)

// Value is a CEL value while a condition runs. Scalars are held inline;
// lists, maps and objects hold Go values without copying them: a pointer
// to a Go slice or struct, a Go map, a []any or map[string]any decoded
// from JSON, or a []Value or *litMap built by the condition.
type Value struct {
	t *Type
	n uint64 // bool, int, uint, double bits
	s string // string, bytes, the name of a type
	r any    // lists, maps, objects; the error of an error value
}

// The constant values.
var (
	True  = Value{t: Bool, n: 1}
	False = Value{t: Bool}
	Null  = Value{t: NullType}
)

func boolValue(b bool) Value {
	if b {
		return True
	}
	return False
}
func intValue(i int64) Value      { return Value{t: Int, n: uint64(i)} }
func uintValue(u uint64) Value    { return Value{t: Uint, n: u} }
func doubleValue(d float64) Value { return Value{t: Double, n: math.Float64bits(d)} }
func stringValue(s string) Value  { return Value{t: String, s: s} }
func bytesValue(s string) Value   { return Value{t: Bytes, s: s} }
func typeValue(name string) Value { return Value{t: typeType, s: name} }
func listValue(l []Value) Value   { return Value{t: dynList, r: l} }

func (v Value) kind() Kind         { return v.t.kind }
func (v Value) bool() bool         { return v.n != 0 }
func (v Value) int() int64         { return int64(v.n) }
func (v Value) double() float64    { return math.Float64frombits(v.n) }
func (v Value) isError() bool      { return v.t.kind == ErrorKind }
func (v Value) isBool(b bool) bool { return v.t.kind == BoolKind && (v.n != 0) == b }
func (v Value) err() error         { return v.r.(error) }

// errorValue is an error as a value: CEL's errors flow through an
// evaluation like any value, and && and || may absorb them.
func errorValue(format string, args ...any) Value {
	return Value{t: errorType, r: fmt.Errorf(format, args...)}
}

func noOverload(fn string, args ...Value) Value {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.t.runtimeName()
	}
	return errorValue("no such overload: %s(%s)", strings.TrimSuffix(strings.TrimPrefix(fn, "_"), "_"), strings.Join(names, ", "))
}

var errCost = errors.New("cost limit exceeded")

// FromNative converts a Go value, such as one decoded from JSON, to a
// Value.
func FromNative(a any) Value {
	switch x := a.(type) {
	case nil:
		return Null
	case bool:
		return boolValue(x)
	case string:
		return stringValue(x)
	case float64:
		return doubleValue(x)
	case int:
		return intValue(int64(x))
	case int64:
		return intValue(x)
	case []any, map[string]any:
		if m, ok := x.(map[string]any); ok {
			return Value{t: jsonMap, r: m}
		}
		return Value{t: dynList, r: a}
	case []byte:
		return bytesValue(string(x))
	case []string:
		return Value{t: stringList, r: &x}
	case map[string]string:
		return Value{t: stringMap, r: x}
	case Value:
		return x
	}
	return fromReflect(reflect.ValueOf(a))
}

// The types of values FromNative makes.
var (
	jsonMap    = &Type{kind: MapKind, params: []*Type{String, Dyn}}
	stringList = &Type{kind: ListKind, params: []*Type{String}}
	stringMap  = &Type{kind: MapKind, params: []*Type{String, String}}
)

// fromReflect converts Go values FromNative has no fast path for.
func fromReflect(v reflect.Value) Value {
	switch v.Kind() {
	case reflect.Bool:
		return boolValue(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intValue(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintValue(v.Uint())
	case reflect.Float32, reflect.Float64:
		return doubleValue(v.Float())
	case reflect.String:
		return stringValue(v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return Null
		}
		return fromReflect(v.Elem())
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		// Go values of other shapes (structs inside a map[string]any) are
		// rare: their types are derived afresh rather than cached in
		// package state.
		_, conv, ok, err := NewObjects().goType(v.Type())
		if ok && err == nil {
			return conv(v)
		}
	}
	return errorValue("unsupported value of Go type %v", v.Type())
}

// toNative converts a value to Go: bool, int64, uint64, float64, string,
// []byte, nil, []any, map[any]any, or the Go value of an object.
func toNative(v Value) (any, error) {
	switch v.kind() {
	case ErrorKind:
		return nil, v.err()
	case BoolKind:
		return v.bool(), nil
	case IntKind:
		return v.int(), nil
	case UintKind:
		return v.n, nil
	case DoubleKind:
		return v.double(), nil
	case StringKind:
		return v.s, nil
	case BytesKind:
		return []byte(v.s), nil
	case NullKind:
		return nil, nil
	case TypeKind:
		return v.s, nil
	case ObjectKind:
		return v.r, nil
	case ListKind:
		n := listLen(v)
		out := make([]any, n)
		for i := range n {
			e, err := toNative(listGet(v, i))
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case MapKind:
		out := map[any]any{}
		for _, k := range mapKeys(v) {
			val, _ := mapFind(v, k)
			nk, err := toNative(k)
			if err != nil {
				return nil, err
			}
			nv, err := toNative(val)
			if err != nil {
				return nil, err
			}
			if _, hashable := nk.([]byte); hashable {
				nk = string(nk.([]byte))
			}
			out[nk] = nv
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected value of type %v", v.t)
}

// Lists.

func listLen(v Value) int {
	switch x := v.r.(type) {
	case []Value:
		return len(x)
	case []any:
		return len(x)
	case *[]string:
		return len(*x)
	case nil:
		return 0
	}
	return reflect.ValueOf(v.r).Elem().Len()
}

// listGet returns element i, which must be in range.
func listGet(v Value, i int) Value {
	switch x := v.r.(type) {
	case []Value:
		return x[i]
	case []any:
		return FromNative(x[i])
	case *[]string:
		return stringValue((*x)[i])
	}
	return v.t.conv(reflect.ValueOf(v.r).Elem().Index(i))
}

// listValues returns the elements of a list; it may share memory with
// the list.
func listValues(v Value) []Value {
	if x, ok := v.r.([]Value); ok {
		return x
	}
	n := listLen(v)
	out := make([]Value, n)
	for i := range n {
		out[i] = listGet(v, i)
	}
	return out
}

// Maps.

// litMap is a map a condition builds. Keys keep the order they were
// written in, so that iterating over the map is deterministic.
type litMap struct {
	keys []Value
	vals []Value
	idx  map[mapKey]int
}

type mapKey struct {
	k Kind
	n uint64
	s string
}

// keyOf returns the key a value is stored under; ok is false for values
// no lookup can find (NaN, lists, maps, objects), which CEL stores by
// identity.
func keyOf(v Value) (mapKey, bool) {
	switch v.kind() {
	case BoolKind, IntKind, UintKind:
		return mapKey{k: v.kind(), n: v.n}, true
	case DoubleKind:
		d := v.double()
		if math.IsNaN(d) {
			return mapKey{}, false
		}
		if d == 0 {
			d = 0 // -0 and 0 are one key
		}
		return mapKey{k: DoubleKind, n: math.Float64bits(d)}, true
	case StringKind, TypeKind:
		return mapKey{k: v.kind(), s: v.s}, true
	case NullKind:
		return mapKey{k: NullKind}, true
	}
	return mapKey{}, false
}

// errBytesKey is the error of bytes as a key of a map a condition builds:
// cel-go cannot hash them.
func errBytesKey() Value { return errorValue("bytes cannot be a map key") }

func (m *litMap) put(k, v Value) {
	key, ok := keyOf(k)
	if ok {
		if i, dup := m.idx[key]; dup {
			m.vals[i] = v
			return
		}
		m.idx[key] = len(m.keys)
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
}

func (m *litMap) find(k Value) (Value, bool) {
	key, ok := keyOf(k)
	if !ok {
		return Value{}, false
	}
	if i, ok := m.idx[key]; ok {
		return m.vals[i], true
	}
	return Value{}, false
}

func mapLen(v Value) int {
	switch x := v.r.(type) {
	case *litMap:
		return len(x.keys)
	case map[string]any:
		return len(x)
	case map[string]string:
		return len(x)
	case nil:
		return 0
	}
	return reflect.ValueOf(v.r).Len()
}

// mapFind looks a key up as CEL does: an int, uint or double key finds
// an entry whose key is numerically equal, preferring the key's own type.
func mapFind(m, k Value) (Value, bool) {
	if v, ok := mapFindExact(m, k); ok {
		return v, true
	}
	switch k.kind() {
	case DoubleKind:
		d := k.double()
		if i, ok := doubleToInt(d); ok && float64(i) == d {
			if v, ok := mapFindExact(m, intValue(i)); ok {
				return v, true
			}
		}
		if u, ok := doubleToUint(d); ok && float64(u) == d {
			return mapFindExact(m, uintValue(u))
		}
	case IntKind:
		if k.int() >= 0 {
			return mapFindExact(m, uintValue(k.n))
		}
	case UintKind:
		if k.n <= math.MaxInt64 {
			return mapFindExact(m, intValue(int64(k.n)))
		}
	}
	return Value{}, false
}

func mapFindExact(m, k Value) (Value, bool) {
	switch x := m.r.(type) {
	case *litMap:
		return x.find(k)
	case map[string]any:
		if k.kind() != StringKind {
			return Value{}, false
		}
		e, ok := x[k.s]
		if !ok {
			return Value{}, false
		}
		return FromNative(e), true
	case map[string]string:
		if k.kind() != StringKind {
			return Value{}, false
		}
		e, ok := x[k.s]
		return stringValue(e), ok
	case nil:
		return Value{}, false
	}
	rm := reflect.ValueOf(m.r)
	if rm.Len() == 0 {
		return Value{}, false
	}
	gk, ok := goKey(k, m.t.keyGo)
	if !ok {
		return Value{}, false
	}
	e := rm.MapIndex(gk)
	if !e.IsValid() {
		return Value{}, false
	}
	return m.t.conv(e), true
}

// goKey converts a key to a Go map's key type.
func goKey(k Value, gt reflect.Type) (reflect.Value, bool) {
	v := reflect.New(gt).Elem()
	switch gt.Kind() {
	case reflect.String:
		if k.kind() != StringKind {
			return v, false
		}
		v.SetString(k.s)
	case reflect.Bool:
		if k.kind() != BoolKind {
			return v, false
		}
		v.SetBool(k.bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if k.kind() != IntKind || v.OverflowInt(k.int()) {
			return v, false
		}
		v.SetInt(k.int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if k.kind() != UintKind || v.OverflowUint(k.n) {
			return v, false
		}
		v.SetUint(k.n)
	default:
		return v, false
	}
	return v, true
}

// mapKeys returns a map's keys: in the order they were written for maps
// a condition builds, sorted for Go maps.
func mapKeys(m Value) []Value {
	switch x := m.r.(type) {
	case *litMap:
		return x.keys
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := make([]Value, len(keys))
		for i, k := range keys {
			out[i] = stringValue(k)
		}
		return out
	case map[string]string:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out := make([]Value, len(keys))
		for i, k := range keys {
			out[i] = stringValue(k)
		}
		return out
	case nil:
		return nil
	}
	rm := reflect.ValueOf(m.r)
	out := make([]Value, 0, rm.Len())
	for _, k := range rm.MapKeys() {
		out = append(out, m.t.keyCv(k))
	}
	slices.SortFunc(out, func(a, b Value) int {
		if c := cmp.Compare(a.n, b.n); c != 0 {
			return c
		}
		return strings.Compare(a.s, b.s)
	})
	return out
}

// Equality, as CEL defines it across types: numbers compare by value,
// values of other different types are unequal, NaN equals nothing.
func equal(a, b Value) bool {
	ka, kb := a.kind(), b.kind()
	if ka == kb {
		switch ka {
		case StringKind, BytesKind, TypeKind:
			return a.s == b.s
		case BoolKind, IntKind, UintKind:
			return a.n == b.n
		}
	}
	switch ka {
	case NullKind:
		return kb == NullKind
	case BoolKind:
		return kb == BoolKind && a.n == b.n
	case IntKind, UintKind, DoubleKind:
		c, ok := compareNumbers(a, b)
		return ok && c == 0
	case StringKind, BytesKind, TypeKind:
		return kb == ka && a.s == b.s
	case ListKind:
		if kb != ListKind {
			return false
		}
		n := listLen(a)
		if listLen(b) != n {
			return false
		}
		for i := range n {
			if !equal(listGet(a, i), listGet(b, i)) {
				return false
			}
		}
		return true
	case MapKind:
		if kb != MapKind || mapLen(a) != mapLen(b) {
			return false
		}
		for _, k := range mapKeys(a) {
			av, _ := mapFind(a, k)
			bv, ok := mapFind(b, k)
			if !ok || !equal(av, bv) {
				return false
			}
		}
		return true
	case ObjectKind:
		return kb == ObjectKind && reflect.DeepEqual(a.r, b.r)
	}
	return false
}

// compareNumbers orders two numbers of any numeric types; ok is false
// when either is not a number or is NaN.
func compareNumbers(a, b Value) (int, bool) {
	switch a.kind() {
	case IntKind:
		switch b.kind() {
		case IntKind:
			return cmp.Compare(a.int(), b.int()), true
		case UintKind:
			return compareIntUint(a.int(), b.n), true
		case DoubleKind:
			if math.IsNaN(b.double()) {
				return 0, false
			}
			return -compareDoubleInt(b.double(), a.int()), true
		}
	case UintKind:
		switch b.kind() {
		case IntKind:
			return -compareIntUint(b.int(), a.n), true
		case UintKind:
			return cmp.Compare(a.n, b.n), true
		case DoubleKind:
			if math.IsNaN(b.double()) {
				return 0, false
			}
			return -compareDoubleUint(b.double(), a.n), true
		}
	case DoubleKind:
		d := a.double()
		if math.IsNaN(d) {
			return 0, false
		}
		switch b.kind() {
		case IntKind:
			return compareDoubleInt(d, b.int()), true
		case UintKind:
			return compareDoubleUint(d, b.n), true
		case DoubleKind:
			e := b.double()
			if math.IsNaN(e) {
				return 0, false
			}
			return cmp.Compare(d, e), true
		}
	}
	return 0, false
}

// The cross-type comparisons are cel-go's: a double is compared with an
// int or uint after converting the latter to double.
func compareDoubleInt(d float64, i int64) int {
	if d < math.MinInt64 {
		return -1
	}
	if d > math.MaxInt64 {
		return 1
	}
	return cmp.Compare(d, float64(i))
}

func compareDoubleUint(d float64, u uint64) int {
	if d < 0 {
		return -1
	}
	if d > math.MaxUint64 {
		return 1
	}
	return cmp.Compare(d, float64(u))
}

func compareIntUint(i int64, u uint64) int {
	if i < 0 || u > math.MaxInt64 {
		return -1
	}
	return cmp.Compare(i, int64(u))
}

// compare orders two values for <, <=, > and >=.
func compare(fn string, a, b Value) (int, Value) {
	switch a.kind() {
	case IntKind, UintKind, DoubleKind:
		if c, ok := compareNumbers(a, b); ok {
			return c, Value{}
		}
	case StringKind:
		if b.kind() == StringKind {
			return strings.Compare(a.s, b.s), Value{}
		}
	case BytesKind:
		if b.kind() == BytesKind {
			return bytes.Compare([]byte(a.s), []byte(b.s)), Value{}
		}
	case BoolKind:
		if b.kind() == BoolKind {
			return cmp.Compare(a.n, b.n), Value{}
		}
	}
	return 0, noOverload(fn, a, b)
}

func isNaN(v Value) bool { return v.kind() == DoubleKind && math.IsNaN(v.double()) }

// Conversions between numbers, as cel-go checks them.

func doubleToInt(d float64) (int64, bool) {
	if math.IsInf(d, 0) || math.IsNaN(d) || d <= math.MinInt64 || d >= math.MaxInt64 {
		return 0, false
	}
	return int64(d), true
}

var twoTo64 = math.Ldexp(1, 64)

func doubleToUint(d float64) (uint64, bool) {
	if math.IsInf(d, 0) || math.IsNaN(d) || d < 0 || d >= twoTo64 {
		return 0, false
	}
	return uint64(d), true
}
