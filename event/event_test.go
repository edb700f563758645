package event_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
)

func TestEffectText(t *testing.T) {
	t.Parallel()
	for _, e := range []event.Effect{event.Allow, event.Ask, event.Deny} {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back event.Effect
		if err := json.Unmarshal(b, &back); err != nil || back != e {
			t.Errorf("%s: round trip gave %v, %v", e, back, err)
		}
	}
	// A decision that was never made must not pass for an allow.
	if _, err := json.Marshal(event.Decision{}); err == nil || !strings.Contains(err.Error(), "invalid effect") {
		t.Errorf("marshalling a zero decision: err = %v, want invalid effect", err)
	}
	var e event.Effect
	if err := json.Unmarshal([]byte(`"permit"`), &e); err == nil {
		t.Error("unknown effect accepted")
	}
	if !(event.Deny > event.Ask && event.Ask > event.Allow) {
		t.Error("effects are not ordered deny > ask > allow")
	}
}

func TestSeverityText(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"info", "low", "medium", "high", "critical"} {
		s, err := event.ParseSeverity(name)
		if err != nil || s.String() != name {
			t.Errorf("%s: %v %v", name, s, err)
		}
	}
	if _, err := event.ParseSeverity("severe"); err == nil {
		t.Error("unknown severity accepted")
	}
	b, _ := json.Marshal(event.Finding{ID: "x", Severity: event.High})
	if !strings.Contains(string(b), `"severity":"high"`) {
		t.Errorf("finding JSON = %s", b)
	}
}

func TestKindsAndPhases(t *testing.T) {
	t.Parallel()
	for _, k := range event.Kinds() {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	if event.Kind("shel").Valid() || event.Phase("during").Valid() {
		t.Error("unknown kind or phase is valid")
	}
	if !event.OpDelete.Modifies() || event.OpRead.Modifies() {
		t.Error("Modifies is wrong")
	}
}
