package loader_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsdec/sopstest"
	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
)

// TestSopsFilesLoadAsSopsDecryptsThem: files sops writes for shapes that
// broke the loader (issue 10) load, and Decode gives what `sops -d` gives
// (the plain file read back, typed as sops types it).
func TestSopsFilesLoadAsSopsDecryptsThem(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	tests := []struct {
		name  string
		plain string
		want  map[string]any
	}{
		{
			name:  "comment between list items (sops' comments_list.yaml)",
			plain: "lorem:\n- foo-item\n#this-is-a-comment\n- bar-item\n",
			want:  map[string]any{"lorem": []any{"foo-item", "bar-item"}},
		},
		{
			name: "comments in lists of maps and flow lists",
			plain: "actions:\n  deploy:\n    type: shell\n    env:\n      # the token\n      - TOKEN=tok-demo-1\n      # the hook\n      - HOOK=hook-demo-2\n" +
				"    ports: [80, 443] # inline\n    steps:\n      # first\n      - {name: a}\n      # second\n      - name: b # inline\n",
			want: map[string]any{"actions": map[string]any{"deploy": map[string]any{
				"type": "shell", "env": []any{"TOKEN=tok-demo-1", "HOOK=hook-demo-2"}, "ports": []any{80, 443},
				"steps": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}},
			}}},
		},
		{
			name:  "infinities and NaN",
			plain: "limits:\n  pos: .inf\n  neg: -.inf\n  nan: .nan\n",
			want:  map[string]any{"limits": map[string]any{"pos": math.Inf(1), "neg": math.Inf(-1), "nan": math.NaN()}},
		},
		{
			name:  "a cleartext value that looks like ciphertext",
			plain: "note_unencrypted: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\nreal: secret-real-1\n",
			want:  map[string]any{"note_unencrypted": "ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]", "real": "secret-real-1"},
		},
		{
			name:  "scalars typed as sops -d types them",
			plain: "v:\n  three: 3.0\n  half: 0.5\n  n: 7\n  yes_word: yes\n  date: 2024-01-01\n",
			want: map[string]any{"v": map[string]any{
				"three": 3, "half": 0.5, "n": 7, "yes_word": "yes",
				"date": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, tt.plain, sopsenc.Rules{}, rcpt)}}
			ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			var got map[string]any
			if err := ws.Decode(&got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if d := sopstest.Diff(got, tt.want, "workspace"); d != "" {
				t.Errorf("Decode: %s", d)
			}
			if _, err := ws.MaskedYAML(); err != nil {
				t.Errorf("MaskedYAML: %v", err)
			}
		})
	}
}

// TestSopsSecretsSectionTakesEveryScalar: encrypted infinities, NaN and
// timestamps in the secrets: section load (they used to fail with
// ErrParse, quoting the value).
func TestSopsSecretsSectionTakesEveryScalar(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	plain := "secrets:\n  INF: .inf\n  NEG: -.inf\n  NAN: .nan\n  DAY: 2024-01-01\n  F: 3.0\n  PW: pw-secret-value\n"
	ws, err := loader.Load(t.Context(), fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, plain, sopsenc.Rules{}, rcpt)}}, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatalf("Load: %s", testkit.Hide(err.Error(), "pw-secret-value"))
	}
	if len(ws.Secrets()) != 6 {
		t.Errorf("%d secrets, want 6", len(ws.Secrets()))
	}
}

// TestSopsNoMAC: sops metadata without a MAC is an integrity error, under
// any name: it never loads as plaintext with ENC[…] strings in it; nor does
// a file whose sops metadata was cut off.
func TestSopsNoMAC(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	enc := encrypt(t, "app:\n  key: no-mac-secret\n", sopsenc.Rules{}, rcpt)
	noMAC := regexp.MustCompile(`(?m)^    mac: .*\n`).ReplaceAll(enc, nil)
	noMeta := enc[:strings.Index(string(enc), "sops:\n")]
	for _, tt := range []struct{ name, file string }{
		{"no MAC, sops name", "s.sops.yaml"},
		{"no MAC, plain name", "app.yaml"},
		{"no metadata, sops name", "t.sops.yaml"},
		{"no metadata, plain name", "b.yaml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := noMAC
			if strings.HasPrefix(tt.name, "no metadata") {
				data = noMeta
			}
			_, err := loader.Load(t.Context(), fstest.MapFS{tt.file: {Data: data}}, loader.WithAgeIdentities(id))
			if !errors.Is(err, loader.ErrIntegrity) || !errors.Is(err, loader.ErrDecrypt) || errors.Is(err, loader.ErrNotEncrypted) {
				t.Errorf("err = %v, want ErrIntegrity", err)
			}
			var fe *loader.FileError
			if !errors.As(err, &fe) || fe.Path != tt.file {
				t.Errorf("err = %v, want a *FileError for %s", err, tt.file)
			}
			if err != nil {
				assertNoLeak(t, "error", err.Error(), "no-mac-secret")
			}
		})
	}
}

// TestSopsKeyErrors: key errors name what was tried and why, never a key.
// Not parallel: some cases set sops' environment.
func TestSopsKeyErrors(t *testing.T) {
	id, rcpt := newAgeKey(t)
	otherID, _ := newAgeKey(t)
	fsys := fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, "k: key-error-secret\n", sopsenc.Rules{}, rcpt)}}
	missing := filepath.Join(t.TempDir(), "missing-keys.txt")
	// A typo: one character of the key changed (to another one: a
	// random key has "Q" there one time in 32).
	typo := id[:40] + "Q" + id[41:]
	if id[40] == 'Q' {
		typo = id[:40] + "P" + id[41:]
	}
	tests := []struct {
		name string
		env  map[string]string
		opts []loader.Option
		is   error
		want []string
	}{
		{"wrong key", nil, []loader.Option{loader.WithAgeIdentities(otherID)}, loader.ErrNoKey, []string{"s.sops.yaml", "age recipient " + rcpt, "none of the 1 age identity handed in"}},
		{"missing SOPS_AGE_KEY_FILE", map[string]string{"SOPS_AGE_KEY_FILE": missing}, nil, loader.ErrNoKey, []string{"age recipient " + rcpt, missing}},
		{"no key anywhere", nil, nil, loader.ErrNoKey, []string{"age recipient " + rcpt, "failed to load age identities"}},
		{"empty identity", nil, []loader.Option{loader.WithAgeIdentities(id, "")}, loader.ErrBadKey, []string{"age identity 2 is empty"}},
		{"public key given", nil, []loader.Option{loader.WithAgeIdentities(rcpt)}, loader.ErrBadKey, []string{"age identity 1 is an age public key"}},
		{"typo", nil, []loader.Option{loader.WithAgeIdentities(typo)}, loader.ErrBadKey, []string{"age identity 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sopstest.Isolate(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := loader.Load(t.Context(), fsys, tt.opts...)
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			msg := err.Error()
			assertNoLeak(t, "error", msg, "key-error-secret", id, otherID, id[:40])
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", testkit.Hide(msg, id, otherID), w)
				}
			}
			if strings.Contains(msg, "successful groups required") {
				t.Errorf("error is sops' summary, not its diagnostics: %q", msg)
			}
		})
	}
}

// TestSopsPGPFromTheEnvironment: a PGP file loads with the environment's
// key, decrypted in process from GNUPGHOME's legacy keyring as sops does,
// without running gpg (SOPS_GPG_EXEC points at nothing).
// Not parallel: it sets GNUPGHOME.
func TestSopsPGPFromTheEnvironment(t *testing.T) {
	sopstest.UseDemoKeys(t)
	t.Setenv("SOPS_AGE_KEY_FILE", filepath.Join(t.TempDir(), "none")) // the PGP key must do it
	pub, err := os.ReadFile(filepath.Join(sopstest.Dir(t), "demo-pgp-key.pub.asc"))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := sopsenc.Encrypt([]byte("db:\n  password: pgp-loader-secret\n"), sopsenc.Options{Format: "yaml", Groups: []sopsenc.Group{{PGP: [][]byte{pub}}}})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := loader.Load(t.Context(), fstest.MapFS{"db.sops.yaml": {Data: enc}})
	if err != nil {
		t.Fatalf("Load: %s", testkit.Hide(err.Error(), "pgp-loader-secret"))
	}
	var v struct{ DB map[string]string }
	if err := ws.Decode(&v); err != nil || v.DB["password"] != "pgp-loader-secret" {
		t.Errorf("Decode: err %v, password decrypted: %v", err, v.DB["password"] == "pgp-loader-secret")
	}
}

// TestSopsEncryptedMarks: exactly the values encrypted at rest are masked.
func TestSopsEncryptedMarks(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	plain := "actions:\n  a:\n    env:\n      # c\n      - MARK_ONE=one-secret\n      - MARK_TWO=two-secret\n    region_unencrypted: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\n"
	ws, err := loader.Load(t.Context(), fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, plain, sopsenc.Rules{}, rcpt)}}, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatal(err)
	}
	got := ws.EncryptedValues()
	if len(got) != 2 || got[0] != "MARK_ONE=one-secret" || got[1] != "MARK_TWO=two-secret" {
		t.Errorf("EncryptedValues: %d values, want the two list items in order", len(got))
	}
	out, err := ws.MaskedYAML()
	if err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, "MaskedYAML", string(out), "one-secret", "two-secret")
	var doc yaml.Node
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "ENC[AES256_GCM,data:Zm9v") {
		t.Error("MaskedYAML masks a cleartext value")
	}
}
