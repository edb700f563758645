package shell

import (
	"strings"

	"github.com/agentward/ward/event"
)

// wrapperFlags returns, for commands that run another command, the flags
// that take a value (so the value is not mistaken for the command).
func wrapperFlags(name string) (string, bool) {
	switch name {
	case "sudo":
		return "-u -g -h -p -C -D -r -t -U -T --user --group --host --prompt --chdir --role --type --other-user --command-timeout", true
	case "doas":
		return "-u -C", true
	case "env":
		return "-u -C -S --unset --chdir --split-string", true
	case "nice":
		return "-n --adjustment", true
	case "time":
		return "-f -o --format --output", true
	case "timeout":
		return "-s -k --signal --kill-after", true
	case "stdbuf":
		return "-i -o -e --input --output --error", true
	case "exec":
		return "-a", true
	case "xargs":
		return "-a -d -E -e -I -i -L -l -n -P -s --arg-file --delimiter --eof --replace --max-lines --max-args --max-procs --max-chars --process-slot-var", true
	case "nohup", "command", "builtin":
		return "", true
	}
	return "", false
}

// unwrap returns the command a wrapper runs: "sudo rm x" runs "rm x".
func unwrap(name string, args []string, dynamic []bool) ([]string, []bool, string, bool) {
	flags, ok := wrapperFlags(name)
	if !ok {
		return nil, nil, "", false
	}
	valued := strings.Fields(flags)
	i := 0
	for i < len(args) {
		a := args[i]
		switch {
		case a == "--":
			i++
			goto done
		case name == "env" && strings.Contains(a, "=") && !strings.HasPrefix(a, "-"):
			i++ // VAR=value
		case name == "command" && (a == "-v" || a == "-V"):
			return nil, nil, "", false // a lookup, not a run
		case strings.HasPrefix(a, "-") && len(a) > 1:
			i++
			if takesValue(a, valued) {
				i++
			}
		case name == "timeout":
			i++ // the duration
			goto done
		default:
			goto done
		}
	}
done:
	if i >= len(args) {
		return nil, nil, "", false
	}
	return args[i:], dynamic[i:], name, true
}

// takesValue reports whether flag a is one whose value is the next
// argument: "-u" does, "-u0" and "--user=x" carry theirs.
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

// shellString returns the script a shell runs with -c: "bash -c 'rm x'".
func shellString(name string, args []string) (string, string, bool) {
	switch name {
	case "sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "busybox":
	default:
		return "", "", false
	}
	if name == "busybox" {
		if len(args) >= 3 && args[0] == "sh" {
			args = args[1:]
		} else {
			return "", "", false
		}
	}
	for i, a := range args {
		if !strings.HasPrefix(a, "-") {
			return "", "", false
		}
		if strings.Contains(strings.TrimLeft(a, "-"), "c") && !strings.HasPrefix(a, "--") && i+1 < len(args) {
			return args[i+1], name + " -c", true
		}
	}
	return "", "", false
}

// pathRef is a path a command touches, and how.
type pathRef struct {
	Path string
	Op   event.PathOp
}

// isReader reports whether a command reads the files it is given.
func isReader(name string) bool {
	switch name {
	case "cat", "tac", "less", "more", "head", "tail", "nl", "od", "xxd", "hexdump",
		"strings", "base64", "base32", "wc", "sort", "uniq", "cut", "diff", "cmp", "bat",
		"jq", "yq", "md5sum", "sha1sum", "sha256sum", "source", ".":
		return true
	}
	return false
}

// pathRoles says which of a command's arguments are paths and what the
// command does to them.
func pathRoles(name string, args []string) []pathRef {
	operands := operands(args)
	switch name {
	case "rm", "rmdir", "unlink", "shred", "srm":
		return all(operands, event.OpDelete)
	case "touch", "mkdir", "tee", "truncate":
		return all(operands, event.OpWrite)
	case "chmod", "chown", "chgrp":
		if len(operands) > 1 {
			return all(operands[1:], event.OpChmod)
		}
	case "chattr", "setfacl":
		return all(operands, event.OpChmod)
	case "cp", "install":
		return copyRoles(operands, event.OpRead)
	case "mv":
		return copyRoles(operands, event.OpDelete)
	case "ln":
		return linkRoles(operands)
	case "dd":
		return ddRoles(args)
	case "sed", "perl":
		return editRoles(args)
	case "grep", "egrep", "fgrep", "rg":
		ops, scriptGiven := scriptOperands(args, "-e", "-f", "--regexp", "--file")
		if !scriptGiven && len(ops) > 0 {
			ops = ops[1:]
		}
		return all(ops, event.OpRead)
	case "vi", "vim", "nvim", "nano", "emacs", "ed":
		return all(operands, event.OpWrite)
	case "ls", "find", "tree", "du", "stat":
		return all(operands, event.OpList)
	}
	if isReader(name) {
		return all(operands, event.OpRead)
	}
	return nil
}

// operands returns the arguments that are not flags.
func operands(args []string) []string {
	var out []string
	flagsDone := false
	for _, a := range args {
		if !flagsDone && a == "--" {
			flagsDone = true
			continue
		}
		if !flagsDone && strings.HasPrefix(a, "-") && a != "-" {
			continue
		}
		out = append(out, a)
	}
	return out
}

func all(list []string, op event.PathOp) []pathRef {
	out := make([]pathRef, 0, len(list))
	for _, p := range list {
		if !pseudoFile(p) {
			out = append(out, pathRef{p, op})
		}
	}
	return out
}

// copyRoles handles cp and mv: sources are read (or, for mv, removed) and
// the last operand written. A destination that is a directory receives
// each source under its own name, and that file is written too.
func copyRoles(ops []string, srcOp event.PathOp) []pathRef {
	if len(ops) < 2 {
		return nil
	}
	dst := ops[len(ops)-1]
	out := all(ops[:len(ops)-1], srcOp)
	out = append(out, pathRef{dst, event.OpWrite})
	if strings.HasSuffix(dst, "/") || len(ops) > 2 || isDirLike(dst) {
		for _, src := range ops[:len(ops)-1] {
			out = append(out, pathRef{strings.TrimSuffix(dst, "/") + "/" + baseName(src), event.OpWrite})
		}
	}
	return out
}

// isDirLike guesses that a destination without an extension may be a
// directory; writing into it is recorded as well as writing it.
func isDirLike(p string) bool {
	b := baseName(p)
	return b == "." || b == ".." || b == "~" || !strings.Contains(strings.TrimPrefix(b, "."), ".")
}

func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// linkRoles handles ln: the link's target is referenced, the link name is
// written (and may replace a file).
func linkRoles(ops []string) []pathRef {
	switch len(ops) {
	case 0:
		return nil
	case 1:
		return []pathRef{{ops[0], event.OpLink}, {baseName(ops[0]), event.OpWrite}}
	}
	out := all(ops[:len(ops)-1], event.OpLink)
	return append(out, pathRef{ops[len(ops)-1], event.OpWrite})
}

// ddRoles handles dd's if= and of=.
func ddRoles(args []string) []pathRef {
	var out []pathRef
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "if="); ok && !pseudoFile(v) {
			out = append(out, pathRef{v, event.OpRead})
		}
		if v, ok := strings.CutPrefix(a, "of="); ok && !pseudoFile(v) {
			out = append(out, pathRef{v, event.OpWrite})
		}
	}
	return out
}

// editRoles handles sed and perl: with -i the files are edited in place,
// otherwise read. The first operand is the script unless -e or -f gave it.
func editRoles(args []string) []pathRef {
	ops, scriptGiven := scriptOperands(args, "-e", "-f", "--expression", "--file", "-E")
	if !scriptGiven && len(ops) > 0 {
		ops = ops[1:]
	}
	op := event.OpRead
	for _, a := range args {
		if strings.HasPrefix(a, "--in-place") ||
			strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "i") && len(a) < 6 {
			op = event.OpWrite
		}
	}
	return all(ops, op)
}

// scriptOperands returns the operands of a command whose flags in
// scriptFlags take a value (a script or pattern), and whether one of them
// was given.
func scriptOperands(args []string, scriptFlags ...string) (ops []string, given bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(ops, args[i+1:]...), given
		case containsString(scriptFlags, a):
			given = true
			i++
		case strings.HasPrefix(a, "--") && strings.Contains(a, "=") &&
			containsString(scriptFlags, a[:strings.IndexByte(a, '=')]):
			given = true
		case strings.HasPrefix(a, "-") && a != "-":
		default:
			ops = append(ops, a)
		}
	}
	return ops, given
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
