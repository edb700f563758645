package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a place in a policy file. Line and Col count from 1; a zero Line
// means the whole file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error codes say what kind of problem a policy has.
const (
	CodeYAML      = "yaml"      // the file is not valid YAML
	CodeSchema    = "schema"    // an unknown field, a wrong type, a missing field
	CodeCEL       = "cel"       // a condition does not compile or type-check
	CodeDuplicate = "duplicate" // two rules share an id
	CodeExtends   = "extends"   // an unknown preset or a cycle
	CodeExample   = "example"   // a rule's example does not give the listed decision
	CodeLint      = "lint"      // a rule that can never match, a regex that does not compile
	CodeLoosen    = "loosen"    // a layer tried to loosen what another layer brought in (a warning)
)

// Error is one problem in a policy, with where it is.
type Error struct {
	Code string
	Pos  Pos
	Msg  string
	// Excerpt is the source line the problem is on, when known.
	Excerpt string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Pos, e.Code, e.Msg)
}

// Format writes the error and, when known, its source line with a caret
// under the column.
func (e *Error) Format() string {
	var b strings.Builder
	b.WriteString(e.Error())
	if e.Excerpt != "" && e.Pos.Line > 0 {
		num := fmt.Sprintf("%d", e.Pos.Line)
		fmt.Fprintf(&b, "\n  %s | %s", num, e.Excerpt)
		if e.Pos.Col > 0 {
			pad := caretPad(e.Excerpt, e.Pos.Col-1)
			fmt.Fprintf(&b, "\n  %s | %s^", strings.Repeat(" ", len(num)), pad)
		}
	}
	return b.String()
}

// caretPad returns the indentation that puts a caret under column col of
// line, keeping tabs so that the caret lines up.
func caretPad(line string, col int) string {
	var b strings.Builder
	for i, r := range line {
		if i >= col {
			break
		}
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// Errors is a list of policy problems, sorted by position.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return fmt.Sprintf("%d problems:\n%s", len(es), strings.Join(msgs, "\n"))
}

// Sort orders the errors by file, line and column.
func (es Errors) Sort() {
	slices.SortStableFunc(es, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
		)
	})
}

// Err returns es as an error, or nil when it is empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}
