package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agentward/ward/audit"
)

// WebhookOptions configure a webhook sink. The zero value is usable.
type WebhookOptions struct {
	// Header is added to every request, e.g. Authorization.
	Header http.Header
	// Client sends the requests. Nil means a client of the sink's own
	// that does not follow redirects, so records and credentials go
	// nowhere but the URL given.
	Client *http.Client
	// Timeout bounds each request. Zero means 10 seconds.
	Timeout time.Duration
	// MaxAttempts bounds the requests for one batch. Zero means 5.
	MaxAttempts int
	// MinBackoff is the wait before the second attempt; each wait after
	// doubles, up to MaxBackoff, and is jittered down by up to half. Zero
	// means 500 milliseconds.
	MinBackoff time.Duration
	// MaxBackoff bounds each wait, a Retry-After included. Zero means 30
	// seconds.
	MaxBackoff time.Duration
}

// StatusError is a webhook's answer other than 2xx.
type StatusError struct {
	Code int
	// Body is the start of the response's body.
	Body string
	// retryAfter is the response's Retry-After, or zero.
	retryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := "HTTP " + strconv.Itoa(e.Code)
	if t := http.StatusText(e.Code); t != "" {
		s += " " + t
	}
	if e.Body != "" {
		s += ": " + e.Body
	}
	return s
}

// Temporary reports whether the request is worth retrying: 429 and 5xx.
func (e *StatusError) Temporary() bool {
	return e.Code == http.StatusTooManyRequests || e.Code >= 500
}

// Limits of the webhook sink.
const (
	maxErrorBody = 512      // bytes of a response body kept in StatusError
	maxDrain     = 64 << 10 // bytes of a response body read to reuse the connection
)

// NewWebhook returns a sink that POSTs each batch to url as
// application/json: {"records":[...]}, each record as in the log. A
// network error, 429 or 5xx is retried after a backoff (a 429's or 503's
// Retry-After is honoured up to MaxBackoff), up to MaxAttempts requests;
// any other answer but 2xx fails the batch at once.
func NewWebhook(rawURL string, opts WebhookOptions) (Sink, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("sink: webhook URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sink: webhook URL %q: want http(s)://host/path", u.Redacted())
	}
	w := &webhookSink{
		url:         u.String(),
		name:        "webhook " + u.Scheme + "://" + u.Host + u.EscapedPath(),
		header:      opts.Header.Clone(),
		client:      opts.Client,
		timeout:     opts.Timeout,
		maxAttempts: opts.MaxAttempts,
		minBackoff:  opts.MinBackoff,
		maxBackoff:  opts.MaxBackoff,
		closed:      make(chan struct{}),
	}
	if w.header == nil {
		w.header = http.Header{}
	}
	w.header.Set("Content-Type", "application/json")
	if w.header.Get("User-Agent") == "" {
		w.header.Set("User-Agent", "ward")
	}
	if w.client == nil {
		w.own = http.DefaultTransport.(*http.Transport).Clone()
		w.client = &http.Client{
			Transport: w.own,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	if w.timeout <= 0 {
		w.timeout = 10 * time.Second
	}
	if w.maxAttempts <= 0 {
		w.maxAttempts = 5
	}
	if w.minBackoff <= 0 {
		w.minBackoff = 500 * time.Millisecond
	}
	if w.maxBackoff <= 0 {
		w.maxBackoff = 30 * time.Second
	}
	w.minBackoff = min(w.minBackoff, w.maxBackoff)
	return w, nil
}

type webhookSink struct {
	url         string
	name        string
	header      http.Header
	client      *http.Client
	own         *http.Transport // the client's transport, if the sink made it
	timeout     time.Duration
	maxAttempts int
	minBackoff  time.Duration
	maxBackoff  time.Duration

	sendMu sync.Mutex // one Send at a time; guards body
	body   bytes.Buffer
	enc    *encoder

	closeOnce sync.Once
	closed    chan struct{}
}

var _ Sink = (*webhookSink)(nil)

func (w *webhookSink) Name() string { return w.name }

func (w *webhookSink) Send(ctx context.Context, batch []audit.Record) error {
	w.sendMu.Lock()
	defer w.sendMu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	select {
	case <-w.closed:
		return fmt.Errorf("sink: %s: %w", w.name, ErrClosed)
	default:
	}
	if err := w.encode(batch); err != nil {
		return fmt.Errorf("sink: %s: %w", w.name, err)
	}
	// Close ends the Send.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-w.closed:
			cancel(ErrClosed)
		case <-ctx.Done():
		}
	}()

	for attempt := 1; ; attempt++ {
		err := w.post(ctx)
		if err == nil {
			return nil
		}
		err = fmt.Errorf("sink: %s: %d records, attempt %d of %d: %w", w.name, len(batch), attempt, w.maxAttempts, err)
		var se *StatusError
		isStatus := errors.As(err, &se)
		if attempt >= w.maxAttempts || ctx.Err() != nil || isStatus && !se.Temporary() {
			if ctx.Err() != nil {
				return fmt.Errorf("%w (%w)", err, context.Cause(ctx))
			}
			return err
		}
		wait := w.backoff(attempt)
		if isStatus && se.retryAfter > 0 {
			wait = min(se.retryAfter, w.maxBackoff)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (%w)", err, context.Cause(ctx))
		}
	}
}

// encode writes {"records":[...]} to w.body.
func (w *webhookSink) encode(batch []audit.Record) error {
	if w.enc == nil {
		w.enc = newEncoder()
	}
	w.body.Reset()
	w.body.WriteString(`{"records":[`)
	for i := range batch {
		b, err := w.enc.record(&batch[i])
		if err != nil {
			return err
		}
		if i > 0 {
			w.body.WriteByte(',')
		}
		w.body.Write(b)
	}
	w.body.WriteString("]}")
	return nil
}

// post makes one request.
func (w *webhookSink) post(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(w.body.Bytes()))
	if err != nil {
		return err
	}
	req.Header = w.header.Clone()
	resp, err := w.client.Do(req)
	if err != nil {
		// The URL may hold a token in its query; show the sink's name.
		if ue, ok := err.(*url.Error); ok {
			ue.URL = strings.TrimPrefix(w.name, "webhook ")
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	return &StatusError{
		Code:       resp.StatusCode,
		Body:       strings.ToValidUTF8(strings.TrimSpace(string(b)), "\uFFFD"),
		retryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// backoff is the wait after the attempt-th failure: MinBackoff doubled
// each time, at most MaxBackoff, less a random part of up to half.
func (w *webhookSink) backoff(attempt int) time.Duration {
	d := w.minBackoff
	for i := 1; i < attempt && d < w.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.maxBackoff)
	return d - rand.N(d/2+1)
}

// retryAfter parses a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

func (w *webhookSink) Close() error {
	w.closeOnce.Do(func() {
		close(w.closed)
		if w.own != nil {
			w.own.CloseIdleConnections()
		}
	})
	return nil
}
