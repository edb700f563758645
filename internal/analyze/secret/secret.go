package secret

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Match is a secret found in text.
type Match struct {
	ID       string         // stable finding id, e.g. "secret.github_pat"
	Severity event.Severity // how much the secret grants
	Start    int            // byte offset of the secret value in the text
	End      int            // byte offset just after it
	Preview  string         // a redacted preview safe to log, e.g. "ghp_…(40)"
}

// MaxMatches bounds what one Scan returns.
const MaxMatches = 256

// maxCandidates bounds the candidates a scan collects before it resolves
// overlaps: a secret yields at most a few (a provider token inside a
// generic assignment), so this leaves room for MaxMatches results.
const maxCandidates = 4 * MaxMatches

// Scanner finds secrets. It is safe for concurrent use, and its zero
// value is ready to use.
type Scanner struct {
	_ [0]func() // not comparable; room for options later
}

// New returns a scanner. It is cheap: the detectors are compiled once per
// process, on the first Scan.
func New() *Scanner {
	return &Scanner{}
}

// Catalog lists every finding id the scanner can emit.
func (s *Scanner) Catalog() []analyze.FindingSpec {
	return slices.Clone(compiled().catalog)
}

// Scan returns the secrets in text, sorted by Start and without overlaps:
// where two detectors claim the same bytes, the more specific one wins (a
// GitHub token over the generic assignment that holds it). It returns at
// most MaxMatches matches, the earliest ones.
func (s *Scanner) Scan(text string) []Match {
	t := compiled()
	sc := scan{t: t, text: text, lastStart: make([]int, len(t.rules))}
	for i := range sc.lastStart {
		sc.lastStart[i] = -1
	}
	sc.lastIdent = -1
	sc.run()
	return sc.resolve()
}

// candidate is a match before overlaps are resolved.
type candidate struct {
	start, end int
	id         string
	prio       int // higher wins an overlap
	show       int // leading bytes that are a public prefix (for Preview)
}

// Priorities: a detector that knows the format beats one that guesses.
const (
	prioGeneric    = 10
	prioHTTPAuth   = 20
	prioStructured = 30 // JWTs, connection strings, context-classified keys
	prioProvider   = 40
	prioPrivateKey = 50
)

func (sc *scan) add(c candidate) {
	if c.end <= c.start || c.start < 0 || c.end > len(sc.text) {
		return
	}
	sc.cands = append(sc.cands, c)
}

// resolve keeps, among overlapping candidates, the most specific one, and
// returns the first MaxMatches matches by position.
func (sc *scan) resolve() []Match {
	if len(sc.cands) == 0 {
		return nil
	}
	cands := sc.cands
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(b.prio, a.prio); c != 0 {
			return c
		}
		if c := cmp.Compare(b.end-b.start, a.end-a.start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	// kept is sorted by start and free of overlaps.
	var kept []candidate
	for _, c := range cands {
		i, _ := slices.BinarySearchFunc(kept, c.start, func(k candidate, start int) int {
			return cmp.Compare(k.start, start)
		})
		if i > 0 && kept[i-1].end > c.start {
			continue
		}
		if i < len(kept) && kept[i].start < c.end {
			continue
		}
		kept = slices.Insert(kept, i, c)
	}
	if len(kept) > MaxMatches {
		kept = kept[:MaxMatches]
	}
	out := make([]Match, len(kept))
	for i, c := range kept {
		out[i] = Match{
			ID:       c.id,
			Severity: sc.t.severity[c.id],
			Start:    c.start,
			End:      c.end,
			Preview:  preview(sc.text[c.start:c.end], c.show),
		}
	}
	return out
}

// preview shows a public prefix of a secret (at most a third of it) and
// its length, e.g. "ghp_…(40)".
func preview(v string, show int) string {
	show = min(show, len(v)/3)
	for show > 0 && !isPrintableASCII(v[show-1]) {
		show--
	}
	return v[:show] + "…(" + strconv.Itoa(len(v)) + ")"
}

func isPrintableASCII(c byte) bool { return c >= 0x20 && c < 0x7f }

// Redact returns text with each match's span replaced by
// "[REDACTED:<id>]". Matches out of range or overlapping an earlier one
// are ignored, so any slice of matches is safe to pass.
func Redact(text string, matches []Match) string {
	if len(matches) == 0 {
		return text
	}
	ms := slices.Clone(matches)
	slices.SortStableFunc(ms, func(a, b Match) int { return cmp.Compare(a.Start, b.Start) })
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, m := range ms {
		if m.Start < at || m.End <= m.Start || m.End > len(text) {
			continue
		}
		b.WriteString(text[at:m.Start])
		b.WriteString("[REDACTED:")
		b.WriteString(m.ID)
		b.WriteByte(']')
		at = m.End
	}
	b.WriteString(text[at:])
	return b.String()
}
