package sqlite

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	seed(b, s, held)
	sums := decisionSums(held)
	durs := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		err := s.Update(ctx, func(tx session.Tx) error { return decide(tx, i, sums, held) })
		durs = append(durs, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, durs)
}

// benchSession is the session the decision benchmarks work in.
const benchSession = "0f8e4c1a-7d2b-4c39-9a51-3e6f0b2d8c77"

// seed creates the benchmarks' session, holding held fingerprints.
func seed(tb testing.TB, s *Store, held int) {
	tb.Helper()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	update(tb, s, func(tx session.Tx) error {
		if err := tx.Touch(benchSession, "claude-code", "/home/dev/project", false, now); err != nil {
			return err
		}
		fs := make([]session.Fingerprint, 0, 1000)
		for i := 0; i < held; i += len(fs) {
			fs = fs[:0]
			for j := i; j < min(i+1000, held); j++ {
				fs = append(fs, session.Fingerprint{Sum: benchSum(j), EventID: "e" + strconv.Itoa(j), Tool: "Bash", Kind: "secret.github_pat", At: now})
			}
			if err := tx.AddFingerprints(benchSession, fs); err != nil {
				return err
			}
		}
		return nil
	})
}

// decide is the state work of the i-th decision of a session (i >= 1), in
// the order the decision path does it: read the session, its agent's status
// and its labels, look up an action's 32 values among the fingerprints
// (held > 0: the session holds fingerprints, and 4 of the values are among
// them), take from a rate limit, then record the decision, touch the
// session and add a label.
func decide(tx session.Tx, i int, sums []session.Sum, held int) error {
	const id = benchSession
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := "evt-" + strconv.Itoa(i)
	at := now.Add(time.Duration(i) * time.Second)
	if _, err := tx.Session(id); err != nil {
		return err
	}
	if _, err := tx.AgentStatus("claude-code"); err != nil {
		return err
	}
	if _, err := tx.Labels(id); err != nil {
		return err
	}
	if _, err := tx.Salt(); err != nil {
		return err
	}
	fps, err := tx.Fingerprints(id, sums)
	if err != nil {
		return err
	}
	if held > 0 && len(fps) != 4 {
		return fmt.Errorf("%d fingerprints found, want 4", len(fps))
	}
	if _, _, err := tx.Take("session:"+id+":file.delete", session.Rate{N: 60, Per: time.Minute}, at); err != nil {
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
}

// decisionSums are the 32 sums of one action's values; with fingerprints
// held, 4 of them are known.
func decisionSums(held int) []session.Sum {
	sums := make([]session.Sum, 32)
	for i := range sums {
		sums[i] = benchSum(1_000_000 + i)
		if held > 0 && i < 4 {
			sums[i] = benchSum(i * held / 4)
		}
	}
	return sums
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

// BenchmarkOpenDecision is BenchmarkColdDecision's work in one process:
// Open (a new connection: SQLite reads and parses the schema again and
// prepares every statement again), one decision's Update, Close. It lacks
// what only a new process pays (loading code, initializing SQLite) but is
// steady enough to compare changes to the schema or the statements.
func BenchmarkOpenDecision(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state.db")
	s := openT(b, path, Options{})
	seed(b, s, 0)
	ctx := context.Background()
	sums := decisionSums(0)
	durs := make([]time.Duration, 0, 1024)
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		s, err := Open(ctx, path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Update(ctx, func(tx session.Tx) error { return decide(tx, i, sums, 0) }); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	reportPercentiles(b, durs)
}

// BenchmarkOpenWAL is what Open costs a process that finds the WAL that
// earlier processes left (see Abandon): SQLite reads it back, as after a
// crash. decisions is how many the WAL holds, about 40 KiB each; Abandon
// keeps it under walLimit, a dozen.
func BenchmarkOpenWAL(b *testing.B) {
	for _, n := range []int{1, 6, 12, 25, 100} {
		b.Run(fmt.Sprintf("decisions=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "state.db")
			s := openT(b, path, Options{})
			seed(b, s, 0)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			s = openT(b, path, Options{})
			sums := decisionSums(0)
			for i := range n {
				update(b, s, func(tx session.Tx) error { return decide(tx, i+1, sums, 0) })
			}
			db, wal := readFile(b, path), readFile(b, path+"-wal")
			ctx := context.Background()
			durs := make([]time.Duration, 0, 1024)
			for b.Loop() {
				b.StopTimer()
				p := filepath.Join(b.TempDir(), "state.db")
				if err := os.WriteFile(p, db, 0o600); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(p+"-wal", wal, 0o600); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0 := time.Now()
				s, err := Open(ctx, p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				durs = append(durs, time.Since(t0))
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			reportPercentiles(b, durs)
			b.ReportMetric(float64(len(wal))/1024, "wal-KiB")
		})
	}
}

// coldEnv, when set, makes TestHelperColdDecision one hook process's store
// work: "mode path i", where mode is "idle" (do nothing), "Close" or
// "Abandon" (decide, then end the Store so), or "seed" to make the
// database.
const coldEnv = "WARD_SQLITE_TEST_COLD"

// BenchmarkColdDecision is what the store costs a hook process, which is
// new for every decision: Open on an existing database, the i-th decision's
// Update (the work of BenchmarkDecision), then Close or Abandon (end=).
// Each iteration starts two fresh processes of the test binary, one doing
// that and one doing nothing. Metrics are medians over the iterations:
//
//   - cost-µs: the store process's wall time minus the idle one's, what
//     the store adds to a process, startup and page faults included;
//   - store-µs: open to ended, timed inside the process; open-µs,
//     update-µs and end-µs are its parts; store-mean-µs is its mean,
//     which counts Abandon's checkpoint every dozen processes.
//
// Run it with enough iterations for stable medians: -benchtime=100x.
func BenchmarkColdDecision(b *testing.B) {
	if testing.Short() {
		b.Skip("starts processes")
	}
	for _, end := range []string{"Close", "Abandon"} {
		b.Run("end="+end, func(b *testing.B) { benchCold(b, end) })
	}
}

func benchCold(b *testing.B, end string) {
	path := filepath.Join(b.TempDir(), "state.db")
	s := openT(b, path, Options{})
	seed(b, s, 0)
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	var idle, proc, store, open, upd, ended []time.Duration
	i := 0
	for b.Loop() {
		i++
		for _, mode := range []string{"idle", end} {
			var out bytes.Buffer
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperColdDecision$", "-test.count=1")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %d", coldEnv, mode, path, i))
			cmd.Stdout, cmd.Stderr = &out, &out
			t0 := time.Now()
			err := cmd.Run()
			d := time.Since(t0)
			if err != nil {
				b.Fatalf("%s process: %v\n%s", mode, err, out.String())
			}
			if mode == "idle" {
				idle = append(idle, d)
				continue
			}
			proc = append(proc, d)
			var o, u, e int64
			line, _, _ := strings.Cut(out.String(), "\n")
			if _, err := fmt.Sscanf(line, "cold %d %d %d", &o, &u, &e); err != nil {
				b.Fatalf("%s process printed %q: %v", mode, out.String(), err)
			}
			open, upd, ended = append(open, time.Duration(o)), append(upd, time.Duration(u)), append(ended, time.Duration(e))
			store = append(store, time.Duration(o+u+e))
		}
	}
	us := func(ds []time.Duration) float64 { return float64(median(ds)) / float64(time.Microsecond) }
	b.ReportMetric(us(proc)-us(idle), "cost-µs")
	b.ReportMetric(us(store), "store-µs")
	b.ReportMetric(float64(mean(store))/float64(time.Microsecond), "store-mean-µs")
	b.ReportMetric(us(open), "open-µs")
	b.ReportMetric(us(upd), "update-µs")
	b.ReportMetric(us(ended), "end-µs")
	b.ReportMetric(us(idle), "idle-µs")
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// TestHelperColdDecision is one process of BenchmarkColdDecision. It prints
// "cold open update end", each in nanoseconds.
func TestHelperColdDecision(t *testing.T) {
	arg := os.Getenv(coldEnv)
	if arg == "" {
		t.Skip("only run by BenchmarkColdDecision")
	}
	var (
		mode, path string
		i          int
	)
	if _, err := fmt.Sscan(arg, &mode, &path, &i); err != nil {
		t.Fatalf("%s=%q: %v", coldEnv, arg, err)
	}
	// The hook's context has a deadline, which the driver watches.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	switch mode {
	case "idle":
		return
	case "seed": // for profiling by hand
		s := openT(t, path, Options{})
		seed(t, s, 0)
		return
	case "Close", "Abandon":
	default:
		t.Fatalf("%s=%q: unknown mode", coldEnv, arg)
	}
	sums := decisionSums(0)
	t0 := time.Now()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	if err := s.Update(ctx, func(tx session.Tx) error { return decide(tx, i, sums, 0) }); err != nil {
		t.Fatal(err)
	}
	t2 := time.Now()
	if mode == "Close" {
		err = s.Close()
	} else {
		err = s.Abandon(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	t3 := time.Now()
	fmt.Printf("cold %d %d %d\n", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2))
}
