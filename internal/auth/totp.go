package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TOTP (RFC 6238) as authenticator apps expect it: SHA-1, six digits, a
// 30-second step. It is short enough to write here rather than depend on
// a module for.
const (
	totpPeriod = 30
	totpDigits = 6
	// totpSkew is how many steps either side of now a code is accepted,
	// for phones whose clocks drift.
	totpSkew = 1
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random 160-bit secret in base32, as apps take it.
func NewTOTPSecret() string {
	b := make([]byte, 20)
	rand.Read(b)
	return b32.EncodeToString(b)
}

// TOTPURI is the otpauth:// address an app reads from the QR code.
func TOTPURI(issuer, account, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {strconv.Itoa(totpDigits)}, "period": {strconv.Itoa(totpPeriod)}}
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}

// TOTPCode is the code for secret at time step step.
func TOTPCode(secret string, step int64) string {
	key, err := b32.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return ""
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	s := strconv.Itoa(int(n % 1_000_000))
	return strings.Repeat("0", totpDigits-len(s)) + s
}

// TOTPStep is the time step at t.
func TOTPStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// CheckTOTP returns the time step whose code for secret equals code, within
// the allowed skew around now, or false. The caller must refuse a step
// already used (a replayed code): storage records the last one.
func CheckTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpDigits {
		return 0, false
	}
	st := TOTPStep(now)
	for d := int64(totpSkew); d >= -totpSkew; d-- { // latest first: the step that is recorded
		if subtle.ConstantTimeCompare([]byte(TOTPCode(secret, st+d)), []byte(code)) == 1 {
			return st + d, true
		}
	}
	return 0, false
}

// RecoveryCodes is how many recovery codes an enrolment hands out.
const RecoveryCodes = 10

// NewRecoveryCodes returns n random single-use codes, each 50 bits in
// ten base32 letters grouped as xxxxx-xxxxx for reading aloud.
func NewRecoveryCodes(n int) []string {
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 7)
		rand.Read(b)
		s := strings.ToLower(b32.EncodeToString(b))[:10]
		out[i] = s[:5] + "-" + s[5:]
	}
	return out
}

// NormalRecoveryCode is a typed recovery code as it is hashed: lower case,
// without spaces or dashes.
func NormalRecoveryCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// multiFactorAMR are the authentication methods (RFC 8176) that an
// identity provider names for a sign-in with more than a password.
var multiFactorAMR = map[string]bool{"mfa": true, "otp": true, "hwk": true, "swk": true, "sms": true, "fpt": true, "face": true, "iris": true, "retina": true, "vbm": true}

// MultiFactor reports whether an ID token's amr claim says the provider
// checked a second factor, so that Verve need not ask for one.
func MultiFactor(amr []string) bool {
	for _, m := range amr {
		if multiFactorAMR[strings.ToLower(m)] {
			return true
		}
	}
	return false
}
