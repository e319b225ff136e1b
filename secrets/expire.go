package secrets

import (
	"path"
	"strings"
	"time"

	"github.com/hushflow/hushflow/internal/ref"
)

// Expire marks the cached values of the given references stale, as
// [Resolver.MarkStale] does for every value: the next Resolve of each asks
// the backend again (and does not join a backend call that started
// before), while the old value stays to be served if refetching it fails
// with a backend error or a timeout, for up to WithMaxStale
// (stale-if-error). References are written as in a template, with or
// without their "ref+" prefix ("ref+vault://secret/data/api#token");
// one that is not cached is ignored. Other cached values stay fresh.
//
// Call it when the source of a few references is known to have changed,
// to pick up exactly those without waiting for the TTL and without asking
// the backend for every other reference again. A backend call that started
// before Expire still answers its callers and leaves its value as a stale
// one (whatever reference it was for: the resolver does not track calls by
// reference, so one in flight is taken as older than the change).
func (r *Resolver) Expire(refs ...string) {
	keys := make(map[string]bool, len(refs))
	for _, s := range refs {
		keys["ref+"+strings.TrimPrefix(s, "ref+")] = true
	}
	r.expire(func(key string) bool { return keys[key] })
}

// ExpireFiles marks stale, as [Resolver.Expire] does, the cached value of
// every "file" and "sops" reference that reads one of the given files:
// slash-separated paths relative to the root of [WithFiles]
// ("secrets/token.yaml"), as the references name them. A loader that sees
// a file of its workspace change calls it so that the references reading
// that file are fetched fresh, exactly those, at once.
func (r *Resolver) ExpireFiles(paths ...string) {
	changed := make(map[string]bool, len(paths))
	for _, p := range paths {
		changed[path.Clean(p)] = true
	}
	r.expire(func(key string) bool {
		name, ok := fileOf(key)
		return ok && changed[name]
	})
}

// fileOf returns the file, relative to the WithFiles root, that a cached
// "file" or "sops" reference reads, if it reads one.
func fileOf(key string) (string, bool) {
	p, err := ref.Parse(key)
	if err != nil {
		return "", false
	}
	switch scheme := strings.ToLower(p.Scheme); {
	case scheme == "sops" && p.Query.Get("key_type") == "base64":
		return "", false // the data is in the reference
	case scheme != "file" && scheme != "sops":
		return "", false
	}
	name := strings.TrimSuffix(p.Path, "/") // as fileReader reads it
	if name == "" || strings.HasPrefix(name, "/") {
		return "", false
	}
	return path.Clean(name), true
}

// expire marks stale the fresh cached values whose key match selects, and
// makes backend calls in flight store theirs as stale (see store).
func (r *Resolver) expire(match func(key string) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.lastMark = now
	r.marks.Add(1)
	if r.cache == nil {
		return
	}
	// Oldest first, so that adding each again keeps the LRU order.
	for _, k := range r.cache.Keys() {
		if !match(k) {
			continue
		}
		if e, ok := r.cache.Peek(k); ok && e.expires.After(now) {
			r.cache.Add(k, &entry{value: e.value, expires: now})
		}
	}
}
