package event

// Decision is ward's answer about one event.
type Decision struct {
	Decision Effect `json:"decision"`
	// Rule is the id of the rule that decided; pseudo-rules "ward.default",
	// "ward.internal_error" and "ward.invalid_input" name decisions no
	// policy rule made.
	Rule     string    `json:"rule,omitempty"`
	Reason   string    `json:"reason"`
	Severity Severity  `json:"severity,omitempty"`
	Findings []Finding `json:"findings"`
	// Evidence says what in the event made the deciding rule match.
	Evidence []string `json:"evidence,omitempty"`
	// Labels are session labels this event adds (post phase).
	Labels []string `json:"labels,omitempty"`
	// Redact asks the adapter to hide these spans of the output.
	Redactions []Redaction `json:"redactions,omitempty"`
	EventID    string      `json:"event_id,omitempty"`
	// Session is the session the decision was recorded in; with
	// sessions off it is empty.
	Session string `json:"session,omitempty"`
	// Stop tells the agent to stop working altogether (a person killed
	// the session); adapters map it to their agent's nearest equivalent.
	Stop bool `json:"stop,omitempty"`
	// Notes are things the person should know about how the decision was
	// made, such as a session id ward had to make up.
	Notes []string `json:"notes,omitempty"`
	// Policy is the digest of the effective policy that decided.
	Policy    string `json:"policy,omitempty"`
	LatencyUS int64  `json:"latency_us"`
}

// Pseudo-rule ids for decisions that no policy rule made.
const (
	RuleDefault       = "ward.default"
	RuleInternalError = "ward.internal_error"
	RuleInvalidInput  = "ward.invalid_input"
	RuleSessionStop   = "ward.session_stopped"
	RuleSessionKill   = "ward.session_killed"
)

// Finding is something an analyzer noticed about an event.
type Finding struct {
	// ID is dotted and stable, e.g. "fs.delete.recursive".
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Evidence string   `json:"evidence,omitempty"`
}

// Redaction is a span of an output to hide from the model.
type Redaction struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	ID    string `json:"id"`
}

// RuleResult says what one rule made of an event; ward explain prints them.
type RuleResult struct {
	Rule     string `json:"rule"`
	Origin   string `json:"origin"`
	Decision Effect `json:"decision"`
	Matched  bool   `json:"matched"`
	// Why explains the result: the first matcher that failed, or what matched.
	Why string `json:"why"`
	// Err is set when evaluating the rule failed.
	Err string `json:"error,omitempty"`
}
