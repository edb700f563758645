package policytest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/internal/policy/presets"
	"github.com/agentward/ward/internal/policytest"
)

// compileAll compiles a policy that brings in every preset, so that every
// rule ward ships is in it.
func compileAll(t *testing.T) ([]gate.PolicySource, *policy.Policy) {
	t.Helper()
	src := "version: 1\nextends: [" + strings.Join(presets.Names(), ", ") + "]\n"
	sources := []gate.PolicySource{{Layer: "user", Name: "all.yaml", Data: []byte(src)}}
	pol, err := policy.Compile([]policy.Source{{Layer: policy.LayerUser, Name: "all.yaml", Data: []byte(src)}}, policy.Options{Eager: true})
	if err != nil {
		t.Fatal(err)
	}
	return sources, pol
}

// Every rule ward ships shows, by example, one action it stops and one it
// lets through; and every example comes out as written.
func TestShippedRulesHaveExamples(t *testing.T) {
	t.Parallel()
	sources, pol := compileAll(t)
	checked := 0
	for _, ri := range pol.Rules() {
		if sessionOnly(ri) {
			continue // gate's session tests run these through sequences of events
		}
		checked++
		var stop, pass int
		for _, ex := range ri.Examples {
			if ex.Want == event.Allow {
				pass++
			} else {
				stop++
			}
		}
		if stop == 0 || pass == 0 {
			t.Errorf("rule %s (%s) has %d deny/ask and %d allow examples; it needs at least one of each", ri.ID, ri.Origin, stop, pass)
		}
	}
	results, err := policytest.Run(context.Background(), sources, pol)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 2*checked {
		t.Errorf("%d results for %d rules", len(results), checked)
	}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s: example %s at %s: %s", r.Rule, r.Example.Tool, r.Example.Pos, r.Problem)
		}
	}
}

// sessionOnly reports whether a rule can only be shown by a sequence of
// events: a limit, or a rule on values seen in earlier outputs.
func sessionOnly(ri policy.RuleInfo) bool {
	return ri.Limit != nil || len(ri.Match.Finding) == 1 && ri.Match.Finding[0] == "flow.value_leak"
}

func TestWrongExamplesFail(t *testing.T) {
	t.Parallel()
	src := `version: 1
extends: []
rules:
  - id: no-rm
    match: {kind: shell, command: [rm]}
    decision: deny
    reason: r
    examples:
      deny: [{tool: Bash, input: {command: "ls"}}]
      allow: [{tool: Bash, input: {command: "rm x"}}]
      ask: [{tool: Bash, input: {command: "rm y"}}]
`
	results := runUser(t, src)
	n := 0
	for _, r := range results {
		if r.Rule != "no-rm" {
			continue
		}
		n++
		if r.Pass {
			t.Errorf("example %v passed; it contradicts its rule", r.Example.Input)
		}
	}
	if n != 3 {
		t.Errorf("%d results for no-rm, want 3", n)
	}
}

func TestExampleLabelsAndCwd(t *testing.T) {
	t.Parallel()
	src := `version: 1
extends: []
tools:
  "mcp__slack__*": {call: block_when_untrusted}
rules:
  - id: tmp-only
    match: {kind: shell, path: {class: [temp], op: [write]}}
    decision: ask
    reason: r
    examples:
      ask: [{tool: Bash, input: {command: "touch ../x"}, cwd: /tmp/job}]
      allow: [{tool: Bash, input: {command: "touch x"}}]
  - id: tainted-sink
    match: {tool: "mcp__slack__*", label: [untrusted]}
    decision: ask
    reason: r
    examples:
      ask: [{tool: mcp__slack__post, input: {text: hi}, labels: [untrusted]}]
      allow: [{tool: mcp__slack__post, input: {text: hi}}]
`
	results := runUser(t, src)
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s %v: %s", r.Rule, r.Example.Input, r.Problem)
		}
	}
}

// runUser runs the examples of a policy given as the user layer.
func runUser(t *testing.T, src string) []policytest.Result {
	t.Helper()
	sources := []gate.PolicySource{{Layer: "user", Name: "p.yaml", Data: []byte(src)}}
	pol, err := policy.Compile([]policy.Source{{Layer: policy.LayerUser, Name: "p.yaml", Data: []byte(src)}}, policy.Options{Eager: true})
	if err != nil {
		t.Fatal(err)
	}
	results, err := policytest.Run(context.Background(), sources, pol)
	if err != nil {
		t.Fatal(err)
	}
	return results
}
