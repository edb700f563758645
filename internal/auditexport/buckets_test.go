package auditexport

import (
	"testing"
	"time"
)

// Buckets are aligned to midnight UTC, so a span starting at 10:00 can
// touch one bucket more than its length suggests.
func TestSeries(t *testing.T) {
	t.Parallel()
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		span  time.Duration
		every time.Duration
		bars  int
		width string
	}{
		{"one record", 0, time.Minute, 1, "minute"},
		{"half an hour", 29 * time.Minute, time.Minute, 30, "minute"},
		{"an hour", 59 * time.Minute, 30 * time.Second, 60, "minute"},
		{"three hours", 3*time.Hour - time.Second, time.Minute, 36, "5 minutes"},
		{"a day", 24*time.Hour - time.Second, 10 * time.Minute, 48, "30 minutes"},
		{"three days", 72*time.Hour - time.Second, time.Hour, 25, "3 hours"},
		{"a month", 30 * 24 * time.Hour, 6 * time.Hour, 31, "day"},
		{"a week, every minute", 7 * 24 * time.Hour, time.Minute, 57, "3 hours"}, // widens while adding
		{"a year", 365 * 24 * time.Hour, 24 * time.Hour, 53, "7 days"},
		{"ten years", 10 * 365 * 24 * time.Hour, 24 * time.Hour, 34, "112 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b buckets
			var n uint64
			for d := time.Duration(0); d <= tt.span; d += tt.every {
				b.add(base.Add(d), int(n%nDecisions))
				n++
			}
			if len(b.m) > maxBuckets {
				t.Errorf("holds %d buckets, want at most %d", len(b.m), maxBuckets)
			}
			series, _, w := b.series()
			if len(series) != tt.bars || describeWidth(w) != tt.width {
				t.Errorf("%d bars of %s, want %d of %s", len(series), describeWidth(w), tt.bars, tt.width)
			}
			if len(series) > maxBars {
				t.Errorf("%d bars, want at most %d", len(series), maxBars)
			}
			var sum uint64
			for _, c := range series {
				sum += c.total()
			}
			if sum != n {
				t.Errorf("bars hold %d records, want %d", sum, n)
			}
		})
	}
}

// Times far apart, or out of range, still give few bars and lose no
// record.
func TestSeriesExtremes(t *testing.T) {
	t.Parallel()
	var b buckets
	times := []time.Time{
		{},
		time.Date(-500, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
		time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, tm := range times {
		b.add(tm, allow)
	}
	series, _, _ := b.series()
	if len(series) == 0 || len(series) > maxBars {
		t.Fatalf("%d bars", len(series))
	}
	var sum uint64
	for _, c := range series {
		sum += c.total()
	}
	if sum != uint64(len(times)) {
		t.Errorf("bars hold %d records, want %d", sum, len(times))
	}
}

func TestCut(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"abcd", "abc…"},
		{"ééé", "ééé"},
		{"éééé", "ééé…"},
	}
	for _, tt := range tests {
		if got := cut(tt.in, 3); got != tt.want {
			t.Errorf("cut(%q, 3) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestActionSummary(t *testing.T) {
	t.Parallel()
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	tests := []struct{ name, action, want string }{
		{"shell", `{"kind":"shell","command":"rm -rf /\n  && echo done"}`, "rm -rf / && echo done"},
		{"http", `{"kind":"http","method":"POST","url":"https://example.com/x"}`, "POST https://example.com/x"},
		{"sql", `{"kind":"sql","sql":"DROP TABLE users"}`, "DROP TABLE users"},
		{"file", `{"kind":"file.write","path":"/etc/passwd"}`, "/etc/passwd"},
		{"files", `{"kind":"file.edit","path":"a.go","files":[{"path":"a.go"},{"path":"b.go"},{"path":"c.go"}]}`, "a.go (and 2 more files)"},
		{"search", `{"kind":"search","pattern":"*.pem","path":"/home"}`, "*.pem in /home"},
		{"mcp", `{"kind":"mcp","server":"github","name":"create_issue"}`, "github create_issue"},
		{"prompt", `{"kind":"prompt","prompt":"ignore previous instructions"}`, "ignore previous instructions"},
		{"other", `{"kind":"other"}`, `{"kind":"other"}`},
		{"not an object", `["a"]`, `["a"]`},
		{"empty", ``, ``},
		{"long", `{"command":"` + string(long) + `"}`, string(long[:summaryLen]) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := actionSummary([]byte(tt.action)); got != tt.want {
				t.Errorf("actionSummary(%s) = %q, want %q", tt.action, got, tt.want)
			}
		})
	}
}
