package sqlstmt

import (
	"context"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Analyzer analyzes the SQL of SQL tools and the SQL shell commands hand to
// database clients. It runs after the shell analyzer.
type Analyzer struct{}

var (
	_ analyze.Analyzer  = Analyzer{}
	_ analyze.Cataloger = Analyzer{}
)

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "sql" }

// Catalog implements analyze.Cataloger.
func (Analyzer) Catalog() []analyze.FindingSpec { return Catalog() }

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(_ context.Context, s *analyze.Subject) error {
	a := &s.Event.Action
	if a.Kind == event.KindSQL && a.SQL != "" {
		add(s, Analyze(a.SQL, DialectOf(a.Server+" "+s.Event.Tool)))
	}
	for _, q := range s.Facts.Shell.SQL {
		add(s, Analyze(q.Text, DialectOf(q.Client)))
	}
	return nil
}

func add(s *analyze.Subject, r Result) {
	for _, st := range r.Statements {
		if len(s.Facts.SQL) < maxStatements {
			s.Facts.SQL = append(s.Facts.SQL, st)
		}
	}
	for _, f := range r.Findings {
		s.AddFinding(f)
	}
}
