package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/claude"
)

func newEvalCmd(g *globals, st Streams) *cobra.Command {
	var agent string
	var timeout time.Duration
	var record bool
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Decide on a stream of agent payloads, one JSON object per line",
		Long: `eval reads one agent hook payload per line on standard input (Claude Code
PreToolUse payloads unless --agent says otherwise) and writes one decision per
line on standard output, in the same order: the batch form of the decision
path the hooks use. Each line is judged on its own and nothing is
remembered, unless --record is given: then every line is decided in its
session, as the hooks do, with the session store under $WARD_HOME.

A line ward cannot read (malformed JSON, over 1 MiB, nested deeper than 64,
invalid UTF-8) gets the policy's on_error decision with the reason, and eval
goes on with the next line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dec, err := decoderFor(agent)
			if err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			opts := g.gateOptions()
			opts.EagerConditions = true
			if record {
				store, err := openStore(cmd.Context())
				if err != nil {
					return err
				}
				defer store.Close()
				if err := useStore(&opts, store); err != nil {
					return err
				}
			}
			gt, err := gate.New(opts)
			if err != nil {
				return err
			}
			if err := gt.PolicyError(""); err != nil {
				fmt.Fprintf(st.Err, "ward: the policy does not load; every decision will be the fail-closed answer:\n%v\n", err)
			}
			return runEval(cmd.Context(), gt, dec, timeout, st.In, st.Out)
		},
	}
	cmd.Flags().StringVar(&agent, "agent", claude.Agent, "the agent whose payloads are read")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Second, "time allowed for each decision")
	cmd.Flags().BoolVar(&record, "record", false, "decide in sessions and record, as the hooks do")
	return cmd
}

// decoderFor returns the payload decoder of an agent.
func decoderFor(agent string) (adapter.Decoder, error) {
	if h, ok := hooks()[agent]; ok {
		return h, nil
	}
	return nil, fmt.Errorf("unknown agent %q (this ward reads: %s)", agent, knownAgents())
}

// runEval answers each input line with one decision line.
func runEval(ctx context.Context, g *gate.Gate, dec adapter.Decoder, timeout time.Duration, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	var buf []byte
	for {
		line, err := readLine(r, adapter.MaxPayload, buf[:0])
		buf = line
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		var d event.Decision
		switch {
		case errors.Is(err, errLineTooLong):
			d = g.Fail(ctx, decoderAgent(dec), adapter.Errorf("too_large", "line is over %d bytes", adapter.MaxPayload))
		case err != nil && !errors.Is(err, io.EOF):
			return fmt.Errorf("reading input: %w", err)
		default:
			d = decideLine(ctx, g, dec, timeout, line)
		}
		if err := writeDecision(w, d); err != nil {
			return err
		}
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	return w.Flush()
}

func decideLine(ctx context.Context, g *gate.Gate, dec adapter.Decoder, timeout time.Duration, line []byte) event.Decision {
	if len(bytes.TrimSpace(line)) == 0 {
		return g.Fail(ctx, decoderAgent(dec), adapter.Errorf("unknown_shape", "empty line"))
	}
	if err := adapter.Check(line); err != nil {
		return g.Fail(ctx, decoderAgent(dec), err)
	}
	ev, err := dec.Decode(line)
	if err != nil {
		return g.Fail(ctx, decoderAgent(dec), err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d, _ := g.Decide(ctx, ev)
	return d
}

func writeDecision(w *bufio.Writer, d event.Decision) error {
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding decision: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

var errLineTooLong = errors.New("line too long")

// readLine reads one line without its newline into buf. A line longer
// than limit is read to its end and dropped, and errLineTooLong returned,
// so that one bad line does not end the stream.
func readLine(r *bufio.Reader, limit int, buf []byte) ([]byte, error) {
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > limit+1 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		if tooLong {
			if err == nil || errors.Is(err, io.EOF) {
				return buf[:0], errLineTooLong
			}
		}
		return buf, err
	}
}

// decoderAgent names the agent whose payloads dec reads, for decisions
// about payloads it could not read.
func decoderAgent(dec adapter.Decoder) string {
	if a, ok := dec.(interface{ Agent() string }); ok {
		return a.Agent()
	}
	return ""
}
