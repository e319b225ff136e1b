package loader_test

import (
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
)

// FuzzLoad feeds arbitrary contents to the loader as a plain file and as a
// sops file: it must return a workspace or an error, never panic, and never
// put the fuzzed secret into an error.
func FuzzLoad(f *testing.F) {
	id, rcpt := newAgeKey(f)
	enc := encrypt(f, "secrets:\n  A: fuzz-secret-value\n  L: [1, two]\n", sopsenc.Rules{}, rcpt)
	f.Add([]byte(plainActions))
	f.Add(enc)
	f.Add([]byte(billionLaughs))
	f.Add([]byte("sops: {mac: x, version: 3.9.0}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("--- \n- 1\n---\nb: 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"plain.yaml":  {Data: data},
			"s.sops.yaml": {Data: data},
			"ok.sops.yml": {Data: enc},
		}
		ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id), limit(func(l *loader.Limits) { l.MaxNodes = 10_000 }))
		if err != nil {
			testkit.AssertNoLeak(t, "error", err.Error(), "fuzz-secret-value")
			return
		}
		var v any
		_ = ws.Decode(&v)
		if _, err := ws.MaskedYAML(); err != nil {
			t.Fatalf("MaskedYAML: %v", err)
		}
	})
}
