package secret

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// rule is a ruleSpec ready to run. A pattern is compiled on its first
// keyword hit: most texts need a handful of the rules, and each hook call
// is a new process.
type rule struct {
	ruleSpec
	backSet *byteSet
	pattern func() *pattern
}

// pattern is a compiled regex rule.
type pattern struct {
	re     *regexp.Regexp
	maxLen int // longest token
	// runSet is set when every character the pattern can match continues
	// the token: the token is then a whole run of them, so it starts
	// after a character outside the set, and a run longer than maxLen
	// rules it out unread.
	runSet *byteSet
}

func compilePattern(spec *ruleSpec) *pattern {
	tail := spec.tail
	if tail == "" {
		tail = defaultTail
	}
	// Group 1 is the token; it must end at the end of the text or before
	// a character that cannot continue it.
	p := &pattern{re: regexp.MustCompile(`^(` + spec.regex + `)(?:$|[^` + tail + `])`), maxLen: spec.maxLen}
	parsed, err := syntax.Parse(spec.regex, syntax.Perl)
	if err != nil {
		panic(err) // unreachable: the pattern compiled above
	}
	if ts := classSet(tail); patternWithin(parsed, ts) {
		p.runSet = ts
	}
	if n := maxMatchLen(parsed); n >= 0 && p.maxLen == 0 {
		p.maxLen = n
	}
	if p.maxLen == 0 {
		p.maxLen = 512
	}
	return p
}

// keyword is a lowercase literal and the rules that run where it occurs.
type keyword struct {
	lit   string
	rules []int
}

// tables are the compiled detectors, shared by every Scanner.
type tables struct {
	rules    []rule
	keywords []keyword
	// pairs maps the first two bytes of a keyword (lowercase) to 1 + the
	// index of the list of keywords starting with them, so most positions
	// are rejected by one load; a one-byte keyword is in the list of
	// every pair it starts. single lists the one-byte keywords, for the
	// last byte of a text.
	pairs    *[1 << 16]uint16
	lists    [][]int
	single   []int
	catalog  []analyze.FindingSpec
	severity map[string]event.Severity
}

// compiled builds the tables on first use.
var compiled = sync.OnceValue(build)

func build() *tables {
	t := &tables{catalog: catalogSpecs(), severity: make(map[string]event.Severity), pairs: new([1 << 16]uint16)}
	for _, f := range t.catalog {
		t.severity[f.ID] = f.Severity
	}
	kwIndex := make(map[string]int)
	for i, spec := range ruleSpecs() {
		r := rule{ruleSpec: spec}
		if r.prio == 0 {
			r.prio = prioProvider
		}
		if r.det == detRegex {
			r.group++ // the token is group 1 of the compiled pattern
			r.pattern = sync.OnceValue(func() *pattern { return compilePattern(&spec) })
		}
		if r.back != "" {
			r.backSet = classSet(r.back)
		}
		t.rules = append(t.rules, r)
		for _, kw := range spec.keywords {
			kw = strings.ToLower(kw)
			k, ok := kwIndex[kw]
			if !ok {
				k = len(t.keywords)
				kwIndex[kw] = k
				t.keywords = append(t.keywords, keyword{lit: kw})
				if len(kw) == 1 {
					t.single = append(t.single, k)
					for c := range 256 {
						t.addPair(kw[0], lower(byte(c)), k)
					}
				} else {
					t.addPair(kw[0], kw[1], k)
				}
			}
			t.keywords[k].rules = append(t.keywords[k].rules, i)
		}
	}
	return t
}

func (t *tables) addPair(a, b byte, k int) {
	p := uint16(a)<<8 | uint16(b)
	if t.pairs[p] == 0 {
		t.lists = append(t.lists, nil)
		t.pairs[p] = uint16(len(t.lists))
	}
	l := &t.lists[t.pairs[p]-1]
	if !slices.Contains(*l, k) {
		*l = append(*l, k)
	}
}

// maxMatchLen returns the length of the longest text re can match, or -1
// when there is no bound. Patterns are ASCII.
func maxMatchLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(string(re.Rune))
	case syntax.OpCharClass:
		if len(re.Rune) > 0 && re.Rune[len(re.Rune)-1] < utf8.RuneSelf {
			return 1
		}
		return utf8.UTFMax
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture, syntax.OpQuest:
		return maxMatchLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return -1
	case syntax.OpRepeat:
		n := maxMatchLen(re.Sub[0])
		if re.Max < 0 || n < 0 {
			return -1
		}
		return re.Max * n
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, sub := range re.Sub {
			n := maxMatchLen(sub)
			if n < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				total += n
			} else {
				total = max(total, n)
			}
		}
		return total
	}
	return 0 // empty-width assertions
}

// byteSet is a set of bytes.
type byteSet [256]bool

// patternWithin reports whether every byte re can match is in set.
func patternWithin(re *syntax.Regexp, set *byteSet) bool {
	var within func(re *syntax.Regexp) bool
	inSet := func(lo, hi rune) bool {
		if hi > 0x7f {
			return false
		}
		for c := lo; c <= hi; c++ {
			if !set[c] {
				return false
			}
		}
		return true
	}
	within = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpLiteral:
			for _, c := range re.Rune {
				if !inSet(c, c) {
					return false
				}
				if re.Flags&syntax.FoldCase != 0 && !inSet(unicode.SimpleFold(c), unicode.SimpleFold(c)) {
					return false
				}
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if !inSet(re.Rune[i], re.Rune[i+1]) {
					return false
				}
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			return false
		}
		for _, sub := range re.Sub {
			if !within(sub) {
				return false
			}
		}
		return true
	}
	return within(re)
}

// classSet builds the set of a character class body such as "a-z0-9_\-".
func classSet(class string) *byteSet {
	var s byteSet
	for i := 0; i < len(class); i++ {
		c := class[i]
		if c == '\\' && i+1 < len(class) {
			i++
			s[class[i]] = true
			continue
		}
		if i+2 < len(class) && class[i+1] == '-' {
			for x := int(c); x <= int(class[i+2]); x++ {
				s[x] = true
			}
			i += 2
			continue
		}
		s[c] = true
	}
	return &s
}

func lower(c byte) byte {
	if c-'A' < 26 {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with the lowercase ASCII lit,
// ignoring case, given that their first two bytes match.
func hasPrefixFold(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for i := 2; i < len(lit); i++ {
		if lower(s[i]) != lit[i] {
			return false
		}
	}
	return true
}

func isWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// scan is the state of one Scan.
type scan struct {
	t     *tables
	text  string
	cands []candidate
	// lastStart is, per rule, the token start it last tried, so a token
	// with several keywords is checked once.
	lastStart []int
	lastIdent int // start of the last identifier the generic detector read
	// valueEnd is the end of the last value the generic detector read: a
	// secret word inside it is part of the value, not a name.
	valueEnd int
	curlEnd  int      // end of the last line the curl detector read
	cliEnd   int      // end of the last line the CLI password detector read
	words    []string // the generic detector's buffer
}

func (sc *scan) full() bool { return len(sc.cands) >= maxCandidates }

// run finds the keywords in one pass and runs their rules where they
// occur.
func (sc *scan) run() {
	t, text := sc.t, sc.text
	pairs := t.pairs
	for i := 0; i+1 < len(text); i++ {
		li := pairs[uint16(lower(text[i]))<<8|uint16(lower(text[i+1]))]
		if li == 0 {
			continue
		}
		for _, k := range t.lists[li-1] {
			if sc.keyword(k, i) {
				return
			}
		}
	}
	if n := len(text); n > 0 {
		for _, k := range t.single {
			if t.keywords[k].lit[0] == lower(text[n-1]) && sc.keyword(k, n-1) {
				return
			}
		}
	}
}

// keyword runs the rules of keyword k if it occurs at i, and reports
// whether the scan is full.
func (sc *scan) keyword(k, i int) bool {
	kw := &sc.t.keywords[k]
	if !hasPrefixFold(sc.text[i:], kw.lit) {
		return false
	}
	for _, ri := range kw.rules {
		sc.hit(ri, i, len(kw.lit))
		if sc.full() {
			return true
		}
	}
	return false
}

// hit runs rule ri at a keyword of length n found at pos.
func (sc *scan) hit(ri, pos, n int) {
	r := &sc.t.rules[ri]
	switch r.det {
	case detRegex:
		sc.regexHit(ri, r, pos, n)
	case detGeneric:
		sc.generic(pos, n)
	case detPrivateKey:
		sc.privateKey(pos)
	case detJWT:
		sc.jwt(pos)
	case detJWTBase64:
		sc.jwtBase64(pos)
	case detURL:
		sc.url(pos)
	case detHTTPAuth:
		sc.httpAuth(pos, n)
	case detCurl:
		sc.curl(pos, n)
	case detCLIPassword:
		sc.cliPassword(pos, n)
	}
}

func (sc *scan) regexHit(ri int, r *rule, pos, n int) {
	text := sc.text
	start, show := pos, n
	if r.backSet != nil {
		for start > 0 && pos-start < r.maxBack && r.backSet[text[start-1]] {
			start--
		}
		if pos-start < r.minBack || start > 0 && r.backSet[text[start-1]] {
			return
		}
		show = 0
	}
	if !r.inWord && start > 0 && isWord(text[start-1]) {
		return
	}
	if sc.lastStart[ri] == start {
		return
	}
	sc.lastStart[ri] = start
	p := r.pattern()
	if p.runSet != nil {
		if start > 0 && p.runSet[text[start-1]] {
			// The token is made of its tail characters, so like its end
			// its start is the edge of a run: "x-sk-proj-..." is not a key.
			return
		}
		// A run longer than any token is rejected unread. Each run is
		// measured once per rule, at its start, so this stays linear.
		e := start
		for e < len(text) && e-start <= p.maxLen && p.runSet[text[e]] {
			e++
		}
		if e-start > p.maxLen {
			return
		}
	}
	end := min(len(text), start+p.maxLen+1)
	m := p.re.FindStringSubmatchIndex(text[start:end])
	if m == nil || m[2*r.group] < 0 {
		return
	}
	if m[3] == end-start && end < len(text) {
		return // the token runs past the window
	}
	s, e := start+m[2*r.group], start+m[2*r.group+1]
	v := text[s:e]
	if r.group > 1 {
		show = 0
	}
	body := v[min(show, len(v)):]
	if looksFake(body) || entropy(body) < r.minEntropy {
		return
	}
	sc.add(candidate{start: s, end: e, id: r.id, prio: r.prio, show: show})
}
