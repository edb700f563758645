package secret_test

import (
	"slices"
	"testing"

	"github.com/agentward/ward/internal/analyze/secret"
)

// FuzzScan checks that Scan never panics, is deterministic, and returns
// sorted, non-overlapping matches within the text whose previews hide
// the secret.
func FuzzScan(f *testing.F) {
	for _, tc := range cases() {
		f.Add(tc.text)
	}
	f.Add("")
	f.Add("-----BEGIN PRIVATE KEY-----\\n")
	f.Add("eyJ.eyJ.")
	f.Add("a://:@")
	f.Add("curl -u :")
	s := secret.New()
	f.Fuzz(func(t *testing.T, text string) {
		ms := s.Scan(text)
		checkMatches(t, text, ms)
		if again := s.Scan(text); !slices.Equal(ms, again) {
			t.Fatalf("Scan(%q) is not deterministic:\n%v\n%v", text, ms, again)
		}
		_ = secret.Redact(text, ms)
	})
}
