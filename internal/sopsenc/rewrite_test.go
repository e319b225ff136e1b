package sopsenc_test

import (
	"context"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/internal/sopsenc"
)

// RewriteYAML saves new content as sops edit does: the age stanza (the
// encrypted data key) is the same bytes, the values are the new ones, and
// the file decrypts with the same identity; an identity that does not
// open the file cannot rewrite it.
func TestRewriteYAMLKeepsTheDataKey(t *testing.T) {
	t.Parallel()
	id, recipient := sopstest.NewAgeKey(t)
	stranger, _ := sopstest.NewAgeKey(t)
	before := sopstest.Encrypt(t, "token: before-value\n", sopsenc.Rules{}, recipient)
	after, err := sopsenc.RewriteYAML(before, []byte("token: after-value\nport: 8080\n"), id)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := stanza(t, before), stanza(t, after); a == "" || a != b {
		t.Errorf("the encrypted data key changed:\n%s\n%s", a, b)
	}
	keys, err := sopsdec.AgeKeys(id)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := sopsdec.Decrypt(context.Background(), after, sopsdec.YAML, keys)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := pt.Docs[0].Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got["token"] != "after-value" || got["port"] != 8080 {
		t.Errorf("decrypts to %v", got)
	}
	if _, err := sopsenc.RewriteYAML(before, []byte("token: x\n"), stranger); err == nil {
		t.Error("an identity that does not open the file rewrote it")
	}
}

// stanza returns the file's sops.age[0].enc.
func stanza(t *testing.T, file []byte) string {
	t.Helper()
	var doc struct {
		Sops struct {
			Age []struct{ Enc string } `yaml:"age"`
		} `yaml:"sops"`
	}
	if err := yaml.Unmarshal(file, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Sops.Age) != 1 {
		return ""
	}
	return strings.TrimSpace(doc.Sops.Age[0].Enc)
}
