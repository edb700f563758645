package pii

import "strings"

// Payment cards, US social security numbers and phone numbers: runs of
// digit groups. Each detector looks only at groups that start a token
// (tokenStart) and checks that its candidate ends one (tokenEnd), so that
// a match is never a piece of a longer number, a date, a version string,
// a UUID or a hash.

// nextDigits calls match at every position from from on where a token of
// digits starts, and returns the first candidate it accepts.
func nextDigits(text string, from int, match func(text string, i, j int) (int, bool)) (start, end int, ok bool) {
	for i := from; i < len(text); i++ {
		if !isDigit(text[i]) {
			continue
		}
		j := digitRun(text, i)
		if tokenStart(text, i) {
			if e, ok := match(text, i, j); ok {
				return i, e, true
			}
		}
		i = j - 1
	}
	return 0, 0, false
}

func nextCard(text string, from int) (start, end int, ok bool) {
	return nextDigits(text, from, card)
}

func nextSSN(text string, from int) (start, end int, ok bool) {
	return nextDigits(text, from, ssn)
}

// card matches a payment card number whose first group of digits is
// text[i:j]: 13 to 16 digits written together, 13 to 19 in groups of
// four separated by one space or dash (the last group may be shorter),
// or in the 4-6-5 and 4-6-4 groups of Amex and Diners. Longer numbers
// written together are int64 values and ids far more often than the rare
// 17- to 19-digit cards. When the groups are separated by spaces and
// followed by more digits (an expiry date, a CVV), the longest valid
// leading run of groups is taken.
func card(text string, i, j int) (int, bool) {
	n := j - i
	if n >= 13 {
		if n <= 16 && tokenEnd(text, j) && validCard(text[i:j]) {
			return j, true
		}
		return 0, false
	}
	if n != 4 || j+1 >= len(text) {
		return 0, false
	}
	sep := text[j]
	if sep != ' ' && sep != '-' {
		return 0, false
	}
	var digits [19]byte
	var size, end [5]int
	copy(digits[:], text[i:j])
	nd, ng := 4, 1
	size[0], end[0] = 4, j
	more := false // a further group follows the last one read
	for pos := j; pos+1 < len(text) && text[pos] == sep && isDigit(text[pos+1]); {
		e := digitRun(text, pos+1)
		if ng == len(size) || nd+e-pos-1 > len(digits) {
			more = true
			break
		}
		nd += copy(digits[nd:], text[pos+1:e])
		size[ng], end[ng] = e-pos-1, e
		ng++
		pos = e
	}
	for k := ng; k >= 2; k-- {
		total := 0
		for _, s := range size[:k] {
			total += s
		}
		if total < 13 || !cardGroups(size[:k]) {
			continue
		}
		if k < ng || more {
			if sep != ' ' {
				continue
			}
		} else if !tokenEnd(text, end[k-1]) {
			continue
		}
		if sep == ' ' && groupBefore(text, i) {
			continue
		}
		if validCard(string(digits[:total])) {
			return end[k-1], true
		}
	}
	return 0, false
}

// cardGroups reports whether the group sizes are a way cards are written.
func cardGroups(size []int) bool {
	if len(size) == 3 && size[0] == 4 && size[1] == 6 && (size[2] == 5 || size[2] == 4) {
		return true // Amex 4-6-5, Diners 4-6-4
	}
	last := len(size) - 1
	for _, s := range size[:last] {
		if s != 4 {
			return false
		}
	}
	return size[last] >= 1 && size[last] <= 4
}

// validCard reports whether d, all digits, is a card number: a known
// issuer prefix with one of the issuer's lengths and a Luhn check digit.
func validCard(d string) bool {
	return cardIssuer(d) && luhn(d)
}

func cardIssuer(d string) bool {
	n := len(d)
	if n < 13 || n > 19 {
		return false
	}
	p := func(k int) int {
		v := 0
		for _, c := range []byte(d[:k]) {
			v = v*10 + int(c-'0')
		}
		return v
	}
	p2, p3, p4, p6 := p(2), p(3), p(4), p(6)
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34, p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65, p6 >= 622126 && p6 <= 622925: // Discover
		return n >= 16
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16
	case p3 >= 300 && p3 <= 305, p4 == 3095, p2 == 36, p2 == 38, p2 == 39: // Diners Club
		return n >= 14
	case p2 == 62: // UnionPay
		return n >= 16
	}
	switch p4 { // Maestro
	case 5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763:
		return true
	}
	return false
}

// luhn reports whether the digits d end in a valid Luhn check digit.
func luhn(d string) bool {
	sum := 0
	double := false
	for k := len(d) - 1; k >= 0; k-- {
		v := int(d[k] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// ssn matches a US social security number whose first group of digits is
// text[i:j]: AAA-GG-SSSS with one separator (dash, space or dot) used
// throughout, or nine digits written together when an SSN keyword comes
// shortly before them.
func ssn(text string, i, j int) (int, bool) {
	switch j - i {
	case 9:
		d := text[i:j]
		if tokenEnd(text, j) && validSSN(d) && ssnContext(text, i) {
			return j, true
		}
	case 3:
		if j+8 > len(text) {
			return 0, false
		}
		sep := text[j]
		if sep != '-' && sep != ' ' && sep != '.' {
			return 0, false
		}
		if digitRun(text, j+1) != j+3 || text[j+3] != sep || digitRun(text, j+4) != j+8 {
			return 0, false
		}
		e := j + 8
		if sep == ' ' && inGroups(text, i, e) {
			return 0, false
		}
		if tokenEnd(text, e) && validSSN(text[i:j]+text[j+1:j+3]+text[j+4:e]) {
			return e, true
		}
	}
	return 0, false
}

// validSSN reports whether the nine digits d can be an issued SSN: area
// not 000, 666 or 900-999, group not 00, serial not 0000, and not a number
// known to be void (published in advertising, sample cards, or a run of
// one digit).
func validSSN(d string) bool {
	area, group, serial := d[:3], d[3:5], d[5:]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return false
	}
	switch d {
	case "078051120", // the Woolworth wallet card
		"219099999", // a Social Security Administration advertisement
		"457555462", // an identity-theft insurance advertisement
		"123456789":
		return false
	}
	return strings.Count(d, d[:1]) != len(d)
}

// ssnContext reports whether an SSN keyword ends shortly before i.
func ssnContext(text string, i int) bool {
	const window = 40
	var buf [window]byte
	w := buf[:0]
	for k := max(0, i-window); k < i; k++ {
		c := text[k]
		if isUpper(c) {
			c += 'a' - 'A'
		}
		w = append(w, c)
	}
	for _, kw := range []string{"ssn", "social security", "soc sec", "soc. sec", "ss#", "ss #", "ss no", "ss num"} {
		if hasWord(string(w), kw) {
			return true
		}
	}
	return false
}

// hasWord reports whether s contains kw at the start of a word.
func hasWord(s, kw string) bool {
	for off := 0; ; {
		k := strings.Index(s[off:], kw)
		if k < 0 {
			return false
		}
		k += off
		if k == 0 || !isAlpha(s[k-1]) {
			return true
		}
		off = k + 1
	}
}

// nextPhone finds phone numbers: E.164 (a plus sign, a country code and
// 8 to 15 digits in all in groups, or 10 to 15 written together; +1 and
// +7 numbers with their plans' lengths) and the national formats people
// write with separators: US (555) 234-5678, 555-234-5678,
// 1-800-555-0199; trunk-prefixed numbers of the UK, DE, FR, IN and most
// of Europe, 020 7946 0958, 030/1234567, 01 23 45 67 89; 00-prefixed
// international numbers; Indian mobiles 98765 43210. Digits without
// separators or a plus sign are never a phone number here: they are too
// often ids, timestamps and amounts.
func nextPhone(text string, from int) (start, end int, ok bool) {
	for i := from; i < len(text); i++ {
		switch c := text[i]; {
		case c == '+':
			if tokenStart(text, i) {
				if e, ok := phoneIntl(text, i); ok {
					return i, e, true
				}
			}
		case c == '(' || isDigit(c):
			if tokenStart(text, i) {
				if e, ok := phoneNational(text, i); ok {
					return i, e, true
				}
			}
			if c != '(' {
				i = digitRun(text, i) - 1
			}
		}
	}
	return 0, 0, false
}

// phoneIntl matches an E.164 number at the plus sign at i. Groups may be
// separated by single spaces, dashes or dots, and one group may be in
// parentheses: +1 (555) 234-5678, +44 (0)20 7946 0958.
func phoneIntl(text string, i int) (int, bool) {
	pos := i + 1
	if pos >= len(text) || text[pos] < '1' || text[pos] > '9' {
		return 0, false
	}
	digits, end, sep, paren := 0, 0, false, false
	first, dots, others := 0, 0, 0 // the first group's digits; separators
	var lead [5]byte               // the first digits
scan:
	for pos < len(text) {
		switch c := text[pos]; {
		case isDigit(c):
			if digits < len(lead) {
				lead[digits] = c
			}
			digits++
			if dots+others == 0 {
				first++
			}
			pos++
			end, sep = pos, false
		case c == ' ' || c == '-' || c == '.':
			if sep || pos+1 >= len(text) || !(isDigit(text[pos+1]) || text[pos+1] == '(') {
				break scan
			}
			if c == '.' {
				dots++
			} else {
				others++
			}
			sep = true
			pos++
		case c == '(' && !paren:
			e := digitRun(text, pos+1)
			if e == pos+1 || e-pos-1 > 4 || e >= len(text) || text[e] != ')' {
				break scan
			}
			if text[pos+1:e] != "0" { // (0) is a trunk prefix, not dialled from abroad
				for _, c := range []byte(text[pos+1 : e]) {
					if digits < len(lead) {
						lead[digits] = c
					}
					digits++
				}
			}
			pos = e + 1
			end, sep, paren = pos, false, true
			others++
		default:
			break scan
		}
		if digits > 15 {
			return 0, false
		}
	}
	switch {
	case dots+others == 0:
		// Written together, fewer than ten digits are as likely a
		// signed number in code.
		if digits < 10 {
			return 0, false
		}
	case first > 3:
		return 0, false // a country code has 1 to 3 digits: +1130 2010 is a time zone and a year
	case others == 0 && dots < 2:
		return 0, false // a signed decimal number
	}
	if digits < 8 || !tokenEnd(text, end) {
		return 0, false
	}
	switch lead[0] {
	case '1': // the North American plan: +1, an area code and seven digits
		if digits != 11 || lead[1] < '2' || lead[4] < '2' {
			return 0, false
		}
	case '7': // Russia and Kazakhstan: +7 and ten digits
		if digits != 11 {
			return 0, false
		}
	}
	return end, true
}

// phoneNational matches a national-format number at i, a digit or an
// opening parenthesis.
func phoneNational(text string, i int) (int, bool) {
	var digits [17]byte
	var size [6]int
	nd, ng := 0, 0
	add := func(a, b int) bool {
		if ng == len(size) || nd+b-a > len(digits) {
			return false
		}
		nd += copy(digits[nd:], text[a:b])
		size[ng] = b - a
		ng++
		return true
	}
	pos := i
	paren := text[i] == '('
	if paren {
		e := digitRun(text, i+1)
		if e-i-1 < 2 || e-i-1 > 5 || e >= len(text) || text[e] != ')' {
			return 0, false
		}
		add(i+1, e)
		pos = e + 1
		if pos+1 < len(text) && (text[pos] == ' ' || text[pos] == '-') {
			pos++
		}
		if pos >= len(text) || !isDigit(text[pos]) {
			return 0, false
		}
	}
	e := digitRun(text, pos)
	if !add(pos, e) {
		return 0, false
	}
	pos = e
	var sep byte
	for pos+1 < len(text) {
		c := text[pos]
		if c != ' ' && c != '-' && c != '.' && c != '/' || sep != 0 && c != sep || !isDigit(text[pos+1]) {
			break
		}
		sep = c
		e := digitRun(text, pos+1)
		if !add(pos+1, e) {
			return 0, false
		}
		pos = e
	}
	if ng < 2 || !tokenEnd(text, pos) || sep == ' ' && inGroups(text, i, pos) {
		return 0, false
	}
	if nationalFormat(string(digits[:nd]), size[:ng], sep, paren) {
		return pos, true
	}
	return 0, false
}

// nationalFormat reports whether the digits d, in groups of the given
// sizes separated by sep, are a phone number.
func nationalFormat(d string, size []int, sep byte, paren bool) bool {
	is := func(want ...int) bool {
		if len(size) != len(want) {
			return false
		}
		for k := range want {
			if size[k] != want[k] {
				return false
			}
		}
		return true
	}
	nanp := func(d string) bool { return d[0] >= '2' && d[3] >= '2' } // area and exchange codes
	switch {
	case sep != '/' && is(3, 3, 4) && nanp(d): // (555) 234-5678, 555.234.5678
		return true
	case sep != '/' && !paren && is(1, 3, 3, 4) && d[0] == '1' && nanp(d[1:]): // 1-800-555-0199
		return true
	case sep == ' ' && !paren && is(5, 5) && d[0] >= '6' && d[0] <= '9':
		return true // Indian mobile; 60000-64999 is a range
	}
	if d[0] != '0' || len(size) > 5 || strings.Trim(d, "01") == "" {
		return false // not trunk-prefixed, or a string of bits
	}
	if sep == '.' && len(size) == 4 && max(size[0], size[1], size[2], size[3]) <= 3 {
		return false // an IPv4 address, 010.000.015.001
	}
	fours := size[0] == 4
	for _, s := range size[1:] {
		if s < 2 {
			return false
		}
		fours = fours && s == 4
	}
	if fours {
		return false // groups of four are how codes and accounts are written
	}
	if d[1] == '0' { // international prefix: 0049 30 1234567
		return d[2] != '0' && size[0] >= 3 && size[0] <= 5 && len(d) >= 10 && len(d) <= 17
	}
	// trunk prefix and area code, then the subscriber number
	return size[0] >= 2 && size[0] <= 5 && len(d) >= 10 && len(d) <= 12
}
