package loader_test

import (
	"testing"

	"filippo.io/age"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/internal/testkit/fakestore"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
)

// newAgeKey returns a fresh age identity (secret key text) and its recipient.
func newAgeKey(t testing.TB) (identity, recipient string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.String(), id.Recipient().String()
}

// encrypt encrypts a plain YAML document with the real sops code.
func encrypt(t testing.TB, plain string, rules sopsenc.Rules, recipient string) []byte {
	t.Helper()
	out, err := sopsenc.EncryptYAML([]byte(plain), rules, recipient)
	if err != nil {
		t.Fatalf("encrypt: %v", err)
	}
	return out
}

// editYAML parses an encrypted file, lets edit change it, and writes it back.
func editYAML(t testing.TB, data []byte, edit func(top *yaml.Node)) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc.Content[0])
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// child returns the value of key in mapping m.
func child(t testing.TB, m *yaml.Node, key string) *yaml.Node {
	t.Helper()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	t.Fatalf("no key %q", key)
	return nil
}

// limit returns WithLimits of DefaultLimits changed by set.
func limit(set func(*loader.Limits)) loader.Option {
	l := loader.DefaultLimits()
	set(&l)
	return loader.WithLimits(l)
}

// withStore makes the workspace's resolver answer ref+fake:// references
// from store, besides the schemes given.
func withStore(store *fakestore.Store, opts ...secrets.Option) loader.Option {
	base := []secrets.Option{secrets.WithBackend(store), secrets.WithSchemes("fake", "echo", "envsubst", "file", "sops")}
	return loader.WithResolverOptions(append(base, opts...)...)
}

// assertNoLeak is testkit.AssertNoLeak, for the tests written before it.
func assertNoLeak(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	testkit.AssertNoLeak(t, what, text, secrets...)
}
