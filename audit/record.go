package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Entry is what a surface records about one decision. Action and
// Findings are JSON; secrets in them are redacted before they get here
// (see Redact).
type Entry struct {
	Time    time.Time `json:"time"`
	EventID string    `json:"event_id"`
	Agent   string    `json:"agent"`
	Session string    `json:"session,omitempty"`
	Tool    string    `json:"tool,omitempty"`
	Phase   string    `json:"phase,omitempty"`
	// Cwd is the agent's working directory, so that a replay decides in
	// the same place.
	Cwd      string          `json:"cwd,omitempty"`
	Action   json.RawMessage `json:"action"`
	Findings json.RawMessage `json:"findings"`
	Decision string          `json:"decision"`
	Rule     string          `json:"rule,omitempty"`
	Reason   string          `json:"reason"`
	// Policy is the digest of the effective policy.
	Policy    string `json:"policy,omitempty"`
	LatencyUS int64  `json:"latency_us"`
	// Approver is who decided, when a person did.
	Approver string `json:"approver,omitempty"`
}

// Record is an Entry in the log: its place in the chain and its seals.
type Record struct {
	Seq uint64 `json:"seq"`
	Entry
	Prev Hash `json:"prev"`
	Hash Hash `json:"hash"`
	MAC  Hash `json:"mac"`
}

// Hash is a SHA-256 sum, written in hex.
type Hash [sha256.Size]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *Hash) UnmarshalText(b []byte) error {
	if hex.DecodedLen(len(b)) != len(h) {
		return fmt.Errorf("audit: hash %q is not %d hex digits", b, 2*len(h))
	}
	_, err := hex.Decode(h[:], b)
	return err
}

// Head is the end of the chain: the last record's sequence number and
// hash. The zero Head is an empty log.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash Hash   `json:"hash"`
}

// canonicalVersion is the first byte of every canonical encoding.
const canonicalVersion = 1

// Limits on what one record holds, so a record cannot grow without
// bound; longer text is cut and says so.
const (
	MaxText   = 4 << 10  // reason, rule, ids
	MaxAction = 64 << 10 // action JSON
)

// Canonical returns the encoding the record's hash covers: a version
// byte, then each field in a fixed order, integers as 8 bytes big-endian
// and text as its length (4 bytes) and bytes. The time is in
// microseconds since 1970 UTC (Seal truncates it so; every store keeps
// microseconds). The encoding is what docs/audit.md describes, so a log can
// be verified without ward.
func (r *Record) Canonical() []byte {
	b := make([]byte, 0, 128+len(r.Action)+len(r.Findings)+len(r.Reason))
	b = append(b, canonicalVersion)
	b = binary.BigEndian.AppendUint64(b, r.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Time.UnixMicro()))
	for _, s := range []string{r.EventID, r.Agent, r.Session, r.Tool, r.Phase, r.Cwd} {
		b = appendText(b, s)
	}
	b = appendText(b, string(r.Action))
	b = appendText(b, string(r.Findings))
	for _, s := range []string{r.Decision, r.Rule, r.Reason, r.Policy} {
		b = appendText(b, s)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(r.LatencyUS))
	b = appendText(b, r.Approver)
	return b
}

func appendText(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// LeafHash is the record's leaf in the Merkle tree: SHA-256 of a zero
// byte and the canonical encoding (RFC 6962).
func (r *Record) LeafHash() Hash {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(r.Canonical())
	var out Hash
	h.Sum(out[:0])
	return out
}

// chainHash links a leaf to the hash before it.
func chainHash(prev, leaf Hash) Hash {
	h := sha256.New()
	h.Write([]byte("ward audit chain\x00"))
	h.Write(prev[:])
	h.Write(leaf[:])
	var out Hash
	h.Sum(out[:0])
	return out
}

// seal computes the MAC of a chain hash.
func seal(key []byte, h Hash) Hash {
	m := hmac.New(sha256.New, key)
	m.Write(h[:])
	var out Hash
	m.Sum(out[:0])
	return out
}

// Seal makes e the record after head: it sets Seq, Prev, Hash and MAC.
func Seal(head Head, e Entry, key []byte) Record {
	r := Record{Seq: head.Seq + 1, Entry: e, Prev: head.Hash}
	r.Time = r.Time.UTC().Truncate(time.Microsecond)
	r.Hash = chainHash(r.Prev, r.LeafHash())
	r.MAC = seal(key, r.Hash)
	return r
}

// Check recomputes r's hash from its content and Prev; it reports
// whether the stored hash matches, and, when key is not nil, whether the
// MAC does.
func (r *Record) Check(key []byte) error {
	if want := chainHash(r.Prev, r.LeafHash()); want != r.Hash {
		return ErrChanged
	}
	if mac := seal(key, r.Hash); key != nil && !hmac.Equal(mac[:], r.MAC[:]) {
		return ErrNotSealed
	}
	return nil
}

// Errors of Check.
var (
	ErrChanged   = errors.New("record's content does not match its hash")
	ErrNotSealed = errors.New("record's hash is not sealed with this log's key")
)
