package sink_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/sink"
)

// hook is a webhook server that answers with the statuses in turn (the
// last one from then on) and keeps the batches it took.
type hook struct {
	srv *httptest.Server

	mu        sync.Mutex
	statuses  []int
	header    http.Header // Retry-After and such, on every answer but 2xx
	requests  int
	batches   [][]audit.Record
	lastAuth  string
	lastCType string
}

func newHook(t *testing.T, statuses ...int) *hook {
	h := &hook{statuses: statuses, header: http.Header{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	status := h.statuses[min(h.requests, len(h.statuses)-1)]
	h.requests++
	h.lastAuth, h.lastCType = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
	if status/100 != 2 {
		for k, v := range h.header {
			w.Header()[k] = v
		}
		http.Error(w, "try later", status)
		return
	}
	var b struct {
		Records []audit.Record `json:"records"`
	}
	if err := json.Unmarshal(body, &b); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad batch", http.StatusBadRequest)
		return
	}
	h.batches = append(h.batches, b.Records)
	w.WriteHeader(status)
}

func (h *hook) counts() (requests, batches int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.requests, len(h.batches)
}

// fast are retry options for tests.
var fast = sink.WebhookOptions{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}

func TestWebhook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		statuses   []int
		retryAfter string
		opts       sink.WebhookOptions
		requests   int
		delivered  bool
		status     int // of the error, if not delivered
		minWait    time.Duration
	}{
		{name: "ok", statuses: []int{200}, requests: 1, delivered: true},
		{name: "204", statuses: []int{204}, requests: 1, delivered: true},
		{name: "503 twice then 200", statuses: []int{503, 503, 200}, requests: 3, delivered: true},
		{name: "400 is not retried", statuses: []int{400}, requests: 1, status: 400},
		{name: "401 is not retried", statuses: []int{401, 200}, requests: 1, status: 401},
		{name: "5xx until it gives up", statuses: []int{500}, requests: 5, status: 500},
		{name: "MaxAttempts", statuses: []int{502}, opts: sink.WebhookOptions{MaxAttempts: 2}, requests: 2, status: 502},
		{name: "redirect is not followed", statuses: []int{307}, requests: 1, status: 307},
		{
			name: "429 with Retry-After", statuses: []int{429, 200}, retryAfter: "1",
			opts: sink.WebhookOptions{MaxBackoff: time.Minute}, requests: 2, delivered: true, minWait: 900 * time.Millisecond,
		},
		{
			// MaxBackoff bounds a Retry-After; the test would time out
			// if it did not.
			name: "Retry-After beyond MaxBackoff", statuses: []int{503, 200}, retryAfter: "3600",
			requests: 2, delivered: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHook(t, tt.statuses...)
			if tt.retryAfter != "" {
				h.header.Set("Retry-After", tt.retryAfter)
			}
			opts := tt.opts
			opts.MinBackoff = fast.MinBackoff
			if opts.MaxBackoff == 0 {
				opts.MaxBackoff = fast.MaxBackoff
			}
			opts.Header = http.Header{"Authorization": {"Bearer t0ken"}}
			s, err := sink.NewWebhook(h.srv.URL+"/audit?token=secret", opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			recs := records(3)
			start := time.Now()
			err = s.Send(ctx, recs)
			elapsed := time.Since(start)

			requests, batches := h.counts()
			if requests != tt.requests {
				t.Errorf("%d requests, want %d", requests, tt.requests)
			}
			if elapsed < tt.minWait {
				t.Errorf("took %v, want at least %v", elapsed, tt.minWait)
			}
			if tt.delivered {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				if batches != 1 {
					t.Fatalf("%d batches delivered, want 1", batches)
				}
				for i, r := range h.batches[0] {
					checkSame(t, r, recs[i])
				}
				if h.lastAuth != "Bearer t0ken" || h.lastCType != "application/json" {
					t.Errorf("headers: Authorization %q, Content-Type %q", h.lastAuth, h.lastCType)
				}
				return
			}
			var se *sink.StatusError
			if !errors.As(err, &se) || se.Code != tt.status {
				t.Fatalf("Send: %v, want HTTP %d", err, tt.status)
			}
			if batches != 0 {
				t.Errorf("%d batches delivered", batches)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the query: %v", err)
			}
		})
	}
}

// TestWebhookDown checks that network errors are retried, then returned
// without the URL's query.
func TestWebhookDown(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	s, err := sink.NewWebhook(url+"/x?token=secret", fast)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Send(context.Background(), records(1))
	if err == nil || !strings.Contains(err.Error(), "attempt 5 of 5") {
		t.Errorf("Send: %v, want an error after 5 attempts", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the query: %v", err)
	}
	if s.Name() != "webhook "+url+"/x" {
		t.Errorf("Name %q", s.Name())
	}
}

// TestWebhookCancel checks that Send returns when its context ends or
// the sink is closed, while a request or a backoff is under way.
func TestWebhookCancel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		byClose  bool
		wantCaus error
	}{
		{"request, context", hang, false, context.DeadlineExceeded},
		{"request, Close", hang, true, sink.ErrClosed},
		{"backoff, context", unavailable, false, context.DeadlineExceeded},
		{"backoff, Close", unavailable, true, sink.ErrClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			s, err := sink.NewWebhook(srv.URL, sink.WebhookOptions{Timeout: time.Minute, MinBackoff: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tt.byClose {
				time.AfterFunc(100*time.Millisecond, func() { s.Close() })
			} else {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 100*time.Millisecond)
				defer cancel()
			}
			done := make(chan error, 1)
			go func() { done <- s.Send(ctx, records(1)) }()
			select {
			case err := <-done:
				if !errors.Is(err, tt.wantCaus) {
					t.Errorf("Send: %v, want %v", err, tt.wantCaus)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Send did not return")
			}
			s.Close()
		})
	}
}

// hang never answers. It reads the body first, so that the server sees
// the client go and ends the request's context.
func hang(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

func unavailable(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "down", http.StatusServiceUnavailable)
}

func TestWebhookURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"ftp://x/y", "http:///path", "://", "localhost:8080"} {
		if _, err := sink.NewWebhook(u, sink.WebhookOptions{}); err == nil {
			t.Errorf("NewWebhook(%q) took it", u)
		}
	}
}
