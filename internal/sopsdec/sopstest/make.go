package sopstest

import (
	"testing"

	"filippo.io/age"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsenc"
)

// NewAgeKey returns a fresh age identity (secret key text) and its
// recipient.
func NewAgeKey(t testing.TB) (identity, recipient string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.String(), id.Recipient().String()
}

// Encrypt encrypts a plain YAML document to recipient with the real sops
// code, as `sops --encrypt --age` does.
func Encrypt(t testing.TB, plain string, rules sopsenc.Rules, recipient string) []byte {
	t.Helper()
	out, err := sopsenc.EncryptYAML([]byte(plain), rules, recipient)
	if err != nil {
		t.Fatalf("encrypt: %v", err)
	}
	return out
}

// EditYAML parses an encrypted file, lets edit change its first document's
// top mapping (to tamper with it, say), and writes it back.
func EditYAML(t testing.TB, data []byte, edit func(top *yaml.Node)) []byte {
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

// Child returns the value of key in mapping m.
func Child(t testing.TB, m *yaml.Node, key string) *yaml.Node {
	t.Helper()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	t.Fatalf("no key %q", key)
	return nil
}
