package audit

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Backend keeps a log's records. Implementations hold the log's write
// lock for the whole of Update, so that appends from many processes form
// one chain.
type Backend interface {
	// Update runs fn with the log's write lock held, in one transaction:
	// nothing fn wrote is kept if it returns an error.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn on a consistent snapshot of the log.
	View(ctx context.Context, fn func(Reader) error) error
}

// Reader reads a log. Its methods take no context: they run under the
// context given to the Update or View that made the Reader, and fail once
// it ends.
type Reader interface {
	// Head is the end of the chain as the log last wrote it; the zero
	// Head for an empty log. It is kept apart from the records, so that
	// records cut from the end show.
	Head() (Head, error)
	// Base is where the records kept start, after Archive: the first
	// sequence number is Base.Seq+1 and its Prev is Base.Hash.
	Base() (Base, error)
	// Scan calls fn for each record with from <= Seq, in order, until fn
	// returns an error. The Record is fn's to keep, and fn may use the
	// Reader (or Tx) it was called from.
	Scan(from uint64, fn func(*Record) error) error
	// Query returns the records that pass f, newest first.
	Query(f Filter) ([]Record, error)
	// Checkpoints returns the checkpoints, oldest first.
	Checkpoints() ([]Checkpoint, error)
	// LastCheckpoint returns the newest checkpoint, or nil.
	LastCheckpoint() (*Checkpoint, error)
}

// Tx reads and appends inside Update.
type Tx interface {
	Reader
	// Insert adds a record; its Seq is one more than the head's. A
	// backend may queue inserts and report an error at the next read or
	// at commit: either way the transaction fails whole.
	Insert(r *Record) error
	// SetHead records the new end of the chain.
	SetHead(h Head) error
	// Frontier and SetFrontier keep the Merkle tree's frontier, which
	// Append extends with each record.
	Frontier() (Frontier, error)
	SetFrontier(f Frontier) error
	// AddCheckpoint stores a signed checkpoint.
	AddCheckpoint(c Checkpoint) error
	// Archive deletes records with Seq <= b.Seq and records b as the new
	// base.
	Archive(b Base) error
}

// Base is the anchor of a log whose first records were archived.
type Base struct {
	Seq  uint64 `json:"seq"`
	Hash Hash   `json:"hash"`
	// Frontier is the Merkle frontier of the archived records, so that
	// checkpoints can still be checked against what is kept.
	Frontier Frontier `json:"frontier"`
}

// Filter selects records. Zero fields do not filter.
type Filter struct {
	// Since is inclusive, Until exclusive.
	Since, Until time.Time
	Session      string
	Agent        string
	Tool         string
	Decision     string
	Rule         string
	// Finding matches a finding id; "secret.*" matches ids that start
	// with "secret.".
	Finding string
	// After and Before bound Seq (exclusive).
	After, Before uint64
	// Limit bounds how many records come back (default 100, at most
	// MaxQuery).
	Limit int
	// Oldest returns the oldest matches first instead of the newest.
	Oldest bool
}

// MaxQuery bounds the records one query returns.
const MaxQuery = 100_000

// Limited returns f's limit, defaulted and bounded.
func (f Filter) Limited() int {
	switch {
	case f.Limit <= 0:
		return 100
	case f.Limit > MaxQuery:
		return MaxQuery
	}
	return f.Limit
}

// Options say how Append seals and signs.
type Options struct {
	Keys *Keys
	// CheckpointEvery signs a checkpoint after this many records
	// (default 1000)...
	CheckpointEvery uint64
	// ...or when the last is older than CheckpointAge (default 10
	// minutes).
	CheckpointAge time.Duration
	// Now is the clock for checkpoints (default time.Now).
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.CheckpointEvery == 0 {
		o.CheckpointEvery = 1000
	}
	if o.CheckpointAge == 0 {
		o.CheckpointAge = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Append seals entries onto the chain inside tx and, when one is due,
// signs a checkpoint. Every surface appends through here, so every store
// holds the same chain.
func Append(tx Tx, opts Options, entries ...Entry) ([]Record, error) {
	if opts.Keys == nil || opts.Keys.MAC == nil {
		return nil, fmt.Errorf("audit: append: no keys")
	}
	opts.defaults()
	head, err := tx.Head()
	if err != nil {
		return nil, fmt.Errorf("audit: reading the head: %w", err)
	}
	fr, err := tx.Frontier()
	if err != nil {
		return nil, fmt.Errorf("audit: reading the tree: %w", err)
	}
	if fr.Size != head.Seq {
		return nil, fmt.Errorf("audit: the tree holds %d records and the chain %d: run ward audit verify", fr.Size, head.Seq)
	}
	out := make([]Record, 0, len(entries))
	for _, e := range entries {
		r := Seal(head, bound(e), opts.Keys.MAC)
		if err := tx.Insert(&r); err != nil {
			return nil, fmt.Errorf("audit: appending record %d: %w", r.Seq, err)
		}
		fr.Add(r.LeafHash())
		head = Head{Seq: r.Seq, Hash: r.Hash}
		out = append(out, r)
	}
	if err := tx.SetHead(head); err != nil {
		return nil, fmt.Errorf("audit: writing the head: %w", err)
	}
	if err := tx.SetFrontier(fr); err != nil {
		return nil, fmt.Errorf("audit: writing the tree: %w", err)
	}
	if err := maybeCheckpoint(tx, opts, head, fr); err != nil {
		return nil, err
	}
	return out, nil
}

// bound cuts an entry's text to the limits.
func bound(e Entry) Entry {
	for _, s := range []*string{&e.EventID, &e.Agent, &e.Session, &e.Tool, &e.Phase, &e.Cwd, &e.Decision, &e.Rule, &e.Reason, &e.Policy, &e.Approver} {
		*s = cut(clean(*s), MaxText)
	}
	if len(e.Action) > MaxAction {
		e.Action = []byte(fmt.Sprintf(`{"truncated":true,"bytes":%d}`, len(e.Action)))
	}
	if len(e.Findings) > MaxAction {
		e.Findings = []byte(fmt.Sprintf(`[{"id":"audit.truncated","severity":"info","message":"%d bytes of findings"}]`, len(e.Findings)))
	}
	if len(e.Action) == 0 {
		e.Action = []byte("{}")
	}
	if len(e.Findings) == 0 {
		e.Findings = []byte("[]")
	}
	return e
}

// clean makes s storable by every backend: PostgreSQL's text holds
// neither NUL nor invalid UTF-8.
func clean(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// cut shortens s to at most n bytes on a UTF-8 boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…[cut]"
	i := n - len(mark)
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + mark
}
