package gate

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/flow"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/analyze/pii"
	"github.com/agentward/ward/internal/analyze/secret"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/session"
)

// Bounds on the session work of one event.
const (
	maxActionTokens = 4096 // tokens of an action looked up among fingerprints
	maxNewValues    = 512  // fingerprints one output adds
	maxLabelNames   = 32   // label names a session can hold
)

// decideInSession decides with the session store, in one transaction: it
// reads whether the session may act, its labels and the fingerprints the
// action carries; the policy decides; limits are counted; and what the
// event adds (labels, fingerprints, the decision) is recorded. Explain
// only reads.
func (g *Gate) decideInSession(ctx context.Context, c *call, s *analyze.Subject, pol *policy.Policy, in *policy.Input, explain bool) (d event.Decision, ex *Explanation, err error) {
	ev := s.Event
	now := g.now()
	run := g.opts.Store.Update
	if explain {
		run = g.opts.Store.View
	}
	base := slices.Clip(s.Findings)
	err = run(ctx, func(tx session.Tx) error {
		s.Findings = base // a retried transaction starts over
		st, err := readState(tx, s, now)
		if err != nil {
			return err
		}
		if c := st.stop(); c != nil {
			d = stopDecision(ev, pol, c, st.agentStopped)
		} else {
			in.Findings, in.Labels = s.Findings, st.labelNames()
			d, ex, err = g.evaluate(ctx, pol, in, s, explain)
			if err != nil {
				return err
			}
			if !explain && ev.Phase == event.PhasePre {
				if err := applyLimits(ctx, tx, pol, in, &d, now); err != nil {
					return err
				}
			}
		}
		if explain {
			return nil
		}
		if err := record(tx, s, pol, &d, st, now); err != nil {
			return err
		}
		return g.recordInTx(tx, c, ev, &d, now)
	})
	if err != nil {
		c.recorded = false // what the transaction wrote is gone
		return d, ex, fmt.Errorf("session store: %w", err)
	}
	return d, ex, nil
}

// recordInTx appends the decision's audit record in the session's
// transaction when the store's transactions are also the audit log's.
func (g *Gate) recordInTx(tx session.Tx, c *call, ev *event.Event, d *event.Decision, now time.Time) error {
	atx, ok := tx.(audit.Tx)
	if !c.audit || !ok || !g.auditInStore() {
		return nil
	}
	final := *d
	final.Session = ev.Session
	final.LatencyUS = time.Since(c.start).Microseconds()
	if _, err := audit.Append(atx, g.opts.AuditOptions, audit.EntryFor(ev, &final, now)); err != nil {
		return err
	}
	c.recorded = true
	return nil
}

// auditInStore reports whether the audit log is the session store's own,
// so that a decision can be recorded in its transaction.
func (g *Gate) auditInStore() bool {
	type auditor interface{ Audit() audit.Backend }
	st, ok := g.opts.Store.(auditor)
	return ok && st.Audit() == g.opts.Audit
}

func (g *Gate) now() time.Time {
	if g.opts.Now != nil {
		return g.opts.Now()
	}
	return time.Now()
}

// syntheticSession makes a stable session id for an agent that gave none,
// from what identifies its run: the agent and the working directory.
func syntheticSession(ev *event.Event) string {
	h := sha256.Sum256([]byte(ev.Agent + "\x00" + ev.Cwd))
	return "syn-" + hex.EncodeToString(h[:8])
}

// state is what the store knows of an event's session.
type state struct {
	info         session.Info
	known        bool
	agent        *session.Change
	agentStopped bool
	labels       []session.Label
	salt         []byte
}

func readState(tx session.Tx, s *analyze.Subject, now time.Time) (*state, error) {
	ev := s.Event
	st := &state{}
	var err error
	st.info, err = tx.Session(ev.Session)
	switch {
	case err == nil:
		st.known = true
	case !errors.Is(err, session.ErrNotFound):
		return nil, fmt.Errorf("reading session %s: %w", ev.Session, err)
	}
	if st.agent, err = tx.AgentStatus(ev.Agent); err != nil {
		return nil, fmt.Errorf("reading the status of agent %s: %w", ev.Agent, err)
	}
	if st.labels, err = tx.Labels(ev.Session); err != nil {
		return nil, fmt.Errorf("reading the labels of session %s: %w", ev.Session, err)
	}
	if st.salt, err = tx.Salt(); err != nil {
		return nil, fmt.Errorf("reading the fingerprint key: %w", err)
	}
	if ev.Phase == event.PhasePre {
		if err := findLeaks(tx, s, st.salt); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// stop returns the status change that stops the session, if any: the
// session's own, or its agent's.
func (st *state) stop() *session.Change {
	if st.agent != nil && st.agent.Status != session.Active && st.agent.Status != "" {
		st.agentStopped = true
		return st.agent
	}
	if st.known && st.info.Change != nil && st.info.Status != session.Active {
		return st.info.Change
	}
	return nil
}

func (st *state) labelNames() []string {
	var out []string
	for _, l := range st.labels {
		if !slices.Contains(out, l.Name) {
			out = append(out, l.Name)
		}
	}
	return out
}

// stopDecision denies every action of a stopped or killed session.
func stopDecision(ev *event.Event, pol *policy.Policy, c *session.Change, agent bool) event.Decision {
	who := "this session"
	resume := "ward session resume " + ev.Session
	if agent {
		who = "every session of " + ev.Agent
		resume = "ward session resume --agent " + ev.Agent
	}
	verb, rule := "stopped", event.RuleSessionStop
	if c.Status == session.Killed {
		verb, rule = "killed", event.RuleSessionKill
	}
	reason := fmt.Sprintf("A person %s %s at %s", verb, who, c.At.UTC().Format(time.RFC3339))
	if c.By != "" {
		reason += " (" + c.By + ")"
	}
	if c.Reason != "" {
		reason += ": " + c.Reason
	}
	reason += fmt.Sprintf(". Every action is denied until `%s`.", resume)
	return event.Decision{Decision: event.Deny, Rule: rule, Reason: reason, Severity: event.High,
		Findings: []event.Finding{}, EventID: ev.ID, Policy: pol.Digest, Stop: c.Status == session.Killed}
}

// fingerprint returns the salted sum of a value.
func fingerprint(salt []byte, v string) session.Sum {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(v))
	var sum session.Sum
	copy(sum[:], m.Sum(nil))
	return sum
}

// findLeaks looks up the values an action carries among the session's
// fingerprints and adds a flow.value_leak finding for each hit.
func findLeaks(tx session.Tx, s *analyze.Subject, salt []byte) error {
	texts := actionTexts(s)
	if len(texts) == 0 {
		return nil
	}
	sums := map[session.Sum]string{}
	for _, t := range texts {
		for _, v := range actionValues(t) {
			if len(sums) >= maxActionTokens {
				break
			}
			sums[fingerprint(salt, v)] = v
		}
	}
	keys := make([]session.Sum, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	hits, err := tx.Fingerprints(s.Event.Session, keys)
	if err != nil {
		return fmt.Errorf("looking up fingerprints: %w", err)
	}
	slices.SortFunc(hits, func(a, b session.Fingerprint) int { return a.At.Compare(b.At) })
	// Secrets must not travel anywhere; private values (personal data,
	// generated ids and passwords of private outputs) only must not
	// leave: a later query that uses an id it read is no leak.
	sink := slices.ContainsFunc(s.Findings, func(f event.Finding) bool { return f.ID == flow.FindingSink })
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.EventID+h.Kind] || !sink && !strings.HasPrefix(h.Kind, "secret.") {
			continue
		}
		seen[h.EventID+h.Kind] = true
		src := "an earlier output"
		if h.Tool != "" {
			src = "the output of " + h.Tool
		}
		s.AddFinding(event.Finding{ID: flow.FindingValueLeak, Severity: event.Critical,
			Message:  fmt.Sprintf("the action carries a value (%s) first seen in %s (event %s at %s)", h.Kind, src, h.EventID, h.At.UTC().Format(time.RFC3339)),
			Evidence: "event " + h.EventID})
	}
	return nil
}

// actionTexts returns the text an action carries: what it sends, runs,
// writes or asks for. Writes into credential files are left out: copying
// a secret into .env is where it belongs.
func actionTexts(s *analyze.Subject) []string {
	act := &s.Event.Action
	out := []string{act.URL, act.Body, act.Command, act.SQL, act.Pattern, act.Query}
	for _, v := range act.Headers {
		out = append(out, v)
	}
	if (act.Kind == event.KindFileWrite || act.Kind == event.KindFileEdit) && !writesCredential(s) {
		// An edit is judged by what it adds: the rest of the file was
		// there before (the hook puts the whole resulting file in
		// Content so that analyzers see it).
		if len(act.Edits) > 0 {
			for _, e := range act.Edits {
				out = append(out, e.New)
			}
		} else {
			out = append(out, act.Content)
		}
	}
	if !writesCredential(s) {
		for _, f := range act.Files {
			out = append(out, f.Content)
		}
	}
	out = appendStrings(out, act.Arguments, 0)
	return slices.DeleteFunc(out, func(t string) bool { return t == "" })
}

func writesCredential(s *analyze.Subject) bool {
	for _, p := range s.Facts.Paths {
		if p.Op == event.OpWrite && p.Has(pathclass.Credential) {
			return true
		}
	}
	return false
}

// appendStrings adds the strings inside decoded JSON arguments.
func appendStrings(out []string, v any, depth int) []string {
	if depth > 16 || len(out) > 1024 {
		return out
	}
	switch x := v.(type) {
	case string:
		out = append(out, x)
	case map[string]any:
		for _, e := range x {
			out = appendStrings(out, e, depth+1)
		}
	case []any:
		for _, e := range x {
			out = appendStrings(out, e, depth+1)
		}
	}
	return out
}

// actionValues returns the candidate values in a text: its tokens, and
// the secrets and personal data the scanners find in it, normalized.
func actionValues(t string) []string {
	out := flow.Tokens(t, maxActionTokens)
	for _, m := range secret.New().Scan(t) {
		out = append(out, flow.ValueTokens(t[m.Start:m.End])...)
	}
	for _, m := range pii.New().Scan(t) {
		out = append(out, flow.Normalize(m.ID, t[m.Start:m.End]))
	}
	return out
}

// record writes what a decided event adds to its session.
func record(tx session.Tx, s *analyze.Subject, pol *policy.Policy, d *event.Decision, st *state, now time.Time) error {
	ev := s.Event
	if err := tx.Touch(ev.Session, ev.Agent, ev.Cwd, strings.HasPrefix(ev.Session, "syn-"), now); err != nil {
		return fmt.Errorf("recording session %s: %w", ev.Session, err)
	}
	labels := labelsFor(s, pol, d, now)
	if len(labels) > 0 && len(st.labelNames()) < maxLabelNames {
		if err := tx.AddLabels(ev.Session, labels); err != nil {
			return fmt.Errorf("adding labels: %w", err)
		}
		for _, l := range labels {
			if !slices.Contains(d.Labels, l.Name) {
				d.Labels = append(d.Labels, l.Name)
			}
		}
	}
	if ev.Phase == event.PhasePost {
		private := slices.ContainsFunc(labels, func(l session.Label) bool { return l.Name == session.LabelPrivate })
		if fps := outputValues(s, st.salt, private, now); len(fps) > 0 {
			if err := tx.AddFingerprints(ev.Session, fps); err != nil {
				return fmt.Errorf("adding fingerprints: %w", err)
			}
		}
	}
	rec := session.Record{EventID: ev.ID, At: now, Phase: string(ev.Phase), Tool: ev.Tool, Kind: string(ev.Action.Kind),
		Decision: d.Decision.String(), Rule: d.Rule, Reason: d.Reason, Digest: actionDigest(ev)}
	if err := tx.Record(ev.Session, rec); err != nil {
		return fmt.Errorf("recording the decision: %w", err)
	}
	return nil
}

// actionDigest identifies an action for loop detection: the same tool
// with the same input.
func actionDigest(ev *event.Event) string {
	if ev.Phase != event.PhasePre {
		return ""
	}
	b, _ := json.Marshal(ev.Action)
	h := sha256.New()
	h.Write([]byte(ev.Agent + "\x00" + ev.Tool + "\x00"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// outputValues fingerprints the sensitive values of an output: its
// secrets always; its personal data and random-looking tokens when the
// output is private.
func outputValues(s *analyze.Subject, salt []byte, private bool, now time.Time) []session.Fingerprint {
	ev := s.Event
	out := string(ev.Output)
	var fps []session.Fingerprint
	seen := map[session.Sum]bool{}
	add := func(kind, v string) {
		sum := fingerprint(salt, v)
		if len(fps) < maxNewValues && !seen[sum] {
			seen[sum] = true
			fps = append(fps, session.Fingerprint{Sum: sum, EventID: ev.ID, Tool: ev.Tool, Kind: kind, At: now})
		}
	}
	for _, r := range s.Facts.Redactions {
		if r.Start >= 0 && r.End <= len(out) && r.Start < r.End {
			for _, v := range flow.ValueTokens(out[r.Start:r.End]) {
				add(r.ID, v)
			}
		}
	}
	if !private {
		return fps
	}
	for _, r := range s.Facts.OutputValues {
		if r.Start >= 0 && r.End <= len(out) && r.Start < r.End {
			if v := flow.Normalize(r.ID, out[r.Start:r.End]); len(v) >= flow.MinToken {
				add(r.ID, v)
			}
		}
	}
	for _, t := range flow.Tokens(out, 4*maxNewValues) {
		if randomLooking(t) {
			add("private.token", t)
		}
	}
	return fps
}

// randomLooking reports whether a token looks like a generated secret
// (a key, a password) rather than a word, a path or an id: lower- and
// upper-case letters and digits, few repeats. Hex ids and UUIDs have one
// case and are left out.
func randomLooking(t string) bool {
	if len(t) < 12 {
		return false
	}
	var lower, upper, digit int
	distinct := map[rune]bool{}
	for _, r := range t {
		distinct[r] = true
		switch {
		case r >= 'a' && r <= 'z':
			lower++
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= '0' && r <= '9':
			digit++
		}
	}
	return lower > 0 && upper > 0 && digit > 0 && len(distinct)*2 >= len(t) && !strings.ContainsAny(t, "/\\")
}
