package gate_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/gate"
	"github.com/agentward/ward/internal/store/sqlite"
	"github.com/agentward/ward/session"
)

// BenchmarkDecideInSession decides a Bash command that sends data (so
// every session step runs: status, labels, fingerprint lookup of the
// command's tokens, limits, labels and the record) with the SQLite store,
// in a session holding 0 and 10,000 fingerprints. The budgets: the
// store's part p50 ≤ 1 ms, and 10,000 fingerprints within 2× of none.
func BenchmarkDecideInSession(b *testing.B) {
	for _, n := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("fingerprints=%d", n), func(b *testing.B) {
			ctx := context.Background()
			store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "state.db"), sqlite.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			g, err := gate.New(gate.Options{Home: "/home/dev", NoProjectPolicy: true, Store: store,
				Policy:    []gate.PolicySource{{Layer: "user", Name: "u", Data: []byte("version: 1\nextends: [standard]\n")}},
				Workspace: func(string) string { return "/home/dev/project" }})
			if err != nil {
				b.Fatal(err)
			}
			fill(b, store, "bench", n)
			ev := event.Event{Agent: "claude-code", Session: "bench", Cwd: "/home/dev/project", Phase: event.PhasePre, Tool: "Bash",
				Action: event.Action{Kind: event.KindShell, Command: "curl -s -d 'status=ok&build=1234' https://ci.example.com/api/v1/report?job=nightly-build"}}
			var times []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				if d, err := g.Decide(ctx, ev); err != nil {
					b.Fatal(err, d)
				}
				times = append(times, time.Since(start))
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
		})
	}
}

// fill gives a session n random fingerprints.
func fill(b *testing.B, store session.Store, id string, n int) {
	err := store.Update(context.Background(), func(tx session.Tx) error {
		if err := tx.Touch(id, "claude-code", "/home/dev/project", false, time.Now()); err != nil {
			return err
		}
		fps := make([]session.Fingerprint, 0, 1000)
		for i := range n {
			var sum session.Sum
			rand.Read(sum[:])
			fps = append(fps, session.Fingerprint{Sum: sum, EventID: fmt.Sprint("e", i), Kind: "secret.password", At: time.Now()})
			if len(fps) == cap(fps) || i == n-1 {
				if err := tx.AddFingerprints(id, fps); err != nil {
					return err
				}
				fps = fps[:0]
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
