package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// object is a JSON object that keeps its members in order and their values
// as they were written: ward decodes only the levels it changes (the top,
// hooks, an event's groups, a group's handlers) and copies everything else
// through byte for byte.
type object struct {
	members []member
}

type member struct {
	key   string
	value json.RawMessage
}

// decodeObject reads one JSON object. Duplicate keys are refused: which
// one an agent honours is a guess ward does not make.
func decodeObject(raw []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	o := &object{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		o.members = append(o.members, member{key: key, value: v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	return o, nil
}

var errNotObject = errors.New("not a JSON object")

func (o *object) get(key string) (json.RawMessage, bool) {
	for _, m := range o.members {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// has reports whether the object has key.
func (o *object) has(key string) bool {
	_, ok := o.get(key)
	return ok
}

// set replaces key's value where it stands, or appends the key.
func (o *object) set(key string, v json.RawMessage) {
	for i, m := range o.members {
		if m.key == key {
			o.members[i].value = v
			return
		}
	}
	o.members = append(o.members, member{key: key, value: v})
}

// setFirst is set, but a new key goes first.
func (o *object) setFirst(key string, v json.RawMessage) {
	if o.has(key) {
		o.set(key, v)
		return
	}
	o.members = append([]member{{key: key, value: v}}, o.members...)
}

func (o *object) del(key string) {
	for i, m := range o.members {
		if m.key == key {
			o.members = append(o.members[:i], o.members[i+1:]...)
			return
		}
	}
}

func (o *object) len() int { return len(o.members) }

// str is the string value of key, if it is a string.
func (o *object) str(key string) (string, bool) {
	raw, ok := o.get(key)
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// raw is the object's compact encoding.
func (o *object) raw() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o.members {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(encode(m.key))
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// obj builds an object from key, value pairs; values are encoded with
// encode.
func obj(kv ...any) *object {
	o := &object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.members = append(o.members, member{key: kv[i].(string), value: encode(kv[i+1])})
	}
	return o
}

// encode is json.Marshal without HTML escaping; objects and raw messages
// go through as they are.
func encode(v any) json.RawMessage {
	switch v := v.(type) {
	case *object:
		return v.raw()
	case json.RawMessage:
		return v
	case []json.RawMessage:
		return encodeArray(v)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("install: encoding %T: %v", v, err)) // only ward's own values come here
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func encodeArray(items []json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// decodeArray reads a JSON array into its items, untouched.
func decodeArray(raw json.RawMessage) ([]json.RawMessage, bool) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '[' {
		return nil, false
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	return items, true
}

// format renders a document the way ward writes it: indented with indent,
// one trailing newline.
func format(o *object, indent string) ([]byte, error) {
	var compact, out bytes.Buffer
	if err := json.Compact(&compact, o.raw()); err != nil {
		return nil, err
	}
	if err := json.Indent(&out, compact.Bytes(), "", indent); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// detectIndent guesses a file's indentation unit from its first indented
// line: a tab, or one to eight spaces. Two spaces otherwise.
func detectIndent(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || len(trimmed) == len(line) {
			continue
		}
		lead := line[:len(line)-len(trimmed)]
		if strings.HasPrefix(lead, "\t") {
			return "\t"
		}
		if n := len(lead) - len(strings.TrimLeft(lead, " ")); n >= 1 && n <= 8 {
			return strings.Repeat(" ", n)
		}
		break
	}
	return "  "
}
