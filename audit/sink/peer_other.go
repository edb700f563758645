//go:build !unix

package sink

import "net"

// peerClosed cannot tell here; a failed write still reconnects.
func peerClosed(net.Conn) bool { return false }
