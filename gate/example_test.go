package gate_test

import (
	"context"
	"fmt"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
)

func Example() {
	g, err := gate.New(gate.Options{
		Home: "/home/me",
		// No policy files: the standard preset and ward's built-in
		// protections.
		Policy: []gate.PolicySource{},
	})
	if err != nil {
		panic(err)
	}
	for _, cmd := range []string{
		"go test ./...",
		"cat ~/.aws/credentials",
		"bash -c 'rm -f ~/.ward/policy.yaml'",
	} {
		d, _ := g.Decide(context.Background(), event.Event{
			Agent: "example", Phase: event.PhasePre, Tool: "shell", Cwd: "/home/me/project",
			Action: event.Action{Kind: event.KindShell, Command: cmd},
		})
		fmt.Printf("%-38s %-5s %s\n", cmd, d.Decision, d.Rule)
	}
	// Output:
	// go test ./...                          allow ward.default
	// cat ~/.aws/credentials                 deny  credential-read
	// bash -c 'rm -f ~/.ward/policy.yaml'    deny  builtin.ward-files
}

func ExampleGate_Decide_projectPolicy() {
	g, _ := gate.New(gate.Options{
		Home: "/home/me",
		Policy: []gate.PolicySource{
			{Layer: "user", Name: "user.yaml", Data: []byte(`version: 1
rules:
  - id: no-force-push
    match: {kind: shell, command: [git]}
    when: action.command.contains("--force")
    decision: deny
    reason: Force pushes rewrite shared history
`)},
			// A repository cannot allow what the user denies.
			{Layer: "project", Name: "repo/.ward/policy.yaml", Data: []byte(`version: 1
rules:
  - id: allow-git
    match: {kind: shell, command: [git]}
    decision: allow
    reason: git is fine here
`)},
		},
	})
	d, _ := g.Decide(context.Background(), event.Event{
		Agent: "example", Phase: event.PhasePre, Tool: "shell",
		Action: event.Action{Kind: event.KindShell, Command: "git push --force origin main"},
	})
	fmt.Println(d.Decision, d.Rule)
	// Output: deny no-force-push
}
