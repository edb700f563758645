package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/internal/install"
)

// scopeFlags are --user and --project.
type scopeFlags struct{ user, project bool }

func (f *scopeFlags) add(cmd *cobra.Command, verb string) {
	cmd.Flags().BoolVar(&f.user, "user", false, verb+" the user's configuration, for every project (default)")
	cmd.Flags().BoolVar(&f.project, "project", false, verb+" the project's configuration (the current directory, or -C)")
	cmd.MarkFlagsMutuallyExclusive("user", "project")
}

func (f *scopeFlags) scope() install.Scope {
	if f.project {
		return install.Project
	}
	return install.User
}

// projectDir is -C when the root command has it and it is set, else "" (the
// current directory).
func projectDir(cmd *cobra.Command) string {
	f := cmd.Flag("dir")
	if f == nil || f.Value.String() == "" {
		return ""
	}
	if abs, err := filepath.Abs(f.Value.String()); err == nil {
		return abs
	}
	return f.Value.String()
}

// agentArg checks the agent argument.
func agentArg(name string) (string, error) {
	a, ok := install.Canonical(name)
	if !ok {
		return "", &exitError{code: ExitUsage, err: fmt.Errorf("unknown agent %q (want one of %s)", name, strings.Join(install.Agents(), ", "))}
	}
	return a, nil
}

// installError maps an install error to its exit code: a configuration
// file ward refused is a problem it found, anything else kept it from
// running.
func installError(err error) error {
	var ie *install.InvalidConfigError
	if errors.As(err, &ie) {
		return &exitError{code: ExitProblem, err: err}
	}
	return err
}

func newInstallCmd(st Streams) *cobra.Command {
	var sf scopeFlags
	cmd := &cobra.Command{
		Use:   "install <agent>",
		Short: "Wire ward's hook into an agent (" + strings.Join(install.Agents(), ", ") + ")",
		Long: `install adds ward's hook to an agent's configuration, so that the agent
asks ward before every tool call, and tells it about prompts, results and
sessions. The hook runs this ward binary by its absolute path:

  <ward> hook --agent <agent>

on every event ward watches, for every tool (MCP tools included), with a
10 s timeout and fail-closed where the agent has the switch (Claude Code
"onFailure": "block", Cursor "failClosed": true).

Files (--user, the default / --project):
  claude-code  ~/.claude/settings.json      .claude/settings.json
  codex        ~/.codex/hooks.json          .codex/hooks.json
  gemini-cli   ~/.gemini/settings.json      .gemini/settings.json
  cursor       ~/.cursor/hooks.json         .cursor/hooks.json
  copilot      ~/.copilot/hooks/ward.json   .github/hooks/ward.json

The file is merged, never overwritten: every other setting and hook stays
as it was. Before ward first changes a file it copies it to
<file>.ward-backup. Running install again changes nothing, or points the
hooks at ward's new path if ward moved. A file that is not plain JSON is
refused and left alone.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			agent, err := agentArg(args[0])
			if err != nil {
				return err
			}
			res, err := install.Install(install.Options{Agent: agent, Scope: sf.scope(), Dir: projectDir(cmd)})
			for _, w := range res.Warnings {
				fmt.Fprintln(st.Err, "ward: warning:", w)
			}
			if err != nil {
				return installError(err)
			}
			printInstall(st.Out, res)
			return nil
		},
	}
	sf.add(cmd, "change")
	return cmd
}

func printInstall(w io.Writer, res install.Result) {
	if !res.Changed {
		fmt.Fprintf(w, "%s (%s): ward is already wired in %s; nothing changed\n", res.Agent, res.Scope, res.Path)
		return
	}
	verb := "updated"
	if res.Created {
		verb = "created"
	}
	fmt.Fprintf(w, "%s (%s): wired ward into %s (%s)\n", res.Agent, res.Scope, res.Path, verb)
	fmt.Fprintf(w, "  hook:   %s\n", quoteArgv(res.Command))
	if res.Backup != "" {
		fmt.Fprintf(w, "  backup: %s\n", res.Backup)
	}
	switch {
	case res.Agent == install.Codex:
		fmt.Fprintln(w, "  Codex may ask you to review and trust the new hooks (/hooks in Codex).")
	case res.Agent == install.Copilot && res.Scope == install.Project:
		fmt.Fprintln(w, "  The Copilot coding agent reads hooks from the default branch: commit and merge .github/hooks/ward.json.")
	}
	if res.Scope == install.Project {
		fmt.Fprintln(w, "  The project file names ward by its path on this machine; whoever uses it needs ward at that path (ward doctor checks).")
	}
	fmt.Fprintln(w, "  Check it with: ward doctor")
}

func newUninstallCmd(st Streams) *cobra.Command {
	var sf scopeFlags
	cmd := &cobra.Command{
		Use:   "uninstall <agent>",
		Short: "Take ward's hook out of an agent's configuration",
		Long: `uninstall removes exactly ward's hooks from an agent's configuration (the
file install writes; --user by default, or --project), and the entries
that are empty without them. Every other setting and hook stays as it was.
A file that held only ward's hooks, and that ward created, is removed.
The backup install made (<file>.ward-backup) is kept.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			agent, err := agentArg(args[0])
			if err != nil {
				return err
			}
			res, err := install.Uninstall(install.Options{Agent: agent, Scope: sf.scope(), Dir: projectDir(cmd)})
			if err != nil {
				return installError(err)
			}
			switch {
			case res.Removed:
				fmt.Fprintf(st.Out, "%s (%s): removed %s, which held only ward's hooks\n", res.Agent, res.Scope, res.Path)
			case res.Changed:
				fmt.Fprintf(st.Out, "%s (%s): removed ward's hooks from %s\n", res.Agent, res.Scope, res.Path)
				if res.Backup != "" {
					fmt.Fprintf(st.Out, "  backup: %s\n", res.Backup)
				}
			default:
				fmt.Fprintf(st.Out, "%s (%s): ward is not wired in %s; nothing changed\n", res.Agent, res.Scope, res.Path)
			}
			return nil
		},
	}
	sf.add(cmd, "change")
	return cmd
}

func newDoctorCmd(st Streams) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that ward is wired into the agents on this machine, and that it denies",
		Long: `doctor looks for each agent ward knows (its configuration directory, or
its program on PATH) and reports, for its user and project configuration,
whether ward's hook is wired, on which events, with which options
(exec form, fail-closed, timeout), and whether the binary it names is
still there and executable.

It then runs each ward command line exactly as configured, once, with a
payload in that agent's format that asks to run ` + "`rm -rf /`" + ` (session
"` + install.SelfTestSession + `", in an empty temporary directory, 5 s
timeout), and checks that the answer denies in the agent's terms.

It exits 1 when a wired agent points at a missing binary or fails its
self-test, 0 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := install.Doctor(cmd.Context(), install.DoctorOptions{Dir: projectDir(cmd)})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(st.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printDoctor(st.Out, rep)
			}
			if !rep.OK {
				return problem()
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the report as JSON")
	return cmd
}

// printDoctor writes the report for people: a paragraph per agent, a
// verdict at the end.
func printDoctor(w io.Writer, rep install.Report) {
	wired, problems := 0, 0
	for _, a := range rep.Agents {
		if a.Wired() {
			wired++
		}
		switch {
		case !a.Found && !a.Wired() && !anyFile(a):
			fmt.Fprintf(w, "%s: not found\n", a.Agent)
			continue
		case a.Found:
			fmt.Fprintf(w, "%s: found (%s)\n", a.Agent, strings.Join(a.Evidence, "; "))
		default:
			fmt.Fprintf(w, "%s: not found on this machine\n", a.Agent)
		}
		for _, f := range a.Files {
			problems += printFile(w, f)
		}
	}
	fmt.Fprintln(w)
	switch {
	case problems > 0:
		fmt.Fprintf(w, "FAIL: %d problem(s) above: the agent's actions may run unchecked\n", problems)
	case wired == 0:
		fmt.Fprintln(w, "ward is not wired into any agent: run ward install <agent>")
	default:
		fmt.Fprintf(w, "ok: ward is wired into %d agent(s) and every hook denied `rm -rf /`\n", wired)
	}
}

func anyFile(a install.AgentReport) bool {
	for _, f := range a.Files {
		if f.Exists {
			return true
		}
	}
	return false
}

func printFile(w io.Writer, f install.FileReport) (problems int) {
	head := fmt.Sprintf("  %-8s %s: ", f.Scope, f.Path)
	switch {
	case f.Error != "":
		fmt.Fprintf(w, "%sunreadable: %s\n", head, f.Error)
		return 0
	case !f.Exists:
		fmt.Fprintf(w, "%snot wired (no file)\n", head)
		return 0
	case !f.Wired:
		fmt.Fprintf(w, "%snot wired\n", head)
		return 0
	}
	fmt.Fprintf(w, "%swired\n", head)
	const ind = "      "
	for _, x := range f.Warnings {
		fmt.Fprintf(w, "%swarning:   %s\n", ind, x)
	}
	for _, h := range f.Hooks {
		fmt.Fprintf(w, "%scommand:   %s\n", ind, quoteArgv(h.Command))
		fmt.Fprintf(w, "%sevents:    %s\n", ind, strings.Join(h.Events, ", "))
		var opts []string
		if h.ExecForm {
			opts = append(opts, "exec form")
		} else {
			opts = append(opts, "shell")
		}
		if h.FailClosed != nil {
			if *h.FailClosed {
				opts = append(opts, "fail-closed")
			} else {
				opts = append(opts, "fails open")
			}
		}
		if h.Timeout > 0 {
			opts = append(opts, fmt.Sprintf("timeout %gs", h.Timeout))
		} else {
			opts = append(opts, "no timeout")
		}
		fmt.Fprintf(w, "%soptions:   %s\n", ind, strings.Join(opts, ", "))
		switch {
		case h.Binary.Path == "":
		case !h.Binary.Exists:
			fmt.Fprintf(w, "%sbinary:    missing (%s)\n", ind, h.Binary.Path)
		case !h.Binary.Executable:
			fmt.Fprintf(w, "%sbinary:    not executable (%s)\n", ind, h.Binary.Path)
		default:
			fmt.Fprintf(w, "%sbinary:    ok (%s)\n", ind, h.Binary.Path)
		}
		st := h.SelfTest
		switch {
		case !st.Ran:
			fmt.Fprintf(w, "%sself-test: %s\n", ind, st.Detail)
		case st.Pass:
			fmt.Fprintf(w, "%sself-test: pass, %s (%d ms)\n", ind, st.Detail, st.DurationMS)
		default:
			fmt.Fprintf(w, "%sself-test: FAIL, %s (%d ms)\n", ind, st.Detail, st.DurationMS)
			if st.Answer != "" {
				fmt.Fprintf(w, "%s           answer: %s\n", ind, st.Answer)
			}
		}
		for _, x := range h.Warnings {
			fmt.Fprintf(w, "%swarning:   %s\n", ind, x)
		}
		for _, x := range h.Problems {
			fmt.Fprintf(w, "%sproblem:   %s\n", ind, x)
		}
		problems += len(h.Problems)
	}
	if len(f.MissingEvents) > 0 {
		fmt.Fprintf(w, "      warning:   no ward hook on %s (run ward install again)\n", strings.Join(f.MissingEvents, ", "))
	}
	return problems
}

// quoteArgv shows a command line the way a shell would take it.
func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
