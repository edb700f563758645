package pii

import "strings"

// nextEmail finds email addresses: a local part of letters, digits and
// . _ % + -, an @, and a domain of at least two labels whose top-level
// domain is a registered one (any country code, or a generic one of
// genericTLDs). Not email addresses here: user@localhost and other
// single-label hosts; names under the domains reserved for documentation
// and tests (example.com, example.net, example.org, .example, .test,
// .invalid, .localhost); scp-style remotes such as git@github.com:org/repo;
// the user of a URL (https://user@host/); package@1.2.3 and icon@2x.png,
// which have no registered top-level domain.
func nextEmail(text string, from int) (start, end int, ok bool) {
	for k := from; k < len(text); {
		n := strings.IndexByte(text[k:], '@')
		if n < 0 {
			break
		}
		at := k + n
		k = at + 1
		if s, e, ok := email(text, at, max(from, at-64)); ok {
			return s, e, true
		}
	}
	return 0, 0, false
}

func isLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isLabel(c byte) bool { return isAlnum(c) || c == '-' }

// email matches the address around the @ at at, whose local part starts
// at or after low.
func email(text string, at, low int) (start, end int, ok bool) {
	s := at
	for s > low && isLocal(text[s-1]) {
		s--
	}
	if s > 0 && isLocal(text[s-1]) {
		return 0, 0, false // longer than 64 bytes, or joined to an earlier match
	}
	for s < at && text[s] == '.' {
		s++
	}
	local := text[s:at]
	if local == "" || local[len(local)-1] == '.' || strings.Contains(local, "..") || userinfo(text, s) {
		return 0, 0, false
	}
	// The domain: labels separated by dots; a final dot ends a sentence.
	e, labels, tld := at+1, 0, 0
	for {
		l := e
		for e < len(text) && isLabel(text[e]) {
			e++
		}
		if e-l == 0 || e-l > 63 || text[l] == '-' || text[e-1] == '-' {
			return 0, 0, false
		}
		labels, tld = labels+1, l
		if e+1 < len(text) && text[e] == '.' && isLabel(text[e+1]) {
			e++
			continue
		}
		break
	}
	if labels < 2 || e-at-1 > 253 {
		return 0, 0, false
	}
	if e < len(text) {
		switch c := text[e]; {
		case c == '_' || c == '@':
			return 0, 0, false
		case c == ':' && e+1 < len(text) && text[e+1] > ' ':
			return 0, 0, false // user@host:path, user@host:port
		}
	}
	domain := strings.ToLower(text[at+1 : e])
	if !registeredTLD(domain[tld-at-1:]) || reserved(domain) {
		return 0, 0, false
	}
	return s, e, true
}

// userinfo reports whether the local part that starts at s is the user
// of a URL, as in https://user@host or https://user:password@host.
func userinfo(text string, s int) bool {
	if s > 0 && text[s-1] == ':' {
		s--
		for s > 0 && isLocal(text[s-1]) {
			s--
		}
	}
	return s >= 2 && text[s-2:s] == "//"
}

// reserved reports whether domain, in lower case, is reserved for
// documentation or tests (RFC 2606, RFC 6761), so that no one's address
// can be in it.
func reserved(domain string) bool {
	for _, r := range []string{"example.com", "example.net", "example.org"} {
		if domain == r || strings.HasSuffix(domain, "."+r) {
			return true
		}
	}
	return false
}

// countryTLDs lists the two-letter country-code top-level domains.
const countryTLDs = "" +
	"acadaeafagaialamaoaqarasatauawaxazbabbbdbebfbgbhbibjbmbnbobqbrbsbtbwbybz" +
	"cacccdcfcgchcickclcmcncocrcucvcwcxcyczdedjdkdmdodzeceeegereseteufifjfkfmfo" +
	"frgagbgdgegfggghgiglgmgngpgqgrgsgtgugwgyhkhmhnhrhthuidieilimioiqirisitje" +
	"jmjojpkekgkhkikmknkpkrkwkykzlalblclilklrlsltlulvlymamcmdmemgmhmkmlmmmnmo" +
	"mpmqmrmsmtmumvmwmxmymznancnenfngninlnonpnrnunzompapepfpgphpkplpmpnprpspt" +
	"pwpyqarerorsrurwsasbscsdsesgshsiskslsmsnsosrssstsusvsxsysztctdtftgthtjtktl" +
	"tmtntotrtttvtwtzuaugukusuyuzvavcvevgvivnvuwfwsyeytzazmzw"

// genericTLDs lists the generic top-level domains people have addresses
// under, between bars.
const genericTLDs = "|com|org|net|edu|gov|mil|int|info|biz|name|pro|mobi|aero|coop|museum" +
	"|jobs|travel|tel|asia|cat|post|app|dev|cloud|tech|online|site|xyz|email|mail" +
	"|shop|store|blog|page|live|news|media|agency|digital|solutions|services|company" +
	"|group|team|world|today|life|space|website|studio|design|network|systems" +
	"|software|academy|center|consulting|expert|global|guru|ltd|llc|inc|club|fun" +
	"|top|icu|vip|work|one|art|law|health|care|bank|finance|capital|family|love" +
	"|photo|photography|music|band|events|social|chat|link|click|host|press|run" +
	"|zone|works|tools|tips|support|school|university|college|institute" +
	"|church|foundation|charity|ngo|gmbh|berlin|london|nyc|paris|tokyo|wien|swiss" +
	"|eus|scot|wales|cymru|bzh|quebec|amsterdam|brussels|hamburg|koeln|bayern" +
	"|google|apple|microsoft|amazon|yahoo|icloud|gmail|ninja|rocks|land" +
	"|city|red|blue|pink|black|green|gold|plus|partners|legal|realty|properties" +
	"|estate|house|homes|farm|garden|fashion|fitness|coach|training|education" +
	"|energy|solar|engineering|technology|computer|marketing|ventures|fund" +
	"|money|tax|accountant|insurance|doctor|dental|clinic|hospital|pharmacy|vet|"

// registeredTLD reports whether tld, in lower case, is a top-level domain
// people have mail under.
func registeredTLD(tld string) bool {
	switch {
	case len(tld) == 2:
		for k := 0; k+2 <= len(countryTLDs); k += 2 {
			if countryTLDs[k:k+2] == tld {
				return true
			}
		}
		return false
	case strings.HasPrefix(tld, "xn--"): // internationalized
		return len(tld) > 4
	}
	for off := 0; ; {
		k := strings.Index(genericTLDs[off:], tld)
		if k < 0 {
			return false
		}
		k += off
		if genericTLDs[k-1] == '|' && genericTLDs[k+len(tld)] == '|' {
			return true
		}
		off = k + 1
	}
}
