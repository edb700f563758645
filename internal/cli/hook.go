package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/claude"
	"github.com/agentward/ward/internal/adapter/codex"
	"github.com/agentward/ward/internal/adapter/copilot"
	"github.com/agentward/ward/internal/adapter/cursor"
	"github.com/agentward/ward/internal/adapter/gemini"
)

// hooks are the agents ward answers hook calls for.
func hooks() map[string]adapter.Hook {
	return map[string]adapter.Hook{
		claude.Agent:  claude.Hook{},
		"claude":      claude.Hook{},
		codex.Agent:   codex.Hook{},
		gemini.Agent:  gemini.Hook{},
		"gemini":      gemini.Hook{},
		cursor.Agent:  cursor.Hook{},
		copilot.Agent: copilot.Hook{},
	}
}

// Bounds of a hook call.
const (
	defaultHookDeadline = 2 * time.Second
	maxEditedFile       = 4 << 20  // a file larger than this is judged by its fragment
	hookMemoryLimit     = 24 << 20 // the garbage collector runs only past this
)

func newHookCmd(g *globals, st Streams) *cobra.Command {
	var agent string
	var deadline time.Duration
	var stateless bool
	cmd := &cobra.Command{
		Use:   "hook --agent AGENT",
		Short: "Answer one agent hook call: read the payload on stdin, write the agent's answer",
		Long: `hook is what an agent's hook configuration runs (ward install writes it): it
reads one native payload on standard input, decides in the payload's session
as every hook call does, and writes the agent's native answer on standard
output, nothing else.

It fails closed: a payload it cannot read, a policy that does not load, a
session store it cannot open, a panic or the deadline all give a deny, with
exit status 2 and the reason on standard error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, ok := hooks()[agent]
			if !ok {
				fmt.Fprintf(st.Err, "ward: unknown agent %q for hook (known: %s); denying\n", agent, knownAgents())
				return &exitError{code: 2}
			}
			a := runHook(cmd.Context(), g, h, st.In, deadline, stateless)
			st.Out.Write(a.Stdout)
			io.WriteString(st.Err, a.Stderr)
			if a.Exit != 0 {
				return &exitError{code: a.Exit}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&agent, "agent", claude.Agent, "the agent whose payload is read: "+knownAgents())
	cmd.Flags().DurationVar(&deadline, "deadline", defaultHookDeadline, "answer deny if no decision is reached in this time")
	cmd.Flags().BoolVar(&stateless, "stateless", false, "decide without the session store (no labels, fingerprints or limits)")
	return cmd
}

func knownAgents() string {
	var names []string
	for n := range hooks() {
		if n != "claude" && n != "gemini" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// runHook decides one hook call. It always returns an answer: whatever
// goes wrong, including a panic or the deadline, the answer denies.
func runHook(ctx context.Context, g *globals, h adapter.Hook, in io.Reader, deadline time.Duration, stateless bool) adapter.Answer {
	// A hook process lives for one decision: collecting garbage is wasted
	// work unless memory grows past what a hook should use.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(hookMemoryLimit)
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	done := make(chan adapter.Answer, 1)
	var once sync.Once
	finish := func(a adapter.Answer) { once.Do(func() { done <- a }) }
	go func() {
		defer func() {
			if p := recover(); p != nil {
				finish(h.Answer(nil, failed(fmt.Sprintf("internal_error: %v", p), event.RuleInternalError)))
			}
		}()
		finish(decideHook(ctx, g, h, in, stateless))
	}()
	select {
	case a := <-done:
		return a
	case <-ctx.Done():
		// The decision goroutine may be stuck in a system call; the
		// answer cannot wait for it.
		finish(h.Answer(nil, failed(fmt.Sprintf("internal_error: no decision within %s", deadline), event.RuleInternalError)))
		return <-done
	}
}

func decideHook(ctx context.Context, g *globals, h adapter.Hook, in io.Reader, stateless bool) adapter.Answer {
	data, err := io.ReadAll(io.LimitReader(in, adapter.MaxPayload+1))
	if err != nil {
		return h.Answer(nil, failed("invalid_input: reading the payload: "+err.Error(), event.RuleInvalidInput))
	}
	opts := g.gateOptions()
	if !stateless {
		store, err := openStore(ctx)
		if err != nil {
			return h.Answer(nil, failed("internal_error: session store: "+err.Error(), event.RuleInternalError))
		}
		// A hook process exits after one decision: Abandon leaves the WAL
		// for the next process instead of checkpointing and deleting it
		// (four fsyncs), and checkpoints only once it has grown.
		defer store.Abandon(ctx)
		if err := useStore(&opts, store); err != nil {
			return h.Answer(nil, failed("internal_error: audit log: "+err.Error(), event.RuleInternalError))
		}
	}
	gt, err := gate.New(opts)
	if err != nil {
		return h.Answer(nil, failed("internal_error: "+err.Error(), event.RuleInternalError))
	}
	if err := adapter.Check(data); err != nil {
		return h.Answer(nil, gt.Fail(ctx, h.Agent(), err))
	}
	ev, err := h.Decode(data)
	if err != nil {
		return h.Answer(nil, gt.Fail(ctx, h.Agent(), err))
	}
	withEditedContent(&ev)
	d, _ := gt.Decide(ctx, ev)
	return h.Answer(&ev, d)
}

// failed is the decision when ward could not even build its gate.
func failed(reason, rule string) event.Decision {
	return event.Decision{Decision: event.Deny, Rule: rule, Reason: reason, Severity: event.High, Findings: []event.Finding{}}
}

// withEditedContent judges an edit by the file it leaves behind, not only
// the fragment: a secret split across old and new text, or an edit that
// completes a dangerous script, shows only in the result. The file is
// read as it is now; when it cannot be read (new, too large, not UTF-8),
// the fragments stay the content.
func withEditedContent(ev *event.Event) {
	act := &ev.Action
	if act.Kind != event.KindFileEdit || len(act.Edits) == 0 || act.Path == "" {
		return
	}
	p := act.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(ev.Cwd, p)
	}
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxEditedFile {
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return
	}
	text := string(data)
	for _, e := range act.Edits {
		if e.Old == "" || !strings.Contains(text, e.Old) {
			return // the edit will fail; judge the fragments
		}
		text = strings.Replace(text, e.Old, e.New, 1)
	}
	act.Content = text
}
