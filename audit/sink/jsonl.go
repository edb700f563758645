package sink

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/agentward/ward/audit"
)

// NewJSONL returns a sink that appends each record to the file at path as
// one line of JSON (JSON Lines), as in the log, and syncs the file to
// disk after each batch. The file is created with mode 0600 if it does
// not exist. A line left unfinished, by a crash or a full disk, is ended
// before the next record, so it spoils no other line.
func NewJSONL(path string) (Sink, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sink: jsonl: %w", err)
	}
	j := &jsonlSink{name: "jsonl " + path, f: f, enc: newEncoder()}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sink: jsonl: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("sink: jsonl: %s is not a regular file", path)
	}
	if fi.Size() > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil {
			f.Close()
			return nil, fmt.Errorf("sink: jsonl: %w", err)
		}
		j.unended = last[0] != '\n'
	}
	return j, nil
}

type jsonlSink struct {
	name string
	f    *os.File

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error

	mu      sync.Mutex // one Send at a time; guards everything below
	enc     *encoder
	buf     []byte
	unended bool // the file does not end with a newline
}

var _ Sink = (*jsonlSink)(nil)

func (j *jsonlSink) Name() string { return j.name }

// Send writes the batch in one write, then syncs. Files take no context,
// so ctx is only looked at before the write.
func (j *jsonlSink) Send(ctx context.Context, batch []audit.Record) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed.Load() {
		return fmt.Errorf("sink: %s: %w", j.name, ErrClosed)
	}
	if len(batch) == 0 {
		return nil
	}
	j.buf = j.buf[:0]
	if j.unended {
		j.buf = append(j.buf, '\n')
	}
	for i := range batch {
		b, err := j.enc.record(&batch[i])
		if err != nil {
			return fmt.Errorf("sink: %s: %w", j.name, err)
		}
		j.buf = append(j.buf, b...)
		j.buf = append(j.buf, '\n')
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sink: %s: %w", j.name, err)
	}
	n, err := j.f.Write(j.buf)
	if err != nil {
		j.unended = n > 0 && j.buf[n-1] != '\n' || n == 0 && j.unended
		return fmt.Errorf("sink: %s: %w", j.name, err)
	}
	j.unended = false
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sink: %s: sync: %w", j.name, err)
	}
	return nil
}

// Close closes the file without waiting for a Send under way, whose
// write or sync then fails if it has not finished.
func (j *jsonlSink) Close() error {
	j.closeOnce.Do(func() {
		j.closed.Store(true)
		if err := j.f.Close(); err != nil {
			j.closeErr = fmt.Errorf("sink: %s: close: %w", j.name, err)
		}
	})
	return j.closeErr
}
