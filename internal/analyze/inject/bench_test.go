package inject_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agentward/ward/internal/analyze/inject"
)

// ordinary returns about n bytes of ordinary text an agent reads: prose,
// markdown, Go code, JSON and logs, without injections.
func ordinary(n int) string {
	words := strings.Fields(`the a of to and in is that for it as was with be by on not he this are or his from at which but have an they you were their one all we can her has there been if more when will would who so no time people out up into year your some could them see other than then now only its over also after use two how our work first well way even new want because any these give day most us system file user data server request value function return error config build test release version update install run command output input document page message note change`)
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < n {
		switch r.IntN(6) {
		case 0, 1, 2: // a paragraph of prose
			for range 40 + r.IntN(60) {
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
			b.WriteString(".\n\n")
		case 3:
			b.WriteString("## Configuration\n\nSet `timeout` in `config.yaml`; values in the project file override the defaults. See [the docs](https://example.com/docs?page=2) for details.\n\n")
		case 4:
			b.WriteString("func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {\n\tif err := s.check(r); err != nil {\n\t\thttp.Error(w, err.Error(), http.StatusBadRequest) // ignore previous value\n\t\treturn\n\t}\n}\n\n")
		case 5:
			b.WriteString(`{"id": 42, "status": "ok", "items": [{"name": "alpha", "count": 3}], "updated": "2024-05-01T10:00:00Z"}` + "\n2024-05-01 10:00:00 INFO request served in 12ms path=/api/v1/items\n")
		}
	}
	return b.String()[:n]
}

// dense returns about n bytes made of injection samples back to back.
func dense(n int) string {
	var b strings.Builder
	for b.Len() < n {
		for _, c := range injections {
			b.WriteString(c.text)
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

func benchScan(b *testing.B, text string) {
	s := inject.New()
	s.Scan(text) // compile the rules the text touches
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.Scan(text)
	}
}

func BenchmarkScanClean(b *testing.B) { benchScan(b, ordinary(1<<20)) }

func BenchmarkScanDense(b *testing.B) { benchScan(b, dense(1<<20)) }

func BenchmarkScanSmall(b *testing.B) {
	benchScan(b, "Here is the weather for Paris: 18°C, light rain, wind 12 km/h from the west.")
}
