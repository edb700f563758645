package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/audittest"
)

// BenchmarkAppend appends through audit.Append, batch records to a
// transaction (checkpoints every 1000 records included); parallel is
// eight appenders, each with its own Store, taking turns at the lock.
func BenchmarkAppend(b *testing.B) {
	for _, bc := range []struct {
		batch    int
		parallel bool
	}{{1, false}, {500, false}, {1, true}} {
		name := fmt.Sprintf("batch=%d", bc.batch)
		if bc.parallel {
			name += "/parallel"
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b)
			s := f.open(b, Options{})
			opts := audit.Options{Keys: audittest.Keys(b)}
			es := make([]audit.Entry, bc.batch)
			for i := range es {
				es[i] = audittest.Entry(i + 1)
			}
			appendBatch := func(s *Store) {
				err := s.Audit().Update(context.Background(), func(tx audit.Tx) error {
					_, err := audit.Append(tx, opts, es...)
					return err
				})
				if err != nil {
					b.Error(err)
				}
			}
			b.ReportAllocs()
			if bc.parallel {
				// At least eight goroutines, sharing eight Stores.
				var stores [8]*Store
				for i := range stores {
					stores[i] = f.open(b, Options{})
				}
				procs := runtime.GOMAXPROCS(0)
				b.SetParallelism((len(stores) + procs - 1) / procs)
				var next atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					s := stores[next.Add(1)%int64(len(stores))]
					for pb.Next() {
						appendBatch(s)
					}
				})
			} else {
				for b.Loop() {
					appendBatch(s)
				}
			}
			b.ReportMetric(float64(b.N*bc.batch)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkQuerySession queries a log of WARD_BENCH_RECORDS records
// (default 1,000,000, rounded down to a multiple of 800) bulk-loaded with
// COPY: sessions of 100 decisions, eight at a time interleaved. verify
// reads and checks the whole log.
func BenchmarkQuerySession(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("WARD_BENCH_RECORDS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 800 {
			b.Fatalf("WARD_BENCH_RECORDS=%q: want a number of at least 800", v)
		}
	}
	n -= n % 800 // whole blocks of eight sessions
	f := newFixture(b)
	s := f.open(b, Options{})
	k := audittest.Keys(b)
	start := time.Now()
	bulkLoad(b, f, k, n)
	b.Logf("loaded %d records in %v", n, time.Since(start).Round(time.Millisecond))
	sessions := n / 100
	query := func(b *testing.B, filter func(i int) audit.Filter, want int) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			err := s.Audit().View(context.Background(), func(r audit.Reader) error {
				recs, err := r.Query(filter(i))
				if err == nil && want >= 0 && len(recs) != want {
					err = fmt.Errorf("%d records, want %d", len(recs), want)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("session", func(b *testing.B) {
		query(b, func(i int) audit.Filter {
			return audit.Filter{Session: benchSession((i * 7919) % sessions)}
		}, 100)
	})
	b.Run("session-deny", func(b *testing.B) {
		query(b, func(i int) audit.Filter {
			return audit.Filter{Session: benchSession((i * 7919) % sessions), Decision: "deny"}
		}, -1)
	})
	b.Run("session-page", func(b *testing.B) {
		// The second page of 20, oldest first.
		query(b, func(i int) audit.Filter {
			sess := (i * 7919) % sessions
			return audit.Filter{Session: benchSession(sess), After: uint64(sess/8*800 + 160), Limit: 20, Oldest: true}
		}, 20)
	})
	b.Run("newest-finding", func(b *testing.B) {
		query(b, func(int) audit.Filter { return audit.Filter{Finding: "secret.*"} }, min(100, n/20))
	})
	b.Run("finding-none", func(b *testing.B) {
		// No match: every record's findings are searched.
		query(b, func(int) audit.Filter { return audit.Filter{Finding: "nothing.*"} }, 0)
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			rep := audittest.Verify(b, s.Audit(), k, nil)
			if !rep.OK() || rep.Records != uint64(n) {
				b.Fatalf("verify: %+v", rep)
			}
		}
		b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "records/s")
	})
}

func benchSession(i int) string { return "s-" + strconv.Itoa(i) }

// benchEntry is record i of the large log: session (i-1)/800*8 + (i-1)%8,
// so that eight sessions of 100 records run at once.
func benchEntry(i int, at time.Time) audit.Entry {
	e := audittest.Entry(i)
	e.Time = at.Add(time.Duration(i) * 50 * time.Millisecond)
	e.Session = benchSession((i-1)/800*8 + (i-1)%8)
	e.Findings = json.RawMessage(`[]`)
	if i%20 == 0 {
		e.Findings = json.RawMessage(`[{"id":"secret.github_token","severity":"critical","message":"GitHub token"}]`)
	}
	return e
}

// bulkLoad writes n sealed records with COPY, and the head and frontier
// that go with them, as Append would have.
func bulkLoad(b *testing.B, f *fixture, k *audit.Keys, n int) {
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var head audit.Head
	var fr audit.Frontier
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		i++
		r := audit.Seal(head, benchEntry(i, at), k.MAC)
		fr.Add(r.LeafHash())
		head = audit.Head{Seq: r.Seq, Hash: r.Hash}
		return []any{int64(r.Seq), r.Time.UnixMicro(), r.EventID, r.Agent, r.Session, r.Tool, r.Phase, r.Cwd,
			string(r.Action), string(r.Findings), r.Decision, r.Rule, r.Reason, r.Policy, r.LatencyUS, r.Approver,
			r.Prev[:], r.Hash[:], r.MAC[:]}, nil
	})
	cols := strings.Fields(strings.ReplaceAll(columns, ",", " "))
	if _, err := f.raw.CopyFrom(ctx, pgx.Identifier{"audit"}, cols, src); err != nil {
		b.Fatal(err)
	}
	_, err := f.raw.Exec(ctx, `UPDATE audit_state SET head_seq = $1, head_hash = $2, frontier_size = $3, frontier = $4`,
		int64(head.Seq), head.Hash[:], int64(fr.Size), frontierBytes(fr))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.raw.Exec(ctx, `VACUUM ANALYZE audit`); err != nil {
		b.Fatal(err)
	}
}
