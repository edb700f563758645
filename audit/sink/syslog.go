package sink

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/agentward/ward/audit"
)

// Facility is a syslog facility (RFC 5424, section 6.2.1).
type Facility uint8

// Facilities a ward log may be sent as. Kern (0) is not one: it is for
// the kernel, and the zero Facility means FacilityLocal0.
const (
	FacilityUser     Facility = 1
	FacilityDaemon   Facility = 3
	FacilityAuth     Facility = 4
	FacilityAuthPriv Facility = 10
	FacilityAudit    Facility = 13 // "log audit"
	FacilityLocal0   Facility = 16
	FacilityLocal1   Facility = 17
	FacilityLocal2   Facility = 18
	FacilityLocal3   Facility = 19
	FacilityLocal4   Facility = 20
	FacilityLocal5   Facility = 21
	FacilityLocal6   Facility = 22
	FacilityLocal7   Facility = 23
)

func (f Facility) String() string {
	names := [...]string{
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
		"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
		"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
	}
	if int(f) < len(names) {
		return names[f]
	}
	return "facility(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText encodes f as its name, as in syslog.conf.
func (f Facility) MarshalText() ([]byte, error) {
	if f > FacilityLocal7 {
		return nil, fmt.Errorf("sink: invalid syslog facility %d", uint8(f))
	}
	return []byte(f.String()), nil
}

// UnmarshalText decodes a facility's name ("local0", "authpriv") or its
// number.
func (f *Facility) UnmarshalText(b []byte) error {
	g, err := ParseFacility(string(b))
	if err != nil {
		return err
	}
	*f = g
	return nil
}

// ParseFacility returns the facility named s ("local0", "auth",
// "authpriv") or numbered s ("16").
func ParseFacility(s string) (Facility, error) {
	for f := Facility(1); f <= FacilityLocal7; f++ {
		if f.String() == s {
			return f, nil
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= int(FacilityLocal7) {
		return Facility(n), nil
	}
	return 0, fmt.Errorf("sink: unknown syslog facility %q", s)
}

// Syslog severities (RFC 5424, section 6.2.1) of decisions.
const (
	sevWarning = 4 // deny, and any decision ward does not know
	sevNotice  = 5 // ask
	sevInfo    = 6 // allow
)

func severity(decision string) int {
	switch decision {
	case "allow":
		return sevInfo
	case "ask":
		return sevNotice
	}
	return sevWarning
}

// SyslogOptions configure a syslog sink. The zero value is usable.
type SyslogOptions struct {
	// Facility of the messages. Zero means FacilityLocal0.
	Facility Facility
	// Hostname in the messages. Empty means os.Hostname.
	Hostname string
	// MaxMessage bounds one message in bytes, header included (TCP's
	// length prefix is not). Zero means 8 KiB for UDP and Unix sockets
	// and 64 KiB for TCP. It must be from MinMessage to MaxMessage, and
	// for UDP at most 65,507.
	MaxMessage int
	// Timeout bounds each Send: connecting and writing the batch. Zero
	// means 10 seconds.
	Timeout time.Duration
}

// Limits on syslog messages.
const (
	// MinMessage is the least MaxMessage may be; RFC 5424 says receivers
	// should take messages this long. A header is at most about 1.3 KiB
	// (maxHeader), which leaves the JSON at least 700 bytes.
	MinMessage = 2048
	// MaxMessage is the most MaxMessage may be.
	MaxMessage = 1 << 20
	// maxHeader bounds a message's header: PRI, version, timestamp,
	// hostname, the fixed fields, the structured data and the spaces.
	maxHeader = len("<191>1 2006-01-02T15:04:05.000000Z ") + maxHostname + len(" ward 4294967295 decision ") +
		len(`[`+sdID+` seq="18446744073709551615"`) + 5*(len(` session=""`)+maxSDValue) + len(` reason=""`) + maxSDReason + len("] ")
	// maxUDP is the most a UDP datagram over IPv4 holds.
	maxUDP = 65507
	// Structured data values are cut to these many bytes, escapes
	// included; the JSON body has them whole.
	maxSDValue  = 128
	maxSDReason = 256
	// maxHostname is RFC 5424's bound on HOSTNAME.
	maxHostname = 255
	// sdID names ward's structured data element. 32473 is the private
	// enterprise number RFC 5612 sets aside for examples.
	sdID = "ward@32473"
	// streamChunk is how many bytes of framed messages go in one write
	// to a stream socket.
	streamChunk = 64 << 10
)

// NewSyslog returns a sink that sends each record as an RFC 5424 message
// to addr: "udp://host:port", "tcp://host:port" or "unix:///path". The
// port defaults to 514. A Unix socket is tried as a datagram socket, then
// as a stream socket. Over stream sockets (TCP, Unix streams) messages are
// framed by octet counting (RFC 6587): the length in decimal, a space,
// the message. A message is
//
//	<PRI>1 TIMESTAMP HOSTNAME ward PROCID decision [ward@32473 seq=".." decision=".." rule=".." agent=".." session=".." tool=".." reason=".."] JSON
//
// where PRI is the facility times 8 plus the severity (deny warning,
// ask notice, allow info) and JSON is the record as in the log. A record
// too long for MaxMessage is sent with its action and findings replaced
// by {"truncated":N}, N their length in bytes, and if still too long its
// JSON is cut; the header is never cut.
//
// The sink connects on the first Send, and reconnects, once per Send,
// when a write fails or a stream's peer has closed.
func NewSyslog(addr string, opts SyslogOptions) (Sink, error) {
	u, err := url.Parse(addr)
	if err != nil {
		return nil, fmt.Errorf("sink: syslog address: %w", err)
	}
	s := &syslogSink{timeout: opts.Timeout}
	switch u.Scheme {
	case "udp", "tcp":
		if u.Host == "" || (u.Path != "" && u.Path != "/") || u.User != nil || u.RawQuery != "" {
			return nil, fmt.Errorf("sink: syslog address %q: want %s://host:port", addr, u.Scheme)
		}
		host, port := u.Hostname(), u.Port()
		if port == "" {
			port = "514"
		}
		s.network, s.addr = u.Scheme, net.JoinHostPort(host, port)
		s.name = "syslog " + u.Scheme + "://" + s.addr
	case "unix":
		if u.Host != "" || u.Path == "" {
			return nil, fmt.Errorf("sink: syslog address %q: want unix:///path", addr)
		}
		s.network, s.addr = "unix", u.Path
		s.name = "syslog unix://" + u.Path
	default:
		return nil, fmt.Errorf("sink: syslog address %q: scheme is not udp, tcp or unix", addr)
	}
	limit := opts.MaxMessage
	switch {
	case limit == 0 && s.network == "tcp":
		limit = 64 << 10
	case limit == 0:
		limit = 8 << 10
	case limit < MinMessage:
		return nil, fmt.Errorf("sink: syslog MaxMessage %d is below %d", limit, MinMessage)
	case limit > MaxMessage:
		return nil, fmt.Errorf("sink: syslog MaxMessage %d is above %d", limit, MaxMessage)
	case limit > maxUDP && s.network == "udp":
		return nil, fmt.Errorf("sink: syslog MaxMessage %d is more than a UDP datagram holds (%d)", limit, maxUDP)
	}
	if s.timeout <= 0 {
		s.timeout = 10 * time.Second
	}
	fac := opts.Facility
	if fac == 0 {
		fac = FacilityLocal0
	}
	if fac > FacilityLocal7 {
		return nil, fmt.Errorf("sink: invalid syslog facility %d", uint8(fac))
	}
	host := opts.Hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	s.f = formatter{
		facility: fac,
		fixed:    fmt.Sprintf("%s ward %d decision", hostname(host), os.Getpid()),
		max:      limit,
		enc:      newEncoder(),
	}
	return s, nil
}

// hostname makes h a valid RFC 5424 HOSTNAME: printable ASCII, at most
// 255 bytes, "-" if empty.
func hostname(h string) string {
	b := make([]byte, 0, min(len(h), maxHostname))
	for i := 0; i < len(h) && len(b) < maxHostname; i++ {
		if c := h[i]; c > ' ' && c < 0x7f {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return "-"
	}
	return string(b)
}

// formatter writes RFC 5424 messages.
type formatter struct {
	facility Facility
	fixed    string // "HOSTNAME APP-NAME PROCID MSGID"
	max      int
	enc      *encoder
}

// message appends r's message to dst.
func (f *formatter) message(dst []byte, r *audit.Record) []byte {
	start := len(dst)
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(f.facility)*8+int64(severity(r.Decision)), 10)
	dst = append(dst, ">1 "...)
	if y := r.Time.UTC().Year(); y < 1 || y > 9999 || r.Time.IsZero() {
		dst = append(dst, '-')
	} else {
		dst = r.Time.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
	}
	dst = append(dst, ' ')
	dst = append(dst, f.fixed...)
	dst = append(dst, " ["+sdID+` seq="`...)
	dst = strconv.AppendUint(dst, r.Seq, 10)
	dst = append(dst, '"')
	dst = sdParam(dst, "decision", r.Decision, maxSDValue)
	dst = sdParam(dst, "rule", r.Rule, maxSDValue)
	dst = sdParam(dst, "agent", r.Agent, maxSDValue)
	dst = sdParam(dst, "session", r.Session, maxSDValue)
	dst = sdParam(dst, "tool", r.Tool, maxSDValue)
	dst = sdParam(dst, "reason", r.Reason, maxSDReason)
	dst = append(dst, "] "...)

	room := f.max - (len(dst) - start)
	body, err := f.enc.record(r)
	if err != nil {
		return fmt.Appendf(dst, `{"seq":%d,"unencodable":%q}`, r.Seq, err.Error())
	}
	if len(body) > room {
		c := *r
		c.Action, c.Findings = truncated(c.Action), truncated(c.Findings)
		if body, err = f.enc.record(&c); err != nil {
			return fmt.Appendf(dst, `{"seq":%d,"unencodable":%q}`, r.Seq, err.Error())
		}
	}
	if len(body) > room {
		// Cut before the rune that straddles room.
		for room > 0 && !utf8.RuneStart(body[room]) {
			room--
		}
		body = body[:room]
	}
	return append(dst, body...)
}

// truncated stands for JSON left out of a message.
func truncated(m []byte) []byte {
	if len(m) == 0 {
		return m
	}
	return fmt.Appendf(nil, `{"truncated":%d}`, len(m))
}

// sdParam appends ` name="value"`, with value escaped as RFC 5424 says
// (", \ and ] after a backslash), invalid UTF-8 and control characters
// made U+FFFD and spaces, and cut to limit bytes.
func sdParam(dst []byte, name, value string, limit int) []byte {
	dst = append(dst, ' ')
	dst = append(dst, name...)
	dst = append(dst, `="`...)
	n := 0
	for _, c := range value {
		var b [utf8.UTFMax + 1]byte
		e := b[:0]
		switch {
		case c == '"' || c == '\\' || c == ']':
			e = append(e, '\\', byte(c))
		case unicode.IsControl(c):
			e = append(e, ' ')
		default:
			e = utf8.AppendRune(e, c) // U+FFFD for invalid bytes
		}
		if n+len(e) > limit {
			break
		}
		dst = append(dst, e...)
		n += len(e)
	}
	return append(dst, '"')
}

// syslogSink sends records to a syslog server.
type syslogSink struct {
	name    string
	network string // "udp", "tcp" or "unix"
	addr    string
	timeout time.Duration

	sendMu sync.Mutex // one Send at a time; guards f and buf
	f      formatter
	buf    []byte

	mu     sync.Mutex // guards conn, stream and closed
	conn   net.Conn
	stream bool
	closed bool
}

var _ Sink = (*syslogSink)(nil)

func (s *syslogSink) Name() string { return s.name }

func (s *syslogSink) Send(ctx context.Context, batch []audit.Record) error {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	// A write blocked on a full socket buffer returns when ctx ends.
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		if s.conn != nil {
			s.conn.SetWriteDeadline(time.Unix(1, 0))
		}
		s.mu.Unlock()
	})
	defer stop()
	deadline, _ := ctx.Deadline()

	conn, stream, err := s.connect(ctx, deadline)
	if err != nil {
		return err
	}
	redialed := false
	for i := 0; i < len(batch); {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sink: %s: %d of %d records sent: %w", s.name, i, len(batch), err)
		}
		// A datagram holds one message; a stream write holds several.
		j := i
		s.buf = s.buf[:0]
		for j < len(batch) && (j == i || stream && len(s.buf) < streamChunk) {
			if stream {
				s.buf = s.frame(s.buf, &batch[j])
			} else {
				s.buf = s.f.message(s.buf, &batch[j])
			}
			j++
		}
		if _, err := conn.Write(s.buf); err != nil {
			s.drop(conn)
			if redialed || ctx.Err() != nil {
				return fmt.Errorf("sink: %s: %d of %d records sent: write: %w", s.name, i, len(batch), err)
			}
			redialed = true
			if conn, stream, err = s.connect(ctx, deadline); err != nil {
				return fmt.Errorf("sink: %s: %d of %d records sent: %w", s.name, i, len(batch), err)
			}
			continue // write the same messages again
		}
		i = j
	}
	return nil
}

// frame appends r's message with its octet-counting prefix.
func (s *syslogSink) frame(dst []byte, r *audit.Record) []byte {
	// The prefix's length is not known before the message is written, so
	// write the message after room for the longest prefix, then move it.
	const room = 8 // up to "1048576 "
	start := len(dst)
	dst = append(dst, make([]byte, room)...)
	dst = s.f.message(dst, r)
	n := len(dst) - start - room
	var p [room]byte
	prefix := append(strconv.AppendInt(p[:0], int64(n), 10), ' ')
	copy(dst[start:], prefix)
	copy(dst[start+len(prefix):], dst[start+room:])
	return dst[:start+len(prefix)+n]
}

// connect returns the connection, dialing if there is none or a stream's
// peer has closed it.
func (s *syslogSink) connect(ctx context.Context, deadline time.Time) (net.Conn, bool, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, false, fmt.Errorf("sink: %s: %w", s.name, ErrClosed)
	}
	conn, stream := s.conn, s.stream
	s.mu.Unlock()
	if conn != nil && stream && peerClosed(conn) {
		s.drop(conn)
		conn = nil
	}
	if conn == nil {
		var err error
		if conn, stream, err = s.dial(ctx); err != nil {
			return nil, false, fmt.Errorf("sink: %s: %w", s.name, err)
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return nil, false, fmt.Errorf("sink: %s: %w", s.name, ErrClosed)
		}
		s.conn, s.stream = conn, stream
		s.mu.Unlock()
	}
	if ctx.Err() != nil {
		return nil, false, fmt.Errorf("sink: %s: %w", s.name, ctx.Err())
	}
	conn.SetWriteDeadline(deadline)
	return conn, stream, nil
}

func (s *syslogSink) dial(ctx context.Context) (net.Conn, bool, error) {
	var d net.Dialer
	switch s.network {
	case "udp":
		c, err := d.DialContext(ctx, "udp", s.addr)
		return c, false, err
	case "tcp":
		c, err := d.DialContext(ctx, "tcp", s.addr)
		return c, true, err
	}
	c, err := d.DialContext(ctx, "unixgram", s.addr)
	if err == nil {
		return c, false, nil
	}
	c, err2 := d.DialContext(ctx, "unix", s.addr)
	if err2 == nil {
		return c, true, nil
	}
	return nil, false, errors.Join(err, err2)
}

// drop closes conn and forgets it, if it is still the connection.
func (s *syslogSink) drop(conn net.Conn) {
	s.mu.Lock()
	if s.conn == conn {
		s.conn = nil
	}
	s.mu.Unlock()
	conn.Close()
}

func (s *syslogSink) Close() error {
	s.mu.Lock()
	conn := s.conn
	s.conn, s.closed = nil, true
	s.mu.Unlock()
	if conn != nil {
		if err := conn.Close(); err != nil {
			return fmt.Errorf("sink: %s: close: %w", s.name, err)
		}
	}
	return nil
}
