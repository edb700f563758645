package claude_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/adaptertest"
	"github.com/agentward/ward/internal/adapter/claude"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden decodes one recorded payload per tool and hook event and
// compares the canonical event with testdata/events/NAME.json.
func TestGolden(t *testing.T) {
	adaptertest.DecodePayloads(t, claude.Decoder{}, *update)
}

func TestKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tool string
		in   map[string]any
		want event.Action
	}{
		{"Bash", map[string]any{"command": "ls"}, event.Action{Kind: event.KindShell, Command: "ls"}},
		{"Write", map[string]any{"file_path": "a", "content": "x"}, event.Action{Kind: event.KindFileWrite, Path: "a", Content: "x"}},
		{"Read", map[string]any{"file_path": "a"}, event.Action{Kind: event.KindFileRead, Path: "a"}},
		{"LS", map[string]any{"path": "/x"}, event.Action{Kind: event.KindSearch, Path: "/x"}},
		{"WebFetch", map[string]any{"url": "http://x"}, event.Action{Kind: event.KindHTTP, URL: "http://x", Method: "GET"}},
		{"ExitPlanMode", map[string]any{"plan": "p"}, event.Action{Kind: event.KindOther}},
		{"mcp__srv__do_it", map[string]any{}, event.Action{Kind: event.KindMCP, Server: "srv", Name: "do_it", Arguments: map[string]any{}}},
		{"mcp__broken", map[string]any{}, event.Action{Kind: event.KindOther}},
	}
	for _, tt := range tests {
		got, err := claude.Action(tt.tool, tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.tool, err)
			continue
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(tt.want)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s: got %s, want %s", tt.tool, gj, wj)
		}
	}
}

// Payloads ward cannot read are errors, never events that pass for
// harmless ones.
func TestBadPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload, code string
	}{
		{"not JSON", `{"tool_name": "Bash",`, "malformed_json"},
		{"not an object", `[1, 2]`, "malformed_json"},
		{"no tool", `{"hook_event_name": "PreToolUse", "tool_input": {}}`, "unknown_shape"},
		{"input not an object", `{"tool_name": "Bash", "tool_input": "rm -rf /"}`, "unknown_shape"},
		{"command not a string", `{"tool_name": "Bash", "tool_input": {"command": ["rm", "-rf", "/"]}}`, "unknown_shape"},
		{"no command", `{"tool_name": "Bash", "tool_input": {"cmd": "rm -rf /"}}`, "unknown_shape"},
		{"no file path", `{"tool_name": "Write", "tool_input": {"path": "/etc/passwd"}}`, "unknown_shape"},
		{"edits not a list", `{"tool_name": "MultiEdit", "tool_input": {"file_path": "a", "edits": "x"}}`, "unknown_shape"},
		{"edit not an object", `{"tool_name": "MultiEdit", "tool_input": {"file_path": "a", "edits": [1]}}`, "unknown_shape"},
		{"unknown hook", `{"hook_event_name": "PreCompact", "tool_name": "Bash"}`, "unknown_shape"},
		{"prompt without prompt", `{"hook_event_name": "UserPromptSubmit"}`, "unknown_shape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := claude.Decoder{}.Decode([]byte(tt.payload))
			var ie *adapter.InputError
			if err == nil || !errorsAs(err, &ie) || ie.Code != tt.code {
				t.Errorf("Decode(%s) = %v, want an input error %s", tt.payload, err, tt.code)
			}
		})
	}
}

func errorsAs(err error, target **adapter.InputError) bool {
	ie, ok := err.(*adapter.InputError)
	if ok {
		*target = ie
	}
	return ok
}

func FuzzDecode(f *testing.F) {
	payloads, _ := filepath.Glob("testdata/payloads/*.json")
	for _, p := range payloads {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if adapter.Check(data) != nil {
			return
		}
		ev, err := claude.Decoder{}.Decode(data)
		if err != nil {
			if !adapter.IsInputError(err) {
				t.Fatalf("Decode error %v is not an InputError", err)
			}
			return
		}
		if !ev.Phase.Valid() || !ev.Action.Kind.Valid() || ev.Agent != claude.Agent {
			t.Fatalf("Decode gave an invalid event: %+v", ev)
		}
	})
}
