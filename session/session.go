// Package session holds what ward remembers about an agent's session
// between decisions: labels saying what kind of data entered the agent's
// context and from where, salted fingerprints of sensitive values seen in
// outputs, rate and loop counters, recent decisions, and whether a person
// stopped the session.
//
// The types here are plain data; Store is the seam between the decision
// path (package gate) and a database. ward's own store is SQLite under
// $WARD_HOME; a PostgreSQL store can implement the same interface.
package session

import (
	"context"
	"errors"
	"time"
)

// The labels ward knows. A policy may use others through tool result
// policies; these are the ones ward adds itself.
const (
	// LabelUntrusted: content from outside the user's control entered the
	// agent's context (web pages, issue and e-mail bodies, MCP tools not
	// marked trusted, outputs carrying prompt injection).
	LabelUntrusted = "untrusted"
	// LabelPrivate: private data entered the context (credential files,
	// .env, database reads, tools marked private).
	LabelPrivate = "private"
	// LabelSecretSeen: a secret value appeared in a tool's output.
	LabelSecretSeen = "secret-seen"
)

// Status says whether a session (or every session of an agent) may act.
type Status string

// The statuses. The zero value means active.
const (
	Active Status = "active"
	// Stopped: every action is denied until a person resumes it.
	Stopped Status = "stopped"
	// Killed: every action is denied and the agent is told to stop.
	Killed Status = "killed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Active || s == Stopped || s == Killed }

// Info describes a session.
type Info struct {
	ID    string `json:"id"`
	Agent string `json:"agent"`
	Cwd   string `json:"cwd,omitempty"`
	// Synthetic is set when the agent gave no session id and ward made
	// one from the agent's other fields.
	Synthetic bool      `json:"synthetic,omitempty"`
	Status    Status    `json:"status"`
	Change    *Change   `json:"change,omitempty"` // the last status change
	Created   time.Time `json:"created"`
	Seen      time.Time `json:"seen"`
	Events    int64     `json:"events"`
}

// Change is a status change a person made.
type Change struct {
	Status Status    `json:"status"`
	Reason string    `json:"reason,omitempty"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at"`
}

// Label is a label with its provenance: which event added it, how, when.
// A label added by several events is kept once per event.
type Label struct {
	Name    string    `json:"name"`
	EventID string    `json:"event_id"`
	Tool    string    `json:"tool,omitempty"`
	Source  string    `json:"source"` // why: "WebFetch results are untrusted", "finding injection.detected"
	At      time.Time `json:"at"`
}

// SumSize is the length of a fingerprint.
const SumSize = 16

// Sum is a salted fingerprint of a value (HMAC-SHA-256 truncated to
// SumSize bytes). The value itself is never stored.
type Sum [SumSize]byte

// Fingerprint is a sensitive value ward saw in an output, by its sum.
type Fingerprint struct {
	Sum     Sum       `json:"-"`
	EventID string    `json:"event_id"`
	Tool    string    `json:"tool,omitempty"`
	Kind    string    `json:"kind"` // the finding that found it: secret.github_pat, pii.email
	At      time.Time `json:"at"`
}

// Record is one decision, kept for ward session show and for loop
// detection.
type Record struct {
	EventID  string    `json:"event_id"`
	At       time.Time `json:"at"`
	Phase    string    `json:"phase"`
	Tool     string    `json:"tool,omitempty"`
	Kind     string    `json:"kind,omitempty"`
	Decision string    `json:"decision"`
	Rule     string    `json:"rule,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	Digest   string    `json:"digest,omitempty"` // of the action, for loop detection
}

// Rate is N events per Per.
type Rate struct {
	N   int
	Per time.Duration
}

// Counter is the state of one rate limit.
type Counter struct {
	Key string `json:"key"`
	// TAT is the theoretical arrival time of GCRA: the limit is full
	// while TAT is more than Per ahead of now.
	TAT time.Time `json:"tat"`
}

// Filter selects sessions to list.
type Filter struct {
	Agent  string
	Status Status
	Since  time.Time // seen at or after
	Limit  int       // at most this many, newest first; 0 means 100
}

// ErrNotFound is returned for a session the store has never seen.
var ErrNotFound = errors.New("no such session")

// Store keeps session state. Every method is safe to call from many
// goroutines and many processes at once.
type Store interface {
	// Update runs fn in a transaction that holds the store's write lock
	// from its start, so what fn reads is still true when it writes. If
	// fn returns an error nothing it wrote is kept.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx reads and writes session state inside one transaction. Methods that
// write fail in a View.
type Tx interface {
	// Salt returns the secret key of fingerprints, made when the store
	// was created. It never leaves the store's host.
	Salt() ([]byte, error)

	// Session returns a session, or ErrNotFound.
	Session(id string) (Info, error)
	// Sessions lists sessions, most recently seen first.
	Sessions(f Filter) ([]Info, error)
	// Touch creates the session if it is new, and marks it seen at at
	// with one more event.
	Touch(id, agent, cwd string, synthetic bool, at time.Time) error
	// SetStatus changes a session's status; ErrNotFound if unknown.
	SetStatus(id string, c Change) error
	// AgentStatus returns the status set for every session of an agent;
	// nil when none was set.
	AgentStatus(agent string) (*Change, error)
	// SetAgentStatus sets the status of every session of an agent.
	SetAgentStatus(agent string, c Change) error

	// Labels returns a session's labels with their provenance, oldest
	// first.
	Labels(id string) ([]Label, error)
	// AddLabels adds labels; one already recorded for the same event is
	// kept as it was.
	AddLabels(id string, ls []Label) error

	// Fingerprints returns the fingerprints of a session among sums.
	Fingerprints(id string, sums []Sum) ([]Fingerprint, error)
	// AddFingerprints records fingerprints; a sum already recorded keeps
	// its first event.
	AddFingerprints(id string, fs []Fingerprint) error
	// CountFingerprints returns how many fingerprints a session holds.
	CountFingerprints(id string) (int, error)

	// Take applies GCRA to key: when one more event fits in r at now it
	// records it and returns true; otherwise it returns false and how
	// long until one would fit, and records nothing.
	Take(key string, r Rate, now time.Time) (ok bool, retry time.Duration, err error)
	// Counters returns the rate-limit state of keys with a prefix.
	Counters(prefix string) ([]Counter, error)

	// Record keeps a decision; the store keeps the newest ones of each
	// session (at least 1,000).
	Record(id string, r Record) error
	// Recent returns up to n of a session's newest decisions, newest
	// first.
	Recent(id string, n int) ([]Record, error)
	// Repeats returns how many of a session's decisions since since had
	// an action with this digest.
	Repeats(id, digest string, since time.Time) (int, error)
}
