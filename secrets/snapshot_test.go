package secrets_test

import (
	"sync"
	"testing"

	"github.com/hushflow/hushflow/secrets"
)

// Within a snapshot a reference keeps the value it first resolved to,
// nested references included, whatever happens to the cache.
func TestSnapshotPinsEveryValue(t *testing.T) {
	t.Parallel()
	f := newFake(map[string]string{
		"ref+fake://token":   "S3CRET-1",
		"ref+fake://env":     "prod",
		"ref+fake://db/prod": "S3CRET-db1",
		"ref+fake://db/test": "S3CRET-test",
	})
	r := newResolver(t, f)
	snap := r.Snapshot()
	want := map[string]string{
		"ref+fake://token":                 "S3CRET-1",
		"TOKEN=ref+fake://token+;":         "TOKEN=S3CRET-1;",
		"ref+fake://db/ref+fake://env":     "S3CRET-db1",
		"a=ref+fake://db/ref+fake://env b": "a=S3CRET-db1 b",
	}
	check := func(pass string) {
		t.Helper()
		for in, w := range want {
			if got, err := snap.Resolve(t.Context(), in); err != nil || got != w {
				t.Errorf("%s: snapshot Resolve(%q) changed (err %s)", pass, in, show(err))
			}
		}
	}
	check("first")
	f.Set("ref+fake://token", "S3CRET-2")
	f.Set("ref+fake://env", "test")
	r.Purge()
	check("after rotation and Purge")
	r.MarkStale()
	check("after MarkStale")
	if v, _ := r.Resolve(t.Context(), "ref+fake://token"); v != "S3CRET-2" {
		t.Error("the resolver itself did not see the rotation")
	}
	if v, _ := r.Resolve(t.Context(), "ref+fake://db/ref+fake://env"); v != "S3CRET-test" {
		t.Error("the resolver did not see the rotated inner value")
	}
	if v, _ := r.Snapshot().Resolve(t.Context(), "ref+fake://token"); v != "S3CRET-2" {
		t.Error("a new snapshot did not see the rotation")
	}
}

// Concurrent first uses of a reference in one snapshot agree, even when
// the value rotates between them.
func TestSnapshotConcurrentFirstUsesAgree(t *testing.T) {
	t.Parallel()
	const ref = "ref+fake://rot"
	f := newFake(map[string]string{ref: "S3CRET-a"})
	r := newResolver(t, f, secrets.WithTTL(0)) // every use asks the backend
	snap := r.Snapshot()
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			if i == 32 {
				f.Set(ref, "S3CRET-b")
			}
			v, err := snap.Resolve(t.Context(), ref)
			if err != nil {
				t.Error(show(err))
				return
			}
			mu.Lock()
			seen[v] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(seen) != 1 {
		t.Errorf("one snapshot gave %d different values for one reference", len(seen))
	}
}
