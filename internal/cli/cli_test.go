package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/cli"
)

// ward runs the command line in-process in a sandbox: HOME and WARD_HOME
// point into a temporary directory, and no managed policy is read.
func ward(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	args = append([]string{"--managed-policy", filepath.Join(t.TempDir(), "none.yaml")}, args...)
	code = cli.Main(context.Background(), args, cli.Streams{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

func sandbox(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("WARD_HOME", filepath.Join(home, ".ward"))
	return home
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func payload(tool string, input map[string]any) string {
	b, _ := json.Marshal(map[string]any{"session_id": "s", "cwd": "/home/dev/project",
		"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input})
	return string(b)
}

type decision struct {
	Decision string `json:"decision"`
	Rule     string `json:"rule"`
	Reason   string `json:"reason"`
}

func decisions(t *testing.T, out string) []decision {
	t.Helper()
	var ds []decision
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var d decision
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("output line is not a decision: %q: %v", line, err)
		}
		ds = append(ds, d)
	}
	return ds
}

// eval answers every line, in order, whatever the line holds.
func TestEvalContract(t *testing.T) {
	sandbox(t)
	lines := []string{
		payload("Bash", map[string]any{"command": "ls"}),
		`{"tool_name": "Bash", "tool_input": {"command": `, // malformed
		payload("Read", map[string]any{"file_path": "~/.ssh/id_rsa"}),
		strings.Repeat("[", 100) + strings.Repeat("]", 100),                  // too deep
		"{\"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"\xff\"}}", // not UTF-8
		"",
		`{"tool_name": "Bash", "tool_input": {"command": "` + strings.Repeat("a", 2<<20) + `"}}`, // over 1 MiB
		payload("Bash", map[string]any{"command": "rm -rf ~/.ward"}) + "\r",                      // CRLF input
		payload("Write", map[string]any{"file_path": "src/x.go", "content": "package x"}),
	}
	want := []struct{ decision, rule, reason string }{
		{"allow", "ward.default", ""},
		{"deny", "ward.invalid_input", "malformed_json"},
		{"deny", "credential-read", ""},
		{"deny", "ward.invalid_input", "too_deep"},
		{"deny", "ward.invalid_input", "invalid_utf8"},
		{"deny", "ward.invalid_input", "empty line"},
		{"deny", "ward.invalid_input", "too_large"},
		{"deny", "builtin.ward-files", ""},
		{"allow", "ward.default", ""},
	}
	// The last line has no newline: it still counts.
	out, stderr, code := ward(t, strings.Join(lines, "\n"), "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ds := decisions(t, out)
	if len(ds) != len(want) {
		t.Fatalf("%d decisions for %d lines:\n%s", len(ds), len(want), out)
	}
	for i, w := range want {
		d := ds[i]
		if d.Decision != w.decision || d.Rule != w.rule || !strings.Contains(d.Reason, w.reason) {
			t.Errorf("line %d: got %s by %s (%s), want %s by %s containing %q", i+1, d.Decision, d.Rule, d.Reason, w.decision, w.rule, w.reason)
		}
	}
}

// A policy that does not load makes every answer the fail-closed one.
func TestEvalBrokenPolicy(t *testing.T) {
	home := sandbox(t)
	pol := writeFile(t, filepath.Join(home, "bad.yaml"), "version: 1\nrules:\n  - id: x\n    decision: nope\n")
	in := payload("Bash", map[string]any{"command": "ls"}) + "\n" + payload("Read", map[string]any{"file_path": "a"}) + "\n"
	out, stderr, code := ward(t, in, "--policy", pol, "eval")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	ds := decisions(t, out)
	if len(ds) != 2 {
		t.Fatalf("%d decisions, want 2", len(ds))
	}
	for _, d := range ds {
		if d.Decision != "deny" || !strings.Contains(d.Reason, "bad.yaml:4:15") {
			t.Errorf("got %+v, want deny naming the policy error", d)
		}
	}
	if !strings.Contains(stderr, "does not load") {
		t.Errorf("stderr = %q, want a warning", stderr)
	}
}

func TestEvalUnknownAgent(t *testing.T) {
	sandbox(t)
	_, stderr, code := ward(t, "", "eval", "--agent", "hal9000")
	if code != cli.ExitUsage || !strings.Contains(stderr, "unknown agent") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestExplain(t *testing.T) {
	sandbox(t)
	out, stderr, code := ward(t, "", "explain", "--bash", "sudo bash -c 'rm -f ~/.ward/policy.yaml'")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"rm -f", "(via sudo > bash -c)", "delete", ".ward/policy.yaml", " ward]", "decision  deny by builtin.ward-files (critical)", "* deny  builtin.ward-files"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = ward(t, "", "explain", "--json", "--read", "~/.aws/credentials")
	var v struct {
		Decision decision `json:"decision"`
		Trace    struct {
			Rules []struct {
				Rule    string `json:"rule"`
				Matched bool   `json:"matched"`
			} `json:"rules"`
		} `json:"trace"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if v.Decision.Decision != "deny" || len(v.Trace.Rules) == 0 {
		t.Errorf("--json: %+v", v)
	}
	_, stderr, code = ward(t, "", "explain", "--bash", "ls", "--read", "x")
	if code != cli.ExitUsage {
		t.Errorf("two actions: exit %d (%s), want usage error", code, stderr)
	}
	p := writeFile(t, filepath.Join(t.TempDir(), "p.json"), payload("WebFetch", map[string]any{"url": "https://go.dev"}))
	out, _, code = ward(t, "", "explain", p)
	if code != 0 || !strings.Contains(out, "http: GET https://go.dev") {
		t.Errorf("payload file: exit %d\n%s", code, out)
	}
	out, _, _ = ward(t, "not json", "explain", "-")
	if !strings.Contains(out, "decision  deny by ward.invalid_input") {
		t.Errorf("malformed payload:\n%s", out)
	}
}

func TestPolicyValidate(t *testing.T) {
	home := sandbox(t)
	good := writeFile(t, filepath.Join(home, "good.yaml"), "version: 1\nrules:\n  - id: a\n    match: {kind: shell}\n    decision: ask\n    reason: r\n")
	out, stderr, code := ward(t, "", "policy", "validate", good)
	if code != 0 || !strings.Contains(out, "ok:") {
		t.Errorf("good policy: exit %d, %s %s", code, out, stderr)
	}
	bad := writeFile(t, filepath.Join(home, "bad.yaml"), `version: 1
rules:
  - id: a
    match: {kind: shell, tools: [Bash]}
    when: action.comand == "x"
    decision: ask
    reason: r
    examples:
      ask: [{tool: Bash, input: {command: ls}}]
`)
	_, stderr, code = ward(t, "", "policy", "validate", bad)
	if code != cli.ExitProblem {
		t.Errorf("bad policy: exit %d, want %d", code, cli.ExitProblem)
	}
	for _, want := range []string{"bad.yaml:4:26: schema: unknown field \"tools\"", "4 |     match: {kind: shell, tools: [Bash]}", "^"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	fixed := writeFile(t, filepath.Join(home, "cel.yaml"), strings.Replace(mustRead(t, bad), "tools: [Bash]", "tool: [Bash]", 1))
	_, stderr, code = ward(t, "", "policy", "validate", fixed)
	if code != cli.ExitProblem || !strings.Contains(stderr, "cel.yaml:5:17: cel: rule \"a\": undefined field 'comand'") {
		t.Errorf("CEL error: exit %d\n%s", code, stderr)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPolicyLintAndTest(t *testing.T) {
	home := sandbox(t)
	pol := writeFile(t, filepath.Join(home, "p.yaml"), `version: 1
rules:
  - id: no-curl
    match: {kind: shell, command: [curl]}
    decision: deny
    reason: r
    examples:
      deny: [{tool: Bash, input: {command: "curl x"}}]
      allow: [{tool: Bash, input: {command: "sudo curl x"}}]
  - id: never
    match: {tool: Write, kind: shell}
    decision: deny
    reason: r
`)
	out, _, code := ward(t, "", "policy", "test", pol)
	if code != cli.ExitProblem || !strings.Contains(out, "FAIL no-curl") || !strings.Contains(out, "1 fail") {
		t.Errorf("policy test: exit %d\n%s", code, out)
	}
	_, stderr, code := ward(t, "", "policy", "lint", pol)
	if code != cli.ExitProblem || !strings.Contains(stderr, `rule "never" can never match`) || !strings.Contains(stderr, "example") {
		t.Errorf("policy lint: exit %d\n%s", code, stderr)
	}
	// The built-in protections and the default preset pass their own tests.
	out, _, code = ward(t, "", "policy", "test")
	if code != 0 || !strings.Contains(out, " 0 fail") {
		t.Errorf("default policy test: exit %d\n%s", code, out)
	}
	out, stderr, code = ward(t, "", "policy", "lint")
	if code != 0 {
		t.Errorf("default policy lint: exit %d\n%s%s", code, out, stderr)
	}
}

// The acceptance test: a project layer that tries to allow what
// the user layer denies is shown as still denied.
func TestPolicyShowProjectCannotAllow(t *testing.T) {
	home := sandbox(t)
	writeFile(t, filepath.Join(home, ".ward", "policy.yaml"), `version: 1
rules:
  - id: no-force-push
    match: {kind: shell, command: [git]}
    when: action.command.contains("--force")
    decision: deny
    reason: Force pushes rewrite shared history
`)
	repo := filepath.Join(t.TempDir(), "repo")
	writeFile(t, filepath.Join(repo, ".git", "HEAD"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(repo, ".ward", "policy.yaml"), `version: 1
rules:
  - id: allow-force-push
    match: {kind: shell, command: [git]}
    decision: allow
    reason: this repository force-pushes
    examples:
      allow: [{tool: Bash, input: {command: "git push --force origin main"}}]
`)
	out, stderr, code := ward(t, "", "-C", repo, "policy", "show")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"project  " + filepath.Join(repo, ".ward", "policy.yaml"),
		"allow-force-push",
		`its example Bash {"command":"git push --force origin main"} is still deny, by no-force-push`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("policy show lacks %q:\n%s", want, out)
		}
	}
	// And the decision itself agrees.
	ev := payload("Bash", map[string]any{"command": "git push --force origin main"})
	ev = strings.Replace(ev, "/home/dev/project", repo, 1)
	out, _, _ = ward(t, ev+"\n", "eval")
	if ds := decisions(t, out); len(ds) != 1 || ds[0].Decision != "deny" || ds[0].Rule != "no-force-push" {
		t.Errorf("eval in the repository: %s", out)
	}
	out, _, _ = ward(t, "", "-C", repo, "policy", "show", "--json")
	var sp struct {
		Rules []struct {
			ID    string   `json:"id"`
			Notes []string `json:"notes"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(out), &sp); err != nil || len(sp.Rules) == 0 {
		t.Errorf("show --json: %v\n%s", err, out)
	}
}

func TestPolicyInit(t *testing.T) {
	home := sandbox(t)
	out, stderr, code := ward(t, "", "policy", "init")
	dest := filepath.Join(home, ".ward", "policy.yaml")
	if code != 0 || !strings.Contains(out, dest) {
		t.Fatalf("init: exit %d %s %s", code, out, stderr)
	}
	if fi, err := os.Stat(dest); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("policy file %v mode %v, want 0600", err, fi.Mode())
	}
	if fi, err := os.Stat(filepath.Dir(dest)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("ward home mode %v, want 0700", fi.Mode())
	}
	if _, _, code := ward(t, "", "policy", "init"); code != cli.ExitProblem {
		t.Errorf("second init: exit %d, want a refusal to overwrite", code)
	}
	// The starting policy is valid and its commented example is sound.
	if _, stderr, code := ward(t, "", "policy", "lint"); code != 0 {
		t.Errorf("lint of the starting policy: exit %d\n%s", code, stderr)
	}
	example := strings.ReplaceAll(mustRead(t, dest), "  # ", "  ")
	example = strings.Replace(example, "rules:\n", "rules:\n", 1)
	ex := writeFile(t, filepath.Join(home, "uncommented.yaml"), uncomment(mustRead(t, dest)))
	if _, stderr, code := ward(t, "", "policy", "lint", ex); code != 0 {
		t.Errorf("the template's commented rule does not lint: %s\n%s", stderr, mustRead(t, ex))
	}
}

// uncomment turns the template's commented rule and tool policies into
// real ones.
func uncomment(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		indent := line[:len(line)-len(trimmed)]
		if strings.HasPrefix(trimmed, "# - id:") || strings.HasPrefix(trimmed, "#   ") || strings.HasPrefix(trimmed, `# "mcp__`) {
			line = indent + strings.TrimPrefix(trimmed, "# ")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func TestVersion(t *testing.T) {
	out, _, code := ward(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "ward ") {
		t.Errorf("version: %d %q", code, out)
	}
}
