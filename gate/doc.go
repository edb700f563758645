// Package gate is ward's decision path for Go programs: the same one the
// agent hooks, the MCP gateway and "ward eval" use.
//
// Build a [Gate] once and call [Gate.Decide] for every action an agent is
// about to take:
//
//	g, err := gate.New(gate.Options{})
//	if err != nil {
//		return err
//	}
//	d, err := g.Decide(ctx, event.Event{
//		Agent: "my-agent",
//		Phase: event.PhasePre,
//		Tool:  "shell",
//		Cwd:   "/home/me/project",
//		Action: event.Action{Kind: event.KindShell, Command: "rm -rf ~/.ssh"},
//	})
//	if d.Decision != event.Allow {
//		return fmt.Errorf("ward: %s: %s", d.Decision, d.Reason)
//	}
//
// Decide always returns a decision that is safe to act on. When something
// goes wrong inside it (a policy that does not load, an analyzer that
// fails, a deadline that passes) the decision is the policy's on_error
// answer, deny unless the policy says ask, and the error says what went
// wrong. Pass a context with a deadline to bound how long a decision may
// take.
//
// With the zero [Options] a Gate reads the usual policy files: the managed
// layer /etc/ward/policy.yaml, the user layer $WARD_HOME/policy.yaml
// (default ~/.ward/policy.yaml) and the project layer .ward/policy.yaml at
// the root of the event's workspace. [Options.Policy] gives policies in
// memory instead.
package gate
