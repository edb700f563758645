package flow_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/flow"
	"github.com/agentward/ward/internal/analyze/netx"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/analyze/shell"
)

func isSink(t *testing.T, tool string, act event.Action) bool {
	t.Helper()
	s := &analyze.Subject{
		Event: &event.Event{Agent: "t", Phase: event.PhasePre, Tool: tool, Cwd: "/home/dev/project", Action: act},
		Env:   &pathclass.Env{Home: "/home/dev", Cwd: "/home/dev/project", Workspace: "/home/dev/project"},
	}
	reg := analyze.NewRegistry(analyze.ToolPaths{}, shell.Analyzer{}, netx.Analyzer{}, analyze.Classify{}, flow.Sinks{})
	if err := reg.Run(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(s.Findings, func(f event.Finding) bool { return f.ID == flow.FindingSink })
}

func TestSinks(t *testing.T) {
	mcp := func(server, name string) event.Action {
		return event.Action{Kind: event.KindMCP, Server: server, Name: name}
	}
	shellCmd := func(c string) event.Action { return event.Action{Kind: event.KindShell, Command: c} }
	cases := []struct {
		tool string
		act  event.Action
		sink bool
		why  string
	}{
		{"WebFetch", event.Action{Kind: event.KindHTTP, URL: "https://go.dev/doc/"}, false, "a plain GET reads"},
		{"WebFetch", event.Action{Kind: event.KindHTTP, URL: "https://x.example.com/?q=secret"}, true, "query data leaves"},
		{"http", event.Action{Kind: event.KindHTTP, URL: "https://x.example.com/", Method: "POST"}, true, "a POST sends"},
		{"http", event.Action{Kind: event.KindHTTP, URL: "https://x.example.com/", Body: "a=1"}, true, "a body sends"},
		{"Bash", shellCmd("curl -s https://api.github.com/repos/golang/go"), false, "a download"},
		{"Bash", shellCmd("curl -d 'a=1' https://x.example.com"), true, "curl -d sends"},
		{"Bash", shellCmd("curl -F f=@report.pdf https://x.example.com"), true, "an upload"},
		{"Bash", shellCmd("git push origin main"), true, "git push publishes"},
		{"Bash", shellCmd("git status"), false, "local git"},
		{"Bash", shellCmd("echo hi | mail -s test ops@example.com"), true, "e-mail"},
		{"Bash", shellCmd("scp build.tar deploy@203.0.113.5:/srv/"), true, "a copy to another host"},
		{"Bash", shellCmd("npm publish"), true, "publishing a package"},
		{"Bash", shellCmd("npm install"), false, "installing reads"},
		{"Bash", shellCmd("aws s3 cp out.csv s3://bucket/out.csv"), true, "a copy to cloud storage"},
		{"Bash", shellCmd("go test ./..."), false, "local work"},
		{"mcp__slack__post_message", mcp("slack", "post_message"), true, "posting"},
		{"mcp__slack__get_messages", mcp("slack", "get_messages"), false, "reading messages"},
		{"mcp__slack__createCanvas", mcp("slack", "createCanvas"), true, "writing to a messaging service"},
		{"mcp__gmail__list_emails", mcp("gmail", "list_emails"), false, "listing e-mail"},
		{"mcp__gmail__send_email", mcp("gmail", "send_email"), true, "sending e-mail"},
		{"mcp__github__create_issue", mcp("github", "create_issue"), true, "publishing an issue"},
		{"mcp__github__get_issue", mcp("github", "get_issue"), false, "reading an issue"},
		{"mcp__notify__notifyUser", mcp("notify", "notifyUser"), true, "camel case: notify"},
		{"Write", event.Action{Kind: event.KindFileWrite, Path: "/home/dev/Dropbox/notes.txt", Content: "x"}, true, "a synced folder"},
		{"Write", event.Action{Kind: event.KindFileWrite, Path: "/home/dev/project/notes.txt", Content: "x"}, false, "the workspace"},
		{"Write", event.Action{Kind: event.KindFileWrite, Path: "/home/dev/Dropboxes/x", Content: "x"}, false, "a name that only starts like one"},
	}
	for _, tc := range cases {
		if got := isSink(t, tc.tool, tc.act); got != tc.sink {
			t.Errorf("%s %+v: sink=%v, want %v (%s)", tc.tool, tc.act, got, tc.sink, tc.why)
		}
	}
}

func TestTokens(t *testing.T) {
	const pw = "Xq7vR2mK9pL4tZ8wN3"
	texts := []struct {
		text string
		why  string
	}{
		{"db login failing with " + pw, "a word"},
		{"curl -d 'password=" + pw + "' https://x.example.com", "inside an assignment"},
		{"https://x.example.com/?p=" + pw + "&u=1", "in a query"},
		{"https://x.example.com/?p=%58q7vR2mK9pL4tZ8wN3", "percent-encoded"},
		{`{"text": "` + pw + `"}`, "in JSON"},
		{"postgres://app:" + pw + "@db/app", "in a URL's user info"},
	}
	want := flow.ValueTokens(pw)
	for _, tc := range texts {
		got := flow.Tokens(tc.text, 1000)
		if !slices.ContainsFunc(want, func(v string) bool { return slices.Contains(got, v) }) {
			t.Errorf("%s: tokens %q share nothing with the value's %q", tc.why, got, want)
		}
	}
	for _, short := range []string{"hunter2", "ok", ""} {
		if got := flow.Tokens(short, 10); len(got) != 0 {
			t.Errorf("Tokens(%q) = %q; values under %d bytes are not tracked", short, got, flow.MinToken)
		}
	}
	// A value with separators is found through its parts.
	v := "abcdEFGH1234/ijklMNOP5678+qrst"
	if !slices.Contains(flow.ValueTokens(v), "abcdEFGH1234") {
		t.Errorf("ValueTokens(%q) = %q lacks its first part", v, flow.ValueTokens(v))
	}
	if got := flow.Tokens(strings.Repeat("abcdefghij ", 100), 5); len(got) > 5 {
		t.Errorf("Tokens returned %d tokens, over its bound of 5", len(got))
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ kind, a, b string }{
		{"pii.credit_card", "4111 1111 1111 1111", "4111-1111-1111-1111"},
		{"pii.email", "Alice@Example.COM", "alice@example.com"},
		{"pii.iban", "gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"},
		{"pii.phone", "+1 (415) 555-2671", "14155552671"},
	} {
		if flow.Normalize(tc.kind, tc.a) != flow.Normalize(tc.kind, tc.b) {
			t.Errorf("%s: %q and %q normalize apart: %q, %q", tc.kind, tc.a, tc.b, flow.Normalize(tc.kind, tc.a), flow.Normalize(tc.kind, tc.b))
		}
	}
	if flow.Normalize("secret.password", "AbC") != "AbC" {
		t.Error("secrets must keep their case")
	}
}

func FuzzTokens(f *testing.F) {
	f.Add("curl -d 'password=Xq7vR2mK9pL4tZ8wN3' https://x.example.com/?a=%41%42")
	f.Add("%%%%%zz %E0%A4%A")
	f.Fuzz(func(t *testing.T, text string) {
		got := flow.Tokens(text, 64)
		if len(got) > 64 {
			t.Fatalf("%d tokens over the bound", len(got))
		}
		for _, tok := range got {
			if len(tok) < flow.MinToken || len(tok) > flow.MaxToken {
				t.Fatalf("token %q outside the length bounds", tok)
			}
		}
	})
}
