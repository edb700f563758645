// Package codex reads OpenAI Codex CLI hook payloads into canonical events
// and writes Codex's answers.
//
// Codex sends the events PreToolUse, PermissionRequest, PostToolUse,
// UserPromptSubmit, SessionStart and Stop, with Claude Code's field names
// (session_id, cwd, hook_event_name, tool_name, tool_input, tool_use_id,
// tool_response, prompt). Shell commands arrive as tool "Bash" with
// tool_input {command}; file changes arrive as tool "apply_patch" with the
// patch in tool_input.command (see [ParsePatch]); MCP tools are named
// mcp__<server>__<tool> and carry their arguments as tool_input.
package codex

import (
	"encoding/json"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/claude"
)

// Agent is the agent name events from Codex carry.
const Agent = "codex"

// payload is the part of a Codex hook payload ward reads. Unknown fields
// (model, permission_mode, turn_id, transcript_path, ...) are ignored.
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

// Decoder decodes Codex payloads.
type Decoder struct{}

var _ adapter.Decoder = Decoder{}

// Decode turns one hook payload into an event. The payload must already
// have passed adapter.Check.
//
// PermissionRequest (Codex is about to ask the person to approve a
// command outside its sandbox) is a pre event like PreToolUse, but never
// has an ID: Answer relies on that to answer it in terms both hooks read.
// Stop ends a turn, not the session; Codex has no session end, so Stop is
// the session_end event, and may come many times in one session.
func (Decoder) Decode(data []byte) (event.Event, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return event.Event{}, adapter.Errorf("malformed_json", "%v", err)
	}
	ev := event.Event{ID: p.ToolUseID, Agent: Agent, Session: p.SessionID, Cwd: p.Cwd}
	switch p.HookEventName {
	case "PreToolUse", "":
		ev.Phase = event.PhasePre
	case "PermissionRequest":
		ev.Phase, ev.ID = event.PhasePre, ""
	case "PostToolUse":
		ev.Phase = event.PhasePost
		ev.Output = p.ToolResponse
	case "UserPromptSubmit":
		if p.Prompt == nil {
			return event.Event{}, adapter.Errorf("unknown_shape", "UserPromptSubmit payload has no prompt")
		}
		ev.Phase, ev.Action = event.PhasePrompt, event.Action{Kind: event.KindPrompt, Prompt: *p.Prompt}
		return ev, nil
	case "SessionStart":
		ev.Phase, ev.Action.Kind = event.PhaseSessionStart, event.KindOther
		return ev, nil
	case "Stop":
		ev.Phase, ev.Action.Kind = event.PhaseSessionEnd, event.KindOther
		return ev, nil
	default:
		return event.Event{}, adapter.Errorf("unknown_shape", "hook event %q is not one ward handles", p.HookEventName)
	}
	if p.ToolName == "" {
		return event.Event{}, adapter.Errorf("unknown_shape", "%s payload has no tool_name", eventName(p.HookEventName))
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

func eventName(n string) string {
	if n == "" {
		return "PreToolUse"
	}
	return n
}

// Action normalizes a Codex tool call.
//
//   - apply_patch, or a shell call Codex turns into one (an argv
//     ["apply_patch", patch], or the heredoc form `apply_patch <<'EOF'
//     ... EOF` with nothing after it): a file change, see [PatchAction].
//     A bare patch given to a shell tool stays a shell command, since
//     bash runs it.
//   - Bash and Codex's other shell tool names (shell, local_shell,
//     exec_command, unified_exec): kind shell; command may be a string or
//     an argv list, which is quoted back into one command line.
//   - spawn_agent: kind agent, with its message or prompt.
//   - everything else as Claude Code names it (claude.Action): MCP tools
//     (mcp__server__tool) become kind mcp or sql, unknown tools kind other.
func Action(tool string, in map[string]any) (event.Action, error) {
	patch, files, ok, err := patchOf(tool, in)
	if err != nil {
		return event.Action{}, err
	}
	if ok {
		if files == nil {
			if files, err = ParsePatch(patch); err != nil {
				return event.Action{}, err
			}
		}
		return PatchAction(files), nil
	}
	switch tool {
	case "Bash", "shell", "local_shell", "exec_command", "unified_exec":
		cmd, err := command(tool, in)
		return event.Action{Kind: event.KindShell, Command: cmd}, err
	case "spawn_agent":
		f := fields{adapter.Fields{Tool: tool, In: in}}
		a := event.Action{Kind: event.KindAgent, Prompt: f.Str("message", "prompt", "task")}
		return a, f.Err
	}
	return claude.Action(tool, in)
}

// command reads a shell tool's command: a string, or an argv list.
func command(tool string, in map[string]any) (string, error) {
	for _, k := range [...]string{"command", "cmd"} {
		switch v := in[k].(type) {
		case nil:
			continue
		case string:
			return v, nil
		case []any:
			argv, err := strs(tool, k, v)
			return joinArgv(argv), err
		default:
			return "", adapter.Errorf("unknown_shape", "%s: %s must be a string or a list of strings, not %s", tool, k, adapter.TypeName(v))
		}
	}
	return "", adapter.Errorf("unknown_shape", "%s: tool_input has no command", tool)
}

func strs(tool, key string, list []any) ([]string, error) {
	out := make([]string, len(list))
	for i, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, adapter.Errorf("unknown_shape", "%s: %s[%d] must be a string, not %s", tool, key, i, adapter.TypeName(v))
		}
		out[i] = s
	}
	return out, nil
}

// joinArgv quotes an argv list into the command line a POSIX shell would
// split back into it, so the shell analyzer sees the same words.
func joinArgv(argv []string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(a))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fields reads typed fields of a tool input, remembering the first
// problem.
type fields struct{ adapter.Fields }
