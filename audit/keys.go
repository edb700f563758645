package audit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
)

// Keys seal and sign a log: the HMAC key seals every record's hash, the
// signer signs checkpoints, and the verifier (public) checks them.
type Keys struct {
	MAC      []byte
	Verifier note.Verifier // nil when the public key is not known

	// The signing key is parsed when a checkpoint is first signed: its
	// Ed25519 precomputation costs a hook process about a millisecond,
	// and most appends sign nothing.
	signer func() (note.Signer, error)
}

// Signer returns the checkpoint signer; an error when the keys have no
// signing key or it does not parse.
func (k *Keys) Signer() (note.Signer, error) {
	if k.signer == nil {
		return nil, errors.New("audit: no signing key")
	}
	return k.signer()
}

// Key files, in the directory given to LoadKeys ($WARD_HOME/audit).
const (
	MACKeyFile    = "hmac.key"
	SignerFile    = "signing.key"
	VerifierFile  = "signing.pub"
	signerKeyName = "ward-audit"
)

// LoadKeys reads the log's keys from dir, making them (0600 files in a
// 0700 directory) when dir does not exist yet. The keys are made in a
// directory beside it and renamed into place, so that processes starting
// at once all end up with the same keys and none reads a half-written
// one. A directory that lacks a key is an error: ward does not replace a
// key that went missing, since records sealed with it could no longer be
// verified.
func LoadKeys(dir string) (*Keys, error) {
	k, err := readKeys(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	if entries, derr := os.ReadDir(dir); derr == nil && len(entries) > 0 {
		// Another process may have just made them; if the directory lacks
		// a key even so, do not overwrite what is there.
		return readKeys(dir)
	}
	if err := makeKeys(dir); err != nil {
		return nil, err
	}
	return readKeys(dir)
}

func readKeys(dir string) (*Keys, error) {
	mac, err := os.ReadFile(filepath.Join(dir, MACKeyFile))
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	k := &Keys{}
	if k.MAC, err = hex.DecodeString(strings.TrimSpace(string(mac))); err != nil || len(k.MAC) < 32 {
		return nil, fmt.Errorf("audit key %s: not 32 bytes of hex", filepath.Join(dir, MACKeyFile))
	}
	skey, err := os.ReadFile(filepath.Join(dir, SignerFile))
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	signerKey := strings.TrimSpace(string(skey))
	path := filepath.Join(dir, SignerFile)
	k.signer = sync.OnceValues(func() (note.Signer, error) {
		s, err := note.NewSigner(signerKey)
		if err != nil {
			return nil, fmt.Errorf("audit signing key %s: %w", path, err)
		}
		return s, nil
	})
	vkey, err := os.ReadFile(filepath.Join(dir, VerifierFile))
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	if k.Verifier, err = note.NewVerifier(strings.TrimSpace(string(vkey))); err != nil {
		return nil, fmt.Errorf("audit public key %s: %w", filepath.Join(dir, VerifierFile), err)
	}
	return k, nil
}

// ReadVerifier reads a public key written by LoadKeys (or copied from
// it), for verifying a log without its private keys.
func ReadVerifier(path string) (note.Verifier, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit public key: %w", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("audit public key %s: %w", path, err)
	}
	return v, nil
}

func makeKeys(dir string) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("audit keys: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".audit-keys-")
	if err != nil {
		return fmt.Errorf("audit keys: %w", err)
	}
	defer os.RemoveAll(tmp) // gone after the rename; left when it failed
	mac := make([]byte, 32)
	if _, err := rand.Read(mac); err != nil {
		return fmt.Errorf("audit keys: %w", err)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, signerKeyName)
	if err != nil {
		return fmt.Errorf("audit keys: %w", err)
	}
	for _, f := range []struct{ name, text string }{
		{MACKeyFile, hex.EncodeToString(mac)}, {SignerFile, skey}, {VerifierFile, vkey},
	} {
		if err := writeNew(filepath.Join(tmp, f.name), f.text+"\n"); err != nil {
			return err
		}
	}
	os.Remove(dir) // an empty directory someone made; fails harmlessly otherwise
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, VerifierFile)); serr == nil {
			return nil // another process made them first: use those
		}
		return fmt.Errorf("audit keys: %w", err)
	}
	return nil
}

// writeNew writes a file that must not exist yet (two processes making
// keys at once: the second fails rather than replacing the first's).
func writeNew(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("audit keys: %w", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return fmt.Errorf("audit keys: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("audit keys: %w", err)
	}
	return f.Close()
}
