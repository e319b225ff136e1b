package sopsdec_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
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
	out := make([]any, 0, len(docs))
	for i, d := range docs {
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("document %d does not decode (message not shown: it may quote a value)", i)
		}
		out = append(out, v)
	}
	return out
}

// parseDocs parses every YAML document of data (the output of sops -d).
func parseDocs(t testing.TB, data []byte) []*yaml.Node {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var d yaml.Node
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				return docs
			}
			t.Fatalf("sops' output does not parse: %v", err)
		}
		docs = append(docs, &d)
	}
}

// diff compares two decoded documents as sops' readers see them (NaN
// equals NaN, times are equal instants, types count: 3 is not 3.0), and
// describes the first difference by path and types, never by value.
func diff(got, want any, at string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: %T, want a mapping", at, got)
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s: key %q missing", at, k)
			}
			if d := diff(gv, w[k], at+"."+k); d != "" {
				return d
			}
		}
		if len(g) != len(w) {
			return fmt.Sprintf("%s: %d keys, want %d", at, len(g), len(w))
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: %T, want a list", at, got)
		}
		if len(g) != len(w) {
			return fmt.Sprintf("%s: %d items, want %d", at, len(g), len(w))
		}
		for i := range w {
			if d := diff(g[i], w[i], fmt.Sprintf("%s[%d]", at, i)); d != "" {
				return d
			}
		}
		return ""
	case float64:
		g, ok := got.(float64)
		if !ok || !(g == w || math.IsNaN(g) && math.IsNaN(w)) {
			return fmt.Sprintf("%s: %T differs from the float64 wanted", at, got)
		}
		return ""
	case time.Time:
		g, ok := got.(time.Time)
		if !ok || !g.Equal(w) {
			return fmt.Sprintf("%s: %T differs from the time wanted", at, got)
		}
		return ""
	default:
		if reflect.TypeOf(got) != reflect.TypeOf(want) {
			return fmt.Sprintf("%s: %T, want %T", at, got, want)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("%s: the %T values differ", at, want)
		}
		return ""
	}
}

// isolateSopsEnv points every place sops looks for keys at nothing, so
// that only what a test sets is found.
func isolateSopsEnv(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_CMD", "SOPS_AGE_RECIPIENTS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("GNUPGHOME", dir)
	// Were sops to fall back to the gpg program, it would fail: PGP must
	// decrypt in process.
	t.Setenv("SOPS_GPG_EXEC", dir+"/no-gpg-here")
}

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
