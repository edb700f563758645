package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// exe is the ward binary the golden files point at.
const exe = "/opt/ward/bin/ward"

func noEnv(string) string { return "" }

// env is a home and a project directory in a fresh temporary directory.
type env struct {
	home, dir string
}

func newEnv(t *testing.T) env {
	t.Helper()
	root := t.TempDir()
	e := env{home: filepath.Join(root, "home"), dir: filepath.Join(root, "project")}
	for _, d := range []string{e.home, e.dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e env) opts(agent string, scope Scope, exe string) Options {
	return Options{Agent: agent, Scope: scope, Home: e.home, Dir: e.dir, Executable: exe, Getenv: noEnv}
}

func (e env) path(t *testing.T, agent string, scope Scope) string {
	t.Helper()
	a, err := lookup(agent)
	if err != nil {
		t.Fatal(err)
	}
	p, err := configPath(a, scope, e.home, e.dir, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func write(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		write(t, path, got, 0o644)
		return
	}
	want := read(t, path)
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func install(t *testing.T, o Options) Result {
	t.Helper()
	res, err := Install(o)
	if err != nil {
		t.Fatalf("install %s: %v", o.Agent, err)
	}
	return res
}

// wardCommands are the command lines of ward's handlers in a file, by
// event.
func wardCommands(t *testing.T, agent, path string) map[string][][]string {
	t.Helper()
	a, _ := lookup(agent)
	doc, err := decodeObject(read(t, path))
	if err != nil {
		t.Fatal(err)
	}
	hooks, err := childObject(doc, "hooks")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, m := range hooks.members {
		items, _ := decodeArray(m.value)
		for _, h := range a.handlers(items) {
			if a.isWard(h) {
				argv, err := a.commandLine(h, noEnv)
				if err != nil {
					t.Fatal(err)
				}
				out[m.key] = append(out[m.key], argv)
			}
		}
	}
	return out
}

func semantic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return v
}

// Installing into a home without the agent's configuration creates the
// file with ward's handler on every event, nothing else; the project file
// has the same content.
func TestInstallEmpty(t *testing.T) {
	t.Parallel()
	for _, agent := range Agents() {
		for _, scope := range []Scope{User, Project} {
			t.Run(agent+"/"+scope.String(), func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				res := install(t, e.opts(agent, scope, exe))
				path := e.path(t, agent, scope)
				if res.Path != path || !res.Changed || !res.Created || res.Backup != "" {
					t.Errorf("result = %+v, want a new file at %s and no backup", res, path)
				}
				golden(t, filepath.Join(agent, "empty.golden.json"), read(t, path))
				fi, _ := os.Stat(path)
				want := os.FileMode(0o600)
				if scope == Project {
					want = 0o644
				}
				if fi.Mode().Perm() != want {
					t.Errorf("mode = %v, want %v", fi.Mode().Perm(), want)
				}
				if _, err := os.Stat(path + BackupSuffix); err == nil {
					t.Error("a backup of a file that did not exist")
				}
				a, _ := lookup(agent)
				cmds := wardCommands(t, agent, path)
				for _, ev := range a.events {
					if got := cmds[ev]; len(got) != 1 || !slices.Equal(got[0], []string{exe, "hook", "--agent", agent}) {
						t.Errorf("%s: ward handlers %q", ev, got)
					}
				}
			})
		}
	}
}

// Installing into an existing configuration keeps the user's hooks and
// settings, their order and the file's indentation, and backs the file up.
func TestInstallExisting(t *testing.T) {
	t.Parallel()
	for _, agent := range Agents() {
		t.Run(agent, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			orig := read(t, filepath.Join("testdata", agent, "existing.json"))
			path := e.path(t, agent, User)
			write(t, path, orig, 0o640)
			res := install(t, e.opts(agent, User, exe))
			if !res.Changed || res.Created || res.Backup != path+BackupSuffix {
				t.Errorf("result = %+v", res)
			}
			got := read(t, path)
			golden(t, filepath.Join(agent, "existing.golden.json"), got)
			if b := read(t, path+BackupSuffix); !bytes.Equal(b, orig) {
				t.Errorf("backup = %s, want the original", b)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
				t.Errorf("mode = %v, want the file's own 0640", fi.Mode().Perm())
			}
			// Every value of the original is still there.
			o, w := semantic(t, orig).(map[string]any), semantic(t, got).(map[string]any)
			for k, v := range o {
				if k == "hooks" {
					continue
				}
				if !reflect.DeepEqual(w[k], v) {
					t.Errorf("%s changed: %v -> %v", k, v, w[k])
				}
			}
		})
	}
}

// A second install finds nothing to do: the file stays byte for byte the
// same, and no backup is made.
func TestInstallIdempotent(t *testing.T) {
	t.Parallel()
	for _, agent := range Agents() {
		for _, existing := range []bool{false, true} {
			name := agent + "/empty"
			if existing {
				name = agent + "/existing"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t)
				path := e.path(t, agent, User)
				if existing {
					write(t, path, read(t, filepath.Join("testdata", agent, "existing.json")), 0o600)
				}
				install(t, e.opts(agent, User, exe))
				first := read(t, path)
				os.Remove(path + BackupSuffix)
				res := install(t, e.opts(agent, User, exe))
				if res.Changed || res.Backup != "" {
					t.Errorf("second install: %+v, want no change", res)
				}
				if second := read(t, path); !bytes.Equal(first, second) {
					t.Errorf("second install changed the file:\n%s\n---\n%s", first, second)
				}
				if _, err := os.Stat(path + BackupSuffix); err == nil {
					t.Error("second install made a backup")
				}
			})
		}
	}
}

// After ward moves, install points every handler at the new path: one
// ward handler per event, the user's untouched.
func TestInstallMovedBinary(t *testing.T) {
	t.Parallel()
	const moved = "/usr/local/Cellar/ward 2/bin/ward" // a space: quoted for shells
	for _, agent := range Agents() {
		t.Run(agent, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			path := e.path(t, agent, User)
			write(t, path, read(t, filepath.Join("testdata", agent, "existing.json")), 0o600)
			install(t, e.opts(agent, User, exe))
			res := install(t, e.opts(agent, User, moved))
			if !res.Changed {
				t.Fatal("moving ward changed nothing")
			}
			a, _ := lookup(agent)
			cmds := wardCommands(t, agent, path)
			for _, ev := range a.events {
				if got := cmds[ev]; len(got) != 1 || !slices.Equal(got[0], []string{moved, "hook", "--agent", agent}) {
					t.Errorf("%s: ward handlers %q, want one running %s", ev, got, moved)
				}
			}
			// Same file as installing at the new path in the first place.
			e2 := newEnv(t)
			path2 := e2.path(t, agent, User)
			write(t, path2, read(t, filepath.Join("testdata", agent, "existing.json")), 0o600)
			install(t, e2.opts(agent, User, moved))
			if a, b := read(t, path), read(t, path2); !bytes.Equal(a, b) {
				t.Errorf("re-install differs from a fresh install:\n%s\n---\n%s", a, b)
			}
		})
	}
}

// Handlers ward wrote by hand or an older ward wrote are found and
// replaced, wherever they are; look-alikes are left alone.
func TestInstallReplacesStaleWard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, agent, in string
		// userHandlers are the non-ward command lines that must survive,
		// per event.
		userHandlers map[string]int
	}{
		{
			name: "shell string in a group of its own is rewritten in place", agent: ClaudeCode,
			in:           `{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[{"type":"command","command":"/old/ward hook --agent claude-code"}]},{"matcher":"Read","hooks":[{"type":"command","command":"./mine.sh"}]}]}}`,
			userHandlers: map[string]int{"PreToolUse": 1},
		},
		{
			name: "ward sharing a group with the user's handler leaves the group", agent: ClaudeCode,
			in:           `{"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"./mine.sh"},{"type":"command","command":"/old/ward","args":["hook","--agent","claude-code"]}]}]}}`,
			userHandlers: map[string]int{"PreToolUse": 1},
		},
		{
			name: "duplicates collapse to one", agent: Codex,
			in:           `{"hooks":{"PreToolUse":[{"hooks":[{"type":"command","command":"ward hook --agent codex"}]},{"hooks":[{"type":"command","command":"'/a b/ward' hook --agent codex"}]}]}}`,
			userHandlers: map[string]int{},
		},
		{
			name: "look-alikes are not ward", agent: Cursor,
			in:           `{"version":1,"hooks":{"beforeShellExecution":[{"command":"/usr/bin/wardrobe hook"},{"command":"ward version"},{"command":"echo ward hook"}]}}`,
			userHandlers: map[string]int{"beforeShellExecution": 3},
		},
		{
			name: "flat duplicates collapse to one", agent: Copilot,
			in:           `{"version":1,"hooks":{"preToolUse":[{"type":"command","bash":"ward hook --agent copilot"},{"type":"command","bash":"./x.sh"},{"type":"command","bash":"/usr/bin/ward hook --agent copilot"}]}}`,
			userHandlers: map[string]int{"preToolUse": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			path := e.path(t, tt.agent, User)
			write(t, path, []byte(tt.in), 0o600)
			install(t, e.opts(tt.agent, User, exe))
			a, _ := lookup(tt.agent)
			for ev, argvs := range wardCommands(t, tt.agent, path) {
				if len(argvs) != 1 || argvs[0][0] != exe {
					t.Errorf("%s: ward handlers %q", ev, argvs)
				}
			}
			doc, _ := decodeObject(read(t, path))
			hooks, _ := childObject(doc, "hooks")
			for _, m := range hooks.members {
				items, _ := decodeArray(m.value)
				n := 0
				for _, h := range a.handlers(items) {
					if !a.isWard(h) {
						n++
					}
				}
				if n != tt.userHandlers[m.key] {
					t.Errorf("%s: %d user handlers, want %d\n%s", m.key, n, tt.userHandlers[m.key], read(t, path))
				}
			}
		})
	}
}

// Install then uninstall gives back the file as it was (as JSON), and a
// file ward created goes away.
func TestUninstallRoundTrip(t *testing.T) {
	t.Parallel()
	type tc struct {
		name, agent string
		in          []byte // nil: no file
	}
	var tests []tc
	for _, agent := range Agents() {
		tests = append(tests,
			tc{agent + "/no file: ward created it, ward removes it", agent, nil},
			tc{agent + "/the user's hooks and settings", agent, read(t, filepath.Join("testdata", agent, "existing.json"))},
			tc{agent + "/an empty object stays", agent, []byte("{}\n")},
			tc{agent + `/an empty "hooks" stays`, agent, []byte(`{"hooks": {}}`)},
			tc{agent + "/an empty event array of the user's stays", agent, []byte(`{"hooks": {"` + mustLookup(agent).events[0] + `": []}}`)},
			tc{agent + "/an empty file stays", agent, []byte("")},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			path := e.path(t, tt.agent, User)
			if tt.in != nil {
				write(t, path, tt.in, 0o600)
			}
			install(t, e.opts(tt.agent, User, exe))
			res, err := Uninstall(e.opts(tt.agent, User, exe))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Changed {
				t.Errorf("uninstall changed nothing: %+v", res)
			}
			if tt.in == nil {
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) || !res.Removed {
					t.Errorf("the file ward created is still there (%+v)", res)
				}
				return
			}
			got := read(t, path)
			if len(bytes.TrimSpace(tt.in)) == 0 {
				if string(got) != "{}\n" {
					t.Errorf("empty file came back as %q", got)
				}
				return
			}
			if !reflect.DeepEqual(semantic(t, got), semantic(t, tt.in)) {
				t.Errorf("round trip changed the file:\n%s\n--- was\n%s", got, tt.in)
			}
			// A second uninstall has nothing to do.
			res, err = Uninstall(e.opts(tt.agent, User, exe))
			if err != nil || res.Changed {
				t.Errorf("second uninstall: %+v, %v", res, err)
			}
		})
	}
}

func mustLookup(name string) *agent {
	a, err := lookup(name)
	if err != nil {
		panic(err)
	}
	return a
}

// A file ward created keeps the settings the user (or the agent) added
// since: uninstall takes out ward's handlers and leaves the rest.
func TestUninstallKeepsLaterAdditions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := e.path(t, ClaudeCode, User)
	install(t, e.opts(ClaudeCode, User, exe))
	var doc map[string]any
	json.Unmarshal(read(t, path), &doc)
	doc["model"] = "sonnet"
	hooks := doc["hooks"].(map[string]any)
	hooks["PreToolUse"] = append(hooks["PreToolUse"].([]any), map[string]any{"matcher": "Bash",
		"hooks": []any{map[string]any{"type": "command", "command": "./mine.sh"}}})
	b, _ := json.Marshal(doc)
	write(t, path, b, 0o600)

	if _, err := Uninstall(e.opts(ClaudeCode, User, exe)); err != nil {
		t.Fatal(err)
	}
	want := `{"hooks":{"PreToolUse":[{"hooks":[{"command":"./mine.sh","type":"command"}],"matcher":"Bash"}]},"model":"sonnet"}`
	if got, _ := json.Marshal(semantic(t, read(t, path))); string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// Files ward cannot read exactly are refused, and left as they were.
func TestInvalidConfigRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, agent, in string
	}{
		{"not JSON at all", ClaudeCode, "hooks = yes\n"},
		{"trailing comma", ClaudeCode, `{"model": "opus",}`},
		{"comments (JSONC is a guess ward does not make)", Gemini, "{\n  // my theme\n  \"theme\": \"GitHub\"\n}\n"},
		{"truncated", Codex, `{"hooks": {"PreToolUse": [`},
		{"two documents", Cursor, `{"version": 1} {"version": 1}`},
		{"top level is an array", Copilot, `[{"version": 1}]`},
		{"duplicate top-level keys", ClaudeCode, `{"hooks": {}, "hooks": {"Stop": []}}`},
		{`"hooks" is not an object`, ClaudeCode, `{"hooks": ["PreToolUse"]}`},
		{"an event is not an array", Codex, `{"hooks": {"PreToolUse": {"hooks": []}}}`},
		{"duplicate events", Cursor, `{"version": 1, "hooks": {"beforeReadFile": [], "beforeReadFile": []}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			path := e.path(t, tt.agent, User)
			write(t, path, []byte(tt.in), 0o600)
			_, err := Install(e.opts(tt.agent, User, exe))
			var ie *InvalidConfigError
			if !errors.As(err, &ie) || ie.Path != path {
				t.Fatalf("err = %v, want an InvalidConfigError for %s", err, path)
			}
			if !strings.Contains(err.Error(), "changed nothing") {
				t.Errorf("error %q does not say nothing changed", err)
			}
			if got := read(t, path); string(got) != tt.in {
				t.Errorf("file changed to %s", got)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("files left next to it: %v", entries)
			}
		})
	}
}

// The backup is the file before ward: later installs do not overwrite it.
func TestBackupOnce(t *testing.T) {
	t.Parallel()
	for _, agent := range Agents() {
		t.Run(agent, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			path := e.path(t, agent, User)
			orig := read(t, filepath.Join("testdata", agent, "existing.json"))
			write(t, path, orig, 0o600)
			if res := install(t, e.opts(agent, User, exe)); res.Backup == "" {
				t.Fatal("no backup")
			}
			for _, next := range []string{"/a/ward", "/b/ward"} {
				if res := install(t, e.opts(agent, User, next)); !res.Changed || res.Backup != "" {
					t.Errorf("install at %s: %+v, want a change and no new backup", next, res)
				}
			}
			if res, err := Uninstall(e.opts(agent, User, exe)); err != nil || res.Backup != "" {
				t.Errorf("uninstall: %+v, %v", res, err)
			}
			if b := read(t, path+BackupSuffix); !bytes.Equal(b, orig) {
				t.Errorf("backup overwritten:\n%s", b)
			}
		})
	}
}

// A configuration file that is a symbolic link (dotfile managers) is
// written through: the link stays a link.
func TestInstallThroughSymlink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	target := filepath.Join(e.home, "dotfiles", "claude-settings.json")
	write(t, target, []byte(`{"model": "opus"}`), 0o600)
	path := e.path(t, ClaudeCode, User)
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	install(t, e.opts(ClaudeCode, User, exe))
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	if len(wardCommands(t, ClaudeCode, target)) != 5 {
		t.Errorf("target not wired:\n%s", read(t, target))
	}
	if _, err := os.Stat(target + BackupSuffix); err != nil {
		t.Errorf("no backup next to the target: %v", err)
	}
}

// CLAUDE_CONFIG_DIR and CODEX_HOME move those agents' user files.
func TestConfigDirFromEnvironment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dirs := map[string]string{"CLAUDE_CONFIG_DIR": filepath.Join(e.home, "cc"), "CODEX_HOME": filepath.Join(e.home, "cx")}
	getenv := func(k string) string { return dirs[k] }
	for agent, want := range map[string]string{ClaudeCode: filepath.Join(dirs["CLAUDE_CONFIG_DIR"], "settings.json"), Codex: filepath.Join(dirs["CODEX_HOME"], "hooks.json")} {
		o := e.opts(agent, User, exe)
		o.Getenv = getenv
		if res := install(t, o); res.Path != want {
			t.Errorf("%s: wrote %s, want %s", agent, res.Path, want)
		}
	}
}

func TestUnknownAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := Install(e.opts("vim", User, exe)); err == nil || !strings.Contains(err.Error(), "claude-code") {
		t.Errorf("err = %v, want the list of agents", err)
	}
	for alias, want := range map[string]string{"claude": ClaudeCode, "gemini": Gemini, "cursor": Cursor} {
		if got, ok := Canonical(alias); !ok || got != want {
			t.Errorf("Canonical(%q) = %q, %v", alias, got, ok)
		}
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/usr/local/bin/ward": "/usr/local/bin/ward",
		"/Users/a b/ward":     "'/Users/a b/ward'",
		"/x/it's/ward":        `'/x/it'\''s/ward'`,
		"/x/$HOME/ward":       "'/x/$HOME/ward'",
		"":                    "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
		a := mustLookup(Cursor)
		argv, err := a.commandLine(obj("command", shellLine([]string{in, "hook"})), noEnv)
		if err != nil || argv[0] != in {
			t.Errorf("%q does not split back: %q %v", in, argv, err)
		}
	}
}
