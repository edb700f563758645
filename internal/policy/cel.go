package policy

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/policy/cond"
)

// Conditions (a rule's "when") are CEL expressions (package cond) over
// these variables:
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
	celCostLimit  = 1_000_000 // steps per evaluation (see cond.Options)
	celMaxLen     = 16 << 10  // characters of a condition
	celMaxNesting = 64        // depth of a condition's syntax tree
)

// newCondEnv builds the environment conditions are checked in (about
// 0.1 ms). Policies build it when a condition is first needed, so a hook
// process that reaches no condition does not pay for it.
func newCondEnv() (*cond.Env, error) {
	objs := cond.NewObjects()
	var err error
	object := func(v any) *cond.Type {
		t, e := objs.Of(reflect.TypeOf(v))
		if e != nil && err == nil {
			err = e
		}
		return t
	}
	vars := []cond.Var{
		{Name: "event", Type: object(EventView{})},
		{Name: "action", Type: object(event.Action{})},
		{Name: "facts", Type: object(event.Facts{})},
		{Name: "findings", Type: cond.ListOf(object(FindingView{}))},
		{Name: "session", Type: object(SessionView{})},
		{Name: "input", Type: cond.Dyn},
	}
	if err != nil {
		return nil, fmt.Errorf("building the condition environment: %w", err)
	}
	return cond.NewEnv(cond.Options{MaxLength: celMaxLen, MaxDepth: celMaxNesting, CostLimit: celCostLimit}, vars...), nil
}

// condition is a compiled "when".
type condition struct {
	prg *cond.Program
}

// celIssue is a problem in a condition, at a byte offset into its text.
type celIssue struct {
	offset int
	msg    string
}

// compileCondition parses and type-checks src and prepares it to run.
func compileCondition(env *cond.Env, src string) (*condition, []celIssue) {
	prg, issues := env.Compile(src)
	if len(issues) > 0 {
		out := make([]celIssue, len(issues))
		for i, is := range issues {
			out[i] = celIssue{offset: is.Offset, msg: is.Msg}
		}
		return nil, out
	}
	if prg.Type().Kind() != cond.BoolKind {
		return nil, []celIssue{{msg: fmt.Sprintf("a condition must be true or false, this one gives %s", prg.Type())}}
	}
	return &condition{prg: prg}, nil
}

// constantFalse reports whether the condition folds to false.
func (c *condition) constantFalse() bool {
	v, ok := c.prg.Constant()
	return ok && v == false
}

// eval runs the condition.
func (c *condition) eval(act *activation) (bool, error) {
	return c.prg.EvalBool(act)
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

var _ cond.Activation = (*activation)(nil)

// Var implements cond.Activation.
func (a *activation) Var(name string) (any, error) {
	in := a.in
	switch name {
	case "event":
		if a.ev == nil {
			a.ev = &EventView{ID: in.Event.ID, Agent: in.Event.Agent, Session: in.Event.Session,
				Cwd: in.Event.Cwd, Phase: string(in.Event.Phase), Tool: in.Event.Tool}
		}
		return a.ev, nil
	case "action":
		return &in.Event.Action, nil
	case "facts":
		return in.Facts, nil
	case "findings":
		if a.findings == nil {
			a.findings = make([]FindingView, len(in.Findings))
			for i, f := range in.Findings {
				a.findings[i] = FindingView{ID: f.ID, Severity: f.Severity.String(), Message: f.Message, Evidence: f.Evidence}
			}
		}
		return &a.findings, nil
	case "session":
		if a.session == nil {
			labels := in.Labels
			if labels == nil {
				labels = []string{}
			}
			a.session = &SessionView{ID: in.Event.Session, Labels: labels}
		}
		return a.session, nil
	case "input":
		if a.input == nil && a.inputErr == nil {
			if in.Event.Action.Kind == event.KindMCP && in.Event.Action.Arguments != nil {
				a.input = in.Event.Action.Arguments // already decoded by the adapter
			} else {
				a.input, a.inputErr = decodeInput(in.Event.Input)
			}
		}
		return a.input, a.inputErr
	}
	return nil, fmt.Errorf("no variable %q", name)
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
