package pii

import "strings"

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// isWord reports whether c can be part of an identifier, so that a
// candidate next to it is part of a longer token.
func isWord(c byte) bool { return isAlnum(c) || c == '_' }

// isJoiner reports whether c joins two runs of digits into one token:
// 1.2.3, 12:30, 2024-01-15, 1,000, 10/8.
func isJoiner(c byte) bool {
	return c == '-' || c == '.' || c == ',' || c == ':' || c == '/'
}

// tokenStart reports whether a token may start at i: it is not preceded
// by a word character or a plus sign, nor by a joiner that follows a
// letter or digit (the 1234 of 10.0.1234, of /users/1234, of id-1234). A
// colon joins only digits, so that "SSN:123-45-6789" and "tel:+1..." still
// start a token.
func tokenStart(text string, i int) bool {
	if i == 0 {
		return true
	}
	p := text[i-1]
	if isWord(p) || p == '+' || p == '-' && isDigit(text[i]) {
		return false // a word, or a signed number
	}
	if i >= 2 && isJoiner(p) {
		q := text[i-2]
		if isDigit(q) || (p != ':' && isAlpha(q)) {
			return false
		}
	}
	return true
}

// tokenEnd reports whether a token may end at e: it is not followed by a
// word character, nor by a joiner and a digit.
func tokenEnd(text string, e int) bool {
	if e >= len(text) {
		return true
	}
	c := text[e]
	if isWord(c) {
		return false
	}
	if isJoiner(c) && e+1 < len(text) && isDigit(text[e+1]) {
		return false
	}
	return true
}

// inGroups reports whether the token text[i:e] has next to it, across
// one space, a short token of letters and digits with a digit in it
// ("A290 0794 0102", "51 824 753 5564", "06 40 00 06 00 f9"). A number
// written in space-separated groups there is likely a piece of a longer
// code in groups (an IBAN, an account number, a hex dump), not a number
// of its own.
func inGroups(text string, i, e int) bool {
	return groupBefore(text, i) || groupAfter(text, e)
}

// maxGroup is the longest token groupBefore and groupAfter take for a
// group.
const maxGroup = 8

func groupBefore(text string, i int) bool {
	if i < 2 || text[i-1] != ' ' {
		return false
	}
	k, digit := i-1, false
	for k > 0 && i-1-k <= maxGroup && isAlnum(text[k-1]) {
		k--
		digit = digit || isDigit(text[k])
	}
	return digit && i-1-k <= maxGroup && (k == 0 || isSpace(text[k-1]))
}

func groupAfter(text string, e int) bool {
	if e+1 >= len(text) || text[e] != ' ' {
		return false
	}
	k, digit := e+1, false
	for k < len(text) && k-e-1 <= maxGroup && isAlnum(text[k]) {
		digit = digit || isDigit(text[k])
		k++
	}
	return digit && k-e-1 <= maxGroup && (k == len(text) || isSpace(text[k]))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// digitRun returns the end of the run of digits that starts at i.
func digitRun(text string, i int) int {
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	return i
}

// compact returns s without the separators people put between groups.
func compact(s string) string {
	if !strings.ContainsAny(s, " -.()/") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := range len(s) {
		switch s[i] {
		case ' ', '-', '.', '(', ')', '/':
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// preview returns a redacted form of a match's text that keeps enough to
// recognise it in a log and never the whole value.
func preview(k kind, s string) string {
	switch k {
	case kindEmail: // the first letter of a local part of three or more
		at := strings.LastIndexByte(s, '@')
		if at < 3 {
			return "…" + s[at:]
		}
		return s[:1] + "…" + s[at:]
	case kindCard:
		return ends(compact(s), 4, 4)
	case kindIBAN:
		return ends(compact(s), 4, 4)
	case kindSSN:
		return ends(compact(s), 0, 4)
	case kindPhone:
		return ends(compact(s), 0, 4)
	case kindNINO:
		return ends(compact(s), 2, 1)
	case kindCrypto:
		return ends(s, 4, 4)
	}
	return "…"
}

// ends keeps the first head and last tail bytes of s, or fewer so that at
// least half of s is hidden.
func ends(s string, head, tail int) string {
	for head+tail > len(s)/2 {
		if head > 0 {
			head--
		} else {
			tail--
		}
	}
	return s[:head] + "…" + s[len(s)-tail:]
}
