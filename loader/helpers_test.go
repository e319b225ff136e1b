package loader_test

import (
	"testing"

	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// limit returns WithLimits of DefaultLimits changed by set.
func limit(set func(*loader.Limits)) loader.Option {
	l := loader.DefaultLimits()
	set(&l)
	return loader.WithLimits(l)
}

// withStore makes the workspace's resolver answer ref+fake:// references
// from store, besides the schemes given.
func withStore(store *secretstest.Store, opts ...secrets.Option) loader.Option {
	base := []secrets.Option{secrets.WithBackend(store), secrets.WithSchemes("fake", "echo", "envsubst", "file", "sops")}
	return loader.WithResolverOptions(append(base, opts...)...)
}

// assertNoLeak is testkit.AssertNoLeak, for the tests written before it.
func assertNoLeak(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	testkit.AssertNoLeak(t, what, text, secrets...)
}

// The sops fixtures helpers shared with internal/sopsdec's tests.
var (
	newAgeKey = sopstest.NewAgeKey
	encrypt   = sopstest.Encrypt
	editYAML  = sopstest.EditYAML
	child     = sopstest.Child
)
