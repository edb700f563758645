package inject

import (
	"unicode"
	"unicode/utf8"
)

// maxRunHits bounds the hits for scattered invisible characters.
const maxRunHits = 256

// hidden turns the runs of invisible characters normalization found into
// hits, decoding what tag characters, variation selectors and long
// zero-width runs spell and scanning that too.
func (st *state) hidden(t *normText, depth int, hits []hit) []hit {
	var inWord, stray []int
	for i := range t.runs {
		r := &t.runs[i]
		switch {
		case r.tags > 0:
			if isFlagTag(r) {
				continue
			}
			if len(r.tagText) >= 3 {
				text := string(r.tagText)
				w, ev := 0.8, "tag characters spell: "+excerpt(text, 0, len(text))
				if c, e := st.subConf(text, depth); c > 0 {
					w = noisyOr(w, c)
					ev = "tag characters spell: " + e
				}
				hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: w, ev: ev})
			} else {
				hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: 0.4,
					ev: "tag characters: " + excerpt(t.src, r.start, r.end)})
			}
		case r.vs >= 4:
			w, ev := 0.45, "variation selectors in a row: "+excerpt(t.src, r.start, r.end)
			if texty(r.vsBytes) {
				text := string(r.vsBytes)
				w, ev = 0.8, "variation selectors spell: "+excerpt(text, 0, len(text))
				if c, e := st.subConf(text, depth); c > 0 {
					w = noisyOr(w, c)
					ev = "variation selectors spell: " + e
				}
			}
			hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: w, ev: ev})
		case r.zw >= 8:
			w, ev := 0.6, "run of zero-width characters: "+excerpt(t.src, r.start, min(r.end, r.start+30))
			if text, ok := zwDecode(r.zwSyms); ok {
				w, ev = 0.8, "zero-width characters spell: "+excerpt(text, 0, len(text))
				if c, e := st.subConf(text, depth); c > 0 {
					w = noisyOr(w, c)
					ev = "zero-width characters spell: " + e
				}
			}
			hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: w, ev: ev})
		case r.bidi > r.bidiMarks:
			w := 0.35
			if r.override {
				w = 0.5
			}
			if t.rtl {
				w = 0.15
			}
			hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: w,
				ev: "bidi control: " + excerpt(t.src, max(0, r.start-20), min(len(t.src), r.end+20))})
		case r.other >= 3:
			hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: 0.45,
				ev: "invisible filler characters: " + excerpt(t.src, r.start, r.end)})
		case r.zw > 0 || r.other > 0:
			if explained(r) {
				continue
			}
			if latinLetter(r.prev) && latinLetter(r.next) {
				inWord = append(inWord, i)
			} else if r.zw > 0 {
				stray = append(stray, i)
			}
		}
	}
	if n := len(inWord); n > 0 {
		w := 0.3
		switch {
		case n >= 8:
			w = 0.6
		case n >= 3:
			w = 0.45
		}
		for _, i := range inWord[:min(n, maxRunHits)] {
			r := &t.runs[i]
			lo, hi := wordAround(t.src, r.start, r.end)
			hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: w,
				ev: "invisible character inside a word: " + excerpt(t.src, lo, hi)})
		}
	}
	if n := len(stray); n >= 16 && n*50 >= t.letters {
		for _, i := range stray[:min(n, maxRunHits)] {
			r := &t.runs[i]
			hits = append(hits, hit{fam: famUnicode, start: r.start, end: r.end, w: 0.45,
				ev: "zero-width characters scattered through the text: " + excerpt(t.src, max(0, r.start-10), min(len(t.src), r.end+10))})
		}
	}
	return hits
}

// isFlagTag reports whether a tag run is the tail of a subdivision flag
// emoji (black flag, tag letters, cancel tag), their one legitimate use.
func isFlagTag(r *invisRun) bool {
	if r.prev != 0x1F3F4 || r.tags != r.n || r.tags > 8 {
		return false
	}
	for _, c := range r.tagText {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// explained reports whether zero-width characters are doing their normal
// job: joining emoji, shaping Indic or Arabic script, marking word breaks
// in scripts without spaces, or a byte-order mark at the start.
func explained(r *invisRun) bool {
	if r.start == 0 && r.zw == r.n {
		return true
	}
	return emojiish(r.prev) || emojiish(r.next) || nonLatinScript(r.prev) || nonLatinScript(r.next)
}

func emojiish(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x2300 && r <= 0x23FF ||
		r >= 0x2B00 && r <= 0x2BFF || r == 0x20E3 || r == 0xFE0F || r == 0x00A9 || r == 0x00AE ||
		r == 0x203C || r == 0x2049 || r == 0x2122 || r == 0x2139 || r >= 0x2190 && r <= 0x21FF ||
		r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299
}

func nonLatinScript(r rune) bool {
	return r > 0x24F && (unicode.IsLetter(r) || unicode.IsMark(r)) && confusable(r) == 0
}

func latinLetter(r rune) bool {
	return r < utf8.RuneSelf && isASCIILetter(byte(r)) || r >= 0xC0 && r <= 0x24F && unicode.IsLetter(r)
}

// wordAround widens [start, end) to the word it sits in, for evidence.
func wordAround(s string, start, end int) (int, int) {
	lo, hi := start, end
	for lo > 0 && start-lo < 40 && s[lo-1] != ' ' && s[lo-1] != '\n' {
		lo--
	}
	for hi < len(s) && hi-end < 40 && s[hi] != ' ' && s[hi] != '\n' {
		hi++
	}
	for lo > 0 && !utf8.RuneStart(s[lo]) {
		lo--
	}
	for hi < len(s) && !utf8.RuneStart(s[hi]) {
		hi++
	}
	return lo, hi
}

// zwDecode reads a run of zero-width characters as bits: two of the
// characters are 0 and 1, and a third, if any, separates bytes.
func zwDecode(syms []byte) (string, bool) {
	var present [6]bool
	for _, c := range syms {
		present[c] = true
	}
	var out []byte
	for zero := byte(0); zero < 6; zero++ {
		for one := byte(0); one < 6; one++ {
			if zero == one || !present[zero] || !present[one] {
				continue
			}
			out = out[:0]
			var cur, bits int
			sep := false
			ok := true
			for _, c := range syms {
				switch c {
				case zero, one:
					cur = cur<<1 | b2i(c == one)
					bits++
					if bits == 8 && !sep {
						out = append(out, byte(cur))
						cur, bits = 0, 0
					}
				default:
					sep = true
					if bits == 7 || bits == 8 {
						out = append(out, byte(cur))
					} else if bits != 0 {
						ok = false
					}
					cur, bits = 0, 0
				}
				if !ok {
					break
				}
			}
			if ok && (bits == 7 || bits == 8) {
				out = append(out, byte(cur))
			}
			if ok && texty(out) {
				return string(out), true
			}
		}
	}
	return "", false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// texty reports whether b reads as text: valid UTF-8, at least three
// characters, mostly printable, with letters and a space.
func texty(b []byte) bool {
	if len(b) < 3 || !utf8.Valid(b) {
		return false
	}
	var good, total, letters, spaces int
	for _, r := range string(b) {
		total++
		switch {
		case r == ' ' || r == '\n' || r == '\t':
			spaces++
			good++
		case unicode.IsLetter(r):
			letters++
			good++
		case unicode.IsPrint(r):
			good++
		}
	}
	return good*10 >= total*9 && letters*2 >= total && (spaces > 0 || total < 16)
}
