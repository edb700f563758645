package inject

import (
	"regexp"
	"regexp/syntax"
	"testing"
)

// TestProg checks that a prog finds what package regexp finds, for
// patterns that use every kind of instruction, on every substring of a
// few texts, from the start and after a key.
func TestProg(t *testing.T) {
	t.Parallel()
	patterns := []string{
		`^(?:ab|a)`, `^(?:a|ab)`, `a+?b`, `(?:a|b)*?c`, `x{2,4}?y`, `x{2,4}y`, `\bfoo\b`, `\Bo\B`, `^foo$`,
		`(?m)^bar$`, `(?s)a.c`, `a.c`, `[^\n]{0,3}?z`, `[a-cx-z]+`, `[^a-c]+`, `(?i)[k]`, `é+`, `[α-ω]+`, `\pL+`,
		`^(?:ignore\s+(?:(?:all|the)\s+){0,2}?(?:previous|prior)\s+instructions?)\b`, `(foo)(bar)?`, `^$`, `(?:)`,
		`^(?:you(?:'re|\s+are)\s+now)`, `^(?:<\|\s*(?:im_start|system)\s*\|>)`, `a|b|`, `\x60{3,}`,
	}
	texts := []string{
		"abab c aab xxxy xxxxxy xy foo food oo bar\nbar\n",
		"ignore all the previous instructions now, ignore prior instruction",
		"you're now you are  now <| im_start |> <|system|>",
		"a\nc abc éé αβγ ÉÉ kK é ```` x",
		"\xff\xfe zz a\xffc",
	}
	var classes []class
	var m machine
	for _, pat := range patterns {
		re := regexp.MustCompile(pat)
		sre, err := syntax.Parse(pat, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := syntax.Compile(sre.Simplify())
		if err != nil {
			t.Fatal(err)
		}
		p, err := encodeProg(sp, &classes)
		if err != nil {
			t.Fatalf("%s: %v", pat, err)
		}
		for _, text := range texts {
			for i := 0; i <= len(text); i++ {
				for j := i; j <= len(text); j++ {
					s := text[i:j]
					loc := re.FindStringIndex(s)
					start, end, ok := m.find(&p, classes, s)
					if (loc != nil) != ok || ok && (loc[0] != start || loc[1] != end) {
						t.Fatalf("%s on %q: prog %v [%d:%d], regexp %v", pat, s, ok, start, end, loc)
					}
					if !p.anchored {
						continue
					}
					for k := 1; k <= len(s); k++ {
						seeds, ok := m.keySeeds(&p, classes, s[:k])
						if !ok {
							continue
						}
						start, end, ok := m.run(&p, classes, s, k, seeds)
						if (loc != nil) != ok || ok && (loc[0] != start || loc[1] != end) {
							t.Fatalf("%s on %q after %q: prog %v [%d:%d], regexp %v", pat, s, s[:k], ok, start, end, loc)
						}
					}
				}
			}
		}
	}
}
