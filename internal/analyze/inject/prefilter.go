package inject

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// A rule anchored at a common word ("you", "your", "output") would run its
// regular expression thousands of times on ordinary text. Most of those
// runs fail on the next word, so each such rule gets a prefilter: the few
// letters that can follow its key, derived from the pattern itself (by
// go generate: see tables_gen.go). Separators (spaces and punctuation)
// are skipped on both sides, so the filter never rejects a text the
// pattern would match.

// nextLetters is how many letters after the key the prefilter looks at.
const nextLetters = 3

// maxPrefixes bounds the strings the analysis enumerates; a pattern with
// more possible beginnings gets no prefilter.
const maxPrefixes = 2048

// isSep reports whether b is skipped by the prefilter: an ASCII byte that
// is neither a letter nor a digit.
func isSep(b byte) bool {
	return b < utf8.RuneSelf && !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || 'A' <= b && b <= 'Z')
}

// letters returns s without separators.
func letters(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if !isSep(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// follow is a prefilter: the letter strings (packed by pack) that may
// follow a key, sorted in set. first has bit c set when a string of set
// starts with byte c, and empty says that set holds "": most texts are
// rejected on their first letter.
type follow struct {
	first [4]uint64
	empty bool
	set   []uint32
}

// pack packs a string of at most nextLetters bytes, with its length, into
// a map key.
func pack(s string) uint32 {
	v := uint32(len(s)) << 24
	for i := 0; i < len(s); i++ {
		v |= uint32(s[i]) << (8 * i)
	}
	return v
}

// allows reports whether the text after a key, s, may start a match:
// whether the set holds one of the strings its first 0 to nextLetters
// letters make. A nil f allows every text.
func (f *follow) allows(s string) bool {
	if f == nil || f.empty {
		return true
	}
	var v [nextLetters + 1]uint32 // v[k] packs the first k letters
	n := 0
	for i := 0; i < len(s) && n < nextLetters; i++ {
		if c := s[i]; !isSep(c) {
			if n == 0 && f.first[c/64]&(1<<(c%64)) == 0 {
				return false
			}
			v[n+1] = v[n]&0xFFFFFF | uint32(c)<<(8*n)
			n++
		}
	}
	for k := n; k >= 1; k-- {
		if _, ok := slices.BinarySearch(f.set, v[k]&0xFFFFFF|uint32(k)<<24); ok {
			return true
		}
	}
	return false
}

// buildFollow derives the prefilter of a pattern for one key, or nil when
// the letters after the key are unconstrained.
func buildFollow(re *syntax.Regexp, key string) *follow {
	if re == nil {
		return nil
	}
	k := letters(key)
	set := prefixes(re, len(k)+nextLetters, k)
	if len(set) == 0 {
		return nil
	}
	f := &follow{}
	for s := range set {
		unknown := strings.HasSuffix(s, tail)
		s = strings.TrimSuffix(s, tail)
		if len(s) < len(k) || unknown && len(s) == len(k) {
			// A match may end, or become unknown, inside the key or
			// right after it: nothing constrains what follows.
			return nil
		}
		s = s[len(k):]
		if s == "" {
			f.empty = true
		} else {
			f.first[s[0]/64] |= 1 << (s[0] % 64)
		}
		f.set = append(f.set, pack(s))
	}
	slices.Sort(f.set)
	f.set = slices.Compact(f.set)
	return f
}

// parsePattern parses an expanded pattern for buildFollow.
func parsePattern(pat string) *syntax.Regexp {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return nil
	}
	return re.Simplify()
}

// A string of a prefix set ending in tail is a beginning after which the
// analysis knows nothing: any text may follow it.
const tail = "\x00"

type strset map[string]bool

// done reports whether s needs no more letters.
func done(s string, n int) bool { return len(s) >= n || strings.HasSuffix(s, tail) }

// prune drops the strings that neither start with key nor begin it.
func (set strset) prune(key string) {
	for s := range set {
		t := strings.TrimSuffix(s, tail)
		if len(t) <= len(key) && key[:len(t)] != t || len(t) > len(key) && t[:len(key)] != key {
			delete(set, s)
		}
	}
}

func cut(s string, n int) string {
	if len(s) > n && !strings.HasSuffix(s, tail) {
		return s[:n]
	}
	return s
}

// cat appends each string of b to each unfinished string of a.
func cat(a, b strset, n int, key string) strset {
	out := strset{}
	for s := range a {
		if done(s, n) {
			out[s] = true
			continue
		}
		for t := range b {
			out[cut(s+t, n)] = true
		}
		if len(out) > maxPrefixes {
			return strset{tail: true}
		}
	}
	out.prune(key)
	return out
}

// prefixes returns the beginnings, of at most n letter bytes, of the
// matches of re that are consistent with key; separators are skipped.
func prefixes(re *syntax.Regexp, n int, key string) strset {
	set := prefixes1(re, n, key)
	set.prune(key)
	return set
}

func prefixes1(re *syntax.Regexp, n int, key string) strset {
	unknown := strset{tail: true}
	switch re.Op {
	case syntax.OpNoMatch:
		return strset{}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return strset{"": true}
	case syntax.OpLiteral:
		var b []byte
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = utf8.AppendRune(b, r)
		}
		return strset{cut(letters(string(b)), n): true}
	case syntax.OpCharClass:
		out := strset{}
		count := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r < utf8.RuneSelf && isSep(byte(r)) {
					out[""] = true
					continue
				}
				if count++; count > 16 {
					return unknown
				}
				out[cut(string(utf8.AppendRune(nil, r)), n)] = true
			}
		}
		return out
	case syntax.OpCapture:
		return prefixes1(re.Sub[0], n, key)
	case syntax.OpConcat:
		cur := strset{"": true}
		for _, sub := range re.Sub {
			shortest := n
			for s := range cur {
				if !done(s, n) {
					shortest = min(shortest, len(s))
				}
			}
			if shortest == n {
				break
			}
			cur = cat(cur, prefixes1(sub, n-shortest, ""), n, key)
		}
		return cur
	case syntax.OpAlternate:
		out := strset{}
		for _, sub := range re.Sub {
			for s := range prefixes1(sub, n, key) {
				out[s] = true
			}
			out.prune(key)
			if len(out) > maxPrefixes {
				return unknown
			}
		}
		return out
	case syntax.OpQuest:
		set := prefixes1(re.Sub[0], n, key)
		set[""] = true
		return set
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		one := prefixes1(re.Sub[0], n, "")
		cur := strset{"": true}
		all := strset{}
		if lo == 0 {
			all[""] = true
		}
		// Each round appends one more repetition; n+1 rounds reach every
		// string of n letters, and a round that adds nothing ends it.
		for round := 1; round <= n+1 && (hi < 0 || round <= hi); round++ {
			next := cat(cur, one, n, key)
			same := len(next) == len(cur)
			for s := range next {
				if !cur[s] {
					same = false
					break
				}
			}
			cur = next
			if round >= lo {
				for s := range cur {
					all[s] = true
				}
			}
			if same && round >= lo {
				break
			}
		}
		if lo > n+1 {
			for s := range cur {
				all[s] = true
			}
		}
		return all
	}
	return unknown
}
