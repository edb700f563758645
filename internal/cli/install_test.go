package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/internal/install"
)

// runInstallCmds runs install, uninstall or doctor under a root with -C,
// the way Main runs commands, and returns the output and exit code.
func runInstallCmds(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	st := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	root := &cobra.Command{Use: "ward", SilenceUsage: true, SilenceErrors: true}
	root.PersistentFlags().StringP("dir", "C", "", "work as if started in this directory")
	root.AddCommand(newInstallCmd(st), newUninstallCmd(st), newDoctorCmd(st))
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(context.Background())
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil {
			errb.WriteString(ee.err.Error())
		}
	default:
		code = ExitUsage
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), code
}

func installSandbox(t *testing.T) (home, project string) {
	t.Helper()
	home, project = t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("CLAUDE_CONFIG_DIR", "")
	t.Setenv("CODEX_HOME", "")
	return home, project
}

func TestInstallCommands(t *testing.T) {
	_, project := installSandbox(t)
	settings := filepath.Join(project, ".claude", "settings.json")

	out, errOut, code := runInstallCmds(t, "-C", project, "install", "claude", "--project")
	if code != 0 || !strings.Contains(out, "wired ward into "+settings) {
		t.Fatalf("install: %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(settings); err != nil {
		t.Fatal(err)
	}
	out, _, code = runInstallCmds(t, "-C", project, "install", "claude-code", "--project")
	if code != 0 || !strings.Contains(out, "nothing changed") {
		t.Errorf("second install: %d %s", code, out)
	}
	out, _, code = runInstallCmds(t, "-C", project, "uninstall", "claude-code", "--project")
	if code != 0 || !strings.Contains(out, "removed "+settings) {
		t.Errorf("uninstall: %d %s", code, out)
	}
	if _, err := os.Stat(settings); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file ward created still there: %v", err)
	}
	out, _, code = runInstallCmds(t, "-C", project, "uninstall", "claude-code", "--project")
	if code != 0 || !strings.Contains(out, "not wired") {
		t.Errorf("second uninstall: %d %s", code, out)
	}
}

func TestInstallCommandErrors(t *testing.T) {
	home, project := installSandbox(t)
	bad := filepath.Join(home, ".cursor", "hooks.json")
	os.MkdirAll(filepath.Dir(bad), 0o700)
	os.WriteFile(bad, []byte(`{"version": 1, // mine`+"\n}"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"invalid JSON is a problem found, nothing written", []string{"install", "cursor"}, ExitProblem, "changed nothing"},
		{"invalid JSON on uninstall too", []string{"uninstall", "cursor"}, ExitProblem, "changed nothing"},
		{"unknown agent", []string{"install", "vim"}, ExitUsage, "unknown agent"},
		{"no agent", []string{"install"}, ExitUsage, "accepts 1 arg"},
		{"both scopes", []string{"install", "codex", "--user", "--project"}, ExitUsage, "none of the others"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runInstallCmds(t, append([]string{"-C", project}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.want)
			}
		})
	}
	if b, _ := os.ReadFile(bad); !strings.Contains(string(b), "// mine") {
		t.Errorf("invalid file changed: %s", b)
	}
}

// doctor exits 0 when the wired hook denies, 1 when it lets `rm -rf /`
// through, and says so in text and JSON.
func TestDoctorCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake ward is a shell script")
	}
	tests := []struct {
		name, answer string
		code         int
		text         string
	}{
		{"a hook that denies passes", `{"permission":"deny","user_message":"ward: no"}`, 0, "self-test: pass, denied"},
		{"a hook that allows fails", `{"permission":"allow"}`, 1, "self-test: FAIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home, project := installSandbox(t)
			ward := filepath.Join(t.TempDir(), "ward")
			os.WriteFile(ward, []byte("#!/bin/sh\ncat >/dev/null\nprintf '%s' '"+tt.answer+"'\n"), 0o755)
			if _, err := install.Install(install.Options{Agent: install.Cursor, Home: home, Executable: ward}); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runInstallCmds(t, "-C", project, "doctor")
			if code != tt.code || !strings.Contains(out, tt.text) || !strings.Contains(out, "cursor: found") {
				t.Errorf("doctor: exit %d\n%s\n%s", code, out, errOut)
			}
			out, _, code = runInstallCmds(t, "-C", project, "doctor", "--json")
			var rep install.Report
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != tt.code || rep.OK != (tt.code == 0) {
				t.Errorf("doctor --json: exit %d, %v\n%s", code, err, out)
			}
		})
	}
}
