// Package adapter turns agents' native payloads into canonical events.
// Each agent has its own subpackage; this package holds what they share:
// the checks every payload passes before it is parsed.
package adapter

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/agentward/ward/event"
)

// Limits on a payload. Anything beyond them is refused before parsing.
const (
	MaxPayload = 1 << 20 // bytes
	MaxDepth   = 64      // nesting of JSON objects and arrays
)

// Decoder turns one native payload into an event.
type Decoder interface {
	Decode(payload []byte) (event.Event, error)
}

// InputError is a payload ward refuses: too large, too deeply nested, not
// UTF-8, not JSON, or not of a shape the adapter knows.
type InputError struct {
	Code string // too_large, too_deep, invalid_utf8, malformed_json, unknown_shape
	Msg  string
}

func (e *InputError) Error() string { return e.Code + ": " + e.Msg }

// IsInputError reports whether err is an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// Errorf returns an InputError.
func Errorf(code, format string, args ...any) error {
	return &InputError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Check refuses payloads over the size limit, that are not UTF-8, or that
// nest deeper than MaxDepth. It is cheap: one pass, no allocation.
func Check(payload []byte) error {
	if len(payload) > MaxPayload {
		return Errorf("too_large", "payload is %d bytes, over the limit of %d", len(payload), MaxPayload)
	}
	if !utf8.Valid(payload) {
		return Errorf("invalid_utf8", "payload is not valid UTF-8")
	}
	if d := depth(payload); d > MaxDepth {
		return Errorf("too_deep", "payload nests deeper than %d levels", MaxDepth)
	}
	return nil
}

// depth returns how deeply the JSON in b nests, or MaxDepth+1 as soon as
// it goes deeper. Brackets inside strings do not count.
func depth(b []byte) int {
	d, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			d++
			if d > deepest {
				deepest = d
				if deepest > MaxDepth {
					return deepest
				}
			}
		case c == '}' || c == ']':
			d--
		}
	}
	return deepest
}

// sqlArgs are the argument names SQL tools give their statement.
var sqlArgs = [...]string{"sql", "query", "statement", "sql_query", "sqlQuery", "stmt", "command"}

// SQLArgument returns the SQL an MCP tool is given, when the tool's server
// or name says it talks to a database (sql, postgres, mysql, sqlite,
// database, db, ...) and one of its arguments carries a statement.
func SQLArgument(server, name string, args map[string]any) (string, bool) {
	if !databaseTool(server) && !databaseTool(name) {
		return "", false
	}
	for _, k := range sqlArgs {
		if s, ok := args[k].(string); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// databaseTool reports whether a server or tool name names a database.
func databaseTool(name string) bool {
	n := strings.ToLower(name)
	for _, w := range [...]string{"sql", "postgres", "mysql", "maria", "sqlite", "database", "duckdb",
		"clickhouse", "snowflake", "bigquery", "supabase", "neon", "redshift", "cockroach", "oracle", "timescale", "turso"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, part := range strings.FieldsFunc(n, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if part == "db" || part == "pg" || part == "d1" || strings.HasSuffix(part, "db") && len(part) <= 8 {
			return true
		}
	}
	return false
}
