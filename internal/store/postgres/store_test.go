package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/audittest"
)

func appendT(t testing.TB, b audit.Backend, opts audit.Options, es ...audit.Entry) []audit.Record {
	t.Helper()
	var out []audit.Record
	err := b.Update(context.Background(), func(tx audit.Tx) error {
		var err error
		out, err = audit.Append(tx, opts, es...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func scanAll(t testing.TB, b audit.Backend, from uint64) []audit.Record {
	t.Helper()
	var out []audit.Record
	err := b.View(context.Background(), func(r audit.Reader) error {
		return r.Scan(from, func(r *audit.Record) error { out = append(out, *r); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func verifyT(t testing.TB, b audit.Backend, k *audit.Keys) *audit.Report {
	t.Helper()
	rep := audittest.Verify(t, b, k, nil)
	if !rep.OK() {
		t.Fatalf("verify: %v", rep.Problems)
	}
	return rep
}

// TestRoundTrip: what is read back is what was appended, byte for byte:
// JSON that jsonb would reorder, respace or re-escape, and times in
// microseconds from another zone. It is read back by decode and, over the
// simple protocol, by Scan.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.open(t, Options{})
	k := audittest.Keys(t)
	zone := time.FixedZone("X", 5*3600+30*60)
	es := []audit.Entry{
		{
			Time: time.Date(2026, 11, 21, 8, 0, 0, 123456789, zone), EventID: "e1", Agent: "claude-code",
			Session: "s", Tool: "Bash", Phase: "pre", Cwd: "/home/u/p",
			Action:   json.RawMessage("{\"z\": 1,  \"a\":[1.0e2, 1E400, -0],\n\"a\":\"dup\", \"s\":\"\\u00e9\\u0000\\/\"}"),
			Findings: json.RawMessage(`[ {"id":"secret.aws", "severity":"high"} ]`),
			Decision: "deny", Rule: "r", Reason: "é ✓ 'quoted' \"dq\" \\", Policy: "sha256:x", LatencyUS: 1 << 40, Approver: "bob",
		},
		{Time: time.Unix(0, 1000), Agent: "codex"}, // empty JSON becomes {} and []
	}
	want := appendT(t, s.Audit(), audit.Options{Keys: k}, es...)
	got := scanAll(t, s.Audit(), 1)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back:\n%+v\nappended:\n%+v", got, want)
	}
	f.dsn = withParam(f.dsn, "default_query_exec_mode", "simple_protocol")
	if got := scanAll(t, f.open(t, Options{}).Audit(), 1); !reflect.DeepEqual(got, want) {
		t.Fatalf("read back over the simple protocol:\n%+v\nappended:\n%+v", got, want)
	}
	if got[0].Time.Nanosecond() != 123456000 {
		t.Errorf("time %v: not kept to the microsecond", got[0].Time)
	}
	s.Audit().View(context.Background(), func(r audit.Reader) error {
		q, err := r.Query(audit.Filter{Agent: "claude-code"})
		if err != nil || len(q) != 1 || !reflect.DeepEqual(q[0], want[0]) {
			t.Errorf("query: %v, %+v", err, q)
		}
		return nil
	})
	verifyT(t, s.Audit(), k)
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	s := newFixture(t).open(t, Options{})
	check := func(r audit.Reader) error {
		if h, err := r.Head(); err != nil || h != (audit.Head{}) {
			t.Errorf("head %+v, %v", h, err)
		}
		if b, err := r.Base(); err != nil || !reflect.DeepEqual(b, audit.Base{}) {
			t.Errorf("base %+v, %v", b, err)
		}
		if c, err := r.LastCheckpoint(); err != nil || c != nil {
			t.Errorf("last checkpoint %+v, %v", c, err)
		}
		if cs, err := r.Checkpoints(); err != nil || len(cs) != 0 {
			t.Errorf("checkpoints %+v, %v", cs, err)
		}
		if q, err := r.Query(audit.Filter{}); err != nil || len(q) != 0 {
			t.Errorf("query %+v, %v", q, err)
		}
		return r.Scan(0, func(r *audit.Record) error { t.Errorf("scanned %+v", r); return nil })
	}
	if err := s.Audit().View(context.Background(), check); err != nil {
		t.Fatal(err)
	}
	err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
		if f, err := tx.Frontier(); err != nil || !reflect.DeepEqual(f, audit.Frontier{}) {
			t.Errorf("frontier %+v, %v", f, err)
		}
		return check(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentStores: eight writers, each with its own Store and so its
// own connections, as eight processes or nodes would be, append one
// record per transaction; the chain comes out whole.
func TestConcurrentStores(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	k := audittest.Keys(t)
	f.open(t, Options{}) // migrate once, so the writers race on appends only
	const writers, each = 8, 100
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		b := f.open(t, Options{}).Audit()
		wg.Go(func() {
			for i := range each {
				err := b.Update(context.Background(), func(tx audit.Tx) error {
					_, err := audit.Append(tx, audit.Options{Keys: k, CheckpointEvery: 50}, audittest.Entry(w*each+i+1))
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	b := f.open(t, Options{}).Audit()
	recs := scanAll(t, b, 1)
	if len(recs) != writers*each {
		t.Fatalf("%d records, want %d", len(recs), writers*each)
	}
	seen := map[string]bool{}
	for i, r := range recs {
		if r.Seq != uint64(i+1) {
			t.Fatalf("record %d has seq %d", i+1, r.Seq)
		}
		seen[r.EventID] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("%d distinct events", len(seen))
	}
	rep := verifyT(t, b, k)
	if rep.Checkpoints != writers*each/50 {
		t.Errorf("%d checkpoints checked, want %d", rep.Checkpoints, writers*each/50)
	}
}

func TestQuery(t *testing.T) {
	t.Parallel()
	s := newFixture(t).open(t, Options{})
	k := audittest.Keys(t)
	audittest.Fill(t, s.Audit(), audit.Options{Keys: k}, 300, 100)
	base := audittest.Entry(1).Time
	tests := []struct {
		name string
		f    audit.Filter
		keep func(seq int, e audit.Entry) bool
		n    int // limit on the count; 0 means none
	}{
		{"default limit", audit.Filter{}, func(int, audit.Entry) bool { return true }, 100},
		{"limit", audit.Filter{Limit: 7}, func(int, audit.Entry) bool { return true }, 7},
		{"oldest", audit.Filter{Limit: 7, Oldest: true}, func(int, audit.Entry) bool { return true }, 7},
		{"after and before", audit.Filter{After: 40, Before: 60, Limit: 1000}, func(i int, _ audit.Entry) bool { return i > 40 && i < 60 }, 0},
		{"since", audit.Filter{Since: base.Add(250 * time.Second), Limit: 1000}, func(i int, _ audit.Entry) bool { return i >= 251 }, 0},
		{"until", audit.Filter{Until: base.Add(9 * time.Second), Limit: 1000}, func(i int, _ audit.Entry) bool { return i < 10 }, 0},
		{"session and decision", audit.Filter{Session: "s-1", Decision: "ask", Limit: 1000},
			func(_ int, e audit.Entry) bool { return e.Session == "s-1" && e.Decision == "ask" }, 0},
		{"tool", audit.Filter{Tool: "Bash", After: 290, Limit: 1000}, func(i int, _ audit.Entry) bool { return i > 290 }, 0},
		{"finding prefix", audit.Filter{Finding: "secret.*", Limit: 1000}, func(i int, _ audit.Entry) bool { return i%5 == 0 }, 0},
		{"finding exact", audit.Filter{Finding: "fs.delete.recursive", Limit: 1000}, func(i int, _ audit.Entry) bool { return i%5 != 0 && i%7 == 0 }, 0},
		{"finding all", audit.Filter{Finding: "*", Limit: 1000}, func(i int, _ audit.Entry) bool { return i%5 == 0 || i%7 == 0 }, 0},
		{"injection", audit.Filter{Session: "' OR 1=1 --", Limit: 1000}, func(int, audit.Entry) bool { return false }, 0},
		{"injection in finding", audit.Filter{Finding: "%' OR '1'='1", Limit: 1000}, func(int, audit.Entry) bool { return false }, 0},
		{"after everything", audit.Filter{After: 1 << 63}, func(int, audit.Entry) bool { return false }, 0},
		{"before out of range", audit.Filter{Before: 1<<64 - 1, Limit: 1000}, func(int, audit.Entry) bool { return true }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []uint64
			for i := 300; i >= 1; i-- {
				if tt.keep(i, audittest.Entry(i)) {
					want = append(want, uint64(i))
				}
			}
			if tt.f.Oldest {
				for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
					want[i], want[j] = want[j], want[i]
				}
			}
			if tt.n > 0 && len(want) > tt.n {
				want = want[:tt.n]
			}
			var got []uint64
			err := s.Audit().View(context.Background(), func(r audit.Reader) error {
				recs, err := r.Query(tt.f)
				for _, r := range recs {
					got = append(got, r.Seq)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
		})
	}
}

// TestScanLarge: 20,000 records, appended 2,500 to a transaction (more
// than Insert holds before sending) and scanned in several batches.
func TestScanLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	t.Parallel()
	s := newFixture(t).open(t, Options{})
	k := audittest.Keys(t)
	const n = 20_000
	audittest.Fill(t, s.Audit(), audit.Options{Keys: k}, n, 2500)
	recs := scanAll(t, s.Audit(), 1)
	if len(recs) != n {
		t.Fatalf("scanned %d records", len(recs))
	}
	for i, r := range recs {
		if r.Seq != uint64(i+1) || r.EventID != fmt.Sprintf("ev-%d", i+1) {
			t.Fatalf("record %d: seq %d, event %s", i+1, r.Seq, r.EventID)
		}
	}
	if tail := scanAll(t, s.Audit(), n-4095); len(tail) != 4096 || tail[0].Seq != n-4095 {
		t.Fatalf("scan from %d: %d records", n-4095, len(tail))
	}
	// fn may stop a scan, and may use the transaction while it scans.
	stop := errors.New("stop")
	err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
		seen := 0
		err := tx.Scan(1, func(r *audit.Record) error {
			if seen++; r.Seq%5000 == 0 {
				q, err := tx.Query(audit.Filter{Before: r.Seq, Limit: 1})
				if err != nil || len(q) != 1 || q[0].Seq != r.Seq-1 {
					return fmt.Errorf("query inside scan at %d: %v %v", r.Seq, err, q)
				}
			}
			if r.Seq == 12_345 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || seen != 12_345 {
			return fmt.Errorf("scan stopped with %v after %d", err, seen)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	verifyT(t, s.Audit(), k)
}

// TestScanBigRecords: a batch of Scan is cut by bytes as well as rows.
func TestScanBigRecords(t *testing.T) {
	t.Parallel()
	s := newFixture(t).open(t, Options{})
	k := audittest.Keys(t)
	big := json.RawMessage(`{"content":"` + strings.Repeat("x", audit.MaxAction-20) + `"}`)
	var es []audit.Entry
	for i := range 150 {
		e := audittest.Entry(i + 1)
		e.Action, e.Findings = big, big
		es = append(es, e)
	}
	// 150 records of 128 KB: Insert sends them in several batches too.
	appendT(t, s.Audit(), audit.Options{Keys: k}, es...)
	n := 0
	err := s.Audit().View(context.Background(), func(r audit.Reader) error {
		return r.Scan(1, func(r *audit.Record) error {
			if n++; r.Seq != uint64(n) || len(r.Action) != len(big) {
				return fmt.Errorf("record %d: seq %d, %d bytes", n, r.Seq, len(r.Action))
			}
			return nil
		})
	})
	if err != nil || n != 150 {
		t.Fatalf("scanned %d: %v", n, err)
	}
	verifyT(t, s.Audit(), k)
}

func TestArchiveReopen(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.open(t, Options{})
	k := audittest.Keys(t)
	// Checkpoints fall at 250, 500, 750 and 1000, by count.
	opts := audit.Options{Keys: k, CheckpointEvery: 100, Now: func() time.Time { return audittest.Entry(1).Time }}
	audittest.Fill(t, s.Audit(), opts, 1000, 250)
	var arch strings.Builder
	if n, err := audit.Archive(context.Background(), s.Audit(), 600, &arch, k.MAC); err != nil || n != 600 {
		t.Fatalf("archive: %d, %v", n, err)
	}
	// Another process sees the base and carries on the chain.
	b := f.open(t, Options{}).Audit()
	b.View(context.Background(), func(r audit.Reader) error {
		base, err := r.Base()
		if err != nil || base.Seq != 600 || base.Frontier.Size != 600 || len(base.Frontier.Hashes) != 4 {
			t.Errorf("base %d, frontier %d/%d: %v", base.Seq, base.Frontier.Size, len(base.Frontier.Hashes), err)
		}
		return nil
	})
	if recs := scanAll(t, b, 1); len(recs) != 400 || recs[0].Seq != 601 {
		t.Fatalf("after archiving: %d records from %d", len(recs), recs[0].Seq)
	}
	appendT(t, b, opts, audittest.Entry(1001))
	rep := verifyT(t, b, k)
	if rep.First != 601 || rep.Last != 1001 || rep.Checkpoints != 2 || rep.Signed != 4 {
		t.Fatalf("report %+v", rep)
	}
	rep = audittest.Verify(t, b, k, audit.ReadArchive(strings.NewReader(arch.String())))
	if !rep.OK() || rep.First != 1 || rep.Checkpoints != 4 {
		t.Fatalf("with the archive: %+v", rep)
	}
}

// TestRollback: nothing fn wrote is kept when it fails or panics, and the
// connection it held goes back usable or not at all.
func TestRollback(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	k := audittest.Keys(t)
	f.open(t, Options{})
	// Two connections: a connection lost to each failure would soon show.
	f.dsn = withParam(f.dsn, "pool_max_conns", "2")
	s := f.open(t, Options{})
	opts := audit.Options{Keys: k, CheckpointEvery: 1}
	appendT(t, s.Audit(), opts, audittest.Entry(1))
	fail := errors.New("fail")
	for i := range 5 {
		err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
			if _, err := audit.Append(tx, opts, audittest.Entry(2), audittest.Entry(3)); err != nil {
				return err
			}
			// Written records, not just queued ones, are rolled back.
			if _, err := tx.Query(audit.Filter{}); err != nil {
				return err
			}
			return fail
		})
		if !errors.Is(err, fail) {
			t.Fatalf("update %d: %v", i, err)
		}
		func() {
			defer func() {
				if p := recover(); p != "boom" {
					t.Fatalf("recovered %v", p)
				}
			}()
			s.Audit().Update(context.Background(), func(tx audit.Tx) error {
				audit.Append(tx, opts, audittest.Entry(2))
				tx.Scan(1, func(*audit.Record) error { return nil })
				panic("boom")
			})
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.Audit().View(ctx, func(r audit.Reader) error {
		h, err := r.Head()
		if err != nil || h.Seq != 1 {
			t.Errorf("head %+v, %v", h, err)
		}
		if cs, err := r.Checkpoints(); err != nil || len(cs) != 1 {
			t.Errorf("checkpoints %d, %v", len(cs), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	appendT(t, s.Audit(), opts, audittest.Entry(2))
	if rep := verifyT(t, s.Audit(), k); rep.Records != 2 {
		t.Fatalf("%d records", rep.Records)
	}
}

// TestLock: an appender waits for the lock while another holds it, up to
// its lock timeout or its context's deadline.
func TestLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	k := audittest.Keys(t)
	holder := f.open(t, Options{})
	locked, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- holder.Audit().Update(context.Background(), func(tx audit.Tx) error {
			close(locked)
			<-release
			_, err := audit.Append(tx, audit.Options{Keys: k}, audittest.Entry(1))
			return err
		})
	}()
	<-locked
	appendOne := func(s *Store, ctx context.Context) error {
		return s.Audit().Update(ctx, func(tx audit.Tx) error {
			_, err := audit.Append(tx, audit.Options{Keys: k}, audittest.Entry(2))
			return err
		})
	}
	start := time.Now()
	err := appendOne(f.open(t, Options{LockTimeout: 200 * time.Millisecond}), context.Background())
	if !errors.Is(err, ErrBusy) || time.Since(start) > 5*time.Second {
		t.Errorf("with a lock timeout: %v after %v", err, time.Since(start))
	}
	waiter := f.open(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = appendOne(waiter, ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("with a deadline: %v after %v", err, time.Since(start))
	}
	// Readers do not wait for the writer.
	ctx, cancel = context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := waiter.Audit().View(ctx, func(r audit.Reader) error { _, err := r.Head(); return err }); err != nil {
		t.Errorf("view while locked: %v", err)
	}
	// Once the holder commits, the waiter appends after it.
	go func() {
		time.Sleep(100 * time.Millisecond)
		close(release)
	}()
	if err := appendOne(waiter, context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rep := verifyT(t, waiter.Audit(), k); rep.Records != 2 {
		t.Fatalf("%d records", rep.Records)
	}
}

// TestOpenConcurrent: processes opening a new schema at once migrate it
// once.
func TestOpenConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := Open(context.Background(), f.dsn, Options{Schema: f.schema})
			if err != nil {
				errs <- err
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n, v int
	err := f.raw.QueryRow(context.Background(), `SELECT count(*), max(version) FROM ward_schema`).Scan(&n, &v)
	if err != nil || n != len(migrations()) || v != len(migrations()) {
		t.Fatalf("ward_schema: %d rows up to %d: %v", n, v, err)
	}
}

func TestTooNew(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.open(t, Options{})
	if err := f.exec(context.Background(), `INSERT INTO ward_schema VALUES (99, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), f.dsn, Options{Schema: f.schema})
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("open: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	for _, tt := range []struct {
		name, dsn, schema, want string
	}{
		{"malformed DSN", "postgres://u:hunter2@host:notaport/db", "", "malformed"},
		{"long schema", dsn, strings.Repeat("s", 64), "longer than 63"},
		{"NUL in schema", dsn, "a\x00b", "NUL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(context.Background(), tt.dsn, Options{Schema: tt.schema})
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestOddSchemaName: the schema's name is quoted wherever it is used.
func TestOddSchemaName(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// The fixture drops the schema named in f.schema when the test ends.
	f.schema = `Ward "odd"; name ` + f.schema[len("ward_test_"):]
	s := f.open(t, Options{})
	k := audittest.Keys(t)
	audittest.Fill(t, s.Audit(), audit.Options{Keys: k, CheckpointEvery: 3}, 10, 4)
	verifyT(t, f.open(t, Options{}).Audit(), k)
}

// TestStateRow: a deleted or damaged state row is reported, and never
// makes Append fork the chain or panic.
func TestStateRow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	s := f.open(t, Options{})
	k := audittest.Keys(t)
	opts := audit.Options{Keys: k}
	audittest.Fill(t, s.Audit(), opts, 10, 5)

	if err := f.exec(context.Background(), `UPDATE audit_state SET frontier = substr(frontier, 3)`); err != nil {
		t.Fatal(err)
	}
	err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
		_, err := audit.Append(tx, opts, audittest.Entry(11))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "frontier is damaged") {
		t.Fatalf("append on a damaged frontier: %v", err)
	}

	if err := f.exec(context.Background(), `DELETE FROM audit_state`); err != nil {
		t.Fatal(err)
	}
	rep := audittest.Verify(t, s.Audit(), k, nil)
	if rep.OK() || rep.Problems[0].Kind != audit.ProblemHead {
		t.Fatalf("verify without a state: %+v", rep)
	}
	err = s.Audit().Update(context.Background(), func(tx audit.Tx) error {
		_, err := audit.Append(tx, opts, audittest.Entry(11))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "insert record 1") {
		t.Fatalf("append over a lost head: %v", err)
	}
	if recs := scanAll(t, s.Audit(), 1); len(recs) != 10 {
		t.Fatalf("%d records", len(recs))
	}
}

// TestTxScope: a transaction's methods fail after it ends, and View's
// reader cannot write.
func TestTxScope(t *testing.T) {
	t.Parallel()
	s := newFixture(t).open(t, Options{})
	var kept audit.Tx
	s.Audit().Update(context.Background(), func(tx audit.Tx) error { kept = tx; return nil })
	if _, err := kept.Head(); !errors.Is(err, errDone) {
		t.Errorf("head after the end: %v", err)
	}
	if err := kept.Insert(&audit.Record{Seq: 1}); !errors.Is(err, errDone) {
		t.Errorf("insert after the end: %v", err)
	}
	s.Audit().View(context.Background(), func(r audit.Reader) error {
		if _, ok := r.(audit.Tx); ok {
			t.Error("View's reader is an audit.Tx")
		}
		return nil
	})
}

// TestTextLimits: PostgreSQL's TEXT holds neither NUL nor invalid UTF-8,
// which SQLite's does; audit.Append cleans both before sealing, so such
// an entry is recorded on every backend, with U+FFFD in their place, and
// the log verifies.
func TestTextLimits(t *testing.T) {
	t.Parallel()
	s := newFixture(t).open(t, Options{})
	k := audittest.Keys(t)
	opts := audit.Options{Keys: k}
	err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
		_, err := audit.Append(tx, opts, audit.Entry{Agent: "a", Reason: "nul\x00byte"}, audit.Entry{Agent: "a", Cwd: "bad \xff utf-8"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	recs := scanAll(t, s.Audit(), 1)
	if len(recs) != 2 || recs[0].Reason != "nul\uFFFDbyte" || recs[1].Cwd != "bad \uFFFD utf-8" {
		t.Fatalf("records %+v", recs)
	}
	if rep := audittest.Verify(t, s.Audit(), k, nil); !rep.OK() {
		t.Fatal(rep.Problems)
	}
}
