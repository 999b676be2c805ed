package importer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"io"
	"os"
)

// Spool is an uploaded list in a temporary file that keeps nothing
// personal on disk: the file is unlinked as soon as it is created (where
// the system allows), so a crash leaves no name behind, and it is
// encrypted with a key that lives only in memory, so the blocks it leaves
// on the disk are noise once the process is gone. It reads at any
// offset, as XLSX needs.
type Spool struct {
	f     *os.File
	name  string
	size  int64
	block cipher.Block
}

// NewSpool copies r into a new file in dir (the system's temporary
// directory when empty). The caller bounds r and closes the spool.
func NewSpool(dir string, r io.Reader) (*Spool, error) {
	key := make([]byte, 32)
	rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "verve-upload-*") // mode 0600
	if err != nil {
		return nil, err
	}
	s := &Spool{f: f, name: f.Name(), block: block}
	// On Unix the open file stays readable; elsewhere Close removes it.
	if os.Remove(s.name) == nil {
		s.name = ""
	}
	w := cipher.StreamWriter{S: s.stream(0), W: f}
	if s.size, err = io.Copy(w, r); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// stream is the key stream from byte offset off (AES-CTR, counter = block
// number: every file has its own key, so a zero nonce is safe).
func (s *Spool) stream(off int64) cipher.Stream {
	var iv [aes.BlockSize]byte
	for i, n := 15, uint64(off/aes.BlockSize); n > 0; i, n = i-1, n>>8 {
		iv[i] = byte(n)
	}
	ctr := cipher.NewCTR(s.block, iv[:])
	skip := make([]byte, off%aes.BlockSize)
	ctr.XORKeyStream(skip, skip)
	return ctr
}

// ReadAt reads the plain text at off.
func (s *Spool) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.f.ReadAt(p, off)
	s.stream(off).XORKeyStream(p[:n], p[:n])
	return n, err
}

// Size is the length of the list in bytes.
func (s *Spool) Size() int64 { return s.size }

// Close closes and removes the file; a second Close does nothing.
func (s *Spool) Close() error {
	err := s.f.Close()
	if s.name != "" {
		os.Remove(s.name)
		s.name = ""
	}
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
