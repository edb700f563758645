package audit

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"
	"slices"

	"golang.org/x/mod/sumdb/note"
)

// Kinds of Problem.
const (
	ProblemChanged    = "changed"      // content does not match the hash
	ProblemNotSealed  = "not_sealed"   // the MAC is not this log's key's
	ProblemMissing    = "missing"      // sequence numbers skipped
	ProblemOrder      = "out_of_order" // a sequence number repeats or goes back
	ProblemLink       = "broken_link"  // Prev is not the hash before it
	ProblemTruncated  = "truncated"    // records cut from the end
	ProblemHead       = "head"         // the head does not match the last record
	ProblemCheckpoint = "checkpoint"   // a checkpoint does not match, or its signature fails
)

// Problem is one thing wrong with a log, at a record.
type Problem struct {
	Seq  uint64 `json:"seq"`
	Kind string `json:"kind"`
	Msg  string `json:"message"`
}

func (p Problem) String() string { return fmt.Sprintf("record %d: %s: %s", p.Seq, p.Kind, p.Msg) }

// Report is what Verify found.
type Report struct {
	// First and Last are the sequence numbers of the first and last
	// records read; Records counts them.
	First, Last, Records uint64
	// Valid is the last record of the prefix that verified, before the
	// first problem (Base.Seq when the first record kept is bad).
	Valid uint64
	// Checkpoints counts the checkpoints checked against the records,
	// Signed those whose signature was checked.
	Checkpoints, Signed int
	// MACs is false when the log's HMAC key was not given, so that only
	// the hashes and checkpoints were checked.
	MACs     bool
	Problems []Problem
	// Dropped counts problems beyond MaxProblems.
	Dropped int
}

// OK reports whether the log verified.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// MaxProblems bounds the problems a report lists.
const MaxProblems = 100

func (r *Report) add(seq uint64, kind, format string, args ...any) {
	if len(r.Problems) >= MaxProblems {
		r.Dropped++
		return
	}
	r.Problems = append(r.Problems, Problem{Seq: seq, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// VerifyOptions say what Verify checks with.
type VerifyOptions struct {
	// MAC is the log's HMAC key; without it MACs are not checked.
	MAC []byte
	// Verifier checks checkpoint signatures; without it they are not.
	Verifier note.Verifier
	// Archived are records archived from the log's start, oldest first
	// (see Archive). Verify checks them first and then that the log
	// starts where they end.
	Archived func(fn func(*Record) error) error
	// Published are checkpoints kept elsewhere (signed notes): each must
	// carry a valid signature and match the records, which catches a log
	// rewritten together with the checkpoints it stores.
	Published [][]byte
}

// Verify checks a whole log: every record's hash and MAC, the links
// between them, the head, and every checkpoint against the records and
// its signature. It reads each record once.
func Verify(ctx context.Context, rd Reader, opts VerifyOptions) (*Report, error) {
	v := newVerifier(opts)
	base, err := rd.Base()
	if err != nil {
		return nil, fmt.Errorf("audit: verify: %w", err)
	}
	cps, err := rd.Checkpoints()
	if err != nil {
		return nil, fmt.Errorf("audit: verify: %w", err)
	}
	for _, msg := range opts.Published {
		if opts.Verifier == nil {
			return nil, fmt.Errorf("audit: verify: a published checkpoint needs the log's public key")
		}
		c, err := OpenCheckpoint(msg, opts.Verifier)
		if err != nil {
			return nil, fmt.Errorf("audit: verify: published checkpoint: %w", err)
		}
		cps = append(cps, *c)
	}
	v.checkpoints(cps)
	if opts.Archived != nil {
		if err := opts.Archived(func(r *Record) error { return v.record(ctx, r) }); err != nil {
			return nil, fmt.Errorf("audit: verify: archived records: %w", err)
		}
		if v.next != base.Seq+1 || v.prev != base.Hash {
			v.rep.add(base.Seq+1, ProblemLink, "the log does not start where the archive ends (archive ends at %d, log starts after %d)", v.next-1, base.Seq)
		}
	} else {
		if err := base.Frontier.Valid(); err != nil || base.Frontier.Size != base.Seq {
			v.rep.add(base.Seq+1, ProblemCheckpoint, "the base's Merkle frontier is damaged")
		}
		v.next, v.prev, v.tree = base.Seq+1, base.Hash, base.Frontier.Clone()
	}
	if err := v.scan(ctx, rd, base.Seq+1); err != nil {
		return nil, fmt.Errorf("audit: verify: %w", err)
	}
	head, err := rd.Head()
	if err != nil {
		return nil, fmt.Errorf("audit: verify: %w", err)
	}
	v.finish(head)
	return &v.rep, nil
}

// scan reads the records in this goroutine and checks them in another,
// batch by batch, so that reading the store and hashing overlap: on a
// million records each takes seconds.
func (v *verifier) scan(ctx context.Context, rd Reader, from uint64) error {
	const batchSize = 1024
	batches := make(chan []Record, 4)
	done := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			for i := range b {
				if err == nil {
					err = v.record(ctx, &b[i])
				}
			}
		}
		done <- err
	}()
	batch := make([]Record, 0, batchSize)
	err := rd.Scan(from, func(r *Record) error {
		batch = append(batch, *r)
		if len(batch) == batchSize {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]Record, 0, batchSize)
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if cerr := <-done; err == nil {
		err = cerr
	}
	return err
}

type verifier struct {
	opts VerifyOptions
	rep  Report
	mac  hash.Hash
	next uint64 // the Seq expected next
	prev Hash   // the hash of the record before it
	tree Frontier
	// broken is set at the first problem: the tree no longer matches
	// any checkpoint, so checkpoints past it are not compared.
	broken bool
	cps    []Checkpoint // by size, not yet reached
}

func newVerifier(opts VerifyOptions) *verifier {
	v := &verifier{opts: opts, next: 1}
	v.rep.MACs = opts.MAC != nil
	if opts.MAC != nil {
		v.mac = hmac.New(sha256.New, opts.MAC)
	}
	return v
}

func (v *verifier) checkpoints(cps []Checkpoint) {
	v.cps = slices.Clone(cps)
	slices.SortStableFunc(v.cps, func(a, b Checkpoint) int { return cmp.Compare(a.Size, b.Size) })
	for i := range v.cps {
		c := &v.cps[i]
		if v.opts.Verifier == nil {
			continue
		}
		signed, err := OpenCheckpoint(c.Note, v.opts.Verifier)
		if err != nil {
			v.rep.add(c.Size, ProblemCheckpoint, "the checkpoint at %d: %v", c.Size, err)
			continue
		}
		v.rep.Signed++
		// What is checked against the records is what was signed, not
		// the columns stored beside it.
		if signed.Size != c.Size || signed.Root != c.Root || signed.Head != c.Head {
			v.rep.add(c.Size, ProblemCheckpoint, "the checkpoint at %d differs from its signed text", c.Size)
		}
		c.Size, c.Root, c.Head = signed.Size, signed.Root, signed.Head
	}
}

func (v *verifier) record(ctx context.Context, r *Record) error {
	if r.Seq%4096 == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if v.rep.Records == 0 {
		v.rep.First = r.Seq
	}
	v.rep.Records++
	v.rep.Last = r.Seq
	switch {
	case r.Seq > v.next:
		v.problem(v.next, ProblemMissing, "records %d to %d are missing", v.next, r.Seq-1)
	case r.Seq < v.next:
		v.problem(r.Seq, ProblemOrder, "record %d comes after record %d", r.Seq, v.next-1)
	case r.Prev != v.prev:
		v.problem(r.Seq, ProblemLink, "its previous hash is not record %d's hash: a record before it was changed, removed or moved", r.Seq-1)
	}
	leaf := r.LeafHash()
	if chainHash(r.Prev, leaf) != r.Hash {
		v.problem(r.Seq, ProblemChanged, "its content does not match its hash: it was edited")
	} else if v.mac != nil && !v.sealed(r) {
		v.problem(r.Seq, ProblemNotSealed, "its hash is not sealed with this log's key: it was written by something other than ward")
	}
	// Carry on from this record whatever it was, so that one bad record
	// is one problem and not all those after it.
	v.next, v.prev = r.Seq+1, r.Hash
	if v.broken {
		return nil
	}
	v.tree.Add(leaf)
	for len(v.cps) > 0 && v.cps[0].Size <= v.tree.Size {
		c := v.cps[0]
		v.cps = v.cps[1:]
		if c.Size < v.tree.Size {
			continue // before the records kept; its signature was checked
		}
		v.rep.Checkpoints++
		if c.Root != v.tree.Root() || c.Head != r.Hash {
			v.problem(r.Seq, ProblemCheckpoint, "the checkpoint signed at %s for the first %d records does not match them", c.Time.Format("2006-01-02 15:04:05Z07:00"), c.Size)
		}
	}
	return nil
}

func (v *verifier) sealed(r *Record) bool {
	v.mac.Reset()
	v.mac.Write(r.Hash[:])
	var sum Hash
	v.mac.Sum(sum[:0])
	return hmac.Equal(sum[:], r.MAC[:])
}

// problem reports a problem met while reading records; the first ends
// the valid prefix.
func (v *verifier) problem(seq uint64, kind, format string, args ...any) {
	if !v.broken {
		v.rep.Valid = v.next - 1
	}
	v.rep.add(seq, kind, format, args...)
	v.broken = true
}

func (v *verifier) finish(head Head) {
	last := v.next - 1
	if !v.broken {
		v.rep.Valid = last
	}
	switch {
	case head.Seq > last:
		v.rep.add(last+1, ProblemTruncated, "records %d to %d were cut from the end (the head says %d)", last+1, head.Seq, head.Seq)
	case head.Seq < last:
		v.rep.add(head.Seq+1, ProblemHead, "records %d to %d come after the head (%d): they were added by something other than ward", head.Seq+1, last, head.Seq)
	case head.Hash != v.prev && last > 0:
		v.rep.add(last, ProblemHead, "the head's hash is not record %d's", last)
	}
	for _, c := range v.cps {
		if c.Size > last {
			v.rep.add(last+1, ProblemTruncated, "a checkpoint signed at %s covers %d records; the log has %d", c.Time.Format("2006-01-02 15:04:05Z07:00"), c.Size, last)
			break
		}
	}
}
