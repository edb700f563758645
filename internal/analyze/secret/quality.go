package secret

import (
	"math"
	"net/url"
	"strings"
)

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	return countsEntropy(&counts, len(s))
}

// countsEntropy is the Shannon entropy of n bytes with these counts.
func countsEntropy(counts *[256]int, n int) float64 {
	h := 0.0
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / float64(n)
			h -= p * math.Log2(p)
		}
	}
	return h
}

// fakeMarkers are substrings of placeholders and documentation values.
// They are long enough not to turn up in random tokens.
var fakeMarkers = [...]string{
	"example", "sample", "dummy", "placeholder", "your", "changeme", "change_me",
	"change-me", "redacted", "xxxx", "****", "...", "…", "•", "<", ">", "${", "{{",
	"}}", "%s", "%(", "%v", "insert", "replace", "fake", "notreal", "not_real",
	"not-real", "lorem", "todo", "fixme", "_here", "-here", "here_", "0000000000",
}

// looksFake reports whether s is a placeholder rather than a secret: a
// documentation marker, a template reference, filler, a run like 123456
// or abcdef, a chunk repeated three times, or one character dominating.
func looksFake(s string) bool {
	if len(s) == 0 {
		return true
	}
	ls := strings.ToLower(s)
	for _, m := range fakeMarkers {
		if strings.Contains(ls, m) {
			return true
		}
	}
	return sequential(s) || repeatedChunk(s) || dominated(s) || documented(s)
}

// documented reports credentials published as examples in specifications
// (RFC 6749, RFC 6750, OpenID Connect Core), which tutorials and library
// documentation copy verbatim. AWS's documented keys carry EXAMPLE and
// need no entry.
func documented(s string) bool {
	switch s {
	case "2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA", "mF_9.B5f-4.1JqM",
		"SlAV32hkKG", "8xLOxBtZp8", "SplxlOBeZQQYbYS6WxSbIA", "s6BhdRkqt3",
		"gX1fBat3bV", "czZCaGRSa3F0MzpnWDFmQmF0M2JW", "i1WsRn1uB1":
		return true
	}
	return false
}

// sequential reports a run of six letters or digits, each one more (or
// one less) than the last: 123456, abcdef, nopqrs, 987654.
func sequential(s string) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		if !isAlnum(a) || !isAlnum(b) {
			up, down = 1, 1
			continue
		}
		if b == a+1 {
			up++
		} else {
			up = 1
		}
		if b+1 == a {
			down++
		} else {
			down = 1
		}
		if up >= 6 || down >= 6 {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// repeatedChunk reports a four-byte chunk of at least two distinct bytes
// that occurs three times without overlapping: 1234-1234-1234, abcdabcdabcd.
func repeatedChunk(s string) bool {
	if len(s) < 12 || len(s) > 512 {
		return false
	}
	for i := 0; i+12 <= len(s); i++ {
		c := s[i : i+4]
		if c[0] == c[1] && c[1] == c[2] && c[2] == c[3] {
			continue
		}
		n, at := 1, i+4
		for n < 3 {
			j := strings.Index(s[at:], c)
			if j < 0 {
				break
			}
			n++
			at += j + 4
		}
		if n >= 3 {
			return true
		}
	}
	return false
}

// dominated reports a string of eight bytes or more whose most common
// byte makes up more than half of it.
func dominated(s string) bool {
	if len(s) < 8 {
		return len(s) > 1 && strings.Count(s, s[:1]) == len(s)
	}
	var counts [256]int
	top := 0
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
		top = max(top, counts[s[i]])
	}
	return 2*top > len(s)
}

// isWeakWord reports values that name a secret instead of being one, and
// defaults nobody should count as a leak.
func isWeakWord(l string) bool {
	switch l {
	case "password", "passwd", "pass", "pwd", "secret", "token", "apikey", "key",
		"admin", "administrator", "root", "toor", "guest", "user", "username",
		"test", "testing", "tester", "demo", "default", "letmein", "qwerty",
		"welcome", "hunter", "foo", "bar", "foobar", "baz", "abc", "none", "null",
		"nil", "empty", "undefined", "true", "false", "mypassword", "mysecret",
		"mytoken", "secretkey", "postgres", "mysql", "redis", "rabbitmq", "mongo",
		"mongodb", "sa", "oracle", "changeit", "private", "accesstoken",
		"authtoken", "value", "string", "hello", "mypass", "opensesame", "secretpassword":
		return true
	}
	return false
}

// unleet undoes the usual letter swaps, so p@ssw0rd reads as password.
func unleet(l string) string {
	b := []byte(l)
	for i, c := range b {
		switch c {
		case '@', '4':
			b[i] = 'a'
		case '3':
			b[i] = 'e'
		case '1':
			b[i] = 'i'
		case '0':
			b[i] = 'o'
		case '$', '5':
			b[i] = 's'
		case '7':
			b[i] = 't'
		}
	}
	return string(b)
}

// weak reports whether v is a weak word, possibly with digits or
// punctuation around it (Password123!, test_1, p@ssw0rd).
func weak(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	if isWeakWord(strings.Trim(l, "0123456789!?#._-*")) {
		return true
	}
	if u, err := url.PathUnescape(l); err == nil {
		l = u
	}
	// p@ssw0rd, pa%2Fssword, passwo^rd: the letters spell a weak word.
	return isWeakWord(lettersOf(unleet(l)))
}

func lettersOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// identifierLike reports a value made of words, as names in code are:
// RequireAnyClientCert, C.IFLA_INET6_TOKEN, caching_sha2_password,
// testRSA2048PrivateKey. Digits may end a word but not sit inside one,
// and most letters (60%) are in words of three or more with a vowel; random
// strings break both rules.
func identifierLike(v string) bool {
	pieces, letters, wordy := 0, 0, 0
	piece := func(p string) bool {
		p = strings.TrimRight(p, "0123456789")
		if p == "" {
			return true
		}
		for i := 0; i < len(p); i++ {
			if '0' <= p[i] && p[i] <= '9' {
				return false
			}
		}
		pieces++
		letters += len(p)
		if len(p) >= 3 && strings.ContainsAny(strings.ToLower(p), "aeiouy") {
			wordy += len(p)
		}
		return true
	}
	start := 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || !isAlnum(v[i]) {
			if !piece(v[start:i]) {
				return false
			}
			start = i + 1
			continue
		}
		if i > start && 'A' <= v[i] && v[i] <= 'Z' {
			p := v[i-1]
			next := byte(0)
			if i+1 < len(v) {
				next = v[i+1]
			}
			if 'a' <= p && p <= 'z' || '0' <= p && p <= '9' || 'A' <= p && p <= 'Z' && 'a' <= next && next <= 'z' {
				if !piece(v[start:i]) {
					return false
				}
				start = i
			}
		}
	}
	return pieces >= 2 && 5*wordy >= 3*letters
}

// charClasses counts what a value is made of.
type charClasses struct {
	lower, upper, digit, sep, other int
}

func classify(v string) charClasses {
	var c charClasses
	for i := 0; i < len(v); i++ {
		switch b := v[i]; {
		case 'a' <= b && b <= 'z':
			c.lower++
		case 'A' <= b && b <= 'Z':
			c.upper++
		case '0' <= b && b <= '9':
			c.digit++
		case b == '-' || b == '_' || b == '.':
			c.sep++
		default:
			c.other++
		}
	}
	return c
}

// caseChanges counts the places where letters change case.
func caseChanges(v string) int {
	n := 0
	for i := 1; i < len(v); i++ {
		a, b := v[i-1], v[i]
		if 'a' <= a && a <= 'z' && 'A' <= b && b <= 'Z' || 'A' <= a && a <= 'Z' && 'a' <= b && b <= 'z' {
			n++
		}
	}
	return n
}

// isUUID reports whether v is a UUID (8-4-4-4-12 hex digits).
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// timeUUID reports an RFC 4122 version-1 UUID: a timestamp and a MAC
// address, used for record and request ids, not random enough to be a
// credential.
func timeUUID(v string) bool {
	return v[14] == '1' && strings.IndexByte("89abAB", v[19]) >= 0
}

// valueKind says how strict to be with an assigned value.
type valueKind uint8

const (
	kindSecret   valueKind = iota // token, key, secret: expect a random string
	kindPassword                  // password: shorter, less random
)

// randomEnough reports whether v, assigned to a secret name, looks like
// a real secret: long enough, not a placeholder, reference, path, word
// or identifier, and random for its length.
func randomEnough(v string, kind valueKind) bool {
	minLen := 10
	if kind == kindPassword {
		minLen = 8
	}
	if len(v) < minLen || len(v) > 1024 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7f {
			return false
		}
	}
	if reference(v) || looksFake(v) || weak(v) || identifierLike(v) {
		return false
	}
	if isUUID(v) {
		return !timeUUID(v)
	}
	if email(v) {
		return false // a user name, or anonymous FTP's password
	}
	// Padding says nothing about randomness: "algorithm=" is a word.
	c := classify(strings.TrimRight(v, "="))
	letters := c.lower + c.upper
	switch {
	case c.digit == len(v):
		return len(v) >= 16
	case c.digit == 0 && c.other == 0:
		// Letters and separators only: words, slugs and identifiers,
		// unless the case flips like a random string's does.
		return len(v) >= 16 && c.lower > 0 && c.upper > 0 && 10*caseChanges(v) >= 3*letters
	case c.lower == 0 && c.upper > 0 && c.digit == 0:
		return false // SOME_CONSTANT
	}
	need := 3.0
	if kind == kindPassword {
		need = 2.5
	}
	// Short strings cannot reach a high entropy: ask for most of what
	// their length allows.
	need = min(need, 0.85*math.Log2(float64(len(v))))
	return entropy(v) >= need
}

// email reports a value shaped like an e-mail address.
func email(v string) bool {
	local, domain, ok := strings.Cut(v, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(domain, "@:/")
}

// refPrefixes start values that point at a secret instead of holding it.
var refPrefixes = [...]string{
	"$", "%", "&", "@", "#{", "env.", "env:", "env(", "process.env", "os.environ",
	"os.getenv", "getenv", "settings.", "config.", "secrets.", "vars.", "var.", "self.",
	"this.", "params.", "args.", "request.", "req.", "props.", "context.", "ctx.",
	"input.", "vault:", "arn:", "file:", "./", "../", "~/", "/", "http://", "https://",
	"sha256:", "sha512-", "sha1-", "sha384-", "md5:", "base64:", "0x", "-0x",
}

// fileSuffixes end values that name a file holding the secret.
var fileSuffixes = [...]string{
	".pem", ".key", ".json", ".txt", ".yaml", ".yml", ".env", ".p12", ".pfx",
	".crt", ".cer", ".jks", ".keystore", ".gpg", ".asc", ".ppk", ".pub", ".conf",
	".cfg", ".ini", ".toml", ".xml", ".properties",
}

// reference reports a value that refers to a secret (an environment
// variable, a path, a function call, a dotted name) instead of being one.
func reference(v string) bool {
	l := strings.ToLower(v)
	for _, p := range refPrefixes {
		if strings.HasPrefix(l, p) {
			if p == "base64:" {
				return false // Laravel's APP_KEY=base64:... holds the key
			}
			return true
		}
	}
	for _, s := range fileSuffixes {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	if strings.ContainsAny(v, "()[]{}") || strings.Contains(v, "::") || strings.Contains(v, "->") {
		return true
	}
	return dottedName(v)
}

// dottedName reports a value like config.api.token: names of letters and
// underscores joined by dots.
func dottedName(v string) bool {
	if !strings.Contains(v, ".") {
		return false
	}
	for part := range strings.SplitSeq(v, ".") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_') {
				return false
			}
		}
	}
	return true
}
