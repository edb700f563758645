// Package pathclass says what kind of location a file system path is: inside
// the workspace, in a temporary directory, a credential file, one of ward's
// own files, an agent's hook configuration, a place code runs from at login.
//
// Classification is pure: it looks at the path's text and the [Env], never
// at the file system, so the same path always gets the same classes.
package pathclass

import (
	"path"
	"strings"
)

// The classes a path can carry. Exactly one location class (Workspace, Temp,
// Home, System, Other) applies; the others are added where they fit.
const (
	// Location classes, in order of precedence.
	Workspace = "workspace" // inside the project the agent works in
	Temp      = "temp"      // a temporary directory
	Home      = "home"      // the user's home, outside the workspace
	System    = "system"    // operating system directories
	Other     = "other"     // anywhere else

	// OutsideWorkspace marks every path that is neither in the workspace
	// nor in a temporary directory.
	OutsideWorkspace = "outside_workspace"

	// Exact places whose loss is catastrophic.
	Root          = "root"           // "/" itself
	HomeRoot      = "home_root"      // the home directory itself, or /home, /Users
	WorkspaceRoot = "workspace_root" // the workspace directory itself
	SystemDir     = "system_dir"     // an operating system directory or its direct child: /etc, /usr/lib

	// BuildOutput marks generated files inside the workspace that a build
	// recreates: node_modules, dist, build, target, caches.
	BuildOutput = "build_output"

	// Sensitive places.
	Credential      = "credential"       // keys, tokens, cloud credentials, .env, shell history
	Ward            = "ward"             // ward's own state, policies, keys and binary
	WardSecret      = "ward_secret"      // ward's keys and approval token: reading them forges approvals
	AgentConfig     = "agent_config"     // an agent's hook or MCP configuration
	ProtectedParent = "protected_parent" // a directory holding ward's files or agent configuration
	Persistence     = "persistence"      // rc files, authorized_keys, cron, systemd, git hooks
	Git             = "git"              // inside a .git directory
	Device          = "device"           // a device node such as /dev/sda
	Network         = "network"          // bash's /dev/tcp and /dev/udp pseudo-files
)

// Classes lists every class, in a stable order.
func Classes() []string {
	return append([]string(nil), classOrder[:]...)
}

// Env is what classification needs to know about the machine and the
// agent's session. All paths in it are absolute and clean.
type Env struct {
	Home      string   // the user's home directory
	WardHome  string   // ward's state directory ($WARD_HOME)
	Workspace string   // the project root; empty when there is none
	Cwd       string   // the working directory relative paths start from
	TempDirs  []string // temporary directories besides the usual ones
	// WardFiles are further files that belong to ward, such as its binary.
	WardFiles []string
}

// maxPathLen bounds the text classified; longer paths are cut, which keeps
// their leading directories (where the classes come from) intact.
const maxPathLen = 4096

// Resolve turns p, as an agent wrote it, into an absolute clean path: "~"
// and "~user" are expanded, relative paths start at the working directory,
// and magic links such as /proc/self/root are followed.
func (e *Env) Resolve(p string) string {
	if len(p) > maxPathLen {
		p = p[:maxPathLen]
	}
	switch {
	case p == "~" || strings.HasPrefix(p, "~/"):
		p = e.Home + p[1:]
	case strings.HasPrefix(p, "~"):
		user, rest, _ := strings.Cut(p[1:], "/")
		p = path.Join(homeOf(e.Home, user), rest)
	}
	if !strings.HasPrefix(p, "/") {
		cwd := e.Cwd
		if cwd == "" {
			cwd = "/"
		}
		p = cwd + "/" + p
	}
	return stripProcRoot(path.Clean(p))
}

// homeOf guesses the home directory of another user from the current
// user's, without reading /etc/passwd.
func homeOf(home, user string) string {
	if user == "root" {
		return "/root"
	}
	parent := path.Dir(home)
	if parent == "/" || parent == "." {
		parent = "/home"
	}
	return path.Join(parent, user)
}

// stripProcRoot follows /proc/<pid>/root, which the kernel resolves to the
// process's root directory, so /proc/self/root/etc/shadow is /etc/shadow.
func stripProcRoot(p string) string {
	for i := 0; i < 4 && strings.HasPrefix(p, "/proc/"); i++ {
		rest := p[len("/proc/"):]
		pid, after, ok := strings.Cut(rest, "/")
		if !ok || !(pid == "self" || pid == "thread-self" || isDigits(pid)) {
			return p
		}
		if after != "root" && !strings.HasPrefix(after, "root/") {
			return p
		}
		p = "/" + strings.TrimPrefix(after[len("root"):], "/")
	}
	return p
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Classify returns the classes of an absolute clean path, as produced by
// Resolve, in the order of [Classes].
func (e *Env) Classify(p string) []string {
	var set classSet
	e.location(p, &set)
	e.sensitive(p, &set)
	return set.list()
}

// location adds the one location class of p and the exact-place classes.
func (e *Env) location(p string, set *classSet) {
	ws := e.workspace()
	switch {
	case ws != "" && within(p, ws):
		set.add(Workspace)
		if p == ws {
			set.add(WorkspaceRoot)
		} else if isBuildOutput(p[len(ws):]) {
			set.add(BuildOutput)
		}
	case e.isTemp(p):
		set.add(Temp)
	case e.Home != "" && within(p, e.Home):
		set.add(Home)
	case isSystem(p):
		set.add(System)
	default:
		set.add(Other)
	}
	if !set.has(Workspace) && !set.has(Temp) {
		set.add(OutsideWorkspace)
	}
	switch {
	case p == "/":
		set.add(Root)
	case p == e.Home || p == "/home" || p == "/Users":
		set.add(HomeRoot)
	case isSystemDir(p) && !e.isTemp(p):
		set.add(SystemDir)
	}
}

// isSystemDir reports whether p is one of the operating system's
// directories or a direct child of one (/etc, /usr/lib, /var/log).
func isSystemDir(p string) bool {
	for _, d := range systemDirs {
		if p == d || strings.HasPrefix(p, d+"/") && !strings.Contains(p[len(d)+1:], "/") {
			return true
		}
	}
	return false
}

// isBuildOutput reports whether rel, a path below the workspace root
// starting with "/", lies in a directory a build or tool recreates.
func isBuildOutput(rel string) bool {
	for _, c := range strings.Split(strings.TrimPrefix(rel, "/"), "/") {
		switch c {
		case "node_modules", "dist", "build", "target", "out", ".next", ".nuxt", ".svelte-kit",
			".turbo", ".parcel-cache", ".cache", "coverage", ".nyc_output", "__pycache__",
			".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".venv", "venv",
			".eggs", "_build", "site", ".gradle", "obj", "tmp", ".tmp", "DerivedData", ".angular",
			".docusaurus", ".expo", ".vercel", ".serverless", "bazel-bin", "bazel-out", "zig-cache", "zig-out":
			return true
		}
		if strings.HasSuffix(c, ".egg-info") {
			return true
		}
	}
	return false
}

// workspace returns the workspace root, or "" when the configured one is
// too broad to be a project: a workspace of "/" or of the home directory
// would make every path "in the workspace".
func (e *Env) workspace() string {
	ws := e.Workspace
	if ws == "" || ws == "/" || ws == e.Home || isSystem(ws) && !e.isTemp(ws) && topLevel(ws) {
		return ""
	}
	return ws
}

// topLevel reports whether p is a direct child of "/".
func topLevel(p string) bool {
	return strings.Count(p, "/") == 1
}

// within reports whether p is dir or inside it.
func within(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir) && p[len(dir)] == '/'
}

func (e *Env) isTemp(p string) bool {
	for _, d := range tempDirs {
		if within(p, d) {
			return true
		}
	}
	for _, d := range e.TempDirs {
		if d != "" && d != "/" && within(p, d) {
			return true
		}
	}
	return false
}

var tempDirs = [...]string{"/tmp", "/var/tmp", "/dev/shm", "/private/tmp", "/private/var/tmp", "/private/var/folders", "/var/folders"}

// systemDirs are operating system directories; everything beneath them is
// System unless a more precise location applies.
var systemDirs = [...]string{
	"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
	"/boot", "/dev", "/proc", "/sys", "/var", "/opt", "/srv", "/snap", "/root",
	"/run", "/nix", "/System", "/Library", "/Applications", "/private", "/home", "/Users",
}

func isSystem(p string) bool {
	if p == "/" {
		return true
	}
	for _, d := range systemDirs {
		if within(p, d) {
			return true
		}
	}
	return false
}

// classSet is a small set of classes that lists them in a stable order.
type classSet uint32

func (s *classSet) add(c string) {
	for i, name := range classOrder {
		if name == c {
			*s |= 1 << i
			return
		}
	}
}

func (s classSet) has(c string) bool {
	for i, name := range classOrder {
		if name == c {
			return s&(1<<i) != 0
		}
	}
	return false
}

func (s classSet) list() []string {
	out := make([]string, 0, 4)
	for i, name := range classOrder {
		if s&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

// classOrder is the order of [Classes]; a class's index is its bit in classSet.
var classOrder = [...]string{Workspace, Temp, Home, System, Other, OutsideWorkspace,
	Root, HomeRoot, WorkspaceRoot, SystemDir, BuildOutput, Credential, Ward, AgentConfig,
	WardSecret, ProtectedParent, Persistence, Git, Device, Network}
