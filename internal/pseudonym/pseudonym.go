// Package pseudonym holds the key that turns fødselsnumre into keyed
// hashes, and seals the few numbers Verve must keep for a while.
//
// There are only about 10⁷ plausible fødselsnumre, so a plain hash is
// reversed by trying them all. A keyed hash (HMAC-SHA256) is not, as long as
// the key is kept apart from the database: in a file beside it or in an
// environment variable, never in a table.
package pseudonym

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"strings"
	"sync"
)

// Size is the length of a key in bytes.
const Size = 32

// Key is a secret of Size bytes.
type Key struct {
	b []byte
	// HMACs under b, reset: a register's first load hashes a million
	// numbers, and hmac.New costs more than the hash of one.
	macs sync.Pool
}

// New returns a random key.
func New() *Key {
	b := make([]byte, Size)
	rand.Read(b)
	return &Key{b: b}
}

// Parse reads a key written by String: Size bytes in hex.
func Parse(s string) (*Key, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != Size {
		return nil, fmt.Errorf("the key must be %d bytes in hex (%d characters)", Size, 2*Size)
	}
	return &Key{b: b}, nil
}

// String returns the key in hex, as key files hold it.
func (k *Key) String() string { return hex.EncodeToString(k.b) }

// LoadOrCreate reads the key file at path, or creates it with a new key
// (readable by its owner only) when there is none. created tells which.
func LoadOrCreate(path string) (k *Key, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := Parse(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("key file %s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	k = New()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("create key file: %w", err)
	}
	if _, err := f.WriteString(k.String() + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, false, fmt.Errorf("create key file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("create key file: %w", err)
	}
	return k, true, nil
}

// mac returns HMAC-SHA256 of label and msg under the key. The label keeps
// the uses of the one key apart.
func (k *Key) mac(label, msg string) []byte {
	h, _ := k.macs.Get().(hash.Hash)
	if h == nil {
		h = hmac.New(sha256.New, k.b)
	}
	h.Write([]byte(label))
	h.Write([]byte{0})
	h.Write([]byte(msg))
	sum := h.Sum(nil)
	h.Reset()
	k.macs.Put(h)
	return sum
}

// Hash returns the keyed hash of a fødselsnummer or D-number (11 digits),
// which is what Verve stores and matches on.
func (k *Key) Hash(fnr string) string {
	return base64.RawURLEncoding.EncodeToString(k.mac("fnr", fnr))
}

// Check is a value stored in the database that tells, on the next start,
// whether the key is the one the hashes were made with.
func (k *Key) Check() string {
	return base64.RawURLEncoding.EncodeToString(k.mac("check", "verve"))
}

// Seal encrypts plain (AES-256-GCM with a key derived from the key), for
// an applicant's own number that the member register still needs.
func (k *Key) Seal(plain string) string {
	g := k.aead()
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(g.Seal(nonce, nonce, []byte(plain), nil))
}

// Open decrypts what Seal made.
func (k *Key) Open(sealed string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	g := k.aead()
	if err != nil || len(b) < g.NonceSize() {
		return "", errors.New("pseudonym: not a sealed value")
	}
	plain, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], nil)
	if err != nil {
		return "", errors.New("pseudonym: sealed with another key, or altered")
	}
	return string(plain), nil
}

func (k *Key) aead() cipher.AEAD {
	block, err := aes.NewCipher(k.mac("seal", ""))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return g
}
