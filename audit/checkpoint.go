package audit

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a signed statement of the log's first Size records: the
// Merkle root over them and the hash of record Size. Note is the signed
// note (golang.org/x/mod/sumdb/note) that can be published elsewhere.
type Checkpoint struct {
	Size uint64    `json:"size"`
	Root Hash      `json:"root"`
	Head Hash      `json:"head"`
	Time time.Time `json:"time"`
	Note []byte    `json:"note"`
}

// checkpointOrigin is the first line of every checkpoint's text.
const checkpointOrigin = "ward audit log"

// checkpointText is the signed text: the origin, then one line each for
// size, root (base64, as in tlog's tree notes), head (hex) and time.
func checkpointText(c *Checkpoint) string {
	return fmt.Sprintf("%s\nsize %d\nroot %s\nhead %s\ntime %s\n", checkpointOrigin, c.Size,
		base64.StdEncoding.EncodeToString(c.Root[:]), c.Head, c.Time.UTC().Format(time.RFC3339Nano))
}

// SignCheckpoint signs a checkpoint of the log as it stands in tx and
// stores it. It does nothing for an empty log or when the last checkpoint
// already covers the head.
func SignCheckpoint(tx Tx, opts Options) (*Checkpoint, error) {
	opts.defaults()
	if opts.Keys == nil || opts.Keys.signer == nil {
		return nil, errors.New("audit: checkpoint: no signing key")
	}
	head, err := tx.Head()
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint: %w", err)
	}
	fr, err := tx.Frontier()
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint: %w", err)
	}
	return signCheckpoint(tx, opts, head, fr)
}

func signCheckpoint(tx Tx, opts Options, head Head, fr Frontier) (*Checkpoint, error) {
	if head.Seq == 0 || fr.Size != head.Seq {
		return nil, nil
	}
	last, err := tx.LastCheckpoint()
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint: %w", err)
	}
	if last != nil && last.Size >= head.Seq {
		return last, nil
	}
	c := &Checkpoint{Size: head.Seq, Root: fr.Root(), Head: head.Hash, Time: opts.Now().UTC().Truncate(time.Microsecond)}
	signer, err := opts.Keys.Signer()
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(&note.Note{Text: checkpointText(c)}, signer)
	if err != nil {
		return nil, fmt.Errorf("audit: signing a checkpoint: %w", err)
	}
	c.Note = msg
	if err := tx.AddCheckpoint(*c); err != nil {
		return nil, fmt.Errorf("audit: storing a checkpoint: %w", err)
	}
	return c, nil
}

// maybeCheckpoint signs a checkpoint when one is due: CheckpointEvery
// records or CheckpointAge since the last.
func maybeCheckpoint(tx Tx, opts Options, head Head, fr Frontier) error {
	if opts.Keys.signer == nil {
		return nil
	}
	last, err := tx.LastCheckpoint()
	if err != nil {
		return fmt.Errorf("audit: checkpoint: %w", err)
	}
	var since uint64
	var at time.Time
	if last != nil {
		since, at = last.Size, last.Time
	} else {
		first, err := tx.Query(Filter{Oldest: true, Limit: 1})
		if err != nil {
			return fmt.Errorf("audit: checkpoint: %w", err)
		}
		if len(first) > 0 {
			at = first[0].Time
		}
	}
	due := head.Seq-since >= opts.CheckpointEvery ||
		head.Seq > since && !at.IsZero() && opts.Now().Sub(at) >= opts.CheckpointAge
	if !due {
		return nil
	}
	_, err = signCheckpoint(tx, opts, head, fr)
	return err
}

var errStop = errors.New("stop")

// OpenCheckpoint checks a checkpoint's signature with v and parses it.
func OpenCheckpoint(msg []byte, v note.Verifier) (*Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint signature: %w", err)
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return nil, err
	}
	c.Note = msg
	return c, nil
}

func parseCheckpoint(text string) (*Checkpoint, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 5 || lines[0] != checkpointOrigin {
		return nil, fmt.Errorf("audit: not a ward checkpoint")
	}
	c := &Checkpoint{}
	field := func(i int, name string) (string, error) {
		v, ok := strings.CutPrefix(lines[i], name+" ")
		if !ok {
			return "", fmt.Errorf("audit: checkpoint line %d: want %q", i+1, name)
		}
		return v, nil
	}
	v, err := field(1, "size")
	if err == nil {
		c.Size, err = strconv.ParseUint(v, 10, 64)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint size: %w", err)
	}
	if v, err = field(2, "root"); err != nil {
		return nil, err
	}
	root, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(root) != len(c.Root) {
		return nil, fmt.Errorf("audit: checkpoint root %q", v)
	}
	copy(c.Root[:], root)
	if v, err = field(3, "head"); err != nil {
		return nil, err
	}
	if err := c.Head.UnmarshalText([]byte(v)); err != nil {
		return nil, err
	}
	if v, err = field(4, "time"); err != nil {
		return nil, err
	}
	if c.Time, err = time.Parse(time.RFC3339Nano, v); err != nil {
		return nil, fmt.Errorf("audit: checkpoint time: %w", err)
	}
	return c, nil
}
