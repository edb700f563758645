// Package content scans the text an action carries for secrets, personal
// data and prompt injection, on every surface: what it sends out (URLs,
// headers, bodies, MCP arguments, values given to curl), what it writes
// into files, the prompts a person types, and the outputs tools return.
package content

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/inject"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/analyze/pii"
	"github.com/agentward/ward/internal/analyze/secret"
	"github.com/agentward/ward/internal/analyze/shell"
)

// Summary finding ids: where sensitive content is, which is what policy
// decides on. The scanners' own ids (secret.github_pat, pii.credit_card,
// injection.role_marker, ...) come with them as detail.
const (
	FindingSecretOutbound = "secret.outbound"
	FindingSecretAuth     = "secret.auth"
	FindingSecretInFile   = "secret.in_file"
	FindingSecretInPrompt = "secret.in_prompt"
	FindingSecretInOutput = "secret.in_output"
	FindingPIIOutbound    = "pii.outbound"
	FindingPIIInFile      = "pii.in_file"
	FindingInjection      = "injection.detected"
	FindingTooLarge       = "content.too_large"
)

var summaries = [...]analyze.FindingSpec{
	{ID: FindingSecretOutbound, Severity: event.Critical, Doc: "a secret leaves for a host that does not already hold it: in a URL, body, MCP argument or value given to curl, a provider's token sent anywhere but to its provider, or a private key sent at all"},
	{ID: FindingSecretAuth, Severity: event.Low, Doc: "a credential is presented to the host it authenticates with (an Authorization header, curl -u, a password in the URL), or a provider's token goes to that provider"},
	{ID: FindingSecretInFile, Severity: event.High, Doc: "a secret is written into a file that is not a credential file (source code, configuration, logs)"},
	{ID: FindingSecretInPrompt, Severity: event.High, Doc: "a prompt a person typed carries a secret, which would go to the model provider"},
	{ID: FindingSecretInOutput, Severity: event.Medium, Doc: "a tool's output carries a secret the model would read"},
	{ID: FindingPIIOutbound, Severity: event.High, Doc: "card numbers, social security or national insurance numbers or IBANs leave for another host"},
	{ID: FindingPIIInFile, Severity: event.Medium, Doc: "card numbers, social security or national insurance numbers or IBANs are written into a file"},
	{ID: FindingInjection, Severity: event.High, Doc: "text the agent will read carries instructions aimed at the model (confidence at least 0.5)"},
	{ID: FindingTooLarge, Severity: event.Low, Doc: "the event carries more text than ward scans (1 MiB per surface, 4 MiB in all); the rest is not scanned"},
}

// InjectionThreshold is the confidence from which an injection marker
// counts.
const InjectionThreshold = inject.Threshold

// Bounds: text scanned per surface and per event.
const (
	maxSurface = 1 << 20
	maxTotal   = 4 << 20
)

// Analyzer scans an event's text. It runs after the shell and path
// analyzers, whose facts say what a command sends and writes.
type Analyzer struct {
	secrets *secret.Scanner
	pii     *pii.Scanner
	inject  *inject.Scanner
}

var (
	_ analyze.Analyzer  = (*Analyzer)(nil)
	_ analyze.Cataloger = (*Analyzer)(nil)
)

// New returns a content analyzer. Its scanners compile their patterns on
// first use.
func New() *Analyzer {
	return &Analyzer{secrets: secret.New(), pii: pii.New(), inject: inject.New()}
}

// Name implements analyze.Analyzer.
func (*Analyzer) Name() string { return "content" }

// Catalog implements analyze.Cataloger.
func (a *Analyzer) Catalog() []analyze.FindingSpec {
	out := append([]analyze.FindingSpec(nil), summaries[:]...)
	out = append(out, a.secrets.Catalog()...)
	out = append(out, a.pii.Catalog()...)
	return append(out, a.inject.Catalog()...)
}

// surface is text of one kind in an event.
type surface struct {
	where string // for messages: "the request body", "the file src/x.go"
	text  string
	kind  surfaceKind
	path  string // for written files

	// For outbound surfaces: where the text goes, whether it is a
	// credential presented to that host (an Authorization header, curl
	// -u), and for a URL where its user:password is.
	dest     destination
	auth     bool
	userinfo span

	// For an edit whose Content is the whole resulting file: the edits,
	// so that what was in the file before is not reported again.
	edits []event.Edit
}

type surfaceKind uint8

const (
	outbound surfaceKind = iota
	written
	prompt
	output
)

// Analyze implements analyze.Analyzer.
func (a *Analyzer) Analyze(ctx context.Context, s *analyze.Subject) error {
	total := 0
	for _, sf := range surfaces(s) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(sf.text) > maxSurface {
			sf.text = sf.text[:maxSurface]
		}
		if total += len(sf.text); total > maxTotal {
			s.AddFinding(event.Finding{ID: FindingTooLarge, Severity: event.Low, Message: "the event carries more text than ward scans"})
			break
		}
		a.scan(s, sf)
	}
	return nil
}

// surfaces lists the text of an event by where it goes.
func surfaces(s *analyze.Subject) []surface {
	ev := s.Event
	act := &ev.Action
	var out []surface
	add := func(kind surfaceKind, where, text, path string) {
		if text != "" {
			out = append(out, surface{where: where, text: text, kind: kind, path: path})
		}
	}
	if ev.Phase == event.PhasePost {
		add(output, "the tool's output", string(ev.Output), "")
		return out
	}
	if ev.Phase == event.PhasePrompt || act.Kind == event.KindPrompt {
		add(prompt, "the prompt", act.Prompt, "")
		return out
	}
	dest := destinationOf(s)
	send := func(where, text string, auth bool) {
		if text != "" {
			out = append(out, surface{where: where, text: text, kind: outbound, dest: dest, auth: auth})
		}
	}
	if act.URL != "" {
		send("the URL", act.URL, false)
		out[len(out)-1].userinfo = userinfoSpan(act.URL)
	}
	for _, k := range slices.Sorted(maps.Keys(act.Headers)) {
		send("the header "+k, act.Headers[k], shell.AuthHeader(k))
	}
	send("the request body", act.Body, false)
	for _, v := range s.Facts.Shell.Sent {
		send("a value sent by a network tool", v, false)
	}
	for _, v := range s.Facts.Shell.Auth {
		send("a credential given to a network tool", v, true)
	}
	if act.Kind == event.KindMCP || act.Kind == event.KindSQL {
		if b, err := json.Marshal(act.Arguments); err == nil && len(act.Arguments) > 0 {
			// An MCP server is not the issuer of any token: arguments go
			// wherever the server sends them.
			out = append(out, surface{where: fmt.Sprintf("the arguments of %s", ev.Tool), text: string(b), kind: outbound})
		}
	}
	switch act.Kind {
	case event.KindFileWrite, event.KindFileEdit:
		add(written, "the file "+act.Path, act.Content, act.Path)
		if act.Kind == event.KindFileEdit && len(out) > 0 {
			out[len(out)-1].edits = act.Edits
		}
	}
	for _, f := range s.Facts.Shell.Written {
		add(written, "the file "+f.Path, f.Content, f.Path)
	}
	if len(act.Files) > 1 { // with one file, Content is that file's
		for _, f := range act.Files {
			path := f.Path
			if f.To != "" {
				path = f.To
			}
			add(written, "the file "+path, f.Content, path)
		}
	}
	return out
}

// scan runs the scanners over one surface and records what they find.
func (a *Analyzer) scan(s *analyze.Subject, sf surface) {
	secrets := a.secrets.Scan(sf.text)
	if len(sf.edits) > 0 {
		secrets = slices.DeleteFunc(secrets, func(m secret.Match) bool { return !touchesEdit(sf.text[m.Start:m.End], sf.edits) })
	}
	for _, m := range secrets {
		s.AddFinding(event.Finding{ID: m.ID, Severity: m.Severity, Message: "a secret in " + sf.where, Evidence: m.Preview})
	}
	if len(secrets) > 0 {
		a.secretSummary(s, sf, secrets)
	}
	if sf.kind == outbound || sf.kind == written {
		var sensitive []string
		for _, m := range a.pii.Scan(sf.text) {
			if sensitivePII(m.ID) {
				sensitive = append(sensitive, m.Preview)
				s.AddFinding(event.Finding{ID: m.ID, Severity: m.Severity, Message: "personal data in " + sf.where, Evidence: m.Preview})
			}
		}
		if len(sensitive) > 0 {
			id := FindingPIIOutbound
			if sf.kind == written {
				id = FindingPIIInFile
			}
			s.AddFinding(summary(id, "personal data in "+sf.where, sensitive))
		}
	}
	if sf.kind == output {
		for _, m := range a.pii.Scan(sf.text) {
			s.Facts.OutputValues = append(s.Facts.OutputValues, event.Redaction{Start: m.Start, End: m.End, ID: m.ID})
		}
		var marks []string
		for _, m := range a.inject.Scan(sf.text) {
			if m.Confidence < InjectionThreshold {
				continue
			}
			marks = append(marks, m.Evidence)
			s.AddFinding(event.Finding{ID: m.ID, Severity: m.Severity, Message: "instructions aimed at the model in " + sf.where, Evidence: m.Evidence})
		}
		if len(marks) > 0 {
			s.AddFinding(summary(FindingInjection, "the tool's output carries instructions aimed at the model", marks))
		}
	}
}

// secretSummary records where secrets were found, and for outputs the
// spans to redact.
func (a *Analyzer) secretSummary(s *analyze.Subject, sf surface, ms []secret.Match) {
	previews := make([]string, len(ms))
	for i, m := range ms {
		previews[i] = m.Preview
	}
	switch sf.kind {
	case outbound:
		var leaked, used []string
		for _, m := range ms {
			switch l, auth := leak(m, sf); {
			case l:
				leaked = append(leaked, m.Preview)
			case auth:
				used = append(used, m.Preview)
			}
		}
		if len(leaked) > 0 {
			s.AddFinding(summary(FindingSecretOutbound, "a secret leaves for "+sf.dest.String()+" in "+sf.where, leaked))
		}
		if len(used) > 0 {
			s.AddFinding(summary(FindingSecretAuth, "a credential is presented to "+sf.dest.String()+" in "+sf.where, used))
		}
	case written:
		// Secrets belong in credential files such as .env; anywhere else
		// they end up committed, logged or shared.
		p := s.Env.Resolve(sf.path)
		if !slices.Contains(s.Env.Classify(p), pathclass.Credential) {
			s.AddFinding(summary(FindingSecretInFile, "a secret is written into "+sf.where, previews))
		}
	case prompt:
		s.AddFinding(summary(FindingSecretInPrompt, "the prompt carries a secret", previews))
	case output:
		s.AddFinding(summary(FindingSecretInOutput, "the tool's output carries a secret", previews))
		for _, m := range ms {
			s.Facts.Redactions = append(s.Facts.Redactions, event.Redaction{Start: m.Start, End: m.End, ID: m.ID})
		}
	}
}

func summary(id, msg string, evidence []string) event.Finding {
	sev := event.Medium
	for _, f := range summaries {
		if f.ID == id {
			sev = f.Severity
		}
	}
	sort.Strings(evidence)
	ev := ""
	for i, e := range slices.Compact(evidence) {
		if i > 0 {
			ev += ", "
		}
		if len(ev) > 160 {
			ev += "..."
			break
		}
		ev += e
	}
	return event.Finding{ID: id, Severity: sev, Message: msg, Evidence: ev}
}

// sensitivePII reports whether a kind of personal data is sensitive enough
// for policy to act on by default: e-mail addresses and phone numbers are
// everywhere in code and fixtures, card and identity numbers are not.
func sensitivePII(id string) bool {
	switch id {
	case "pii.credit_card", "pii.us_ssn", "pii.iban", "pii.uk_nino":
		return true
	}
	return false
}

// touchesEdit reports whether a match in an edited file involves the
// edit: it lies inside new text, holds it, or shares at least a few bytes
// of its start or end (a secret completed by the edit).
func touchesEdit(match string, edits []event.Edit) bool {
	const minShared = 4
	for _, e := range edits {
		n := e.New
		switch {
		case n == "":
			continue
		case strings.Contains(n, match) || strings.Contains(match, n) && len(n) >= minShared:
			return true
		}
		for k := min(len(n), len(match)) - 1; k >= minShared; k-- {
			if strings.HasPrefix(match, n[len(n)-k:]) || strings.HasSuffix(match, n[:k]) {
				return true
			}
		}
	}
	return false
}
