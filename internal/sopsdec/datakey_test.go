package sopsdec_test

import (
	"context"
	"errors"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec"
	"github.com/hushflow/hushflow/internal/sopsenc"
)

// A file rewritten as `sops edit` saves it keeps its data key and the
// encrypted copies of it, so the data key of the version before decrypts
// it with no key at all; any other file, or a version whose values or MAC
// do not match, fails as it would without the known key.
func TestKnownDataKey(t *testing.T) {
	t.Parallel()
	id, recipient := newAgeKey(t)
	_, other := newAgeKey(t)
	before := encrypt(t, "token: first-token-value\nport: 8080\n", sopsenc.Rules{}, recipient)
	pt, err := sopsdec.Decrypt(context.Background(), before, sopsdec.YAML, ageKeys(t, id))
	if err != nil {
		t.Fatal(err)
	}
	rewritten, err := sopsenc.RewriteYAML(before, []byte("token: second-token-value\nport: 9090\n"), id)
	if err != nil {
		t.Fatal(err)
	}
	tamperedValue := editYAML(t, rewritten, func(top *yaml.Node) {
		child(t, top, "port").Value = child(t, decodeTop(t, before), "port").Value // an old ciphertext under the new MAC
	})
	tests := []struct {
		name    string
		file    []byte
		want    string // the token, when it decrypts
		wantErr error
	}{
		{"the same data key", rewritten, "second-token-value", nil},
		{"the version the key came from", before, "first-token-value", nil},
		{"a file of its own data key", encrypt(t, "token: x-token-value\n", sopsenc.Rules{}, recipient), "", sopsdec.ErrNoKey},
		{"another recipient", encrypt(t, "token: y-token-value\n", sopsenc.Rules{}, other), "", sopsdec.ErrNoKey},
		{"a value from another version", tamperedValue, "", sopsdec.ErrIntegrity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keys := sopsdec.Keys{}.Knowing(pt.Key) // no key but the known one
			got, err := sopsdec.Decrypt(context.Background(), tt.file, sopsdec.YAML, keys)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if token := child(t, got.Docs[0].Content[0], "token").Value; token != tt.want {
				t.Errorf("token = %q, want %q", token, tt.want)
			}
			// The key it gives is the known one: it decrypts the next
			// version, still with no other key.
			next, err := sopsenc.RewriteYAML(tt.file, []byte("token: third-token-value\n"), id)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sopsdec.Decrypt(context.Background(), next, sopsdec.YAML, sopsdec.Keys{}.Knowing(got.Key)); err != nil {
				t.Errorf("the next version does not decrypt with this version's key: %v", err)
			}
		})
	}
}

// decodeTop parses an encrypted file's first document and returns its top
// mapping.
func decodeTop(t *testing.T, file []byte) *yaml.Node {
	t.Helper()
	return parseDocs(t, file)[0].Content[0]
}
