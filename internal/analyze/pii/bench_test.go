package pii_test

import (
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/pii"
)

// cleanBlock is ordinary agent traffic without personal data: prose,
// Go, JSON logs, shell output, with numbers, dates, versions, hashes,
// UUIDs, IP addresses, decorators and package versions.
const cleanBlock = `## Release notes for v1.26.8

The scheduler now retries failed jobs 3 times with a back-off of 250 ms,
1.5 s and 12 s. Memory use dropped by 18.4% on the 2024-06-01 benchmark
run (see issue #4521 and PR 1234). Thanks to everyone who reported it.

func (s *Server) handle(ctx context.Context, req *Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if req.Size > 1<<20 || req.Flags&0x0f != 0 {
		return nil, fmt.Errorf("request %d too large: %d bytes", req.ID, req.Size)
	}
	return s.next.Handle(ctx, req)
}

{"ts":"2024-06-05T09:15:30.500-07:00","level":"info","msg":"request done","id":"550e8400-e29b-41d4-a716-446655440000","remote":"10.0.12.7:51234","dur_ms":12.75,"bytes":48213,"trace":"4bf92f3577b34da6a3ce929d0e0e4736"}
{"ts":"2024-06-05T09:15:31.012Z","level":"warn","msg":"slow query","sql":"SELECT id, total FROM orders WHERE created_at > $1 LIMIT 100","rows":100,"ms":1731}

$ ls -l
-rw-r--r--  1 dev  staff   12288 Jun  5 09:15 go.sum
-rwxr-xr-x  1 dev  staff  8392704 Jun  5 09:16 ward
$ git log --oneline -3
5a630e6 SQL analysis: own lexer for every dialect
8b599fb Shell analysis: follow docker, podman and kubectl exec
0ab46b0 gofmt
$ npm i lodash@4.17.21 @types/node@20.11.5
added 2 packages in 1.234s, sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==

@dataclass(frozen=True)
class Point:
    x: float = 0.0
    y: float = 0.0

    def norm(self) -> float:
        return (self.x ** 2 + self.y ** 2) ** 0.5  # 1e-9 tolerance, version 3.12.4

Commit da39a3ee5e6b4b0d3255bfef95601890afd80709 moved 1,024 files; the image
is alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b.
Coordinates 48.8566, 2.3522; ratio 16:9; build 20240605.3; port 8080.
`

// denseBlock is full of candidates that fail validation: card numbers
// with bad check digits, IBANs with bad checksums, void SSNs, numbers in
// phone-like groups, addresses under reserved or unregistered domains,
// base58, bech32 and hex strings with bad checksums, NINOs with
// prefixes HMRC does not issue.
const denseBlock = `4111 1111 1111 1112, 5555-5555-5555-4445, 378282246310006, 6011111111111118
GB82 WEST 1234 5698 7654 33; DE89370400440532013001; FR14 2004 1010 0505 0001 3M02 607
000-12-3456 666-12-3456 900-12-3456 536-00-1234 536-22-0000 078-05-1120 123-45-6789
415-155-2671 (115) 555-2671 12 34 56 78 1.2.3.4 2024-06-05 12:30:45 +05:30 1e+10
alice@example.com bob@build.local icon@2x.png pkg@1.2.3 git@github.com:org/repo.git
1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5
0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD 0x0000000000000000000000000000000000000000
QQ123456C GB123456A NT 12 34 56 A AB123456E DA 12 34 56 B 17000000000000 4222222222223
`

// validBlock holds one of each kind.
const validBlock = `ann@company.org +44 20 7946 0958 SSN 536-22-1234 4111 1111 1111 1111
GB82 WEST 1234 5698 7654 32 AB 12 34 56 C 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa
`

// corpus repeats block to size bytes, with extra every every bytes.
func corpus(block, extra string, every, size int) string {
	var b strings.Builder
	for next := every; b.Len() < size; {
		b.WriteString(block)
		if extra != "" && b.Len() >= next {
			b.WriteString(extra)
			next += every
		}
	}
	return b.String()[:size]
}

func TestCorpora(t *testing.T) {
	t.Parallel()
	s := pii.New()
	if got := s.Scan(corpus(cleanBlock, "", 0, 1<<20)); len(got) != 0 {
		t.Errorf("clean corpus: %d matches, first %+v", len(got), got[0])
	}
	dense := corpus(denseBlock, validBlock, 64<<10, 1<<20)
	got := s.Scan(dense)
	if want := 7 * strings.Count(dense, validBlock); len(got) != want || want >= pii.MaxMatches {
		t.Errorf("dense corpus: %d matches, want %d below %d", len(got), want, pii.MaxMatches)
	}
}

func benchScan(b *testing.B, text string) {
	s := pii.New()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		s.Scan(text)
	}
}

// BenchmarkScanClean scans 1 MiB of prose, code and logs without
// personal data.
func BenchmarkScanClean(b *testing.B) {
	benchScan(b, corpus(cleanBlock, "", 0, 1<<20))
}

// BenchmarkScanDense scans 1 MiB of near misses with one of each kind of
// personal data every 64 KiB, few enough that the whole text is scanned.
func BenchmarkScanDense(b *testing.B) {
	benchScan(b, corpus(denseBlock, validBlock, 64<<10, 1<<20))
}
