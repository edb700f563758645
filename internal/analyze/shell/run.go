package shell

import (
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
)

// run handles one simple command given as expanded arguments: it records
// it, unwraps what it runs, and works out what it does. Programs are
// analyzed by base name: /bin/rm and ./rm are both rm, since a binary
// named rm is as likely to be rm as not, and its arguments say what it is
// asked to do.
func (w *walker) run(args []arg, sc *scope, in flow, st *syntax.Stmt) {
	if len(args) == 0 || args[0].val == "" || !w.step() {
		return
	}
	if args[0].dyn {
		w.dynamicCommand(args, sc)
		return
	}
	if sc.depth > MaxDepth {
		w.tooComplex("wrappers nest too deeply to analyze")
		return
	}
	prog := args[0].val
	name := commandName(prog)
	rest := args[1:]
	cmd := event.Command{Name: name, Args: values(rest), Via: sc.via}
	if prog != name {
		cmd.Path = prog
	}
	w.record(cmd)
	if strings.Contains(prog, "/") && w.runWritten(prog, sc) {
		return
	}
	if w.special(name, rest, sc, in, st) {
		return
	}
	if inner, privileged, label, ok := unwrap(name, rest); ok {
		w.wrapped(name, inner, privileged, label, rest, sc, in, st)
		return
	}
	if spec, ok := wrapperOf(name); ok {
		w.bareWrapper(name, spec, rest)
	}
	if w.interpreter(name, rest, sc, in) {
		return
	}
	w.semantics(name, rest, sc, in)
	for _, ref := range pathRoles(name, values(rest)) {
		w.addPath(ref.Path, ref.Op, ref.Recursive, name+" argument")
	}
	w.escapes(name, rest)
}

// commandName returns the name a program is analyzed as: the base name of
// an absolute path (/bin/rm and /tmp/socat are rm and socat), the path
// itself for a relative one (./script is the project's script, not
// script(1)).
func commandName(prog string) string {
	if strings.HasPrefix(prog, "/") || !strings.Contains(prog, "/") {
		return path.Base(prog)
	}
	return prog
}

// special handles commands that are not wrappers but run code: shells,
// eval, source, su, find, busybox, ssh and alias.
func (w *walker) special(name string, rest []arg, sc *scope, in flow, st *syntax.Stmt) bool {
	switch {
	case isShell(name):
		w.shell(name, rest, sc, in)
	case name == "eval":
		w.eval(rest, sc)
	case name == "source" || name == ".":
		w.source(rest, sc, in)
	case name == "su":
		w.su(rest, sc)
	case name == "alias":
		w.alias(rest)
	case name == "find":
		w.findCmd(rest, sc, in, st)
	case name == "busybox" || name == "toybox":
		if len(rest) > 0 {
			w.run(rest, sc.nested(name), in, st)
		}
	case name == "ssh":
		w.ssh(rest, sc)
	case name == "script":
		w.scriptCmd(rest, sc)
	case (name == "docker" || name == "podman" || name == "nerdctl" || name == "kubectl" || name == "oc") && len(rest) > 0 && rest[0].val == "exec":
		w.containerExec(name, rest[1:], sc, in, st)
		w.semantics(name, rest, sc, in)
	default:
		return false
	}
	return true
}

// wrapped handles a wrapper and the command it runs.
func (w *walker) wrapped(name string, inner []arg, privileged bool, label string, rest []arg, sc *scope, in flow, st *syntax.Stmt) {
	if privileged {
		w.find(FindingSudo, "the command runs with another user's privileges", name+" "+strings.Join(values(inner), " "))
	}
	switch name {
	case "nsenter":
		w.semantics(name, rest, sc, in)
	case "systemd-run":
		w.find(FindingPersistService, "a command runs as a system service, outside the session", "systemd-run "+strings.Join(values(inner), " "))
	case "watch":
		// watch runs its arguments through sh -c.
		w.script(strings.Join(values(inner), " "), sc.nested(label))
		return
	case "xargs":
		w.xargs(inner, rest, sc)
	case "env":
		w.envSplit(rest, sc)
	}
	w.run(inner, sc.nested(label), in, st)
}

// bareWrapper handles a wrapper given no command: some start a shell.
func (w *walker) bareWrapper(name string, spec wrapper, rest []arg) {
	if spec.privileged {
		w.find(FindingSudo, "the command runs with another user's privileges", name+" "+strings.Join(values(rest), " "))
	}
	interactive := spec.shellWhenBare && !slices.ContainsFunc(rest, func(a arg) bool {
		switch a.val {
		case "--list", "--tree", "--top", "--help", "-h", "--version", "-V", "--debug-caps", "--debug-syscalls":
			return true
		}
		return false
	})
	if name == "sudo" || name == "doas" {
		for _, a := range rest {
			switch a.val {
			case "-i", "-s", "--login", "--shell":
				interactive = true
			}
		}
	}
	if interactive {
		w.find(FindingInteractive, "an interactive shell is started", strings.TrimSpace(name+" "+strings.Join(values(rest), " ")))
	}
}

// shell handles sh, bash and the other shells: a -c script, a script
// read from standard input, a script file, or an interactive session.
func (w *walker) shell(name string, rest []arg, sc *scope, in flow) {
	call := parseShell(rest)
	label := name + " -c"
	switch {
	case call.hasCommand && !call.dynamic:
		w.script(call.command, sc.nested(label))
	case call.hasCommand:
		w.execPartly(call.commandArg, sc, label)
	case call.hasScript:
		w.shellScript(name, call, rest, sc)
	case call.stdin || !in.empty():
		w.execFlow(in, sc, name)
	default:
		w.find(FindingInteractive, "an interactive shell is started", strings.TrimSpace(name+" "+strings.Join(values(rest), " ")))
	}
	if call.privileged && !call.hasCommand && !call.hasScript {
		w.find(FindingInteractive, "a privileged shell is started (-p keeps the setuid owner's rights)", name+" -p")
	}
}

// shellScript handles a shell given a script operand: a file, or a
// process substitution such as bash <(curl ...).
func (w *walker) shellScript(name string, call shellCall, rest []arg, sc *scope) {
	for _, a := range rest {
		if a.val != call.script {
			continue
		}
		if a.dyn {
			w.execUnknown(a, sc, name)
			return
		}
		w.addPath(a.val, event.OpExec, false, name+" script")
		w.runWritten(a.val, sc)
		return
	}
}

// execUnknown handles a script whose text is only known at run time, such
// as sh -c "$(curl ...)" or bash <(base64 -d <<< ...).
func (w *walker) execUnknown(a arg, sc *scope, label string) {
	switch w.producerOf(a.word, sc) {
	case producerDownload:
		w.find(FindingDownloadExec, "something downloaded is run as a script", label+" "+a.val)
	case producerDecode:
		w.find(FindingObfuscatedExec, "a decoded payload is run and ward could not decode it", label+" "+a.val)
	default:
		w.find(FindingDynamicCommand, "a script only known at run time is run", label+" "+a.val)
	}
}

// execPartly handles a script whose text is partly known, as in
// bash -c "test '$(readlink x)' = y": the shell's own substitutions stay
// substitutions inside the script, so its structure is analyzed; only a
// download or a decoded payload stands for the whole script.
func (w *walker) execPartly(a arg, sc *scope, label string) {
	switch w.producerOf(a.word, sc) {
	case producerDownload, producerDecode:
		w.execUnknown(a, sc, label)
		return
	}
	if src, ok := unquotedSource(a.word); ok {
		w.script(src, sc.nested(label))
		return
	}
	w.execUnknown(a, sc, label)
}

// unquotedSource returns a word's text with its quotes removed and its
// expansions left as written.
func unquotedSource(word *syntax.Word) (string, bool) {
	if word == nil {
		return "", false
	}
	var b strings.Builder
	var parts func(ps []syntax.WordPart) bool
	parts = func(ps []syntax.WordPart) bool {
		for _, p := range ps {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				if p.Dollar {
					return false
				}
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				if !parts(p.Parts) {
					return false
				}
			default:
				b.WriteString(printNode(p))
			}
		}
		return true
	}
	if !parts(word.Parts) {
		return "", false
	}
	return b.String(), true
}

// execFlow handles text piped, redirected or substituted into a shell.
func (w *walker) execFlow(f flow, sc *scope, label string) {
	switch {
	case f.static && f.download:
		w.find(FindingDownloadExec, "something downloaded is run as a script", label)
	case f.static:
		if f.decoded {
			w.decodedExec(f.text, label)
		}
		w.script(f.text, sc.nested(label+" <"))
	case f.download:
		w.find(FindingDownloadExec, "something downloaded is run as a script", label)
	case f.decoded:
		w.find(FindingObfuscatedExec, "a decoded payload is run and ward could not decode it", label)
	case f.env:
		w.find(FindingPipeExec, "text produced at run time is run as a script", "env | "+label)
	default:
		evidence := label
		if len(f.files) > 0 {
			evidence = strings.Join(f.files, " ") + " | " + label
		}
		w.find(FindingPipeExec, "text produced at run time is run as a script", evidence)
	}
}

// decodedExec records a payload decoded from an obfuscated pipeline.
func (w *walker) decodedExec(text, label string) {
	if !validText(text) {
		w.find(FindingObfuscatedExec, "a decoded payload is run and it is not text", label)
		return
	}
	d := &w.s.Facts.Shell.Decoded
	if len(*d) < 16 {
		*d = append(*d, text)
	}
	w.find(FindingDecodedExec, "an encoded payload is decoded and run", strings.TrimSpace(text))
}

// eval runs its arguments joined as a script.
func (w *walker) eval(rest []arg, sc *scope) {
	for _, a := range rest {
		if a.dyn {
			w.execUnknown(a, sc, "eval")
			return
		}
	}
	text := strings.Join(values(rest), " ")
	if w.obfuscatedWords(rest) {
		w.decodedExec(text, "eval")
	}
	w.script(text, sc.nested("eval"))
}

// obfuscatedWords reports whether words reached their values through
// substitutions (eval "$(printf ... | rev)"), which is how obfuscation
// hides a command from a reader.
func (w *walker) obfuscatedWords(args []arg) bool {
	for _, a := range args {
		if a.word == nil {
			continue
		}
		hidden := false
		syntax.Walk(a.word, func(n syntax.Node) bool {
			if _, ok := n.(*syntax.CmdSubst); ok {
				hidden = true
			}
			return !hidden
		})
		if hidden {
			return true
		}
	}
	return false
}

// source runs a file in the current shell: a process substitution or
// standard input is followed, a file is recorded as executed.
func (w *walker) source(rest []arg, sc *scope, in flow) {
	if len(rest) == 0 {
		return
	}
	a := rest[0]
	switch {
	case a.dyn:
		w.execUnknown(a, sc, "source")
	case a.val == "/dev/stdin" || a.val == "-" || a.val == "/proc/self/fd/0":
		w.execFlow(in, sc, "source")
	default:
		w.addPath(a.val, event.OpExec, false, "source")
		w.runWritten(a.val, sc)
	}
}

// su runs -c's script as another user, or an interactive shell.
func (w *walker) su(rest []arg, sc *scope) {
	w.find(FindingSudo, "the command runs with another user's privileges", "su "+strings.Join(values(rest), " "))
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case (a.val == "-c" || a.val == "--command") && i+1 < len(rest):
			if rest[i+1].dyn {
				w.execUnknown(rest[i+1], sc, "su -c")
			} else {
				w.script(rest[i+1].val, sc.nested("su -c"))
			}
			return
		case strings.HasPrefix(a.val, "--command="):
			w.script(strings.TrimPrefix(a.val, "--command="), sc.nested("su -c"))
			return
		}
	}
	w.find(FindingInteractive, "an interactive shell is started", "su "+strings.Join(values(rest), " "))
}

// alias records an alias definition.
func (w *walker) alias(rest []arg) {
	for _, a := range rest {
		name, value, ok := strings.Cut(a.val, "=")
		if ok && !a.dyn && name != "" && len(w.aliases) < maxVars {
			w.aliases[name] = value
		}
	}
}

// scriptCmd handles script(1), which runs -c's command or a shell.
func (w *walker) scriptCmd(rest []arg, sc *scope) {
	for i, a := range rest {
		if (a.val == "-c" || a.val == "--command") && i+1 < len(rest) && !rest[i+1].dyn {
			w.script(rest[i+1].val, sc.nested("script -c"))
			return
		}
	}
	w.find(FindingInteractive, "an interactive shell is started", "script "+strings.Join(values(rest), " "))
}

// envSplit handles env -S 'cmd args', which splits a string into a
// command.
func (w *walker) envSplit(rest []arg, sc *scope) {
	for i, a := range rest {
		if (a.val == "-S" || a.val == "--split-string") && i+1 < len(rest) && !rest[i+1].dyn {
			w.script(rest[i+1].val, sc.nested("env -S"))
		}
	}
}

// ssh records the remote command ssh runs, and a ProxyCommand, which runs
// locally.
func (w *walker) ssh(rest []arg, sc *scope) {
	valued := strings.Fields("-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B")
	host := -1
	for i := 0; i < len(rest); i++ {
		a := rest[i].val
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			if a == "-o" && i+1 < len(rest) {
				w.sshOption(rest[i+1].val, sc)
			} else if strings.HasPrefix(a, "-o") && len(a) > 2 {
				w.sshOption(a[2:], sc)
			}
			if takesValue(a, valued) {
				i++
			}
			continue
		}
		host = i
		break
	}
	if host < 0 {
		return
	}
	w.urls("ssh://" + rest[host].val)
	if host+1 < len(rest) {
		remote := rest[host+1:]
		for _, a := range remote {
			if a.dyn {
				w.execUnknown(a, sc, "ssh "+rest[host].val)
				return
			}
		}
		w.script(strings.Join(values(remote), " "), sc.nested("ssh "+rest[host].val))
	}
}

// sshOption checks an ssh -o option for commands it runs locally.
func (w *walker) sshOption(opt string, sc *scope) {
	key, value, ok := strings.Cut(opt, "=")
	if !ok {
		key, value, ok = strings.Cut(opt, " ")
	}
	if !ok {
		return
	}
	switch strings.ToLower(strings.TrimSpace(key)) {
	case "proxycommand", "localcommand", "knownhostscommand":
		value = strings.TrimPrefix(strings.TrimSpace(value), ";")
		w.find(FindingIndirectExec, "ssh runs a local command from an option", opt)
		w.script(value, sc.nested("ssh -o "+key))
	}
}

// findCmd handles find: -delete removes what it finds under its roots,
// and -exec runs a command on each file.
func (w *walker) findCmd(rest []arg, sc *scope, in flow, st *syntax.Stmt) {
	var roots []string
	i := 0
	for ; i < len(rest); i++ {
		a := rest[i].val
		if rest[i].dyn {
			roots = append(roots, dynamicMark+a)
			continue
		}
		if strings.HasPrefix(a, "-") && a != "-" || a == "!" || a == "(" || a == "\\(" {
			if a == "-H" || a == "-L" || a == "-P" || strings.HasPrefix(a, "-O") || a == "-D" {
				if a == "-D" {
					i++
				}
				continue
			}
			break
		}
		roots = append(roots, a)
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	for _, r := range roots {
		w.addPath(r, event.OpList, false, "find root")
	}
	for ; i < len(rest); i++ {
		switch rest[i].val {
		case "-delete":
			w.find(FindingDeleteBulk, "find deletes what it matches", "find "+strings.Join(roots, " ")+" -delete")
			for _, r := range roots {
				w.addPath(r, event.OpDelete, true, "find -delete")
			}
		case "-exec", "-execdir", "-ok", "-okdir":
			j := i + 1
			for j < len(rest) && rest[j].val != ";" && rest[j].val != "+" && rest[j].val != "\\;" {
				j++
			}
			inner := rest[i+1 : j]
			w.findExec(inner, roots, sc, in, st)
			i = j
		}
	}
}

// findExec handles the command of find -exec, which runs once per file
// found: a delete or permission change there reaches the whole tree.
func (w *walker) findExec(inner []arg, roots []string, sc *scope, in flow, st *syntax.Stmt) {
	if len(inner) == 0 {
		return
	}
	// "{}" stands for each file found. It stays as written: a file of
	// that name in the working directory is harmless, and the roots
	// carry the facts that matter.
	subst := inner
	if !inner[0].dyn {
		switch name := path.Base(inner[0].val); name {
		case "rm", "shred", "unlink", "rmdir", "srm":
			w.find(FindingDeleteBulk, "find runs "+name+" on every file it matches", "find "+strings.Join(roots, " ")+" -exec "+strings.Join(values(inner), " "))
			for _, r := range roots {
				w.addPath(r, event.OpDelete, true, "find -exec "+name)
			}
		case "chmod", "chown", "chgrp":
			for _, r := range roots {
				w.addPath(r, event.OpChmod, true, "find -exec "+name)
			}
		}
	}
	w.run(subst, sc.nested("find -exec"), in, st)
}

// xargs handles the bulk side of xargs: the files it hands to rm are
// whatever its input holds.
func (w *walker) xargs(inner, rest []arg, sc *scope) {
	if len(inner) == 0 || inner[0].dyn {
		return
	}
	switch name := path.Base(inner[0].val); name {
	case "rm", "shred", "unlink", "rmdir", "srm":
		w.find(FindingDeleteBulk, "xargs runs "+name+" on every name it reads", "xargs "+strings.Join(values(inner), " "))
	}
}

// containerExec follows the command of docker exec, podman exec and
// kubectl exec into the container.
func (w *walker) containerExec(name string, rest []arg, sc *scope, in flow, st *syntax.Stmt) {
	if name == "kubectl" || name == "oc" {
		for i, a := range rest {
			if a.val == "--" && i+1 < len(rest) {
				w.run(rest[i+1:], sc.nested(name+" exec"), in, st)
				return
			}
		}
		return
	}
	valued := strings.Fields("-e --env --env-file -u --user -w --workdir --detach-keys")
	for i := 0; i < len(rest); i++ {
		a := rest[i].val
		if strings.HasPrefix(a, "-") && !rest[i].dyn {
			if takesValue(a, valued) {
				i++
			}
			continue
		}
		// rest[i] is the container; the command follows.
		if i+1 < len(rest) {
			w.run(rest[i+1:], sc.nested(name+" exec "+a), in, st)
		}
		return
	}
}
