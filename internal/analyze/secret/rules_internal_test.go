package secret

import (
	"strings"
	"testing"
)

// TestRules compiles every pattern (Scan compiles them lazily) and checks
// the rule table against the catalog: every id a rule emits is listed,
// and every listed id has a detector.
func TestRules(t *testing.T) {
	t.Parallel()
	tb := compiled()
	listed := map[string]bool{}
	for _, f := range tb.catalog {
		listed[f.ID] = true
	}
	emitted := map[string]bool{IDGCPServiceAccount: true, IDAWSSecretKey: true, IDPassword: true, IDURLCredentials: true}
	for _, r := range tb.rules {
		emitted[r.id] = true
		if !listed[r.id] {
			t.Errorf("rule %s is not in the catalog", r.id)
		}
		if len(r.keywords) == 0 {
			t.Errorf("rule %s has no keyword", r.id)
		}
		for _, kw := range r.keywords {
			if kw != strings.ToLower(kw) {
				t.Errorf("rule %s: keyword %q is matched in lowercase", r.id, kw)
			}
		}
		if r.det != detRegex {
			continue
		}
		p := r.pattern()
		if p.maxLen <= 0 || p.maxLen > 1100 {
			t.Errorf("rule %s (%s): window %d", r.id, r.regex, p.maxLen)
		}
		if (r.back == "") != (r.maxBack == 0) {
			t.Errorf("rule %s: back and maxBack go together", r.id)
		}
	}
	for id := range listed {
		if !emitted[id] {
			t.Errorf("%s is listed but nothing emits it", id)
		}
	}
}

func TestMaxMatchLen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec ruleSpec
		want int
	}{
		{ruleSpec{regex: `ghp_[A-Za-z0-9]{36}`}, 40},
		{ruleSpec{regex: `xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}`}, 55},
		{ruleSpec{regex: `a+`}, 512}, // unbounded: the default window
	} {
		if got := compilePattern(&tc.spec).maxLen; got != tc.want {
			t.Errorf("%s: maxLen %d, want %d", tc.spec.regex, got, tc.want)
		}
	}
}
