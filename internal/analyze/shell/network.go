package shell

import (
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/pathclass"
)

// httpClient handles curl, wget and their kin: the URLs they fetch, the
// files they upload, the files they write, and libraries they load.
func (w *walker) httpClient(name string, rest []arg, in flow) {
	w.netConn = true
	vals := values(rest)
	for _, v := range vals {
		if strings.Contains(v, "://") && !isDynamic(v) {
			w.urls(v)
		}
	}
	for i := 0; i < len(rest); i++ {
		flag, value, hasValue := splitFlag(rest, i)
		switch flag {
		case "-T", "--upload-file":
			if hasValue {
				w.uploadValue(value, in, name)
			}
		case "-d", "--data", "--data-binary", "--data-ascii", "--data-raw", "--data-urlencode", "--json", "--post-data", "--body-data":
			if hasValue {
				w.dataValue(value, in, name, flag == "--data-raw")
				w.sentValue(value)
			}
		case "-H", "--header":
			if hasValue {
				w.headerValue(value, name)
			}
		case "-u", "--user", "--oauth2-bearer", "--proxy-user", "--http-user", "--http-password", "--password":
			if hasValue {
				// Kept with the flag, which tells the secret scanner
				// what the value is (curl -u user:password).
				v := value
				v.val = name + " " + flag + " " + v.val
				w.authValue(v, name)
			}
		case "-F", "--form", "--form-string":
			if hasValue && flag != "--form-string" {
				if _, v, ok := strings.Cut(value.val, "="); ok && (strings.HasPrefix(v, "@") || strings.HasPrefix(v, "<")) {
					file, _, _ := strings.Cut(v[1:], ";")
					w.uploadValue(arg{val: file, dyn: value.dyn, word: value.word}, in, name)
				}
			}
		case "--post-file", "--body-file":
			if hasValue {
				w.uploadValue(value, in, name)
			}
		case "-o", "--output", "-O", "--output-document":
			if hasValue && !value.dyn && value.val != "-" && (name != "curl" || flag != "-O") {
				w.addPath(value.val, event.OpWrite, false, name+" output")
			}
		case "--engine":
			if hasValue && (strings.HasSuffix(value.val, ".so") || strings.Contains(value.val, "/")) {
				w.find(FindingLibraryLoad, name+" loads a library as a crypto engine", name+" --engine "+value.val)
			}
		case "--on-download-complete", "--on-download-error", "--on-download-start", "--on-download-stop", "--on-bt-download-complete", "--on-download-pause":
			if hasValue {
				w.find(FindingIndirectExec, name+" runs a command when a download ends", flag+"="+value.val)
			}
		}
	}
}

// sentValue records a literal value a network tool sends, for the secret
// scanner.
func (w *walker) sentValue(v arg) {
	if v.dyn || v.val == "" || strings.HasPrefix(v.val, "@") {
		return
	}
	sent := &w.s.Facts.Shell.Sent
	if len(*sent) < 32 {
		*sent = append(*sent, v.val)
	}
}

// headerValue records a header a network tool sends: authentication
// headers as credentials, others as data.
func (w *walker) headerValue(v arg, tool string) {
	name, _, _ := strings.Cut(v.val, ":")
	if !AuthHeader(strings.TrimSpace(name)) {
		w.sentValue(v)
		return
	}
	w.authValue(v, tool)
}

// authValue records a credential a network tool presents to the hosts it
// connects to. A credential read from a file at run time
// (-u "me:$(cat ~/.netrc)") is a flow like any other data sent.
func (w *walker) authValue(v arg, tool string) {
	if v.dyn {
		w.sent(w.argFlow(v), tool)
		return
	}
	auth := &w.s.Facts.Shell.Auth
	if v.val != "" && len(*auth) < 32 {
		*auth = append(*auth, v.val)
	}
}

// AuthHeader reports whether an HTTP header carries a credential for the
// host the request goes to: Authorization, cookies, and the API key and
// token headers services define (X-Api-Key, PRIVATE-TOKEN, ...).
func AuthHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie":
		return true
	}
	for _, part := range []string{"token", "api-key", "apikey", "api_key", "auth", "key", "secret", "password", "session"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// splitFlag returns the flag at i and its value, written as "-X value",
// "--flag=value" or "-Xvalue" (short flags only).
func splitFlag(rest []arg, i int) (flag string, value arg, ok bool) {
	a := rest[i]
	if a.dyn || !strings.HasPrefix(a.val, "-") {
		return "", arg{}, false
	}
	if k, v, found := strings.Cut(a.val, "="); found && strings.HasPrefix(a.val, "--") {
		return k, arg{val: v, word: a.word}, true
	}
	if i+1 < len(rest) {
		return a.val, rest[i+1], true
	}
	if len(a.val) > 2 && a.val[1] != '-' {
		return a.val[:2], arg{val: a.val[2:], word: a.word}, true
	}
	return a.val, arg{}, false
}

// uploadValue records a file given to an upload flag; "-" is standard
// input.
func (w *walker) uploadValue(v arg, in flow, tool string) {
	switch {
	case v.val == "-" || v.val == "/dev/stdin" || v.val == "@-":
		w.sent(in, tool)
	case v.dyn:
		w.find(FindingUpload, "data only known at run time is sent to another host", tool+" "+v.val)
	default:
		w.sentFile(v.val, tool)
	}
}

// dataValue records curl -d: "@file" uploads a file, "@-" standard input;
// other data is literal (the secrets analyzer looks at it).
func (w *walker) dataValue(v arg, in flow, tool string, raw bool) {
	switch {
	case v.dyn:
		w.sent(w.argFlow(v), tool)
	case !raw && strings.HasPrefix(v.val, "@"):
		w.uploadValue(arg{val: v.val[1:]}, in, tool)
	case !raw && strings.Contains(v.val, "=@"):
		_, file, _ := strings.Cut(v.val, "=@")
		w.uploadValue(arg{val: file}, in, tool)
	}
}

// argFlow returns what the substitutions in an argument carry, as in
// curl -d "$(cat ~/.ssh/id_rsa)".
func (w *walker) argFlow(a arg) flow {
	var out flow
	if a.word == nil {
		return out
	}
	syntax.Walk(a.word, func(n syntax.Node) bool {
		if cs, ok := n.(*syntax.CmdSubst); ok {
			out = out.join(w.flowOf(cs.Stmts, newEnv(w, w.s.Env.Home, w.s.Event.Cwd), nil, 0))
			return false
		}
		return true
	})
	return out
}

// sent records data leaving for another host, by what it carries.
func (w *walker) sent(in flow, tool string) {
	if in.env {
		w.find(FindingExfilEnv, "the environment is sent to another host", "env | "+tool)
	}
	for _, f := range in.files {
		w.sentFile(f, tool)
	}
	if in.download && !in.env && len(in.files) == 0 {
		return // relaying downloaded data
	}
	if !in.env && len(in.files) == 0 && !in.static && in.piped {
		w.find(FindingUpload, "command output is sent to another host", tool)
	}
}

// sentFile records a local file sent to another host.
func (w *walker) sentFile(file, tool string) {
	if isDynamic(file) || pseudoFile(file) {
		return
	}
	w.addPath(file, event.OpRead, false, tool+" upload")
	classes := w.classify(file)
	if hasClass(classes, pathclass.Credential) || hasClass(classes, pathclass.WardSecret) {
		w.find(FindingExfilSecret, "a credential file is sent to another host", tool+" "+file)
		return
	}
	w.find(FindingUpload, "a local file is sent to another host", tool+" "+file)
}

// netTool handles nc, socat, telnet and openssl s_client: shells wired to
// sockets, and data sent through them.
func (w *walker) netTool(name string, vals []string, in flow) {
	evidence := cleanEvidence(name + " " + strings.Join(vals, " "))
	switch name {
	case "nc", "ncat", "netcat":
		w.netConn = true
		listen := hasFlag(vals, "-l") || slices.Contains(vals, "--listen") || hasFlag(vals, "-lp") || slices.Contains(vals, "-lvp") || slices.Contains(vals, "-lnvp")
		for i, v := range vals {
			exec := v == "-e" || v == "-c" || v == "--exec" || v == "--sh-exec" || v == "--lua-exec" ||
				strings.HasPrefix(v, "-e") && len(v) > 2 && !strings.HasPrefix(v, "--") || isShortFlags(v) && strings.HasPrefix(v, "-") && strings.ContainsAny(v[1:], "ec") && i+1 < len(vals) && strings.HasPrefix(vals[i+1], "/")
			if exec {
				if listen {
					w.find(FindingBindShell, "a shell is offered on a listening port", evidence)
				} else {
					w.find(FindingReverseShell, "a shell is connected to a remote host", evidence)
				}
				return
			}
		}
		ops := operands(vals)
		if len(ops) >= 1 && !listen {
			w.urls("tcp://" + strings.Join(ops, ":"))
		}
		if !listen && !in.empty() {
			w.sent(in, name)
		}
	case "socat":
		w.netConn = true
		var execs, connects, listens bool
		for _, v := range vals {
			l := strings.ToLower(v)
			switch {
			case strings.HasPrefix(l, "exec:") || strings.HasPrefix(l, "system:") || strings.HasPrefix(l, "exec=") || strings.HasPrefix(l, "pty,exec"):
				execs = true
			case strings.HasPrefix(l, "tcp-listen:") || strings.HasPrefix(l, "tcp-l:") || strings.HasPrefix(l, "tcp4-listen:") || strings.HasPrefix(l, "tcp6-listen:") || strings.HasPrefix(l, "udp-listen:") || strings.HasPrefix(l, "openssl-listen:"):
				listens = true
			case strings.HasPrefix(l, "tcp:") || strings.HasPrefix(l, "tcp4:") || strings.HasPrefix(l, "tcp6:") || strings.HasPrefix(l, "tcp-connect:") || strings.HasPrefix(l, "udp:") || strings.HasPrefix(l, "openssl:") || strings.HasPrefix(l, "openssl-connect:") || strings.HasPrefix(l, "ssl:"):
				connects = true
				w.urls("tcp://" + v[strings.IndexByte(v, ':')+1:])
			case strings.HasPrefix(l, "open:") || strings.HasPrefix(l, "create:"):
				file, _, _ := strings.Cut(v[strings.IndexByte(v, ':')+1:], ",")
				w.addPath(file, event.OpWrite, false, "socat")
			}
		}
		switch {
		case execs && listens:
			w.find(FindingBindShell, "a shell is offered on a listening port", evidence)
		case execs && connects:
			w.find(FindingReverseShell, "a shell is connected to a remote host", evidence)
		case execs:
			w.find(FindingShellEscape, "socat runs a program", evidence)
		case connects && !in.empty():
			w.sent(in, name)
		}
	case "telnet", "finger":
		w.netConn = true
		if ops := operands(vals); len(ops) > 0 {
			w.urls("tcp://" + strings.Join(ops, ":"))
		}
		if !in.empty() {
			w.sent(in, name)
		}
	case "openssl":
		if len(vals) > 0 && vals[0] == "s_client" {
			w.netConn = true
			if !in.empty() {
				w.sent(in, "openssl s_client")
			}
		}
	case "lp":
		for i, v := range vals {
			if v == "-h" && i+1 < len(vals) {
				w.netConn = true
				w.urls("ipp://" + vals[i+1])
				for _, f := range operands(vals) {
					if f != vals[i+1] {
						w.sentFile(f, name)
					}
				}
			}
		}
	}
}

// transfer handles scp, rsync and other file transfer tools: local files
// sent to a remote destination are uploads.
func (w *walker) transfer(name string, vals []string, sc *scope) {
	w.netConn = true
	switch name {
	case "scp", "rsync":
		ops := transferOperands(name, vals)
		if len(ops) < 2 {
			return
		}
		dst := ops[len(ops)-1]
		if remotePath(dst) {
			w.urls(dst)
			for _, src := range ops[:len(ops)-1] {
				if !remotePath(src) {
					w.sentFile(src, name)
				}
			}
		} else {
			for _, src := range ops[:len(ops)-1] {
				if remotePath(src) {
					w.urls(src)
				}
			}
			w.addPath(dst, event.OpWrite, false, name+" destination")
		}
		for i, v := range vals {
			if (v == "-e" || v == "--rsh") && i+1 < len(vals) && !isDynamic(vals[i+1]) {
				w.script(vals[i+1], sc.nested(name+" -e"))
			}
			if v == "-o" && i+1 < len(vals) {
				w.sshOption(vals[i+1], sc)
			}
		}
	case "smbclient", "lftp", "ftp", "sftp", "tftp":
		for i, v := range vals {
			if (v == "-c" || v == "-e") && i+1 < len(vals) {
				cmd := vals[i+1]
				if strings.HasPrefix(strings.TrimSpace(cmd), "put ") || strings.Contains(cmd, "; put ") || strings.Contains(cmd, "mput ") {
					f := strings.Fields(strings.TrimSpace(cmd[strings.Index(cmd, "put ")+4:]))
					if len(f) > 0 {
						w.sentFile(f[0], name)
					}
				}
			}
		}
	case "rclone", "gsutil", "azcopy":
		ops := operands(vals)
		if len(ops) >= 3 && (ops[0] == "copy" || ops[0] == "sync" || ops[0] == "move" || ops[0] == "cp" || ops[0] == "mv" || ops[0] == "rsync") {
			dst := ops[len(ops)-1]
			if remotePath(dst) || strings.Contains(dst, "://") {
				for _, src := range ops[1 : len(ops)-1] {
					if !remotePath(src) && !strings.Contains(src, "://") {
						w.sentFile(src, name)
					}
				}
			}
		}
	}
}

// transferOperands returns scp's and rsync's operands, skipping the values
// of their options.
func transferOperands(name string, vals []string) []string {
	valued := "-e -o -i -P -F -J -S -c -l --rsh --exclude --include --filter --port --password-file --log-file --chmod --chown --rsync-path --timeout"
	if name == "scp" {
		valued = "-c -F -i -J -l -o -P -S -X"
	}
	list := strings.Fields(valued)
	var out []string
	for i := 0; i < len(vals); i++ {
		v := vals[i]
		if strings.HasPrefix(v, "-") && len(v) > 1 {
			if takesValue(v, list) {
				i++
			}
			continue
		}
		out = append(out, v)
	}
	return out
}

// remotePath reports whether an scp or rsync operand names another host:
// host:path, user@host:path, rsync://.
func remotePath(p string) bool {
	if isDynamic(p) {
		return false
	}
	if strings.HasPrefix(p, "rsync://") || strings.HasPrefix(p, "s3://") || strings.HasPrefix(p, "gs://") {
		return true
	}
	i := strings.IndexByte(p, ':')
	if i <= 0 {
		return false
	}
	slash := strings.IndexByte(p, '/')
	return slash < 0 || slash > i
}
