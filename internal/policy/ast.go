package policy

import (
	"fmt"
	"time"

	"github.com/agentward/ward/event"
)

// Layer says where a policy file comes from. Layers stack: the built-in
// protections, the managed (organisation) layer, the user layer and the
// project layer, which arrives with a repository and can only tighten.
type Layer uint8

// The layers, in the order they are listed and in which their rules are
// preferred when several rules of the same decision and severity match.
const (
	LayerBuiltin Layer = iota
	LayerManaged
	LayerUser
	LayerProject
)

func (l Layer) String() string {
	switch l {
	case LayerBuiltin:
		return "builtin"
	case LayerManaged:
		return "managed"
	case LayerUser:
		return "user"
	case LayerProject:
		return "project"
	}
	return "unknown"
}

// ParseLayer returns the layer named s.
func ParseLayer(s string) (Layer, bool) {
	for l := LayerBuiltin; l <= LayerProject; l++ {
		if l.String() == s {
			return l, true
		}
	}
	return 0, false
}

// Source is a policy file to load.
type Source struct {
	Layer Layer
	// Name is the file's path, or a descriptive name for data given in
	// memory; errors point at it.
	Name string
	Data []byte
}

// File is one parsed policy file.
type File struct {
	Name     string
	Version  int
	Extends  []Ref
	Disable  []Ref
	Settings Settings
	Rules    []*Rule
	Tools    []*ToolPolicy
	lines    []string // the source, for error excerpts
	// preset names the embedded preset a generated File was built from
	// (presets_gen.go); its lines are read from the preset when needed.
	preset string
}

// Ref is a name written in a policy file, with where it was written.
type Ref struct {
	Name string
	Pos  Pos
}

// Settings are a layer's settings; zero values are unset.
type Settings struct {
	// OnError is the decision when ward cannot decide: deny or ask.
	OnError    event.Effect
	OnErrorPos Pos
	// Default is the decision when no rule matches.
	Default    event.Effect
	DefaultPos Pos
	// ApprovalTimeout is how long an ask waits for a person before it
	// becomes a deny.
	ApprovalTimeout    time.Duration
	ApprovalTimeoutPos Pos
	// Egress, when set, limits web requests to the listed hosts: requests
	// to any other host get EgressDecision.
	Egress         []string
	EgressDecision event.Effect
	EgressPos      Pos
}

// Rule is a rule as written.
type Rule struct {
	ID       string
	Pos      Pos
	Match    Match
	When     string
	WhenPos  Pos
	Decision event.Effect
	Reason   string
	Severity event.Severity
	Examples []Example
	// Limit makes the rule a limit: it decides only when the events it
	// matches come too often or repeat.
	Limit *Limit

	whenSpan span // where the condition's text sits in the file
}

// Limit bounds how often the events a rule matches may happen. It is
// either a rate (Rate events per Per, counted by Scope) or a loop bound
// (the same action Repeat times within Within, in one session).
type Limit struct {
	Rate   int
	Per    time.Duration
	Scope  string
	Repeat int
	Within time.Duration
	Pos    Pos
}

// The scopes a rate is counted by.
const (
	ScopeSession = "session"
	ScopeAgent   = "agent"
	ScopeTool    = "tool"
	ScopeKind    = "kind"
	ScopeRule    = "rule" // the rule that decided the event
	ScopeGlobal  = "global"
)

var scopes = []string{ScopeSession, ScopeAgent, ScopeTool, ScopeKind, ScopeRule, ScopeGlobal}

// String writes a limit the way a policy file does.
func (l *Limit) String() string {
	if l.Repeat > 0 {
		return fmt.Sprintf("the same action %d times within %s", l.Repeat, l.Within)
	}
	return fmt.Sprintf("%d per %s by %s", l.Rate, l.Per, l.Scope)
}

// Match holds a rule's built-in matchers. Every matcher given must hold;
// within a list, any entry may.
type Match struct {
	Tool    []string      // tool name globs
	Kind    []event.Kind  // action kinds
	Agent   []string      // agent names
	Phase   []event.Phase // default: pre and prompt
	Command []string      // program name globs of a shell command
	Path    *PathMatch
	URL     *URLMatch
	Finding []string // finding id globs
	Label   []string // session labels
	Pos     Pos
}

// URLMatch holds when one URL the action reaches has a host class in
// Class, a host matching Host, and a host matching none of NotHost.
type URLMatch struct {
	Class   []string
	Host    []string // host globs: "*.example.com", "api.github.com"
	NotHost []string
	Pos     Pos
}

// PathMatch holds when one path the action touches has one of Class, none
// of Not, and an operation in Op.
type PathMatch struct {
	Class []string
	Not   []string
	Op    []event.PathOp
	// Recursive, when set, requires the operation to reach everything
	// below the path (true) or only the path itself (false).
	Recursive *bool
	Pos       Pos
}

// Example is an action a rule's author says the rule decides a certain
// way; policy tests check that it does.
type Example struct {
	Want  event.Effect
	Pos   Pos
	Tool  string
	Input map[string]any
	Agent string
	Cwd   string
	Phase event.Phase
	// Output is the tool's result, for post-phase examples.
	Output any
	// Labels are session labels the example runs with.
	Labels []string
}

// Call policies say what happens when a tool is called.
const (
	CallAllow              = "allow"
	CallBlockAlways        = "block_always"
	CallBlockWhenUntrusted = "block_when_untrusted"
	CallRequireApproval    = "require_approval"
)

// Result actions say what happens with a tool's output.
const (
	ResultMarkUntrusted = "mark_untrusted"
	ResultMarkTrusted   = "mark_trusted"
	ResultMarkPrivate   = "mark_private"
	ResultRedact        = "redact"
	ResultBlock         = "block"
)

// ToolPolicy is a per-tool policy: what to do when a tool whose name
// matches Pattern is called, and with what it returns.
type ToolPolicy struct {
	Pattern string
	Pos     Pos
	Call    string
	CallPos Pos
	Result  []Ref
	// Sink, when set, says whether the tool sends data out of the
	// session (messages, e-mail, uploads), overriding ward's guess from
	// its name.
	Sink    *bool
	SinkPos Pos
}
