package policy_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/policy"
)

// layers compiles policy files keyed by layer.
func layers(t *testing.T, eager bool, files map[policy.Layer]string) (*policy.Policy, error) {
	t.Helper()
	var srcs []policy.Source
	for l, src := range files {
		srcs = append(srcs, policy.Source{Layer: l, Name: l.String() + ".yaml", Data: []byte(src)})
	}
	return policy.Compile(srcs, policy.Options{Eager: eager})
}

func mustLayers(t *testing.T, files map[policy.Layer]string) *policy.Policy {
	t.Helper()
	p, err := layers(t, true, files)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

// shell returns an input for a shell command touching the given paths.
func shellInput(cmd string, paths ...event.PathFact) *policy.Input {
	return &policy.Input{
		Event: &event.Event{Agent: "claude-code", Phase: event.PhasePre, Tool: "Bash",
			Action: event.Action{Kind: event.KindShell, Command: cmd}},
		Facts: &event.Facts{Paths: paths},
	}
}

func toolInput(tool string, kind event.Kind) *policy.Input {
	return &policy.Input{
		Event: &event.Event{Agent: "claude-code", Phase: event.PhasePre, Tool: tool, Action: event.Action{Kind: kind}},
		Facts: &event.Facts{},
	}
}

func eval(t *testing.T, p *policy.Policy, in *policy.Input) policy.Result {
	t.Helper()
	res, err := p.Eval(context.Background(), in)
	if err != nil {
		t.Fatalf("Eval: %v", err)
	}
	return res
}

const denyCurl = `version: 1
extends: []
rules:
  - id: no-curl
    match: {kind: shell}
    when: action.command.startsWith("curl")
    decision: deny
    reason: no curl here
`

// A project layer arrives with a cloned repository: whatever it writes,
// it can only tighten what the user and managed layers decide.
func TestProjectLayerOnlyTightens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		project string
		in      *policy.Input
		want    event.Effect
		rule    string
		warning string // a substring of a loosening warning, if one is expected
	}{
		{
			name: "allow rule does not beat the user's deny",
			project: `version: 1
rules:
  - id: allow-curl
    match: {kind: shell}
    decision: allow
    reason: we need curl
`,
			in: shellInput("curl https://example.com"), want: event.Deny, rule: "no-curl",
		},
		{
			name: "redefining the user's rule id adds a rule beside it",
			project: `version: 1
rules:
  - id: no-curl
    match: {kind: shell}
    when: "false"
    decision: allow
    reason: disabled
`,
			in: shellInput("curl x"), want: event.Deny, rule: "no-curl", warning: "cannot replace it",
		},
		{
			name:    "disabling the user's rule is ignored",
			project: "version: 1\ndisable: [no-curl]\n",
			in:      shellInput("curl x"), want: event.Deny, rule: "no-curl",
		},
		{
			name: "a default of allow does not loosen an ask default",
			project: `version: 1
settings: {default: allow}
`,
			in: shellInput("ls"), want: event.Ask, rule: event.RuleDefault,
		},
		{
			name: "adding a deny tightens",
			project: `version: 1
rules:
  - id: no-ls
    match: {kind: shell}
    when: action.command == "ls"
    decision: deny
    reason: no ls in this repository
`,
			in: shellInput("ls"), want: event.Deny, rule: "no-ls",
		},
	}
	user := denyCurl + "settings: {default: ask}\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files := map[policy.Layer]string{policy.LayerUser: user, policy.LayerProject: tt.project}
			p, err := layers(t, true, files)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			res := eval(t, p, tt.in)
			if res.Effect != tt.want || res.Rule != tt.rule {
				t.Errorf("got %s by %s, want %s by %s", res.Effect, res.Rule, tt.want, tt.rule)
			}
			if tt.warning != "" && !hasWarning(p, tt.warning) {
				t.Errorf("warnings %v, want one containing %q", p.Warnings, tt.warning)
			}
		})
	}
}

func hasWarning(p *policy.Policy, s string) bool {
	for _, w := range p.Warnings {
		if strings.Contains(w.Msg, s) {
			return true
		}
	}
	return false
}

// A layer may disable only preset rules it alone brought in.
func TestDisable(t *testing.T) {
	t.Parallel()
	readEnv := &policy.Input{
		Event: &event.Event{Agent: "claude-code", Phase: event.PhasePre, Tool: "Read",
			Action: event.Action{Kind: event.KindFileRead, Path: ".env"}},
		Facts: &event.Facts{Paths: []event.PathFact{{Path: "/w/.env", Op: event.OpRead, Classes: []string{"workspace", "credential"}}}},
	}
	t.Run("user disables a standard rule", func(t *testing.T) {
		t.Parallel()
		p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: "version: 1\ndisable: [credential-read]\n"})
		if res := eval(t, p, readEnv); res.Effect != event.Allow {
			t.Errorf("got %s by %s, want allow once credential-read is disabled", res.Effect, res.Rule)
		}
		if len(p.Disabled) != 1 || p.Disabled[0].ID != "credential-read" || p.Disabled[0].By != policy.LayerUser {
			t.Errorf("Disabled = %+v", p.Disabled)
		}
	})
	t.Run("managed brings the rule too, so it stays", func(t *testing.T) {
		t.Parallel()
		p := mustLayers(t, map[policy.Layer]string{
			policy.LayerManaged: "version: 1\n",
			policy.LayerUser:    "version: 1\ndisable: [credential-read]\n",
		})
		if res := eval(t, p, readEnv); res.Effect != event.Deny || res.Rule != "credential-read" {
			t.Errorf("got %s by %s, want deny by credential-read", res.Effect, res.Rule)
		}
		if !hasWarning(p, "the managed layer brings it in too") {
			t.Errorf("warnings = %v", p.Warnings)
		}
	})
	t.Run("project brings the rule back", func(t *testing.T) {
		t.Parallel()
		p := mustLayers(t, map[policy.Layer]string{
			policy.LayerUser:    "version: 1\ndisable: [credential-read]\n",
			policy.LayerProject: "version: 1\nextends: [standard]\n",
		})
		if res := eval(t, p, readEnv); res.Effect != event.Deny {
			t.Errorf("got %s, want deny: the project layer extends standard itself", res.Effect)
		}
	})
	t.Run("built-in protections cannot be disabled", func(t *testing.T) {
		t.Parallel()
		p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: "version: 1\ndisable: [builtin.ward-files]\n"})
		in := shellInput("rm x", event.PathFact{Path: "/h/.ward/policy.yaml", Op: event.OpDelete, Classes: []string{"home", "ward"}})
		if res := eval(t, p, in); res.Effect != event.Deny || res.Rule != "builtin.ward-files" {
			t.Errorf("got %s by %s, want deny by builtin.ward-files", res.Effect, res.Rule)
		}
		if !hasWarning(p, "built-in protection") {
			t.Errorf("warnings = %v", p.Warnings)
		}
	})
	t.Run("unknown rule is an error", func(t *testing.T) {
		t.Parallel()
		_, err := layers(t, true, map[policy.Layer]string{policy.LayerUser: "version: 1\ndisable: [no-such-rule]\n"})
		if err == nil || !strings.Contains(err.Error(), `there is no rule "no-such-rule"`) {
			t.Errorf("err = %v, want an error naming the rule", err)
		}
	})
	t.Run("a layer replaces a preset rule it alone brought in", func(t *testing.T) {
		t.Parallel()
		p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
rules:
  - id: credential-read
    match: {path: {class: [credential], not: [workspace], op: [read]}}
    decision: deny
    reason: only outside the project
`})
		if res := eval(t, p, readEnv); res.Effect != event.Allow {
			t.Errorf("got %s by %s, want allow: the user's version spares the workspace", res.Effect, res.Rule)
		}
		n := 0
		for _, r := range p.Rules() {
			if r.ID == "credential-read" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d rules named credential-read, want 1", n)
		}
	})
}

func TestSettingsStrictestWins(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{
		policy.LayerManaged: "version: 1\nextends: []\nsettings: {on_error: ask, approval_timeout: 5m}\n",
		policy.LayerUser:    "version: 1\nextends: []\nsettings: {on_error: deny, approval_timeout: 30s, default: ask}\n",
		policy.LayerProject: "version: 1\nsettings: {default: allow, approval_timeout: 10m}\n",
	})
	s := p.Settings
	if s.OnError != event.Deny || s.Default != event.Ask || s.ApprovalTimeout != 30*time.Second {
		t.Errorf("settings = %+v, want on_error deny, default ask, timeout 30s", s)
	}
	if p.SettingsFrom["default"] != "user.yaml:3:60" {
		t.Errorf("default set from %q, want user.yaml:3:60", p.SettingsFrom["default"])
	}
}

func TestNoLayersMeansStandard(t *testing.T) {
	t.Parallel()
	p, err := policy.Compile(nil, policy.Options{Eager: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := ruleIDs(p)
	if !slices.Contains(ids, "credential-read") || !slices.Contains(ids, "builtin.ward-files") {
		t.Errorf("rules %v, want the standard preset and the built-in protections", ids)
	}
	for _, bad := range []string{"outside-workspace-modify", "workspace-read"} {
		if slices.Contains(ids, bad) {
			t.Errorf("rule %s of a stricter preset is in the default policy", bad)
		}
	}
}

func ruleIDs(p *policy.Policy) []string {
	var ids []string
	for _, r := range p.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestPresetsExtend(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: "version: 1\nextends: [paranoid]\n"})
	ids := ruleIDs(p)
	for _, want := range []string{"credential-read", "outside-workspace-modify", "workspace-read"} {
		if !slices.Contains(ids, want) {
			t.Errorf("paranoid lacks %s (from the presets it extends): %v", want, ids)
		}
	}
	if p.Settings.Default != event.Ask {
		t.Errorf("paranoid default = %s, want ask", p.Settings.Default)
	}
	_, err := layers(t, true, map[policy.Layer]string{policy.LayerUser: "version: 1\nextends: [lenient]\n"})
	if err == nil || !strings.Contains(err.Error(), `unknown preset "lenient"`) {
		t.Errorf("unknown preset: err = %v", err)
	}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
settings: {default: ask}
rules:
  - id: allow-ls
    match: {kind: shell}
    when: action.command.startsWith("ls")
    decision: allow
  - id: ask-ls-root
    match: {kind: shell}
    when: action.command == "ls /"
    decision: ask
    reason: listing the root
  - id: deny-ls-root-low
    match: {kind: shell}
    when: action.command == "ls /"
    decision: deny
    severity: low
    reason: low
  - id: deny-ls-root-high
    match: {kind: shell}
    when: action.command == "ls /"
    decision: deny
    severity: critical
    reason: high
`})
	tests := []struct {
		cmd  string
		want event.Effect
		rule string
	}{
		{"ls /", event.Deny, "deny-ls-root-high"}, // deny beats ask beats allow; then severity
		{"ls src", event.Allow, "allow-ls"},       // an allow beats the ask default
		{"make", event.Ask, event.RuleDefault},    // nothing matches: the default
	}
	for _, tt := range tests {
		res := eval(t, p, shellInput(tt.cmd))
		if res.Effect != tt.want || res.Rule != tt.rule {
			t.Errorf("%q: got %s by %s, want %s by %s", tt.cmd, res.Effect, res.Rule, tt.want, tt.rule)
		}
	}
}

func TestToolPolicies(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
tools:
  "mcp__docker__exec": {call: block_always}
  "mcp__slack__*": {call: block_when_untrusted}
  "mcp__github__merge_pr": {call: require_approval}
  "mcp__docker__logs": {result: [mark_untrusted, mark_private]}
  "mcp__vault__*": {result: block}
`})
	tests := []struct {
		name   string
		tool   string
		phase  event.Phase
		labels []string
		want   event.Effect
		out    []string
	}{
		{"blocked always", "mcp__docker__exec", event.PhasePre, nil, event.Deny, nil},
		{"sink in a clean session", "mcp__slack__post", event.PhasePre, nil, event.Allow, nil},
		{"sink in a tainted session", "mcp__slack__post", event.PhasePre, []string{"untrusted"}, event.Deny, nil},
		{"needs approval", "mcp__github__merge_pr", event.PhasePre, nil, event.Ask, nil},
		{"results labelled", "mcp__docker__logs", event.PhasePost, nil, event.Allow, []string{"untrusted", "private"}},
		{"results withheld", "mcp__vault__read", event.PhasePost, nil, event.Deny, nil},
		{"calls of a withheld tool pass", "mcp__vault__read", event.PhasePre, nil, event.Allow, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := toolInput(tt.tool, event.KindMCP)
			in.Event.Phase, in.Labels = tt.phase, tt.labels
			res := eval(t, p, in)
			if res.Effect != tt.want || !slices.Equal(res.Labels, tt.out) {
				t.Errorf("got %s by %s with labels %v, want %s with %v", res.Effect, res.Rule, res.Labels, tt.want, tt.out)
			}
		})
	}
	pm := mustLayers(t, map[policy.Layer]string{
		policy.LayerUser:    "version: 1\nextends: []\ntools: {\"mcp__docker__logs\": {result: mark_untrusted}}\n",
		policy.LayerProject: "version: 1\ntools: {\"mcp__docker__*\": {result: mark_trusted}}\n",
	})
	in := toolInput("mcp__docker__logs", event.KindMCP)
	in.Event.Phase = event.PhasePost
	if res := eval(t, pm, in); !slices.Equal(res.Labels, []string{"untrusted"}) {
		t.Errorf("project mark_trusted: labels %v, want [untrusted] kept", res.Labels)
	}
	if !hasWarning(pm, "cannot mark a tool's results trusted") {
		t.Errorf("warnings %v", pm.Warnings)
	}
}

func TestConditionErrorsPointAtTheColumn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		when      string
		line, col int
		msg       string
	}{
		{"undeclared variable", `when: actoin.kind == "shell"`, 6, 11, "undeclared reference to 'actoin'"},
		{"unknown field", `when: action.comand == "x"`, 6, 17, "undefined field 'comand'"},
		{"quoted condition", `when: "action.kind == 'shell' && facts.pathz == []"`, 6, 43, "undefined field 'pathz'"},
		{"block condition, second line", "when: |\n      action.kind == \"shell\" &&\n        session.lables.size() > 0", 8, 16, "undefined field 'lables'"},
		{"not a boolean", `when: action.command`, 6, 0, "must be true or false"},
		{"bad regex", `when: action.command.matches("(unclosed")`, 6, 34, "does not compile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := "version: 1\nextends: []\nrules:\n  - id: r\n    decision: deny\n    " + tt.when + "\n    reason: r\n"
			_, err := policy.Compile([]policy.Source{{Layer: policy.LayerUser, Name: "p.yaml", Data: []byte(src)}}, policy.Options{Eager: true})
			var errs policy.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Compile error = %v, want policy.Errors", err)
			}
			e := errs[0]
			if e.Code != policy.CodeCEL || e.Pos.Line != tt.line || (tt.col != 0 && e.Pos.Col != tt.col) || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %s at %d:%d, want cel error at %d:%d containing %q\n%s", e.Msg, e.Pos.Line, e.Pos.Col, tt.line, tt.col, tt.msg, e.Format())
			}
		})
	}
}

// Conditions compile lazily unless asked: a hook process decides one event
// and should not compile conditions it never reaches. A broken condition
// still fails closed when an event reaches it.
func TestLazyConditions(t *testing.T) {
	t.Parallel()
	src := `version: 1
extends: []
rules:
  - id: broken
    match: {tool: Bash}
    when: actoin.kind == "shell"
    decision: deny
    reason: r
`
	p, err := layers(t, false, map[policy.Layer]string{policy.LayerUser: src})
	if err != nil {
		t.Fatalf("lazy Compile = %v, want success", err)
	}
	if res := eval(t, p, toolInput("Read", event.KindFileRead)); res.Effect != event.Allow {
		t.Errorf("event that never reaches the rule: %s, want allow", res.Effect)
	}
	_, err = p.Eval(context.Background(), toolInput("Bash", event.KindShell))
	if err == nil || !strings.Contains(err.Error(), "does not compile") {
		t.Errorf("event reaching the broken rule: err = %v, want a compile error", err)
	}
	if _, err := layers(t, true, map[policy.Layer]string{policy.LayerUser: src}); err == nil {
		t.Error("eager Compile accepted a broken condition")
	}
}

func TestConditionRuntimeErrorIsAnError(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
rules:
  - id: needs-repo
    match: {kind: mcp}
    when: input.repo == "prod"
    decision: deny
    reason: r
`})
	in := toolInput("mcp__gh__x", event.KindMCP)
	in.Event.Input = []byte(`{"title": "no repo key"}`)
	if _, err := p.Eval(context.Background(), in); err == nil || !strings.Contains(err.Error(), "needs-repo") {
		t.Errorf("Eval = %v, want an error naming the rule", err)
	}
	in.Event.Input = []byte(`{"repo": "prod"}`)
	if res := eval(t, p, in); res.Effect != event.Deny {
		t.Errorf("got %s, want deny", res.Effect)
	}
}

func TestConditionCostIsBounded(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
rules:
  - id: slow
    match: {kind: shell}
    when: "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, action.command.size() >= 0))))))"
    decision: deny
    reason: r
`})
	_, err := p.Eval(context.Background(), shellInput("ls"))
	if err == nil || !strings.Contains(err.Error(), "cost") {
		t.Errorf("Eval = %v, want a cost limit error", err)
	}
}

func TestConditionVariables(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
rules:
  - id: all-vars
    when: >-
      event.agent == "claude-code" && event.phase == "pre" && action.kind == "shell" &&
      facts.paths.exists(p, p.op == "delete" && "temp" in p.classes) &&
      findings.exists(f, f.id == "x.y" && f.severity == "high") &&
      session.labels.exists(l, l == "untrusted") && input.command == "rm -rf /tmp/x"
    decision: deny
    reason: r
`})
	in := shellInput("rm -rf /tmp/x", event.PathFact{Path: "/tmp/x", Op: event.OpDelete, Classes: []string{"temp"}})
	in.Findings = []event.Finding{{ID: "x.y", Severity: event.High}}
	in.Labels = []string{"untrusted"}
	in.Event.Input = []byte(`{"command": "rm -rf /tmp/x"}`)
	if res := eval(t, p, in); res.Effect != event.Deny {
		t.Errorf("got %s, want deny: every variable should resolve", res.Effect)
	}
	in.Labels = nil
	if res := eval(t, p, in); res.Effect != event.Allow {
		t.Errorf("without the label: got %s, want allow", res.Effect)
	}
}

func TestExplainTracesEveryRule(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: denyCurl})
	res, err := p.Explain(context.Background(), shellInput("curl x"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Trace) != len(p.Rules()) {
		t.Fatalf("trace has %d entries, want one per rule (%d)", len(res.Trace), len(p.Rules()))
	}
	fast := eval(t, p, shellInput("curl x"))
	if res.Effect != fast.Effect || res.Rule != fast.Rule {
		t.Errorf("Explain decided %s by %s, Eval %s by %s", res.Effect, res.Rule, fast.Effect, fast.Rule)
	}
	for _, rr := range res.Trace {
		if rr.Why == "" {
			t.Errorf("rule %s has no explanation", rr.Rule)
		}
		if rr.Rule == "no-curl" && !rr.Matched {
			t.Errorf("no-curl did not match: %s", rr.Why)
		}
	}
}

func TestDuplicateIDsInOneFile(t *testing.T) {
	t.Parallel()
	_, err := layers(t, true, map[policy.Layer]string{policy.LayerUser: `version: 1
rules:
  - {id: a, decision: deny, reason: r}
  - {id: a, decision: ask, reason: r}
`})
	if err == nil || !strings.Contains(err.Error(), `rule id "a" is already used`) {
		t.Errorf("err = %v", err)
	}
}

func TestUnknownPathClass(t *testing.T) {
	t.Parallel()
	_, err := layers(t, true, map[policy.Layer]string{policy.LayerUser: `version: 1
rules:
  - {id: a, match: {path: {class: [secrets]}}, decision: deny, reason: r}
`})
	if err == nil || !strings.Contains(err.Error(), `unknown path class "secrets"`) {
		t.Errorf("err = %v", err)
	}
}

func TestLint(t *testing.T) {
	t.Parallel()
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
rules:
  - {id: tool-and-kind, match: {tool: Write, kind: shell}, decision: deny, reason: r}
  - {id: paths-of-urls, match: {kind: http, path: {class: [temp]}}, decision: deny, reason: r}
  - {id: no-such-finding, match: {finding: "fs.teleport.*"}, decision: deny, reason: r}
  - {id: never, match: {kind: shell}, when: "1 == 2", decision: deny, reason: r}
  - {id: command-of-write, match: {kind: file.write, command: [rm]}, decision: deny, reason: r}
  - {id: fine, match: {tool: Bash, finding: "shell.*"}, decision: deny, reason: r}
`})
	kinds := map[string]event.Kind{"Write": event.KindFileWrite, "Bash": event.KindShell}
	errs := p.Lint(policy.LintOptions{
		Findings: []string{"shell.unparsed"},
		ToolKind: func(t string) (event.Kind, bool) { k, ok := kinds[t]; return k, ok },
	})
	got := map[string]bool{}
	for _, e := range errs {
		for _, id := range []string{"tool-and-kind", "paths-of-urls", "no-such-finding", "never", "command-of-write", "fine"} {
			if strings.Contains(e.Msg, `"`+id+`"`) {
				got[id] = true
			}
		}
	}
	for _, id := range []string{"tool-and-kind", "paths-of-urls", "no-such-finding", "never", "command-of-write"} {
		if !got[id] {
			t.Errorf("lint missed %s; errors: %v", id, errs)
		}
	}
	if got["fine"] {
		t.Errorf("lint flagged a rule that can match: %v", errs)
	}
}

// Limit rules never decide in Eval; Limits returns the ones an event
// matches, and disable and layers treat them like other rules.
func TestLimitRules(t *testing.T) {
	p := mustLayers(t, map[policy.Layer]string{policy.LayerUser: `version: 1
extends: []
rules:
  - id: shell-rate
    match: {kind: shell}
    limit: {rate: 2/min, per: agent}
    decision: deny
    reason: too many
  - id: loop
    limit: {repeat: 3, within: 1m}
    decision: ask
    reason: loop
    when: event.tool != "Read"
`})
	in := shellInput("ls")
	if res := eval(t, p, in); res.Rule == "shell-rate" || res.Rule == "loop" {
		t.Errorf("a limit rule decided in Eval: %s", res.Rule)
	}
	got, err := p.Limits(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range got {
		ids = append(ids, l.ID)
	}
	if !slices.Equal(ids, []string{"shell-rate", "loop"}) {
		t.Errorf("limits for a shell command: %v, want shell-rate and loop", ids)
	}
	if l := got[0].Limit; l.Rate != 2 || l.Per != time.Minute || l.Scope != policy.ScopeAgent {
		t.Errorf("shell-rate limit read as %+v", l)
	}
	got, _ = p.Limits(context.Background(), toolInput("Read", event.KindFileRead))
	if len(got) != 0 {
		t.Errorf("limits for a Read: %d, want none (kind and condition exclude them)", len(got))
	}
}

func TestSinkToolPolicy(t *testing.T) {
	p := mustLayers(t, map[policy.Layer]string{
		policy.LayerUser:    "version: 1\ntools:\n  \"mcp__a__*\": {sink: false}\n  mcp__b__x: {sink: true}\n",
		policy.LayerProject: "version: 1\ntools:\n  mcp__a__post: {sink: true}\n  mcp__c__x: {sink: false}\n",
	})
	for _, tc := range []struct {
		tool      string
		sink, set bool
		why       string
	}{
		{"mcp__a__read", false, true, "the user says the server's tools are not sinks"},
		{"mcp__a__post", true, true, "the project says this one is: a sink anywhere is a sink"},
		{"mcp__b__x", true, true, "the user says it is"},
		{"mcp__c__x", false, false, "a project layer cannot say a tool is not a sink"},
		{"Bash", false, false, "no policy"},
	} {
		sink, set := p.Sink(tc.tool)
		if sink != tc.sink || set != tc.set {
			t.Errorf("%s: sink=%v set=%v, want %v %v (%s)", tc.tool, sink, set, tc.sink, tc.set, tc.why)
		}
	}
	if !hasWarning(p, "cannot say a tool is not a sink") {
		t.Errorf("no warning for the project layer's sink: false; warnings: %v", p.Warnings)
	}
}
