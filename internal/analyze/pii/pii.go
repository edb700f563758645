package pii

import (
	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze"
)

// Finding ids the scanner emits. They are stable: policies match them.
const (
	FindingEmail        = "pii.email"
	FindingPhone        = "pii.phone"
	FindingUSSSN        = "pii.us_ssn"
	FindingCreditCard   = "pii.credit_card"
	FindingIBAN         = "pii.iban"
	FindingUKNINO       = "pii.uk_nino"
	FindingCryptoWallet = "pii.crypto_wallet"
)

// MaxMatches bounds the matches one Scan returns.
const MaxMatches = analyze.MaxFindings

// Match is personal data found in text.
type Match struct {
	ID       string         // finding id, one of the Finding constants
	Severity event.Severity // how sensitive the data is
	Start    int            // byte offset in the text of the first byte
	End      int            // byte offset just past the last byte
	Preview  string         // a redacted preview, safe to log, e.g. "4111…1111"
}

// Scanner finds personal data in text. It holds no state and is safe
// for concurrent use; its zero value is ready to use.
type Scanner struct{}

// New returns a Scanner. It is free: the scanner's tables are constants,
// and it compiles nothing.
func New() *Scanner {
	return &Scanner{}
}

// kind is a kind of personal data; each has its own detector.
type kind uint8

const (
	kindEmail kind = iota
	kindPhone
	kindSSN
	kindCard
	kindIBAN
	kindNINO
	kindCrypto
	numKinds
)

// spec describes a kind. rank decides which of two overlapping matches
// is kept: the one with the stronger validation.
func (k kind) spec() (id string, sev event.Severity, rank int, doc string) {
	switch k {
	case kindEmail:
		return FindingEmail, event.Low, 2,
			"an email address with a registered top-level domain (reserved example domains excluded)"
	case kindPhone:
		return FindingPhone, event.Low, 1,
			"a phone number in E.164 (+CC ...) or a separated national format (US, UK, DE, FR, IN)"
	case kindSSN:
		return FindingUSSSN, event.High, 4,
			"a US social security number in valid ranges, separated or as 9 digits next to an SSN keyword"
	case kindCard:
		return FindingCreditCard, event.High, 5,
			"a payment card number with a known issuer prefix and length and a valid Luhn check digit"
	case kindIBAN:
		return FindingIBAN, event.Medium, 5,
			"an IBAN with the length of its country and a valid mod-97 checksum"
	case kindNINO:
		return FindingUKNINO, event.High, 4,
			"a UK National Insurance number with an HMRC-valid prefix and an A-D suffix"
	case kindCrypto:
		return FindingCryptoWallet, event.Low, 3,
			"a Bitcoin (base58check or bech32/bech32m) or Ethereum address with a valid checksum"
	}
	return "", 0, 0, ""
}

// Catalog lists the findings the scanner can emit.
func (s *Scanner) Catalog() []analyze.FindingSpec {
	out := make([]analyze.FindingSpec, 0, numKinds)
	for k := range numKinds {
		id, sev, _, doc := k.spec()
		out = append(out, analyze.FindingSpec{ID: id, Severity: sev, Doc: doc})
	}
	return out
}

// span is a validated candidate of one kind.
type span struct {
	kind       kind
	start, end int
}

// next returns the first validated candidate of kind k that starts at or
// after from. Each detector reports its own candidates in order of start
// and without overlap.
func next(k kind, text string, from int) (span, bool) {
	var start, end int
	var ok bool
	switch k {
	case kindEmail:
		start, end, ok = nextEmail(text, from)
	case kindPhone:
		start, end, ok = nextPhone(text, from)
	case kindSSN:
		start, end, ok = nextSSN(text, from)
	case kindCard:
		start, end, ok = nextCard(text, from)
	case kindIBAN:
		start, end, ok = nextIBAN(text, from)
	case kindNINO:
		start, end, ok = nextNINO(text, from)
	case kindCrypto:
		start, end, ok = nextCrypto(text, from)
	}
	return span{k, start, end}, ok
}

// Scan returns the personal data in text, sorted by Start. Overlapping
// candidates are resolved in favour of the more strongly validated kind,
// then the longer one. At most MaxMatches are returned; the scan stops
// once they are found. Its time is linear in len(text).
func (s *Scanner) Scan(text string) []Match {
	const limit = MaxMatches
	// Merge the detectors' ordered streams.
	var heads [numKinds]span
	var live [numKinds]bool
	for k := range numKinds {
		heads[k], live[k] = next(k, text, 0)
	}
	var kept []span
	for {
		best := -1
		for k := range numKinds {
			if live[k] && (best < 0 || heads[k].start < heads[best].start) {
				best = int(k)
			}
		}
		if best < 0 {
			break
		}
		c := heads[best]
		if len(kept) == limit && c.start >= kept[limit-1].end {
			break
		}
		heads[best], live[best] = next(c.kind, text, c.end)
		if n := len(kept); n > 0 && c.start < kept[n-1].end {
			if better(c, kept[n-1]) {
				kept[n-1] = c
			}
			continue
		}
		if len(kept) < limit {
			kept = append(kept, c)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	out := make([]Match, len(kept))
	for i, c := range kept {
		id, sev, _, _ := c.kind.spec()
		out[i] = Match{ID: id, Severity: sev, Start: c.start, End: c.end,
			Preview: preview(c.kind, text[c.start:c.end])}
	}
	return out
}

// better reports whether a should replace b, which it overlaps.
func better(a, b span) bool {
	_, _, ra, _ := a.kind.spec()
	_, _, rb, _ := b.kind.spec()
	if ra != rb {
		return ra > rb
	}
	return a.end-a.start > b.end-b.start
}
