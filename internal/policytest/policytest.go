// Package policytest runs the examples written into policy rules through
// the whole decision path, in a fixed environment, and reports which ones
// do not come out the way their rule says.
package policytest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/adapter/claude"
	"github.com/agentward/ward/internal/policy"
)

// The environment examples run in, whatever machine runs them: paths in
// examples are written with "~" or relative to the project.
const (
	Home      = "/home/user"
	Project   = Home + "/project"
	WardHome  = Home + "/.ward"
	Workspace = Project
)

// Result is the outcome of one example.
type Result struct {
	Rule    string
	Origin  string
	Example policy.Example
	// Got is the decision the whole policy gave; Matched says whether the
	// example's own rule matched it.
	Got     event.Decision
	Matched bool
	Pass    bool
	// Problem explains a failure.
	Problem string
}

// Run runs every example of every rule of the policy made from sources.
// An example passes when its rule matches it if the listed decision is
// the rule's own, and does not match it otherwise.
func Run(ctx context.Context, sources []gate.PolicySource, pol *policy.Policy) ([]Result, error) {
	labels := sessionLabels{}
	g, err := gate.New(gate.Options{
		Home: Home, WardHome: WardHome, Policy: sources, NoProjectPolicy: true,
		Sessions:  labels,
		Workspace: workspace,
		// An empty layer list still means the default user layer; keep it.
	})
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, ri := range pol.Rules() {
		for i, ex := range ri.Examples {
			session := fmt.Sprintf("example:%s:%d", ri.ID, i)
			labels[session] = ex.Labels
			out = append(out, runOne(ctx, g, ri, ex, session))
		}
	}
	return out, nil
}

func runOne(ctx context.Context, g *gate.Gate, ri policy.RuleInfo, ex policy.Example, session string) Result {
	res := Result{Rule: ri.ID, Origin: ri.Origin.String(), Example: ex}
	ev, err := exampleEvent(ex, session)
	if err != nil {
		res.Problem = err.Error()
		return res
	}
	d, trace, err := g.Explain(ctx, ev)
	res.Got = d
	if err != nil {
		res.Problem = fmt.Sprintf("deciding failed: %v", err)
		return res
	}
	for _, rr := range trace.Rules {
		if rr.Rule == ri.ID && rr.Matched && rr.Origin == ri.Origin.String() {
			res.Matched = true
		}
	}
	wantMatch := ex.Want == ri.Decision
	switch {
	case wantMatch && !res.Matched:
		res.Problem = fmt.Sprintf("listed as %s, but the rule does not match it (decision: %s by %s)", ex.Want, d.Decision, d.Rule)
	case !wantMatch && res.Matched:
		res.Problem = fmt.Sprintf("listed as %s, but the rule (decision %s) matches it", ex.Want, ri.Decision)
	default:
		res.Pass = true
	}
	return res
}

// exampleEvent builds the event an example stands for, through the same
// adapter the agent's hook uses.
func exampleEvent(ex policy.Example, session string) (event.Event, error) {
	if ex.Agent != "" && ex.Agent != claude.Agent {
		return event.Event{}, fmt.Errorf("examples for agent %q are not supported yet; use claude-code's tool names", ex.Agent)
	}
	cwd := ex.Cwd
	switch {
	case cwd == "":
		cwd = Project
	case cwd == "~" || strings.HasPrefix(cwd, "~/"):
		cwd = Home + cwd[1:]
	}
	hook := "PreToolUse"
	switch ex.Phase {
	case event.PhasePost:
		hook = "PostToolUse"
	case event.PhasePrompt:
		hook = "UserPromptSubmit"
	}
	input := ex.Input
	if input == nil {
		input = map[string]any{}
	}
	payload := map[string]any{
		"session_id": session, "cwd": cwd, "hook_event_name": hook,
		"tool_name": ex.Tool, "tool_input": input,
	}
	if ex.Output != nil {
		payload["tool_response"] = ex.Output
	}
	if ex.Phase == event.PhasePrompt {
		payload["prompt"], _ = input["prompt"].(string)
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return event.Event{}, fmt.Errorf("example input: %w", err)
	}
	return claude.Decoder{}.Decode(data)
}

// workspace is the project root of the example environment.
func workspace(cwd string) string {
	if cwd == Project || strings.HasPrefix(cwd, Project+"/") {
		return Project
	}
	return cwd
}

// sessionLabels gives each example's session the labels it lists.
type sessionLabels map[string][]string

func (s sessionLabels) Labels(_ context.Context, session string) ([]string, error) {
	return s[session], nil
}
