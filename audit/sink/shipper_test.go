package sink_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/sink"
)

// memSink keeps what it is sent.
type memSink struct {
	name string

	mu      sync.Mutex
	got     []audit.Record
	batches []int // sizes
}

func (m *memSink) Name() string { return m.name }

func (m *memSink) Send(ctx context.Context, batch []audit.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, batch...)
	m.batches = append(m.batches, len(batch))
	return nil
}

func (m *memSink) Close() error { return nil }

func (m *memSink) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.got)
}

// blockSink's Send blocks until its context ends or the sink is closed.
type blockSink struct {
	entered   chan struct{} // a value for each Send
	closed    chan struct{}
	closeOnce sync.Once
}

func newBlockSink() *blockSink {
	return &blockSink{entered: make(chan struct{}, 100), closed: make(chan struct{})}
}

func (b *blockSink) Name() string { return "blocked" }

func (b *blockSink) Send(ctx context.Context, batch []audit.Record) error {
	b.entered <- struct{}{}
	select {
	case <-b.closed:
		return sink.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *blockSink) Close() error {
	b.closeOnce.Do(func() { close(b.closed) })
	return nil
}

// eventually reports whether cond becomes true within a generous wait.
func eventually(cond func() bool) bool {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Microsecond) {
		if cond() {
			return true
		}
	}
	return false
}

// checkAccounts checks that every record offered to a sink is counted
// once.
func checkAccounts(t *testing.T, st sink.Stats, offered int) {
	t.Helper()
	if n := uint64(st.Queued) + st.Sent + st.Dropped + st.FailedRecords; n != uint64(offered) {
		t.Errorf("%s: queued %d + sent %d + dropped %d + failed %d = %d, want %d offered",
			st.Sink, st.Queued, st.Sent, st.Dropped, st.FailedRecords, n, offered)
	}
}

// TestOfferNeverBlocks offers 100,000 records while one sink's Send is
// blocked: Offer returns all the same, the blocked sink drops exactly
// what does not fit its queue, and the other sink gets every record.
func TestOfferNeverBlocks(t *testing.T) {
	t.Parallel()
	const queue, total, round = 1000, 100_000, 500
	blocked := newBlockSink()
	s := sink.NewShipper([]sink.Sink{blocked, discard{}}, sink.ShipperOptions{
		QueueSize: queue, BatchSize: 100, FlushEvery: time.Millisecond,
	})
	recs := records(round)
	s.Offer(recs[0])
	select {
	case <-blocked.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("blocked sink never sent")
	}

	// Offer in rounds, waiting for the fast sink to take each, so that
	// it never drops: only the blocked sink may.
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		offered := 1
		for offered < total {
			n := min(round, total-offered)
			s.Offer(recs[:n]...)
			offered += n
			if !eventually(func() bool { return s.Stats()[1].Sent == uint64(offered) }) {
				done <- fmt.Errorf("fast sink: %+v, want %d sent", s.Stats()[1], offered)
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Offer blocked on a blocked sink")
	}
	t.Logf("offered %d records in %v", total, time.Since(start))
	if n := len(blocked.entered); n != 0 {
		t.Fatalf("the blocked sink's Send returned and was called %d more times", n)
	}

	st := s.Stats()
	if st[0].Queued != queue || st[0].Dropped != total-queue || st[0].Sent != 0 {
		t.Errorf("blocked sink: %+v, want %d queued and %d dropped", st[0], queue, total-queue)
	}
	if st[1].Sent != total || st[1].Dropped != 0 || st[1].Queued != 0 {
		t.Errorf("fast sink: %+v, want %d sent", st[1], total)
	}

	// Close gives up on the blocked sink when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	closed := make(chan error, 1)
	go func() { closed <- s.Close(ctx) }()
	select {
	case err := <-closed:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "blocked: 1000 records not sent") {
			t.Errorf("Close: %v, want 1000 records of the blocked sink not sent", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return after its deadline")
	}
	st = s.Stats()
	if st[0].Dropped != total || st[0].Queued != 0 {
		t.Errorf("blocked sink after Close: %+v, want all %d dropped", st[0], total)
	}
	for _, x := range st {
		checkAccounts(t, x, total)
	}
	select {
	case <-blocked.closed:
	case <-time.After(30 * time.Second):
		t.Error("blocked sink was not closed")
	}
}

// TestShipperCloseFlushes checks that a part batch waits for FlushEvery,
// and that Close sends it, in order, to every sink.
func TestShipperCloseFlushes(t *testing.T) {
	t.Parallel()
	const total = 1050
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	file, err := sink.NewJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	mem := &memSink{name: "mem"}
	s := sink.NewShipper([]sink.Sink{mem, file}, sink.ShipperOptions{FlushEvery: time.Hour})
	recs := records(total)
	for _, r := range recs {
		s.Offer(r)
	}
	if !eventually(func() bool { return s.Stats()[0].Sent == 1000 }) {
		t.Fatalf("full batches not sent: %+v", s.Stats()[0])
	}
	if st := s.Stats(); st[0].Queued != 50 {
		t.Errorf("part batch not waiting: %+v", st[0])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, st := range s.Stats() {
		if st.Sent != total || st.Queued != 0 || st.Dropped != 0 || st.Failed != 0 {
			t.Errorf("%+v, want %d sent", st, total)
		}
	}
	if !slices.Equal(mem.batches, []int{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 50}) {
		t.Errorf("batches %v", mem.batches)
	}
	for i := range recs {
		checkSame(t, mem.got[i], recs[i])
	}
	lines := readLines(t, path)
	if len(lines) != total {
		t.Fatalf("%d lines, want %d", len(lines), total)
	}
	for i, l := range lines {
		checkRecord(t, l, recs[i])
	}
}

// TestShipperCloseDeadline closes a Shipper whose webhook never answers:
// the file sink beside it gets every record, and Close returns at its
// deadline and counts the webhook's records as dropped.
func TestShipperCloseDeadline(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(hang))
	defer srv.Close()
	hook, err := sink.NewWebhook(srv.URL, sink.WebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	file, err := sink.NewJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sink.NewShipper([]sink.Sink{hook, file}, sink.ShipperOptions{})
	const total = 500
	s.Offer(records(total)...)
	if !eventually(func() bool { return s.Stats()[1].Sent == total }) {
		t.Fatalf("file sink: %+v", s.Stats()[1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	closed := make(chan error, 1)
	go func() { closed <- s.Close(ctx) }()
	select {
	case err := <-closed:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close: %v, want DeadlineExceeded", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return after its deadline")
	}
	st := s.Stats()
	if st[0].Dropped != total || st[0].Sent != 0 || st[0].Failed != 0 || st[0].Queued != 0 {
		t.Errorf("webhook: %+v, want all %d dropped", st[0], total)
	}
	if st[1].Sent != total {
		t.Errorf("file: %+v, want all %d sent", st[1], total)
	}
	if n := len(readLines(t, path)); n != total {
		t.Errorf("file has %d lines, want %d", n, total)
	}
}

// TestShipperFailed checks that batches a sink rejects are counted as
// failed, with the error.
func TestShipperFailed(t *testing.T) {
	t.Parallel()
	h := newHook(t, http.StatusBadRequest)
	hook, err := sink.NewWebhook(h.srv.URL, fast)
	if err != nil {
		t.Fatal(err)
	}
	s := sink.NewShipper([]sink.Sink{hook}, sink.ShipperOptions{BatchSize: 10})
	s.Offer(records(25)...)
	if err := s.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	st := s.Stats()[0]
	if st.Failed != 3 || st.FailedRecords != 25 || st.Sent != 0 || st.Dropped != 0 {
		t.Errorf("%+v, want 3 batches of 25 records failed", st)
	}
	if !strings.Contains(st.LastError, "HTTP 400 Bad Request") || st.LastErrorAt.IsZero() {
		t.Errorf("LastError %q at %v", st.LastError, st.LastErrorAt)
	}
	if requests, _ := h.counts(); requests != 3 {
		t.Errorf("%d requests, want 3 (no retries)", requests)
	}
	checkAccounts(t, st, 25)
}

func TestShipperAfterClose(t *testing.T) {
	t.Parallel()
	mem := &memSink{name: "mem"}
	s := sink.NewShipper([]sink.Sink{mem}, sink.ShipperOptions{})
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Offer(records(5)...)
	if st := s.Stats()[0]; st.Dropped != 5 || st.Queued != 0 {
		t.Errorf("%+v, want 5 dropped", st)
	}
	if err := s.Close(context.Background()); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
	if mem.count() != 0 {
		t.Errorf("sink got %d records after Close", mem.count())
	}
}

// TestShipperAllSinks ships to every kind of sink at once. There are few
// enough records that the UDP listener's socket buffer holds them all.
func TestShipperAllSinks(t *testing.T) {
	t.Parallel()
	const total = 60
	udpAddr, udp := listenUDP(t)
	tcpAddr, tcp := listenTCP(t)
	h := newHook(t, http.StatusOK)
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var sinks []sink.Sink
	for _, addr := range []string{udpAddr, tcpAddr} {
		s, err := sink.NewSyslog(addr, sink.SyslogOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sinks = append(sinks, s)
	}
	hook, err := sink.NewWebhook(h.srv.URL, fast)
	if err != nil {
		t.Fatal(err)
	}
	file, err := sink.NewJSONL(path)
	if err != nil {
		t.Fatal(err)
	}
	sinks = append(sinks, hook, file)
	s := sink.NewShipper(sinks, sink.ShipperOptions{BatchSize: 25, FlushEvery: 10 * time.Millisecond})
	recs := records(total)
	for i := 0; i < total; i += 20 {
		s.Offer(recs[i : i+20]...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, st := range s.Stats() {
		if st.Sent != total {
			t.Errorf("%+v, want %d sent", st, total)
		}
	}
	for name, ch := range map[string]<-chan []byte{"udp": udp, "tcp": tcp} {
		for i, r := range recs {
			m, err := parse5424(receive(t, ch))
			if err != nil {
				t.Fatalf("%s %d: %v", name, i, err)
			}
			checkRecord(t, m.msg, r)
		}
	}
	var got []audit.Record
	for _, b := range h.batches {
		got = append(got, b...)
	}
	if len(got) != total {
		t.Fatalf("webhook got %d records", len(got))
	}
	for i, l := range readLines(t, path) {
		checkRecord(t, l, recs[i])
		checkSame(t, got[i], recs[i])
	}
}

// discard is a sink that takes everything at once.
type discard struct{}

func (discard) Name() string                               { return "discard" }
func (discard) Send(context.Context, []audit.Record) error { return nil }
func (discard) Close() error                               { return nil }

func BenchmarkOffer(b *testing.B) {
	r := records(1)[0]
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("sinks=%d", n), func(b *testing.B) {
			sinks := make([]sink.Sink, n)
			for i := range sinks {
				sinks[i] = discard{}
			}
			s := sink.NewShipper(sinks, sink.ShipperOptions{})
			b.ReportAllocs()
			for b.Loop() {
				s.Offer(r)
			}
			b.StopTimer()
			st := s.Stats()[0]
			b.ReportMetric(float64(st.Dropped)/float64(b.N), "drops/op")
			s.Close(context.Background())
		})
	}
	// A sink that is down: every Offer drops.
	b.Run("full", func(b *testing.B) {
		blocked := newBlockSink()
		s := sink.NewShipper([]sink.Sink{blocked}, sink.ShipperOptions{QueueSize: 100})
		s.Offer(records(100)...)
		<-blocked.entered
		b.ReportAllocs()
		for b.Loop() {
			s.Offer(r)
		}
		b.StopTimer()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s.Close(ctx)
	})
}
