package inject

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Combining signals.
const (
	// corroboration is how much of a different signal nearby adds.
	corroboration = 0.85
	// nearby is how close (in bytes) two signals must be to corroborate
	// each other.
	nearby = 600
	// minSupport is the weight a signal needs to corroborate another.
	minSupport = 0.25
	// maxLookBack bounds how far before a hit the hits that may overlap
	// it are looked for.
	maxLookBack = 4096
	// sameFamily is how much a second, separate signal of the same kind
	// adds (instructions only: two fake role tokens are one trick).
	sameFamily = 0.5
)

// scored is a hit with its combined confidence.
type scored struct {
	hit
	conf float64
}

func noisyOr(a, b float64) float64 { return 1 - (1-a)*(1-b) }

// score combines the hits: each hit's confidence is its own weight
// raised by the strongest signal of every other family near it (or, for a
// container, inside it). Hits of one family that overlap are merged first.
func score(hits []hit) []scored {
	if len(hits) == 0 {
		return nil
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.fam, b.fam), cmp.Compare(b.w, a.w))
	})
	// Merge overlapping hits of one family.
	var last [numFam]int
	for i := range last {
		last[i] = -1
	}
	merged := hits[:0]
	for _, h := range hits {
		if k := last[h.fam]; k >= 0 && !h.region && !merged[k].region && h.start < merged[k].end {
			m := &merged[k]
			if h.w > m.w {
				m.w, m.ev, m.solo = h.w, h.ev, h.solo
			}
			m.end = max(m.end, h.end)
			continue
		}
		merged = append(merged, h)
		if !h.region {
			last[h.fam] = len(merged) - 1
		}
	}
	hits = merged

	var regions []int
	maxSpan := 0
	for i, h := range hits {
		if h.region {
			regions = append(regions, i)
		} else {
			maxSpan = max(maxSpan, h.end-h.start)
		}
	}
	// A long hit (an encoded blob, a run of tag characters) is seen by the
	// hits near its start; looking further back would make this quadratic.
	maxSpan = min(maxSpan, maxLookBack)
	out := make([]scored, len(hits))
	var support [numFam]float64
	for i, h := range hits {
		out[i] = scored{hit: h, conf: h.w}
		if h.solo {
			continue
		}
		clear(support[:])
		found := false
		same := 0.0 // the strongest other signal of h's own family
		take := func(g hit) {
			if g.solo || g.region || g.w < minSupport {
				return
			}
			if g.fam == h.fam {
				if h.fam.instruction() && g.w >= 0.3 && (g.end <= h.start || g.start >= h.end) {
					same = max(same, g.w)
				}
				return
			}
			support[g.fam] = max(support[g.fam], g.w)
			found = true
		}
		if h.region {
			for j := i + 1; j < len(hits) && hits[j].start < h.end; j++ {
				if hits[j].end <= h.end {
					take(hits[j])
				}
			}
			if !found {
				out[i].conf = 0
				continue
			}
		} else {
			for j := i - 1; j >= 0 && hits[j].start >= h.start-nearby-maxSpan; j-- {
				if hits[j].end >= h.start-nearby {
					take(hits[j])
				}
			}
			for j := i + 1; j < len(hits) && hits[j].start <= h.end+nearby; j++ {
				take(hits[j])
			}
		}
		c := noisyOr(h.w, sameFamily*same)
		for _, s := range support {
			c = noisyOr(c, corroboration*s)
		}
		if !h.region {
			// Hiding a signal is itself a signal: a container adds its
			// full weight to what it holds.
			for _, r := range regions {
				g := hits[r]
				if g.start <= h.start && h.end <= g.end && g.fam != h.fam {
					c = noisyOr(c, g.w)
					break
				}
			}
		}
		out[i].conf = c
	}
	return out
}

// report turns scored hits into matches: the confident ones, at most
// MaxMatches of them (the most confident), sorted by position.
func report(src string, sc []scored) []Match {
	var keep []scored
	for _, s := range sc {
		if s.conf >= MinConfidence && s.fam < numReported {
			keep = append(keep, s)
		}
	}
	if len(keep) > MaxMatches {
		slices.SortStableFunc(keep, func(a, b scored) int {
			return cmp.Or(cmp.Compare(b.conf, a.conf), cmp.Compare(a.start, b.start))
		})
		keep = keep[:MaxMatches]
	}
	out := make([]Match, 0, len(keep))
	for _, s := range keep {
		ev := s.ev
		if ev == "" {
			ev = excerpt(src, s.start, s.end)
		}
		out = append(out, Match{
			ID:         s.fam.id(),
			Severity:   s.fam.severity(),
			Confidence: round(min(s.conf, 1)),
			Start:      s.start,
			End:        s.end,
			Evidence:   clip(ev, maxEvidence),
		})
	}
	slices.SortStableFunc(out, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), strings.Compare(a.ID, b.ID))
	})
	return out
}

// round keeps three decimals, so confidences print and compare stably.
func round(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}

// excerpt returns s[start:end], at most about 100 bytes of it, with
// hidden and control characters escaped.
func excerpt(s string, start, end int) string {
	start = max(0, min(start, len(s)))
	end = max(start, min(end, len(s)))
	for start > 0 && start < len(s) && !utf8.RuneStart(s[start]) {
		start--
	}
	cut := false
	if end-start > 100 {
		end = start + 100
		cut = true
	}
	for end < len(s) && end > start && !utf8.RuneStart(s[end]) {
		end--
	}
	var b strings.Builder
	for _, r := range s[start:end] {
		writeVisible(&b, r)
	}
	if cut {
		b.WriteString("…")
	}
	return b.String()
}

func writeVisible(b *strings.Builder, r rune) {
	const hex = "0123456789abcdef"
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\t':
		b.WriteString(`\t`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\\':
		b.WriteString(`\\`)
	case r == utf8.RuneError:
		b.WriteString(`\ufffd`)
	case r < 0x20 || r == 0x7F:
		b.WriteString(`\x`)
		b.WriteByte(hex[r>>4])
		b.WriteByte(hex[r&15])
	case r < utf8.RuneSelf:
		b.WriteByte(byte(r))
	case invisibleKind(r) != invNone || unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r) && !unicode.IsSpace(r) || r == 0x2028 || r == 0x2029:
		if r > 0xFFFF {
			b.WriteString(`\U`)
			for sh := 28; sh >= 0; sh -= 4 {
				b.WriteByte(hex[(r>>sh)&15])
			}
		} else {
			b.WriteString(`\u`)
			for sh := 12; sh >= 0; sh -= 4 {
				b.WriteByte(hex[(r>>sh)&15])
			}
		}
	case unicode.IsSpace(r):
		b.WriteByte(' ')
	default:
		b.WriteRune(r)
	}
}

// clip cuts s to at most n bytes on a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	end := n - len("…")
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	// Do not cut an escape sequence in half.
	if k := strings.LastIndexByte(s[:end], '\\'); k >= 0 && end-k < 10 {
		end = k
	}
	return s[:end] + "…"
}
