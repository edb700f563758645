package secret

import (
	"slices"
	"strings"
)

// The generic detector reads "name <operator> value" around a secret word
// and keeps the value when the name says secret and the value looks
// random. It understands the assignment forms of env files, shells, YAML,
// JSON, TOML, INI, code (=, :=, ::=, ?=, .=, =>, var x string = ...),
// setter calls ("KEY", "value"), XML elements (<apiKey>v</apiKey>),
// .NET settings (key="ApiKey" value="v"), Kubernetes env entries
// (name: API_TOKEN / value: v), query strings and command-line flags
// (--token v, --password=v).

const maxIdent = 64 // longest name read around a keyword

func isIdentByte(c byte) bool {
	return isWord(c) || c == '.' || c == '-'
}

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// generic checks the name around a secret word found at pos.
func (sc *scan) generic(pos, n int) {
	text := sc.text
	if pos < sc.valueEnd {
		return
	}
	s := pos
	for s > 0 && isIdentByte(text[s-1]) {
		if pos-s >= maxIdent {
			return
		}
		s--
	}
	e := pos + n
	for e < len(text) && isIdentByte(text[e]) {
		if e-pos >= maxIdent {
			return
		}
		e++
	}
	if s == sc.lastIdent {
		return // a name with two secret words, read already
	}
	sc.lastIdent = s
	is, ie := s, e
	flag := false
	for is < ie && (text[is] == '-' || text[is] == '.') {
		flag = flag || text[is] == '-'
		is++
	}
	for ie > is && (text[ie-1] == '-' || text[ie-1] == '.') {
		ie--
	}
	if is >= ie {
		return
	}
	// The syntax is cheaper to check than the name: most secret words in
	// code and prose are not followed by an assignment.
	vs, ve, ok := sc.assignedValue(s, is, ie, flag)
	if !ok {
		return
	}
	if quoted := vs > 0 && isQuote(text[vs-1]); !quoted || !strings.EqualFold(text[is:ie], "key") {
		// A secret word inside this value is part of it, not a name;
		// but <add key="ApiKey" value="..."/> gives a name as a value.
		sc.valueEnd = ve
	}
	v := text[vs:ve]
	if len(v) < 8 {
		return // shorter than any value randomEnough accepts
	}
	sc.words = splitWords(sc.words[:0], text[is:ie])
	words := sc.words
	kind, aws, ok := secretName(words)
	if !ok || closedComma(sc.text, s, ie) && len(words) < 2 {
		// A bare word before a comma ({"secret", "..."}) is more
		// likely a value in a list than a setting's name.
		return
	}
	if !randomEnough(v, kind) {
		return
	}
	if len(words) == 1 && kind == kindSecret && len(v) < 16 {
		// A bare "token:" or "secret =" is as often prose or an error
		// message ("unexpected token: ...") as a setting: ask for more.
		return
	}
	c := candidate{start: vs, end: ve, id: IDGeneric, prio: prioGeneric}
	switch {
	case aws && awsSecretShape(v):
		c.id, c.prio = IDAWSSecretKey, prioStructured
	case kind == kindPassword:
		c.id = IDPassword
	}
	sc.add(c)
}

// closedComma reports a quoted name followed by a comma: the setter form
// ("API_TOKEN", "value").
func closedComma(text string, s, ie int) bool {
	return s > 0 && isQuote(text[s-1]) && ie+1 < len(text) && text[ie] == text[s-1] && text[ie+1] == ','
}

// awsSecretShape reports the shape of an AWS secret access key: 40
// base64 characters.
func awsSecretShape(v string) bool {
	if len(v) != 40 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isAlnum(c) && c != '+' && c != '/' {
			return false
		}
	}
	return true
}

// assignedValue finds the value assigned to the name text[is:ie], whose
// identifier run starts at s (it may include leading dashes), and returns
// its span.
func (sc *scan) assignedValue(s, is, ie int, flag bool) (vs, ve int, ok bool) {
	text := sc.text
	q := ie
	var open byte
	if s > 0 {
		open = text[s-1]
	}
	closed := false
	if isQuote(open) && q < len(text) && text[q] == open {
		q++
		closed = true
		if q < len(text) && text[q] == ']' {
			q++ // ENV["TOKEN"] = ...
		}
	}
	// <apiKey>value</apiKey>
	if open == '<' && q < len(text) && text[q] == '>' {
		return sc.xmlValue(q+1, text[is:ie])
	}
	if flag {
		// --token value, --token=value
		if q < len(text) && (text[q] == '=' || text[q] == ' ') {
			return sc.value(q + 1)
		}
		return 0, 0, false
	}
	q = skipSpaces(text, q)
	q = skipTypeName(text, q)
	if op := operatorLen(text[q:]); op > 0 {
		v := q + op
		if text[q:v] == ":" && !closed && v < len(text) && !isSpace(text[v]) && !isQuote(text[v]) {
			// name:value with no space is a host:port, a Maven
			// coordinate or a URL, not YAML (which needs the space).
			return 0, 0, false
		}
		return sc.value(skipSpaces(text, v))
	}
	if closed && q < len(text) && text[q] == ',' {
		// setProperty("API_TOKEN", "value"), os.environ.setdefault(...):
		// a literal.
		v := skipSpaces(text, q+1)
		if v >= len(text) || !isQuote(text[v]) {
			return 0, 0, false
		}
		return sc.value(v)
	}
	if closed && strings.HasPrefix(text[q:], "value=") {
		// <add key="ApiKey" value="..."/>
		return sc.value(q + len("value="))
	}
	if netrcPassword(text, is, ie) {
		// machine api.example.com login me password <value>
		return sc.value(q)
	}
	if q < len(text) && (text[q] == '\n' || text[q] == '\r') {
		// - name: API_TOKEN
		//   value: "..."
		r := q
		for r < len(text) && (text[r] == '\n' || text[r] == '\r' || isSpace(text[r])) && r-q < 64 {
			r++
		}
		if strings.HasPrefix(text[r:], "value:") {
			return sc.value(skipSpaces(text, r+len("value:")))
		}
	}
	return 0, 0, false
}

// netrcPassword reports a .netrc password: the word "password" after a
// "login <name>" on its line, or alone at the start of a line, then a
// space and the value.
func netrcPassword(text string, is, ie int) bool {
	if !strings.EqualFold(text[is:ie], "password") || ie >= len(text) || !isSpace(text[ie]) {
		return false
	}
	ls := strings.LastIndexByte(text[max(0, is-256):is], '\n') + 1 + max(0, is-256)
	before := strings.TrimSpace(text[ls:is])
	if before == "" {
		return true
	}
	f := strings.Fields(before)
	return len(f) >= 2 && f[len(f)-2] == "login"
}

func skipSpaces(text string, i int) int {
	for i < len(text) && isSpace(text[i]) {
		i++
	}
	return i
}

// skipTypeName skips a type written between a name and its operator, as
// in Go's var token string = "...".
func skipTypeName(text string, q int) int {
	for _, t := range [...]string{"string", "String", "str", "&str", "[]byte"} {
		if strings.HasPrefix(text[q:], t) {
			r := skipSpaces(text, q+len(t))
			if r > q+len(t) && r < len(text) && text[r] == '=' {
				return r
			}
		}
	}
	return q
}

// operatorLen returns the length of the assignment operator at the start
// of s, or 0.
func operatorLen(s string) int {
	for _, op := range [...]string{":::=", "::=", ":=", "?=", ".=", "+=", "||=", "=>", "===", "==", "=", ":"} {
		if strings.HasPrefix(s, op) {
			if op == ":" && len(s) > 1 && s[1] == ':' {
				return 0 // C++ scope, IPv6
			}
			return len(op)
		}
	}
	return 0
}

// value reads the value starting at i: quoted up to its closing quote on
// the same line, else up to a delimiter.
func (sc *scan) value(i int) (vs, ve int, ok bool) {
	text := sc.text
	if i >= len(text) {
		return 0, 0, false
	}
	if q := text[i]; isQuote(q) {
		j := i + 1
		for j < len(text) && j-i < 1024 && text[j] != q && text[j] != '\n' {
			j++
		}
		if j < len(text) && text[j] == q {
			return i + 1, j, j > i+1
		}
		i++ // an unterminated quote: read on as unquoted
	}
	j := i
	for j < len(text) && j-i < 1024 && !valueEnd(text[j]) {
		j++
	}
	if j < len(text) && strings.IndexByte("([{", text[j]) >= 0 {
		return 0, 0, false // a call, an index or a composite, not a literal
	}
	return i, j, j > i
}

// valueEnd reports the characters that end an unquoted value.
func valueEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', ',', ';', '<', '>', '(', ')',
		'{', '}', '[', ']', '\\', '&', '|':
		return true
	}
	return c < ' ' || c == 0x7f
}

// xmlValue reads the text of an element named name, starting at i, which
// must be followed by its end tag.
func (sc *scan) xmlValue(i int, name string) (vs, ve int, ok bool) {
	text := sc.text
	for i < len(text) && (isSpace(text[i]) || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	j := i
	for j < len(text) && j-i < 1024 && !valueEnd(text[j]) {
		j++
	}
	k := j
	for k < len(text) && (isSpace(text[k]) || text[k] == '\n' || text[k] == '\r') {
		k++
	}
	if !strings.HasPrefix(text[k:], "</") || !strings.HasPrefix(text[k+2:], name) {
		return 0, 0, false
	}
	return i, j, j > i
}

// splitWords appends to words the lowercase words of an identifier,
// split at separators and case changes, each without its trailing
// digits: "npmAccessToken_2" gives npm, access, token; "APIKey" gives
// api, key.
func splitWords(words []string, id string) []string {
	low := strings.ToLower(id) // same offsets: the identifier is ASCII
	start := 0
	flush := func(end int) {
		for end > start && '0' <= id[end-1] && id[end-1] <= '9' {
			end--
		}
		if end > start {
			words = append(words, low[start:end])
		}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c == '_' || c == '-' || c == '.' || c == '$' {
			flush(i)
			start = i + 1
			continue
		}
		if i > start && 'A' <= c && c <= 'Z' {
			p := id[i-1]
			next := byte(0)
			if i+1 < len(id) {
				next = id[i+1]
			}
			if 'a' <= p && p <= 'z' || '0' <= p && p <= '9' || 'A' <= p && p <= 'Z' && 'a' <= next && next <= 'z' {
				flush(i)
				start = i
			}
		}
	}
	flush(len(id))
	return words
}

// keyQualifiers are the words that make a "key" secret: api_key,
// secret_key, private_key; not primary_key, cache_key or key_id.
func keyQualifier(w string) bool {
	switch w {
	case "api", "access", "secret", "private", "auth", "signing", "sign", "license",
		"licence", "encryption", "encrypt", "master", "account", "app", "application",
		"client", "consumer", "subscription", "admin", "deploy", "webhook", "hmac",
		"shared", "storage", "service", "write", "ingest", "server", "session", "jwt",
		"cipher", "crypt", "aes", "x", "sas", "rest", "management":
		return true
	}
	return false
}

// notSecretToken are the words that make a "token" something else: a
// page cursor, a CSRF nonce, a tokenizer's special token, a count.
func notSecretToken(w string) bool {
	switch w {
	case "page", "next", "continuation", "cursor", "csrf", "xsrf", "sync", "cancellation",
		"cancel", "max", "min", "num", "total", "pagination", "eos", "bos", "pad", "unk",
		"sep", "mask", "cls", "special", "end", "start", "stop", "resume", "lexer",
		"parser", "verification", "id", "is", "has", "use", "no":
		return true
	}
	return false
}

// notSecretPassword are the words that make a "password" name a setting
// or an action instead of a password.
func notSecretPassword(w string) bool {
	switch w {
	case "forgot", "reset", "show", "hide", "toggle", "require", "required", "has",
		"is", "enable", "no", "use", "change", "min", "max", "validate", "check":
		return true
	}
	return false
}

// derivedSecret reports the names of key-schedule values in TLS, HPKE and
// similar protocols (shared_secret, exporter_secret, handshake_secret):
// computed per session and seen in test vectors, not credentials.
func derivedSecret(w string) bool {
	switch w {
	case "shared", "exporter", "derived", "handshake", "traffic", "early", "resumption", "premaster":
		return true
	}
	return false
}

// secretName reports whether the words of a name say it holds a secret,
// and whether a password or an AWS secret.
func secretName(words []string) (kind valueKind, aws, ok bool) {
	if len(words) == 0 {
		return 0, false, false
	}
	last := words[len(words)-1]
	prev := ""
	if len(words) > 1 {
		prev = words[len(words)-2]
	}
	aws = slices.Contains(words, "aws") && slices.Contains(words, "secret")
	for i, w := range words {
		aws = aws || strings.HasSuffix(w, "secretaccesskey") ||
			w == "secret" && i+2 < len(words) && words[i+1] == "access" && words[i+2] == "key" ||
			w == "secretaccess" && i+1 < len(words) && words[i+1] == "key"
	}
	for _, p := range [...]string{"password", "passwd", "passphrase"} {
		if strings.HasSuffix(last, p) {
			return kindPassword, aws, !notSecretPassword(prev)
		}
	}
	if strings.HasSuffix(last, "secret") && derivedSecret(prev) {
		return 0, false, false
	}
	switch last {
	case "pwd", "pass", "pword", "passw", "pswd":
		return kindPassword, aws, prev != "" && !notSecretPassword(prev)
	case "credential", "credentials", "creds", "auth", "oauth", "bearer":
		return kindSecret, aws, true
	case "key":
		return kindSecret, aws, keyQualifier(prev)
	}
	if base, ok := strings.CutSuffix(last, "token"); ok {
		if base == "" {
			base = prev
		}
		return kindSecret, aws, !notSecretToken(base)
	}
	if strings.HasSuffix(last, "secret") {
		return kindSecret, aws, true
	}
	if base, ok := strings.CutSuffix(last, "key"); ok && keyQualifier(base) {
		return kindSecret, aws, true
	}
	return 0, false, false
}
