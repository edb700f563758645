package sink_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/agentward/ward/audit"
)

var (
	testKey  = []byte("0123456789abcdef0123456789abcdef")
	testTime = time.Date(2025, 3, 1, 10, 0, 0, 123456000, time.UTC)
)

// trickyReason has every character RFC 5424 escapes in structured data.
const trickyReason = `blocked "rm -rf /" ] because \ is bad`

// records makes n sealed records, chained, with decisions in turn deny,
// ask, allow.
func records(n int) []audit.Record {
	out := make([]audit.Record, n)
	var head audit.Head
	for i := range out {
		e := audit.Entry{
			Time:      testTime.Add(time.Duration(i) * time.Second),
			EventID:   fmt.Sprintf("ev-%d", i+1),
			Agent:     "claude",
			Session:   "s-1",
			Tool:      "Bash",
			Phase:     "pre",
			Action:    json.RawMessage(fmt.Sprintf(`{"command":"echo %d <ok> & done"}`, i)),
			Findings:  json.RawMessage(`[{"kind":"shell.destructive"}]`),
			Decision:  [...]string{"deny", "ask", "allow"}[i%3],
			Rule:      "shell.rm-root",
			Reason:    trickyReason,
			Policy:    "sha256:0f1e",
			LatencyUS: 42,
		}
		out[i] = audit.Seal(head, e, testKey)
		head = audit.Head{Seq: out[i].Seq, Hash: out[i].Hash}
	}
	return out
}

// checkRecord checks that body is the JSON of want, whole and sealed.
func checkRecord(t *testing.T, body []byte, want audit.Record) {
	t.Helper()
	var got audit.Record
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("record JSON: %v\n%s", err, body)
	}
	checkSame(t, got, want)
}

// checkSame checks that got is want, and still sealed.
func checkSame(t *testing.T, got, want audit.Record) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("record:\ngot  %+v\nwant %+v", got, want)
	}
	if err := got.Check(testKey); err != nil {
		t.Errorf("record %d: %v", got.Seq, err)
	}
}

// message is an RFC 5424 message, parsed.
type message struct {
	pri, version                         int
	time, host, app, procID, msgID, sdID string
	params                               map[string]string
	names                                []string // params in order
	msg                                  []byte
}

// parse5424 parses an RFC 5424 message with one structured data
// element strictly: an unescaped ']' in a value is an error.
func parse5424(b []byte) (message, error) {
	var m message
	r := bytes.NewBuffer(b)
	if c, _ := r.ReadByte(); c != '<' {
		return m, errors.New("no '<'")
	}
	s, err := r.ReadString('>')
	if err != nil {
		return m, errors.New("no '>'")
	}
	if m.pri, err = strconv.Atoi(s[:len(s)-1]); err != nil || m.pri > 191 {
		return m, fmt.Errorf("PRI %q", s)
	}
	field := func() (string, error) {
		s, err := r.ReadString(' ')
		if err != nil || len(s) < 2 {
			return "", fmt.Errorf("field %q", s)
		}
		return s[:len(s)-1], nil
	}
	v, err := field()
	if err != nil {
		return m, err
	}
	if m.version, err = strconv.Atoi(v); err != nil {
		return m, fmt.Errorf("version %q", v)
	}
	for _, p := range []*string{&m.time, &m.host, &m.app, &m.procID, &m.msgID} {
		if *p, err = field(); err != nil {
			return m, err
		}
	}
	if c, _ := r.ReadByte(); c != '[' {
		return m, errors.New("no structured data")
	}
	m.params = map[string]string{}
	id := []byte{}
	for {
		c, err := r.ReadByte()
		if err != nil {
			return m, errors.New("unended SD-ID")
		}
		if c == ' ' || c == ']' {
			m.sdID = string(id)
			if c == ']' {
				r.UnreadByte()
			}
			break
		}
		id = append(id, c)
	}
	for {
		c, err := r.ReadByte()
		if err != nil {
			return m, errors.New("unended structured data")
		}
		if c == ']' {
			break
		}
		if c == ' ' {
			continue
		}
		r.UnreadByte()
		name, err := r.ReadString('=')
		if err != nil {
			return m, errors.New("param without '='")
		}
		name = name[:len(name)-1]
		if c, _ := r.ReadByte(); c != '"' {
			return m, fmt.Errorf("param %s: no '\"'", name)
		}
		var val []byte
		for {
			c, err := r.ReadByte()
			if err != nil {
				return m, fmt.Errorf("param %s: unended value", name)
			}
			if c == '"' {
				break
			}
			if c == ']' {
				return m, fmt.Errorf("param %s: unescaped ']'", name)
			}
			if c == '\\' {
				n, _ := r.ReadByte()
				if n != '"' && n != '\\' && n != ']' {
					val = append(val, '\\')
				}
				c = n
			}
			val = append(val, c)
		}
		m.params[name] = string(val)
		m.names = append(m.names, name)
	}
	if r.Len() > 0 {
		if c, _ := r.ReadByte(); c != ' ' {
			return m, errors.New("no space before MSG")
		}
	}
	m.msg = r.Bytes()
	return m, nil
}

// listenUDP returns a UDP server's address and its datagrams.
func listenUDP(t *testing.T) (string, <-chan []byte) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	pc.(*net.UDPConn).SetReadBuffer(4 << 20) // as much as the system allows
	return "udp://" + pc.LocalAddr().String(), readPackets(pc)
}

// listenUnixgram returns a Unix datagram server's address and its
// datagrams.
func listenUnixgram(t *testing.T) (string, <-chan []byte) {
	path := filepath.Join(t.TempDir(), "log.sock")
	pc, err := net.ListenPacket("unixgram", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return "unix://" + path, readPackets(pc)
}

func readPackets(pc net.PacketConn) <-chan []byte {
	ch := make(chan []byte, 1000)
	go func() {
		defer close(ch)
		buf := make([]byte, 1<<16)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			ch <- bytes.Clone(buf[:n])
		}
	}()
	return ch
}

// listenTCP returns a TCP server's address and the octet-counted messages
// it reads, from any number of connections.
func listenTCP(t *testing.T) (string, <-chan []byte) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return "tcp://" + l.Addr().String(), readStreams(t, l)
}

// listenUnix returns a Unix stream server's address and its messages.
func listenUnix(t *testing.T) (string, <-chan []byte) {
	path := filepath.Join(t.TempDir(), "log.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	return "unix://" + path, readStreams(t, l)
}

// readStreams reads octet-counted messages from every connection l
// accepts. A framing error comes as a message that does not parse.
func readStreams(t *testing.T, l net.Listener) <-chan []byte {
	ch := make(chan []byte, 1000)
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					m, err := readFrame(br)
					if err != nil {
						if err != io.EOF {
							ch <- []byte("framing error: " + err.Error())
						}
						return
					}
					ch <- m
				}
			}()
		}
	}()
	return ch
}

// readFrame reads one octet-counted message (RFC 6587): LEN SP MSG.
func readFrame(br *bufio.Reader) ([]byte, error) {
	s, err := br.ReadString(' ')
	if err != nil {
		if err == io.EOF && s == "" {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("length: %q: %w", s, err)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || s[0] == '0' {
		return nil, fmt.Errorf("length %q", s)
	}
	m := make([]byte, n)
	if _, err := io.ReadFull(br, m); err != nil {
		return nil, fmt.Errorf("message of %d bytes: %w", n, err)
	}
	return m, nil
}

// receive returns the next message from ch, failing after a generous
// wait.
func receive(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatal("listener closed")
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
	}
	return nil
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }
