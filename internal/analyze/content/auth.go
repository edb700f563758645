package content

import (
	"slices"
	"strings"

	"github.com/agentward/ward/internal/analyze"
	"github.com/agentward/ward/internal/analyze/secret"
)

// A secret sent to the service that issued it is being used, not leaked:
// the service knows it already. The hosts below are where each kind of
// provider token is used. Tokens of services that are often hosted
// privately (GitLab, Vault, Atlassian) and shapes that belong to no one
// (passwords, bearer tokens, JWTs) are not bound to hosts.
var providerHosts = map[string][]string{
	secret.IDGitHubPAT:      {"github.com", "githubusercontent.com", "ghcr.io", "githubcopilot.com"},
	secret.IDGitHubToken:    {"github.com", "githubusercontent.com", "ghcr.io", "githubcopilot.com"},
	secret.IDAWSAccessKey:   {"amazonaws.com", "amazonaws.com.cn", "aws.amazon.com", "api.aws"},
	secret.IDAWSBedrockKey:  {"amazonaws.com", "api.aws"},
	secret.IDGCPAPIKey:      {"googleapis.com", "google.com"},
	secret.IDAzureADSecret:  {"microsoftonline.com", "microsoft.com", "azure.com", "windows.net"},
	secret.IDAlibaba:        {"aliyuncs.com", "alibabacloud.com"},
	secret.IDDigitalOcean:   {"digitalocean.com"},
	secret.IDHeroku:         {"heroku.com"},
	secret.IDDatabricks:     {"databricks.com", "azuredatabricks.net"},
	secret.IDNPM:            {"npmjs.org", "npmjs.com"},
	secret.IDPyPI:           {"pypi.org"},
	secret.IDDockerHub:      {"docker.io", "docker.com"},
	secret.IDSlack:          {"slack.com"},
	secret.IDSlackWebhook:   {"slack.com"},
	secret.IDDiscordBot:     {"discord.com", "discordapp.com"},
	secret.IDDiscordWebhook: {"discord.com", "discordapp.com"},
	secret.IDTelegram:       {"telegram.org"},
	secret.IDStripeLive:     {"stripe.com"},
	secret.IDStripeTest:     {"stripe.com"},
	secret.IDSquare:         {"squareup.com", "squareupsandbox.com"},
	secret.IDBraintree:      {"braintreegateway.com", "braintree-api.com"},
	secret.IDTwilio:         {"twilio.com"},
	secret.IDSendGrid:       {"sendgrid.com", "sendgrid.net"},
	secret.IDMailgun:        {"mailgun.net", "mailgun.org"},
	secret.IDMailchimp:      {"mailchimp.com"},
	secret.IDShopify:        {"myshopify.com", "shopify.com"},
	secret.IDFacebook:       {"facebook.com", "instagram.com"},
	secret.IDOpenAI:         {"openai.com", "openai.azure.com"},
	secret.IDAnthropic:      {"anthropic.com"},
	secret.IDHuggingFace:    {"huggingface.co", "hf.co"},
	secret.IDGroq:           {"groq.com"},
	secret.IDReplicate:      {"replicate.com"},
}

// neverSent are secrets no protocol sends: private keys sign, they are
// not presented. Sending one anywhere is a leak.
func neverSent(id string) bool {
	switch id {
	case secret.IDPrivateKey, secret.IDGCPServiceAccount, secret.IDAWSSecretKey, secret.IDAzureStorage,
		secret.IDAge, secret.IDOnePassword, secret.IDStripeWebhook:
		return true
	}
	return false
}

// destination is where an outbound surface goes.
type destination struct {
	hosts    []string // empty when ward cannot tell
	loopback bool     // every host is this machine
}

// leak says whether sending secret m on surface sf discloses it, and if
// not, whether it is a credential presented for authentication.
func leak(m secret.Match, sf surface) (leaked, auth bool) {
	if neverSent(m.ID) {
		return true, false
	}
	if sf.dest.loopback {
		// The data stays on this machine.
		return false, sf.auth
	}
	if hosts, ok := providerHosts[m.ID]; ok {
		if len(sf.dest.hosts) == 0 {
			return true, false
		}
		for _, h := range sf.dest.hosts {
			if !underAny(h, hosts) {
				return true, false
			}
		}
		return false, true
	}
	if sf.auth || sf.userinfo.contains(m.Start, m.End) {
		return false, true
	}
	return true, false
}

// underAny reports whether host is one of domains or a subdomain of one.
func underAny(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// span is a byte range of a surface's text.
type span struct{ start, end int }

func (s span) contains(start, end int) bool {
	return s.end > s.start && start >= s.start && end <= s.end
}

// userinfoSpan returns where the user:password of a URL is, which is a
// credential for the URL's own host.
func userinfoSpan(u string) span {
	i := strings.Index(u, "://")
	if i < 0 {
		return span{}
	}
	rest := u[i+3:]
	authority := rest
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		authority = rest[:j]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return span{}
	}
	return span{i + 3, i + 3 + at}
}

// destinationOf returns where an event's outbound data goes: the hosts of
// the URLs the analyzers found.
func destinationOf(s *analyze.Subject) destination {
	var d destination
	d.loopback = len(s.Facts.URLs) > 0
	for _, u := range s.Facts.URLs {
		if u.Host == "" {
			continue
		}
		if !slices.Contains(d.hosts, u.Host) {
			d.hosts = append(d.hosts, u.Host)
		}
		if !slices.Contains(u.Classes, "loopback") {
			d.loopback = false
		}
	}
	if len(d.hosts) == 0 {
		d.loopback = false
	}
	return d
}

// String names the destination for messages.
func (d destination) String() string {
	switch len(d.hosts) {
	case 0:
		return "another host"
	case 1:
		return d.hosts[0]
	}
	return strings.Join(d.hosts, ", ")
}
