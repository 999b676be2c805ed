package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sync"
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

// TestHashIsTheHMAC: a hash is HMAC-SHA256 of its label and number, the
// same however often and from however many goroutines the key is used
// (its HMACs are reused).
func TestHashIsTheHMAC(t *testing.T) {
	k := New()
	want := func(fnr string) string {
		h := hmac.New(sha256.New, k.b)
		h.Write([]byte("fnr\x00" + fnr))
		return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				fnr := fmt.Sprintf("%011d", g*1000+i)
				if got := k.Hash(fnr); got != want(fnr) {
					t.Errorf("Hash(%s) = %s, want %s", fnr, got, want(fnr))
					return
				}
			}
		})
	}
	wg.Wait()
}
