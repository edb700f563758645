package codex_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/adaptertest"
	"github.com/agentward/ward/internal/adapter/codex"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden decodes one recorded payload per tool and hook event and
// compares the canonical event with testdata/events/NAME.json.
func TestGolden(t *testing.T) {
	adaptertest.DecodePayloads(t, codex.Decoder{}, *update)
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	adaptertest.Golden(t, path, got, *update)
}

func TestActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tool string
		in   map[string]any
		want event.Action
	}{
		{"Bash is Claude's shell", "Bash", map[string]any{"command": "ls"},
			event.Action{Kind: event.KindShell, Command: "ls"}},
		{"an argv is quoted back into one line", "Bash", map[string]any{"command": []any{"bash", "-lc", "rm -rf 'a b'"}},
			event.Action{Kind: event.KindShell, Command: `bash -lc 'rm -rf '\''a b'\'''`}},
		{"other shell tool names", "exec_command", map[string]any{"cmd": "make"},
			event.Action{Kind: event.KindShell, Command: "make"}},
		{"a bare patch in a Bash command is shell: bash runs its lines", "Bash",
			map[string]any{"command": "*** Begin Patch\n*** Update File: a\n rm -rf ~\n*** End Patch"},
			event.Action{Kind: event.KindShell, Command: "*** Begin Patch\n*** Update File: a\n rm -rf ~\n*** End Patch"}},
		{"an apply_patch argv in a Bash command is a patch", "Bash", map[string]any{"command": []any{"apply_patch", "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch"}},
			event.Action{Kind: event.KindFileWrite, Path: "a", Content: "x"}},
		{"a heredoc in bash -lc is a patch", "Bash",
			map[string]any{"command": []any{"bash", "-lc", "apply_patch <<EOF\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF"}},
			event.Action{Kind: event.KindFileWrite, Path: "a", Content: "x"}},
		{"a bare patch for apply_patch", "apply_patch", map[string]any{"command": "\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch"},
			event.Action{Kind: event.KindFileWrite, Path: "a", Content: "x"}},
		{"a heredoc followed by more shell stays shell", "Bash",
			map[string]any{"command": "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF\nrm -rf ~"},
			event.Action{Kind: event.KindShell, Command: "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF\nrm -rf ~"}},
		{"an unquoted heredoc bash would expand stays shell", "Bash",
			map[string]any{"command": "apply_patch <<EOF\n*** Begin Patch\n*** Add File: a\n+$(curl x | sh)\n*** End Patch\nEOF"},
			event.Action{Kind: event.KindShell, Command: "apply_patch <<EOF\n*** Begin Patch\n*** Add File: a\n+$(curl x | sh)\n*** End Patch\nEOF"}},
		{"a quoted heredoc is not expanded", "Bash",
			map[string]any{"command": "apply_patch <<\"EOF\"\n*** Begin Patch\n*** Add File: a\n+$HOME\n*** End Patch\nEOF"},
			event.Action{Kind: event.KindFileWrite, Path: "a", Content: "$HOME"}},
		{"delete-only patches are deletes", "apply_patch", map[string]any{"command": "*** Begin Patch\n*** Delete File: a\n*** Delete File: b\n*** End Patch"},
			event.Action{Kind: event.KindFileDelete, Path: "a", Files: []event.FileChange{{Path: "a", Op: "delete"}, {Path: "b", Op: "delete"}}}},
		{"the patch in an input key", "apply_patch", map[string]any{"input": "*** Begin Patch\n*** Update File: a\n+y\n*** End Patch"},
			event.Action{Kind: event.KindFileEdit, Path: "a", Content: "y"}},
		{"spawn_agent", "spawn_agent", map[string]any{"message": "go"},
			event.Action{Kind: event.KindAgent, Prompt: "go"}},
		{"MCP", "mcp__srv__do_it", map[string]any{"x": 1.0},
			event.Action{Kind: event.KindMCP, Server: "srv", Name: "do_it", Arguments: map[string]any{"x": 1.0}}},
		{"MCP SQL", "mcp__sqlite__query", map[string]any{"query": "DROP TABLE t"},
			event.Action{Kind: event.KindSQL, Server: "sqlite", Name: "query", SQL: "DROP TABLE t", Arguments: map[string]any{"query": "DROP TABLE t"}}},
		{"unknown tools are other", "view_image", map[string]any{"path": "a.png"},
			event.Action{Kind: event.KindOther}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := codex.Action(tt.tool, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Files == nil {
				got.Files = nil // the file list is checked where a case gives one
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
		{"not JSON", `{"tool_name": "Bash",`, "malformed_json", "a cut payload must not decode to a partial event"},
		{"not an object", `[1, 2]`, "malformed_json", "only objects are payloads"},
		{"session id not a string", `{"session_id": 7, "tool_name": "Bash", "tool_input": {"command": "ls"}}`, "malformed_json",
			"a wrong type is a payload of another shape"},
		{"no tool", `{"hook_event_name": "PreToolUse", "tool_input": {}}`, "unknown_shape", "the tool decides what the call does"},
		{"input not an object", `{"tool_name": "Bash", "tool_input": "rm -rf /"}`, "unknown_shape",
			"a string input would otherwise be judged as an empty command"},
		{"command not a string", `{"tool_name": "Bash", "tool_input": {"command": {"argv": ["rm"]}}}`, "unknown_shape",
			"an object command is not something the shell analyzer can see"},
		{"argv with a number", `{"tool_name": "Bash", "tool_input": {"command": ["rm", 1]}}`, "unknown_shape",
			"a non-string argument cannot be quoted faithfully"},
		{"no command", `{"tool_name": "Bash", "tool_input": {"script": "rm -rf /"}}`, "unknown_shape",
			"a shell call without a command would be judged as nothing"},
		{"apply_patch without a patch", `{"tool_name": "apply_patch", "tool_input": {"command": "rm -rf /"}}`, "unknown_shape",
			"apply_patch text that is no patch cannot be judged as files"},
		{"apply_patch with no input", `{"tool_name": "apply_patch", "tool_input": {}}`, "unknown_shape",
			"an apply_patch call always carries a patch"},
		{"patch with an empty path", `{"tool_name": "apply_patch", "tool_input": {"command": "*** Begin Patch\n*** Add File: \n+x\n*** End Patch"}}`,
			"unknown_shape", "a file with no name cannot be classified"},
		{"change of unknown type", `{"tool_name": "apply_patch", "tool_input": {"a": {"type": "chmod"}}}`, "unknown_shape",
			"a change ward does not know may do anything"},
		{"unknown hook", `{"hook_event_name": "PreCompact"}`, "unknown_shape", "ward answers only the hooks it knows"},
		{"prompt without prompt", `{"hook_event_name": "UserPromptSubmit"}`, "unknown_shape", "nothing to judge is not an empty prompt"},
		{"spawn_agent message not a string", `{"tool_name": "spawn_agent", "tool_input": {"message": ["x"]}}`, "unknown_shape",
			"a sub-agent task of another shape would be judged as empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := codex.Decoder{}.Decode([]byte(tt.payload))
			var ie *adapter.InputError
			if !errors.As(err, &ie) || ie.Code != tt.code {
				t.Errorf("Decode = %v, want an input error %s: %s", err, tt.code, tt.why)
			}
		})
	}
}

// A permission request never carries an ID, even if a payload gives one:
// Answer tells it from a PreToolUse by that.
func TestPermissionRequestHasNoID(t *testing.T) {
	t.Parallel()
	ev, err := codex.Decoder{}.Decode([]byte(`{"hook_event_name": "PermissionRequest", "tool_use_id": "x", "tool_name": "Bash", "tool_input": {"command": "ls"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if ev.ID != "" || ev.Phase != event.PhasePre {
		t.Errorf("got id %q phase %s, want no id and phase pre", ev.ID, ev.Phase)
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
		ev, err := codex.Decoder{}.Decode(data)
		if err != nil {
			if !adapter.IsInputError(err) {
				t.Fatalf("Decode error %v is not an InputError", err)
			}
			return
		}
		if !ev.Phase.Valid() || !ev.Action.Kind.Valid() || ev.Agent != codex.Agent {
			t.Fatalf("Decode gave an invalid event: %+v", ev)
		}
		again, _ := codex.Decoder{}.Decode(data)
		a, _ := json.Marshal(ev)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("Decode is not deterministic:\n%s\n%s", a, b)
		}
	})
}
