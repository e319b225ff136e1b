package sopsdec_test

import (
	"errors"
	"flag"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getsops/sops/v3/decrypt"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
)

var update = flag.Bool("update", false, "re-encrypt testdata/sops/plain into testdata/sops/sopsenc")

// knownDifferences lists the fixtures whose plaintext differs from what
// decrypt.Data gives, and why the difference stays. Empty: every fixture
// decrypts exactly as sops' own Go API decrypts it.
var knownDifferences = map[string]string{}

// TestCompatibility decrypts every fixture under testdata/sops (written by
// the project's own code and by the sops 3.13.3 program, to the demo age
// and PGP keys) with Decrypt, with each kind of key, and with sops' own Go
// API (decrypt.Data, which reads the demo keys from the environment), and
// wants the same documents, fixture by fixture.
// Not parallel: decrypt.Data reads its keys from the environment.
func TestCompatibility(t *testing.T) {
	sopstest.UseDemoKeys(t)
	ageKey := ageKeys(t, sopstest.DemoAgeIdentity(t))
	pgpKey := pgpKeys(t, sopstest.DemoPGPKey(t))
	keySets := []struct {
		name string
		keys sopsdec.Keys
		both bool // has the keys of both groups of a Shamir file
	}{
		{"age", ageKey, false},
		{"pgp", pgpKey, false},
		{"age+pgp", sopsdec.Join(ageKey, pgpKey), true},
		{"environment", sopsdec.EnvironmentKeys(), true},
	}
	exact, refused, total := 0, 0, 0
	for _, fx := range sopstest.Fixtures(t) {
		total++
		t.Run(fx.Name, func(t *testing.T) {
			want, wantErr := decrypt.Data(fx.Data, fx.Format)
			format := sopsdec.YAML
			if fx.Format == "json" {
				format = sopsdec.JSON
			}
			same := true
			for _, ks := range keySets {
				pt, err := sopsdec.Decrypt(t.Context(), fx.Data, format, ks.keys)
				switch {
				case fx.Refused:
					if wantErr == nil {
						t.Fatalf("decrypt.Data accepts a fixture marked as refused")
					}
					if !errors.Is(err, sopsdec.ErrIntegrity) {
						t.Errorf("%s: err = %v, want ErrIntegrity as sops refuses it", ks.name, err)
					}
					same = false
					continue
				case wantErr != nil:
					t.Fatalf("decrypt.Data: %v", wantErr)
				case fx.BothKeys && !ks.both:
					if !errors.Is(err, sopsdec.ErrNoKey) {
						t.Errorf("%s: err = %v, want ErrNoKey: one key group of two", ks.name, err)
					}
					continue
				case err != nil:
					t.Errorf("%s: Decrypt: %v", ks.name, err)
					same = false
					continue
				}
				wantDocs, err := sopstest.ParseAll(want)
				if err != nil {
					t.Fatalf("decrypt.Data's output does not parse: %v", err)
				}
				w, err := sopstest.DecodeAll(wantDocs)
				if err != nil {
					t.Fatal(err)
				}
				g, err := sopstest.DecodeAll(pt.Docs)
				if err != nil {
					t.Fatal(err)
				}
				if len(g) != len(w) {
					t.Errorf("%s: %d documents, decrypt.Data gives %d", ks.name, len(g), len(w))
					same = false
					continue
				}
				for i := range w {
					if d := sopstest.Diff(g[i], w[i], "doc"); d != "" {
						same = false
						if why, ok := knownDifferences[fx.Name]; ok {
							t.Logf("%s: known difference (%s): %s", ks.name, why, d)
						} else {
							t.Errorf("%s: differs from decrypt.Data: %s", ks.name, d)
						}
					}
				}
			}
			switch {
			case fx.Refused:
				refused++
			case same:
				exact++
				if _, ok := knownDifferences[fx.Name]; ok {
					t.Errorf("listed in knownDifferences, but decrypts exactly as decrypt.Data")
				}
			}
		})
	}
	t.Logf("compatibility: %d of %d fixtures decrypt exactly as decrypt.Data gives them; %d refused by both", exact, total, refused)
}

// creationRules is the part of a .sops.yaml that the fixtures use.
type creationRules struct {
	CreationRules []struct {
		PathRegex               string `yaml:"path_regex"`
		Age                     string `yaml:"age"`
		PGP                     string `yaml:"pgp"`
		EncryptedRegex          string `yaml:"encrypted_regex"`
		UnencryptedRegex        string `yaml:"unencrypted_regex"`
		EncryptedSuffix         string `yaml:"encrypted_suffix"`
		UnencryptedSuffix       string `yaml:"unencrypted_suffix"`
		EncryptedCommentRegex   string `yaml:"encrypted_comment_regex"`
		UnencryptedCommentRegex string `yaml:"unencrypted_comment_regex"`
		MACOnlyEncrypted        bool   `yaml:"mac_only_encrypted"`
		ShamirThreshold         int    `yaml:"shamir_threshold"`
		KeyGroups               []struct {
			Age []string `yaml:"age"`
			PGP []string `yaml:"pgp"`
		} `yaml:"key_groups"`
	} `yaml:"creation_rules"`
}

// TestFixtures checks that every plain fixture has its encrypted forms,
// and with -update re-encrypts them with the project's own code, by the
// same creation rules the sops program is given
// (testdata/sops/make-sops-cli-fixtures.sh).
func TestFixtures(t *testing.T) {
	t.Parallel()
	dir := sopstest.Dir(t)
	var rules creationRules
	data, err := os.ReadFile(filepath.Join(dir, "creation-rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &rules); err != nil {
		t.Fatal(err)
	}
	pub, err := os.ReadFile(filepath.Join(dir, "demo-pgp-key.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	const demoFingerprint = "60297053E4077920027FC0CE0C03F6A37434B180"
	pgpByFingerprint := map[string][]byte{demoFingerprint: pub}

	plains, err := filepath.Glob(filepath.Join(dir, "plain", "*"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(plains)
	for _, p := range plains {
		name := filepath.Base(p)
		ext := strings.TrimPrefix(path.Ext(name), ".")
		base := strings.TrimSuffix(name, "."+ext)
		encName := base + ".sops." + ext
		if !*update {
			for _, d := range sopstest.Encrypted {
				if _, err := os.Stat(filepath.Join(dir, d, encName)); err != nil {
					t.Errorf("%s: no %s/%s (run the generators: see testdata/sops/README.md)", name, d, encName)
				}
			}
			continue
		}
		rel := "plain/" + name
		var o sopsenc.Options
		o.Format = ext
		for _, r := range rules.CreationRules {
			if !regexp.MustCompile(r.PathRegex).MatchString(rel) {
				continue
			}
			o.Rules = sopsenc.Rules{
				EncryptedRegex: r.EncryptedRegex, UnencryptedRegex: r.UnencryptedRegex,
				EncryptedSuffix: r.EncryptedSuffix, UnencryptedSuffix: r.UnencryptedSuffix,
				EncryptedCommentRegex: r.EncryptedCommentRegex, UnencryptedCommentRegex: r.UnencryptedCommentRegex,
			}
			o.MACOnlyEncrypted, o.ShamirThreshold = r.MACOnlyEncrypted, r.ShamirThreshold
			group := func(age, pgp []string) sopsenc.Group {
				g := sopsenc.Group{Age: age}
				for _, fp := range pgp {
					key, ok := pgpByFingerprint[fp]
					if !ok {
						t.Fatalf("creation rule for %s: unknown PGP key %s", name, fp)
					}
					g.PGP = append(g.PGP, key)
				}
				return g
			}
			if len(r.KeyGroups) > 0 {
				for _, kg := range r.KeyGroups {
					o.Groups = append(o.Groups, group(kg.Age, kg.PGP))
				}
			} else {
				o.Groups = []sopsenc.Group{group(splitList(r.Age), splitList(r.PGP))}
			}
			break
		}
		plain, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		enc, err := sopsenc.Encrypt(plain, o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if base == "no_mac" {
			enc = regexp.MustCompile(`(?m)^\s*"?mac"?: .*\n`).ReplaceAll(enc, nil) // modeled on sops' no_mac.yaml
		}
		testkit.AssertNoLeak(t, encName, string(enc), "demo-password-123", "apple-secret")
		if err := os.WriteFile(filepath.Join(dir, "sopsenc", encName), enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
