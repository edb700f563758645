package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/adapter"
)

type explainFlags struct {
	bash, read, write, url, tool, input, cwd, agent string
	asJSON                                          bool
	all                                             bool
}

func newExplainCmd(g *globals, st Streams) *cobra.Command {
	f := &explainFlags{}
	cmd := &cobra.Command{
		Use:   "explain [payload.json | -]",
		Short: "Show how ward decides on one action, rule by rule",
		Long: `explain decides on one action and prints the trace: the event, the facts and
findings the analyzers produced, every rule of the effective policy with why
it matched or not, and the decision.

The action is an agent hook payload (a file, or - for standard input), or one
of the shortcuts:

  ward explain --bash 'rm -rf ~/'
  ward explain --read ~/.ssh/id_rsa
  ward explain --write .claude/settings.json
  ward explain --url http://169.254.169.254/
  ward explain --tool mcp__github__create_issue --input '{"title":"x"}'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.cwd == "" {
				f.cwd = g.cwd()
			}
			payload, err := f.payload(args, st.In)
			if err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			dec, err := decoderFor(f.agent)
			if err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			gt, err := g.newGate(true)
			if err != nil {
				return err
			}
			return runExplain(cmd.Context(), gt, dec, payload, f, st.Out)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.bash, "bash", "", "a shell command, as the Bash tool would run it")
	fl.StringVar(&f.read, "read", "", "a file read, as the Read tool would do it")
	fl.StringVar(&f.write, "write", "", "a file write, as the Write tool would do it")
	fl.StringVar(&f.url, "url", "", "a web fetch, as the WebFetch tool would do it")
	fl.StringVar(&f.tool, "tool", "", "any tool, with --input")
	fl.StringVar(&f.input, "input", "{}", "the tool input for --tool, as JSON")
	fl.StringVar(&f.cwd, "cwd", "", "the working directory of the action (default: the current one)")
	fl.StringVar(&f.agent, "agent", "claude-code", "the agent whose payload is given")
	fl.BoolVar(&f.asJSON, "json", false, "print the trace as JSON")
	fl.BoolVar(&f.all, "all", false, "list every rule, not only those that could apply")
	return cmd
}

// payload builds the hook payload the flags or the argument describe.
func (f *explainFlags) payload(args []string, stdin io.Reader) ([]byte, error) {
	tool, input := "", map[string]any(nil)
	n := 0
	for _, s := range []string{f.bash, f.read, f.write, f.url, f.tool} {
		if s != "" {
			n++
		}
	}
	if n > 1 || n == 1 && len(args) > 0 {
		return nil, fmt.Errorf("give one action: a payload file or one of --bash, --read, --write, --url, --tool")
	}
	switch {
	case f.bash != "":
		tool, input = "Bash", map[string]any{"command": f.bash}
	case f.read != "":
		tool, input = "Read", map[string]any{"file_path": f.read}
	case f.write != "":
		tool, input = "Write", map[string]any{"file_path": f.write, "content": ""}
	case f.url != "":
		tool, input = "WebFetch", map[string]any{"url": f.url, "prompt": "explain"}
	case f.tool != "":
		if err := json.Unmarshal([]byte(f.input), &input); err != nil {
			return nil, fmt.Errorf("--input is not a JSON object: %w", err)
		}
		tool = f.tool
	case len(args) == 1:
		return readPayload(args[0], stdin)
	default:
		return nil, fmt.Errorf("nothing to explain: give a payload file, - for standard input, or --bash, --read, --write, --url or --tool")
	}
	return json.Marshal(map[string]any{
		"session_id": "explain", "cwd": f.cwd, "hook_event_name": "PreToolUse",
		"tool_name": tool, "tool_input": input,
	})
}

func readPayload(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, adapter.MaxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return data, nil
}

func runExplain(ctx context.Context, g *gate.Gate, dec adapter.Decoder, payload []byte, f *explainFlags, out io.Writer) error {
	var (
		d  event.Decision
		ex *gate.Explanation
	)
	err := adapter.Check(payload)
	var ev event.Event
	if err == nil {
		ev, err = dec.Decode(payload)
	}
	if err != nil {
		d = g.Fail(ctx, decoderAgent(dec), err)
	} else {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		d, ex, _ = g.Explain(ctx, ev)
	}
	if f.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Decision event.Decision    `json:"decision"`
			Trace    *gate.Explanation `json:"trace,omitempty"`
		}{d, ex})
	}
	printExplanation(out, d, ex, f.all)
	return nil
}

func printExplanation(w io.Writer, d event.Decision, ex *gate.Explanation, all bool) {
	if ex != nil {
		ev := ex.Event
		fmt.Fprintf(w, "event     %s %s %s (cwd %s)\n", ev.Agent, ev.Phase, ev.Tool, orDash(ev.Cwd))
		fmt.Fprintf(w, "action    %s\n", describeAction(ev.Action))
		fmt.Fprintf(w, "workspace %s\n", orDash(ex.Facts.Workspace))
		if len(ex.Facts.Shell.Commands) > 0 {
			fmt.Fprintln(w, "commands")
			for _, c := range ex.Facts.Shell.Commands {
				via := ""
				if len(c.Via) > 0 {
					via = "   (via " + strings.Join(c.Via, " > ") + ")"
				}
				fmt.Fprintf(w, "  %s %s%s\n", orDash(c.Name), strings.Join(quoteArgs(c.Args), " "), via)
			}
		}
		sh := ex.Facts.Shell
		for _, d := range sh.Decoded {
			fmt.Fprintf(w, "decoded   %s\n", strings.TrimSpace(d))
		}
		if len(sh.URLs) > 0 {
			fmt.Fprintf(w, "urls      %s\n", strings.Join(sh.URLs, " "))
		}
		for _, q := range sh.SQL {
			fmt.Fprintf(w, "sql       %s: %s\n", q.Client, strings.TrimSpace(q.Text))
		}
		for _, p := range sh.Packages {
			fmt.Fprintf(w, "package   %s %s\n", p.Manager, p.Name)
		}
		if len(ex.Facts.Paths) > 0 {
			fmt.Fprintln(w, "paths")
			for _, p := range ex.Facts.Paths {
				op := string(p.Op)
				if p.Recursive {
					op += " -r"
				}
				fmt.Fprintf(w, "  %-9s %s  [%s]  (%s)\n", op, p.Path, strings.Join(p.Classes, " "), p.Source)
			}
		}
		if len(ex.Findings) > 0 {
			fmt.Fprintln(w, "findings")
			for _, f := range ex.Findings {
				fmt.Fprintf(w, "  %s (%s): %s", f.ID, f.Severity, f.Message)
				if f.Evidence != "" {
					fmt.Fprintf(w, " [%s]", f.Evidence)
				}
				fmt.Fprintln(w)
			}
		}
		if len(ex.Labels) > 0 {
			fmt.Fprintf(w, "labels    %s\n", strings.Join(ex.Labels, ", "))
		}
		printRules(w, ex.Rules, all)
	}
	fmt.Fprintf(w, "\ndecision  %s", d.Decision)
	if d.Rule != "" {
		fmt.Fprintf(w, " by %s", d.Rule)
	}
	if d.Severity != 0 {
		fmt.Fprintf(w, " (%s)", d.Severity)
	}
	fmt.Fprintf(w, "\nreason    %s\n", d.Reason)
	for _, e := range d.Evidence {
		fmt.Fprintf(w, "because   %s\n", e)
	}
	if ex != nil && ex.Origin != "" {
		fmt.Fprintf(w, "from      %s\n", ex.Origin)
	}
}

// printRules lists the rules in the order they were tried. Rules that
// failed on the phase, kind or tool are summarized unless all is set.
func printRules(w io.Writer, rules []event.RuleResult, all bool) {
	fmt.Fprintf(w, "rules     %d, tried in order (deny before ask before allow)\n", len(rules))
	skipped := 0
	for _, r := range rules {
		mark := "  -"
		switch {
		case r.Err != "":
			mark = "  !"
		case r.Matched:
			mark = "  *"
		case !all && offTopic(r.Why):
			skipped++
			continue
		}
		fmt.Fprintf(w, "%s %-5s %-32s %s", mark, r.Decision, r.Rule, r.Why)
		if r.Err != "" {
			fmt.Fprintf(w, ": %s", r.Err)
		}
		fmt.Fprintln(w)
	}
	if skipped > 0 {
		fmt.Fprintf(w, "    (%d more rules are about other phases, kinds or tools; --all lists them)\n", skipped)
	}
}

func offTopic(why string) bool {
	for _, p := range []string{"phase ", "kind ", "tool ", "agent "} {
		if strings.HasPrefix(why, p) {
			return true
		}
	}
	return false
}

func describeAction(a event.Action) string {
	switch a.Kind {
	case event.KindShell:
		return "shell: " + a.Command
	case event.KindHTTP:
		return fmt.Sprintf("http: %s %s", a.Method, a.URL)
	case event.KindMCP:
		args, _ := json.Marshal(a.Arguments)
		return fmt.Sprintf("mcp: %s/%s %s", a.Server, a.Name, args)
	case event.KindSearch:
		return fmt.Sprintf("search: %s %s%s", a.Path, a.Pattern, a.Query)
	case event.KindAgent, event.KindPrompt:
		return fmt.Sprintf("%s: %.80q", a.Kind, a.Prompt)
	}
	if a.Path != "" {
		return fmt.Sprintf("%s: %s", a.Kind, a.Path)
	}
	return string(a.Kind)
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`") {
			out[i] = fmt.Sprintf("%q", a)
		} else {
			out[i] = a
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
