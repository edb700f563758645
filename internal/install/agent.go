package install

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/shell"
)

// Agent names, as `ward hook --agent` takes them.
const (
	ClaudeCode = "claude-code"
	Codex      = "codex"
	Gemini     = "gemini-cli"
	Cursor     = "cursor"
	Copilot    = "copilot"
)

// HookTimeout is the time each agent gives ward's hook before it gives up
// on it. ward answers within its own 2 s deadline; the rest is headroom
// for a loaded machine.
const HookTimeout = 10 * time.Second

// agent is what ward knows about one agent's hook configuration.
type agent struct {
	name    string
	aliases []string
	// events ward wires, in the order it writes them.
	events []string
	// nested agents nest event → groups {matcher, hooks} → handlers
	// (Claude Code, Codex, Gemini CLI); the others list handlers under
	// the event directly (Cursor, Copilot).
	nested bool
	// version is written as the top-level "version" key (Cursor, Copilot).
	version bool
	// userFile and projectFile are the configuration files ward writes.
	userFile    func(home string, getenv func(string) string) string
	projectFile func(dir string) string
	// configDir and binaries tell doctor the agent is on the machine.
	configDir func(home string, getenv func(string) string) string
	binaries  []string
	// handler is ward's handler for exe.
	handler func(exe string) *object
	// matcher is the matcher of ward's group on event (nested agents);
	// "" means the group has none.
	matcher func(event string) string
	// commandKey is the handler key that holds the command line.
	commandKey string
	// execForm: the command line is command + args, with no shell.
	execForm bool
	// failClosed reports whether a handler fails closed; ok is false for
	// agents without such a switch.
	failClosed func(h *object) (closed, ok bool)
	// timeout is a handler's timeout; ok is false when it sets none.
	timeout func(h *object) (d time.Duration, ok bool)
	// payload is a PreToolUse-like payload that asks to run `rm -rf /`.
	payload func(cwd string, now time.Time) []byte
	// denied reads the answer to payload.
	denied func(exit int, stdout []byte) bool
	// disabled says why a configuration turns every hook off, or "".
	disabled func(doc *object) string

	// self is the ward binary running now, or being installed: a handler
	// that runs it is ward's whatever its name.
	self string
}

// agents are the agents ward installs into, in the order it lists them.
func agents() []*agent {
	return []*agent{claudeAgent(), codexAgent(), geminiAgent(), cursorAgent(), copilotAgent()}
}

// Agents are the names of the agents ward installs into.
func Agents() []string {
	var names []string
	for _, a := range agents() {
		names = append(names, a.name)
	}
	return names
}

// Canonical is the agent name for name or one of its aliases ("claude",
// "gemini").
func Canonical(name string) (string, bool) {
	a, err := lookup(name)
	if err != nil {
		return "", false
	}
	return a.name, true
}

func lookup(name string) (*agent, error) {
	for _, a := range agents() {
		if a.name == name || slices.Contains(a.aliases, name) {
			return a, nil
		}
	}
	return nil, fmt.Errorf("unknown agent %q (want one of %s)", name, strings.Join(Agents(), ", "))
}

// wardCommand is ward's hook command line for agent.
func wardCommand(exe, agent string) []string {
	return []string{exe, "hook", "--agent", agent}
}

// shellLine is argv as one shell command line, quoted where needed.
func shellLine(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+=:,@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func secondsTimeout(key string) func(h *object) (time.Duration, bool) {
	return func(h *object) (time.Duration, bool) {
		raw, ok := h.get(key)
		if !ok {
			return 0, false
		}
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
}

func claudeAgent() *agent {
	return &agent{
		name:    ClaudeCode,
		aliases: []string{"claude", "claude-code"},
		events:  []string{"PreToolUse", "PostToolUse", "UserPromptSubmit", "SessionStart", "SessionEnd"},
		nested:  true,
		userFile: func(home string, getenv func(string) string) string {
			return filepath.Join(claudeDir(home, getenv), "settings.json")
		},
		projectFile: func(dir string) string { return filepath.Join(dir, ".claude", "settings.json") },
		configDir:   claudeDir,
		binaries:    []string{"claude"},
		handler: func(exe string) *object {
			argv := wardCommand(exe, ClaudeCode)
			return obj("type", "command", "command", argv[0], "args", argv[1:],
				"timeout", int(HookTimeout/time.Second), "onFailure", "block")
		},
		matcher:    func(string) string { return "*" },
		commandKey: "command",
		execForm:   true,
		failClosed: func(h *object) (bool, bool) {
			s, _ := h.str("onFailure")
			return s == "block", true
		},
		timeout: secondsTimeout("timeout"),
		payload: func(cwd string, _ time.Time) []byte {
			return encode(map[string]any{
				"session_id": SelfTestSession, "transcript_path": "", "cwd": cwd,
				"hook_event_name": "PreToolUse", "permission_mode": "default",
				"tool_name": "Bash", "tool_use_id": SelfTestSession,
				"tool_input": map[string]any{"command": "rm -rf /", "description": "ward doctor self-test"},
			})
		},
		denied: hookSpecificDenied,
		disabled: func(doc *object) string {
			if raw, ok := doc.get("disableAllHooks"); ok && string(raw) == "true" {
				return `"disableAllHooks": true turns every hook off, ward's too`
			}
			return ""
		},
	}
}

// claudeDir is Claude Code's configuration directory: $CLAUDE_CONFIG_DIR,
// or ~/.claude.
func claudeDir(home string, getenv func(string) string) string {
	if d := getenv("CLAUDE_CONFIG_DIR"); d != "" {
		return d
	}
	return filepath.Join(home, ".claude")
}

// codexDir is Codex's configuration directory: $CODEX_HOME, or ~/.codex.
func codexDir(home string, getenv func(string) string) string {
	if d := getenv("CODEX_HOME"); d != "" {
		return d
	}
	return filepath.Join(home, ".codex")
}

func homeDir(name string) func(home string, _ func(string) string) string {
	return func(home string, _ func(string) string) string { return filepath.Join(home, name) }
}

func codexAgent() *agent {
	return &agent{
		name:   Codex,
		events: []string{"PreToolUse", "PostToolUse", "UserPromptSubmit", "SessionStart"},
		nested: true,
		userFile: func(home string, getenv func(string) string) string {
			return filepath.Join(codexDir(home, getenv), "hooks.json")
		},
		projectFile: func(dir string) string { return filepath.Join(dir, ".codex", "hooks.json") },
		configDir:   codexDir,
		binaries:    []string{"codex"},
		handler: func(exe string) *object {
			return obj("type", "command", "command", shellLine(wardCommand(exe, Codex)),
				"timeout", int(HookTimeout/time.Second))
		},
		matcher:    func(string) string { return "*" },
		commandKey: "command",
		timeout:    secondsTimeout("timeout"),
		payload: func(cwd string, _ time.Time) []byte {
			return encode(map[string]any{
				"session_id": SelfTestSession, "transcript_path": nil, "cwd": cwd,
				"hook_event_name": "PreToolUse", "model": "ward-doctor", "permission_mode": "default",
				"tool_name": "Bash", "tool_use_id": SelfTestSession,
				"tool_input": map[string]any{"command": "rm -rf /"},
			})
		},
		denied: hookSpecificDenied,
	}
}

func geminiAgent() *agent {
	return &agent{
		name:    Gemini,
		aliases: []string{"gemini"},
		events:  []string{"BeforeTool", "AfterTool", "SessionStart", "SessionEnd"},
		nested:  true,
		userFile: func(home string, _ func(string) string) string {
			return filepath.Join(home, ".gemini", "settings.json")
		},
		projectFile: func(dir string) string { return filepath.Join(dir, ".gemini", "settings.json") },
		configDir:   homeDir(".gemini"),
		binaries:    []string{"gemini"},
		handler: func(exe string) *object {
			return obj("name", "ward", "type", "command", "command", shellLine(wardCommand(exe, Gemini)),
				"timeout", int(HookTimeout/time.Millisecond))
		},
		// Tool matchers are regular expressions; lifecycle matchers are
		// exact strings, so those groups carry none.
		matcher: func(event string) string {
			if event == "BeforeTool" || event == "AfterTool" {
				return ".*"
			}
			return ""
		},
		commandKey: "command",
		timeout: func(h *object) (time.Duration, bool) {
			d, ok := secondsTimeout("timeout")(h)
			return d / 1000, ok // milliseconds
		},
		payload: func(cwd string, now time.Time) []byte {
			return encode(map[string]any{
				"session_id": SelfTestSession, "transcript_path": "", "cwd": cwd,
				"hook_event_name": "BeforeTool", "timestamp": now.UTC().Format(time.RFC3339),
				"tool_name": "run_shell_command", "tool_input": map[string]any{"command": "rm -rf /"},
			})
		},
		denied: func(exit int, stdout []byte) bool {
			if exit == 2 {
				return true
			}
			var a struct {
				Decision string `json:"decision"`
			}
			return exit == 0 && json.Unmarshal(stdout, &a) == nil && (a.Decision == "deny" || a.Decision == "block")
		},
		disabled: func(doc *object) string {
			for _, key := range []string{"hooksConfig", "hooks"} {
				c, err := childObject(doc, key)
				if err != nil {
					continue
				}
				if raw, ok := c.get("enabled"); ok && string(raw) == "false" {
					return fmt.Sprintf(`"%s": {"enabled": false} turns every hook off, ward's too`, key)
				}
			}
			return ""
		},
	}
}

func cursorAgent() *agent {
	return &agent{
		name: Cursor,
		events: []string{"beforeShellExecution", "beforeMCPExecution", "beforeReadFile",
			"afterShellExecution", "afterMCPExecution", "afterFileEdit"},
		version:     true,
		userFile:    func(home string, _ func(string) string) string { return filepath.Join(home, ".cursor", "hooks.json") },
		projectFile: func(dir string) string { return filepath.Join(dir, ".cursor", "hooks.json") },
		configDir:   homeDir(".cursor"),
		binaries:    []string{"cursor", "cursor-agent"},
		handler: func(exe string) *object {
			return obj("command", shellLine(wardCommand(exe, Cursor)),
				"timeout", int(HookTimeout/time.Second), "failClosed", true)
		},
		commandKey: "command",
		failClosed: func(h *object) (bool, bool) {
			raw, ok := h.get("failClosed")
			return ok && string(raw) == "true", true
		},
		timeout: secondsTimeout("timeout"),
		payload: func(cwd string, _ time.Time) []byte {
			return encode(map[string]any{
				"hook_event_name": "beforeShellExecution", "conversation_id": SelfTestSession,
				"generation_id": SelfTestSession, "workspace_roots": []string{cwd},
				"command": "rm -rf /", "cwd": cwd,
			})
		},
		denied: func(exit int, stdout []byte) bool {
			if exit == 2 {
				return true
			}
			var a struct {
				Permission string `json:"permission"`
			}
			return exit == 0 && json.Unmarshal(stdout, &a) == nil && a.Permission == "deny"
		},
	}
}

func copilotAgent() *agent {
	return &agent{
		name:    Copilot,
		events:  []string{"preToolUse", "postToolUse", "userPromptSubmitted", "sessionStart", "sessionEnd"},
		version: true,
		userFile: func(home string, _ func(string) string) string {
			return filepath.Join(home, ".copilot", "hooks", "ward.json")
		},
		projectFile: func(dir string) string { return filepath.Join(dir, ".github", "hooks", "ward.json") },
		configDir:   homeDir(".copilot"),
		binaries:    []string{"copilot", "gh"},
		handler: func(exe string) *object {
			return obj("type", "command", "bash", shellLine(wardCommand(exe, Copilot)),
				"timeoutSec", int(HookTimeout/time.Second))
		},
		commandKey: "bash",
		timeout:    secondsTimeout("timeoutSec"),
		payload: func(cwd string, now time.Time) []byte {
			return encode(map[string]any{
				"timestamp": now.UnixMilli(), "cwd": cwd, "toolName": "bash",
				"toolArgs": string(encode(map[string]any{"command": "rm -rf /"})),
			})
		},
		denied: func(exit int, stdout []byte) bool {
			if exit == 2 {
				return true
			}
			var a struct {
				PermissionDecision string `json:"permissionDecision"`
			}
			return exit == 0 && json.Unmarshal(stdout, &a) == nil && a.PermissionDecision == "deny"
		},
	}
}

// hookSpecificDenied reads a Claude Code or Codex PreToolUse answer.
func hookSpecificDenied(exit int, stdout []byte) bool {
	if exit == 2 {
		return true
	}
	var a struct {
		Decision           string `json:"decision"` // legacy: approve | block
		HookSpecificOutput struct {
			PermissionDecision string `json:"permissionDecision"`
		} `json:"hookSpecificOutput"`
	}
	return exit == 0 && json.Unmarshal(stdout, &a) == nil &&
		(a.HookSpecificOutput.PermissionDecision == "deny" || a.Decision == "block")
}

// commandLine is the command line a handler runs, as argv. For exec-form
// handlers (command + args) it is taken as written; a shell string is
// split the way a shell would, with getenv for variables, and refused
// when it needs more than word splitting (command substitution, pipes).
func (a *agent) commandLine(h *object, getenv func(string) string) (argv []string, err error) {
	cmd, ok := h.str(a.commandKey)
	if !ok {
		return nil, fmt.Errorf("no %q string", a.commandKey)
	}
	if a.execForm {
		if raw, ok := h.get("args"); ok {
			var args []string
			if err := json.Unmarshal(raw, &args); err != nil {
				return nil, fmt.Errorf("args: %v", err)
			}
			return append([]string{cmd}, args...), nil
		}
	}
	argv, err = shell.Fields(cmd, func(name string) string {
		if getenv == nil {
			return ""
		}
		return getenv(name)
	})
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("empty command line")
	}
	return argv, nil
}

// isWard reports whether h is ward's own handler: it runs a program named
// ward (or the ward binary running now) with `hook` as its first argument.
func (a *agent) isWard(h *object) bool {
	argv, err := a.commandLine(h, nil)
	if err != nil || len(argv) < 2 || argv[1] != "hook" {
		return false
	}
	base := filepath.Base(argv[0])
	return base == "ward" || base == "ward.exe" || (a.self != "" && argv[0] == a.self)
}

// usesExecForm reports whether h runs without a shell.
func (a *agent) usesExecForm(h *object) bool {
	return a.execForm && h.has("args")
}
