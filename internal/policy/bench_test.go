package policy_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/policy"
)

// rules100 is a user layer of 100 rules, a quarter of them with
// conditions, each with two examples.
func rules100() []byte {
	var b strings.Builder
	b.WriteString("version: 1\nrules:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "  - id: r%d\n    match: {tool: \"mcp__s%d__*\", kind: mcp}\n", i, i)
		if i%4 == 0 {
			fmt.Fprintf(&b, "    when: input.x == \"v%d\" || session.labels.exists(l, l == \"untrusted\")\n", i)
		}
		fmt.Fprintf(&b, "    decision: deny\n    reason: rule %d\n    examples:\n", i)
		fmt.Fprintf(&b, "      deny: [{tool: mcp__s%d__t, input: {x: v%d}, labels: [untrusted]}]\n", i, i)
		fmt.Fprintf(&b, "      allow: [{tool: mcp__other__t, input: {x: y}}]\n")
	}
	return []byte(b.String())
}

func BenchmarkCompile100(b *testing.B) {
	src := []policy.Source{{Layer: policy.LayerUser, Name: "u.yaml", Data: rules100()}}
	for _, eager := range []bool{false, true} {
		b.Run(fmt.Sprintf("eager=%v", eager), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := policy.Compile(src, policy.Options{Eager: eager}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompileDefault is the policy a hook loads when no files exist:
// the built-in protections and the standard preset.
func BenchmarkCompileDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Compile(nil, policy.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEval(b *testing.B) {
	p, err := policy.Compile([]policy.Source{{Layer: policy.LayerUser, Name: "u.yaml", Data: rules100()}}, policy.Options{Eager: true})
	if err != nil {
		b.Fatal(err)
	}
	in := &policy.Input{
		Event: &event.Event{Agent: "claude-code", Phase: event.PhasePre, Tool: "mcp__s0__t",
			Action: event.Action{Kind: event.KindMCP, Arguments: map[string]any{"x": "nope"}}},
		Facts: &event.Facts{},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Eval(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
