package auditexport

import (
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"sync"
	"time"
)

//go:embed report.html.tmpl
var reportText string

// reportTemplate is parsed once, on first use.
var reportTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(reportText))
})

// report is what the template shows.
type report struct {
	Title, Generated string
	Verified         *VerifySummary
	Records          uint64
	From, To         string
	Decisions        []decisionTotal
	Agents           []row
	AgentsMore       int
	Rules            []row
	RulesMore        int
	Findings         []row
	FindingsMore     int
	// Untracked* count records tallied under keys past maxKeys.
	UntrackedAgents, UntrackedRules, UntrackedFindings uint64
	Unreadable                                         uint64
	Keys                                               int // maxKeys
	Chart                                              chart
	Denials                                            []denial
	DenialCount                                        uint64
}

type decisionTotal struct {
	Name, Share string
	Count       uint64
}

// Chart geometry, in SVG user units.
const (
	plotW   = 900
	plotH   = 200
	marginL = 50
	marginT = 10
	marginB = 40
)

type chart struct {
	Width, Height int
	PlotLeft      int
	PlotBottom    int
	PlotRight     int
	Unit          string
	Max           uint64
	Bars          []bar
	Labels        []label
}

type bar struct {
	Title string
	Segs  []seg
}

// seg is one decision's part of a bar.
type seg struct {
	Class      string
	X, Y, W, H float64
}

type label struct {
	X    float64
	Text string
}

func (e *htmlExporter) report() report {
	r := report{
		Title:       e.opts.Title,
		Generated:   e.opts.Now().UTC().Format(time.RFC3339),
		Verified:    e.opts.Verified,
		Records:     e.records,
		Denials:     e.retained(),
		DenialCount: e.denialCount,
		Unreadable:  e.unreadable,
		Keys:        maxKeys,
	}
	if e.records > 0 {
		r.From = e.first.UTC().Format(time.RFC3339)
		r.To = e.last.UTC().Format(time.RFC3339)
	}
	for d, n := range e.decisions {
		if n == 0 && d == other {
			continue
		}
		r.Decisions = append(r.Decisions, decisionTotal{Name: decisionNames[d], Count: n, Share: share(n, e.records)})
	}
	r.Agents, r.AgentsMore = e.agents.top(maxAgents)
	r.Rules, r.RulesMore = e.rules.top(topN)
	r.Findings, r.FindingsMore = e.findings.top(topN)
	r.UntrackedAgents, r.UntrackedRules, r.UntrackedFindings = e.agents.rest.total(), e.rules.rest.total(), e.findings.rest.total()
	r.Chart = e.chart()
	return r
}

func share(n, of uint64) string {
	if of == 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64) + "%"
}

// chart lays out the stacked bars: one per bucket, allow at the bottom,
// then ask, then deny (and other, should there be any).
func (e *htmlExporter) chart() chart {
	series, start, w := e.buckets.series()
	c := chart{
		Width: marginL + plotW + 10, Height: marginT + plotH + marginB,
		PlotLeft: marginL, PlotBottom: marginT + plotH, PlotRight: marginL + plotW,
		Unit: describeWidth(w),
	}
	for _, t := range series {
		c.Max = max(c.Max, t.total())
	}
	if len(series) == 0 || c.Max == 0 {
		return c
	}
	bw := float64(plotW) / float64(len(series))
	gap := math.Min(2, bw/4)
	scale := float64(plotH) / float64(c.Max)
	every := (len(series) + 5) / 6 // about six labels along the axis
	for i, t := range series {
		x := float64(marginL) + float64(i)*bw
		bstart := time.Unix(start+int64(i)*w, 0).UTC()
		b := bar{Title: fmt.Sprintf("%s: %d allow, %d ask, %d deny", bucketLabel(bstart, w), t[allow], t[ask], t[deny])}
		if t[other] > 0 {
			b.Title += fmt.Sprintf(", %d other", t[other])
		}
		y := float64(marginT + plotH)
		for d := range nDecisions {
			if t[d] == 0 {
				continue
			}
			h := float64(t[d]) * scale
			y -= h
			b.Segs = append(b.Segs, seg{Class: decisionNames[d], X: round(x + gap/2), Y: round(y), W: round(bw - gap), H: round(h)})
		}
		c.Bars = append(c.Bars, b)
		if i%every == 0 {
			c.Labels = append(c.Labels, label{X: round(x), Text: bucketLabel(bstart, w)})
		}
	}
	return c
}

func round(f float64) float64 { return math.Round(f*100) / 100 }
