package inject

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Sizes of encoded candidates.
const (
	minBase64   = 20       // shortest base64 run tried ("ignore previous" is 20)
	minHex      = 16       // shortest hex run tried
	maxBlob     = 64 << 10 // longest run decoded; longer runs are cut
	encodedBase = 0.3      // weight of hiding an instruction behind an encoding
)

// encoded decodes base64, hex and percent-encoded runs of src that decode
// to text, scans that text, and reports runs whose text carries signals.
func (st *state) encoded(src string, depth int, hits []hit) []hit {
	n := len(src)
	for i := 0; i < n && st.candidates > 0; {
		c := src[i]
		switch {
		case isB64Byte(c) && c != '=':
			j := i + 1
			hexOnly := isHexByte(c)
			for j < n && isB64Byte(src[j]) && src[j] != '=' {
				hexOnly = hexOnly && isHexByte(src[j])
				j++
			}
			// '=' only pads the end of a run ("token=..." starts one).
			for j < n && src[j] == '=' {
				j++
			}
			if k := spacedHexEnd(src, i); k > j {
				hits = st.tryBlob(src, i, k, "hex", decodeSpacedHex(src[i:k]), depth, hits)
				i = k
				continue
			}
			if j-i >= minHex && hexOnly && (j-i)%2 == 0 {
				if b, ok := decodeHex(src[i:min(j, i+maxBlob)]); ok && texty(b) {
					hits = st.tryBlob(src, i, j, "hex", b, depth, hits)
					i = j
					continue
				}
			}
			if j-i >= minBase64 {
				if b, ok := decodeBase64(src[i:min(j, i+maxBlob)]); ok {
					hits = st.tryBlob(src, i, j, "base64", b, depth, hits)
				}
			}
			i = j
		case c == '%' && i+2 < n && isHexByte(src[i+1]) && isHexByte(src[i+2]):
			lo, hi := tokenAround(src, i)
			if strings.Count(src[lo:hi], "%") >= 3 {
				if b, ok := percentDecode(src[lo:min(hi, lo+maxBlob)]); ok {
					hits = st.tryBlob(src, lo, hi, "percent-encoding", b, depth, hits)
				}
			}
			i = max(hi, i+1)
		default:
			i++
		}
	}
	return hits
}

// tryBlob scans decoded text and, if it carries signals, reports the run
// that encoded it.
func (st *state) tryBlob(src string, start, end int, kind string, b []byte, depth int, hits []hit) []hit {
	if !texty(b) {
		return hits
	}
	st.candidates--
	c, ev := st.subConf(string(b), depth)
	if c < MinConfidence {
		return hits
	}
	return append(hits, hit{fam: famEncoded, start: start, end: end, w: noisyOr(encodedBase, c),
		ev: kind + " decodes to: " + ev})
}

func isB64Byte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '+' || c == '/' || c == '=' || c == '_' || c == '-'
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func decodeBase64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsRune(s, '=') {
		return nil, false
	}
	if strings.ContainsAny(s, "-_") {
		if strings.ContainsAny(s, "+/") {
			return nil, false
		}
		s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	}
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	// Most runs are words, identifiers or binary data: look at the start
	// before decoding the whole run.
	if head, err := base64.RawStdEncoding.DecodeString(s[:min(len(s), 64)&^3]); err != nil || !textyPrefix(head) {
		return nil, false
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

// textyPrefix is texty for the start of a text, which may end in the
// middle of a character.
func textyPrefix(b []byte) bool {
	for k := 0; k < utf8.UTFMax && len(b) > 0; k++ {
		if utf8.Valid(b) {
			break
		}
		b = b[:len(b)-1]
	}
	return texty(b)
}

func decodeHex(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		hi, _ := hexVal(s[i : i+1])
		lo, _ := hexVal(s[i+1 : i+2])
		b = append(b, byte(hi<<4|lo))
	}
	return b, true
}

// spacedHexEnd returns the end of a run of at least eight hex byte pairs
// separated by single spaces, colons or commas that starts at i, or i.
func spacedHexEnd(s string, i int) int {
	j, pairs := i, 0
	for j+1 < len(s) && isHexByte(s[j]) && isHexByte(s[j+1]) {
		if j+2 < len(s) && isHexByte(s[j+2]) {
			break
		}
		pairs++
		j += 2
		if j+2 < len(s) && (s[j] == ' ' || s[j] == ':' || s[j] == ',') && isHexByte(s[j+1]) {
			j++
			continue
		}
		break
	}
	if pairs < 8 {
		return i
	}
	return j
}

func decodeSpacedHex(s string) []byte {
	var b []byte
	for i := 0; i+1 < len(s); {
		if isHexByte(s[i]) && isHexByte(s[i+1]) {
			hi, _ := hexVal(s[i : i+1])
			lo, _ := hexVal(s[i+1 : i+2])
			b = append(b, byte(hi<<4|lo))
			i += 2
			continue
		}
		i++
	}
	return b
}

// tokenAround returns the run of non-space characters around s[i].
func tokenAround(s string, i int) (int, int) {
	stop := func(c byte) bool {
		return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '(' || c == ')'
	}
	lo := i
	for lo > 0 && i-lo < maxBlob && !stop(s[lo-1]) {
		lo--
	}
	hi := i
	for hi < len(s) && hi-i < maxBlob && !stop(s[hi]) {
		hi++
	}
	return lo, hi
}

func percentDecode(s string) ([]byte, bool) {
	b := make([]byte, 0, len(s))
	changed := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]):
			v, _ := hexVal(s[i+1 : i+3])
			b = append(b, byte(v))
			i += 2
			changed = true
		case c == '+':
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return b, changed
}

// transforms scans the text around the gates as rot13, as leetspeak,
// backwards and with spaced-out letters joined.
func (st *state) transforms(t *normText, g *gates, hits []hit) []hit {
	src := t.src
	for _, w := range windows(t, g[gateRot13]) {
		b := []byte(src[w[0]:w[1]])
		for i, c := range b {
			b[i] = rot13Byte(c)
		}
		hits = st.mapped(src, w[0], string(b), "rot13", false, hits)
	}
	for _, w := range windows(t, g[gateLeet]) {
		// 1 reads as i or as l: try both.
		for _, one := range []byte{'i', 'l'} {
			b := []byte(src[w[0]:w[1]])
			for i := range b {
				// Only digits of words that mix letters and digits are
				// letters.
				if at := w[0] + i; b[i] >= '0' && b[i] <= '9' && inLeetWord(src, at) {
					b[i] = deleet(nil, src[at:at+1])[0]
					if src[at] == '1' {
						b[i] = one
					}
				}
			}
			hits = st.mapped(src, w[0], string(b), "leetspeak", true, hits)
		}
	}
	for _, w := range windows(t, g[gateSpaced]) {
		hits = st.spaced(src, w[0], w[1], hits)
	}
	for _, w := range windows(t, g[gateReverse]) {
		hits = st.reversed(src, w[0], w[1], hits)
	}
	return hits
}

// gateReach is how much text around a gate is decoded again.
const gateReach = 2048

// windows returns the stretches of the source around the sites (offsets
// in the normalized text), merged, on line boundaries where there are any
// near.
func windows(t *normText, sites []int) [][2]int {
	var out [][2]int
	for _, at := range sites {
		p := t.start(at)
		lo, hi := max(0, p-gateReach), min(len(t.src), p+gateReach)
		if k := strings.IndexByte(t.src[lo:p], '\n'); k >= 0 && lo > 0 {
			lo += k + 1
		}
		if k := strings.LastIndexByte(t.src[p:hi], '\n'); k >= 0 && hi < len(t.src) {
			hi = p + k
		}
		for lo > 0 && !utf8.RuneStart(t.src[lo]) {
			lo--
		}
		for hi < len(t.src) && !utf8.RuneStart(t.src[hi]) {
			hi++
		}
		if n := len(out); n > 0 && lo <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], hi)
			continue
		}
		out = append(out, [2]int{lo, hi})
	}
	return out
}

// inLeetWord reports whether the digit at s[i] is part of a word that
// mixes letters and digits.
func inLeetWord(s string, i int) bool {
	lo, hi := i, i+1
	for lo > 0 && isAlnum(s[lo-1]) {
		lo--
	}
	for hi < len(s) && isAlnum(s[hi]) {
		hi++
	}
	for k := lo; k < hi; k++ {
		if isASCIILetter(s[k]) {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool { return isASCIILetter(c) || '0' <= c && c <= '9' }

// spaced scans runs of letters written with spaces between them
// ("i g n o r e  a l l"), read with single spaces removed and wider gaps
// as word breaks.
func (st *state) spaced(src string, lo, hi int, hits []hit) []hit {
	runs := 0
	for i := lo; i < hi && runs < 64; {
		start, end, text := spacedRun(src, i)
		if end == i {
			i++
			continue
		}
		i = end
		if len(text) < 12 {
			continue
		}
		runs++
		if c, ev := st.subConf(text, 0); c >= MinConfidence {
			hits = append(hits, hit{fam: famEncoded, start: start, end: end, w: noisyOr(encodedBase, c),
				ev: "spaced-out letters read: " + ev})
		}
	}
	return hits
}

// spacedRun reads a run of single letters separated by spaces starting at
// s[i]; a gap of two or more spaces is a word break. It returns i, i, ""
// unless at least six letters make the run.
func spacedRun(s string, i int) (int, int, string) {
	if !isASCIILetter(s[i]) || i > 0 && isASCIILetter(s[i-1]) || i+1 < len(s) && isASCIILetter(s[i+1]) {
		return i, i, ""
	}
	var b []byte
	j := i
	for {
		b = append(b, s[j])
		k := j + 1
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if k == j+1 || k >= len(s) || !isASCIILetter(s[k]) || k+1 < len(s) && isASCIILetter(s[k+1]) {
			j++
			break
		}
		if k-j-1 >= 2 {
			b = append(b, ' ')
		}
		j = k
	}
	if len(b) < 6 {
		return i, i, ""
	}
	return i, j, string(b)
}

// mapped scans text, a byte-for-byte transform of src[off:off+len(text)];
// its hits are at the same offsets as in src, shifted by off. With digits
// set, only hits that span a digit the transform turned into a letter
// count.
func (st *state) mapped(src string, off int, text, kind string, digits bool, hits []hit) []hit {
	if st.budget < len(text) {
		return hits
	}
	st.budget -= len(text)
	for _, s := range score(st.scan(text, 1, scanPhrases)) {
		if s.conf < MinConfidence || s.fam == famUnicode || s.fam == famEncoded || s.fam >= numReported {
			continue
		}
		if digits && !strings.ContainsAny(src[off+s.start:off+s.end], "0123456789") {
			continue
		}
		hits = append(hits, hit{fam: famEncoded, start: off + s.start, end: off + s.end, w: noisyOr(encodedBase, s.conf),
			ev: kind + " reads: " + excerpt(text, s.start, s.end)})
	}
	return hits
}

// reversed scans each line of src[lo:hi] backwards.
func (st *state) reversed(src string, lo, hi int, hits []hit) []hit {
	lines := 0
	for start := lo; start < hi && lines < 256; lines++ {
		end := strings.IndexByte(src[start:hi], '\n')
		if end < 0 {
			end = hi
		} else {
			end += start
		}
		if end-start >= 12 && end-start <= 4096 {
			line := src[start:end]
			rs := []rune(line)
			for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
				rs[i], rs[j] = rs[j], rs[i]
			}
			rev := string(rs)
			if c, ev := st.subConf(rev, 0); c >= MinConfidence {
				hits = append(hits, hit{fam: famEncoded, start: start, end: end, w: noisyOr(encodedBase, c),
					ev: "reversed text reads: " + ev})
			}
		}
		start = end + 1
	}
	return hits
}
