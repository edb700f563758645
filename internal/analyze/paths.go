package analyze

import (
	"context"
	"path"
	"slices"
	"strings"

	"github.com/agentward/ward/event"
)

// ToolPaths finds the paths of file tools, searches and MCP tools.
type ToolPaths struct{}

// Name implements Analyzer.
func (ToolPaths) Name() string { return "toolpaths" }

// Analyze implements Analyzer.
func (ToolPaths) Analyze(_ context.Context, s *Subject) error {
	a := &s.Event.Action
	switch a.Kind {
	case event.KindFileRead:
		s.AddPath(a.Path, event.OpRead, "file path")
	case event.KindFileWrite, event.KindFileEdit:
		s.AddPath(a.Path, event.OpWrite, "file path")
	case event.KindFileDelete:
		s.AddPath(a.Path, event.OpDelete, "file path")
	case event.KindSearch:
		searchPaths(s, a)
	case event.KindMCP:
		mcpPaths(s, a)
	}
	for _, f := range a.Files {
		switch f.Op {
		case "read":
			s.AddPath(f.Path, event.OpRead, "file list")
		case "delete":
			s.AddPath(f.Path, event.OpDelete, "file list")
		case "move":
			s.AddPath(f.Path, event.OpDelete, "file list (moved away)")
			s.AddPath(f.To, event.OpWrite, "file list (moved here)")
		default: // add, update, and anything unknown: the worst a file list does
			s.AddPath(f.Path, event.OpWrite, "file list")
			if f.To != "" {
				s.AddPath(f.To, event.OpWrite, "file list (moved here)")
			}
		}
	}
	return nil
}

// searchPaths records the directory a Glob, Grep or LS looks in. A Grep
// reads the files' contents; the others only list names. A pattern can
// carry its own directory ("~/.ssh/*"), which counts too.
func searchPaths(s *Subject, a *event.Action) {
	if a.Path == "" && a.Pattern == "" {
		return // a web search
	}
	op := event.OpList
	if s.Event.Tool == "Grep" {
		op = event.OpRead
	}
	root := a.Path
	if root == "" {
		root = "."
	}
	s.AddPath(root, op, "search path")
	if s.Event.Tool == "Glob" {
		if dir := staticDir(a.Pattern); dir != "" {
			if !strings.HasPrefix(dir, "/") && !strings.HasPrefix(dir, "~") {
				dir = path.Join(root, dir)
			}
			s.AddPath(dir, op, "glob pattern")
		}
	}
}

// staticDir returns the directory part of a glob pattern before its first
// wildcard: "~/.ssh/id_*" gives "~/.ssh".
func staticDir(pattern string) string {
	i := strings.IndexAny(pattern, "*?[{")
	if i < 0 {
		return path.Dir(pattern)
	}
	prefix := pattern[:i]
	j := strings.LastIndexByte(prefix, '/')
	if j < 0 {
		return ""
	}
	if j == 0 {
		return "/"
	}
	return prefix[:j]
}

// mcpPathKeys are argument names MCP servers use for file paths.
var mcpPathKeys = [...]string{"path", "paths", "file", "file_path", "filepath", "filename",
	"source", "destination", "src", "dst", "target", "directory", "dir", "root"}

// mcpPaths records path-like arguments of MCP tools, so that the same
// protections hold whether a file is written by Write or by a file system
// server. What the tool does to them is read from its name.
func mcpPaths(s *Subject, a *event.Action) {
	op := mcpOp(a.Name)
	for _, key := range mcpPathKeys {
		switch v := a.Arguments[key].(type) {
		case string:
			s.AddPath(v, op, "mcp argument "+key)
		case []any:
			for _, item := range v {
				if p, ok := item.(string); ok {
					s.AddPath(p, op, "mcp argument "+key)
				}
			}
		}
	}
}

func mcpOp(name string) event.PathOp {
	name = strings.ToLower(name)
	for _, w := range [...]string{"delete", "remove", "unlink", "rmdir"} {
		if strings.Contains(name, w) {
			return event.OpDelete
		}
	}
	for _, w := range [...]string{"write", "edit", "create", "move", "rename", "copy", "update", "append", "patch", "save", "put", "upload", "mkdir"} {
		if strings.Contains(name, w) {
			return event.OpWrite
		}
	}
	for _, w := range [...]string{"list", "search", "find", "tree", "glob"} {
		if strings.Contains(name, w) {
			return event.OpList
		}
	}
	return event.OpRead
}

// Classify resolves every path found so far and classifies it.
type Classify struct{}

// Name implements Analyzer.
func (Classify) Name() string { return "pathclass" }

// Analyze implements Analyzer.
func (Classify) Analyze(_ context.Context, s *Subject) error {
	env := s.Env
	s.Facts.Workspace = env.Workspace
	for _, ref := range s.Refs {
		abs := env.Resolve(ref.Path)
		if i := slices.IndexFunc(s.Facts.Paths, func(p event.PathFact) bool { return p.Path == abs && p.Op == ref.Op }); i >= 0 {
			s.Facts.Paths[i].Recursive = s.Facts.Paths[i].Recursive || ref.Recursive
			continue
		}
		s.Facts.Paths = append(s.Facts.Paths, event.PathFact{
			Path: abs, Op: ref.Op, Recursive: ref.Recursive, Classes: env.Classify(abs), Source: ref.Source,
		})
	}
	return nil
}
