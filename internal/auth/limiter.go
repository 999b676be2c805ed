package auth

import (
	"sync"
	"time"
)

// Limiter decides whether another attempt from a key (an address or a user
// name) may proceed. It is an interface so benchmarks and load tests can
// measure the handler without it.
type Limiter interface {
	Allow(key string) bool
}

// FailureLimiter refuses a key (an address) after too many failed
// attempts; successful ones don't count.
type FailureLimiter interface {
	Blocked(key string) bool
	Fail(key string)
}

// Unlimited allows everything; for benchmarks only.
type Unlimited struct{}

// Allow always reports true.
func (Unlimited) Allow(string) bool { return true }

// Blocked always reports false.
func (Unlimited) Blocked(string) bool { return false }

// Fail does nothing.
func (Unlimited) Fail(string) {}

// WindowLimiter allows at most Max attempts per key within Window.
type WindowLimiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time
}

// NewWindowLimiter returns a limiter of max attempts per window.
func NewWindowLimiter(max int, window time.Duration) *WindowLimiter {
	return &WindowLimiter{Max: max, Window: window, Now: time.Now, hits: map[string][]time.Time{}}
}

// Allow records an attempt for key and reports whether it is within the limit.
func (l *WindowLimiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now, h := l.recent(key)
	if len(h) >= l.Max {
		return false
	}
	l.record(key, h, now)
	return true
}

// Blocked reports whether key has used up its attempts, recording nothing.
func (l *WindowLimiter) Blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, h := l.recent(key)
	return len(h) >= l.Max
}

// Fail records an attempt for key, within the limit or not.
func (l *WindowLimiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now, h := l.recent(key)
	l.record(key, h, now)
}

// recent drops key's attempts older than the window and returns the rest.
func (l *WindowLimiter) recent(key string) (time.Time, []time.Time) {
	now := l.Now()
	cut := now.Add(-l.Window)
	h := l.hits[key]
	i := 0
	for i < len(h) && h[i].Before(cut) {
		i++
	}
	if i > 0 {
		l.hits[key] = h[i:]
	}
	return now, h[i:]
}

func (l *WindowLimiter) record(key string, h []time.Time, now time.Time) {
	cut := now.Add(-l.Window)
	l.hits[key] = append(h, now)
	// Forget idle keys now and then so the map cannot grow without bound.
	if len(l.hits) > 10000 {
		for k, v := range l.hits {
			if len(v) == 0 || v[len(v)-1].Before(cut) {
				delete(l.hits, k)
			}
		}
	}
}
