// Package claude reads Claude Code hook payloads into canonical events.
package claude

import (
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
	input, err := adapter.ToolInput(p.ToolInput)
	if err != nil {
		return event.Event{}, err
	}
	ev.Input = p.ToolInput
	if ev.Action, err = Action(p.ToolName, input); err != nil {
		return event.Event{}, err
	}
	return ev, nil
}

// Action normalizes a Claude Code tool call. Tools it does not know become
// kind "other"; MCP tools (mcp__server__tool) become kind "mcp".
func Action(tool string, in map[string]any) (event.Action, error) {
	f := fields{adapter.Fields{Tool: tool, In: in}}
	var a event.Action
	switch tool {
	case "Bash", "PowerShell":
		a = event.Action{Kind: event.KindShell, Command: f.Required("command")}
	case "Write":
		a = event.Action{Kind: event.KindFileWrite, Path: f.Required("file_path"), Content: f.Str("content")}
	case "Edit":
		e := event.Edit{Old: f.Str("old_string"), New: f.Str("new_string")}
		a = event.Action{Kind: event.KindFileEdit, Path: f.Required("file_path"), Content: e.New, Edits: []event.Edit{e}}
	case "MultiEdit":
		a = event.Action{Kind: event.KindFileEdit, Path: f.Required("file_path")}
		a.Edits = f.edits()
		news := make([]string, len(a.Edits))
		for i, e := range a.Edits {
			news[i] = e.New
		}
		a.Content = strings.Join(news, "\n")
	case "NotebookEdit":
		a = event.Action{Kind: event.KindFileEdit, Path: f.Required("notebook_path"), Content: f.Str("new_source")}
	case "Read":
		a = event.Action{Kind: event.KindFileRead, Path: f.Required("file_path")}
	case "Glob", "Grep":
		a = event.Action{Kind: event.KindSearch, Path: f.Str("path"), Pattern: f.Required("pattern")}
	case "LS":
		a = event.Action{Kind: event.KindSearch, Path: f.Required("path")}
	case "WebFetch":
		a = event.Action{Kind: event.KindHTTP, URL: f.Required("url"), Method: "GET"}
	case "WebSearch":
		a = event.Action{Kind: event.KindSearch, Query: f.Required("query")}
	case "Task", "Agent":
		a = event.Action{Kind: event.KindAgent, Prompt: f.Str("prompt")}
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
	return a, f.Err
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
type fields struct{ adapter.Fields }

func (f *fields) edits() []event.Edit {
	list, ok := f.In["edits"].([]any)
	if !ok {
		if f.Err == nil {
			f.Err = adapter.Errorf("unknown_shape", "%s: edits must be a list", f.Tool)
		}
		return nil
	}
	out := make([]event.Edit, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			if f.Err == nil {
				f.Err = adapter.Errorf("unknown_shape", "%s: edits[%d] must be an object", f.Tool, i)
			}
			continue
		}
		sub := fields{adapter.Fields{Tool: fmt.Sprintf("%s edits[%d]", f.Tool, i), In: m}}
		out = append(out, event.Edit{Old: sub.Str("old_string"), New: sub.Str("new_string")})
		if sub.Err != nil && f.Err == nil {
			f.Err = sub.Err
		}
	}
	return out
}
