// Package auth checks who a user is: argon2id password hashes and the
// limiter that slows down guessing.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/verve-union/verve/internal/model"
)

// OWASP's minimum argon2id parameters: 19 MiB, two passes, one lane. More
// memory per hash times many concurrent sign-ins would exhaust the machine.
const (
	memoryKiB = 19 * 1024
	passes    = 2
	lanes     = 1
	keyLen    = 32
)

// Bounds of a password's length in bytes; the upper one caps hashing work.
const (
	minPassword = 8
	maxPassword = 256
)

// hashSlots bounds concurrent hashing so a burst of sign-ins queues instead
// of allocating 19 MiB each at once. Two: each hash's 19 MiB is garbage
// when it ends and is collected only later, so hashes at once cost about
// twice their memory; two keep that within verve serve's soft Go memory
// limit (80 MiB, internal/server) with the rest of the heap, where four
// took it past (200 sign-ins at once on the demo union: peak RSS 144 MB
// with four, 129 MB with two; BenchmarkSignInStorm).
var hashSlots = make(chan struct{}, 2)

// HashPassword returns an encoded argon2id hash of password.
func HashPassword(password string) (string, error) {
	if len(password) < minPassword {
		return "", model.ErrorKey(model.EINVALID, "err.password.short", "min", minPassword)
	}
	if len(password) > maxPassword {
		return "", model.ErrorKey(model.EINVALID, "err.password.long", "max", maxPassword)
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := derive(password, salt, memoryKiB, passes, lanes)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the encoded hash, in
// constant time.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(password) > maxPassword {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 256*1024 || t > 10 || p == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := derive(password, salt, m, t, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// DummyCheck spends the time of one check, so that an unknown user name
// takes as long to refuse as a wrong password.
func DummyCheck(password string) {
	derive(password, []byte("verve-dummy-salt"), memoryKiB, passes, lanes)
}

func derive(password string, salt []byte, m, t uint32, p uint8, n ...uint32) []byte {
	l := uint32(keyLen)
	if len(n) > 0 {
		l = n[0]
	}
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	key := argon2.IDKey([]byte(password), salt, t, m, p, l)
	// The hash's memory is garbage now: collected at once, the next
	// hash reuses it, where the collector left to itself let a storm of
	// sign-ins grow the heap to the soft limit (200 at once on a million
	// members: peak RSS 120 MB, 107 with this). A collection costs a few
	// milliseconds of a hash's tens.
	runtime.GC()
	return key
}
