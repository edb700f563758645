package cursor_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter/cursor"
)

// TestAnswers pins the answers Cursor reads, byte for byte, in
// testdata/answers: one per kind of hook and decision.
func TestAnswers(t *testing.T) {
	shell := &event.Event{Agent: cursor.Agent, Phase: event.PhasePre, Tool: cursor.ToolShell}
	read := &event.Event{Agent: cursor.Agent, Phase: event.PhasePre, Tool: cursor.ToolRead}
	post := &event.Event{Agent: cursor.Agent, Phase: event.PhasePost, Tool: cursor.ToolShell, Output: json.RawMessage(`"ok"`)}
	prompt := &event.Event{Agent: cursor.Agent, Phase: event.PhasePrompt}
	session := &event.Event{Agent: cursor.Agent, Phase: event.PhaseSessionStart}
	deny := event.Decision{Decision: event.Deny, Rule: "destroy-critical-dirs", Reason: "Deleting / would destroy the system"}
	ask := event.Decision{Decision: event.Ask, Rule: "git-destructive", Reason: "Force-pushing rewrites shared history"}
	allow := event.Decision{Decision: event.Allow, Rule: "ward.default", Reason: "no rule matched"}
	killed := event.Decision{Decision: event.Deny, Rule: event.RuleSessionKill, Reason: "A person killed this session", Stop: true}
	cases := []struct {
		name string
		ev   *event.Event
		d    event.Decision
		exit int
		why  string
	}{
		{"shell-allow", shell, allow, 0, "an explicit allow: Cursor refuses an answer without a permission"},
		{"shell-deny", shell, deny, 0, "permission deny, with the reason for the person and the model"},
		{"shell-ask", shell, ask, 0, "permission ask prompts the person"},
		{"shell-killed", shell, killed, 0, "no hook can stop Cursor: a deny that says the session was killed"},
		{"shell-internal-error", shell, event.Decision{Decision: event.Deny, Rule: event.RuleInternalError, Reason: "internal_error: policy: bad"}, 2,
			"failures exit 2, a deny for Cursor"},
		{"unreadable", nil, event.Decision{Decision: event.Deny, Rule: event.RuleInvalidInput, Reason: "invalid_input: malformed_json: x"}, 2,
			"no event: exit 2 and a permission deny"},
		{"read-allow", read, allow, 0, "an explicit allow"},
		{"read-deny", read, deny, 0, "permission deny"},
		{"read-ask", read, ask, 0, "beforeReadFile cannot ask: a deny that says how to approve"},
		{"post-deny", post, deny, 0, "after hooks only observe: {}"},
		{"post-internal-error", post, event.Decision{Decision: event.Deny, Rule: event.RuleInternalError, Reason: "internal_error: x"}, 2,
			"failures exit 2 with {} on stdout"},
		{"prompt-allow", prompt, allow, 0, "continue true"},
		{"prompt-block", prompt, event.Decision{Decision: event.Deny, Rule: "secret-in-prompt", Reason: "The prompt carries a secret"}, 0,
			"continue false refuses the prompt"},
		{"prompt-ask", prompt, ask, 0, "a prompt cannot be asked about: refused, saying how to approve"},
		{"prompt-killed", prompt, killed, 0, "a killed session refuses prompts"},
		{"session-allow", session, allow, 0, "{}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := cursor.Hook{}.Answer(tc.ev, tc.d)
			if a.Exit != tc.exit {
				t.Errorf("exit %d, want %d (%s)", a.Exit, tc.exit, tc.why)
			}
			if !json.Valid(a.Stdout) {
				t.Fatalf("stdout is not JSON: %q", a.Stdout)
			}
			if a.Exit != 0 && !strings.Contains(a.Stderr, tc.d.Reason) {
				t.Errorf("stderr %q does not give the reason", a.Stderr)
			}
			golden(t, filepath.Join("testdata", "answers", tc.name+".json"), a.Stdout)
		})
	}
}

func TestHook(t *testing.T) {
	t.Parallel()
	if got := (cursor.Hook{}).Agent(); got != "cursor" {
		t.Errorf("Agent() = %q", got)
	}
}
