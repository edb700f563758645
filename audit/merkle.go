package audit

import (
	"crypto/sha256"
	"fmt"
	"math/bits"
)

// Frontier is a Merkle tree (RFC 6962) reduced to what appending needs:
// the hashes of its perfect subtrees, largest first, one for each bit set
// in Size. Its Root is the tree hash golang.org/x/mod/sumdb/tlog computes
// for the same leaves.
type Frontier struct {
	Size   uint64 `json:"size"`
	Hashes []Hash `json:"hashes"`
}

// Add appends a leaf hash.
func (f *Frontier) Add(leaf Hash) {
	h := leaf
	// Each trailing one bit of Size is a subtree of the leaf's height
	// already complete on its left: merge it.
	for n := bits.TrailingZeros64(^f.Size); n > 0; n-- {
		last := len(f.Hashes) - 1
		h = nodeHash(f.Hashes[last], h)
		f.Hashes = f.Hashes[:last]
	}
	f.Hashes = append(f.Hashes, h)
	f.Size++
}

// Root returns the tree hash; the zero Hash for an empty tree.
func (f *Frontier) Root() Hash {
	if len(f.Hashes) == 0 {
		return Hash{}
	}
	h := f.Hashes[len(f.Hashes)-1]
	for i := len(f.Hashes) - 2; i >= 0; i-- {
		h = nodeHash(f.Hashes[i], h)
	}
	return h
}

// Valid reports whether the frontier has one hash per bit of its size.
func (f *Frontier) Valid() error {
	if bits.OnesCount64(f.Size) != len(f.Hashes) {
		return fmt.Errorf("audit: a tree of %d records has %d subtrees, not %d", f.Size, len(f.Hashes), bits.OnesCount64(f.Size))
	}
	return nil
}

// Clone returns a copy that does not share Hashes.
func (f Frontier) Clone() Frontier {
	f.Hashes = append([]Hash(nil), f.Hashes...)
	return f
}

func nodeHash(left, right Hash) Hash {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(left[:])
	h.Write(right[:])
	var out Hash
	h.Sum(out[:0])
	return out
}
