package shell

import (
	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Finding ids the shell analyzer emits. They are stable: policies match
// them, and docs/shell-analysis.md documents each with an example.
const (
	// Parsing and resolution.
	FindingUnparsed       = "shell.unparsed"
	FindingTooComplex     = "shell.too_complex"
	FindingDynamicCommand = "shell.dynamic_command"
	FindingDecodedExec    = "shell.decoded_exec"
	FindingObfuscatedExec = "shell.obfuscated_exec"
	FindingPipeExec       = "shell.pipe_exec"
	FindingInteractive    = "shell.interactive"
	FindingShellEscape    = "exec.shell_escape"
	FindingIndirectExec   = "exec.indirect"
	FindingLibraryLoad    = "exec.library_load"
	FindingInterpreter    = "exec.interpreter"
	FindingPayload        = "exec.payload"
	FindingWrittenShell   = "exec.shell_in_file"

	// File system.
	FindingDeleteRecursive = "fs.delete.recursive"
	FindingDeleteBulk      = "fs.delete.bulk"
	FindingDeleteUnknown   = "fs.delete.unknown_target"
	FindingTruncate        = "fs.truncate"
	FindingChmodRecursive  = "fs.chmod.recursive"
	FindingWorldWritable   = "fs.chmod.world_writable"
	FindingSetuid          = "fs.chmod.setuid"
	FindingChownRecursive  = "fs.chown.recursive"
	FindingCapabilities    = "fs.capabilities"

	// Disks and devices.
	FindingDiskFormat = "disk.format"
	FindingDiskWrite  = "disk.write"
	FindingDiskWipe   = "disk.wipe"

	// Version control.
	FindingGitResetHard     = "git.reset_hard"
	FindingGitClean         = "git.clean"
	FindingGitPushForce     = "git.push_force"
	FindingGitBranchDelete  = "git.branch_delete"
	FindingGitDiscard       = "git.discard_changes"
	FindingGitStashDrop     = "git.stash_drop"
	FindingGitHistory       = "git.history_rewrite"
	FindingGitReflogExpire  = "git.reflog_expire"
	FindingGitUpdateRefDel  = "git.update_ref_delete"
	FindingGitAliasExec     = "git.alias_exec"
	FindingGitHooksPathSets = "git.hooks_path"

	// Network.
	FindingDownloadExec = "net.download_exec"
	FindingReverseShell = "net.reverse_shell"
	FindingBindShell    = "net.bind_shell"
	FindingRawSocket    = "net.raw_socket"
	FindingUpload       = "net.upload"
	FindingExfilSecret  = "net.exfil.credential"
	FindingExfilEnv     = "net.exfil.env"
	FindingExpose       = "net.expose"

	// Secrets and privileges.
	FindingEnvDump          = "env.dump"
	FindingSudo             = "priv.sudo"
	FindingContainerEscape  = "priv.container_escape"
	FindingPrivilegedRun    = "priv.privileged_container"
	FindingPersistCron      = "persist.cron"
	FindingPersistService   = "persist.service"
	FindingHistoryClear     = "evasion.history"
	FindingLogTamper        = "evasion.logs"
	FindingClockChange      = "evasion.clock"
	FindingSecurityDisabled = "evasion.security_off"

	// The system.
	FindingPower    = "sys.power"
	FindingKillAll  = "sys.kill_all"
	FindingForkBomb = "sys.fork_bomb"

	// Infrastructure and packages.
	FindingInfraDestructive = "infra.destructive"
	FindingTyposquat        = "pkg.typosquat"
	FindingLocalPackage     = "pkg.local_system_package"
)

// catalog lists every finding the analyzer emits, with its severity and
// what it means.
var catalog = [...]analyze.FindingSpec{
	{ID: FindingUnparsed, Severity: event.Medium, Doc: "the command is not valid shell syntax, so ward cannot tell what it does"},
	{ID: FindingTooComplex, Severity: event.Medium, Doc: "the command nests, repeats or expands beyond what ward analyzes"},
	{ID: FindingDynamicCommand, Severity: event.Medium, Doc: "a command's name is only known when it runs (a substitution or an unknown variable)"},
	{ID: FindingDecodedExec, Severity: event.Medium, Doc: "an encoded or obfuscated payload is decoded and run; ward decoded it and analyzed what it runs"},
	{ID: FindingObfuscatedExec, Severity: event.High, Doc: "an encoded or obfuscated payload is run and ward could not decode it"},
	{ID: FindingPipeExec, Severity: event.Medium, Doc: "text produced at run time (a file, a command's output) is run as a script"},
	{ID: FindingInteractive, Severity: event.Medium, Doc: "an interactive or privileged shell is started (sh with no script, bash -i, bash -p, su, chroot)"},
	{ID: FindingShellEscape, Severity: event.Medium, Doc: "a program is handed a shell to run (a /bin/sh argument, a shell escape such as vi -c ':!sh')"},
	{ID: FindingIndirectExec, Severity: event.Medium, Doc: "a program is made to run another program indirectly (an executable made and passed as a hook, *_COMMAND variables)"},
	{ID: FindingLibraryLoad, Severity: event.High, Doc: "a shared library is loaded into a process (LD_PRELOAD, ctypes, dlopen, --engine)"},
	{ID: FindingInterpreter, Severity: event.Info, Doc: "an interpreter runs code given on the command line (python -c, node -e, awk)"},
	{ID: FindingPayload, Severity: event.High, Doc: "an exploit payload such as a reverse shell is generated (msfvenom)"},
	{ID: FindingWrittenShell, Severity: event.Medium, Doc: "a file is written with code that starts a shell, for a program to run later (a Gemfile, package.json script, source file)"},

	{ID: FindingDeleteRecursive, Severity: event.Medium, Doc: "a directory and everything below it is deleted (rm -r, rmtree, rm_rf)"},
	{ID: FindingDeleteBulk, Severity: event.Medium, Doc: "files are deleted by pattern: find -delete, find -exec rm, xargs rm"},
	{ID: FindingDeleteUnknown, Severity: event.Medium, Doc: "a recursive delete whose target is only known at run time (rm -rf \"$DIR\", rm -rf $(...))"},
	{ID: FindingTruncate, Severity: event.Low, Doc: "a file is truncated or overwritten in place (truncate, : > file, dd of=file)"},
	{ID: FindingChmodRecursive, Severity: event.Medium, Doc: "permissions of a whole tree are changed (chmod -R)"},
	{ID: FindingWorldWritable, Severity: event.Medium, Doc: "a file is made writable by everyone (chmod 777, o+w)"},
	{ID: FindingSetuid, Severity: event.High, Doc: "a file gets the setuid or setgid bit"},
	{ID: FindingChownRecursive, Severity: event.Medium, Doc: "ownership of a whole tree is changed (chown -R, chgrp -R)"},
	{ID: FindingCapabilities, Severity: event.High, Doc: "file capabilities are set (setcap)"},

	{ID: FindingDiskFormat, Severity: event.Critical, Doc: "a file system is created or a disk partitioned (mkfs, wipefs, fdisk, parted)"},
	{ID: FindingDiskWrite, Severity: event.Critical, Doc: "raw data is written to a device (dd of=/dev/sda, > /dev/sda)"},
	{ID: FindingDiskWipe, Severity: event.High, Doc: "files or devices are overwritten to destroy their data (shred, wipe, srm)"},

	{ID: FindingGitResetHard, Severity: event.Medium, Doc: "git reset --hard discards uncommitted work"},
	{ID: FindingGitClean, Severity: event.Medium, Doc: "git clean -f deletes untracked files"},
	{ID: FindingGitPushForce, Severity: event.Medium, Doc: "git push --force rewrites the remote's history (--force-with-lease is not flagged)"},
	{ID: FindingGitBranchDelete, Severity: event.Medium, Doc: "git branch -D deletes a branch whether or not it is merged"},
	{ID: FindingGitDiscard, Severity: event.Medium, Doc: "git checkout -- . or git restore . discards uncommitted changes"},
	{ID: FindingGitStashDrop, Severity: event.Medium, Doc: "git stash drop or clear loses stashed work"},
	{ID: FindingGitHistory, Severity: event.Medium, Doc: "history is rewritten (git filter-branch, git filter-repo)"},
	{ID: FindingGitReflogExpire, Severity: event.Medium, Doc: "git reflog expire removes the safety net for lost commits"},
	{ID: FindingGitUpdateRefDel, Severity: event.Medium, Doc: "git update-ref -d deletes a ref"},
	{ID: FindingGitAliasExec, Severity: event.Medium, Doc: "git -c alias.x='!cmd' runs a shell command through a git alias"},
	{ID: FindingGitHooksPathSets, Severity: event.High, Doc: "git's hooks path or another code-running setting is changed (core.hooksPath, core.fsmonitor, core.sshCommand)"},

	{ID: FindingDownloadExec, Severity: event.High, Doc: "something downloaded is run at once (curl | sh, bash <(curl ...), iex (iwr ...))"},
	{ID: FindingReverseShell, Severity: event.Critical, Doc: "a shell is connected to a remote host (/dev/tcp, nc -e, socat exec, mkfifo relays, interpreter sockets)"},
	{ID: FindingBindShell, Severity: event.Critical, Doc: "a shell is offered on a listening port (nc -l -e, socat tcp-listen exec)"},
	{ID: FindingRawSocket, Severity: event.High, Doc: "bash's /dev/tcp or /dev/udp is opened"},
	{ID: FindingUpload, Severity: event.Medium, Doc: "local data is sent to another host (curl -T/-F/-d @file, wget --post-file, scp, rsync, nc < file)"},
	{ID: FindingExfilSecret, Severity: event.Critical, Doc: "a credential file is sent to another host"},
	{ID: FindingExfilEnv, Severity: event.Critical, Doc: "the environment (which holds secrets) is sent to another host"},
	{ID: FindingExpose, Severity: event.Medium, Doc: "local files or services are exposed on all interfaces (kubectl proxy --address=0.0.0.0, tailscale serve)"},

	{ID: FindingEnvDump, Severity: event.Low, Doc: "the environment is printed (env, printenv, /proc/*/environ)"},
	{ID: FindingSudo, Severity: event.Medium, Doc: "a command runs with another user's privileges (sudo, doas, su, pkexec, run0)"},
	{ID: FindingContainerEscape, Severity: event.High, Doc: "a command enters the host's namespaces or mounts the host's root (nsenter -t 1, docker run -v /:/host)"},
	{ID: FindingPrivilegedRun, Severity: event.High, Doc: "a container runs privileged or with the host's PID or network namespace"},
	{ID: FindingPersistCron, Severity: event.Medium, Doc: "a crontab is installed or replaced"},
	{ID: FindingPersistService, Severity: event.Medium, Doc: "a service or login item is installed to start on its own (systemctl enable, launchctl load)"},
	{ID: FindingHistoryClear, Severity: event.Medium, Doc: "shell history is cleared or switched off"},
	{ID: FindingLogTamper, Severity: event.Medium, Doc: "system logs are deleted, truncated or vacuumed"},
	{ID: FindingClockChange, Severity: event.Medium, Doc: "the system clock is changed"},
	{ID: FindingSecurityDisabled, Severity: event.High, Doc: "a firewall or security module is switched off (ufw disable, setenforce 0, iptables -F)"},

	{ID: FindingPower, Severity: event.Medium, Doc: "the machine is shut down, rebooted or suspended"},
	{ID: FindingKillAll, Severity: event.High, Doc: "every process is killed (kill -9 -1, killall5)"},
	{ID: FindingForkBomb, Severity: event.Critical, Doc: "a fork bomb: a function that calls itself twice in the background"},

	{ID: FindingInfraDestructive, Severity: event.Medium, Doc: "infrastructure is destroyed (kubectl delete, terraform destroy, aws ... delete-*, docker system prune, dropdb, redis-cli flushall)"},
	{ID: FindingTyposquat, Severity: event.Medium, Doc: "an installed package's name is one edit away from a popular package's"},
	{ID: FindingLocalPackage, Severity: event.Medium, Doc: "a system package is installed from a local file, which runs its install scripts (dpkg -i, rpm -i, snap install --dangerous)"},
}

// Catalog implements analyze.Cataloger.
func (Analyzer) Catalog() []analyze.FindingSpec {
	return append([]analyze.FindingSpec(nil), catalog[:]...)
}

// severityOf returns the catalog severity of a finding id.
func severityOf(id string) event.Severity {
	for _, f := range catalog {
		if f.ID == id {
			return f.Severity
		}
	}
	return event.Medium
}
