package pii

import (
	"encoding/hex"
	"strings"
	"testing"
)

// TestTables checks the constant tables for typing slips: a code out of
// order or of the wrong width shifts every code after it.
func TestTables(t *testing.T) {
	t.Parallel()
	if len(countryTLDs)%2 != 0 {
		t.Fatal("countryTLDs has an odd length")
	}
	for k := 2; k+2 <= len(countryTLDs); k += 2 {
		if prev, cur := countryTLDs[k-2:k], countryTLDs[k:k+2]; cur <= prev || !isLower(cur[0]) || !isLower(cur[1]) {
			t.Errorf("countryTLDs: %q after %q", cur, prev)
		}
	}
	if !strings.HasPrefix(genericTLDs, "|") || !strings.HasSuffix(genericTLDs, "|") {
		t.Error("genericTLDs must start and end with a bar")
	}
	seen := map[string]bool{}
	for _, tld := range strings.Split(strings.Trim(genericTLDs, "|"), "|") {
		if seen[tld] || len(tld) < 3 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("genericTLDs: bad or repeated %q", tld)
		}
		seen[tld] = true
	}
	if len(ibanLengths)%4 != 0 {
		t.Fatal("ibanLengths is not in records of four")
	}
	for k := 0; k+4 <= len(ibanLengths); k += 4 {
		cc := ibanLengths[k : k+2]
		if !isUpper(cc[0]) || !isUpper(cc[1]) || k > 0 && cc <= ibanLengths[k-4:k-2] {
			t.Errorf("ibanLengths: %q out of order", cc)
		}
		if n := ibanLength(cc); n < 15 || n > 34 {
			t.Errorf("ibanLengths: %s has length %d", cc, n)
		}
	}
}

func TestKeccak256(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
	} {
		sum := keccak256([]byte(tc.in))
		if got := hex.EncodeToString(sum[:]); got != tc.want {
			t.Errorf("keccak256(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
