package policy

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"

	"github.com/agentward/ward/event"
)

// This file keeps the cel-go environment ward's conditions were first
// compiled in. cel-go is not linked into ward: it is the oracle that the
// differential tests hold package cond to.

// newCELEnv builds the cel-go environment conditions used to be checked in.
func newCELEnv() (*cel.Env, error) {
	return cel.NewEnv(
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
}

// celProgram compiles src as ward did with cel-go: parse and check, the
// result must be a bool, and the program is planned with cel-go's
// optimizations and the cost limit.
func celProgram(env *cel.Env, src string) (cel.Program, error) {
	ast, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		return nil, iss.Err()
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, fmt.Errorf("a condition must be true or false, this one gives %s", ast.OutputType())
	}
	return env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(celCostLimit))
}

// celActivation resolves variables for cel-go as ward's activation did.
type celActivation struct{ a *activation }

var _ interpreter.Activation = celActivation{}

func (c celActivation) ResolveName(name string) (any, bool) {
	v, err := c.a.Var(name)
	if err != nil {
		return nil, false
	}
	if p, ok := v.(*[]FindingView); ok {
		return *p, true
	}
	return v, true
}

func (c celActivation) Parent() interpreter.Activation { return nil }

// celEval evaluates with cel-go; the error is errCELCost when the cost
// limit stopped it.
func celEval(prg cel.Program, in *Input) (result bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cel-go panicked: %v", r)
		}
	}()
	v, _, err := prg.Eval(celActivation{&activation{in: in}})
	if err != nil {
		if strings.Contains(err.Error(), "cost limit exceeded") {
			return false, errCELCost
		}
		return false, err
	}
	b, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("cel-go gave %v", v)
	}
	return b, nil
}

var errCELCost = errors.New("cel-go: cost limit exceeded")
