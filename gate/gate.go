package gate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/content"
	"github.com/agentward/ward/internal/analyze/flow"
	"github.com/agentward/ward/internal/analyze/netx"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/analyze/shell"
	"github.com/agentward/ward/internal/analyze/sqlstmt"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/session"
)

// Options configure a Gate. The zero value is ready to use: it reads the
// usual policy files and takes the home directory from the environment.
type Options struct {
	// Home is the user's home directory; default os.UserHomeDir.
	Home string
	// WardHome is ward's state directory; default $WARD_HOME or Home/.ward.
	WardHome string
	// Executable is the ward binary, protected like ward's other files.
	Executable string
	// TempDirs are temporary directories besides /tmp and the like, such
	// as $TMPDIR.
	TempDirs []string

	// ManagedPolicy and UserPolicy are the policy files of those layers;
	// empty means /etc/ward/policy.yaml and WardHome/policy.yaml. A file
	// that does not exist is no layer.
	ManagedPolicy, UserPolicy string
	// NoProjectPolicy turns off the project layer, .ward/policy.yaml at
	// the root of each event's workspace.
	NoProjectPolicy bool
	// Policy, when set, is used instead of reading policy files.
	Policy []PolicySource
	// EagerConditions compiles every rule's condition when the policy
	// loads instead of when an event first reaches it.
	EagerConditions bool

	// Store keeps sessions: their labels, fingerprints of values seen in
	// outputs, rate and loop counters, decisions, and whether a person
	// stopped them. With a store every decision reads and writes it; nil
	// means ward remembers nothing between decisions.
	Store session.Store
	// Sessions gives the labels of a session when there is no Store (as
	// policy tests do); nil means sessions have no labels.
	Sessions SessionState
	// Audit records every decision Decide makes (Explain's are not) in a
	// tamper-evident log, sealed and signed with AuditOptions.Keys. When
	// Store's transactions are also the log's (the SQLite store), the
	// record is written in the decision's own transaction. A decision
	// that cannot be recorded becomes the policy's on_error answer: an
	// action ward cannot account for does not run.
	Audit        audit.Backend
	AuditOptions audit.Options
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Workspace finds the project root for a working directory; nil means
	// the nearest directory holding .git, or the directory itself.
	Workspace func(cwd string) string
	// Logger receives diagnostics; nil means none.
	Logger *slog.Logger
}

// PolicySource is a policy file's content given in memory.
type PolicySource struct {
	Layer string // "managed", "user" or "project"
	Name  string // shown in errors
	Data  []byte
}

// SessionState gives what ward knows of a session.
type SessionState interface {
	Labels(ctx context.Context, session string) ([]string, error)
}

// Gate decides on agents' actions. It is safe for concurrent use.
type Gate struct {
	opts     Options
	registry *analyze.Registry
	policies *policyCache
	ws       *workspaceCache
}

// New returns a Gate. A policy that fails to load does not make New fail:
// every decision is then the fail-closed answer naming the problem, which
// is what an agent's hook must give. Use [Gate.PolicyError] to check.
func New(opts Options) (*Gate, error) {
	if opts.Home == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("gate: finding the home directory: %w", err)
		}
		opts.Home = home
	}
	opts.Home = filepath.Clean(opts.Home)
	if opts.WardHome == "" {
		opts.WardHome = os.Getenv("WARD_HOME")
	}
	if opts.WardHome == "" {
		opts.WardHome = filepath.Join(opts.Home, ".ward")
	}
	opts.WardHome = filepath.Clean(opts.WardHome)
	g := &Gate{
		opts:     opts,
		registry: analyze.NewRegistry(analyze.ToolPaths{}, shell.Analyzer{}, sqlstmt.Analyzer{}, netx.Analyzer{}, analyze.Classify{}, content.New(), flow.Sinks{}),
		ws:       newWorkspaceCache(opts.Workspace),
	}
	g.policies = newPolicyCache(g.baseSources, !opts.NoProjectPolicy && opts.Policy == nil, opts.EagerConditions)
	return g, nil
}

// Registry returns the analyzers the gate runs.
func (g *Gate) Registry() *analyze.Registry { return g.registry }

// PolicyError returns why the policy for a working directory does not
// load, or nil.
func (g *Gate) PolicyError(cwd string) error {
	_, err := g.policies.get(g.ws.root(cwd))
	return err
}

// Policy returns the effective policy for a working directory.
func (g *Gate) Policy(cwd string) (*policy.Policy, error) {
	return g.policies.get(g.ws.root(cwd))
}

// Decide decides on one event. It always returns a usable decision: when
// err is not nil, the decision is the policy's on_error answer (deny
// unless configured to ask), and err says what went wrong.
func (g *Gate) Decide(ctx context.Context, ev event.Event) (event.Decision, error) {
	d, _, err := g.decide(ctx, ev, false)
	return d, err
}

// Explanation is the trace of one decision: what the analyzers found and
// what every rule made of it.
type Explanation struct {
	Event    event.Event        `json:"event"`
	Facts    event.Facts        `json:"facts"`
	Findings []event.Finding    `json:"findings"`
	Labels   []string           `json:"labels"`
	Rules    []event.RuleResult `json:"rules"`
	Origin   string             `json:"origin,omitempty"`
}

// Explain decides like Decide and also returns the trace.
func (g *Gate) Explain(ctx context.Context, ev event.Event) (event.Decision, *Explanation, error) {
	return g.decide(ctx, ev, true)
}

func (g *Gate) decide(ctx context.Context, ev event.Event, explain bool) (d event.Decision, ex *Explanation, err error) {
	c := &call{start: time.Now(), audit: g.opts.Audit != nil && !explain}
	var pol *policy.Policy
	defer func() {
		if c.audit && !c.recorded {
			// Runs last: the decision is final, with its notes and session.
			d.LatencyUS = time.Since(c.start).Microseconds()
			if aerr := g.record(ctx, &ev, &d); aerr != nil {
				err = errors.Join(err, aerr)
				d = g.fail(pol, &ev, event.RuleInternalError, "internal_error: "+aerr.Error())
				d.LatencyUS = time.Since(c.start).Microseconds()
			}
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
			d = g.fail(pol, &ev, event.RuleInternalError, "internal_error: "+err.Error())
		}
		d.LatencyUS = time.Since(c.start).Microseconds()
	}()
	if ev.ID == "" {
		ev.ID = eventID(&ev)
	}
	var notes []string
	if ev.Session == "" && g.opts.Store != nil {
		ev.Session = syntheticSession(&ev)
		notes = append(notes, "the agent gave no session id; ward uses "+ev.Session+", made from the agent and working directory")
	}
	defer func() {
		d.Notes = append(d.Notes, notes...)
		if g.opts.Store != nil {
			d.Session = ev.Session
		}
	}()
	if err := validate(&ev); err != nil {
		return g.fail(nil, &ev, event.RuleInvalidInput, "invalid_input: "+err.Error()), nil, err
	}
	root := g.ws.root(ev.Cwd)
	pol, err = g.policies.get(root)
	if err != nil {
		return g.fail(nil, &ev, event.RuleInternalError, "internal_error: policy: "+err.Error()), nil, err
	}
	s := &analyze.Subject{Event: &ev, Env: g.env(ev.Cwd, root)}
	if err := g.registry.Run(ctx, s); err != nil {
		return g.fail(pol, &ev, event.RuleInternalError, "internal_error: "+err.Error()), nil, err
	}
	overrideSink(pol, s)
	in := &policy.Input{Event: &ev, Facts: &s.Facts, Findings: s.Findings}
	if g.opts.Store != nil {
		d, ex, err = g.decideInSession(ctx, c, s, pol, in, explain)
		if err != nil {
			return g.fail(pol, &ev, event.RuleInternalError, "internal_error: "+err.Error()), ex, err
		}
		return d, ex, nil
	}
	if g.opts.Sessions != nil && ev.Session != "" {
		if in.Labels, err = g.opts.Sessions.Labels(ctx, ev.Session); err != nil {
			err = fmt.Errorf("reading session %s: %w", ev.Session, err)
			return g.fail(pol, &ev, event.RuleInternalError, "internal_error: "+err.Error()), nil, err
		}
	}
	d, ex, err = g.evaluate(ctx, pol, in, s, explain)
	if err != nil {
		return g.fail(pol, &ev, event.RuleInternalError, "internal_error: "+err.Error()), ex, err
	}
	return d, ex, nil
}

// evaluate runs the policy over an analyzed event and builds the
// decision.
func (g *Gate) evaluate(ctx context.Context, pol *policy.Policy, in *policy.Input, s *analyze.Subject, explain bool) (d event.Decision, ex *Explanation, err error) {
	ev := in.Event
	var res policy.Result
	if explain {
		res, err = pol.Explain(ctx, in)
		ex = &Explanation{Event: *ev, Facts: s.Facts, Findings: s.Findings, Labels: in.Labels, Rules: res.Trace}
	} else {
		res, err = pol.Eval(ctx, in)
	}
	if err == nil {
		err = ctx.Err() // a decision reached after the deadline is not trusted
	}
	if err != nil {
		return d, ex, err
	}
	d = event.Decision{
		Decision: res.Effect, Rule: res.Rule, Reason: res.Reason, Severity: res.Severity,
		Findings: s.Findings, Evidence: res.Evidence, Labels: res.Labels,
		EventID: ev.ID, Policy: pol.Digest,
	}
	if d.Findings == nil {
		d.Findings = []event.Finding{}
	}
	if res.Redact {
		d.Redactions = s.Facts.Redactions
	}
	if ex != nil && res.Rule != event.RuleDefault {
		ex.Origin = res.Origin.String()
	}
	return d, ex, nil
}

// Fail returns the decision for an event ward could not even read, such
// as a malformed payload from agent: the base policy's on_error answer.
// It is recorded in the audit log like any other decision.
func (g *Gate) Fail(ctx context.Context, agent string, err error) event.Decision {
	pol, _ := g.policies.get("")
	rule, reason := event.RuleInternalError, "internal_error: "
	if adapter.IsInputError(err) {
		rule, reason = event.RuleInvalidInput, "invalid_input: "
	}
	d := g.fail(pol, nil, rule, reason+err.Error())
	if g.opts.Audit != nil {
		if aerr := g.record(ctx, &event.Event{Agent: agent}, &d); aerr != nil {
			d.Reason += "; and it could not be recorded: " + aerr.Error()
		}
	}
	return d
}

// call is the state of one decision that outlives its steps.
type call struct {
	start time.Time
	// audit says the decision is to be recorded; recorded that it was,
	// in the session's transaction.
	audit, recorded bool
}

// auditGrace bounds how long recording a decision may take once the
// decision's own context has ended (a deadline passed): the record of a
// failure is worth a short wait.
const auditGrace = time.Second

// record appends d to the audit log in a transaction of its own.
func (g *Gate) record(ctx context.Context, ev *event.Event, d *event.Decision) error {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), auditGrace)
		defer cancel()
	}
	e := audit.EntryFor(ev, d, g.now())
	err := g.opts.Audit.Update(ctx, func(tx audit.Tx) error {
		_, err := audit.Append(tx, g.opts.AuditOptions, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

func (g *Gate) fail(pol *policy.Policy, ev *event.Event, rule, reason string) event.Decision {
	d := event.Decision{Decision: policy.DefaultOnError, Rule: rule, Reason: reason,
		Severity: event.High, Findings: []event.Finding{}}
	if pol != nil {
		d.Decision, d.Policy = pol.Settings.OnError, pol.Digest
	}
	if ev != nil {
		d.EventID = ev.ID
	}
	return d
}

// env is the path classification environment of one event.
func (g *Gate) env(cwd, root string) *pathclass.Env {
	files := []string(nil)
	if g.opts.Executable != "" {
		files = []string{g.opts.Executable}
	}
	if cwd != "" {
		cwd = filepath.Clean(cwd)
	}
	return &pathclass.Env{Home: g.opts.Home, WardHome: g.opts.WardHome, Workspace: root,
		Cwd: cwd, TempDirs: g.opts.TempDirs, WardFiles: files}
}

// validate checks an event given by a program rather than an adapter.
func validate(ev *event.Event) error {
	switch {
	case !ev.Phase.Valid():
		return fmt.Errorf("unknown phase %q", ev.Phase)
	case !ev.Action.Kind.Valid():
		return fmt.Errorf("unknown action kind %q", ev.Action.Kind)
	case ev.Agent == "":
		return errors.New("event has no agent")
	case len(ev.Input) > maxInput || len(ev.Output) > maxInput:
		return fmt.Errorf("event input or output is over %d bytes", maxInput)
	}
	return nil
}

const maxInput = 1 << 20

// eventID names an event that came without an id by its content, so the
// same event always gets the same id.
func eventID(ev *event.Event) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", ev.Agent, ev.Session, ev.Phase, ev.Tool)
	h.Write(ev.Input)
	h.Write([]byte{0})
	h.Write([]byte(ev.Action.Command))
	return "ev_" + hex.EncodeToString(h.Sum(nil))[:20]
}

// Sources returns the policy layers that make the effective policy for a
// working directory, as read from their files.
func (g *Gate) Sources(cwd string) ([]PolicySource, error) {
	srcs, err := g.baseSources(g.ws.root(cwd), !g.opts.NoProjectPolicy && g.opts.Policy == nil)
	if err != nil {
		return nil, err
	}
	out := make([]PolicySource, len(srcs))
	for i, s := range srcs {
		out[i] = PolicySource{Layer: s.Layer.String(), Name: s.Name, Data: s.Data}
	}
	return out, nil
}

// WardHome returns ward's state directory.
func (g *Gate) WardHome() string { return g.opts.WardHome }

// Workspace returns the project root of a working directory.
func (g *Gate) Workspace(cwd string) string { return g.ws.root(cwd) }
