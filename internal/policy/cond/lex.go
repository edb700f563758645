package cond

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token of CEL's lexical grammar.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tEscIdent // `a-b`, a field name in backquotes
	tInt
	tUint
	tDouble
	tString
	tBytes
	tTrue
	tFalse
	tNull
	tIn
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	tAnd
	tOr
	tLBracket
	tRBracket
	tLBrace
	tRBrace
	tLParen
	tRParen
	tDot
	tComma
	tMinus
	tBang
	tQuestion
	tColon
	tPlus
	tStar
	tSlash
	tPercent
)

var tokNames = [...]string{
	tEOF: "end of condition", tIdent: "identifier", tEscIdent: "quoted identifier", tInt: "number",
	tUint: "number", tDouble: "number", tString: "string", tBytes: "bytes", tTrue: "'true'",
	tFalse: "'false'", tNull: "'null'", tIn: "'in'", tEq: "'=='", tNe: "'!='", tLt: "'<'",
	tLe: "'<='", tGt: "'>'", tGe: "'>='", tAnd: "'&&'", tOr: "'||'", tLBracket: "'['",
	tRBracket: "']'", tLBrace: "'{'", tRBrace: "'}'", tLParen: "'('", tRParen: "')'",
	tDot: "'.'", tComma: "','", tMinus: "'-'", tBang: "'!'", tQuestion: "'?'", tColon: "':'",
	tPlus: "'+'", tStar: "'*'", tSlash: "'/'", tPercent: "'%'",
}

func (k tokKind) String() string { return tokNames[k] }

// token is one token; off is its byte offset in the condition.
type token struct {
	kind tokKind
	off  int
	text string // the source text
	val  string // strings and bytes: the unescaped value; identifiers: the name
}

// lexError is a problem in the condition's characters.
type lexError struct {
	off int
	msg string
}

// lex splits src into tokens, following CEL's lexical grammar
// (cel-spec langdef.md), which is also that of cel-go's ANTLR lexer.
func lex(src string) ([]token, *lexError) {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f':
			i++
			continue
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		}
		start := i
		kind := tEOF
		switch c {
		case '=':
			if strings.HasPrefix(src[i:], "==") {
				kind, i = tEq, i+2
			}
		case '!':
			if strings.HasPrefix(src[i:], "!=") {
				kind, i = tNe, i+2
			} else {
				kind, i = tBang, i+1
			}
		case '<':
			if strings.HasPrefix(src[i:], "<=") {
				kind, i = tLe, i+2
			} else {
				kind, i = tLt, i+1
			}
		case '>':
			if strings.HasPrefix(src[i:], ">=") {
				kind, i = tGe, i+2
			} else {
				kind, i = tGt, i+1
			}
		case '&':
			if strings.HasPrefix(src[i:], "&&") {
				kind, i = tAnd, i+2
			}
		case '|':
			if strings.HasPrefix(src[i:], "||") {
				kind, i = tOr, i+2
			}
		case '[':
			kind, i = tLBracket, i+1
		case ']':
			kind, i = tRBracket, i+1
		case '{':
			kind, i = tLBrace, i+1
		case '}':
			kind, i = tRBrace, i+1
		case '(':
			kind, i = tLParen, i+1
		case ')':
			kind, i = tRParen, i+1
		case ',':
			kind, i = tComma, i+1
		case '-':
			kind, i = tMinus, i+1
		case '?':
			kind, i = tQuestion, i+1
		case ':':
			kind, i = tColon, i+1
		case '+':
			kind, i = tPlus, i+1
		case '*':
			kind, i = tStar, i+1
		case '/':
			kind, i = tSlash, i+1
		case '%':
			kind, i = tPercent, i+1
		case '.':
			if i+1 < len(src) && isDigit(src[i+1]) {
				kind, i = lexNumber(src, i)
			} else {
				kind, i = tDot, i+1
			}
		case '"', '\'':
			tok, err := lexString(src, i, i, false, false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, tok)
			i = tok.off + len(tok.text)
			continue
		case '`':
			j := i + 1
			for j < len(src) && isEscIdentChar(src[j]) {
				j++
			}
			if j == i+1 || j >= len(src) || src[j] != '`' {
				return nil, &lexError{i, "a quoted field name needs letters, digits, '_', '.', '-', '/' or spaces between backquotes"}
			}
			toks = append(toks, token{kind: tEscIdent, off: i, text: src[i : j+1], val: src[i+1 : j]})
			i = j + 1
			continue
		default:
			switch {
			case isDigit(c):
				kind, i = lexNumber(src, i)
			case isLetter(c) || c == '_':
				j := i + 1
				for j < len(src) && (isLetter(src[j]) || isDigit(src[j]) || src[j] == '_') {
					j++
				}
				word := src[i:j]
				if tok, ok, err := lexPrefixed(src, i, word); err != nil {
					return nil, err
				} else if ok {
					toks = append(toks, tok)
					i = tok.off + len(tok.text)
					continue
				}
				switch word {
				case "true":
					kind = tTrue
				case "false":
					kind = tFalse
				case "null":
					kind = tNull
				case "in":
					kind = tIn
				default:
					kind = tIdent
				}
				i = j
			}
		}
		if kind == tEOF {
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, &lexError{i, "unexpected character " + quoteRune(r)}
		}
		toks = append(toks, token{kind: kind, off: start, text: src[start:i], val: src[start:i]})
	}
	toks = append(toks, token{kind: tEOF, off: len(src)})
	return toks, nil
}

func quoteRune(r rune) string {
	if r == '\'' {
		return `"'"`
	}
	return "'" + string(r) + "'"
}

// lexPrefixed lexes raw strings (r"..."), bytes (b"...") and raw bytes
// (br"..."), whose prefix would otherwise be read as an identifier.
func lexPrefixed(src string, start int, word string) (token, bool, *lexError) {
	raw, bytes := false, false
	switch {
	case len(word) == 1 && (word == "r" || word == "R"):
		raw = true
	case len(word) == 1 && (word == "b" || word == "B"):
		bytes = true
	case len(word) == 2 && (word[0] == 'b' || word[0] == 'B') && (word[1] == 'r' || word[1] == 'R'):
		raw, bytes = true, true
	default:
		return token{}, false, nil
	}
	q := start + len(word)
	if q >= len(src) || (src[q] != '"' && src[q] != '\'') {
		return token{}, false, nil
	}
	tok, err := lexString(src, start, q, raw, bytes)
	return tok, err == nil, err
}

// lexString lexes a string or bytes literal whose prefix starts at start
// and whose opening quote is at q.
func lexString(src string, start, q int, raw, bytes bool) (token, *lexError) {
	quote := src[q]
	triple := strings.Repeat(string(quote), 3)
	var end int // offset just past the closing quote
	if strings.HasPrefix(src[q:], triple) {
		j := q + 3
		for {
			if j >= len(src) {
				return token{}, &lexError{start, "unterminated triple-quoted string"}
			}
			if strings.HasPrefix(src[j:], triple) {
				end = j + 3
				break
			}
			if src[j] == '\\' && !raw {
				n, err := escapeLen(src, j)
				if err != nil {
					return token{}, err
				}
				j += n
				continue
			}
			j++
		}
	} else {
		j := q + 1
		for {
			if j >= len(src) || src[j] == '\n' || src[j] == '\r' {
				return token{}, &lexError{start, "unterminated string (use ''' or \"\"\" for strings across lines)"}
			}
			if src[j] == quote {
				end = j + 1
				break
			}
			if src[j] == '\\' && !raw {
				n, err := escapeLen(src, j)
				if err != nil {
					return token{}, err
				}
				j += n
				continue
			}
			j++
		}
	}
	text := src[start:end]
	body := src[q:end]
	if raw {
		body = src[q-1 : end] // unescape sees the r prefix
	}
	val, err := unescape(body, bytes)
	if err != nil {
		return token{}, &lexError{start, err.Error()}
	}
	kind := tString
	if bytes {
		kind = tBytes
	}
	return token{kind: kind, off: start, text: text, val: val}, nil
}

// escapeLen checks the escape sequence at src[i] (a backslash) as CEL's
// lexer does and returns its length.
func escapeLen(src string, i int) (int, *lexError) {
	bad := &lexError{i, "invalid escape sequence in string"}
	if i+1 >= len(src) {
		return 0, bad
	}
	hex := func(from, n int) bool {
		if from+n > len(src) {
			return false
		}
		for k := from; k < from+n; k++ {
			if _, ok := unhex(src[k]); !ok {
				return false
			}
		}
		return true
	}
	switch c := src[i+1]; c {
	case 'a', 'b', 'f', 'n', 'r', 't', 'v', '"', '\'', '\\', '?', '`':
		return 2, nil
	case 'x', 'X':
		if hex(i+2, 2) {
			return 4, nil
		}
	case 'u':
		if hex(i+2, 4) {
			return 6, nil
		}
	case 'U':
		if hex(i+2, 8) {
			return 10, nil
		}
	case '0', '1', '2', '3':
		if i+3 < len(src) && isOctal(src[i+2]) && isOctal(src[i+3]) {
			return 4, nil
		}
	}
	return 0, bad
}

// lexNumber lexes an int, uint or double literal at src[i].
func lexNumber(src string, i int) (tokKind, int) {
	n := len(src)
	if src[i] == '0' && i+2 < n && src[i+1] == 'x' {
		if _, ok := unhex(src[i+2]); ok {
			j := i + 2
			for j < n {
				if _, ok := unhex(src[j]); !ok {
					break
				}
				j++
			}
			if j < n && (src[j] == 'u' || src[j] == 'U') {
				return tUint, j + 1
			}
			return tInt, j
		}
	}
	j := i
	for j < n && isDigit(src[j]) {
		j++
	}
	float := false
	if j < n && src[j] == '.' && j+1 < n && isDigit(src[j+1]) {
		float = true
		j++
		for j < n && isDigit(src[j]) {
			j++
		}
	}
	if j < n && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < n && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < n && isDigit(src[k]) {
			float = true
			j = k
			for j < n && isDigit(src[j]) {
				j++
			}
		}
	}
	if float {
		return tDouble, j
	}
	if j < n && (src[j] == 'u' || src[j] == 'U') {
		return tUint, j + 1
	}
	return tInt, j
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isOctal(c byte) bool  { return '0' <= c && c <= '7' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isEscIdentChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ' '
}

func unhex(b byte) (rune, bool) {
	c := rune(b)
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

var newlineNormalizer = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// unescape turns a quoted literal (with its r prefix when raw) into its
// value, as CEL defines it: newlines normalised, escapes decoded; bytes
// literals take \x and octal escapes as bytes.
func unescape(value string, isBytes bool) (string, error) {
	if strings.IndexByte(value, '\r') >= 0 {
		value = newlineNormalizer.Replace(value)
	}
	raw := false
	if value[0] == 'r' || value[0] == 'R' {
		value = value[1:]
		raw = true
	}
	n := len(value)
	if n >= 6 && (strings.HasPrefix(value, "'''") || strings.HasPrefix(value, `"""`)) {
		value = value[3 : n-3]
	} else {
		value = value[1 : n-1]
	}
	if raw || !strings.Contains(value, `\`) {
		return value, nil
	}
	var tmp [utf8.UTFMax]byte
	buf := make([]byte, 0, len(value))
	for len(value) > 0 {
		c, encode, rest, err := unescapeChar(value, isBytes)
		if err != nil {
			return "", err
		}
		value = rest
		if c < utf8.RuneSelf || !encode {
			buf = append(buf, byte(c))
		} else {
			k := utf8.EncodeRune(tmp[:], c)
			buf = append(buf, tmp[:k]...)
		}
	}
	return string(buf), nil
}

var errUnescape = errors.New("invalid escape sequence in string")

func unescapeChar(s string, isBytes bool) (value rune, encode bool, tail string, err error) {
	switch c := s[0]; {
	case c >= utf8.RuneSelf:
		r, size := utf8.DecodeRuneInString(s)
		return r, true, s[size:], nil
	case c != '\\':
		return rune(s[0]), false, s[1:], nil
	}
	if len(s) <= 1 {
		return 0, false, "", errUnescape
	}
	c := s[1]
	s = s[2:]
	switch c {
	case 'a':
		value = '\a'
	case 'b':
		value = '\b'
	case 'f':
		value = '\f'
	case 'n':
		value = '\n'
	case 'r':
		value = '\r'
	case 't':
		value = '\t'
	case 'v':
		value = '\v'
	case '\\', '\'', '"', '`', '?':
		value = rune(c)
	case 'x', 'X', 'u', 'U':
		n := 2
		encode = !isBytes
		switch c {
		case 'u':
			n, encode = 4, true
		case 'U':
			n, encode = 8, true
		}
		if isBytes && (c == 'u' || c == 'U') {
			return 0, false, "", errors.New(`bytes literals cannot hold \u escapes; use \x`)
		}
		if len(s) < n {
			return 0, false, "", errUnescape
		}
		var v rune
		for j := range n {
			x, ok := unhex(s[j])
			if !ok {
				return 0, false, "", errUnescape
			}
			v = v<<4 | x
		}
		s = s[n:]
		if !isBytes && !utf8.ValidRune(v) {
			return 0, false, "", errors.New("invalid unicode code point in string")
		}
		value = v
	case '0', '1', '2', '3':
		if len(s) < 2 || !isOctal(s[0]) || !isOctal(s[1]) {
			return 0, false, "", errUnescape
		}
		value = rune(c-'0')*64 + rune(s[0]-'0')*8 + rune(s[1]-'0')
		s = s[2:]
		encode = !isBytes
	default:
		return 0, false, "", errUnescape
	}
	return value, encode, s, nil
}
