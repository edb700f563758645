package event

import (
	"encoding/json"
	"fmt"
)

// Event is one action an agent is about to take (or has taken), in the
// canonical form every adapter produces. Analyzers and policy see only this.
type Event struct {
	// ID identifies the event; adapters take it from the agent's own call id
	// (Claude Code's tool_use_id) where there is one.
	ID      string `json:"id,omitempty"`
	Agent   string `json:"agent"`
	Session string `json:"session,omitempty"`
	Cwd     string `json:"cwd,omitempty"`
	Phase   Phase  `json:"phase"`
	// Tool is the agent's own tool name, e.g. "Bash" or "mcp__github__create_issue".
	Tool   string `json:"tool,omitempty"`
	Action Action `json:"action"`
	// Input is the tool input exactly as received.
	Input json.RawMessage `json:"input,omitempty"`
	// Output is the tool's result; set in the post phase only.
	Output json.RawMessage `json:"output,omitempty"`
}

// Action is the normalized form of what the tool will do. Kind says which of
// the other fields carry meaning.
type Action struct {
	Kind Kind `json:"kind"`

	// shell
	Command string `json:"command,omitempty"`

	// file.read, file.write, file.edit, file.delete; also the root of a search
	Path    string `json:"path,omitempty"`
	Content string `json:"content,omitempty"`
	Edits   []Edit `json:"edits,omitempty"`

	// http
	URL     string            `json:"url,omitempty"`
	Method  string            `json:"method,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`

	// sql
	SQL string `json:"sql,omitempty"`

	// mcp
	Server    string         `json:"server,omitempty"`
	Name      string         `json:"name,omitempty"`
	Arguments map[string]any `json:"arguments,omitempty"`

	// search: a file pattern (Glob, Grep) or a web query (WebSearch)
	Pattern string `json:"pattern,omitempty"`
	Query   string `json:"query,omitempty"`

	// agent (a sub-agent's task) and prompt (what the user typed)
	Prompt string `json:"prompt,omitempty"`

	// Files are every file an action touches when it touches several (a
	// patch, a batch read); Path is then the first of them. Every one is
	// judged.
	Files []FileChange `json:"files,omitempty"`
}

// FileChange is one file of an action that touches several.
type FileChange struct {
	Path string `json:"path"`
	// Op is read, add, update, delete or move (an update that also
	// renames the file to To).
	Op string `json:"op"`
	To string `json:"to,omitempty"`
	// Content is what the action writes into the file: a new file's
	// content, or the lines a patch adds.
	Content string `json:"content,omitempty"`
}

// Edit is one replacement of an edit tool.
type Edit struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Kind is the kind of an action.
type Kind string

// The action kinds. Every adapter maps its agent's tools onto these.
const (
	KindShell      Kind = "shell"
	KindFileRead   Kind = "file.read"
	KindFileWrite  Kind = "file.write"
	KindFileEdit   Kind = "file.edit"
	KindFileDelete Kind = "file.delete"
	KindHTTP       Kind = "http"
	KindSQL        Kind = "sql"
	KindMCP        Kind = "mcp"
	KindSearch     Kind = "search"
	KindAgent      Kind = "agent"
	KindPrompt     Kind = "prompt"
	KindOther      Kind = "other"
)

// Kinds lists every action kind, in a stable order.
func Kinds() []Kind {
	return []Kind{KindShell, KindFileRead, KindFileWrite, KindFileEdit, KindFileDelete,
		KindHTTP, KindSQL, KindMCP, KindSearch, KindAgent, KindPrompt, KindOther}
}

// Valid reports whether k is one of the action kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds() {
		if k == v {
			return true
		}
	}
	return false
}

// Phase says where in a tool call's life an event comes from.
type Phase string

// The phases of an event.
const (
	PhasePre          Phase = "pre"
	PhasePost         Phase = "post"
	PhasePrompt       Phase = "prompt"
	PhaseSessionStart Phase = "session_start"
	PhaseSessionEnd   Phase = "session_end"
)

// Phases lists every phase, in a stable order.
func Phases() []Phase {
	return []Phase{PhasePre, PhasePost, PhasePrompt, PhaseSessionStart, PhaseSessionEnd}
}

// Valid reports whether p is one of the phases.
func (p Phase) Valid() bool {
	for _, v := range Phases() {
		if p == v {
			return true
		}
	}
	return false
}

// Effect is the outcome of a decision. The zero value is not a valid effect,
// so a decision that was never made cannot pass for an allow.
type Effect uint8

// The effects, in increasing order of precedence: deny beats ask beats allow.
const (
	_ Effect = iota
	Allow
	Ask
	Deny
)

// ParseEffect returns the effect named s.
func ParseEffect(s string) (Effect, error) {
	switch s {
	case "allow":
		return Allow, nil
	case "ask":
		return Ask, nil
	case "deny":
		return Deny, nil
	}
	return 0, fmt.Errorf("unknown decision %q (want allow, ask or deny)", s)
}

func (e Effect) String() string {
	switch e {
	case Allow:
		return "allow"
	case Ask:
		return "ask"
	case Deny:
		return "deny"
	}
	return "invalid"
}

// MarshalText encodes e as its name.
func (e Effect) MarshalText() ([]byte, error) {
	if e < Allow || e > Deny {
		return nil, fmt.Errorf("invalid effect %d", uint8(e))
	}
	return []byte(e.String()), nil
}

// UnmarshalText decodes an effect from its name.
func (e *Effect) UnmarshalText(b []byte) error {
	v, err := ParseEffect(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// Severity grades a finding or a rule.
type Severity uint8

// The severities, in increasing order.
const (
	_ Severity = iota
	Info
	Low
	Medium
	High
	Critical
)

// ParseSeverity returns the severity named s.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "info":
		return Info, nil
	case "low":
		return Low, nil
	case "medium":
		return Medium, nil
	case "high":
		return High, nil
	case "critical":
		return Critical, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", s)
}

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	case Critical:
		return "critical"
	}
	return ""
}

// MarshalText encodes s as its name.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Critical {
		return nil, fmt.Errorf("invalid severity %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity from its name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
