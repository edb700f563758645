// Package flow says where data goes: which actions send it out of the
// session (sinks), and which values in an action could be a value seen
// earlier (tokens for fingerprint lookups).
package flow

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/pathclass"
)

// Finding ids.
const (
	// FindingSink marks an action that sends data out of the session.
	FindingSink = "flow.sink"
	// FindingValueLeak is added by the session step, not by an analyzer:
	// an action carries a value first seen in an earlier output.
	FindingValueLeak = "flow.value_leak"
)

var catalog = []analyze.FindingSpec{
	{ID: FindingSink, Severity: event.Info, Doc: "the action sends data out of the session: an HTTP request with a body or query, an upload, git push, a message or e-mail tool, a write into a synced folder"},
	{ID: FindingValueLeak, Severity: event.Critical, Doc: "the action carries a secret or private value that an earlier tool output held (matched by salted fingerprint)"},
}

// Sinks finds actions that send data out. It runs after the shell, URL
// and path analyzers, whose facts it reads.
type Sinks struct{}

var (
	_ analyze.Analyzer  = Sinks{}
	_ analyze.Cataloger = Sinks{}
)

// Name implements analyze.Analyzer.
func (Sinks) Name() string { return "flow" }

// Catalog implements analyze.Cataloger.
func (Sinks) Catalog() []analyze.FindingSpec { return slices.Clone(catalog) }

// Analyze implements analyze.Analyzer.
func (Sinks) Analyze(_ context.Context, s *analyze.Subject) error {
	if s.Event.Phase != event.PhasePre {
		return nil
	}
	if why := sinkReason(s); why != "" {
		s.AddFinding(event.Finding{ID: FindingSink, Severity: event.Info, Message: why})
	}
	return nil
}

func sinkReason(s *analyze.Subject) string {
	act := &s.Event.Action
	switch act.Kind {
	case event.KindHTTP:
		return httpSink(act)
	case event.KindMCP:
		return mcpSink(act.Server, act.Name)
	case event.KindShell:
		if why := shellSink(s); why != "" {
			return why
		}
	}
	return syncedWrite(s)
}

// httpSink: a request that carries data, in its body, method or query.
func httpSink(act *event.Action) string {
	switch {
	case act.Body != "":
		return "an HTTP request with a body"
	case act.Method != "" && !strings.EqualFold(act.Method, "GET") && !strings.EqualFold(act.Method, "HEAD"):
		return "an HTTP " + strings.ToUpper(act.Method) + " request"
	}
	if u, err := url.Parse(act.URL); err == nil && u.RawQuery != "" {
		return "an HTTP request with query data"
	}
	return ""
}

// Verbs in an MCP tool's name that say it sends something. Nouns
// (message, email, comment) are not enough: get_messages reads.
var sendWords = []string{
	"send", "post", "notify", "publish", "upload", "share", "tweet", "reply", "forward", "broadcast",
	"submit", "push", "invite", "dm",
}

// Servers whose writes reach other people.
var messagingServers = []string{
	"slack", "discord", "teams", "telegram", "gmail", "email", "mail", "outlook", "twilio", "sendgrid",
	"mailgun", "whatsapp", "twitter", "linkedin", "reddit", "mastodon", "matrix", "zulip", "mattermost",
}

// mcpSink guesses from an MCP tool's server and name. Per-tool policies
// (sink: true or false) override the guess.
func mcpSink(server, name string) string {
	words := nameWords(name)
	for _, w := range words {
		if slices.Contains(sendWords, w) {
			return "the tool " + name + " sends data (its name says " + w + ")"
		}
	}
	srv := strings.ToLower(server)
	if slices.ContainsFunc(messagingServers, func(m string) bool { return strings.Contains(srv, m) }) {
		for _, w := range words {
			switch w {
			case "create", "write", "add", "update", "set", "new":
				return "a " + server + " tool that writes (" + name + ")"
			}
		}
	}
	for i := 0; i+1 < len(words); i++ {
		switch words[i] + "_" + words[i+1] {
		case "create_issue", "create_pull", "create_pr", "add_comment", "create_comment", "create_release",
			"create_gist", "trigger_webhook", "call_webhook", "invoke_webhook":
			return "the tool " + name + " publishes to another service"
		}
	}
	return ""
}

// nameWords splits a tool name into lower-case words at '_', '-', '.'
// and case changes: "slack_postMessage" is slack, post, message.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
		case r >= 'A' && r <= 'Z':
			if len(cur) > 0 && !(cur[len(cur)-1] >= 'A' && cur[len(cur)-1] <= 'Z') {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	for i, w := range words {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			words[i] = strings.TrimSuffix(w, "s") // messages, comments
		}
	}
	return words
}

// Findings of other analyzers that mean data leaves.
var sinkFindings = []string{"net.upload", "net.exfil.credential", "net.exfil.env", "net.reverse_shell", "net.bind_shell"}

// shellSink: commands that send data to other hosts.
func shellSink(s *analyze.Subject) string {
	for _, f := range s.Findings {
		if slices.Contains(sinkFindings, f.ID) {
			return "the command sends data to another host (" + f.ID + ")"
		}
	}
	sh := &s.Facts.Shell
	if len(sh.Sent) > 0 {
		return "a network tool sends data given on the command line"
	}
	for _, u := range sh.URLs {
		if pu, err := url.Parse(u); err == nil && pu.RawQuery != "" {
			return "a request with query data (" + u + ")"
		}
	}
	for _, c := range sh.Commands {
		if why := commandSink(c); why != "" {
			return why
		}
	}
	return ""
}

// commandSink knows the commands that publish or send.
func commandSink(c event.Command) string {
	sub := firstArg(c.Args)
	switch c.Name {
	case "git":
		if sub == "push" || sub == "send-email" || sub == "request-pull" {
			return "git " + sub + " sends to a remote"
		}
	case "mail", "mailx", "sendmail", "mutt", "msmtp", "swaks":
		return c.Name + " sends e-mail"
	case "nc", "ncat", "netcat", "socat", "telnet":
		return c.Name + " sends data over a socket"
	case "scp", "sftp", "rsync", "ftp", "lftp":
		return c.Name + " copies data to or from another host"
	case "ssh":
		if len(c.Args) > 1 {
			return "ssh runs a command on another host"
		}
	case "gh":
		if sub == "gist" || sub == "api" || slices.Contains(c.Args, "create") || slices.Contains(c.Args, "comment") {
			return "gh publishes to GitHub"
		}
	case "docker", "podman":
		if sub == "push" {
			return c.Name + " push publishes an image"
		}
	case "npm", "pnpm", "yarn", "cargo", "twine", "gem":
		if sub == "publish" || sub == "upload" || sub == "push" {
			return c.Name + " " + sub + " publishes a package"
		}
	case "aws", "gsutil", "gcloud", "az", "rclone", "s3cmd":
		for _, a := range c.Args {
			if strings.Contains(a, "://") || a == "cp" && c.Name == "gsutil" {
				return c.Name + " copies data to cloud storage"
			}
		}
	}
	return ""
}

func firstArg(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// Folders that sync to other machines or services, under the home
// directory.
var syncedDirs = []string{
	"Dropbox", "Google Drive", "GoogleDrive", "OneDrive", "iCloud Drive", "Library/Mobile Documents",
	"Library/CloudStorage", "Nextcloud", "ownCloud", "Box", "Box Sync", "pCloudDrive", "MEGA", "Sync",
}

// syncedWrite: a write into a folder that syncs elsewhere.
func syncedWrite(s *analyze.Subject) string {
	home := s.Env.Home
	if home == "" {
		return ""
	}
	for _, p := range s.Facts.Paths {
		if !p.Op.Modifies() || p.Has(pathclass.Workspace) {
			continue
		}
		rel, err := filepath.Rel(home, p.Path)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		for _, d := range syncedDirs {
			if rel == d || strings.HasPrefix(rel, d+"/") {
				return "a write into " + filepath.Join("~", d) + ", which syncs to other machines"
			}
		}
		if strings.HasPrefix(rel, "OneDrive - ") { // business accounts: "OneDrive - Company"
			return "a write into a OneDrive folder, which syncs to other machines"
		}
	}
	return ""
}
