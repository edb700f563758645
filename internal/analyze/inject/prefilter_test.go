package inject

import (
	"cmp"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode/utf8"
)

// generate writes a random string that re matches (or nearly: assertions
// such as \b are ignored, and the caller checks the result).
func generate(b *strings.Builder, re *syntax.Regexp, r *rand.Rand) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, c := range re.Rune {
			b.WriteRune(c)
		}
	case syntax.OpCharClass:
		// Prefer the first ranges (letters, spaces) over exotic ones.
		k := r.IntN(len(re.Rune)/2) * 2
		lo, hi := re.Rune[k], re.Rune[k+1]
		if hi > lo+50 {
			hi = lo + 50
		}
		c := lo + rune(r.IntN(int(hi-lo)+1))
		if !utf8.ValidRune(c) {
			c = 'x'
		}
		b.WriteRune(c)
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte("ax -./:"[r.IntN(7)])
	case syntax.OpCapture:
		generate(b, re.Sub[0], r)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			generate(b, s, r)
		}
	case syntax.OpAlternate:
		generate(b, re.Sub[r.IntN(len(re.Sub))], r)
	case syntax.OpQuest:
		if r.IntN(2) == 0 {
			generate(b, re.Sub[0], r)
		}
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		lo, hi := 0, 3
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 || hi > lo+3 {
				hi = lo + 3
			}
		}
		for range lo + r.IntN(hi-lo+1) {
			generate(b, re.Sub[0], r)
		}
	}
}

func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// TestPrefiltersSound generates strings from every anchored rule's own
// pattern and checks that its prefilter for each of its keys, and its
// needed literals, let every one of them through.
func TestPrefiltersSound(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	for ri, spec := range ruleSpecs() {
		re, err := syntax.Parse(expand(spec.pat), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		full := regexp.MustCompile(spec.pattern())
		win := cmp.Or(spec.win, 160)
		var needs []string
		if spec.need != "" {
			needs = strings.Split(spec.need, "|")
		}
		follows := map[string]*follow{}
		if spec.scope == fromKey {
			for _, k := range strings.Fields(spec.keys) {
				follows[k] = buildFollow(parsePattern(expand(spec.pat)), k)
			}
		}
		matched := 0
		for range 1000 {
			var b strings.Builder
			generate(&b, re, r)
			s := b.String()
			if !full.MatchString(s) {
				continue
			}
			matched++
			if needs != nil && len(s) <= win && !containsAny(s, needs) {
				t.Errorf("rule %d (%.40s): %q has none of %q", ri, spec.pat, s, spec.need)
			}
			if spec.scope != fromKey {
				continue
			}
			for _, k := range strings.Fields(spec.keys) {
				if !strings.HasPrefix(s, k) || len(s) > len(k) && isWordByte(k[len(k)-1]) && isWordByte(s[len(k)]) {
					continue
				}
				if !follows[k].allows(s[len(k):]) {
					t.Errorf("rule %d key %q: prefilter rejects %q", ri, k, s)
				}
			}
		}
		if matched == 0 {
			t.Logf("rule %d (%.50s): no generated string matched", ri, spec.pat)
		}
	}
}
