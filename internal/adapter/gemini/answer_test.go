package gemini_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter/gemini"
)

// TestAnswers pins the answers Gemini CLI reads, byte for byte, in
// testdata/answers: one per phase and decision.
func TestAnswers(t *testing.T) {
	pre := &event.Event{Agent: gemini.Agent, Phase: event.PhasePre, Tool: "run_shell_command"}
	output := `{"llmContent":"token s3cr3t-0123456789-value-abcdefghijklmnop ok","returnDisplay":"ok"}`
	post := &event.Event{Agent: gemini.Agent, Phase: event.PhasePost, Tool: "run_shell_command", Output: json.RawMessage(output)}
	start := strings.Index(output, "s3cr3t-")
	secret := []event.Redaction{{Start: start, End: start + 40, ID: "secret.github_pat"}}
	prompt := &event.Event{Agent: gemini.Agent, Phase: event.PhasePrompt}
	session := &event.Event{Agent: gemini.Agent, Phase: event.PhaseSessionStart}
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
		{"pre-allow", pre, allow, 0, "{}: stdout must be JSON, and no decision leaves Gemini CLI's own rules"},
		{"pre-deny", pre, deny, 0, "decision deny with the reason for the model"},
		{"pre-ask", pre, ask, 0, "Gemini CLI cannot ask: a deny that says how to approve"},
		{"pre-killed", pre, killed, 0, "continue false ends the agent loop"},
		{"pre-internal-error", pre, event.Decision{Decision: event.Deny, Rule: event.RuleInternalError, Reason: "internal_error: policy: bad"}, 2,
			"failures exit 2, which blocks with stderr as the reason"},
		{"unreadable", nil, event.Decision{Decision: event.Deny, Rule: event.RuleInvalidInput, Reason: "invalid_input: malformed_json: x"}, 2,
			"no event: exit 2, and a deny on stdout"},
		{"post-allow", post, allow, 0, "{}"},
		{"post-labels", post, event.Decision{Decision: event.Allow, Labels: []string{"untrusted"}}, 0, "labels become context for the model"},
		{"post-redact", post, event.Decision{Decision: event.Allow, Redactions: secret}, 0,
			"tool_output replaces what the model sees: the llmContent with the secret replaced"},
		{"post-block", post, event.Decision{Decision: event.Deny, Rule: "tools.x.result", Reason: "withheld"}, 0,
			"decision deny hides the output; the reason takes its place"},
		{"prompt-block", prompt, event.Decision{Decision: event.Deny, Rule: "secret-in-prompt", Reason: "The prompt carries a secret"}, 0,
			"decision deny refuses the prompt"},
		{"prompt-allow", prompt, allow, 0, "{}"},
		{"session-allow", session, allow, 0, "{}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := gemini.Hook{}.Answer(tc.ev, tc.d)
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
	if got := (gemini.Hook{}).Agent(); got != "gemini-cli" {
		t.Errorf("Agent() = %q", got)
	}
}
