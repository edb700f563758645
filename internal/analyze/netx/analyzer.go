package netx

import (
	"context"
	"slices"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Finding ids.
const (
	FindingMetadata        = "net.metadata"
	FindingDangerousScheme = "net.dangerous_scheme"
	FindingInternal        = "net.internal"
	FindingRebinding       = "net.rebinding"
	FindingConfusing       = "net.url_confusion"
	FindingURLCredentials  = "net.url_credentials"
)

var catalog = [...]analyze.FindingSpec{
	{ID: FindingMetadata, Severity: event.Critical, Doc: "a request to a cloud metadata service (169.254.169.254 in any spelling, metadata.google.internal, 100.100.100.200, fd00:ec2::254)"},
	{ID: FindingDangerousScheme, Severity: event.Critical, Doc: "a URL scheme that reaches files or raw services (file, gopher, dict, ldap, jar, netdoc, ftp, tftp, data, php, phar, expect, smb)"},
	{ID: FindingInternal, Severity: event.Medium, Doc: "a request to this machine or a private network on a port development servers do not use"},
	{ID: FindingRebinding, Severity: event.High, Doc: "a host under a wildcard or rebinding DNS service (nip.io, sslip.io, 1u.ms, localtest.me) that can resolve to any address"},
	{ID: FindingConfusing, Severity: event.High, Doc: "a URL that parsers read as different hosts (backslashes, several @)"},
	{ID: FindingURLCredentials, Severity: event.Medium, Doc: "a URL carries a password in its userinfo"},
}

// Analyzer classifies the URLs an action reaches: WebFetch and HTTP
// tools, URLs given to network tools in shell commands, and URL
// arguments of MCP tools.
type Analyzer struct{}

var (
	_ analyze.Analyzer  = Analyzer{}
	_ analyze.Cataloger = Analyzer{}
)

// Name implements analyze.Analyzer.
func (Analyzer) Name() string { return "url" }

// Catalog implements analyze.Cataloger.
func (Analyzer) Catalog() []analyze.FindingSpec {
	return append([]analyze.FindingSpec(nil), catalog[:]...)
}

// maxURLs bounds the URLs classified for one event.
const maxURLs = 64

// Analyze implements analyze.Analyzer.
func (Analyzer) Analyze(_ context.Context, s *analyze.Subject) error {
	a := &s.Event.Action
	var raws []struct{ url, source string }
	add := func(u, src string) {
		if u != "" && len(raws) < maxURLs {
			raws = append(raws, struct{ url, source string }{u, src})
		}
	}
	if a.URL != "" {
		add(a.URL, "url")
	}
	for _, u := range s.Facts.Shell.URLs {
		add(u, "shell")
	}
	if a.Kind == event.KindMCP || a.Kind == event.KindSQL {
		for _, k := range [...]string{"url", "uri", "endpoint", "href", "link", "webhook", "webhook_url", "callback_url", "base_url", "target"} {
			if v, ok := a.Arguments[k].(string); ok && strings.Contains(v, "://") {
				add(v, "mcp argument "+k)
			}
		}
	}
	for _, r := range raws {
		u := Parse(r.url)
		u.Source = r.source
		s.Facts.URLs = append(s.Facts.URLs, u)
		findings(s, u)
	}
	return nil
}

// findings records what a URL's classification means.
func findings(s *analyze.Subject, u event.URLFact) {
	add := func(id, msg string) {
		for _, f := range catalog {
			if f.ID == id {
				s.AddFinding(event.Finding{ID: id, Severity: f.Severity, Message: msg, Evidence: u.URL})
				return
			}
		}
	}
	has := func(c string) bool { return slices.Contains(u.Classes, c) }
	if has(ClassMetadata) {
		add(FindingMetadata, "the request goes to a cloud metadata service, which hands out credentials")
	}
	if dangerousScheme(u.Scheme) {
		add(FindingDangerousScheme, "the "+u.Scheme+" scheme reaches files or raw services")
	}
	if has(ClassRebinding) {
		add(FindingRebinding, "the host is under a DNS service that resolves names to any address")
	}
	web := u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ws" || u.Scheme == "wss"
	internal := has(ClassLoopback) || has(ClassPrivate) || has(ClassLinkLocal) || has(ClassCGNAT) ||
		has(ClassUnspecified) || has(ClassReserved) || has(ClassInternal)
	if web && internal && !has(ClassMetadata) && !u.DevPort {
		add(FindingInternal, "the request goes to this machine or a private network, not to a development server")
	}
	if u.Confusing && internal {
		add(FindingConfusing, "parsers disagree about which host this URL names")
	}
	if u.HasPassword {
		add(FindingURLCredentials, "the URL carries a password")
	}
}

func dangerousScheme(s string) bool {
	switch s {
	case "file", "gopher", "dict", "ldap", "ldaps", "jar", "netdoc", "ftp", "tftp", "data", "php", "phar",
		"expect", "smb", "sftp", "telnet", "glob", "zip", "compress.zlib", "ogg", "rar", "jdbc", "ssh2.exec":
		return true
	}
	return false
}
