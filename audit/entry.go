package audit

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/secret"
)

// MaxField bounds each string of the action as recorded: a 50 KB file
// written is recorded by its first 4 KB, redacted.
const MaxField = 4 << 10

// EntryFor makes the entry for a decision about ev: the normalized action
// with every string cut to MaxField and secrets redacted, the findings
// with their evidence redacted. ev is nil when ward could not read the
// event at all.
func EntryFor(ev *event.Event, d *event.Decision, now time.Time) Entry {
	e := Entry{
		Time:      now,
		EventID:   d.EventID,
		Decision:  d.Decision.String(),
		Rule:      d.Rule,
		Policy:    d.Policy,
		LatencyUS: d.LatencyUS,
	}
	sc := secret.New()
	e.Reason = redact(sc, d.Reason)
	if ev != nil {
		e.Agent, e.Session, e.Tool, e.Phase, e.Cwd = ev.Agent, ev.Session, ev.Tool, string(ev.Phase), cut(ev.Cwd, MaxText)
		if e.EventID == "" {
			e.EventID = ev.ID
		}
		if ev.Action.Kind != "" {
			e.Action = redactJSON(sc, ev.Action)
		}
	}
	if d.Session != "" {
		e.Session = d.Session
	}
	e.Findings = redactJSON(sc, findings(d.Findings))
	return e
}

// redactJSON encodes v with its strings cut and redacted. Redacting the
// decoded strings, not the JSON text, keeps the result valid JSON
// whatever the secret's neighbours are.
func redactJSON(sc *secret.Scanner, v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(fmt.Sprintf(`{"unrecordable":%q}`, err.Error()))
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return json.RawMessage(fmt.Sprintf(`{"unrecordable":%q}`, err.Error()))
	}
	out, err := json.Marshal(redactTree(sc, tree, 0))
	if err != nil {
		return json.RawMessage(fmt.Sprintf(`{"unrecordable":%q}`, err.Error()))
	}
	return out
}

// maxDepth bounds how deep redactTree goes; deeper values are dropped.
const maxDepth = 32

func redactTree(sc *secret.Scanner, v any, depth int) any {
	if depth > maxDepth {
		return "…[too deep]"
	}
	switch x := v.(type) {
	case string:
		return redact(sc, cut(x, MaxField))
	case []any:
		for i := range x {
			x[i] = redactTree(sc, x[i], depth+1)
		}
		return x
	case map[string]any:
		for k, val := range x {
			x[k] = redactTree(sc, val, depth+1)
		}
		return x
	}
	return v
}

func redact(sc *secret.Scanner, s string) string {
	if s == "" {
		return s
	}
	return secret.Redact(s, sc.Scan(s))
}

// finding is a Finding as recorded; the severity is its name, whatever
// its value, so that no finding makes the findings unrecordable.
type finding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Evidence string `json:"evidence,omitempty"`
}

func findings(fs []event.Finding) []finding {
	out := make([]finding, len(fs))
	for i, f := range fs {
		out[i] = finding{ID: f.ID, Severity: f.Severity.String(), Message: f.Message, Evidence: f.Evidence}
	}
	return out
}
