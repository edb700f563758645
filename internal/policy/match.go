package policy

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/agentward/ward/event"
)

// kindSet is a set of action kinds; the zero set means any kind.
type kindSet uint16

func kindBit(k event.Kind) kindSet {
	if i := kindIndexOf(k); i >= 0 {
		return 1 << i
	}
	return 0
}

// kindIndexOf is the position of k in event.Kinds, or -1.
func kindIndexOf(k event.Kind) int {
	switch k {
	case event.KindShell:
		return 0
	case event.KindFileRead:
		return 1
	case event.KindFileWrite:
		return 2
	case event.KindFileEdit:
		return 3
	case event.KindFileDelete:
		return 4
	case event.KindHTTP:
		return 5
	case event.KindSQL:
		return 6
	case event.KindMCP:
		return 7
	case event.KindSearch:
		return 8
	case event.KindAgent:
		return 9
	case event.KindPrompt:
		return 10
	case event.KindOther:
		return 11
	}
	return -1
}

func newKindSet(kinds []event.Kind) kindSet {
	var s kindSet
	for _, k := range kinds {
		s |= kindBit(k)
	}
	return s
}

func (s kindSet) matches(k event.Kind) bool { return s == 0 || s&kindBit(k) != 0 }

// phaseSet is a set of phases. A rule that names none applies before a
// tool runs and to prompts; rules about results must say phase: post.
type phaseSet uint8

func phaseBit(p event.Phase) phaseSet {
	switch p {
	case event.PhasePre:
		return 1
	case event.PhasePost:
		return 2
	case event.PhasePrompt:
		return 4
	case event.PhaseSessionStart:
		return 8
	case event.PhaseSessionEnd:
		return 16
	}
	return 0
}

func newPhaseSet(phases []event.Phase) phaseSet {
	if len(phases) == 0 {
		return phaseBit(event.PhasePre) | phaseBit(event.PhasePrompt)
	}
	var s phaseSet
	for _, p := range phases {
		s |= phaseBit(p)
	}
	return s
}

func (s phaseSet) matches(p event.Phase) bool { return s&phaseBit(p) != 0 }

// pathMatcher holds when one path has a wanted class, none of the
// unwanted ones, and a wanted operation.
type pathMatcher struct {
	classes   []string
	not       []string
	ops       []event.PathOp
	recursive *bool
}

func (m *pathMatcher) match(paths []event.PathFact) (event.PathFact, bool) {
	for _, p := range paths {
		if len(m.ops) > 0 && !slices.Contains(m.ops, p.Op) {
			continue
		}
		if m.recursive != nil && *m.recursive != p.Recursive {
			continue
		}
		if len(m.classes) > 0 && !anyClass(p, m.classes) {
			continue
		}
		if anyClass(p, m.not) {
			continue
		}
		return p, true
	}
	return event.PathFact{}, false
}

func anyClass(p event.PathFact, classes []string) bool {
	for _, c := range classes {
		if p.Has(c) {
			return true
		}
	}
	return false
}

func (m *pathMatcher) String() string {
	var parts []string
	if len(m.classes) > 0 {
		parts = append(parts, "class "+strings.Join(m.classes, "|"))
	}
	if len(m.not) > 0 {
		parts = append(parts, "not "+strings.Join(m.not, "|"))
	}
	if len(m.ops) > 0 {
		ops := make([]string, len(m.ops))
		for i, o := range m.ops {
			ops[i] = string(o)
		}
		parts = append(parts, "op "+strings.Join(ops, "|"))
	}
	if m.recursive != nil {
		parts = append(parts, fmt.Sprintf("recursive %v", *m.recursive))
	}
	return strings.Join(parts, ", ")
}

// urlMatcher holds when one URL has a wanted host class, a host among
// hosts, and a host among none of notHosts.
type urlMatcher struct {
	classes  []string
	hosts    []string
	notHosts []string
}

func (m *urlMatcher) match(urls []event.URLFact) (event.URLFact, bool) {
	for _, u := range urls {
		if len(m.classes) > 0 && !slices.ContainsFunc(u.Classes, func(c string) bool { return slices.Contains(m.classes, c) }) {
			continue
		}
		if len(m.hosts) > 0 && !globMatch(m.hosts, u.Host) {
			continue
		}
		if len(m.notHosts) > 0 && globMatch(m.notHosts, u.Host) {
			continue
		}
		return u, true
	}
	return event.URLFact{}, false
}

func (m *urlMatcher) String() string {
	var parts []string
	if len(m.classes) > 0 {
		parts = append(parts, "class "+strings.Join(m.classes, "|"))
	}
	if len(m.hosts) > 0 {
		parts = append(parts, "host "+strings.Join(m.hosts, "|"))
	}
	if len(m.notHosts) > 0 {
		parts = append(parts, "not host "+strings.Join(m.notHosts, "|"))
	}
	return strings.Join(parts, ", ")
}

func globMatch(globs []string, s string) bool {
	for _, g := range globs {
		if globOne(g, s) {
			return true
		}
	}
	return false
}

// globOne matches one glob. The common shapes, a plain name and a prefix
// followed by one "*", skip path.Match.
func globOne(g, s string) bool {
	if g == s {
		return true
	}
	i := strings.IndexAny(g, "*?[\\")
	switch {
	case i < 0:
		return false
	case i == len(g)-1 && g[i] == '*':
		return strings.HasPrefix(s, g[:i])
	}
	ok, _ := path.Match(g, s)
	return ok
}

// kindIndex finds, for an event's kind and tool, the rules that can match
// it, so that a policy of a thousand rules about other tools costs little.
type kindIndex struct {
	byKind [16]bucket
}

type bucket struct {
	generic []*compiled            // rules whose tool matcher is absent or a glob
	byTool  map[string][]*compiled // rules that name tools plainly
}

func buildIndex(rules []*compiled) kindIndex {
	var ix kindIndex
	for i, k := range event.Kinds() {
		b := &ix.byKind[i]
		for _, r := range rules {
			if !r.kinds.matches(k) {
				continue
			}
			if !r.literal {
				b.generic = append(b.generic, r)
				continue
			}
			if b.byTool == nil {
				b.byTool = map[string][]*compiled{}
			}
			for _, t := range r.tools {
				b.byTool[t] = append(b.byTool[t], r)
			}
		}
	}
	return ix
}

// candidates calls fn with each rule that may match kind and tool, in
// precedence order, until fn returns false.
func (ix *kindIndex) candidates(kind event.Kind, tool string, fn func(*compiled) bool) {
	i := kindIndexOf(kind)
	if i < 0 {
		i = kindIndexOf(event.KindOther)
	}
	b := &ix.byKind[i]
	g, t := b.generic, b.byTool[tool]
	for len(g) > 0 || len(t) > 0 {
		var next *compiled
		if len(t) == 0 || len(g) > 0 && g[0].order < t[0].order {
			next, g = g[0], g[1:]
		} else {
			next, t = t[0], t[1:]
		}
		if !fn(next) {
			return
		}
	}
}

// match reports whether the rule's built-in matchers hold. It is the hot
// path; describe says the same in words.
func (r *compiled) match(in *Input) bool {
	ev := in.Event
	if !r.phases.matches(ev.Phase) || !r.kinds.matches(ev.Action.Kind) ||
		len(r.tools) > 0 && !globMatch(r.tools, ev.Tool) ||
		len(r.agents) > 0 && !slices.Contains(r.agents, ev.Agent) {
		return false
	}
	if len(r.labels) > 0 {
		if _, ok := firstShared(r.labels, in.Labels); !ok {
			return false
		}
	}
	if len(r.commands) > 0 {
		if _, ok := r.matchCommand(in.Facts); !ok {
			return false
		}
	}
	if r.path != nil {
		if _, ok := r.path.match(in.Facts.Paths); !ok {
			return false
		}
	}
	if r.url != nil {
		if _, ok := r.url.match(in.Facts.URLs); !ok {
			return false
		}
	}
	if len(r.findings) > 0 {
		if _, ok := matchFinding(r.findings, in.Findings); !ok {
			return false
		}
	}
	return true
}

// describe checks a rule's built-in matchers against the input. It
// returns what matched as evidence, or why the rule does not match.
func (r *compiled) describe(in *Input) (evidence []string, why string) {
	ev := in.Event
	switch {
	case !r.phases.matches(ev.Phase):
		return nil, fmt.Sprintf("phase %s is not one the rule applies to", ev.Phase)
	case !r.kinds.matches(ev.Action.Kind):
		return nil, fmt.Sprintf("kind %s is not %s", ev.Action.Kind, kindsString(r.Match.Kind))
	case len(r.tools) > 0 && !globMatch(r.tools, ev.Tool):
		return nil, fmt.Sprintf("tool %s is not %s", ev.Tool, strings.Join(r.tools, " | "))
	case len(r.agents) > 0 && !slices.Contains(r.agents, ev.Agent):
		return nil, fmt.Sprintf("agent %s is not %s", ev.Agent, strings.Join(r.agents, " | "))
	}
	if len(r.labels) > 0 {
		l, ok := firstShared(r.labels, in.Labels)
		if !ok {
			return nil, fmt.Sprintf("the session has none of the labels %s", strings.Join(r.labels, ", "))
		}
		evidence = append(evidence, "session label "+l)
	}
	if len(r.commands) > 0 {
		c, ok := r.matchCommand(in.Facts)
		if !ok {
			return nil, fmt.Sprintf("the command runs none of %s", strings.Join(r.commands, ", "))
		}
		evidence = append(evidence, "runs "+c)
	}
	if r.path != nil {
		p, ok := r.path.match(in.Facts.Paths)
		if !ok {
			return nil, fmt.Sprintf("no path has %s", r.path)
		}
		op := string(p.Op)
		if p.Recursive {
			op += " -r"
		}
		evidence = append(evidence, fmt.Sprintf("%s %s [%s]", op, p.Path, strings.Join(p.Classes, " ")))
	}
	if r.url != nil {
		u, ok := r.url.match(in.Facts.URLs)
		if !ok {
			return nil, fmt.Sprintf("no URL has %s", r.url)
		}
		evidence = append(evidence, fmt.Sprintf("url %s [%s]", u.URL, strings.Join(u.Classes, " ")))
	}
	if len(r.findings) > 0 {
		f, ok := matchFinding(r.findings, in.Findings)
		if !ok {
			return nil, fmt.Sprintf("no finding is %s", strings.Join(r.findings, " | "))
		}
		evidence = append(evidence, "finding "+f.ID+": "+f.Message)
	}
	return evidence, ""
}

func kindsString(kinds []event.Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, " | ")
}

func firstShared(want, have []string) (string, bool) {
	for _, w := range want {
		if slices.Contains(have, w) {
			return w, true
		}
	}
	return "", false
}

func (r *compiled) matchCommand(f *event.Facts) (string, bool) {
	for _, c := range f.Shell.Commands {
		if c.Name != "" && globMatch(r.commands, c.Name) {
			return c.Name, true
		}
	}
	return "", false
}

func matchFinding(globs []string, findings []event.Finding) (event.Finding, bool) {
	for _, f := range findings {
		if globMatch(globs, f.ID) {
			return f, true
		}
	}
	return event.Finding{}, false
}
