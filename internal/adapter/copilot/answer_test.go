package copilot_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter/copilot"
)

// TestAnswers pins the answers Copilot reads, byte for byte, in
// testdata/answers: one per phase and decision.
func TestAnswers(t *testing.T) {
	pre := &event.Event{Agent: copilot.Agent, Phase: event.PhasePre, Tool: "bash"}
	post := &event.Event{Agent: copilot.Agent, Phase: event.PhasePost, Tool: "bash", Output: json.RawMessage(`{"resultType":"success"}`)}
	prompt := &event.Event{Agent: copilot.Agent, Phase: event.PhasePrompt}
	deny := event.Decision{Decision: event.Deny, Rule: "destroy-critical-dirs", Reason: "Deleting / would destroy the system"}
	ask := event.Decision{Decision: event.Ask, Rule: "git-destructive", Reason: "Force-pushing rewrites shared history"}
	allow := event.Decision{Decision: event.Allow, Rule: "ward.default", Reason: "no rule matched"}
	killed := event.Decision{Decision: event.Deny, Rule: event.RuleSessionKill, Reason: "A person killed this session", Stop: true}
	cases := []struct {
		name   string
		ev     *event.Event
		d      event.Decision
		stderr bool
		why    string
	}{
		{"pre-allow", pre, allow, false, "no decision: Copilot's own rules apply"},
		{"pre-deny", pre, deny, false, "permissionDecision deny with the reason"},
		{"pre-ask", pre, ask, false, "only deny is acted on: a deny that says how to approve"},
		{"pre-killed", pre, killed, false, "no hook can stop Copilot: a deny that says the session was killed"},
		{"pre-internal-error", pre, event.Decision{Decision: event.Deny, Rule: event.RuleInternalError, Reason: "internal_error: policy: bad"}, true,
			"exit 0 with the deny: Copilot skips hooks that exit non-zero"},
		{"unreadable", nil, event.Decision{Decision: event.Deny, Rule: event.RuleInvalidInput, Reason: "invalid_input: malformed_json: x"}, true,
			"no event: the deny, exit 0"},
		{"post-deny", post, deny, false, "postToolUse output is ignored"},
		{"post-redact", post, event.Decision{Decision: event.Allow, Redactions: []event.Redaction{{Start: 1, End: 5, ID: "x"}}}, false,
			"Copilot cannot replace a result: nothing"},
		{"prompt-block", prompt, event.Decision{Decision: event.Deny, Rule: "secret-in-prompt", Reason: "The prompt carries a secret"}, false,
			"userPromptSubmitted output is ignored"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := copilot.Hook{}.Answer(tc.ev, tc.d)
			if a.Exit != 0 {
				t.Errorf("exit %d, want 0: Copilot lets the tool run when a hook exits non-zero", a.Exit)
			}
			if len(a.Stdout) > 0 && !json.Valid(a.Stdout) {
				t.Fatalf("stdout is not JSON: %q", a.Stdout)
			}
			if tc.stderr && !strings.Contains(a.Stderr, tc.d.Reason) || !tc.stderr && a.Stderr != "" {
				t.Errorf("stderr %q: want the reason %v (%s)", a.Stderr, tc.stderr, tc.why)
			}
			golden(t, filepath.Join("testdata", "answers", tc.name+".json"), a.Stdout)
		})
	}
}

func TestHook(t *testing.T) {
	t.Parallel()
	if got := (copilot.Hook{}).Agent(); got != "copilot" {
		t.Errorf("Agent() = %q", got)
	}
}
