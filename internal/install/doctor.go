package install

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// SelfTestSession is the session id of doctor's self-test payloads, so
// that the decisions they leave in the audit log are easy to tell apart.
const SelfTestSession = "ward-doctor-selftest"

// SelfTestTimeout is how long doctor waits for a hook's answer.
const SelfTestTimeout = 5 * time.Second

// DoctorOptions say where doctor looks and how it runs the self-tests.
type DoctorOptions struct {
	// Home is the user's home directory; "" means os.UserHomeDir.
	Home string
	// Dir is the project directory; "" means the current directory.
	Dir string
	// Getenv reads CLAUDE_CONFIG_DIR and CODEX_HOME; nil means os.Getenv.
	Getenv func(string) string
	// LookPath finds the agents' programs; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// Env is the environment of the self-test processes (and of the
	// variables in shell command lines); nil means this process's.
	Env []string
	// Timeout bounds each self-test; 0 means SelfTestTimeout.
	Timeout time.Duration
	// Executable is the ward binary running now, whose hooks doctor
	// recognises whatever its name; "" means this process's.
	Executable string
}

// Report is what doctor found.
type Report struct {
	// OK is false when a wired agent points at a missing binary or fails
	// its self-test.
	OK     bool          `json:"ok"`
	Agents []AgentReport `json:"agents"`
}

// AgentReport is one agent: whether it is on this machine, and how ward is
// wired into each of its configuration files.
type AgentReport struct {
	Agent string `json:"agent"`
	Found bool   `json:"found"`
	// Evidence is why doctor thinks the agent is here: its configuration
	// directory, its program on PATH.
	Evidence []string     `json:"evidence,omitempty"`
	Files    []FileReport `json:"files"`
	OK       bool         `json:"ok"`
}

// Wired reports whether any of the agent's files runs ward.
func (a AgentReport) Wired() bool {
	for _, f := range a.Files {
		if f.Wired {
			return true
		}
	}
	return false
}

// FileReport is one configuration file.
type FileReport struct {
	Scope  Scope  `json:"scope"`
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	// Error is why the file could not be read.
	Error string `json:"error,omitempty"`
	Wired bool   `json:"wired"`
	// Warnings are settings in the file that keep ward's hook from
	// running.
	Warnings []string `json:"warnings,omitempty"`
	// MissingEvents are events ward watches that have no ward handler.
	MissingEvents []string     `json:"missing_events,omitempty"`
	Hooks         []HookReport `json:"hooks,omitempty"`
}

// HookReport is one ward command line in a file and the events that run
// it with the same options.
type HookReport struct {
	Command  []string `json:"command"`
	Events   []string `json:"events"`
	ExecForm bool     `json:"exec_form"`
	// FailClosed is nil for agents without a fail-closed switch.
	FailClosed *bool `json:"fail_closed,omitempty"`
	// Timeout is the handler's timeout in seconds; 0 means none is set.
	Timeout  float64      `json:"timeout_seconds,omitempty"`
	Binary   BinaryReport `json:"binary"`
	SelfTest SelfTest     `json:"self_test"`
	// Warnings are weaker settings that still work; Problems make doctor
	// fail.
	Warnings []string `json:"warnings,omitempty"`
	Problems []string `json:"problems,omitempty"`
}

// BinaryReport is the program a hook runs.
type BinaryReport struct {
	Path       string `json:"path"`
	Exists     bool   `json:"exists"`
	Executable bool   `json:"executable"`
}

// SelfTest is the result of running a hook's command line on a payload
// that asks to run `rm -rf /`.
type SelfTest struct {
	Ran  bool `json:"ran"`
	Pass bool `json:"pass"`
	Exit int  `json:"exit"`
	// Answer is the start of what the hook wrote on stdout.
	Answer string `json:"answer,omitempty"`
	// Detail says why the test passed or failed.
	Detail     string `json:"detail"`
	DurationMS int64  `json:"duration_ms"`
}

// Doctor reports, for every agent, whether it is on the machine and how
// ward is wired into its user and project files, and runs each distinct
// ward command line once on a payload that must be denied.
func Doctor(ctx context.Context, opts DoctorOptions) (Report, error) {
	if opts.Home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return Report{}, fmt.Errorf("finding the home directory: %w", err)
		}
		opts.Home = h
	}
	if opts.Dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return Report{}, err
		}
		opts.Dir = wd
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = SelfTestTimeout
	}
	if opts.Executable == "" {
		opts.Executable, _ = Executable()
	}
	d := &doctor{opts: opts, tests: map[string]SelfTest{}}
	rep := Report{OK: true}
	for _, a := range agents() {
		ar := d.agent(ctx, a)
		rep.OK = rep.OK && ar.OK
		rep.Agents = append(rep.Agents, ar)
	}
	return rep, nil
}

type doctor struct {
	opts  DoctorOptions
	tests map[string]SelfTest // by agent and command line: each runs once
}

func (d *doctor) agent(ctx context.Context, a *agent) AgentReport {
	a.self = d.opts.Executable
	ar := AgentReport{Agent: a.name, OK: true}
	if dir := a.configDir(d.opts.Home, d.opts.Getenv); isDir(dir) {
		ar.Evidence = append(ar.Evidence, dir)
	}
	for _, b := range a.binaries {
		if p, err := d.opts.LookPath(b); err == nil {
			ar.Evidence = append(ar.Evidence, fmt.Sprintf("%s on PATH (%s)", b, p))
		}
	}
	ar.Found = len(ar.Evidence) > 0
	for _, scope := range []Scope{User, Project} {
		path, err := configPath(a, scope, d.opts.Home, d.opts.Dir, d.opts.Getenv)
		if err != nil {
			ar.Files = append(ar.Files, FileReport{Scope: scope, Error: err.Error()})
			continue
		}
		fr := d.file(ctx, a, scope, path)
		for _, h := range fr.Hooks {
			ar.OK = ar.OK && len(h.Problems) == 0
		}
		ar.Files = append(ar.Files, fr)
	}
	return ar
}

func (d *doctor) file(ctx context.Context, a *agent, scope Scope, path string) FileReport {
	fr := FileReport{Scope: scope, Path: path}
	f, err := readConfig(path)
	if err != nil {
		fr.Exists = true
		fr.Error = err.Error()
		var ie *InvalidConfigError
		if errors.As(err, &ie) {
			fr.Error = ie.Err.Error()
		}
		return fr
	}
	if !f.exists {
		return fr
	}
	fr.Exists = true
	hooks, err := childObject(f.doc, "hooks")
	if err != nil {
		fr.Error = err.Error()
		return fr
	}
	type key struct {
		cmd      string
		exec     bool
		closed   string
		timeout  time.Duration
		hasTimer bool
	}
	var order []key
	byKey := map[key]*HookReport{}
	wired := map[string]bool{}
	for _, m := range hooks.members {
		items, ok := decodeArray(m.value)
		if !ok {
			continue
		}
		for _, h := range a.handlers(items) {
			if !a.isWard(h) {
				continue
			}
			wired[m.key] = true
			argv, _ := a.commandLine(h, d.getenv)
			k := key{cmd: strings.Join(argv, "\x00"), exec: a.usesExecForm(h)}
			var closed *bool
			if a.failClosed != nil {
				c, _ := a.failClosed(h)
				closed = &c
				k.closed = fmt.Sprint(c)
			}
			k.timeout, k.hasTimer = a.timeout(h)
			hr, ok := byKey[k]
			if !ok {
				hr = &HookReport{Command: argv, ExecForm: k.exec, FailClosed: closed}
				if k.hasTimer {
					hr.Timeout = k.timeout.Seconds()
				}
				byKey[k] = hr
				order = append(order, k)
			}
			hr.Events = append(hr.Events, m.key)
		}
	}
	for _, ev := range a.events {
		if !wired[ev] {
			fr.MissingEvents = append(fr.MissingEvents, ev)
		}
	}
	fr.Wired = len(order) > 0
	if !fr.Wired {
		fr.MissingEvents = nil
	} else if a.disabled != nil {
		if w := a.disabled(f.doc); w != "" {
			fr.Warnings = append(fr.Warnings, w)
		}
	}
	for _, k := range order {
		hr := byKey[k]
		d.check(ctx, a, hr)
		fr.Hooks = append(fr.Hooks, *hr)
	}
	return fr
}

// handlers are the handler objects among an event's items.
func (a *agent) handlers(items []json.RawMessage) []*object {
	var out []*object
	for _, it := range items {
		o, err := decodeObject(it)
		if err != nil {
			continue
		}
		if !a.nested {
			out = append(out, o)
			continue
		}
		raw, ok := o.get("hooks")
		if !ok {
			continue
		}
		hs, _ := decodeArray(raw)
		for _, h := range hs {
			if ho, err := decodeObject(h); err == nil {
				out = append(out, ho)
			}
		}
	}
	return out
}

// check looks at one ward command line: its options, its binary, and what
// it answers.
func (d *doctor) check(ctx context.Context, a *agent, hr *HookReport) {
	if hr.FailClosed != nil && !*hr.FailClosed {
		switch a.name {
		case ClaudeCode:
			hr.Warnings = append(hr.Warnings, `not fail-closed: without "onFailure": "block" a crash or timeout of the hook lets the action run`)
		case Cursor:
			hr.Warnings = append(hr.Warnings, `not fail-closed: without "failClosed": true a crash or timeout of the hook lets the action run`)
		}
	}
	if a.execForm && !hr.ExecForm {
		hr.Warnings = append(hr.Warnings, "runs through a shell; the exec form (command + args) does not")
	}
	switch {
	case hr.Timeout == 0:
		hr.Warnings = append(hr.Warnings, "no timeout: the agent's default applies")
	case hr.Timeout < 3:
		hr.Warnings = append(hr.Warnings, fmt.Sprintf("timeout %gs leaves ward less than its own 2s deadline", hr.Timeout))
	}
	if i := slices.Index(hr.Command, "--agent"); i >= 0 && i+1 < len(hr.Command) && hr.Command[i+1] != a.name {
		hr.Warnings = append(hr.Warnings, fmt.Sprintf("--agent %s, but this is %s's configuration", hr.Command[i+1], a.name))
	}
	if len(hr.Command) == 0 {
		hr.Problems = append(hr.Problems, "the command line cannot be read")
		hr.SelfTest.Detail = "not run: the command line cannot be read"
		return
	}
	exe := hr.Command[0]
	if !strings.ContainsRune(exe, filepath.Separator) {
		hr.Warnings = append(hr.Warnings, fmt.Sprintf("%s is found through PATH, which the agent's environment may not share; an absolute path is safer", exe))
		if p, err := d.opts.LookPath(exe); err == nil {
			exe = p
		}
	}
	hr.Binary.Path = exe
	if fi, err := os.Stat(exe); err == nil && fi.Mode().IsRegular() {
		hr.Binary.Exists = true
		hr.Binary.Executable = fi.Mode().Perm()&0o111 != 0
	}
	switch {
	case !hr.Binary.Exists:
		hr.Problems = append(hr.Problems, fmt.Sprintf("%s does not exist: the hook cannot run (run ward install again)", exe))
		hr.SelfTest.Detail = "not run: the binary is missing"
		return
	case !hr.Binary.Executable:
		hr.Problems = append(hr.Problems, fmt.Sprintf("%s is not executable", exe))
		hr.SelfTest.Detail = "not run: the binary is not executable"
		return
	}
	k := a.name + "\x00" + strings.Join(hr.Command, "\x00")
	st, ok := d.tests[k]
	if !ok {
		st = d.selfTest(ctx, a, hr.Command)
		d.tests[k] = st
	}
	hr.SelfTest = st
	if !st.Pass {
		hr.Problems = append(hr.Problems, "self-test failed: "+st.Detail)
	}
}

// selfTest runs argv on a deny-worthy payload in a's format, in an empty
// temporary directory, and checks that the answer denies.
func (d *doctor) selfTest(ctx context.Context, a *agent, argv []string) SelfTest {
	st := SelfTest{Ran: true}
	dir, err := os.MkdirTemp("", "ward-doctor-")
	if err != nil {
		st.Detail = "not run: " + err.Error()
		return st
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = d.opts.Env
	cmd.Stdin = bytes.NewReader(a.payload(dir, time.Now()))
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	start := time.Now()
	err = cmd.Run()
	st.DurationMS = time.Since(start).Milliseconds()
	st.Answer = clip(stdout.String(), 300)
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		st.Exit = -1
		st.Detail = fmt.Sprintf("no answer within %s", d.opts.Timeout)
		return st
	case errors.As(err, &ee):
		st.Exit = ee.ExitCode()
	case err != nil:
		st.Exit = -1
		st.Detail = "could not run: " + err.Error()
		return st
	}
	st.Pass = a.denied(st.Exit, bytes.TrimSpace(stdout.Bytes()))
	switch {
	case st.Pass && st.Exit == 2:
		st.Detail = "denied (exit 2)"
	case st.Pass:
		st.Detail = "denied"
	case st.Exit != 0:
		st.Detail = fmt.Sprintf("exit %d, which the agent treats as a hook error, not a deny", st.Exit)
		if msg := clip(strings.TrimSpace(stderr.String()), 200); msg != "" {
			st.Detail += ": " + msg
		}
	case stdout.Len() == 0:
		st.Detail = "no answer: `rm -rf /` would have run"
	default:
		st.Detail = "the answer does not deny: `rm -rf /` would have run"
	}
	return st
}

func (d *doctor) getenv(name string) string {
	prefix := name + "="
	for i := len(d.opts.Env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(d.opts.Env[i], prefix); ok {
			return v
		}
	}
	return ""
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// capped keeps the first 64 KiB written to it and drops the rest. (It
// must not embed bytes.Buffer: io.Copy would use the buffer's ReadFrom and
// read everything.)
type capped struct{ buf bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := 64<<10 - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *capped) Bytes() []byte  { return c.buf.Bytes() }
func (c *capped) String() string { return c.buf.String() }
func (c *capped) Len() int       { return c.buf.Len() }
