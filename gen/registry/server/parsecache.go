package server

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// DefaultParseCacheBytes bounds the parse cache (see Options.ParseCacheBytes).
const DefaultParseCacheBytes = 64 << 20

// parseCostPerByte estimates the memory a parsed schema holds per byte of
// its text: the text itself plus the model, which measures at about 7.5
// bytes per byte of a wide record's JSON.
const parseCostPerByte = 10

// parseCache keeps the parses of recent request schemas (without
// references), least recently used first out, bounded by an estimate of the
// bytes they hold rather than by a count: a count lets ten 8.5 MB lookups
// pin gigabytes. An entry over an eighth of the budget is not kept at all,
// so one huge schema cannot flush the hot set of small ones. It is keyed by
// a SHA-256 of the request, so the key costs 32 bytes, not a second copy of
// the schema, and a collision cannot be forged.
type parseCache struct {
	mu      sync.Mutex
	budget  int64
	used    int64
	order   *list.List // of *cacheEntry, most recent at the front
	entries map[cacheKey]*list.Element
}

type cacheKey [sha256.Size]byte

type cacheEntry struct {
	key  cacheKey
	ps   *parsedSchema
	cost int64
}

func newParseCache(budget int64) *parseCache {
	return &parseCache{budget: budget, order: list.New(), entries: map[cacheKey]*list.Element{}}
}

// requestKey identifies what a parse without references depends on.
func requestKey(req *registerRequest) cacheKey {
	h := sha256.New()
	h.Write([]byte(req.SchemaType))
	if req.normalize {
		h.Write([]byte{0, 1})
	} else {
		h.Write([]byte{0, 0})
	}
	h.Write([]byte(req.Schema))
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// parseCost is the estimated memory of ps.
func parseCost(ps *parsedSchema) int64 {
	return int64(len(ps.text))*parseCostPerByte + 512
}

func (c *parseCache) get(k cacheKey) (*parsedSchema, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).ps, true
}

// put keeps ps unless it is too large, evicting the least recently used
// entries to stay within the budget.
func (c *parseCache) put(k cacheKey, ps *parsedSchema) {
	cost := parseCost(ps)
	if cost > c.budget/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		c.order.MoveToFront(el)
		return
	}
	for c.used+cost > c.budget && c.order.Len() > 0 {
		old := c.order.Remove(c.order.Back()).(*cacheEntry)
		delete(c.entries, old.key)
		c.used -= old.cost
	}
	c.entries[k] = c.order.PushFront(&cacheEntry{key: k, ps: ps, cost: cost})
	c.used += cost
}

// size returns the entries and the estimated bytes held.
func (c *parseCache) size() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.used
}
