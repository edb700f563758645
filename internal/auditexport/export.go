package auditexport

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agentward/ward/audit"
)

// Exporter writes records in one format as they are added. It is not
// safe for concurrent use.
type Exporter interface {
	// Add writes r, or, for the HTML report, counts it.
	Add(r *audit.Record) error
	// Close finishes the output and flushes it. It does not close the
	// writer given to New.
	Close() error
}

// Options say what goes around the records.
type Options struct {
	// Title heads the HTML report; empty means "ward audit report".
	Title string
	// Now gives the time the report says it was made; nil means
	// time.Now.
	Now func() time.Time
	// Verified, when not nil, is shown in the HTML report's header.
	Verified *VerifySummary
}

// VerifySummary is what verifying the log found, as the report shows it.
type VerifySummary struct {
	OK bool
	// Records counts the records checked.
	Records uint64
	// Problem is the first problem found, when not OK.
	Problem string
}

// The formats New knows.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
	FormatHTML  = "html"
)

// Formats lists the formats New knows, in a stable order.
func Formats() []string { return []string{FormatJSONL, FormatCSV, FormatHTML} }

// ErrClosed is returned by Add and Close after Close.
var ErrClosed = errors.New("auditexport: exporter is closed")

// New returns an exporter that writes records to w in format.
func New(w io.Writer, format string, opts Options) (Exporter, error) {
	switch format {
	case FormatJSONL:
		return &jsonlExporter{w: bufio.NewWriter(w)}, nil
	case FormatCSV:
		return newCSV(w), nil
	case FormatHTML:
		return newHTML(w, opts), nil
	}
	return nil, fmt.Errorf("auditexport: unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

// jsonlExporter writes one record per line, as json.Marshal encodes it.
type jsonlExporter struct {
	w      *bufio.Writer
	closed bool
}

func (e *jsonlExporter) Add(r *audit.Record) error {
	if e.closed {
		return ErrClosed
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("auditexport: record %d: %w", r.Seq, err)
	}
	b = append(b, '\n')
	_, err = e.w.Write(b)
	return err
}

func (e *jsonlExporter) Close() error {
	if e.closed {
		return ErrClosed
	}
	e.closed = true
	return e.w.Flush()
}

// findingIDs returns the ids of a record's findings, in order, and false
// when the findings are not a JSON array of objects. Null or empty
// findings are none.
func findingIDs(raw json.RawMessage) ([]string, bool) {
	if len(raw) == 0 {
		return nil, true
	}
	var fs []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, false
	}
	ids := make([]string, 0, len(fs))
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return ids, true
}

// cut shortens s to at most n runes, marking the cut with an ellipsis.
// Invalid UTF-8 is counted a byte per rune and left for the writer to
// deal with.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i, runes := 0, 0
	for i < len(s) && runes < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		runes++
	}
	if i >= len(s) {
		return s
	}
	return s[:i] + "…"
}
