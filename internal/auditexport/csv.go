package auditexport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/agentward/ward/audit"
)

// csvHeader names the CSV columns.
var csvHeader = [...]string{
	"seq", "time", "event_id", "agent", "session", "tool", "phase",
	"decision", "rule", "reason", "policy", "latency_us", "approver",
	"finding_ids", "action", "hash",
}

// csvTime is how the CSV writes times: RFC 3339 in UTC, to the
// microsecond, as the log keeps them.
const csvTime = "2006-01-02T15:04:05.000000Z07:00"

// unreadableFindings stands in the finding_ids column for findings that
// are not a JSON array of findings.
const unreadableFindings = "(unreadable)"

// csvExporter writes a header row, then one row per record.
type csvExporter struct {
	w      *csv.Writer
	row    [len(csvHeader)]string
	buf    bytes.Buffer
	header bool
	closed bool
}

func newCSV(w io.Writer) *csvExporter { return &csvExporter{w: csv.NewWriter(w)} }

func (e *csvExporter) Add(r *audit.Record) error {
	if e.closed {
		return ErrClosed
	}
	if err := e.writeHeader(); err != nil {
		return err
	}
	ids, ok := findingIDs(r.Findings)
	findings := strings.Join(ids, " ")
	if !ok {
		findings = unreadableFindings
	}
	e.buf.Reset()
	if len(r.Action) > 0 {
		if err := json.Compact(&e.buf, r.Action); err != nil {
			e.buf.Reset()
			e.buf.Write(r.Action) // not JSON: write it as it is
		}
	}
	e.row = [len(csvHeader)]string{
		strconv.FormatUint(r.Seq, 10),
		r.Time.UTC().Format(csvTime),
		safeCell(r.EventID),
		safeCell(r.Agent),
		safeCell(r.Session),
		safeCell(r.Tool),
		safeCell(r.Phase),
		safeCell(r.Decision),
		safeCell(r.Rule),
		safeCell(r.Reason),
		safeCell(r.Policy),
		strconv.FormatInt(r.LatencyUS, 10),
		safeCell(r.Approver),
		safeCell(findings),
		safeCell(e.buf.String()),
		r.Hash.String(),
	}
	if err := e.w.Write(e.row[:]); err != nil {
		return fmt.Errorf("auditexport: record %d: %w", r.Seq, err)
	}
	return nil
}

func (e *csvExporter) writeHeader() error {
	if e.header {
		return nil
	}
	e.header = true
	return e.w.Write(csvHeader[:])
}

// Close writes the header if no record was added, so that an empty log
// is still a CSV file with its columns named.
func (e *csvExporter) Close() error {
	if e.closed {
		return ErrClosed
	}
	e.closed = true
	if err := e.writeHeader(); err != nil {
		return err
	}
	e.w.Flush()
	return e.w.Error()
}

// safeCell guards a cell against formula injection. Agents choose much
// of what a record holds (the command, the reason a hook echoes, even
// the agent and session names), and a spreadsheet that opens the CSV
// runs a cell starting with = + - or @ as a formula (and some strip a
// leading tab or carriage return first). Such a cell gets a leading
// apostrophe, which spreadsheets read as "this is text" (OWASP's advice
// for CSV injection). A cell that already starts with an apostrophe gets
// one too, so that the quoting can be undone exactly: a reader that
// wants the original value drops one leading apostrophe from every cell
// that has one. Numbers, times and hashes ward writes itself are not
// guarded.
func safeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}
