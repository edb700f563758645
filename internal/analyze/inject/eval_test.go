package inject_test

import (
	"slices"
	"testing"

	"github.com/agentward/ward/internal/analyze/inject"
)

// flagged reports whether a scan flags its text, and its strongest match.
func flagged(ms []inject.Match) (bool, inject.Match) {
	var best inject.Match
	for _, m := range ms {
		if m.Confidence > best.Confidence {
			best = m
		}
	}
	return best.Confidence >= inject.Threshold, best
}

// corpusSet is one round of labelled samples.
type corpusSet struct {
	name   string
	inject []sample
	benign []sample
}

func corpusSets() []corpusSet {
	return []corpusSet{
		{"first", injections, append(slices.Clone(benign), benignLong()...)},
		{"datasets", moreInjections, moreBenign},
		{"third", thirdInjections, thirdBenign},
		{"blind", blindInjections, blindBenign},
		{"final", finalInjections, finalBenign},
		{"held-out", heldOutInjections, heldOutBenign},
	}
}

// TestCorpus measures recall on the injections and the false-alarm rate
// on the benign texts, per set and overall, and fails under 90% recall or
// over 5% false alarms overall.
func TestCorpus(t *testing.T) {
	t.Parallel()
	s := inject.New()
	var caught, inj, alarms, ben int
	for _, set := range corpusSets() {
		c, a := 0, 0
		for _, x := range set.inject {
			if ok, best := flagged(s.Scan(x.text)); ok {
				c++
			} else {
				t.Logf("%s: missed %s (%s): best %.2f %s %q", set.name, x.name, x.why, best.Confidence, best.ID, best.Evidence)
			}
		}
		for _, x := range set.benign {
			if ok, best := flagged(s.Scan(x.text)); ok {
				a++
				t.Logf("%s: false alarm %s (%s): %.2f %s %q", set.name, x.name, x.why, best.Confidence, best.ID, best.Evidence)
			}
		}
		t.Logf("%-8s recall %3d/%3d = %5.1f%%   false alarms %2d/%3d = %4.1f%%", set.name,
			c, len(set.inject), 100*float64(c)/float64(len(set.inject)), a, len(set.benign), 100*float64(a)/float64(len(set.benign)))
		caught, inj, alarms, ben = caught+c, inj+len(set.inject), alarms+a, ben+len(set.benign)
	}
	recall, fa := float64(caught)/float64(inj), float64(alarms)/float64(ben)
	t.Logf("overall  recall %3d/%3d = %5.1f%%   false alarms %2d/%3d = %4.1f%%", caught, inj, 100*recall, alarms, ben, 100*fa)
	if recall < 0.9 {
		t.Errorf("recall %.1f%% < 90%%", 100*recall)
	}
	if fa > 0.05 {
		t.Errorf("false alarms %.1f%% > 5%%", 100*fa)
	}
}

// TestCorpusLabels checks every sample on its own, so a regression names
// the sample; the few known misses are listed with the reason they are
// accepted.
func TestCorpusLabels(t *testing.T) {
	t.Parallel()
	knownMiss := map[string]string{
		"injecagent":   "a plain request for an action, with no marker of an injection",
		"injecagent-2": "a plain request for an action, with no marker of an injection",
		"h-11":         "one weak signal: the rules it was configured with, no prompt named",
	}
	knownAlarm := map[string]string{
		"movie-script": "a character orders a computer to ignore all previous commands, exactly as an attack would",
	}
	s := inject.New()
	for _, set := range corpusSets() {
		for _, x := range set.inject {
			t.Run("inject/"+x.name, func(t *testing.T) {
				t.Parallel()
				if ok, best := flagged(s.Scan(x.text)); !ok && knownMiss[x.name] == "" {
					t.Errorf("not flagged (%s): best %.2f %s %q", x.why, best.Confidence, best.ID, best.Evidence)
				}
			})
		}
		for _, x := range set.benign {
			t.Run("benign/"+x.name, func(t *testing.T) {
				t.Parallel()
				if ok, best := flagged(s.Scan(x.text)); ok && knownAlarm[x.name] == "" {
					t.Errorf("flagged (%s): %.2f %s %q", x.why, best.Confidence, best.ID, best.Evidence)
				}
			})
		}
	}
}
