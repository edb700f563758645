package sink_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/sink"
)

// readLines returns the lines of the file at path.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Errorf("file does not end with a newline")
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	return lines
}

func TestJSONL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		before  string // the file's content before, if it exists
		batches [][]int
		reopen  bool // a second sink appends the second batch
		skip    int  // lines before the records
	}{
		{name: "new file", batches: [][]int{{0, 1, 2}}},
		{name: "two batches", batches: [][]int{{0, 1}, {2, 3, 4}}},
		{name: "reopened", batches: [][]int{{0, 1}, {2}}, reopen: true},
		{name: "appends", before: "{\"seq\":0}\n", batches: [][]int{{0}}, skip: 1},
		{name: "unended line", before: `{"seq":0,"cut sh`, batches: [][]int{{0, 1}}, skip: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			if tt.before != "" {
				if err := os.WriteFile(path, []byte(tt.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			recs := records(5)
			var want []audit.Record
			s, err := sink.NewJSONL(path)
			if err != nil {
				t.Fatal(err)
			}
			for i, b := range tt.batches {
				if i > 0 && tt.reopen {
					if err := s.Close(); err != nil {
						t.Fatal(err)
					}
					if s, err = sink.NewJSONL(path); err != nil {
						t.Fatal(err)
					}
				}
				var batch []audit.Record
				for _, k := range b {
					batch = append(batch, recs[k])
				}
				if err := s.Send(context.Background(), batch); err != nil {
					t.Fatal(err)
				}
				want = append(want, batch...)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			lines := readLines(t, path)
			if len(lines) != tt.skip+len(want) {
				t.Fatalf("%d lines, want %d", len(lines), tt.skip+len(want))
			}
			if tt.before != "" && string(lines[0])+"\n" != tt.before && string(lines[0]) != tt.before {
				t.Errorf("first line %q, want %q", lines[0], tt.before)
			}
			for i, r := range want {
				checkRecord(t, lines[tt.skip+i], r)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
			}
		})
	}
}

func TestJSONLErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := sink.NewJSONL(dir); err == nil {
		t.Error("NewJSONL took a directory")
	}
	if _, err := sink.NewJSONL(filepath.Join(dir, "no", "such", "dir")); err == nil {
		t.Error("NewJSONL took a path in no directory")
	}
	s, err := sink.NewJSONL(filepath.Join(dir, "a.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Send(context.Background(), records(1)); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
