package pathclass

import (
	"path"
	"strings"
)

// sensitive adds the classes that depend on what a path is rather than
// where it is. Matching ignores case, because macOS file systems do.
func (e *Env) sensitive(p string, set *classSet) {
	lp := strings.ToLower(p)
	e.ward(p, lp, set)
	if home := strings.ToLower(e.Home); home != "" && home != "/" && within(lp, home) && lp != home {
		homeRelative(lp[len(home)+1:], set)
	}
	anywhere(lp, set)
	absolute(lp, set)
	e.parents(lp, set)
}

// ward adds Ward and WardSecret for ward's state directory, the managed
// policy directory, a project's .ward directory and ward's other files.
func (e *Env) ward(p, lp string, set *classSet) {
	for _, dir := range e.wardDirs() {
		ld := strings.ToLower(dir)
		if within(lp, ld) {
			set.add(Ward)
			if lp != ld && isWardSecret(lp[len(ld)+1:]) {
				set.add(WardSecret)
			}
		}
	}
	if hasComponent(lp, ".ward") {
		set.add(Ward)
	}
	for _, f := range e.WardFiles {
		if f != "" && p == f {
			set.add(Ward)
		}
	}
}

// wardDirs are the directories that hold ward's state and policies.
func (e *Env) wardDirs() []string {
	dirs := []string{"/etc/ward"}
	if e.WardHome != "" && e.WardHome != "/" {
		dirs = append(dirs, e.WardHome)
	}
	if e.Home != "" && e.Home != "/" {
		dirs = append(dirs, e.Home+"/.ward")
	}
	return dirs
}

// isWardSecret reports whether rel, a lower-case path inside ward's state
// directory, holds a secret.
func isWardSecret(rel string) bool {
	first, _, _ := strings.Cut(rel, "/")
	switch first {
	case "keys", "secrets", "token", "approval.token", "hmac.key", "signing.key",
		// The session store holds the fingerprint key beside the
		// fingerprints: together they let anyone test guesses of the
		// values ward tracks.
		"state.db", "state.db-wal", "state.db-shm":
		return true
	}
	return strings.HasSuffix(rel, ".key") || strings.HasSuffix(rel, ".token")
}

// hasComponent reports whether one of p's path components is name.
func hasComponent(p, name string) bool {
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i:], '/')
		end := len(p)
		if j >= 0 {
			end = i + j
		}
		if p[i:end] == name {
			return true
		}
		if j < 0 {
			break
		}
		i = end + 1
	}
	return false
}

// homeRelative classifies rel, a lower-case path relative to the home
// directory.
func homeRelative(rel string, set *classSet) {
	if c := homeFile(rel); c != "" {
		set.add(c)
	}
	for _, d := range homeDirs {
		if within(rel, d.dir) {
			set.add(d.class)
		}
	}
}

// homeFile classifies exact files relative to the home directory.
func homeFile(rel string) string {
	switch rel {
	case ".claude/settings.json", ".claude/settings.local.json", ".claude.json",
		".codex/config.toml", ".codex/hooks.json",
		".gemini/settings.json",
		".cursor/hooks.json", ".cursor/mcp.json",
		".copilot/mcp-config.json", ".copilot/config.json",
		".config/claude/claude_desktop_config.json",
		"library/application support/claude/claude_desktop_config.json",
		".config/code/user/settings.json", ".config/code/user/mcp.json",
		"library/application support/code/user/settings.json",
		"library/application support/code/user/mcp.json",
		".windsurf/mcp.json", ".codeium/windsurf/mcp_config.json":
		return AgentConfig
	case ".claude/.credentials.json", ".codex/auth.json", ".gemini/oauth_creds.json",
		".netrc", "_netrc", ".git-credentials", ".npmrc", ".pypirc", ".yarnrc.yml",
		".gem/credentials", ".cargo/credentials", ".cargo/credentials.toml",
		".m2/settings.xml", ".gradle/gradle.properties", ".nuget/nuget/nuget.config",
		".config/gh/hosts.yml", ".config/hub", ".config/git/credentials",
		".terraform.d/credentials.tfrc.json", ".terraformrc", ".vault-token",
		".pgpass", ".my.cnf", ".boto", ".s3cfg", ".databrickscfg",
		".config/rclone/rclone.conf", ".config/doctl/config.yaml", ".fly/config.yml",
		".config/github-copilot/hosts.json", ".config/github-copilot/apps.json",
		".docker/config.json", ".bash_history", ".zsh_history", ".history", ".sh_history",
		".python_history", ".node_repl_history", ".psql_history", ".mysql_history",
		".sqlite_history", ".rediscli_history", ".local/share/fish/fish_history":
		return Credential
	case ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
		".zshrc", ".zprofile", ".zshenv", ".zlogin", ".zlogout",
		".config/fish/config.fish", ".xinitrc", ".xprofile", ".xsession",
		".pam_environment", ".gitconfig", ".config/git/config",
		".ssh/config", ".ssh/rc", ".ssh/environment":
		return Persistence
	}
	return ""
}

type dirClass struct{ dir, class string }

// homeDirs are directories relative to the home directory whose contents
// all carry a class.
var homeDirs = [...]dirClass{
	{".aws", Credential},
	{".azure", Credential},
	{".config/gcloud", Credential},
	{".kube", Credential},
	{".gnupg", Credential},
	{".password-store", Credential},
	{".local/share/keyrings", Credential},
	{".config/op", Credential},
	{".oci", Credential},
	{".snowflake", Credential},
	{".config/google-chrome", Credential},
	{".config/chromium", Credential},
	{".config/bravesoftware", Credential},
	{".mozilla/firefox", Credential},
	{"library/application support/google/chrome", Credential},
	{"library/application support/firefox", Credential},
	{"library/keychains", Credential},
	{".copilot/hooks", AgentConfig},
	{".config/fish/conf.d", Persistence},
	{".config/autostart", Persistence},
	{".config/systemd/user", Persistence},
	{"library/launchagents", Persistence},
}

// anywhere classifies by file name and by the last components of a path,
// whatever directory it is in: a project's own agent configuration, .env
// files, private keys, git hooks.
func anywhere(lp string, set *classSet) {
	base := path.Base(lp)
	dir := path.Base(path.Dir(lp))
	switch dir + "/" + base {
	case ".claude/settings.json", ".claude/settings.local.json",
		".codex/config.toml", ".codex/hooks.json", ".gemini/settings.json",
		".cursor/hooks.json", ".cursor/mcp.json", ".vscode/mcp.json":
		set.add(AgentConfig)
	case ".ssh/authorized_keys", ".ssh/authorized_keys2":
		set.add(Persistence)
	case ".git/config":
		set.add(Persistence)
	}
	if base == ".mcp.json" || strings.HasSuffix(path.Dir(lp), "/.github/hooks") && strings.HasSuffix(base, ".json") {
		set.add(AgentConfig)
	}
	if isCredentialName(base) {
		set.add(Credential)
	}
	if i := strings.Index(lp, "/.git/hooks/"); i >= 0 || strings.HasSuffix(lp, "/.git/hooks") {
		set.add(Persistence)
	}
	if hasComponent(lp, ".git") {
		set.add(Git)
	}
	if hasComponent(lp, ".ssh") && !isPublicSSH(base) {
		set.add(Credential)
	}
}

// isCredentialName reports whether a lower-case file name, wherever it
// lives, holds secrets.
func isCredentialName(base string) bool {
	switch base {
	case ".env", ".envrc", "credentials", "credentials.json", "id_rsa", "id_dsa",
		"id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", ".htpasswd",
		"service-account.json", "service_account.json", "secrets.yml", "secrets.yaml",
		"master.key", "kubeconfig", "terraform.tfstate", "terraform.tfstate.backup":
		return true
	}
	if strings.HasPrefix(base, ".env.") {
		switch strings.TrimPrefix(base, ".env.") {
		case "example", "sample", "template", "dist", "defaults", "schema", "tmpl", "example.local":
			return false
		}
		return true
	}
	for _, ext := range [...]string{".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx", ".gpg", ".asc"} {
		if strings.HasSuffix(base, ext) && len(base) > len(ext) {
			return true
		}
	}
	return strings.HasSuffix(base, ".pem") && (strings.Contains(base, "key") || strings.Contains(base, "private"))
}

// isPublicSSH reports whether a file in an .ssh directory is not a secret.
func isPublicSSH(base string) bool {
	return strings.HasSuffix(base, ".pub") || strings.HasPrefix(base, "known_hosts") ||
		base == "config" || base == "authorized_keys" || base == "authorized_keys2" ||
		base == "rc" || base == "environment"
}

// absolute classifies paths whose location is fixed by the operating system.
func absolute(lp string, set *classSet) {
	for _, d := range absoluteDirs {
		if within(lp, d.dir) {
			set.add(d.class)
		}
	}
	switch {
	case strings.HasPrefix(lp, "/dev/tcp/") || strings.HasPrefix(lp, "/dev/udp/"):
		set.add(Network)
	case strings.HasPrefix(lp, "/dev/") && !harmlessDevice(lp):
		set.add(Device)
	}
	if strings.HasPrefix(lp, "/proc/") && (strings.HasSuffix(lp, "/environ") || strings.HasSuffix(lp, "/mem")) {
		set.add(Credential)
	}
	if strings.HasPrefix(lp, "/etc/ssh/ssh_host_") && !strings.HasSuffix(lp, ".pub") {
		set.add(Credential)
	}
}

// absoluteDirs are fixed places whose contents all carry a class.
var absoluteDirs = [...]dirClass{
	{"/etc/shadow", Credential},
	{"/etc/gshadow", Credential},
	{"/etc/shadow-", Credential},
	{"/etc/master.passwd", Credential},
	{"/var/run/secrets", Credential},
	{"/run/secrets", Credential},
	{"/etc/claude-code", AgentConfig},
	{"/library/application support/claudecode", AgentConfig},
	{"/etc/gemini-cli", AgentConfig},
	{"/etc/cursor", AgentConfig},
	{"/etc/codex", AgentConfig},
	{"/etc/profile", Persistence},
	{"/etc/profile.d", Persistence},
	{"/etc/bash.bashrc", Persistence},
	{"/etc/bashrc", Persistence},
	{"/etc/zsh", Persistence},
	{"/etc/zshrc", Persistence},
	{"/etc/environment", Persistence},
	{"/etc/crontab", Persistence},
	{"/etc/cron.d", Persistence},
	{"/etc/cron.hourly", Persistence},
	{"/etc/cron.daily", Persistence},
	{"/etc/cron.weekly", Persistence},
	{"/etc/cron.monthly", Persistence},
	{"/var/spool/cron", Persistence},
	{"/etc/systemd", Persistence},
	{"/lib/systemd/system", Persistence},
	{"/usr/lib/systemd/system", Persistence},
	{"/etc/init.d", Persistence},
	{"/etc/rc.local", Persistence},
	{"/etc/ld.so.preload", Persistence},
	{"/etc/ld.so.conf.d", Persistence},
	{"/etc/sudoers", Persistence},
	{"/etc/sudoers.d", Persistence},
	{"/etc/passwd", Persistence},
	{"/etc/shadow", Persistence},
	{"/etc/group", Persistence},
	{"/etc/pam.d", Persistence},
	{"/etc/ssh/sshd_config", Persistence},
	{"/etc/update-motd.d", Persistence},
	{"/etc/xdg/autostart", Persistence},
	{"/library/launchagents", Persistence},
	{"/library/launchdaemons", Persistence},
}

func harmlessDevice(lp string) bool {
	switch lp {
	case "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
		"/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/ptmx", "/dev/fd", "/dev/pts":
		return true
	}
	return strings.HasPrefix(lp, "/dev/fd/") || strings.HasPrefix(lp, "/dev/pts/") ||
		strings.HasPrefix(lp, "/dev/shm/") || lp == "/dev/shm"
}

// parents adds ProtectedParent to directories that hold ward's files or an
// agent's configuration: removing or moving them removes what they hold.
func (e *Env) parents(lp string, set *classSet) {
	if set.has(Ward) {
		return
	}
	for _, d := range e.protectedDirs() {
		if within(strings.ToLower(d), lp) {
			set.add(ProtectedParent)
			return
		}
	}
	switch path.Base(lp) {
	case ".claude", ".codex", ".gemini", ".cursor", ".vscode":
		set.add(ProtectedParent)
	case "hooks":
		if strings.HasSuffix(lp, "/.github/hooks") {
			set.add(ProtectedParent)
		}
	case ".github":
		set.add(ProtectedParent)
	}
}

// protectedDirs are the directories holding ward's state and the agents'
// user-level configuration.
func (e *Env) protectedDirs() []string {
	dirs := append(e.wardDirs(), "/etc/claude-code", "/etc/gemini-cli", "/etc/cursor", "/etc/codex",
		"/library/application support/claudecode")
	if e.Home != "" && e.Home != "/" {
		for _, d := range [...]string{".claude", ".codex", ".gemini", ".cursor", ".copilot",
			".config/claude", "library/application support/claude", ".config/code/user",
			"library/application support/code/user"} {
			dirs = append(dirs, e.Home+"/"+d)
		}
	}
	return dirs
}
