package secret_test

import (
	"encoding/base64"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/secret"
)

// Fake secrets are built at run time from a seeded generator, so the
// source holds no string a secret scanner (or a push protection) would
// take for a real token, and runs are reproducible.
const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerc = "abcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
	alnum  = upper + lowerc + digits
	hexd   = "0123456789abcdef"
	b64    = alnum + "+/"
	b64url = alnum + "-_"
	base32 = upper + "234567"
)

type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, 0x5eed))} }

// s returns n random characters of alphabet.
func (g *gen) s(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// pem returns a PEM block of the given label with a random body.
func (g *gen) pem(label, nl string, lines int) string {
	var b strings.Builder
	b.WriteString("-----BEGIN " + label + "-----" + nl)
	for range lines {
		b.WriteString(g.s(b64, 64) + nl)
	}
	b.WriteString(g.s(b64, 40) + "==" + nl)
	b.WriteString("-----END " + label + "-----")
	return b.String()
}

func b64json(v string) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }

// jwtFor returns a signed-looking JWT for a payload.
func (g *gen) jwtFor(payload string) string {
	return b64json(`{"alg":"HS256","typ":"JWT"}`) + "." + b64json(payload) + "." + g.s(b64url, 43)
}

// found is a secret a case expects: its id and its exact value.
type found struct{ id, value string }

type tcase struct {
	name   string
	text   string
	want   []found // nil: nothing may be found
	reason string
}

// cases builds the table; it is a function so the generator's sequence,
// and so every fake, is the same on every run.
func cases() []tcase {
	g := newGen(1)
	akia := "AKIA" + g.s(base32, 16)
	awsSecret := g.s(b64, 40)
	aiza := "AIza" + g.s(b64url, 35)
	ghp := "ghp_" + g.s(alnum, 36)
	ghpFine := "github_pat_" + g.s(alnum, 22) + "_" + g.s(alnum, 59)
	gho := "gho_" + g.s(alnum, 36)
	glpat := "glpat-" + g.s(b64url, 20)
	xoxb := "xoxb-" + g.s(digits, 12) + "-" + g.s(digits, 13) + "-" + g.s(alnum, 24)
	slackHook := "T" + g.s(upper+digits, 8) + "/B" + g.s(upper+digits, 8) + "/" + g.s(alnum, 24)
	discordHook := g.s(b64url, 68)
	telegram := "7" + g.s(digits, 8) + ":AA" + g.s(b64url, 33)
	skLive := "sk_live_" + g.s(alnum, 24)
	skTest := "sk_test_" + g.s(alnum, 24)
	whsec := "whsec_" + g.s(alnum, 32)
	square := "sq0atp-" + g.s(b64url, 22)
	twilio := "SK" + g.s(hexd, 32)
	sendgrid := "SG." + g.s(b64url, 22) + "." + g.s(b64url, 43)
	mailgun := "key-" + g.s(hexd, 32)
	mailchimp := g.s(hexd, 32) + "-us14"
	openai := "sk-proj-" + g.s(b64url, 74) + "T3BlbkFJ" + g.s(b64url, 74)
	openaiLegacy := "sk-" + g.s(alnum, 20) + "T3BlbkFJ" + g.s(alnum, 20)
	anthropic := "sk-ant-api03-" + g.s(b64url, 93) + "AA"
	hf := "hf_" + g.s(upper+lowerc, 34)
	groq := "gsk_" + g.s(alnum, 52)
	replicate := "r8_" + g.s(alnum, 37)
	pplx := "pplx-" + g.s(alnum, 48)
	npm := "npm_" + g.s(alnum, 36)
	pypi := "pypi-AgEIcHlwaS5vcmc" + g.s(b64url, 150)
	docker := "dckr_pat_" + g.s(b64url, 27)
	do := "dop_v1_" + g.s(hexd, 64)
	heroku := "HRKU-AA" + g.s(b64url, 58)
	alibaba := "LTAI" + g.s(alnum, 20)
	azureKey := g.s(b64, 86) + "=="
	azureAD := g.s(alnum, 3) + "8Q~" + g.s(alnum+"_.~-", 34)
	databricks := "dapi" + g.s(hexd, 32)
	vault := "hvs." + g.s(b64url, 95)
	age := "AGE-SECRET-KEY-1" + g.s("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
	doppler := "dp.pt." + g.s(alnum, 43)
	linear := "lin_api_" + g.s(alnum, 40)
	fbToken := "EAAC" + g.s(alnum, 120)
	artifactory := "AKCp" + g.s(alnum, 69)
	jwt := g.jwtFor(`{"sub":"` + g.s(digits, 9) + `","name":"Jane Roe","iat":1716239022}`)
	jwtB64 := base64.StdEncoding.EncodeToString([]byte(jwt))
	dbPass := g.s(alnum, 18)
	urlPass := g.s(alnum, 14)
	bearer := g.s(b64url, 40)
	basicPass := g.s(alnum, 16)
	basic := base64.StdEncoding.EncodeToString([]byte("deploy:" + basicPass))
	curlPass := g.s(alnum, 14)
	curlKey := g.s(alnum, 32)
	pw := g.s(alnum, 6) + "#" + g.s(alnum, 6)
	apiKey := g.s(alnum, 32)
	clientSecret := g.s(b64url, 40)
	dockerAuth := base64.StdEncoding.EncodeToString([]byte("robot:" + g.s(alnum, 24)))
	uuidKey := "8f14e45f-ceea-467a-9d5e-" + g.s(hexd, 12)
	sshKey := g.pem("OPENSSH PRIVATE KEY", "\n", 6)
	rsaEnc := strings.Replace(g.pem("RSA PRIVATE KEY", "\n", 8), "-----\n", "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"+strings.ToUpper(g.s(hexd, 32))+"\n\n", 1)
	ecKey := g.pem("EC PRIVATE KEY", "\n", 2)
	pgpKey := strings.Replace(g.pem("PGP PRIVATE KEY BLOCK", "\n", 10), "-----\n", "-----\nVersion: GnuPG v2\n\n", 1)
	pkcs8JSON := g.pem("PRIVATE KEY", `\n`, 10) + `\n`
	truncated := strings.SplitAfterN(g.pem("RSA PRIVATE KEY", "\n", 10), "\n", 5)
	truncKey := strings.Join(truncated[:4], "")
	truncKey = strings.TrimSuffix(truncKey, "\n")

	return []tcase{
		// Cloud.
		{"aws access key id", "aws_access_key_id = " + akia, []found{{secret.IDAWSAccessKey, akia}}, "AKIA + 16 base32"},
		{"aws secret key in credentials file", "[default]\naws_secret_access_key = " + awsSecret + "\n", []found{{secret.IDAWSSecretKey, awsSecret}}, "40 base64 characters under an AWS secret name"},
		{"aws secret key camel case", `{"SecretAccessKey": "` + awsSecret + `"}`, []found{{secret.IDAWSSecretKey, awsSecret}}, "SecretAccessKey is the SDK's name for it"},
		{"gcp api key in url", "https://maps.googleapis.com/maps/api/geocode/json?key=" + aiza, []found{{secret.IDGCPAPIKey, aiza}}, "AIza + 35"},
		{"gcp service account", "{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-prod\",\n  \"private_key\": \"" + pkcs8JSON + "\",\n  \"client_email\": \"ci@acme-prod.iam.gserviceaccount.com\"\n}", []found{{secret.IDGCPServiceAccount, strings.TrimSuffix(pkcs8JSON, `\n`)}}, "a private key with escaped newlines inside a service-account file"},
		{"azure storage connection string", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + azureKey + ";EndpointSuffix=core.windows.net", []found{{secret.IDAzureStorage, azureKey}}, "AccountKey= holds 64 bytes in base64"},
		{"azure ad client secret", "AZURE_CLIENT_SECRET=" + azureAD, []found{{secret.IDAzureADSecret, azureAD}}, "3 characters, a digit, Q~, 34 more"},
		{"alibaba access key", "accessKeyId: " + alibaba, []found{{secret.IDAlibaba, alibaba}}, "LTAI + 20"},
		{"digitalocean pat", "export DIGITALOCEAN_TOKEN=" + do, []found{{secret.IDDigitalOcean, do}}, "dop_v1_ + 64 hex"},
		{"heroku key", "HEROKU_API_KEY=" + heroku, []found{{secret.IDHeroku, heroku}}, "HRKU-AA + 58"},
		{"databricks token", "DATABRICKS_TOKEN=" + databricks, []found{{secret.IDDatabricks, databricks}}, "dapi + 32 hex"},
		{"vault token", "VAULT_TOKEN=" + vault, []found{{secret.IDHashiCorp, vault}}, "hvs. + 90 or more"},

		// Source hosting and registries.
		{"github classic pat in env", "GITHUB_TOKEN=" + ghp, []found{{secret.IDGitHubPAT, ghp}}, "the provider rule wins over the generic assignment around it"},
		{"github fine-grained pat", "token: " + ghpFine, []found{{secret.IDGitHubPAT, ghpFine}}, "github_pat_ + 82"},
		{"github oauth token in git url", "https://x-access-token:" + gho + "@github.com/acme/app.git", []found{{secret.IDGitHubToken, gho}}, "the token is also a URL password; the provider rule wins"},
		{"gitlab pat", `{"private_token": "` + glpat + `"}`, []found{{secret.IDGitLab, glpat}}, "glpat- + 20"},
		{"npm token in npmrc", "//registry.npmjs.org/:_authToken=" + npm, []found{{secret.IDNPM, npm}}, "npm_ + 36"},
		{"pypi token", "password = " + pypi, []found{{secret.IDPyPI, pypi}}, "a macaroon after pypi-AgEIcHlwaS5vcmc"},
		{"docker hub pat", "echo " + docker + " | docker login -u acme --password-stdin", []found{{secret.IDDockerHub, docker}}, "dckr_pat_ + 27"},

		// Chat and payment.
		{"slack bot token", `SLACK_BOT_TOKEN="` + xoxb + `"`, []found{{secret.IDSlack, xoxb}}, "xoxb-<team>-<bot>-<secret>"},
		{"slack webhook", "curl -X POST https://hooks.slack.com/services/" + slackHook + " -d @msg.json", []found{{secret.IDSlackWebhook, slackHook}}, "the path is the credential"},
		{"discord webhook", "https://discord.com/api/webhooks/1234567890123456789/" + discordHook, []found{{secret.IDDiscordWebhook, discordHook}}, "the last path segment is the token"},
		{"telegram bot token", "bot = Bot(token='" + telegram + "')", []found{{secret.IDTelegram, telegram}}, "<bot id>:AA + 33"},
		{"stripe live key", "stripe.api_key = '" + skLive + "'", []found{{secret.IDStripeLive, skLive}}, "sk_live_"},
		{"stripe test key", "STRIPE_SECRET_KEY=" + skTest, []found{{secret.IDStripeTest, skTest}}, "sk_test_ is reported, at low severity"},
		{"stripe webhook secret", "endpoint_secret = '" + whsec + "'", []found{{secret.IDStripeWebhook, whsec}}, "whsec_"},
		{"square token", "SQUARE_ACCESS_TOKEN: " + square, []found{{secret.IDSquare, square}}, "sq0atp-"},
		{"twilio api key", "TWILIO_API_KEY=" + twilio, []found{{secret.IDTwilio, twilio}}, "SK + 32 hex"},
		{"sendgrid key", "sg = SendGridAPIClient('" + sendgrid + "')", []found{{secret.IDSendGrid, sendgrid}}, "SG.<22>.<43>"},
		{"mailgun key", "auth=('api', '" + mailgun + "')", []found{{secret.IDMailgun, mailgun}}, "key- + 32 hex"},
		{"mailchimp key", "client.set_config({'api_key': '" + mailchimp + "'})", []found{{secret.IDMailchimp, mailchimp}}, "32 hex + data-center suffix"},
		{"facebook token", "access_token=" + fbToken, []found{{secret.IDFacebook, fbToken}}, "EAAC + long alphanumeric"},

		// LLM providers.
		{"openai project key", "OPENAI_API_KEY=" + openai, []found{{secret.IDOpenAI, openai}}, "sk-proj-"},
		{"openai legacy key", "openai.api_key = \"" + openaiLegacy + "\"", []found{{secret.IDOpenAI, openaiLegacy}}, "T3BlbkFJ in the middle"},
		{"anthropic key", "ANTHROPIC_API_KEY=" + anthropic, []found{{secret.IDAnthropic, anthropic}}, "sk-ant-api03- + 93 + AA"},
		{"hugging face token", "huggingface-cli login --token " + hf, []found{{secret.IDHuggingFace, hf}}, "hf_ + 34"},
		{"groq key", "GROQ_API_KEY=" + groq, []found{{secret.IDGroq, groq}}, "gsk_ + 52"},
		{"replicate token", "REPLICATE_API_TOKEN=" + replicate, []found{{secret.IDReplicate, replicate}}, "r8_ + 37"},
		{"perplexity key", "Authorization: Bearer " + pplx, []found{{secret.IDLLM, pplx}}, "pplx-; the provider rule wins over the header"},

		// Keys.
		{"openssh private key", "$ cat ~/.ssh/id_ed25519\n" + sshKey + "\n$ ", []found{{secret.IDPrivateKey, sshKey}}, "the whole block is the secret"},
		{"encrypted rsa key with headers", rsaEnc, []found{{secret.IDPrivateKey, rsaEnc}}, "Proc-Type and DEK-Info lines are part of the block"},
		{"ec private key", "key.pem:\n" + ecKey, []found{{secret.IDPrivateKey, ecKey}}, "EC"},
		{"pgp private key", pgpKey, []found{{secret.IDPrivateKey, pgpKey}}, "PGP armor with a Version header"},
		{"truncated private key", truncKey, []found{{secret.IDPrivateKey, truncKey}}, "output cut before the END line still leaks the key"},
		{"age key", "# created: 2024-05-01\n" + age, []found{{secret.IDAge, age}}, "bech32 after AGE-SECRET-KEY-1"},

		// Structured.
		{"jwt in header", "Authorization: Bearer " + jwt, []found{{secret.IDJWT, jwt}}, "header and payload decode to JSON; the JWT rule wins over the header"},
		{"jwt base64 again", "session=" + jwtB64, []found{{secret.IDJWT, jwtB64}}, "a JWT encoded once more"},
		{"postgres url", "DATABASE_URL=postgres://app:" + dbPass + "@db.internal:5432/app?sslmode=require", []found{{secret.IDConnectionString, dbPass}}, "only the password is the secret"},
		{"mongodb srv url", `MONGO_URI="mongodb+srv://svc:` + dbPass + `@cluster0.ab1cd.mongodb.net/prod"`, []found{{secret.IDConnectionString, dbPass}}, "mongodb+srv"},
		{"redis url without user", "redis://:" + dbPass + "@cache.internal:6379/0", []found{{secret.IDConnectionString, dbPass}}, "redis puts the password after an empty user"},
		{"jdbc url", "spring.datasource.url=jdbc:mysql://svc:" + dbPass + "@mysql:3306/app", []found{{secret.IDConnectionString, dbPass}}, "jdbc:mysql"},
		{"amqp url", "amqp://worker:" + dbPass + "@rabbit.internal:5672/", []found{{secret.IDConnectionString, dbPass}}, "amqp"},
		{"https url credentials", "git clone https://deploy:" + urlPass + "@git.internal.corp/app.git", []found{{secret.IDURLCredentials, urlPass}}, "user-info in an http URL"},
		{"git config url", "remote.origin.url=https://oauth2:" + urlPass + "@gitlab.example-corp.io/grp/app.git", []found{{secret.IDURLCredentials, urlPass}}, "only the reserved example domains are documentation"},
		{"bearer header", `-H "Authorization: Bearer ` + bearer + `"`, []found{{secret.IDHTTPAuth, bearer}}, "a random bearer credential"},
		{"basic header", "Authorization: Basic " + basic, []found{{secret.IDHTTPAuth, basic}}, "base64 of user:password"},
		{"curl user password", "curl -u admin:" + curlPass + " https://es.internal:9200/_cat/indices", []found{{secret.IDHTTPAuth, curlPass}}, "curl -u user:password"},
		{"curl api key as user", `curl https://api.example.io/v1/charges --user "` + curlKey + `:"`, []found{{secret.IDHTTPAuth, curlKey}}, "an API key as the user, empty password"},

		// Generic assignments.
		{"password in env", "DB_PASSWORD=" + pw, []found{{secret.IDPassword, pw}}, "password name, random value"},
		{"password in yaml", "database:\n  user: app\n  password: \"" + pw + "\"\n", []found{{secret.IDPassword, pw}}, "YAML"},
		{"password flag", "mysql -h db --password=" + pw + " app", []found{{secret.IDPassword, pw}}, "a command-line flag"},
		{"password in xml", "<password>" + pw + "</password>", []found{{secret.IDPassword, pw}}, "an XML element"},
		{"dotnet setting", `<add key="ServiceApiKey" value="` + apiKey + `" />`, []found{{secret.IDGeneric, apiKey}}, ".NET appSettings"},
		{"api key in env", "export PAYMENTS_API_KEY=" + apiKey, []found{{secret.IDGeneric, apiKey}}, "api_key name, random value"},
		{"client secret in json", `{"client_id": "web", "client_secret": "` + clientSecret + `"}`, []found{{secret.IDGeneric, clientSecret}}, "client_secret"},
		{"docker config auth", `{"auths": {"registry.acme.io": {"auth": "` + dockerAuth + `"}}}`, []found{{secret.IDGeneric, dockerAuth}}, "docker's auth is base64 of user:password"},
		{"go var with type", `var serviceToken string = "` + apiKey + `"`, []found{{secret.IDGeneric, apiKey}}, "a type between name and operator"},
		{"setter call", `System.setProperty("SERVICE_API_TOKEN", "` + apiKey + `");`, []found{{secret.IDGeneric, apiKey}}, "a setting's name and a literal"},
		{"kubernetes env", "env:\n  - name: API_TOKEN\n    value: " + apiKey + "\n", []found{{secret.IDGeneric, apiKey}}, "name/value pair"},
		{"query string", "GET /v1/feed?user=7&access_token=" + apiKey + "&page=2", []found{{secret.IDGeneric, apiKey}}, "a query parameter"},
		{"uuid api key", "SERVICE_API_KEY=" + uuidKey, []found{{secret.IDGeneric, uuidKey}}, "a random (v4) UUID under a key name"},

		{"netrc", "machine api.heroku.com\n  login me@acme.io\n  password " + uuidKey + "\nmachine git.acme.io login ci password " + pw + "\n", []found{{secret.IDPassword, uuidKey}, {secret.IDPassword, pw}}, ".netrc has no operator"},
		{"mysql attached password", "mysql -h db.internal -u root -p" + pw + " app < dump.sql", []found{{secret.IDPassword, pw}}, "mysql takes the password attached to -p"},
		{"sshpass", "sshpass -p '" + pw + "' ssh deploy@web1 uptime", []found{{secret.IDPassword, pw}}, "sshpass -p"},
		{"docker login", "docker login -u ci -p " + pw + " registry.acme.io", []found{{secret.IDPassword, pw}}, "docker login -p"},
		{"private key in json in json", `{"body": "{\"key\": \"` + strings.ReplaceAll(ecKey, "\n", `\\n`) + `\"}"}`, []found{{secret.IDPrivateKey, strings.ReplaceAll(ecKey, "\n", `\\n`)}}, "doubly escaped newlines"},

		// Other prefixed tokens.
		{"doppler token", "DOPPLER_TOKEN=" + doppler, []found{{secret.IDSaaS, doppler}}, "dp.pt."},
		{"linear key", "LINEAR_API_KEY=" + linear, []found{{secret.IDSaaS, linear}}, "lin_api_"},
		{"artifactory key", "curl -H 'X-JFrog-Art-Api: " + artifactory + "' https://acme.jfrog.io/artifactory/api/repositories", []found{{secret.IDSaaS, artifactory}}, "AKCp + 69"},

		// Several secrets, in order.
		{"two secrets", "A=" + ghp + "\nB=" + skLive + "\n", []found{{secret.IDGitHubPAT, ghp}, {secret.IDStripeLive, skLive}}, "sorted by position"},

		// Near misses and placeholders: nothing may be found.
		{"aws documented example", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", nil, "AWS's documentation keys say EXAMPLE"},
		{"aws id filler", "ASIA" + strings.Repeat("Z", 16), nil, "all-same suffix"},
		{"artifactory filler", `"AKCxxxxxxxxxx" artif-key:AKCp` + strings.Repeat("x", 69), nil, "filler"},
		{"github token too short", "ghp_" + g.s(alnum, 35), nil, "a classic PAT has exactly 36 characters"},
		{"github token too long", "ghp_" + g.s(alnum, 40), nil, "nor more"},
		{"github token inside a word", "xghp_" + g.s(alnum, 36), nil, "no word character before the prefix"},
		{"github placeholder", "GITHUB_TOKEN=ghp_" + strings.Repeat("x", 36), nil, "xxxx filler"},
		{"stripe publishable key", "pk_live_" + g.s(alnum, 24), nil, "publishable keys are public"},
		{"slack placeholder", `"token": "xoxb-xxxxxxxxxxx-xxxxxxxxxxxx"`, nil, "filler"},
		{"slack sequence", `"token3": "xoxp-1234-1234-1234-` + g.s(hexd, 32) + `"`, nil, "1234 three times is a placeholder, and the ids are too short"},
		{"uuid alone", "request-id: 123e4567-e89b-42d3-a456-426614174000", nil, "ids are not secrets"},
		{"time uuid under token name", "///:_authToken=743b294a-cd03-11ec-9d64-0242ac120002", nil, "a version-1 UUID is a timestamp and a MAC address"},
		{"git sha", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8\nAuthor: Jane Roe", nil, "hashes are not secrets"},
		{"lockfile integrity", `"integrity": "sha512-` + g.s(b64, 86) + `=="`, nil, "integrity is not a secret name"},
		{"go.sum line", "golang.org/x/oauth2 v0.15.0 h1:" + g.s(b64, 43) + "=", nil, "no assignment after oauth"},
		{"base64 image", `<img src="data:image/png;base64,` + g.s(b64, 400) + `">`, nil, "no secret name or prefix"},
		{"placeholder words", "API_KEY=your_api_key_here\npassword: changeme\nsecret_key = \"dummy-secret-value\"", nil, "placeholders"},
		{"template references", "token: ${GITHUB_TOKEN}\napi_key = \"<token>\"\npassword: {{ .Values.db.password }}\nsecret: %(secret)s", nil, "references"},
		{"masked values", "password=********\nsecret: \"xxxxxxxxxxxxxxxx\"\nAPI_TOKEN=...", nil, "masks"},
		{"test and weak values", "api_key: test\npassword = \"Password123!\"\ntoken = \"p@ssw0rd\"", nil, "weak words"},
		{"filler values", "SECRET_KEY=aaaaaaaaaaaaaaaaaaaa\ntoken = \"1234567890abcdef\"\nclient_secret: abcdefghijklmnop", nil, "same characters, sequences"},
		{"code references", "token = os.environ[\"GITHUB_TOKEN\"]\npassword = get_password()\napiKey: process.env.API_KEY,\ncfg.ClientAuth = RequireAndVerifyClientCert\nkey := cfg.APIKey", nil, "names and calls, not literals"},
		{"identifier constants", "IFLA_INET6_TOKEN = C.IFLA_INET6_TOKEN\nAuthCachingSha2Password = \"caching_sha2_password\"", nil, "names made of words"},
		{"non-secret names", "secret_name = \"prod-db-credentials\"\nmax_tokens: 4096\nnext_page_token: \"" + g.s(alnum, 32) + "\"\npassword_hash = \"$2b$12$" + g.s(b64, 53) + "\"\npublic_key = \"" + g.s(b64, 44) + "\"\nprimary_key = \"" + g.s(alnum, 24) + "\"", nil, "names that hold something else"},
		{"derived protocol secrets", `"shared_secret": "` + g.s(hexd, 64) + `"`, nil, "key-schedule values of test vectors"},
		{"prose", "Enter your password: then press Enter.\nerror: unexpected token: '}' at line 3\nThe key is to keep tokens short.", nil, "prose"},
		{"bare token word needs length", "unrecognized token: \"123.4e5ghi\"", nil, "a bare token word wants a long value"},
		{"public key and certificate", "-----BEGIN PUBLIC KEY-----\n" + g.s(b64, 64) + "\n" + g.s(b64, 64) + "\n-----END PUBLIC KEY-----\n-----BEGIN CERTIFICATE-----\n" + g.s(b64, 64) + "\n-----END CERTIFICATE-----", nil, "public material"},
		{"pgp public key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: GnuPG v2\n\n" + g.s(b64, 64) + "\n-----END PGP PUBLIC KEY BLOCK-----", nil, "public"},
		{"private key placeholder", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n-----BEGIN PRIVATE KEY-----\n" + strings.Repeat("X", 200) + "\n-----END PRIVATE KEY-----", nil, "no key material"},
		{"jwt-shaped garbage", "eyJBB.eyJCC.eyJDDDD eyJhbGciOiJIUzI1NiJ9.notjsonatall.sig", nil, "must decode to JSON"},
		{"placeholder connection strings", "postgres://user:password@localhost/db\npostgres://postgres:postgres@db:5432/app\nmysql://root:${DB_PASS}@db/app\nredis://:<password>@cache\nhttps://alice:s3cr3tPassw0rd@example.com/\nftp://bob:Zx81kq2Lp0@files.example.org/", nil, "placeholders, defaults, documentation hosts"},
		{"url without password", "https://user@git.example.org/repo.git http://localhost:8080/@admin ftp://ftp.gnu.org/pub", nil, "no user:password@"},
		{"curl placeholders", "curl -u <user:password> https://test.com\ncurl --user neo4j:[PASSWORD] http://h:7474\ncurl -u username:token\ncurl --user-agent x:y https://a.io\ngit push -u origin main", nil, "placeholders, other options"},
		{"bearer placeholder", `curl -H "Authorization: Bearer XXXXXXXXXXXX" -H "Authorization: Bearer $TOKEN"`, nil, "placeholders"},
		{"mailchimp shape without suffix digits", g.s(hexd, 32) + "-usa", nil, "the data center is numbered"},
		{"cli options that are not passwords", "mysql -h db -P3306 -u root -p app\ndocker run -p 8080:80 nginx\nsshpass -f ~/.pw ssh host", nil, "a port, a database name, a file"},
		{"password in prose", "Password reset required for your account.\npassword protected archives are skipped", nil, "words after password are not a value"},
		{"markdown table", "| id | name |\n|----|------|\n| 1234567890123456 | x |", nil, "pipes"},
		{"css and urls", ".ui.visible.right.sidebar~.ui.visible{transform:none} https://p3.example.net/tos-cn-i/6a9e704af49b~tplv-watermark.image", nil, "no Q~ secret"},
	}
}

func TestScan(t *testing.T) {
	t.Parallel()
	s := secret.New()
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ms := s.Scan(tc.text)
			var got []found
			for _, m := range ms {
				got = append(got, found{m.ID, tc.text[m.Start:m.End]})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s\ntext: %q\n got: %q\nwant: %q", tc.reason, tc.text, got, tc.want)
			}
		})
	}
}

// TestMatchInvariants checks, over the whole table, what every result
// must satisfy: sorted, in bounds, no overlaps, a severity from the
// catalog, and a preview that never shows the secret.
func TestMatchInvariants(t *testing.T) {
	t.Parallel()
	s := secret.New()
	sev := map[string]event.Severity{}
	for _, f := range s.Catalog() {
		sev[f.ID] = f.Severity
	}
	for _, tc := range cases() {
		checkMatches(t, tc.text, s.Scan(tc.text))
		for _, m := range s.Scan(tc.text) {
			if want, ok := sev[m.ID]; !ok || m.Severity != want {
				t.Errorf("%s: %s has severity %v, catalog %v (listed %v)", tc.name, m.ID, m.Severity, want, ok)
			}
		}
	}
}

func checkMatches(t *testing.T, text string, ms []secret.Match) {
	t.Helper()
	if len(ms) > secret.MaxMatches {
		t.Errorf("%d matches, more than %d", len(ms), secret.MaxMatches)
	}
	end := 0
	for _, m := range ms {
		if m.Start < end || m.End <= m.Start || m.End > len(text) {
			t.Fatalf("match %+v out of order, empty, overlapping or out of bounds (len %d)", m, len(text))
		}
		end = m.End
		v := text[m.Start:m.End]
		if len(v) >= 4 && strings.Contains(m.Preview, v) {
			t.Errorf("preview %q shows the secret %q", m.Preview, v)
		}
		if !strings.Contains(m.Preview, "…(") {
			t.Errorf("preview %q has no length", m.Preview)
		}
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	g := newGen(2)
	ghp := "ghp_" + g.s(alnum, 36)
	ms := secret.New().Scan("GITHUB_TOKEN=" + ghp)
	if len(ms) != 1 || ms[0].Preview != "ghp_…(40)" {
		t.Fatalf("Scan = %+v, want one match with preview ghp_…(40)", ms)
	}
	pass := g.s(alnum, 12)
	ms = secret.New().Scan("postgres://app:" + pass + "@db/app")
	if len(ms) != 1 || ms[0].Preview != "…(12)" {
		t.Fatalf("Scan = %+v, want one match with preview …(12)", ms)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	g := newGen(3)
	ghp := "ghp_" + g.s(alnum, 36)
	pass := g.s(alnum, 16)
	text := "token=" + ghp + "\nurl=postgres://app:" + pass + "@db:5432/app\n"
	ms := secret.New().Scan(text)
	got := secret.Redact(text, ms)
	want := "token=[REDACTED:secret.github_pat]\nurl=postgres://app:[REDACTED:secret.connection_string]@db:5432/app\n"
	if got != want {
		t.Errorf("Redact =\n%q\nwant\n%q", got, want)
	}
	if secret.Redact(text, nil) != text {
		t.Error("Redact with no matches changed the text")
	}
	// Out of range, overlapping and unsorted matches are tolerated.
	odd := []secret.Match{
		{ID: "b", Start: 4, End: 6},
		{ID: "a", Start: 0, End: 2},
		{ID: "x", Start: 1, End: 5},
		{ID: "y", Start: 8, End: 99},
	}
	if got := secret.Redact("0123456789", odd); got != "[REDACTED:a]23[REDACTED:b]6789" {
		t.Errorf("Redact(odd) = %q", got)
	}
}

func TestMaxMatches(t *testing.T) {
	t.Parallel()
	g := newGen(4)
	var b strings.Builder
	for range 2 * secret.MaxMatches {
		b.WriteString("GITHUB_TOKEN=ghp_" + g.s(alnum, 36) + "\n")
	}
	text := b.String()
	ms := secret.New().Scan(text)
	if len(ms) != secret.MaxMatches {
		t.Fatalf("got %d matches, want %d", len(ms), secret.MaxMatches)
	}
	checkMatches(t, text, ms)
	if ms[0].Start != len("GITHUB_TOKEN=") {
		t.Errorf("first match at %d, want the earliest", ms[0].Start)
	}
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	s := secret.New()
	cat := s.Catalog()
	seen := map[string]bool{}
	for _, f := range cat {
		if seen[f.ID] {
			t.Errorf("%s listed twice", f.ID)
		}
		seen[f.ID] = true
		if !strings.HasPrefix(f.ID, "secret.") || f.Doc == "" || f.Severity < event.Info || f.Severity > event.Critical {
			t.Errorf("bad spec %+v", f)
		}
	}
	// Every id a case expects is in the catalog.
	for _, tc := range cases() {
		for _, w := range tc.want {
			if !seen[w.id] {
				t.Errorf("%s: %s not in the catalog", tc.name, w.id)
			}
		}
	}
	cat[0].ID = "changed"
	if s.Catalog()[0].ID == "changed" {
		t.Error("Catalog returned shared state")
	}
}

func TestZeroScanner(t *testing.T) {
	var s secret.Scanner
	if ms := s.Scan("nothing here"); ms != nil {
		t.Errorf("Scan = %v", ms)
	}
	if n := testing.AllocsPerRun(100, func() { _ = secret.New() }); n > 1 {
		t.Errorf("New allocates %v times", n)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	s := secret.New()
	var b strings.Builder
	for _, tc := range cases() {
		b.WriteString(tc.text)
		b.WriteString("\n")
	}
	text := b.String()
	first := s.Scan(text)
	checkMatches(t, text, first)
	for range 3 {
		if again := s.Scan(text); !slices.Equal(first, again) {
			t.Fatal("Scan is not deterministic")
		}
	}
}
