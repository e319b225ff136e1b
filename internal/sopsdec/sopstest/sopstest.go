// Package sopstest holds what the sops compatibility tests of sopsdec and
// loader share: the fixtures under testdata/sops, the demo keys, an
// environment in which sops' own Go API (decrypt.Data) finds those keys and
// nothing else, and a comparison of decrypted documents that never prints
// a value.
package sopstest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"go.yaml.in/yaml/v3"
)

// Root returns the repository's root directory.
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("sopstest: cannot find the repository")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Dir returns testdata/sops.
func Dir(t testing.TB) string { return filepath.Join(Root(t), "testdata", "sops") }

// A Fixture is one encrypted file of testdata/sops.
type Fixture struct {
	Name   string // slash-separated, relative to testdata/sops: "sops-cli/comments.sops.yaml"
	Base   string // the plain fixture it was made from: "comments"
	Format string // "yaml" or "json"
	Data   []byte
	// BothKeys: the file has two key groups (Shamir) and needs the demo
	// age key and the demo PGP key together.
	BothKeys bool
	// Refused: sops itself refuses the file (decrypt.Data fails); the
	// project must fail too.
	Refused bool
}

// Encrypted are the directories of encrypted fixtures: written by the
// project's own code (internal/sopsenc) and by the sops 3.13.3 program.
var Encrypted = []string{"sopsenc", "sops-cli"}

// Fixtures returns every encrypted fixture, sorted by name.
func Fixtures(t testing.TB) []Fixture {
	t.Helper()
	var out []Fixture
	for _, dir := range Encrypted {
		entries, err := os.ReadDir(filepath.Join(Dir(t), dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			base, ext, ok := strings.Cut(name, ".sops.")
			if !ok {
				continue
			}
			data, err := os.ReadFile(filepath.Join(Dir(t), dir, name))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, Fixture{
				Name: path.Join(dir, name), Base: base, Format: ext, Data: data,
				BothKeys: base == "shamir",
				Refused:  base == "no_mac",
			})
		}
	}
	if len(out) == 0 {
		t.Fatal("sopstest: no fixture found")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DemoAgeIdentity returns the demo age key (testdata/demo-age-key.txt).
func DemoAgeIdentity(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(t), "testdata", "demo-age-key.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// DemoPGPKey returns the demo PGP secret key, armored.
func DemoPGPKey(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Dir(t), "demo-pgp-key.asc"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// UseDemoKeys sets the environment so that sops' own code finds the demo
// keys and no other: SOPS_AGE_KEY_FILE, and a GNUPGHOME holding the demo PGP
// key in GnuPG's legacy keyring (secring.gpg, which sops reads in process
// with go-crypto). SOPS_GPG_EXEC points at nothing, so that a fall back to
// the gpg program fails instead of running it. The test must not be
// parallel.
func UseDemoKeys(t *testing.T) {
	t.Helper()
	Isolate(t)
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(Root(t), "testdata", "demo-age-key.txt"))
	block, err := armor.Decode(bytes.NewReader(DemoPGPKey(t)))
	if err != nil {
		t.Fatal(err)
	}
	ring, err := io.ReadAll(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "secring.gpg"), ring, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GNUPGHOME", home)
}

// Isolate points every place sops looks for keys at nothing.
func Isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_CMD", "SOPS_AGE_RECIPIENTS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("GNUPGHOME", dir)
	t.Setenv("SOPS_GPG_EXEC", filepath.Join(dir, "no-gpg-here"))
}

// ParseAll parses every YAML (or JSON) document of data, as a reader of
// `sops -d` does.
func ParseAll(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var d yaml.Node
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &d)
	}
}

// DecodeAll decodes each document into a Go value. Its error never quotes
// the decoder's message, which may hold a value.
func DecodeAll(docs []*yaml.Node) ([]any, error) {
	out := make([]any, 0, len(docs))
	for i, d := range docs {
		var v any
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("document %d does not decode", i+1)
		}
		out = append(out, v)
	}
	return out, nil
}

// Diff compares two decoded values as sops' readers see them (types count:
// 3 is not 3.0; NaN equals NaN; times are equal instants) and describes the
// first difference by path and type, never by value; "" when equal.
func Diff(got, want any, at string) string {
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
			if d := Diff(gv, w[k], at+"."+k); d != "" {
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
			if d := Diff(g[i], w[i], fmt.Sprintf("%s[%d]", at, i)); d != "" {
				return d
			}
		}
		return ""
	case float64:
		g, ok := got.(float64)
		if !ok || !(g == w || math.IsNaN(g) && math.IsNaN(w)) {
			return fmt.Sprintf("%s: a %T differs from the float64 wanted", at, got)
		}
		return ""
	case time.Time:
		g, ok := got.(time.Time)
		if !ok || !g.Equal(w) {
			return fmt.Sprintf("%s: a %T differs from the time wanted", at, got)
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
