package cond

import (
	"fmt"
	"reflect"
	"strings"
)

// Kind is the kind of a CEL type.
type Kind uint8

// The kinds of types.
const (
	DynKind Kind = iota
	ErrorKind
	NullKind
	BoolKind
	IntKind
	UintKind
	DoubleKind
	StringKind
	BytesKind
	ListKind
	MapKind
	ObjectKind
	TypeKind
	ParamKind // a type parameter, while checking
)

// Type is a CEL type: a primitive, list(elem), map(key, value), an object
// type derived from a Go struct, type(t), or dyn.
type Type struct {
	kind   Kind
	name   string  // objects and type parameters
	params []*Type // list: elem; map: key, value; type: at most one

	// Objects.
	fields map[string]*field
	names  []string // field names, sorted, for suggestions

	// Types derived from Go types: how to read the Go values.
	goType reflect.Type
	conv   func(reflect.Value) Value // lists: elements; maps: values
	keyGo  reflect.Type              // maps: the Go key type
	keyCv  func(reflect.Value) Value // maps: keys
}

// field is a field of an object type.
type field struct {
	name  string
	index []int
	typ   *Type
	conv  func(reflect.Value) Value
}

// The primitive types.
var (
	Dyn       = &Type{kind: DynKind}
	errorType = &Type{kind: ErrorKind}
	NullType  = &Type{kind: NullKind}
	Bool      = &Type{kind: BoolKind}
	Int       = &Type{kind: IntKind}
	Uint      = &Type{kind: UintKind}
	Double    = &Type{kind: DoubleKind}
	String    = &Type{kind: StringKind}
	Bytes     = &Type{kind: BytesKind}
	typeType  = &Type{kind: TypeKind}

	dynList = &Type{kind: ListKind, params: []*Type{Dyn}}
	dynMap  = &Type{kind: MapKind, params: []*Type{Dyn, Dyn}}
)

// ListOf is list(elem).
func ListOf(elem *Type) *Type { return &Type{kind: ListKind, params: []*Type{elem}} }

// MapOf is map(key, value).
func MapOf(key, value *Type) *Type { return &Type{kind: MapKind, params: []*Type{key, value}} }

func typeOf(t *Type) *Type { return &Type{kind: TypeKind, params: []*Type{t}} }

func param(name string) *Type { return &Type{kind: ParamKind, name: name} }

// Kind returns the type's kind.
func (t *Type) Kind() Kind { return t.kind }

func (t *Type) elem() *Type { return t.params[0] }

// String formats the type as CEL does.
func (t *Type) String() string {
	switch t.kind {
	case DynKind:
		return "dyn"
	case ErrorKind:
		return "*error*"
	case NullKind:
		return "null_type"
	case BoolKind:
		return "bool"
	case IntKind:
		return "int"
	case UintKind:
		return "uint"
	case DoubleKind:
		return "double"
	case StringKind:
		return "string"
	case BytesKind:
		return "bytes"
	case ListKind:
		return "list(" + t.params[0].String() + ")"
	case MapKind:
		return "map(" + t.params[0].String() + ", " + t.params[1].String() + ")"
	case TypeKind:
		if len(t.params) == 0 {
			return "type"
		}
		return "type(" + t.params[0].String() + ")"
	}
	return t.name
}

// runtimeName is the name type() gives a value of the type.
func (t *Type) runtimeName() string {
	switch t.kind {
	case ListKind:
		return "list"
	case MapKind:
		return "map"
	case TypeKind:
		return "type"
	}
	return t.String()
}

// exact reports whether two types are the same.
func (t *Type) exact(o *Type) bool {
	if t == o {
		return true
	}
	if t.kind != o.kind || len(t.params) != len(o.params) || t.name != o.name {
		return false
	}
	for i, p := range t.params {
		if !p.exact(o.params[i]) {
			return false
		}
	}
	return true
}

// Objects derives object types from Go struct types, by reflection: each
// exported field is a field named by its json tag (fields tagged "-" are
// left out). Nested structs, slices, maps, pointers, strings, bools and
// numbers map to their CEL counterparts; interfaces are dyn. A type's
// name is its package's last path element and its own name, as in
// event.Action.
type Objects struct {
	types map[reflect.Type]*Type
}

// NewObjects returns an empty set of object types.
func NewObjects() *Objects { return &Objects{types: map[reflect.Type]*Type{}} }

// Of returns the object type of the Go struct type rt (or pointer to one).
func (o *Objects) Of(rt reflect.Type) (*Type, error) {
	if rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	if rt.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%v is not a struct", rt)
	}
	return o.object(rt)
}

func (o *Objects) object(rt reflect.Type) (*Type, error) {
	if t, ok := o.types[rt]; ok {
		return t, nil
	}
	pkg := rt.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	t := &Type{kind: ObjectKind, name: pkg + "." + rt.Name(), goType: rt, fields: map[string]*field{}}
	o.types[rt] = t // before the fields, for types that refer to themselves
	for _, sf := range reflect.VisibleFields(rt) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		name := sf.Name
		if tag, ok := sf.Tag.Lookup("json"); ok {
			tagName, _, _ := strings.Cut(tag, ",")
			if tagName == "-" {
				continue
			}
			if tagName = strings.Trim(tagName, "'"); tagName != "" {
				name = tagName
			}
		}
		ft, conv, ok, err := o.goType(sf.Type)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // a type conditions cannot see, such as a func
		}
		if _, dup := t.fields[name]; dup {
			return nil, fmt.Errorf("%v: two fields are named %q", rt, name)
		}
		t.fields[name] = &field{name: name, index: sf.Index, typ: ft, conv: conv}
		t.names = append(t.names, name)
	}
	return t, nil
}

// goType maps a Go type to a CEL type and a function that reads a Go value
// of it; ok is false for Go types CEL has no counterpart for.
func (o *Objects) goType(gt reflect.Type) (*Type, func(reflect.Value) Value, bool, error) {
	switch gt.Kind() {
	case reflect.Bool:
		return Bool, func(v reflect.Value) Value { return boolValue(v.Bool()) }, true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Int, func(v reflect.Value) Value { return intValue(v.Int()) }, true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Uint, func(v reflect.Value) Value { return uintValue(v.Uint()) }, true, nil
	case reflect.Float32, reflect.Float64:
		return Double, func(v reflect.Value) Value { return doubleValue(v.Float()) }, true, nil
	case reflect.String:
		return String, func(v reflect.Value) Value { return stringValue(v.String()) }, true, nil
	case reflect.Interface:
		return Dyn, func(v reflect.Value) Value {
			if v.IsNil() {
				return Null
			}
			return FromNative(v.Elem().Interface())
		}, true, nil
	case reflect.Slice, reflect.Array:
		if gt.Elem().Kind() == reflect.Uint8 {
			return Bytes, func(v reflect.Value) Value { return bytesValue(string(v.Bytes())) }, true, nil
		}
		et, conv, ok, err := o.goType(gt.Elem())
		if !ok || err != nil {
			return nil, nil, ok, err
		}
		lt := &Type{kind: ListKind, params: []*Type{et}, goType: gt, conv: conv}
		return lt, func(v reflect.Value) Value { return Value{t: lt, r: addr(v)} }, true, nil
	case reflect.Map:
		kt, kconv, ok, err := o.goType(gt.Key())
		if !ok || err != nil {
			return nil, nil, ok, err
		}
		vt, vconv, ok, err := o.goType(gt.Elem())
		if !ok || err != nil {
			return nil, nil, ok, err
		}
		mt := &Type{kind: MapKind, params: []*Type{kt, vt}, goType: gt, conv: vconv, keyGo: gt.Key(), keyCv: kconv}
		return mt, func(v reflect.Value) Value { return Value{t: mt, r: v.Interface()} }, true, nil
	case reflect.Struct:
		ot, err := o.object(gt)
		if err != nil {
			return nil, nil, false, err
		}
		return ot, func(v reflect.Value) Value { return Value{t: ot, r: addr(v)} }, true, nil
	case reflect.Pointer:
		et, conv, ok, err := o.goType(gt.Elem())
		if !ok || err != nil {
			return nil, nil, ok, err
		}
		elem := gt.Elem()
		return et, func(v reflect.Value) Value {
			if v.IsNil() {
				return conv(reflect.New(elem).Elem())
			}
			return conv(v.Elem())
		}, true, nil
	}
	return nil, nil, false, nil
}

// addr returns a pointer to the value v holds, copying it when v is not
// addressable, so that lists and objects refer to Go values without
// copying them.
func addr(v reflect.Value) any {
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	p := reflect.New(v.Type())
	p.Elem().Set(v)
	return p.Interface()
}
