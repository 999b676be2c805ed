package importer

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// TestSpool: what is read back at any offset is what was written, while
// the disk holds neither a name nor the plain text, and the file is
// private to its user.
func TestSpool(t *testing.T) {
	dir := t.TempDir()
	plain := bytes.Repeat([]byte("Kari Nordmann;01019912345;kari@example.no\n"), 1000)
	s, err := NewSpool(dir, bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if s.Size() != int64(len(plain)) {
		t.Fatalf("size %d, want %d", s.Size(), len(plain))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 && s.name == "" {
		t.Fatalf("an unlinked spool left %v", entries)
	}
	if fi, err := s.f.Stat(); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v", fi.Mode(), err)
	}
	var raw bytes.Buffer
	if _, err := io.Copy(&raw, io.NewSectionReader(s.f, 0, s.size)); err != nil {
		t.Fatal(err)
	}
	if raw.Len() != len(plain) || bytes.Contains(raw.Bytes(), []byte("01019912345")) {
		t.Fatalf("the file holds the plain text (%d bytes)", raw.Len())
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		off := r.IntN(len(plain))
		p := make([]byte, r.IntN(100))
		n, err := s.ReadAt(p, int64(off))
		want := plain[off:min(off+len(p), len(plain))]
		if !bytes.Equal(p[:n], want) || (n < len(p)) != (err == io.EOF) {
			t.Fatalf("ReadAt(%d, %d) = %q, %v; want %q", len(p), off, p[:n], err, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("closed spool left %v", entries)
	}
	// A spool that cannot be written leaves nothing.
	if _, err := NewSpool(filepath.Join(dir, "missing"), bytes.NewReader(plain)); err == nil {
		t.Fatal("spool in a missing directory")
	}
	if _, err := NewSpool(dir, io.MultiReader(bytes.NewReader(plain), iotest.ErrReader(io.ErrUnexpectedEOF))); err == nil {
		t.Fatal("a broken upload was spooled")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed spool left %v", entries)
	}
}
