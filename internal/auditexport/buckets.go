package auditexport

import (
	"fmt"
	"time"
)

// Bucket widths, in seconds. Each divides the next, so buckets of one
// width merge exactly into buckets of the next; past the last, widths
// double.
var widths = [...]int64{
	60, 5 * 60, 15 * 60, 30 * 60, // minutes
	3600, 3 * 3600, 6 * 3600, 12 * 3600, // hours
	86400, 7 * 86400, 28 * 86400, // days
}

func width(step int) int64 {
	if step < len(widths) {
		return widths[step]
	}
	return widths[len(widths)-1] << (step - len(widths) + 1)
}

// Buckets are aligned to 0001-01-01T00:00:00Z, a Monday, so that days
// start at midnight UTC and weeks on Mondays. Times outside years 1 to
// 9999 are bucketed as if at those ends, which keeps every width within
// int64.
const (
	epoch   = -62135596800 // 0001-01-01T00:00:00Z in Unix seconds
	lastSec = 253402300799 // 9999-12-31T23:59:59Z
)

func bucketKey(t time.Time, w int64) int64 {
	s := min(max(t.Unix(), epoch), lastSec)
	return epoch + (s-epoch)/w*w
}

// buckets tallies records by time. It starts with one-minute buckets and
// widens them whenever it holds more than maxBuckets, so that it never
// holds more.
type buckets struct {
	step int
	m    map[int64]*tally
}

func (b *buckets) add(t time.Time, d int) {
	k := bucketKey(t, width(b.step))
	if c, ok := b.m[k]; ok {
		c[d]++
		return
	}
	if b.m == nil {
		b.m = make(map[int64]*tally)
	}
	c := new(tally)
	c[d]++
	b.m[k] = c
	for len(b.m) > maxBuckets {
		b.widen()
	}
}

// widen merges the buckets into buckets of the next width.
func (b *buckets) widen() {
	b.step++
	w := width(b.step)
	m := make(map[int64]*tally, len(b.m))
	for k, c := range b.m {
		nk := epoch + (k-epoch)/w*w
		if n, ok := m[nk]; ok {
			for i := range c {
				n[i] += c[i]
			}
		} else {
			m[nk] = c
		}
	}
	b.m = m
}

// series returns the tallies from the first bucket to the last, empty
// ones included, at the narrowest width that needs at most maxBars of
// them, and that width.
func (b *buckets) series() ([]tally, int64, int64) {
	if len(b.m) == 0 {
		return nil, 0, width(b.step)
	}
	lo, hi := int64(lastSec), int64(epoch)
	for k := range b.m {
		lo, hi = min(lo, k), max(hi, k)
	}
	step := b.step
	w := width(step)
	for (hi-epoch)/w-(lo-epoch)/w+1 > maxBars {
		step++
		w = width(step)
	}
	start := epoch + (lo-epoch)/w*w
	out := make([]tally, (hi-start)/w+1)
	for k, c := range b.m {
		i := (k - start) / w
		for d := range c {
			out[i][d] += c[d]
		}
	}
	return out, start, w
}

// describeWidth names a bucket width: "minute", "5 minutes", "day".
func describeWidth(w int64) string {
	n, unit := w/60, "minute"
	switch {
	case w%86400 == 0:
		n, unit = w/86400, "day"
	case w%3600 == 0:
		n, unit = w/3600, "hour"
	}
	if n == 1 {
		return unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// bucketLabel formats a bucket's start as precisely as its width needs.
func bucketLabel(start time.Time, w int64) string {
	switch {
	case w%86400 == 0:
		return start.Format("2006-01-02")
	default:
		return start.Format("2006-01-02 15:04")
	}
}
