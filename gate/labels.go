package gate

import (
	"slices"
	"strings"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/content"
	"github.com/agentward/ward/internal/analyze/flow"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/session"
)

// labelsFor returns the labels an event adds to its session, each with
// why. What an action brings into the agent's context is known before it
// runs (reading a credential file, fetching a page), so an allowed pre
// event adds those labels: agents that send no post events are still
// tracked. A post event adds them again with what its output shows.
func labelsFor(s *analyze.Subject, pol *policy.Policy, d *event.Decision, now time.Time) []session.Label {
	ev := s.Event
	switch {
	case ev.Phase == event.PhasePre && d.Decision != event.Allow:
		return nil // a denied action brings nothing in; an asked one adds its labels when it runs
	case ev.Phase != event.PhasePre && ev.Phase != event.PhasePost:
		return nil
	}
	var out []session.Label
	add := func(name, source string) {
		if !slices.ContainsFunc(out, func(l session.Label) bool { return l.Name == name }) {
			out = append(out, session.Label{Name: name, EventID: ev.ID, Tool: ev.Tool, Source: source, At: now})
		}
	}
	results, trusted, _ := pol.ResultPolicies(ev.Tool)
	for _, l := range results {
		add(l, "the tool policy for "+ev.Tool+" marks its results "+l)
	}
	if !trusted {
		if why := untrustedSource(s); why != "" {
			add(session.LabelUntrusted, why)
		}
	}
	if why := privateSource(s); why != "" {
		add(session.LabelPrivate, why)
	}
	if ev.Phase == event.PhasePost {
		for _, f := range s.Findings {
			switch f.ID {
			case content.FindingSecretInOutput:
				add(session.LabelSecretSeen, "the output carries a secret ("+f.Evidence+")")
				add(session.LabelPrivate, "the output carries a secret")
			case content.FindingInjection:
				// Content beats a tool's reputation: injected text is
				// untrusted even from a tool marked trusted.
				add(session.LabelUntrusted, "the output carries instructions aimed at the model")
			}
		}
	}
	return out
}

// untrustedSource says why what an action brings in comes from outside
// the user's control: the web, and MCP tools not marked trusted.
func untrustedSource(s *analyze.Subject) string {
	ev := s.Event
	act := &ev.Action
	switch {
	case act.Kind == event.KindHTTP:
		return ev.Tool + " results are web content"
	case act.Kind == event.KindSearch && act.Query != "":
		return "web search results"
	case act.Kind == event.KindSQL:
		return "" // ward knows a database tool: its rows are private (see privateSource)
	case act.Server != "" || strings.HasPrefix(ev.Tool, "mcp__"):
		return "results of MCP tools are untrusted unless a tool policy marks them trusted (" + ev.Tool + ")"
	case act.Kind == event.KindShell:
		for _, u := range s.Facts.URLs {
			if (u.Scheme == "http" || u.Scheme == "https") && !slices.Contains(u.Classes, "loopback") {
				return "the command fetches from " + u.Host
			}
		}
	}
	return ""
}

// privateSource says why what an action brings in is private: credential
// files and database reads.
func privateSource(s *analyze.Subject) string {
	for _, p := range s.Facts.Paths {
		if (p.Op == event.OpRead || p.Op == event.OpList) && (p.Has(pathclass.Credential) || p.Has(pathclass.WardSecret)) {
			return "a credential file is read (" + p.Path + ")"
		}
	}
	for _, st := range s.Facts.SQL {
		switch st.Verb {
		case "select", "with", "show", "table", "values", "pragma", "describe", "explain":
			return "a database read"
		}
	}
	return ""
}

// overrideSink applies per-tool policies that say whether a tool is a
// sink (sink: true or false) over the flow analyzer's guess.
func overrideSink(pol *policy.Policy, s *analyze.Subject) {
	sink, set := pol.Sink(s.Event.Tool)
	if !set || s.Event.Phase != event.PhasePre {
		return
	}
	has := slices.ContainsFunc(s.Findings, func(f event.Finding) bool { return f.ID == flow.FindingSink })
	switch {
	case sink && !has:
		s.AddFinding(event.Finding{ID: flow.FindingSink, Severity: event.Info, Message: "the policy marks " + s.Event.Tool + " as a sink"})
	case !sink && has:
		s.Findings = slices.DeleteFunc(s.Findings, func(f event.Finding) bool { return f.ID == flow.FindingSink })
	}
}
