package gate_test

import (
	"os"
	"strings"
	"testing"

	"github.com/agentward/ward/gate"
)

// TestFindingsDocumented keeps the finding tables in docs/ complete: every
// id an analyzer can emit is listed, in backquotes, on the page for its
// analyzer.
func TestFindingsDocumented(t *testing.T) {
	var docs strings.Builder
	for _, p := range []string{"../docs/detectors.md", "../docs/shell-analysis.md", "../docs/sessions.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	g, err := gate.New(gate.Options{Home: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	cat := g.Registry().Catalog()
	if len(cat) < 100 {
		t.Fatalf("the catalog has %d findings; the analyzers are not all registered", len(cat))
	}
	for _, f := range cat {
		if !strings.Contains(docs.String(), "`"+f.ID+"`") {
			t.Errorf("finding %s (%s) is not in docs/detectors.md, docs/shell-analysis.md or docs/sessions.md", f.ID, f.Doc)
		}
	}
}
