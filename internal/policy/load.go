package policy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/agentward/ward/event"
)

// MaxFileSize bounds a policy file.
const MaxFileSize = 4 << 20

// maxAliasDepth bounds how deep YAML aliases may nest, so that a file of
// aliases to aliases cannot make loading blow up.
const maxAliasDepth = 16

// Parse reads one policy file. It reports every problem it finds, each
// with its line and column, rather than stopping at the first.
func Parse(src Source) (*File, Errors) {
	f := &File{Name: src.Name}
	if len(src.Data) > MaxFileSize {
		return nil, Errors{{Code: CodeSchema, Pos: Pos{File: src.Name}, Msg: fmt.Sprintf("policy file is %d bytes, more than the limit of %d", len(src.Data), MaxFileSize)}}
	}
	if !utf8.Valid(src.Data) {
		return nil, Errors{{Code: CodeYAML, Pos: Pos{File: src.Name}, Msg: "policy file is not valid UTF-8"}}
	}
	f.lines = strings.Split(string(src.Data), "\n")
	r := &reader{file: f}
	doc, err := parser.ParseBytes(src.Data, 0)
	if err != nil {
		r.yamlError(err)
		return nil, r.errs
	}
	if len(doc.Docs) != 1 || doc.Docs[0].Body == nil {
		if len(doc.Docs) > 1 {
			r.errorf(CodeYAML, r.pos(doc.Docs[1]), "a policy file holds one YAML document, found %d", len(doc.Docs))
		} else {
			r.errorf(CodeSchema, Pos{File: src.Name}, "policy file is empty; it needs at least \"version: 1\"")
		}
		return nil, r.errs
	}
	r.topLevel(doc.Docs[0].Body)
	if len(r.errs) > 0 {
		r.errs.Sort()
		return nil, r.errs
	}
	return f, nil
}

// reader walks the YAML tree of one file, collecting errors.
type reader struct {
	file *File
	errs Errors
}

func (r *reader) errorf(code string, pos Pos, format string, args ...any) {
	e := &Error{Code: code, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	if pos.Line > 0 && pos.Line <= len(r.file.lines) {
		e.Excerpt = strings.TrimRight(r.file.lines[pos.Line-1], "\r")
	}
	r.errs = append(r.errs, e)
}

func (r *reader) yamlError(err error) {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		tk := ye.GetToken()
		r.errorf(CodeYAML, Pos{File: r.file.Name, Line: tk.Position.Line, Col: tk.Position.Column}, "%s", ye.GetMessage())
		return
	}
	r.errorf(CodeYAML, Pos{File: r.file.Name}, "%v", err)
}

func (r *reader) pos(n ast.Node) Pos {
	if d, ok := n.(*ast.DocumentNode); ok {
		// A document's GetToken is its body's, and an empty document
		// has none: use its "---" marker.
		switch {
		case d == nil:
			return Pos{File: r.file.Name}
		case d.Start != nil:
			return Pos{File: r.file.Name, Line: d.Start.Position.Line, Col: d.Start.Position.Column}
		case d.Body == nil:
			return Pos{File: r.file.Name}
		}
	}
	if n == nil || n.GetToken() == nil {
		return Pos{File: r.file.Name}
	}
	p := n.GetToken().Position
	return Pos{File: r.file.Name, Line: p.Line, Col: p.Column}
}

// value strips comments, tags and anchors from n and follows aliases.
func (r *reader) value(n ast.Node) ast.Node {
	for i := 0; n != nil && i < maxAliasDepth; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			n = r.resolveAlias(v)
		case *ast.TagNode:
			n = v.Value
		case *ast.CommentGroupNode:
			return nil
		default:
			return n
		}
	}
	if n != nil {
		r.errorf(CodeYAML, r.pos(n), "aliases nest deeper than %d", maxAliasDepth)
	}
	return nil
}

// resolveAlias finds the node an alias names. goccy's parser records the
// anchor on the alias's token; the anchored value is looked up through it.
func (r *reader) resolveAlias(a *ast.AliasNode) ast.Node {
	r.errorf(CodeYAML, r.pos(a), "YAML aliases are not supported in policy files; write the value out")
	return nil
}

// field is one key of a mapping, with its value.
type field struct {
	key string
	pos Pos // of the key
	val ast.Node
}

// mapping returns the keys of a mapping node, reporting keys not in
// allowed and keys given twice.
func (r *reader) mapping(n ast.Node, what string, allowed ...string) []field {
	n = r.value(n)
	m, ok := n.(*ast.MappingNode)
	if !ok {
		if n != nil && n.Type() == ast.NullType {
			return nil
		}
		r.errorf(CodeSchema, r.pos(n), "%s must be a mapping, not %s", what, kindOf(n))
		return nil
	}
	var out []field
	seen := map[string]bool{}
	for _, mv := range m.Values {
		if _, merge := mv.Key.(*ast.MergeKeyNode); merge {
			r.errorf(CodeYAML, r.pos(mv.Key), "merge keys (<<) are not supported in policy files")
			continue
		}
		key, ok := r.scalar(mv.Key)
		if !ok {
			r.errorf(CodeSchema, r.pos(mv.Key), "keys of %s must be strings", what)
			continue
		}
		pos := r.pos(mv.Key)
		if seen[key] {
			r.errorf(CodeSchema, pos, "%s: %q is given twice", what, key)
			continue
		}
		seen[key] = true
		if allowed != nil && !contains(allowed, key) {
			r.errorf(CodeSchema, pos, "unknown field %q in %s (known: %s)", key, what, strings.Join(allowed, ", "))
			continue
		}
		out = append(out, field{key: key, pos: pos, val: mv.Value})
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scalar returns the text of a scalar node.
func (r *reader) scalar(n ast.Node) (string, bool) {
	n = r.value(n)
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, true
	case *ast.MappingKeyNode:
		return r.scalar(v.Value)
	}
	return "", false
}

// str reads a string field.
func (r *reader) str(f field) string {
	n := r.value(f.val)
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		s, _ := r.scalar(n)
		return s
	case nil:
		return ""
	}
	r.errorf(CodeSchema, r.pos(n), "%s must be a string, not %s", f.key, kindOf(n))
	return ""
}

// strList reads a field that is a string or a list of strings.
func (r *reader) strList(f field) []string {
	n := r.value(f.val)
	if n == nil || n.Type() == ast.NullType {
		return nil
	}
	if seq, ok := n.(*ast.SequenceNode); ok {
		out := make([]string, 0, len(seq.Values))
		for _, item := range seq.Values {
			s, ok := r.scalar(item)
			if !ok {
				r.errorf(CodeSchema, r.pos(item), "entries of %s must be strings, not %s", f.key, kindOf(r.value(item)))
				continue
			}
			out = append(out, s)
		}
		return out
	}
	s, ok := r.scalar(n)
	if !ok {
		r.errorf(CodeSchema, r.pos(n), "%s must be a string or a list of strings, not %s", f.key, kindOf(n))
		return nil
	}
	return []string{s}
}

// refList reads a list of names with their positions.
func (r *reader) refList(f field) []Ref {
	n := r.value(f.val)
	if n == nil || n.Type() == ast.NullType {
		return nil
	}
	items := []ast.Node{n}
	if seq, ok := n.(*ast.SequenceNode); ok {
		items = seq.Values
	}
	out := make([]Ref, 0, len(items))
	for _, item := range items {
		s, ok := r.scalar(item)
		if !ok {
			r.errorf(CodeSchema, r.pos(item), "entries of %s must be strings", f.key)
			continue
		}
		out = append(out, Ref{Name: s, Pos: r.pos(item)})
	}
	return out
}

func kindOf(n ast.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Type() {
	case ast.MappingType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.StringType, ast.LiteralType:
		return "a string"
	case ast.IntegerType, ast.FloatType:
		return "a number"
	case ast.BoolType:
		return "a boolean"
	case ast.NullType:
		return "null"
	}
	return n.Type().String()
}

func (r *reader) topLevel(body ast.Node) {
	f := r.file
	sawVersion := false
	for _, fl := range r.mapping(body, "the policy", "version", "extends", "disable", "settings", "rules", "tools") {
		switch fl.key {
		case "version":
			sawVersion = true
			v, _ := r.scalar(fl.val)
			if v != "1" {
				r.errorf(CodeSchema, r.pos(r.value(fl.val)), "unsupported policy version %q; this ward reads version 1", v)
			}
			f.Version = 1
		case "extends":
			f.Extends = r.refList(fl)
		case "disable":
			f.Disable = r.refList(fl)
		case "settings":
			r.settings(fl)
		case "rules":
			r.rules(fl)
		case "tools":
			r.tools(fl)
		}
	}
	if !sawVersion && len(r.errs) == 0 {
		r.errorf(CodeSchema, Pos{File: f.Name, Line: 1, Col: 1}, "missing \"version: 1\"")
	}
}

func (r *reader) settings(fl field) {
	s := &r.file.Settings
	for _, f := range r.mapping(fl.val, "settings", "on_error", "default", "approval_timeout", "egress") {
		if f.key == "egress" {
			r.egress(f, s)
			continue
		}
		v := r.str(f)
		pos := r.pos(r.value(f.val))
		switch f.key {
		case "on_error":
			e, err := event.ParseEffect(v)
			switch {
			case err != nil:
				r.errorf(CodeSchema, pos, "on_error: %v", err)
			case e == event.Allow:
				r.errorf(CodeSchema, pos, "on_error: allow would let actions through whenever ward fails; use deny or ask")
			default:
				s.OnError, s.OnErrorPos = e, pos
			}
		case "default":
			e, err := event.ParseEffect(v)
			if err != nil {
				r.errorf(CodeSchema, pos, "default: %v", err)
				continue
			}
			s.Default, s.DefaultPos = e, pos
		case "approval_timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > 24*time.Hour {
				r.errorf(CodeSchema, pos, "approval_timeout: %q is not a duration between 1s and 24h (like 90s or 5m)", v)
				continue
			}
			s.ApprovalTimeout, s.ApprovalTimeoutPos = d, pos
		}
	}
}

// egress reads settings.egress: {allow: [hosts], decision: ask|deny}.
func (r *reader) egress(fl field, s *Settings) {
	s.EgressPos = r.pos(r.value(fl.val))
	s.EgressDecision = event.Ask
	for _, f := range r.mapping(fl.val, "settings.egress", "allow", "decision") {
		switch f.key {
		case "allow":
			s.Egress = r.strList(f)
		case "decision":
			e, err := event.ParseEffect(r.str(f))
			if err != nil || e == event.Allow {
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "egress.decision: want ask or deny")
				continue
			}
			s.EgressDecision = e
		}
	}
	if s.Egress == nil {
		r.errorf(CodeSchema, s.EgressPos, "egress needs allow: a list of hosts web requests may reach")
	}
}

func (r *reader) rules(fl field) {
	n := r.value(fl.val)
	if n == nil || n.Type() == ast.NullType {
		return
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		r.errorf(CodeSchema, r.pos(n), "rules must be a list, not %s", kindOf(n))
		return
	}
	for _, item := range seq.Values {
		if rule := r.rule(item); rule != nil {
			r.file.Rules = append(r.file.Rules, rule)
		}
	}
}

func (r *reader) rule(n ast.Node) *Rule {
	rule := &Rule{Pos: r.pos(r.value(n))}
	fields := r.mapping(n, "a rule", "id", "match", "when", "decision", "reason", "severity", "examples", "limit")
	if fields == nil {
		return nil
	}
	for _, f := range fields {
		switch f.key {
		case "id":
			rule.ID = r.str(f)
			rule.Pos = r.pos(r.value(f.val))
			if rule.ID != "" && !validID(rule.ID) {
				r.errorf(CodeSchema, rule.Pos, "rule id %q: use letters, digits, '.', '-' and '_' only", rule.ID)
			}
		case "match":
			rule.Match = r.match(f)
		case "when":
			rule.When = r.str(f)
			rule.WhenPos = r.pos(r.value(f.val))
			rule.whenSpan = r.spanOf(r.value(f.val))
		case "decision":
			e, err := event.ParseEffect(r.str(f))
			if err != nil {
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "decision: %v", err)
			}
			rule.Decision = e
		case "reason":
			rule.Reason = r.str(f)
		case "severity":
			s, err := event.ParseSeverity(r.str(f))
			if err != nil {
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "severity: %v", err)
			}
			rule.Severity = s
		case "examples":
			rule.Examples = r.examples(f)
		case "limit":
			rule.Limit = r.limit(f)
		}
	}
	if rule.Limit != nil {
		r.checkLimitRule(rule)
	}
	if rule.ID == "" {
		r.errorf(CodeSchema, rule.Pos, "a rule needs an id")
	}
	if rule.Decision == 0 && !r.hasError(rule.Pos, "decision") {
		r.errorf(CodeSchema, rule.Pos, "rule %q needs a decision: allow, ask or deny", rule.ID)
	}
	if rule.Reason == "" && rule.Decision != event.Allow {
		r.errorf(CodeSchema, rule.Pos, "rule %q needs a reason: it is what the agent and the person are told", rule.ID)
	}
	return rule
}

// limit reads a rule's limit: {rate: 20/min, per: session} or
// {repeat: 5, within: 2m}.
func (r *reader) limit(fl field) *Limit {
	l := &Limit{Pos: r.pos(r.value(fl.val)), Scope: ScopeSession}
	scopeSet, errsBefore := false, len(r.errs)
	for _, f := range r.mapping(fl.val, "limit", "rate", "per", "repeat", "within") {
		pos := r.pos(r.value(f.val))
		v, _ := r.scalar(f.val)
		switch f.key {
		case "rate":
			n, per, err := parseRate(v)
			if err != nil {
				r.errorf(CodeSchema, pos, "limit.rate: %v", err)
			}
			l.Rate, l.Per = n, per
		case "per":
			l.Scope, scopeSet = v, true
			if !contains(scopes, v) {
				r.errorf(CodeSchema, pos, "limit.per: unknown scope %q (known: %s)", v, strings.Join(scopes, ", "))
			}
		case "repeat":
			n, err := strconv.Atoi(v)
			if err != nil || n < 2 || n > maxLimitCount {
				r.errorf(CodeSchema, pos, "limit.repeat: want a whole number from 2 to %d, not %q", maxLimitCount, v)
			}
			l.Repeat = n
		case "within":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 || d > maxLimitWindow {
				r.errorf(CodeSchema, pos, "limit.within: want a duration up to %s such as 2m, not %q", maxLimitWindow, v)
			}
			l.Within = d
		}
	}
	switch {
	case l.Rate > 0 && l.Repeat > 0:
		r.errorf(CodeSchema, l.Pos, "a limit is either a rate or a repeat bound, not both")
	case l.Repeat > 0 && l.Within == 0:
		r.errorf(CodeSchema, l.Pos, "limit.repeat needs within: the window the repeats are counted in")
	case l.Repeat > 0 && scopeSet:
		r.errorf(CodeSchema, l.Pos, "limit.per applies to rates; repeats are counted in one session")
	case l.Rate == 0 && l.Repeat == 0 && len(r.errs) == errsBefore:
		r.errorf(CodeSchema, l.Pos, "a limit needs rate (such as 20/min) or repeat and within")
	}
	return l
}

// Bounds on limits.
const (
	maxLimitCount  = 1_000_000
	maxLimitWindow = 7 * 24 * time.Hour
)

// parseRate reads "20/min", "500/hour", "3/10s".
func parseRate(s string) (int, time.Duration, error) {
	num, unit, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "/")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || n > maxLimitCount {
		return 0, 0, fmt.Errorf("want N/unit such as 20/min or 500/hour, with N from 1 to %d, not %q", maxLimitCount, s)
	}
	units := map[string]time.Duration{
		"s": time.Second, "sec": time.Second, "second": time.Second,
		"m": time.Minute, "min": time.Minute, "minute": time.Minute,
		"h": time.Hour, "hour": time.Hour, "d": 24 * time.Hour, "day": 24 * time.Hour,
	}
	per, known := units[unit]
	if !known {
		per, err = time.ParseDuration(unit)
		if err != nil || per <= 0 {
			return 0, 0, fmt.Errorf("unknown unit %q in %q (use s, min, hour, day or a duration such as 10s)", unit, s)
		}
	}
	if per > maxLimitWindow {
		return 0, 0, fmt.Errorf("the period of %q is over %s", s, maxLimitWindow)
	}
	return n, per, nil
}

// checkLimitRule checks what a limit rule may say: it asks or denies when
// exceeded, and has no examples, since one event cannot show a rate.
func (r *reader) checkLimitRule(rule *Rule) {
	if rule.Decision == event.Allow {
		r.errorf(CodeSchema, rule.Limit.Pos, "limit: a limit's decision is ask or deny; allow would never change anything")
	}
	if len(rule.Examples) > 0 {
		r.errorf(CodeSchema, rule.Limit.Pos, "limit: a limit rule has no examples; test it with a sequence of events (ward eval --record)")
	}
}

// hasError reports whether an error mentioning field was already reported
// at or after pos, so one mistake is not reported twice.
func (r *reader) hasError(pos Pos, field string) bool {
	for _, e := range r.errs {
		if e.Pos.Line >= pos.Line && strings.HasPrefix(e.Msg, field+":") {
			return true
		}
	}
	return false
}

func validID(id string) bool {
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

func (r *reader) match(fl field) Match {
	m := Match{Pos: r.pos(r.value(fl.val))}
	for _, f := range r.mapping(fl.val, "match", "tool", "kind", "agent", "phase", "command", "path", "url", "finding", "label") {
		switch f.key {
		case "tool":
			m.Tool = r.strList(f)
		case "kind":
			for _, k := range r.strList(f) {
				if !event.Kind(k).Valid() {
					r.errorf(CodeSchema, r.pos(r.value(f.val)), "kind: unknown action kind %q (known: %s)", k, joinKinds())
					continue
				}
				m.Kind = append(m.Kind, event.Kind(k))
			}
		case "agent":
			m.Agent = r.strList(f)
		case "phase":
			for _, p := range r.strList(f) {
				if !event.Phase(p).Valid() {
					r.errorf(CodeSchema, r.pos(r.value(f.val)), "phase: unknown phase %q (known: pre, post, prompt, session_start, session_end)", p)
					continue
				}
				m.Phase = append(m.Phase, event.Phase(p))
			}
		case "command":
			m.Command = r.strList(f)
		case "path":
			m.Path = r.pathMatch(f)
		case "url":
			m.URL = &URLMatch{Pos: r.pos(r.value(f.val))}
			for _, g := range r.mapping(f.val, "match.url", "class", "host", "not_host") {
				switch g.key {
				case "class":
					m.URL.Class = r.strList(g)
				case "host":
					m.URL.Host = r.strList(g)
				case "not_host":
					m.URL.NotHost = r.strList(g)
				}
			}
		case "finding":
			m.Finding = r.strList(f)
		case "label":
			m.Label = r.strList(f)
		}
	}
	return m
}

func joinKinds() string {
	var names []string
	for _, k := range event.Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

func (r *reader) pathMatch(fl field) *PathMatch {
	pm := &PathMatch{Pos: r.pos(r.value(fl.val))}
	for _, f := range r.mapping(fl.val, "match.path", "class", "not", "op", "recursive") {
		switch f.key {
		case "class":
			pm.Class = r.strList(f)
		case "not":
			pm.Not = r.strList(f)
		case "recursive":
			v, _ := r.scalar(f.val)
			switch v {
			case "true":
				b := true
				pm.Recursive = &b
			case "false":
				b := false
				pm.Recursive = &b
			default:
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "recursive: want true or false, not %q", v)
			}
		case "op":
			for _, op := range r.strList(f) {
				if op == "modify" {
					pm.Op = append(pm.Op, event.OpWrite, event.OpDelete, event.OpLink, event.OpChmod)
					continue
				}
				if !validOp(event.PathOp(op)) {
					r.errorf(CodeSchema, r.pos(r.value(f.val)), "op: unknown path operation %q (known: read, list, write, delete, link, chmod, exec, modify)", op)
					continue
				}
				pm.Op = append(pm.Op, event.PathOp(op))
			}
		}
	}
	return pm
}

func validOp(op event.PathOp) bool {
	for _, o := range event.PathOps() {
		if o == op {
			return true
		}
	}
	return false
}

func (r *reader) examples(fl field) []Example {
	var out []Example
	for _, f := range r.mapping(fl.val, "examples", "deny", "ask", "allow") {
		want, _ := event.ParseEffect(f.key)
		n := r.value(f.val)
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			r.errorf(CodeSchema, r.pos(n), "examples.%s must be a list of actions", f.key)
			continue
		}
		for _, item := range seq.Values {
			if ex, ok := r.example(item, want); ok {
				out = append(out, ex)
			}
		}
	}
	return out
}

func (r *reader) example(n ast.Node, want event.Effect) (Example, bool) {
	ex := Example{Want: want, Pos: r.pos(r.value(n))}
	for _, f := range r.mapping(n, "an example", "tool", "input", "agent", "cwd", "phase", "output", "labels") {
		switch f.key {
		case "tool":
			ex.Tool = r.str(f)
		case "input":
			var in map[string]any
			if err := yaml.NodeToValue(r.value(f.val), &in); err != nil {
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "input: %v", err)
				continue
			}
			ex.Input = in
		case "agent":
			ex.Agent = r.str(f)
		case "cwd":
			ex.Cwd = r.str(f)
		case "phase":
			ex.Phase = event.Phase(r.str(f))
			if !ex.Phase.Valid() {
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "phase: unknown phase %q", ex.Phase)
			}
		case "output":
			if err := yaml.NodeToValue(r.value(f.val), &ex.Output); err != nil {
				r.errorf(CodeSchema, r.pos(r.value(f.val)), "output: %v", err)
			}
		case "labels":
			ex.Labels = r.strList(f)
		}
	}
	if ex.Tool == "" && ex.Phase != event.PhasePrompt {
		r.errorf(CodeSchema, ex.Pos, "an example needs a tool (or phase: prompt), like {tool: Bash, input: {command: \"ls\"}}")
		return ex, false
	}
	return ex, true
}

func (r *reader) tools(fl field) {
	for _, f := range r.mapping(fl.val, "tools") {
		tp := &ToolPolicy{Pattern: f.key, Pos: f.pos}
		for _, g := range r.mapping(f.val, "a tool policy", "call", "result", "sink") {
			switch g.key {
			case "sink":
				v, _ := r.scalar(g.val)
				b, err := strconv.ParseBool(v)
				if err != nil {
					r.errorf(CodeSchema, r.pos(r.value(g.val)), "sink: want true or false, not %q", v)
				}
				tp.Sink, tp.SinkPos = &b, r.pos(r.value(g.val))
			case "call":
				tp.Call = r.str(g)
				tp.CallPos = r.pos(r.value(g.val))
				switch tp.Call {
				case CallAllow, CallBlockAlways, CallBlockWhenUntrusted, CallRequireApproval:
				default:
					r.errorf(CodeSchema, tp.CallPos, "call: unknown call policy %q (known: allow, block_always, block_when_untrusted, require_approval)", tp.Call)
				}
			case "result":
				for _, ref := range r.refList(g) {
					switch ref.Name {
					case ResultMarkUntrusted, ResultMarkTrusted, ResultMarkPrivate, ResultRedact, ResultBlock:
						tp.Result = append(tp.Result, ref)
					default:
						r.errorf(CodeSchema, ref.Pos, "result: unknown result policy %q (known: mark_untrusted, mark_trusted, mark_private, redact, block)", ref.Name)
					}
				}
			}
		}
		r.file.Tools = append(r.file.Tools, tp)
	}
}
