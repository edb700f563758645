package analyze_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/pathclass"
)

func subject(tool string, a event.Action) *analyze.Subject {
	return &analyze.Subject{
		Event: &event.Event{Agent: "t", Phase: event.PhasePre, Tool: tool, Cwd: "/home/dev/project", Action: a},
		Env:   &pathclass.Env{Home: "/home/dev", Cwd: "/home/dev/project", Workspace: "/home/dev/project"},
	}
}

func TestToolPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tool string
		a    event.Action
		want []string
	}{
		{"read", "Read", event.Action{Kind: event.KindFileRead, Path: "a.go"}, []string{"read a.go"}},
		{"write", "Write", event.Action{Kind: event.KindFileWrite, Path: "/x"}, []string{"write /x"}},
		{"edit is a write", "Edit", event.Action{Kind: event.KindFileEdit, Path: "b"}, []string{"write b"}},
		{"glob lists", "Glob", event.Action{Kind: event.KindSearch, Pattern: "*.go"}, []string{"list ."}},
		{"glob pattern carries a directory", "Glob", event.Action{Kind: event.KindSearch, Pattern: "~/.ssh/id_*"}, []string{"list .", "list ~/.ssh"}},
		{"grep reads", "Grep", event.Action{Kind: event.KindSearch, Pattern: "AKIA", Path: "~/.aws"}, []string{"read ~/.aws"}},
		{"web search has no path", "WebSearch", event.Action{Kind: event.KindSearch, Query: "go"}, nil},
		{"mcp write", "mcp__fs__write_file", event.Action{Kind: event.KindMCP, Name: "write_file", Arguments: map[string]any{"path": "~/.bashrc", "content": "x"}}, []string{"write ~/.bashrc"}},
		{"mcp move", "mcp__fs__move_file", event.Action{Kind: event.KindMCP, Name: "move_file", Arguments: map[string]any{"source": "a", "destination": "b"}}, []string{"write a", "write b"}},
		{"mcp read list", "mcp__fs__read_multiple_files", event.Action{Kind: event.KindMCP, Name: "read_multiple_files", Arguments: map[string]any{"paths": []any{"a", "b"}}}, []string{"read a", "read b"}},
		{"mcp delete", "mcp__x__delete_entity", event.Action{Kind: event.KindMCP, Name: "delete_entity", Arguments: map[string]any{"file": "z"}}, []string{"delete z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := subject(tt.tool, tt.a)
			if err := (analyze.ToolPaths{}).Analyze(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range s.Refs {
				got = append(got, fmt.Sprintf("%s %s", r.Op, r.Path))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("refs = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClassifyResolvesAndDedupes(t *testing.T) {
	t.Parallel()
	s := subject("Bash", event.Action{Kind: event.KindShell})
	s.AddPath("~/.ssh/id_rsa", event.OpRead, "a")
	s.AddPath("/home/dev/.ssh/id_rsa", event.OpRead, "b")
	s.AddPath("src/../.env", event.OpWrite, "c")
	if err := (analyze.Classify{}).Analyze(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if len(s.Facts.Paths) != 2 {
		t.Fatalf("paths = %+v, want two after resolving and deduplicating", s.Facts.Paths)
	}
	if p := s.Facts.Paths[1]; p.Path != "/home/dev/project/.env" || !p.Has(pathclass.Credential) || !p.Has(pathclass.Workspace) {
		t.Errorf("second path = %+v", p)
	}
	if s.Facts.Workspace != "/home/dev/project" {
		t.Errorf("workspace = %q", s.Facts.Workspace)
	}
}

type recorder struct {
	name string
	log  *[]string
	err  error
}

func (r recorder) Name() string { return r.name }
func (r recorder) Analyze(context.Context, *analyze.Subject) error {
	*r.log = append(*r.log, r.name)
	return r.err
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	var log []string
	boom := errors.New("boom")
	reg := analyze.NewRegistry(recorder{"a", &log, nil}, recorder{"b", &log, boom}, recorder{"c", &log, nil})
	err := reg.Run(context.Background(), subject("Bash", event.Action{Kind: event.KindShell}))
	if !errors.Is(err, boom) || !slices.Equal(log, []string{"a", "b"}) {
		t.Errorf("Run = %v after %v; want boom after a, b", err, log)
	}
	log = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := reg.Run(ctx, subject("Bash", event.Action{Kind: event.KindShell})); !errors.Is(err, context.Canceled) || len(log) != 0 {
		t.Errorf("Run with a cancelled context = %v after %v", err, log)
	}
}

func TestBounds(t *testing.T) {
	t.Parallel()
	s := subject("Bash", event.Action{Kind: event.KindShell})
	for i := range analyze.MaxPaths + 10 {
		s.AddPath(fmt.Sprintf("f%d", i), event.OpRead, "x")
		s.AddFinding(event.Finding{ID: "x"})
	}
	for range analyze.MaxFindings {
		s.AddFinding(event.Finding{ID: "x"})
	}
	if len(s.Refs) != analyze.MaxPaths || len(s.Findings) != analyze.MaxFindings {
		t.Errorf("%d refs, %d findings; want the bounds %d, %d", len(s.Refs), len(s.Findings), analyze.MaxPaths, analyze.MaxFindings)
	}
}
