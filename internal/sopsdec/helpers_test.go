package sopsdec_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"filippo.io/age"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/internal/sopsenc"
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

func ageKeys(t testing.TB, ids ...string) sopsdec.Keys {
	t.Helper()
	k, err := sopsdec.AgeKeys(ids...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// editYAML parses an encrypted file, lets edit change its first document's
// top mapping, and writes it back.
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

// decodeDocs decodes each document into a Go value.
func decodeDocs(t testing.TB, docs []*yaml.Node) []any {
	t.Helper()
	out, err := sopstest.DecodeAll(docs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// parseDocs parses every YAML document of data (the output of sops -d).
func parseDocs(t testing.TB, data []byte) []*yaml.Node {
	t.Helper()
	docs, err := sopstest.ParseAll(data)
	if err != nil {
		t.Fatalf("sops' output does not parse: %v", err)
	}
	return docs
}

var diff = sopstest.Diff

// isolateSopsEnv points every place sops looks for keys at nothing, so
// that only what a test sets is found; a fall back to gpg fails.
func isolateSopsEnv(t *testing.T) { sopstest.Isolate(t) }

// paths returns the dotted paths of the nodes in set, sorted, found by
// walking docs.
func paths(docs []*yaml.Node, set map[*yaml.Node]bool) []string {
	var out []string
	var walk func(n *yaml.Node, at string)
	walk = func(n *yaml.Node, at string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, at)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if at != "" {
					p = at + "." + p
				}
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", at, i))
			}
		default:
			if set[n] {
				out = append(out, at)
			}
		}
	}
	for _, d := range docs {
		walk(d, "")
	}
	sort.Strings(out)
	return out
}

func joinLines(lines ...string) string { return strings.Join(lines, "\n") + "\n" }
