package policy

import (
	"fmt"
	"slices"

	"github.com/agentward/ward/event"
)

// LintOptions tell Lint what the rest of ward knows.
type LintOptions struct {
	// Findings are the finding ids analyzers can emit.
	Findings []string
	// ToolKind returns the action kind a tool name always has, when the
	// tool is one an adapter knows.
	ToolKind func(tool string) (event.Kind, bool)
}

// Lint finds rules of the layers' own files that can never match. It
// leaves out the built-in protections and presets, which ward's own tests
// cover. The policy must have been compiled with Eager set, so that
// conditions are checked.
func (p *Policy) Lint(opts LintOptions) Errors {
	var errs Errors
	for _, r := range p.rules {
		if r.Origin.Layer == LayerBuiltin || r.Origin.Preset != "" || r.synthetic {
			continue
		}
		for _, msg := range r.never(opts) {
			e := &Error{Code: CodeLint, Pos: r.Pos, Msg: fmt.Sprintf("rule %q can never match: %s", r.ID, msg)}
			if f := r.file; f != nil {
				e.Excerpt = f.excerpt(r.Pos.Line)
			}
			errs = append(errs, e)
		}
	}
	errs.Sort()
	return errs
}

// never lists the reasons a rule cannot match any event.
func (r *compiled) never(opts LintOptions) []string {
	var out []string
	kinds := r.possibleKinds(opts)
	if len(kinds) == 0 {
		out = append(out, "no action kind fits both its tools and its kinds")
	}
	if r.url != nil && !slices.ContainsFunc(kinds, func(k event.Kind) bool {
		return k == event.KindHTTP || k == event.KindShell || k == event.KindMCP || k == event.KindSQL
	}) {
		out = append(out, fmt.Sprintf("it matches URLs, but actions of kind %s carry none", kindsString(kinds)))
	}
	if r.path != nil && !slices.ContainsFunc(kinds, hasPaths) {
		out = append(out, fmt.Sprintf("it matches paths, but actions of kind %s carry none", kindsString(kinds)))
	}
	if len(r.commands) > 0 && !slices.Contains(kinds, event.KindShell) {
		out = append(out, "it matches shell commands, but its kinds exclude shell")
	}
	if r.phases&^(phaseBit(event.PhasePrompt)) == 0 && !slices.Contains(kinds, event.KindPrompt) {
		out = append(out, "it applies to prompts only, but its kinds exclude prompt")
	}
	if opts.Findings != nil {
		for _, g := range r.findings {
			if !slices.ContainsFunc(opts.Findings, func(id string) bool { return globMatch([]string{g}, id) }) {
				out = append(out, fmt.Sprintf("no analyzer emits a finding matching %q", g))
			}
		}
	}
	if r.cond != nil && r.cond.constantFalse() {
		out = append(out, "its condition is always false")
	}
	return out
}

// possibleKinds are the kinds an event matching the rule's kind and tool
// matchers can have.
func (r *compiled) possibleKinds(opts LintOptions) []event.Kind {
	var out []event.Kind
	for _, k := range event.Kinds() {
		if !r.kinds.matches(k) {
			continue
		}
		if len(r.tools) > 0 && opts.ToolKind != nil && r.literal {
			fits := false
			for _, t := range r.tools {
				if tk, known := opts.ToolKind(t); !known || tk == k {
					fits = true
				}
			}
			if !fits {
				continue
			}
		}
		out = append(out, k)
	}
	return out
}

func hasPaths(k event.Kind) bool {
	switch k {
	case event.KindShell, event.KindFileRead, event.KindFileWrite, event.KindFileEdit,
		event.KindFileDelete, event.KindSearch, event.KindMCP:
		return true
	}
	return false
}
