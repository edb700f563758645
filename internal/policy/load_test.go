package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/policy"
)

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		src       string
		code      string
		line, col int
		msg       string // a substring of the message
	}{
		{
			name: "YAML syntax",
			src:  "version: 1\nrules: [\n",
			code: policy.CodeYAML, line: 2, msg: "",
		},
		{
			name: "unknown top-level field",
			src:  "version: 1\nrulez: []\n",
			code: policy.CodeSchema, line: 2, col: 1, msg: `unknown field "rulez"`,
		},
		{
			name: "unknown rule field points at the key",
			src:  "version: 1\nrules:\n  - id: a\n    decision: deny\n    reason: r\n    desicion: deny\n",
			code: policy.CodeSchema, line: 6, col: 5, msg: `unknown field "desicion"`,
		},
		{
			name: "unknown match field",
			src:  "version: 1\nrules:\n  - id: a\n    match: {tools: Bash}\n    decision: deny\n    reason: r\n",
			code: policy.CodeSchema, line: 4, col: 13, msg: `unknown field "tools"`,
		},
		{
			name: "missing version",
			src:  "rules: []\n",
			code: policy.CodeSchema, line: 1, col: 1, msg: "missing \"version: 1\"",
		},
		{
			name: "future version",
			src:  "version: 2\n",
			code: policy.CodeSchema, line: 1, col: 10, msg: "unsupported policy version",
		},
		{
			name: "on_error allow would fail open",
			src:  "version: 1\nsettings:\n  on_error: allow\n",
			code: policy.CodeSchema, line: 3, col: 13, msg: "fails",
		},
		{
			name: "unknown decision",
			src:  "version: 1\nrules:\n  - id: a\n    decision: block\n    reason: r\n",
			code: policy.CodeSchema, line: 4, col: 15, msg: `unknown decision "block"`,
		},
		{
			name: "rule without id",
			src:  "version: 1\nrules:\n  - decision: deny\n    reason: r\n",
			code: policy.CodeSchema, line: 3, msg: "needs an id",
		},
		{
			name: "deny without reason",
			src:  "version: 1\nrules:\n  - id: a\n    decision: deny\n",
			code: policy.CodeSchema, line: 3, msg: "needs a reason",
		},
		{
			name: "unknown kind",
			src:  "version: 1\nrules:\n  - id: a\n    match: {kind: shel}\n    decision: deny\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: `unknown action kind "shel"`,
		},
		{
			name: "unknown path op",
			src:  "version: 1\nrules:\n  - id: a\n    match: {path: {op: [erase]}}\n    decision: deny\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: `unknown path operation "erase"`,
		},
		{
			name: "key given twice",
			src:  "version: 1\nsettings:\n  default: ask\n  default: allow\n",
			code: policy.CodeYAML, line: 4, msg: "",
		},
		{
			name: "bad approval timeout",
			src:  "version: 1\nsettings:\n  approval_timeout: forever\n",
			code: policy.CodeSchema, line: 3, col: 21, msg: "approval_timeout",
		},
		{
			name: "unknown call policy",
			src:  "version: 1\ntools:\n  Bash: {call: never}\n",
			code: policy.CodeSchema, line: 3, msg: `unknown call policy "never"`,
		},
		{
			name: "example without tool",
			src:  "version: 1\nrules:\n  - id: a\n    decision: deny\n    reason: r\n    examples:\n      deny: [{input: {command: ls}}]\n",
			code: policy.CodeSchema, line: 7, msg: "needs a tool",
		},
		{
			name: "limit with both rate and repeat",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {rate: 5/min, repeat: 3, within: 1m}\n    decision: ask\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: "either a rate or a repeat bound",
		},
		{
			name: "limit rate without a unit",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {rate: 5}\n    decision: ask\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: "limit.rate: want N/unit",
		},
		{
			name: "limit rate with an unknown unit",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {rate: 5/fortnight}\n    decision: ask\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: `unknown unit "fortnight"`,
		},
		{
			name: "limit with an unknown scope",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {rate: 5/min, per: project}\n    decision: ask\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: `unknown scope "project"`,
		},
		{
			name: "repeat without a window",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {repeat: 5}\n    decision: ask\n    reason: r\n",
			code: policy.CodeSchema, line: 4, msg: "needs within",
		},
		{
			name: "a limit that allows",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {rate: 5/min}\n    decision: allow\n",
			code: policy.CodeSchema, line: 4, msg: "ask or deny",
		},
		{
			name: "a limit with examples",
			src:  "version: 1\nrules:\n  - id: a\n    limit: {rate: 5/min}\n    decision: ask\n    reason: r\n    examples:\n      ask: [{tool: Bash, input: {command: ls}}]\n",
			code: policy.CodeSchema, line: 4, msg: "no examples",
		},
		{
			name: "sink that is not a boolean",
			src:  "version: 1\ntools:\n  Bash: {sink: maybe}\n",
			code: policy.CodeSchema, line: 3, msg: "sink: want true or false",
		},
		{
			name: "aliases are refused",
			src:  "version: 1\nx: &a 1\n",
			code: policy.CodeSchema, line: 2, msg: `unknown field "x"`,
		},
		{
			name: "empty file",
			src:  "",
			code: policy.CodeSchema, msg: "empty",
		},
		{
			name: "rule id with spaces",
			src:  "version: 1\nrules:\n  - id: no rm\n    decision: deny\n    reason: r\n",
			code: policy.CodeSchema, line: 3, col: 9, msg: "letters, digits",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, errs := policy.Parse(policy.Source{Name: "p.yaml", Data: []byte(tt.src)})
			if len(errs) == 0 {
				t.Fatalf("Parse(%q) = no errors, want %s error", tt.src, tt.code)
			}
			e := errs[0]
			if e.Code != tt.code || (tt.line != 0 && e.Pos.Line != tt.line) || (tt.col != 0 && e.Pos.Col != tt.col) || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("first error = %s (at %d:%d), want code %s at %d:%d containing %q\nall: %v",
					e, e.Pos.Line, e.Pos.Col, tt.code, tt.line, tt.col, tt.msg, errs)
			}
			if e.Pos.File != "p.yaml" {
				t.Errorf("error file = %q, want p.yaml", e.Pos.File)
			}
		})
	}
}

// Every problem in a file is reported, not only the first.
func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	src := "version: 1\nrules:\n  - id: a\n    decision: maybe\n    reason: r\n  - id: b\n    decision: deny\n    reason: r\n    colour: red\n"
	_, errs := policy.Parse(policy.Source{Name: "p.yaml", Data: []byte(src)})
	if len(errs) != 2 {
		t.Fatalf("got %d errors, want 2: %v", len(errs), errs)
	}
	if errs[0].Pos.Line != 4 || errs[1].Pos.Line != 9 {
		t.Errorf("errors at lines %d and %d, want 4 and 9", errs[0].Pos.Line, errs[1].Pos.Line)
	}
}

func TestErrorFormatShowsExcerpt(t *testing.T) {
	t.Parallel()
	src := "version: 1\nrules:\n  - id: a\n    decision: deny\n    reason: r\n    when: 1 +\n"
	_, errs := policy.Parse(policy.Source{Name: "p.yaml", Data: []byte(src)})
	if len(errs) != 0 {
		t.Fatalf("parse: %v", errs)
	}
	_, err := policy.Compile([]policy.Source{{Layer: policy.LayerUser, Name: "p.yaml", Data: []byte(src)}}, policy.Options{Eager: true})
	var perrs policy.Errors
	if !errors.As(err, &perrs) {
		t.Fatalf("Compile error = %v, want policy.Errors", err)
	}
	got := perrs[0].Format()
	want := "p.yaml:6:"
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "6 |     when: 1 +") || !strings.Contains(got, "^") {
		t.Errorf("Format() =\n%s\nwant a position, the source line and a caret", got)
	}
}

func TestParseAcceptsStringOrList(t *testing.T) {
	t.Parallel()
	src := `version: 1
rules:
  - id: a
    match:
      tool: Bash
      kind: [shell]
      path: {class: credential, op: modify}
    decision: deny
    reason: r
`
	f, errs := policy.Parse(policy.Source{Name: "p.yaml", Data: []byte(src)})
	if errs != nil {
		t.Fatal(errs)
	}
	m := f.Rules[0].Match
	if len(m.Tool) != 1 || m.Tool[0] != "Bash" || len(m.Path.Class) != 1 {
		t.Errorf("match = %+v, want tool [Bash] and one class", m)
	}
	if len(m.Path.Op) != 4 {
		t.Errorf("op modify expanded to %v, want write, delete, link, chmod", m.Path.Op)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("version: 1\nrules:\n  - id: a\n    match: {tool: Bash}\n    decision: deny\n    reason: r\n")
	f.Add("version: 1\nsettings: {on_error: ask}\ntools: {x: {call: allow, result: [redact]}}\n")
	f.Add("version: 1\nextends: [strict]\ndisable: [a]\n")
	f.Add("{")
	f.Add("version: 1\nrules:\n  - id: a\n    when: |\n      a\n    examples: {deny: [{tool: x, input: {a: [1, {b: 2}]}}]}\n")
	f.Fuzz(func(t *testing.T, src string) {
		a, errsA := policy.Parse(policy.Source{Name: "f.yaml", Data: []byte(src)})
		b, errsB := policy.Parse(policy.Source{Name: "f.yaml", Data: []byte(src)})
		if (a == nil) != (b == nil) || len(errsA) != len(errsB) {
			t.Fatalf("Parse is not deterministic on %q", src)
		}
		if a == nil && len(errsA) == 0 {
			t.Fatalf("Parse(%q) returned neither a file nor errors", src)
		}
		for _, e := range errsA {
			if e.Msg == "" || e.Code == "" {
				t.Fatalf("error without code or message: %#v", e)
			}
		}
	})
}
