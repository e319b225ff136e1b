package loader_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/getsops/sops/v3/decrypt"

	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/loader"
)

// loaderKnownDifferences lists the fixtures a workspace holds differently
// from what decrypt.Data gives, and why the difference stays. Empty: each
// YAML fixture loads exactly as sops' own Go API decrypts it.
var loaderKnownDifferences = map[string]string{}

// TestSopsCompatibility loads every YAML fixture under testdata/sops
// (written by the project's own code and by the sops 3.13.3 program) as a
// one-file workspace and wants Decode to give what sops' own Go API
// (decrypt.Data) gives, documents merged as the loader merges them: with the
// demo age key handed in, and with the demo keys in the environment.
// Not parallel: decrypt.Data reads its keys from the environment.
func TestSopsCompatibility(t *testing.T) {
	sopstest.UseDemoKeys(t)
	withKey := []loader.Option{loader.WithAgeIdentities(sopstest.DemoAgeIdentity(t))}
	exact, refused, total := 0, 0, 0
	for _, fx := range sopstest.Fixtures(t) {
		if fx.Format != "yaml" {
			continue // the loader reads YAML workflow files only
		}
		total++
		t.Run(fx.Name, func(t *testing.T) {
			want, wantErr := decrypt.Data(fx.Data, "yaml")
			same := true
			for _, mode := range []struct {
				name string
				opts []loader.Option
			}{{"age key handed in", withKey}, {"environment", nil}} {
				ws, err := loader.Load(t.Context(), fstest.MapFS{"fixture.sops.yaml": {Data: fx.Data}}, mode.opts...)
				switch {
				case fx.Refused:
					if wantErr == nil {
						t.Fatal("decrypt.Data accepts a fixture marked as refused")
					}
					if !errors.Is(err, loader.ErrIntegrity) {
						t.Errorf("%s: err = %v, want ErrIntegrity as sops refuses it", mode.name, err)
					}
					same = false
					continue
				case wantErr != nil:
					t.Fatalf("decrypt.Data: %v", wantErr)
				case fx.BothKeys && mode.opts != nil:
					if !errors.Is(err, loader.ErrNoKey) {
						t.Errorf("%s: err = %v, want ErrNoKey: the age key is one group of two", mode.name, err)
					}
					continue
				case err != nil:
					t.Errorf("%s: Load: %v", mode.name, err)
					same = false
					continue
				}
				var got map[string]any
				if err := ws.Decode(&got); err != nil {
					t.Errorf("%s: Decode: %v", mode.name, err)
					same = false
					continue
				}
				docs, err := sopstest.ParseAll(want)
				if err != nil {
					t.Fatal(err)
				}
				vals, err := sopstest.DecodeAll(docs)
				if err != nil {
					t.Fatal(err)
				}
				merged := map[string]any{}
				for _, v := range vals {
					m, _ := v.(map[string]any)
					for k, x := range m {
						merged[k] = x
					}
				}
				if d := sopstest.Diff(got, merged, "workspace"); d != "" {
					same = false
					if why, ok := loaderKnownDifferences[fx.Name]; ok {
						t.Logf("%s: known difference (%s): %s", mode.name, why, d)
					} else {
						t.Errorf("%s: differs from decrypt.Data: %s", mode.name, d)
					}
				}
			}
			switch {
			case fx.Refused:
				refused++
			case same:
				exact++
				if _, ok := loaderKnownDifferences[fx.Name]; ok {
					t.Error("listed in loaderKnownDifferences, but loads exactly as decrypt.Data gives it")
				}
			}
		})
	}
	t.Logf("compatibility: %d of %d YAML fixtures load exactly as decrypt.Data gives them; %d refused by both", exact, total, refused)
}
