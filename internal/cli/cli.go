// Package cli implements the ward command.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/gate"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitProblem = 1 // the command ran and found a problem: a failing test, an invalid policy
	ExitUsage   = 2 // the command could not run
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// problem reports that a command found problems it has already printed.
func problem() error { return &exitError{code: ExitProblem} }

// Streams are a command's standard streams.
type Streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// Main runs the ward command line and returns the exit code.
func Main(ctx context.Context, args []string, st Streams) int {
	root := newRoot(st)
	root.SetArgs(args)
	root.SetIn(st.In)
	root.SetOut(st.Out)
	root.SetErr(st.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(st.Err, "ward:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(st.Err, "ward:", err)
	return ExitUsage
}

// globals are the flags every command shares.
type globals struct {
	policy    string
	managed   string
	noProject bool
	dir       string
}

// cwd is the directory commands work in: -C, or the current one.
func (g *globals) cwd() string {
	if g.dir != "" {
		if abs, err := filepath.Abs(g.dir); err == nil {
			return abs
		}
		return g.dir
	}
	wd, _ := os.Getwd()
	return wd
}

func newRoot(st Streams) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "ward",
		Short: "ward is a deterministic execution firewall for AI agents",
		Long: `ward intercepts every action an AI agent is about to take (shell commands,
file reads and writes, web requests, SQL, MCP tool calls), understands it,
and decides allow, deny or ask under a policy you can read and test.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&g.policy, "policy", "", "use this file as the user policy layer (default $WARD_HOME/policy.yaml)")
	root.PersistentFlags().StringVar(&g.managed, "managed-policy", "", "use this file as the managed policy layer (default /etc/ward/policy.yaml)")
	root.PersistentFlags().BoolVar(&g.noProject, "no-project-policy", false, "ignore .ward/policy.yaml in the project")
	root.PersistentFlags().StringVarP(&g.dir, "dir", "C", "", "work as if started in this directory")
	root.AddCommand(
		newEvalCmd(g, st),
		newExplainCmd(g, st),
		newHookCmd(g, st),
		newInstallCmd(st),
		newUninstallCmd(st),
		newDoctorCmd(st),
		newPolicyCmd(g, st),
		newScanCmd(st),
		newSessionCmd(st),
		newAuditCmd(g, st),
		newVersionCmd(st),
	)
	return root
}

// gateOptions are the gate options the global flags select.
func (g *globals) gateOptions() gate.Options {
	exe, _ := os.Executable()
	opts := gate.Options{
		UserPolicy:      g.policy,
		ManagedPolicy:   g.managed,
		NoProjectPolicy: g.noProject,
		Executable:      exe,
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		opts.TempDirs = []string{tmp}
	}
	return opts
}

func (g *globals) newGate(eager bool) (*gate.Gate, error) {
	opts := g.gateOptions()
	opts.EagerConditions = eager
	return gate.New(opts)
}
