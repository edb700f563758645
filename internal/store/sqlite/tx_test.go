package sqlite

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agentward/ward/session"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func TestSessions(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	s.now = func() time.Time { return at(100) }
	local := time.FixedZone("X", 3600)
	update(t, s, func(tx session.Tx) error {
		for _, c := range []struct {
			id, agent, cwd string
			synthetic      bool
			at             time.Time
		}{
			{"a", "claude-code", "/one", false, at(1)},
			{"b", "codex", "/two", true, at(2)},
			{"a", "claude-code", "/three", false, at(3).In(local)},
			{"c", "claude-code", "", false, at(4)},
			{"a", "", "", true, at(0)},                  // late: seen stays, empty agent and cwd kept
			{"d", "codex", "/four", false, time.Time{}}, // zero time: now
		} {
			if err := tx.Touch(c.id, c.agent, c.cwd, c.synthetic, c.at); err != nil {
				return err
			}
		}
		return tx.SetStatus("b", session.Change{Status: session.Stopped, Reason: "looping", By: "alice", At: at(5)})
	})
	want := map[string]session.Info{
		"a": {ID: "a", Agent: "claude-code", Cwd: "/three", Status: session.Active, Created: at(1), Seen: at(3), Events: 3},
		"b": {ID: "b", Agent: "codex", Cwd: "/two", Synthetic: true, Status: session.Stopped, Created: at(2), Seen: at(2), Events: 1,
			Change: &session.Change{Status: session.Stopped, Reason: "looping", By: "alice", At: at(5)}},
		"c": {ID: "c", Agent: "claude-code", Status: session.Active, Created: at(4), Seen: at(4), Events: 1},
		"d": {ID: "d", Agent: "codex", Cwd: "/four", Status: session.Active, Created: at(100), Seen: at(100), Events: 1},
	}
	view(t, s, func(tx session.Tx) error {
		for id, w := range want {
			got, err := tx.Session(id)
			if err != nil {
				t.Errorf("Session(%s): %v", id, err)
				continue
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("Session(%s) =\n%+v, want\n%+v", id, got, w)
			}
			if got.Seen.Location() != time.UTC || got.Created.Location() != time.UTC {
				t.Errorf("Session(%s): times not in UTC", id)
			}
		}
		if _, err := tx.Session("nope"); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("Session(unknown): %v, want ErrNotFound", err)
		}
		for _, c := range []struct {
			name string
			f    session.Filter
			want []string
		}{
			{"all", session.Filter{}, []string{"d", "c", "a", "b"}},
			{"agent", session.Filter{Agent: "codex"}, []string{"d", "b"}},
			{"status", session.Filter{Status: session.Stopped}, []string{"b"}},
			{"active", session.Filter{Status: session.Active}, []string{"d", "c", "a"}},
			{"since", session.Filter{Since: at(3)}, []string{"d", "c", "a"}},
			{"limit", session.Filter{Limit: 2}, []string{"d", "c"}},
			{"negative limit", session.Filter{Limit: -1}, []string{"d", "c", "a", "b"}},
			{"combined", session.Filter{Agent: "claude-code", Since: at(4)}, []string{"c"}},
			{"none", session.Filter{Agent: "gemini-cli"}, nil},
		} {
			got, err := tx.Sessions(c.f)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			var ids []string
			for _, in := range got {
				ids = append(ids, in.ID)
			}
			if !reflect.DeepEqual(ids, c.want) {
				t.Errorf("%s: Sessions(%+v) = %v, want %v", c.name, c.f, ids, c.want)
			}
		}
		return nil
	})
}

func TestSessionsLimit(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	update(t, s, func(tx session.Tx) error {
		for i := range MaxList + 5 {
			if err := tx.Touch(fmt.Sprint(i), "a", "", false, at(i)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx session.Tx) error {
		for _, c := range []struct{ limit, want int }{{0, DefaultList}, {7, 7}, {MaxList + 1, MaxList}, {1 << 30, MaxList}} {
			got, err := tx.Sessions(session.Filter{Limit: c.limit})
			if err != nil {
				return err
			}
			if len(got) != c.want {
				t.Errorf("Limit %d: %d sessions, want %d", c.limit, len(got), c.want)
			}
			if len(got) > 0 && got[0].ID != fmt.Sprint(MaxList+4) {
				t.Errorf("Limit %d: first is %s, want the newest", c.limit, got[0].ID)
			}
		}
		return nil
	})
}

func TestStatus(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	s.now = func() time.Time { return at(50) }
	update(t, s, func(tx session.Tx) error {
		if err := tx.SetStatus("ghost", session.Change{Status: session.Killed}); !errors.Is(err, session.ErrNotFound) {
			t.Errorf("SetStatus(unknown): %v, want ErrNotFound", err)
		}
		if err := tx.Touch("s", "codex", "", false, at(1)); err != nil {
			return err
		}
		if err := tx.SetStatus("s", session.Change{Status: "paused"}); err == nil {
			t.Error("SetStatus accepted an unknown status")
		}
		if err := tx.SetAgentStatus("codex", session.Change{Status: "paused"}); err == nil {
			t.Error("SetAgentStatus accepted an unknown status")
		}
		if c, err := tx.AgentStatus("codex"); err != nil || c != nil {
			t.Errorf("AgentStatus before any: %v, %v; want nil, nil", c, err)
		}
		if err := tx.SetStatus("s", session.Change{Status: session.Killed, Reason: "rm -rf", By: "bob"}); err != nil {
			return err
		}
		if err := tx.SetAgentStatus("codex", session.Change{Status: session.Stopped, Reason: "r1", By: "carol", At: at(7)}); err != nil {
			return err
		}
		return tx.SetAgentStatus("codex", session.Change{Status: session.Stopped, Reason: "r2", By: "dave", At: at(8)})
	})
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session("s")
		if err != nil {
			return err
		}
		want := &session.Change{Status: session.Killed, Reason: "rm -rf", By: "bob", At: at(50)}
		if in.Status != session.Killed || !reflect.DeepEqual(in.Change, want) {
			t.Errorf("session after SetStatus: %+v %+v, want %+v", in.Status, in.Change, want)
		}
		c, err := tx.AgentStatus("codex")
		if err != nil {
			return err
		}
		if want := (&session.Change{Status: session.Stopped, Reason: "r2", By: "dave", At: at(8)}); !reflect.DeepEqual(c, want) {
			t.Errorf("AgentStatus = %+v, want %+v", c, want)
		}
		if c, err := tx.AgentStatus("claude-code"); err != nil || c != nil {
			t.Errorf("AgentStatus(other agent) = %v, %v", c, err)
		}
		return nil
	})
	// Resuming: an empty status means active.
	update(t, s, func(tx session.Tx) error { return tx.SetStatus("s", session.Change{By: "bob"}) })
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session("s")
		if err == nil && (in.Status != session.Active || in.Change.Status != session.Active) {
			t.Errorf("after resume: %+v", in)
		}
		return err
	})
}

func TestLabels(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	s.lim.labelEvents = 3
	s.now = func() time.Time { return at(99) }
	l := func(name, ev string, sec int) session.Label {
		return session.Label{Name: name, EventID: ev, Tool: "WebFetch", Source: "src " + ev, At: at(sec)}
	}
	update(t, s, func(tx session.Tx) error {
		if err := tx.AddLabels("s", []session.Label{l("untrusted", "e1", 5), l("private", "e2", 3)}); err != nil {
			return err
		}
		// Same label and event again: the first stays.
		dup := l("untrusted", "e1", 1)
		dup.Source = "second"
		if err := tx.AddLabels("s", []session.Label{dup}); err != nil {
			return err
		}
		// Beyond the cap of 3 events for "untrusted": e4 and e5 are
		// dropped, the label stays.
		if err := tx.AddLabels("s", []session.Label{l("untrusted", "e3", 6), l("untrusted", "e4", 7), l("untrusted", "e5", 8)}); err != nil {
			return err
		}
		if err := tx.AddLabels("s", []session.Label{{Name: "secret-seen", EventID: "e6"}}); err != nil { // zero At: now
			return err
		}
		if err := tx.AddLabels("s", []session.Label{{EventID: "e7"}}); err == nil {
			t.Error("AddLabels accepted a label without a name")
		}
		if err := tx.AddLabels("s", make([]session.Label, MaxAdd+1)); err == nil {
			t.Error("AddLabels accepted more than MaxAdd labels")
		}
		return tx.AddLabels("other", []session.Label{l("untrusted", "e9", 1)})
	})
	view(t, s, func(tx session.Tx) error {
		got, err := tx.Labels("s")
		if err != nil {
			return err
		}
		want := []session.Label{
			l("private", "e2", 3), l("untrusted", "e1", 5), l("untrusted", "e3", 6), l("untrusted", "e4", 7),
			{Name: "secret-seen", EventID: "e6", At: at(99)},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Labels =\n%+v\nwant\n%+v", got, want)
		}
		if got, err := tx.Labels("nobody"); err != nil || got != nil {
			t.Errorf("Labels(unknown) = %v, %v", got, err)
		}
		return nil
	})
}

func sum(i int) session.Sum {
	var s session.Sum
	s[0], s[1], s[15] = byte(i>>8), byte(i), 0xaa
	return s
}

func TestFingerprints(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	fp := func(i int, ev string) session.Fingerprint {
		return session.Fingerprint{Sum: sum(i), EventID: ev, Tool: "Bash", Kind: "secret.github_pat", At: at(i)}
	}
	update(t, s, func(tx session.Tx) error {
		var fs []session.Fingerprint
		for i := range 600 {
			fs = append(fs, fp(i, "e1"))
		}
		if err := tx.AddFingerprints("s", fs); err != nil {
			return err
		}
		// Known sums keep their first event.
		return tx.AddFingerprints("s", []session.Fingerprint{fp(1, "e2"), fp(1000, "e2")})
	})
	view(t, s, func(tx session.Tx) error {
		n, err := tx.CountFingerprints("s")
		if err != nil || n != 601 {
			t.Errorf("CountFingerprints = %d, %v; want 601", n, err)
		}
		if n, err := tx.CountFingerprints("none"); err != nil || n != 0 {
			t.Errorf("CountFingerprints(unknown) = %d, %v", n, err)
		}
		// In the order asked, each once, across query chunks; unknown
		// sums and other sessions' sums are left out.
		ask := []session.Sum{sum(1000), sum(2000), sum(1), sum(599), sum(1), sum(300)}
		for i := 0; i < 600; i += 7 {
			ask = append(ask, sum(i))
		}
		got, err := tx.Fingerprints("s", ask)
		if err != nil {
			return err
		}
		want := []session.Fingerprint{fp(1000, "e2"), fp(1, "e1"), fp(599, "e1"), fp(300, "e1")}
		for i := 0; i < 600; i += 7 {
			if i != 1 && i != 300 && i != 599 {
				want = append(want, fp(i, "e1"))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Fingerprints: got %d, want %d; first %+v", len(got), len(want), got[:min(3, len(got))])
		}
		if got, err := tx.Fingerprints("other", ask); err != nil || got != nil {
			t.Errorf("other session: %v, %v", got, err)
		}
		if got, err := tx.Fingerprints("s", nil); err != nil || got != nil {
			t.Errorf("no sums: %v, %v", got, err)
		}
		if _, err := tx.Fingerprints("s", make([]session.Sum, MaxSums+1)); err == nil {
			t.Error("Fingerprints accepted more than MaxSums sums")
		}
		if _, err := tx.Fingerprints("s", make([]session.Sum, MaxSums)); err != nil {
			t.Errorf("Fingerprints of MaxSums sums: %v", err)
		}
		return nil
	})
}

// TestFingerprintLengths asks for numbers of sums around the lengths of the
// IN lists (powers of two, padded with NULLs) and of the chunks.
func TestFingerprintLengths(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	const held = 600
	update(t, s, func(tx session.Tx) error {
		var fs []session.Fingerprint
		for i := range held {
			fs = append(fs, session.Fingerprint{Sum: sum(i), EventID: "e"})
		}
		return tx.AddFingerprints("s", fs)
	})
	view(t, s, func(tx session.Tx) error {
		for _, n := range []int{1, 2, 3, 4, 5, 31, 32, 33, 127, 128, 129, 255, 256, 257, 511, 512, 513, 1000} {
			// Every other sum is held (n/2 < held).
			var ask []session.Sum
			want := 0
			for i := range n {
				if i%2 == 0 {
					ask = append(ask, sum(i/2))
					want++
				} else {
					ask = append(ask, sum(held+i))
				}
			}
			got, err := tx.Fingerprints("s", ask)
			if err != nil {
				return err
			}
			if len(got) != want {
				t.Errorf("%d sums: %d found, want %d", n, len(got), want)
			}
			for i, f := range got {
				if f.Sum != sum(i) {
					t.Errorf("%d sums: result %d is %x, want %x", n, i, f.Sum, sum(i))
					break
				}
			}
		}
		return nil
	})
}

func TestFingerprintCap(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	s.lim.fingerprints = 10
	update(t, s, func(tx session.Tx) error {
		var fs []session.Fingerprint
		for i := range 8 {
			fs = append(fs, session.Fingerprint{Sum: sum(i)})
		}
		if err := tx.AddFingerprints("s", fs); err != nil {
			return err
		}
		// 0..3 are known; 8 and 9 fill the cap; 10..14 are dropped.
		fs = nil
		for i := range 15 {
			fs = append(fs, session.Fingerprint{Sum: sum(i)})
		}
		if err := tx.AddFingerprints("s", fs); err != nil {
			return err
		}
		return tx.AddFingerprints("s", []session.Fingerprint{{Sum: sum(20)}})
	})
	view(t, s, func(tx session.Tx) error {
		if n, err := tx.CountFingerprints("s"); err != nil || n != 10 {
			t.Errorf("CountFingerprints = %d, %v; want 10", n, err)
		}
		got, err := tx.Fingerprints("s", []session.Sum{sum(9), sum(10), sum(20)})
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].Sum != sum(9) {
			t.Errorf("after the cap: %+v, want only sum 9", got)
		}
		return nil
	})
}

func TestTake(t *testing.T) {
	t.Parallel()
	const per = time.Minute
	for _, n := range []int{1, 3, 7, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			s, _ := newT(t)
			r := session.Rate{N: n, Per: per}
			T := per / time.Duration(n)
			take := func(now time.Time) (ok bool, retry time.Duration) {
				t.Helper()
				update(t, s, func(tx session.Tx) (err error) {
					ok, retry, err = tx.Take("session:s:lim", r, now)
					return err
				})
				return
			}
			now := at(0)
			for i := range n {
				if ok, retry := take(now); !ok || retry != 0 {
					t.Fatalf("event %d of %d: refused (retry %v)", i+1, n, retry)
				}
			}
			// T is Per/N rounded down, so the (N+1)th event is T minus the
			// remainder early: retry is (N+1)T - Per.
			wantRetry := time.Duration(n+1)*T - per
			if ok, retry := take(now); ok || retry != wantRetry {
				t.Fatalf("event %d: ok=%v retry=%v, want refused with retry %v", n+1, ok, retry, wantRetry)
			}
			// Refusals record nothing: the same answer again, later.
			if ok, retry := take(now.Add(T / 2)); ok || retry != wantRetry-T/2 {
				t.Fatalf("after T/2: ok=%v retry=%v, want refused with retry %v", ok, retry, wantRetry-T/2)
			}
			if ok, _ := take(now.Add(wantRetry - 1)); ok {
				t.Fatal("allowed 1ns before retry")
			}
			if ok, _ := take(now.Add(wantRetry)); !ok {
				t.Fatal("refused after retry")
			}
			if ok, retry := take(now.Add(wantRetry)); ok || retry != T {
				t.Fatalf("second after retry: ok=%v retry=%v, want refused with retry %v", ok, retry, T)
			}
			// After T, one more fits (the first one taken at retry <= T).
			if ok, _ := take(now.Add(wantRetry + T)); !ok {
				t.Fatal("refused T after the last")
			}
			// After a full period idle, a full burst again.
			later := now.Add(10 * per)
			for i := range n {
				if ok, _ := take(later); !ok {
					t.Fatalf("after idle: event %d refused", i+1)
				}
			}
			if ok, _ := take(later); ok {
				t.Fatal("after idle: burst larger than N")
			}
		})
	}
}

func TestTakeErrors(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	update(t, s, func(tx session.Tx) error {
		for _, r := range []session.Rate{{N: 0, Per: time.Second}, {N: -1, Per: time.Second}, {N: 1, Per: 0}, {N: 1, Per: -time.Second}} {
			if ok, _, err := tx.Take("k", r, at(0)); err == nil || ok {
				t.Errorf("Take(%+v) = %v, %v; want an error", r, ok, err)
			}
		}
		return nil
	})
}

func TestCounters(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	now := at(0)
	s.now = func() time.Time { return now }
	r := session.Rate{N: 10, Per: time.Minute}
	keys := []string{"session:a:x", "session:a:y", "session:ab:x", "agent:codex:x", "session:a\xff:z", "\xff\xff"}
	update(t, s, func(tx session.Tx) error {
		for _, k := range keys {
			if _, _, err := tx.Take(k, r, now); err != nil {
				return err
			}
		}
		// Expired long ago: left out and pruned.
		_, _, err := tx.Take("session:a:old", r, now.Add(-time.Hour))
		return err
	})
	tat := now.Add(6 * time.Second)
	view(t, s, func(tx session.Tx) error {
		for _, c := range []struct {
			prefix string
			want   []string
		}{
			{"session:a:", []string{"session:a:x", "session:a:y"}},
			{"session:a", []string{"session:a:x", "session:a:y", "session:ab:x", "session:a\xff:z"}},
			{"agent:", []string{"agent:codex:x"}},
			{"\xff", []string{"\xff\xff"}},
			{"", []string{"agent:codex:x", "session:a:x", "session:a:y", "session:ab:x", "session:a\xff:z", "\xff\xff"}},
			{"nothing", nil},
		} {
			got, err := tx.Counters(c.prefix)
			if err != nil {
				return err
			}
			var ks []string
			for _, cn := range got {
				ks = append(ks, cn.Key)
				if !cn.TAT.Equal(tat) || cn.TAT.Location() != time.UTC {
					t.Errorf("%q: TAT %v, want %v UTC", cn.Key, cn.TAT, tat)
				}
			}
			if !reflect.DeepEqual(ks, c.want) {
				t.Errorf("Counters(%q) = %q, want %q", c.prefix, ks, c.want)
			}
		}
		return nil
	})
	var rows int
	if err := s.db.QueryRow(`SELECT count(*) FROM counters WHERE key = 'session:a:old'`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("expired counter: %d rows, %v", rows, err)
	}
	// A later Take prunes what has expired.
	update(t, s, func(tx session.Tx) error {
		_, _, err := tx.Take("another", r, now)
		return err
	})
	if err := s.db.QueryRow(`SELECT count(*) FROM counters WHERE tat <= ?`, nanos(now)).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("expired counters after Take: %d, %v; want 0", rows, err)
	}
}

func TestPrefixEnd(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", false},
		{"a", "b", true},
		{"ab", "ac", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
	} {
		got, ok := prefixEnd(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRecords(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	s.now = func() time.Time { return at(1000) }
	rec := func(i int, digest string) session.Record {
		return session.Record{EventID: fmt.Sprint("e", i), At: at(i), Phase: "pre", Tool: "Bash", Kind: "shell",
			Decision: "deny", Rule: "r", Reason: "because", Digest: digest}
	}
	update(t, s, func(tx session.Tx) error {
		for i := range 10 {
			d := "d-even"
			if i%2 == 1 {
				d = "d-odd"
			}
			if err := tx.Record("s", rec(i, d)); err != nil {
				return err
			}
		}
		if err := tx.Record("other", rec(3, "d-even")); err != nil {
			return err
		}
		return tx.Record("s", session.Record{Decision: "allow"}) // zero At: now
	})
	view(t, s, func(tx session.Tx) error {
		got, err := tx.Recent("s", 3)
		if err != nil {
			return err
		}
		want := []session.Record{{Decision: "allow", At: at(1000)}, rec(9, "d-odd"), rec(8, "d-even")}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Recent(3) =\n%+v\nwant\n%+v", got, want)
		}
		for _, c := range []struct{ n, want int }{{0, 0}, {-5, 0}, {100, 11}, {1 << 30, 11}} {
			if got, err := tx.Recent("s", c.n); err != nil || len(got) != c.want {
				t.Errorf("Recent(%d): %d, %v; want %d", c.n, len(got), err, c.want)
			}
		}
		for _, c := range []struct {
			id, digest string
			since      time.Time
			want       int
		}{
			{"s", "d-even", time.Time{}, 5},
			{"s", "d-even", at(4), 3},
			{"s", "d-even", at(5), 2},
			{"s", "d-odd", at(9), 1},
			{"s", "d-odd", at(10), 0},
			{"s", "nope", time.Time{}, 0},
			{"other", "d-even", time.Time{}, 1},
		} {
			if n, err := tx.Repeats(c.id, c.digest, c.since); err != nil || n != c.want {
				t.Errorf("Repeats(%s, %s, %v) = %d, %v; want %d", c.id, c.digest, c.since, n, err, c.want)
			}
		}
		return nil
	})
}

// TestRecordPrune: a session keeps at least its newest KeepDecisions, and
// the table does not grow much beyond that.
func TestRecordPrune(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	const total = KeepDecisions*3 + 57
	update(t, s, func(tx session.Tx) error {
		for i := range total {
			if err := tx.Record("s", session.Record{EventID: fmt.Sprint(i), At: at(i), Decision: "allow"}); err != nil {
				return err
			}
			if i < 10 {
				if err := tx.Record("quiet", session.Record{EventID: fmt.Sprint(i), At: at(i)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	var rows int
	if err := s.db.QueryRow(`SELECT count(*) FROM decisions WHERE session = 's'`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows < KeepDecisions || rows >= KeepDecisions+pruneDecisions {
		t.Errorf("%d decisions kept, want %d to %d", rows, KeepDecisions, KeepDecisions+pruneDecisions-1)
	}
	view(t, s, func(tx session.Tx) error {
		got, err := tx.Recent("s", KeepDecisions)
		if err != nil {
			return err
		}
		if len(got) != KeepDecisions || got[0].EventID != fmt.Sprint(total-1) || got[len(got)-1].EventID != fmt.Sprint(total-KeepDecisions) {
			t.Errorf("newest %d: %d records, from %s to %s", KeepDecisions, len(got), got[0].EventID, got[len(got)-1].EventID)
		}
		return nil
	})
	var tally int
	if err := s.db.QueryRow(`SELECT decisions FROM tallies WHERE session = 's'`).Scan(&tally); err != nil || tally != rows {
		t.Errorf("tally %d, %v; %d rows", tally, err, rows)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM decisions WHERE session = 'quiet'`).Scan(&rows); err != nil || rows != 10 {
		t.Errorf("other session: %d decisions, %v; want all 10", rows, err)
	}
}

// TestViewRefusesWrites: every method that writes fails in a View, with
// ErrReadOnly, and writes nothing.
func TestViewRefusesWrites(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	update(t, s, func(tx session.Tx) error { return tx.Touch("s", "a", "", false, at(0)) })
	for name, write := range map[string]func(session.Tx) error{
		"Touch":          func(tx session.Tx) error { return tx.Touch("s", "a", "", false, at(1)) },
		"SetStatus":      func(tx session.Tx) error { return tx.SetStatus("s", session.Change{Status: session.Killed}) },
		"SetAgentStatus": func(tx session.Tx) error { return tx.SetAgentStatus("a", session.Change{Status: session.Killed}) },
		"AddLabels":      func(tx session.Tx) error { return tx.AddLabels("s", []session.Label{{Name: "x"}}) },
		"AddFingerprints": func(tx session.Tx) error {
			return tx.AddFingerprints("s", []session.Fingerprint{{Sum: sum(1)}})
		},
		"Take": func(tx session.Tx) error {
			_, _, err := tx.Take("k", session.Rate{N: 1, Per: time.Second}, at(0))
			return err
		},
		"Record": func(tx session.Tx) error { return tx.Record("s", session.Record{}) },
	} {
		var werr error
		err := s.View(t.Context(), func(tx session.Tx) error {
			werr = write(tx)
			return nil
		})
		if err != nil {
			t.Errorf("%s: View: %v", name, err)
		}
		if !errors.Is(werr, ErrReadOnly) {
			t.Errorf("%s in a View: %v, want ErrReadOnly", name, werr)
		}
	}
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session("s")
		if err == nil && (in.Events != 1 || in.Status != session.Active) {
			t.Errorf("session changed by a View: %+v", in)
		}
		return err
	})
}

// TestLongStrings: strings beyond their limits are cut, not refused, at a
// UTF-8 boundary, and a long id finds its own rows again.
func TestLongStrings(t *testing.T) {
	t.Parallel()
	s, _ := newT(t)
	s.now = func() time.Time { return at(0) }
	longID := strings.Repeat("é", MaxID) // 2 bytes each
	long := strings.Repeat("x", 100_000)
	update(t, s, func(tx session.Tx) error {
		if err := tx.Touch(longID, long, long, false, at(0)); err != nil {
			return err
		}
		if err := tx.SetStatus(longID, session.Change{Status: session.Stopped, Reason: long, By: long}); err != nil {
			return err
		}
		if err := tx.AddLabels(longID, []session.Label{{Name: long, EventID: long, Tool: long, Source: long}}); err != nil {
			return err
		}
		if err := tx.Record(longID, session.Record{EventID: long, Reason: long, Digest: long, Rule: long}); err != nil {
			return err
		}
		_, _, err := tx.Take(long, session.Rate{N: 1, Per: time.Second}, at(0))
		return err
	})
	view(t, s, func(tx session.Tx) error {
		in, err := tx.Session(longID)
		if err != nil {
			return err
		}
		if len(in.ID) > MaxID || !utf8.ValidString(in.ID) || len(in.Agent) != MaxID || len(in.Cwd) != MaxCwd || len(in.Change.Reason) != MaxText {
			t.Errorf("lengths: id %d (valid %v), agent %d, cwd %d, reason %d",
				len(in.ID), utf8.ValidString(in.ID), len(in.Agent), len(in.Cwd), len(in.Change.Reason))
		}
		ls, err := tx.Labels(longID)
		if err != nil || len(ls) != 1 || len(ls[0].Name) != MaxID || len(ls[0].Source) != MaxText {
			t.Errorf("labels %v, %v", len(ls), err)
		}
		rs, err := tx.Recent(longID, 1)
		if err != nil || len(rs) != 1 || len(rs[0].Reason) != MaxText {
			t.Errorf("records %d, %v", len(rs), err)
		}
		if n, err := tx.Repeats(longID, long, time.Time{}); err != nil || n != 1 {
			t.Errorf("Repeats with a long digest: %d, %v", n, err)
		}
		cs, err := tx.Counters("x")
		if err != nil || len(cs) != 1 || len(cs[0].Key) != MaxKey {
			t.Errorf("counters %v, %v", cs, err)
		}
		return nil
	})
}

func TestClip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"aé", 2, "a"},   // é is 2 bytes
		{"a€b", 3, "a"},  // € is 3 bytes
		{"a€b", 4, "a€"}, //
		{"😀😀", 5, "😀"},   // 4 bytes each
		{"\xff\xff\xff", 2, "\xff\xff"},
	} {
		if got := clip(c.in, c.n); got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestTimes(t *testing.T) {
	t.Parallel()
	for _, tm := range []time.Time{
		{}, at(0), time.Unix(0, 1), time.Unix(-5, 0), time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got := fromNanos(nanos(tm)); !got.Equal(tm) || (!tm.IsZero() && got.Location() != time.UTC) {
			t.Errorf("round trip of %v: %v", tm, got)
		}
	}
	// Out of range: clamped, not wrapped around.
	if n := nanos(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)); n < nanos(time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("year 3000 stored as %d", n)
	}
	if n := nanos(time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)); n > 0 {
		t.Errorf("year 1000 stored as %d", n)
	}
}
