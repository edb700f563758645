package pii_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/pii"
)

// found is a match as the tests state it: the id and the matched text.
// The offsets are checked against the first occurrence of the text.
type found struct {
	id, text string
}

const (
	email  = pii.FindingEmail
	phone  = pii.FindingPhone
	ssn    = pii.FindingUSSSN
	card   = pii.FindingCreditCard
	iban   = pii.FindingIBAN
	nino   = pii.FindingUKNINO
	wallet = pii.FindingCryptoWallet
)

// scanCases are texts with the personal data each holds, and why.
var scanCases = []struct {
	name, text string
	want       []found
	why        string
}{
	// Email addresses.
	{"email", "contact jane.doe@mail.co.uk today", []found{{email, "jane.doe@mail.co.uk"}}, "a ccTLD under a second level"},
	{"email upper", "JOHN.SMITH@ACME.COM", []found{{email, "JOHN.SMITH@ACME.COM"}}, "case does not matter"},
	{"email tag", "<bob+news@gmail.com>", []found{{email, "bob+news@gmail.com"}}, "plus tags are in the local part"},
	{"email sentence", "write to ann@company.org.", []found{{email, "ann@company.org"}}, "a final dot ends the sentence"},
	{"email mailto", "mailto:ann@company.org?subject=hi", []found{{email, "ann@company.org"}}, "mailto: is not in the address"},
	{"email query", "https://api.shop.io/users?email=kim@startup.dev&x=1", []found{{email, "kim@startup.dev"}}, "an address in a URL query"},
	{"email idn", "hans@müller.xn--p1ai", nil, "a non-ASCII label is not read"},
	{"localhost", "user@localhost", nil, "a single-label host"},
	{"retina image", "icon@2x.png", nil, "png is no top-level domain"},
	{"npm version", "npm i lodash@4.17.21", nil, "a package version"},
	{"scp remote", "git clone git@github.com:agentward/ward.git", nil, "an scp-style remote"},
	{"url user", "https://deploy@registry.company.com/v2/", nil, "the user of a URL"},
	{"url password", "https://deploy:hunter2@registry.company.com/v2/", nil, "the user and password of a URL"},
	{"example domain", "alice@example.com, bob@mail.example.org", nil, "domains reserved for documentation"},
	{"no tld", "my email is info@ward.", nil, "no top-level domain"},
	{"matmul", "y = x@w.shape", nil, "shape is no top-level domain"},
	{"decorator", "@dataclass\nclass A: pass", nil, "no local part"},
	{"double dot", "x..y@mail.com", nil, "a local part with two dots in a row"},
	{"docker digest", "alpine@sha256:0123abcd", nil, "an image digest"},

	// Phone numbers.
	{"e164", "call +14155552671 now", []found{{phone, "+14155552671"}}, "E.164 without separators"},
	{"e164 us", "+1 (415) 555-2671", []found{{phone, "+1 (415) 555-2671"}}, "E.164 with a parenthesized area code"},
	{"e164 uk", "+44 20 7946 0958", []found{{phone, "+44 20 7946 0958"}}, "E.164 UK"},
	{"e164 uk trunk", "+44 (0)20 7946 0958", []found{{phone, "+44 (0)20 7946 0958"}}, "E.164 with the (0) trunk prefix"},
	{"e164 de", "Tel. +49 30 12345678", []found{{phone, "+49 30 12345678"}}, "E.164 DE"},
	{"e164 fr", "+33 1 23 45 67 89", []found{{phone, "+33 1 23 45 67 89"}}, "E.164 FR"},
	{"e164 in", "+91-98765-43210", []found{{phone, "+91-98765-43210"}}, "E.164 IN with dashes"},
	{"tel uri", "tel:+14155552671", []found{{phone, "+14155552671"}}, "a tel: URI"},
	{"us parens", "(415) 555-2671", []found{{phone, "(415) 555-2671"}}, "US with parentheses"},
	{"us dashes", "415-555-2671", []found{{phone, "415-555-2671"}}, "US with dashes"},
	{"us dots", "415.555.2671", []found{{phone, "415.555.2671"}}, "US with dots"},
	{"us toll free", "1-800-555-0199", []found{{phone, "1-800-555-0199"}}, "US with the country code"},
	{"uk national", "ring 020 7946 0958", []found{{phone, "020 7946 0958"}}, "UK trunk prefix"},
	{"uk mobile", "07700 900123", []found{{phone, "07700 900123"}}, "UK mobile"},
	{"de national", "030/12345678", []found{{phone, "030/12345678"}}, "DE with a slash"},
	{"de national groups", "030 123 4567", []found{{phone, "030 123 4567"}}, "trunk prefix in 3-3-4"},
	{"fr national", "01 23 45 67 89", []found{{phone, "01 23 45 67 89"}}, "FR in pairs"},
	{"in mobile", "98765 43210", []found{{phone, "98765 43210"}}, "Indian mobile"},
	{"intl prefix", "0049 30 12345678", []found{{phone, "0049 30 12345678"}}, "00 and a country code"},
	{"unix time", "ts=1700000000", nil, "a timestamp"},
	{"plain digits", "4155552671", nil, "digits without separators"},
	{"datetime", "2024-01-15 12:30:45.123456", nil, "a date and time"},
	{"date dots", "am 01.02.2024 um 10:00", nil, "a German date"},
	{"version", "Windows 10.0.19041.1234, go1.26.8, v1.2.3", nil, "version strings"},
	{"ipv4", "192.168.100.200 and 10.0.0.1", nil, "IP addresses are not personal data here"},
	{"ipv6", "2001:db8::1 fe80::1%eth0", nil, "IP addresses are not personal data here"},
	{"us bad exchange", "415-155-2671", nil, "a US exchange code cannot start with 1"},
	{"tz offset", "+05:30", nil, "a time-zone offset"},
	{"exponent", "1e+10", nil, "an exponent"},
	{"short intl", "+12 34 56", nil, "too few digits"},
	{"grouped tail", "ref 12AB 0794 0102 8494", nil, "the tail of a code written in groups"},
	{"hex dump", "0000160 06 40 00 06 00 f9 ff", nil, "a hex dump"},
	{"code points", "00CC; 0069 0307 0300; 00CC", nil, "groups of four are how codes are written"},
	{"range", "uids 60000-64999", nil, "a range"},
	{"ipv4 zeros", "010.000.015.001", nil, "an IPv4 address with leading zeros"},
	{"zone and year", "Thu Feb 04 21:00:57 +1130 2010", nil, "a time-zone offset and a year"},
	{"signed decimal", "m=+123.456789000", nil, "a signed decimal"},
	{"signed int", "x = +123456789", nil, "nine digits after a plus are a signed number"},
	{"bits", "01110/11110", nil, "a string of bits"},
	{"decimal", "0.0123456789", nil, "a decimal"},
	{"nanp intl", "+1 415 155 2671", nil, "a North American exchange code cannot start with 1"},
	{"nanp length", "+1 415 555 26712", nil, "a North American number has ten digits"},

	// US social security numbers.
	{"ssn", "SSN 536-22-1234", []found{{ssn, "536-22-1234"}}, "dashes"},
	{"ssn spaces", "536 22 1234", []found{{ssn, "536 22 1234"}}, "spaces"},
	{"ssn context", "ssn: 536221234", []found{{ssn, "536221234"}}, "nine digits after a keyword"},
	{"ssn context long", "Social Security Number 536221234", []found{{ssn, "536221234"}}, "nine digits after a keyword"},
	{"ssn no context", "536221234", nil, "nine digits alone are any number"},
	{"ssn keyword in word", "classname 536221234", nil, "ssn inside a word is no keyword"},
	{"ssn area 000", "000-12-3456", nil, "area 000"},
	{"ssn area 666", "666-12-3456", nil, "area 666"},
	{"ssn area 9xx", "900-12-3456", nil, "areas 900-999"},
	{"ssn group 00", "536-00-1234", nil, "group 00"},
	{"ssn serial 0000", "536-22-0000", nil, "serial 0000"},
	{"ssn woolworth", "078-05-1120", nil, "the Woolworth wallet card"},
	{"ssn sequence", "123-45-6789", nil, "the sample number"},
	{"ssn repeated", "111-11-1111", nil, "one digit repeated"},
	{"ssn mixed separators", "536-22 1234", nil, "one separator is used throughout"},
	{"ssn longer", "2536-22-12345", nil, "part of a longer number"},

	// Payment cards.
	{"visa spaced", "card 4111 1111 1111 1111 exp", []found{{card, "4111 1111 1111 1111"}}, "Visa in groups"},
	{"visa dashed", "4111-1111-1111-1111", []found{{card, "4111-1111-1111-1111"}}, "Visa with dashes"},
	{"visa plain", `{"pan":"4111111111111111"}`, []found{{card, "4111111111111111"}}, "Visa in JSON"},
	{"visa 13", "4222222222222", []found{{card, "4222222222222"}}, "a 13-digit Visa"},
	{"mastercard", "5555 5555 5555 4444", []found{{card, "5555 5555 5555 4444"}}, "Mastercard 51-55"},
	{"mastercard 2", "2223003122003222", []found{{card, "2223003122003222"}}, "Mastercard 2221-2720"},
	{"amex", "3782 822463 10005", []found{{card, "3782 822463 10005"}}, "Amex in 4-6-5"},
	{"amex plain", "378282246310005", []found{{card, "378282246310005"}}, "Amex"},
	{"discover", "6011 1111 1111 1117", []found{{card, "6011 1111 1111 1117"}}, "Discover"},
	{"jcb", "3530111333300000", []found{{card, "3530111333300000"}}, "JCB"},
	{"diners", "3622 720627 1667", []found{{card, "3622 720627 1667"}}, "Diners in 4-6-4"},
	{"diners plain", "38520000023237", []found{{card, "38520000023237"}}, "Diners"},
	{"unionpay", "6200000000000005", []found{{card, "6200000000000005"}}, "UnionPay"},
	{"maestro", "5018000000000009", []found{{card, "5018000000000009"}}, "Maestro"},
	{"card and expiry", "4111 1111 1111 1111 12/26", []found{{card, "4111 1111 1111 1111"}}, "an expiry date after the number"},
	{"bad luhn", "4111 1111 1111 1112", nil, "the Luhn check fails"},
	{"no issuer", "1234567812345670", nil, "Luhn-valid but no issuer starts with 1"},
	{"zeros", "0000 0000 0000 0000", nil, "no issuer starts with 0"},
	{"visa wrong length", "411111111111111111110", nil, "21 digits"},
	{"too many groups", "4111-1111-1111-1111-1111", nil, "five dashed groups of four"},
	{"mastercard length", "555555555555444", nil, "Mastercard has 16 digits"},
	{"nanoseconds", "1700000000000000000", nil, "a timestamp in nanoseconds"},
	{"visa 19 plain", "4111111111111111110", nil, "17 to 19 digits written together are ids, not cards"},
	{"visa 19 grouped", "4111 1111 1111 1111 110", []found{{card, "4111 1111 1111 1111 110"}}, "a 19-digit Visa in groups"},
	{"negative", "x := -4111111111111111", nil, "a negative number"},
	{"after a number", "SSN 536-22-1234 4111 1111 1111 1111", []found{{ssn, "536-22-1234"}, {card, "4111 1111 1111 1111"}}, "a number before is no group of a longer code"},
	{"after a group", "acct 12 4111 1111 1111 1111", nil, "the tail of a longer number in groups"},
	{"in hex", "a4111111111111111f", nil, "inside a hex string"},
	{"order number", "order 4111-2222-3333", nil, "twelve digits"},
	{"uuid", "550e8400-e29b-41d4-a716-446655440000", nil, "a UUID"},

	// IBANs.
	{"iban gb", "IBAN: GB82 WEST 1234 5698 7654 32", []found{{iban, "GB82 WEST 1234 5698 7654 32"}}, "in groups of four"},
	{"iban gb plain", "GB82WEST12345698765432", []found{{iban, "GB82WEST12345698765432"}}, "written together"},
	{"iban de", "DE89 3704 0044 0532 0130 00", []found{{iban, "DE89 3704 0044 0532 0130 00"}}, "Germany"},
	{"iban fr", "FR14 2004 1010 0505 0001 3M02 606", []found{{iban, "FR14 2004 1010 0505 0001 3M02 606"}}, "France, letters in the BBAN"},
	{"iban ch", "CH93 0076 2011 6238 5295 7.", []found{{iban, "CH93 0076 2011 6238 5295 7"}}, "Switzerland"},
	{"iban full groups", "BE68 5390 0754 7034 then", []found{{iban, "BE68 5390 0754 7034"}}, "the length says where it ends"},
	{"iban no", "NO93 8601 1117 947", []found{{iban, "NO93 8601 1117 947"}}, "the shortest IBAN"},
	{"iban bad checksum", "GB82 WEST 1234 5698 7654 33", nil, "mod 97 is not 1"},
	{"iban short", "GB82 WEST 1234 5698 7654 3", nil, "one character short"},
	{"iban long", "DE89370400440532013000123", nil, "three characters too many"},
	{"iban country", "XY82WEST12345698765432", nil, "no such country"},
	{"iban lower", "gb82west12345698765432", nil, "IBANs are in capitals"},
	{"iban groups", "GB82 WEST 123 45698 7654 32", nil, "groups of four"},

	// UK National Insurance numbers.
	{"nino spaced", "NI number: JT 49 37 22 B", []found{{nino, "JT 49 37 22 B"}}, "in pairs"},
	{"nino plain", "AB123456C", []found{{nino, "AB123456C"}}, "written together"},
	{"nino lower", "ab123456c", []found{{nino, "ab123456c"}}, "all in lower case"},
	{"nino mixed", "JT 493722 B", []found{{nino, "JT 493722 B"}}, "six digits together"},
	{"nino first D", "DA123456C", nil, "D is no first letter"},
	{"nino first Q", "QQ123456C", nil, "Q is no first letter"},
	{"nino second O", "AO123456C", nil, "O is no second letter"},
	{"nino GB", "GB123456A", nil, "GB is not issued"},
	{"nino NT", "NT 12 34 56 A", nil, "NT is not issued"},
	{"nino ZZ", "ZZ123456A", nil, "ZZ is not issued"},
	{"nino suffix", "AB123456E", nil, "the suffix is A to D"},
	{"nino case", "Ab123456C", nil, "one case throughout"},
	{"nino digits", "AB1234567C", nil, "seven digits"},
	{"nino word", "XAB123456C", nil, "part of a longer word"},

	// Crypto wallets.
	{"btc p2pkh", "send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", []found{{wallet, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"}}, "base58check, version 0"},
	{"btc p2sh", "3QBLekAPoR35Q288zfACxT7w2xTf2pyYtH", []found{{wallet, "3QBLekAPoR35Q288zfACxT7w2xTf2pyYtH"}}, "base58check, version 5"},
	{"btc bech32", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", []found{{wallet, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"}}, "segwit v0, BIP 173"},
	{"btc bech32 upper", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", []found{{wallet, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"}}, "segwit in capitals"},
	{"btc p2wsh", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", []found{{wallet, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"}}, "segwit v0, 32-byte program"},
	{"btc taproot", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", []found{{wallet, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"}}, "segwit v1, bech32m, BIP 350"},
	{"eth checksum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", []found{{wallet, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}}, "a valid EIP-55 checksum"},
	{"eth lower", "to: 0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359", []found{{wallet, "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"}}, "one case carries no checksum"},
	{"btc bad checksum", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", nil, "base58check fails"},
	{"btc testnet", "n2gAwoYZ7YmLDYFrAtcD7C3K9vx2up5P4T", nil, "a testnet address"},
	{"bech32 bad checksum", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", nil, "bech32 checksum fails"},
	{"bech32 mixed case", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3T4", nil, "bech32 is in one case"},
	{"eth bad checksum", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", nil, "EIP-55 checksum fails"},
	{"eth zero", "0x0000000000000000000000000000000000000000", nil, "the zero address"},
	{"eth constant", "0xffffffffffffffffffffffffffffffff00000001", nil, "a constant, not a hash"},
	{"eth vanity", "0x000000000000Ad05Ccc4F10045630fb830B95127", []found{{wallet, "0x000000000000Ad05Ccc4F10045630fb830B95127"}}, "a vanity address with a checksum"},
	{"tx hash", "0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b", nil, "a 64-digit hash"},
	{"eth short", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d35", nil, "39 digits"},
	{"git sha", "commit da39a3ee5e6b4b0d3255bfef95601890afd80709", nil, "a SHA-1 without 0x"},
	{"eth underscore", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359_v2", nil, "part of an identifier"},

	// Several in one text.
	{"mixed", "Name: Ann, ann@company.org, +44 20 7946 0958, SSN 536-22-1234, card 4111 1111 1111 1111.",
		[]found{{email, "ann@company.org"}, {phone, "+44 20 7946 0958"}, {ssn, "536-22-1234"}, {card, "4111 1111 1111 1111"}},
		"in order of offset"},
	{"prose", "The build took 12.5 s on 2024-06-01; see issue #4521 and PR 1234.", nil, "ordinary text"},
}

func TestScan(t *testing.T) {
	t.Parallel()
	s := pii.New()
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := s.Scan(tc.text)
			var want []pii.Match
			for _, f := range tc.want {
				start := strings.Index(tc.text, f.text)
				if start < 0 {
					t.Fatalf("bad case: %q not in text", f.text)
				}
				want = append(want, pii.Match{ID: f.id, Start: start, End: start + len(f.text)})
			}
			if !sameSpans(got, want) {
				t.Errorf("Scan(%q) (%s)\n got  %s\n want %s", tc.text, tc.why, spans(tc.text, got), spans(tc.text, want))
			}
			for _, m := range got {
				checkPreview(t, tc.text, m)
			}
		})
	}
}

func sameSpans(got, want []pii.Match) bool {
	return slices.EqualFunc(got, want, func(g, w pii.Match) bool {
		return g.ID == w.ID && g.Start == w.Start && g.End == w.End
	})
}

func spans(text string, ms []pii.Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%s[%d:%d]%q ", m.ID, m.Start, m.End, text[m.Start:m.End])
	}
	return b.String()
}

// checkPreview checks that a preview hides the value: it has an
// ellipsis, and neither the matched text nor its digits and letters
// appear in it.
func checkPreview(t *testing.T, text string, m pii.Match) {
	t.Helper()
	v := text[m.Start:m.End]
	core := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -./()", r) {
			return -1
		}
		return r
	}, v)
	if !strings.Contains(m.Preview, "…") || strings.Contains(m.Preview, v) || strings.Contains(m.Preview, core) {
		t.Errorf("preview %q of %q shows the value", m.Preview, v)
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"4111 1111 1111 1111", "4111…1111"},
		{"378282246310005", "378…0005"},
		{"GB82 WEST 1234 5698 7654 32", "GB82…5432"},
		{"SSN 536-22-1234", "…1234"},
		{"+44 20 7946 0958", "…0958"},
		{"AB 12 34 56 C", "AB…C"},
		{"jane.doe@mail.co.uk", "j…@mail.co.uk"},
		{"al@mail.co.uk", "…@mail.co.uk"},
		{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1z…vfNa"},
	} {
		got := pii.New().Scan(tc.text)
		if len(got) != 1 || got[0].Preview != tc.want {
			t.Errorf("Scan(%q) = %v, want preview %q", tc.text, got, tc.want)
		}
	}
}

func TestSeverity(t *testing.T) {
	t.Parallel()
	got := pii.New().Scan("SSN 536-22-1234 ann@company.org")
	if len(got) != 2 || got[0].Severity != event.High || got[1].Severity != event.Low {
		t.Errorf("got %v", got)
	}
}

func TestMaxMatches(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "user%d@company.org\n", i)
	}
	got := pii.New().Scan(b.String())
	if len(got) != pii.MaxMatches {
		t.Fatalf("got %d matches, want %d", len(got), pii.MaxMatches)
	}
	last := got[len(got)-1]
	if want := fmt.Sprintf("user%d@company.org", pii.MaxMatches-1); b.String()[last.Start:last.End] != want {
		t.Errorf("last match %q, want %q: the first matches must be kept", b.String()[last.Start:last.End], want)
	}
}

// TestOverlap checks that of overlapping candidates the more strongly
// validated one is kept.
func TestOverlap(t *testing.T) {
	t.Parallel()
	// The digits of a card also make a phone number after a plus sign;
	// the card is not a token of its own there, so only the phone is seen.
	text := "+4111111111111111"
	got := pii.New().Scan(text)
	if len(got) != 0 {
		t.Errorf("Scan(%q) = %v, want none: 16 digits are too many for E.164", text, got)
	}
	text = "ann@company.org4111111111111111"
	if got := pii.New().Scan(text); len(got) != 0 {
		t.Errorf("Scan(%q) = %v, want none: the TLD runs into digits", text, got)
	}
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	s := pii.New()
	specs := s.Catalog()
	ids := map[string]bool{}
	for _, sp := range specs {
		if ids[sp.ID] || !strings.HasPrefix(sp.ID, "pii.") || sp.Doc == "" || sp.Severity < event.Info || sp.Severity > event.Critical {
			t.Errorf("bad spec %+v", sp)
		}
		ids[sp.ID] = true
	}
	for _, id := range []string{email, phone, ssn, card, iban, nino, wallet} {
		if !ids[id] {
			t.Errorf("%s missing from the catalog", id)
		}
	}
	for _, tc := range scanCases {
		for _, m := range s.Scan(tc.text) {
			if !ids[m.ID] {
				t.Errorf("%s not in the catalog", m.ID)
			}
			for _, sp := range specs {
				if sp.ID == m.ID && sp.Severity != m.Severity {
					t.Errorf("%s: severity %v, catalog says %v", m.ID, m.Severity, sp.Severity)
				}
			}
		}
	}
}
