package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/agentward/ward/audit"
)

// Sink delivers batches of records somewhere. A [Shipper] calls Send from
// a goroutine of its own, one batch at a time, so Send may block on the
// network.
type Sink interface {
	// Name identifies the sink in stats, logs and errors. It holds no
	// secret: a webhook's query string and credentials are left out.
	Name() string
	// Send delivers batch in order, or returns an error saying why it
	// could not; part of the batch may have been delivered all the same,
	// so delivery is at least once. Send returns soon after ctx ends. It
	// does not keep batch.
	Send(ctx context.Context, batch []audit.Record) error
	// Close releases the sink. It may be called while a Send is under
	// way, and makes that Send return soon.
	Close() error
}

// ErrClosed is returned by Send after Close, and by a second
// [Shipper.Close].
var ErrClosed = errors.New("sink: closed")

// encoder writes records as JSON, one at a time, reusing its buffer.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newEncoder() *encoder {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}

// record returns r as JSON, without a newline; the bytes are good until
// the next call. Action or Findings that are not JSON are carried as JSON
// strings rather than losing the record.
func (e *encoder) record(r *audit.Record) ([]byte, error) {
	e.buf.Reset()
	if err := e.enc.Encode(r); err != nil {
		c := *r
		c.Action, c.Findings = asJSON(c.Action), asJSON(c.Findings)
		e.buf.Reset()
		if err := e.enc.Encode(&c); err != nil {
			return nil, fmt.Errorf("sink: encode record %d: %w", r.Seq, err)
		}
	}
	b := e.buf.Bytes()
	return b[:len(b)-1], nil
}

// asJSON returns m if it is JSON, or else m as a JSON string.
func asJSON(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return nil
	}
	if json.Valid(m) {
		return m
	}
	q, _ := json.Marshal(string(m)) // a string always encodes
	return q
}
