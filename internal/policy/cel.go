package policy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"

	"github.com/agentward/ward/event"
)

// Conditions (a rule's "when") are CEL expressions over these variables:
//
//	event     the event: id, agent, session, cwd, phase, tool
//	action    the normalized action: kind, command, path, content, url, ...
//	facts     what analyzers found: workspace, paths, shell
//	findings  the analyzers' findings: id, severity, message, evidence
//	session   the session: id, labels
//	input     the tool input exactly as received (dynamic)

// EventView is the event as conditions see it.
type EventView struct {
	ID      string `json:"id"`
	Agent   string `json:"agent"`
	Session string `json:"session"`
	Cwd     string `json:"cwd"`
	Phase   string `json:"phase"`
	Tool    string `json:"tool"`
}

// FindingView is a finding as conditions see it, with its severity by name.
type FindingView struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Evidence string `json:"evidence"`
}

// SessionView is the session as conditions see it.
type SessionView struct {
	ID     string   `json:"id"`
	Labels []string `json:"labels"`
}

// Limits on conditions, so a condition cannot make a decision slow.
const (
	celCostLimit  = 1_000_000 // CEL's abstract cost units per evaluation
	celMaxLen     = 16 << 10  // characters of a condition
	celMaxNesting = 64        // depth of a condition's syntax tree
)

// newCELEnv builds the environment conditions are checked in. It is costly
// (about half a millisecond), so policies build it only when a condition
// is first needed.
func newCELEnv() (*cel.Env, error) {
	env, err := cel.NewEnv(
		ext.NativeTypes(ext.ParseStructTag("json"),
			reflect.TypeOf(EventView{}), reflect.TypeOf(FindingView{}), reflect.TypeOf(SessionView{}),
			reflect.TypeOf(event.Action{}), reflect.TypeOf(event.Facts{})),
		cel.Variable("event", cel.ObjectType("policy.EventView")),
		cel.Variable("action", cel.ObjectType("event.Action")),
		cel.Variable("facts", cel.ObjectType("event.Facts")),
		cel.Variable("findings", cel.ListType(cel.ObjectType("policy.FindingView"))),
		cel.Variable("session", cel.ObjectType("policy.SessionView")),
		cel.Variable("input", cel.DynType),
		ext.Strings(),
		cel.ParserExpressionSizeLimit(celMaxLen),
		cel.ParserRecursionLimit(celMaxNesting),
	)
	if err != nil {
		return nil, fmt.Errorf("building the condition environment: %w", err)
	}
	return env, nil
}

// condition is a compiled "when".
type condition struct {
	ast *cel.Ast
	prg cel.Program
}

// celIssue is a problem in a condition, at an offset into its text.
type celIssue struct {
	offset int
	msg    string
}

// compileCondition parses and type-checks src and prepares it to run.
func compileCondition(env *cel.Env, src string) (*condition, []celIssue) {
	ast, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		var out []celIssue
		for _, e := range iss.Errors() {
			out = append(out, celIssue{offset: offsetOf(src, e.Location.Line(), e.Location.Column()), msg: e.Message})
		}
		return nil, out
	}
	if !ast.OutputType().IsExactType(types.BoolType) {
		return nil, []celIssue{{msg: fmt.Sprintf("a condition must be true or false, this one gives %s", ast.OutputType())}}
	}
	if bad := badRegexes(ast); len(bad) > 0 {
		return nil, bad
	}
	// The cost limit bounds every evaluation, deterministically; checking
	// the context inside comprehensions as well would cost each evaluation
	// more than the conditions themselves usually do.
	prg, err := env.Program(ast,
		cel.EvalOptions(cel.OptOptimize),
		cel.CostLimit(celCostLimit),
	)
	if err != nil {
		return nil, []celIssue{{msg: err.Error()}}
	}
	return &condition{ast: ast, prg: prg}, nil
}

// badRegexes finds calls of matches() whose pattern is a constant that does
// not compile, so the mistake shows when the policy loads rather than on
// the first event that reaches the condition.
func badRegexes(a *cel.Ast) []celIssue {
	native := a.NativeRep()
	var out []celIssue
	for _, call := range celast.MatchDescendants(celast.NavigateAST(native), celast.FunctionMatcher("matches")) {
		args := call.AsCall().Args()
		if call.AsCall().IsMemberFunction() {
			args = append([]celast.Expr{call.AsCall().Target()}, args...)
		}
		if len(args) != 2 || args[1].Kind() != celast.LiteralKind {
			continue
		}
		pattern, ok := args[1].AsLiteral().Value().(string)
		if !ok {
			continue
		}
		if _, err := regexp.Compile(pattern); err != nil {
			loc := native.SourceInfo().GetStartLocation(args[1].ID())
			out = append(out, celIssue{offset: offsetOfLoc(native, loc.Line(), loc.Column()), msg: fmt.Sprintf("regular expression does not compile: %v", err)})
		}
	}
	return out
}

func offsetOfLoc(a *celast.AST, line, col int) int {
	// Column offsets count from the start of the expression's line; the
	// expression's text is not kept in the AST, so lines are counted from
	// the line offsets recorded there.
	offsets := a.SourceInfo().LineOffsets()
	start := 0
	if line >= 2 && line-2 < len(offsets) {
		start = int(offsets[line-2])
	}
	return start + col
}

// offsetOf converts CEL's 1-based line and 0-based column (in characters)
// into a byte offset into src.
func offsetOf(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	for c := 0; c < col && off < len(src); c++ {
		_, size := utf8.DecodeRuneInString(src[off:])
		off += size
	}
	return off
}

// eval runs the condition.
func (c *condition) eval(act *activation) (bool, error) {
	v, _, err := c.prg.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("condition gave %v, not true or false", v)
	}
	return b, nil
}

// activation resolves condition variables from an Input, building each
// view only when a condition first asks for it. One activation serves
// every condition of one evaluation.
type activation struct {
	in *Input

	ev       *EventView
	findings []FindingView
	session  *SessionView
	input    any
	inputErr error
}

var _ interpreter.Activation = (*activation)(nil)

// ResolveName implements interpreter.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	in := a.in
	switch name {
	case "event":
		if a.ev == nil {
			a.ev = &EventView{ID: in.Event.ID, Agent: in.Event.Agent, Session: in.Event.Session,
				Cwd: in.Event.Cwd, Phase: string(in.Event.Phase), Tool: in.Event.Tool}
		}
		return a.ev, true
	case "action":
		return &in.Event.Action, true
	case "facts":
		return in.Facts, true
	case "findings":
		if a.findings == nil {
			a.findings = make([]FindingView, len(in.Findings))
			for i, f := range in.Findings {
				a.findings[i] = FindingView{ID: f.ID, Severity: f.Severity.String(), Message: f.Message, Evidence: f.Evidence}
			}
		}
		return a.findings, true
	case "session":
		if a.session == nil {
			labels := in.Labels
			if labels == nil {
				labels = []string{}
			}
			a.session = &SessionView{ID: in.Event.Session, Labels: labels}
		}
		return a.session, true
	case "input":
		if a.input == nil && a.inputErr == nil {
			if in.Event.Action.Kind == event.KindMCP && in.Event.Action.Arguments != nil {
				a.input = in.Event.Action.Arguments // already decoded by the adapter
			} else {
				a.input, a.inputErr = decodeInput(in.Event.Input)
			}
		}
		return a.input, a.inputErr == nil
	}
	return nil, false
}

// decodeInput decodes the tool input for conditions; an absent input is
// an empty map.
func decodeInput(raw []byte) (any, error) {
	if len(raw) == 0 {
		return map[string]any{}, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if v == nil {
		v = map[string]any{}
	}
	return v, nil
}

// Parent implements interpreter.Activation.
func (a *activation) Parent() interpreter.Activation { return nil }
