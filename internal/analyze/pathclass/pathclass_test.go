package pathclass_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/pathclass"
)

func testEnv() *pathclass.Env {
	return &pathclass.Env{
		Home:      "/home/dev",
		WardHome:  "/home/dev/.ward",
		Workspace: "/home/dev/project",
		Cwd:       "/home/dev/project/src",
		TempDirs:  []string{"/home/dev/tmp"},
		WardFiles: []string{"/usr/local/bin/ward"},
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	env := testEnv()
	tests := []struct {
		name, in, want string
	}{
		{"absolute stays", "/etc/passwd", "/etc/passwd"},
		{"relative joins cwd", "main.go", "/home/dev/project/src/main.go"},
		{"dot-dot climbs", "../../.ssh/id_rsa", "/home/dev/.ssh/id_rsa"},
		{"tilde is home", "~", "/home/dev"},
		{"tilde slash", "~/.aws/credentials", "/home/dev/.aws/credentials"},
		{"other user's home", "~alice/.ssh/id_rsa", "/home/alice/.ssh/id_rsa"},
		{"root's home", "~root/.bashrc", "/root/.bashrc"},
		{"doubled slashes", "//etc//shadow", "/etc/shadow"},
		{"proc self root is the root", "/proc/self/root/home/dev/.ward/policy.yaml", "/home/dev/.ward/policy.yaml"},
		{"proc pid root", "/proc/1/root/etc/shadow", "/etc/shadow"},
		{"proc environ stays", "/proc/self/environ", "/proc/self/environ"},
		{"cannot climb above root", "/../../etc", "/etc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := env.Resolve(tt.in); got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	env := testEnv()
	// Each row names classes the path must have and classes it must not.
	tests := []struct {
		name string
		path string
		has  []string
		not  []string
	}{
		{"project source is workspace", "/home/dev/project/src/main.go",
			[]string{"workspace"}, []string{"home", "outside_workspace", "credential"}},
		{"workspace root itself", "/home/dev/project",
			[]string{"workspace", "workspace_root"}, []string{"protected_parent"}},
		{"tmp is temp", "/tmp/build/x.o", []string{"temp"}, []string{"outside_workspace", "system"}},
		{"var tmp is temp, not system", "/var/tmp/x", []string{"temp"}, []string{"system"}},
		{"TMPDIR counts as temp", "/home/dev/tmp/x", []string{"temp"}, []string{"home"}},
		{"home file outside workspace", "/home/dev/notes.txt", []string{"home", "outside_workspace"}, []string{"workspace"}},
		{"home itself is home_root", "/home/dev", []string{"home", "home_root", "protected_parent"}, nil},
		{"/home holds every home", "/home", []string{"home_root", "system"}, nil},
		{"root directory", "/", []string{"root", "system", "protected_parent"}, nil},
		{"etc is system", "/etc/hosts", []string{"system", "outside_workspace"}, []string{"credential"}},
		{"unknown top dir is other", "/data/x", []string{"other"}, []string{"system"}},

		// Build output and system directories.
		{"node_modules is build output", "/home/dev/project/node_modules", []string{"workspace", "build_output"}, nil},
		{"inside dist is build output", "/home/dev/project/web/dist/app.js", []string{"build_output"}, nil},
		{"source is not build output", "/home/dev/project/src/build.go", nil, []string{"build_output"}},
		{"build output needs the workspace", "/home/dev/node_modules", nil, []string{"build_output"}},
		{"etc is a system dir", "/etc", []string{"system_dir"}, nil},
		{"usr/lib is a system dir", "/usr/lib", []string{"system_dir"}, nil},
		{"deep system path is not", "/usr/lib/x86_64-linux-gnu/libc.so", []string{"system"}, []string{"system_dir"}},

		// Credentials: reading these leaks keys and tokens.
		{"ssh private key", "/home/dev/.ssh/id_ed25519", []string{"credential"}, nil},
		{"ssh public key is not a secret", "/home/dev/.ssh/id_ed25519.pub", nil, []string{"credential"}},
		{"known_hosts is not a secret", "/home/dev/.ssh/known_hosts", nil, []string{"credential"}},
		{"aws credentials", "/home/dev/.aws/credentials", []string{"credential"}, nil},
		{"gcloud tokens", "/home/dev/.config/gcloud/access_tokens.db", []string{"credential"}, nil},
		{"kube config", "/home/dev/.kube/config", []string{"credential"}, nil},
		{"docker auth", "/home/dev/.docker/config.json", []string{"credential"}, nil},
		{"netrc", "/home/dev/.netrc", []string{"credential"}, nil},
		{"git credentials", "/home/dev/.git-credentials", []string{"credential"}, nil},
		{"npm token file", "/home/dev/.npmrc", []string{"credential"}, nil},
		{"shell history", "/home/dev/.bash_history", []string{"credential"}, nil},
		{"project .env", "/home/dev/project/.env", []string{"credential", "workspace"}, nil},
		{"project .env.production", "/home/dev/project/.env.production", []string{"credential"}, nil},
		{".env.example is a template", "/home/dev/project/.env.example", nil, []string{"credential"}},
		{"private key file anywhere", "/srv/app/server.key", []string{"credential"}, nil},
		{"key pem", "/home/dev/project/certs/private-key.pem", []string{"credential"}, nil},
		{"certificate pem is public", "/home/dev/project/certs/cert.pem", nil, []string{"credential"}},
		{"shadow", "/etc/shadow", []string{"credential", "system"}, nil},
		{"process environment", "/proc/1234/environ", []string{"credential"}, nil},
		{"kubernetes service account token", "/var/run/secrets/kubernetes.io/serviceaccount/token", []string{"credential"}, nil},
		{"browser profile", "/home/dev/.config/google-chrome/Default/Cookies", []string{"credential"}, nil},
		{"mixed case still matches", "/home/dev/.AWS/Credentials", []string{"credential"}, nil},

		// Ward's own files: the agent must not reach the gate.
		{"ward policy", "/home/dev/.ward/policy.yaml", []string{"ward"}, []string{"ward_secret"}},
		{"ward state directory", "/home/dev/.ward", []string{"ward"}, []string{"protected_parent"}},
		{"ward key", "/home/dev/.ward/keys/audit.key", []string{"ward", "ward_secret"}, nil},
		{"ward token", "/home/dev/.ward/approval.token", []string{"ward", "ward_secret"}, nil},
		{"managed policy", "/etc/ward/policy.yaml", []string{"ward", "system"}, nil},
		{"project policy", "/home/dev/project/.ward/policy.yaml", []string{"ward", "workspace"}, nil},
		{"ward binary", "/usr/local/bin/ward", []string{"ward"}, nil},
		{"a file merely named ward", "/home/dev/project/ward.go", nil, []string{"ward"}},

		// Agent hook and MCP configuration: editing it switches ward off.
		{"claude user settings", "/home/dev/.claude/settings.json", []string{"agent_config"}, nil},
		{"claude project settings", "/home/dev/project/.claude/settings.local.json", []string{"agent_config", "workspace"}, nil},
		{"claude mcp config", "/home/dev/.claude.json", []string{"agent_config"}, nil},
		{"project mcp config", "/home/dev/project/.mcp.json", []string{"agent_config"}, nil},
		{"cursor hooks", "/home/dev/.cursor/hooks.json", []string{"agent_config"}, nil},
		{"codex config", "/home/dev/.codex/config.toml", []string{"agent_config"}, nil},
		{"gemini system settings", "/etc/gemini-cli/settings.json", []string{"agent_config"}, nil},
		{"copilot repo hooks", "/home/dev/project/.github/hooks/ward.json", []string{"agent_config"}, nil},
		{"copilot user hooks", "/home/dev/.copilot/hooks/x.json", []string{"agent_config"}, nil},
		{"claude managed settings", "/etc/claude-code/managed-settings.json", []string{"agent_config"}, nil},
		{"claude todo file is not config", "/home/dev/.claude/todos/a.json", nil, []string{"agent_config"}},
		{"claude dir holds config", "/home/dev/.claude", []string{"protected_parent"}, []string{"agent_config"}},
		{"project .claude dir holds config", "/home/dev/project/.claude", []string{"protected_parent"}, nil},
		{"claude credentials", "/home/dev/.claude/.credentials.json", []string{"credential"}, nil},

		// Persistence: code that runs later without the user asking.
		{"bashrc", "/home/dev/.bashrc", []string{"persistence"}, nil},
		{"zshenv", "/home/dev/.zshenv", []string{"persistence"}, nil},
		{"authorized_keys", "/home/dev/.ssh/authorized_keys", []string{"persistence"}, []string{"credential"}},
		{"root authorized_keys", "/root/.ssh/authorized_keys", []string{"persistence", "system"}, nil},
		{"git hook", "/home/dev/project/.git/hooks/pre-commit", []string{"persistence", "git"}, nil},
		{"git config", "/home/dev/project/.git/config", []string{"persistence", "git"}, nil},
		{"git object is git, not persistence", "/home/dev/project/.git/objects/ab/cd", []string{"git"}, []string{"persistence"}},
		{"crontab", "/etc/crontab", []string{"persistence"}, nil},
		{"cron.d", "/etc/cron.d/job", []string{"persistence"}, nil},
		{"user crontab spool", "/var/spool/cron/crontabs/dev", []string{"persistence"}, nil},
		{"systemd unit", "/etc/systemd/system/x.service", []string{"persistence"}, nil},
		{"user systemd unit", "/home/dev/.config/systemd/user/x.service", []string{"persistence"}, nil},
		{"launch agent", "/home/dev/Library/LaunchAgents/com.x.plist", []string{"persistence"}, nil},
		{"ld.so.preload", "/etc/ld.so.preload", []string{"persistence"}, nil},
		{"sudoers", "/etc/sudoers.d/dev", []string{"persistence"}, nil},

		// Devices and bash network pseudo-files.
		{"disk device", "/dev/sda", []string{"device"}, nil},
		{"nvme partition", "/dev/nvme0n1p1", []string{"device"}, nil},
		{"dev null is harmless", "/dev/null", nil, []string{"device"}},
		{"dev stderr is harmless", "/dev/stderr", nil, []string{"device"}},
		{"bash tcp", "/dev/tcp/10.0.0.1/4242", []string{"network"}, []string{"device"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := env.Classify(tt.path)
			for _, c := range tt.has {
				if !slices.Contains(got, c) {
					t.Errorf("Classify(%q) = %v, missing %q", tt.path, got, c)
				}
			}
			for _, c := range tt.not {
				if slices.Contains(got, c) {
					t.Errorf("Classify(%q) = %v, must not have %q", tt.path, got, c)
				}
			}
			if n := countLocations(got); n != 1 {
				t.Errorf("Classify(%q) = %v, has %d location classes, want 1", tt.path, got, n)
			}
		})
	}
}

func countLocations(classes []string) int {
	n := 0
	for _, c := range classes {
		switch c {
		case pathclass.Workspace, pathclass.Temp, pathclass.Home, pathclass.System, pathclass.Other:
			n++
		}
	}
	return n
}

// A workspace that is "/" or the home directory is no workspace: otherwise
// an agent started in "/" would find every path "in the workspace".
func TestBroadWorkspaceIsIgnored(t *testing.T) {
	t.Parallel()
	for _, ws := range []string{"/", "/home/dev", "/etc", "/usr"} {
		env := testEnv()
		env.Workspace = ws
		got := env.Classify("/etc/passwd")
		if slices.Contains(got, pathclass.Workspace) {
			t.Errorf("workspace %q: /etc/passwd classified %v, want no workspace class", ws, got)
		}
	}
	env := testEnv()
	env.Workspace = "/tmp/job"
	if got := env.Classify("/tmp/job/a"); !slices.Contains(got, pathclass.Workspace) {
		t.Errorf("workspace in /tmp: got %v, want workspace", got)
	}
}

func TestClassesStable(t *testing.T) {
	t.Parallel()
	env := testEnv()
	all := pathclass.Classes()
	for _, p := range []string{"/home/dev/.ward/keys/a.key", "/", "/home/dev/project/.git/hooks/x"} {
		got := env.Classify(p)
		if !slices.IsSortedFunc(got, func(a, b string) int {
			return slices.Index(all, a) - slices.Index(all, b)
		}) {
			t.Errorf("Classify(%q) = %v, not in Classes() order", p, got)
		}
		for _, c := range got {
			if !slices.Contains(all, c) {
				t.Errorf("Classify(%q) returned unknown class %q", p, c)
			}
		}
	}
	all[0] = "mutated"
	if pathclass.Classes()[0] == "mutated" {
		t.Error("Classes returns the package's own array")
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"/", "~", "../..", "/proc/self/root/proc/self/root/etc", "~x/../../", "/dev/tcp/1/2", strings.Repeat("a/", 3000)} {
		f.Add(s)
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, p string) {
		abs := env.Resolve(p)
		if !strings.HasPrefix(abs, "/") {
			t.Fatalf("Resolve(%q) = %q, not absolute", p, abs)
		}
		a, b := env.Classify(abs), env.Classify(abs)
		if !slices.Equal(a, b) {
			t.Fatalf("Classify(%q) not deterministic: %v vs %v", abs, a, b)
		}
		if countLocations(a) != 1 {
			t.Fatalf("Classify(%q) = %v: want exactly one location", abs, a)
		}
	})
}
