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

// Unlimited allows everything; for benchmarks only.
type Unlimited struct{}

// Allow always reports true.
func (Unlimited) Allow(string) bool { return true }

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
	now := l.Now()
	cut := now.Add(-l.Window)
	h := l.hits[key]
	i := 0
	for i < len(h) && h[i].Before(cut) {
		i++
	}
	h = h[i:]
	if len(h) >= l.Max {
		l.hits[key] = h
		return false
	}
	l.hits[key] = append(h, now)
	// Forget idle keys now and then so the map cannot grow without bound.
	if len(l.hits) > 10000 {
		for k, v := range l.hits {
			if len(v) == 0 || v[len(v)-1].Before(cut) {
				delete(l.hits, k)
			}
		}
	}
	return true
}
