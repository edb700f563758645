package secret_test

import (
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/secret"
)

// cleanSample is ordinary agent traffic with no secret in it: prose, Go
// and Python code, configuration with references and placeholders, logs
// with ids and hashes, a lockfile.
const cleanSample = `# Deploying the API

The service reads its settings from the environment. Set the database
password and the API token in your secret manager, never in this file;
the key rotation job replaces them every 30 days. See docs/secrets.md.

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	token, err := s.auth.Issue(r.Context(), user.ID, time.Hour)
	if err != nil {
		http.Error(w, "cannot issue token", http.StatusInternalServerError)
		return
	}
	cfg.ClientAuth = tls.RequireAndVerifyClientCert
	key := cache.Key(r.URL.Path, r.Header.Get("Accept"))
	json.NewEncoder(w).Encode(map[string]string{"token_type": "Bearer", "expires_in": "3600"})
}

def rotate(client, secret_name: str) -> None:
    """Rotate the secret and return nothing."""
    password = os.environ["DB_PASSWORD"]
    api_key = settings.API_KEY
    client.put_secret_value(SecretId=secret_name, SecretString=password)

database:
  host: db.internal
  user: app
  password: ${DB_PASSWORD}
  api_key: "<your-api-key>"
  token: {{ .Values.token }}
  max_tokens: 4096

2024-05-01T12:00:03Z INFO request_id=123e4567-e89b-42d3-a456-426614174000 path=/v1/items status=200 latency=12ms
2024-05-01T12:00:04Z INFO commit=9fceb02d0ae598e95dc970b74767f19372d61af8 build=ok
"node_modules/js-tokens": {
  "version": "4.0.0",
  "resolved": "https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz",
  "integrity": "sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ=="
}
| Option | Default | Meaning |
|--------|---------|---------|
| --timeout | 30s | how long to wait for the upstream |
golang.org/x/oauth2 v0.15.0 h1:s8pnnxNVzjWyrvYdFUQq5llS1PX2zhPXmccZv99h7uQ=
`

// denseSample is full of candidates: keywords, prefixes and shapes that
// detectors must read and reject, with one real secret.
func denseSample() string {
	g := newGen(9)
	return `api_key = "${API_KEY}"
token: xoxb-xxxxxxxxxxx-xxxxxxxxxxxx
password: changeme
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
Authorization: Bearer $TOKEN
postgres://user:password@localhost:5432/db
"access_token": "` + g.s(alnum, 8) + `"
ghp_tooShort sk-proj-short sk_live_x glpat-abc hf_abc npm_123
eyJhbGciOiJIUzI1NiJ9.notjson.sig eyJBB.eyJCC
-----BEGIN RSA PRIVATE KEY-----
...
-----END RSA PRIVATE KEY-----
secret_key = get_secret("prod")
client_secret: your_client_secret_here
curl -u user:pass https://example.com
https://hooks.slack.com/services/T000/B000/XXXX
PRIVATE_TOKEN=` + g.s(alnum, 6) + `
` + g.s(hexd, 32) + `-usX | 1234567890123456|short
GITHUB_TOKEN=ghp_` + g.s(alnum, 36) + `
`
}

func repeatTo(s string, n int) string {
	return strings.Repeat(s, n/len(s)+1)[:n]
}

func benchScan(b *testing.B, text string) {
	s := secret.New()
	s.Scan(text) // compile outside the loop
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		s.Scan(text)
	}
}

func BenchmarkScanClean(b *testing.B) {
	text := repeatTo(cleanSample, 1<<20)
	if ms := secret.New().Scan(text); len(ms) != 0 {
		b.Fatalf("clean text has %d matches, first %+v: %q", len(ms), ms[0], text[ms[0].Start:ms[0].End])
	}
	benchScan(b, text)
}

func BenchmarkScanDense(b *testing.B) {
	// One sample in eight keeps its secret: enough to find, few enough
	// that the scan reads the whole MiB instead of stopping at
	// MaxMatches.
	sample := denseSample()
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		if i%8 == 0 {
			sb.WriteString(sample)
		} else {
			sb.WriteString(sample[:strings.LastIndex(sample, "GITHUB_TOKEN")])
		}
	}
	text := sb.String()
	if n := len(secret.New().Scan(text)); n == 0 || n >= secret.MaxMatches {
		b.Fatalf("dense text has %d matches; want some, fewer than %d", n, secret.MaxMatches)
	}
	benchScan(b, text)
}
