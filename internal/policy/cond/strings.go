package cond

import (
	"strings"
	"unicode/utf8"
)

// The string functions of cel-go's strings extension, with its semantics:
// indexes count code points, and an invalid byte of UTF-8 counts as one
// code point, U+FFFD, as converting to []rune does.

// sanitize replaces each byte of invalid UTF-8 with U+FFFD.
func sanitize(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// runeOffset returns the byte offset of code point i of s (valid UTF-8),
// or len(s) when s has fewer.
func runeOffset(s string, i int64) int {
	off := 0
	for ; i > 0 && off < len(s); i-- {
		_, n := utf8.DecodeRuneInString(s[off:])
		off += n
	}
	return off
}

func strArgs(name string, args []Value, kinds ...Kind) Value {
	for i, a := range args {
		if a.kind() != kinds[i] {
			return noOverload(name, args...)
		}
	}
	return Value{}
}

func charAt(f *frame, s, i Value) Value {
	if s.kind() != StringKind || i.kind() != IntKind {
		return noOverload("charAt", s, i)
	}
	f.chargeScan(len(s.s))
	n := int64(utf8.RuneCountInString(s.s))
	idx := i.int()
	if idx < 0 || idx > n {
		return errorValue("index out of range: %d", idx)
	}
	if idx == n {
		return stringValue("")
	}
	r, _ := utf8.DecodeRuneInString(s.s[runeOffset(s.s, idx):])
	return stringValue(string(r))
}

func indexOf(f *frame, args []Value) Value {
	kinds := []Kind{StringKind, StringKind, IntKind}
	if bad := strArgs("indexOf", args, kinds[:len(args)]...); bad.t != nil {
		return bad
	}
	s, sub := sanitize(args[0].s), sanitize(args[1].s)
	f.chargeScan(len(s) + len(sub))
	var off int64
	if len(args) == 3 {
		off = args[2].int()
	}
	if off < 0 {
		return errorValue("index out of range: %d", off)
	}
	n := int64(utf8.RuneCountInString(s))
	if sub == "" {
		return intValue(min(off, n))
	}
	if off >= n {
		return intValue(-1)
	}
	b := runeOffset(s, off)
	j := strings.Index(s[b:], sub)
	if j < 0 {
		return intValue(-1)
	}
	return intValue(off + int64(utf8.RuneCountInString(s[b:b+j])))
}

func lastIndexOf(f *frame, args []Value) Value {
	kinds := []Kind{StringKind, StringKind, IntKind}
	if bad := strArgs("lastIndexOf", args, kinds[:len(args)]...); bad.t != nil {
		return bad
	}
	raw := args[0].s
	s, sub := sanitize(raw), sanitize(args[1].s)
	f.chargeScan(len(s) + len(sub))
	n := int64(utf8.RuneCountInString(s))
	var off int64
	if len(args) == 3 {
		off = args[2].int()
		if off < 0 {
			return errorValue("index out of range: %d", off)
		}
	} else {
		if sub == "" {
			return intValue(n)
		}
		if len(raw) < len(args[1].s) {
			return intValue(-1)
		}
		off = n - 1
	}
	if sub == "" {
		return intValue(min(off, n))
	}
	if off >= n {
		return intValue(-1)
	}
	m := int64(utf8.RuneCountInString(sub))
	if off > n-m {
		off = n - m
	}
	if off < 0 {
		return intValue(-1)
	}
	end := min(runeOffset(s, off)+len(sub), len(s))
	j := strings.LastIndex(s[:end], sub)
	if j < 0 {
		return intValue(-1)
	}
	return intValue(int64(utf8.RuneCountInString(s[:j])))
}

func asciiCase(name string, lo, hi byte, delta int) func(*frame, Value) Value {
	return func(f *frame, v Value) Value {
		if v.kind() != StringKind {
			return noOverload(name, v)
		}
		if !f.chargeBytes(len(v.s)) {
			return costValue()
		}
		s := sanitize(v.s)
		b := []byte(s)
		for i, c := range b {
			if lo <= c && c <= hi {
				b[i] = byte(int(c) + delta)
			}
		}
		return stringValue(string(b))
	}
}

func replace(f *frame, args []Value) Value {
	kinds := []Kind{StringKind, StringKind, StringKind, IntKind}
	if bad := strArgs("replace", args, kinds[:len(args)]...); bad.t != nil {
		return bad
	}
	s, old, repl := args[0].s, args[1].s, args[2].s
	n := int64(-1)
	if len(args) == 4 {
		n = args[3].int()
	}
	f.chargeScan(len(s))
	count := int64(strings.Count(s, old))
	if n >= 0 && n < count {
		count = n
	}
	grow := int64(len(repl)) - int64(len(old))
	if grow > 0 && !f.chargeBytes(int(min(count*grow, 1<<40))) {
		return costValue()
	}
	return stringValue(strings.Replace(s, old, repl, int(max(n, -1))))
}

func split(f *frame, args []Value) Value {
	kinds := []Kind{StringKind, StringKind, IntKind}
	if bad := strArgs("split", args, kinds[:len(args)]...); bad.t != nil {
		return bad
	}
	s, sep := args[0].s, args[1].s
	n := int64(-1)
	if len(args) == 3 {
		n = args[2].int()
	}
	if !f.charge(int64(len(s)/8+1)) || !f.chargeBytes(len(s)) {
		return costValue()
	}
	parts := strings.SplitN(s, sep, int(max(min(n, 1<<31), -1)))
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = stringValue(p)
	}
	return Value{t: stringList, r: out}
}

func substring(f *frame, args []Value) Value {
	kinds := []Kind{StringKind, IntKind, IntKind}
	if bad := strArgs("substring", args, kinds[:len(args)]...); bad.t != nil {
		return bad
	}
	s := args[0].s
	f.chargeScan(len(s))
	n := int64(utf8.RuneCountInString(s))
	start := args[1].int()
	end := n
	if len(args) == 3 {
		end = args[2].int()
		if start > end {
			return errorValue("invalid substring range. start: %d, end: %d", start, end)
		}
	}
	if start < 0 || start > n {
		return errorValue("index out of range: %d", start)
	}
	if end < 0 || end > n {
		return errorValue("index out of range: %d", end)
	}
	b := runeOffset(s, start)
	e := b + runeOffset(s[b:], end-start)
	return stringValue(sanitize(s[b:e]))
}

func trim(f *frame, v Value) Value {
	if v.kind() != StringKind {
		return noOverload("trim", v)
	}
	f.chargeScan(len(v.s))
	return stringValue(strings.TrimSpace(v.s))
}

func join(f *frame, args []Value) Value {
	if args[0].kind() != ListKind || (len(args) == 2 && args[1].kind() != StringKind) {
		return noOverload("join", args...)
	}
	sep := ""
	if len(args) == 2 {
		sep = args[1].s
	}
	n := listLen(args[0])
	total := 0
	parts := make([]string, n)
	for i := range n {
		e := listGet(args[0], i)
		if e.kind() != StringKind {
			return errorValue("join: invalid input: %s", e.t.runtimeName())
		}
		parts[i] = e.s
		total += len(e.s) + len(sep)
	}
	if !f.chargeBytes(total) {
		return costValue()
	}
	return stringValue(strings.Join(parts, sep))
}

func reverse(f *frame, v Value) Value {
	if v.kind() != StringKind {
		return noOverload("reverse", v)
	}
	if !f.chargeBytes(len(v.s)) {
		return costValue()
	}
	r := []rune(v.s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return stringValue(string(r))
}

func quote(f *frame, v Value) Value {
	if v.kind() != StringKind {
		return noOverload("strings.quote", v)
	}
	if !f.chargeBytes(len(v.s) * 2) {
		return costValue()
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range sanitize(v.s) {
		switch c {
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return stringValue(b.String())
}
