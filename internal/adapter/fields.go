package adapter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// ToolInput decodes an agent's tool input, which must be a JSON object
// when present; absent or null is an empty input.
func ToolInput(raw json.RawMessage) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	if raw[0] != '{' {
		return nil, Errorf("unknown_shape", "tool_input must be an object")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, Errorf("malformed_json", "tool_input: %v", err)
	}
	return m, nil
}

// Fields reads typed fields of a tool input, remembering the first
// problem in Err, so that an adapter reads every field it needs and
// checks once.
type Fields struct {
	Tool string         // the tool, named in problems
	In   map[string]any // the decoded input
	// Input names the payload field the input came from in problems
	// ("tool_input" when empty).
	Input string
	Err   error
}

// Str returns the first of keys that is present and not null; it must be
// a string.
func (f *Fields) Str(keys ...string) string {
	for _, k := range keys {
		v := f.In[k]
		if v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			f.Fail("%s: %s must be a string, not %s", f.Tool, k, TypeName(v))
		}
		return s
	}
	return ""
}

// Required is Str for a field the tool cannot do without.
func (f *Fields) Required(keys ...string) string {
	for _, k := range keys {
		if f.In[k] != nil {
			return f.Str(keys...)
		}
	}
	input := f.Input
	if input == "" {
		input = "tool_input"
	}
	f.Fail("%s: %s has no %s", f.Tool, input, strings.Join(keys, " or "))
	return ""
}

// Fail records a problem unless one was recorded already.
func (f *Fields) Fail(format string, args ...any) {
	if f.Err == nil {
		f.Err = Errorf("unknown_shape", format, args...)
	}
}

// TypeName names a decoded JSON value's type for problems.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// EncodeAnswer encodes an answer as one JSON line; if it cannot (only
// plain maps, strings and JSON values go in, so it should not happen), it
// gives fallback, which must be the agent's deny.
func EncodeAnswer(v any, fallback string) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(fallback + "\n")
	}
	return append(b, '\n')
}
