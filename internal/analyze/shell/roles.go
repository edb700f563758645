package shell

import (
	"strings"

	"github.com/agentward/ward/event"
)

// pathRef is a path a command touches, and how.
type pathRef struct {
	Path      string
	Op        event.PathOp
	Recursive bool
}

// isReader reports whether a command reads the content of the files it is
// given, so that naming a credential file there reads the credential.
func isReader(name string) bool {
	switch name {
	case "cat", "tac", "less", "more", "most", "head", "tail", "nl", "od", "xxd", "hexdump", "hd",
		"strings", "base64", "base32", "basenc", "wc", "sort", "uniq", "cut", "paste", "diff", "cmp",
		"bat", "batcat", "jq", "yq", "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum",
		"view", "fold", "fmt", "expand", "column", "iconv", "dos2unix",
		"unix2dos", "gzip", "bzip2", "xz", "zstd", "lz4", "zcat", "zless", "bzcat", "xzcat",
		"unshadow", "john", "hashcat", "gpg2", "age", "sops", "vim.tiny", "pr", "look", "rev",
		"split", "csplit", "shuf", "comm", "join", "colrm", "xclip", "xsel", "pbcopy", "wl-copy",
		"mail", "mailx", "sendmail", "lp", "lpr":
		return true
	}
	return false
}

// archiveRoles handles tar, zip and the like: creating an archive reads
// its inputs, extracting writes into a directory.
func archiveRoles(name string, args, operands []string) []pathRef {
	switch name {
	case "tar":
		create := false
		for _, a := range args {
			if a == "--create" || strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "c") ||
				!strings.HasPrefix(a, "-") && strings.Contains(a, "c") && len(a) <= 5 && a == args[0] {
				create = true
			}
		}
		if !create {
			return nil
		}
		refs := all(operands, event.OpRead)
		for i := range refs {
			refs[i].Recursive = true
		}
		return refs
	case "zip", "7z", "7za", "rar":
		if len(operands) > 1 {
			refs := all(operands[1:], event.OpRead)
			for i := range refs {
				refs[i].Recursive = recursiveFlag(args)
			}
			return refs
		}
	case "gpg":
		return all(operands, event.OpRead)
	}
	return nil
}

// pathRoles says which of a command's arguments are paths and what the
// command does to them.
func pathRoles(name string, args []string) []pathRef {
	operands := operands(args)
	switch name {
	case "rm", "rmdir", "unlink", "shred", "srm", "wipe":
		refs := all(operands, event.OpDelete)
		if name == "rm" && recursiveFlag(args) {
			for i := range refs {
				refs[i].Recursive = true
			}
		}
		return refs
	case "touch", "mkdir", "tee", "truncate":
		return all(operands, event.OpWrite)
	case "chmod", "chown", "chgrp":
		if len(operands) > 1 {
			refs := all(operands[1:], event.OpChmod)
			if recursiveFlag(args) {
				for i := range refs {
					refs[i].Recursive = true
				}
			}
			return refs
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
	case "ls", "tree", "du", "stat":
		return all(operands, event.OpList)
	case "tar", "zip", "7z", "7za", "rar", "gpg", "scp", "rsync":
		return archiveRoles(name, args, operands)
	}
	if isReader(name) {
		return all(operands, event.OpRead)
	}
	return nil
}

// operands returns the arguments that are not flags. Empty arguments are
// dropped: they name no file.
func operands(args []string) []string {
	var out []string
	flagsDone := false
	for _, a := range args {
		if !flagsDone && a == "--" {
			flagsDone = true
			continue
		}
		if a == "" || !flagsDone && strings.HasPrefix(a, "-") && a != "-" {
			continue
		}
		out = append(out, a)
	}
	return out
}

func all(list []string, op event.PathOp) []pathRef {
	out := make([]pathRef, 0, len(list))
	for _, p := range list {
		if !pseudoFile(p) && !strings.Contains(p, "://") {
			out = append(out, pathRef{Path: p, Op: op})
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
	out = append(out, pathRef{Path: dst, Op: event.OpWrite})
	if strings.HasSuffix(dst, "/") || len(ops) > 2 || isDirLike(dst) {
		for _, src := range ops[:len(ops)-1] {
			out = append(out, pathRef{Path: strings.TrimSuffix(dst, "/") + "/" + baseName(src), Op: event.OpWrite})
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
		return []pathRef{{Path: ops[0], Op: event.OpLink}, {Path: baseName(ops[0]), Op: event.OpWrite}}
	}
	out := all(ops[:len(ops)-1], event.OpLink)
	return append(out, pathRef{Path: ops[len(ops)-1], Op: event.OpWrite})
}

// ddRoles handles dd's if= and of=.
func ddRoles(args []string) []pathRef {
	var out []pathRef
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, "if="); ok && !pseudoFile(v) {
			out = append(out, pathRef{Path: v, Op: event.OpRead})
		}
		if v, ok := strings.CutPrefix(a, "of="); ok && !pseudoFile(v) {
			out = append(out, pathRef{Path: v, Op: event.OpWrite})
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
