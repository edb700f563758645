// Package audittest is the conformance suite every audit.Backend passes:
// appending, checkpoints, queries, archives, concurrent appenders, and
// every kind of tampering that Verify must catch, done with raw SQL as
// an attacker with write access to the database would.
package audittest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
)

// Harness is one backend under test.
type Harness struct {
	Backend audit.Backend
	// Exec runs a raw SQL statement against the store's tables, with ?
	// placeholders (a PostgreSQL harness rewrites them).
	Exec func(ctx context.Context, query string, args ...any) error
	// Reopen returns another Backend over the same data, as another
	// process would open it.
	Reopen func(t *testing.T) audit.Backend
}

// Run runs the suite; open makes an empty log for each test.
func Run(t *testing.T, open func(t *testing.T) *Harness) {
	t.Run("AppendVerify", func(t *testing.T) { testAppendVerify(t, open(t)) })
	t.Run("Tamper", func(t *testing.T) { testTamper(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
	t.Run("Query", func(t *testing.T) { testQuery(t, open(t)) })
	t.Run("Archive", func(t *testing.T) { testArchive(t, open(t)) })
	t.Run("Empty", func(t *testing.T) { testEmpty(t, open(t)) })
}

// Keys returns keys made in a temporary directory.
func Keys(t testing.TB) *audit.Keys {
	k, err := audit.LoadKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Entry returns the i-th entry of a test log: decisions, agents, rules
// and findings vary with i, so queries have something to select.
func Entry(i int) audit.Entry {
	decisions := []string{"allow", "deny", "ask"}
	agents := []string{"claude-code", "codex", "cursor"}
	findings := `[]`
	if i%5 == 0 {
		findings = `[{"id":"secret.aws_access_key","severity":"critical","message":"AWS key"}]`
	} else if i%7 == 0 {
		findings = `[{"id":"fs.delete.recursive","severity":"high","message":"recursive delete"}]`
	}
	return audit.Entry{
		Time:      time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
		EventID:   fmt.Sprintf("ev-%d", i),
		Agent:     agents[i%3],
		Session:   fmt.Sprintf("s-%d", i%4),
		Tool:      "Bash",
		Phase:     "pre",
		Cwd:       "/home/user/project",
		Action:    json.RawMessage(fmt.Sprintf(`{"kind":"shell","command":"echo %d \u003c\u0026 \"quoted\""}`, i)),
		Findings:  json.RawMessage(findings),
		Decision:  decisions[i%3],
		Rule:      fmt.Sprintf("rule-%d", i%6),
		Reason:    fmt.Sprintf("reason %d: é ✓", i),
		Policy:    "sha256:abc",
		LatencyUS: int64(100 + i),
	}
}

// clock is the time of the test log's entries, so that checkpoints
// fall by count, not age.
func clock() time.Time { return Entry(1).Time }

// Fill appends n entries in batches of batch.
func Fill(t testing.TB, b audit.Backend, opts audit.Options, n, batch int) {
	t.Helper()
	if opts.Now == nil {
		opts.Now = clock
	}
	for i := 0; i < n; {
		var es []audit.Entry
		for ; i < n && len(es) < batch; i++ {
			es = append(es, Entry(i+1))
		}
		err := b.Update(context.Background(), func(tx audit.Tx) error {
			_, err := audit.Append(tx, opts, es...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Verify verifies b with keys.
func Verify(t testing.TB, b audit.Backend, k *audit.Keys, archived func(func(*audit.Record) error) error) *audit.Report {
	t.Helper()
	var rep *audit.Report
	err := b.View(context.Background(), func(r audit.Reader) error {
		var err error
		rep, err = audit.Verify(context.Background(), r, audit.VerifyOptions{MAC: k.MAC, Verifier: k.Verifier, Archived: archived})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func testAppendVerify(t *testing.T, h *Harness) {
	k := Keys(t)
	opts := audit.Options{Keys: k, CheckpointEvery: 1000}
	Fill(t, h.Backend, opts, 2500, 250)
	rep := Verify(t, h.Backend, k, nil)
	if !rep.OK() || rep.Records != 2500 || rep.Valid != 2500 || rep.Checkpoints != 2 || rep.Signed != 2 || !rep.MACs {
		t.Fatalf("report %+v", rep)
	}
	// What was read back is what was written.
	var got []audit.Record
	h.Backend.View(context.Background(), func(r audit.Reader) error {
		return r.Scan(1, func(r *audit.Record) error { got = append(got, *r); return nil })
	})
	if len(got) != 2500 {
		t.Fatalf("scanned %d records", len(got))
	}
	want := audit.Seal(audit.Head{}, Entry(1), k.MAC)
	if g := got[0]; !bytes.Equal(g.Canonical(), want.Canonical()) || g.Hash != want.Hash || g.MAC != want.MAC {
		t.Fatalf("record 1 read back differs:\n%+v\n%+v", g, want)
	}
	// Without the MAC key, the chain and checkpoints are still checked.
	var rep2 *audit.Report
	h.Backend.View(context.Background(), func(r audit.Reader) error {
		rep2, _ = audit.Verify(context.Background(), r, audit.VerifyOptions{Verifier: k.Verifier})
		return nil
	})
	if !rep2.OK() || rep2.MACs || rep2.Checkpoints != 2 {
		t.Fatalf("report without key %+v", rep2)
	}
}

// tamper is one attack on a log of 50 records with checkpoints at 20 and
// 40, and where Verify must first see it.
type tamper struct {
	name  string
	why   string
	do    func(t *testing.T, h *Harness, k *audit.Keys)
	seq   uint64
	kinds []string
}

func exec(t *testing.T, h *Harness, q string, args ...any) {
	t.Helper()
	if err := h.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func tampers() []tamper {
	return []tamper{
		{"edit reason", "an agent hides what it did by rewording the record", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit SET reason = ? WHERE seq = ?`, "nothing to see", 17)
		}, 17, []string{audit.ProblemChanged}},
		{"edit decision", "a deny turned into an allow", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit SET decision = ? WHERE seq = ?`, "allow", 32)
		}, 32, []string{audit.ProblemChanged}},
		{"edit action", "the recorded command replaced", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit SET action = ? WHERE seq = ?`, `{"kind":"shell","command":"ls"}`, 3)
		}, 3, []string{audit.ProblemChanged}},
		{"edit and rehash without the key", "the attacker recomputes the chain but cannot seal it", func(t *testing.T, h *Harness, k *audit.Keys) {
			rehash(t, h, 10, []byte("not the key, 32 bytes long......"))
		}, 10, []string{audit.ProblemNotSealed}},
		{"delete", "a record removed from the middle", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `DELETE FROM audit WHERE seq = ?`, 25)
		}, 25, []string{audit.ProblemMissing}},
		{"delete and renumber", "a record removed and the later ones renumbered to close the gap", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `DELETE FROM audit WHERE seq = ?`, 25)
			exec(t, h, `UPDATE audit SET seq = seq + 1000 WHERE seq > ?`, 25)
			exec(t, h, `UPDATE audit SET seq = seq - 1001 WHERE seq > ?`, 1000)
		}, 25, []string{audit.ProblemLink, audit.ProblemChanged}},
		{"insert in the middle", "a forged record slipped in, later ones renumbered", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit SET seq = seq + 1000 WHERE seq >= ?`, 20)
			exec(t, h, `UPDATE audit SET seq = seq - 999 WHERE seq > ?`, 1000)
			insertCopy(t, h, 19, 20)
		}, 20, []string{audit.ProblemLink, audit.ProblemChanged}},
		{"insert at the end", "a forged record appended without ward", func(t *testing.T, h *Harness, k *audit.Keys) {
			insertCopy(t, h, 50, 51)
		}, 51, []string{audit.ProblemChanged, audit.ProblemHead}},
		{"reorder", "two records swapped", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit SET seq = ? WHERE seq = ?`, 10_000, 12)
			exec(t, h, `UPDATE audit SET seq = ? WHERE seq = ?`, 12, 13)
			exec(t, h, `UPDATE audit SET seq = ? WHERE seq = ?`, 13, 10_000)
		}, 12, []string{audit.ProblemChanged, audit.ProblemLink}},
		{"truncate the tail", "the last records cut", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `DELETE FROM audit WHERE seq > ?`, 45)
		}, 46, []string{audit.ProblemTruncated}},
		{"truncate and rewind the head", "the last records cut and the head moved back to match", func(t *testing.T, h *Harness, k *audit.Keys) {
			var last audit.Record
			h.Backend.View(context.Background(), func(r audit.Reader) error {
				return r.Scan(35, func(r *audit.Record) error { last = *r; return errStop })
			})
			exec(t, h, `DELETE FROM audit WHERE seq > ?`, 35)
			err := h.Backend.Update(context.Background(), func(tx audit.Tx) error {
				return tx.SetHead(audit.Head{Seq: 35, Hash: last.Hash})
			})
			if err != nil {
				t.Fatal(err)
			}
		}, 36, []string{audit.ProblemTruncated}},
		{"forge a checkpoint", "the checkpoint's stored root replaced", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit_checkpoints SET root = ? WHERE size = ?`, make([]byte, 32), 20)
		}, 20, []string{audit.ProblemCheckpoint}},
		{"corrupt a hash column", "a value of the wrong type where a hash belongs", func(t *testing.T, h *Harness, k *audit.Keys) {
			exec(t, h, `UPDATE audit SET hash = ? WHERE seq = ?`, []byte("short"), 8)
		}, 8, []string{audit.ProblemChanged}},
	}
}

var errStop = fmt.Errorf("stop")

// rehash rewrites records from seq on with a changed reason, a chain
// recomputed and sealed with key.
func rehash(t *testing.T, h *Harness, from uint64, key []byte) {
	var recs []audit.Record
	h.Backend.View(context.Background(), func(r audit.Reader) error {
		return r.Scan(from-1, func(r *audit.Record) error { recs = append(recs, *r); return nil })
	})
	head := audit.Head{Seq: recs[0].Seq, Hash: recs[0].Hash}
	for _, r := range recs[1:] {
		e := r.Entry
		if r.Seq == from {
			e.Reason = "rewritten"
		}
		n := audit.Seal(head, e, key)
		exec(t, h, `UPDATE audit SET reason = ?, prev = ?, hash = ?, mac = ? WHERE seq = ?`, n.Reason, n.Prev[:], n.Hash[:], n.MAC[:], n.Seq)
		head = audit.Head{Seq: n.Seq, Hash: n.Hash}
	}
}

// insertCopy inserts a copy of record from as record at.
func insertCopy(t *testing.T, h *Harness, from, at uint64) {
	exec(t, h, `INSERT INTO audit (seq, time, event_id, agent, session, tool, phase, cwd, action, findings,
		decision, rule, reason, policy, latency_us, approver, prev, hash, mac)
		SELECT ?, time, event_id, agent, session, tool, phase, cwd, action, findings,
		decision, rule, 'forged', policy, latency_us, approver, hash, hash, mac FROM audit WHERE seq = ?`, at, from)
}

func testTamper(t *testing.T, open func(t *testing.T) *Harness) {
	for _, tc := range tampers() {
		t.Run(tc.name, func(t *testing.T) {
			h := open(t)
			k := Keys(t)
			Fill(t, h.Backend, audit.Options{Keys: k, CheckpointEvery: 20}, 50, 10)
			if rep := Verify(t, h.Backend, k, nil); !rep.OK() {
				t.Fatalf("before tampering: %v", rep.Problems)
			}
			tc.do(t, h, k)
			rep := Verify(t, h.Backend, k, nil)
			if rep.OK() {
				t.Fatalf("%s (%s): verify passed", tc.name, tc.why)
			}
			p := rep.Problems[0]
			if p.Seq != tc.seq || !slices.Contains(tc.kinds, p.Kind) {
				t.Fatalf("%s (%s): first problem %v, want record %d, one of %v\nall: %v", tc.name, tc.why, p, tc.seq, tc.kinds, rep.Problems)
			}
			if p.Kind != audit.ProblemCheckpoint && rep.Valid >= tc.seq {
				t.Fatalf("valid prefix %d reaches the tampered record %d", rep.Valid, tc.seq)
			}
		})
	}
}

func testConcurrent(t *testing.T, h *Harness) {
	k := Keys(t)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		b := h.Reopen(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := b.Update(context.Background(), func(tx audit.Tx) error {
					_, err := audit.Append(tx, audit.Options{Keys: k, CheckpointEvery: 64}, Entry(w*each+i))
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep := Verify(t, h.Backend, k, nil)
	if !rep.OK() || rep.Records != writers*each || rep.Last != writers*each {
		t.Fatalf("after %d concurrent appends: %+v", writers*each, rep)
	}
	seen := map[string]bool{}
	h.Backend.View(context.Background(), func(r audit.Reader) error {
		return r.Scan(1, func(r *audit.Record) error { seen[r.EventID] = true; return nil })
	})
	if len(seen) != writers*each {
		t.Fatalf("%d distinct events recorded, want %d", len(seen), writers*each)
	}
}

func testQuery(t *testing.T, h *Harness) {
	k := Keys(t)
	Fill(t, h.Backend, audit.Options{Keys: k}, 120, 60)
	count := func(keep func(audit.Entry) bool) int {
		n := 0
		for i := 1; i <= 120; i++ {
			if keep(Entry(i)) {
				n++
			}
		}
		return n
	}
	base := Entry(1).Time
	tests := []struct {
		name string
		f    audit.Filter
		keep func(audit.Entry) bool
	}{
		{"all", audit.Filter{Limit: 1000}, func(audit.Entry) bool { return true }},
		{"session", audit.Filter{Session: "s-2", Limit: 1000}, func(e audit.Entry) bool { return e.Session == "s-2" }},
		{"agent and decision", audit.Filter{Agent: "codex", Decision: "deny", Limit: 1000}, func(e audit.Entry) bool { return e.Agent == "codex" && e.Decision == "deny" }},
		{"rule", audit.Filter{Rule: "rule-3", Limit: 1000}, func(e audit.Entry) bool { return e.Rule == "rule-3" }},
		{"finding exact", audit.Filter{Finding: "secret.aws_access_key", Limit: 1000}, func(e audit.Entry) bool { return bytes.Contains(e.Findings, []byte("secret.aws")) }},
		{"finding prefix", audit.Filter{Finding: "fs.*", Limit: 1000}, func(e audit.Entry) bool { return bytes.Contains(e.Findings, []byte(`"fs.`)) }},
		{"finding no partial id", audit.Filter{Finding: "secret.aws", Limit: 1000}, func(audit.Entry) bool { return false }},
		{"time range", audit.Filter{Since: base.Add(10 * time.Second), Until: base.Add(20 * time.Second), Limit: 1000},
			func(e audit.Entry) bool {
				return !e.Time.Before(base.Add(10*time.Second)) && e.Time.Before(base.Add(20*time.Second))
			}},
		{"tool none", audit.Filter{Tool: "Write", Limit: 1000}, func(audit.Entry) bool { return false }},
	}
	for _, tt := range tests {
		var got []audit.Record
		err := h.Backend.View(context.Background(), func(r audit.Reader) error {
			var err error
			got, err = r.Query(tt.f)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := count(tt.keep); len(got) != want {
			t.Errorf("%s: %d records, want %d", tt.name, len(got), want)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Seq >= got[i-1].Seq {
				t.Errorf("%s: not newest first", tt.name)
				break
			}
		}
	}
	var page []audit.Record
	h.Backend.View(context.Background(), func(r audit.Reader) error {
		page, _ = r.Query(audit.Filter{After: 10, Limit: 5, Oldest: true})
		return nil
	})
	if len(page) != 5 || page[0].Seq != 11 || page[4].Seq != 15 {
		t.Errorf("oldest after 10, limit 5: %d records from %d", len(page), page[0].Seq)
	}
}

func testArchive(t *testing.T, h *Harness) {
	k := Keys(t)
	opts := audit.Options{Keys: k, CheckpointEvery: 20}
	Fill(t, h.Backend, opts, 50, 10)
	var first, second bytes.Buffer
	n, err := audit.Archive(context.Background(), h.Backend, 15, &first, k.MAC)
	if err != nil || n != 15 {
		t.Fatalf("archive: %d, %v", n, err)
	}
	n, err = audit.Archive(context.Background(), h.Backend, 30, &second, k.MAC)
	if err != nil || n != 15 {
		t.Fatalf("second archive: %d, %v", n, err)
	}
	Fill(t, h.Backend, opts, 30, 10) // the chain goes on after an archive
	rep := Verify(t, h.Backend, k, nil)
	if !rep.OK() || rep.First != 31 || rep.Last != 80 || rep.Checkpoints != 3 {
		t.Fatalf("kept records alone: %+v", rep)
	}
	rep = Verify(t, h.Backend, k, audit.ReadArchive(bytes.NewReader(first.Bytes()), bytes.NewReader(second.Bytes())))
	if !rep.OK() || rep.First != 1 || rep.Last != 80 || rep.Checkpoints != 4 {
		t.Fatalf("with the archives: %+v", rep)
	}
	// An archive edited afterwards does not verify.
	edited := bytes.Replace(second.Bytes(), []byte(`"decision":"deny"`), []byte(`"decision":"allow"`), 1)
	rep = Verify(t, h.Backend, k, audit.ReadArchive(bytes.NewReader(first.Bytes()), bytes.NewReader(edited)))
	if rep.OK() || rep.Problems[0].Kind != audit.ProblemChanged || rep.Problems[0].Seq <= 15 || rep.Problems[0].Seq > 30 {
		t.Fatalf("edited archive: %+v", rep)
	}
	// Archives missing: the log does not start where they end.
	rep = Verify(t, h.Backend, k, audit.ReadArchive(bytes.NewReader(first.Bytes())))
	if rep.OK() {
		t.Fatal("log verified with an archive missing")
	}
}

func testEmpty(t *testing.T, h *Harness) {
	k := Keys(t)
	rep := Verify(t, h.Backend, k, nil)
	if !rep.OK() || rep.Records != 0 {
		t.Fatalf("empty log: %+v", rep)
	}
	err := h.Backend.Update(context.Background(), func(tx audit.Tx) error {
		c, err := audit.SignCheckpoint(tx, audit.Options{Keys: k})
		if c != nil {
			t.Errorf("checkpoint of an empty log: %+v", c)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
