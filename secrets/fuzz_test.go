package secrets_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/secrets"
)

// hashBackend answers every reference with a value derived from it, and
// fails references that contain "fail" (with a message naming no value).
// It remembers every value it gave.
type hashBackend struct {
	mu   sync.Mutex
	gave []string
}

func (h *hashBackend) Get(_ context.Context, ref string) (string, error) {
	if strings.Contains(ref, "fail") {
		return "", secrets.ErrNotFound
	}
	sum := sha256.Sum256([]byte(ref))
	v := "S3CRET" + hex.EncodeToString(sum[:6])
	if strings.Contains(ref, "nest") { // a value that is itself a reference
		v = "ref+fake://" + v
	}
	h.mu.Lock()
	h.gave = append(h.gave, v)
	h.mu.Unlock()
	return v, nil
}

func (h *hashBackend) values() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.gave...)
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"plain",
		"ref+fake://a/b",
		"x=ref+fake://a/b+y ref+echo://c/d",
		"ref+fake://x/ref+fake://inner/a+/ref+fake://inner/b",
		"ref+fake://fail/ref+fake://inner/a",
		"ref+fake://ref+fake://nest/x",
		"secretref+fake://a/b#/c?d=e",
		"ref+exec://rm -rf /",
		"ref+ref+ref+fake://nest/nest",
		`"ref+fake://q/r", ref+fake://s/t`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := &hashBackend{}
		r, err := secrets.New(secrets.WithBackend(h), secrets.WithSchemes("fake", "echo"))
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Resolve(context.Background(), s)
		if !secrets.IsRef(s) {
			if err != nil || out != s {
				t.Fatalf("a string with no reference changed (err %v)", err)
			}
			if len(h.values()) > 0 {
				t.Fatal("a backend was asked for a string with no reference")
			}
		}
		if err == nil {
			return
		}
		var e *secrets.Error
		if !strings.Contains(err.Error(), "secrets: ") || !errors.As(err, &e) {
			t.Fatalf("error is not a *secrets.Error: %T", err)
		}
		for _, v := range h.values() {
			if !strings.Contains(s, v) && strings.Contains(err.Error(), v) {
				t.Fatal("a resolved value reached the error")
			}
		}
	})
}

// With the real vals file backend: whatever the secret, a fragment that
// walks into it, or a document that is only it, gives an error without it.
func FuzzValsErrorsNeverQuoteTheData(f *testing.F) {
	for _, s := range []string{"S3CRET", "hunter2", "multi\nline", "`tick`", "x: y", "[1, 2]", "{a: b}", "5", "true", "~"} {
		f.Add(s)
	}
	dir := f.TempDir()
	doc := filepath.Join(dir, "doc.yaml")
	scalar := filepath.Join(dir, "scalar.yaml")
	// vals' own file provider, whose messages quote data: WithBackend hands
	// it the host's files.
	r, err := secrets.New(secrets.WithTTL(0), secrets.WithBackend(secrets.NewValsBackend(secrets.ValsOptions{})))
	if err != nil {
		f.Fatal(err)
	}
	refs := []string{"ref+file://" + doc + "#/db/password/x", "ref+file://" + scalar + "#/a", "ref+file://" + doc + "#/db"}
	errorsWith := func(t *testing.T, secret string) []string {
		d, err := yaml.Marshal(map[string]any{"db": map[string]any{"password": secret}})
		if err != nil {
			t.Skip("not representable in YAML")
		}
		s, _ := yaml.Marshal(secret)
		if err := os.WriteFile(doc, d, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(scalar, s, 0o600); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ref := range refs {
			_, err := r.Resolve(context.Background(), ref)
			if err == nil {
				out = append(out, "")
			} else {
				out = append(out, err.Error())
			}
		}
		return out
	}
	f.Fuzz(func(t *testing.T, secret string) {
		if len(secret) < 3 {
			return
		}
		baseline := errorsWith(t, "placeholder-value")
		got := errorsWith(t, secret)
		for i := range refs {
			if strings.Contains(baseline[i], secret) {
				continue // the secret is a word our message holds anyway
			}
			if strings.Contains(got[i], secret) {
				t.Errorf("%s: the value reached the error", refs[i])
			}
		}
	})
}

// Whatever a workspace file holds and whatever fragment a reference names,
// the in-process file reader answers or fails without quoting the file, and
// never reads outside its file system.
func FuzzFilesFragment(f *testing.F) {
	for _, s := range []struct{ doc, frag string }{
		{"db:\n  password: S3CRET\n", "db/password"},
		{"a: &x {b: S3CRET}\nc:\n  <<: *x\n", "c/b"},
		{"- S3CRET\n", "0"},
		{"S3CRET: [1, 2]\n", "S3CRET"},
		{"k: 2024-01-01\n", "k"},
		{"k: !!binary UzNDUkVU\n", "k"},
		{"{\"a\": {\"b\": 1.50}}", "a/b"},
		{"a: [\n", "a"},
	} {
		f.Add(s.doc, s.frag)
	}
	f.Fuzz(func(t *testing.T, doc, frag string) {
		if strings.ContainsAny(frag, "+ \n?#\"") || frag == "" {
			return // not a fragment vals' syntax can carry
		}
		files := fstest.MapFS{"d.yaml": {Data: []byte(doc)}}
		r, err := secrets.New(secrets.WithFiles(files), secrets.WithTTL(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Resolve(context.Background(), "ref+file://d.yaml#/"+frag)
		if err == nil {
			return
		}
		msg := strings.ReplaceAll(err.Error(), "ref+file://d.yaml#/"+frag, "")
		for _, word := range strings.Fields(doc) {
			if len(word) >= 6 && !strings.Contains(frag, word) && strings.Contains(msg, word) &&
				!strings.Contains("secrets: secret not found: no key the file is not valid YAML or JSON (line holds a scalar, not a map; the parser's message is withheld: it may quote the data document list null empty reference points at map or name one with #/fragment", word) {
				t.Fatalf("the error quotes the file's text")
			}
		}
	})
}
