package claude_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter/adaptertest"
	"github.com/agentward/ward/internal/adapter/claude"
)

// TestAnswers pins the answers Claude Code reads, byte for byte, in
// testdata/answers: one per phase and decision.
func TestAnswers(t *testing.T) {
	pre := &event.Event{Agent: claude.Agent, Phase: event.PhasePre, Tool: "Bash"}
	post := &event.Event{Agent: claude.Agent, Phase: event.PhasePost, Tool: "Bash",
		Output: json.RawMessage(`{"stdout":"token s3cr3t-value-0123456789 ok","stderr":""}`)}
	prompt := &event.Event{Agent: claude.Agent, Phase: event.PhasePrompt}
	deny := event.Decision{Decision: event.Deny, Rule: "destroy-critical-dirs", Reason: "Deleting / would destroy the system"}
	ask := event.Decision{Decision: event.Ask, Rule: "git-destructive", Reason: "Force-pushing rewrites shared history"}
	allow := event.Decision{Decision: event.Allow, Rule: "ward.default", Reason: "no rule matched"}
	cases := []struct {
		name string
		ev   *event.Event
		d    event.Decision
		exit int
		why  string
	}{
		{"pre-allow", pre, allow, 0, "no decision: Claude Code's own permission rules apply"},
		{"pre-deny", pre, deny, 0, "permissionDecision deny with the reason for the model"},
		{"pre-ask", pre, ask, 0, "permissionDecision ask prompts the person"},
		{"pre-killed", pre, event.Decision{Decision: event.Deny, Rule: event.RuleSessionKill, Reason: "A person killed this session", Stop: true}, 0, "continue false stops the agent"},
		{"pre-internal-error", pre, event.Decision{Decision: event.Deny, Rule: event.RuleInternalError, Reason: "internal_error: policy: bad"}, 2, "failures exit 2, which blocks even if the JSON were lost"},
		{"unreadable", nil, event.Decision{Decision: event.Deny, Rule: event.RuleInvalidInput, Reason: "invalid_input: malformed_json: x"}, 2, "no event: a top-level block"},
		{"post-allow", post, allow, 0, "nothing to say"},
		{"post-labels", post, event.Decision{Decision: event.Allow, Labels: []string{"untrusted"}}, 0, "labels become context for the model"},
		{"post-redact", post, event.Decision{Decision: event.Allow, Redactions: []event.Redaction{{Start: 17, End: 40, ID: "secret.github_pat"}}}, 0, "the secret is replaced in what the model sees"},
		{"post-block", post, event.Decision{Decision: event.Deny, Rule: "tools.x.result", Reason: "withheld"}, 0, "decision block withholds the output"},
		{"prompt-block", prompt, event.Decision{Decision: event.Deny, Rule: "secret-in-prompt", Reason: "The prompt carries a secret"}, 0, "decision block refuses the prompt"},
		{"prompt-allow", prompt, allow, 0, "nothing to say"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := claude.Hook{}.Answer(tc.ev, tc.d)
			if a.Exit != tc.exit {
				t.Errorf("exit %d, want %d (%s)", a.Exit, tc.exit, tc.why)
			}
			if len(a.Stdout) > 0 && !json.Valid(a.Stdout) {
				t.Fatalf("stdout is not JSON: %q", a.Stdout)
			}
			adaptertest.Golden(t, filepath.Join("testdata", "answers", tc.name+".json"), a.Stdout, *update)
		})
	}
}
