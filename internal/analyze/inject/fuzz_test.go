package inject_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agentward/ward/internal/analyze/inject"
)

// FuzzScan checks that a scan never panics, is deterministic, reports
// sorted, in-bounds matches with known ids and safe evidence, that
// prefilters never lose a match, and that the compiled progs match as
// package regexp does.
func FuzzScan(f *testing.F) {
	for _, set := range corpusSets() {
		for _, c := range append(set.inject, set.benign...) {
			f.Add(c.text)
		}
	}
	f.Add("")
	f.Add("\\u")
	f.Add("&#")
	f.Add("\U000E0041")
	f.Add("<!--")
	s := inject.New()
	ids := map[string]bool{}
	for _, c := range s.Catalog() {
		ids[c.ID] = true
	}
	f.Fuzz(func(t *testing.T, text string) {
		ms := s.Scan(text)
		if again := s.Scan(text); !slices.Equal(ms, again) {
			t.Fatalf("not deterministic:\n%v\n%v", ms, again)
		}
		if len(ms) > inject.MaxMatches {
			t.Fatalf("%d matches", len(ms))
		}
		for i, m := range ms {
			if m.Start < 0 || m.Start > m.End || m.End > len(text) {
				t.Fatalf("match %d out of bounds: [%d:%d] of %d", i, m.Start, m.End, len(text))
			}
			if i > 0 && ms[i-1].Start > m.Start {
				t.Fatalf("not sorted at %d", i)
			}
			if m.Confidence < inject.MinConfidence || m.Confidence > 1 {
				t.Fatalf("confidence %v", m.Confidence)
			}
			if !ids[m.ID] {
				t.Fatalf("unknown id %q", m.ID)
			}
			if len(m.Evidence) > 120 || !utf8.ValidString(m.Evidence) {
				t.Fatalf("bad evidence %q", m.Evidence)
			}
		}
		if _, err := inject.CheckProgs(text); err != nil {
			t.Fatal(err)
		}
		if unfiltered := inject.ScanUnfiltered(text); !slices.Equal(ms, unfiltered) {
			t.Fatalf("prefilters lost a match:\n%v\n%v", ms, unfiltered)
		}
		if len(text) <= 256 {
			// Repeated, every key occurs often enough for its prefilters
			// to be used.
			rep := strings.Repeat(text+"\n", 6)
			if a, b := s.Scan(rep), inject.ScanUnfiltered(rep); !slices.Equal(a, b) {
				t.Fatalf("prefilters lost a match:\n%v\n%v", a, b)
			}
		}
	})
}
