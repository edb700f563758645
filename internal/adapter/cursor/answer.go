package cursor

import (
	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
)

// Hook is Cursor's hook protocol.
type Hook struct{ Decoder }

var _ adapter.Hook = Hook{}

// Agent implements adapter.Hook.
func (Hook) Agent() string { return Agent }

// Answer implements adapter.Hook.
//
// The permission hooks (beforeShellExecution, beforeMCPExecution,
// beforeReadFile) answer {"permission": "allow"|"deny"|"ask",
// "user_message": R, "agent_message": R}. An ordinary allow is written as
// {"permission": "allow"} rather than {}: Cursor reports an answer without
// a permission as invalid, and with failClosed (which ward install sets)
// an invalid answer blocks every call. Cursor does not document whether
// an explicit allow also skips its own approval of commands; if it does,
// this is the one agent where ward's allow is explicit.
//
// beforeReadFile takes only allow and deny, so ask is a deny there, whose
// reason says how a person lets the read happen (adapter.AskAsDeny).
//
// Cursor has no way for a hook to stop the agent: in a killed session
// every permission hook denies with a reason that says so, and a prompt
// is refused.
//
// beforeSubmitPrompt answers {"continue": true|false, "user_message": R}.
// The after hooks and the session hooks only observe: they answer {}.
// Failures exit 2 (a deny for Cursor) with the reason on stderr, plus the
// deny JSON.
func (Hook) Answer(ev *event.Event, d event.Decision) adapter.Answer {
	reason := adapter.Reason(d)
	if ev == nil || d.Rule == event.RuleInternalError || d.Rule == event.RuleInvalidInput {
		a := adapter.Failure(d)
		switch {
		case ev == nil || ev.Phase == event.PhasePre:
			a.Stdout = encode(permission("deny", reason))
		case ev.Phase == event.PhasePrompt:
			a.Stdout = encode(map[string]any{"continue": false, "user_message": reason})
		default:
			a.Stdout = encode(map[string]any{})
		}
		return a
	}
	switch ev.Phase {
	case event.PhasePre:
		switch {
		case !adapter.Explicit(d):
			return adapter.Answer{Stdout: encode(map[string]any{"permission": "allow"})}
		case d.Decision == event.Ask && ev.Tool == ToolRead:
			return adapter.Answer{Stdout: encode(permission("deny", adapter.AskAsDeny(d)))}
		default:
			return adapter.Answer{Stdout: encode(permission(d.Decision.String(), reason))}
		}
	case event.PhasePrompt:
		if !adapter.Explicit(d) {
			return adapter.Answer{Stdout: encode(map[string]any{"continue": true})}
		}
		if d.Decision == event.Ask {
			reason = adapter.AskAsDeny(d)
		}
		return adapter.Answer{Stdout: encode(map[string]any{"continue": false, "user_message": reason})}
	}
	return adapter.Answer{Stdout: encode(map[string]any{})}
}

func permission(p, reason string) map[string]any {
	return map[string]any{"permission": p, "user_message": reason, "agent_message": reason}
}

// encode is one answer line; if it cannot be made, the agent's deny.
func encode(v any) []byte { return adapter.EncodeAnswer(v, `{"permission":"deny"}`) }
