package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Archive moves the records up to and including upTo out of the log into
// w, one JSON record per line, and makes the record after them the log's
// new start: the log keeps its chain (the next record's Prev is the last
// archived hash) and the Merkle frontier of what was archived, so its
// checkpoints still verify. The records are verified first (with key,
// when not nil); a log that does not verify is not archived. It returns
// how many records were archived. w should be durable before the caller
// relies on the archive: Archive deletes the records when it returns,
// after calling w's Sync method if it has one (an *os.File does).
func Archive(ctx context.Context, b Backend, upTo uint64, w io.Writer, key []byte) (uint64, error) {
	var n uint64
	err := b.Update(ctx, func(tx Tx) error {
		base, err := tx.Base()
		if err != nil {
			return err
		}
		head, err := tx.Head()
		if err != nil {
			return err
		}
		if upTo > head.Seq {
			upTo = head.Seq
		}
		if upTo <= base.Seq {
			return nil
		}
		fr := base.Frontier.Clone()
		next, prev := base.Seq+1, base.Hash
		enc := json.NewEncoder(w)
		err = tx.Scan(next, func(r *Record) error {
			if r.Seq > upTo {
				return errStop
			}
			if r.Seq != next || r.Prev != prev {
				return fmt.Errorf("record %d does not follow record %d: run ward audit verify", r.Seq, next-1)
			}
			if err := r.Check(key); err != nil {
				return fmt.Errorf("record %d: %w: run ward audit verify", r.Seq, err)
			}
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("writing the archive: %w", err)
			}
			fr.Add(r.LeafHash())
			next, prev = r.Seq+1, r.Hash
			n++
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			return err
		}
		if next != upTo+1 {
			return fmt.Errorf("records %d to %d are missing: run ward audit verify", next, upTo)
		}
		// The records are deleted when the transaction commits: the
		// archive must be on disk first.
		if s, ok := w.(interface{ Sync() error }); ok {
			if err := s.Sync(); err != nil {
				return fmt.Errorf("writing the archive: %w", err)
			}
		}
		return tx.Archive(Base{Seq: upTo, Hash: prev, Frontier: fr})
	})
	if err != nil {
		return 0, fmt.Errorf("audit: archive: %w", err)
	}
	return n, nil
}

// MaxLine bounds one line of an archive.
const MaxLine = 4 << 20

// ReadArchive returns a reader of archived records for
// VerifyOptions.Archived: the files are read in order, each a JSONL
// archive written by Archive.
func ReadArchive(files ...io.Reader) func(fn func(*Record) error) error {
	return func(fn func(*Record) error) error {
		for i, f := range files {
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 64<<10), MaxLine)
			line := 0
			for sc.Scan() {
				line++
				var r Record
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					return fmt.Errorf("archive %d, line %d: %w", i+1, line, err)
				}
				if err := fn(&r); err != nil {
					return err
				}
			}
			if err := sc.Err(); err != nil {
				return fmt.Errorf("archive %d, line %d: %w", i+1, line+1, err)
			}
		}
		return nil
	}
}
