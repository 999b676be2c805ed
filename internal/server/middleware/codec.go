package middleware

import (
	"maps"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// keptCodec is scs's gob codec, keeping what it decoded: every request
// decodes its session, and gob builds its decoder afresh each time, a
// twentieth of what Min dag cost (issue 15). The encoded session is the
// key, so a changed session is decoded anew, and only what the store
// returned can be found.
type keptCodec struct {
	scs.GobCodec
	mu   sync.Mutex
	kept map[string]decodedSession
}

type decodedSession struct {
	deadline time.Time
	values   map[string]any
}

// keptSessions bounds how many decoded sessions are kept; past it they
// are all forgotten and decoded again as they come.
const keptSessions = 10_000

func (c *keptCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	c.mu.Lock()
	d, ok := c.kept[string(b)]
	c.mu.Unlock()
	if ok {
		// A copy: scs writes to the map it gets. The values are ints,
		// strings and times, copied with it.
		return d.deadline, maps.Clone(d.values), nil
	}
	deadline, values, err := c.GobCodec.Decode(b)
	if err != nil {
		return deadline, values, err
	}
	c.mu.Lock()
	if c.kept == nil || len(c.kept) >= keptSessions {
		c.kept = map[string]decodedSession{}
	}
	c.kept[string(b)] = decodedSession{deadline, maps.Clone(values)}
	c.mu.Unlock()
	return deadline, values, nil
}
