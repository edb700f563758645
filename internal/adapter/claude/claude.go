// Package claude reads Claude Code hook payloads into canonical events.
package claude

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
)

// Agent is the agent name events from Claude Code carry.
const Agent = "claude-code"

// payload is the part of a Claude Code hook payload ward reads. Unknown
// fields are ignored: the protocol grows.
type payload struct {
	SessionID     string          `json:"session_id"`
	Cwd           string          `json:"cwd"`
	HookEventName string          `json:"hook_event_name"`
	ToolName      string          `json:"tool_name"`
	ToolInput     json.RawMessage `json:"tool_input"`
	ToolUseID     string          `json:"tool_use_id"`
	ToolResponse  json.RawMessage `json:"tool_response"`
	Prompt        *string         `json:"prompt"`
}

// Decoder decodes Claude Code payloads.
type Decoder struct{}

var _ adapter.Decoder = Decoder{}

// Decode turns one hook payload into an event. The payload must already
// have passed adapter.Check.
func (Decoder) Decode(data []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return event.Event{}, adapter.Errorf("malformed_json", "%v", err)
	}
	ev := event.Event{ID: p.ToolUseID, Agent: Agent, Session: p.SessionID, Cwd: p.Cwd}
	switch p.HookEventName {
	case "PreToolUse", "":
		ev.Phase = event.PhasePre
	case "PostToolUse":
		ev.Phase = event.PhasePost
		ev.Output = p.ToolResponse
	case "UserPromptSubmit":
		ev.Phase = event.PhasePrompt
		if p.Prompt == nil {
			return event.Event{}, adapter.Errorf("unknown_shape", "UserPromptSubmit payload has no prompt")
		}
		ev.Action = event.Action{Kind: event.KindPrompt, Prompt: *p.Prompt}
		return ev, nil
	case "SessionStart":
		ev.Phase, ev.Action.Kind = event.PhaseSessionStart, event.KindOther
		return ev, nil
	case "SessionEnd":
		ev.Phase, ev.Action.Kind = event.PhaseSessionEnd, event.KindOther
		return ev, nil
	default:
		return event.Event{}, adapter.Errorf("unknown_shape", "hook event %q is not one ward handles", p.HookEventName)
	}
	if p.ToolName == "" {
		return event.Event{}, adapter.Errorf("unknown_shape", "%s payload has no tool_name", p.HookEventName)
	}
	ev.Tool = p.ToolName
	input, err := toolInput(p.ToolInput)
	if err != nil {
		return event.Event{}, err
	}
	ev.Input = p.ToolInput
	if ev.Action, err = Action(p.ToolName, input); err != nil {
		return event.Event{}, err
	}
	return ev, nil
}

// toolInput decodes tool_input, which must be an object when present.
func toolInput(raw json.RawMessage) (map[string]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, nil
	}
	if raw[0] != '{' {
		return nil, adapter.Errorf("unknown_shape", "tool_input must be an object")
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, adapter.Errorf("malformed_json", "tool_input: %v", err)
	}
	return m, nil
}

// Action normalizes a Claude Code tool call. Tools it does not know become
// kind "other"; MCP tools (mcp__server__tool) become kind "mcp".
func Action(tool string, in map[string]any) (event.Action, error) {
	f := fields{tool: tool, in: in}
	var a event.Action
	switch tool {
	case "Bash", "PowerShell":
		a = event.Action{Kind: event.KindShell, Command: f.required("command")}
	case "Write":
		a = event.Action{Kind: event.KindFileWrite, Path: f.required("file_path"), Content: f.str("content")}
	case "Edit":
		e := event.Edit{Old: f.str("old_string"), New: f.str("new_string")}
		a = event.Action{Kind: event.KindFileEdit, Path: f.required("file_path"), Content: e.New, Edits: []event.Edit{e}}
	case "MultiEdit":
		a = event.Action{Kind: event.KindFileEdit, Path: f.required("file_path")}
		a.Edits = f.edits()
		news := make([]string, len(a.Edits))
		for i, e := range a.Edits {
			news[i] = e.New
		}
		a.Content = strings.Join(news, "\n")
	case "NotebookEdit":
		a = event.Action{Kind: event.KindFileEdit, Path: f.required("notebook_path"), Content: f.str("new_source")}
	case "Read":
		a = event.Action{Kind: event.KindFileRead, Path: f.required("file_path")}
	case "Glob", "Grep":
		a = event.Action{Kind: event.KindSearch, Path: f.str("path"), Pattern: f.required("pattern")}
	case "LS":
		a = event.Action{Kind: event.KindSearch, Path: f.required("path")}
	case "WebFetch":
		a = event.Action{Kind: event.KindHTTP, URL: f.required("url"), Method: "GET"}
	case "WebSearch":
		a = event.Action{Kind: event.KindSearch, Query: f.required("query")}
	case "Task", "Agent":
		a = event.Action{Kind: event.KindAgent, Prompt: f.str("prompt")}
	default:
		if server, name, ok := SplitMCP(tool); ok {
			a = event.Action{Kind: event.KindMCP, Server: server, Name: name, Arguments: in}
			if q, ok := adapter.SQLArgument(server, name, in); ok {
				a.Kind, a.SQL = event.KindSQL, q
			}
		} else {
			a = event.Action{Kind: event.KindOther}
		}
	}
	return a, f.err
}

// SplitMCP splits an MCP tool name, mcp__<server>__<tool>, into its server
// and tool.
func SplitMCP(tool string) (server, name string, ok bool) {
	rest, found := strings.CutPrefix(tool, "mcp__")
	if !found {
		return "", "", false
	}
	server, name, found = strings.Cut(rest, "__")
	if !found || server == "" || name == "" {
		return "", "", false
	}
	return server, name, true
}

// fields reads typed fields of a tool input, remembering the first
// problem.
type fields struct {
	tool string
	in   map[string]any
	err  error
}

func (f *fields) str(key string) string {
	v, ok := f.in[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok && f.err == nil {
		f.err = adapter.Errorf("unknown_shape", "%s: %s must be a string, not %T", f.tool, key, v)
	}
	return s
}

func (f *fields) required(key string) string {
	if _, ok := f.in[key]; !ok && f.err == nil {
		f.err = adapter.Errorf("unknown_shape", "%s: tool_input has no %s", f.tool, key)
	}
	return f.str(key)
}

func (f *fields) edits() []event.Edit {
	list, ok := f.in["edits"].([]any)
	if !ok {
		if f.err == nil {
			f.err = adapter.Errorf("unknown_shape", "%s: edits must be a list", f.tool)
		}
		return nil
	}
	out := make([]event.Edit, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			if f.err == nil {
				f.err = adapter.Errorf("unknown_shape", "%s: edits[%d] must be an object", f.tool, i)
			}
			continue
		}
		sub := fields{tool: fmt.Sprintf("%s edits[%d]", f.tool, i), in: m}
		out = append(out, event.Edit{Old: sub.str("old_string"), New: sub.str("new_string")})
		if sub.err != nil && f.err == nil {
			f.err = sub.err
		}
	}
	return out
}
