// Package netx understands URLs the way HTTP clients do, so that a
// request to the cloud metadata service is seen as one however its
// address is written: decimal, octal, hex and short IPv4 forms,
// IPv4-mapped IPv6, trailing dots, userinfo and backslash tricks,
// percent-encoding and mixed case. It never looks names up in DNS.
package netx

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/agentward/ward/event"
)

// Host classes.
const (
	ClassMetadata    = "metadata"    // a cloud provider's instance metadata service
	ClassLoopback    = "loopback"    // this machine
	ClassPrivate     = "private"     // RFC 1918 and unique local addresses
	ClassLinkLocal   = "link_local"  // 169.254/16, fe80::/10
	ClassCGNAT       = "cgnat"       // 100.64/10, carrier-grade NAT (and some cloud internals)
	ClassUnspecified = "unspecified" // 0.0.0.0, ::, which many stacks route to this machine
	ClassReserved    = "reserved"    // multicast, broadcast, 240/4
	ClassInternal    = "internal"    // names only a private network resolves: single labels, .local, .internal
	ClassRebinding   = "rebinding"   // wildcard or rebinding DNS services that resolve to any address
	ClassPublic      = "public"
)

// Bounds.
const maxURL = 8 << 10

// Parse normalizes a URL and classifies its host. Hosts that different
// parsers would read differently (backslashes, several @) are all
// classified, and the most dangerous reading is kept.
func Parse(raw string) event.URLFact {
	u := event.URLFact{URL: raw}
	if len(raw) > maxURL {
		raw = raw[:maxURL]
	}
	s := strings.TrimSpace(raw)
	scheme, rest, ok := cutScheme(s)
	if !ok {
		scheme, rest = "http", "//"+s
	}
	u.Scheme = scheme
	if scheme == "jar" || scheme == "netdoc" || scheme == "view-source" {
		// jar:https://host!/path wraps another URL.
		inner := rest
		if i := strings.IndexByte(inner, '!'); i >= 0 {
			inner = inner[:i]
		}
		in := Parse(inner)
		u.Host, u.Port, u.IP, u.Classes, u.Confusing = in.Host, in.Port, in.IP, in.Classes, in.Confusing
		return u
	}
	if !strings.HasPrefix(rest, "//") && !strings.HasPrefix(rest, `\\`) && !strings.HasPrefix(rest, `/\`) && !strings.HasPrefix(rest, `\/`) {
		// mailto:, data:, javascript: and the like have no host.
		u.Classes = []string{}
		return u
	}
	readings := authorities(rest[2:], special(scheme))
	best := -1
	for _, a := range readings {
		r := reading(a, scheme)
		if best < 0 || danger(r.Classes) > danger(u.Classes) {
			u.Host, u.Port, u.IP, u.Classes, u.User = r.Host, r.Port, r.IP, r.Classes, r.User
			u.HasPassword = r.HasPassword
			best = 0
		}
	}
	if len(readings) > 1 {
		u.Confusing = true
	}
	u.Path, u.Query = pathAndQuery(rest[2:])
	u.DevPort = devPort(u.Port, u.Classes)
	return u
}

// cutScheme splits "scheme:rest".
func cutScheme(s string) (string, string, bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", "", false
		}
	}
	scheme := strings.ToLower(s[:i])
	rest := s[i+1:]
	if !strings.HasPrefix(rest, "//") && !strings.HasPrefix(rest, `\`) && isPort(rest) {
		return "", "", false // host:port without a scheme
	}
	return scheme, rest, true
}

func isPort(s string) bool {
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	_, err := strconv.Atoi(s[:end])
	return err == nil && end > 0
}

// special reports whether a scheme is one WHATWG URL parsing treats
// backslashes as slashes for.
func special(scheme string) bool {
	switch scheme {
	case "http", "https", "ws", "wss", "ftp", "file":
		return true
	}
	return false
}

// authorities returns the ways parsers read the authority of rest: WHATWG
// (backslash is a slash, the last @ ends the userinfo) and older parsers
// (only / ends the authority, the first @ ends the userinfo).
func authorities(rest string, special bool) []string {
	var out []string
	add := func(a string) {
		for _, x := range out {
			if x == a {
				return
			}
		}
		out = append(out, a)
	}
	std := rest
	if special {
		std = strings.ReplaceAll(rest, `\`, "/")
	}
	std = strings.TrimLeft(std, "/")
	if i := strings.IndexAny(std, "/?#"); i >= 0 {
		std = std[:i]
	}
	add(std)
	raw := rest
	if i := strings.IndexAny(raw, "/?#"); i >= 0 {
		raw = raw[:i]
	}
	add(strings.TrimLeft(raw, `\`))
	// The first @ as the end of the userinfo.
	for _, a := range append([]string(nil), out...) {
		if i := strings.IndexByte(a, '@'); i >= 0 && i != strings.LastIndexByte(a, '@') {
			add(a[i+1:])
		}
	}
	return out
}

// reading parses one authority.
func reading(auth, scheme string) event.URLFact {
	var u event.URLFact
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		userinfo := auth[:i]
		auth = auth[i+1:]
		user, _, hasPass := strings.Cut(userinfo, ":")
		u.User, u.HasPassword = user, hasPass
	}
	host, port := splitHostPort(auth)
	if h, err := url.PathUnescape(host); err == nil {
		host = h
	}
	host = strings.TrimRight(strings.ToLower(host), ".")
	u.Host = host
	u.Port = port
	if u.Port == 0 {
		u.Port = defaultPort(scheme)
	}
	u.IP, u.Classes = classify(host)
	return u
}

func splitHostPort(s string) (string, int) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return s[1:], 0
		}
		host := s[1:end]
		port, _ := strconv.Atoi(strings.TrimPrefix(s[end+1:], ":"))
		return host, port
	}
	if strings.Count(s, ":") == 1 {
		h, p, _ := strings.Cut(s, ":")
		port, err := strconv.Atoi(p)
		if err != nil || port < 0 || port > 65535 {
			return h, 0
		}
		return h, port
	}
	return s, 0
}

func defaultPort(scheme string) int {
	switch scheme {
	case "http", "ws":
		return 80
	case "https", "wss":
		return 443
	case "ftp":
		return 21
	case "gopher":
		return 70
	case "dict":
		return 2628
	case "ldap":
		return 389
	case "ssh", "sftp":
		return 22
	}
	return 0
}

func pathAndQuery(rest string) (string, string) {
	i := strings.IndexAny(rest, "/?#")
	if i < 0 {
		return "", ""
	}
	rest = rest[i:]
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		rest = rest[:j]
	}
	p, q, _ := strings.Cut(rest, "?")
	return p, q
}

// danger ranks host classes so that the most dangerous reading wins.
func danger(classes []string) int {
	rank := 0
	for _, c := range classes {
		r := 0
		switch c {
		case ClassMetadata:
			r = 6
		case ClassLoopback, ClassUnspecified:
			r = 5
		case ClassRebinding:
			r = 4
		case ClassPrivate, ClassLinkLocal, ClassCGNAT:
			r = 3
		case ClassInternal, ClassReserved:
			r = 2
		case ClassPublic:
			r = 1
		}
		rank = max(rank, r)
	}
	return rank
}

// devPorts are ports local development servers listen on.
func devPort(port int, classes []string) bool {
	switch port {
	case 1313, 3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009, 4000, 4173, 4200, 4321,
		5000, 5001, 5173, 5174, 5500, 6006, 8000, 8001, 8008, 8080, 8081, 8787, 8888, 9000, 19006:
		return true
	case 80, 443:
		// A web server on this machine is as everyday as a dev server.
		for _, c := range classes {
			if c == ClassLoopback {
				return true
			}
		}
	}
	return false
}

// classify classifies a host name or address.
func classify(host string) (string, []string) {
	if host == "" {
		return "", []string{}
	}
	if ip, ok := parseIP(host); ok {
		return ip.String(), classifyIP(ip)
	}
	if ip, ok := wrappedIPv4(host); ok {
		// Octets over 255 (425.510.425.510): some parsers wrap them.
		return ip.String(), classifyIP(ip)
	}
	if ip, ok := rebindingIP(host); ok {
		return ip.String(), append([]string{ClassRebinding}, classifyIP(ip)...)
	}
	return "", classifyName(host)
}

// parseIP reads an address in any of the forms inet_aton and URL parsers
// accept: dotted decimal, octal (0251), hex (0xA9), one to four parts
// (127.1, 2852039166), IPv6 with IPv4 inside.
func parseIP(host string) (netip.Addr, bool) {
	if strings.Contains(host, ":") {
		h, _, _ := strings.Cut(host, "%") // a zone
		a, err := netip.ParseAddr(h)
		if err != nil {
			return netip.Addr{}, false
		}
		return unmap(a), true
	}
	parts := strings.Split(host, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		v, ok := inetPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals = append(vals, v)
	}
	var n uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
		n |= v << (24 - 8*uint(i))
	}
	last := vals[len(vals)-1]
	if last >= 1<<(8*uint(5-len(vals))) {
		return netip.Addr{}, false
	}
	n |= last
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// inetPart reads one part of an IPv4 address: decimal, 0-prefixed octal
// or 0x-prefixed hex.
func inetPart(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
		base, p = 16, p[2:]
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	v, err := strconv.ParseUint(p, base, 64)
	if err != nil || v > 0xFFFFFFFF {
		return 0, false
	}
	return v, true
}

// wrappedIPv4 reads four decimal octets taking each modulo 256.
func wrappedIPv4(host string) (netip.Addr, bool) {
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	var b [4]byte
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 1<<16 {
			return netip.Addr{}, false
		}
		b[i] = byte(v % 256)
	}
	return netip.AddrFrom4(b), true
}

// unmap returns the IPv4 address inside IPv4-mapped, IPv4-compatible,
// NAT64 and 6to4 IPv6 addresses.
func unmap(a netip.Addr) netip.Addr {
	if a.Is4In6() {
		return a.Unmap()
	}
	if !a.Is6() {
		return a
	}
	b := a.As16()
	switch {
	case b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b: // 64:ff9b::/96
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	case b[0] == 0x20 && b[1] == 0x02: // 2002::/16 6to4
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	zero := true
	for _, x := range b[:12] {
		if x != 0 {
			zero = false
		}
	}
	if zero && (b[12] != 0 || b[13] != 0) { // ::a.b.c.d, deprecated IPv4-compatible
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	return a
}

// isMetadataIP reports whether an address is a cloud provider's metadata
// service.
func isMetadataIP(a netip.Addr) bool {
	if a.Is4() {
		switch a.As4() {
		case [4]byte{169, 254, 169, 254}, // AWS, GCP, Azure, DigitalOcean, OpenStack, ...
			[4]byte{169, 254, 170, 2},   // AWS ECS task metadata
			[4]byte{169, 254, 169, 253}, // AWS DNS and time
			[4]byte{169, 254, 169, 123}, // AWS time
			[4]byte{100, 100, 100, 200}, // Alibaba Cloud
			[4]byte{192, 0, 0, 192}:     // Oracle Cloud
			return true
		}
		return false
	}
	// fd00:ec2::254, AWS over IPv6.
	return a.As16() == [16]byte{0xfd, 0x00, 0x0e, 0xc2, 13: 0, 14: 0x02, 15: 0x54}
}

// classifyIP classifies an address.
func classifyIP(a netip.Addr) []string {
	if isMetadataIP(a) {
		return []string{ClassMetadata}
	}
	switch {
	case a.IsLoopback():
		return []string{ClassLoopback}
	case a.IsUnspecified():
		return []string{ClassUnspecified}
	case a.IsPrivate():
		return []string{ClassPrivate}
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return []string{ClassLinkLocal}
	case a.Is4() && a.As4()[0] == 100 && a.As4()[1]&0xC0 == 64:
		return []string{ClassCGNAT}
	case a.IsMulticast() || a.Is4() && a.As4()[0] >= 240 || a.Is4() && a.As4()[0] == 0:
		return []string{ClassReserved}
	}
	return []string{ClassPublic}
}

// classifyName classifies a host name, without DNS.
func classifyName(host string) []string {
	switch host {
	case "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
		"metadata.azure.internal", "metadata.packet.net", "metadata.platformequinix.com", "metadata.tencentyun.com",
		"metadata.oraclecloud.com", "metadata.hetzner.cloud", "metadata.vultr.com", "metadata.scw.cloud":
		return []string{ClassMetadata}
	case "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback":
		return []string{ClassLoopback}
	}
	if strings.HasSuffix(host, ".localhost") {
		return []string{ClassLoopback}
	}
	if rebindingDomain(host) {
		return []string{ClassRebinding}
	}
	if !strings.Contains(host, ".") {
		return []string{ClassInternal}
	}
	for _, suffix := range [...]string{".local", ".internal", ".lan", ".home.arpa", ".corp", ".intranet", ".intra", ".localdomain", ".cluster.local", ".svc", ".home"} {
		if strings.HasSuffix(host, suffix) {
			return []string{ClassInternal}
		}
	}
	return []string{ClassPublic}
}

// rebindingDomain reports whether a name belongs to a wildcard DNS or
// rebinding service that resolves names to any address asked for.
func rebindingDomain(host string) bool {
	for _, d := range [...]string{"nip.io", "sslip.io", "xip.io", "nip.direct", "localtest.me", "lvh.me", "vcap.me",
		"1u.ms", "rbndr.us", "traefik.me", "localhost.direct", "fuf.me", "lacolhost.com", "yoogle.com", "ulh.me",
		"127-0-0-1.org.uk", "localhost.run", "rebind.network", "rebind.it", "backname.io"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// rebindingIP finds the address a wildcard DNS name stands for:
// 10.0.0.1.nip.io, 10-0-0-1.sslip.io, 0a000001.nip.io, or an address
// written into a rebinding name (make-1.2.3.4-rebind-169.254-169.254-rr).
func rebindingIP(host string) (netip.Addr, bool) {
	if !rebindingDomain(host) {
		return netip.Addr{}, false
	}
	var found []netip.Addr
	labels := strings.Split(host, ".")
	// Dotted addresses across labels: 10.0.0.1.nip.io.
	for i := 0; i+4 <= len(labels); i++ {
		if a, err := netip.ParseAddr(strings.Join(labels[i:i+4], ".")); err == nil {
			found = append(found, a)
		}
	}
	// Dashed addresses inside labels: 10-0-0-1, 169.254-169.254.
	flat := strings.NewReplacer("-", ".").Replace(host)
	fields := strings.Split(flat, ".")
	for i := 0; i+4 <= len(fields); i++ {
		if a, err := netip.ParseAddr(strings.Join(fields[i:i+4], ".")); err == nil {
			found = append(found, a)
		}
	}
	// Hex labels: 0a000001.
	for _, l := range labels {
		if len(l) == 8 {
			if v, err := strconv.ParseUint(l, 16, 32); err == nil {
				found = append(found, netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}))
			}
		}
	}
	best, bestRank := netip.Addr{}, -1
	for _, a := range found {
		if r := danger(classifyIP(a)); r > bestRank {
			best, bestRank = a, r
		}
	}
	return best, bestRank >= 0
}
