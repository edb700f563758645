package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/adapter/claude"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/internal/policytest"
)

func newPolicyCmd(g *globals, st Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Write, check, test and show policies",
	}
	var layer string
	addLayer := func(c *cobra.Command) {
		c.Flags().StringVar(&layer, "layer", "user", "the layer the given files stand for: managed, user or project")
	}
	validate := &cobra.Command{
		Use:   "validate [file...]",
		Short: "Check policy files for errors (the effective policy when no file is given)",
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := loadPolicy(g, args, layer)
			if err != nil {
				return err
			}
			return l.validate(st)
		},
	}
	addLayer(validate)
	lint := &cobra.Command{
		Use:   "lint [file...]",
		Short: "Validate, find rules that can never match, and run every example",
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := loadPolicy(g, args, layer)
			if err != nil {
				return err
			}
			return l.lint(cmd.Context(), st)
		},
	}
	addLayer(lint)
	var verbose bool
	var run string
	test := &cobra.Command{
		Use:   "test [file...]",
		Short: "Run the examples of every rule through the whole decision path",
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := loadPolicy(g, args, layer)
			if err != nil {
				return err
			}
			return l.test(cmd.Context(), st, run, verbose)
		},
	}
	addLayer(test)
	test.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing examples too")
	test.Flags().StringVar(&run, "run", "", "only rules whose id matches this glob")
	var asJSON bool
	show := &cobra.Command{
		Use:   "show [file...]",
		Short: "Print the effective policy: every rule, where it comes from, and the settings",
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := loadPolicy(g, args, layer)
			if err != nil {
				return err
			}
			return l.show(cmd.Context(), st, asJSON)
		},
	}
	addLayer(show)
	show.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.AddCommand(newPolicyInitCmd(g, st), validate, lint, test, show)
	return cmd
}

// loaded is the effective policy a policy command works on.
type loaded struct {
	sources []gate.PolicySource
	gate    *gate.Gate
	pol     *policy.Policy
	err     error // why the policy does not compile
}

// loadPolicy compiles the given files as one layer, or, with none, the
// policy files ward would use in the current directory.
func loadPolicy(g *globals, files []string, layer string) (*loaded, error) {
	opts := g.gateOptions()
	opts.EagerConditions = true
	if len(files) > 0 {
		if _, ok := policy.ParseLayer(layer); !ok || layer == "builtin" {
			return nil, &exitError{code: ExitUsage, err: fmt.Errorf("--layer: %q is not managed, user or project", layer)}
		}
		if len(files) > 1 {
			return nil, &exitError{code: ExitUsage, err: errors.New("give one file per layer; to check several, run once per file")}
		}
		data, err := os.ReadFile(files[0])
		if err != nil {
			return nil, &exitError{code: ExitUsage, err: err}
		}
		opts.Policy = []gate.PolicySource{{Layer: layer, Name: files[0], Data: data}}
	}
	gt, err := gate.New(opts)
	if err != nil {
		return nil, err
	}
	cwd := g.cwd()
	l := &loaded{gate: gt}
	if l.sources, err = gt.Sources(cwd); err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	if l.sources == nil {
		l.sources = []gate.PolicySource{} // the default user layer
	}
	l.pol, l.err = gt.Policy(cwd)
	return l, nil
}

// report prints policy errors with their source lines.
func report(w io.Writer, err error) {
	var errs policy.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(w, e.Format())
		}
		return
	}
	fmt.Fprintln(w, err)
}

func (l *loaded) describeSources() string {
	if len(l.sources) == 0 {
		return "no policy files (the default: extends standard)"
	}
	var parts []string
	for _, s := range l.sources {
		parts = append(parts, fmt.Sprintf("%s (%s)", s.Name, s.Layer))
	}
	return strings.Join(parts, ", ")
}

func (l *loaded) validate(st Streams) error {
	if l.err != nil {
		report(st.Err, l.err)
		return problem()
	}
	for _, w := range l.pol.Warnings {
		fmt.Fprintln(st.Err, "warning: "+w.Format())
	}
	fmt.Fprintf(st.Out, "ok: %s; the effective policy has %d rules\n", l.describeSources(), len(l.pol.Rules()))
	return nil
}

func (l *loaded) lint(ctx context.Context, st Streams) error {
	if l.err != nil {
		report(st.Err, l.err)
		return problem()
	}
	var ids []string
	for _, f := range l.gate.Registry().Catalog() {
		ids = append(ids, f.ID)
	}
	problems := append(policy.Errors{}, l.pol.Warnings...)
	problems = append(problems, l.pol.Lint(policy.LintOptions{Findings: ids, ToolKind: toolKind})...)
	results, err := policytest.Run(ctx, l.sources, l.pol)
	if err != nil {
		return err
	}
	for _, r := range results {
		if !r.Pass {
			problems = append(problems, exampleError(r))
		}
	}
	problems.Sort()
	for _, p := range problems {
		fmt.Fprintln(st.Err, p.Format())
	}
	if len(problems) > 0 {
		fmt.Fprintf(st.Err, "%d problems\n", len(problems))
		return problem()
	}
	fmt.Fprintf(st.Out, "ok: %s; %d rules, %d examples pass\n", l.describeSources(), len(l.pol.Rules()), len(results))
	return nil
}

// toolKind is the kind Claude Code's tools always have.
func toolKind(tool string) (event.Kind, bool) {
	if tool == "" || strings.HasPrefix(tool, "mcp__") {
		return event.KindMCP, strings.HasPrefix(tool, "mcp__")
	}
	a, err := claude.Action(tool, map[string]any{})
	if a.Kind == event.KindOther {
		return "", false
	}
	_ = err // a missing required field is expected with no input
	return a.Kind, true
}

func exampleError(r policytest.Result) *policy.Error {
	return &policy.Error{Code: policy.CodeExample, Pos: r.Example.Pos,
		Msg: fmt.Sprintf("rule %q: example %s %s: %s", r.Rule, r.Example.Tool, exampleInput(r.Example), r.Problem)}
}

func exampleInput(ex policy.Example) string {
	b, _ := json.Marshal(ex.Input)
	s := string(b)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func (l *loaded) test(ctx context.Context, st Streams, run string, verbose bool) error {
	if l.err != nil {
		report(st.Err, l.err)
		return problem()
	}
	results, err := policytest.Run(ctx, l.sources, l.pol)
	if err != nil {
		return err
	}
	pass, fail := 0, 0
	for _, r := range results {
		if run != "" {
			if ok, _ := path.Match(run, r.Rule); !ok {
				continue
			}
		}
		if r.Pass {
			pass++
			if verbose {
				fmt.Fprintf(st.Out, "PASS %s: %s %s %s -> %s by %s\n", r.Rule, r.Example.Want, r.Example.Tool, exampleInput(r.Example), r.Got.Decision, r.Got.Rule)
			}
			continue
		}
		fail++
		fmt.Fprintf(st.Out, "FAIL %s (%s): %s %s: %s\n", r.Rule, r.Example.Pos, r.Example.Tool, exampleInput(r.Example), r.Problem)
	}
	rules := 0
	for _, ri := range l.pol.Rules() {
		if len(ri.Examples) > 0 {
			rules++
		}
	}
	fmt.Fprintf(st.Out, "%d examples of %d rules: %d pass, %d fail\n", pass+fail, rules, pass, fail)
	if fail > 0 {
		return problem()
	}
	return nil
}

const initTemplate = `# ward policy (%s layer). The language is described in docs/policy.md;
# check this file with "ward policy lint".
version: 1

# Presets: standard (the default), strict, paranoid.
extends: [standard]

# Switch off preset rules this layer brings in, by id ("ward policy show"
# lists them).
# disable: [git-dir-delete]

settings:
  on_error: deny        # the answer when ward cannot decide: deny or ask
  # default: allow      # the answer when no rule matches
  # approval_timeout: 2m

rules:
  # - id: prod-db-writes
  #   match: {tool: "mcp__postgres__*"}
  #   when: input.sql.lowerAscii().startsWith("delete")
  #   decision: ask
  #   reason: Deletes in the production database need a person's OK
  #   examples:
  #     ask:   [{tool: mcp__postgres__query, input: {sql: "DELETE FROM users WHERE id = 1"}}]
  #     allow: [{tool: mcp__postgres__query, input: {sql: "SELECT 1"}}]

tools:
  # "mcp__slack__*": {call: block_when_untrusted}
  # "mcp__docker__logs": {result: mark_untrusted}
`

func newPolicyInitCmd(g *globals, st Streams) *cobra.Command {
	var project, force bool
	var output string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a starting policy file ($WARD_HOME/policy.yaml, or .ward/policy.yaml with --project)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gt, err := g.newGate(false)
			if err != nil {
				return err
			}
			layer, dest := "user", filepath.Join(gt.WardHome(), "policy.yaml")
			if project {
				layer, dest = "project", filepath.Join(gt.Workspace(g.cwd()), ".ward", "policy.yaml")
			}
			if output != "" {
				dest = output
			}
			if _, err := os.Stat(dest); err == nil && !force {
				return &exitError{code: ExitProblem, err: fmt.Errorf("%s exists; use --force to replace it", dest)}
			}
			if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(dest, []byte(fmt.Sprintf(initTemplate, layer)), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(st.Out, "wrote %s\n", dest)
			return nil
		},
	}
	cmd.Flags().BoolVar(&project, "project", false, "write the project layer, .ward/policy.yaml at the project root")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead")
	return cmd
}
