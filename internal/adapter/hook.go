package adapter

import (
	"strings"

	"github.com/agentward/ward/event"
)

// Hook is one agent's hook protocol: it reads the agent's payloads and
// writes its answers. Each agent's subpackage has one.
type Hook interface {
	Decoder
	// Agent is the name events from this agent carry, and what
	// `ward hook --agent` takes.
	Agent() string
	// Answer is the native answer to a decision on ev. ev is nil when the
	// payload could not be read at all; the answer must then still deny
	// in the agent's terms.
	Answer(ev *event.Event, d event.Decision) Answer
}

// Answer is what a hook process writes and how it exits.
type Answer struct {
	// Stdout is the answer the agent parses, and nothing else: empty
	// when the agent should apply its own permission rules.
	Stdout []byte
	// Stderr is shown to the person or the model by agents that read it
	// (with exit code 2, most agents block and pass it on).
	Stderr string
	Exit   int
}

// Explicit reports whether a decision should be given to the agent as a
// decision. An ordinary allow is not: giving no decision lets the agent's
// own permission rules still apply, where an explicit allow would skip
// them.
func Explicit(d event.Decision) bool {
	return d.Decision != event.Allow
}

// Reason is the text the agent and the person see for a decision: ward's
// reason, the rule, and for decisions ward made up a note of how.
func Reason(d event.Decision) string {
	var b strings.Builder
	b.WriteString("ward: ")
	b.WriteString(d.Reason)
	if d.Rule != "" {
		b.WriteString(" [" + d.Rule + "]")
	}
	return b.String()
}

// AskAsDeny is the reason of an ask for agents that cannot ask a person:
// the action is denied, and the reason says how a person lets it run.
func AskAsDeny(d event.Decision) string {
	return Reason(d) + " — ward would ask a person about this, and this agent cannot ask; " +
		"a person can run it themselves, or allow it in the policy (ward explain shows the rule)"
}

// Failure is the answer of agents whose protocol blocks on exit code 2:
// the reason on stderr, exit 2. Adapters add their JSON deny to Stdout
// where the agent reads JSON.
func Failure(d event.Decision) Answer {
	return Answer{Stderr: Reason(d) + "\n", Exit: 2}
}
