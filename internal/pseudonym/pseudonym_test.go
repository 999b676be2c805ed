package pseudonym

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateKeepsTheKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verve.key")
	k1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("first start: created=%v err=%v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, err %v; want 0600", fi.Mode().Perm(), err)
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("second start: created=%v err=%v", created, err)
	}
	if k1.Hash("01017012345") != k2.Hash("01017012345") || k1.Check() != k2.Check() {
		t.Fatal("the same key file gave different hashes")
	}
	if New().Hash("01017012345") == k1.Hash("01017012345") {
		t.Fatal("another key gave the same hash")
	}
}

func TestParseRefusesBadKeys(t *testing.T) {
	for _, s := range []string{"", "abc", "zz" + New().String()[2:], New().String() + "00"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	path := filepath.Join(t.TempDir(), "bad.key")
	os.WriteFile(path, []byte("not a key"), 0o600)
	if _, _, err := LoadOrCreate(path); err == nil {
		t.Fatal("a broken key file was accepted")
	}
}

func TestSealOpens(t *testing.T) {
	k := New()
	s := k.Seal("01017012345")
	if s == k.Seal("01017012345") {
		t.Fatal("sealing twice gave the same text: the nonce is not random")
	}
	got, err := k.Open(s)
	if err != nil || got != "01017012345" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := New().Open(s); err == nil {
		t.Fatal("another key opened the sealed value")
	}
	if _, err := k.Open(s[:len(s)-2] + "AA"); err == nil {
		t.Fatal("an altered value opened")
	}
}
