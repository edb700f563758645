// Package gemini reads Gemini CLI hook payloads into canonical events and
// writes Gemini CLI's answers.
//
// Gemini CLI sends session_id, cwd, hook_event_name and, for tool events,
// tool_name and tool_input (AfterTool adds tool_response). The events ward
// reads are BeforeTool (pre), AfterTool (post), BeforeAgent (prompt),
// SessionStart and SessionEnd. The model events (BeforeModel, AfterModel,
// BeforeToolSelection), AfterAgent, Notification and PreCompress carry no
// action ward judges: they are refused as unknown_shape, and ward's hook
// must not be registered for them.
package gemini

import (
	"encoding/json"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/claude"
)

// Agent is the agent name events from Gemini CLI carry.
const Agent = "gemini-cli"

// payload is the part of a Gemini CLI hook payload ward reads. Unknown
// fields (transcript_path, timestamp, mcp_context, ...) are ignored.
type payload struct {
	SessionID     string          `json:"session_id"`
	Cwd           string          `json:"cwd"`
	HookEventName string          `json:"hook_event_name"`
	ToolName      string          `json:"tool_name"`
	ToolInput     json.RawMessage `json:"tool_input"`
	ToolResponse  json.RawMessage `json:"tool_response"`
	Prompt        *string         `json:"prompt"`
}

// Decoder decodes Gemini CLI payloads.
type Decoder struct{}

var _ adapter.Decoder = Decoder{}

// Decode turns one hook payload into an event. The payload must already
// have passed adapter.Check. Gemini CLI gives tool calls no id, so events
// have none.
func (Decoder) Decode(data []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return event.Event{}, adapter.Errorf("malformed_json", "%v", err)
	}
	ev := event.Event{Agent: Agent, Session: p.SessionID, Cwd: p.Cwd}
	switch p.HookEventName {
	case "BeforeTool", "":
		ev.Phase = event.PhasePre
	case "AfterTool":
		ev.Phase = event.PhasePost
		ev.Output = p.ToolResponse
	case "BeforeAgent":
		if p.Prompt == nil {
			return event.Event{}, adapter.Errorf("unknown_shape", "BeforeAgent payload has no prompt")
		}
		ev.Phase, ev.Action = event.PhasePrompt, event.Action{Kind: event.KindPrompt, Prompt: *p.Prompt}
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

// Action normalizes a Gemini CLI tool call. Gemini CLI has renamed tools
// and parameters over time; Action reads the names of both generations:
//
//	run_shell_command {command}                       shell
//	read_file {file_path | absolute_path | path}      file.read
//	read_many_files {paths | include: [...]}          file.read of the first entry
//	write_file {file_path, content}                   file.write
//	replace {file_path, old_string, new_string}       file.edit
//	list_directory {dir_path | path}                  search
//	glob, grep_search, search_file_content
//	  {pattern, dir_path | path}                      search
//	web_fetch {url} or {prompt}                       http GET of the first http(s) URL
//	                                                  in the prompt; other when none
//	google_web_search {query}                         search
//	mcp__<server>__<tool>                             mcp, or sql (adapter.SQLArgument)
//
// Any other tool is kind other.
func Action(tool string, in map[string]any) (event.Action, error) {
	f := fields{adapter.Fields{Tool: tool, In: in}}
	var a event.Action
	switch tool {
	case "run_shell_command":
		a = event.Action{Kind: event.KindShell, Command: f.Required("command")}
	case "read_file":
		a = event.Action{Kind: event.KindFileRead, Path: f.Required("file_path", "absolute_path", "path")}
	case "read_many_files":
		a = event.Action{Kind: event.KindFileRead, Path: f.first("paths", "include")}
	case "write_file":
		a = event.Action{Kind: event.KindFileWrite, Path: f.Required("file_path", "absolute_path", "path"), Content: f.Str("content")}
	case "replace":
		e := event.Edit{Old: f.Str("old_string"), New: f.Str("new_string")}
		a = event.Action{Kind: event.KindFileEdit, Path: f.Required("file_path", "absolute_path", "path"), Content: e.New, Edits: []event.Edit{e}}
	case "list_directory":
		a = event.Action{Kind: event.KindSearch, Path: f.Required("dir_path", "path")}
	case "glob", "grep_search", "search_file_content":
		a = event.Action{Kind: event.KindSearch, Pattern: f.Required("pattern"), Path: f.Str("dir_path", "path")}
	case "web_fetch":
		u := f.Str("url")
		if u == "" {
			u = FirstURL(f.Str("prompt"))
		}
		a = event.Action{Kind: event.KindOther}
		if u != "" {
			a = event.Action{Kind: event.KindHTTP, URL: u, Method: "GET"}
		}
	case "google_web_search":
		a = event.Action{Kind: event.KindSearch, Query: f.Required("query")}
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
	return a, f.Err
}

// FirstURL returns the first http or https URL in a web_fetch prompt, or
// "" when there is none. It reads the prompt as Gemini CLI does: words
// split at white space, and a word is a URL when it starts with http://
// or https:// (in any case). Gemini CLI fetches every URL in the prompt
// (up to 20); an action has room for one.
func FirstURL(prompt string) string {
	for _, w := range strings.Fields(prompt) {
		for _, scheme := range [...]string{"http://", "https://"} {
			if len(w) > len(scheme) && strings.EqualFold(w[:len(scheme)], scheme) {
				return w
			}
		}
	}
	return ""
}

// fields reads typed fields of a tool input, remembering the first
// problem.
type fields struct{ adapter.Fields }

// first returns the first entry of the first of keys that is a list of
// strings (or a string); one of them is required.
func (f *fields) first(keys ...string) string {
	for _, k := range keys {
		switch v := f.In[k].(type) {
		case nil:
			continue
		case string:
			return v
		case []any:
			for i, item := range v {
				if _, ok := item.(string); !ok {
					f.Fail("%s: %s[%d] must be a string, not %s", f.Tool, k, i, adapter.TypeName(item))
					return ""
				}
			}
			if len(v) == 0 {
				f.Fail("%s: %s is empty", f.Tool, k)
				return ""
			}
			return v[0].(string)
		default:
			f.Fail("%s: %s must be a list of strings, not %s", f.Tool, k, adapter.TypeName(v))
			return ""
		}
	}
	f.Fail("%s: tool_input has no %s", f.Tool, strings.Join(keys, " or "))
	return ""
}
