package inject

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normText is a text prepared for matching: lower case, accents folded,
// escapes decoded, invisible characters dropped and look-alike letters
// mapped to ASCII. pos maps it back onto the source.
type normText struct {
	src string
	s   string
	// pos[i] is the offset in src of the unit (rune or escape) that
	// produced s[i]; nil means s maps byte for byte onto src.
	pos []int32

	runs     []invisRun // runs of invisible characters, in order
	rtl      bool       // src has right-to-left letters
	letters  int        // letters in src (slow path only)
	nonASCII bool       // s has bytes >= 0x80
}

// Bounds on what normalization records.
const (
	maxRuns       = 4096
	maxRunDecoded = 16 << 10
)

// invisRun is a run of consecutive invisible characters.
type invisRun struct {
	start, end                      int // in src
	n                               int
	tags, zw, bidi, vs, other, soft int
	bidiMarks                       int    // LRM, RLM, ALM among the bidi characters
	override                        bool   // has U+202D or U+202E
	prev, next                      rune   // visible neighbours (0 at either end)
	tagText                         []byte // ASCII spelled by tag characters
	vsBytes                         []byte // bytes spelled by variation selectors
	zwSyms                          []byte // zero-width characters as symbols 0..5
}

// Kinds of invisible character.
const (
	invNone = iota
	invZW
	invBidi
	invVS
	invTag
	invSoft
	invOther
)

func invisibleKind(r rune) int {
	switch {
	case r < 0xAD:
		return invNone
	case r == 0xAD:
		return invSoft
	case r == 0x200B, r == 0x200C, r == 0x200D, r == 0x2060, r == 0xFEFF, r == 0x180E:
		return invZW
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return invBidi
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return invVS
	case r >= 0xE0000 && r <= 0xE007F:
		return invTag
	case r == 0x034F, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, r == 0x17B4, r == 0x17B5,
		r >= 0x2061 && r <= 0x2064, r >= 0xFFF9 && r <= 0xFFFB, r >= 0x1D173 && r <= 0x1D17A:
		return invOther
	}
	return invNone
}

func zwSymbol(r rune) byte {
	switch r {
	case 0x200B:
		return 0
	case 0x200C:
		return 1
	case 0x200D:
		return 2
	case 0x2060:
		return 3
	case 0xFEFF:
		return 4
	}
	return 5
}

// normalize prepares src for matching.
func normalize(src string) *normText {
	t := &normText{src: src}
	fast := true
	for i := 0; i < len(src); i++ {
		if c := src[i]; c >= utf8.RuneSelf || c == '\\' || c == '&' {
			fast = false
			break
		}
	}
	if fast {
		t.s = strings.ToLower(src)
		return t
	}
	t.slow()
	return t
}

// unit decodes the unit at src[i]: a rune, or a JSON, C or HTML escape
// that stands for one.
func unit(src string, i int) (rune, int) {
	c := src[i]
	if c < utf8.RuneSelf {
		switch c {
		case '\\':
			return backslashUnit(src, i)
		case '&':
			return entityUnit(src, i)
		}
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(src[i:])
}

func hexVal(s string) (rune, bool) {
	var v rune
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

func backslashUnit(src string, i int) (rune, int) {
	if i+1 >= len(src) {
		return '\\', 1
	}
	switch src[i+1] {
	case 'u':
		if i+6 > len(src) {
			break
		}
		r, ok := hexVal(src[i+2 : i+6])
		if !ok {
			break
		}
		if r >= 0xD800 && r <= 0xDBFF {
			if i+12 <= len(src) && src[i+6] == '\\' && src[i+7] == 'u' {
				lo, ok := hexVal(src[i+8 : i+12])
				if ok && lo >= 0xDC00 && lo <= 0xDFFF {
					return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12
				}
			}
			break
		}
		if r >= 0xDC00 && r <= 0xDFFF {
			break
		}
		return r, 6
	case 'U':
		if i+10 > len(src) {
			break
		}
		if r, ok := hexVal(src[i+2 : i+10]); ok && utf8.ValidRune(r) {
			return r, 10
		}
	case 'x':
		if i+4 > len(src) {
			break
		}
		if r, ok := hexVal(src[i+2 : i+4]); ok && r < 0x80 {
			return r, 4
		}
	case 'n':
		return '\n', 2
	case 't':
		return '\t', 2
	case 'r':
		return '\r', 2
	case '"', '/', '\\', '\'':
		return rune(src[i+1]), 2
	}
	return '\\', 1
}

func entityUnit(src string, i int) (rune, int) {
	end := strings.IndexByte(src[i+1:min(len(src), i+12)], ';')
	if end < 1 {
		return '&', 1
	}
	name := src[i+1 : i+1+end]
	size := end + 2
	if name[0] == '#' {
		var r rune
		var ok bool
		if len(name) > 2 && (name[1] == 'x' || name[1] == 'X') {
			r, ok = hexVal(name[2:])
		} else if len(name) > 1 {
			r, ok = 0, true
			for j := 1; j < len(name); j++ {
				if name[j] < '0' || name[j] > '9' || r > 0x10FFFF {
					ok = false
					break
				}
				r = r*10 + rune(name[j]-'0')
			}
		}
		if ok && utf8.ValidRune(r) && r != 0 {
			return r, size
		}
		return '&', 1
	}
	switch name {
	case "lt":
		return '<', size
	case "gt":
		return '>', size
	case "amp":
		return '&', size
	case "quot":
		return '"', size
	case "apos":
		return '\'', size
	case "nbsp":
		return 0xA0, size
	case "shy":
		return 0xAD, size
	case "zwj":
		return 0x200D, size
	case "zwnj":
		return 0x200C, size
	case "lrm":
		return 0x200E, size
	case "rlm":
		return 0x200F, size
	}
	return '&', 1
}

// slow normalizes a text that has non-ASCII bytes or escapes.
func (t *normText) slow() {
	src := t.src
	out := make([]byte, 0, len(src)+16)
	pos := make([]int32, 0, len(src)+16)
	emit := func(b byte, at int) {
		out = append(out, b)
		pos = append(pos, int32(at))
	}
	var cur *invisRun
	var run invisRun
	var prevVis rune
	closeRun := func(at int, next rune) {
		if cur == nil {
			return
		}
		cur.end = at
		cur.next = next
		if len(t.runs) < maxRuns {
			t.runs = append(t.runs, *cur)
		}
		cur = nil
	}
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf && c != '\\' && c != '&' {
			if cur != nil {
				closeRun(i, rune(c))
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if 'a' <= c && c <= 'z' {
				t.letters++
			}
			emit(c, i)
			prevVis = rune(c)
			i++
			continue
		}
		r, size := unit(src, i)
		if k := invisibleKind(r); k != invNone {
			if cur == nil {
				run = invisRun{start: i, prev: prevVis}
				cur = &run
			}
			cur.add(r, k)
			i += size
			continue
		}
		if cur != nil {
			closeRun(i, r)
		}
		if r < utf8.RuneSelf {
			b := byte(r)
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			emit(b, i)
			prevVis = r
			i += size
			continue
		}
		prevVis = r
		if isRTL(r) {
			t.rtl = true
		}
		if unicode.IsLetter(r) {
			t.letters++
		}
		switch {
		case isCombining(r):
			// dropped: accents and stacked marks
		case r == 0x2028 || r == 0x2029 || r == 0x85:
			emit('\n', i)
		case unicode.IsSpace(r):
			emit(' ', i)
		default:
			if f := fold(r); f != "" {
				for j := 0; j < len(f); j++ {
					emit(f[j], i)
				}
				break
			}
			if a := confusable(r); a != 0 {
				prevLetter := len(out) > 0 && isASCIILetter(out[len(out)-1])
				if prevLetter || nextIsASCIILetter(src, i+size) {
					emit(a, i)
					break
				}
			}
			lr := unicode.ToLower(r)
			var buf [utf8.UTFMax]byte
			n := utf8.EncodeRune(buf[:], lr)
			for j := 0; j < n; j++ {
				emit(buf[j], i)
			}
			t.nonASCII = true
		}
		i += size
	}
	if cur != nil {
		closeRun(len(src), 0)
	}
	t.s = string(out)
	t.pos = pos
}

func (r *invisRun) add(c rune, k int) {
	r.n++
	switch k {
	case invZW:
		r.zw++
		if len(r.zwSyms) < maxRunDecoded {
			r.zwSyms = append(r.zwSyms, zwSymbol(c))
		}
	case invBidi:
		r.bidi++
		if c == 0x200E || c == 0x200F || c == 0x061C {
			r.bidiMarks++
		}
		if c == 0x202D || c == 0x202E {
			r.override = true
		}
	case invVS:
		r.vs++
		if len(r.vsBytes) < maxRunDecoded {
			if c <= 0xFE0F {
				r.vsBytes = append(r.vsBytes, byte(c-0xFE00))
			} else {
				r.vsBytes = append(r.vsBytes, byte(c-0xE0100+16))
			}
		}
	case invTag:
		r.tags++
		if c >= 0xE0020 && c <= 0xE007E && len(r.tagText) < maxRunDecoded {
			r.tagText = append(r.tagText, byte(c-0xE0000))
		}
	case invSoft:
		r.soft++
	default:
		r.other++
	}
}

func nextIsASCIILetter(src string, i int) bool {
	if i >= len(src) {
		return false
	}
	r, _ := unit(src, i)
	return r < utf8.RuneSelf && isASCIILetter(byte(r))
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// start maps an offset in s to the offset in src where its unit starts.
func (t *normText) start(i int) int {
	if t.pos == nil {
		return i
	}
	if i >= len(t.pos) {
		return len(t.src)
	}
	return int(t.pos[i])
}

// end maps an exclusive end offset in s to the end of its unit in src.
func (t *normText) end(i int) int {
	if t.pos == nil {
		return i
	}
	if i <= 0 {
		return t.start(0)
	}
	p := int(t.pos[i-1])
	_, size := unit(t.src, p)
	return p + size
}

func isRTL(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFC
}

func isCombining(r rune) bool {
	return r >= 0x0300 && r <= 0x036F || r >= 0x1AB0 && r <= 0x1AFF ||
		r >= 0x1DC0 && r <= 0x1DFF || r >= 0x20D0 && r <= 0x20FF || r >= 0xFE20 && r <= 0xFE2F
}

// Base letters of U+00C0..U+00FF and U+0100..U+017F; '?' marks runes
// folded by the switch in fold or left alone.
const (
	latin1Fold = "aaaaaa?ceeeeiiiidnooooo?ouuuuy??aaaaaa?ceeeeiiiidnooooo?ouuuuy?y"
	latinAFold = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooo??rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
)

// fold returns the ASCII spelling of a letter with accents, a look-alike
// that is never a real letter of another script (fullwidth, mathematical,
// enclosed, small capitals), or a typographic quote or dash; "" if r has
// none.
func fold(r rune) string {
	switch {
	case r >= 0xC0 && r <= 0xFF:
		switch r {
		case 0xC6, 0xE6:
			return "ae"
		case 0xDE, 0xFE:
			return "th"
		case 0xDF:
			return "ss"
		}
		if b := latin1Fold[r-0xC0]; b != '?' {
			return latin1Fold[r-0xC0 : r-0xC0+1]
		}
		return ""
	case r >= 0x100 && r <= 0x17F:
		if r == 0x152 || r == 0x153 {
			return "oe"
		}
		if b := latinAFold[r-0x100]; b != '?' {
			return latinAFold[r-0x100 : r-0x100+1]
		}
		return ""
	case r >= 0xFF01 && r <= 0xFF5E:
		return asciiLower(byte(r - 0xFEE0))
	case r >= 0x1D400 && r <= 0x1D6A3:
		k := (r - 0x1D400) % 52
		if k >= 26 {
			k -= 26
		}
		return asciiLower(byte('a' + k))
	case r >= 0x1D7CE && r <= 0x1D7FF:
		return asciiLower(byte('0' + (r-0x1D7CE)%10))
	case r >= 0x24B6 && r <= 0x24CF:
		return asciiLower(byte('a' + r - 0x24B6))
	case r >= 0x24D0 && r <= 0x24E9:
		return asciiLower(byte('a' + r - 0x24D0))
	case r >= 0x249C && r <= 0x24B5:
		return asciiLower(byte('a' + r - 0x249C))
	case r >= 0x1F130 && r <= 0x1F149:
		return asciiLower(byte('a' + r - 0x1F130))
	case r >= 0x1F150 && r <= 0x1F169:
		return asciiLower(byte('a' + r - 0x1F150))
	case r >= 0x1F170 && r <= 0x1F189:
		return asciiLower(byte('a' + r - 0x1F170))
	}
	switch r {
	case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC, 0x00B4:
		return "'"
	case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB:
		return "\""
	case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212:
		return "-"
	case 0x2026:
		return "..."
	case 0x0251:
		return "a"
	case 0x0261, 0x0262:
		return "g"
	case 0x0131, 0x026A, 0x0269:
		return "i"
	case 0x0237:
		return "j"
	case 0x1D00:
		return "a"
	case 0x0299:
		return "b"
	case 0x1D04:
		return "c"
	case 0x1D05:
		return "d"
	case 0x1D07:
		return "e"
	case 0xA730:
		return "f"
	case 0x029C:
		return "h"
	case 0x1D0A:
		return "j"
	case 0x1D0B:
		return "k"
	case 0x029F:
		return "l"
	case 0x1D0D:
		return "m"
	case 0x0274:
		return "n"
	case 0x1D0F:
		return "o"
	case 0x1D18:
		return "p"
	case 0x0280:
		return "r"
	case 0xA731:
		return "s"
	case 0x1D1B:
		return "t"
	case 0x1D1C:
		return "u"
	case 0x1D20:
		return "v"
	case 0x1D21:
		return "w"
	case 0x028F:
		return "y"
	case 0x1D22:
		return "z"
	}
	return ""
}

// asciiLower returns the one-byte string for c, lower-cased, without
// allocating.
func asciiLower(c byte) string {
	if 'A' <= c && c <= 'Z' {
		c += 'a' - 'A'
	}
	const ascii = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" +
		"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" +
		" !\"#$%&'()*+,-./0123456789:;<=>?@abcdefghijklmnopqrstuvwxyz[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f"
	if c >= 0x80 {
		return ""
	}
	return ascii[c : c+1]
}

// confusable returns the ASCII letter a Cyrillic, Greek or Armenian letter
// looks like, or 0. Such letters are mapped only next to ASCII letters, so
// real Russian or Greek words keep their spelling.
func confusable(r rune) byte {
	switch r {
	case 0x0430, 0x0410, 0x03B1, 0x0391:
		return 'a'
	case 0x0412, 0x0392, 0x0432:
		return 'b'
	case 0x0441, 0x0421, 0x03F2:
		return 'c'
	case 0x0501:
		return 'd'
	case 0x0435, 0x0415, 0x0451, 0x03B5, 0x0395:
		return 'e'
	case 0x04BB, 0x041D, 0x0397:
		return 'h'
	case 0x0456, 0x0406, 0x0457, 0x03B9, 0x0399, 0x04CF:
		return 'i'
	case 0x0458, 0x0408, 0x03F3:
		return 'j'
	case 0x043A, 0x041A, 0x03BA, 0x039A:
		return 'k'
	case 0x041C, 0x039C:
		return 'm'
	case 0x039D:
		return 'n'
	case 0x043E, 0x041E, 0x03BF, 0x039F, 0x0585:
		return 'o'
	case 0x0440, 0x0420, 0x03C1, 0x03A1:
		return 'p'
	case 0x051B:
		return 'q'
	case 0x0455, 0x0405:
		return 's'
	case 0x0422, 0x03A4:
		return 't'
	case 0x03C5:
		return 'u'
	case 0x03BD:
		return 'v'
	case 0x051D:
		return 'w'
	case 0x0445, 0x0425, 0x03C7, 0x03A7:
		return 'x'
	case 0x0443, 0x0423, 0x03A5:
		return 'y'
	case 0x0396:
		return 'z'
	}
	return 0
}

// obfuscated reports whether src[start:end] spells its text with
// invisible characters, look-alike letters or escaped letters.
func obfuscated(src string, start, end int) (lookalike, escaped int) {
	end = min(end, start+1024, len(src))
	for i := start; i < end; {
		r, size := unit(src, i)
		if size > 1 && src[i] == '\\' || src[i] == '&' && size > 1 {
			if r < utf8.RuneSelf && isASCIILetter(byte(r)) {
				escaped++
			}
		}
		switch {
		case invisibleKind(r) != invNone && r != 0xAD:
			lookalike++
		case r >= utf8.RuneSelf && confusable(r) != 0:
			lookalike++
		case r >= 0xFF01 && r <= 0xFF5E, r >= 0x1D400 && r <= 0x1D7FF,
			r >= 0x249C && r <= 0x24E9, r >= 0x1F130 && r <= 0x1F189:
			lookalike++
		case r >= 0x1D00 && r <= 0x1D22, r == 0x0299, r == 0x029C, r == 0x029F,
			r == 0x0274, r == 0x0280, r == 0x028F, r == 0xA730, r == 0xA731:
			lookalike++
		}
		i += size
	}
	return lookalike, escaped
}
