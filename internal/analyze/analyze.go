// Package analyze runs analyzers over an event. An analyzer reads the
// event and what earlier analyzers found, and adds facts and findings;
// the policy then decides on them. Analyzers never decide.
package analyze

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/pathclass"
)

// Subject is what analyzers work on.
type Subject struct {
	Event    *event.Event
	Env      *pathclass.Env
	Facts    event.Facts
	Findings []event.Finding
	// Refs are paths analyzers found in the event, before the classify
	// analyzer resolves and classifies them into Facts.Paths.
	Refs []PathRef
}

// PathRef is a path as it appears in an event.
type PathRef struct {
	Path      string
	Op        event.PathOp
	Recursive bool
	Source    string // where in the event the path was found
}

// AddPath records a path the action touches.
func (s *Subject) AddPath(path string, op event.PathOp, source string) {
	s.AddRef(PathRef{Path: path, Op: op, Source: source})
}

// AddRef records a path the action touches.
func (s *Subject) AddRef(r PathRef) {
	if r.Path == "" || len(s.Refs) >= MaxPaths {
		return
	}
	s.Refs = append(s.Refs, r)
}

// AddFinding records a finding.
func (s *Subject) AddFinding(f event.Finding) {
	if len(s.Findings) < MaxFindings {
		s.Findings = append(s.Findings, f)
	}
}

// Bounds on what one event can produce.
const (
	MaxPaths    = 256
	MaxFindings = 256
)

// Analyzer adds facts and findings to a Subject. Analyze must stop early
// when ctx is done, and bound its own work by the size of its input.
type Analyzer interface {
	Name() string
	Analyze(ctx context.Context, s *Subject) error
}

// FindingSpec describes a finding an analyzer can emit.
type FindingSpec struct {
	ID       string
	Severity event.Severity
	Doc      string
}

// Cataloger is implemented by analyzers that can list their findings,
// which lint uses to flag rules that match findings nobody emits.
type Cataloger interface {
	Catalog() []FindingSpec
}

// Registry runs analyzers in order.
type Registry struct {
	analyzers []Analyzer
}

// NewRegistry returns a registry that runs analyzers in the given order.
func NewRegistry(analyzers ...Analyzer) *Registry {
	return &Registry{analyzers: analyzers}
}

// Analyzers returns the registry's analyzers, in order.
func (r *Registry) Analyzers() []Analyzer {
	return append([]Analyzer(nil), r.analyzers...)
}

// Catalog lists the findings every analyzer of the registry can emit.
func (r *Registry) Catalog() []FindingSpec {
	var out []FindingSpec
	for _, a := range r.analyzers {
		if c, ok := a.(Cataloger); ok {
			out = append(out, c.Catalog()...)
		}
	}
	return out
}

// Run runs every analyzer over s. An analyzer that fails or panics, or a
// context that ends, stops the run with an error: the caller must then
// decide with the policy's on_error decision, never as if nothing was
// found.
func (r *Registry) Run(ctx context.Context, s *Subject) error {
	for _, a := range r.analyzers {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("analysis stopped before %s: %w", a.Name(), err)
		}
		if err := runOne(ctx, a, s); err != nil {
			return err
		}
	}
	return nil
}

func runOne(ctx context.Context, a Analyzer, s *Subject) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Analyzer: a.Name(), Value: p, Stack: debug.Stack()}
		}
	}()
	if err := a.Analyze(ctx, s); err != nil {
		return fmt.Errorf("analyzer %s: %w", a.Name(), err)
	}
	return nil
}

// PanicError is an analyzer's panic, caught.
type PanicError struct {
	Analyzer string
	Value    any
	Stack    []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("analyzer %s panicked: %v", e.Analyzer, e.Value)
}
