package secrets

import (
	"context"
	"strings"
	"sync"
)

// Snapshot is a view of a Resolver in which a reference resolves to one
// value for the snapshot's whole life: the first value its Resolve gets for
// a reference (from the cache, a backend call, or a stale value) is pinned,
// nested references included, and every later Resolve through the snapshot
// returns it, whatever MarkStale, Purge or the TTL do to the resolver's
// cache meanwhile. Errors are not pinned: a failed reference is asked again.
//
// A workflow engine keeps one snapshot per loaded workspace, so that a
// rendered command never holds two versions of one token (the value the
// secrets: section got at load time and an inline "| vals" of the same
// reference agree). A new workspace takes a new snapshot and so sees
// rotated values. At most WithMaxEntries values are pinned; past that,
// values are served as the resolver serves them. A Snapshot is safe for
// concurrent use.
type Snapshot struct {
	r *Resolver
	// p is shared by copies of the snapshot (a host may hold one by
	// value): they pin, resolve and print as the original does.
	p *pinSet
}

// pinSet is a snapshot's pinned values.
type pinSet struct {
	mu   sync.RWMutex
	pins map[string]string // cache key → value
}

// Snapshot returns a new, empty snapshot of r.
func (r *Resolver) Snapshot() *Snapshot {
	return &Snapshot{r: r, p: &pinSet{pins: map[string]string{}}}
}

// Resolve is Resolver.Resolve, with every value pinned for the life of the
// snapshot.
func (s *Snapshot) Resolve(ctx context.Context, str string) (string, error) {
	if !strings.Contains(str, "ref+") {
		return str, nil
	}
	if v, ok := s.get(str); ok {
		return v, nil
	}
	return s.r.resolve(ctx, str, s)
}

// get returns the value pinned for key. A nil snapshot pins nothing.
func (s *Snapshot) get(key string) (string, bool) {
	if s == nil || s.p == nil {
		return "", false
	}
	s.p.mu.RLock()
	v, ok := s.p.pins[key]
	s.p.mu.RUnlock()
	return v, ok
}

// pin pins v for key unless a value is pinned already, and returns the
// pinned value: two concurrent first lookups agree on the first one pinned.
func (s *Snapshot) pin(key, v string) string {
	if s == nil || s.p == nil {
		return v
	}
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if old, ok := s.p.pins[key]; ok {
		return old
	}
	if len(s.p.pins) < s.r.maxEntries {
		s.p.pins[key] = v
	}
	return v
}
