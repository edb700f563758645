package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/internal/policytest"
)

// shownRule is a rule as policy show prints it.
type shownRule struct {
	ID       string   `json:"id"`
	Decision string   `json:"decision"`
	Severity string   `json:"severity"`
	Origin   string   `json:"origin"`
	Layer    string   `json:"layer"`
	Preset   string   `json:"preset,omitempty"`
	Match    string   `json:"match"`
	Reason   string   `json:"reason,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

type shownPolicy struct {
	Digest   string            `json:"digest"`
	Sources  []shownSource     `json:"sources"`
	Settings map[string]string `json:"settings"`
	Rules    []shownRule       `json:"rules"`
	Disabled []string          `json:"disabled,omitempty"`
	Warnings []string          `json:"warnings,omitempty"`
}

type shownSource struct {
	Layer string `json:"layer"`
	Name  string `json:"name"`
}

func (l *loaded) show(ctx context.Context, st Streams, asJSON bool) error {
	if l.err != nil {
		report(st.Err, l.err)
		return problem()
	}
	results, err := policytest.Run(ctx, l.sources, l.pol)
	if err != nil {
		return err
	}
	sp := l.shown(results)
	if asJSON {
		enc := json.NewEncoder(st.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(sp)
	}
	printShown(st.Out, sp)
	return nil
}

func (l *loaded) shown(results []policytest.Result) shownPolicy {
	p := l.pol
	sp := shownPolicy{Digest: p.Digest, Settings: map[string]string{
		"on_error":         fmt.Sprintf("%s (%s)", p.Settings.OnError, p.SettingsFrom["on_error"]),
		"default":          fmt.Sprintf("%s (%s)", p.Settings.Default, p.SettingsFrom["default"]),
		"approval_timeout": fmt.Sprintf("%s (%s)", p.Settings.ApprovalTimeout, p.SettingsFrom["approval_timeout"]),
	}}
	for _, s := range l.sources {
		sp.Sources = append(sp.Sources, shownSource{Layer: s.Layer, Name: s.Name})
	}
	for _, ri := range p.Rules() {
		sr := shownRule{ID: ri.ID, Decision: ri.Decision.String(), Severity: ri.Severity.String(),
			Origin: ri.Origin.String(), Layer: ri.Origin.Layer.String(), Preset: ri.Origin.Preset,
			Match: ri.Describe(), Reason: ri.Reason}
		if ri.Decision == event.Allow && ri.Origin.Layer != policy.LayerBuiltin {
			sr.Notes = allowNotes(ri, results)
		}
		sp.Rules = append(sp.Rules, sr)
	}
	for _, d := range p.Disabled {
		sp.Disabled = append(sp.Disabled, fmt.Sprintf("%s (by the %s layer, %s)", d.ID, d.By, d.Pos))
	}
	for _, w := range p.Warnings {
		sp.Warnings = append(sp.Warnings, w.Error())
	}
	return sp
}

// allowNotes says, for an allow rule, what its own examples come to under
// the whole policy: an allow never beats a deny or an ask, so a layer
// that tries to allow what another denies sees it still denied here.
func allowNotes(ri policy.RuleInfo, results []policytest.Result) []string {
	notes := []string{"an allow never overrides a deny or ask rule (deny > ask > allow)"}
	for _, r := range results {
		if r.Rule != ri.ID || r.Example.Want != event.Allow || r.Origin != ri.Origin.String() {
			continue
		}
		input, _ := json.Marshal(r.Example.Input)
		if r.Got.Decision != event.Allow {
			notes = append(notes, fmt.Sprintf("its example %s %s is still %s, by %s", r.Example.Tool, input, r.Got.Decision, r.Got.Rule))
		} else {
			notes = append(notes, fmt.Sprintf("its example %s %s is allowed", r.Example.Tool, input))
		}
	}
	return notes
}

func printShown(w io.Writer, sp shownPolicy) {
	fmt.Fprintf(w, "effective policy %s\n\nlayers\n", sp.Digest)
	fmt.Fprintf(w, "  %-8s %s\n", "builtin", "ward's protections (fixed)")
	if len(sp.Sources) == 0 {
		fmt.Fprintf(w, "  %-8s %s\n", "user", "(no policy files; extends standard)")
	}
	for _, s := range sp.Sources {
		fmt.Fprintf(w, "  %-8s %s\n", s.Layer, s.Name)
	}
	fmt.Fprintln(w, "\nsettings")
	for _, k := range []string{"on_error", "default", "approval_timeout"} {
		fmt.Fprintf(w, "  %-17s %s\n", k, sp.Settings[k])
	}
	fmt.Fprintf(w, "\nrules, in the order they are tried (%d)\n", len(sp.Rules))
	for _, r := range sp.Rules {
		fmt.Fprintf(w, "  %-5s %-8s %s\n", r.Decision, r.Severity, r.ID)
		fmt.Fprintf(w, "        from   %s\n", r.Origin)
		fmt.Fprintf(w, "        match  %s\n", r.Match)
		if r.Reason != "" {
			fmt.Fprintf(w, "        reason %s\n", r.Reason)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(w, "        note   %s\n", n)
		}
	}
	if len(sp.Disabled) > 0 {
		fmt.Fprintln(w, "\ndisabled")
		for _, d := range sp.Disabled {
			fmt.Fprintf(w, "  %s\n", d)
		}
	}
	if len(sp.Warnings) > 0 {
		fmt.Fprintln(w, "\nwarnings")
		for _, x := range sp.Warnings {
			fmt.Fprintf(w, "  %s\n", x)
		}
	}
}
