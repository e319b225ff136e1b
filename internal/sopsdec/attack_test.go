package sopsdec_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/getsops/sops/v3/decrypt"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/internal/testkit"
)

// fixtureSecrets are plaintexts of the fixtures that only ever appear
// encrypted in them: no error may show one.
var fixtureSecrets = []string{
	"hello-there", "apple-secret", "banana-secret", "tok-0000-demo", "hidden-by-default", "only-this-is-encrypted",
	"demo-password-123", "deep-nested-value", "demo-api-key-000", "demo-private-token", "demo-db-password",
	"demo-mac-only-password", "first-document-secret", "demo-json-password", "demo-deploy-token", "demo-shamir-secret",
	"demo-no-mac-value", "encrypted-for-real",
}

// TestTamperedFixtures attacks the files the sops program wrote. An
// alteration sops' integrity checks catch must be refused with
// ErrIntegrity, never loaded, never quoted. sops' MAC covers values, not
// keys, and with mac_only_encrypted only encrypted values: a cleartext
// value's key renamed, or a cleartext value added, passes sops' checks.
// Decrypt then does as decrypt.Data does (it has nothing to check them
// against), and the test says so instead of pretending otherwise.
// Not parallel: decrypt.Data reads the demo keys from the environment.
func TestTamperedFixtures(t *testing.T) {
	sopstest.UseDemoKeys(t)
	keys := sopsdec.Join(ageKeys(t, sopstest.DemoAgeIdentity(t)), pgpKeys(t, sopstest.DemoPGPKey(t)))
	type attack struct {
		name string
		edit func(top *yaml.Node) bool // false: not applicable to this file
		want error                     // nil: refused only if sops refuses it too
	}
	firstEnc := func(n *yaml.Node) *yaml.Node {
		var found *yaml.Node
		var walk func(n *yaml.Node, top bool)
		walk = func(n *yaml.Node, top bool) {
			for i, c := range n.Content {
				if found != nil {
					return
				}
				if top && n.Kind == yaml.MappingNode && i%2 == 0 && c.Value == "sops" {
					return
				}
				if c.Kind == yaml.ScalarNode && strings.HasPrefix(c.Value, "ENC[") && !strings.Contains(c.Value, "type:comment") {
					found = c
					return
				}
				walk(c, false)
			}
		}
		walk(n, true)
		return found
	}
	meta := func(top *yaml.Node) *yaml.Node {
		for i := 0; i+1 < len(top.Content); i += 2 {
			if top.Content[i].Value == "sops" {
				return top.Content[i+1]
			}
		}
		return nil
	}
	retype := func(to string) attack {
		return attack{"a value's type changed to " + to, func(top *yaml.Node) bool {
			n := firstEnc(top)
			if n == nil || !strings.Contains(n.Value, "type:str]") {
				return false
			}
			n.Value = strings.Replace(n.Value, "type:str]", "type:"+to+"]", 1)
			return true
		}, sopsdec.ErrIntegrity}
	}
	attacks := []attack{
		{"a value's data altered", func(top *yaml.Node) bool {
			n := firstEnc(top)
			if n == nil {
				return false
			}
			n.Value = strings.Replace(n.Value, "data:", "data:AAAA", 1)
			return true
		}, sopsdec.ErrIntegrity},
		// type:bytes made sops' cipher panic (its IV cache is a map keyed
		// by the plaintext), in a goroutine of the loader's: the process died.
		retype("int"), retype("float"), retype("bool"), retype("time"), retype("bytes"), retype("comment"),
		{"a value replaced by plaintext", func(top *yaml.Node) bool {
			n := firstEnc(top)
			if n == nil {
				return false
			}
			n.Value, n.Tag = "planted plaintext", "!!str"
			return true
		}, sopsdec.ErrIntegrity},
		{"MAC removed", func(top *yaml.Node) bool {
			m := meta(top)
			for i := 0; m != nil && i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == "mac" {
					m.Content = append(m.Content[:i], m.Content[i+2:]...)
					return true
				}
			}
			return false
		}, sopsdec.ErrIntegrity},
		{"lastmodified changed", func(top *yaml.Node) bool {
			m := meta(top)
			for i := 0; m != nil && i+1 < len(m.Content); i += 2 {
				if m.Content[i].Value == "lastmodified" {
					m.Content[i+1].Value = "2001-01-01T00:00:00Z"
					return true
				}
			}
			return false
		}, sopsdec.ErrIntegrity},
		{"a top-level key added", func(top *yaml.Node) bool {
			top.Content = append(top.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "added_unencrypted"},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "sneaked in"})
			return true
		}, nil},
		{"a key renamed", func(top *yaml.Node) bool {
			if len(top.Content) < 2 || top.Content[0].Value == "sops" {
				return false
			}
			top.Content[0].Value += "_renamed"
			return true
		}, nil},
	}
	tried, uncovered := 0, 0
	for _, fx := range sopstest.Fixtures(t) {
		if fx.Format != "yaml" || fx.Refused || !strings.HasPrefix(fx.Name, "sops-cli/") {
			continue
		}
		for _, a := range attacks {
			var doc yaml.Node
			if err := yaml.Unmarshal(fx.Data, &doc); err != nil {
				t.Fatal(err)
			}
			if !a.edit(doc.Content[0]) {
				continue
			}
			var buf bytes.Buffer
			enc := yaml.NewEncoder(&buf)
			enc.SetIndent(4)
			if err := enc.Encode(&doc); err != nil {
				t.Fatal(err)
			}
			tried++
			sopsErr := sopsRefuses(buf.Bytes())
			pt, err := sopsdec.Decrypt(t.Context(), buf.Bytes(), sopsdec.YAML, keys)
			if err != nil {
				testkit.AssertNoLeak(t, fx.Name+", "+a.name, err.Error(), fixtureSecrets...)
			}
			switch {
			case a.want != nil && err == nil:
				t.Errorf("%s, %s: Decrypt accepted it (%d documents)", fx.Name, a.name, len(pt.Docs))
			case a.want != nil && !errors.Is(err, a.want):
				t.Errorf("%s, %s: err = %s, want %v", fx.Name, a.name, testkit.Hide(err.Error(), fixtureSecrets...), a.want)
			case a.want != nil && sopsErr == nil:
				t.Errorf("%s, %s: decrypt.Data accepts what this test says sops refuses", fx.Name, a.name)
			case a.want == nil && (err == nil) != (sopsErr == nil):
				t.Errorf("%s, %s: Decrypt says %v, decrypt.Data says %v", fx.Name, a.name, err, sopsErr)
			case a.want == nil && err != nil && !errors.Is(err, sopsdec.ErrIntegrity):
				t.Errorf("%s, %s: err = %v, want ErrIntegrity", fx.Name, a.name, err)
			case a.want == nil && err == nil:
				uncovered++ // sops' MAC does not cover it: neither refuses it
			}
		}
	}
	t.Logf("%d attacks on files the sops program wrote; %d pass sops' own checks too (a cleartext key renamed or added)", tried, uncovered)
	if tried == 0 {
		t.Fatal("no attack applied: the test would prove nothing")
	}
}

// sopsRefuses returns decrypt.Data's error on data; a panic of sops' (as
// type:bytes causes in sops 3.13.3, the program's too) counts as refusing.
func sopsRefuses(data []byte) (err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("sops panicked")
		}
	}()
	_, err = decrypt.Data(data, "yaml")
	return err
}

// FuzzDecrypt feeds arbitrary bytes, and fixtures the fuzzer mutates, to
// Decrypt: it must return a plaintext or an error, never panic, and no
// error may show a plaintext that the input holds only encrypted.
func FuzzDecrypt(f *testing.F) {
	for _, fx := range sopstest.Fixtures(f) {
		if fx.Format == "yaml" && len(fx.Data) < 20_000 {
			f.Add(fx.Data)
		}
	}
	f.Add([]byte("sops: {mac: x, version: 3.9.0}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("a: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\n"))
	f.Add([]byte("--- \n- 1\n---\nb: 2\n"))
	keys := sopsdec.Join(ageKeys(f, sopstest.DemoAgeIdentity(f)), pgpKeys(f, sopstest.DemoPGPKey(f)))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []sopsdec.Format{sopsdec.YAML, sopsdec.JSON} {
			pt, err := sopsdec.Decrypt(t.Context(), data, format, keys)
			if err != nil {
				var hidden []string
				for _, s := range fixtureSecrets {
					if !bytes.Contains(data, []byte(s)) {
						hidden = append(hidden, s)
					}
				}
				testkit.AssertNoLeak(t, "error", err.Error(), hidden...)
				if !errors.Is(err, sopsdec.ErrDecrypt) {
					t.Errorf("error does not wrap ErrDecrypt: %s", testkit.Hide(err.Error(), hidden...))
				}
				continue
			}
			for n := range pt.Encrypted {
				if n.Kind != yaml.ScalarNode {
					t.Errorf("a %v node marked as encrypted", n.Kind)
				}
			}
			if _, err := sopstest.DecodeAll(pt.Docs); err != nil {
				t.Errorf("the plaintext does not decode: %v", err)
			}
		}
	})
}
