package shell

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// flow is what travels through a pipe, or what a command substitution
// gives: the text when ward can work it out, and where it came from.
// Working it out is static evaluation of plain text commands (echo,
// printf, base64 -d, rev, tr, gzip -d, ...); nothing is run.
type flow struct {
	text     string
	static   bool     // text is what the commands would print
	piped    bool     // a pipe carries it (rather than nothing)
	download bool     // data from the network is in it
	decoded  bool     // it went through a decoder
	files    []string // local files whose content is in it
	env      bool     // the environment is in it
}

func (f flow) empty() bool {
	return !f.piped && !f.static && !f.download && len(f.files) == 0 && !f.env
}

// join merges what two flows carry, for the output of a ; b.
func (f flow) join(g flow) flow {
	return flow{
		text: f.text + g.text, static: f.static && g.static, piped: f.piped || g.piped,
		download: f.download || g.download, decoded: f.decoded || g.decoded,
		files: append(slices.Clip(f.files), g.files...), env: f.env || g.env,
	}
}

// passes returns what a filter that transforms its input in ways ward
// does not follow gives: the input's origin, not its text.
func (f flow) passes() flow {
	return flow{download: f.download, decoded: f.decoded, files: f.files, env: f.env}
}

// flowOf evaluates what statements print, without recording anything.
func (w *walker) flowOf(stmts []*syntax.Stmt, e *env, in *flow, depth int) flow {
	out := flow{static: true}
	for _, st := range stmts {
		stdin := flow{static: true}
		if in != nil {
			stdin = *in
		}
		out = out.join(w.stageFlow(st, e, stdin, depth))
		if len(out.text) > MaxText {
			return out.passes()
		}
	}
	return out
}

// stageFlow evaluates what one statement prints given its input.
func (w *walker) stageFlow(st *syntax.Stmt, e *env, in flow, depth int) flow {
	if st == nil || depth > MaxDepth || !w.step() {
		return flow{}
	}
	in, redirected := staticRedirects(st, e, in)
	var out flow
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		out = w.callFlow(c, e, in, depth)
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			for _, s := range pipeline(c) {
				in = w.stageFlow(s, e.copy(), in, depth+1)
				in.piped = true
			}
			out = in
		} else {
			out = w.stageFlow(c.X, e, in, depth+1).join(w.stageFlow(c.Y, e, flow{static: true}, depth+1))
		}
	case *syntax.Block:
		out = w.flowOf(c.Stmts, e, &in, depth+1)
	case *syntax.Subshell:
		out = w.flowOf(c.Stmts, e.copy(), &in, depth+1)
	default:
		out = flow{} // loops and the like: not followed
	}
	if redirected {
		return flow{static: true} // output went to a file
	}
	return out
}

// staticRedirects applies a statement's input redirections to in, and
// reports whether its output goes elsewhere.
func staticRedirects(st *syntax.Stmt, e *env, in flow) (flow, bool) {
	out := false
	for _, r := range st.Redirs {
		switch r.Op {
		case syntax.WordHdoc:
			v, dyn := e.word(r.Word)
			in = flow{text: v + "\n", static: !dyn}
		case syntax.Hdoc, syntax.DashHdoc:
			in = flow{}
			if r.Hdoc != nil && !e.dynamic(r.Hdoc) {
				if s, err := expand.Document(e.cfg, r.Hdoc); err == nil {
					in = flow{text: s, static: true}
				}
			}
		case syntax.RdrIn:
			if v, dyn := e.word(r.Word); !dyn {
				in = flow{files: []string{v}}
				if isNetDevice(v) {
					in = flow{download: true}
				}
			} else {
				in = flow{}
			}
		case syntax.RdrOut, syntax.AppOut, syntax.RdrClob, syntax.RdrAll, syntax.AppAll, syntax.RdrAllClob:
			if v, _ := e.word(r.Word); v != "/dev/stdout" && v != "/dev/stderr" {
				out = true
			}
		}
	}
	return in, out
}

// callFlow evaluates what one simple command prints.
func (w *walker) callFlow(c *syntax.CallExpr, e *env, in flow, depth int) flow {
	if len(c.Args) == 0 {
		e.assign(c.Assigns)
		return flow{static: true}
	}
	args := e.fields(c.Args)
	if len(args) == 0 {
		return flow{static: true}
	}
	if args[0].dyn {
		return flow{download: w.producerOf(args[0].word, &scope{env: e}) == producerDownload}
	}
	name := path.Base(args[0].val)
	rest := args[1:]
	for _, a := range rest {
		if a.dyn && name != "curl" && name != "wget" {
			return in.passes()
		}
	}
	vals := values(rest)
	if inner, _, label, ok := unwrap(name, rest); ok && label != "sudo" && depth < MaxDepth {
		return w.callFlowArgs(inner, e, in, depth+1)
	}
	return textCommand(name, vals, in)
}

// callFlowArgs evaluates a command given as arguments.
func (w *walker) callFlowArgs(args []arg, e *env, in flow, depth int) flow {
	if len(args) == 0 || args[0].dyn {
		return flow{}
	}
	return textCommand(path.Base(args[0].val), values(args[1:]), in)
}

// textCommand evaluates one command of the text tool kit.
func textCommand(name string, args []string, in flow) flow {
	switch name {
	case "echo":
		return echo(args)
	case "printf":
		return printfFlow(args)
	case "true", ":":
		return flow{static: true}
	case "cat", "tee":
		if name == "cat" && len(operands(args)) > 0 {
			ops := operands(args)
			if len(ops) == 1 && ops[0] == "-" {
				return in
			}
			return flow{files: ops}
		}
		return in
	case "rev":
		return mapText(in, revLines)
	case "tac":
		return mapText(in, tacLines)
	case "tr":
		return trFlow(args, in)
	case "base64", "base32", "basenc":
		return decodeFlow(name, args, in)
	case "xxd":
		if hasFlag(args, "-r") && (hasFlag(args, "-p") || hasFlag(args, "-ps") || hasFlag(args, "-plain")) {
			return decoded(in, hexDecode)
		}
		if hasFlag(args, "-r") {
			return flow{decoded: true}
		}
		return in.passes()
	case "gzip", "gunzip", "zcat", "bzip2", "bunzip2", "bzcat", "xz", "unxz", "xzcat", "zstd", "unzstd":
		return decompressFlow(name, args, in)
	case "openssl":
		return opensslFlow(args, in)
	case "curl", "wget", "fetch", "http", "https", "aria2c", "lynx", "links":
		return flow{download: true}
	case "env", "printenv":
		if len(operands(args)) == 0 {
			return flow{env: true}
		}
	case "tar":
		if len(args) > 0 && (strings.Contains(strings.TrimPrefix(args[0], "-"), "c") || hasFlag(args, "-c") || slices.Contains(args, "--create")) {
			var files []string
			for _, o := range operands(args[1:]) {
				if o != "-" {
					files = append(files, o)
				}
			}
			return flow{files: files}
		}
	case "set":
		if len(args) == 0 {
			return flow{env: true}
		}
	}
	if isReader(name) {
		// A reader sends the files it is given on, or its input.
		if ops := operands(args); len(ops) > 0 {
			return flow{files: ops}
		}
	}
	return in.passes()
}

// echo evaluates echo's flags and escapes.
func echo(args []string) flow {
	newline, escapes := true, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		s = unescape(s)
	}
	if newline {
		s += "\n"
	}
	return flow{text: s, static: true}
}

// printfFlow evaluates printf through mvdan.cc/sh's own implementation.
func printfFlow(args []string) flow {
	if len(args) == 0 || strings.HasPrefix(args[0], "-v") {
		return flow{}
	}
	if args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		return flow{}
	}
	format, rest := args[0], args[1:]
	var out strings.Builder
	for i := 0; i < 64; i++ {
		s, n, err := expand.Format(&expand.Config{}, format, rest)
		if err != nil {
			return flow{}
		}
		out.WriteString(s)
		if n <= 0 || n >= len(rest) {
			break
		}
		rest = rest[n:]
	}
	return flow{text: out.String(), static: true}
}

// unescape interprets echo -e's backslash escapes.
func unescape(s string) string {
	out, _, err := expand.Format(&expand.Config{}, "%b", []string{s})
	if err != nil {
		return s
	}
	return out
}

func mapText(in flow, fn func(string) string) flow {
	if !in.static {
		return in.passes()
	}
	out := in
	out.text = fn(in.text)
	return out
}

// revLines reverses the characters of each line, as rev does.
func revLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		r := []rune(l)
		slices.Reverse(r)
		lines[i] = string(r)
	}
	return strings.Join(lines, "\n")
}

// tacLines reverses the order of lines.
func tacLines(s string) string {
	trailing := strings.HasSuffix(s, "\n")
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Reverse(lines)
	out := strings.Join(lines, "\n")
	if trailing {
		out += "\n"
	}
	return out
}

func decoded(in flow, fn func(string) (string, bool)) flow {
	if !in.static {
		return flow{decoded: true, download: in.download, files: in.files}
	}
	s, ok := fn(in.text)
	if !ok {
		return flow{decoded: true}
	}
	return flow{text: s, static: true, decoded: true}
}

// decodeFlow evaluates base64 -d, base32 -d and basenc.
func decodeFlow(name string, args []string, in flow) flow {
	decode := hasFlag(args, "-d") || hasFlag(args, "--decode") || hasFlag(args, "-D") || hasFlag(args, "-di") || hasFlag(args, "-id")
	if !decode {
		return in.passes()
	}
	enc := name
	if name == "basenc" {
		switch {
		case hasFlag(args, "--base64"):
			enc = "base64"
		case hasFlag(args, "--base32"):
			enc = "base32"
		case hasFlag(args, "--base16"):
			return decoded(in, hexDecode)
		default:
			return flow{decoded: true}
		}
	}
	if enc == "base32" {
		return decoded(in, base32Decode)
	}
	return decoded(in, base64Decode)
}

func base64Decode(s string) (string, bool) {
	s = strings.Map(dropSpace, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b), true
		}
	}
	return "", false
}

func base32Decode(s string) (string, bool) {
	s = strings.Map(dropSpace, s)
	for _, enc := range []*base32.Encoding{base32.StdEncoding, base32.StdEncoding.WithPadding(base32.NoPadding)} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b), true
		}
	}
	return "", false
}

func hexDecode(s string) (string, bool) {
	b, err := hex.DecodeString(strings.Map(dropSpace, s))
	if err != nil {
		return "", false
	}
	return string(b), true
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
		return -1
	}
	return r
}

// decompressFlow evaluates gzip -d and bzip2 -d, bounding the output so
// that a compressed bomb costs nothing.
func decompressFlow(name string, args []string, in flow) flow {
	decompress := strings.HasPrefix(name, "gun") || strings.HasPrefix(name, "bun") || strings.HasPrefix(name, "un") ||
		strings.HasSuffix(name, "cat") || hasFlag(args, "-d") || hasFlag(args, "--decompress") ||
		hasFlag(args, "-dc") || hasFlag(args, "-cd")
	if !decompress {
		return in.passes()
	}
	if !in.static {
		return flow{decoded: true, files: in.files, download: in.download}
	}
	var r io.Reader
	switch name {
	case "gzip", "gunzip", "zcat":
		zr, err := gzip.NewReader(strings.NewReader(in.text))
		if err != nil {
			return flow{decoded: true}
		}
		r = zr
	case "bzip2", "bunzip2", "bzcat":
		r = bzip2.NewReader(strings.NewReader(in.text))
	default:
		return flow{decoded: true} // xz and zstd are not in the standard library
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxText+1))
	if err != nil || len(b) > MaxText {
		return flow{decoded: true}
	}
	return flow{text: string(b), static: true, decoded: true}
}

// opensslFlow evaluates openssl's base64 decoding; other decryption
// hides its payload.
func opensslFlow(args []string, in flow) flow {
	if len(args) == 0 {
		return in.passes()
	}
	b64 := args[0] == "base64" || hasFlag(args, "-base64") || hasFlag(args, "-a")
	dec := hasFlag(args, "-d")
	switch {
	case b64 && dec && (args[0] == "base64" || args[0] == "enc" && !hasCipher(args)):
		return decoded(in, base64Decode)
	case dec && (args[0] == "enc" || strings.HasPrefix(args[0], "aes") || strings.HasPrefix(args[0], "des")):
		return flow{decoded: true}
	case args[0] == "s_client":
		return flow{download: true}
	}
	return in.passes()
}

func hasCipher(args []string) bool {
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-aes") || strings.HasPrefix(a, "-des") || strings.HasPrefix(a, "-chacha") || strings.HasPrefix(a, "-camellia") || strings.HasPrefix(a, "-bf") {
			return true
		}
	}
	return false
}

// trFlow evaluates tr with literal sets, ranges and the upper and lower
// classes: enough for rot13 and case swaps.
func trFlow(args []string, in flow) flow {
	del := false
	var sets []string
	for _, a := range args {
		switch {
		case a == "-d":
			del = true
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return in.passes()
		default:
			sets = append(sets, a)
		}
	}
	if !in.static {
		return in.passes()
	}
	if del && len(sets) == 1 {
		set := expandSet(sets[0])
		out := in
		out.text = strings.Map(func(r rune) rune {
			if slices.Contains(set, r) {
				return -1
			}
			return r
		}, in.text)
		return out
	}
	if del || len(sets) != 2 {
		return in.passes()
	}
	from, to := expandSet(sets[0]), expandSet(sets[1])
	if len(from) == 0 || len(to) == 0 {
		return in.passes()
	}
	out := in
	out.text = strings.Map(func(r rune) rune {
		if i := slices.Index(from, r); i >= 0 {
			if i >= len(to) {
				return to[len(to)-1]
			}
			return to[i]
		}
		return r
	}, in.text)
	out.decoded = true
	return out
}

// expandSet expands a tr set: ranges (a-z), classes ([:upper:]) and
// backslash escapes.
func expandSet(s string) []rune {
	var out []rune
	s = strings.ReplaceAll(s, "[:upper:]", "A-Z")
	s = strings.ReplaceAll(s, "[:lower:]", "a-z")
	s = strings.ReplaceAll(s, "[:digit:]", "0-9")
	rs := []rune(unescape(s))
	for i := 0; i < len(rs) && len(out) < 1024; i++ {
		if i+2 < len(rs) && rs[i+1] == '-' && rs[i] <= rs[i+2] {
			for r := rs[i]; r <= rs[i+2] && len(out) < 1024; r++ {
				out = append(out, r)
			}
			i += 2
			continue
		}
		out = append(out, rs[i])
	}
	return out
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag {
			return true
		}
		// Combined short flags: -di has -d; "-d" matches "-qd" too.
		if len(flag) == 2 && flag[0] == '-' && len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a[1:], rune(flag[1])) && isShortFlags(a) {
			return true
		}
	}
	return false
}

func isShortFlags(a string) bool {
	for _, c := range a[1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// producer says where the text a substitution gives comes from.
type producer int

const (
	producerUnknown producer = iota
	producerDownload
	producerDecode
	producerStatic
)

// producerOf classifies the command substitutions in a word whose value
// ward could not work out.
func (w *walker) producerOf(word *syntax.Word, sc *scope) producer {
	if word == nil {
		return producerUnknown
	}
	result := producerUnknown
	syntax.Walk(word, func(n syntax.Node) bool {
		var stmts []*syntax.Stmt
		switch s := n.(type) {
		case *syntax.CmdSubst:
			stmts = s.Stmts
		case *syntax.ProcSubst:
			stmts = s.Stmts
		default:
			return true
		}
		f := w.flowOf(stmts, sc.env.copy(), nil, 0)
		switch {
		case f.download:
			result = producerDownload
		case f.decoded && result != producerDownload:
			result = producerDecode
		}
		return false
	})
	return result
}

// validText reports whether decoded bytes look like a script rather than
// binary noise.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return bytes.IndexByte([]byte(s), 0) < 0
}
