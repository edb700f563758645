// Package adaptertest holds the golden-file checks every agent adapter's
// tests share.
package adaptertest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/adapter"
)

// Golden compares got with the file at path, or writes it when update is
// set (the tests' -update flag).
func Golden(t *testing.T, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("differs from %s:\n got: %s\nwant: %s", path, got, want)
	}
}

// DecodePayloads decodes every recorded payload in testdata/payloads with
// dec and compares the canonical event with testdata/events/NAME.json.
func DecodePayloads(t *testing.T, dec adapter.Decoder, update bool) {
	payloads, err := filepath.Glob("testdata/payloads/*.json")
	if err != nil || len(payloads) == 0 {
		t.Fatalf("no payloads: %v", err)
	}
	for _, p := range payloads {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := adapter.Check(data); err != nil {
				t.Fatalf("Check: %v", err)
			}
			ev, err := dec.Decode(data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got, err := json.MarshalIndent(ev, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			Golden(t, filepath.Join("testdata", "events", name+".json"), append(got, '\n'), update)
		})
	}
}
