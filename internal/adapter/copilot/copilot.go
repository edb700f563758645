// Package copilot reads GitHub Copilot hook payloads (the coding agent's
// and the CLI's) into canonical events and writes Copilot's answers.
//
// Copilot sends a payload in one of two formats, chosen by how the hook is
// configured:
//
//   - camelCase (hooks named preToolUse, postToolUse, ...): timestamp,
//     cwd, toolName, toolArgs (a string holding the arguments' JSON, or
//     in newer versions the object itself), toolResult {resultType,
//     textResultForLlm}, prompt, source, reason, error, and in newer
//     versions sessionId. These payloads do not name their hook: Decode
//     tells them apart by their fields (see [Decoder.Decode]).
//   - the VS Code format (hooks named PreToolUse, ...): hook_event_name,
//     session_id, tool_name, tool_input, tool_result {result_type,
//     text_result_for_llm}, with snake_case names.
//
// The tools, with the argument names read (several spellings each):
//
//	bash, powershell {command}                      shell
//	view {path}                                     file.read
//	create {path, file_text}                        file.write
//	edit {path, old_str, new_str}                   file.edit
//	str_replace_editor {command: view | create |
//	  str_replace | insert | undo_edit, path, ...}  file.read, file.write, file.edit
//	glob, grep {pattern, path}                      search
//	web_fetch {url}                                 http GET
//	task {prompt}                                   agent
//	mcp__<server>__<tool>                           mcp, or sql (adapter.SQLArgument)
//
// A path is read from path, file_path or filePath; new content from
// file_text, content or fileText; replaced text from old_str, old_string
// or oldStr, and new_str, new_string or newStr. Other tools are kind
// other.
package copilot

import (
	"bytes"
	"encoding/json"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/claude"
)

// Agent is the agent name events from Copilot carry.
const Agent = "copilot"

// payload is the part of a Copilot hook payload ward reads, in both
// formats. Unknown fields (timestamp, transcriptPath, ...) are ignored.
type payload struct {
	HookEventName  string          `json:"hook_event_name"`
	HookEventName2 string          `json:"hookEventName"`
	SessionID      string          `json:"sessionId"`
	SessionID2     string          `json:"session_id"`
	Cwd            string          `json:"cwd"`
	ToolName       string          `json:"toolName"`
	ToolName2      string          `json:"tool_name"`
	ToolArgs       json.RawMessage `json:"toolArgs"`
	ToolInput      json.RawMessage `json:"tool_input"`
	ToolResult     json.RawMessage `json:"toolResult"`
	ToolResult2    json.RawMessage `json:"tool_result"`
	Prompt         *string         `json:"prompt"`
	Source         *string         `json:"source"`
	Reason         *string         `json:"reason"`
	Error          json.RawMessage `json:"error"`
}

// Decoder decodes Copilot payloads.
type Decoder struct{}

var _ adapter.Decoder = Decoder{}

// hook names the hooks ward reads, by their names in both formats.
func hook(name string) (string, bool) {
	switch name {
	case "preToolUse", "PreToolUse":
		return "pre", true
	case "postToolUse", "PostToolUse", "postToolUseFailure", "PostToolUseFailure":
		return "post", true
	case "userPromptSubmitted", "UserPromptSubmit":
		return "prompt", true
	case "sessionStart", "SessionStart":
		return "session_start", true
	case "sessionEnd", "SessionEnd":
		return "session_end", true
	case "errorOccurred", "ErrorOccurred":
		return "error", true
	}
	return "", false
}

// Decode turns one hook payload into an event. The payload must already
// have passed adapter.Check.
//
// A payload that does not name its hook is a tool call when it has a tool
// name (postToolUse when it also has a result or an error, preToolUse
// otherwise), a prompt when it has one, errorOccurred when it has an
// error, sessionStart when it has a source and sessionEnd when it has a
// reason; anything else is unknown_shape.
//
// The session is sessionId (session_id) where Copilot sends one, and
// otherwise empty (ward makes one up). The output of postToolUse is the
// tool result; of postToolUseFailure, the error. errorOccurred becomes a
// post event with no tool, of kind other, whose output is the error.
func (Decoder) Decode(data []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return event.Event{}, adapter.Errorf("malformed_json", "%v", err)
	}
	ev := event.Event{Agent: Agent, Session: first(p.SessionID, p.SessionID2), Cwd: p.Cwd}
	tool := first(p.ToolName, p.ToolName2)
	args := p.ToolArgs
	if len(bytes.TrimSpace(args)) == 0 {
		args = p.ToolInput
	}
	result := p.ToolResult
	if len(bytes.TrimSpace(result)) == 0 {
		result = p.ToolResult2
	}
	kind := infer(tool, result, p)
	if name := first(p.HookEventName, p.HookEventName2); name != "" {
		var ok bool
		if kind, ok = hook(name); !ok {
			return event.Event{}, adapter.Errorf("unknown_shape", "hook event %q is not one ward handles", name)
		}
	}
	switch kind {
	case "pre", "post":
		ev.Phase = event.PhasePre
		if kind == "post" {
			ev.Phase, ev.Output = event.PhasePost, rawOrNil(result)
			if ev.Output == nil {
				ev.Output = rawOrNil(p.Error)
			}
		}
		if tool == "" {
			return event.Event{}, adapter.Errorf("unknown_shape", "tool payload has no toolName")
		}
		ev.Tool = tool
		input, in, err := toolArgs(args)
		if err != nil {
			return event.Event{}, err
		}
		ev.Input = input
		if ev.Action, err = Action(tool, in); err != nil {
			return event.Event{}, err
		}
	case "prompt":
		if p.Prompt == nil {
			return event.Event{}, adapter.Errorf("unknown_shape", "userPromptSubmitted payload has no prompt")
		}
		ev.Phase, ev.Action = event.PhasePrompt, event.Action{Kind: event.KindPrompt, Prompt: *p.Prompt}
	case "error":
		ev.Phase, ev.Action.Kind, ev.Output = event.PhasePost, event.KindOther, rawOrNil(p.Error)
	case "session_start":
		ev.Phase, ev.Action.Kind = event.PhaseSessionStart, event.KindOther
	case "session_end":
		ev.Phase, ev.Action.Kind = event.PhaseSessionEnd, event.KindOther
	default:
		return event.Event{}, adapter.Errorf("unknown_shape", "payload is not one of the Copilot hooks ward handles")
	}
	return ev, nil
}

// infer names the hook of a camelCase payload, which does not say.
func infer(tool string, result json.RawMessage, p payload) string {
	switch {
	case tool != "" && (rawOrNil(result) != nil || rawOrNil(p.Error) != nil):
		return "post"
	case tool != "":
		return "pre"
	case p.Prompt != nil:
		return "prompt"
	case rawOrNil(p.Error) != nil:
		return "error"
	case p.Source != nil:
		return "session_start"
	case p.Reason != nil:
		return "session_end"
	}
	return ""
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func rawOrNil(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// toolArgs decodes a tool's arguments: an object, or a string holding
// the object's JSON (as the coding agent sends them). It returns the
// object's JSON, which is the event's input either way.
func toolArgs(raw json.RawMessage) (json.RawMessage, map[string]any, error) {
	raw = rawOrNil(raw)
	if raw == nil {
		return nil, map[string]any{}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, nil, adapter.Errorf("malformed_json", "toolArgs: %v", err)
		}
		raw = bytes.TrimSpace([]byte(s))
		if len(raw) == 0 {
			return nil, map[string]any{}, nil
		}
		if !json.Valid(raw) {
			return nil, nil, adapter.Errorf("malformed_json", "toolArgs is a string that is not JSON")
		}
		if err := adapter.Check(raw); err != nil {
			return nil, nil, err
		}
	}
	if raw[0] != '{' {
		return nil, nil, adapter.Errorf("unknown_shape", "toolArgs must be an object, or a string holding one")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, adapter.Errorf("malformed_json", "toolArgs: %v", err)
	}
	return json.RawMessage(raw), m, nil
}

// The spellings of the arguments Copilot's file tools take.
var (
	pathKeys    = []string{"path", "file_path", "filePath"}
	contentKeys = []string{"file_text", "content", "fileText"}
	oldKeys     = []string{"old_str", "old_string", "oldStr"}
	newKeys     = []string{"new_str", "new_string", "newStr"}
)

// Action normalizes a Copilot tool call; the package comment lists the
// tools and arguments it reads.
func Action(tool string, in map[string]any) (event.Action, error) {
	f := fields{adapter.Fields{Tool: tool, In: in, Input: "toolArgs"}}
	var a event.Action
	switch tool {
	case "bash", "powershell":
		a = event.Action{Kind: event.KindShell, Command: f.Required("command")}
	case "view":
		a = event.Action{Kind: event.KindFileRead, Path: f.Required(pathKeys...)}
	case "create":
		a = event.Action{Kind: event.KindFileWrite, Path: f.Required(pathKeys...), Content: f.Str(contentKeys...)}
	case "edit":
		a = edit(&f)
	case "str_replace_editor":
		switch sub := f.Required("command"); sub {
		case "view":
			a = event.Action{Kind: event.KindFileRead, Path: f.Required(pathKeys...)}
		case "create":
			a = event.Action{Kind: event.KindFileWrite, Path: f.Required(pathKeys...), Content: f.Str(contentKeys...)}
		case "str_replace":
			a = edit(&f)
		case "insert":
			e := event.Edit{New: f.Str(newKeys...)}
			a = event.Action{Kind: event.KindFileEdit, Path: f.Required(pathKeys...), Content: e.New, Edits: []event.Edit{e}}
		case "undo_edit":
			a = event.Action{Kind: event.KindFileEdit, Path: f.Required(pathKeys...)}
		default:
			f.Fail("%s: command %q is not one ward knows", tool, sub)
		}
	case "glob", "grep":
		a = event.Action{Kind: event.KindSearch, Pattern: f.Required("pattern"), Path: f.Str("path")}
	case "web_fetch":
		a = event.Action{Kind: event.KindHTTP, URL: f.Required("url"), Method: "GET"}
	case "task":
		a = event.Action{Kind: event.KindAgent, Prompt: f.Str("prompt")}
	default:
		if server, name, ok := claude.SplitMCP(tool); ok {
			a = event.Action{Kind: event.KindMCP, Server: server, Name: name, Arguments: in}
			if q, ok := adapter.SQLArgument(server, name, in); ok {
				a.Kind, a.SQL = event.KindSQL, q
			}
		} else {
			a = event.Action{Kind: event.KindOther}
		}
	}
	if f.Err != nil {
		return event.Action{}, f.Err
	}
	return a, nil
}

// edit reads a replacement in a file.
func edit(f *fields) event.Action {
	e := event.Edit{Old: f.Str(oldKeys...), New: f.Str(newKeys...)}
	return event.Action{Kind: event.KindFileEdit, Path: f.Required(pathKeys...), Content: e.New, Edits: []event.Edit{e}}
}

// fields reads typed fields of a tool input, remembering the first
// problem.
type fields struct{ adapter.Fields }
