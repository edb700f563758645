package pii

// ibanLengths lists, for each country of the SWIFT IBAN registry, its
// code and the length of its IBANs, in four bytes per country.
const ibanLengths = "" +
	"AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24" +
	"DE22DJ27DK18DO28EE20EG29ES24FI18FK18FO18FR27GB22GE22GI23GL18GR27" +
	"GT28HN28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20LB28LC32LI21LT20" +
	"LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24" +
	"PL28PS29PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27SO23ST25" +
	"SV28TL23TN24TR26UA29VA22VG24XK20YE30"

// ibanLength returns the IBAN length of the country cc, or 0 if the
// country has no IBANs.
func ibanLength(cc string) int {
	for k := 0; k+4 <= len(ibanLengths); k += 4 {
		if ibanLengths[k:k+2] == cc {
			return int(ibanLengths[k+2]-'0')*10 + int(ibanLengths[k+3]-'0')
		}
	}
	return 0
}

// nextIBAN finds IBANs: a country code, two check digits and the
// country's BBAN, in capitals, written together or in groups of four
// separated by single spaces; the whole has its country's length and a
// valid mod-97 checksum (ISO 13616).
func nextIBAN(text string, from int) (start, end int, ok bool) {
	for i := from; i+4 <= len(text); i++ {
		if !isUpper(text[i]) || !isUpper(text[i+1]) || !isDigit(text[i+2]) || !isDigit(text[i+3]) {
			continue
		}
		if tokenStart(text, i) {
			if e, ok := iban(text, i); ok {
				return i, e, true
			}
		}
	}
	return 0, 0, false
}

func iban(text string, i int) (int, bool) {
	n := ibanLength(text[i : i+2])
	if n == 0 {
		return 0, false
	}
	if cd := text[i+2 : i+4]; cd == "00" || cd == "01" || cd == "99" {
		return 0, false
	}
	var buf [34]byte
	nb := copy(buf[:], text[i:i+4])
	pos := i + 4
	grouped := pos < len(text) && text[pos] == ' '
	for nb < n {
		if grouped && nb%4 == 0 {
			if pos >= len(text) || text[pos] != ' ' {
				return 0, false
			}
			pos++
		}
		if pos >= len(text) || !(isDigit(text[pos]) || isUpper(text[pos])) {
			return 0, false
		}
		buf[nb] = text[pos]
		nb++
		pos++
	}
	if pos < len(text) && isWord(text[pos]) {
		return 0, false
	}
	// A full last group followed by more digits is a longer number.
	if grouped && n%4 == 0 && pos+1 < len(text) && text[pos] == ' ' && isDigit(text[pos+1]) {
		return 0, false
	}
	if !mod97(buf[:n]) {
		return 0, false
	}
	return pos, true
}

// mod97 reports whether the IBAN s, capitals and digits, has a valid
// checksum: moved to the end its first four characters, with letters as
// the numbers 10 to 35, make a number whose remainder by 97 is 1.
func mod97(s []byte) bool {
	r := 0
	for k := range len(s) {
		c := s[(k+4)%len(s)]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r == 1
}

// nextNINO finds UK National Insurance numbers: two prefix letters that
// HMRC issues (the first not D, F, I, Q, U or V; the second not D, F, I,
// O, Q, U or V; not BG, GB, KN, NK, NT, TN or ZZ), six digits and a
// suffix A to D, in one case, with optional spaces after the prefix,
// between the pairs of digits and before the suffix: AB123456C,
// AB 12 34 56 C.
func nextNINO(text string, from int) (start, end int, ok bool) {
	for i := from; i+9 <= len(text); i++ {
		if !isAlpha(text[i]) || !isAlpha(text[i+1]) {
			continue
		}
		if c := text[i+2]; !isDigit(c) && !(c == ' ' && isDigit(text[i+3])) {
			continue
		}
		if tokenStart(text, i) {
			if e, ok := nino(text, i); ok {
				return i, e, true
			}
		}
	}
	return 0, 0, false
}

func nino(text string, i int) (int, bool) {
	upper := isUpper(text[i])
	sameCase := func(c byte) bool { return isAlpha(c) && isUpper(c) == upper }
	if !sameCase(text[i+1]) {
		return 0, false
	}
	a, b := text[i]&^0x20, text[i+1]&^0x20 // capitals
	if !ninoPrefix(a, b) {
		return 0, false
	}
	pos := i + 2
	if text[pos] == ' ' {
		pos++
	}
	switch digitRun(text, pos) - pos {
	case 6: // 123456
		pos += 6
	case 2: // 12 34 56
		for range 2 {
			if pos+5 > len(text) || text[pos+2] != ' ' || digitRun(text, pos+3) != pos+5 {
				return 0, false
			}
			pos += 3
		}
		pos += 2
	default:
		return 0, false
	}
	if pos+1 < len(text) && text[pos] == ' ' {
		pos++
	}
	if pos >= len(text) || !sameCase(text[pos]) {
		return 0, false
	}
	if s := text[pos] &^ 0x20; s < 'A' || s > 'D' {
		return 0, false
	}
	pos++
	if pos < len(text) && isWord(text[pos]) {
		return 0, false
	}
	return pos, true
}

func ninoPrefix(a, b byte) bool {
	switch a {
	case 'D', 'F', 'I', 'Q', 'U', 'V':
		return false
	}
	switch b {
	case 'D', 'F', 'I', 'O', 'Q', 'U', 'V':
		return false
	}
	for _, p := range [...][2]byte{{'B', 'G'}, {'G', 'B'}, {'K', 'N'}, {'N', 'K'}, {'N', 'T'}, {'T', 'N'}, {'Z', 'Z'}} {
		if p == [2]byte{a, b} {
			return false
		}
	}
	return true
}
