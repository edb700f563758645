package install

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// install puts ward's handler for exe on every event of a, in doc. A ward
// handler already there is replaced where it stands (ward moved, or an
// older ward wrote it); duplicates are dropped; the user's handlers and
// groups are left exactly as they were.
func (a *agent) install(doc *object, exe string) error {
	if a.version && !doc.has("version") {
		doc.setFirst("version", encode(1))
	}
	hooks, err := childObject(doc, "hooks")
	if err != nil {
		return err
	}
	for _, ev := range a.events {
		items, err := eventItems(hooks, ev)
		if err != nil {
			return err
		}
		hooks.set(ev, encodeArray(a.place(items, ev, exe)))
	}
	doc.set("hooks", hooks.raw())
	return nil
}

// place returns an event's items with exactly one ward handler in them.
func (a *agent) place(items []json.RawMessage, event, exe string) []json.RawMessage {
	mine := a.handler(exe).raw()
	if a.nested {
		mine = a.group(event, exe).raw()
	}
	var out []json.RawMessage
	placed := false
	for _, it := range items {
		kept, wards := a.strip(it)
		switch {
		case wards == 0:
			out = append(out, it)
		case kept != nil:
			out = append(out, kept)
		case !placed:
			// An item that was ward's alone: ward's item goes here.
			out = append(out, mine)
			placed = true
		}
	}
	if !placed {
		out = append(out, mine)
	}
	return out
}

// group is ward's matcher group on event (nested agents).
func (a *agent) group(event, exe string) *object {
	g := &object{}
	if m := a.matcher(event); m != "" {
		g.set("matcher", encode(m))
	}
	g.set("hooks", encodeArray([]json.RawMessage{a.handler(exe).raw()}))
	return g
}

// strip takes ward's handlers out of one item of an event: a handler
// (flat agents) or a group of handlers (nested agents). wards counts what
// it took out; kept is what is left, or nil when nothing is (the item was
// ward's alone). An item it does not understand is not ward's.
func (a *agent) strip(item json.RawMessage) (kept json.RawMessage, wards int) {
	o, err := decodeObject(item)
	if err != nil {
		return item, 0
	}
	if !a.nested {
		if a.isWard(o) {
			return nil, 1
		}
		return item, 0
	}
	raw, ok := o.get("hooks")
	if !ok {
		return item, 0
	}
	hs, ok := decodeArray(raw)
	if !ok {
		return item, 0
	}
	var rest []json.RawMessage
	for _, h := range hs {
		if ho, err := decodeObject(h); err == nil && a.isWard(ho) {
			wards++
			continue
		}
		rest = append(rest, h)
	}
	switch {
	case wards == 0:
		return item, 0
	case len(rest) == 0:
		return nil, wards
	}
	o.set("hooks", encodeArray(rest))
	return o.raw(), wards
}

// stripAll takes ward's handlers out of an event's items.
func (a *agent) stripAll(items []json.RawMessage) (out []json.RawMessage, wards int) {
	for _, it := range items {
		kept, n := a.strip(it)
		wards += n
		if kept != nil {
			out = append(out, kept)
		}
	}
	return out, wards
}

// uninstall takes every ward handler out of doc, and the containers that
// are empty for it, unless orig (the file before ward, nil if unknown)
// shows they were the user's. It reports whether it took anything out.
func (a *agent) uninstall(doc, orig *object) bool {
	raw, ok := doc.get("hooks")
	if !ok {
		return false
	}
	hooks, err := decodeObject(raw)
	if err != nil {
		return false // not a shape ward writes: nothing of ward's in it
	}
	origHooks := (*object)(nil)
	if orig != nil {
		if raw, ok := orig.get("hooks"); ok {
			origHooks, _ = decodeObject(raw)
		}
	}
	removed := false
	for _, m := range append([]member(nil), hooks.members...) {
		items, ok := decodeArray(m.value)
		if !ok {
			continue
		}
		rest, n := a.stripAll(items)
		if n == 0 {
			continue
		}
		removed = true
		if len(rest) == 0 && !a.usersArray(origHooks, m.key) {
			hooks.del(m.key)
			continue
		}
		hooks.set(m.key, encodeArray(rest))
	}
	if !removed {
		return false
	}
	if hooks.len() == 0 && !a.usersHooks(origHooks) {
		doc.del("hooks")
	} else {
		doc.set("hooks", hooks.raw())
	}
	if a.version && orig != nil && !orig.has("version") {
		doc.del("version")
	}
	return true
}

// usersArray reports whether the original file had event's array as the
// user's own: empty, or holding something that is not ward's.
func (a *agent) usersArray(origHooks *object, event string) bool {
	if origHooks == nil {
		return false
	}
	raw, ok := origHooks.get(event)
	if !ok {
		return false
	}
	items, ok := decodeArray(raw)
	if !ok {
		return true
	}
	rest, _ := a.stripAll(items)
	return len(items) == 0 || len(rest) > 0
}

// usersHooks reports whether the original file had a "hooks" object of
// the user's: empty, or holding something that is not ward's.
func (a *agent) usersHooks(origHooks *object) bool {
	if origHooks == nil {
		return false
	}
	if origHooks.len() == 0 {
		return true
	}
	for _, m := range origHooks.members {
		if a.usersArray(origHooks, m.key) {
			return true
		}
	}
	return false
}

// onlySkeleton reports whether doc holds nothing but what ward writes
// around its handlers: nothing, or Cursor's and Copilot's "version": 1.
func (a *agent) onlySkeleton(doc *object) bool {
	switch doc.len() {
	case 0:
		return true
	case 1:
		raw, ok := doc.get("version")
		return a.version && ok && string(bytes.TrimSpace(raw)) == "1"
	}
	return false
}

// childObject is the object under key in o: empty when the key is absent
// or null, an error when it is something else.
func childObject(o *object, key string) (*object, error) {
	raw, ok := o.get(key)
	if !ok || isNull(raw) {
		return &object{}, nil
	}
	c, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not an object (%v)", key, err)
	}
	return c, nil
}

// eventItems are the items under an event in hooks: none when the key is
// absent or null, an error when it is not an array.
func eventItems(hooks *object, event string) ([]json.RawMessage, error) {
	raw, ok := hooks.get(event)
	if !ok || isNull(raw) {
		return nil, nil
	}
	items, ok := decodeArray(raw)
	if !ok {
		return nil, fmt.Errorf(`"hooks".%q is not an array`, event)
	}
	return items, nil
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}
