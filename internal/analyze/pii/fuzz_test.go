package pii_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/pii"
)

// FuzzScan checks that Scan never panics, gives the same answer twice,
// and returns at most MaxMatches matches in bounds, sorted, apart, with
// previews that hide them.
func FuzzScan(f *testing.F) {
	for _, tc := range scanCases {
		f.Add(tc.text)
	}
	f.Add(strings.Repeat("4111 1111 1111 1111 ", 300))
	s := pii.New()
	f.Fuzz(func(t *testing.T, text string) {
		got := s.Scan(text)
		if again := s.Scan(text); !slices.Equal(got, again) {
			t.Fatalf("Scan is not deterministic:\n%v\n%v", got, again)
		}
		if len(got) > pii.MaxMatches {
			t.Fatalf("%d matches", len(got))
		}
		end := 0
		for _, m := range got {
			if m.Start < end || m.End <= m.Start || m.End > len(text) {
				t.Fatalf("match [%d:%d] out of order or bounds (previous end %d, len %d)", m.Start, m.End, end, len(text))
			}
			end = m.End
			if v := text[m.Start:m.End]; m.Preview == v || strings.Contains(m.Preview, v) {
				t.Fatalf("preview %q shows %q", m.Preview, v)
			}
		}
	})
}
