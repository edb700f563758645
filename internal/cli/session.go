package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/gate"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/internal/store/sqlite"
	"github.com/agentward/ward/session"
)

// stateFile is the session store: $WARD_HOME/state.db.
func stateFile() (string, error) {
	dir := os.Getenv("WARD_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the home directory: %w", err)
		}
		dir = filepath.Join(home, ".ward")
	}
	return filepath.Join(dir, "state.db"), nil
}

// useStore sets opts to keep sessions and the audit log in store,
// sealing records with the keys in $WARD_HOME/audit.
func useStore(opts *gate.Options, store *sqlite.Store) error {
	keys, err := auditKeys()
	if err != nil {
		return err
	}
	opts.Store = store
	opts.Audit = store.Audit()
	opts.AuditOptions = audit.Options{Keys: keys}
	return nil
}

// auditKeys loads (or makes) the audit log's keys.
func auditKeys() (*audit.Keys, error) {
	path, err := stateFile()
	if err != nil {
		return nil, err
	}
	return audit.LoadKeys(filepath.Join(filepath.Dir(path), "audit"))
}

// openStore opens the session store.
func openStore(ctx context.Context) (*sqlite.Store, error) {
	path, err := stateFile()
	if err != nil {
		return nil, err
	}
	return sqlite.Open(ctx, path, sqlite.Options{})
}

func newSessionCmd(st Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "session",
		Short: "List, inspect, stop, resume and kill agent sessions",
		Long: `session shows what ward remembers of each agent session (labels with the
event that added them, fingerprints of values seen in outputs, rate
counters, recent decisions), and lets a person stop a session (every
action is denied until it is resumed) or kill it (denied, and the agent is
told to stop). --agent does the same for every session of an agent.

These commands are for people: ward denies them to the agents it guards.`,
	}
	cmd.AddCommand(newSessionListCmd(st), newSessionShowCmd(st),
		newSessionStatusCmd(st, "stop", session.Stopped, "Deny every action of a session until it is resumed"),
		newSessionStatusCmd(st, "resume", session.Active, "Let a stopped or killed session act again"),
		newSessionStatusCmd(st, "kill", session.Killed, "Deny every action of a session and tell its agent to stop"),
	)
	return cmd
}

func newSessionListCmd(st Streams) *cobra.Command {
	var f session.Filter
	var status string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List sessions, most recently active first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if status != "" {
				f.Status = session.Status(status)
				if !f.Status.Valid() {
					return &exitError{code: ExitUsage, err: fmt.Errorf("--status: unknown status %q (active, stopped, killed)", status)}
				}
			}
			return withStore(cmd.Context(), false, func(tx session.Tx) error {
				infos, err := tx.Sessions(f)
				if err != nil {
					return err
				}
				type row struct {
					session.Info
					Labels []string `json:"labels"`
				}
				rows := make([]row, 0, len(infos))
				for _, in := range infos {
					ls, err := tx.Labels(in.ID)
					if err != nil {
						return err
					}
					rows = append(rows, row{in, labelNames(ls)})
				}
				if asJSON {
					return writeJSON(st.Out, rows)
				}
				tw := tabwriter.NewWriter(st.Out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SESSION\tAGENT\tSTATUS\tLABELS\tEVENTS\tLAST SEEN")
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.Agent, statusOf(r.Info), strings.Join(r.Labels, ","),
						r.Events, r.Seen.Local().Format(time.DateTime))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&f.Agent, "agent", "", "only sessions of this agent")
	cmd.Flags().StringVar(&status, "status", "", "only sessions with this status: active, stopped or killed")
	cmd.Flags().IntVarP(&f.Limit, "limit", "n", 50, "at most this many")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	return cmd
}

// sessionReport is what ward session show prints.
type sessionReport struct {
	session.Info
	AgentChange  *session.Change   `json:"agent_status,omitempty"`
	Labels       []session.Label   `json:"labels"`
	Fingerprints int               `json:"fingerprints"`
	Counters     []session.Counter `json:"counters"`
	Recent       []session.Record  `json:"recent"`
}

func newSessionShowCmd(st Streams) *cobra.Command {
	var asJSON bool
	var recent int
	cmd := &cobra.Command{
		Use:   "show SESSION",
		Short: "Show a session's labels with their provenance, fingerprints, counters and recent decisions",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd.Context(), false, func(tx session.Tx) error {
				rep, err := loadReport(tx, args[0], recent)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(st.Out, rep)
				}
				printReport(st.Out, rep)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	cmd.Flags().IntVarP(&recent, "recent", "n", 20, "how many recent decisions to show")
	return cmd
}

func loadReport(tx session.Tx, id string, recent int) (*sessionReport, error) {
	info, err := tx.Session(id)
	if errors.Is(err, session.ErrNotFound) {
		return nil, &exitError{code: ExitProblem, err: fmt.Errorf("no session %q (ward session list shows them)", id)}
	}
	if err != nil {
		return nil, err
	}
	rep := &sessionReport{Info: info}
	if rep.AgentChange, err = tx.AgentStatus(info.Agent); err != nil {
		return nil, err
	}
	if rep.Labels, err = tx.Labels(id); err != nil {
		return nil, err
	}
	if rep.Fingerprints, err = tx.CountFingerprints(id); err != nil {
		return nil, err
	}
	if rep.Counters, err = tx.Counters("s:" + id + ":"); err != nil {
		return nil, err
	}
	if rep.Recent, err = tx.Recent(id, recent); err != nil {
		return nil, err
	}
	if rep.Labels == nil {
		rep.Labels = []session.Label{}
	}
	return rep, nil
}

func printReport(w io.Writer, r *sessionReport) {
	fmt.Fprintf(w, "session   %s\n", r.ID)
	fmt.Fprintf(w, "agent     %s", r.Agent)
	if r.AgentChange != nil && r.AgentChange.Status != session.Active {
		fmt.Fprintf(w, " (every session %s at %s: %s)", r.AgentChange.Status, r.AgentChange.At.Local().Format(time.DateTime), r.AgentChange.Reason)
	}
	fmt.Fprintln(w)
	if r.Cwd != "" {
		fmt.Fprintf(w, "cwd       %s\n", r.Cwd)
	}
	fmt.Fprintf(w, "status    %s", statusOf(r.Info))
	if c := r.Change; c != nil {
		fmt.Fprintf(w, " since %s", c.At.Local().Format(time.DateTime))
		if c.By != "" {
			fmt.Fprintf(w, " by %s", c.By)
		}
		if c.Reason != "" {
			fmt.Fprintf(w, ": %s", c.Reason)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "events    %d, first %s, last %s\n", r.Events, r.Created.Local().Format(time.DateTime), r.Seen.Local().Format(time.DateTime))
	if r.Synthetic {
		fmt.Fprintln(w, "          (the agent gave no session id; ward made this one up)")
	}
	fmt.Fprintln(w, "labels")
	if len(r.Labels) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, l := range r.Labels {
		fmt.Fprintf(w, "  %-12s %s  event %s  %s: %s\n", l.Name, l.At.Local().Format(time.TimeOnly), l.EventID, l.Tool, l.Source)
	}
	fmt.Fprintf(w, "fingerprints  %d values seen in outputs (only salted sums are kept)\n", r.Fingerprints)
	if len(r.Counters) > 0 {
		fmt.Fprintln(w, "counters")
		for _, c := range r.Counters {
			fmt.Fprintf(w, "  %s  full until %s\n", strings.TrimPrefix(c.Key, "s:"+r.ID+":"), c.TAT.Local().Format(time.TimeOnly))
		}
	}
	fmt.Fprintln(w, "recent decisions")
	for _, d := range r.Recent {
		fmt.Fprintf(w, "  %s  %-5s %-4s %-24s %s", d.At.Local().Format(time.TimeOnly), d.Phase, d.Decision, d.Tool, d.Rule)
		if d.Decision != "allow" && d.Reason != "" {
			fmt.Fprintf(w, ": %s", d.Reason)
		}
		fmt.Fprintln(w)
	}
}

func newSessionStatusCmd(st Streams, verb string, status session.Status, short string) *cobra.Command {
	var agent, reason string
	cmd := &cobra.Command{
		Use:   verb + " [SESSION | --agent AGENT]",
		Short: short,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (agent != "") {
				return &exitError{code: ExitUsage, err: fmt.Errorf("give a session id or --agent, not both and not neither")}
			}
			c := session.Change{Status: status, Reason: reason, By: os.Getenv("USER"), At: time.Now()}
			return withStore(cmd.Context(), true, func(tx session.Tx) error {
				if agent != "" {
					if err := tx.SetAgentStatus(agent, c); err != nil {
						return err
					}
					fmt.Fprintf(st.Out, "every session of %s: %s\n", agent, status)
					return nil
				}
				err := tx.SetStatus(args[0], c)
				if errors.Is(err, session.ErrNotFound) {
					return &exitError{code: ExitProblem, err: fmt.Errorf("no session %q (ward session list shows them)", args[0])}
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(st.Out, "session %s: %s\n", args[0], status)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&agent, "agent", "", "every session of this agent")
	if status != session.Active {
		cmd.Flags().StringVar(&reason, "reason", "", "why, shown to the agent in every denial")
	}
	return cmd
}

// withStore runs fn against the session store.
func withStore(ctx context.Context, write bool, fn func(session.Tx) error) error {
	s, err := openStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if write {
		return s.Update(ctx, fn)
	}
	return s.View(ctx, fn)
}

func statusOf(in session.Info) session.Status {
	if in.Status == "" {
		return session.Active
	}
	return in.Status
}

func labelNames(ls []session.Label) []string {
	out := []string{}
	for _, l := range ls {
		if !slices.Contains(out, l.Name) {
			out = append(out, l.Name)
		}
	}
	return out
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
