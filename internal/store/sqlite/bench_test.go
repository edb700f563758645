package sqlite

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/agentward/ward/session"
)

// BenchmarkDecision is the state work of one decision in one Update, as
// the decision path does it. Budget: p50 <= 1 ms, and with a session
// holding 10,000 fingerprints within 2x of an empty one.
func BenchmarkDecision(b *testing.B) {
	for _, held := range []int{0, 10_000} {
		b.Run(fmt.Sprintf("fingerprints=%d", held), func(b *testing.B) {
			benchDecision(b, held)
		})
	}
}

func benchDecision(b *testing.B, held int) {
	s := openT(b, filepath.Join(b.TempDir(), "state.db"), Options{})
	ctx := context.Background()
	const id = "0f8e4c1a-7d2b-4c39-9a51-3e6f0b2d8c77"
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	update(b, s, func(tx session.Tx) error {
		if err := tx.Touch(id, "claude-code", "/home/dev/project", false, now); err != nil {
			return err
		}
		fs := make([]session.Fingerprint, 0, 1000)
		for i := 0; i < held; i += len(fs) {
			fs = fs[:0]
			for j := i; j < min(i+1000, held); j++ {
				fs = append(fs, session.Fingerprint{Sum: benchSum(j), EventID: "e" + strconv.Itoa(j), Tool: "Bash", Kind: "secret.github_pat", At: now})
			}
			if err := tx.AddFingerprints(id, fs); err != nil {
				return err
			}
		}
		return nil
	})
	// 32 sums from one output; with fingerprints held, 4 of them known.
	sums := make([]session.Sum, 32)
	for i := range sums {
		sums[i] = benchSum(1_000_000 + i)
		if held > 0 && i < 4 {
			sums[i] = benchSum(i * held / 4)
		}
	}
	rate := session.Rate{N: 60, Per: time.Minute}
	durs := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ev := "evt-" + strconv.Itoa(i)
		at := now.Add(time.Duration(i) * time.Second)
		t0 := time.Now()
		err := s.Update(ctx, func(tx session.Tx) error {
			if _, err := tx.Session(id); err != nil {
				return err
			}
			if _, err := tx.AgentStatus("claude-code"); err != nil {
				return err
			}
			if _, err := tx.Labels(id); err != nil {
				return err
			}
			fps, err := tx.Fingerprints(id, sums)
			if err != nil {
				return err
			}
			if held > 0 && len(fps) != 4 {
				return fmt.Errorf("%d fingerprints found, want 4", len(fps))
			}
			if _, _, err := tx.Take("session:"+id+":file.delete", rate, at); err != nil {
				return err
			}
			if err := tx.Record(id, session.Record{EventID: ev, At: at, Phase: "pre", Tool: "Bash", Kind: "shell",
				Decision: "allow", Rule: "default", Digest: "9b74c9897bac770ffc029102a200c5de"}); err != nil {
				return err
			}
			if err := tx.Touch(id, "claude-code", "/home/dev/project", false, at); err != nil {
				return err
			}
			return tx.AddLabels(id, []session.Label{{Name: session.LabelUntrusted, EventID: ev, Tool: "WebFetch",
				Source: "WebFetch results are untrusted", At: at}})
		})
		durs = append(durs, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, durs)
}

func reportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	us := func(q float64) float64 {
		return float64(durs[int(q*float64(len(durs)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(us(0.5), "p50-µs")
	b.ReportMetric(us(0.99), "p99-µs")
}

// benchSum makes distinct sums that look random, as HMACs do: the first
// half is i times an odd constant, a bijection on uint64.
func benchSum(i int) session.Sum {
	var s session.Sum
	binary.BigEndian.PutUint64(s[:8], uint64(i)*0x9e3779b97f4a7c15)
	binary.BigEndian.PutUint64(s[8:], uint64(i))
	return s
}

// BenchmarkOpen is what a hook process pays to reach an existing database:
// Open, one View, Close.
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state.db")
	s := openT(b, path, Options{})
	update(b, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, time.Time{}) })
	ctx := context.Background()
	durs := make([]time.Duration, 0, 1024)
	for b.Loop() {
		t0 := time.Now()
		s, err := Open(ctx, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.View(ctx, func(tx session.Tx) error { _, err := tx.Session("s"); return err }); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	reportPercentiles(b, durs)
}
