package codex_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter/codex"
)

// TestAnswers pins the answers Codex reads, byte for byte, in
// testdata/answers: one per phase and decision.
func TestAnswers(t *testing.T) {
	pre := &event.Event{ID: "call_01", Agent: codex.Agent, Phase: event.PhasePre, Tool: "Bash"}
	permission := &event.Event{Agent: codex.Agent, Phase: event.PhasePre, Tool: "Bash"}
	post := &event.Event{ID: "call_01", Agent: codex.Agent, Phase: event.PhasePost, Tool: "Bash",
		Output: json.RawMessage(`"token s3cr3t-0123456789-value-abcdefghijklmnop ok"`)}
	prompt := &event.Event{Agent: codex.Agent, Phase: event.PhasePrompt}
	start := &event.Event{Agent: codex.Agent, Phase: event.PhaseSessionStart}
	stop := &event.Event{Agent: codex.Agent, Phase: event.PhaseSessionEnd}
	deny := event.Decision{Decision: event.Deny, Rule: "destroy-critical-dirs", Reason: "Deleting / would destroy the system"}
	ask := event.Decision{Decision: event.Ask, Rule: "git-destructive", Reason: "Force-pushing rewrites shared history"}
	allow := event.Decision{Decision: event.Allow, Rule: "ward.default", Reason: "no rule matched"}
	killed := event.Decision{Decision: event.Deny, Rule: event.RuleSessionKill, Reason: "A person killed this session", Stop: true}
	internal := event.Decision{Decision: event.Deny, Rule: event.RuleInternalError, Reason: "internal_error: policy: bad"}
	cases := []struct {
		name string
		ev   *event.Event
		d    event.Decision
		exit int
		why  string
	}{
		{"pre-allow", pre, allow, 0, "no decision: Codex's own approval rules apply"},
		{"pre-deny", pre, deny, 0, "permissionDecision deny with the reason for the model"},
		{"pre-ask", pre, ask, 0, "Codex refuses permissionDecision ask (and then runs the tool): a deny that says how to approve"},
		{"pre-killed", pre, killed, 0, "Codex refuses continue:false on PreToolUse: a deny"},
		{"pre-internal-error", pre, internal, 2, "failures exit 2, which blocks even if the JSON were refused"},
		{"permission-allow", permission, allow, 0, "nothing: the person approves or not, as Codex does by default"},
		{"permission-deny", permission, deny, 2, "exit 2 + stderr is a deny for both PermissionRequest and PreToolUse"},
		{"permission-ask", permission, ask, 2, "a deny that says how to approve"},
		{"unreadable", nil, event.Decision{Decision: event.Deny, Rule: event.RuleInvalidInput, Reason: "invalid_input: malformed_json: x"}, 2,
			"no event: exit 2 and a legacy block"},
		{"post-allow", post, allow, 0, "nothing to say"},
		{"post-labels", post, event.Decision{Decision: event.Allow, Labels: []string{"untrusted"}}, 0, "labels become context for the model"},
		{"post-redact", post, event.Decision{Decision: event.Allow, Redactions: []event.Redaction{{Start: 7, End: 47, ID: "secret.github_pat"}}}, 0,
			"Codex cannot replace output: the model is told not to repeat the secret"},
		{"post-block", post, event.Decision{Decision: event.Deny, Rule: "tools.x.result", Reason: "withheld"}, 0, "decision block"},
		{"post-killed", post, killed, 0, "continue false stops Codex"},
		{"prompt-block", prompt, event.Decision{Decision: event.Deny, Rule: "secret-in-prompt", Reason: "The prompt carries a secret"}, 0,
			"decision block refuses the prompt"},
		{"prompt-allow", prompt, allow, 0, "nothing to say"},
		{"session-start-allow", start, allow, 0, "nothing to say"},
		{"session-start-killed", start, killed, 0, "continue false"},
		{"stop-internal-error", stop, internal, 0, "exit 2 on Stop would make Codex go on working: stderr only"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := codex.Hook{}.Answer(tc.ev, tc.d)
			if a.Exit != tc.exit {
				t.Errorf("exit %d, want %d (%s)", a.Exit, tc.exit, tc.why)
			}
			if len(a.Stdout) > 0 && !json.Valid(a.Stdout) {
				t.Fatalf("stdout is not JSON: %q", a.Stdout)
			}
			if (a.Exit != 0 || tc.d.Rule == event.RuleInternalError) && !strings.Contains(a.Stderr, tc.d.Reason) {
				t.Errorf("stderr %q does not give the reason", a.Stderr)
			}
			golden(t, filepath.Join("testdata", "answers", tc.name+".json"), a.Stdout)
		})
	}
}

func TestHook(t *testing.T) {
	t.Parallel()
	if got := (codex.Hook{}).Agent(); got != "codex" {
		t.Errorf("Agent() = %q", got)
	}
}
