package sink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/agentward/ward/audit"
)

// ShipperOptions configure a [Shipper]. The zero value is usable.
type ShipperOptions struct {
	// QueueSize bounds the records held for each sink, the batch being
	// sent included; past it, records are dropped for that sink. Zero
	// means 10,000.
	QueueSize int
	// BatchSize bounds the records in one Send. Zero means 100.
	BatchSize int
	// FlushEvery is how long a part batch waits for more records before
	// it is sent. Zero means one second.
	FlushEvery time.Duration
	// Logger receives failed batches and what Close gives up on; nil
	// means no logging.
	Logger *slog.Logger
}

// Defaults of ShipperOptions.
const (
	DefaultQueueSize  = 10_000
	DefaultBatchSize  = 100
	DefaultFlushEvery = time.Second
)

// Stats are one sink's counters. Every record offered to a sink is in
// exactly one of Queued, Sent, Dropped and FailedRecords.
type Stats struct {
	Sink string // the sink's Name
	// Queued is the records waiting, or in the batch being sent.
	Queued int
	// Sent is the records in batches Send delivered.
	Sent uint64
	// Dropped is the records never sent: offered when the queue was full
	// or after Close, or still queued when Close's context ended.
	Dropped uint64
	// Failed is the batches Send returned an error for (after the sink's
	// own retries), and FailedRecords the records in them.
	Failed        uint64
	FailedRecords uint64
	// LastError is the last error Send returned, and LastErrorAt when.
	// They are kept after later batches succeed.
	LastError   string
	LastErrorAt time.Time
}

// Shipper queues records for sinks without ever blocking the caller.
// Each sink has a bounded queue and a goroutine of its own that sends
// batches from it, so a sink that is down or slow fills its own queue and
// then drops, while the caller and the other sinks go on.
//
// Offer, Stats and Close are safe for concurrent use.
type Shipper struct {
	queues []*queue
	cancel context.CancelFunc // ends the workers' context
	log    *slog.Logger

	closeMu sync.Mutex
	closed  bool
}

// queue is one sink's records and the state of its worker.
type queue struct {
	sink  Sink
	name  string
	size  int // QueueSize
	batch int // BatchSize
	wake  chan struct{}
	done  chan struct{} // closed when the worker returns

	mu        sync.Mutex
	ring      ring
	inflight  int  // records in the batch being sent
	closing   bool // Close was called: send the rest at once, then stop
	abandoned bool // Close gave up on the sink
	st        Stats
}

// NewShipper starts a worker for each sink. Call Close to stop them.
func NewShipper(sinks []Sink, opts ShipperOptions) *Shipper {
	size := opts.QueueSize
	if size <= 0 {
		size = DefaultQueueSize
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	batch = min(batch, size)
	every := opts.FlushEvery
	if every <= 0 {
		every = DefaultFlushEvery
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Shipper{cancel: cancel, log: opts.Logger}
	for _, sk := range sinks {
		q := &queue{
			sink:  sk,
			name:  sk.Name(),
			size:  size,
			batch: batch,
			wake:  make(chan struct{}, 1),
			done:  make(chan struct{}),
			st:    Stats{Sink: sk.Name()},
		}
		s.queues = append(s.queues, q)
		go s.run(ctx, q, every)
	}
	return s
}

// Offer queues recs for every sink and returns without waiting for any:
// where a sink's queue is full, the records that do not fit are dropped
// for that sink and counted in its Stats. It holds each queue's lock only
// to copy the records in. The Shipper keeps the records' Action and
// Findings, which the caller must not change afterwards.
func (s *Shipper) Offer(recs ...audit.Record) {
	if len(recs) == 0 {
		return
	}
	for _, q := range s.queues {
		q.offer(recs)
	}
}

func (q *queue) offer(recs []audit.Record) {
	q.mu.Lock()
	room := 0
	if !q.closing {
		room = max(q.size-q.ring.n-q.inflight, 0)
	}
	n := min(len(recs), room)
	q.ring.push(recs[:n], q.size)
	q.st.Dropped += uint64(len(recs) - n)
	queued := q.ring.n
	q.mu.Unlock()
	if n > 0 && (queued == n || queued >= q.batch) {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
}

// run sends q's records in batches: a full batch at once, a part batch
// after it has waited FlushEvery, everything at once after Close.
func (s *Shipper) run(ctx context.Context, q *queue, every time.Duration) {
	defer close(q.done)
	timer := time.NewTimer(every)
	timer.Stop()
	defer timer.Stop()
	armed, due := false, false
	batch := make([]audit.Record, 0, q.batch)
	for {
		q.mu.Lock()
		if q.abandoned {
			q.mu.Unlock()
			return
		}
		n := q.ring.n
		if n == 0 {
			due = false
			if q.closing {
				q.mu.Unlock()
				return
			}
		}
		if n > 0 && (n >= q.batch || due || q.closing) {
			if ctx.Err() != nil {
				q.mu.Unlock()
				return // Close counts what is left
			}
			batch = q.ring.pop(batch[:0], min(n, q.batch))
			q.inflight = len(batch)
			q.mu.Unlock()
			err := q.sink.Send(ctx, batch)
			clear(batch) // let go of the records' slices
			if !q.sent(len(batch), err) {
				return
			}
			if err != nil && s.log != nil {
				s.log.Warn("audit sink: batch not delivered", "sink", q.name, "records", len(batch), "err", err)
			}
			continue
		}
		q.mu.Unlock()
		if n > 0 && !armed {
			timer.Reset(every)
			armed = true
		}
		select {
		case <-q.wake:
		case <-timer.C:
			armed, due = false, true
		case <-ctx.Done():
			return
		}
	}
}

// sent counts a batch's outcome; it reports false if Close gave up on
// the sink, which then counted the batch as dropped.
func (q *queue) sent(n int, err error) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.abandoned {
		return false
	}
	q.inflight = 0
	if err != nil {
		q.st.Failed++
		q.st.FailedRecords += uint64(n)
		q.st.LastError = err.Error()
		q.st.LastErrorAt = time.Now()
	} else {
		q.st.Sent += uint64(n)
	}
	return true
}

// Stats returns each sink's counters, in the order of the sinks given to
// NewShipper.
func (s *Shipper) Stats() []Stats {
	out := make([]Stats, len(s.queues))
	for i, q := range s.queues {
		q.mu.Lock()
		out[i] = q.st
		out[i].Queued = q.ring.n + q.inflight
		q.mu.Unlock()
	}
	return out
}

// Close stops taking records, sends what is queued until ctx ends, then
// stops the workers and closes the sinks. Records it could not send by
// then are counted as dropped, and the error says how many. Close
// returns soon after ctx ends even if a sink's Send ignores its context;
// that sink is then closed in the background.
func (s *Shipper) Close(ctx context.Context) error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	for _, q := range s.queues {
		q.mu.Lock()
		q.closing = true
		q.mu.Unlock()
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
wait:
	for _, q := range s.queues {
		select {
		case <-q.done:
		case <-ctx.Done():
			break wait
		}
	}

	// Give up on what is left, batches being sent included, then
	// interrupt their Sends; a Send that returns now is not counted.
	var errs []error
	for _, q := range s.queues {
		q.mu.Lock()
		q.abandoned = true
		left := q.ring.n + q.inflight
		q.st.Dropped += uint64(left)
		q.ring.reset()
		q.inflight = 0
		q.mu.Unlock()
		if left > 0 {
			// Workers stop with records left only when ctx has ended.
			errs = append(errs, fmt.Errorf("sink: %s: %d records not sent: %w", q.name, left, context.Cause(ctx)))
			if s.log != nil {
				s.log.Warn("audit sink: records not sent at close", "sink", q.name, "records", left)
			}
		}
	}
	s.cancel()
	for _, q := range s.queues {
		select {
		case <-q.done:
			if err := q.sink.Close(); err != nil {
				errs = append(errs, fmt.Errorf("sink: %s: close: %w", q.name, err))
			}
		default:
			// The worker is still in Send; closing the sink makes it
			// return, but Close may wait for it, so do it apart.
			go q.sink.Close()
		}
	}
	return errors.Join(errs...)
}

// ring is a FIFO of records that grows as needed up to a limit.
type ring struct {
	buf  []audit.Record
	head int // index of the oldest record
	n    int // records held
}

// push appends recs; the caller keeps n+len(recs) <= limit.
func (r *ring) push(recs []audit.Record, limit int) {
	if len(recs) == 0 {
		return
	}
	if need := r.n + len(recs); need > len(r.buf) {
		c := min(max(2*len(r.buf), need, 64), max(limit, need))
		buf := make([]audit.Record, c)
		r.copyOut(buf)
		r.buf, r.head = buf, 0
	}
	for _, rec := range recs {
		r.buf[(r.head+r.n)%len(r.buf)] = rec
		r.n++
	}
}

// copyOut copies the records, oldest first, to dst.
func (r *ring) copyOut(dst []audit.Record) {
	if r.n == 0 {
		return
	}
	end := r.head + r.n
	if end <= len(r.buf) {
		copy(dst, r.buf[r.head:end])
		return
	}
	k := copy(dst, r.buf[r.head:])
	copy(dst[k:], r.buf[:end-len(r.buf)])
}

// pop moves the n oldest records to dst.
func (r *ring) pop(dst []audit.Record, n int) []audit.Record {
	for n > 0 {
		seg := r.buf[r.head:min(r.head+n, len(r.buf))]
		dst = append(dst, seg...)
		clear(seg) // let go of the records' slices
		r.head = (r.head + len(seg)) % len(r.buf)
		r.n -= len(seg)
		n -= len(seg)
	}
	return dst
}

// reset empties the ring and lets go of its memory.
func (r *ring) reset() { *r = ring{} }
