package auth

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// TestTOTPVectors checks the RFC 6238 appendix B vectors (SHA-1, the last
// six of the eight digits).
func TestTOTPVectors(t *testing.T) {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))
	for _, c := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		if got := TOTPCode(secret, TOTPStep(time.Unix(c.unix, 0))); got != c.want {
			t.Errorf("at %d: %s, want %s", c.unix, got, c.want)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	s := NewTOTPSecret()
	now := time.Date(2026, 3, 1, 9, 0, 10, 0, time.UTC)
	st := TOTPStep(now)
	for d, ok := range map[int64]bool{-2: false, -1: true, 0: true, 1: true, 2: false} {
		got, accepted := CheckTOTP(s, TOTPCode(s, st+d), now)
		if accepted != ok || (ok && got != st+d) {
			t.Errorf("offset %d: step %d accepted %v", d, got, accepted)
		}
	}
	code := TOTPCode(s, st)
	if _, ok := CheckTOTP(s, code[:3]+" "+code[3:], now); !ok {
		t.Error("a code typed with a space refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := CheckTOTP(s, bad, now); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if u := TOTPURI("Verve", "admin", s); !strings.HasPrefix(u, "otpauth://totp/Verve:admin?") || !strings.Contains(u, "secret="+s) {
		t.Errorf("uri %s", u)
	}
}

func TestRecoveryCodes(t *testing.T) {
	cs := NewRecoveryCodes(RecoveryCodes)
	seen := map[string]bool{}
	for _, c := range cs {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
		if NormalRecoveryCode(" "+strings.ToUpper(c)+" ") != strings.Replace(c, "-", "", 1) {
			t.Fatalf("normal form of %q", c)
		}
	}
}

func TestMultiFactor(t *testing.T) {
	for amr, want := range map[string]bool{"": false, "pwd": false, "pwd mfa": true, "otp": true, "HWK": true, "pwd kba": false} {
		if got := MultiFactor(strings.Fields(amr)); got != want {
			t.Errorf("amr %q: %v, want %v", amr, got, want)
		}
	}
}
