package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// stampLife is how long a join form may stay open before it is sent.
const stampLife = 24 * time.Hour

// joinGuard is the spam protection of the public join form: a rate limit
// per address (injected, so benchmarks can replace it), a honeypot field
// and a signed stamp that must be some seconds old and is good for one
// submission, so a robot cannot fetch the form once and post it forever.
type joinGuard struct {
	key      []byte
	minDelay time.Duration
	maxUsed  int // how many used stamp ids to remember at most

	mu   sync.Mutex
	used map[string]int64 // id of a used stamp → its issue time (Unix)
	// floor: stamps issued at or before it are refused, because used ids
	// of that age were forgotten to keep memory bounded.
	floor int64
}

func newJoinGuard(minDelay time.Duration) *joinGuard {
	g := &joinGuard{key: make([]byte, 32), minDelay: minDelay, maxUsed: 100000, used: map[string]int64{}}
	rand.Read(g.key)
	return g
}

// stamp is the form's issue time and a random id, signed.
func (g *joinGuard) stamp(t time.Time) string {
	id := make([]byte, 12)
	rand.Read(id)
	body := strconv.FormatInt(t.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(id)
	return body + "." + g.sign(body)
}

func (g *joinGuard) sign(body string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// check reports whether a stamp is genuine, old enough, not more than a
// day old and not used before, and marks it used. The form stays open in
// one process's memory only: Verve runs as one server.
func (g *joinGuard) check(s string, now time.Time) bool {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return false
	}
	body, sig := s[:i], s[i+1:]
	ts, id, ok := strings.Cut(body, ".")
	n, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(sig), []byte(g.sign(body))) {
		return false
	}
	if age := now.Sub(time.Unix(n, 0)); age < g.minDelay || age > stampLife {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, seen := g.used[id]; seen || n <= g.floor {
		return false
	}
	if len(g.used) >= g.maxUsed {
		g.forget(now)
		if n <= g.floor {
			return false
		}
	}
	g.used[id] = n
	return true
}

// forget drops the ids of expired stamps and, if that is not enough, the
// older half, raising the floor so that those stamps stay refused: under a
// flood an old open form must be sent again, and no stamp works twice.
func (g *joinGuard) forget(now time.Time) {
	expired := now.Add(-stampLife).Unix()
	for id, n := range g.used {
		if n < expired {
			delete(g.used, id)
		}
	}
	if len(g.used) < g.maxUsed/2 {
		return
	}
	times := make([]int64, 0, len(g.used))
	for _, n := range g.used {
		times = append(times, n)
	}
	slices.Sort(times)
	g.floor = max(g.floor, times[len(times)/2])
	for id, n := range g.used {
		if n <= g.floor {
			delete(g.used, id)
		}
	}
}
