package secrets

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// entry is a cached value. Entries are replaced, never changed, except for
// the flag that says a stale serve was logged.
type entry struct {
	value   string
	expires time.Time // fresh until then: a jittered TTL, or the MarkStale that came first
	warned  atomic.Bool
}

// jitter is the part of the TTL by which expiry is spread: a value is kept
// between (1-jitter)×TTL and the TTL.
const jitter = 0.1

func (r *Resolver) expiry(now time.Time) time.Time {
	spread := int64(float64(r.ttl) * jitter)
	if spread <= 0 {
		return now.Add(r.ttl)
	}
	return now.Add(r.ttl - time.Duration(rand.Int64N(spread+1)))
}

// entry returns the cached entry of key, and whether it is fresh.
func (r *Resolver) entry(key string) (*entry, bool) {
	if r.cache == nil {
		return nil, false
	}
	e, ok := r.cache.Get(key)
	if !ok {
		return nil, false
	}
	return e, time.Now().Before(e.expires)
}

// cached returns the fresh cached value of key.
func (r *Resolver) cached(key string) (string, bool) {
	if e, fresh := r.entry(key); fresh {
		return e.value, true
	}
	return "", false
}

// value returns the value of key that snap pinned, or the fresh cached one
// (pinned in snap from then on).
func (r *Resolver) value(key string, snap *Snapshot) (string, bool) {
	if v, ok := snap.get(key); ok {
		return v, true
	}
	if v, ok := r.cached(key); ok {
		return snap.pin(key, v), true
	}
	return "", false
}

// generation is when a backend call started, in Purges and MarkStales.
type generation struct{ purges, marks uint64 }

// now returns the current generation. Purges are read first: a Purge
// between the two reads makes the call look older than it is, never newer,
// so it is never cached across a Purge.
func (r *Resolver) now() generation {
	p := r.purges.Load()
	return generation{purges: p, marks: r.marks.Load()}
}

// store caches the value of key fetched by a call that started at gen: not
// at all if a Purge came since, as already stale if a MarkStale did (unless
// a fresher value is there), fresh otherwise.
func (r *Resolver) store(key, v string, gen generation) {
	if r.cache == nil {
		return
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.purges.Load() != gen.purges:
	case r.marks.Load() != gen.marks:
		if old, ok := r.cache.Peek(key); ok && old.expires.After(r.lastMark) {
			return // a call that started after the MarkStale stored its value
		}
		r.cache.Add(key, &entry{value: v, expires: r.lastMark})
	default:
		r.cache.Add(key, &entry{value: v, expires: r.expiry(now)})
	}
}

// MarkStale marks every cached value stale: the next Resolve of each asks
// the backend again (and does not join a backend call that started
// before), but a value stays to be served if refetching it fails with a
// backend error or a timeout, for up to WithMaxStale (stale-if-error). A
// backend call that started before MarkStale still answers its callers,
// and leaves its value as a stale one. Call it on a refresh: it never makes
// things worse than not refreshing.
func (r *Resolver) MarkStale() { r.expire(func(string) bool { return true }) }

// Purge forgets every cached value now: the next Resolve of any reference
// asks the backend, does not join a backend call that started before, and
// has no stale value to fall back on. A backend call that started before
// Purge still answers its callers but caches nothing.
func (r *Resolver) Purge() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastMark = time.Now()
	r.purges.Add(1)
	r.marks.Add(1)
	if r.cache != nil {
		r.cache.Purge()
	}
}

// servesStale reports whether e, which is not fresh, may be served because
// refetching it failed with err.
func (r *Resolver) servesStale(e *entry, err error) bool {
	if r.maxStale <= 0 || time.Since(e.expires) > r.maxStale {
		return false
	}
	// Definite answers, and callers that gave up on purpose, are not outages.
	for _, answer := range []error{ErrNotFound, ErrNotScalar, ErrInvalidRef, ErrSchemeNotAllowed, ErrOutsideRoot, context.Canceled} {
		if errors.Is(err, answer) {
			return false
		}
	}
	return true
}

// warnStale logs, once per entry, that a stale value is being served.
func (r *Resolver) warnStale(ctx context.Context, name string, e *entry, err error) {
	if r.log == nil || !e.warned.CompareAndSwap(false, true) {
		return
	}
	r.log.LogAttrs(ctx, slog.LevelWarn, "secret served stale: refetching it failed",
		slog.String("ref", name), slog.Duration("stale_for", time.Since(e.expires).Round(time.Millisecond)),
		slog.Duration("max_stale", r.maxStale), slog.String("error", err.Error()))
}
