// Package cursor reads Cursor hook payloads into canonical events and
// writes Cursor's answers.
//
// Cursor has one hook per kind of action rather than one per phase, and
// no tool names in most of them; events carry a stable tool name per hook:
//
//	beforeShellExecution {command, cwd}          pre,  tool "shell"
//	afterShellExecution {command, cwd, output}   post, tool "shell"
//	beforeMCPExecution {tool_name, tool_input}   pre,  tool tool_name
//	afterMCPExecution {..., result_json}         post, tool tool_name
//	beforeReadFile {file_path, content}          pre,  tool "read_file"
//	afterFileEdit {file_path, edits}             post, tool "edit_file"
//	beforeSubmitPrompt {prompt}                  prompt
//	sessionStart, sessionEnd                     session_start, session_end
//
// Every payload carries conversation_id (the session), generation_id and
// workspace_roots. Other hooks (the generic preToolUse and postToolUse,
// stop, subagent and Tab hooks) are refused as unknown_shape.
package cursor

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/claude"
)

// Agent is the agent name events from Cursor carry.
const Agent = "cursor"

// The tool names of Cursor's hooks that have none of their own.
const (
	ToolShell = "shell"
	ToolRead  = "read_file"
	ToolEdit  = "edit_file"
)

// payload is the part of a Cursor hook payload ward reads. Unknown fields
// (generation_id, model, cursor_version, user_email, attachments, the
// content of a file about to be read, ...) are ignored.
type payload struct {
	HookEventName  string          `json:"hook_event_name"`
	ConversationID string          `json:"conversation_id"`
	SessionID      string          `json:"session_id"`
	WorkspaceRoots []string        `json:"workspace_roots"`
	Command        *string         `json:"command"`
	Cwd            string          `json:"cwd"`
	Output         json.RawMessage `json:"output"`
	ToolName       string          `json:"tool_name"`
	ToolInput      json.RawMessage `json:"tool_input"`
	URL            string          `json:"url"`
	ResultJSON     json.RawMessage `json:"result_json"`
	FilePath       *string         `json:"file_path"`
	Edits          []edit          `json:"edits"`
	Prompt         *string         `json:"prompt"`
}

type edit struct {
	Old string `json:"old_string"`
	New string `json:"new_string"`
}

// Decoder decodes Cursor payloads.
type Decoder struct{}

var _ adapter.Decoder = Decoder{}

// Decode turns one hook payload into an event. The payload must already
// have passed adapter.Check.
//
// The session is conversation_id (session_id where a hook has no
// conversation). The working directory is the shell hooks' cwd, and
// otherwise the first workspace root. Cursor gives no call ids, so events
// have none. Hooks without a tool_input get one made of the fields that
// describe the action ({command, cwd}, {file_path}, {file_path, edits}),
// so that policies can match an input for every tool.
func (Decoder) Decode(data []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return event.Event{}, adapter.Errorf("malformed_json", "%v", err)
	}
	ev := event.Event{Agent: Agent, Session: p.ConversationID, Cwd: p.Cwd}
	if ev.Session == "" {
		ev.Session = p.SessionID
	}
	if ev.Cwd == "" && len(p.WorkspaceRoots) > 0 {
		ev.Cwd = p.WorkspaceRoots[0]
	}
	var err error
	switch p.HookEventName {
	case "beforeShellExecution", "afterShellExecution":
		if p.Command == nil {
			return event.Event{}, adapter.Errorf("unknown_shape", "%s payload has no command", p.HookEventName)
		}
		ev.Phase, ev.Tool = event.PhasePre, ToolShell
		ev.Action = event.Action{Kind: event.KindShell, Command: *p.Command}
		ev.Input = mustJSON(map[string]string{"command": *p.Command, "cwd": p.Cwd})
		if p.HookEventName == "afterShellExecution" {
			ev.Phase, ev.Output = event.PhasePost, rawOrNil(p.Output)
		}
	case "beforeMCPExecution", "afterMCPExecution":
		if p.ToolName == "" {
			return event.Event{}, adapter.Errorf("unknown_shape", "%s payload has no tool_name", p.HookEventName)
		}
		var in map[string]any
		if ev.Input, in, err = toolInput(p.ToolInput); err != nil {
			return event.Event{}, err
		}
		server := p.URL
		if p.Command != nil {
			server = *p.Command
		}
		ev.Phase, ev.Tool, ev.Action = event.PhasePre, p.ToolName, MCPAction(p.ToolName, server, in)
		if p.HookEventName == "afterMCPExecution" {
			ev.Phase, ev.Output = event.PhasePost, resultJSON(p.ResultJSON)
		}
	case "beforeReadFile":
		if p.FilePath == nil || *p.FilePath == "" {
			return event.Event{}, adapter.Errorf("unknown_shape", "beforeReadFile payload has no file_path")
		}
		ev.Phase, ev.Tool = event.PhasePre, ToolRead
		ev.Action = event.Action{Kind: event.KindFileRead, Path: *p.FilePath}
		ev.Input = mustJSON(map[string]string{"file_path": *p.FilePath})
	case "afterFileEdit":
		if p.FilePath == nil || *p.FilePath == "" {
			return event.Event{}, adapter.Errorf("unknown_shape", "afterFileEdit payload has no file_path")
		}
		ev.Phase, ev.Tool = event.PhasePost, ToolEdit
		ev.Action = event.Action{Kind: event.KindFileEdit, Path: *p.FilePath}
		news := make([]string, 0, len(p.Edits))
		for _, e := range p.Edits {
			ev.Action.Edits = append(ev.Action.Edits, event.Edit(e))
			news = append(news, e.New)
		}
		ev.Action.Content = strings.Join(news, "\n")
		ev.Input = mustJSON(map[string]any{"file_path": *p.FilePath, "edits": p.Edits})
	case "beforeSubmitPrompt":
		if p.Prompt == nil {
			return event.Event{}, adapter.Errorf("unknown_shape", "beforeSubmitPrompt payload has no prompt")
		}
		ev.Phase, ev.Action = event.PhasePrompt, event.Action{Kind: event.KindPrompt, Prompt: *p.Prompt}
	case "sessionStart":
		ev.Phase, ev.Action.Kind = event.PhaseSessionStart, event.KindOther
	case "sessionEnd":
		ev.Phase, ev.Action.Kind = event.PhaseSessionEnd, event.KindOther
	default:
		return event.Event{}, adapter.Errorf("unknown_shape", "hook event %q is not one ward handles", p.HookEventName)
	}
	return ev, nil
}

// toolInput decodes an MCP tool_input, which Cursor sends as an object or
// as a string holding the object's JSON. It returns the object's JSON,
// which is the event's input either way.
func toolInput(raw json.RawMessage) (json.RawMessage, map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, map[string]any{}, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, nil, adapter.Errorf("malformed_json", "tool_input: %v", err)
		}
		raw = bytes.TrimSpace([]byte(s))
		if len(raw) == 0 {
			return nil, map[string]any{}, nil
		}
		if !json.Valid(raw) {
			return nil, nil, adapter.Errorf("malformed_json", "tool_input is a string that is not JSON")
		}
		if err := adapter.Check(raw); err != nil {
			return nil, nil, err
		}
	}
	if raw[0] != '{' {
		return nil, nil, adapter.Errorf("unknown_shape", "tool_input must be an object, or a string holding one")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, adapter.Errorf("malformed_json", "tool_input: %v", err)
	}
	return json.RawMessage(raw), m, nil
}

// MCPAction normalizes an MCP call. Cursor names the tool in one of three
// ways: the bare tool name, "MCP:<server>:<tool>", or Claude Code's
// "mcp__<server>__<tool>"; the server's name is known only in the last
// two. Calls to database tools become kind sql (adapter.SQLArgument):
// with a bare name, the server's command or URL (the command and url
// fields of the payload, given as via) tells whether it is a database.
func MCPAction(tool, via string, args map[string]any) event.Action {
	server, name, ok := claude.SplitMCP(tool)
	if !ok {
		server, name = "", tool
		if rest, found := strings.CutPrefix(tool, "MCP:"); found {
			if s, n, found := strings.Cut(rest, ":"); found && s != "" && n != "" {
				server, name = s, n
			}
		}
	}
	a := event.Action{Kind: event.KindMCP, Server: server, Name: name, Arguments: args}
	hint := server
	if hint == "" {
		hint = via
	}
	if q, ok := adapter.SQLArgument(hint, name, args); ok {
		a.Kind, a.SQL = event.KindSQL, q
	}
	return a
}

// resultJSON is an MCP result: Cursor sends it as a string holding JSON,
// which becomes the output itself; any other string or value is kept as
// it came.
func resultJSON(raw json.RawMessage) json.RawMessage {
	raw = rawOrNil(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return raw
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return raw
	}
	if inner := bytes.TrimSpace([]byte(s)); len(inner) > 0 && json.Valid(inner) && adapter.Check(inner) == nil {
		return json.RawMessage(inner)
	}
	return raw
}

func rawOrNil(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

// mustJSON encodes the input ward makes up for a hook without one. Only
// strings and edits go in, which always encode.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}
