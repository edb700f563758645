package shell

import (
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/agentward/ward/event"
)

// semantics works out what a command does, beyond the paths it touches,
// and records findings about it.
func (w *walker) semantics(name string, rest []arg, sc *scope, in flow) {
	vals := values(rest)
	switch name {
	case "rm", "srm", "unlink", "rmdir":
		w.remove(name, vals)
	case "shred", "wipe":
		w.find(FindingDiskWipe, name+" overwrites data so it cannot be recovered", name+" "+strings.Join(vals, " "))
	case "chmod":
		w.chmod(vals)
	case "chown", "chgrp":
		if recursiveFlag(vals) {
			w.find(FindingChownRecursive, "ownership of a whole tree is changed", name+" "+strings.Join(vals, " "))
		}
	case "setcap":
		w.find(FindingCapabilities, "file capabilities are set", "setcap "+strings.Join(vals, " "))
	case "dd":
		w.dd(vals)
	case "truncate":
		w.find(FindingTruncate, "files are truncated", "truncate "+strings.Join(vals, " "))
	case "git":
		w.git(vals, sc)
	case "curl", "wget", "http", "https", "xh", "aria2c", "fetch", "lwp-request", "httpie":
		w.httpClient(name, rest, in)
	case "nc", "ncat", "netcat", "socat", "telnet", "openssl", "lp", "finger":
		w.netTool(name, vals, in)
	case "scp", "rsync", "sftp", "ftp", "lftp", "smbclient", "tftp", "sshfs", "rclone", "gsutil", "azcopy":
		w.transfer(name, vals, sc)
	case "env", "printenv":
		if len(operands(vals)) == 0 {
			w.find(FindingEnvDump, "the environment is printed", name)
		}
	case "history":
		if hasFlag(vals, "-c") || hasFlag(vals, "-w") && slices.Contains(vals, "/dev/null") {
			w.find(FindingHistoryClear, "shell history is cleared", "history "+strings.Join(vals, " "))
		}
	case "unset":
		for _, v := range vals {
			if strings.HasPrefix(v, "HIST") {
				w.find(FindingHistoryClear, "shell history is switched off", "unset "+v)
			}
		}
	case "set":
		if len(vals) >= 2 && vals[0] == "+o" && vals[1] == "history" {
			w.find(FindingHistoryClear, "shell history is switched off", "set +o history")
		}
	case "crontab":
		w.crontab(vals)
	case "systemctl":
		w.systemctl(vals)
	case "launchctl":
		if len(vals) > 0 && (vals[0] == "load" || vals[0] == "bootstrap" || vals[0] == "submit") {
			w.find(FindingPersistService, "a launch agent or daemon is loaded", "launchctl "+strings.Join(vals, " "))
		}
	case "shutdown", "reboot", "halt", "poweroff", "kexec":
		w.find(FindingPower, "the machine is shut down or restarted", name+" "+strings.Join(vals, " "))
	case "init", "telinit":
		if len(vals) > 0 && (vals[0] == "0" || vals[0] == "6" || vals[0] == "1" || vals[0] == "s" || vals[0] == "S") {
			w.find(FindingPower, "the machine is shut down or restarted", name+" "+vals[0])
		}
	case "kill", "pkill", "killall", "killall5":
		w.kill(name, vals)
	case "date":
		if hasFlag(vals, "-s") || slices.ContainsFunc(vals, func(v string) bool { return strings.HasPrefix(v, "--set") }) {
			w.find(FindingClockChange, "the system clock is changed", "date "+strings.Join(vals, " "))
		}
	case "timedatectl", "hwclock":
		if slices.ContainsFunc(vals, func(v string) bool {
			return v == "set-time" || v == "--set" || v == "-w" || v == "--systohc" || v == "set-ntp"
		}) {
			w.find(FindingClockChange, "the system clock is changed", name+" "+strings.Join(vals, " "))
		}
	case "setenforce", "ufw", "iptables", "ip6tables", "nft", "auditctl", "aa-teardown", "spctl", "csrutil":
		w.security(name, vals)
	case "nsenter":
		if slices.ContainsFunc(vals, func(v string) bool { return v == "1" || v == "--target=1" || v == "-t1" }) {
			w.find(FindingContainerEscape, "the command enters the host's namespaces (PID 1)", "nsenter "+strings.Join(vals, " "))
		}
	case "docker", "podman", "nerdctl", "ctr", "kubectl", "terraform", "tofu", "pulumi", "helm", "aws",
		"gcloud", "az", "doctl", "heroku", "fly", "flyctl", "vercel", "gh", "dropdb", "dropuser",
		"redis-cli", "virsh", "vagrant", "kubeadm", "etcdctl", "consul", "nomad", "firebase", "mongo", "mongosh", "zpool", "zfs":
		w.infra(name, vals)
	case "mkfs", "mke2fs", "mkswap", "wipefs", "fdisk", "sfdisk", "cfdisk", "gdisk", "sgdisk", "parted", "cryptsetup", "mdadm", "badblocks", "blkdiscard", "sgdisk2":
		w.find(FindingDiskFormat, "a disk is formatted, partitioned or wiped", name+" "+strings.Join(vals, " "))
	case "dpkg", "rpm", "snap", "apt", "apt-get", "yum", "dnf", "zypper", "pacman", "apk", "installer", "pkg":
		w.systemPackage(name, vals)
	case "tee":
		if in.static {
			for _, f := range operands(vals) {
				w.wrote(f, in.text, hasFlag(vals, "-a") || slices.Contains(vals, "--append"))
			}
		}
	case "msfvenom", "msfpc":
		w.find(FindingPayload, "an exploit payload is generated", name+" "+strings.Join(vals, " "))
	case "journalctl":
		if slices.ContainsFunc(vals, func(v string) bool {
			return strings.HasPrefix(v, "--vacuum") || v == "--rotate" || v == "--flush" && false
		}) {
			w.find(FindingLogTamper, "the journal is vacuumed", "journalctl "+strings.Join(vals, " "))
		}
	case "capsh":
		if slices.Contains(vals, "--") {
			w.find(FindingInteractive, "capsh starts a shell", "capsh "+strings.Join(vals, " "))
		}
	case "run-parts":
		for _, d := range operands(vals) {
			if standardBin(strings.TrimSuffix(d, "/") + "/x") {
				w.find(FindingShellEscape, "run-parts runs the programs of a system directory", "run-parts "+strings.Join(vals, " "))
			}
		}
	case "tcpdump":
		for i, v := range vals {
			if v == "-z" && i+1 < len(vals) {
				w.find(FindingIndirectExec, "tcpdump runs a command on each capture file", "tcpdump -z "+vals[i+1])
			}
		}
	case "at", "batch":
		if !hasFlag(vals, "-l") && !hasFlag(vals, "-r") && !hasFlag(vals, "-d") && name != "atq" {
			w.find(FindingPersistCron, "a job is scheduled to run later", name+" "+strings.Join(vals, " "))
		}
	case "go":
		if len(vals) > 1 && vals[0] == "run" {
			for _, f := range operands(vals[1:]) {
				if text, ok := w.writtenFile(f); ok {
					w.code(langOther, text, sc.nested("go run"))
				}
			}
		}
	}
	if strings.HasPrefix(name, "mkfs.") || strings.HasPrefix(name, "mkfs_") {
		w.find(FindingDiskFormat, "a file system is created", name+" "+strings.Join(vals, " "))
	}
	w.packages(name, vals)
	w.sqlClient(name, vals, in)
	w.interpreterHints(name, vals)
}

// remove handles rm and its kin.
func (w *walker) remove(name string, vals []string) {
	if name != "rm" || !recursiveFlag(vals) {
		return
	}
	evidence := cleanEvidence("rm " + strings.Join(vals, " "))
	w.find(FindingDeleteRecursive, "a directory and everything below it is deleted", evidence)
	if slices.ContainsFunc(operands(vals), isDynamic) {
		w.find(FindingDeleteUnknown, "a recursive delete's target is only known at run time", evidence)
	}
}

// recursiveFlag reports whether flags ask for recursion (-r, -R, -rf,
// --recursive).
func recursiveFlag(vals []string) bool {
	for _, v := range vals {
		if v == "--" {
			return false
		}
		if v == "--recursive" || v == "-R" || v == "-r" {
			return true
		}
		if strings.HasPrefix(v, "-") && !strings.HasPrefix(v, "--") && isShortFlags(v) && strings.ContainsAny(v[1:], "rR") {
			return true
		}
	}
	return false
}

func cleanEvidence(s string) string {
	return strings.ReplaceAll(s, dynamicMark, "")
}

// chmod records recursive, world-writable and setuid permission changes.
func (w *walker) chmod(vals []string) {
	evidence := cleanEvidence("chmod " + strings.Join(vals, " "))
	if recursiveFlag(vals) {
		w.find(FindingChmodRecursive, "permissions of a whole tree are changed", evidence)
	}
	ops := operands(vals)
	if len(ops) == 0 {
		return
	}
	mode := ops[0]
	if worldWritable(mode) {
		w.find(FindingWorldWritable, "files are made writable by everyone", evidence)
	}
	if setuid(mode) {
		w.find(FindingSetuid, "the setuid or setgid bit is set", evidence)
	}
	if strings.Contains(mode, "x") || isOctalExec(mode) {
		for _, p := range ops[1:] {
			if !isDynamic(p) && len(w.executables) < maxVars {
				w.executables[p] = true
			}
		}
	}
}

func worldWritable(mode string) bool {
	if len(mode) >= 3 && allDigits(mode) {
		last := mode[len(mode)-1]
		return last == '2' || last == '3' || last == '6' || last == '7'
	}
	for _, clause := range strings.Split(mode, ",") {
		who, perm, ok := cutAny(clause, "+=")
		if ok && strings.Contains(perm, "w") && (strings.ContainsAny(who, "oa") || who == "") && who != "" {
			return true
		}
	}
	return false
}

func setuid(mode string) bool {
	if len(mode) == 4 && allDigits(mode) {
		return mode[0] == '4' || mode[0] == '2' || mode[0] == '6'
	}
	for _, clause := range strings.Split(mode, ",") {
		if _, perm, ok := cutAny(clause, "+="); ok && strings.Contains(perm, "s") {
			return true
		}
	}
	return false
}

func isOctalExec(mode string) bool {
	if !allDigits(mode) || len(mode) < 3 {
		return false
	}
	return strings.ContainsAny(mode[len(mode)-3:], "1357")
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '7' {
			return false
		}
	}
	return s != ""
}

func cutAny(s, seps string) (before, after string, ok bool) {
	if i := strings.IndexAny(s, seps); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// dd records writes to devices.
func (w *walker) dd(vals []string) {
	for _, v := range vals {
		if of, ok := strings.CutPrefix(v, "of="); ok {
			if isDevice(of) {
				w.find(FindingDiskWrite, "raw data is written to a device", "dd "+strings.Join(vals, " "))
			} else if !pseudoFile(of) {
				w.find(FindingTruncate, "dd overwrites a file", "dd "+strings.Join(vals, " "))
			}
		}
	}
}

// deviceWrite records a redirection onto a device.
func (w *walker) deviceWrite(target string) {
	if isDevice(target) {
		w.find(FindingDiskWrite, "data is written straight to a device", "> "+target)
	}
}

func isDevice(p string) bool {
	if !strings.HasPrefix(p, "/dev/") || pseudoFile(p) || isNetDevice(p) {
		return false
	}
	base := strings.TrimPrefix(p, "/dev/")
	for _, prefix := range []string{"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "rdisk", "md", "dm-", "loop", "mapper/", "sr", "fd", "mem", "kmem", "port", "zram"} {
		if strings.HasPrefix(base, prefix) {
			return true
		}
	}
	return false
}

func isNetDevice(p string) bool {
	return strings.HasPrefix(p, "/dev/tcp/") || strings.HasPrefix(p, "/dev/udp/")
}

// netRedirect handles bash's /dev/tcp and /dev/udp.
func (w *walker) netRedirect(r *syntax.Redirect, target string, st *syntax.Stmt, sc *scope, in flow) {
	w.find(FindingRawSocket, "bash opens a network connection", target)
	w.urls("tcp://" + strings.Join(strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(target, "/dev/tcp/"), "/dev/udp/"), "/", 2), ":"))
	w.netShell = true
	if r.Op == syntax.RdrOut || r.Op == syntax.AppOut || r.Op == syntax.RdrAll || r.Op == syntax.DplOut || r.Op == syntax.RdrInOut {
		w.sent(in, target)
	}
}

// git records destructive version control operations.
func (w *walker) git(vals []string, sc *scope) {
	sub, rest := gitSubcommand(vals, w, sc)
	evidence := "git " + cleanEvidence(strings.Join(vals, " "))
	switch sub {
	case "reset":
		if slices.Contains(rest, "--hard") || slices.Contains(rest, "--merge") || slices.Contains(rest, "--keep") && false {
			w.find(FindingGitResetHard, "uncommitted work is discarded", evidence)
		}
	case "clean":
		if hasFlag(rest, "-f") || slices.Contains(rest, "--force") {
			w.find(FindingGitClean, "untracked files are deleted", evidence)
		}
	case "push":
		for _, r := range rest {
			if r == "--force" || r == "-f" || r == "--mirror" || r == "--delete" || r == "-d" ||
				isShortFlags(r) && strings.HasPrefix(r, "-") && !strings.HasPrefix(r, "--") && strings.ContainsRune(r, 'f') ||
				strings.HasPrefix(r, "+") && len(r) > 1 || strings.HasPrefix(r, ":") && len(r) > 1 {
				w.find(FindingGitPushForce, "the remote's history is overwritten or its refs deleted", evidence)
				break
			}
		}
	case "branch":
		if slices.Contains(rest, "-D") || hasFlag(rest, "-d") && hasFlag(rest, "-f") || slices.Contains(rest, "--delete") && slices.Contains(rest, "--force") {
			w.find(FindingGitBranchDelete, "a branch is deleted whether or not it is merged", evidence)
		}
	case "checkout":
		if i := slices.Index(rest, "--"); i >= 0 && slices.ContainsFunc(rest[i+1:], isBroadPathspec) ||
			slices.Contains(rest, "-f") && len(operands(rest)) == 0 || slices.Contains(rest, ".") {
			w.find(FindingGitDiscard, "uncommitted changes are discarded", evidence)
		}
	case "restore":
		if slices.ContainsFunc(operands(rest), isBroadPathspec) && !slices.Contains(rest, "--staged") {
			w.find(FindingGitDiscard, "uncommitted changes are discarded", evidence)
		}
	case "stash":
		if len(rest) > 0 && (rest[0] == "drop" || rest[0] == "clear") {
			w.find(FindingGitStashDrop, "stashed work is deleted", evidence)
		}
	case "filter-branch", "filter-repo":
		w.find(FindingGitHistory, "history is rewritten", evidence)
	case "reflog":
		if len(rest) > 0 && (rest[0] == "expire" || rest[0] == "delete") {
			w.find(FindingGitReflogExpire, "reflog entries are removed", evidence)
		}
	case "update-ref":
		if hasFlag(rest, "-d") {
			w.find(FindingGitUpdateRefDel, "a ref is deleted", evidence)
		}
	case "config":
		for _, r := range rest {
			switch strings.ToLower(r) {
			case "core.hookspath", "core.fsmonitor", "core.sshcommand", "core.pager", "core.editor", "sequence.editor", "diff.external", "core.gitproxy":
				if len(operands(rest)) >= 2 {
					w.find(FindingGitHooksPathSets, "a git setting that runs code is changed", evidence)
				}
			}
		}
	case "clone", "fetch", "pull", "ls-remote", "remote":
		for _, r := range operands(rest) {
			if strings.Contains(r, "://") || strings.Contains(r, "@") && strings.Contains(r, ":") {
				w.urls(r)
			}
		}
	}
}

func isBroadPathspec(p string) bool {
	return p == "." || p == "*" || p == ":/" || p == "./" || p == ":(top)"
}

// gitSubcommand skips git's global options and returns the subcommand,
// checking -c for aliases and settings that run code.
func gitSubcommand(vals []string, w *walker, sc *scope) (string, []string) {
	for i := 0; i < len(vals); i++ {
		v := vals[i]
		switch {
		case v == "-c" && i+1 < len(vals):
			w.gitConfig(vals[i+1], sc)
			i++
		case v == "-C" || v == "--git-dir" || v == "--work-tree" || v == "--namespace" || v == "--exec-path" && false:
			i++
		case strings.HasPrefix(v, "--exec-path="):
			w.find(FindingIndirectExec, "git runs its subcommands from another directory", "git "+v)
		case strings.HasPrefix(v, "-"):
		default:
			return v, vals[i+1:]
		}
	}
	return "", nil
}

// gitConfig checks a git -c setting: an alias starting with ! runs a
// shell command, and some settings run programs.
func (w *walker) gitConfig(setting string, sc *scope) {
	key, value, _ := strings.Cut(setting, "=")
	key = strings.ToLower(key)
	switch {
	case strings.HasPrefix(key, "alias.") && strings.HasPrefix(value, "!"):
		w.find(FindingGitAliasExec, "a git alias runs a shell command", "git -c "+setting)
		w.script(strings.TrimPrefix(value, "!"), sc.nested("git alias"))
	case key == "core.sshcommand" || key == "core.pager" || key == "core.editor" || key == "core.fsmonitor" ||
		key == "core.hookspath" || key == "diff.external" || key == "credential.helper" || key == "protocol.ext.allow":
		w.find(FindingIndirectExec, "a git setting runs a program", "git -c "+setting)
		if value != "" && !strings.HasPrefix(value, "/") {
			w.script(strings.TrimPrefix(value, "!"), sc.nested("git -c "+key))
		}
	}
}

// crontab records installed crontabs.
func (w *walker) crontab(vals []string) {
	if hasFlag(vals, "-l") {
		return
	}
	if len(operands(vals)) > 0 || hasFlag(vals, "-e") || slices.Contains(vals, "-") || len(vals) == 0 {
		w.find(FindingPersistCron, "a crontab is installed or edited", "crontab "+strings.Join(vals, " "))
	}
}

// systemctl records power changes and services enabled to start on their
// own.
func (w *walker) systemctl(vals []string) {
	for _, v := range vals {
		switch v {
		case "poweroff", "reboot", "halt", "kexec", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "soft-reboot", "emergency", "rescue":
			w.find(FindingPower, "the machine is shut down, restarted or suspended", "systemctl "+strings.Join(vals, " "))
			return
		case "enable", "link", "preset":
			w.find(FindingPersistService, "a service is enabled to start on its own", "systemctl "+strings.Join(vals, " "))
			return
		case "stop", "disable", "mask":
			for _, u := range vals {
				if securityService(u) {
					w.find(FindingSecurityDisabled, "a security service is stopped", "systemctl "+strings.Join(vals, " "))
					return
				}
			}
		}
	}
}

func securityService(u string) bool {
	u = strings.TrimSuffix(u, ".service")
	switch u {
	case "firewalld", "ufw", "apparmor", "auditd", "iptables", "nftables", "falco", "osqueryd", "crowdstrike", "falcon-sensor", "clamav-daemon", "fail2ban", "selinux":
		return true
	}
	return false
}

// kill records killing every process.
func (w *walker) kill(name string, vals []string) {
	evidence := name + " " + strings.Join(vals, " ")
	switch name {
	case "killall5":
		w.find(FindingKillAll, "every process is killed", evidence)
	case "kill":
		ops := operands(vals)
		for i, v := range vals {
			// kill -9 -1 and kill -- -1 signal every process; "-1" after
			// a signal or "--" is a process id, not a signal.
			if v == "-1" && (i > 0 || len(ops) > 0) || slices.Contains(ops, "-1") || slices.Contains(ops, "1") && len(ops) == 1 {
				w.find(FindingKillAll, "every process (or init) is killed", evidence)
				return
			}
		}
	case "pkill", "killall":
		if hasFlag(vals, "-u") && len(operands(vals)) <= 1 || slices.Contains(vals, ".") || slices.Contains(vals, ".*") {
			w.find(FindingKillAll, "every process of a user is killed", evidence)
		}
	}
}

// security records firewalls and security modules switched off.
func (w *walker) security(name string, vals []string) {
	off := false
	switch name {
	case "setenforce":
		off = len(vals) > 0 && (vals[0] == "0" || strings.EqualFold(vals[0], "permissive"))
	case "ufw":
		off = len(vals) > 0 && (vals[0] == "disable" || vals[0] == "reset")
	case "iptables", "ip6tables":
		off = hasFlag(vals, "-F") || slices.Contains(vals, "--flush") || hasFlag(vals, "-P") && slices.Contains(vals, "ACCEPT")
	case "nft":
		off = slices.Contains(vals, "flush") && slices.Contains(vals, "ruleset")
	case "auditctl":
		off = slices.Contains(vals, "-e") && slices.Contains(vals, "0") || hasFlag(vals, "-D")
	case "aa-teardown":
		off = true
	case "spctl":
		off = slices.Contains(vals, "--master-disable") || slices.Contains(vals, "--global-disable")
	case "csrutil":
		off = slices.Contains(vals, "disable")
	}
	if off {
		w.find(FindingSecurityDisabled, "a firewall or security module is switched off", name+" "+strings.Join(vals, " "))
	}
}

// infra records destructive infrastructure commands.
func (w *walker) infra(name string, vals []string) {
	ops := operands(vals)
	evidence := cleanEvidence(name + " " + strings.Join(vals, " "))
	destroy := func() {
		w.find(FindingInfraDestructive, "infrastructure is destroyed", evidence)
	}
	has := func(words ...string) bool {
		for _, o := range ops {
			if slices.Contains(words, o) {
				return true
			}
		}
		return false
	}
	switch name {
	case "docker", "podman", "nerdctl":
		w.container(name, vals, ops)
		if len(ops) > 0 && (ops[0] == "rm" || ops[0] == "rmi" || has("prune") || ops[0] == "kill") ||
			len(ops) > 1 && slices.Contains([]string{"container", "image", "volume", "network", "service", "stack", "secret", "config", "node", "plugin", "system", "builder", "buildx"}, ops[0]) && slices.Contains([]string{"rm", "remove", "prune", "kill"}, ops[1]) ||
			len(ops) > 1 && ops[0] == "swarm" && ops[1] == "leave" {
			destroy()
		}
	case "ctr":
		if has("rm", "delete", "del", "remove") {
			destroy()
		}
		if slices.ContainsFunc(vals, func(v string) bool { return strings.Contains(v, "src=/,") || strings.HasSuffix(v, "src=/") }) {
			w.find(FindingContainerEscape, "a container mounts the host's root", evidence)
		}
	case "kubectl":
		if has("delete", "drain", "cordon", "taint") || len(ops) > 0 && ops[0] == "replace" && slices.Contains(vals, "--force") ||
			len(ops) > 0 && ops[0] == "scale" && slices.ContainsFunc(vals, func(v string) bool { return v == "--replicas=0" }) {
			destroy()
		}
		if len(ops) > 0 && ops[0] == "proxy" && slices.ContainsFunc(vals, func(v string) bool {
			return strings.HasPrefix(v, "--address") && !strings.Contains(v, "127.0.0.1") && !strings.Contains(v, "localhost")
		}) {
			w.find(FindingExpose, "the Kubernetes API is served on every interface", evidence)
		}
	case "terraform", "tofu":
		if has("destroy") || has("apply") && (slices.Contains(vals, "-auto-approve") || slices.Contains(vals, "--auto-approve") || slices.Contains(vals, "-destroy")) ||
			len(ops) > 1 && ops[0] == "state" && ops[1] == "rm" || has("taint") || has("force-unlock") {
			destroy()
		}
	case "pulumi":
		if has("destroy") || has("up") && slices.Contains(vals, "--yes") && slices.Contains(vals, "--skip-preview") || len(ops) > 1 && ops[0] == "stack" && ops[1] == "rm" {
			destroy()
		}
	case "helm":
		if has("uninstall", "delete", "del", "un") {
			destroy()
		}
	case "aws":
		if slices.ContainsFunc(ops, destructiveVerb) || len(ops) > 1 && ops[0] == "s3" && (ops[1] == "rb" || ops[1] == "rm" && recursiveFlag(vals) || ops[1] == "rm") {
			destroy()
		}
	case "gcloud", "az", "doctl", "firebase", "consul", "nomad", "etcdctl", "zpool", "zfs":
		if slices.ContainsFunc(ops, destructiveVerb) || has("rm", "del", "destroy", "purge", "remove", "remove-value", "stop", "-purge") && name != "gcloud" {
			destroy()
		}
	case "heroku", "fly", "flyctl", "vercel":
		if has("destroy", "apps:destroy", "rm", "remove", "addons:destroy", "pg:reset") {
			destroy()
		}
	case "gh":
		if len(ops) > 1 && ops[1] == "delete" {
			destroy()
		}
	case "dropdb", "dropuser":
		destroy()
	case "redis-cli":
		for _, o := range ops {
			if strings.EqualFold(o, "flushall") || strings.EqualFold(o, "flushdb") {
				destroy()
			}
		}
	case "virsh":
		if has("destroy", "undefine", "vol-delete", "pool-delete") {
			destroy()
		}
	case "vagrant":
		if has("destroy") {
			destroy()
		}
	case "kubeadm":
		if has("reset") {
			destroy()
		}
	case "mongo", "mongosh":
		if slices.ContainsFunc(vals, func(v string) bool { return strings.Contains(v, "dropDatabase") || strings.Contains(v, ".drop()") }) {
			destroy()
		}
	}
}

// destructiveVerb reports whether a cloud CLI word destroys something:
// delete-stack, terminate-instances, remove-role.
func destructiveVerb(op string) bool {
	for _, p := range []string{"delete", "terminate", "remove", "destroy", "deregister", "purge", "detach-volume", "disassociate"} {
		if op == p || strings.HasPrefix(op, p+"-") {
			return true
		}
	}
	return false
}

// container records privileged containers and host mounts.
func (w *walker) container(name string, vals, ops []string) {
	if len(ops) == 0 || ops[0] != "run" && ops[0] != "create" && !(len(ops) > 1 && ops[0] == "container" && (ops[1] == "run" || ops[1] == "create")) {
		return
	}
	evidence := cleanEvidence(name + " " + strings.Join(vals, " "))
	for i, v := range vals {
		switch {
		case v == "--privileged" || v == "--pid=host" || v == "--net=host" && false || v == "--ipc=host" ||
			strings.HasPrefix(v, "--cap-add=") && (strings.Contains(v, "SYS_ADMIN") || strings.Contains(v, "ALL")) ||
			v == "--security-opt=apparmor=unconfined" || v == "--userns=host":
			w.find(FindingPrivilegedRun, "a container runs privileged or in the host's namespaces", evidence)
		case (v == "-v" || v == "--volume" || v == "--mount") && i+1 < len(vals):
			if hostRootMount(vals[i+1]) {
				w.find(FindingContainerEscape, "a container mounts the host's root or its Docker socket", evidence)
			}
		case strings.HasPrefix(v, "-v") && len(v) > 2 && hostRootMount(v[2:]),
			strings.HasPrefix(v, "--volume=") && hostRootMount(strings.TrimPrefix(v, "--volume=")),
			strings.HasPrefix(v, "--mount=") && hostRootMount(strings.TrimPrefix(v, "--mount=")):
			w.find(FindingContainerEscape, "a container mounts the host's root or its Docker socket", evidence)
		}
	}
}

func hostRootMount(spec string) bool {
	src, _, _ := strings.Cut(spec, ":")
	if strings.Contains(spec, "src=/,") || strings.Contains(spec, "source=/,") {
		return true
	}
	return src == "/" || src == "/etc" || src == "/root" || strings.HasSuffix(src, "docker.sock") || src == "/var/run" || src == "/run"
}

// systemPackage records system packages installed from local files, whose
// install scripts run as root.
func (w *walker) systemPackage(name string, vals []string) {
	local := false
	switch name {
	case "dpkg":
		local = hasFlag(vals, "-i") || slices.Contains(vals, "--install") || hasFlag(vals, "-x") && false
	case "rpm":
		local = hasFlag(vals, "-i") || hasFlag(vals, "-U") || slices.Contains(vals, "--install") || slices.Contains(vals, "--upgrade")
	case "snap":
		local = slices.Contains(vals, "--dangerous") || slices.Contains(vals, "--devmode")
	case "installer", "pkg":
		local = slices.Contains(vals, "-pkg") || len(vals) > 0 && vals[0] == "add"
	default:
		local = slices.ContainsFunc(operands(vals), func(v string) bool {
			return strings.HasSuffix(v, ".deb") || strings.HasSuffix(v, ".rpm") || strings.HasSuffix(v, ".apk") || strings.HasSuffix(v, ".pkg.tar.zst")
		})
	}
	if local {
		w.find(FindingLocalPackage, "a system package is installed from a file, running its install scripts", name+" "+strings.Join(vals, " "))
	}
}

// checkAssigns checks assignments for variables that change what runs or
// what is recorded: LD_PRELOAD, HISTFILE, *_COMMAND.
func (w *walker) checkAssigns(as []*syntax.Assign, sc *scope) {
	for _, a := range as {
		if a.Name == nil || a.Value == nil {
			continue
		}
		name := a.Name.Value
		v, dyn := sc.env.word(a.Value)
		switch {
		case name == "LD_PRELOAD" || name == "DYLD_INSERT_LIBRARIES" || name == "LD_AUDIT":
			w.find(FindingLibraryLoad, "a library is loaded into every program started", name+"="+v)
		case name == "HISTFILE" && (v == "/dev/null" || v == "") || name == "HISTSIZE" && v == "0" || name == "HISTFILESIZE" && v == "0":
			w.find(FindingHistoryClear, "shell history is switched off", name+"="+v)
		case strings.HasSuffix(name, "_COMMAND") || strings.HasSuffix(name, "_CMD") || strings.HasSuffix(name, "PAGER") ||
			name == "EDITOR" || name == "VISUAL" || name == "GIT_SSH" || name == "BASH_ENV" || name == "ENV" || name == "PROMPT_COMMAND":
			if !dyn && (mentionsShell(v) || w.executables[v]) {
				w.find(FindingShellEscape, "a variable makes a program run a shell or a prepared executable", name+"="+v)
			} else if prog, _, _ := strings.Cut(strings.TrimSpace(v), " "); !dyn && strings.HasPrefix(prog, "/") && !standardBin(prog) {
				w.find(FindingIndirectExec, "a variable makes a program run another program", name+"="+v)
			}
			if !dyn && strings.ContainsAny(v, " ;|&") && name != "EDITOR" && name != "VISUAL" {
				w.script(v, sc.nested(name))
			}
		}
	}
}

// sqlClient records SQL handed to database clients.
func (w *walker) sqlClient(name string, vals []string, in flow) {
	var flags []string
	switch name {
	case "psql":
		flags = []string{"-c", "--command"}
	case "mysql", "mariadb":
		flags = []string{"-e", "--execute"}
	case "sqlcmd":
		flags = []string{"-Q", "-q"}
	case "clickhouse-client":
		flags = []string{"-q", "--query"}
	case "cockroach", "duckdb":
		flags = []string{"-e", "--execute", "-c"}
	case "sqlite3", "sqlite":
		ops := operands(vals)
		text := ""
		if len(ops) >= 2 {
			text = strings.Join(ops[1:], " ")
		} else if in.static {
			text = in.text
		}
		if text != "" {
			w.sql(name, text)
		}
		if len(ops) > 0 && ops[0] != ":memory:" {
			// The database is a file sqlite3 opens for writing unless it
			// is only read from.
			op := event.OpWrite
			if readOnlySQL(text) {
				op = event.OpRead
			}
			w.addPath(ops[0], op, false, name+" database")
		}
		return
	default:
		return
	}
	found := false
	for i, v := range vals {
		for _, f := range flags {
			if v == f && i+1 < len(vals) {
				w.sql(name, vals[i+1])
				found = true
			} else if strings.HasPrefix(v, f+"=") {
				w.sql(name, strings.TrimPrefix(v, f+"="))
				found = true
			}
		}
	}
	if !found && in.static && in.text != "" {
		w.sql(name, in.text)
	}
}

// readOnlySQL reports whether SQL given to sqlite3 only reads: SELECTs
// and the dot commands that show things.
func readOnlySQL(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "" {
		return false // an interactive session can do anything
	}
	for _, p := range []string{"select", "explain", ".tables", ".schema", ".indexes", ".dump", ".headers", ".mode", ".show", ".databases"} {
		if strings.HasPrefix(t, p) && !strings.Contains(t, ";") {
			return true
		}
	}
	return false
}

func (w *walker) sql(client, text string) {
	if isDynamic(text) {
		return
	}
	s := &w.s.Facts.Shell.SQL
	if len(*s) < 32 {
		*s = append(*s, event.SQLText{Client: client, Text: text})
	}
}

// urls records addresses handed to network tools.
func (w *walker) urls(list ...string) {
	u := &w.s.Facts.Shell.URLs
	for _, s := range list {
		if s != "" && !isDynamic(s) && len(*u) < 64 && !slices.Contains(*u, s) {
			*u = append(*u, s)
		}
	}
}

// escapes looks for shells handed to programs that are not shells: an
// argument naming /bin/sh, a vi or lftp "!sh" escape, awk's system().
func (w *walker) escapes(name string, rest []arg) {
	if inertCommand(name) || name == "chmod" || name == "chown" || name == "chgrp" {
		return
	}
	for _, a := range rest {
		v := a.val
		if a.dyn {
			// The literal parts of a word still say what it runs:
			// "ProxyCommand /bin/sh -i <$(tty)".
			if mentionsShell(v) {
				w.find(FindingShellEscape, name+" is handed a shell to run", cleanEvidence(name+" "+strings.Join(values(rest), " ")))
				return
			}
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(v), "#!") {
			continue // a shebang being written
		}
		if mentionsShell(v) || shellEscapeSyntax(v) {
			w.find(FindingShellEscape, name+" is handed a shell to run", cleanEvidence(name+" "+strings.Join(values(rest), " ")))
			return
		}
		if name == "rm" || name == "mv" || name == "cp" || name == "ln" {
			continue
		}
		if w.executables[v] || strings.Contains(v, "=") && w.executables[v[strings.IndexByte(v, '=')+1:]] {
			w.find(FindingIndirectExec, name+" is handed an executable prepared in the same command", name+" "+v)
			return
		}
	}
}

// inertCommand reports whether a command only looks at its arguments, so
// that naming a shell there runs nothing.
func inertCommand(name string) bool {
	switch name {
	case "echo", "printf", "test", "[", "[[", "which", "type", "whereis", "command", "file", "ls", "stat",
		"readlink", "realpath", "basename", "dirname", "ldd", "md5sum", "sha1sum", "sha256sum", "sha512sum",
		"grep", "egrep", "fgrep", "rg", "ag", "find", "diff", "cmp", "strings", "chsh", "usermod", "useradd",
		"man", "help", "info", "apropos", "tldr", "whatis", "du", "wc", "head", "tail", "less", "more",
		"cat", "hexdump", "xxd", "od", "objdump", "readelf", "nm", "dpkg", "rpm", "pacman", "brew", "apt", "apt-cache":
		return true
	}
	return false
}

// mentionsShell reports whether s names a shell binary by path, as in
// "/bin/sh", "/usr/bin/bash -i" or "exec:/bin/sh,pty".
func mentionsShell(s string) bool {
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "/bin/")
		if j < 0 {
			return false
		}
		start := i + j + len("/bin/")
		end := start
		for end < len(s) && (s[end] >= 'a' && s[end] <= 'z' || s[end] >= '0' && s[end] <= '9') {
			end++
		}
		if isShell(s[start:end]) && (end == len(s) || !isWordChar(s[end])) {
			return true
		}
		i = start
	}
	return false
}

func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// shellEscapeSyntax reports whether s is a shell escape of an editor or
// client: vi's ":!cmd" and ":shell", lftp's and mail's "!cmd".
func shellEscapeSyntax(s string) bool {
	t := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(t, ":!") || strings.HasPrefix(t, "!/") || strings.HasPrefix(t, "!sh") || strings.HasPrefix(t, "!bash"):
		return true
	case strings.Contains(t, ":shell") || strings.Contains(t, ":terminal") || strings.Contains(t, "set shell="):
		return true
	case strings.Contains(t, "--exec=!") || strings.HasPrefix(t, "--exec=!"):
		return true
	}
	return false
}

// classify resolves and classifies a path the way the pathclass analyzer
// will, for findings that depend on what a path is.
func (w *walker) classify(p string) []string {
	if isDynamic(p) || w.s.Env == nil {
		return nil
	}
	return w.s.Env.Classify(w.s.Env.Resolve(p))
}

func hasClass(classes []string, c string) bool {
	return slices.Contains(classes, c)
}

// standardBin reports whether p is in a directory the system installs
// programs into.
func standardBin(p string) bool {
	for _, d := range []string{"/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/", "/opt/homebrew/bin/", "/snap/bin/", "/usr/libexec/"} {
		if strings.HasPrefix(p, d) && !strings.Contains(p[len(d):], "/") {
			return true
		}
	}
	return false
}
