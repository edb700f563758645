package sink

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
)

// TestRing checks the queue against a slice, through growth and
// wrapping.
func TestRing(t *testing.T) {
	t.Parallel()
	for _, limit := range []int{1, 7, 64, 100, 1000} {
		var r ring
		var model []uint64
		next := uint64(1)
		rnd := rand.New(rand.NewPCG(1, uint64(limit)))
		for range 2000 {
			if rnd.IntN(2) == 0 {
				k := min(rnd.IntN(limit+1), limit-r.n)
				recs := make([]audit.Record, k)
				for i := range recs {
					recs[i].Seq = next
					model = append(model, next)
					next++
				}
				r.push(recs, limit)
			} else {
				k := rnd.IntN(r.n + 1)
				got := r.pop(nil, k)
				for i, rec := range got {
					if rec.Seq != model[i] {
						t.Fatalf("limit %d: popped %d, want %d", limit, rec.Seq, model[i])
					}
				}
				model = model[k:]
			}
			if r.n != len(model) || len(r.buf) > limit {
				t.Fatalf("limit %d: %d held, want %d; buffer %d", limit, r.n, len(model), len(r.buf))
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"7", 7 * time.Second},
		{"-1", 0},
		{"1.5", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	w := &webhookSink{minBackoff: 500 * time.Millisecond, maxBackoff: 30 * time.Second}
	for attempt := 1; attempt <= 100; attempt++ {
		want := min(500*time.Millisecond<<min(attempt-1, 20), 30*time.Second)
		for range 100 {
			if d := w.backoff(attempt); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want %v to %v", attempt, d, want/2, want)
			}
		}
	}
}

// TestFrame checks the octet-counting prefix around the 1-, 4- and
// 5-digit lengths.
func TestFrame(t *testing.T) {
	t.Parallel()
	s := &syslogSink{f: formatter{fixed: "h ward 1 decision", max: MaxMessage, enc: newEncoder()}}
	for _, n := range []int{0, 1000, 100_000} {
		r := audit.Record{Seq: 1, Entry: audit.Entry{Reason: string(make([]byte, n))}}
		msg := s.f.message(nil, &r)
		got := s.frame([]byte("prev"), &r)
		want := "prev" + strconv.Itoa(len(msg)) + " " + string(msg)
		if string(got) != want {
			t.Errorf("frame of a %d-byte message: %.40q..., want %.40q...", len(msg), got, want)
		}
	}
}

// TestHeaderBound checks that the longest header there can be fits in
// maxHeader, and a message in MinMessage.
func TestHeaderBound(t *testing.T) {
	t.Parallel()
	worst := strings.Repeat(`"`, 4<<10)
	f := formatter{
		facility: FacilityLocal7,
		fixed:    hostname(strings.Repeat("h", 300)) + " ward 4294967295 decision",
		max:      MinMessage,
		enc:      newEncoder(),
	}
	r := audit.Record{Seq: 1<<64 - 1, Entry: audit.Entry{
		Time: time.Now(), Decision: worst, Rule: worst, Agent: worst, Session: worst, Tool: worst, Reason: worst,
	}}
	msg := f.message(nil, &r)
	header := msg[:bytes.Index(msg, []byte("] "))+2]
	if len(header) > maxHeader {
		t.Errorf("header of %d bytes, more than maxHeader %d", len(header), maxHeader)
	}
	if len(msg) != MinMessage {
		t.Errorf("message of %d bytes, want %d", len(msg), MinMessage)
	}
	if room := MinMessage - maxHeader; room < 700 {
		t.Errorf("MinMessage leaves %d bytes for the JSON", room)
	}
	t.Logf("maxHeader %d, worst header %d", maxHeader, len(header))
}
