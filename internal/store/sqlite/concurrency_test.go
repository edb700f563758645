package sqlite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentward/ward/session"
)

var (
	rate  = session.Rate{N: 1000, Per: time.Hour}
	start = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

// write is one writer's work, as a hook call would do it: read the
// session, then change it. It checks that nothing changed between its read
// and its writes, which holds only if Update took the write lock at its
// start.
func write(ctx context.Context, s *Store, who string) error {
	return s.Update(ctx, func(tx session.Tx) error {
		var before int64
		in, err := tx.Session("shared")
		switch {
		case err == nil:
			before = in.Events
		case !errors.Is(err, session.ErrNotFound):
			return err
		}
		if err := tx.Touch("shared", "claude-code", "/w", false, start); err != nil {
			return err
		}
		if in, err = tx.Session("shared"); err != nil {
			return err
		}
		if in.Events != before+1 {
			return fmt.Errorf("%s: events went from %d to %d in one update", who, before, in.Events)
		}
		if err := tx.AddLabels("shared", []session.Label{{Name: "untrusted", EventID: who}}); err != nil {
			return err
		}
		if err := tx.AddFingerprints("shared", []session.Fingerprint{{Sum: session.Sum([]byte(fmt.Sprintf("%-16s", who))), EventID: who}}); err != nil {
			return err
		}
		if err := tx.Record("shared", session.Record{EventID: who, At: start, Decision: "allow", Digest: "d"}); err != nil {
			return err
		}
		ok, _, err := tx.Take("shared:limit", rate, start)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s: rate limit refused", who)
		}
		return nil
	})
}

// checkWrites checks that all n writers' work is in the database.
func checkWrites(t *testing.T, s *Store, n int) {
	t.Helper()
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session("shared")
		if err != nil {
			return err
		}
		if in.Events != int64(n) {
			t.Errorf("events %d, want %d", in.Events, n)
		}
		ls, err := tx.Labels("shared")
		if err != nil {
			return err
		}
		if len(ls) != min(n, MaxLabelEvents) {
			t.Errorf("%d label events, want %d", len(ls), min(n, MaxLabelEvents))
		}
		if c, err := tx.CountFingerprints("shared"); err != nil || c != n {
			t.Errorf("%d fingerprints (%v), want %d", c, err, n)
		}
		if r, err := tx.Repeats("shared", "d", start); err != nil || r != n {
			t.Errorf("%d decisions (%v), want %d", r, err, n)
		}
		cs, err := tx.Counters("shared:")
		if err != nil {
			return err
		}
		// Every Take moved the TAT by exactly one interval.
		want := start.Add(time.Duration(n) * (rate.Per / time.Duration(rate.N)))
		if len(cs) != 1 || !cs[0].TAT.Equal(want) {
			t.Errorf("counters %+v, want TAT %v", cs, want)
		}
		return nil
	})
}

// TestConcurrentWriters runs 50 writers at once on one file, from one
// Store, from a few and from one Store each (separate connection pools):
// nothing may be lost and every read-then-write must be atomic. Readers
// run alongside.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	const writers = 50
	for _, stores := range []int{1, 5, writers} {
		t.Run(fmt.Sprintf("%d stores", stores), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.db")
			ss := make([]*Store, stores)
			for i := range ss {
				ss[i] = openT(t, path, Options{BusyTimeout: time.Minute})
			}
			ss[0].now = func() time.Time { return start }
			ctx := context.Background()
			stop := make(chan struct{})
			var readers sync.WaitGroup
			for i := range 4 {
				readers.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						if err := ss[i%stores].View(ctx, readAll); err != nil {
							t.Errorf("reader: %v", err)
							return
						}
					}
				})
			}
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					if err := write(ctx, ss[i%stores], fmt.Sprintf("w%02d", i)); err != nil {
						t.Errorf("writer %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			close(stop)
			readers.Wait()
			checkWrites(t, ss[0], writers)
		})
	}
}

// TestConcurrentOpen opens a new file from many Stores at once: every Open
// succeeds, the schema is made once (migration 1 would fail a second time:
// its CREATE TABLEs have no IF NOT EXISTS) and all share one salt.
func TestConcurrentOpen(t *testing.T) {
	t.Parallel()
	const n = 20
	path := filepath.Join(t.TempDir(), "new", "state.db")
	ss := make([]*Store, n)
	var wg sync.WaitGroup
	for i := range ss {
		wg.Go(func() {
			s, err := Open(context.Background(), path, Options{BusyTimeout: time.Minute})
			if err != nil {
				t.Errorf("Open %d: %v", i, err)
				return
			}
			ss[i] = s
			if err := write(context.Background(), s, fmt.Sprint(i)); err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for _, s := range ss {
		if s != nil {
			defer s.Close()
		}
	}
	if t.Failed() {
		return
	}
	for i, s := range ss {
		if !bytes.Equal(s.salt, ss[0].salt) {
			t.Errorf("store %d: salt %x, store 0: %x", i, s.salt, ss[0].salt)
		}
	}
	if v, err := ss[0].version(context.Background()); err != nil || v != len(migrations()) {
		t.Errorf("version %d, %v", v, err)
	}
	ss[0].now = func() time.Time { return start }
	checkWrites(t, ss[0], n)
}

// helperEnv, when set, makes TestHelperProcess a writer process:
// "path writes name end walLimit", where end is how the process ends:
// Close, Abandon, or exit (neither: os.Exit(exitCrash) after the last
// write, as a hook process killed at its deadline).
const helperEnv = "WARD_SQLITE_TEST_WRITER"

const exitCrash = 3

// TestProcesses runs writers in separate processes on one new file, the
// way parallel hook calls do: they race to create the schema, then to
// write.
func TestProcesses(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts processes")
	}
	const procs, writes = 4, 25
	path := filepath.Join(t.TempDir(), "state.db")
	cmds := make([]*exec.Cmd, procs)
	outs := make([]bytes.Buffer, procs)
	for i := range cmds {
		cmds[i] = writer(path, writes, fmt.Sprintf("p%d", i), "Close", walLimit, &outs[i])
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
		}
	}
	if t.Failed() {
		return
	}
	s := openT(t, path, Options{})
	s.now = func() time.Time { return start }
	checkWrites(t, s, procs*writes)
}

// TestProcessesAbandon runs one-write processes as hooks run them: several
// at a time on one file, each ending with Abandon, so that the WAL outlives
// them and each process reads back what the last ones left. The WAL limit
// is low enough that processes checkpoint and truncate the WAL while others
// write. Some processes end with Close, as a ward session command does, and
// some with neither, as a hook killed at its deadline. Nothing committed
// may be lost, and the file stays sound.
func TestProcessesAbandon(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts processes")
	}
	const chains, each = 4, 10
	const limit = 64 << 10 // a write adds 6 to 8 pages
	path := filepath.Join(t.TempDir(), "state.db")
	var wg sync.WaitGroup
	for c := range chains {
		wg.Go(func() {
			for i := range each {
				end := "Abandon"
				switch (c + i) % 6 {
				case 2:
					end = "Close"
				case 5:
					end = "exit"
				}
				var out bytes.Buffer
				err := writer(path, 1, fmt.Sprintf("c%d-%d", c, i), end, limit, &out).Run()
				var exit *exec.ExitError
				if end == "exit" && errors.As(err, &exit) && exit.ExitCode() == exitCrash {
					err = nil
				}
				if err != nil {
					t.Errorf("process %d of chain %d (%s): %v\n%s", i, c, end, err, out.String())
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	s := openT(t, path, Options{})
	s.now = func() time.Time { return start }
	checkWrites(t, s, chains*each)
	checkIntegrity(t, s)
}

// writer is a process of TestHelperProcess.
func writer(path string, writes int, name, end string, walLimit int64, out *bytes.Buffer) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(),
		// Built with -race, a process sleeps a second before it exits.
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"),
		fmt.Sprintf("%s=%s %d %s %s %d", helperEnv, path, writes, name, end, walLimit))
	cmd.Stdout, cmd.Stderr = out, out
	return cmd
}

func TestHelperProcess(t *testing.T) {
	arg := os.Getenv(helperEnv)
	if arg == "" {
		t.Skip("only run by TestProcesses")
	}
	var (
		path, name, end string
		n               int
		limit           int64
	)
	if _, err := fmt.Sscan(arg, &path, &n, &name, &end, &limit); err != nil {
		t.Fatalf("%s=%q: %v", helperEnv, arg, err)
	}
	ctx := context.Background()
	s, err := Open(ctx, path, Options{BusyTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s.walLimit = limit
	for i := range n {
		if err := write(ctx, s, name+"-"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	switch end {
	case "Close":
		err = s.Close()
	case "Abandon":
		err = s.Abandon(ctx)
	case "exit":
		os.Exit(exitCrash)
	default:
		err = fmt.Errorf("unknown end %q", end)
	}
	if err != nil {
		t.Fatal(err)
	}
}
