package serde

import (
	"sync"
	"time"
)

// NotFoundTTL is how long a Serde remembers that the registry does not
// know a schema id (a 404 on GET /schemas/ids/{id}, or on a schema
// reference the id's schema names). Until it expires, frames with that id fail with the remembered error and make no
// registry call, so a topic full of frames with a bad id (another
// registry's, or forged) costs one request per id every NotFoundTTL
// instead of one per frame. It is short because a schema being registered
// right now should not stay unknown for long.
const NotFoundTTL = 10 * time.Second

// maxNotFound bounds each not-found cache: ids come from frames, which
// anyone may write, so the cache must not grow with them. When it is full,
// expired entries go first, then the one that expires soonest.
const maxNotFound = 1024

// notFound remembers not-found answers for NotFoundTTL.
type notFound[K comparable] struct {
	mu      sync.Mutex
	entries map[K]notFoundEntry
	now     func() time.Time // time.Now; tests move it
}

type notFoundEntry struct {
	err     error
	expires time.Time
}

// get returns the remembered error for k, if it has not expired.
func (c *notFound[K]) get(k K) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil
	}
	if !c.clock().Before(e.expires) {
		delete(c.entries, k)
		return nil
	}
	return e.err
}

// put remembers err for k.
func (c *notFound[K]) put(k K, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock()
	if c.entries == nil {
		c.entries = map[K]notFoundEntry{}
	}
	if _, ok := c.entries[k]; !ok && len(c.entries) >= maxNotFound {
		var soonest K
		var first time.Time
		for k2, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k2)
			} else if first.IsZero() || e.expires.Before(first) {
				soonest, first = k2, e.expires
			}
		}
		if len(c.entries) >= maxNotFound {
			delete(c.entries, soonest)
		}
	}
	c.entries[k] = notFoundEntry{err: err, expires: now.Add(NotFoundTTL)}
}

func (c *notFound[K]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *notFound[K]) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
