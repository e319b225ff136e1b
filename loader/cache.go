package loader

import (
	"bytes"
	"sync"
)

// parseCache keeps the parsed (and decrypted) files of the last load, so a
// reload parses and decrypts only the files whose content changed. Parsed
// files are never modified after parsing, so two workspaces can share them.
type parseCache struct {
	mu     sync.Mutex
	byPath map[string]*file
}

// lookup returns the parsed file with f's path and content, or nil. A nil
// cache finds nothing.
func (c *parseCache) lookup(f *file) *file {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := c.byPath[f.path]
	if seen == nil || !bytes.Equal(seen.data, f.data) {
		return nil
	}
	return seen
}

// keep replaces the cache's content with the files of this load that parsed;
// files that are gone or broken drop out.
func (c *parseCache) keep(files []*file) {
	if c == nil {
		return
	}
	byPath := make(map[string]*file, len(files))
	for _, f := range files {
		if f.err == nil && f.docs != nil {
			byPath[f.path] = f
		}
	}
	c.mu.Lock()
	c.byPath = byPath
	c.mu.Unlock()
}
