package auth

import (
	"sync"
	"time"
)

// Delays slows down guessing without ever locking anyone out: each failed
// attempt for a key (a user name) makes the next attempt for that key wait
// longer, up to Max, and then lets it be checked. The owner who types the
// right password waits a little and gets in, however many wrong guesses
// others made. Successes don't count; failures are forgotten after Forget.
type Delays struct {
	Free   int           // failures before any delay
	Base   time.Duration // the first delay, doubled per further failure
	Max    time.Duration
	Forget time.Duration
	Now    func() time.Time

	mu sync.Mutex
	m  map[string]failures
}

type failures struct {
	n    int
	last time.Time
}

// NewDelays returns the sign-in defaults: three free failures, then 250 ms
// doubling to at most 8 s; forgotten after 15 quiet minutes.
func NewDelays() *Delays {
	return &Delays{Free: 3, Base: 250 * time.Millisecond, Max: 8 * time.Second, Forget: 15 * time.Minute, Now: time.Now}
}

// Delay is how long an attempt for key waits before it is checked.
func (d *Delays) Delay(key string) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.m[key]
	if f.n <= d.Free || d.Now().Sub(f.last) > d.Forget {
		return 0
	}
	w := d.Base
	for i := d.Free + 1; i < f.n && w < d.Max; i++ {
		w *= 2
	}
	return min(w, d.Max)
}

// Fail records a failed attempt for key.
func (d *Delays) Fail(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string]failures{}
	}
	now := d.Now()
	f := d.m[key]
	if now.Sub(f.last) > d.Forget {
		f.n = 0
	}
	d.m[key] = failures{n: f.n + 1, last: now}
	if len(d.m) > 100_000 { // keep memory bounded under a spray of names
		for k, v := range d.m {
			if now.Sub(v.last) > d.Forget {
				delete(d.m, k)
			}
		}
	}
}
