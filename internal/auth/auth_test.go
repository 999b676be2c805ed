package auth

import (
	"testing"
	"time"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("riktig hest batteri")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "riktig hest batteri") {
		t.Fatal("correct password refused")
	}
	if CheckPassword(h, "riktig hest batterI") {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("riktig hest batteri")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=x$a$b", h[:len(h)-5] + "!!!!!"} {
		if CheckPassword(bad, "riktig hest batteri") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
	if _, err := HashPassword("kort"); err == nil {
		t.Fatal("short password accepted")
	}
}

func TestWindowLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := NewWindowLimiter(3, time.Minute)
	l.Now = func() time.Time { return now }
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("fourth attempt allowed")
	}
	if !l.Allow("b") {
		t.Fatal("other key refused")
	}
	now = now.Add(61 * time.Second)
	if !l.Allow("a") {
		t.Fatal("attempt after the window refused")
	}
}
