package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Scope is which configuration file ward writes: the user's, which applies
// to every project, or the project's, which travels with the repository.
type Scope int

// Scopes.
const (
	User Scope = iota
	Project
)

func (s Scope) String() string {
	if s == Project {
		return "project"
	}
	return "user"
}

// MarshalText implements encoding.TextMarshaler.
func (s Scope) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Scope) UnmarshalText(b []byte) error {
	switch string(b) {
	case "user":
		*s = User
	case "project":
		*s = Project
	default:
		return fmt.Errorf("unknown scope %q (user, project)", b)
	}
	return nil
}

// BackupSuffix is appended to a configuration file's name for the copy ward
// makes before it first changes the file.
const BackupSuffix = ".ward-backup"

// File modes of files ward creates. User configuration lives in the home
// directory and may hold tokens (Claude Code's env settings), so only the
// user reads it; project files are meant to be committed and shared.
// An existing file keeps its mode.
const (
	userFileMode    fs.FileMode = 0o600
	userDirMode     fs.FileMode = 0o700
	projectFileMode fs.FileMode = 0o644
	projectDirMode  fs.FileMode = 0o755
)

// Options say which agent's hooks to change, where.
type Options struct {
	Agent string // an agent name or alias
	Scope Scope
	// Home is the user's home directory; "" means os.UserHomeDir.
	Home string
	// Dir is the project directory; "" means the current directory.
	Dir string
	// Executable is the ward binary the hooks run; "" means this process's
	// executable, with symbolic links resolved.
	Executable string
	// Getenv reads CLAUDE_CONFIG_DIR and CODEX_HOME, which move those
	// agents' user configuration; nil means os.Getenv.
	Getenv func(string) string
}

// Result says what Install or Uninstall did.
type Result struct {
	Agent   string   `json:"agent"`
	Scope   Scope    `json:"scope"`
	Path    string   `json:"path"`
	Command []string `json:"command,omitempty"` // the hook command line (install)
	// Changed reports whether the file changed; false means it already
	// was as asked.
	Changed bool `json:"changed"`
	Created bool `json:"created,omitempty"` // install created the file
	Removed bool `json:"removed,omitempty"` // uninstall removed the file, which held only ward's hooks
	// Backup is the copy of the file as it was, made by this call.
	Backup   string   `json:"backup,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// resolved are Options with the defaults filled in.
type resolved struct {
	agent  *agent
	scope  Scope
	path   string
	exe    string
	getenv func(string) string
}

func (o Options) resolve(needExe bool) (*resolved, error) {
	a, err := lookup(o.Agent)
	if err != nil {
		return nil, err
	}
	r := &resolved{agent: a, scope: o.Scope, getenv: o.Getenv}
	if r.getenv == nil {
		r.getenv = os.Getenv
	}
	r.path, err = configPath(a, o.Scope, o.Home, o.Dir, r.getenv)
	if err != nil {
		return nil, err
	}
	r.exe = o.Executable
	if r.exe == "" {
		r.exe, err = Executable()
		if err != nil && needExe {
			return nil, err
		}
	}
	if needExe && !filepath.IsAbs(r.exe) {
		return nil, fmt.Errorf("ward's path %q is not absolute", r.exe)
	}
	a.self = r.exe
	return r, nil
}

// Executable is the running ward binary's absolute path, with symbolic
// links resolved.
func Executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding ward's own path: %w", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Abs(exe)
}

func configPath(a *agent, scope Scope, home, dir string, getenv func(string) string) (string, error) {
	if scope == Project {
		if dir == "" {
			wd, err := os.Getwd()
			if err != nil {
				return "", err
			}
			dir = wd
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		return a.projectFile(abs), nil
	}
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the home directory: %w", err)
		}
		home = h
	}
	return a.userFile(home, getenv), nil
}

// Install wires ward's hook into an agent's configuration: one ward
// handler on every event ward watches, matching every tool, fail-closed
// where the agent has the switch. Everything else in the file stays as it
// was. Running it again changes nothing; running it after ward moved
// points the handlers at the new path.
func Install(opts Options) (Result, error) {
	r, err := opts.resolve(true)
	if err != nil {
		return Result{}, err
	}
	res := Result{Agent: r.agent.name, Scope: r.scope, Path: r.path, Command: wardCommand(r.exe, r.agent.name)}
	if strings.HasPrefix(r.exe, filepath.Clean(os.TempDir())+string(filepath.Separator)) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("ward runs from a temporary directory (%s); the hooks will fail once it is gone: install ward first", r.exe))
	}
	if base := filepath.Base(r.exe); base != "ward" && base != "ward.exe" {
		res.Warnings = append(res.Warnings, fmt.Sprintf("ward's binary is named %s: ward recognises its hooks by a program named ward, so after a rename or a move it will not find these; name it ward", base))
	}
	f, err := readConfig(r.path)
	if err != nil {
		return res, err
	}
	doc := f.doc
	if doc == nil {
		doc = &object{}
	}
	if err := r.agent.install(doc, r.exe); err != nil {
		return res, &InvalidConfigError{Path: r.path, Err: err}
	}
	out, err := format(doc, f.indent)
	if err != nil {
		return res, err
	}
	if f.exists && bytes.Equal(out, f.data) {
		return res, nil
	}
	mode, dirMode := userFileMode, userDirMode
	if r.scope == Project {
		mode, dirMode = projectFileMode, projectDirMode
	}
	if f.exists {
		mode = f.mode
		if res.Backup, err = backup(f); err != nil {
			return res, err
		}
	} else if err := os.MkdirAll(filepath.Dir(f.target), dirMode); err != nil {
		return res, err
	}
	if err := writeAtomic(f, out, mode); err != nil {
		return res, err
	}
	res.Changed, res.Created = true, !f.exists
	return res, nil
}

// Uninstall removes ward's handlers from an agent's configuration, and the
// containers that held only them, leaving everything else as it was. A
// file that held nothing but ward's hooks, and that ward created, is
// removed.
func Uninstall(opts Options) (Result, error) {
	r, err := opts.resolve(false)
	if err != nil {
		return Result{}, err
	}
	res := Result{Agent: r.agent.name, Scope: r.scope, Path: r.path}
	f, err := readConfig(r.path)
	if err != nil || !f.exists {
		return res, err
	}
	// The backup is the file before ward first changed it: containers it
	// had (an empty "hooks": {}) are the user's and stay.
	var orig *object
	backupExists := false
	if data, err := os.ReadFile(f.target + BackupSuffix); err == nil {
		backupExists = true
		if len(bytes.TrimSpace(data)) == 0 {
			orig = &object{}
		} else if o, err := decodeObject(data); err == nil {
			orig = o
		}
	}
	if !r.agent.uninstall(f.doc, orig) {
		return res, nil
	}
	res.Changed = true
	if !backupExists && r.agent.onlySkeleton(f.doc) {
		// ward created the file (else there would be a backup) and
		// nothing but ward's hooks was in it.
		if err := os.Remove(f.target); err != nil {
			return res, err
		}
		res.Removed = true
		return res, nil
	}
	out, err := format(f.doc, f.indent)
	if err != nil {
		return res, err
	}
	if res.Backup, err = backup(f); err != nil {
		return res, err
	}
	return res, writeAtomic(f, out, f.mode)
}

// configFile is a configuration file as ward read it.
type configFile struct {
	path   string // as named
	target string // with symbolic links resolved: what ward reads and writes
	exists bool
	data   []byte
	mode   fs.FileMode
	doc    *object // nil when the file does not exist
	indent string
}

// readConfig reads and parses a configuration file. A missing file is not
// an error; a file that is not a JSON object is, and nothing is written.
// An empty file counts as an empty object.
func readConfig(path string) (*configFile, error) {
	f := &configFile{path: path, target: path, indent: "  "}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// Write through links (dotfile managers keep these files in a
		// repository and link them in), never over them.
		t, err := filepath.EvalSymlinks(path)
		if err != nil {
			return nil, fmt.Errorf("%s is a symbolic link ward cannot follow: %w", path, err)
		}
		f.target = t
	}
	fi, err := os.Stat(f.target)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f.exists, f.mode = true, fi.Mode().Perm()
	if f.data, err = os.ReadFile(f.target); err != nil {
		return nil, err
	}
	f.indent = detectIndent(f.data)
	if len(bytes.TrimSpace(f.data)) == 0 {
		f.doc = &object{}
		return f, nil
	}
	if !json.Valid(f.data) {
		return nil, &InvalidConfigError{Path: path, Err: jsonError(f.data)}
	}
	if f.doc, err = decodeObject(f.data); err != nil {
		return nil, &InvalidConfigError{Path: path, Err: err}
	}
	return f, nil
}

// InvalidConfigError is a configuration file ward will not change because
// it cannot read it exactly: not JSON, JSON with comments, not an object,
// or hooks of a shape it does not know.
type InvalidConfigError struct {
	Path string
	Err  error
}

func (e *InvalidConfigError) Error() string {
	return fmt.Sprintf("%s: %v; ward changed nothing (fix the file, or move it aside, and run again)", e.Path, e.Err)
}

func (e *InvalidConfigError) Unwrap() error { return e.Err }

// jsonError says where data stops being JSON.
func jsonError(data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Errorf("not valid JSON (line %d: %v)", line, se)
	}
	if err == nil {
		err = errors.New("not valid JSON")
	}
	return err
}

// backup copies the file as it is now to <file>.ward-backup, unless a
// backup is there already: the first one is the file before ward.
func backup(f *configFile) (string, error) {
	name := f.target + BackupSuffix
	out, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
	if errors.Is(err, fs.ErrExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("backing up %s: %w", f.path, err)
	}
	_, err = out.Write(f.data)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", fmt.Errorf("backing up %s: %w", f.path, err)
	}
	return name, nil
}

// writeAtomic replaces the file with data: a temporary file in the same
// directory, renamed over it. If the file changed since ward read it (the
// agent saved its settings meanwhile), nothing is written.
func writeAtomic(f *configFile, data []byte, mode fs.FileMode) (err error) {
	dir, base := filepath.Split(f.target)
	tmp, err := os.CreateTemp(dir, "."+base+".ward-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	now, rerr := os.ReadFile(f.target)
	switch {
	case f.exists && (rerr != nil || !bytes.Equal(now, f.data)),
		!f.exists && rerr == nil:
		return fmt.Errorf("%s changed while ward was updating it; nothing written, run again", f.path)
	}
	return os.Rename(tmp.Name(), f.target)
}
