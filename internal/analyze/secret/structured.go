package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// maxPEM bounds a private key block (a 16384-bit RSA key or a PGP key
// with subkeys stays well under it).
const maxPEM = 64 << 10

// privateKey checks a "-----BEGIN" at pos for a private key block. The
// body may have real newlines or escaped ones (\n in a JSON string), and
// PEM headers (Proc-Type, DEK-Info) or armor headers (Version, Comment).
// A block without enough base64 to be a key, or without variety in it,
// is a placeholder.
func (sc *scan) privateKey(pos int) {
	text := sc.text[pos:]
	const begin = "-----BEGIN "
	if !strings.HasPrefix(text, begin) {
		return
	}
	j := len(begin)
	for j < len(text) && j < 80 && ('A' <= text[j] && text[j] <= 'Z' || '0' <= text[j] && text[j] <= '9' || text[j] == ' ') {
		j++
	}
	label := text[len(begin):j]
	if !strings.HasPrefix(text[j:], "-----") || !strings.Contains(label, "PRIVATE KEY") {
		return
	}
	header := j + len("-----")
	var counts [256]int
	nb, lastB64 := 0, header
	k, lineStart := header, true
	for k < len(text) && k < maxPEM {
		c := text[k]
		switch {
		case c == '\n' || c == '\r' || c == ' ' || c == '\t':
			k++
			lineStart = lineStart || c == '\n' || c == '\r'
			continue
		case c == '\\' && escapedNewline(text[k:]) > 0:
			k += escapedNewline(text[k:])
			lineStart = true
			continue
		case lineStart && armorHeader(text[k:]):
			for k < len(text) && text[k] != '\n' && text[k] != '\r' && escapedNewline(text[k:]) == 0 {
				k++
			}
			continue
		case isAlnum(c) || c == '+' || c == '/' || c == '=':
			counts[c]++
			nb++
			k++
			lastB64 = k
			lineStart = false
			continue
		}
		break
	}
	if nb < 64 || countsEntropy(&counts, nb) < 4 {
		return
	}
	end := lastB64
	if rest := text[k:]; strings.HasPrefix(rest, "-----END ") {
		if i := strings.Index(rest[len("-----END "):min(len(rest), 100)], "-----"); i >= 0 {
			end = k + len("-----END ") + i + len("-----")
		}
	}
	id := IDPrivateKey
	if gcpServiceAccount(sc.text, pos) {
		id = IDGCPServiceAccount
	}
	sc.add(candidate{start: pos, end: pos + end, id: id, prio: prioPrivateKey, show: header})
}

// escapedNewline returns the length of the escaped newline at the start
// of s: \n, or \\n when JSON holds JSON; 0 if there is none.
func escapedNewline(s string) int {
	i := 0
	for i < len(s) && i < 4 && s[i] == '\\' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == 'n' || s[i] == 'r') {
		return i + 1
	}
	return 0
}

// armorHeader reports a "Name: value" header line of a PEM or PGP block.
func armorHeader(s string) bool {
	i := 0
	for i < len(s) && i < 32 && (isAlnum(s[i]) || s[i] == '-') {
		i++
	}
	return i > 0 && i < len(s) && s[i] == ':'
}

// gcpServiceAccount reports a private key that is the "private_key" of a
// Google service-account key file.
func gcpServiceAccount(text string, pos int) bool {
	before := text[max(0, pos-64):pos]
	if !strings.Contains(before, `"private_key"`) {
		return false
	}
	around := text[max(0, pos-4096):min(len(text), pos+8192)]
	return strings.Contains(around, `"service_account"`) || strings.Contains(around, "gserviceaccount.com")
}

func isB64URL(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// jwt checks an "eyJ" at pos for a JSON Web Token: a JWS (header.payload
// with or without a signature) or a JWE (five parts). The header must
// decode to a JSON object, and so must a JWS payload.
func (sc *scan) jwt(pos int) {
	text := sc.text
	if pos > 0 && (isB64URL(text[pos-1]) || text[pos-1] == '.') {
		return
	}
	end, ok := jwtAt(text[pos:min(len(text), pos+16<<10+1)])
	if !ok {
		return
	}
	sc.add(candidate{start: pos, end: pos + end, id: IDJWT, prio: prioStructured, show: 3})
}

// jwtAt returns the length of the JWT at the start of s.
func jwtAt(s string) (int, bool) {
	var segs []string
	i := 0
	for len(segs) < 5 {
		st := i
		for i < len(s) && isB64URL(s[i]) {
			i++
		}
		for i < len(s) && s[i] == '=' {
			i++
		}
		segs = append(segs, s[st:i])
		if i < len(s) && s[i] == '.' && len(segs) < 5 {
			i++
			continue
		}
		break
	}
	if i >= 16<<10 || i < len(s) && isB64URL(s[i]) {
		return 0, false
	}
	if len(segs) < 2 || len(segs) == 4 || len(segs[0]) < 10 || len(segs[1]) < 8 {
		return 0, false
	}
	h, ok := decodeJSONObject(segs[0])
	if !ok {
		return 0, false
	}
	if len(segs) == 5 {
		// JWE: the payload is encrypted; the header names the encryption.
		if !bytes.Contains(h, []byte(`"enc"`)) {
			return 0, false
		}
	} else if _, ok := decodeJSONObject(segs[1]); !ok {
		return 0, false
	}
	end := i
	if s[end-1] == '.' {
		end-- // header.payload. with an empty signature
	}
	return end, true
}

// decodeJSONObject decodes base64url (padded or not) and reports whether
// it is a JSON object.
func decodeJSONObject(seg string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return nil, false
	}
	b = bytes.TrimSpace(b)
	return b, len(b) > 1 && b[0] == '{' && json.Valid(b)
}

// jwtBase64 checks a "ZXlK" (base64 of "eyJ") at pos for a JWT encoded
// once more in standard base64.
func (sc *scan) jwtBase64(pos int) {
	text := sc.text
	isB64 := func(c byte) bool { return isAlnum(c) || c == '+' || c == '/' }
	if pos > 0 && isB64(text[pos-1]) {
		return
	}
	i := pos
	for i < len(text) && i-pos < 22<<10 && isB64(text[i]) {
		i++
	}
	for i < len(text) && text[i] == '=' {
		i++
	}
	if i < len(text) && isB64(text[i]) {
		return
	}
	raw := strings.TrimRight(text[pos:i], "=")
	dec, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil {
		return
	}
	n, ok := jwtAt(string(dec))
	if !ok || n < len(bytes.TrimSpace(dec))-1 {
		return
	}
	sc.add(candidate{start: pos, end: i, id: IDJWT, prio: prioStructured, show: 4})
}

// dbSchemes are the URL schemes of databases and message brokers.
func dbScheme(s string) bool {
	s = strings.TrimPrefix(s, "jdbc:")
	switch s {
	case "postgres", "postgresql", "postgis", "mysql", "mysqlx", "mariadb", "mongodb",
		"mongodb+srv", "redis", "rediss", "valkey", "amqp", "amqps", "mssql", "sqlserver",
		"oracle", "clickhouse", "cockroachdb", "couchdb", "couchbase", "neo4j", "neo4j+s",
		"bolt", "nats", "kafka", "memcached", "cassandra", "elasticsearch", "influxdb",
		"snowflake", "db2", "sqlite", "timescaledb", "stomp", "mqtt", "mqtts":
		return true
	}
	return false
}

// url checks a "://" at pos for a password in the user-info part:
// scheme://user:password@host.
func (sc *scan) url(pos int) {
	text := sc.text
	s := pos
	for s > 0 && pos-s < 32 && (isAlnum(text[s-1]) || strings.IndexByte("+.-:", text[s-1]) >= 0) {
		s--
	}
	for s < pos && !('a' <= lower(text[s]) && lower(text[s]) <= 'z') {
		s++
	}
	if s == pos || s > 0 && isWord(text[s-1]) {
		return
	}
	scheme := strings.ToLower(text[s:pos])
	a := pos + len("://")
	at := a
	for at < len(text) && at-a < 256 && strings.IndexByte("@/?#\"'`<>\\ \t\r\n", text[at]) < 0 {
		at++
	}
	if at >= len(text) || text[at] != '@' {
		return
	}
	user, pass, ok := strings.Cut(text[a:at], ":")
	if !ok || !passwordOK(user, pass) {
		return
	}
	h := at + 1
	for h < len(text) && h-at < 256 && (isAlnum(text[h]) || strings.IndexByte(".-_[]", text[h]) >= 0) {
		h++
	}
	if host := strings.ToLower(text[at+1 : h]); host == "" || !(isAlnum(host[0]) || host[0] == '[') || exampleHost(host) {
		return
	}
	id := IDURLCredentials
	if dbScheme(scheme) {
		id = IDConnectionString
	}
	ps := a + len(user) + 1
	sc.add(candidate{start: ps, end: ps + len(pass), id: id, prio: prioStructured})
}

// exampleHost reports the domains reserved for documentation (RFC 2606).
func exampleHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	for _, d := range [...]string{"example.com", "example.net", "example.org", "example"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// passwordOK reports whether pass, given with user, is a real password:
// not a placeholder, reference, default or a port number. A colon in it
// means another syntax (cvs://:pserver:user@host).
func passwordOK(user, pass string) bool {
	if len(pass) < 4 || pass == user || looksFake(pass) || weak(pass) || strings.IndexByte(pass, ':') >= 0 {
		return false
	}
	if strings.IndexByte("$%{[<*", pass[0]) >= 0 {
		return false
	}
	digits := true
	for i := 0; i < len(pass); i++ {
		digits = digits && '0' <= pass[i] && pass[i] <= '9'
	}
	return !(digits && len(pass) <= 5)
}

// httpAuth checks an "Authorization" at pos for the credential of an
// Authorization header: Authorization: Bearer <token>, "Authorization",
// "Basic <base64>", authorization=Token <token>.
func (sc *scan) httpAuth(pos, n int) {
	text := sc.text
	if pos > 0 && isWord(text[pos-1]) {
		return
	}
	i := pos + n
	if i < len(text) && isQuote(text[i]) {
		i++
	}
	i = skipSpaces(text, i)
	switch {
	case strings.HasPrefix(text[i:], "=>"):
		i += 2
	case i < len(text) && (text[i] == ':' || text[i] == '=' || text[i] == ','):
		i++
	default:
		return
	}
	i = skipSpaces(text, i)
	if i < len(text) && isQuote(text[i]) {
		i++
	}
	ws := i
	for i < len(text) && i-ws < 16 && ('a' <= lower(text[i]) && lower(text[i]) <= 'z') {
		i++
	}
	scheme := strings.ToLower(text[ws:i])
	if scheme == "" || i >= len(text) || text[i] != ' ' {
		return
	}
	i = skipSpaces(text, i)
	cs := i
	for i < len(text) && i-cs < 4096 && (isB64URL(text[i]) || strings.IndexByte(".~+/=", text[i]) >= 0) {
		i++
	}
	cred := text[cs:i]
	switch scheme {
	case "basic":
		dec, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return
		}
		user, pass, ok := strings.Cut(string(dec), ":")
		if !ok || !passwordOK(user, pass) {
			return
		}
	case "bearer", "token", "bot", "apikey", "api-key", "key", "sso-key", "jwt":
		if !randomEnough(cred, kindSecret) {
			return
		}
	default:
		return
	}
	sc.add(candidate{start: cs, end: i, id: IDHTTPAuth, prio: prioHTTPAuth})
}

// curl checks the line of a "curl" at pos for -u/--user user:password.
// A user with an empty password is an API key given as the user name.
func (sc *scan) curl(pos, n int) {
	text := sc.text
	if pos < sc.curlEnd || pos > 0 && isWord(text[pos-1]) {
		return // on a line read already
	}
	eol := pos + n
	for eol < len(text) && eol-pos < 4096 && text[eol] != '\n' {
		eol++
	}
	sc.curlEnd = eol
	line := text[:eol]
	for i := pos + n; i < eol; i++ {
		if !isSpace(text[i]) {
			continue
		}
		var j int
		switch {
		case strings.HasPrefix(line[i+1:], "--user") && i+7 < eol && (text[i+7] == ' ' || text[i+7] == '=' || isQuote(text[i+7])):
			j = i + 7
		case strings.HasPrefix(line[i+1:], "-u") && i+3 < eol && !isSpace(text[i+3]) || strings.HasPrefix(line[i+1:], "-u "):
			j = i + 3
		default:
			continue
		}
		for j < eol && (text[j] == ' ' || text[j] == '=') {
			j++
		}
		vs, ve, ok := sc.value(j)
		if !ok || ve > eol {
			continue
		}
		user, pass, ok := strings.Cut(text[vs:ve], ":")
		if !ok {
			continue
		}
		switch {
		case pass == "" && randomEnough(user, kindSecret):
			sc.add(candidate{start: vs, end: vs + len(user), id: IDHTTPAuth, prio: prioHTTPAuth})
		case pass != "" && passwordOK(user, pass):
			ps := vs + len(user) + 1
			sc.add(candidate{start: ps, end: ve, id: IDHTTPAuth, prio: prioHTTPAuth})
		}
	}
}

// cliPassword checks the line of a database or login command for a
// password given as an option: mysql -pSECRET (attached, as mysql wants
// it; a detached word is the database), sshpass -p SECRET, docker login
// -p SECRET.
func (sc *scan) cliPassword(pos, n int) {
	text := sc.text
	if pos < sc.cliEnd || pos > 0 && isWord(text[pos-1]) {
		return
	}
	attached := strings.HasPrefix(strings.ToLower(text[pos:]), "m") // mysql, mariadb
	eol := pos + n
	for eol < len(text) && eol-pos < 4096 && text[eol] != '\n' {
		eol++
	}
	sc.cliEnd = eol
	for i := pos + n; i+3 < eol; i++ {
		if !isSpace(text[i]) || text[i+1] != '-' || text[i+2] != 'p' {
			continue
		}
		j := i + 3
		if attached == isSpace(text[j]) {
			continue
		}
		vs, ve, ok := sc.value(skipSpaces(text, j))
		if !ok || ve > eol {
			continue
		}
		if v := text[vs:ve]; passwordOK("", v) && randomEnough(v, kindPassword) {
			sc.add(candidate{start: vs, end: ve, id: IDPassword, prio: prioGeneric})
		}
	}
}
