package secret

import (
	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Finding ids. They are stable: policies match them.
const (
	IDPrivateKey        = "secret.private_key"
	IDGCPServiceAccount = "secret.gcp_service_account"
	IDJWT               = "secret.jwt"
	IDConnectionString  = "secret.connection_string"
	IDURLCredentials    = "secret.url_credentials"
	IDHTTPAuth          = "secret.http_auth"
	IDPassword          = "secret.password"
	IDGeneric           = "secret.generic_assignment"

	IDAWSAccessKey   = "secret.aws_access_key"
	IDAWSSecretKey   = "secret.aws_secret_key"
	IDAWSBedrockKey  = "secret.aws_bedrock_key"
	IDGCPAPIKey      = "secret.gcp_api_key"
	IDAzureStorage   = "secret.azure_storage_key"
	IDAzureADSecret  = "secret.azure_ad_client_secret"
	IDAlibaba        = "secret.alibaba_access_key"
	IDDigitalOcean   = "secret.digitalocean_token"
	IDHeroku         = "secret.heroku_api_key"
	IDDatabricks     = "secret.databricks_token"
	IDHashiCorp      = "secret.hashicorp_token"
	IDGitHubPAT      = "secret.github_pat"
	IDGitHubToken    = "secret.github_token"
	IDGitLab         = "secret.gitlab_token"
	IDAtlassian      = "secret.atlassian_token"
	IDNPM            = "secret.npm_token"
	IDPyPI           = "secret.pypi_token"
	IDDockerHub      = "secret.docker_hub_token"
	IDSlack          = "secret.slack_token"
	IDSlackWebhook   = "secret.slack_webhook"
	IDDiscordBot     = "secret.discord_bot_token"
	IDDiscordWebhook = "secret.discord_webhook"
	IDTelegram       = "secret.telegram_bot_token"
	IDStripeLive     = "secret.stripe_live_key"
	IDStripeTest     = "secret.stripe_test_key"
	IDStripeWebhook  = "secret.stripe_webhook_secret"
	IDSquare         = "secret.square_token"
	IDBraintree      = "secret.braintree_token"
	IDTwilio         = "secret.twilio_api_key"
	IDSendGrid       = "secret.sendgrid_api_key"
	IDMailgun        = "secret.mailgun_api_key"
	IDMailchimp      = "secret.mailchimp_api_key"
	IDShopify        = "secret.shopify_token"
	IDFacebook       = "secret.facebook_access_token"
	IDOpenAI         = "secret.openai_api_key"
	IDAnthropic      = "secret.anthropic_api_key"
	IDHuggingFace    = "secret.huggingface_token"
	IDGroq           = "secret.groq_api_key"
	IDReplicate      = "secret.replicate_token"
	IDLLM            = "secret.llm_api_key"
	IDAge            = "secret.age_secret_key"
	IDOnePassword    = "secret.onepassword_secret_key"
	IDSaaS           = "secret.saas_token"
)

// catalogSpecs lists every id with its severity and meaning. Severity
// grades what the secret grants: Critical for keys to money, cloud
// accounts, source code or machines; High for service API keys; Medium
// for secrets whose reach is narrower or whose kind is guessed; Low for
// test-mode keys.
func catalogSpecs() []analyze.FindingSpec {
	return []analyze.FindingSpec{
		spec(IDPrivateKey, event.Critical, "a PEM or OpenSSH private key block (RSA, EC, DSA, Ed25519, PKCS#8, encrypted, PGP)"),
		spec(IDGCPServiceAccount, event.Critical, "the private key of a Google Cloud service-account JSON key file"),
		spec(IDJWT, event.Medium, "a JSON Web Token whose header and payload decode to JSON (also found base64-encoded)"),
		spec(IDConnectionString, event.High, "the password of a database or message-broker URL (postgres://, mysql://, mongodb+srv://, redis://, amqp://, ...)"),
		spec(IDURLCredentials, event.High, "the password in the user-info part of another URL (https://user:pass@host)"),
		spec(IDHTTPAuth, event.High, "the credential of an HTTP Authorization header (Bearer, Basic, Token) or of curl -u/--user"),
		spec(IDPassword, event.High, "a random-looking value assigned to a password name (password=, passwd:, DB_PASS, --password, .netrc) or given to mysql -p, sshpass -p, docker login -p"),
		spec(IDGeneric, event.Medium, "a random-looking value assigned to a secret name (api_key, client_secret, token, auth, credentials)"),

		spec(IDAWSAccessKey, event.High, "an AWS access key id (AKIA, ASIA, ABIA, ACCA)"),
		spec(IDAWSSecretKey, event.Critical, "a 40-character AWS secret access key assigned to an AWS secret name"),
		spec(IDAWSBedrockKey, event.High, "an Amazon Bedrock API key (ABSK..., bedrock-api-key-...)"),
		spec(IDGCPAPIKey, event.High, "a Google API key (AIza...), Google Cloud and Gemini"),
		spec(IDAzureStorage, event.Critical, "an Azure storage account key or shared access key in a connection string"),
		spec(IDAzureADSecret, event.High, "an Azure AD (Entra ID) application client secret"),
		spec(IDAlibaba, event.High, "an Alibaba Cloud access key id (LTAI...)"),
		spec(IDDigitalOcean, event.Critical, "a DigitalOcean personal access, OAuth or refresh token (dop_v1_, doo_v1_, dor_v1_)"),
		spec(IDHeroku, event.High, "a Heroku API key (HRKU-AA...)"),
		spec(IDDatabricks, event.High, "a Databricks personal access token (dapi...)"),
		spec(IDHashiCorp, event.High, "a HashiCorp Vault token (hvs., hvb.) or Terraform Cloud API token (.atlasv1.)"),
		spec(IDGitHubPAT, event.Critical, "a GitHub personal access token, classic (ghp_) or fine-grained (github_pat_)"),
		spec(IDGitHubToken, event.Critical, "a GitHub OAuth, app, installation or refresh token (gho_, ghu_, ghs_, ghr_)"),
		spec(IDGitLab, event.Critical, "a GitLab token (glpat-, glptt-, glrt-, GR1348941, gldt-, glcbt-, ... or a session cookie)"),
		spec(IDAtlassian, event.High, "an Atlassian API token (ATATT3...) or Bitbucket app password (ATBB...)"),
		spec(IDNPM, event.High, "an npm access token (npm_...)"),
		spec(IDPyPI, event.High, "a PyPI upload token (pypi-AgEIcHlwaS5vcmc...)"),
		spec(IDDockerHub, event.High, "a Docker Hub personal or organisation access token (dckr_pat_, dckr_oat_)"),
		spec(IDSlack, event.High, "a Slack bot, user, app, configuration or legacy token (xoxb-, xoxp-, xapp-, ...)"),
		spec(IDSlackWebhook, event.Medium, "a Slack incoming-webhook URL path"),
		spec(IDDiscordBot, event.High, "a Discord bot token"),
		spec(IDDiscordWebhook, event.Medium, "a Discord webhook token"),
		spec(IDTelegram, event.High, "a Telegram bot token (<bot id>:AA...)"),
		spec(IDStripeLive, event.Critical, "a Stripe live secret or restricted key (sk_live_, rk_live_)"),
		spec(IDStripeTest, event.Low, "a Stripe test-mode secret or restricted key (sk_test_, rk_test_)"),
		spec(IDStripeWebhook, event.High, "a Stripe webhook signing secret (whsec_)"),
		spec(IDSquare, event.Critical, "a Square access token or OAuth secret (EAAA..., sq0atp-, sq0csp-)"),
		spec(IDBraintree, event.Critical, "a Braintree/PayPal production access token"),
		spec(IDTwilio, event.High, "a Twilio API key (SK + 32 hex)"),
		spec(IDSendGrid, event.High, "a SendGrid API key (SG.xxx.yyy)"),
		spec(IDMailgun, event.High, "a Mailgun API key (key-...)"),
		spec(IDMailchimp, event.High, "a Mailchimp API key (32 hex + -usNN)"),
		spec(IDShopify, event.High, "a Shopify access token or shared secret (shpat_, shpca_, shppa_, shpss_)"),
		spec(IDFacebook, event.High, "a Facebook/Meta access token (EAAC..., EAAM...) or app token (<app id>|<secret>)"),
		spec(IDOpenAI, event.High, "an OpenAI API key (sk-proj-, sk-svcacct-, sk-admin-, legacy sk-...T3BlbkFJ...)"),
		spec(IDAnthropic, event.High, "an Anthropic API, admin or OAuth key (sk-ant-api03-, sk-ant-admin01-, sk-ant-oat01-)"),
		spec(IDHuggingFace, event.High, "a Hugging Face access or organisation token (hf_, api_org_)"),
		spec(IDGroq, event.High, "a Groq API key (gsk_)"),
		spec(IDReplicate, event.High, "a Replicate API token (r8_)"),
		spec(IDLLM, event.High, "another LLM provider key: Perplexity (pplx-), xAI (xai-), OpenRouter (sk-or-v1-), LangSmith (lsv2_), or an OpenAI-style sk-<random>"),
		spec(IDAge, event.Critical, "an age encryption secret key (AGE-SECRET-KEY-1...)"),
		spec(IDOnePassword, event.Critical, "a 1Password account secret key (A3-...)"),
		spec(IDSaaS, event.High, "a token with a fixed provider prefix: Doppler, Pulumi, PlanetScale, Grafana, Supabase, Fly.io, OpenShift, Yandex Cloud, Cloudflare Origin CA, Airtable, Postman, Linear, Notion, New Relic, Dynatrace, Sentry, Typeform, ReadMe, Scalingo, SettleMint, Frame.io, Infracost, Harness, Mapbox, Duffel, Shippo, EasyPost, Flutterwave, Brevo, RubyGems, Clojars, JFrog Artifactory"),
	}
}

func spec(id string, sev event.Severity, doc string) analyze.FindingSpec {
	return analyze.FindingSpec{ID: id, Severity: sev, Doc: doc}
}

// detector says which code checks a keyword hit.
type detector uint8

const (
	detRegex       detector = iota // a provider format: the rule's pattern
	detGeneric                     // name = value assignments
	detPrivateKey                  // -----BEGIN ... PRIVATE KEY-----
	detJWT                         // eyJ...
	detJWTBase64                   // a JWT, base64-encoded again
	detURL                         // scheme://user:pass@host
	detHTTPAuth                    // Authorization: <scheme> <credential>
	detCurl                        // curl -u user:pass
	detCLIPassword                 // mysql -pSECRET, sshpass -p SECRET
)

// ruleSpec describes one detector at its keywords.
type ruleSpec struct {
	id       string
	det      detector
	keywords []string // matched case-insensitively
	// regex is the token, matched at its start, which is the keyword
	// unless back is set. It must be followed by the end of the text or
	// a character outside tail.
	regex string
	group int    // submatch of pattern that is the secret; 0 = all of it
	tail  string // characters that continue the token (a class body); default word characters and '-'
	// back is the class of the token characters before the keyword; the
	// token starts after a character outside back, between minBack and
	// maxBack bytes before the keyword.
	back             string
	minBack, maxBack int
	maxLen           int  // longest match; computed from a bounded pattern, else 512
	inWord           bool // the token may follow a word character
	minEntropy       float64
	prio             int // default prioProvider
}

const defaultTail = `A-Za-z0-9_\-`

// ruleSpecs lists the detectors. Provider formats follow the providers'
// documentation, cross-checked against gitleaks' rule set.
func ruleSpecs() []ruleSpec {
	const b64 = `A-Za-z0-9+/=_\-`
	return []ruleSpec{
		// Structured detectors.
		{id: IDPrivateKey, det: detPrivateKey, keywords: []string{"-----begin"}},
		{id: IDJWT, det: detJWT, keywords: []string{"eyj"}},
		{id: IDJWT, det: detJWTBase64, keywords: []string{"zxlk"}},
		{id: IDConnectionString, det: detURL, keywords: []string{"://"}},
		{id: IDHTTPAuth, det: detHTTPAuth, keywords: []string{"authorization"}},
		{id: IDHTTPAuth, det: detCurl, keywords: []string{"curl"}},
		{id: IDPassword, det: detCLIPassword, keywords: []string{"mysql", "mariadb", "sshpass", "docker login"}},
		{id: IDGeneric, det: detGeneric, keywords: []string{"token", "secret", "pass", "pwd", "key", "auth", "credential", "creds"}},

		// Cloud.
		{id: IDAWSAccessKey, keywords: []string{"akia", "asia", "abia", "acca", "a3t"},
			regex: `(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`, minEntropy: 3},
		{id: IDAWSBedrockKey, keywords: []string{"abskqmvkcm9ja0fqsutles"},
			regex: `ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{80,400}={0,2}`, tail: b64},
		{id: IDAWSBedrockKey, keywords: []string{"bedrock-api-key-"},
			regex: `bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]{0,1000}`, tail: b64, maxLen: 1100},
		{id: IDGCPAPIKey, keywords: []string{"aiza"}, regex: `AIza[\w-]{35}`, minEntropy: 4},
		{id: IDAzureStorage, keywords: []string{"accountkey="},
			regex: `(?i:AccountKey)=([A-Za-z0-9+/]{86}==)`, group: 1, tail: b64},
		{id: IDAzureStorage, keywords: []string{"sharedaccesskey="},
			regex: `(?i:SharedAccessKey)=([A-Za-z0-9+/]{43}=)`, group: 1, tail: b64},
		{id: IDAzureADSecret, keywords: []string{"q~"}, back: `A-Za-z0-9_~.`, minBack: 4, maxBack: 4,
			regex: `[\w~.]{3}\dQ~[\w~.\-]{31,34}`, tail: `A-Za-z0-9_~.\-`},
		{id: IDAlibaba, keywords: []string{"ltai"}, regex: `LTAI[A-Za-z0-9]{20}`, minEntropy: 3},
		{id: IDDigitalOcean, keywords: []string{"doo_v1_", "dop_v1_", "dor_v1_"}, regex: `do[opr]_v1_[a-f0-9]{64}`},
		{id: IDHeroku, keywords: []string{"hrku-aa"}, regex: `HRKU-AA[\w-]{58}`},
		{id: IDDatabricks, keywords: []string{"dapi"}, regex: `dapi[a-f0-9]{32}(?:-\d)?`, minEntropy: 3},
		{id: IDHashiCorp, keywords: []string{"hvs."}, regex: `hvs\.[\w-]{90,120}`},
		{id: IDHashiCorp, keywords: []string{"hvb."}, regex: `hvb\.[\w-]{138,300}`},
		{id: IDHashiCorp, keywords: []string{".atlasv1."}, back: `a-z0-9`, minBack: 14, maxBack: 14,
			regex: `[a-z0-9]{14}\.atlasv1\.[a-z0-9_=\-]{60,70}`, tail: `A-Za-z0-9_=\-`},

		// Source hosting, CI and package registries.
		{id: IDGitHubPAT, keywords: []string{"ghp_"}, regex: `ghp_[A-Za-z0-9]{36}`},
		{id: IDGitHubPAT, keywords: []string{"github_pat_"}, regex: `github_pat_[A-Za-z0-9_]{82}`},
		{id: IDGitHubToken, keywords: []string{"gho_", "ghu_", "ghs_", "ghr_"}, regex: `gh[ousr]_[A-Za-z0-9]{36}`},
		{id: IDGitLab, keywords: []string{"glpat-"},
			regex: `glpat-(?:[\w-]{27,300}\.[0-9a-z]{9}|[\w-]{20})`},
		{id: IDGitLab, keywords: []string{"glrt-"},
			regex: `glrt-(?:t\d_[\w-]{27,300}\.[0-9a-z]{9}|[\w-]{20})`},
		{id: IDGitLab, keywords: []string{"glptt-"}, regex: `glptt-[0-9a-f]{40}`},
		{id: IDGitLab, keywords: []string{"gr1348941"}, regex: `GR1348941[\w-]{20}`},
		{id: IDGitLab, keywords: []string{"glimt-"}, regex: `glimt-[\w-]{25}`},
		{id: IDGitLab, keywords: []string{"glft-", "gldt-", "glsoat-", "glffct-"}, regex: `(?:glft|gldt|glsoat|glffct)-[\w-]{20}`},
		{id: IDGitLab, keywords: []string{"glagent-"}, regex: `glagent-[\w-]{50}`},
		{id: IDGitLab, keywords: []string{"gloas-"}, regex: `gloas-[\w-]{64}`},
		{id: IDGitLab, keywords: []string{"glcbt-"}, regex: `glcbt-[0-9A-Za-z]{1,5}_[\w-]{20}`},
		{id: IDGitLab, keywords: []string{"_gitlab_session="}, regex: `_gitlab_session=([0-9a-z]{32})`, group: 1, inWord: true},
		{id: IDAtlassian, keywords: []string{"atatt3"}, regex: `ATATT3[A-Za-z0-9_=\-]{186}`, tail: `A-Za-z0-9_=\-`},
		{id: IDAtlassian, keywords: []string{"atbb"}, regex: `ATBB[A-Za-z0-9]{32}`},
		{id: IDNPM, keywords: []string{"npm_"}, regex: `npm_[A-Za-z0-9]{36}`},
		// A real PyPI token carries an identifier, caveats and a 32-byte
		// signature: well over 100 characters after the fixed prefix.
		{id: IDPyPI, keywords: []string{"pypi-ageichlwas5vcmc"}, regex: `pypi-AgEIcHlwaS5vcmc[\w-]{85,1000}`, maxLen: 1100},
		{id: IDDockerHub, keywords: []string{"dckr_pat_", "dckr_oat_"}, regex: `dckr_(?:pat_[\w-]{27}|oat_[\w-]{32})`},

		// Chat.
		{id: IDSlack, keywords: []string{"xoxb-"},
			regex: `xoxb-(?:[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{20,40}|[0-9]{8,14}-[A-Za-z0-9]{18,26})`},
		{id: IDSlack, keywords: []string{"xoxp-", "xoxe-"}, regex: `xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34}`},
		{id: IDSlack, keywords: []string{"xoxa-", "xoxr-"}, regex: `xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}`},
		{id: IDSlack, keywords: []string{"xoxo-", "xoxs-"}, regex: `xox[os]-[0-9]{1,20}-[0-9]{1,20}-[0-9]{1,20}-[a-fA-F0-9]{8,80}`},
		{id: IDSlack, keywords: []string{"xoxe.xox"}, regex: `xoxe\.xox[bp]-\d-[A-Za-z0-9]{163,166}`},
		{id: IDSlack, keywords: []string{"xoxe-"}, regex: `xoxe-\d-[A-Za-z0-9]{146}`},
		{id: IDSlack, keywords: []string{"xapp-"}, regex: `xapp-\d-[A-Z0-9]{1,20}-[0-9]{1,20}-[a-z0-9]{32,80}`},
		{id: IDSlackWebhook, keywords: []string{"hooks.slack.com/"}, tail: `A-Za-z0-9+/_\-`,
			regex: `hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/]{43,56})`, group: 1},
		{id: IDDiscordWebhook, keywords: []string{"discord.com/api/webhooks/", "discordapp.com/api/webhooks/"},
			regex: `discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/([\w-]{60,70})`, group: 1},
		// The first part of a bot token is the bot's numeric id in
		// base64, so it starts with M, N or O.
		{id: IDDiscordBot, keywords: []string{"."}, back: `A-Za-z0-9_\-`, minBack: 24, maxBack: 26,
			regex: `[MNO][\w-]{23,25}\.[\w-]{6}\.[\w-]{27,38}`, minEntropy: 3.5},
		{id: IDTelegram, keywords: []string{":aa"}, back: `0-9`, minBack: 8, maxBack: 10,
			regex: `[0-9]{8,10}:AA[\w-]{33}`},

		// Payment and messaging.
		{id: IDStripeLive, keywords: []string{"sk_live_", "rk_live_", "sk_prod_", "rk_prod_"},
			regex: `[rs]k_(?:live|prod)_[A-Za-z0-9]{20,247}`},
		{id: IDStripeTest, keywords: []string{"sk_test_", "rk_test_"}, regex: `[rs]k_test_[A-Za-z0-9]{20,247}`},
		{id: IDStripeWebhook, keywords: []string{"whsec_"}, regex: `whsec_[A-Za-z0-9+/=]{32,88}`, tail: b64},
		{id: IDSquare, keywords: []string{"sq0atp-", "sq0csp-"}, regex: `sq0(?:atp|csp)-[\w-]{22,43}`},
		{id: IDSquare, keywords: []string{"eaaa"}, regex: `EAAA[\w-]{56,64}`, minEntropy: 4},
		{id: IDBraintree, keywords: []string{"access_token$production$"},
			regex: `access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32}`},
		{id: IDTwilio, keywords: []string{"sk"}, regex: `SK[0-9a-fA-F]{32}`, minEntropy: 3},
		{id: IDSendGrid, keywords: []string{"sg."}, regex: `SG\.[\w-]{22}\.[\w-]{43}`},
		{id: IDMailgun, keywords: []string{"key-", "pubkey-"}, regex: `(?:pub)?key-[a-f0-9]{32}`, minEntropy: 3},
		{id: IDMailchimp, keywords: []string{"-us"}, back: `0-9a-f`, minBack: 32, maxBack: 32,
			regex: `[0-9a-f]{32}-us[0-9]{1,2}`, minEntropy: 3},
		{id: IDShopify, keywords: []string{"shpat_", "shpca_", "shppa_", "shpss_"}, regex: `shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`},
		{id: IDFacebook, keywords: []string{"eaac", "eaam"}, regex: `EAA[CM][A-Za-z0-9]{100,400}`, minEntropy: 4},
		{id: IDFacebook, keywords: []string{"|"}, back: `0-9`, minBack: 15, maxBack: 16,
			regex: `[0-9]{15,16}\|[\w-]{27,40}`, minEntropy: 3.5},

		// LLM providers.
		{id: IDOpenAI, keywords: []string{"sk-proj-", "sk-svcacct-", "sk-admin-"},
			regex: `sk-(?:proj|svcacct|admin)-[\w-]{40,300}`, minEntropy: 4},
		{id: IDOpenAI, keywords: []string{"sk-"}, regex: `sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}`},
		{id: IDAnthropic, keywords: []string{"sk-ant-"},
			regex: `sk-ant-(?:(?:api03|admin01)-[\w-]{93}AA|(?:oat|ort)01-[\w-]{40,400})`},
		{id: IDLLM, keywords: []string{"sk-or-v1-"}, regex: `sk-or-v1-[a-f0-9]{64}`},
		{id: IDLLM, keywords: []string{"sk-"}, regex: `sk-[A-Za-z0-9]{32,64}`, minEntropy: 4, prio: prioProvider - 5},
		{id: IDLLM, keywords: []string{"pplx-"}, regex: `pplx-[A-Za-z0-9]{48}`},
		{id: IDLLM, keywords: []string{"xai-"}, regex: `xai-[A-Za-z0-9]{80}`},
		{id: IDLLM, keywords: []string{"lsv2_"}, regex: `lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}`},
		{id: IDHuggingFace, keywords: []string{"hf_"}, regex: `hf_[A-Za-z0-9]{34}`, minEntropy: 3.5},
		{id: IDHuggingFace, keywords: []string{"api_org_"}, regex: `api_org_[A-Za-z]{34}`, minEntropy: 3.5},
		{id: IDGroq, keywords: []string{"gsk_"}, regex: `gsk_[A-Za-z0-9]{52}`},
		{id: IDReplicate, keywords: []string{"r8_"}, regex: `r8_[A-Za-z0-9]{37}`},

		// Keys that stand alone.
		{id: IDAge, keywords: []string{"age-secret-key-1"}, regex: `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`},
		{id: IDOnePassword, keywords: []string{"a3-"},
			regex: `A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}`},

		// Other services with a fixed prefix.
		{id: IDSaaS, keywords: []string{"dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."},
			regex: `dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,44}`},
		{id: IDSaaS, keywords: []string{"pul-"}, regex: `pul-[a-f0-9]{40}`},
		{id: IDSaaS, keywords: []string{"pscale_"}, regex: `pscale_(?:tkn|oauth|pw)_[\w=.\-]{32,64}`, tail: `A-Za-z0-9_=.\-`},
		{id: IDSaaS, keywords: []string{"glc_"}, regex: `glc_[A-Za-z0-9+/]{32,400}={0,2}`, tail: b64},
		{id: IDSaaS, keywords: []string{"glsa_"}, regex: `glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}`},
		{id: IDSaaS, keywords: []string{"eyjrijoi"}, regex: `eyJrIjoi[A-Za-z0-9]{70,400}={0,2}`, tail: b64},
		{id: IDSaaS, keywords: []string{"sbp_"}, regex: `sbp_[a-f0-9]{40}`},
		{id: IDSaaS, keywords: []string{"fo1_"}, regex: `fo1_[\w-]{43}`},
		{id: IDSaaS, keywords: []string{"sha256~"}, regex: `sha256~[\w-]{43}`},
		{id: IDSaaS, keywords: []string{"aqvn"}, regex: `AQVN[A-Za-z0-9_\-]{35,38}`, minEntropy: 3.5},
		{id: IDSaaS, keywords: []string{"t1."}, regex: `t1\.[A-Za-z0-9_\-]{1,200}={0,2}\.[A-Za-z0-9_\-]{86}={0,2}`, tail: `A-Za-z0-9_=\-`},
		{id: IDSaaS, keywords: []string{"v1.0-"}, regex: `v1\.0-[a-f0-9]{24}-[a-f0-9]{146}`},
		{id: IDSaaS, keywords: []string{"pat"}, regex: `pat[A-Za-z0-9]{14}\.[a-f0-9]{64}`},
		{id: IDSaaS, keywords: []string{"pmak-"}, regex: `PMAK-[a-f0-9]{24}-[a-f0-9]{34}`},
		{id: IDSaaS, keywords: []string{"lin_api_"}, regex: `lin_api_[A-Za-z0-9]{40}`},
		{id: IDSaaS, keywords: []string{"ntn_"}, regex: `ntn_[0-9]{11}[A-Za-z0-9]{35}`},
		{id: IDSaaS, keywords: []string{"nrak-", "nrii-", "nrjs-"},
			regex: `NRAK-[A-Za-z0-9]{27}|NRII-[A-Za-z0-9\-]{32}|NRJS-[a-f0-9]{19}`},
		{id: IDSaaS, keywords: []string{"dt0c01."}, regex: `dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}`},
		{id: IDSaaS, keywords: []string{"sntrys_eyjpyxqio"}, regex: `sntrys_eyJpYXQiO[A-Za-z0-9+/]{10,400}={0,2}_[A-Za-z0-9+/]{43}`, tail: b64},
		{id: IDSaaS, keywords: []string{"sntryu_"}, regex: `sntryu_[a-f0-9]{64}`},
		{id: IDSaaS, keywords: []string{"tfp_"}, regex: `tfp_[\w=.\-]{59}`, tail: `A-Za-z0-9_=.\-`},
		{id: IDSaaS, keywords: []string{"rdme_"}, regex: `rdme_[a-z0-9]{70}`},
		{id: IDSaaS, keywords: []string{"tk-us-"}, regex: `tk-us-[\w-]{48}`},
		{id: IDSaaS, keywords: []string{"sm_aat_", "sm_pat_", "sm_sat_"}, regex: `sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}`},
		{id: IDSaaS, keywords: []string{"fio-u-"}, regex: `fio-u-[\w=\-]{64}`, tail: `A-Za-z0-9_=\-`},
		{id: IDSaaS, keywords: []string{"ico-"}, regex: `ico-[A-Za-z0-9]{32}`, minEntropy: 3.5},
		{id: IDSaaS, keywords: []string{"pat.", "sat."}, regex: `(?:pat|sat)\.[\w-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}`},
		{id: IDSaaS, keywords: []string{"sk.eyj"}, regex: `sk\.eyJ[A-Za-z0-9_\-]{50,400}\.[A-Za-z0-9_\-]{20,60}`},
		{id: IDSaaS, keywords: []string{"duffel_test_", "duffel_live_"}, regex: `duffel_(?:test|live)_[\w=\-]{43}`, tail: `A-Za-z0-9_=\-`},
		{id: IDSaaS, keywords: []string{"shippo_live_", "shippo_test_"}, regex: `shippo_(?:live|test)_[a-fA-F0-9]{40}`},
		{id: IDSaaS, keywords: []string{"ezak", "eztk"}, regex: `EZ[AT]K[A-Za-z0-9]{54}`},
		{id: IDSaaS, keywords: []string{"flwseck"}, regex: `FLWSECK(?:_TEST)?-(?:[a-fA-F0-9]{32}-X|[a-fA-F0-9]{12})`},
		{id: IDSaaS, keywords: []string{"xkeysib-", "xsmtpsib-"}, regex: `x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}`},
		{id: IDSaaS, keywords: []string{"rubygems_"}, regex: `rubygems_[a-f0-9]{48}`},
		{id: IDSaaS, keywords: []string{"clojars_"}, regex: `CLOJARS_[a-z0-9]{60}`},
		{id: IDSaaS, keywords: []string{"akcp"}, regex: `AKCp[A-Za-z0-9]{69}`, minEntropy: 4},
	}
}
