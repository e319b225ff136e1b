package render

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// templateCache keeps parsed templates, least recently used first out,
// bounded by the memory they hold as estimateSize bounds it (a parsed
// template holds many times its text).
// Reads take the LRU's own lock only; adds come from Engine.compile, under
// the engine's mutex.
type templateCache struct {
	limit int
	mu    sync.Mutex // guards bytes
	bytes int
	lru   *lru.Cache[string, *compiled]
}

func newTemplateCache(limit int) *templateCache {
	c := &templateCache{limit: limit}
	// The count bound is never reached: the byte bound evicts first (the
	// smallest entry is estimated at over 1 KiB).
	c.lru, _ = lru.NewWithEvict(1<<24, func(_ string, t *compiled) {
		c.mu.Lock()
		c.bytes -= t.size
		c.mu.Unlock()
	})
	return c
}

func (c *templateCache) get(src string) (*compiled, bool) { return c.lru.Get(src) }

// add keeps t unless it alone is larger than the limit, then evicts the
// least recently used templates until the cache is within its limit.
func (c *templateCache) add(src string, t *compiled) {
	if t.size > c.limit {
		return
	}
	c.mu.Lock()
	c.bytes += t.size
	over := c.bytes > c.limit
	c.mu.Unlock()
	c.lru.Add(src, t)
	for over {
		if _, _, ok := c.lru.RemoveOldest(); !ok {
			return
		}
		c.mu.Lock()
		over = c.bytes > c.limit
		c.mu.Unlock()
	}
}

// size returns the number of templates and the bytes they are estimated to hold.
func (c *templateCache) size() (n, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.bytes
}
