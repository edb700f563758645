package content_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/content"
	"github.com/agentward/ward/internal/analyze/pathclass"
)

// cleanText is ordinary source code and prose, with nothing to report.
const cleanText = `package server

// handleLogin checks the user's password against the stored hash and
// returns a session token. See docs/auth.md for the token format.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	user := r.FormValue("user")
	if err := s.auth.Check(r.Context(), user, r.FormValue("password")); err != nil {
		http.Error(w, "invalid credentials", http.StatusUnauthorized)
		return
	}
	token, err := s.sessions.New(r.Context(), user)
	if err != nil {
		log.Printf("session for %s: %v (request %d)", user, err, 4021)
		return
	}
	fmt.Fprintf(w, "{\"token\": %q, \"expires\": \"2026-12-01T10:00:00Z\"}", token)
}
`

// denseText is full of candidates the scanners must read and reject:
// key names, placeholders, numbers of card and phone length, e-mail-like
// strings, with a few real findings.
const denseText = `api_key = "${API_KEY}"
password: changeme
token: <your-token-here>
Authorization: Bearer $TOKEN
postgres://user:password@localhost:5432/db
order 4111 1111 1111 1112 ref 1234-5678-9012-3456 tel 555-0100
contact: ops@example.com, billing at example dot com
IBAN GB82 WEST 1234 5698 7654 33 and GB00 0000 0000 0000 0000 00
ssn 000-12-3456 nino AB123456C id 123-45-6789
DB_PASSWORD=Xq7vR2mK9pL4tZ8wN3
`

func benchContent(b *testing.B, text string) {
	text = strings.Repeat(text, (1<<20)/len(text)+1)[:1<<20]
	a := content.New()
	env := &pathclass.Env{Home: "/home/dev", Cwd: "/home/dev/project", Workspace: "/home/dev/project"}
	ev := event.Event{Phase: event.PhasePre, Action: event.Action{Kind: event.KindFileWrite, Path: "notes.txt", Content: text}}
	run := func() {
		s := &analyze.Subject{Event: &ev, Env: env}
		if err := a.Analyze(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
	run() // compile the patterns outside the loop
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
}

// BenchmarkWrittenClean scans 1 MiB written to a file for secrets and
// personal data: the budget is 20 MB/s.
func BenchmarkWrittenClean(b *testing.B) { benchContent(b, cleanText) }

// BenchmarkWrittenDense is the same on text dense with candidates: the
// budget is 5 MB/s.
func BenchmarkWrittenDense(b *testing.B) { benchContent(b, denseText) }
