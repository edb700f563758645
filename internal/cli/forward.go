package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/sink"
)

func newAuditForwardCmd(st Streams) *cobra.Command {
	var src auditSource
	var syslogs, webhooks, jsonls, headers []string
	var facility, cursor string
	var every, statsEvery time.Duration
	var fromStart bool
	cmd := &cobra.Command{
		Use:   "forward [--syslog ADDR] [--webhook URL] [--jsonl FILE]",
		Short: "Stream records to syslog, webhooks and JSONL files as they are written",
		Long: `forward follows the log and sends every new record to each sink: syslog
(RFC 5424 over udp://, tcp:// or unix://), a webhook (JSON batches, retried
with backoff) or a JSONL file. Decisions never wait for it: hooks write
the log, and forward reads it, so a sink that is down slows nothing. Each
sink has a bounded queue; what overflows is dropped and counted, and the
counts are printed every --stats interval and at the end.

Where forward got to is kept in a cursor file ($WARD_HOME/audit/forward.cursor
by default), so a restart resumes after the last record sent; a first run
starts at the end of the log unless --from-start.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sinks, err := openSinks(syslogs, webhooks, jsonls, headers, facility)
			if err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			if cursor == "" {
				state, err := stateFile()
				if err != nil {
					return err
				}
				cursor = filepath.Join(filepath.Dir(state), "audit", "forward.cursor")
			}
			s, err := src.open(cmd.Context())
			if err != nil {
				return err
			}
			defer s.Close()
			sh := sink.NewShipper(sinks, sink.ShipperOptions{})
			f := &forwarder{log: s.Audit(), shipper: sh, cursor: cursor, every: every, statsEvery: statsEvery, errw: st.Err}
			ferr := f.run(cmd.Context(), fromStart)
			ctx, cancel := context.WithTimeout(context.WithoutCancel(cmd.Context()), 5*time.Second)
			defer cancel()
			cerr := sh.Close(ctx)
			printStats(st.Err, sh.Stats())
			return errors.Join(ferr, cerr)
		},
	}
	src.flags(cmd)
	fl := cmd.Flags()
	fl.StringArrayVar(&syslogs, "syslog", nil, "a syslog server: udp://host:514, tcp://host:6514, unix:///dev/log (repeatable)")
	fl.StringVar(&facility, "facility", "local0", "the syslog facility")
	fl.StringArrayVar(&webhooks, "webhook", nil, "a URL to POST batches of records to (repeatable)")
	fl.StringArrayVar(&headers, "header", nil, `a header for webhook requests, "Name: value" (repeatable)`)
	fl.StringArrayVar(&jsonls, "jsonl", nil, "a file to append records to, one JSON record per line (repeatable)")
	fl.StringVar(&cursor, "cursor", "", "the file that keeps where forwarding got to")
	fl.BoolVar(&fromStart, "from-start", false, "with no cursor yet, send the whole log instead of only new records")
	fl.DurationVar(&every, "every", 500*time.Millisecond, "how often to look for new records")
	fl.DurationVar(&statsEvery, "stats", time.Minute, "how often to print the sinks' counts (0: only at the end)")
	return cmd
}

func openSinks(syslogs, webhooks, jsonls, headers []string, facility string) ([]sink.Sink, error) {
	var out []sink.Sink
	fac, err := sink.ParseFacility(facility)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	for _, kv := range headers {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			return nil, fmt.Errorf("--header %q: want \"Name: value\"", kv)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	for _, a := range syslogs {
		s, err := sink.NewSyslog(a, sink.SyslogOptions{Facility: fac})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	for _, u := range webhooks {
		s, err := sink.NewWebhook(u, sink.WebhookOptions{Header: h})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	for _, p := range jsonls {
		s, err := sink.NewJSONL(p)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, errors.New("give at least one sink: --syslog, --webhook or --jsonl")
	}
	return out, nil
}

// forwarder follows the log from a cursor and offers new records to the
// shipper.
type forwarder struct {
	log               audit.Backend
	shipper           *sink.Shipper
	cursor            string
	every, statsEvery time.Duration
	errw              io.Writer
}

func (f *forwarder) run(ctx context.Context, fromStart bool) error {
	after, err := f.start(ctx, fromStart)
	if err != nil {
		return err
	}
	tick := time.NewTicker(max(f.every, 10*time.Millisecond))
	defer tick.Stop()
	var stats <-chan time.Time
	if f.statsEvery > 0 {
		t := time.NewTicker(f.statsEvery)
		defer t.Stop()
		stats = t.C
	}
	for {
		n, err := f.step(ctx, after)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		after = n
		select {
		case <-ctx.Done():
			return nil
		case <-stats:
			printStats(f.errw, f.shipper.Stats())
		case <-tick.C:
		}
	}
}

// start reads the cursor; without one, forwarding starts at the head
// (or the beginning with fromStart).
func (f *forwarder) start(ctx context.Context, fromStart bool) (uint64, error) {
	b, err := os.ReadFile(f.cursor)
	if err == nil {
		n, perr := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if perr != nil {
			return 0, fmt.Errorf("cursor %s: %w", f.cursor, perr)
		}
		return n, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("cursor: %w", err)
	}
	if fromStart {
		return 0, nil
	}
	var head audit.Head
	err = f.log.View(ctx, func(r audit.Reader) error { head, err = r.Head(); return err })
	return head.Seq, err
}

// step offers the records after seq, in pages, and moves the cursor.
func (f *forwarder) step(ctx context.Context, after uint64) (uint64, error) {
	for {
		recs, err := queryRecords(ctx, f.log, audit.Filter{After: after, Oldest: true, Limit: 1000})
		if err != nil || len(recs) == 0 {
			return after, err
		}
		f.shipper.Offer(recs...)
		after = recs[len(recs)-1].Seq
		if err := writeCursor(f.cursor, after); err != nil {
			return after, err
		}
		if len(recs) < 1000 {
			return after, nil
		}
	}
}

// writeCursor replaces the cursor file atomically.
func writeCursor(path string, seq uint64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cursor: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.FormatUint(seq, 10)+"\n"), 0o600); err != nil {
		return fmt.Errorf("cursor: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cursor: %w", err)
	}
	return nil
}

func printStats(w io.Writer, stats []sink.Stats) {
	for _, s := range stats {
		fmt.Fprintf(w, "ward: sink %s: sent %d, queued %d, dropped %d, failed batches %d", s.Sink, s.Sent, s.Queued, s.Dropped, s.Failed)
		if s.LastError != "" {
			fmt.Fprintf(w, ", last error: %s", s.LastError)
		}
		fmt.Fprintln(w)
	}
}
