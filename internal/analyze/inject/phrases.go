package inject

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// What a scan looks at. Decoded and transformed texts are scanned again
// with fewer detectors, so the work stays bounded.
type scanMode uint8

const (
	scanPhrases    scanMode = 1 << iota
	scanHidden              // invisible Unicode
	scanHTML                // HTML and markdown hiding, markdown image exfiltration
	scanEncoded             // base64, hex and percent-encoded blobs
	scanTransforms          // rot13, reversed and leetspeak text

	scanAll = scanPhrases | scanHidden | scanHTML | scanEncoded | scanTransforms
)

// Bounds on the work of one Scan.
const (
	maxDepth      = 2       // nesting of decoded texts
	maxHits       = 4096    // signals kept per scanned text
	maxCandidates = 256     // encoded blobs decoded per Scan
	decodeBudget  = 4 << 20 // bytes of decoded text scanned per Scan
)

// cjkBack is how far before a CJK key a match may start: languages
// without spaces put the verb ("無視") after its object.
const cjkBack = 45

// hit is one signal, in byte offsets of the text it was found in.
type hit struct {
	fam        family
	start, end int
	w          float64
	// solo marks a signal in text that discusses injection: it neither
	// gives nor takes corroboration.
	solo bool
	// region marks a container (hidden element, comment): it corroborates,
	// and is corroborated by, only the signals inside it.
	region bool
	ev     string // evidence, when the span's text would not show it
}

// state is the work of one Scan.
type state struct {
	tb         *tables
	candidates int
	budget     int
	// noFilter runs every rule at every key, skipping prefilters; tests
	// use it to check that prefilters never lose a match.
	noFilter bool
	m        *machine // taken from machines on the first match
	// verify, when set, is given every match attempt: tests check the
	// progs against package regexp with it.
	verify func(ref ruleRef, keyLen int, s string, start, end int, ok bool)
}

// match runs ref's rule over s and returns its leftmost-first match, as
// regexp.Regexp.FindStringIndex would. With keyLen > 0, s starts with
// ref's key, keyLen bytes long.
func (st *state) match(ref ruleRef, keyLen int, s string) (start, end int, ok bool) {
	if st.m == nil {
		st.m = machines.Get().(*machine)
		st.m.reserve(st.tb.maxCode)
	}
	p := &st.tb.rules[ref.rule].prog
	if keyLen > 0 && ref.seeds != 0 {
		start, end, ok = st.m.run(p, st.tb.classes, s, keyLen, st.tb.seeds[ref.seeds-1])
	} else {
		start, end, ok = st.m.find(p, st.tb.classes, s)
	}
	if st.verify != nil {
		st.verify(ref, keyLen, s, start, end, ok)
	}
	return start, end, ok
}

// done returns the state's machine to the pool.
func (st *state) done() {
	if st.m != nil {
		machines.Put(st.m)
		st.m = nil
	}
}

func newState(tb *tables) *state {
	return &state{tb: tb, candidates: maxCandidates, budget: decodeBudget}
}

// scan finds the signals in text.
func (st *state) scan(text string, depth int, mode scanMode) []hit {
	t := normalize(text)
	var hits []hit
	var g gates
	var disc discussion
	if mode&scanPhrases != 0 {
		hits, g, disc = st.phrases(t, hits)
	}
	if mode&scanHidden != 0 && len(t.runs) > 0 {
		hits = st.hidden(t, depth, hits)
	}
	if mode&scanHTML != 0 {
		hits = st.html(t, disc, hits)
	}
	if mode&scanEncoded != 0 && depth < maxDepth {
		hits = st.encoded(text, depth, hits)
	}
	if mode&scanTransforms != 0 && depth == 0 && g.any() {
		hits = st.transforms(t, &g, hits)
	}
	return hits
}

// subConf scans a decoded text and returns its highest confidence and
// the evidence for it.
func (st *state) subConf(text string, depth int) (float64, string) {
	if depth >= maxDepth || st.budget < len(text) {
		return 0, ""
	}
	st.budget -= len(text)
	best, ev := 0.0, ""
	for _, s := range score(st.scan(text, depth+1, scanAll&^scanTransforms)) {
		if s.fam < numReported && s.conf > best {
			best = s.conf
			ev = excerpt(text, s.start, s.end)
		}
	}
	return best, ev
}

// Gates found by the phrase scan: signs that the text is encoded.
const (
	gateRot13 = iota
	gateReverse
	gateLeet
	gateSpaced
	numGates
)

// gates records where the phrase scan saw signs that the text is encoded,
// so only the text around them is decoded again.
type gates [numGates][]int // offsets in the normalized text

// maxGateSites bounds the places one kind of gate is recorded at.
const maxGateSites = 16

func (g *gates) add(kind, at int) {
	if len(g[kind]) < maxGateSites {
		g[kind] = append(g[kind], at)
	}
}

func (g *gates) any() bool {
	for _, sites := range g {
		if len(sites) > 0 {
			return true
		}
	}
	return false
}

type rawHit struct {
	rule       uint16
	start, end int // in normalized text
}

func isWordByte(c byte) bool {
	return c >= utf8.RuneSelf || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

func isLetterByte(c byte) bool {
	return c >= utf8.RuneSelf || 'a' <= c && c <= 'z'
}

// phrases runs the phrase rules over t and appends their hits. It also
// reports the gates it saw (signs that the text is encoded) and where the
// text discusses injection.
func (st *state) phrases(t *normText, hits []hit) ([]hit, gates, discussion) {
	ks := &keyScan{st: st, s: t.s, tries: 4096 + len(t.s)/32}
	if st.noFilter {
		// Without prefilters more attempts run; the budget must not be
		// what makes the two differ.
		ks.tries = math.MaxInt
	}
	ks.run(t.nonASCII)
	disc := discussion{ks.markers, discussesInjection(ks.markers, len(t.s))}
	hits = st.directives(t, ks, disc, hits)
	for _, h := range ks.raw {
		r := &st.tb.rules[h.rule]
		w, solo := r.w, false
		if r.fam.instruction() {
			if !r.raw {
				w *= st.sentence(t.s, h.start)
			}
			if r.fam == famOverride && ownedElsewhere(t.s, h.end) {
				w *= 0.6
			}
			w, solo = disc.weigh(w, h.start, h.end)
		}
		start, end := t.start(h.start), t.end(h.end)
		hits = append(hits, hit{fam: r.fam, start: start, end: end, w: w, solo: solo})
		if r.fam.instruction() || r.fam == famRole {
			// An instruction spelled with look-alike, invisible or
			// escaped letters is hidden on purpose.
			look, esc := obfuscated(t.src, start, end)
			if look > 0 {
				hits = append(hits, hit{fam: famUnicode, start: start, end: end, w: 0.55,
					ev: "look-alike or invisible characters in: " + excerpt(t.src, start, end)})
			}
			if esc >= 2 {
				hits = append(hits, hit{fam: famEncoded, start: start, end: end, w: 0.35,
					ev: "escaped letters in: " + excerpt(t.src, start, end)})
			}
		}
	}
	return hits, ks.gates, disc
}

// directives appends the imperatives that follow, within directiveReach,
// text addressed to the model, a role marker or a fake delimiter.
func (st *state) directives(t *normText, ks *keyScan, disc discussion, hits []hit) []hit {
	var anchors []int
	for _, h := range ks.raw {
		switch st.tb.rules[h.rule].fam {
		case famAddress, famRole, famDelim:
			anchors = append(anchors, h.end)
		}
	}
	if len(anchors) == 0 {
		return hits
	}
	slices.Sort(anchors)
	for _, o := range ks.orders {
		k, _ := slices.BinarySearch(anchors, o[0]+1)
		if k == 0 || o[0]-anchors[k-1] > directiveReach {
			continue
		}
		w, solo := disc.weigh(directiveBase, o[0], o[1])
		hits = append(hits, hit{fam: famDirective, start: t.start(o[0]), end: t.end(o[1]), w: w, solo: solo})
	}
	return hits
}

// keyScan finds the keys of a normalized text and runs their rules.
type keyScan struct {
	st      *state
	s       string
	raw     []rawHit
	markers []int    // discussion words, ascending
	orders  [][2]int // imperatives that start a clause
	gates   gates
	// Every attempt runs a regular expression over a bounded window; their
	// number is bounded by the size of the text, so the scan stays linear
	// even on text made of nothing but keys.
	tries    int
	lastLine map[uint16]int // per onLine rule, the last line it ran on
	// seen counts the occurrences of each key, up to followAfter+1.
	seen []uint8
	// needs remembers recent windows searched for needed literals:
	// rules of one key often need the same ones.
	needs    [4]needMemo
	needNext int
}

// needMemo is a search of s[lo:hi] for the literals of a rule's need:
// end is where the first of them found ends, or past hi.
type needMemo struct {
	need        uint16
	lo, hi, end int
}

// contains reports whether s[lo:hi] contains one of lits, the literals
// of need.
func (ks *keyScan) contains(need uint16, lits []string, lo, hi int) bool {
	for _, m := range ks.needs {
		if m.need == need && m.lo == lo && hi <= m.hi {
			// Each literal's first occurrence in s[lo:m.hi] ends the
			// earliest of its occurrences.
			return m.end <= hi
		}
	}
	end := hi + 1
	for _, l := range lits {
		if k := strings.Index(ks.s[lo:hi], l); k >= 0 {
			end = min(end, lo+k+len(l))
		}
	}
	ks.needs[ks.needNext] = needMemo{need, lo, hi, end}
	ks.needNext = (ks.needNext + 1) % len(ks.needs)
	return end <= hi
}

// followAfter is how many times a key runs its rules in a text before
// its prefilters decide whether they run. Before, a prefilter that
// rejects the text only stands for a pattern that would not match: the
// attempt counts against the scan's bound on attempts. (This is how the
// scanner ran when prefilters were derived during the scan, and it is
// kept so that results stay the same on texts that reach the bound.)
const followAfter = 4

// filtered reports whether the key should use its prefilters at this
// occurrence.
func (ks *keyScan) filtered(key uint16) bool {
	if ks.st.noFilter {
		return false
	}
	if ks.seen == nil {
		ks.seen = make([]uint8, ks.st.tb.numKeys)
	}
	if ks.seen[key] <= followAfter {
		ks.seen[key]++
	}
	return ks.seen[key] > followAfter
}

func (ks *keyScan) run(nonASCII bool) {
	tb, s, n := ks.st.tb, ks.s, len(ks.s)
	singles := 0 // one-letter words in a row
	for i := 0; i < n; {
		c := s[i]
		if !isWordByte(c) {
			if c < utf8.RuneSelf && (i == 0 || s[i-1] != c) {
				ks.punct(i)
			}
			i++
			continue
		}
		j := i + 1
		digits, letters := c >= '0' && c <= '9', c >= 'a' && c <= 'z'
		for j < n {
			d := s[j]
			if isWordByte(d) {
				digits = digits || d >= '0' && d <= '9'
				letters = letters || d >= 'a' && d <= 'z'
				j++
				continue
			}
			if d == '\'' && j+1 < n && isLetterByte(s[j+1]) && isLetterByte(s[j-1]) {
				j++
				continue
			}
			break
		}
		if j-i == 1 {
			if singles++; singles == 6 {
				ks.gates.add(gateSpaced, i)
			}
		} else {
			singles = 0
		}
		if e := tb.lookup(s[i:j]); e != nil {
			ks.word(e, i, j)
		} else if digits && letters && j-i >= 4 && j-i <= 16 {
			var buf [16]byte
			if e := tb.lookup(string(deleet(buf[:0], s[i:j]))); e != nil && len(e.rules) > 0 {
				ks.gates.add(gateLeet, i)
			}
		}
		i = j
	}
	if nonASCII {
		for _, k := range tb.cjk {
			for off := 0; off < n; {
				j := strings.Index(s[off:], k.lit)
				if j < 0 {
					break
				}
				i := off + j
				for _, ref := range k.rules {
					ks.try(ref, i, i+len(k.lit), nil)
				}
				off = i + len(k.lit)
			}
		}
	}
}

// word handles a word of the index at s[i:j].
func (ks *keyScan) word(e *wordEntry, i, j int) {
	s := ks.s
	if e.flags2&wImperative != 0 && len(ks.orders) < maxHits && ks.st.clauseStart(s, i) {
		ks.orders = append(ks.orders, [2]int{i, j})
	}
	if e.flags&wDiscussion != 0 && len(ks.markers) < maxHits && !inName(s, i, j) && !inQuotes(s, i) {
		ks.markers = append(ks.markers, i)
	}
	if e.flags&wRot13 != 0 {
		ks.gates.add(gateRot13, i)
	}
	if e.flags&wReverse != 0 {
		ks.gates.add(gateReverse, i)
	}
	filter := len(e.rules) > 0 && ks.filtered(e.key)
	for _, ref := range e.rules {
		ks.tryFiltered(ref, i, j, filter)
	}
}

// tryFiltered runs a rule at the key s[i:keyEnd]. With filter, the
// rule's prefilter decides whether it runs; without, the rule runs (and
// counts as an attempt), and a prefilter that rejects the text stands
// for the pattern, which could not match.
func (ks *keyScan) tryFiltered(ref ruleRef, i, keyEnd int, filter bool) {
	var f *follow
	if ref.follow != 0 {
		f = &ks.st.tb.follows[ref.follow]
	}
	switch {
	case ks.st.noFilter:
		f = nil
	case filter:
		if !f.allows(ks.s[keyEnd:min(len(ks.s), keyEnd+64)]) {
			return
		}
		f = nil
	}
	ks.try(ref, i, keyEnd, f)
}

// punct runs the rules whose key starts with the punctuation at s[i].
func (ks *keyScan) punct(i int) {
	s := ks.s
	keys := ks.st.tb.punct[s[i]]
	for ki := range keys {
		k := &keys[ki]
		if !strings.HasPrefix(s[i:], k.lit) {
			continue
		}
		end := i + len(k.lit)
		filter := ks.filtered(k.key)
		for _, ref := range k.rules {
			ks.tryFiltered(ref, i, end, filter)
		}
	}
}

// try runs a rule at the key s[i:keyEnd]; f, if not nil, is the rule's
// prefilter for the key.
func (ks *keyScan) try(ref ruleRef, i, keyEnd int, f *follow) {
	ri := ref.rule
	if len(ks.raw) >= maxHits || ks.tries <= 0 {
		return
	}
	s, n := ks.s, len(ks.s)
	r := &ks.st.tb.rules[ri]
	if r.line && !atLineStart(s, i) || r.noLine && atLineStart(s, i) || r.midText && !midText(s, i) {
		return
	}
	if r.needs != nil && !ks.st.noFilter {
		lo, hi := i, min(n, i+r.win)
		switch {
		case r.needInToken:
			if k := strings.IndexAny(s[lo:hi], " \t\n\"')>"); k >= 0 {
				hi = lo + k
			}
		case r.scope != fromKey:
			lo, hi = max(0, i-400), min(n, i+400)
		}
		if !ks.contains(r.need, r.needs, lo, hi) {
			return
		}
	}
	ks.tries--
	switch r.scope {
	case fromKey:
		if !f.allows(s[keyEnd:min(n, keyEnd+64)]) {
			return
		}
		if _, e, ok := ks.st.match(ref, keyEnd-i, s[i:min(n, i+r.win)]); ok {
			ks.raw = append(ks.raw, rawHit{ri, i, i + e})
		}
	case onLine:
		ls := max(0, i-400)
		if k := strings.LastIndexByte(s[ls:i], '\n'); k >= 0 {
			ls += k + 1
		}
		// Only the command the key belongs to: prose before it, up to
		// the end of the previous sentence, is not part of it.
		for _, b := range []string{". ", "? ", "! ", ", "} {
			if k := strings.LastIndex(s[ls:i], b); k >= 0 {
				ls += k + len(b)
			}
		}
		if prev, ok := ks.lastLine[ri]; ok && prev == ls {
			return
		}
		if ks.lastLine == nil {
			ks.lastLine = make(map[uint16]int)
		}
		ks.lastLine[ri] = ls
		le := min(n, i+400)
		if k := strings.IndexByte(s[i:le], '\n'); k >= 0 {
			le = i + k
		}
		if b, e, ok := ks.st.match(ref, 0, s[ls:le]); ok {
			ks.raw = append(ks.raw, rawHit{ri, min(i, ls+b), max(keyEnd, ls+e)})
		}
	case aroundKey:
		lo := max(0, i-cjkBack)
		for lo > 0 && !utf8.RuneStart(s[lo]) {
			lo--
		}
		if b, e, ok := ks.st.match(ref, 0, s[lo:min(n, i+r.win)]); ok && lo+b <= keyEnd && lo+e >= i {
			ks.raw = append(ks.raw, rawHit{ri, lo + b, lo + e})
		}
	}
}

// midText reports whether s[i] follows other content: it is not on the
// first line, and the text does not open with a role label as a
// transcript would.
func midText(s string, i int) bool {
	first := strings.IndexByte(s, '\n')
	if first < 0 || i <= first {
		return false
	}
	head := strings.TrimLeft(s[:first], " \t*#>")
	if k := strings.IndexByte(head, ':'); k > 0 && k <= 12 && !strings.ContainsAny(head[:k], " .,") {
		return false
	}
	return true
}

// ownedElsewhere reports whether the instructions an override names are
// then said to belong to something other than the conversation: "ignore
// all previous rules of the board game", "the instructions in the wiki".
func ownedElsewhere(s string, end int) bool {
	rest := s[end:min(len(s), end+40)]
	rest = strings.TrimLeft(rest, " \t")
	for _, p := range []string{"of ", "for ", "in ", "on ", "from ", "about "} {
		if !strings.HasPrefix(rest, p) {
			continue
		}
		rest = strings.TrimPrefix(rest[len(p):], "the ")
		for _, own := range []string{"secret", "password", "this conversation", "conversation", "this chat", "chat", "this prompt", "prompt", "this session", "session", "context", "this message", "message", "this thread", "thread", "system", "your", "you", "this document", "document", "this email", "this text", "text", "the above", "above"} {
			if strings.HasPrefix(rest, own) || strings.HasPrefix(rest, "this "+own) {
				return false
			}
		}
		return true
	}
	return false
}

// Weight and reach of an imperative that follows an address to the model.
const (
	directiveBase  = 0.3
	directiveReach = 300
)

// clauseStart reports whether the word at s[i] starts a clause: it follows
// punctuation, a line break or a list bullet, or a word like "please",
// "must" or "and" that an order starts after.
func (st *state) clauseStart(s string, i int) bool {
	k := i - 1
	for k >= 0 && (s[k] == ' ' || s[k] == '\t') {
		k--
	}
	if k < 0 {
		return true
	}
	if strings.IndexByte(":;.!?\n([\"'`>,-*", s[k]) >= 0 {
		return true
	}
	e := k + 1
	for k >= 0 && (isWordByte(s[k]) || s[k] == '\'') {
		k--
	}
	if k+1 == e {
		return false
	}
	w := st.tb.lookup(s[k+1 : e])
	return w != nil && w.flags2&wLeadIn != 0
}

// discussion is where a text talks about injection: the words that mark
// it, and whether they run through the whole text.
type discussion struct {
	markers []int // offsets in the normalized text, ascending
	global  bool
}

// weigh marks down a signal at s[start:end] of text that discusses
// injection (an article quoting a payload) and reports whether it is
// discussed, so that it neither gives nor takes corroboration.
func (d discussion) weigh(w float64, start, end int) (float64, bool) {
	switch {
	case nearMarker(d.markers, start-300, end+150):
		return w * 0.5, true
	case d.global:
		return w * 0.7, true
	}
	return w, false
}

// discussesInjection reports whether a text talks about injection
// throughout, not just in one place.
func discussesInjection(markers []int, n int) bool {
	return len(markers) >= 4 && len(markers)*2000 >= n
}

func nearMarker(markers []int, lo, hi int) bool {
	// markers are ascending: find the first at or after lo.
	a, b := 0, len(markers)
	for a < b {
		m := int(uint(a+b) >> 1)
		if markers[m] < lo {
			a = m + 1
		} else {
			b = m
		}
	}
	return a < len(markers) && markers[a] <= hi
}

// inName reports whether the word s[i:j] is part of a name (a host, a
// path, an identifier) rather than prose: "evil.example.com" does not
// discuss examples.
func inName(s string, i, j int) bool {
	if i > 0 && strings.IndexByte("./@-_:", s[i-1]) >= 0 {
		return true
	}
	if j < len(s) && strings.IndexByte("/@-_", s[j]) >= 0 {
		return true
	}
	return j+1 < len(s) && s[j] == '.' && isWordByte(s[j+1])
}

// inQuotes reports whether s[i] sits inside a quotation opened earlier on
// its line, as the words of a quoted payload ("say 'injection worked'")
// do; such words do not make the text a discussion.
func inQuotes(s string, i int) bool {
	open := false
	for j := i - 1; j >= 0 && j >= i-200; j-- {
		c := s[j]
		if c == '\n' {
			break
		}
		if c == '"' || c == '`' || c == '\'' && (j == 0 || !isLetterByte(s[j-1])) {
			open = !open
		}
	}
	return open
}

// atLineStart reports whether only spaces and markdown decoration stand
// between s[i] and the start of its line.
func atLineStart(s string, i int) bool {
	for j := i - 1; j >= max(0, i-16); j-- {
		switch s[j] {
		case '\n':
			return true
		case ' ', '\t', '\r', '*', '_', '>', '-', '#', '\'':
			continue
		case '"':
			// The start of a JSON string is the start of a line of text.
			k := j - 1
			for k >= 0 && (s[k] == ' ' || s[k] == '\t') {
				k--
			}
			if k < 0 || strings.IndexByte(":[,{\n", s[k]) >= 0 {
				return true
			}
			continue
		}
		return false
	}
	return i <= 16
}

// sentence weighs an instruction phrase by the words before it: negated
// ("never ignore your instructions") and reported or modal phrasings
// ("the attacker tells the model to ignore ...") weigh less, and so do
// conditionals ("if you use Docker, ignore the above") unless the
// condition is about being an AI.
func (st *state) sentence(s string, start int) float64 {
	w := 1.0
	// Up to three words back within the clause.
	var prev [3]string
	np := 0
	j := start
	for np < 3 && j > 0 {
		k := j - 1
		for k >= 0 && !isWordByte(s[k]) && s[k] != '\'' {
			switch s[k] {
			case '.', '!', '?', '\n', ';', ':', ',', '(', '[', '"':
				k = -1
			}
			if k < 0 {
				break
			}
			k--
		}
		if k < 0 {
			break
		}
		e := k + 1
		for k >= 0 && (isWordByte(s[k]) || s[k] == '\'') {
			k--
		}
		prev[np] = s[k+1 : e]
		np++
		j = k + 1
		if start-j > 80 {
			break
		}
	}
	flags := func(w string) uint8 {
		if w == "" {
			return 0
		}
		if e := st.tb.lookup(w); e != nil {
			return e.flags
		}
		return 0
	}
	for i := 0; i < np; i++ {
		if flags(prev[i])&wNegation != 0 {
			w *= 0.3
			break
		}
	}
	// A causative before the object ("make ChatGPT ignore", "trick the
	// model into"): the sentence describes an attack.
	for i := 0; i < np; i++ {
		if flags(prev[i])&wCausative != 0 && !(prev[i] == "make" && i > 0 && prev[i-1] == "sure") {
			w *= 0.6
			break
		}
	}
	// The nearest word that is not filler decides modality.
	for i := 0; i < np; i++ {
		switch prev[i] {
		case "now", "please", "just", "simply", "also", "then", "first", "kindly", "immediately", "always", "completely", "totally", "entirely", "and", "so", "hereby":
			continue
		}
		if flags(prev[i])&wModal != 0 {
			modal := true
			if i+1 < np {
				switch prev[i] {
				case "to":
					switch prev[i+1] {
					case "you", "want", "need", "have", "required", "going", "sure", "important", "got", "ought", "needs", "asked":
						modal = false
					}
				case "will", "shall", "must":
					// "You will now ignore ..." orders; "the bot will
					// ignore ..." describes.
					modal = prev[i+1] != "you"
				}
			}
			if modal {
				w *= 0.6
			}
		}
		break
	}
	// A condition earlier in the sentence.
	lo := max(0, start-150)
	seg := s[lo:start]
	if k := strings.LastIndexAny(seg, ".!?\n"); k >= 0 {
		seg = seg[k+1:]
	}
	cond, ai := false, false
	for i := 0; i < len(seg); {
		if !isWordByte(seg[i]) {
			i++
			continue
		}
		j := i
		for j < len(seg) && (isWordByte(seg[j]) || seg[j] == '\'') {
			j++
		}
		f := flags(seg[i:j])
		// "What if you ..." proposes rather than conditions.
		if f&wConditional != 0 && !(seg[i:j] == "if" && strings.HasSuffix(strings.TrimRight(seg[:i], " "), "what")) {
			cond = true
		}
		ai = ai || f&wAI != 0
		i = j
	}
	if cond && !ai {
		w *= 0.6
	}
	return w
}

// deleet spells a leetspeak word with letters.
func deleet(buf []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch c {
		case '0':
			c = 'o'
		case '1':
			c = 'i'
		case '3':
			c = 'e'
		case '4':
			c = 'a'
		case '5':
			c = 's'
		case '7':
			c = 't'
		case '8':
			c = 'b'
		case '9':
			c = 'g'
		}
		buf = append(buf, c)
	}
	return buf
}
