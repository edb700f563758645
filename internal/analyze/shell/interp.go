package shell

import (
	"encoding/base64"
	"regexp"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/agentward/ward/event"
)

// lang names an interpreter language.
type lang string

const (
	langPython     lang = "python"
	langNode       lang = "node"
	langPerl       lang = "perl"
	langRuby       lang = "ruby"
	langPHP        lang = "php"
	langLua        lang = "lua"
	langAwk        lang = "awk"
	langOsascript  lang = "osascript"
	langPowerShell lang = "powershell"
	langTcl        lang = "tcl"
	langOther      lang = "other" // julia, R, ghc, groovy, ...: strings are looked at, calls are not
)

// langOf returns the language of an interpreter, or "".
func langOf(name string) lang {
	switch {
	case name == "python" || name == "python2" || name == "python3" || strings.HasPrefix(name, "python3.") || name == "pypy" || name == "pypy3" || name == "python.exe":
		return langPython
	case name == "node" || name == "nodejs" || name == "bun" || name == "deno":
		return langNode
	case name == "perl" || name == "perl5":
		return langPerl
	case name == "ruby" || name == "jruby":
		return langRuby
	case name == "php" || strings.HasPrefix(name, "php") && len(name) <= 6:
		return langPHP
	case name == "lua" || name == "luajit" || strings.HasPrefix(name, "lua5"):
		return langLua
	case name == "awk" || name == "gawk" || name == "mawk" || name == "nawk":
		return langAwk
	case name == "osascript":
		return langOsascript
	case name == "powershell" || name == "pwsh" || name == "powershell.exe" || name == "pwsh.exe":
		return langPowerShell
	case name == "tclsh" || name == "wish" || name == "expect":
		return langTcl
	case name == "julia" || name == "Rscript" || name == "R" || name == "ghc" || name == "runghc" || name == "groovy" ||
		name == "slsh" || name == "octave" || name == "octave-cli" || name == "bpftrace" || name == "jjs" || name == "scala" ||
		name == "elixir" || name == "erl" || name == "ghci":
		return langOther
	}
	return ""
}

// codeFlags are the flags that take code, by language.
func codeFlags(l lang) []string {
	switch l {
	case langPython:
		return []string{"-c"}
	case langNode:
		return []string{"-e", "--eval", "-p", "--print", "eval"}
	case langPerl:
		return []string{"-e", "-E"}
	case langRuby, langLua, langOsascript:
		return []string{"-e"}
	case langPHP:
		return []string{"-r", "-R", "-B", "-E"}
	case langTcl:
		return []string{"-c"}
	case langPowerShell:
		return []string{"-command", "-c", "-cmd"}
	case langOther:
		return []string{"-e", "--eval", "-eval", "-ex", "--ex", "-a", "--args"}
	}
	return nil
}

// interpreter handles interpreters given code on the command line or on
// standard input. It reports whether name is one.
func (w *walker) interpreter(name string, rest []arg, sc *scope, in flow) bool {
	l := langOf(name)
	if l == "" {
		return false
	}
	label := name
	codes, script, dynamicCode := interpreterCode(l, rest)
	if dynamicCode != nil {
		w.execUnknown(*dynamicCode, sc, label+" -c")
	}
	for _, c := range codes {
		w.find(FindingInterpreter, name+" runs code given on the command line", c)
		w.code(l, c, sc.nested(label))
	}
	if l == langPython {
		w.pythonModule(rest, sc, in)
	}
	switch {
	case len(codes) > 0 || dynamicCode != nil || script == moduleMark:
	case script != "" && script != "-":
		w.addPath(script, event.OpExec, false, name+" script")
		if text, ok := w.writtenFile(script); ok {
			w.code(l, text, sc.nested(label+" "+script))
		}
	case l == langAwk:
	case script == "-" || !in.empty():
		if in.static {
			if in.decoded {
				w.decodedExec(in.text, label)
			}
			w.code(l, in.text, sc.nested(label+" <"))
		} else {
			w.execFlow(flow{download: in.download, decoded: in.decoded, files: in.files, env: in.env, piped: true}, sc, label)
		}
	}
	// The interpreter may also read or write files named as operands.
	if l == langAwk || l == langOther {
		w.escapes(name, rest)
	}
	return true
}

// interpreterCode finds the code an interpreter runs: the values of its
// code flags (every -e of perl -e 'a' -e 'b'), awk's program, or
// PowerShell's -Command and -EncodedCommand; and its script operand.
func interpreterCode(l lang, rest []arg) (codes []string, script string, dynamic *arg) {
	flags := codeFlags(l)
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		v := strings.ToLower(a.val)
		if l == langPowerShell && (v == "-encodedcommand" || v == "-enc" || v == "-ec" || v == "-e") && i+1 < len(rest) {
			if text, ok := powershellDecode(rest[i+1].val); ok {
				codes = append(codes, text)
			}
			i++
			continue
		}
		matched := false
		for _, f := range flags {
			switch {
			case a.val == f || l == langPowerShell && v == f:
				matched = true
			case l == langPerl && strings.HasPrefix(a.val, "-") && !strings.HasPrefix(a.val, "--") && strings.HasSuffix(a.val, "e") && isShortFlags(a.val):
				matched = true // perl -ne, -lne, -pe
			case l == langRuby && (a.val == "-ne" || a.val == "-pe"):
				matched = true
			}
		}
		if !matched && !a.dyn && l != langPowerShell && l != langAwk {
			if code, ok := attachedCode(a.val, flags); ok {
				codes = append(codes, code)
				continue
			}
		}
		if matched && i+1 < len(rest) {
			next := rest[i+1]
			if next.dyn {
				d := next
				dynamic = &d
			} else if l == langPowerShell {
				codes = append(codes, strings.Join(values(rest[i+1:]), " "))
				return codes, "", dynamic
			} else {
				codes = append(codes, next.val)
			}
			i++
			continue
		}
		if l == langAwk && (a.val == "-f" || a.val == "--file") && i+1 < len(rest) {
			return nil, rest[i+1].val, nil
		}
		if l == langAwk && (a.val == "-v" || a.val == "-F") {
			i++
			continue
		}
		if strings.HasPrefix(a.val, "-") && a.val != "-" {
			if l == langPython && strings.HasPrefix(a.val, "-m") {
				return codes, moduleMark, dynamic // python -m runs a module; its input is data
			}
			continue
		}
		if l == langAwk && len(codes) == 0 {
			if a.dyn {
				d := a
				dynamic = &d
				return
			}
			codes = append(codes, a.val)
			return codes, "", nil
		}
		if len(codes) == 0 && dynamic == nil {
			script = a.val
		}
		return codes, script, dynamic
	}
	return codes, script, dynamic
}

// moduleMark stands for the script of python -m, which runs an installed
// module rather than code given on the command line.
const moduleMark = "\x00module"

// attachedCode returns the code of a flag written with its value attached,
// as in python -c"print(1)" or ruby -e'puts 1'.
func attachedCode(a string, flags []string) (string, bool) {
	for _, f := range flags {
		if len(f) == 2 && strings.HasPrefix(a, f) && len(a) > 2 {
			return a[2:], true
		}
	}
	return "", false
}

// powershellDecode decodes -EncodedCommand: base64 of UTF-16LE.
func powershellDecode(s string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u)), true
}

// pythonModule handles python -m: pip installs and servers.
func (w *walker) pythonModule(rest []arg, sc *scope, in flow) {
	for i, a := range rest {
		if a.val == "-m" && i+1 < len(rest) {
			mod := rest[i+1].val
			switch mod {
			case "pip", "pip3", "uv":
				w.packages("pip", values(rest[i+2:]))
			}
			return
		}
	}
}

// interpreterHints records what interpreters' flags give away: perl's
// -MIO::Socket and ruby's -rsocket load socket libraries.
func (w *walker) interpreterHints(name string, vals []string) {
	for _, v := range vals {
		if strings.HasPrefix(v, "-MIO") || strings.Contains(v, "Socket") || v == "-rsocket" {
			w.netConn = true
		}
	}
}

// langPatterns are the regular expressions that find calls in one
// language's code.
type langPatterns struct {
	exec    *regexp.Regexp // calls that run a command; the call's arguments follow the match
	del     *regexp.Regexp // calls that delete a path
	delRec  *regexp.Regexp // calls that delete a tree
	read    *regexp.Regexp // calls that read a path
	write   *regexp.Regexp // calls that write a path
	socket  *regexp.Regexp // socket use
	listen  *regexp.Regexp // listening sockets
	spawn   *regexp.Regexp // shell spawning and descriptor plumbing
	library *regexp.Regexp // loading native libraries
	decode  *regexp.Regexp // base64 decoding of a literal
	evalDyn *regexp.Regexp // evaluating code built at run time
	env     *regexp.Regexp // the whole environment
	fetch   *regexp.Regexp // fetching URLs
	// writeAt are calls whose first capture group is a path they write,
	// where the path is not the call's first argument (open(path, "w"),
	// Path(path).write_text, shutil.copy(src, dst)).
	writeAt []*regexp.Regexp
}

// patterns compiles the call patterns once per process, on first use, so
// that processes that never see an interpreter pay nothing.
var patterns = sync.OnceValue(func() map[lang]*langPatterns {
	c := regexp.MustCompile
	return map[lang]*langPatterns{
		langPython: {
			exec:    c(`\b(?:os\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput|pty\.spawn|Popen|\w+\.system|\w+\.(?:check_output|getoutput))\s*\(|shell\s*=\s*True`),
			del:     c(`\b(?:os\.(?:remove|unlink|rmdir|removedirs)|\.unlink|\.rmdir)\s*\(`),
			delRec:  c(`\bshutil\.rmtree\s*\(`),
			read:    c(`\bopen\s*\(|\.read_text\s*\(|\.read_bytes\s*\(`),
			write:   c(`\bopen\s*\([^)]*['"][wa]\+?b?['"]|\.write_text\s*\(`),
			socket:  c(`\bsocket\b|\bsocket\.socket\b|\.connect\s*\(\s*\(`),
			listen:  c(`\.bind\s*\(|\.listen\s*\(`),
			spawn:   c(`pty\.spawn|os\.dup2|/bin/(?:ba|z|da)?sh\b|["']sh["']|["']-i["']`),
			library: c(`\bctypes\b|\bcdll\b|\bCDLL\s*\(|LoadLibrary`),
			decode:  c(`b(?:64|32|16)decode\s*\(\s*b?['"]([A-Za-z0-9+/=_-]{8,})['"]`),
			evalDyn: c(`\b(?:exec|eval)\s*\(`),
			env:     c(`\bos\.environ\b(?:\s*[^\[.g])|dict\(os\.environ\)|os\.environ\.items`),
			fetch:   c(`\burllib\.request\.url(?:open|retrieve)|\burlopen\s*\(|\brequests\.(?:get|post|put)\s*\(|\bhttpx\.|\bwget\.download`),
			writeAt: []*regexp.Regexp{
				c(`\bopen\s*\(\s*('[^']+'|"[^"]+")\s*,\s*(?:mode\s*=\s*)?['"][rbt]*[wax+]`),
				c(`\bPath\s*\(\s*('[^']+'|"[^"]+")\s*\)\s*\.\s*(?:write_text|write_bytes|touch|symlink_to|open\s*\(\s*['"][rbt]*[wax+])`),
				c(`\bshutil\.(?:copy\w*|move)\s*\([^,()]+,\s*('[^']+'|"[^"]+")`),
				c(`\bos\.(?:rename|replace|symlink|link)\s*\([^,()]+,\s*('[^']+'|"[^"]+")`),
			},
		},
		langNode: {
			exec:    c(`\b(?:exec|execSync|execFile|execFileSync|spawn|spawnSync|fork)\s*\(`),
			del:     c(`\b(?:unlink|unlinkSync|rmdir|rmdirSync)\s*\(`),
			delRec:  c(`\b(?:rmSync|rm|rimraf|removeSync|remove)\s*\(`),
			read:    c(`\breadFile(?:Sync)?\s*\(|\bcreateReadStream\s*\(`),
			write:   c(`\b(?:writeFile|appendFile)(?:Sync)?\s*\(|\bcreateWriteStream\s*\(`),
			socket:  c(`\bnet\.(?:Socket|connect|createConnection)\b|\bnew\s+net\.Socket|\bdgram\b|\bWebSocket\b`),
			listen:  c(`\.listen\s*\(|createServer`),
			spawn:   c(`/bin/(?:ba|z|da)?sh\b|["']sh["']|\.pipe\s*\(`),
			library: c(`process\.dlopen|\bffi\b`),
			decode:  c(`(?:Buffer\.from|atob)\s*\(\s*['"]([A-Za-z0-9+/=_-]{8,})['"]`),
			evalDyn: c(`\beval\s*\(|new\s+Function\s*\(`),
			env:     c(`\bprocess\.env\b(?:\s*[^.\[]|$)|JSON\.stringify\(process\.env\)`),
			fetch:   c(`\bfetch\s*\(|\bhttps?\.(?:get|request)\s*\(|\baxios\b`),
		},
		langPerl: {
			exec:    c(`\b(?:system|exec)\s*\(?|\bqx\s*[({/]|\bopen\s*\(?\s*\w+\s*,\s*["']\|`),
			del:     c(`\b(?:unlink|rmdir)\s*\(?`),
			delRec:  c(`\b(?:rmtree|remove_tree)\s*\(`),
			read:    c(`\bopen\s*\(?\s*\w+\s*,\s*["']<?`),
			write:   c(`\bopen\s*\(?\s*\w+\s*,\s*["']>`),
			socket:  c(`IO::Socket|\bsocket\s*\(|\bconnect\s*\(`),
			listen:  c(`\blisten\s*\(|Listen\s*=>`),
			spawn:   c(`/bin/(?:ba|z|da)?sh\b|\bfdopen\b|open\s*\(\s*STD(?:IN|OUT|ERR)|system\s*\$_|\bexec\s*\{`),
			library: c(`DynaLoader|dl_load_file`),
			decode:  c(`decode_base64\s*\(\s*['"]([A-Za-z0-9+/=]{8,})['"]`),
			evalDyn: c(`\beval\s*[({]`),
			env:     c(`%ENV\b`),
			fetch:   c(`LWP::|HTTP::Tiny|\bgetstore\s*\(`),
			writeAt: []*regexp.Regexp{
				c(`\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*['"]\+?>>?['"]\s*,\s*('[^']+'|"[^"]+")`),
				c(`\bopen\s*\(?\s*(?:my\s+)?\$?\w+\s*,\s*['"]\+?>>?\s*([^'"\s][^'"]*)['"]`),
			},
		},
		langRuby: {
			exec:    c(`\b(?:system|exec|spawn|IO\.popen|Open3\.\w+|%x)\s*[({]?|` + "`"),
			del:     c(`\bFile\.(?:delete|unlink)\s*\(|\bFileUtils\.(?:rm|rm_f|remove)\s*\(`),
			delRec:  c(`\bFileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry)\s*\(`),
			read:    c(`\bFile\.(?:read|open)\s*\(|\bIO\.read\s*\(`),
			write:   c(`\bFile\.write\s*\(`),
			socket:  c(`TCPSocket|UDPSocket|Socket\.new|\bsocket\b`),
			listen:  c(`TCPServer|\.listen\b`),
			spawn:   c(`/bin/(?:ba|z|da)?sh\b|\bIO\.popen|\$_\s*=~|\.gets\b`),
			library: c(`Fiddle|\bdlopen\b|\bffi\b`),
			decode:  c(`Base64\.(?:decode64|strict_decode64)\s*\(\s*['"]([A-Za-z0-9+/=]{8,})['"]`),
			evalDyn: c(`\beval\s*[( ]`),
			env:     c(`\bENV\.(?:to_h|each|inspect|to_a)\b`),
			fetch:   c(`Net::HTTP|open-uri|URI\.open`),
		},
		langPHP: {
			exec:    c(`\b(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)\s*\(|` + "`"),
			del:     c(`\b(?:unlink|rmdir)\s*\(`),
			read:    c(`\b(?:file_get_contents|fopen|file|readfile)\s*\(`),
			write:   c(`\bfile_put_contents\s*\(`),
			socket:  c(`\bfsockopen\s*\(|\bsocket_create\b|stream_socket_client`),
			listen:  c(`socket_listen|stream_socket_server`),
			spawn:   c(`/bin/(?:ba|z|da)?sh\b|0<&3|pcntl_exec`),
			library: c(`\bdl\s*\(|FFI::`),
			decode:  c(`base64_decode\s*\(\s*['"]([A-Za-z0-9+/=]{8,})['"]`),
			evalDyn: c(`\b(?:eval|assert|create_function)\s*\(`),
			env:     c(`\$_ENV\b|getenv\s*\(\s*\)`),
			fetch:   c(`file_get_contents\s*\(\s*['"]https?:|curl_exec`),
		},
		langLua: {
			exec:    c(`\bos\.execute\s*\(|\bio\.popen\s*\(`),
			del:     c(`\bos\.remove\s*\(`),
			read:    c(`\bio\.open\s*\(`),
			socket:  c(`\bsocket\b`),
			spawn:   c(`/bin/(?:ba|z|da)?sh\b`),
			library: c(`package\.loadlib|ffi\.load`),
		},
		langAwk: {
			exec:   c(`\bsystem\s*\(|\|\s*getline|print[^|]*\|\s*["']`),
			spawn:  c(`/bin/(?:ba|z|da)?sh\b`),
			socket: c(`/inet/`),
		},
		langOsascript: {
			exec: c(`do shell script\s*`),
		},
		langPowerShell: {
			exec:    c(`(?i)\b(?:Start-Process|Invoke-Expression|iex|cmd(?:\.exe)?\s+/c)\b`),
			delRec:  c(`(?i)\b(?:Remove-Item|rm|del|rmdir)\b[^;]*-(?:Recurse|r)\b`),
			socket:  c(`(?i)Net\.Sockets\.TCPClient|Net\.Sockets\.Socket|TcpListener`),
			listen:  c(`(?i)TcpListener`),
			spawn:   c(`(?i)\biex\b|Invoke-Expression|cmd\.exe|powershell`),
			decode:  c(`(?i)FromBase64String\s*\(\s*['"]([A-Za-z0-9+/=]{8,})['"]`),
			evalDyn: c(`(?i)\b(?:iex|Invoke-Expression)\b`),
			fetch:   c(`(?i)\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString|DownloadFile|Net\.WebClient)\b`),
		},
		langTcl: {
			exec:   c(`\bexec\s+`),
			socket: c(`\bsocket\s+`),
			spawn:  c(`/bin/(?:ba|z|da)?sh\b|\beval\b`),
		},
		langOther: {
			exec:    c(`\b(?:system|callCommand|spawnCommand|run|shell|os\.execute|execute|readProcess|Process\.(?:start|run)|exec\.Command|Runtime\.getRuntime\(\)\.exec)\s*\(?|!\s*/|%\(`),
			socket:  c(`\bsocket\b|connect\s*\(|net\.Dial|\bDial(?:TCP)?\s*\(|new\s+Socket\s*\(`),
			spawn:   c(`/bin/(?:ba|z|da)?sh\b`),
			library: c(`\bdlopen\b|LoadLibrary`),
			fetch:   c(`\bdownload\s*\(|\burl\s*\(`),
		},
	}
})

// maxCodeCalls bounds the calls looked at in one piece of code.
const maxCodeCalls = 64

// code looks at interpreter code: commands it runs (analyzed as shell),
// paths it deletes, reads and writes, sockets and shells that make a
// reverse shell, libraries it loads, and encoded code it decodes and runs.
func (w *walker) code(l lang, src string, sc *scope) {
	if sc.depth > MaxDepth || w.parsed+len(src) > MaxScript {
		w.tooComplex("interpreter code nests too deeply or is too long to analyze")
		return
	}
	w.parsed += len(src)
	p := patterns()[l]
	if p == nil {
		return
	}
	if l == langOsascript {
		for _, cmd := range osascriptCommands(src) {
			w.script(cmd, sc.nested("osascript"))
		}
	}
	w.codeCalls(p.exec, src, func(arg string) {
		w.script(arg, sc.nested(string(l)))
	})
	w.codeCalls(p.delRec, src, func(arg string) {
		w.find(FindingDeleteRecursive, "code deletes a directory tree", arg)
		w.addPath(arg, event.OpDelete, true, string(l)+" code")
	})
	w.codeCalls(p.del, src, func(arg string) {
		w.addPath(arg, event.OpDelete, false, string(l)+" code")
	})
	w.codeCalls(p.write, src, func(arg string) {
		w.addPath(arg, event.OpWrite, false, string(l)+" code")
	})
	for _, re := range p.writeAt {
		for _, m := range re.FindAllStringSubmatch(src, maxCodeCalls) {
			w.addPath(strings.Trim(m[1], `'"`), event.OpWrite, false, string(l)+" code")
		}
	}
	w.codeCalls(p.read, src, func(arg string) {
		if strings.Contains(arg, "://") {
			w.urls(arg)
			return
		}
		w.addPath(arg, event.OpRead, false, string(l)+" code")
	})
	w.codeNetwork(l, p, src)
	if p.library != nil && p.library.MatchString(src) {
		w.find(FindingLibraryLoad, "code loads a native library", firstMatch(p.library, src))
	}
	w.codeDecode(l, p, src, sc)
	for _, u := range urlsIn(src) {
		w.urls(u)
	}
}

// codeNetwork records sockets wired to shells (reverse and bind shells),
// downloads that are run, and the environment sent out.
func (w *walker) codeNetwork(l lang, p *langPatterns, src string) {
	socket := p.socket != nil && p.socket.MatchString(src)
	spawn := p.spawn != nil && p.spawn.MatchString(src)
	execs := p.exec != nil && p.exec.MatchString(src)
	fetch := p.fetch != nil && p.fetch.MatchString(src)
	if socket {
		w.netConn = true
	}
	if spawn || execs && socket {
		w.shellStarted = true
	}
	switch {
	case socket && p.listen != nil && p.listen.MatchString(src) && (spawn || execs):
		w.find(FindingBindShell, "code offers a shell on a listening socket", trimCode(src))
	case socket && (spawn || execs):
		w.find(FindingReverseShell, "code connects a shell to a remote host", trimCode(src))
	}
	if fetch && p.evalDyn != nil && p.evalDyn.MatchString(src) {
		w.find(FindingDownloadExec, "code downloads code and runs it", trimCode(src))
	}
	if (fetch || socket) && p.env != nil && p.env.MatchString(src) {
		w.find(FindingExfilEnv, "code sends the environment to another host", trimCode(src))
	}
	if fetch {
		w.netConn = true
	}
}

// codeDecode follows base64 literals that code decodes and runs.
func (w *walker) codeDecode(l lang, p *langPatterns, src string, sc *scope) {
	if p.decode == nil || p.evalDyn == nil || !p.evalDyn.MatchString(src) {
		return
	}
	for _, m := range p.decode.FindAllStringSubmatch(src, 4) {
		text, ok := base64Decode(m[1])
		if !ok || !validText(text) {
			w.find(FindingObfuscatedExec, "code decodes a payload and runs it; ward could not decode it", m[1])
			continue
		}
		w.decodedExec(text, string(l))
		w.code(l, text, sc.nested(string(l)+" decoded"))
		if l == langPowerShell || l == langOther {
			w.script(text, sc.nested(string(l)+" decoded"))
		}
	}
}

// codeCalls finds each call of re in src and hands fn the command its
// arguments spell: the first string literal, or a list of string literals
// joined with spaces.
func (w *walker) codeCalls(re *regexp.Regexp, src string, fn func(string)) {
	if re == nil {
		return
	}
	for _, loc := range re.FindAllStringIndex(src, maxCodeCalls) {
		if s, ok := callArgument(src[loc[1]:]); ok {
			fn(s)
		}
	}
}

// callArgument reads the start of a call's arguments: a string literal,
// or a list of them ["rm", "-rf", x] (joined with spaces, stopping at the
// first element that is not a literal).
func callArgument(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t(")
	if s == "" {
		return "", false
	}
	if s[0] == '[' || s[0] == '{' && false {
		var parts []string
		rest := s[1:]
		for len(parts) < 32 {
			rest = strings.TrimLeft(rest, " \t,")
			lit, n, ok := stringLiteral(rest)
			if !ok {
				break
			}
			parts = append(parts, lit)
			rest = rest[n:]
		}
		return strings.Join(parts, " "), len(parts) > 0
	}
	lit, _, ok := stringLiteral(s)
	return lit, ok
}

// stringLiteral reads a quoted string literal at the start of s: single,
// double or backquoted, with backslash escapes. Python's b, r and f
// prefixes are skipped.
func stringLiteral(s string) (string, int, bool) {
	i := 0
	for i < len(s) && i < 2 && strings.IndexByte("brfuBRFU", s[i]) >= 0 {
		i++
	}
	if i >= len(s) || strings.IndexByte("\"'`", s[i]) < 0 {
		return "", 0, false
	}
	q := s[i]
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '\\' && j+1 < len(s):
			j++
			switch s[j] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[j])
			}
		case c == q:
			return b.String(), j + 1, true
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// osascriptCommands finds the commands of "do shell script" calls.
func osascriptCommands(src string) []string {
	var out []string
	for _, part := range strings.Split(src, "do shell script")[1:] {
		if lit, _, ok := stringLiteral(strings.TrimSpace(part)); ok {
			out = append(out, lit)
		}
	}
	return out
}

func firstMatch(re *regexp.Regexp, s string) string {
	return re.FindString(s)
}

func trimCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// urlsIn finds URLs written in code.
func urlsIn(s string) []string {
	var out []string
	for i := 0; i < len(s) && len(out) < 16; {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		start := i + j
		for start > 0 && isSchemeChar(s[start-1]) {
			start--
		}
		end := i + j + 3
		for end < len(s) && !strings.ContainsRune(" \t\n'\"`)]},;<>|", rune(s[end])) {
			end++
		}
		if start < i+j && end > i+j+3 {
			out = append(out, s[start:end])
		}
		i = end
	}
	return out
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}
