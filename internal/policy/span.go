package policy

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// span is where a scalar's text begins in its file: the line and column
// of its first character (after a quote, or on the line after a block
// scalar's indicator).
type span struct {
	line, col int // 1-based; zero when unknown
}

func (r *reader) spanOf(n ast.Node) span {
	if n == nil || n.GetToken() == nil {
		return span{}
	}
	p := n.GetToken().Position
	switch v := n.(type) {
	case *ast.LiteralNode:
		// The text starts on the next line, at its indentation.
		line := v.Start.Position.Line + 1
		for line <= len(r.file.lines) && strings.TrimSpace(r.file.lines[line-1]) == "" {
			line++
		}
		if line > len(r.file.lines) {
			return span{}
		}
		text := r.file.lines[line-1]
		return span{line: line, col: len(text) - len(strings.TrimLeft(text, " \t")) + 1}
	case *ast.StringNode:
		col := p.Column
		if line := p.Line; line >= 1 && line <= len(r.file.lines) {
			text := r.file.lines[line-1]
			if col-1 < len(text) && (text[col-1] == '"' || text[col-1] == '\'') {
				col++
			}
		}
		return span{line: p.Line, col: col}
	}
	return span{line: p.Line, col: p.Column}
}

// locate maps an offset into a scalar's value back to a line and column of
// the file. The value may differ from the source text (folded lines,
// escapes, block indentation), so the walk aligns the two: characters
// that agree advance both, source characters that the value dropped
// (indentation, line breaks, quotes, backslashes) advance the source only.
func (f *File) locate(s span, value string, offset int) (line, col int) {
	lines := f.source()
	if s.line == 0 || s.line > len(lines) {
		return 0, 0
	}
	line, col = s.line, s.col-1 // col is 0-based while walking
	const maxSteps = 1 << 16
	for i, steps := 0, 0; i < offset && i < len(value) && steps < maxSteps; steps++ {
		text := lines[line-1]
		if col >= len(text) {
			if line == len(lines) {
				break
			}
			line, col = line+1, 0
			if value[i] == '\n' || value[i] == ' ' {
				i++
			}
			continue
		}
		switch c := text[col]; {
		case c == value[i]:
			i++
			col++
		case c == ' ' || c == '\t' || c == '\\' || c == '"' || c == '\'':
			col++
		default:
			i++ // a character the value gained, such as an escape's result
		}
	}
	return line, col + 1
}
