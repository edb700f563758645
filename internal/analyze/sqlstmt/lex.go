package sqlstmt

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dialect is the SQL dialect a statement is written in. It changes how
// some text lexes (MySQL's # comments and backslash escapes, PostgreSQL's
// dollar quotes); what is dangerous is the same.
type Dialect uint8

// The dialects.
const (
	Generic Dialect = iota
	Postgres
	MySQL
	SQLite
	MSSQL
)

// DialectOf guesses a dialect from a tool or client name.
func DialectOf(name string) Dialect {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "postgres") || strings.Contains(n, "psql") || strings.Contains(n, "supabase") ||
		strings.Contains(n, "neon") || strings.Contains(n, "redshift") || strings.Contains(n, "cockroach") || n == "pg":
		return Postgres
	case strings.Contains(n, "mysql") || strings.Contains(n, "maria") || strings.Contains(n, "tidb"):
		return MySQL
	case strings.Contains(n, "sqlite") || strings.Contains(n, "turso") || strings.Contains(n, "d1"):
		return SQLite
	case strings.Contains(n, "mssql") || strings.Contains(n, "sqlserver") || strings.Contains(n, "sqlcmd") || strings.Contains(n, "azure-sql"):
		return MSSQL
	}
	return Generic
}

// tokKind is the kind of a token.
type tokKind uint8

const (
	tWord   tokKind = iota // identifiers and keywords, lower-cased
	tQuoted                // a quoted identifier
	tString                // a string literal (its value)
	tNumber
	tOp     // operators and punctuation
	tDollar // a dollar-quoted body
	tSemi   // ;
)

type token struct {
	kind tokKind
	val  string // lower-cased for words, the value for literals
	pos  int    // byte offset of the token in the text
}

// Bounds on lexing.
const (
	maxTokens     = 200000
	maxExecNested = 4 // executable comments inside executable comments
)

// lexer splits SQL text into tokens, dropping comments except MySQL's
// executable comments (/*! ... */), whose content MySQL runs.
type lexer struct {
	src     string
	dialect Dialect
	toks    []token
	// unterminated is set when a quote or comment is never closed: the
	// shape of an injected fragment.
	unterminated bool
	// commentAfterString is set when a line comment directly follows a
	// string literal, as injected text does to cut off the rest of a
	// query ('1' --).
	commentAfterString bool
}

func lex(src string, d Dialect) *lexer {
	l := &lexer{src: src, dialect: d}
	l.run(src, 0, 0)
	return l
}

func (l *lexer) emit(k tokKind, val string, pos int) {
	if len(l.toks) < maxTokens {
		l.toks = append(l.toks, token{kind: k, val: val, pos: pos})
	}
}

// run lexes s, whose first byte is at offset base in the whole text.
func (l *lexer) run(s string, base, depth int) {
	for i := 0; i < len(s) && len(l.toks) < maxTokens; {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-',
			c == '#' && (l.dialect == MySQL || l.dialect == Generic):
			if n := len(l.toks); n > 0 && l.toks[n-1].kind == tString {
				l.commentAfterString = true
			}
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
			} else {
				i += j + 1
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			body := ""
			if end < 0 {
				l.unterminated = true
				body = s[i+2:]
				end = len(s)
			} else {
				body = s[i+2 : i+2+end]
				end = i + 2 + end + 2
			}
			if strings.HasPrefix(body, "!") && depth < maxExecNested {
				// MySQL runs the text of /*! ... */ and /*!50000 ... */.
				code := strings.TrimLeft(body[1:], "0123456789")
				l.run(code, base+i+2+(len(body)-len(code)), depth+1)
			}
			i = end
		case c == '\'' || c == 'E' && i+1 < len(s) && s[i+1] == '\'' || c == 'e' && i+1 < len(s) && s[i+1] == '\'':
			if c != '\'' {
				i++
			}
			i = l.quoted(s, i, base, '\'', tString, true)
		case c == '"':
			kind := tQuoted
			if l.dialect == MySQL {
				kind = tString
			}
			i = l.quoted(s, i, base, '"', kind, l.dialect == MySQL)
		case c == '`':
			i = l.quoted(s, i, base, '`', tQuoted, false)
		case c == '[' && l.dialect == MSSQL:
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				l.unterminated = true
				end = len(s) - i
			}
			l.emit(tQuoted, strings.ToLower(s[i+1:i+end]), base+i)
			i += end + 1
		case c == '$' && l.dialect != MySQL:
			i = l.dollar(s, i, base)
		case c == ';':
			l.emit(tSemi, ";", base+i)
			i++
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' || s[j] == 'x' || s[j] == 'X' ||
				(s[j] >= 'a' && s[j] <= 'f') || (s[j] >= 'A' && s[j] <= 'F')) {
				j++
			}
			l.emit(tNumber, strings.ToLower(s[i:j]), base+i)
			i = j
		case isWordStart(c) || c >= utf8.RuneSelf:
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if !(r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					break
				}
				j += size
			}
			if j == i {
				j = i + 1
			}
			l.emit(tWord, strings.ToLower(s[i:j]), base+i)
			i = j
		default:
			j := i + 1
			if j < len(s) {
				switch s[i : j+1] {
				case "<=", ">=", "<>", "!=", "::", "||", ":=", "==", "=>", "->", "<<", ">>":
					j++
				}
			}
			l.emit(tOp, s[i:j], base+i)
			i = j
		}
	}
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '@'
}

// quoted lexes a quoted string or identifier starting at s[i]; a doubled
// quote is an escaped quote, and so is a backslash where backslashes
// escape.
func (l *lexer) quoted(s string, i, base int, q byte, kind tokKind, backslash bool) int {
	var b strings.Builder
	j := i + 1
	for j < len(s) {
		switch {
		case backslash && s[j] == '\\' && j+1 < len(s):
			b.WriteByte(s[j+1])
			j += 2
			continue
		case s[j] == q && j+1 < len(s) && s[j+1] == q:
			b.WriteByte(q)
			j += 2
			continue
		case s[j] == q:
			val := b.String()
			if kind == tQuoted {
				val = strings.ToLower(val)
			}
			l.emit(kind, val, base+i)
			return j + 1
		}
		b.WriteByte(s[j])
		j++
	}
	l.unterminated = true
	l.emit(kind, b.String(), base+i)
	return len(s)
}

// dollar lexes PostgreSQL's $tag$...$tag$ strings and $1 parameters.
func (l *lexer) dollar(s string, i, base int) int {
	j := i + 1
	for j < len(s) && (isWordStart(s[j]) || s[j] >= '0' && s[j] <= '9') && s[j] != '$' {
		j++
	}
	if j < len(s) && s[j] == '$' {
		tag := s[i : j+1]
		end := strings.Index(s[j+1:], tag)
		if end < 0 {
			l.unterminated = true
			l.emit(tDollar, s[j+1:], base+i)
			return len(s)
		}
		l.emit(tDollar, s[j+1:j+1+end], base+i)
		return j + 1 + end + len(tag)
	}
	// $1, $name: a parameter.
	l.emit(tWord, strings.ToLower(s[i:j]), base+i)
	if j == i+1 {
		return i + 1
	}
	return j
}

// statements splits tokens at semicolons.
func statements(toks []token) [][]token {
	var out [][]token
	start := 0
	for i, t := range toks {
		if t.kind == tSemi {
			if i > start {
				out = append(out, toks[start:i])
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}
