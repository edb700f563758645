package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hookAnswer is what the Claude Code hook answers, as Claude Code reads it.
type hookAnswer struct {
	Decision string // permissionDecision, or "block" for the top-level form; "" for no decision
	Reason   string
	Exit     int
	Stderr   string
	Continue *bool
}

// hook runs `ward hook --agent claude-code` with one payload, in a home of
// its own.
func hook(t *testing.T, home, payload string, args ...string) hookAnswer {
	t.Helper()
	cmd := exec.Command(wardBin, append([]string{"hook", "--agent", "claude-code"}, args...)...)
	cmd.Env = []string{"HOME=" + home, "WARD_HOME=" + filepath.Join(home, ".ward"), "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(payload)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	a := hookAnswer{Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		a.Exit = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		return a
	}
	var v struct {
		Continue *bool  `json:"continue"`
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		HSO      struct {
			PermissionDecision string `json:"permissionDecision"`
			Reason             string `json:"permissionDecisionReason"`
		} `json:"hookSpecificOutput"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("stdout is not one JSON answer: %q", out)
	}
	if strings.Count(strings.TrimSpace(string(out)), "\n") > 0 {
		t.Fatalf("stdout holds more than the answer: %q", out)
	}
	a.Decision, a.Reason, a.Continue = v.Decision, v.Reason, v.Continue
	if v.HSO.PermissionDecision != "" {
		a.Decision, a.Reason = v.HSO.PermissionDecision, v.HSO.Reason
	}
	return a
}

func pre(home, tool string, input map[string]any) string {
	b, _ := json.Marshal(map[string]any{"session_id": "s", "cwd": filepath.Join(home, "project"),
		"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": input, "tool_use_id": "t1"})
	return string(b)
}

func TestHookAnswers(t *testing.T) {
	home := t.TempDir()
	cases := []struct {
		name    string
		payload string
		args    []string
		want    string // permission decision, "block", or "" for no decision
		exit    int
		why     string
	}{
		{"ordinary command", pre(home, "Bash", map[string]any{"command": "go test ./..."}), nil, "", 0,
			"no decision, so Claude Code's own permission rules apply"},
		{"destructive command", pre(home, "Bash", map[string]any{"command": "rm -rf /"}), nil, "deny", 0, "the policy denies"},
		{"ask", pre(home, "Bash", map[string]any{"command": "git push --force origin main"}), nil, "ask", 0, "the policy asks"},
		{"malformed payload", "{not json", nil, "block", 2, "fails closed"},
		{"empty payload", "", nil, "block", 2, "fails closed"},
		{"unknown hook event", `{"hook_event_name":"Nope","session_id":"s"}`, nil, "block", 2, "fails closed"},
		{"oversized payload", `{"x":"` + strings.Repeat("a", 1<<20) + `"}`, nil, "block", 2, "fails closed"},
		{"prompt with a secret", `{"session_id":"s","cwd":"/","hook_event_name":"UserPromptSubmit","prompt":"use postgres://app:Xq7vR2mK9pL4tZ8w@db.internal/app"}`, nil, "block", 0,
			"a prompt carrying a secret is refused"},
		{"deadline", pre(home, "Bash", map[string]any{"command": "ls"}), []string{"--deadline", "1ns"}, "block", 2, "no decision in time is a deny"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := hook(t, home, tc.payload, tc.args...)
			if a.Decision != tc.want || a.Exit != tc.exit {
				t.Errorf("%s: got %q exit %d (%s%s), want %q exit %d", tc.why, a.Decision, a.Exit, a.Reason, a.Stderr, tc.want, tc.exit)
			}
			if tc.exit == 2 && !strings.Contains(a.Stderr, "ward:") {
				t.Errorf("exit 2 without the reason on stderr: %q", a.Stderr)
			}
		})
	}
}

func TestHookBrokenPolicyDenies(t *testing.T) {
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".ward"), 0o700)
	os.WriteFile(filepath.Join(home, ".ward", "policy.yaml"), []byte("version: 1\nrules: [oops\n"), 0o600)
	a := hook(t, home, pre(home, "Bash", map[string]any{"command": "ls"}))
	if a.Decision != "deny" && a.Decision != "block" {
		t.Errorf("a broken policy gave %q (%s), want a deny", a.Decision, a.Reason)
	}
}

func TestHookKilledSessionStopsAgent(t *testing.T) {
	home := t.TempDir()
	hook(t, home, pre(home, "Bash", map[string]any{"command": "ls"}))
	if _, stderr, err := wardIn(home, "", "session", "kill", "s"); err != nil {
		t.Fatalf("kill: %v %s", err, stderr)
	}
	a := hook(t, home, pre(home, "Bash", map[string]any{"command": "ls"}))
	if a.Decision != "deny" || a.Continue == nil || *a.Continue {
		t.Errorf("killed session: decision %q continue %v, want deny and continue false", a.Decision, a.Continue)
	}
}

// An agent cannot switch ward off: every route to its configuration,
// policies and state is denied, whatever tool it uses.
func TestSelfProtection(t *testing.T) {
	home := t.TempDir()
	settings := filepath.Join(home, ".claude", "settings.json")
	policy := filepath.Join(home, ".ward", "policy.yaml")
	cases := []struct {
		tool  string
		input map[string]any
		want  string
		why   string
	}{
		{"Bash", map[string]any{"command": "echo '{}' > ~/.claude/settings.json"}, "deny", "overwrite the hook configuration"},
		{"Bash", map[string]any{"command": "sed -i 's/ward/true/' ~/.claude/settings.json"}, "deny", "edit it in place"},
		{"Bash", map[string]any{"command": "cp /tmp/mine.json " + settings}, "deny", "copy over it"},
		{"Bash", map[string]any{"command": "mv ~/.claude/settings.json ~/.claude/settings.bak"}, "deny", "move it away"},
		{"Bash", map[string]any{"command": "ln -sf /dev/null ~/.claude/settings.json"}, "deny", "replace it with a link"},
		{"Bash", map[string]any{"command": "python3 -c \"open('" + settings + "','w').write('{}')\""}, "deny", "an interpreter one-liner"},
		{"Write", map[string]any{"file_path": settings, "content": "{}"}, "deny", "the Write tool"},
		{"Edit", map[string]any{"file_path": settings, "old_string": "ward", "new_string": "true"}, "deny", "the Edit tool"},
		{"Write", map[string]any{"file_path": filepath.Join(home, "project", ".claude", "settings.json"), "content": "{}"}, "deny", "the project's hook configuration"},
		{"Write", map[string]any{"file_path": filepath.Join(home, ".cursor", "hooks.json"), "content": "{}"}, "deny", "Cursor's hooks"},
		{"Write", map[string]any{"file_path": filepath.Join(home, "project", ".github", "hooks", "ward.json"), "content": "{}"}, "deny", "Copilot's hooks"},
		{"Bash", map[string]any{"command": "rm ~/.ward/policy.yaml"}, "deny", "delete ward's policy"},
		{"Bash", map[string]any{"command": "echo 'version: 1' > " + policy}, "deny", "rewrite ward's policy"},
		{"Bash", map[string]any{"command": "rm -rf ~/.ward"}, "deny", "delete ward's state"},
		{"Bash", map[string]any{"command": "sqlite3 ~/.ward/state.db 'DELETE FROM labels'"}, "deny", "edit ward's state database"},
		{"Bash", map[string]any{"command": "cat ~/.ward/state.db | base64"}, "deny", "read the fingerprint key and fingerprints"},
		{"Bash", map[string]any{"command": "ward session resume s"}, "deny", "resume its own stopped session"},
		{"Bash", map[string]any{"command": "ward uninstall claude-code"}, "deny", "uninstall ward"},
		{"Bash", map[string]any{"command": "echo 'curl x | sh' >> ~/.bashrc"}, "ask", "shell rc files"},
		{"Write", map[string]any{"file_path": filepath.Join(home, "project", ".git", "hooks", "pre-commit"), "content": "#!/bin/sh\ncurl x | sh\n"}, "ask", "git hooks run code later"},
	}
	for _, tc := range cases {
		a := hook(t, home, pre(home, tc.tool, tc.input))
		if a.Decision != tc.want {
			t.Errorf("%s %v (%s): got %q (%s), want %s", tc.tool, tc.input, tc.why, a.Decision, a.Reason, tc.want)
		}
	}
}

// The quick start: install wires ward into Claude Code, and doctor finds
// it wired and proves a deny comes back through the configured command.
func TestInstallThenDoctor(t *testing.T) {
	home := t.TempDir()
	if out, stderr, err := wardIn(home, "", "install", "claude-code"); err != nil {
		t.Fatalf("install: %v\n%s%s", err, out, stderr)
	}
	out, stderr, err := wardIn(home, "", "doctor")
	if err != nil {
		t.Fatalf("doctor: %v\n%s%s", err, out, stderr)
	}
	for _, want := range []string{"wired", "fail-closed", "self-test: pass, denied"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if out, stderr, err := wardIn(home, "", "uninstall", "claude-code"); err != nil {
		t.Fatalf("uninstall: %v\n%s%s", err, out, stderr)
	}
	if out, _, _ := wardIn(home, "", "doctor"); strings.Contains(out, "self-test: pass") {
		t.Errorf("doctor still finds ward wired after uninstall:\n%s", out)
	}
}

// shellPayload is a pre-tool shell call in each agent's own format.
func shellPayload(agent, home, command string) string {
	cwd := filepath.Join(home, "project")
	var p map[string]any
	switch agent {
	case "claude-code", "codex":
		p = map[string]any{"session_id": "s", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash",
			"tool_use_id": "t1", "tool_input": map[string]any{"command": command}}
	case "gemini-cli":
		p = map[string]any{"session_id": "s", "cwd": cwd, "hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
			"tool_input": map[string]any{"command": command}}
	case "cursor":
		p = map[string]any{"conversation_id": "s", "generation_id": "g", "hook_event_name": "beforeShellExecution",
			"workspace_roots": []string{cwd}, "command": command, "cwd": cwd}
	case "copilot":
		args, _ := json.Marshal(map[string]any{"command": command})
		p = map[string]any{"timestamp": 1704614601000, "cwd": cwd, "toolName": "bash", "toolArgs": string(args)}
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// hookRaw runs ward hook for any agent and returns stdout, stderr and
// the exit code.
func hookRaw(t *testing.T, home, agent, payload string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(wardBin, "hook", "--agent", agent)
	cmd.Env = []string{"HOME=" + home, "WARD_HOME=" + filepath.Join(home, ".ward"), "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(payload)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), stderr.String(), code
}

// denied reads an agent's answer as the agent would: does it block?
func denied(agent, out string, code int) bool {
	if code == 2 {
		return true
	}
	var v struct {
		Decision           string `json:"decision"`
		Permission         string `json:"permission"`
		PermissionDecision string `json:"permissionDecision"`
		HSO                struct {
			PermissionDecision string `json:"permissionDecision"`
		} `json:"hookSpecificOutput"`
	}
	if json.Unmarshal([]byte(out), &v) != nil {
		return false
	}
	switch agent {
	case "claude-code", "codex":
		return v.HSO.PermissionDecision == "deny" || v.Decision == "block"
	case "gemini-cli":
		return v.Decision == "deny" || v.Decision == "block"
	case "cursor":
		return v.Permission == "deny"
	case "copilot":
		return v.PermissionDecision == "deny"
	}
	return false
}

// Every agent's hook, as a process: an ordinary command goes through, a
// destructive one and anything ward cannot read are denied, and stdout
// holds nothing but the answer.
func TestHookEveryAgent(t *testing.T) {
	for _, agent := range []string{"claude-code", "codex", "gemini-cli", "cursor", "copilot"} {
		t.Run(agent, func(t *testing.T) {
			home := t.TempDir()
			out, stderr, code := hookRaw(t, home, agent, shellPayload(agent, home, "go test ./..."))
			if denied(agent, out, code) || code != 0 {
				t.Errorf("ordinary command: exit %d, %q %q", code, out, stderr)
			}
			if out != "" && !json.Valid([]byte(out)) {
				t.Errorf("stdout is not JSON: %q", out)
			}
			out, stderr, code = hookRaw(t, home, agent, shellPayload(agent, home, "rm -rf ~"))
			if !denied(agent, out, code) {
				t.Errorf("rm -rf ~: exit %d, %q %q, want a deny", code, out, stderr)
			}
			if !strings.Contains(out+stderr, "ward:") {
				t.Errorf("the deny gives no reason: %q %q", out, stderr)
			}
			out, stderr, code = hookRaw(t, home, agent, "{broken")
			if !denied(agent, out, code) {
				t.Errorf("malformed payload: exit %d, %q %q, want a deny", code, out, stderr)
			}
			os.MkdirAll(filepath.Join(home, ".ward"), 0o700)
			os.WriteFile(filepath.Join(home, ".ward", "policy.yaml"), []byte("version: 1\nrules: [\n"), 0o600)
			out, stderr, code = hookRaw(t, home, agent, shellPayload(agent, home, "ls"))
			if !denied(agent, out, code) {
				t.Errorf("broken policy: exit %d, %q %q, want a deny", code, out, stderr)
			}
		})
	}
}

// A Codex patch is judged by every file it touches, not only the first.
func TestCodexPatchEveryFile(t *testing.T) {
	home := t.TempDir()
	patch := "*** Begin Patch\n*** Update File: src/a.go\n@@\n-x\n+y\n*** Update File: " + filepath.Join(home, ".ward", "policy.yaml") +
		"\n@@\n-version: 1\n+version: 1\n+rules: []\n*** End Patch"
	b, _ := json.Marshal(map[string]any{"session_id": "s", "cwd": filepath.Join(home, "project"), "hook_event_name": "PreToolUse",
		"tool_name": "apply_patch", "tool_use_id": "c1", "tool_input": map[string]any{"command": patch}})
	out, stderr, code := hookRaw(t, home, "codex", string(b))
	if !denied("codex", out, code) {
		t.Errorf("a patch whose second file is ward's policy: exit %d, %q %q", code, out, stderr)
	}
}
