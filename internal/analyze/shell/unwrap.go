package shell

import (
	"strings"
)

// wrapper describes a command that runs another command given as its
// arguments: the flags that take a value (so that the value is not taken
// for the command) and how many operands come before the command.
type wrapper struct {
	valued string // flags that take the next argument as their value
	skip   int    // operands before the command (timeout's duration, chroot's directory)
	// shellWhenBare is set for wrappers that start a shell when given no
	// command (chroot, unshare, nsenter).
	shellWhenBare bool
	privileged    bool // runs the command as another user
	// execFlag names flags whose value is the program, its arguments
	// following "--" (start-stop-daemon -x /bin/sh -- -p).
	execFlag string
}

// wrapperOf returns the spec of a wrapper command.
func wrapperOf(name string) (wrapper, bool) {
	switch name {
	case "sudo":
		return wrapper{valued: "-u -g -h -p -C -D -r -t -U -T -a -c --user --group --host --prompt --chdir --role --type --other-user --command-timeout --close-from", privileged: true}, true
	case "doas":
		return wrapper{valued: "-u -C", privileged: true}, true
	case "pkexec", "run0":
		return wrapper{valued: "--user -u --unit --property --description --slice --nice --chdir -D --setenv", privileged: true, shellWhenBare: true}, true
	case "runuser":
		return wrapper{valued: "-u -g -G --user --group --supp-group -s --shell", privileged: true}, true
	case "ksu":
		return wrapper{valued: "-n -c -C -k -D -z -Z", privileged: true}, true
	case "env":
		return wrapper{valued: "-u -C --unset --chdir"}, true
	case "nice":
		return wrapper{valued: "-n --adjustment"}, true
	case "ionice":
		return wrapper{valued: "-c -n -p -P -u --class --classdata --pid --pgid --uid"}, true
	case "taskset":
		return wrapper{valued: "", skip: 1}, true
	case "chrt":
		return wrapper{valued: "-T -P -D", skip: 1}, true
	case "nohup", "command", "builtin", "setsid", "dbus-launch", "torsocks", "torify", "caffeinate",
		"rlwrap", "distcc", "pexec", "multitime", "softlimit", "firejail", "unbuffer", "catchsegv",
		"stdbuf", "time", "exec", "strace", "ltrace", "valgrind", "systemd-run", "proxychains",
		"proxychains4", "setpriv", "sg", "fakeroot", "faketime", "nocache", "eatmydata", "sem":
		return wrapper{valued: wrapperValued(name), shellWhenBare: name == "firejail"}, true
	case "timeout":
		return wrapper{valued: "-s -k --signal --kill-after", skip: 1}, true
	case "chroot":
		return wrapper{valued: "--userspec --groups", skip: 1, shellWhenBare: true}, true
	case "unshare":
		return wrapper{valued: "--propagation --setgroups --map-user --map-group -S -G --setuid --setgid -R --root -w --wd", shellWhenBare: true}, true
	case "nsenter":
		return wrapper{valued: "-t --target -S --setuid -G --setgid -R --root -w --wd", shellWhenBare: true}, true
	case "flock":
		return wrapper{valued: "-w --wait --timeout -E --conflict-exit-code", skip: 1}, true
	case "setlock", "logsave", "choom", "direnv":
		return wrapper{valued: "-n", skip: 1}, true
	case "setarch", "linux32", "linux64":
		return wrapper{valued: "-B", skip: skipOf(name)}, true
	case "aa-exec":
		return wrapper{valued: "-p --profile -n --namespace"}, true
	case "xargs":
		return wrapper{valued: "-a -d -E -e -I -i -L -l -n -P -s --arg-file --delimiter --eof --replace --max-lines --max-args --max-procs --max-chars --process-slot-var"}, true
	case "watch":
		return wrapper{valued: "-n -d --interval --differences -q --equexit"}, true
	case "parallel":
		return wrapper{valued: "-j -S -a --jobs --sshlogin --arg-file --delay --timeout --joblog -I --tagstring --results"}, true
	case "perf":
		return wrapper{valued: "-e -o -p -t --event --output --pid", skip: 1}, true
	case "pidstat":
		return wrapper{valued: "-p -G -u -d -r -w"}, true
	case "start-stop-daemon":
		return wrapper{valued: "-n -u -g -c -r -d -p -N -s -R --name --user --group --chuid --chroot --chdir --pidfile", execFlag: "-x --exec -a --startas"}, true
	case "xdotool", "task", "uv", "poetry", "pipenv", "pipx", "bundle", "cabal", "npm", "yarn", "pnpm", "mise", "asdf", "rtx":
		return wrapper{skip: 1}, true // xdotool exec, task execute, uv run, bundle exec, npm exec, ...
	}
	return wrapper{}, false
}

func wrapperValued(name string) string {
	switch name {
	case "exec":
		return "-a"
	case "time":
		return "-f -o --format --output"
	case "strace":
		return "-o -e -p -s -u -E -P -I -a -b -O -S -X --output --signal --trace --user --env"
	case "ltrace":
		return "-o -e -p -s -u -n -a -l -L"
	case "valgrind":
		return "--tool --log-file"
	case "systemd-run":
		return "-p -u -M -H -E -G -S --unit --property --description --slice --uid --gid --nice --working-directory --setenv --on-calendar --on-active --machine --host"
	case "proxychains", "proxychains4":
		return "-f"
	case "setpriv":
		return "--reuid --regid --groups --inh-caps --ambient-caps --bounding-set --securebits --selinux-label --apparmor-profile --landlock-access"
	case "multitime":
		return "-n -s"
	case "softlimit":
		return "-a -c -d -f -l -m -o -p -r -s -t"
	case "stdbuf":
		return "-i -o -e --input --output --error"
	case "sg":
		return ""
	case "caffeinate":
		return "-t -w"
	case "faketime":
		return "-m"
	}
	return ""
}

func skipOf(name string) int {
	if name == "setarch" {
		return 1
	}
	return 0
}

// subcommandWrappers name, for wrappers that take a subcommand first, the
// subcommand after which a command follows.
func subcommandWrapper(name, sub string) bool {
	switch name {
	case "xdotool":
		return sub == "exec"
	case "task":
		return sub == "execute"
	case "uv", "poetry", "pipenv", "pipx", "mise", "rtx":
		return sub == "run" || sub == "exec"
	case "bundle", "cabal", "npm", "yarn", "pnpm", "asdf":
		return sub == "exec"
	case "direnv":
		return sub == "exec"
	case "perf":
		return sub == "stat" || sub == "record" || sub == "trace"
	}
	return true
}

// unwrap returns the command a wrapper runs: "sudo -u x rm y" runs
// "rm y". label names the wrapper; privileged is set for sudo and kin.
func unwrap(name string, args []arg) (inner []arg, privileged bool, label string, ok bool) {
	spec, ok := wrapperOf(name)
	if !ok {
		return nil, false, "", false
	}
	if spec.execFlag != "" {
		return execFlagCommand(name, args, strings.Fields(spec.execFlag), spec)
	}
	valued := strings.Fields(spec.valued)
	skip := spec.skip
	if skip > 0 && len(args) > 0 && !subcommandWrapper(name, args[0].val) {
		return nil, false, "", false
	}
	i := 0
	for i < len(args) {
		a := args[i].val
		switch {
		case args[i].dyn && name == "env" && isAssignment(a):
			i++ // VAR=$(...)
		case args[i].dyn:
			if skip > 0 {
				skip--
				i++
				continue
			}
			return args[i:], spec.privileged, name, true
		case a == "--":
			i++
			if skip > 0 && i < len(args) {
				// "flock file -- cmd", "timeout -- 5 cmd": operands remain.
				i += skip
			}
			if i >= len(args) {
				return nil, false, "", false
			}
			return args[i:], spec.privileged, name, true
		case name == "env" && strings.Contains(a, "=") && !strings.HasPrefix(a, "-"):
			i++ // VAR=value
		case name == "command" && (a == "-v" || a == "-V"):
			return nil, false, "", false // a lookup, not a run
		case strings.HasPrefix(a, "-") && len(a) > 1 && (name != "stdbuf" || !strings.Contains(a, "=")):
			i++
			if takesValue(a, valued) {
				i++
			}
		case skip > 0:
			skip--
			i++
		default:
			return args[i:], spec.privileged, name, true
		}
	}
	return nil, false, "", false
}

// takesValue reports whether flag a takes the next argument as its value:
// "-u" does; "-u0" and "--user=x" carry theirs.
func takesValue(a string, valued []string) bool {
	if strings.Contains(a, "=") {
		return false
	}
	for _, v := range valued {
		if a == v {
			return true
		}
	}
	return false
}

// isShell reports whether name is a POSIX-like shell.
func isShell(name string) bool {
	switch name {
	case "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "pdksh", "yash", "posh", "csh", "tcsh", "fish", "rbash", "lksh", "oksh", "loksh", "ksh93", "hush":
		return true
	}
	return false
}

// shellFlags splits a shell's arguments into its options, the script given
// with -c (if any) and the operands after it.
type shellCall struct {
	command    string // the -c script
	hasCommand bool
	dynamic    bool // the -c script is only known at run time
	commandArg arg
	script     string // a script file operand
	hasScript  bool
	stdin      bool // -s or an operand naming standard input
	interact   bool // -i
	privileged bool // -p
	login      bool // -l, --login
}

func parseShell(args []arg) shellCall {
	var sc shellCall
	for i := 0; i < len(args); i++ {
		a := args[i].val
		if args[i].dyn {
			if !sc.hasCommand && !sc.hasScript {
				sc.script, sc.hasScript = a, true
			}
			break
		}
		if a == "--" || a == "-" {
			if a == "-" {
				sc.stdin = true
			}
			if i+1 < len(args) && !sc.hasCommand && a == "--" {
				sc.script, sc.hasScript = args[i+1].val, true
			}
			break
		}
		if strings.HasPrefix(a, "--") {
			switch a {
			case "--login":
				sc.login = true
			case "--rcfile", "--init-file":
				i++
			}
			continue
		}
		if (strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+")) && len(a) > 1 {
			for _, c := range a[1:] {
				switch c {
				case 'c':
					if i+1 < len(args) && !sc.hasCommand {
						sc.command, sc.hasCommand = args[i+1].val, true
						sc.dynamic = args[i+1].dyn
						sc.commandArg = args[i+1]
						i++
					}
				case 's':
					sc.stdin = true
				case 'i':
					sc.interact = true
				case 'p':
					sc.privileged = true
				case 'l':
					sc.login = true
				case 'o', 'O':
					i++ // -o option
				}
			}
			continue
		}
		if !sc.hasCommand {
			sc.script, sc.hasScript = a, true
			if a == "/dev/stdin" || a == "/proc/self/fd/0" || a == "/dev/fd/0" {
				sc.stdin, sc.hasScript = true, false
			}
		}
		break
	}
	return sc
}

// execFlagCommand returns the command of a wrapper that names its program
// with a flag and passes the arguments after "--".
func execFlagCommand(name string, args []arg, flags []string, spec wrapper) ([]arg, bool, string, bool) {
	var prog *arg
	var tail []arg
	for i := 0; i < len(args); i++ {
		switch {
		case args[i].val == "--":
			tail = args[i+1:]
			i = len(args)
		case takesValue(args[i].val, flags) && i+1 < len(args):
			p := args[i+1]
			prog = &p
			i++
		case strings.HasPrefix(args[i].val, "--exec="):
			p := arg{val: strings.TrimPrefix(args[i].val, "--exec="), word: args[i].word}
			prog = &p
		}
	}
	if prog == nil {
		return nil, false, "", false
	}
	return append([]arg{*prog}, tail...), spec.privileged, name, true
}

// isAssignment reports whether a word is written as NAME=value.
func isAssignment(s string) bool {
	name, _, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return false
	}
	for i, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
