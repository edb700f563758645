package copilot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/adaptertest"
	"github.com/agentward/ward/internal/adapter/copilot"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden decodes one recorded payload per tool and hook event and
// compares the canonical event with testdata/events/NAME.json.
func TestGolden(t *testing.T) {
	adaptertest.DecodePayloads(t, copilot.Decoder{}, *update)
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	adaptertest.Golden(t, path, got, *update)
}

// The same call, with toolArgs as a string, as an object, or in the VS
// Code format's tool_input, is the same event.
func TestArgsEveryWay(t *testing.T) {
	t.Parallel()
	payloads := []string{
		`{"toolName":"bash","toolArgs":"{\"command\":\"rm -rf /\"}"}`,
		`{"toolName":"bash","toolArgs":{"command":"rm -rf /"}}`,
		`{"hook_event_name":"PreToolUse","tool_name":"bash","tool_input":{"command":"rm -rf /"}}`,
		`{"hook_event_name":"PreToolUse","tool_name":"bash","tool_input":"{\"command\":\"rm -rf /\"}"}`,
	}
	var want []byte
	for i, p := range payloads {
		ev, err := copilot.Decoder{}.Decode([]byte(p))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got, _ := json.Marshal(ev)
		if i == 0 {
			want = got
			if ev.Phase != event.PhasePre || ev.Action.Command != "rm -rf /" {
				t.Fatalf("%s: %s", p, got)
			}
		} else if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", p, got, want)
		}
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tool string
		in   map[string]any
		want event.Action
	}{
		{"view with file_path", "view", map[string]any{"file_path": "/a"}, event.Action{Kind: event.KindFileRead, Path: "/a"}},
		{"create with filePath and content", "create", map[string]any{"filePath": "/a", "content": "x"},
			event.Action{Kind: event.KindFileWrite, Path: "/a", Content: "x"}},
		{"edit with Claude's names", "edit", map[string]any{"file_path": "/a", "old_string": "o", "new_string": "n"},
			event.Action{Kind: event.KindFileEdit, Path: "/a", Content: "n", Edits: []event.Edit{{Old: "o", New: "n"}}}},
		{"str_replace_editor view", "str_replace_editor", map[string]any{"command": "view", "path": "/a"},
			event.Action{Kind: event.KindFileRead, Path: "/a"}},
		{"str_replace_editor create", "str_replace_editor", map[string]any{"command": "create", "path": "/a", "file_text": "x"},
			event.Action{Kind: event.KindFileWrite, Path: "/a", Content: "x"}},
		{"str_replace_editor insert", "str_replace_editor", map[string]any{"command": "insert", "path": "/a", "insert_line": 3.0, "new_str": "x"},
			event.Action{Kind: event.KindFileEdit, Path: "/a", Content: "x", Edits: []event.Edit{{New: "x"}}}},
		{"str_replace_editor undo", "str_replace_editor", map[string]any{"command": "undo_edit", "path": "/a"},
			event.Action{Kind: event.KindFileEdit, Path: "/a"}},
		{"web_fetch", "web_fetch", map[string]any{"url": "https://a.example"}, event.Action{Kind: event.KindHTTP, URL: "https://a.example", Method: "GET"}},
		{"MCP", "mcp__postgres__query", map[string]any{"sql": "DELETE FROM t"},
			event.Action{Kind: event.KindSQL, Server: "postgres", Name: "query", SQL: "DELETE FROM t", Arguments: map[string]any{"sql": "DELETE FROM t"}}},
		{"unknown tools are other", "report_progress", map[string]any{"commitMessage": "wip"}, event.Action{Kind: event.KindOther}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := copilot.Action(tt.tool, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tt.want)
			if !bytes.Equal(gj, wj) {
				t.Errorf("got %s\nwant %s", gj, wj)
			}
		})
	}
}

// Payloads ward cannot read are errors, never events that pass for
// harmless ones.
func TestBadPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload, code, why string
	}{
		{"not JSON", `{"toolName": "bash",`, "malformed_json", "a cut payload must not decode to a partial event"},
		{"not an object", `"bash"`, "malformed_json", "only objects are payloads"},
		{"tool name not a string", `{"toolName": 1, "toolArgs": "{}"}`, "malformed_json", "a wrong type is a payload of another shape"},
		{"toolArgs not JSON", `{"toolName": "bash", "toolArgs": "rm -rf /"}`, "malformed_json",
			"arguments ward cannot read must not become no arguments"},
		{"toolArgs cut short", `{"toolName": "bash", "toolArgs": "{\"command\": \"rm"}`, "malformed_json",
			"a cut string is not an object"},
		{"toolArgs a list", `{"toolName": "bash", "toolArgs": "[\"rm\", \"-rf\", \"/\"]"}`, "unknown_shape",
			"arguments are an object"},
		{"toolArgs a number", `{"toolName": "bash", "toolArgs": 7}`, "unknown_shape", "arguments are an object"},
		{"toolArgs nest too deep inside the string", `{"toolName": "bash", "toolArgs": "` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `"}`,
			"too_deep", "the string hides nesting adapter.Check cannot see"},
		{"no command", `{"toolName": "bash", "toolArgs": "{\"cmd\": \"rm -rf /\"}"}`, "unknown_shape",
			"a shell call without a command would be judged as nothing"},
		{"command not a string", `{"toolName": "bash", "toolArgs": {"command": ["rm", "-rf", "/"]}}`, "unknown_shape",
			"an argv is not what Copilot runs"},
		{"no path", `{"toolName": "create", "toolArgs": {"file_text": "x"}}`, "unknown_shape", "a write of no file cannot be classified"},
		{"path not a string", `{"toolName": "view", "toolArgs": {"path": {"p": "/etc/shadow"}}}`, "unknown_shape",
			"a path of another shape would be judged as none"},
		{"unknown editor command", `{"toolName": "str_replace_editor", "toolArgs": {"command": "chmod", "path": "a"}}`, "unknown_shape",
			"an editor command ward does not know may do anything"},
		{"web_fetch without url", `{"toolName": "web_fetch", "toolArgs": {}}`, "unknown_shape", "a fetch of nothing cannot be judged"},
		{"unknown hook", `{"hook_event_name": "PermissionRequest", "tool_name": "bash"}`, "unknown_shape",
			"ward answers only the hooks it knows"},
		{"named tool hook without a tool", `{"hook_event_name": "PreToolUse", "tool_input": {"command": "ls"}}`, "unknown_shape",
			"the tool decides what the call does"},
		{"nothing to tell the hook by", `{"timestamp": 1, "cwd": "/"}`, "unknown_shape", "ward cannot guess the hook"},
		{"agentStop", `{"timestamp": 1, "cwd": "/", "stopReason": "end_turn"}`, "unknown_shape", "a turn's end is not an action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := copilot.Decoder{}.Decode([]byte(tt.payload))
			var ie *adapter.InputError
			if !errors.As(err, &ie) || ie.Code != tt.code {
				t.Errorf("Decode = %v, want an input error %s: %s", err, tt.code, tt.why)
			}
		})
	}
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
		ev, err := copilot.Decoder{}.Decode(data)
		if err != nil {
			if !adapter.IsInputError(err) {
				t.Fatalf("Decode error %v is not an InputError", err)
			}
			return
		}
		if !ev.Phase.Valid() || !ev.Action.Kind.Valid() || ev.Agent != copilot.Agent {
			t.Fatalf("Decode gave an invalid event: %+v", ev)
		}
		if len(ev.Input) > 0 && !json.Valid(ev.Input) || len(ev.Output) > 0 && !json.Valid(ev.Output) {
			t.Fatalf("input or output is not JSON: %+v", ev)
		}
		again, _ := copilot.Decoder{}.Decode(data)
		a, _ := json.Marshal(ev)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("Decode is not deterministic:\n%s\n%s", a, b)
		}
	})
}
