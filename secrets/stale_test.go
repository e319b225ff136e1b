package secrets_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

// A backend slower than the caller's deadline does not fail a caller that
// holds a stale value: the stale value is served before the deadline, and
// the refetch, going on detached, caches the new value for the next caller.
func TestSlowRefetchServesStaleBeforeTheDeadline(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const ref = "ref+fake://slow/token"
		f := newFake(map[string]string{ref: "S3CRET-old"})
		r := newResolver(t, f, secrets.WithoutCircuitBreaker())
		if _, err := r.Resolve(t.Context(), ref); err != nil {
			t.Fatal(show(err))
		}
		r.MarkStale()
		f.Set(ref, "S3CRET-new")
		f.SetLatency(300 * time.Millisecond)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		v, err := r.Resolve(ctx, ref)
		if err != nil || v != "S3CRET-old" {
			t.Fatalf("with a slow refetch: %s, want the stale value", show(err))
		}
		// Before the deadline, so that the caller (a render) can still use it.
		if ctx.Err() != nil {
			t.Error("the stale value came only once the caller's deadline had passed")
		}
		// The detached refetch lands in the cache.
		deadline := time.Now().Add(5 * time.Second)
		for {
			if v, err := r.Resolve(t.Context(), ref); err == nil && v == "S3CRET-new" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the refetch that outlived its first caller never reached the cache")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
