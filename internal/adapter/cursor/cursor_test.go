package cursor_test

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
	"github.com/agentward/ward/internal/adapter/cursor"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden decodes one recorded payload per tool and hook event and
// compares the canonical event with testdata/events/NAME.json.
func TestGolden(t *testing.T) {
	adaptertest.DecodePayloads(t, cursor.Decoder{}, *update)
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	adaptertest.Golden(t, path, got, *update)
}

// The same MCP call, with tool_input as an object or as a string holding
// it, is the same event.
func TestMCPInputStringOrObject(t *testing.T) {
	t.Parallel()
	object := `{"hook_event_name":"beforeMCPExecution","tool_name":"query","tool_input":{"sql":"DROP TABLE users"},"command":"npx server-postgres"}`
	str := `{"hook_event_name":"beforeMCPExecution","tool_name":"query","tool_input":"{\"sql\":\"DROP TABLE users\"}","command":"npx server-postgres"}`
	a, err := cursor.Decoder{}.Decode([]byte(object))
	if err != nil {
		t.Fatal(err)
	}
	b, err := cursor.Decoder{}.Decode([]byte(str))
	if err != nil {
		t.Fatal(err)
	}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	if !bytes.Equal(aj, bj) {
		t.Errorf("object and string inputs differ:\n%s\n%s", aj, bj)
	}
	if a.Action.Kind != event.KindSQL || a.Action.SQL != "DROP TABLE users" {
		t.Errorf("a query tool of a postgres server is kind sql: %+v", a.Action)
	}
}

func TestMCPAction(t *testing.T) {
	t.Parallel()
	args := map[string]any{"q": "x"}
	tests := []struct {
		tool, server, name string
		why                string
	}{
		{"create_issue", "", "create_issue", "Cursor's bare names carry no server"},
		{"MCP:github:create_issue", "github", "create_issue", "Cursor's prefixed names"},
		{"mcp__github__create_issue", "github", "create_issue", "Claude Code's names"},
		{"MCP:github", "", "MCP:github", "a prefix without a tool is a bare name"},
		{"MCP::x", "", "MCP::x", "an empty server is no server"},
	}
	for _, tt := range tests {
		a := cursor.MCPAction(tt.tool, "", args)
		if a.Kind != event.KindMCP || a.Server != tt.server || a.Name != tt.name {
			t.Errorf("MCPAction(%q) = %s %q %q, want mcp %q %q: %s", tt.tool, a.Kind, a.Server, a.Name, tt.server, tt.name, tt.why)
		}
	}
}

func TestMCPSQL(t *testing.T) {
	t.Parallel()
	args := map[string]any{"sql": "DELETE FROM t"}
	tests := []struct {
		tool, via string
		sql       bool
		why       string
	}{
		{"query", "npx -y @modelcontextprotocol/server-postgres postgresql://localhost/app", true, "the server's command names the database"},
		{"query", "https://db.example/mcp", false, "nothing says database"},
		{"MCP:sqlite:query", "", true, "the server's name does"},
		{"run_sql", "", true, "the tool's name does"},
	}
	for _, tt := range tests {
		a := cursor.MCPAction(tt.tool, tt.via, args)
		if got := a.Kind == event.KindSQL && a.SQL == "DELETE FROM t"; got != tt.sql {
			t.Errorf("MCPAction(%q, %q) = %s, want sql %v: %s", tt.tool, tt.via, a.Kind, tt.sql, tt.why)
		}
	}
}

// Payloads ward cannot read are errors, never events that pass for
// harmless ones.
func TestBadPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload, code, why string
	}{
		{"not JSON", `{"hook_event_name": "beforeShellExecution",`, "malformed_json", "a cut payload must not decode to a partial event"},
		{"not an object", `[]`, "malformed_json", "only objects are payloads"},
		{"command not a string", `{"hook_event_name": "beforeShellExecution", "command": ["rm", "-rf", "/"]}`, "malformed_json",
			"an argv is not the command line Cursor runs"},
		{"workspace roots not a list", `{"hook_event_name": "sessionStart", "workspace_roots": "/"}`, "malformed_json",
			"a wrong type is a payload of another shape"},
		{"no command", `{"hook_event_name": "beforeShellExecution", "cwd": "/"}`, "unknown_shape",
			"a shell hook without a command would be judged as nothing"},
		{"no MCP tool", `{"hook_event_name": "beforeMCPExecution", "tool_input": {}}`, "unknown_shape", "the tool decides what the call does"},
		{"MCP input a string that is not JSON", `{"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "DROP TABLE users"}`,
			"malformed_json", "arguments ward cannot read must not become no arguments"},
		{"MCP input a string holding a list", `{"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "[1]"}`,
			"unknown_shape", "MCP arguments are an object"},
		{"MCP input a number", `{"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": 7}`, "unknown_shape",
			"MCP arguments are an object"},
		{"MCP input nests too deep inside its string", `{"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "` +
			strings.Repeat("[", 100) + strings.Repeat("]", 100) + `"}`, "too_deep", "the string hides nesting adapter.Check cannot see"},
		{"no file to read", `{"hook_event_name": "beforeReadFile", "content": "x"}`, "unknown_shape", "a read of no file cannot be classified"},
		{"empty file to read", `{"hook_event_name": "beforeReadFile", "file_path": ""}`, "unknown_shape", "an empty path is no path"},
		{"edits not a list", `{"hook_event_name": "afterFileEdit", "file_path": "a", "edits": {"old_string": "x"}}`, "malformed_json",
			"edits of another shape cannot be judged"},
		{"prompt without prompt", `{"hook_event_name": "beforeSubmitPrompt"}`, "unknown_shape", "nothing to judge is not an empty prompt"},
		{"no hook name", `{"command": "ls"}`, "unknown_shape", "Cursor always names its hook; ward cannot guess the phase"},
		{"generic tool hook", `{"hook_event_name": "preToolUse", "tool_name": "Shell"}`, "unknown_shape",
			"ward reads the specific hooks, whose shapes it knows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := cursor.Decoder{}.Decode([]byte(tt.payload))
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
		ev, err := cursor.Decoder{}.Decode(data)
		if err != nil {
			if !adapter.IsInputError(err) {
				t.Fatalf("Decode error %v is not an InputError", err)
			}
			return
		}
		if !ev.Phase.Valid() || !ev.Action.Kind.Valid() || ev.Agent != cursor.Agent {
			t.Fatalf("Decode gave an invalid event: %+v", ev)
		}
		if len(ev.Input) > 0 && !json.Valid(ev.Input) || len(ev.Output) > 0 && !json.Valid(ev.Output) {
			t.Fatalf("input or output is not JSON: %+v", ev)
		}
		again, _ := cursor.Decoder{}.Decode(data)
		a, _ := json.Marshal(ev)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("Decode is not deterministic:\n%s\n%s", a, b)
		}
	})
}
