package storage

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/verve-union/verve/internal/access"
)

const (
	// authCheckEvery is how often a process looks at auth_version: a
	// change made through another process reaches this one within it.
	authCheckEvery = time.Second
	// authMaxAge bounds how long an entry is kept however quiet the
	// count: a change whose count moved just before it became visible
	// (PostgreSQL) is read again by then.
	authMaxAge = 5 * time.Second
	// authMaxEntries bounds each map; past it the map starts afresh.
	authMaxEntries = 20000
)

// authCache keeps the sessions and principals this process has read, so
// that a page view reads neither from the database. Writes go through to
// the database. Whatever changes who may do what (accounts, roles,
// portfolios, units' paths, workplaces' groups, sessions) moves
// auth_version (migration 00028); the cache looks at it at most once a
// second, and starts afresh when it moved. A write of this process (inTx,
// the session store) empties it at once. A disabled account or an ended
// role thus takes effect in this process at once and in every other
// within about a second.
type authCache struct {
	s          *Storage
	dirty      atomic.Bool
	mu         sync.Mutex
	version    int64
	checked    time.Time
	principals map[int64]principalEntry
	sessions   map[string]sessionEntry
}

type principalEntry struct {
	p   access.Principal
	day time.Time // the day its roles were read for
	at  time.Time
}

type sessionEntry struct {
	data []byte
	at   time.Time
}

// versionQuery reads auth_version: a row on SQLite, a sequence on
// PostgreSQL (whose last_value stays 1 at its first nextval).
var versionQuery = map[Dialect]string{
	SQLite:   `SELECT version FROM auth_version WHERE id = 1`,
	Postgres: `SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM auth_version`,
}

// fresh makes sure the cache is no older than auth_version allows and
// returns the version its entries are valid for.
func (c *authCache) fresh(ctx context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	dirty := c.dirty.Swap(false)
	if !dirty && now.Sub(c.checked) < authCheckEvery && c.principals != nil {
		return c.version, nil
	}
	var v int64
	if err := c.s.rd.QueryRowContext(ctx, versionQuery[c.s.dialect]).Scan(&v); err != nil {
		c.dirty.Store(true)
		return 0, err
	}
	if dirty || v != c.version || c.principals == nil {
		c.version = v
		c.principals = map[int64]principalEntry{}
		c.sessions = map[string]sessionEntry{}
	}
	c.checked = now
	return v, nil
}

// changed tells the cache that this process wrote: the next read starts
// afresh.
func (c *authCache) changed() { c.dirty.Store(true) }

// principal returns a copy of the cached principal of user id for day.
func (c *authCache) principal(id int64, day time.Time) (*access.Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.principals[id]
	if !ok || !e.day.Equal(day) || time.Since(e.at) > authMaxAge {
		return nil, false
	}
	p := e.p
	p.Grants = slices.Clone(p.Grants)
	return &p, true
}

// putPrincipal keeps p, read at version v, unless the cache has moved on.
func (c *authCache) putPrincipal(v int64, p *access.Principal, day time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version || c.principals == nil {
		return
	}
	if len(c.principals) >= authMaxEntries {
		c.principals = map[int64]principalEntry{}
	}
	e := principalEntry{p: *p, day: day, at: time.Now()}
	e.p.Grants = slices.Clone(p.Grants)
	c.principals[p.UserID] = e
}

func (c *authCache) session(token string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sessions[token]
	if !ok || time.Since(e.at) > authMaxAge {
		return nil, false
	}
	return e.data, true
}

// putSession keeps a session's data read or written at version v; nil
// data forgets the token.
func (c *authCache) putSession(v int64, token string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessions == nil {
		return
	}
	if data == nil {
		delete(c.sessions, token)
		return
	}
	if v != c.version {
		return
	}
	if len(c.sessions) >= authMaxEntries {
		c.sessions = map[string]sessionEntry{}
	}
	c.sessions[token] = sessionEntry{data: data, at: time.Now()}
}

// cachedSessions is a session store read from the auth cache, written
// through to the database.
type cachedSessions struct {
	store scs.Store
	cache *authCache
}

// Find is the store's Find, from memory when the cache holds the token.
func (cs cachedSessions) Find(token string) ([]byte, bool, error) {
	ctx := context.Background()
	v, err := cs.cache.fresh(ctx)
	if err != nil {
		return nil, false, err
	}
	if b, ok := cs.cache.session(token); ok {
		return b, true, nil
	}
	b, found, err := cs.store.Find(token)
	if err == nil && found {
		cs.cache.putSession(v, token, b)
	}
	return b, found, err
}

// Commit writes the session and keeps it.
func (cs cachedSessions) Commit(token string, b []byte, expiry time.Time) error {
	cs.cache.putSession(0, token, nil)
	if err := cs.store.Commit(token, b, expiry); err != nil {
		return err
	}
	cs.cache.changed()
	return nil
}

// Delete deletes the session and forgets it.
func (cs cachedSessions) Delete(token string) error {
	cs.cache.putSession(0, token, nil)
	err := cs.store.Delete(token)
	cs.cache.changed()
	return err
}
