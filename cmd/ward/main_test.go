package main_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// wardBin is the ward binary built for these tests.
var wardBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ward-bin")
	if err != nil {
		panic(err)
	}
	wardBin = filepath.Join(dir, "ward")
	build := exec.Command("go", "build", "-o", wardBin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run starts the real binary with HOME in a temporary directory.
func run(t testing.TB, stdin string, args ...string) (string, string, int) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(wardBin, args...)
	cmd.Env = []string{"HOME=" + home, "WARD_HOME=" + filepath.Join(home, ".ward"), "PATH=/usr/bin:/bin"}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// The process answers one line per line and exits 0, whatever it reads.
func TestEvalProcess(t *testing.T) {
	t.Parallel()
	in := `{"session_id":"s","cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf ~/.ward"}}
garbage
{"session_id":"s","cwd":"/w","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/w/main.go"}}
`
	out, stderr, code := run(t, in, "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []string{"deny", "deny", "allow"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines out for 3 in:\n%s", len(lines), out)
	}
	for i, l := range lines {
		var d struct{ Decision string }
		if err := json.Unmarshal([]byte(l), &d); err != nil || d.Decision != want[i] {
			t.Errorf("line %d: %s, want %s", i+1, l, want[i])
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	if _, _, code := run(t, "", "no-such-command"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if out, _, code := run(t, "", "version"); code != 0 || !strings.HasPrefix(out, "ward ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// BenchmarkEvalProcess measures a whole ward process, start to exit, as a
// hook pays it: empty input, and one Bash payload.
func BenchmarkEvalProcess(b *testing.B) {
	payload := `{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"go test ./..."}}` + "\n"
	for _, tc := range []struct{ name, in string }{{"empty", ""}, {"bash", payload}} {
		b.Run(tc.name, func(b *testing.B) {
			home := b.TempDir()
			for b.Loop() {
				cmd := exec.Command(wardBin, "eval")
				cmd.Env = []string{"HOME=" + home}
				cmd.Stdin = strings.NewReader(tc.in)
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
