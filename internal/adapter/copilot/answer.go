package copilot

import (
	"encoding/json"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
)

// Hook is Copilot's hook protocol.
type Hook struct{ Decoder }

var _ adapter.Hook = Hook{}

// Agent implements adapter.Hook.
func (Hook) Agent() string { return Agent }

// Answer implements adapter.Hook.
//
// Copilot acts on one answer only: preToolUse's {"permissionDecision":
// "deny", "permissionDecisionReason": R}. The coding agent processes
// nothing but deny, so ask is a deny whose reason says how a person lets
// the action run (adapter.AskAsDeny), and an ordinary allow writes
// nothing. Copilot has no way for a hook to stop the agent: in a killed
// session every tool call is denied with a reason that says so. The
// output of the other hooks is ignored, so they write nothing.
//
// Copilot treats a hook that exits non-zero as failed, logs it and goes
// on: exit 2 would let the tool run. A failure therefore exits 0 with the
// deny on stdout, and the reason also on stderr for Copilot's log; this
// is the one adapter whose failures do not exit 2.
func (Hook) Answer(ev *event.Event, d event.Decision) adapter.Answer {
	if ev == nil || d.Rule == event.RuleInternalError || d.Rule == event.RuleInvalidInput {
		a := adapter.Failure(d)
		a.Exit = 0
		a.Stdout = deny(adapter.Reason(d))
		return a
	}
	if ev.Phase != event.PhasePre || !adapter.Explicit(d) {
		return adapter.Answer{}
	}
	reason := adapter.Reason(d)
	if d.Decision == event.Ask {
		reason = adapter.AskAsDeny(d)
	}
	return adapter.Answer{Stdout: deny(reason)}
}

func deny(reason string) []byte {
	b, err := json.Marshal(map[string]string{"permissionDecision": "deny", "permissionDecisionReason": reason})
	if err != nil {
		// A map of strings always encodes; if it did not, a bare deny
		// still blocks.
		return []byte(`{"permissionDecision":"deny"}` + "\n")
	}
	return append(b, '\n')
}
