//go:build unix

package sink

import (
	"net"
	"syscall"
)

// peerClosed reports whether the peer of a stream connection has closed
// it, without waiting: syslog servers never write, so a read that would
// return end of file or an error means it is gone, and whatever is
// written to it next would be lost without an error.
func peerClosed(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	closed := false
	err = raw.Read(func(fd uintptr) bool {
		var b [1]byte
		// Go's sockets are non-blocking, so this returns at once.
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		closed = n == 0 && err == nil || err != nil && err != syscall.EAGAIN && err != syscall.EWOULDBLOCK && err != syscall.EINTR
		return true
	})
	return closed || err != nil
}
