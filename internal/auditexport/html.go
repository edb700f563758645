package auditexport

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/agentward/ward/audit"
)

// Bounds on what the HTML report keeps while records are added, and so
// on its size.
const (
	// MaxDenials is how many denials and asks the report lists: the last
	// ones added.
	MaxDenials = 200
	// maxKeys bounds the distinct agents, rules and finding ids counted
	// each; records under later keys are counted together as others.
	maxKeys = 1000
	// keyLen bounds, in runes, the agent, rule or finding id a count is
	// kept under.
	keyLen = 120
	// topN is how many rules and finding ids the report ranks; maxAgents
	// how many agents it lists.
	topN      = 10
	maxAgents = 20
	// maxBuckets bounds the time buckets kept while adding; maxBars the
	// bars the chart draws.
	maxBuckets = 4096
	maxBars    = 60
	// Lengths, in runes, of what the denials table shows.
	fieldLen   = 120
	reasonLen  = 300
	summaryLen = 200
)

// Decisions as the report counts them; other is any value a record
// should not have.
const (
	allow = iota
	ask
	deny
	other
	nDecisions
)

var decisionNames = [nDecisions]string{"allow", "ask", "deny", "other"}

func decisionIndex(s string) int {
	switch s {
	case "allow":
		return allow
	case "ask":
		return ask
	case "deny":
		return deny
	}
	return other
}

// tally counts records by decision.
type tally [nDecisions]uint64

func (t *tally) total() uint64 { return t[allow] + t[ask] + t[deny] + t[other] }

// counter tallies records by a key (an agent, a rule, a finding id). It
// keeps at most maxKeys keys; records under keys first seen after that
// are tallied together in rest.
type counter struct {
	m    map[string]*tally
	rest tally
}

func (c *counter) add(key string, d int) {
	key = cut(key, keyLen)
	if key == "" {
		key = "(none)"
	}
	t, ok := c.m[key]
	if !ok {
		if len(c.m) >= maxKeys {
			c.rest[d]++
			return
		}
		if c.m == nil {
			c.m = make(map[string]*tally)
		}
		t = new(tally)
		c.m[strings.Clone(key)] = t // not a slice of the record's string
	}
	t[d]++
}

// row is a key's tally as the report shows it.
type row struct {
	Key                            string
	Total, Allow, Ask, Deny, Other uint64
}

func newRow(key string, t *tally) row {
	return row{Key: key, Total: t.total(), Allow: t[allow], Ask: t[ask], Deny: t[deny], Other: t[other]}
}

// top returns the n keys with the most records, most first, ties in key
// order, and how many keys it left out.
func (c *counter) top(n int) ([]row, int) {
	rows := make([]row, 0, len(c.m))
	for k, t := range c.m {
		rows = append(rows, newRow(k, t))
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := cmp.Compare(b.Total, a.Total); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	if len(rows) <= n {
		return rows, 0
	}
	return rows[:n], len(rows) - n
}

// denial is a denied or asked record as the report lists it.
type denial struct {
	Seq                                uint64
	Time, Decision                     string
	Agent, Session, Tool, Rule, Reason string
	// Action is the summary of the action. It is made at Close from raw,
	// a copy of the action's JSON, so that only the denials the report
	// shows are summarized; an action longer than maxRaw is summarized
	// when added instead, which bounds what the ring holds.
	Action string
	raw    []byte
}

// maxRaw bounds the action JSON a kept denial holds until Close.
const maxRaw = 16 << 10

// htmlExporter aggregates records and writes the report at Close.
type htmlExporter struct {
	w      io.Writer
	opts   Options
	closed bool

	records     uint64
	first, last time.Time
	decisions   tally
	agents      counter
	rules       counter
	findings    counter
	unreadable  uint64 // records whose findings are not a JSON array
	buckets     buckets

	// denials is a ring of the last MaxDenials denials and asks; next is
	// where the next one goes once it is full.
	denials     []denial
	next        int
	denialCount uint64
}

func newHTML(w io.Writer, opts Options) *htmlExporter {
	if opts.Title == "" {
		opts.Title = "ward audit report"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &htmlExporter{w: w, opts: opts, denials: make([]denial, 0, MaxDenials)}
}

func (e *htmlExporter) Add(r *audit.Record) error {
	if e.closed {
		return ErrClosed
	}
	d := decisionIndex(r.Decision)
	if e.records == 0 || r.Time.Before(e.first) {
		e.first = r.Time
	}
	if e.records == 0 || r.Time.After(e.last) {
		e.last = r.Time
	}
	e.records++
	e.decisions[d]++
	e.agents.add(r.Agent, d)
	e.rules.add(r.Rule, d)
	ids, ok := findingIDs(r.Findings)
	if !ok {
		e.unreadable++
	}
	slices.Sort(ids) // count each id once a record
	for _, id := range slices.Compact(ids) {
		e.findings.add(id, d)
	}
	e.buckets.add(r.Time, d)
	if d == deny || d == ask {
		e.keepDenial(r, d)
	}
	return nil
}

func (e *htmlExporter) keepDenial(r *audit.Record, d int) {
	e.denialCount++
	var dn *denial
	if len(e.denials) < MaxDenials {
		e.denials = append(e.denials, denial{})
		dn = &e.denials[len(e.denials)-1]
	} else {
		dn = &e.denials[e.next]
		e.next = (e.next + 1) % MaxDenials
	}
	*dn = denial{
		Seq:      r.Seq,
		Time:     r.Time.UTC().Format(time.RFC3339),
		Decision: decisionNames[d],
		// Clones, so as not to keep the record's strings alive.
		Agent:   strings.Clone(cut(r.Agent, fieldLen)),
		Session: strings.Clone(cut(r.Session, fieldLen)),
		Tool:    strings.Clone(cut(r.Tool, fieldLen)),
		Rule:    strings.Clone(cut(r.Rule, fieldLen)),
		Reason:  strings.Clone(cut(r.Reason, reasonLen)),
		raw:     dn.raw[:0], // reuse the slot's buffer
	}
	if len(r.Action) > maxRaw {
		dn.Action, dn.raw = actionSummary(r.Action), nil
	} else {
		dn.raw = append(dn.raw, r.Action...)
	}
}

// retained returns the denials kept, in the order they were added, with
// their actions summarized.
func (e *htmlExporter) retained() []denial {
	out := make([]denial, 0, len(e.denials))
	out = append(out, e.denials[e.next:]...)
	out = append(out, e.denials[:e.next]...)
	for i := range out {
		if out[i].raw != nil {
			out[i].Action, out[i].raw = actionSummary(out[i].raw), nil
		}
	}
	return out
}

func (e *htmlExporter) Close() error {
	if e.closed {
		return ErrClosed
	}
	e.closed = true
	bw := bufio.NewWriter(e.w)
	if err := reportTemplate().Execute(bw, e.report()); err != nil {
		return fmt.Errorf("auditexport: writing the report: %w", err)
	}
	return bw.Flush()
}

// actionSummary says in one line what an action did: its command, URL,
// statement, pattern, tool or path, or failing those its JSON, cut to
// summaryLen runes.
func actionSummary(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var a struct {
		Command, Method, URL, SQL, Pattern, Query string
		Server, Name, Path, Prompt                string
		Files                                     []struct{ Path string }
	}
	var s string
	if err := json.Unmarshal(raw, &a); err != nil {
		s = string(raw)
	} else {
		switch {
		case a.Command != "":
			s = a.Command
		case a.URL != "":
			s = strings.TrimSpace(a.Method + " " + a.URL)
		case a.SQL != "":
			s = a.SQL
		case a.Pattern != "" && a.Path != "":
			s = a.Pattern + " in " + a.Path
		case a.Pattern != "":
			s = a.Pattern
		case a.Query != "":
			s = a.Query
		case a.Server != "" || a.Name != "":
			s = strings.Trim(a.Server+" "+a.Name, " ")
		case a.Path != "":
			s = a.Path
			if len(a.Files) > 1 {
				s += fmt.Sprintf(" (and %d more files)", len(a.Files)-1)
			}
		case a.Prompt != "":
			s = a.Prompt
		default:
			s = string(raw)
		}
	}
	// One line: runs of white space, newlines among them, become a space.
	return cut(strings.Join(strings.Fields(cut(s, 4*summaryLen)), " "), summaryLen)
}
