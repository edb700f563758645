package inject

import (
	"strings"
)

// Bounds on HTML and markdown containers.
const (
	maxRegions   = 256
	maxRegionLen = 16 << 10
	commentBase  = 0.35 // weight of text hidden in a comment
	hiddenBase   = 0.35 // weight of text hidden by style
)

// html finds containers that hide their text from a human reader (HTML
// and markdown comments, elements hidden by style) and markdown images
// whose URL carries data. A container counts only through the signals
// inside it.
func (st *state) html(t *normText, disc discussion, hits []hit) []hit {
	s := t.s
	regions := 0
	// Attempts that look back for a tag are bounded, like the phrase scan.
	attempts := 1024 + len(s)/64
	add := func(lo, hi int, w float64, what string) {
		if regions >= maxRegions || hi-lo < 8 {
			return
		}
		regions++
		start, end := t.start(lo), t.end(hi)
		hits = append(hits, hit{fam: famHTML, start: start, end: end, w: w, region: true,
			ev: what + ": " + excerpt(t.src, start, end)})
	}
	// <!-- comments -->
	for off := 0; off < len(s) && regions < maxRegions; {
		i := strings.Index(s[off:], "<!--")
		if i < 0 {
			break
		}
		i += off
		j := strings.Index(s[i+4:min(len(s), i+4+maxRegionLen)], "-->")
		end := min(len(s), i+4+maxRegionLen)
		if j >= 0 {
			end = i + 4 + j + 3
		}
		add(i, end, commentBase, "HTML comment")
		off = end
	}
	// Markdown comments: [//]: # (text), [comment]: <> (text)
	for _, lit := range []string{"[//]:", "[comment]:", "[_]:", "[hidden]:"} {
		for off := 0; off < len(s) && regions < maxRegions; {
			i := strings.Index(s[off:], lit)
			if i < 0 {
				break
			}
			i += off
			end := lineEnd(s, i)
			// A parenthesised comment may run over several lines.
			if p := strings.IndexByte(s[i:end], '('); p >= 0 && !strings.Contains(s[i+p:end], ")") {
				if q := strings.IndexByte(s[end:min(len(s), end+maxRegionLen)], ')'); q >= 0 {
					end += q + 1
				}
			}
			add(i, end, commentBase, "markdown comment")
			off = end
		}
	}
	// Elements hidden by style or by the hidden attribute.
	for off := 0; off < len(s) && regions < maxRegions && attempts > 0; attempts-- {
		i := strings.Index(s[off:], "style")
		if i < 0 {
			break
		}
		i += off
		off = i + len("style")
		if lo, hi, what, ok := hiddenStyle(s, i); ok {
			add(lo, hi, hiddenBase, what)
			off = max(off, hi)
		}
	}
	for off := 0; off < len(s) && regions < maxRegions && attempts > 0; attempts-- {
		i := strings.Index(s[off:], " hidden")
		if i < 0 {
			break
		}
		i += off
		off = i + len(" hidden")
		if lo, hi, ok := hiddenAttr(s, i); ok {
			add(lo, hi, hiddenBase, "element with the hidden attribute")
			off = max(off, hi)
		}
	}
	hits = st.images(t, disc, hits)
	return hits
}

// lineEnd returns the end of the line at s[i], looking at most
// maxRegionLen bytes ahead.
func lineEnd(s string, i int) int {
	end := min(len(s), i+maxRegionLen)
	if j := strings.IndexByte(s[i:end], '\n'); j >= 0 {
		return i + j
	}
	return end
}

// tagAt finds the tag around s[i]: the offset of its '<', its name, and
// the offset after its '>'.
func tagAt(s string, i int) (lt int, name string, gt int, ok bool) {
	lo := max(0, i-1024)
	lt = strings.LastIndexByte(s[lo:i], '<')
	if lt < 0 {
		return 0, "", 0, false
	}
	lt += lo
	if strings.IndexByte(s[lt:i], '>') >= 0 {
		return 0, "", 0, false
	}
	j := lt + 1
	for j < len(s) && ('a' <= s[j] && s[j] <= 'z' || '0' <= s[j] && s[j] <= '9' || s[j] == '-') {
		j++
	}
	if j == lt+1 {
		return 0, "", 0, false
	}
	name = s[lt+1 : j]
	k := strings.IndexByte(s[i:min(len(s), i+2048)], '>')
	if k < 0 {
		return 0, "", 0, false
	}
	return lt, name, i + k + 1, true
}

// element returns the extent of the element whose start tag ends at gt:
// up to its end tag, or a bounded stretch when there is none.
func element(s string, lt int, name string, gt int) (int, int) {
	if name == "img" || name == "input" || name == "br" || name == "meta" || name == "link" {
		return lt, gt
	}
	limit := min(len(s), gt+maxRegionLen)
	if k := strings.Index(s[gt:limit], "</"+name); k >= 0 {
		return lt, gt + k
	}
	return lt, min(limit, gt+2048)
}

func hiddenAttr(s string, i int) (int, int, bool) {
	// " hidden" must be an attribute: followed by '>', space, '/' or '='.
	j := i + len(" hidden")
	if j >= len(s) || !strings.ContainsRune("> /=\n", rune(s[j])) {
		return 0, 0, false
	}
	lt, name, gt, ok := tagAt(s, i)
	if !ok {
		return 0, 0, false
	}
	lo, hi := element(s, lt, name, gt)
	return lo, hi, true
}

// hiddenStyle reads the style attribute at s[i] and, if it hides its
// element, returns the element's extent.
func hiddenStyle(s string, i int) (int, int, string, bool) {
	if i == 0 || (s[i-1] != ' ' && s[i-1] != '\n' && s[i-1] != '\t' && s[i-1] != '"' && s[i-1] != '\'') {
		return 0, 0, "", false
	}
	j := i + len("style")
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j >= len(s) || s[j] != '=' {
		return 0, 0, "", false
	}
	j++
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j >= len(s) || (s[j] != '"' && s[j] != '\'') {
		return 0, 0, "", false
	}
	q := s[j]
	k := strings.IndexByte(s[j+1:min(len(s), j+1+512)], q)
	if k < 0 {
		return 0, 0, "", false
	}
	what := hides(s[j+1 : j+1+k])
	if what == "" {
		return 0, 0, "", false
	}
	lt, name, gt, ok := tagAt(s, i)
	if !ok {
		return 0, 0, "", false
	}
	lo, hi := element(s, lt, name, gt)
	return lo, hi, "element hidden by " + what, true
}

// hides reports how a style attribute hides its element, or "".
func hides(style string) string {
	v := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' {
			return -1
		}
		return r
	}, style)
	has := func(p string) bool { return strings.Contains(v, p) }
	valueAfter := func(p string) string {
		k := strings.Index(v, p)
		if k < 0 {
			return ""
		}
		rest := v[k+len(p):]
		if e := strings.IndexAny(rest, ";!"); e >= 0 {
			rest = rest[:e]
		}
		return rest
	}
	switch {
	case has("display:none"):
		return "display:none"
	case has("visibility:hidden"):
		return "visibility:hidden"
	case has("font-size:"):
		if fs := valueAfter("font-size:"); fs == "0" || strings.HasPrefix(fs, "0px") || strings.HasPrefix(fs, "0em") ||
			strings.HasPrefix(fs, "0pt") || strings.HasPrefix(fs, "0rem") || strings.HasPrefix(fs, "0%") ||
			fs == "1px" || strings.HasPrefix(fs, "0.0") {
			return "font-size:" + fs
		}
	}
	if op := valueAfter("opacity:"); op != "" && strings.Trim(op, "0.") == "" {
		return "opacity:0"
	}
	if has("color:transparent") {
		return "color:transparent"
	}
	if (has("height:0") || has("width:0") || has("max-height:0")) && has("overflow:hidden") {
		return "zero size"
	}
	for _, p := range []string{"left:-", "top:-", "text-indent:-", "margin-left:-"} {
		if off := valueAfter(p); len(off) >= 5 && strings.HasSuffix(off, "px") && strings.Trim(off[:len(off)-2], "0123456789") == "" {
			return "off-screen position"
		}
	}
	if has("transform:scale(0)") || has("clip-path:inset(100%)") {
		return "zero scale"
	}
	c := valueAfter("color:")
	if c == "" {
		c = valueAfter(";color:")
	}
	white := func(c string) bool {
		switch c {
		case "#fff", "#ffffff", "white", "rgb(255,255,255)", "#fefefe", "rgba(255,255,255,1)":
			return true
		}
		return false
	}
	if white(c) && !strings.HasPrefix(v, "background") {
		bg := valueAfter("background-color:")
		if bg == "" {
			bg = valueAfter("background:")
		}
		if bg == "" || white(bg) {
			return "white text"
		}
	}
	return ""
}

// images finds markdown and HTML images whose URL carries data out:
// a placeholder to fill ({secret}, [DATA], $KEY) or a long opaque value
// in the query string.
func (st *state) images(t *normText, disc discussion, hits []hit) []hit {
	s := t.s
	found := 0
	attempts := 1024 + len(s)/64
	for off := 0; off < len(s) && found < maxRegions && attempts > 0; attempts-- {
		i := strings.Index(s[off:], "](")
		if i < 0 {
			break
		}
		i += off
		off = i + 2
		// The link text must open on the same line, within 512 bytes.
		lo := max(0, i-512)
		lb := strings.LastIndexByte(s[lo:i], '[')
		if lb < 0 || strings.IndexByte(s[lo+lb:i], '\n') >= 0 {
			continue
		}
		lb += lo
		image := lb > 0 && s[lb-1] == '!'
		u0 := i + 2
		u1 := u0
		for u1 < len(s) && u1-u0 < 4096 && s[u1] != ')' && s[u1] != ' ' && s[u1] != '\n' && s[u1] != '"' {
			u1++
		}
		w, why := urlCarriesData(t.src[t.start(u0):t.end(u1)])
		if w == 0 {
			continue
		}
		if !image {
			w -= 0.15
		}
		found++
		nstart := lb
		if image {
			nstart = lb - 1
		}
		w, solo := disc.weigh(w, nstart, u1)
		start := t.start(nstart)
		hits = append(hits, hit{fam: famExfil, start: start, end: t.end(u1), w: w, solo: solo,
			ev: why + ": " + excerpt(t.src, start, t.end(u1))})
		off = u1
	}
	for off := 0; off < len(s) && found < maxRegions && attempts > 0; attempts-- {
		i := strings.Index(s[off:], "<img")
		if i < 0 {
			break
		}
		i += off
		off = i + 4
		gt := strings.IndexByte(s[i:min(len(s), i+4096)], '>')
		if gt < 0 {
			continue
		}
		tag := s[i : i+gt]
		k := strings.Index(tag, "src=")
		if k < 0 {
			continue
		}
		u0 := i + k + 4
		if u0 < len(s) && (s[u0] == '"' || s[u0] == '\'') {
			u0++
		}
		u1 := u0
		for u1 < i+gt && s[u1] != '"' && s[u1] != '\'' && s[u1] != ' ' {
			u1++
		}
		w, why := urlCarriesData(t.src[t.start(u0):t.end(u1)])
		if w == 0 {
			continue
		}
		found++
		w, solo := disc.weigh(w, i, i+gt+1)
		hits = append(hits, hit{fam: famExfil, start: t.start(i), end: t.end(i + gt + 1), w: w, solo: solo,
			ev: why + ": " + excerpt(t.src, t.start(i), t.end(i+gt+1))})
	}
	return hits
}

// capsPlaceholder reports whether a query value of u is a placeholder in
// capitals (DATA, SESSION_DATA_HERE, USER_SECRET).
func capsPlaceholder(u string) bool {
	k := strings.IndexByte(u, '?')
	if k < 0 {
		return false
	}
	for _, kv := range strings.Split(u[k+1:], "&") {
		v := kv[strings.IndexByte(kv, '=')+1:]
		if len(v) >= 4 && strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" && strings.Trim(v, "_") != "" {
			return true
		}
	}
	return false
}

// urlCarriesData weighs a URL an agent's output would make the client
// fetch.
func urlCarriesData(u string) (float64, string) {
	l := strings.ToLower(u)
	if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") && !strings.HasPrefix(l, "//") {
		return 0, ""
	}
	rest := l[strings.Index(l, "//")+2:]
	host := rest
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		host = rest[:k]
	}
	evil := 0.0
	for _, e := range []string{"webhook", "ngrok", "requestbin", "pipedream", "burpcollaborator", "interact.sh", "oast", "evil", "attacker", "exfil", "steal", "collect"} {
		if strings.Contains(host, e) {
			evil = 0.15
			break
		}
	}
	q := ""
	path := rest
	if k := strings.IndexByte(rest, '?'); k >= 0 {
		q = rest[k+1:]
		path = rest[:k]
	}
	placeholder := func(p string) bool {
		if strings.ContainsAny(p, "{}[]$<>") {
			return true
		}
		for _, e := range []string{"%7b", "%7d", "%5b", "%5d", "%24", "%3c", "%3e"} {
			if strings.Contains(p, e) {
				return true
			}
		}
		return false
	}
	if q != "" {
		if placeholder(q) || capsPlaceholder(u) {
			return 0.55 + evil, "URL has a placeholder for data"
		}
		if strings.HasSuffix(q, "=") {
			return 0.45 + evil, "URL ends with an empty parameter for data"
		}
		for _, kv := range strings.Split(q, "&") {
			v := kv
			if k := strings.IndexByte(kv, '='); k >= 0 {
				v = kv[k+1:]
			}
			if len(v) >= 40 && !strings.Contains(v, "%2f") && !strings.Contains(v, "http") && strings.Trim(v, "abcdefghijklmnopqrstuvwxyz0123456789+/=_%-.") == "" {
				return 0.25 + evil, "URL carries a long opaque value"
			}
		}
	}
	if placeholder(path) {
		return 0.3 + evil, "URL has a placeholder for data"
	}
	if evil > 0 && q != "" {
		return 0.3, "URL sends a query to a collector-like host"
	}
	return 0, ""
}
