package codex

import (
	"slices"
	"strings"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
)

// Bounds of a patch. A patch beyond them is refused, not cut short: what
// ward did not read, it cannot judge.
const (
	MaxPatch      = adapter.MaxPayload // bytes
	MaxPatchFiles = 1000
	MaxPatchLine  = 256 << 10 // bytes in one line
)

// PatchFile is one file an apply_patch call touches.
type PatchFile struct {
	// Path is the file the patch names: the one added, updated, deleted,
	// or moved away.
	Path string `json:"path"`
	// Op is "add", "update", "delete" or "move" (an update that also
	// renames the file to To).
	Op string `json:"op"`
	To string `json:"to,omitempty"`
	// Added is the lines the patch adds to the file, without their "+",
	// joined with "\n". For an added file it is the whole file.
	Added string `json:"added,omitempty"`
}

// PatchFiles returns the files a patch touches, in the order the patch
// names them, or nil when it is not a patch ward can read (ParsePatch says
// why).
func PatchFiles(patch string) []PatchFile {
	files, err := ParsePatch(patch)
	if err != nil {
		return nil
	}
	return files
}

// ParsePatch reads the envelope of a Codex patch:
//
//	*** Begin Patch
//	*** Add File: <path>      followed by "+" lines, the new file
//	*** Update File: <path>   followed by hunks: "@@", " " context, "-", "+"
//	*** Move to: <path>       right after an Update File header
//	*** Delete File: <path>
//	*** End Patch
//
// It keeps the paths and the added lines, which is what ward judges; it
// does not check that hunks apply. It is lenient where leniency only
// makes ward see more: blank lines before the envelope, CRLF line ends,
// indented headers, a missing End Patch, and headers after End Patch all
// count. A patch over MaxPatch bytes, with a line over MaxPatchLine bytes
// or more than MaxPatchFiles files is refused (too_large), and so is one
// that does not begin with "*** Begin Patch", names an empty path, moves a
// file it does not update, or changes no file at all (unknown_shape).
func ParsePatch(patch string) ([]PatchFile, error) {
	if len(patch) > MaxPatch {
		return nil, adapter.Errorf("too_large", "patch is %d bytes, over the limit of %d", len(patch), MaxPatch)
	}
	var (
		files   []PatchFile
		added   []*section // parallel to files
		cur     = -1       // index of the file section being read
		begun   bool
		lineNum int
	)
	rest := patch
	for len(rest) > 0 {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		lineNum++
		if len(line) > MaxPatchLine {
			return nil, adapter.Errorf("too_large", "patch line %d is %d bytes, over the limit of %d", lineNum, len(line), MaxPatchLine)
		}
		line = strings.TrimSuffix(line, "\r")
		t := strings.TrimSpace(line)
		if !begun {
			switch {
			case t == "":
				continue
			case t == "*** Begin Patch":
				begun = true
				continue
			default:
				return nil, adapter.Errorf("unknown_shape", "patch does not begin with *** Begin Patch")
			}
		}
		if strings.HasPrefix(t, "*** ") && !strings.HasPrefix(line, "+") {
			op, path, header := patchHeader(t)
			switch {
			case !header:
				// *** End of File, or a marker ward does not know: the
				// section goes on.
			case op == "end":
				cur = -1
			case path == "":
				return nil, adapter.Errorf("unknown_shape", "patch line %d names no file", lineNum)
			case op == "move":
				if cur < 0 || files[cur].Op != "update" {
					return nil, adapter.Errorf("unknown_shape", "patch line %d moves a file it does not update", lineNum)
				}
				files[cur].Op, files[cur].To = "move", path
			default:
				if len(files) == MaxPatchFiles {
					return nil, adapter.Errorf("too_large", "patch changes more than %d files", MaxPatchFiles)
				}
				files = append(files, PatchFile{Path: path, Op: op})
				added = append(added, &section{})
				cur = len(files) - 1
			}
			continue
		}
		if cur < 0 || files[cur].Op == "delete" || !strings.HasPrefix(line, "+") {
			continue // context, removed lines, hunk headers: nothing added
		}
		added[cur].add(line[1:])
	}
	if !begun {
		return nil, adapter.Errorf("unknown_shape", "patch does not begin with *** Begin Patch")
	}
	if len(files) == 0 {
		return nil, adapter.Errorf("unknown_shape", "patch changes no files")
	}
	for i := range files {
		files[i].Added = added[i].b.String()
	}
	return files, nil
}

// section gathers the lines a patch adds to one file.
type section struct {
	b     strings.Builder
	lines int
}

func (s *section) add(line string) {
	if s.lines > 0 {
		s.b.WriteByte('\n')
	}
	s.b.WriteString(line)
	s.lines++
}

// patchHeader reads a "*** " line: the operation and path of a file
// header, "end" for End Patch, or header false for other markers.
func patchHeader(t string) (op, path string, header bool) {
	for _, h := range [...]struct{ prefix, op string }{
		{"*** Add File:", "add"},
		{"*** Update File:", "update"},
		{"*** Delete File:", "delete"},
		{"*** Move to:", "move"},
	} {
		if rest, ok := strings.CutPrefix(t, h.prefix); ok {
			return h.op, strings.TrimSpace(rest), true
		}
	}
	if t == "*** End Patch" {
		return "end", "", true
	}
	return "", "", false
}

// PatchAction is the canonical action of a patch: kind file.edit when it
// only updates files in place, file.delete when it only deletes them, and
// file.write otherwise (it adds or moves files). Path is the first file
// the patch names and Content every added line, so content analyzers see
// everything the patch writes.
//
// An action has room for one path; until it has a list of files, the
// other paths show only in the event's input.
func PatchAction(files []PatchFile) event.Action {
	if len(files) == 0 {
		return event.Action{Kind: event.KindOther}
	}
	kind := event.KindFileWrite
	switch {
	case allOp(files, "update"):
		kind = event.KindFileEdit
	case allOp(files, "delete"):
		kind = event.KindFileDelete
	}
	var content []string
	for _, f := range files {
		if f.Added != "" {
			content = append(content, f.Added)
		}
	}
	changes := make([]event.FileChange, len(files))
	for i, f := range files {
		changes[i] = event.FileChange{Path: f.Path, Op: f.Op, To: f.To, Content: f.Added}
	}
	return event.Action{Kind: kind, Path: files[0].Path, Content: strings.Join(content, "\n"), Files: changes}
}

func allOp(files []PatchFile, op string) bool {
	return !slices.ContainsFunc(files, func(f PatchFile) bool { return f.Op != op })
}

// patchOf finds the patch a tool call carries. ok says the call is a
// patch; files is set instead of patch when the input lists its changes
// already (the map of path to change some Codex versions send).
func patchOf(tool string, in map[string]any) (patch string, files []PatchFile, ok bool, err error) {
	named := tool == "apply_patch" || tool == "applypatch"
	switch v := in["command"].(type) {
	case string:
		if p, found := patchText(v, named); found {
			return p, nil, true, nil
		}
	case []any:
		argv, err := strs(tool, "command", v)
		if err != nil {
			return "", nil, false, err
		}
		if p, found := patchArgv(argv, named); found {
			return p, nil, true, nil
		}
	}
	if !named {
		return "", nil, false, nil
	}
	for _, k := range [...]string{"patch", "input"} {
		if s, isStr := in[k].(string); isStr {
			if p, found := patchText(s, true); found {
				return p, nil, true, nil
			}
		}
	}
	if files, err := changes(tool, in); err != nil || files != nil {
		return "", files, files != nil, err
	}
	return "", nil, false, adapter.Errorf("unknown_shape", "%s: tool_input carries no patch ward can read", tool)
}

// patchText returns the patch in a command: the whole text for the
// apply_patch tool itself, or the body of an `apply_patch <<'EOF'`
// heredoc with nothing after its end. A bare patch given to a shell tool
// is not a patch: Codex hands it to bash, which runs its lines (a context
// line " rm -rf ~" included), so the shell analyzer must see it.
func patchText(s string, named bool) (string, bool) {
	if body, ok := heredoc(strings.TrimSpace(s)); ok {
		return body, true
	}
	return s, named
}

// patchArgv reads an argv list: ["apply_patch", patch], or a shell
// running the heredoc form, ["bash", "-lc", "apply_patch <<'EOF'..."].
func patchArgv(argv []string, named bool) (string, bool) {
	switch {
	case len(argv) == 2 && (argv[0] == "apply_patch" || argv[0] == "applypatch"):
		return argv[1], true
	case len(argv) == 3 && (argv[1] == "-lc" || argv[1] == "-c"):
		if body, ok := heredoc(strings.TrimSpace(argv[2])); ok {
			return body, true
		}
	}
	if named {
		for _, a := range argv {
			if strings.HasPrefix(strings.TrimSpace(a), "*** Begin Patch") {
				return a, true
			}
		}
	}
	return "", false
}

// heredoc reads `apply_patch <<'EOF'\n...\nEOF` (or applypatch, any
// delimiter). It is a shell command rather than a patch, so that the
// shell analyzer sees it, when anything but white space follows the
// closing delimiter, or when the delimiter is unquoted and the body has
// something bash would expand ($, `, \).
func heredoc(t string) (string, bool) {
	rest, ok := strings.CutPrefix(t, "apply_patch")
	if !ok {
		if rest, ok = strings.CutPrefix(t, "applypatch"); !ok {
			return "", false
		}
	}
	rest = strings.TrimLeft(rest, " \t")
	if rest, ok = strings.CutPrefix(rest, "<<"); !ok {
		return "", false
	}
	rest = strings.TrimPrefix(rest, "-")
	first, body, ok := strings.Cut(rest, "\n")
	if !ok {
		return "", false
	}
	first = strings.TrimSpace(first)
	delim := strings.Trim(first, `'"`)
	if delim == "" || strings.ContainsAny(delim, " \t;&|<>'\"") {
		return "", false
	}
	quoted := delim != first
	for off := 0; off <= len(body); {
		line, _, _ := strings.Cut(body[off:], "\n")
		if strings.TrimSpace(line) == delim {
			if strings.TrimSpace(body[off+len(line):]) != "" {
				return "", false
			}
			if !quoted && strings.ContainsAny(body[:off], "$`\\") {
				return "", false // bash would expand it: a command substitution runs
			}
			return body[:off], true
		}
		off += len(line) + 1
	}
	return "", false
}

// changes reads the map of path to change that some Codex versions send
// as an apply_patch input: {"<path>": {"type": "add", "content": ...},
// {"type": "update", "unified_diff": ..., "move_path": ...},
// {"type": "delete"}}. It returns nil when the input is not such a map.
func changes(tool string, in map[string]any) ([]PatchFile, error) {
	if len(in) == 0 {
		return nil, nil
	}
	paths := make([]string, 0, len(in))
	for p, v := range in {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, nil
		}
		if _, ok := m["type"].(string); !ok {
			return nil, nil
		}
		paths = append(paths, p)
	}
	if len(paths) > MaxPatchFiles {
		return nil, adapter.Errorf("too_large", "%s changes more than %d files", tool, MaxPatchFiles)
	}
	slices.Sort(paths)
	files := make([]PatchFile, 0, len(paths))
	for _, p := range paths {
		f := fields{adapter.Fields{Tool: tool + " " + p, In: in[p].(map[string]any)}}
		pf := PatchFile{Path: p, Op: f.Str("type")}
		switch pf.Op {
		case "add":
			pf.Added = f.Str("content")
		case "delete":
		case "update":
			pf.Added = diffAdded(f.Str("unified_diff"))
			if to := f.Str("move_path"); to != "" {
				pf.Op, pf.To = "move", to
			}
		default:
			return nil, adapter.Errorf("unknown_shape", "%s: change of %s has unknown type %q", tool, p, pf.Op)
		}
		if f.Err != nil {
			return nil, f.Err
		}
		if p == "" {
			return nil, adapter.Errorf("unknown_shape", "%s: a change names no file", tool)
		}
		files = append(files, pf)
	}
	return files, nil
}

// diffAdded returns the lines a unified diff adds. "+++" lines before
// the first hunk are file headers, not added lines.
func diffAdded(diff string) string {
	var s section
	inHunk := false
	for line := range strings.SplitSeq(diff, "\n") {
		switch {
		case strings.HasPrefix(line, "@@"):
			inHunk = true
		case !inHunk && strings.HasPrefix(line, "+++"):
		case strings.HasPrefix(line, "+"):
			s.add(strings.TrimSuffix(line[1:], "\r"))
		}
	}
	return s.b.String()
}
