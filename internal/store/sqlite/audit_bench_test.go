package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/audittest"
)

// BenchmarkAuditAppend appends records in batches of 500, each batch one
// durable transaction, as a daemon does.
func BenchmarkAuditAppend(b *testing.B) {
	s := openT(b, filepath.Join(b.TempDir(), "state.db"), Options{})
	opts := audit.Options{Keys: audittest.Keys(b)}
	batch := make([]audit.Entry, 500)
	for i := range batch {
		batch[i] = audittest.Entry(i)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
			_, err := audit.Append(tx, opts, batch...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		n += len(batch)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkAuditAppendOne is one record per transaction, as a hook
// process appends its decision (on a warm store).
func BenchmarkAuditAppendOne(b *testing.B) {
	s := openT(b, filepath.Join(b.TempDir(), "state.db"), Options{})
	opts := audit.Options{Keys: audittest.Keys(b)}
	e := audittest.Entry(1)
	for b.Loop() {
		err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
			_, err := audit.Append(tx, opts, e)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// bigLog returns a log of n records, made once and kept in
// $WARD_BENCH_DIR (default the temporary directory) between runs.
func bigLog(b *testing.B, n int) (*Store, *audit.Keys) {
	dir := os.Getenv("WARD_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ward-audit-bench")
	}
	dir = filepath.Join(dir, strconv.Itoa(n))
	keys, err := audit.LoadKeys(filepath.Join(dir, "keys"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := Open(context.Background(), filepath.Join(dir, "state.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var head audit.Head
	s.Audit().View(context.Background(), func(r audit.Reader) error { head, err = r.Head(); return err })
	if head.Seq >= uint64(n) {
		return s, keys
	}
	b.Logf("making a log of %d records in %s", n, dir)
	opts := audit.Options{Keys: keys, Now: func() time.Time { return audittest.Entry(1).Time }}
	for i := int(head.Seq); i < n; {
		batch := make([]audit.Entry, 0, 5000)
		for ; i < n && len(batch) < 5000; i++ {
			batch = append(batch, audittest.Entry(i+1))
		}
		err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
			_, err := audit.Append(tx, opts, batch...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s, keys
}

// BenchmarkAuditVerify1M verifies a log of a million records.
func BenchmarkAuditVerify1M(b *testing.B) {
	if testing.Short() {
		b.Skip("makes a million records")
	}
	s, keys := bigLog(b, 1_000_000)
	// As ward audit verify runs (internal/cli, lessGC).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	b.ResetTimer()
	for b.Loop() {
		err := s.Audit().View(context.Background(), func(r audit.Reader) error {
			rep, err := audit.Verify(context.Background(), r, audit.VerifyOptions{MAC: keys.MAC, Verifier: keys.Verifier})
			if err == nil && (!rep.OK() || rep.Records != 1_000_000) {
				b.Fatalf("report %+v", rep)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuditQuerySession finds the newest 100 records of one session
// in a log of a million.
func BenchmarkAuditQuerySession(b *testing.B) {
	if testing.Short() {
		b.Skip("makes a million records")
	}
	s, _ := bigLog(b, 1_000_000)
	b.ResetTimer()
	for b.Loop() {
		err := s.Audit().View(context.Background(), func(r audit.Reader) error {
			recs, err := r.Query(audit.Filter{Session: "s-3", Limit: 100})
			if err == nil && len(recs) != 100 {
				b.Fatalf("%d records", len(recs))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
