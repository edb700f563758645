package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// wardIn runs the binary with HOME and WARD_HOME in home.
func wardIn(home, stdin string, args ...string) (string, string, error) {
	cmd := exec.Command(wardBin, args...)
	cmd.Env = []string{"HOME=" + home, "WARD_HOME=" + filepath.Join(home, ".ward"), "PATH=/usr/bin:/bin", "USER=tester"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func payloadLine(session, hook, tool, id string, input, output any) string {
	p := map[string]any{"session_id": session, "cwd": "/w", "hook_event_name": hook, "tool_name": tool,
		"tool_input": input, "tool_use_id": id}
	if output != nil {
		p["tool_response"] = output
	}
	b, _ := json.Marshal(p)
	return string(b) + "\n"
}

// Fifty processes record into one session at once, as parallel hook
// calls do: nothing is lost, and every process sees the labels its own
// earlier events added.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 50 processes")
	}
	home := t.TempDir()
	policy := "version: 1\nextends: [standard]\ntools:\n  \"mcp__mail__send\": {call: block_when_untrusted}\n"
	if err := os.MkdirAll(filepath.Join(home, ".ward"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".ward", "policy.yaml"), []byte(policy), 0o600); err != nil {
		t.Fatal(err)
	}
	const n = 50
	outs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := payloadLine("shared", "PostToolUse", "WebFetch", fmt.Sprintf("fetch-%d", i),
				map[string]any{"url": fmt.Sprintf("https://example.com/%d", i), "prompt": "read"}, "page text") +
				payloadLine("shared", "PreToolUse", "mcp__mail__send", fmt.Sprintf("send-%d", i),
					map[string]any{"to": "ops@example.com", "body": "done"}, nil)
			var stderr string
			outs[i], stderr, errs[i] = wardIn(home, in, "eval", "--record")
			if errs[i] != nil {
				errs[i] = fmt.Errorf("%v: %s", errs[i], stderr)
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("process %d: %v", i, errs[i])
		}
		lines := strings.Split(strings.TrimSpace(outs[i]), "\n")
		if len(lines) != 2 {
			t.Fatalf("process %d wrote %d lines: %s", i, len(lines), outs[i])
		}
		var post, pre struct {
			Decision string   `json:"decision"`
			Rule     string   `json:"rule"`
			Labels   []string `json:"labels"`
		}
		json.Unmarshal([]byte(lines[0]), &post)
		json.Unmarshal([]byte(lines[1]), &pre)
		if len(post.Labels) != 1 || post.Labels[0] != "untrusted" {
			t.Errorf("process %d: the fetch added %v, want untrusted", i, post.Labels)
		}
		if pre.Decision != "deny" || pre.Rule != "tools.mcp__mail__send" {
			t.Errorf("process %d: sending after untrusted content: %s by %s, want deny", i, pre.Decision, pre.Rule)
		}
	}
	out, stderr, err := wardIn(home, "", "session", "show", "shared", "--json", "-n", "500")
	if err != nil {
		t.Fatalf("session show: %v: %s", err, stderr)
	}
	var rep struct {
		Events int64 `json:"events"`
		Labels []struct {
			Name    string `json:"name"`
			EventID string `json:"event_id"`
		} `json:"labels"`
		Recent []struct {
			EventID string `json:"event_id"`
		} `json:"recent"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("session show --json: %v\n%s", err, out)
	}
	if rep.Events != 2*n || len(rep.Recent) != 2*n {
		t.Errorf("the store holds %d events and %d decisions, want %d of each", rep.Events, len(rep.Recent), 2*n)
	}
	fetches := map[string]bool{}
	for _, l := range rep.Labels {
		if l.Name == "untrusted" {
			fetches[l.EventID] = true
		}
	}
	if len(fetches) != n {
		t.Errorf("untrusted was recorded by %d events, want all %d", len(fetches), n)
	}
}

// A person stops a session from the command line; the next decision of
// that session is a deny that says so, and resume lifts it.
func TestSessionCommands(t *testing.T) {
	home := t.TempDir()
	ls := payloadLine("s1", "PreToolUse", "Bash", "a", map[string]any{"command": "ls"}, nil)
	decide := func() string {
		t.Helper()
		out, stderr, err := wardIn(home, ls, "eval", "--record")
		if err != nil {
			t.Fatalf("eval: %v: %s", err, stderr)
		}
		var d struct{ Decision, Rule, Reason string }
		json.Unmarshal([]byte(out), &d)
		return d.Decision + " " + d.Rule
	}
	if got := decide(); got != "allow ward.default" && !strings.HasPrefix(got, "allow") {
		t.Fatalf("before stop: %s", got)
	}
	if _, stderr, err := wardIn(home, "", "session", "stop", "s1", "--reason", "looking at the deploy"); err != nil {
		t.Fatalf("stop: %v: %s", err, stderr)
	}
	if got := decide(); got != "deny ward.session_stopped" {
		t.Errorf("after stop: %s", got)
	}
	out, _, _ := wardIn(home, "", "session", "list")
	if !strings.Contains(out, "s1") || !strings.Contains(out, "stopped") {
		t.Errorf("session list:\n%s", out)
	}
	out, _, _ = wardIn(home, "", "session", "show", "s1")
	for _, want := range []string{"status    stopped", "by tester: looking at the deploy", "ward.session_stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("session show lacks %q:\n%s", want, out)
		}
	}
	if _, stderr, err := wardIn(home, "", "session", "resume", "s1"); err != nil {
		t.Fatalf("resume: %v: %s", err, stderr)
	}
	if got := decide(); !strings.HasPrefix(got, "allow") {
		t.Errorf("after resume: %s", got)
	}
	if _, _, err := wardIn(home, "", "session", "kill", "nope"); err == nil {
		t.Error("killing an unknown session succeeded")
	}
	if _, _, err := wardIn(home, "", "session", "kill"); err == nil {
		t.Error("kill with neither a session nor --agent succeeded")
	}
	if _, stderr, err := wardIn(home, "", "session", "kill", "--agent", "claude-code", "--reason", "runaway"); err != nil {
		t.Fatalf("kill --agent: %v: %s", err, stderr)
	}
	out, _, _ = wardIn(home, ls, "eval", "--record")
	if !strings.Contains(out, `"stop":true`) || !strings.Contains(out, "ward.session_killed") {
		t.Errorf("after kill --agent: %s", out)
	}
	fi, err := os.Stat(filepath.Join(home, ".ward", "state.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state.db: %v, mode %v, want 0600", err, fi.Mode().Perm())
	}
}
