package pii

import (
	"crypto/sha256"
	"strings"
)

// nextCrypto finds crypto wallet addresses: Bitcoin P2PKH (1...) and
// P2SH (3...) addresses in base58check, Bitcoin bech32 and bech32m
// (bc1...) segwit addresses, and Ethereum addresses (0x and 40 hex
// digits). Every kind is checked against its checksum; an Ethereum
// address carries one only in its mixed case (EIP-55), so one in a single
// case is taken as it is, unless it is a constant such as the zero
// address.
func nextCrypto(text string, from int) (start, end int, ok bool) {
	for i := from; i < len(text); i++ {
		c := text[i]
		if c != '1' && c != '3' && c|0x20 != 'b' && c != '0' || !tokenStart(text, i) {
			continue
		}
		e := i + 1
		for e < len(text) && isAlnum(text[e]) {
			e++
		}
		if e == len(text) || text[e] != '_' {
			s := text[i:e]
			switch {
			case c == '1' || c == '3':
				ok = len(s) >= 26 && len(s) <= 35 && base58Check(s)
			case c == '0':
				ok = len(s) == 42 && s[1]|0x20 == 'x' && ethAddress(s[2:])
			default:
				ok = len(s) >= 14 && s[1]|0x20 == 'c' && s[2] == '1' && segwit(s)
			}
			if ok {
				return i, e, true
			}
		}
		i = e - 1
	}
	return 0, 0, false
}

func isHex(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Check reports whether s, base58 digits, is a Bitcoin P2PKH or
// P2SH address: 25 bytes, version 0 or 5, and the first four bytes of the
// double SHA-256 of the rest as a checksum.
func base58Check(s string) bool {
	var b [25]byte
	for k := range len(s) {
		carry := strings.IndexByte(base58Alphabet, s[k])
		if carry < 0 {
			return false
		}
		for j := len(b) - 1; j >= 0; j-- {
			carry += 58 * int(b[j])
			b[j] = byte(carry)
			carry >>= 8
		}
		if carry != 0 {
			return false
		}
	}
	// Each leading 1 stands for one leading zero byte.
	ones := len(s) - len(strings.TrimLeft(s, "1"))
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	if ones != zeros || b[0] != 0 && b[0] != 5 {
		return false
	}
	h := sha256.Sum256(b[:21])
	h = sha256.Sum256(h[:])
	return string(h[:4]) == string(b[21:])
}

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// segwit reports whether s is a mainnet segwit address (BIP 173, BIP
// 350): "bc1" in one case, a witness version, a witness program of 2 to
// 40 bytes (20 or 32 for version 0) and a bech32 checksum for version 0
// or a bech32m one for later versions.
func segwit(s string) bool {
	if len(s) < 14 || len(s) > 90 {
		return false
	}
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return false
	}
	var data [87]byte
	n := 0
	for k := 3; k < len(s); k++ {
		v := strings.IndexByte(bech32Charset, s[k]|0x20)
		if v < 0 {
			return false
		}
		data[n] = byte(v)
		n++
	}
	// The checksum covers the expanded human-readable part "bc".
	chk := uint32(1)
	for _, v := range [...]byte{'b' >> 5, 'c' >> 5, 0, 'b' & 31, 'c' & 31} {
		chk = polymod(chk, v)
	}
	for _, v := range data[:n] {
		chk = polymod(chk, v)
	}
	version := data[0]
	bits := (n - 7) * 5 // the program, between the version and the checksum
	size := bits / 8
	if version > 16 || size < 2 || size > 40 || bits%8 >= 5 {
		return false
	}
	if pad := data[n-7] & (1<<(bits%8) - 1); pad != 0 {
		return false
	}
	if version == 0 {
		return chk == 1 && (size == 20 || size == 32)
	}
	return chk == 0x2bc830a3
}

// polymod adds the 5-bit value v to the bech32 checksum chk.
func polymod(chk uint32, v byte) uint32 {
	b := chk >> 25
	chk = (chk&0x1ffffff)<<5 ^ uint32(v)
	for k, g := range [...]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3} {
		if b>>k&1 != 0 {
			chk ^= g
		}
	}
	return chk
}

// ethAddress reports whether the 40 hex digits h are an Ethereum address
// worth reporting: in mixed case, a valid EIP-55 checksum; in any case,
// no run of 16 or more of one digit, which a hash does not make (the zero
// address, 0xffff...0001 constants); vanity addresses have fewer.
func ethAddress(h string) bool {
	run, longest := 0, 0
	for k := range len(h) {
		if k > 0 && h[k]|0x20 == h[k-1]|0x20 {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
	}
	if longest >= 16 {
		return false
	}
	lower, upper := false, false
	for k := range len(h) {
		if !isHex(h[k]) {
			return false
		}
		lower = lower || isLower(h[k])
		upper = upper || isUpper(h[k])
	}
	if !lower || !upper {
		return true
	}
	// EIP-55: a letter is a capital exactly when the matching nibble of
	// the Keccak-256 hash of the lower-case address is 8 or more.
	var buf [40]byte
	for k := range len(h) {
		buf[k] = h[k] | 0x20
		if isDigit(h[k]) {
			buf[k] = h[k]
		}
	}
	sum := keccak256(buf[:])
	for k := range len(h) {
		if !isAlpha(h[k]) {
			continue
		}
		nibble := sum[k/2] >> 4
		if k%2 == 1 {
			nibble = sum[k/2] & 0xf
		}
		if isUpper(h[k]) != (nibble >= 8) {
			return false
		}
	}
	return true
}
