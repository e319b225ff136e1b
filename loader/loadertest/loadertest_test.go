package loadertest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/loader/loadertest"
)

// secretValue is what the tests encrypt; no error may hold it.
const secretValue = "pw-9f8e7d-never-in-an-error"

func TestEncryptYAMLRules(t *testing.T) {
	t.Parallel()
	identity, recipient := loadertest.NewAgeIdentity()
	plain := "db:\n  host: db.internal\n  password: " + secretValue + "\n  port_unencrypted: 5432\n"
	tests := []struct {
		name      string
		rules     loadertest.Rules
		inTheOpen []string // plaintext the encrypted file shows
		encrypted []string // plaintext it must not show
	}{
		{"sops default: all but _unencrypted", loadertest.Rules{},
			[]string{"port_unencrypted: 5432"}, []string{"db.internal", secretValue}},
		{"encrypted_regex", loadertest.Rules{EncryptedRegex: "^password$"},
			[]string{"host: db.internal", "port_unencrypted: 5432"}, []string{secretValue}},
		{"unencrypted_regex", loadertest.Rules{UnencryptedRegex: "^(host|port_unencrypted)$"},
			[]string{"host: db.internal"}, []string{secretValue}},
		{"encrypted_suffix", loadertest.Rules{EncryptedSuffix: "word"},
			[]string{"host: db.internal"}, []string{secretValue}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys, err := loadertest.Workspace(map[string]string{"db.sops.yaml": plain}, tc.rules, recipient)
			if err != nil {
				t.Fatal(err)
			}
			enc := string(fsys["db.sops.yaml"].Data)
			for _, s := range tc.inTheOpen {
				if !strings.Contains(enc, s) {
					t.Errorf("the encrypted file does not show %q in the clear", s)
				}
			}
			for _, s := range tc.encrypted {
				if strings.Contains(enc, s) {
					t.Errorf("the encrypted file shows a value that should be encrypted (%d bytes)", len(s))
				}
			}
			ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(identity))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				DB struct {
					Host     string `yaml:"host"`
					Password string `yaml:"password"`
					Port     int    `yaml:"port_unencrypted"`
				} `yaml:"db"`
			}
			if err := ws.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			if doc.DB.Host != "db.internal" || doc.DB.Password != secretValue || doc.DB.Port != 5432 {
				t.Errorf("decrypted document differs from the plain one: host %q, port %d, password ok %v",
					doc.DB.Host, doc.DB.Port, doc.DB.Password == secretValue)
			}
			if files := ws.Files(); len(files) != 1 || !files[0].Encrypted {
				t.Errorf("Files() = %+v, want one encrypted file", files)
			}
		})
	}
}

func TestWorkspaceKeepsOtherFilesAsWritten(t *testing.T) {
	t.Parallel()
	_, recipient := loadertest.NewAgeIdentity()
	files := map[string]string{
		".sops.yaml":                 "creation_rules:\n  - age: " + recipient + "\n",
		"workflows/actions.yaml":     "actions: {}\n",
		"workflows/secrets.sops.yml": "secrets:\n  K: " + secretValue + "\n",
		"data/token.txt":             "not yaml",
	}
	fsys, err := loadertest.Workspace(files, loadertest.Rules{}, recipient)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		got := string(fsys[name].Data)
		if encrypted := got != content; encrypted != strings.HasSuffix(name, ".sops.yml") {
			t.Errorf("%s: encrypted %v", name, encrypted)
		}
	}
}

func TestErrorsNameTheProblemNotTheValue(t *testing.T) {
	t.Parallel()
	identity, recipient := loadertest.NewAgeIdentity()
	tests := []struct {
		name       string
		files      map[string]string
		rules      loadertest.Rules
		recipients []string
		is         error  // errors.Is target, if any
		mentions   string // the error names this
	}{
		{"two rules", map[string]string{"a.sops.yaml": "k: " + secretValue},
			loadertest.Rules{EncryptedRegex: "^k$", UnencryptedSuffix: "_x"}, []string{recipient}, loadertest.ErrRules, "UnencryptedSuffix and EncryptedRegex"},
		{"bad regex", map[string]string{"a.sops.yaml": "k: " + secretValue},
			loadertest.Rules{EncryptedRegex: "(["}, []string{recipient}, loadertest.ErrRules, "EncryptedRegex"},
		{"no recipient", map[string]string{"a.sops.yaml": "k: " + secretValue},
			loadertest.Rules{}, nil, nil, "a.sops.yaml: loadertest: no age recipient"},
		{"identity given as recipient", map[string]string{"a.sops.yaml": "k: " + secretValue},
			loadertest.Rules{}, []string{identity}, nil, "a.sops.yaml: loadertest: sopsenc: group 1: age recipient 1 is an age identity (a secret key), not its recipient"},
		{"not YAML", map[string]string{"b.sops.yaml": "k: [" + secretValue + "\n  - : {"},
			loadertest.Rules{}, []string{recipient}, nil, "b.sops.yaml"},
		{"tab in YAML", map[string]string{"b.sops.yaml": "k:\n\t" + secretValue},
			loadertest.Rules{}, []string{recipient}, nil, "b.sops.yaml"},
		{"bad path", map[string]string{"/abs.yaml": "k: v"},
			loadertest.Rules{}, []string{recipient}, nil, "/abs.yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadertest.Workspace(tc.files, tc.rules, tc.recipients...)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for i, s := range []string{secretValue, identity} {
				if strings.Contains(msg, s) {
					t.Fatalf("error leaks secret #%d", i)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(err, %v) = false; err: %s", tc.is, msg)
			}
			if !strings.Contains(msg, tc.mentions) {
				t.Errorf("error %q does not mention %q", msg, tc.mentions)
			}
		})
	}
}

func TestNewAgeIdentityIsFreshAndUsable(t *testing.T) {
	t.Parallel()
	id1, rcp1 := loadertest.NewAgeIdentity()
	id2, _ := loadertest.NewAgeIdentity()
	if id1 == id2 || !strings.HasPrefix(id1, "AGE-SECRET-KEY-1") || !strings.HasPrefix(rcp1, "age1") {
		t.Fatal("NewAgeIdentity does not return fresh age X25519 keys")
	}
	fsys, err := loadertest.Workspace(map[string]string{"s.sops.yaml": "k: " + secretValue}, loadertest.Rules{}, rcp1)
	if err != nil {
		t.Fatal(err)
	}
	// Another identity cannot decrypt what was encrypted to rcp1.
	_, err = loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id2))
	if !errors.Is(err, loader.ErrNoKey) {
		t.Fatalf("loading with another identity: %v, want ErrNoKey", err)
	}
	if strings.Contains(err.Error(), id2) || strings.Contains(err.Error(), secretValue) {
		t.Fatal("the loader's error leaks the identity or the value")
	}
}
