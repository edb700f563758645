package gemini_test

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
	"github.com/agentward/ward/internal/adapter/gemini"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden decodes one recorded payload per tool and hook event and
// compares the canonical event with testdata/events/NAME.json.
func TestGolden(t *testing.T) {
	adaptertest.DecodePayloads(t, gemini.Decoder{}, *update)
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
		{"read_file's older parameter", "read_file", map[string]any{"absolute_path": "/a"},
			event.Action{Kind: event.KindFileRead, Path: "/a"}},
		{"file_path wins over path", "write_file", map[string]any{"file_path": "/a", "path": "/b", "content": "x"},
			event.Action{Kind: event.KindFileWrite, Path: "/a", Content: "x"}},
		{"read_many_files' older paths win over include", "read_many_files", map[string]any{"paths": []any{"/p"}, "include": []any{"*.md"}},
			event.Action{Kind: event.KindFileRead, Path: "/p"}},
		{"list_directory's older path", "list_directory", map[string]any{"path": "/x"},
			event.Action{Kind: event.KindSearch, Path: "/x"}},
		{"glob without a root", "glob", map[string]any{"pattern": "*.go"},
			event.Action{Kind: event.KindSearch, Pattern: "*.go"}},
		{"web_fetch's direct url", "web_fetch", map[string]any{"url": "https://a.example"},
			event.Action{Kind: event.KindHTTP, URL: "https://a.example", Method: "GET"}},
		{"web_fetch's prompt", "web_fetch", map[string]any{"prompt": "read HTTPS://A.example/x, then stop"},
			event.Action{Kind: event.KindHTTP, URL: "HTTPS://A.example/x,", Method: "GET"}},
		{"web_fetch without a URL", "web_fetch", map[string]any{"prompt": "ftp://a.example"},
			event.Action{Kind: event.KindOther}},
		{"MCP", "mcp__srv__do_it", map[string]any{},
			event.Action{Kind: event.KindMCP, Server: "srv", Name: "do_it", Arguments: map[string]any{}}},
		{"a malformed MCP name", "mcp__broken", map[string]any{}, event.Action{Kind: event.KindOther}},
		{"Claude's names are not Gemini's", "Bash", map[string]any{"command": "ls"}, event.Action{Kind: event.KindOther}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := gemini.Action(tt.tool, tt.in)
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

func TestFirstURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ prompt, want, why string }{
		{"Summarize https://a.example/x and http://b.example", "https://a.example/x", "the first of several"},
		{"see (https://a.example)", "", "Gemini CLI splits at white space and refuses a word that is not a URL"},
		{"http://", "", "a scheme alone is no URL"},
		{"get\thttp://a.example\n", "http://a.example", "any white space separates words"},
		{"file:///etc/passwd https://a.example", "https://a.example", "only http and https are fetched"},
		{"", "", "nothing"},
	}
	for _, tt := range tests {
		if got := gemini.FirstURL(tt.prompt); got != tt.want {
			t.Errorf("FirstURL(%q) = %q, want %q: %s", tt.prompt, got, tt.want, tt.why)
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
		{"not JSON", `{"tool_name": "run_shell_command",`, "malformed_json", "a cut payload must not decode to a partial event"},
		{"not an object", `"BeforeTool"`, "malformed_json", "only objects are payloads"},
		{"tool name not a string", `{"tool_name": ["run_shell_command"]}`, "malformed_json", "a wrong type is a payload of another shape"},
		{"no tool", `{"hook_event_name": "BeforeTool", "tool_input": {}}`, "unknown_shape", "the tool decides what the call does"},
		{"input not an object", `{"tool_name": "run_shell_command", "tool_input": "rm -rf /"}`, "unknown_shape",
			"a string input would otherwise be judged as an empty command"},
		{"no command", `{"tool_name": "run_shell_command", "tool_input": {"cmd": "rm -rf /"}}`, "unknown_shape",
			"a shell call without a command would be judged as nothing"},
		{"null command", `{"tool_name": "run_shell_command", "tool_input": {"command": null}}`, "unknown_shape",
			"null is no command"},
		{"command not a string", `{"tool_name": "run_shell_command", "tool_input": {"command": ["rm", "-rf", "/"]}}`, "unknown_shape",
			"an argv is not what Gemini CLI runs"},
		{"no file path", `{"tool_name": "write_file", "tool_input": {"content": "x"}}`, "unknown_shape",
			"a write without a path cannot be classified"},
		{"read_many_files entries not strings", `{"tool_name": "read_many_files", "tool_input": {"include": [1]}}`, "unknown_shape",
			"entries of another type may name anything"},
		{"read_many_files empty", `{"tool_name": "read_many_files", "tool_input": {"include": []}}`, "unknown_shape",
			"nothing to read is not a read of nothing"},
		{"prompt not a string", `{"tool_name": "web_fetch", "tool_input": {"prompt": {"url": "http://a"}}}`, "unknown_shape",
			"a URL hidden in another shape must not pass as no URL"},
		{"unknown hook", `{"hook_event_name": "AfterModel"}`, "unknown_shape", "model traffic is not an action ward judges"},
		{"prompt without prompt", `{"hook_event_name": "BeforeAgent"}`, "unknown_shape", "nothing to judge is not an empty prompt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := gemini.Decoder{}.Decode([]byte(tt.payload))
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
		ev, err := gemini.Decoder{}.Decode(data)
		if err != nil {
			if !adapter.IsInputError(err) {
				t.Fatalf("Decode error %v is not an InputError", err)
			}
			return
		}
		if !ev.Phase.Valid() || !ev.Action.Kind.Valid() || ev.Agent != gemini.Agent {
			t.Fatalf("Decode gave an invalid event: %+v", ev)
		}
		again, _ := gemini.Decoder{}.Decode(data)
		a, _ := json.Marshal(ev)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("Decode is not deterministic:\n%s\n%s", a, b)
		}
		// Every answer to a decoded event is JSON: Gemini CLI reads
		// nothing else.
		for _, d := range []event.Decision{{Decision: event.Allow}, {Decision: event.Ask}, {Decision: event.Deny, Stop: true}} {
			if out := (gemini.Hook{}).Answer(&ev, d).Stdout; !json.Valid(out) {
				t.Fatalf("answer is not JSON: %q", out)
			}
		}
	})
}
