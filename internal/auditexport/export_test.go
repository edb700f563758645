package auditexport

// Internals the tests of package auditexport_test look at.

// Retained returns how many denials and asks an HTML exporter holds.
func Retained(e Exporter) int { return len(e.(*htmlExporter).denials) }

// Tracked returns how many keys (agents, rules and finding ids) and time
// buckets an HTML exporter holds.
func Tracked(e Exporter) (keys, buckets int) {
	h := e.(*htmlExporter)
	return len(h.agents.m) + len(h.rules.m) + len(h.findings.m), len(h.buckets.m)
}

// Limits the tests check against.
const (
	MaxKeys    = maxKeys
	MaxBuckets = maxBuckets
	MaxBars    = maxBars
)
