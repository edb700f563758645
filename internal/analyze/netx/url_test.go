package netx_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/netx"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url   string
		host  string // normalized host, "" to skip
		ip    string // normalized address, "" to skip
		class string // a class it must have
		why   string
	}{
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254", "169.254.169.254", netx.ClassMetadata, "the metadata address"},
		{"http://2852039166/", "", "169.254.169.254", netx.ClassMetadata, "decimal"},
		{"http://0xA9FEA9FE/", "", "169.254.169.254", netx.ClassMetadata, "hex"},
		{"http://0xa9.0xfe.0xa9.0xfe/", "", "169.254.169.254", netx.ClassMetadata, "dotted hex"},
		{"http://0251.0376.0251.0376/", "", "169.254.169.254", netx.ClassMetadata, "dotted octal"},
		{"http://0251.00376.000251.0000376/", "", "169.254.169.254", netx.ClassMetadata, "octal with extra zeros"},
		{"http://169.254.43518/", "", "169.254.169.254", netx.ClassMetadata, "three parts"},
		{"http://425.510.425.510/", "", "169.254.169.254", netx.ClassMetadata, "octets over 255 wrap in some parsers"},
		{"http://[::ffff:169.254.169.254]/", "", "169.254.169.254", netx.ClassMetadata, "IPv4-mapped IPv6"},
		{"http://[::ffff:a9fe:a9fe]/", "", "169.254.169.254", netx.ClassMetadata, "IPv4-mapped in hex"},
		{"http://[fd00:ec2::254]/", "", "", netx.ClassMetadata, "AWS over IPv6"},
		{"http://[64:ff9b::a9fe:a9fe]/", "", "169.254.169.254", netx.ClassMetadata, "NAT64"},
		{"http://169.254.169.254./", "169.254.169.254", "", netx.ClassMetadata, "a trailing dot"},
		{"http://%31%36%39.254.169.254/", "169.254.169.254", "", netx.ClassMetadata, "percent-encoded host"},
		{"HTTP://METADATA.GOOGLE.INTERNAL/", "metadata.google.internal", "", netx.ClassMetadata, "mixed case"},
		{"http://100.100.100.200/latest/", "", "", netx.ClassMetadata, "Alibaba"},
		{"http://169.254.170.2/v2/credentials", "", "", netx.ClassMetadata, "ECS task metadata"},
		{"http://instance-data/latest/", "instance-data", "", netx.ClassMetadata, "EC2's metadata name"},
		{"http://127.1/", "", "127.0.0.1", netx.ClassLoopback, "short loopback"},
		{"http://127.0.0.1:2379/version", "", "", netx.ClassLoopback, "etcd on loopback"},
		{"http://[::1]:8080/", "", "", netx.ClassLoopback, "IPv6 loopback"},
		{"http://0.0.0.0:9200/", "", "", netx.ClassUnspecified, "unspecified reaches this machine"},
		{"http://localhost/", "localhost", "", netx.ClassLoopback, "localhost"},
		{"http://app.localhost:3000/", "", "", netx.ClassLoopback, "a localhost subdomain"},
		{"http://192.168.0.1/", "", "", netx.ClassPrivate, "RFC 1918"},
		{"http://172.20.1.1/", "", "", netx.ClassPrivate, "172.16/12"},
		{"http://[fc00::1]/", "", "", netx.ClassPrivate, "unique local"},
		{"http://100.64.0.1/", "", "", netx.ClassCGNAT, "carrier-grade NAT"},
		{"http://evil.example@127.0.0.1/", "127.0.0.1", "", netx.ClassLoopback, "userinfo before the real host"},
		{"http://127.0.0.1@evil.example/", "evil.example", "", netx.ClassPublic, "the host is after the @"},
		{`http://127.1.1.1:80\@127.2.2.2:80/`, "", "", netx.ClassLoopback, "backslash trick"},
		{"http://10.0.0.1.nip.io/", "", "10.0.0.1", netx.ClassRebinding, "nip.io"},
		{"http://169-254-169-254.sslip.io/", "", "169.254.169.254", netx.ClassMetadata, "sslip.io dashes"},
		{"http://make-1.2.3.4-rebind-169.254-169.254-rr.1u.ms/", "", "", netx.ClassRebinding, "a rebinding service"},
		{"http://db:5432/", "db", "", netx.ClassInternal, "a single label"},
		{"http://printer.local/", "", "", netx.ClassInternal, "mDNS"},
		{"http://api.svc.cluster.local/", "", "", netx.ClassInternal, "a cluster service"},
		{"https://example.com/path?q=1", "example.com", "", netx.ClassPublic, "a public site"},
		{"example.com/x", "example.com", "", netx.ClassPublic, "no scheme"},
		{"jar:https://127.0.0.1!/", "127.0.0.1", "", netx.ClassLoopback, "jar wraps a URL"},
		{"gopher://127.0.0.1:6379/_SET", "", "", netx.ClassLoopback, "gopher to redis"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			t.Parallel()
			u := netx.Parse(tt.url)
			if tt.host != "" && u.Host != tt.host {
				t.Errorf("Parse(%q).Host = %q, want %q", tt.url, u.Host, tt.host)
			}
			if tt.ip != "" && u.IP != tt.ip {
				t.Errorf("Parse(%q).IP = %q, want %q", tt.url, u.IP, tt.ip)
			}
			if !slices.Contains(u.Classes, tt.class) {
				t.Errorf("Parse(%q).Classes = %v, want %s", tt.url, u.Classes, tt.class)
			}
		})
	}
}

func TestNotMetadata(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"http://169.254.169.25/", "https://metadata.example.com/", "http://8.8.8.8/", "https://github.com/aws/instance-data"} {
		if u := netx.Parse(s); slices.Contains(u.Classes, netx.ClassMetadata) {
			t.Errorf("Parse(%q) = %v, not metadata", s, u.Classes)
		}
	}
}

func TestDevPorts(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"http://localhost:3000/":     true,
		"http://127.0.0.1:5173/":     true,
		"http://localhost/":          true,
		"http://127.0.0.1:6379/":     false,
		"http://192.168.1.5:8080/":   true,
		"http://192.168.1.5/":        false,
		"https://localhost:8443/api": false,
	}
	for s, want := range tests {
		if got := netx.Parse(s).DevPort; got != want {
			t.Errorf("Parse(%q).DevPort = %v, want %v", s, got, want)
		}
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	u := netx.Parse("https://deploy:s3cret@git.example.com/repo.git")
	if !u.HasPassword || u.User != "deploy" || u.Host != "git.example.com" {
		t.Errorf("got %+v", u)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"http://169.254.169.254/", "http://[::1]/", `http://a\@b/`, "jar:x!/", "gopher://0:25/_", "http://0x.0x.0x.0x/", strings.Repeat("@", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b := netx.Parse(s), netx.Parse(s)
		if a.Host != b.Host || !slices.Equal(a.Classes, b.Classes) {
			t.Fatalf("Parse(%q) not deterministic", s)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"https://api.github.com/repos/golang/go/issues?state=open", "http://0251.0376.0251.0376/latest/meta-data/"} {
		b.Run(s[:12], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				netx.Parse(s)
			}
		})
	}
}
