package sink_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/sink"
)

func TestSyslog(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		listen func(*testing.T) (string, <-chan []byte)
	}{
		{"udp", listenUDP},
		{"tcp", listenTCP},
		{"unixgram", listenUnixgram},
		{"unix stream", listenUnix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, msgs := tt.listen(t)
			s, err := sink.NewSyslog(addr, sink.SyslogOptions{Hostname: "host-1"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			recs := records(6)
			// Two batches, so that a stream carries several messages
			// and the connection is reused.
			for _, b := range [][]audit.Record{recs[:4], recs[4:]} {
				if err := s.Send(context.Background(), b); err != nil {
					t.Fatal(err)
				}
			}
			for i, r := range recs {
				raw := receive(t, msgs)
				m, err := parse5424(raw)
				if err != nil {
					t.Fatalf("message %d: %v\n%s", i, err, raw)
				}
				wantPRI := 16*8 + map[string]int{"deny": 4, "ask": 5, "allow": 6}[r.Decision]
				if m.pri != wantPRI {
					t.Errorf("message %d (%s): PRI %d, want %d", i, r.Decision, m.pri, wantPRI)
				}
				head := []string{strconv.Itoa(m.version), m.time, m.host, m.app, m.procID, m.msgID, m.sdID}
				want := []string{"1", r.Time.Format("2006-01-02T15:04:05.000000Z07:00"), "host-1", "ward", strconv.Itoa(os.Getpid()), "decision", "ward@32473"}
				if strings.Join(head, " ") != strings.Join(want, " ") {
					t.Errorf("message %d: header %q, want %q", i, head, want)
				}
				wantParams := map[string]string{
					"seq": strconv.FormatUint(r.Seq, 10), "decision": r.Decision, "rule": r.Rule,
					"agent": r.Agent, "session": r.Session, "tool": r.Tool, "reason": trickyReason,
				}
				for k, v := range wantParams {
					if m.params[k] != v {
						t.Errorf("message %d: %s=%q, want %q", i, k, m.params[k], v)
					}
				}
				if len(m.params) != len(wantParams) {
					t.Errorf("message %d: params %v", i, m.names)
				}
				checkRecord(t, m.msg, r)
			}
		})
	}
}

// TestSyslogEscaping checks the structured data byte for byte.
func TestSyslogEscaping(t *testing.T) {
	t.Parallel()
	addr, msgs := listenUDP(t)
	s, err := sink.NewSyslog(addr, sink.SyslogOptions{Hostname: "h"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := records(1)[0]
	r.Agent = "a\nb\x00c" // control characters become spaces
	r.Tool = "\xff"       // invalid UTF-8 becomes U+FFFD
	if err := s.Send(context.Background(), []audit.Record{r}); err != nil {
		t.Fatal(err)
	}
	raw := string(receive(t, msgs))
	want := ` [ward@32473 seq="1" decision="deny" rule="shell.rm-root" agent="a b c" session="s-1" tool="` + "\uFFFD" +
		`" reason="blocked \"rm -rf /\" \] because \\ is bad"] {`
	if !strings.Contains(raw, want) {
		t.Errorf("message\n%s\ndoes not contain\n%s", raw, want)
	}
	if !utf8.ValidString(raw) {
		t.Error("message is not UTF-8")
	}
}

func TestSyslogFacility(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		facility sink.Facility
		decision string
		pri      int
	}{
		{"default deny", 0, "deny", 16*8 + 4},
		{"default ask", 0, "ask", 16*8 + 5},
		{"default allow", 0, "allow", 16*8 + 6},
		{"unknown decision is a warning", 0, "bogus", 16*8 + 4},
		{"auth deny", sink.FacilityAuth, "deny", 4*8 + 4},
		{"authpriv allow", sink.FacilityAuthPriv, "allow", 10*8 + 6},
		{"local7 ask", sink.FacilityLocal7, "ask", 23*8 + 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, msgs := listenUDP(t)
			s, err := sink.NewSyslog(addr, sink.SyslogOptions{Facility: tt.facility})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r := records(1)[0]
			r.Decision = tt.decision
			if err := s.Send(context.Background(), []audit.Record{r}); err != nil {
				t.Fatal(err)
			}
			m, err := parse5424(receive(t, msgs))
			if err != nil {
				t.Fatal(err)
			}
			if m.pri != tt.pri {
				t.Errorf("PRI %d, want %d", m.pri, tt.pri)
			}
		})
	}
}

func TestParseFacility(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want sink.Facility
		err  bool
	}{
		{"local0", sink.FacilityLocal0, false},
		{"authpriv", sink.FacilityAuthPriv, false},
		{"auth", sink.FacilityAuth, false},
		{"13", sink.FacilityAudit, false},
		{"kern", 0, true},
		{"0", 0, true},
		{"24", 0, true},
		{"LOCAL0", 0, true},
	}
	for _, tt := range tests {
		var f sink.Facility
		err := f.UnmarshalText([]byte(tt.in))
		if (err != nil) != tt.err || f != tt.want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v, error %v", tt.in, f, err, tt.want, tt.err)
		}
		if err == nil {
			if b, _ := f.MarshalText(); string(b) != f.String() {
				t.Errorf("MarshalText(%v) = %q", f, b)
			}
		}
	}
}

// TestSyslogTooLong checks that a long record's message keeps its header
// whole and its size within MaxMessage.
func TestSyslogTooLong(t *testing.T) {
	t.Parallel()
	big := records(1)[0]
	big.Action = json.RawMessage(`{"content":"` + strings.Repeat("x", 20<<10) + `"}`)
	huge := records(1)[0]
	huge.Reason = strings.Repeat("é", 2<<10) // 4 KiB, and cut mid-rune
	tests := []struct {
		name  string
		max   int
		rec   audit.Record
		whole bool // the JSON still parses
	}{
		{"action left out", 0, big, true},
		{"JSON cut", sink.MinMessage, huge, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, msgs := listenUDP(t)
			s, err := sink.NewSyslog(addr, sink.SyslogOptions{MaxMessage: tt.max})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Send(context.Background(), []audit.Record{tt.rec}); err != nil {
				t.Fatal(err)
			}
			raw := receive(t, msgs)
			max := tt.max
			if max == 0 {
				max = 8 << 10
			}
			if len(raw) > max {
				t.Errorf("message of %d bytes, more than %d", len(raw), max)
			}
			if !utf8.Valid(raw) {
				t.Error("message is not UTF-8")
			}
			m, err := parse5424(raw)
			if err != nil {
				t.Fatalf("header: %v", err)
			}
			if m.params["seq"] != "1" || m.params["decision"] != "deny" {
				t.Errorf("params %v", m.params)
			}
			var got audit.Record
			err = json.Unmarshal(m.msg, &got)
			if !tt.whole {
				if err == nil {
					t.Error("cut JSON parses")
				}
				if len(raw) < max-3 {
					t.Errorf("message of %d bytes, want about %d", len(raw), max)
				}
				return
			}
			if err != nil {
				t.Fatalf("JSON: %v", err)
			}
			if string(got.Action) != `{"truncated":20494}` {
				t.Errorf("action %s", got.Action)
			}
			if got.Hash != tt.rec.Hash || got.Reason != tt.rec.Reason {
				t.Errorf("record %+v", got)
			}
		})
	}
}

func TestSyslogOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		opts sink.SyslogOptions
		err  string
	}{
		{"udp://127.0.0.1:514", sink.SyslogOptions{}, ""},
		{"udp://127.0.0.1", sink.SyslogOptions{}, ""},
		{"tcp://[::1]:6514", sink.SyslogOptions{MaxMessage: sink.MaxMessage}, ""},
		{"unix:///dev/log", sink.SyslogOptions{}, ""},
		{"http://x:514", sink.SyslogOptions{}, "scheme"},
		{"udp://x:514/path", sink.SyslogOptions{}, "want udp://host:port"},
		{"unix://relative", sink.SyslogOptions{}, "want unix:///path"},
		{"udp://x:514", sink.SyslogOptions{MaxMessage: 100}, "below"},
		{"udp://x:514", sink.SyslogOptions{MaxMessage: 65508}, "UDP datagram"},
		{"tcp://x:514", sink.SyslogOptions{MaxMessage: sink.MaxMessage + 1}, "above"},
		{"udp://x:514", sink.SyslogOptions{Facility: 24}, "facility"},
	}
	for _, tt := range tests {
		s, err := sink.NewSyslog(tt.addr, tt.opts)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("NewSyslog(%q): %v", tt.addr, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("NewSyslog(%q) error %v, want one with %q", tt.addr, err, tt.err)
		}
		if s != nil {
			s.Close()
		}
	}
}

// TestSyslogReconnect checks that the sink reconnects when the server
// closes its connection, and that nothing sent after is lost.
func TestSyslogReconnect(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := sink.NewSyslog("tcp://"+l.Addr().String(), sink.SyslogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	recs := records(2)
	for i, r := range recs {
		if err := s.Send(context.Background(), []audit.Record{r}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		// Each record comes on a new connection, which the server then
		// closes.
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		m, err := readFrame(bufioReader(c))
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		p, err := parse5424(m)
		if err != nil {
			t.Fatal(err)
		}
		checkRecord(t, p.msg, r)
		c.Close()
	}
}

func TestSyslogClosed(t *testing.T) {
	t.Parallel()
	addr, _ := listenUDP(t)
	s, err := sink.NewSyslog(addr, sink.SyslogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.Send(context.Background(), records(1)); !errors.Is(err, sink.ErrClosed) {
		t.Errorf("Send after Close: %v, want ErrClosed", err)
	}
}

// TestSyslogDown checks that a server that is not there is an error, not
// a wait.
func TestSyslogDown(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := sink.NewSyslog("tcp://"+addr, sink.SyslogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Send(context.Background(), records(1))
	var op *net.OpError
	if !errors.As(err, &op) || !strings.Contains(err.Error(), "syslog tcp://"+addr) {
		t.Errorf("Send: %v, want a dial error naming the sink", err)
	}
}

// TestSyslogBlocked checks that Send to a server that does not read
// returns when its context ends.
func TestSyslogBlocked(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			defer c.Close()
			time.Sleep(time.Minute) // never read
		}
	}()
	s, err := sink.NewSyslog("tcp://"+l.Addr().String(), sink.SyslogOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// Enough to fill the socket buffers on both sides.
	batch := records(1)
	batch[0].Action = json.RawMessage(`{"content":"` + strings.Repeat("x", 60<<10) + `"}`)
	for i := 0; ; i++ {
		err := s.Send(ctx, []audit.Record{batch[0], batch[0], batch[0], batch[0]})
		if err != nil {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("Send: %v, want a deadline error", err)
			}
			break
		}
		if i > 10000 {
			t.Fatal("server that never reads took 2.4 GB")
		}
	}
}
