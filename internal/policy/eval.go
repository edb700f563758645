package policy

import (
	"context"
	"fmt"
	"slices"

	"github.com/agentward/ward/event"
)

// Input is what a policy decides on: the event, what analyzers found, and
// the session's labels.
type Input struct {
	Event    *event.Event
	Facts    *event.Facts
	Findings []event.Finding
	Labels   []string
}

// Result is the policy's verdict on an Input.
type Result struct {
	Effect   event.Effect
	Rule     string
	Reason   string
	Severity event.Severity
	Origin   Origin
	// Evidence says what made the deciding rule match.
	Evidence []string
	// Labels are session labels the event adds (post phase).
	Labels []string
	// Redact asks for secrets in the output to be hidden (post phase).
	Redact bool
	// Trusted is set when a result policy marks the tool's output
	// trusted (post phase), which overrides ward's own untrusted label.
	Trusted bool
	// Trace has one entry per rule, in precedence order, when asked for.
	Trace []event.RuleResult
}

// Eval decides on in: the first rule in precedence order whose matchers
// and condition hold decides; with none, the default does. A condition
// that fails to run is an error, and the caller answers with the
// on_error decision.
func (p *Policy) Eval(ctx context.Context, in *Input) (Result, error) {
	var (
		winner *compiled
		err    error
		act    = activation{in: in}
	)
	p.index.candidates(in.Event.Action.Kind, in.Event.Tool, func(r *compiled) bool {
		if !r.match(in) {
			return true
		}
		var ok bool
		ok, err = p.holds(ctx, r, &act)
		if err != nil || ok {
			winner = r
			return false
		}
		return true
	})
	if err != nil {
		return Result{}, fmt.Errorf("rule %s: %w", winner.ID, err)
	}
	return p.result(in, winner), nil
}

// Explain decides like Eval and also records, for every rule, whether it
// matched and why.
func (p *Policy) Explain(ctx context.Context, in *Input) (Result, error) {
	var (
		winner   *compiled
		firstErr error
		trace    = make([]event.RuleResult, 0, len(p.rules))
		act      = activation{in: in}
	)
	for _, r := range p.rules {
		rr := event.RuleResult{Rule: r.ID, Origin: r.Origin.String(), Decision: r.Decision}
		evidence, why := r.describe(in)
		switch {
		case why != "":
			rr.Why = why
		case r.When == "":
			rr.Matched, rr.Why = true, joinEvidence(evidence, "all matchers hold")
		default:
			ok, err := p.holds(ctx, r, &act)
			switch {
			case err != nil:
				rr.Err = err.Error()
				rr.Why = "the condition failed to run"
				if winner == nil && firstErr == nil {
					firstErr = fmt.Errorf("rule %s: %w", r.ID, err)
				}
			case ok:
				rr.Matched, rr.Why = true, joinEvidence(evidence, "the condition holds")
			default:
				rr.Why = "the condition does not hold"
			}
		}
		if rr.Matched && winner == nil && firstErr == nil {
			winner = r
		}
		trace = append(trace, rr)
	}
	if firstErr != nil {
		return Result{Trace: trace}, firstErr
	}
	res := p.result(in, winner)
	res.Trace = trace
	return res, nil
}

func joinEvidence(evidence []string, fallback string) string {
	if len(evidence) == 0 {
		return fallback
	}
	s := evidence[0]
	for _, e := range evidence[1:] {
		s += "; " + e
	}
	return s
}

// holds evaluates the rule's condition, compiling it on first use.
func (p *Policy) holds(ctx context.Context, r *compiled, act *activation) (bool, error) {
	if r.When == "" {
		return true, nil
	}
	r.condOnce.Do(func() {
		env, err := p.env()
		if err != nil {
			r.condErr = err
			return
		}
		r.cond, r.condErr = r.compileWhen(env)
	})
	if r.condErr != nil {
		return false, fmt.Errorf("condition does not compile: %w", r.condErr)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return r.cond.eval(act)
}

// result builds the verdict of winner, or of the default when nil.
func (p *Policy) result(in *Input, winner *compiled) Result {
	var res Result
	if winner == nil {
		res.Effect, res.Rule = p.Settings.Default, event.RuleDefault
		res.Reason = "no rule matched"
		if res.Effect != event.Allow {
			res.Reason = fmt.Sprintf("no rule matched, and the policy's default is %s", res.Effect)
			res.Severity = event.Medium
		}
	} else {
		res.Effect, res.Rule, res.Reason = winner.Decision, winner.ID, winner.Reason
		res.Severity, res.Origin = winner.Severity, winner.Origin
		res.Evidence, _ = winner.describe(in)
	}
	if in.Event.Phase == event.PhasePost {
		res.Labels, res.Trusted, res.Redact = p.ResultPolicies(in.Event.Tool)
	}
	return res
}

// ResultPolicies applies the per-tool result policies of a tool: the
// labels its results add, whether they are marked trusted, and whether
// secrets in them are redacted.
func (p *Policy) ResultPolicies(tool string) (labels []string, trusted, redact bool) {
	for _, t := range p.tools {
		if !globMatch([]string{t.Pattern}, tool) {
			continue
		}
		for _, r := range t.Result {
			switch r.Name {
			case ResultMarkUntrusted:
				labels = appendUnique(labels, "untrusted")
			case ResultMarkPrivate:
				labels = appendUnique(labels, "private")
			case ResultMarkTrusted:
				trusted = true
			case ResultRedact:
				redact = true
			}
		}
	}
	if trusted {
		labels = slices.DeleteFunc(labels, func(l string) bool { return l == "untrusted" })
	}
	return labels, trusted, redact
}

// Sink says whether per-tool policies call a tool a sink: set is false
// when none says. A tool any policy calls a sink is one.
func (p *Policy) Sink(tool string) (sink, set bool) {
	for _, t := range p.tools {
		if t.Sink == nil || !globMatch([]string{t.Pattern}, tool) {
			continue
		}
		set = true
		sink = sink || *t.Sink
	}
	return sink, set
}

// Limits returns the limit rules that match in, in precedence order. The
// caller counts the event against each and applies the decision of the
// first one exceeded.
func (p *Policy) Limits(ctx context.Context, in *Input) ([]RuleInfo, error) {
	var out []RuleInfo
	act := activation{in: in}
	for _, r := range p.limits {
		if !r.match(in) {
			continue
		}
		ok, err := p.holds(ctx, r, &act)
		if err != nil {
			return nil, fmt.Errorf("limit %s: %w", r.ID, err)
		}
		if ok {
			out = append(out, RuleInfo{Rule: r.Rule, Origin: r.Origin})
		}
	}
	return out, nil
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
