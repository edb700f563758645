package shell_test

import (
	"context"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/analyze/shell"
)

// oneLiners are typical agent commands.
var oneLiners = []string{
	"go test ./...",
	"git status && git diff --stat",
	"npm run build 2>&1 | tail -20",
	"find . -name '*.go' -not -path './vendor/*' | xargs grep -n 'TODO' | head",
	"docker compose logs --tail=100 api",
	"python3 -c 'import json,sys; print(json.load(sys.stdin)[\"version\"])' < package.json",
	"curl -s https://api.github.com/repos/golang/go | jq .stargazers_count",
	"echo cm0gLXJmIC8= | base64 -d | sh",
}

// script50 is a 50-line deployment-style script.
var script50 = strings.Repeat(`set -euo pipefail
export APP_ENV=staging
if [ -d build ]; then rm -rf build; fi
mkdir -p build/assets && cp -r static/* build/assets/
for f in src/*.ts; do npx tsc --noEmit "$f" || exit 1; done
`, 10)

func benchAnalyze(b *testing.B, cmd string) {
	env := &pathclass.Env{Home: "/home/dev", Cwd: "/home/dev/project", Workspace: "/home/dev/project"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s := &analyze.Subject{
			Event: &event.Event{Agent: "t", Phase: event.PhasePre, Cwd: "/home/dev/project",
				Action: event.Action{Kind: event.KindShell, Command: cmd}},
			Env: env,
		}
		if err := (shell.Analyzer{}).Analyze(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyzeOneLiners(b *testing.B) {
	for _, cmd := range oneLiners {
		b.Run(strings.Fields(cmd)[0], func(b *testing.B) { benchAnalyze(b, cmd) })
	}
}

func BenchmarkAnalyzeScript50(b *testing.B) {
	benchAnalyze(b, script50)
}
