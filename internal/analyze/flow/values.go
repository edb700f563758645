package flow

import (
	"net/url"
	"strings"
	"unicode"
)

// Token bounds: shorter strings match too much to mean anything, longer
// ones are not values people paste.
const (
	MinToken = 8
	MaxToken = 512
)

// coarse separates words: spaces, quotes, brackets and list punctuation.
func coarse(r rune) bool {
	if unicode.IsSpace(r) {
		return true
	}
	switch r {
	case '"', '\'', '`', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>', '|', '\\':
		return true
	}
	return false
}

// fine also separates the parts of URLs, assignments and addresses.
func fine(r rune) bool {
	if coarse(r) {
		return true
	}
	switch r {
	case '/', ':', '=', '+', '.', '@', '?', '&', '#', '%', '!', '$', '*', '^', '~':
		return true
	}
	return false
}

// Tokens returns the strings in text that could be a value seen earlier:
// its words, the parts of those words, and the words of percent-encoded
// text decoded, each between MinToken and MaxToken bytes, at most max of
// them. A value and a text that carries it share at least one token
// whenever the value is at least MinToken bytes long, because the value
// is tokenized the same way (see ValueTokens).
func Tokens(text string, max int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) bool {
		if len(t) >= MinToken && len(t) <= MaxToken && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
		return len(out) < max
	}
	for _, w := range strings.FieldsFunc(text, coarse) {
		if !add(w) {
			return out
		}
		for _, part := range strings.FieldsFunc(w, fine) {
			if part != w && !add(part) {
				return out
			}
		}
		if strings.Contains(w, "%") {
			if dec, err := url.QueryUnescape(w); err == nil && dec != w {
				for _, t := range Tokens(dec, max-len(out)) {
					if !add(t) {
						return out
					}
				}
			}
		}
	}
	return out
}

// ValueTokens returns the forms of a sensitive value to fingerprint: the
// value itself and, when it holds separators, its words and their parts,
// so that it is found however a later text splits it.
func ValueTokens(v string) []string {
	out := []string{}
	if len(v) >= MinToken && len(v) <= MaxToken {
		out = append(out, v)
	}
	for _, t := range Tokens(v, 64) {
		if t != v {
			out = append(out, t)
		}
	}
	return out
}

// Normalize returns the form a value of a finding kind is fingerprinted
// in, so that "4111 1111 1111 1111" and "4111-1111-1111-1111" are one
// card, and e-mail addresses match whatever their case.
func Normalize(kind, v string) string {
	switch kind {
	case "pii.credit_card", "pii.us_ssn", "pii.phone":
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, v)
	case "pii.email":
		return strings.ToLower(v)
	case "pii.iban", "pii.uk_nino":
		return strings.ToUpper(strings.Join(strings.Fields(v), ""))
	}
	return v
}
