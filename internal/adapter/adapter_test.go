package adapter_test

import (
	"strings"
	"testing"

	"github.com/agentward/ward/internal/adapter"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name    string
		payload string
		code    string // "" for accepted
	}{
		{"small object", `{"a": 1}`, ""},
		{"64 levels", nest(64), ""},
		{"65 levels", nest(65), "too_deep"},
		{"brackets inside strings do not nest", `{"a": "` + strings.Repeat("[", 200) + `"}`, ""},
		{"escaped quote keeps the string open", `{"a": "\"[[[[` + strings.Repeat("[", 100) + `"}`, ""},
		{"invalid UTF-8", "{\"a\": \"\xff\"}", "invalid_utf8"},
		{"over 1 MiB", `{"a": "` + strings.Repeat("x", adapter.MaxPayload) + `"}`, "too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := adapter.Check([]byte(tt.payload))
			switch {
			case tt.code == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case tt.code != "":
				ie, ok := err.(*adapter.InputError)
				if !ok || ie.Code != tt.code {
					t.Errorf("Check = %v, want %s", err, tt.code)
				}
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	payload := []byte(`{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"go test ./... && git status"}}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := adapter.Check(payload); err != nil {
			b.Fatal(err)
		}
	}
}
