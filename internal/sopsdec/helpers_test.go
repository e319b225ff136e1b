package sopsdec_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
)

func ageKeys(t testing.TB, ids ...string) sopsdec.Keys {
	t.Helper()
	k, err := sopsdec.AgeKeys(ids...)
	if err != nil {
		t.Fatal(err)
	}
	return k
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

// The sops fixtures helpers shared with internal/sopsdec's tests.
var (
	newAgeKey = sopstest.NewAgeKey
	encrypt   = sopstest.Encrypt
	editYAML  = sopstest.EditYAML
	child     = sopstest.Child
)
