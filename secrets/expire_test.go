package secrets_test

import (
	"errors"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/secrets"
)

// TestExpire checks that Expire refetches exactly the references it names
// (with or without "ref+"), that the others stay cached, and that an
// expired value is still served when the refetch fails (stale-if-error).
func TestExpire(t *testing.T) {
	t.Parallel()
	store := newFake(map[string]string{
		"ref+fake://kv/a": "S3CRET-a1",
		"ref+fake://kv/b": "S3CRET-b1",
		"ref+fake://kv/c": "S3CRET-c1",
	})
	r := newResolver(t, store, secrets.WithTTL(time.Hour), secrets.WithMaxStale(time.Hour))
	resolve := func(ref string) string {
		t.Helper()
		v, err := r.Resolve(t.Context(), ref)
		if err != nil {
			t.Fatalf("%s: %s", ref, show(err))
		}
		return v
	}
	for _, ref := range []string{"ref+fake://kv/a", "ref+fake://kv/b", "ref+fake://kv/c"} {
		resolve(ref)
	}
	store.Set("ref+fake://kv/a", "S3CRET-a2")
	store.Set("ref+fake://kv/b", "S3CRET-b2")
	store.Set("ref+fake://kv/c", "S3CRET-c2")

	r.Expire("ref+fake://kv/a", "fake://kv/b", "ref+fake://kv/not-cached")
	tests := []struct {
		ref, want string
		calls     int
	}{
		{"ref+fake://kv/a", "S3CRET-a2", 2}, // expired: fetched fresh
		{"ref+fake://kv/b", "S3CRET-b2", 2}, // named without ref+
		{"ref+fake://kv/c", "S3CRET-c1", 1}, // not named: still cached
	}
	for _, tc := range tests {
		if got := resolve(tc.ref); got != tc.want {
			t.Errorf("%s: not the value wanted (fresh when expired, cached otherwise)", tc.ref)
		}
		if n := store.Calls(tc.ref); n != tc.calls {
			t.Errorf("%s: %d backend calls, want %d", tc.ref, n, tc.calls)
		}
	}

	// Stale-if-error: an expired value whose refetch fails is served.
	store.Fail("ref+fake://kv/a", errors.New("backend down"))
	r.Expire("ref+fake://kv/a")
	if got := resolve("ref+fake://kv/a"); got != "S3CRET-a2" {
		t.Error("an expired value was not served when its refetch failed")
	}
	if n := store.Calls("ref+fake://kv/a"); n != 3 {
		t.Errorf("ref+fake://kv/a: %d backend calls, want 3 (the failed refetch)", n)
	}
}

// TestExpireFiles checks that ExpireFiles refetches the file and sops
// references that read the named files, and no other.
func TestExpireFiles(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"secrets/token.yaml": {Data: []byte("token: S3CRET-t1\n")},
		"other.yaml":         {Data: []byte("token: S3CRET-o1\n")},
	}
	store := newFake(map[string]string{"ref+fake://kv/x": "S3CRET-x1"})
	r := newResolver(t, store, secrets.WithFiles(fsys), secrets.WithTTL(time.Hour))
	refs := []string{"ref+file://secrets/token.yaml#/token", "ref+file://secrets/./token.yaml", "ref+file://other.yaml#/token", "ref+fake://kv/x"}
	for _, ref := range refs {
		if _, err := r.Resolve(t.Context(), ref); err != nil {
			t.Fatalf("%s: %s", ref, show(err))
		}
	}
	fsys["secrets/token.yaml"] = &fstest.MapFile{Data: []byte("token: S3CRET-t2\n")}
	fsys["other.yaml"] = &fstest.MapFile{Data: []byte("token: S3CRET-o2\n")}
	store.Set("ref+fake://kv/x", "S3CRET-x2")

	r.ExpireFiles("secrets/token.yaml")
	tests := []struct{ ref, want string }{
		{refs[0], "S3CRET-t2"},
		{refs[1], "token: S3CRET-t2\n"}, // the same file, named another way
		{refs[2], "S3CRET-o1"},          // another file: still cached
		{refs[3], "S3CRET-x1"},          // not a file: still cached
	}
	for _, tc := range tests {
		got, err := r.Resolve(t.Context(), tc.ref)
		if err != nil {
			t.Fatalf("%s: %s", tc.ref, show(err))
		}
		if got != tc.want {
			t.Errorf("%s: not the value wanted (fresh for the changed file, cached for the rest)", tc.ref)
		}
	}
}
