package shell

import (
	"slices"
	"strings"
	"sync"

	"github.com/agentward/ward/event"
)

// maxPackages bounds the packages recorded for one command.
const maxPackages = 32

// packages records packages a package manager is asked to install, and
// flags names one edit away from a popular package's (typosquats).
func (w *walker) packages(name string, vals []string) {
	manager, names := installed(name, vals)
	if manager == "" {
		return
	}
	for _, n := range names {
		if isDynamic(n) || n == "" {
			continue
		}
		pkgs := &w.s.Facts.Shell.Packages
		if len(*pkgs) < maxPackages {
			*pkgs = append(*pkgs, event.Package{Manager: manager, Name: n})
		}
		if like, ok := typosquat(manager, n); ok {
			w.find(FindingTyposquat, "the package's name is one edit away from the popular package "+like, manager+" "+n)
		}
	}
}

// installed returns the ecosystem and the package names of an install
// command, or "" when the command installs nothing by name.
func installed(name string, vals []string) (manager string, names []string) {
	ops := operands(vals)
	if len(ops) == 0 {
		return "", nil
	}
	sub, args := ops[0], ops[1:]
	switch name {
	case "npm", "pnpm", "yarn", "bun", "cnpm":
		if sub == "install" || sub == "i" || sub == "add" || sub == "isntall" || sub == "in" || sub == "ins" {
			return "npm", npmNames(args)
		}
		if name == "yarn" && sub == "global" && len(args) > 1 && args[0] == "add" {
			return "npm", npmNames(args[1:])
		}
	case "npx", "pnpx", "bunx":
		return "npm", npmNames(ops[:1])
	case "pip", "pip3", "pipx", "pip2":
		if sub == "install" {
			return "pypi", pipNames(vals)
		}
	case "uv":
		if sub == "add" || sub == "pip" && len(args) > 0 && args[0] == "install" {
			return "pypi", pipNames(vals)
		}
		if sub == "tool" && len(args) > 1 && args[0] == "install" {
			return "pypi", pipNames(args[1:])
		}
	case "poetry":
		if sub == "add" {
			return "pypi", pipNames(args)
		}
	case "cargo":
		if sub == "install" || sub == "add" {
			return "crates", plainNames(args)
		}
	case "gem":
		if sub == "install" {
			return "gems", plainNames(args)
		}
	case "go":
		if sub == "install" || sub == "get" {
			return "go", plainNames(args)
		}
	case "composer":
		if sub == "require" {
			return "packagist", plainNames(args)
		}
	case "brew":
		if sub == "install" {
			return "brew", plainNames(args)
		}
	case "apt", "apt-get", "dnf", "yum", "zypper", "apk":
		if sub == "install" || sub == "add" {
			return "system", plainNames(args)
		}
	}
	return "", nil
}

// npmNames strips versions and tags (react@18, @types/node@20) and skips
// paths, URLs and git specs.
func npmNames(args []string) []string {
	var out []string
	for _, a := range args {
		if localSpec(a) {
			continue
		}
		at := strings.LastIndexByte(a, '@')
		if at > 0 {
			a = a[:at]
		}
		out = append(out, strings.ToLower(a))
	}
	return out
}

// pipNames returns pip's requirement names, skipping -r files, editable
// paths and URLs, and stripping version specifiers and extras.
func pipNames(vals []string) []string {
	var out []string
	skipNext := false
	for _, v := range vals {
		if skipNext {
			skipNext = false
			continue
		}
		switch {
		case v == "-r" || v == "--requirement" || v == "-e" || v == "--editable" || v == "-c" || v == "--constraint" ||
			v == "-i" || v == "--index-url" || v == "--extra-index-url" || v == "-t" || v == "--target" || v == "-f" || v == "--find-links":
			skipNext = true
			continue
		case strings.HasPrefix(v, "-") || v == "install" || v == "pip" || v == "add" || localSpec(v):
			continue
		}
		name := v
		if i := strings.IndexAny(name, "=<>!~;[ @"); i >= 0 {
			name = name[:i]
		}
		out = append(out, normalizePyPI(name))
	}
	return out
}

func plainNames(args []string) []string {
	var out []string
	for _, a := range args {
		if localSpec(a) {
			continue
		}
		if i := strings.IndexAny(a, "@=:"); i > 0 {
			a = a[:i]
		}
		out = append(out, strings.ToLower(a))
	}
	return out
}

func localSpec(a string) bool {
	return strings.HasPrefix(a, ".") || strings.HasPrefix(a, "/") || strings.HasPrefix(a, "~") ||
		strings.Contains(a, "://") || strings.HasPrefix(a, "git+") || strings.HasPrefix(a, "file:") ||
		strings.HasSuffix(a, ".tgz") || strings.HasSuffix(a, ".whl") || strings.HasSuffix(a, ".tar.gz") || isDynamic(a)
}

// normalizePyPI normalizes a PyPI name as PEP 503 does.
func normalizePyPI(name string) string {
	name = strings.ToLower(name)
	return strings.NewReplacer("_", "-", ".", "-").Replace(name)
}

// popular returns the embedded lists of popular package names, split on
// first use.
var popular = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"npm":  strings.Fields(popularNPM),
		"pypi": strings.Fields(popularPyPI),
	}
})

// typosquat reports whether name is one edit (insertion, deletion,
// substitution or swap of neighbours) away from a popular package's name
// without being a popular package itself.
func typosquat(manager, name string) (string, bool) {
	list := popular()[manager]
	if list == nil || len(name) < 4 || slices.Contains(list, name) {
		return "", false
	}
	for _, p := range list {
		if len(p) >= 5 && oneEdit(name, p) {
			return p, true
		}
	}
	return "", false
}

// oneEdit reports whether a and b differ by exactly one insertion,
// deletion, substitution or transposition of adjacent characters.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		i := 0
		for i < la && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // swap
	case la == lb+1:
		return deletes(a, b)
	case lb == la+1:
		return deletes(b, a)
	}
	return false
}

// deletes reports whether removing one character from long gives short.
func deletes(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}

// popularNPM is a list of widely used npm packages, for the typosquat
// check; a name on it is never flagged.
const popularNPM = `
react react-dom react-router react-router-dom redux react-redux next vue vue-router vuex nuxt svelte angular
@angular/core @angular/common @angular/cli express koa fastify hapi nestjs @nestjs/core socket.io ws axios
node-fetch got request superagent lodash lodash-es underscore ramda moment dayjs date-fns luxon chalk
colors kleur picocolors commander yargs minimist meow inquirer prompts ora debug dotenv cross-env
rimraf mkdirp glob minimatch fs-extra graceful-fs chokidar nodemon concurrently typescript ts-node tsx
@types/node @types/react eslint prettier jest mocha chai sinon vitest jasmine karma cypress playwright
puppeteer webpack webpack-cli webpack-dev-server babel-loader @babel/core @babel/preset-env
@babel/cli rollup vite esbuild parcel gulp grunt browserify uglify-js terser postcss autoprefixer
tailwindcss sass node-sass less styled-components emotion @emotion/react classnames clsx uuid nanoid
shortid body-parser cookie-parser cors helmet morgan passport jsonwebtoken bcrypt bcryptjs mongoose
mongodb mysql mysql2 pg sequelize typeorm prisma @prisma/client knex redis ioredis sqlite3 better-sqlite3
graphql apollo-server @apollo/client graphql-tag firebase aws-sdk @aws-sdk/client-s3 stripe twilio
nodemailer handlebars ejs pug mustache marked markdown-it highlight.js jquery bootstrap font-awesome
three d3 chart.js echarts leaflet socket.io-client rxjs immutable immer zustand mobx jotai recoil
formik yup zod joi ajv validator semver qs query-string path-to-regexp url-parse whatwg-url
cheerio jsdom xml2js fast-xml-parser papaparse csv-parser xlsx pdfkit sharp jimp canvas multer
busboy form-data mime mime-types async bluebird p-limit p-map p-queue eventemitter3 events util
inherits core-js regenerator-runtime tslib @types/jest ts-jest babel-jest supertest nock msw
husky lint-staged commitizen semantic-release lerna nx turbo yarn npm pnpm pm2 forever winston
pino bunyan log4js serve http-server live-server open execa shelljs cross-spawn which tree-kill
node-cron cron agenda bull bullmq kafkajs amqplib mqtt electron electron-builder react-native expo
@react-navigation/native ionic cordova gatsby remix astro storybook @storybook/react webpack-merge
html-webpack-plugin css-loader style-loader file-loader url-loader mini-css-extract-plugin
copy-webpack-plugin dotenv-webpack eslint-plugin-react eslint-config-prettier eslint-plugin-import
@typescript-eslint/parser @typescript-eslint/eslint-plugin stylelint nyc c8 istanbul coveralls
lru-cache node-cache keyv ms bytes humanize-duration numeral big.js bignumber.js decimal.js crypto-js
node-forge jose oauth argon2 speakeasy qrcode otplib socks proxy-agent http-proxy http-proxy-middleware
compression serve-static express-session connect-redis ip cidr-regex validator.js dompurify sanitize-html
xss escape-html he entities iconv-lite buffer safe-buffer string_decoder readable-stream through2
split2 pump stream-browserify rxjs-compat object-assign deepmerge merge clone lodash.merge lodash.get
fast-deep-equal deep-equal fast-json-stable-stringify json5 yaml js-yaml toml ini dotenv-expand envalid
convict nconf config cosmiconfig rc tar archiver adm-zip jszip unzipper yauzl node-gyp node-pre-gyp
bindings nan prebuild ffi-napi ref-napi serialport usb bluetooth-serial-port puppeteer-core
chromedriver selenium-webdriver webdriverio @playwright/test testing-library @testing-library/react
@testing-library/jest-dom enzyme react-test-renderer storybook-addon axe-core lighthouse
`

// popularPyPI is a list of widely used PyPI packages, for the typosquat
// check; a name on it is never flagged.
const popularPyPI = `
requests urllib3 certifi charset-normalizer idna numpy pandas scipy matplotlib seaborn scikit-learn
scikit-image tensorflow keras torch torchvision torchaudio jax flax transformers tokenizers datasets
huggingface-hub accelerate diffusers sentencepiece safetensors openai anthropic langchain llama-index
tiktoken pydantic pydantic-core fastapi starlette uvicorn gunicorn flask django djangorestframework
werkzeug jinja2 markupsafe itsdangerous click typer rich colorama termcolor tqdm loguru structlog
python-dateutil pytz tzdata arrow pendulum six setuptools wheel pip virtualenv pipenv poetry tox nox
pytest pytest-cov pytest-mock pytest-asyncio coverage mock hypothesis faker factory-boy freezegun
black isort flake8 pylint mypy ruff autopep8 yapf bandit pre-commit sphinx mkdocs mkdocs-material
boto3 botocore s3transfer awscli google-cloud-storage google-api-python-client azure-storage-blob
sqlalchemy alembic psycopg2 psycopg2-binary psycopg pymysql mysqlclient mysql-connector-python
pymongo redis celery kombu rq dramatiq aiohttp httpx httpcore h11 websockets websocket-client
grpcio grpcio-tools protobuf googleapis-common-protos pyyaml toml tomli tomlkit ujson orjson simplejson
msgpack lxml beautifulsoup4 html5lib scrapy selenium playwright pyppeteer paramiko fabric invoke
cryptography pyopenssl pycryptodome pycryptodomex bcrypt passlib pyjwt python-jose oauthlib
requests-oauthlib authlib python-dotenv environs decouple dynaconf attrs cattrs marshmallow cerberus
jsonschema voluptuous networkx sympy statsmodels xgboost lightgbm catboost opencv-python pillow
imageio nltk spacy gensim textblob jieba regex chardet cchardet pyparsing packaging platformdirs
appdirs filelock psutil watchdog schedule apscheduler docker kubernetes ansible pywin32 pyinstaller
cython numba pyarrow polars dask distributed ray joblib cloudpickle dill h5py tables netcdf4 xarray
openpyxl xlrd xlsxwriter python-docx pypdf pypdf2 reportlab markdown mistune pygments docutils
ipython jupyter jupyterlab notebook ipykernel ipywidgets nbformat nbconvert streamlit gradio dash
plotly bokeh altair graphviz pydot tabulate prettytable texttable humanize inflect python-slugify
unidecode emoji phonenumbers email-validator validators wtforms flask-sqlalchemy flask-login
flask-cors flask-wtf django-cors-headers django-environ whitenoise channels daphne sentry-sdk
prometheus-client opentelemetry-api opentelemetry-sdk datadog newrelic elasticsearch opensearch-py
pika kafka-python confluent-kafka pyzmq zmq twisted tornado gevent greenlet eventlet trio anyio
asyncio sniffio uvloop multidict yarl frozenlist aiosignal async-timeout more-itertools toolz cytoolz
wrapt decorator deprecated typing-extensions mypy-extensions importlib-metadata zipp future
pyserial pyusb bleak pygame pyglet kivy pyqt5 pyside6 wxpython tk keyring secretstorage jeepney
gitpython pygithub python-gitlab jira slack-sdk discord.py tweepy praw google-auth
google-auth-oauthlib httplib2 uritemplate rsa pyasn1 pyasn1-modules cachetools
`
