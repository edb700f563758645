package gate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/agentward/ward/gate"
)

// benchPolicy writes a user layer of n rules shaped like a real policy:
// most are about one tool or command, some match paths or findings, and
// one in twenty has a condition about MCP calls, which the benchmark's
// MCP call must then evaluate.
func benchPolicy(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nrules:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - id: r%d\n", i)
		switch i % 20 {
		case 0:
			fmt.Fprintf(&b, "    match: {kind: mcp}\n    when: input.title == \"t%d\" && event.agent == \"claude-code\"\n", i)
		case 1, 2, 3, 4:
			fmt.Fprintf(&b, "    match: {tool: \"mcp__svc%d__*\"}\n", i)
		case 5, 6, 7, 8:
			fmt.Fprintf(&b, "    match: {tool: [Tool%d, mcp__other__t%d]}\n", i, i)
		case 9, 10, 11, 12:
			fmt.Fprintf(&b, "    match: {kind: shell, command: [cmd%d]}\n", i)
		case 13, 14, 15:
			fmt.Fprintf(&b, "    match: {path: {class: [credential], op: [read]}, tool: Read}\n")
		default:
			fmt.Fprintf(&b, "    match: {finding: \"x%d.*\"}\n", i)
		}
		fmt.Fprintf(&b, "    decision: %s\n    reason: rule %d\n", []string{"deny", "ask", "allow"}[i%3], i)
	}
	return b.String()
}

func BenchmarkDecideToolCall(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			g := newGate(b, benchPolicy(n))
			ev := claudeEvent(b, "mcp__github__create_issue", map[string]any{"owner": "o", "repo": "r", "title": "Bug"})
			ctx := context.Background()
			if d, err := g.Decide(ctx, ev); err != nil {
				b.Fatal(err, d)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Decide(ctx, ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecideShell(b *testing.B) {
	g := newGate(b, "")
	ctx := context.Background()
	for _, cmd := range []string{
		"go test ./...",
		"git status && git diff --stat",
		"find . -name '*.go' | xargs grep -n TODO > /tmp/todo.txt",
		"sudo bash -c 'rm -rf ~/.claude; cat ~/.aws/credentials'",
	} {
		ev := bash(b, cmd)
		b.Run(strings.Fields(cmd)[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Decide(ctx, ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewGateFirstDecision is what a hook process pays once: load
// and compile the default policy, then decide.
func BenchmarkNewGateFirstDecision(b *testing.B) {
	ev := bash(b, "go test ./...")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		g, err := gate.New(gate.Options{Home: "/home/dev", Policy: []gate.PolicySource{}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.Decide(ctx, ev); err != nil {
			b.Fatal(err)
		}
	}
}
