package gate

import (
	"context"
	"fmt"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/policy"
	"github.com/agentward/ward/session"
)

// applyLimits counts the event against every limit rule it matches and,
// when one is exceeded and its decision is stricter than d's, makes it
// the decision. Every matching limit counts the event, so an agent that
// keeps trying a denied action still runs into its loop bound.
func applyLimits(ctx context.Context, tx session.Tx, pol *policy.Policy, in *policy.Input, d *event.Decision, now time.Time) error {
	limits, err := pol.Limits(ctx, in)
	if err != nil {
		return err
	}
	ev := in.Event
	digest := actionDigest(ev)
	for _, l := range limits {
		why, err := exceeded(tx, l, ev, d.Rule, digest, now)
		if err != nil {
			return fmt.Errorf("limit %s: %w", l.ID, err)
		}
		if why == "" || l.Decision <= d.Decision {
			continue
		}
		d.Decision, d.Rule, d.Severity = l.Decision, l.ID, l.Severity
		d.Reason = l.Reason + " (" + why + ")"
		d.Evidence = []string{"limit " + l.Limit.String()}
	}
	return nil
}

// exceeded counts the event against one limit and says how it is over,
// or "" when it is not.
func exceeded(tx session.Tx, l policy.RuleInfo, ev *event.Event, rule, digest string, now time.Time) (string, error) {
	lim := l.Limit
	if lim.Repeat > 0 {
		n, err := tx.Repeats(ev.Session, digest, now.Add(-lim.Within))
		if err != nil {
			return "", err
		}
		// The records hold earlier events; this one is recorded after.
		if n+1 >= lim.Repeat {
			return fmt.Sprintf("the same action %d times within %s", n+1, lim.Within), nil
		}
		return "", nil
	}
	ok, retry, err := tx.Take(limitKey(l, ev, rule), session.Rate{N: lim.Rate, Per: lim.Per}, now)
	if err != nil || ok {
		return "", err
	}
	return fmt.Sprintf("more than %d per %s by %s; the next fits in %s", lim.Rate, lim.Per, lim.Scope, retry.Round(time.Second)), nil
}

// limitKey names the counter a rate is kept in: one per limit and scope
// value. Session counters start with "s:<session>:" so that ward session
// show can list them.
func limitKey(l policy.RuleInfo, ev *event.Event, rule string) string {
	switch l.Limit.Scope {
	case policy.ScopeAgent:
		return "a:" + ev.Agent + ":" + l.ID
	case policy.ScopeTool:
		return "t:" + ev.Tool + ":" + l.ID
	case policy.ScopeKind:
		return "k:" + string(ev.Action.Kind) + ":" + l.ID
	case policy.ScopeRule:
		return "r:" + rule + ":" + l.ID
	case policy.ScopeGlobal:
		return "g:" + l.ID
	}
	return "s:" + ev.Session + ":" + l.ID
}
