package loader_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// Merge keys (YAML 1.1's "<<") are applied wherever the loader reads a
// mapping itself, as the YAML decoder applies them: no literal "<<" entry,
// every merged reference resolved, a key written in the mapping winning.
func TestMergeKeys(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{
		"ref+fake://db":  "db-pass-value-1",
		"ref+fake://api": "api-token-value-2",
	})
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(`
x-db: &db
  DB_USER: "{{ 'app' ~ '_user' }}"
  DB_PASS: ref+fake://db
x-api: &api
  API: "{{ 'ref+fake://api' | vals }}"
  DB_USER: loses-to-the-earlier-mapping
  EXTRA: loses-to-the-written-key
x-actions: &common
  build:
    cmd: "make {{ input.target }}"
secrets:
  <<: [*db, *api]
  EXTRA: written
  NESTED:
    <<: *db
    PORT: 5432
connections:
  main:
    <<: *api
    url: "postgres://{{ secret.DB_USER }}@db"
actions:
  <<: *common
  deploy:
    cmd: "deploy --token {{ secret.API }} --nested {{ secret.NESTED.DB_PASS }}"
`)},
	}
	ws, err := loader.Load(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	sec := ws.Secrets()
	want := map[string]any{
		"DB_USER": "app_user", "DB_PASS": "db-pass-value-1", "API": "api-token-value-2", "EXTRA": "written",
	}
	if _, ok := sec["<<"]; ok {
		t.Errorf("secrets: has a literal << entry %v", sec["<<"])
	}
	for k, v := range want {
		if sec[k] != v {
			t.Errorf("secret.%s is not what the merge gives", k)
		}
	}
	nested, _ := sec["NESTED"].(map[string]any)
	if nested["DB_PASS"] != "db-pass-value-1" || nested["PORT"] != 5432 || nested["<<"] != nil {
		t.Errorf("secret.NESTED is not merged: %d keys", len(nested))
	}
	if len(sec) != len(want)+1 {
		t.Errorf("secrets: has %d entries, want %d", len(sec), len(want)+1)
	}
	conn := ws.Connections()["main"]
	if conn["API"] != "api-token-value-2" || conn["url"] != "postgres://app_user@db" || conn["<<"] != nil {
		t.Errorf("connections.main is not merged (%d keys)", len(conn))
	}

	var wf struct {
		Actions map[string]struct{ Cmd string } `yaml:"actions"`
	}
	if err := ws.Decode(&wf); err != nil {
		t.Fatal(err)
	}
	if len(wf.Actions) != 2 || wf.Actions["build"].Cmd == "" {
		t.Errorf("actions: decodes to %d actions, want build (merged) and deploy", len(wf.Actions))
	}
	out, err := ws.RenderStep(t.Context(), wf.Actions["deploy"].Cmd, loader.StepVars{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "deploy --token api-token-value-2 --nested db-pass-value-1" {
		t.Errorf("RenderStep does not see the merged secrets")
	}
}

// A merged entry counts as defined where it is merged: another file
// defining it is a duplicate, as if it were written out.
func TestMergeKeyEntriesAreDuplicates(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("x: &x\n  deploy: {cmd: a}\nactions:\n  <<: *x\n")},
		"b.yaml": {Data: []byte("actions:\n  deploy: {cmd: b}\n")},
	}
	_, err := loader.Load(t.Context(), fsys)
	var fe *loader.FileError
	if !errors.Is(err, loader.ErrDuplicate) || !errors.As(err, &fe) || fe.Path != "b.yaml" || fe.Key != "actions.deploy" {
		t.Fatalf("err = %v, want a duplicate actions.deploy in b.yaml", err)
	}
}

func TestMergeKeyBadValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc, key string }{
		{"scalar", "secrets:\n  <<: not-a-mapping\n", "secrets"},
		{"list of scalars", "x: &x [a]\nsecrets:\n  API:\n    <<: *x\n", "secrets.API"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(tc.doc)}})
			var fe *loader.FileError
			if !errors.Is(err, loader.ErrYAML) || !errors.As(err, &fe) || fe.Key != tc.key || fe.Line == 0 {
				t.Fatalf("err = %v, want ErrParse at %s with a line", err, tc.key)
			}
		})
	}
}

// sops keeps every key as a string: a merge key in a sops file would come
// out of decryption as an ordinary "<<" entry, so it is refused (sops
// files hold no aliases either).
func TestMergeKeyInSopsFileRefused(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	fsys := fstest.MapFS{
		"a.sops.yaml": {Data: encrypt(t, "secrets:\n  OK: fine\n  <<: {ENC: ref+fake://enc}\n", sopsenc.Rules{}, rcpt)},
		// A quoted "<<" in a plaintext file is an ordinary key.
		"b.yaml": {Data: []byte("x:\n  \"<<\": literal\n")},
	}
	_, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	fes := loader.FileErrors(err)
	if !errors.Is(err, loader.ErrYAML) || len(fes) != 1 || fes[0].Path != "a.sops.yaml" || fes[0].Key != "secrets" || fes[0].Line != 3 {
		t.Fatalf("err = %v, want one ErrParse at a.sops.yaml:3 secrets", err)
	}
}
