package inject_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/inject"
)

// TestProgsMatchRegexp scans the corpora and some larger texts and checks
// that at every attempt the rule's prog finds what package regexp finds.
func TestProgsMatchRegexp(t *testing.T) {
	t.Parallel()
	texts := []string{ordinary(1 << 15), dense(1 << 15), webPage(1 << 13)}
	var all strings.Builder
	for _, set := range corpusSets() {
		for _, c := range append(set.inject, set.benign...) {
			texts = append(texts, c.text)
			all.WriteString(c.text)
			all.WriteString("\n")
		}
	}
	// The corpus cut into pieces and shuffled: keys meet unusual
	// neighbours.
	words := strings.Fields(all.String())
	r := rand.New(rand.NewPCG(3, 5))
	for range 4 {
		var b strings.Builder
		for b.Len() < 1<<14 {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(" \n,:"[r.IntN(4)])
		}
		texts = append(texts, b.String())
	}
	attempts := 0
	for _, text := range texts {
		n, err := inject.CheckProgs(text)
		if err != nil {
			t.Fatal(err)
		}
		attempts += n
	}
	t.Logf("%d attempts", attempts)
}
