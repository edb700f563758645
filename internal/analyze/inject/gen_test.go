package inject

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"reflect"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite tables_gen.go")

// TestGenerated derives the tables from ruleSpecs and the word lists and
// checks that tables_gen.go holds them; with -update it rewrites it (go
// generate runs it so, built with the injectgen tag, which leaves the
// old file out).
func TestGenerated(t *testing.T) {
	if generating && !*update {
		t.Skip("built with the injectgen tag: tables_gen.go is left out")
	}
	tb, err := derive()
	if err != nil {
		t.Fatal(err)
	}
	src, err := tb.source()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("tables_gen.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile("tables_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, src) {
		t.Fatal("tables_gen.go is stale: run go generate ./internal/analyze/inject")
	}
	if !reflect.DeepEqual(*tb, generated) {
		t.Fatal("tables_gen.go does not hold the derived tables: run go generate ./internal/analyze/inject")
	}
}

// derive builds the tables from their sources.
func derive() (*tables, error) {
	t := &tables{follows: []follow{{}}}
	followAt := map[string]uint16{}
	seedsAt := map[string]uint16{}
	needAt := map[string]uint16{}
	m := new(machine)
	index := map[string]*wordEntry{}
	var order []string
	word := func(w string) *wordEntry {
		e := index[w]
		if e == nil {
			e = &wordEntry{word: w}
			index[w] = e
			order = append(order, w)
		}
		return e
	}
	for i, spec := range ruleSpecs() {
		if spec.win == 0 {
			spec.win = 160
		}
		r := rule{fam: spec.fam, w: spec.w, scope: spec.scope, line: spec.line, noLine: spec.noLine, raw: spec.raw,
			midText: spec.midText, needInToken: spec.needInToken, win: spec.win}
		if spec.need != "" {
			r.needs = strings.Split(spec.need, "|")
			if needAt[spec.need] == 0 {
				needAt[spec.need] = uint16(len(needAt) + 1)
			}
			r.need = needAt[spec.need]
		}
		re, err := syntax.Parse(spec.pattern(), syntax.Perl)
		if err != nil {
			return nil, fmt.Errorf("rule %d: %v", i, err)
		}
		p, err := syntax.Compile(re.Simplify())
		if err != nil {
			return nil, fmt.Errorf("rule %d: %v", i, err)
		}
		if r.prog, err = encodeProg(p, &t.classes); err != nil {
			return nil, fmt.Errorf("rule %d: %v", i, err)
		}
		t.rules = append(t.rules, r)
		t.maxCode = max(t.maxCode, len(r.prog.code))
		var parsed *syntax.Regexp
		if spec.scope == fromKey {
			parsed = parsePattern(expand(spec.pat))
		}
		for _, k := range strings.Fields(spec.keys) {
			ref := ruleRef{rule: uint16(i)}
			if r.prog.anchored && len(k) <= r.win {
				if seeds, ok := m.keySeeds(&r.prog, t.classes, k); ok {
					id := fmt.Sprint(seeds)
					if _, ok := seedsAt[id]; !ok {
						t.seeds = append(t.seeds, seeds)
						seedsAt[id] = uint16(len(t.seeds))
					}
					ref.seeds = seedsAt[id]
				}
			}
			if f := buildFollow(parsed, k); f != nil {
				id := fmt.Sprint(f.set)
				if _, ok := followAt[id]; !ok {
					followAt[id] = uint16(len(t.follows))
					t.follows = append(t.follows, *f)
				}
				ref.follow = followAt[id]
			}
			switch {
			case k[0] >= 0x80:
				t.cjk = addKey(t.cjk, k, ref)
			case isWordByte(k[0]):
				e := word(k)
				e.rules = append(e.rules, ref)
			default:
				t.punct[k[0]] = addKey(t.punct[k[0]], k, ref)
			}
		}
	}
	negation, modal, conditional, aiWords, discussion, causative := contextWords()
	for _, set := range []struct {
		words []string
		flag  uint8
	}{{negation, wNegation}, {modal, wModal}, {conditional, wConditional}, {aiWords, wAI}, {discussion, wDiscussion}, {causative, wCausative}} {
		for _, w := range set.words {
			word(w).flags |= set.flag
		}
	}
	for _, w := range imperatives() {
		word(w).flags2 |= wImperative
	}
	for _, w := range leadIns() {
		word(w).flags2 |= wLeadIn
	}
	for _, w := range encodedKeys() {
		word(rot13(w)).flags |= wRot13
		word(reverse(w)).flags |= wReverse
	}
	if len(t.rules) > 1<<16 || len(t.follows) > 1<<16 || len(t.seeds) >= 1<<16 || len(order) >= 1<<15 {
		return nil, fmt.Errorf("tables too large for their indices")
	}
	for i, w := range order {
		index[w].key = uint16(i)
		t.words = append(t.words, *index[w])
		if len(w) < 64 {
			t.lengths[w[0]] |= 1 << len(w)
		}
	}
	t.numKeys = len(order)
	for c := range t.punct {
		for i := range t.punct[c] {
			t.punct[c][i].key = uint16(t.numKeys)
			t.numKeys++
		}
	}
	for i := range t.cjk {
		t.cjk[i].key = uint16(t.numKeys)
		t.numKeys++
	}
	if t.numKeys >= 1<<16 {
		return nil, fmt.Errorf("too many keys")
	}
	n := 1
	for n < 2*len(order) {
		n *= 2
	}
	t.slots = make([]uint16, n)
	for i, w := range order {
		h := wordHash(w) & uint32(n-1)
		for t.slots[h] != 0 {
			h = (h + 1) & uint32(n-1)
		}
		t.slots[h] = uint16(i + 1)
	}
	return t, nil
}

func addKey(keys []punctKey, lit string, r ruleRef) []punctKey {
	for i := range keys {
		if keys[i].lit == lit {
			keys[i].rules = append(keys[i].rules, r)
			return keys
		}
	}
	return append(keys, punctKey{lit: lit, rules: []ruleRef{r}})
}

// encodeProg encodes a regexp/syntax program as a prog; the ranges of
// its character classes are added to classes.
func encodeProg(p *syntax.Prog, classes *[]class) (prog, error) {
	if len(p.Inst) == 0 || p.Inst[0].Op != syntax.InstFail {
		return prog{}, fmt.Errorf("instruction 0 is not InstFail")
	}
	if p.StartCond() == ^syntax.EmptyOp(0) {
		return prog{}, fmt.Errorf("pattern cannot match")
	}
	short := func(pc int) bool {
		in := &p.Inst[pc]
		return in.Op == syntax.InstRune1 && in.Rune[0] < 0x80 && int(in.Out) == pc+1
	}
	classAt := func(runes []rune) (int, error) {
		if len(runes) == 1 {
			runes = []rune{runes[0], runes[0]}
		}
		if len(runes)%2 != 0 {
			return 0, fmt.Errorf("odd ranges %v", runes)
		}
		for i, c := range *classes {
			if slices.Equal(c, runes) {
				return i, nil
			}
		}
		*classes = append(*classes, slices.Clone(runes))
		if len(*classes) > 0xFFFF {
			return 0, fmt.Errorf("too many classes")
		}
		return len(*classes) - 1, nil
	}
	off := make([]int, len(p.Inst)+1)
	for pc := range p.Inst {
		in := &p.Inst[pc]
		size := 3
		switch {
		case short(pc):
			size = 1
		case in.Op == syntax.InstFail || in.Op == syntax.InstMatch:
			size = 1
		case in.Op == syntax.InstAlt:
			size = 5
		case in.Op == syntax.InstEmptyWidth:
			size = 4
		case in.Op == syntax.InstRune1 && in.Rune[0] < 0x80:
			size = 4
		case in.Op == syntax.InstRune1:
			size = 6
		case in.Op == syntax.InstRune:
			size = 5
		}
		off[pc+1] = off[pc] + size
	}
	if off[len(p.Inst)] > 0xFFFF {
		return prog{}, fmt.Errorf("program of %d bytes", off[len(p.Inst)])
	}
	var b []byte
	u16 := func(pc uint32) { b = append(b, byte(off[pc]), byte(off[pc]>>8)) }
	r24 := func(r rune) { b = append(b, byte(r), byte(r>>8), byte(r>>16)) }
	for pc := range p.Inst {
		in := &p.Inst[pc]
		if len(b) != off[pc] {
			return prog{}, fmt.Errorf("bad size at %d", pc)
		}
		switch in.Op {
		case syntax.InstFail:
			b = append(b, opFail)
		case syntax.InstMatch:
			b = append(b, opMatch)
		case syntax.InstAlt:
			b = append(b, opAlt)
			u16(in.Out)
			u16(in.Arg)
		case syntax.InstNop, syntax.InstCapture:
			// Captures record submatches, which a prog does not report.
			b = append(b, opNop)
			u16(in.Out)
		case syntax.InstEmptyWidth:
			if in.Arg > 0xFF {
				return prog{}, fmt.Errorf("empty-width op %#x", in.Arg)
			}
			b = append(b, opEmpty)
			u16(in.Out)
			b = append(b, byte(in.Arg))
		case syntax.InstRune1:
			switch {
			case short(pc):
				b = append(b, byte(in.Rune[0]))
			case in.Rune[0] < 0x80:
				b = append(b, opASCII)
				u16(in.Out)
				b = append(b, byte(in.Rune[0]))
			default:
				b = append(b, opRune1)
				u16(in.Out)
				r24(in.Rune[0])
			}
		case syntax.InstRune:
			if syntax.Flags(in.Arg)&syntax.FoldCase != 0 && len(in.Rune) == 1 {
				return prog{}, fmt.Errorf("unsupported rune instruction %v", in)
			}
			k, err := classAt(in.Rune)
			if err != nil {
				return prog{}, err
			}
			b = append(b, opClass)
			u16(in.Out)
			b = append(b, byte(k), byte(k>>8))
		case syntax.InstRuneAny:
			b = append(b, opAny)
			u16(in.Out)
		case syntax.InstRuneAnyNotNL:
			b = append(b, opAnyNotNL)
			u16(in.Out)
		default:
			return prog{}, fmt.Errorf("unsupported instruction %v", in.Op)
		}
	}
	return prog{code: string(b), start: uint16(off[p.Start]), anchored: p.StartCond()&syntax.EmptyBeginText != 0}, nil
}

var famNames = [...]string{famOverride: "famOverride", famRolePlay: "famRolePlay", famLeak: "famLeak", famExfil: "famExfil",
	famCommand: "famCommand", famTool: "famTool", famOutput: "famOutput", famConceal: "famConceal", famAddress: "famAddress",
	famRole: "famRole", famDelim: "famDelim", famUnicode: "famUnicode", famEncoded: "famEncoded", famHTML: "famHTML"}

var scopeNames = [...]string{fromKey: "fromKey", onLine: "onLine", aroundKey: "aroundKey"}

// source returns tables_gen.go for t.
func (t *tables) source() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by TestGenerated (go generate) from rules.go; DO NOT EDIT.\n\n//go:build !injectgen\n\npackage inject\n\n")
	b.WriteString("const generating = false\n\n")
	b.WriteString("// generated holds the tables derived from ruleSpecs and the word lists\n// of rules.go. Rule i is ruleSpecs()[i].\nvar generated = tables{\n")
	b.WriteString("rules: []rule{\n")
	specs := ruleSpecs()
	for i, r := range t.rules {
		fmt.Fprintf(&b, "// %d: %s\n", i, strings.Join(strings.Fields(specs[i].keys), " "))
		fmt.Fprintf(&b, "{fam: %s, w: %s, win: %d", famNames[r.fam], strconv.FormatFloat(r.w, 'g', -1, 64), r.win)
		if r.scope != fromKey {
			fmt.Fprintf(&b, ", scope: %s", scopeNames[r.scope])
		}
		for _, f := range []struct {
			name string
			on   bool
		}{{"line", r.line}, {"noLine", r.noLine}, {"raw", r.raw}, {"midText", r.midText}, {"needInToken", r.needInToken}} {
			if f.on {
				fmt.Fprintf(&b, ", %s: true", f.name)
			}
		}
		if r.needs != nil {
			b.WriteString(", needs: []string{")
			for j, n := range r.needs {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Quote(n))
			}
			fmt.Fprintf(&b, "}, need: %d", r.need)
		}
		fmt.Fprintf(&b, ",\nprog: prog{start: %d, anchored: %v, code: ", r.prog.start, r.prog.anchored)
		writeString(&b, r.prog.code)
		b.WriteString("}},\n")
	}
	b.WriteString("},\n")

	b.WriteString("words: []wordEntry{\n")
	for _, e := range t.words {
		fmt.Fprintf(&b, "{word: %s, key: %d", strconv.Quote(e.word), e.key)
		if e.rules != nil {
			b.WriteString(", rules: ")
			writeRefs(&b, e.rules)
		}
		if e.flags != 0 {
			fmt.Fprintf(&b, ", flags: %#02x", e.flags)
		}
		if e.flags2 != 0 {
			fmt.Fprintf(&b, ", flags2: %#02x", e.flags2)
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\n")
	b.WriteString("slots: []uint16{")
	for i, s := range t.slots {
		if i%16 == 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%d, ", s)
	}
	b.WriteString("\n},\n")
	b.WriteString("lengths: [256]uint64{")
	for c, l := range t.lengths {
		if l != 0 {
			fmt.Fprintf(&b, "\n%s: %#x,", strconv.QuoteRune(rune(c)), l)
		}
	}
	b.WriteString("\n},\n")
	b.WriteString("punct: [128][]punctKey{\n")
	for c, keys := range t.punct {
		if keys != nil {
			fmt.Fprintf(&b, "%s: ", strconv.QuoteRune(rune(c)))
			writeKeys(&b, keys)
			b.WriteString(",\n")
		}
	}
	b.WriteString("},\n")
	b.WriteString("cjk: []punctKey")
	writeKeys(&b, t.cjk)
	b.WriteString(",\n")
	b.WriteString("classes: []class{\n")
	for _, c := range t.classes {
		b.WriteString("{")
		for i, r := range c {
			if i > 0 {
				b.WriteString(", ")
			}
			if r < 0x80 && strconv.IsPrint(r) {
				b.WriteString(strconv.QuoteRune(r))
			} else {
				fmt.Fprintf(&b, "%#x", r)
			}
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\n")
	fmt.Fprintf(&b, "numKeys: %d,\nmaxCode: %d,\n", t.numKeys, t.maxCode)
	b.WriteString("seeds: [][]uint16{\n")
	for _, sd := range t.seeds {
		b.WriteString("{")
		for i, pc := range sd {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d", pc)
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\n")
	b.WriteString("follows: []follow{\n{},\n")
	for _, f := range t.follows[1:] {
		fmt.Fprintf(&b, "{first: [4]uint64{%#x, %#x, %#x, %#x}, empty: %v, set: []uint32{", f.first[0], f.first[1], f.first[2], f.first[3], f.empty)
		for i, v := range f.set {
			if i%8 == 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%#x, ", v)
		}
		b.WriteString("\n}},\n")
	}
	b.WriteString("},\n}\n")
	return format.Source(b.Bytes())
}

func writeRefs(b *bytes.Buffer, refs []ruleRef) {
	b.WriteString("[]ruleRef{")
	for i, r := range refs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "{%d, %d, %d}", r.rule, r.follow, r.seeds)
	}
	b.WriteString("}")
}

func writeKeys(b *bytes.Buffer, keys []punctKey) {
	b.WriteString("{")
	for _, k := range keys {
		fmt.Fprintf(b, "\n{lit: %s, key: %d, rules: ", strconv.QuoteToASCII(k.lit), k.key)
		writeRefs(b, k.rules)
		b.WriteString("},")
	}
	b.WriteString("\n}")
}

// writeString writes s as a sum of quoted pieces, a few per line.
func writeString(b *bytes.Buffer, s string) {
	for len(s) > 0 {
		n := min(len(s), 64)
		b.WriteString(strconv.QuoteToASCII(s[:n]))
		s = s[n:]
		if len(s) > 0 {
			b.WriteString(" +\n")
		}
	}
}
