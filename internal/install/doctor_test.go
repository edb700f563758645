package install

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeWard writes a shell script named ward that saves its stdin and
// arguments next to itself, prints answer and exits with code.
func fakeWard(t *testing.T, answer string, code int) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake ward is a shell script")
	}
	dir := filepath.Join(t.TempDir(), "bin")
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "ward")
	script := fmt.Sprintf("#!/bin/sh\ncat > %q\necho \"$@\" > %q\npwd > %q\nprintf '%%s' %s\nexit %d\n",
		path+".stdin", path+".args", path+".cwd", shellQuote(answer), code)
	write(t, path, []byte(script), 0o755)
	return path
}

func doctorOpts(e env) DoctorOptions {
	return DoctorOptions{
		Home: e.home, Dir: e.dir, Getenv: noEnv,
		LookPath: func(string) (string, error) { return "", exec.ErrNotFound },
		Env:      []string{"PATH=/usr/bin:/bin"},
		Timeout:  5 * time.Second,
	}
}

func agentReport(t *testing.T, rep Report, agent string) AgentReport {
	t.Helper()
	for _, a := range rep.Agents {
		if a.Agent == agent {
			return a
		}
	}
	t.Fatalf("no report for %s", agent)
	return AgentReport{}
}

// The self-test sends each agent a deny-worthy payload in its own format
// and tells a hook that denies from one that lets `rm -rf /` through.
func TestDoctorSelfTest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, agent, answer string
		code                int
		pass                bool
	}{
		{"claude deny answer", ClaudeCode, `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"ward: no"}}`, 0, true},
		{"claude exit 2 blocks", ClaudeCode, "", 2, true},
		{"claude allow lets it run", ClaudeCode, `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow"}}`, 0, false},
		{"claude no answer lets it run", ClaudeCode, "", 0, false},
		{"claude exit 1 is a hook error, not a deny", ClaudeCode, "", 1, false},
		{"claude deny JSON with exit 1 is not read", ClaudeCode, `{"hookSpecificOutput":{"permissionDecision":"deny"}}`, 1, false},
		{"codex deny answer", Codex, `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny"}}`, 0, true},
		{"codex legacy block", Codex, `{"decision":"block","reason":"no"}`, 0, true},
		{"codex ask is not a deny", Codex, `{"hookSpecificOutput":{"permissionDecision":"ask"}}`, 0, false},
		{"gemini deny", Gemini, `{"decision":"deny","reason":"ward: no"}`, 0, true},
		{"gemini block alias", Gemini, `{"decision":"block","reason":"ward: no"}`, 0, true},
		{"gemini allow", Gemini, `{"decision":"allow"}`, 0, false},
		{"cursor deny", Cursor, `{"permission":"deny","user_message":"ward: no"}`, 0, true},
		{"cursor exit 2", Cursor, "", 2, true},
		{"cursor allow", Cursor, `{"permission":"allow"}`, 0, false},
		{"copilot deny", Copilot, `{"permissionDecision":"deny","permissionDecisionReason":"ward: no"}`, 0, true},
		{"copilot not JSON", Copilot, `deny`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ward := fakeWard(t, tt.answer, tt.code)
			install(t, e.opts(tt.agent, User, ward))
			rep, err := Doctor(context.Background(), doctorOpts(e))
			if err != nil {
				t.Fatal(err)
			}
			ar := agentReport(t, rep, tt.agent)
			if !ar.Found || !ar.Wired() {
				t.Fatalf("agent not found or not wired: %+v", ar)
			}
			user := ar.Files[0]
			if len(user.Hooks) != 1 {
				t.Fatalf("hooks = %+v, want one command line", user.Hooks)
			}
			h := user.Hooks[0]
			if !h.SelfTest.Ran || h.SelfTest.Pass != tt.pass || rep.OK != tt.pass || ar.OK != tt.pass {
				t.Errorf("self-test %+v, report ok %v, want pass %v", h.SelfTest, rep.OK, tt.pass)
			}
			if tt.pass != (len(h.Problems) == 0) {
				t.Errorf("problems %q", h.Problems)
			}
			// The hook got the agent's own payload, the exact command line,
			// and ran in a scratch directory.
			var payload map[string]any
			if err := json.Unmarshal(read(t, ward+".stdin"), &payload); err != nil {
				t.Fatalf("payload: %v", err)
			}
			if !strings.Contains(string(read(t, ward+".stdin")), "rm -rf /") {
				t.Errorf("payload has no rm -rf /: %v", payload)
			}
			if got := strings.TrimSpace(string(read(t, ward+".args"))); got != "hook --agent "+tt.agent {
				t.Errorf("args = %q", got)
			}
			if cwd := strings.TrimSpace(string(read(t, ward+".cwd"))); !strings.Contains(cwd, "ward-doctor-") {
				t.Errorf("ran in %s, want a scratch directory", cwd)
			}
		})
	}
}

// The payload each agent gets is in that agent's terms.
func TestDoctorPayloads(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		ClaudeCode: `"hook_event_name":"PreToolUse"`,
		Codex:      `"hook_event_name":"PreToolUse"`,
		Gemini:     `"tool_name":"run_shell_command"`,
		Cursor:     `"hook_event_name":"beforeShellExecution"`,
		Copilot:    `"toolArgs":"{\"command\":\"rm -rf /\"}"`,
	}
	for _, a := range agents() {
		p := string(a.payload("/tmp/x", time.Unix(0, 0)))
		if !strings.Contains(p, want[a.name]) {
			t.Errorf("%s payload %s lacks %s", a.name, p, want[a.name])
		}
		if a.name != Copilot && !strings.Contains(p, SelfTestSession) {
			t.Errorf("%s payload %s lacks the self-test session", a.name, p)
		}
	}
}

// A hook whose binary is gone, or not executable, fails without running.
func TestDoctorBrokenBinary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		breakIt func(path string) error
		want    string
	}{
		{"binary removed", os.Remove, "does not exist"},
		{"binary not executable", func(p string) error { return os.Chmod(p, 0o644) }, "not executable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ward := fakeWard(t, `{"permission":"deny"}`, 0)
			install(t, e.opts(Cursor, Project, ward))
			if err := tt.breakIt(ward); err != nil {
				t.Fatal(err)
			}
			rep, _ := Doctor(context.Background(), doctorOpts(e))
			ar := agentReport(t, rep, Cursor)
			h := ar.Files[1].Hooks[0]
			if rep.OK || ar.OK || h.SelfTest.Ran || len(h.Problems) != 1 || !strings.Contains(h.Problems[0], tt.want) {
				t.Errorf("report ok %v, hook %+v", rep.OK, h)
			}
			if _, err := os.Stat(ward + ".stdin"); !errors.Is(err, os.ErrNotExist) {
				t.Error("the self-test ran")
			}
		})
	}
}

// A hook that does not answer in time fails.
func TestDoctorTimeout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ward := fakeWard(t, "", 0)
	write(t, ward, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755)
	install(t, e.opts(Copilot, User, ward))
	o := doctorOpts(e)
	o.Timeout = 200 * time.Millisecond
	start := time.Now()
	rep, _ := Doctor(context.Background(), o)
	if time.Since(start) > 5*time.Second {
		t.Errorf("doctor took %s", time.Since(start))
	}
	h := agentReport(t, rep, Copilot).Files[0].Hooks[0]
	if rep.OK || h.SelfTest.Pass || !strings.Contains(h.SelfTest.Detail, "no answer within") {
		t.Errorf("self-test %+v", h.SelfTest)
	}
}

// Options that weaken the wiring are reported; they do not fail doctor.
func TestDoctorOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ward := fakeWard(t, `{"hookSpecificOutput":{"permissionDecision":"deny"}}`, 0)
	// Hand-written: a shell string, no onFailure, a 1 s timeout, and only
	// PreToolUse.
	cfg := fmt.Sprintf(`{"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":%q,"timeout":1}]}]}}`,
		shellQuote(ward)+" hook --agent claude-code")
	write(t, e.path(t, ClaudeCode, User), []byte(cfg), 0o600)
	rep, _ := Doctor(context.Background(), doctorOpts(e))
	f := agentReport(t, rep, ClaudeCode).Files[0]
	if !rep.OK || !f.Wired || len(f.Hooks) != 1 {
		t.Fatalf("report %+v", f)
	}
	h := f.Hooks[0]
	if h.ExecForm || h.FailClosed == nil || *h.FailClosed || h.Timeout != 1 || !h.SelfTest.Pass {
		t.Errorf("hook %+v", h)
	}
	for _, w := range []string{"not fail-closed", "through a shell", "less than its own 2s"} {
		if !strings.Contains(strings.Join(h.Warnings, "\n"), w) {
			t.Errorf("no warning %q in %q", w, h.Warnings)
		}
	}
	if strings.Join(f.MissingEvents, ",") != "PostToolUse,UserPromptSubmit,SessionStart,SessionEnd" {
		t.Errorf("missing events %q", f.MissingEvents)
	}

	// What ward install writes draws no warnings.
	e2 := newEnv(t)
	install(t, e2.opts(ClaudeCode, User, ward))
	rep, _ = Doctor(context.Background(), doctorOpts(e2))
	f = agentReport(t, rep, ClaudeCode).Files[0]
	if h := f.Hooks[0]; len(h.Warnings) != 0 || !h.ExecForm || !*h.FailClosed || h.Timeout != 10 || len(f.MissingEvents) != 0 {
		t.Errorf("installed hook %+v, missing %q", h, f.MissingEvents)
	}
}

// Agents are found by their configuration directory or their program on
// PATH; agents neither found nor wired pass; an unreadable file is shown.
func TestDoctorFindsAgents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	os.MkdirAll(filepath.Join(e.home, ".gemini"), 0o755)
	write(t, filepath.Join(e.home, ".cursor", "hooks.json"), []byte("{not json"), 0o600)
	o := doctorOpts(e)
	o.LookPath = func(name string) (string, error) {
		if name == "gh" {
			return "/usr/bin/gh", nil
		}
		return "", exec.ErrNotFound
	}
	rep, err := Doctor(context.Background(), o)
	if err != nil || !rep.OK {
		t.Fatalf("report %+v, %v", rep, err)
	}
	found := map[string]bool{}
	for _, a := range rep.Agents {
		found[a.Agent] = a.Found
	}
	want := map[string]bool{ClaudeCode: false, Codex: false, Gemini: true, Cursor: true, Copilot: true}
	for a, w := range want {
		if found[a] != w {
			t.Errorf("%s found = %v, want %v", a, found[a], w)
		}
	}
	if f := agentReport(t, rep, Cursor).Files[0]; !f.Exists || !strings.Contains(f.Error, "not valid JSON") {
		t.Errorf("cursor file %+v", f)
	}
	if ev := agentReport(t, rep, Copilot).Evidence; len(ev) != 1 || !strings.Contains(ev[0], "gh on PATH") {
		t.Errorf("copilot evidence %q", ev)
	}
}

// Every distinct command line runs once, however many events and files
// use it.
func TestDoctorRunsEachCommandOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ward := fakeWard(t, `{"decision":"deny"}`, 0)
	counter := filepath.Join(filepath.Dir(ward), "runs")
	script := fmt.Sprintf("#!/bin/sh\ncat >/dev/null\necho x >> %q\nprintf '%%s' '{\"decision\":\"deny\"}'\n", counter)
	write(t, ward, []byte(script), 0o755)
	install(t, e.opts(Gemini, User, ward))
	install(t, e.opts(Gemini, Project, ward))
	rep, _ := Doctor(context.Background(), doctorOpts(e))
	if !rep.OK {
		t.Errorf("report not ok: %+v", agentReport(t, rep, Gemini))
	}
	if runs := strings.Count(string(read(t, counter)), "x"); runs != 1 {
		t.Errorf("ran %d times, want 1", runs)
	}
}

// A setting in the same file that turns every hook off is reported.
func TestDoctorHooksDisabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, agent, in, want string
	}{
		{"claude disableAllHooks", ClaudeCode, `{"disableAllHooks": true}`, "disableAllHooks"},
		{"gemini hooksConfig.enabled false", Gemini, `{"hooksConfig": {"enabled": false}}`, `"hooksConfig": {"enabled": false}`},
		{"gemini hooks.enabled false (older versions)", Gemini, `{"hooks": {"enabled": false}}`, `"hooks": {"enabled": false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			write(t, e.path(t, tt.agent, User), []byte(tt.in), 0o600)
			ward := fakeWard(t, `{"decision":"deny","hookSpecificOutput":{"permissionDecision":"deny"}}`, 0)
			install(t, e.opts(tt.agent, User, ward))
			rep, _ := Doctor(context.Background(), doctorOpts(e))
			f := agentReport(t, rep, tt.agent).Files[0]
			if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], tt.want) {
				t.Errorf("warnings %q, want one about %s", f.Warnings, tt.want)
			}
		})
	}
}

// A hook that floods stdout is cut off at 64 KiB, not read into memory.
func TestCappedOutput(t *testing.T) {
	t.Parallel()
	var c capped
	cmd := exec.Command("/bin/sh", "-c", "head -c 1000000 /dev/zero")
	cmd.Stdout = &c
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	if c.Len() != 64<<10 {
		t.Errorf("kept %d bytes", c.Len())
	}
}
