package inject

import (
	"regexp/syntax"
	"sync"
	"unicode/utf8"
)

// A hook scans one text per process, and compiling the patterns a text
// touches with package regexp cost more than the scan itself. So every
// pattern is compiled ahead of time (go generate), by regexp/syntax as
// package regexp would, into a prog stored in the binary, and run here
// by a port of package regexp's NFA: the same leftmost-first semantics,
// so the same match, with nothing to build at run time.

// prog is a compiled pattern: regexp/syntax instructions encoded in a
// string, each addressed by its byte offset (its pc).
//
// A byte below 0x80 is InstRune1 for that byte, continuing at the next
// pc. Other instructions start with an opcode byte; targets (out, arg)
// are 2-byte little-endian pcs and runes are 3-byte little-endian:
//
//	opFail                     pc 0 always; a target of 0 is no target
//	opMatch
//	opAlt       out arg        out first
//	opNop       out            also a capture, which a match does not record
//	opEmpty     out op         op: syntax.EmptyOp, one byte
//	opASCII     out c          InstRune1 for a byte below 0x80
//	opRune1     out r
//	opClass     out k          InstRune: a rune in tables.classes[k]
//	opAny       out
//	opAnyNotNL  out
type prog struct {
	code     string
	start    uint16
	anchored bool // matches only at the start of the text (^)
}

// Opcodes of prog.
const (
	opFail = 0x80 + iota
	opMatch
	opAlt
	opNop
	opEmpty
	opASCII
	opRune1
	opClass
	opAny
	opAnyNotNL
)

func (p *prog) u16(pc int) uint16 {
	return uint16(p.code[pc]) | uint16(p.code[pc+1])<<8
}

func (p *prog) r24(pc int) rune {
	return rune(p.code[pc]) | rune(p.code[pc+1])<<8 | rune(p.code[pc+2])<<16
}

// class is the ranges of runes an InstRune matches, as lo, hi pairs,
// sorted.
type class []rune

// has reports whether c is in one of the ranges.
func (cl class) has(c rune) bool {
	lo, hi := 0, len(cl)/2
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cl[2*m] <= c {
			if c <= cl[2*m+1] {
				return true
			}
			lo = m + 1
		} else {
			hi = m
		}
	}
	return false
}

// machine runs progs; a state takes one from machines for its scan.
type machine struct {
	p          *prog
	classes    []class
	q0, q1     queue
	stack      []uint16  // pcs add has yet to visit
	record     *[]uint16 // for keySeeds: where step puts the pcs it would add
	matched    bool
	start, end int32
}

// queue is a set of threads, in priority order: dense lists those that
// consume a rune or match, and has marks every pc add visited, words
// the words of has that are not zero. A bitmap rather than package
// regexp's sparse array: a fresh process pays for every page of memory
// it touches, and the bitmap of the largest prog is 1.5 KB.
type queue struct {
	has   []uint64
	words []uint16
	dense []thread
}

// thread is a pc in a queue, and where its match began.
type thread struct {
	pc    uint16
	start int32
}

var machines = sync.Pool{New: func() any { return new(machine) }}

// reserve makes room for progs of up to n bytes. The first scan of a
// process takes a new machine: it should reserve, at once, room for the
// largest prog, and for enough threads, rather than grow its slices
// through a run of sizes, each on fresh pages.
func (m *machine) reserve(n int) {
	if len(m.q0.has)*64 >= n {
		return
	}
	words := (n + 63) / 64
	for _, q := range []*queue{&m.q0, &m.q1} {
		q.has = make([]uint64, words)
		q.words = make([]uint16, 0, 64)
		q.dense = make([]thread, 0, 256)
	}
	m.stack = make([]uint16, 0, 64)
}

// clear empties q.
func (q *queue) clear() {
	for _, w := range q.words {
		q.has[w] = 0
	}
	q.words = q.words[:0]
	q.dense = q.dense[:0]
}

// find returns the leftmost-first match of p in s, as
// regexp.Regexp.FindStringIndex does.
func (m *machine) find(p *prog, classes []class, s string) (start, end int, ok bool) {
	return m.run(p, classes, s, 0, nil)
}

// run is find. With keyLen > 0, p is anchored and s starts with a key of
// keyLen bytes, and seeds are the pcs p reaches over the key, as
// keySeeds found them: the run starts after the key.
func (m *machine) run(p *prog, classes []class, s string, keyLen int, seeds []uint16) (start, end int, ok bool) {
	m.p, m.classes = p, classes
	m.matched, m.start, m.end = false, 0, 0
	m.reserve(len(p.code))
	runq, nextq := &m.q0, &m.q1
	pos := keyLen
	r, width := runeAt(s, pos)
	r1, width1 := rune(-1), 0
	if r != -1 {
		r1, width1 = runeAt(s, pos+width)
	}
	prev := rune(-1)
	if pos > 0 {
		prev, _ = utf8.DecodeLastRuneInString(s[:pos])
	}
	flag := syntax.EmptyOpContext(prev, r)
	for _, pc := range seeds {
		m.add(runq, pc, 0, flag)
	}
	for {
		if len(runq.dense) == 0 && (p.anchored && pos != 0 || m.matched) {
			break
		}
		if !m.matched && (pos == 0 || !p.anchored) {
			m.add(runq, p.start, int32(pos), flag)
		}
		flag = syntax.EmptyOpContext(r, r1)
		m.step(runq, nextq, int32(pos), r, flag)
		if width == 0 {
			break
		}
		pos += width
		r, width = r1, width1
		if r != -1 {
			r1, width1 = runeAt(s, pos+width)
		}
		runq, nextq = nextq, runq
	}
	m.q0.clear()
	m.q1.clear()
	m.p, m.classes = nil, nil
	return int(m.start), int(m.end), m.matched
}

// keySeeds runs anchored p over key as run would over a text that
// starts with it, and returns the pcs that the step over the key's last
// rune adds, in order: run starts from them after the key. It reports
// false if a match ends inside the key. go generate stores the seeds.
func (m *machine) keySeeds(p *prog, classes []class, key string) (seeds []uint16, ok bool) {
	m.p, m.classes = p, classes
	m.matched = false
	m.reserve(len(p.code))
	defer func() {
		m.q0.clear()
		m.q1.clear()
		m.p, m.classes, m.record = nil, nil, nil
	}()
	runq, nextq := &m.q0, &m.q1
	r, width := runeAt(key, 0)
	m.add(runq, p.start, 0, syntax.EmptyOpContext(-1, r))
	seeds = []uint16{}
	for pos := 0; ; {
		r1, width1 := runeAt(key, pos+width)
		if r1 == -1 {
			m.record = &seeds
		}
		m.step(runq, nextq, int32(pos), r, syntax.EmptyOpContext(r, r1))
		if m.matched {
			return nil, false
		}
		if r1 == -1 {
			return seeds, true
		}
		pos += width
		r, width = r1, width1
		runq, nextq = nextq, runq
	}
}

// runeAt returns the rune at s[pos] and its width; -1, 0 at the end.
func runeAt(s string, pos int) (rune, int) {
	if pos < len(s) {
		if c := s[pos]; c < utf8.RuneSelf {
			return rune(c), 1
		}
		return utf8.DecodeRuneInString(s[pos:])
	}
	return -1, 0
}

// add adds pc, and what it leads to without consuming a rune, to q: it
// follows alternations depth first, out before arg, as package regexp
// does, so threads keep its priority order.
func (m *machine) add(q *queue, pc uint16, start int32, cond syntax.EmptyOp) {
	p := m.p
	stack := m.stack[:0]
	for {
		if pc != 0 {
			w := q.has[pc/64]
			if w&(1<<(pc%64)) != 0 {
				pc = 0
				continue
			}
			if w == 0 {
				q.words = append(q.words, pc/64)
			}
			q.has[pc/64] = w | 1<<(pc%64)
			switch p.code[pc] {
			case opFail:
				pc = 0
			case opAlt:
				stack = append(stack, p.u16(int(pc)+3))
				pc = p.u16(int(pc) + 1)
			case opEmpty:
				if syntax.EmptyOp(p.code[pc+3])&^cond != 0 {
					pc = 0
				} else {
					pc = p.u16(int(pc) + 1)
				}
			case opNop:
				pc = p.u16(int(pc) + 1)
			default:
				q.dense = append(q.dense, thread{pc: pc, start: start})
				pc = 0
			}
			continue
		}
		if len(stack) == 0 {
			break
		}
		pc = stack[len(stack)-1]
		stack = stack[:len(stack)-1]
	}
	m.stack = stack
}

// step advances the threads of runq over c, the rune at pos, into nextq,
// where nextCond holds.
func (m *machine) step(runq, nextq *queue, pos int32, c rune, nextCond syntax.EmptyOp) {
	p := m.p
	for j := 0; j < len(runq.dense); j++ {
		t := &runq.dense[j]
		pc := int(t.pc)
		op := p.code[pc]
		next := uint16(pc + 1)
		ok := false
		switch {
		case op < utf8.RuneSelf:
			ok = c == rune(op)
		case op == opMatch:
			// Leftmost-first: the threads after this one have lower
			// priority and are dropped.
			m.start, m.end = t.start, pos
			m.matched = true
			runq.clear()
			return
		case op == opASCII:
			next = p.u16(pc + 1)
			ok = c == rune(p.code[pc+3])
		case op == opRune1:
			next = p.u16(pc + 1)
			ok = c == p.r24(pc+3)
		case op == opClass:
			next = p.u16(pc + 1)
			ok = m.classes[p.u16(pc+3)].has(c)
		case op == opAny:
			next = p.u16(pc + 1)
			ok = c != -1
		case op == opAnyNotNL:
			next = p.u16(pc + 1)
			ok = c != '\n' && c != -1
		}
		if ok {
			if m.record != nil {
				*m.record = append(*m.record, next)
				continue
			}
			m.add(nextq, next, t.start, nextCond)
		}
	}
	runq.clear()
}
