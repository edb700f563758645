package pii

import (
	"encoding/binary"
	"math/bits"
)

// keccak256 returns the Keccak-256 hash of msg, as Ethereum computes it:
// the original Keccak padding (0x01), not the SHA3-256 one (0x06). The
// standard library has SHA3 but not this variant.
func keccak256(msg []byte) [32]byte {
	const rate = 136
	var a [25]uint64
	var block [rate]byte
	for len(msg) >= rate {
		absorb(&a, msg[:rate])
		msg = msg[rate:]
	}
	n := copy(block[:], msg)
	block[n] ^= 0x01
	block[rate-1] ^= 0x80
	absorb(&a, block[:])
	var out [32]byte
	for k := range 4 {
		binary.LittleEndian.PutUint64(out[8*k:], a[k])
	}
	return out
}

func absorb(a *[25]uint64, block []byte) {
	for k := range len(block) / 8 {
		a[k] ^= binary.LittleEndian.Uint64(block[8*k:])
	}
	keccakF(a)
}

// keccakF is the Keccak-f[1600] permutation.
func keccakF(a *[25]uint64) {
	roundConstants := [24]uint64{
		0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
		0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
		0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
		0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
		0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
		0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
	}
	// The rho rotations and the pi lane order, walked together.
	rotations := [24]int{1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44}
	lanes := [24]int{10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1}
	var c [5]uint64
	for _, rc := range roundConstants {
		// theta
		for x := range 5 {
			c[x] = a[x] ^ a[x+5] ^ a[x+10] ^ a[x+15] ^ a[x+20]
		}
		for x := range 5 {
			d := c[(x+4)%5] ^ bits.RotateLeft64(c[(x+1)%5], 1)
			for y := 0; y < 25; y += 5 {
				a[y+x] ^= d
			}
		}
		// rho and pi
		t := a[1]
		for k, j := range lanes {
			t, a[j] = a[j], bits.RotateLeft64(t, rotations[k])
		}
		// chi
		for y := 0; y < 25; y += 5 {
			copy(c[:], a[y:y+5])
			for x := range 5 {
				a[y+x] = c[x] ^ ^c[(x+1)%5]&c[(x+2)%5]
			}
		}
		// iota
		a[0] ^= rc
	}
}
