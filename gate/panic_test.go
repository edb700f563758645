package gate

import (
	"context"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

type panicky struct{}

func (panicky) Name() string { return "panicky" }
func (panicky) Analyze(context.Context, *analyze.Subject) error {
	var m map[string]int
	m["boom"]++ // a nil map write: the kind of bug an analyzer can have
	return nil
}

// An analyzer that panics must not crash the process or let the action
// through: the decision is the on_error answer naming the analyzer.
func TestAnalyzerPanicFailsClosed(t *testing.T) {
	g, err := New(Options{Home: "/home/dev", Policy: []PolicySource{}})
	if err != nil {
		t.Fatal(err)
	}
	g.registry = analyze.NewRegistry(panicky{})
	d, err := g.Decide(context.Background(), event.Event{
		Agent: "claude-code", Phase: event.PhasePre, Tool: "Bash",
		Action: event.Action{Kind: event.KindShell, Command: "ls"},
	})
	if err == nil || d.Decision != event.Deny || d.Rule != event.RuleInternalError || !strings.Contains(d.Reason, "panicky") {
		t.Errorf("got %+v, %v; want an internal_error deny naming the analyzer", d, err)
	}
}
