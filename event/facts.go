package event

// Facts are what analyzers learned about an event: structured data that
// policy rules match on, beside the [Finding]s.
type Facts struct {
	// Workspace is the root of the project the agent works in: the git
	// root above the event's working directory, or the directory itself.
	Workspace string `json:"workspace,omitempty"`
	// Paths are every file system path the action touches, with what it
	// does to each and how ward classifies it.
	Paths []PathFact `json:"paths,omitempty"`
	// Shell holds what the shell analyzer found in a command.
	Shell ShellFacts `json:"shell"`
	// SQL holds the statements the SQL analyzer found, from a SQL tool or
	// handed to a database client in a shell command.
	SQL []SQLStatement `json:"sql,omitempty"`
	// URLs holds every URL the action reaches, normalized and classified.
	URLs []URLFact `json:"urls,omitempty"`
	// Redactions are the spans of secrets in a tool's output (post
	// phase), for a policy that redacts them.
	Redactions []Redaction `json:"redactions,omitempty"`
	// OutputValues are the spans of personal data in a tool's output
	// (post phase). When the output is private, the session remembers
	// their fingerprints.
	OutputValues []Redaction `json:"output_values,omitempty"`
}

// URLFact is a URL as clients read it.
type URLFact struct {
	URL    string `json:"url"`
	Scheme string `json:"scheme"`
	// Host is lower-cased and percent-decoded, without a trailing dot.
	Host string `json:"host"`
	Port int    `json:"port,omitempty"`
	// IP is the address the host is written as, normalized (2852039166
	// and 0xA9FEA9FE are both 169.254.169.254); empty for names.
	IP string `json:"ip,omitempty"`
	// Classes say what the host is: metadata, loopback, private,
	// link_local, cgnat, unspecified, reserved, internal, rebinding,
	// public.
	Classes []string `json:"classes"`
	// DevPort is set when the port is one development servers use.
	DevPort     bool   `json:"dev_port,omitempty"`
	User        string `json:"user,omitempty"`
	HasPassword bool   `json:"has_password,omitempty"`
	Path        string `json:"path,omitempty"`
	Query       string `json:"query,omitempty"`
	// Confusing is set when parsers would read the host differently
	// (backslashes, several @); the most dangerous reading is kept.
	Confusing bool   `json:"confusing,omitempty"`
	Source    string `json:"source,omitempty"`
}

// SQLStatement is what the SQL analyzer learned about one statement.
type SQLStatement struct {
	Text string `json:"text"`
	// Verb is the statement's first keyword, lower-cased: select, insert,
	// update, delete, drop, truncate, alter, grant, ... (after WITH's
	// common table expressions, and after EXPLAIN ANALYZE, which runs).
	Verb string `json:"verb"`
	// Object is what DROP, CREATE, ALTER and TRUNCATE act on: table,
	// view, database, schema, index, function, user, role.
	Object string `json:"object,omitempty"`
	// Targets are the tables the statement reads or changes.
	Targets []string `json:"targets,omitempty"`
	// Where is set when a DELETE or UPDATE has a top-level WHERE, and
	// Tautology when that WHERE is trivially true.
	Where     bool `json:"where"`
	Tautology bool `json:"tautology"`
	// Parsed is set when a SQL parser accepted the statement.
	Parsed bool `json:"parsed"`
}

// PathFact is one path an action touches.
type PathFact struct {
	// Path is absolute and cleaned.
	Path string `json:"path"`
	Op   PathOp `json:"op"`
	// Classes say what kind of location the path is, e.g. "workspace",
	// "credential", "ward"; see package pathclass for the list.
	Classes []string `json:"classes"`
	// Recursive is set when the operation reaches everything below the
	// path: rm -r, find -delete, chmod -R.
	Recursive bool `json:"recursive,omitempty"`
	// Source says where in the event the path came from.
	Source string `json:"source,omitempty"`
}

// Has reports whether the path carries class c.
func (p PathFact) Has(c string) bool {
	for _, x := range p.Classes {
		if x == c {
			return true
		}
	}
	return false
}

// PathOp is what an action does to a path.
type PathOp string

// The path operations.
const (
	OpRead   PathOp = "read"
	OpList   PathOp = "list"
	OpWrite  PathOp = "write"
	OpDelete PathOp = "delete"
	OpLink   PathOp = "link"
	OpChmod  PathOp = "chmod"
	OpExec   PathOp = "exec"
)

// PathOps lists every path operation, in a stable order.
func PathOps() []PathOp {
	return []PathOp{OpRead, OpList, OpWrite, OpDelete, OpLink, OpChmod, OpExec}
}

// Modifies reports whether op changes the file system.
func (op PathOp) Modifies() bool {
	switch op {
	case OpWrite, OpDelete, OpLink, OpChmod:
		return true
	}
	return false
}

// ShellFacts is what the shell analyzer found in a command.
type ShellFacts struct {
	// Commands are the simple commands the shell would run, in source
	// order, including those found inside wrappers, substitutions,
	// decoded payloads and interpreter one-liners.
	Commands []Command `json:"commands,omitempty"`
	// URLs are the addresses network tools are given.
	URLs []string `json:"urls,omitempty"`
	// SQL is the SQL text handed to database clients.
	SQL []SQLText `json:"sql,omitempty"`
	// Packages are the packages package managers are asked to install.
	Packages []Package `json:"packages,omitempty"`
	// Decoded are payloads ward decoded from obfuscated pipelines before
	// analyzing them as commands.
	Decoded []string `json:"decoded,omitempty"`
	// Sent are values network tools send as data: request bodies, form
	// fields and headers other than authentication headers.
	Sent []string `json:"sent,omitempty"`
	// Auth are credentials network tools present to the hosts they
	// connect to: authentication headers, and credential flags written
	// with the tool and flag ("curl -u user:password"). Whether one
	// leaks depends on where it goes, which the content analyzer judges
	// against the command's URLs.
	Auth []string `json:"auth,omitempty"`
	// Written are files the command writes with content ward could work
	// out (echo ... > f, here-documents, tee).
	Written []WrittenFile `json:"written,omitempty"`
}

// WrittenFile is content a command writes into a file.
type WrittenFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// SQLText is SQL a shell command hands to a database client.
type SQLText struct {
	Client string `json:"client"`
	Text   string `json:"text"`
}

// Package is a package a command installs.
type Package struct {
	Manager string `json:"manager"`
	Name    string `json:"name"`
}

// Command is one simple command.
type Command struct {
	// Name is the program's base name ("rm" for "/bin/rm"); empty when the
	// name is only known at run time.
	Name string `json:"name"`
	// Path is the program as written when it differs from Name.
	Path string   `json:"path,omitempty"`
	Args []string `json:"args,omitempty"`
	// Via lists the wrappers the command was found inside, outermost first.
	Via []string `json:"via,omitempty"`
}
