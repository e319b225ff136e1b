package loader

import (
	"testing"
	"testing/fstest"

	"filippo.io/age"

	"github.com/hushflow/hushflow/internal/sopsenc"
)

// TestUnchangedFilesAreNotParsedAgain checks that a load with a cache takes
// unchanged files, decrypted ones included, from it.
func TestUnchangedFilesAreNotParsedAgain(t *testing.T) {
	t.Parallel()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := sopsenc.EncryptYAML([]byte("secrets:\n  A: cached-value\n"), sopsenc.Rules{}, id.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"s.sops.yaml": {Data: enc}, "a.yaml": {Data: []byte("x: 1\n")}}
	cfg, err := newConfig([]Option{WithAgeIdentities(id.String())})
	if err != nil {
		t.Fatal(err)
	}
	st, err := newState(cfg, fsys)
	if err != nil {
		t.Fatal(err)
	}
	cache := &parseCache{}
	st.cache = cache
	load := func() error { _, err := st.load(t.Context(), source{fsys: fsys}); return err }
	if err := load(); err != nil {
		t.Fatal(err)
	}
	first := cache.byPath["s.sops.yaml"]
	firstPlain := cache.byPath["a.yaml"]
	fsys["a.yaml"] = &fstest.MapFile{Data: []byte("x: 2\n")}
	if err := load(); err != nil {
		t.Fatal(err)
	}
	if cache.byPath["s.sops.yaml"] != first {
		t.Error("the unchanged encrypted file was parsed and decrypted again")
	}
	if cache.byPath["a.yaml"] == firstPlain {
		t.Error("the changed file was taken from the cache")
	}
	delete(fsys, "a.yaml")
	if err := load(); err != nil {
		t.Fatal(err)
	}
	if _, ok := cache.byPath["a.yaml"]; ok {
		t.Error("a deleted file stays in the cache")
	}
}
