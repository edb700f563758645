package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/content"
	"github.com/agentward/ward/internal/analyze/inject"
	"github.com/agentward/ward/internal/analyze/pii"
	"github.com/agentward/ward/internal/analyze/secret"
)

// scanFinding is one finding of ward scan.
type scanFinding struct {
	Type       string  `json:"type"` // secret, pii, injection
	ID         string  `json:"id"`
	Severity   string  `json:"severity"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Line       int     `json:"line,omitempty"`
	Preview    string  `json:"preview,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	File       string  `json:"file,omitempty"`
	sev        event.Severity
}

// scanner runs the three detectors over text.
type scanner struct {
	secrets *secret.Scanner
	pii     *pii.Scanner
	inject  *inject.Scanner
	types   []string
}

func newScanner(types []string) *scanner {
	return &scanner{secrets: secret.New(), pii: pii.New(), inject: inject.New(), types: types}
}

func (s *scanner) wants(t string) bool {
	return len(s.types) == 0 || slices.Contains(s.types, t)
}

// scan returns the findings in text, sorted by position.
func (s *scanner) scan(text string) []scanFinding {
	var out []scanFinding
	if s.wants("secret") {
		for _, m := range s.secrets.Scan(text) {
			out = append(out, scanFinding{Type: "secret", ID: m.ID, sev: m.Severity, Start: m.Start, End: m.End, Preview: m.Preview})
		}
	}
	if s.wants("pii") {
		for _, m := range s.pii.Scan(text) {
			out = append(out, scanFinding{Type: "pii", ID: m.ID, sev: m.Severity, Start: m.Start, End: m.End, Preview: m.Preview})
		}
	}
	if s.wants("injection") {
		for _, m := range s.inject.Scan(text) {
			if m.Confidence >= content.InjectionThreshold {
				out = append(out, scanFinding{Type: "injection", ID: m.ID, sev: m.Severity, Start: m.Start, End: m.End, Preview: m.Evidence, Confidence: m.Confidence})
			}
		}
	}
	for i := range out {
		out[i].Severity = out[i].sev.String()
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

type scanFlags struct {
	jsonl  bool
	format string
	redact bool
	failOn string
	types  []string
	all    bool
}

func newScanCmd(st Streams) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "scan [file or directory...]",
		Short: "Find secrets, personal data and prompt injection in files or standard input",
		Long: `scan looks for secrets (cloud, source hosting, chat, payment and LLM keys,
private keys, tokens, passwords), personal data (cards, IBANs, SSNs, NINOs,
e-mail addresses, phone numbers, wallets) and prompt injection in files,
directories (recursively, skipping .git, node_modules and binary files) or
standard input.

It exits 1 when it finds anything at or above --fail-on severity. --redact
writes the input with secrets replaced. --jsonl reads {"text": "..."} lines
and writes one {"findings": [...]} line for each.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sev, err := event.ParseSeverity(f.failOn)
			if err != nil {
				return &exitError{code: ExitUsage, err: fmt.Errorf("--fail-on: %w", err)}
			}
			for _, t := range f.types {
				if t != "secret" && t != "pii" && t != "injection" {
					return &exitError{code: ExitUsage, err: fmt.Errorf("--types: unknown type %q (secret, pii, injection)", t)}
				}
			}
			s := newScanner(f.types)
			if f.jsonl {
				return scanJSONL(cmd.Context(), s, st.In, st.Out)
			}
			return runScan(cmd.Context(), s, f, sev, args, st)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.jsonl, "jsonl", false, `read {"text": ...} lines, write {"findings": [...]} lines`)
	fl.StringVar(&f.format, "format", "text", "output format: text, json or sarif")
	fl.BoolVar(&f.redact, "redact", false, "write the input with secrets redacted instead of a report")
	fl.StringVar(&f.failOn, "fail-on", "medium", "exit 1 when a finding is at least this severe")
	fl.StringSliceVar(&f.types, "types", nil, "only these kinds: secret, pii, injection")
	fl.BoolVar(&f.all, "all", false, "also scan .git, node_modules and vendor directories")
	return cmd
}

// scanJSONL answers each input line with one line of findings.
func scanJSONL(ctx context.Context, s *scanner, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	var buf []byte
	for ctx.Err() == nil {
		line, err := readLine(r, 8<<20, buf[:0])
		buf = line
		if errors.Is(err, io.EOF) && len(line) == 0 {
			break
		}
		var res struct {
			Findings []scanFinding `json:"findings"`
			Error    string        `json:"error,omitempty"`
		}
		res.Findings = []scanFinding{}
		var in struct {
			Text *string `json:"text"`
		}
		switch {
		case errors.Is(err, errLineTooLong):
			res.Error = "line is too long"
		case err != nil && !errors.Is(err, io.EOF):
			return fmt.Errorf("reading input: %w", err)
		case json.Unmarshal(line, &in) != nil || in.Text == nil:
			res.Error = `want {"text": "..."}`
		default:
			if fs := s.scan(*in.Text); fs != nil {
				res.Findings = fs
			}
		}
		b, merr := json.Marshal(res)
		if merr != nil {
			return merr
		}
		w.Write(append(b, '\n'))
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	return w.Flush()
}

// maxScanFile bounds the files ward scan reads.
const maxScanFile = 16 << 20

// runScan scans files, directories or standard input for people.
func runScan(ctx context.Context, s *scanner, f *scanFlags, failOn event.Severity, args []string, st Streams) error {
	type fileResult struct {
		name     string
		text     string
		findings []scanFinding
	}
	var results []fileResult
	scanText := func(name string, data []byte) {
		text := string(data)
		fs := s.scan(text)
		for i := range fs {
			fs[i].File = name
			fs[i].Line = 1 + bytes.Count(data[:fs[i].Start], []byte("\n"))
		}
		results = append(results, fileResult{name, text, fs})
	}
	if len(args) == 0 || len(args) == 1 && args[0] == "-" {
		data, err := io.ReadAll(io.LimitReader(st.In, maxScanFile))
		if err != nil {
			return err
		}
		scanText("-", data)
	}
	for _, root := range args {
		if root == "-" {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(st.Err, "ward scan: %v\n", err)
				return nil
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if d.IsDir() {
				if p != root && !f.all && skipDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			data, err := readText(p)
			if err != nil || data == nil {
				return nil
			}
			scanText(p, data)
			return nil
		})
		if err != nil {
			return err
		}
	}
	var all []scanFinding
	worst := event.Severity(0)
	for _, r := range results {
		all = append(all, r.findings...)
		for _, x := range r.findings {
			worst = max(worst, x.sev)
		}
	}
	switch {
	case f.redact:
		for _, r := range results {
			var ms []secret.Match
			for _, x := range r.findings {
				if x.Type == "secret" {
					ms = append(ms, secret.Match{ID: x.ID, Start: x.Start, End: x.End})
				}
			}
			fmt.Fprint(st.Out, secret.Redact(r.text, ms))
		}
	case f.format == "json":
		if all == nil {
			all = []scanFinding{}
		}
		enc := json.NewEncoder(st.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return err
		}
	case f.format == "sarif":
		if err := writeSARIF(st.Out, all); err != nil {
			return err
		}
	case f.format == "text":
		for _, x := range all {
			fmt.Fprintf(st.Out, "%s:%d: %s %s (%s) %s\n", x.File, x.Line, x.Type, x.ID, x.Severity, x.Preview)
		}
		fmt.Fprintf(st.Err, "%d findings in %d inputs\n", len(all), len(results))
	default:
		return &exitError{code: ExitUsage, err: fmt.Errorf("--format: %q is not text, json or sarif", f.format)}
	}
	if worst >= failOn && len(all) > 0 {
		return problem()
	}
	return nil
}

func skipDir(name string) bool {
	switch name {
	case ".git", "node_modules", "vendor", ".venv", "venv", "__pycache__", "dist", "build", "target", ".next":
		return true
	}
	return false
}

// readText reads a file if it is text: not over the size bound and with
// no NUL byte in its first 8 KiB.
func readText(p string) ([]byte, error) {
	fi, err := os.Stat(p)
	if err != nil || fi.Size() > maxScanFile {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 {
		return nil, nil
	}
	return data, nil
}

// writeSARIF writes findings as a SARIF 2.1.0 log, for code scanning
// tools.
func writeSARIF(w io.Writer, findings []scanFinding) error {
	type region struct {
		StartLine int `json:"startLine"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region region `json:"region"`
		} `json:"physicalLocation"`
	}
	type result struct {
		RuleID  string `json:"ruleId"`
		Level   string `json:"level"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
		Locations []location `json:"locations"`
	}
	var results []result
	rules := map[string]bool{}
	for _, f := range findings {
		var r result
		r.RuleID = f.ID
		r.Level = "warning"
		if f.sev >= event.High {
			r.Level = "error"
		}
		r.Message.Text = strings.TrimSpace(f.Type + " " + f.Preview)
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = filepath.ToSlash(f.File)
		loc.PhysicalLocation.Region.StartLine = max(f.Line, 1)
		r.Locations = []location{loc}
		results = append(results, r)
		rules[f.ID] = true
	}
	type rule struct {
		ID string `json:"id"`
	}
	var ruleList []rule
	for id := range rules {
		ruleList = append(ruleList, rule{id})
	}
	sort.Slice(ruleList, func(i, j int) bool { return ruleList[i].ID < ruleList[j].ID })
	if results == nil {
		results = []result{}
	}
	log := map[string]any{
		"version": "2.1.0",
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "ward", "version": Version(), "rules": ruleList}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
