package inject

import (
	"fmt"
	"regexp"
	"sync"
)

// ScanUnfiltered scans like Scan but runs every rule at every key, without
// prefilters, so tests can check that prefilters lose nothing.
func ScanUnfiltered(text string) []Match {
	st := newState(compiled())
	st.noFilter = true
	defer st.done()
	return report(text, score(st.scan(text, 0, scanAll)))
}

// ruleRegexps compiles the rules' patterns with package regexp.
var ruleRegexps = sync.OnceValue(func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, spec := range ruleSpecs() {
		out = append(out, regexp.MustCompile(spec.pattern()))
	}
	return out
})

// CheckProgs scans text as ScanUnfiltered does and checks that every
// match attempt finds, with the rule's prog, what package regexp finds
// with the rule's pattern. It returns the number of attempts.
func CheckProgs(text string) (int, error) {
	res := ruleRegexps()
	st := newState(compiled())
	st.noFilter = true
	defer st.done()
	n := 0
	var err error
	st.verify = func(ref ruleRef, _ int, s string, start, end int, ok bool) {
		n++
		loc := res[ref.rule].FindStringIndex(s)
		if err == nil && ((loc != nil) != ok || ok && (loc[0] != start || loc[1] != end)) {
			err = fmt.Errorf("rule %d on %q: prog finds %v [%d:%d], regexp %v", ref.rule, s, ok, start, end, loc)
		}
	}
	st.scan(text, 0, scanAll)
	return n, err
}
