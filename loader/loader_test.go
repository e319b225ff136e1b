package loader_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
)

const plainActions = `
actions:
  deploy:
    type: shell
    cmd: "deploy --token {{ secret.API_TOKEN }}"
tasks:
  deploy:
    flow:
      deploy: {action: deploy}
`

const secretsDoc = `
secrets:
  DB_PASSWORD: hunter2-db
  API_TOKEN: tok_abc123
  PORT: 5432
  DEBUG: true
  EMPTY: ""
  note_unencrypted: visible-note
`

type workflow struct {
	Actions map[string]struct {
		Type string `yaml:"type"`
		Cmd  string `yaml:"cmd"`
	} `yaml:"actions"`
	Tasks   map[string]any `yaml:"tasks"`
	Secrets map[string]any `yaml:"secrets"`
}

func TestLoadDecryptsAndMerges(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	fsys := fstest.MapFS{
		"actions.yaml":        {Data: []byte(plainActions)},
		"secrets.sops.yaml":   {Data: encrypt(t, secretsDoc, sopsenc.Rules{}, rcpt)},
		".sops.yaml":          {Data: []byte("creation_rules: [{age: " + rcpt + "}]\n")},
		".git/config.yaml":    {Data: []byte("not: [valid")},
		"README.md":           {Data: []byte("# docs")},
		"more/extra.yml":      {Data: []byte("actions:\n  notify: {type: shell}\n")},
		"more.yaml":           {Data: []byte("tasks:\n  other: {}\n")},
		"hidden/.sops.yml":    {Data: []byte("creation_rules: []\n")},
		"disguised.yaml":      {Data: encrypt(t, "secrets:\n  HIDDEN: s3cr3t-hidden\n", sopsenc.Rules{}, rcpt)},
		"empty.yaml":          {Data: []byte("")},
		"nulls/sections.yaml": {Data: []byte("actions:\n")},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantFiles := []loader.File{
		{Path: "actions.yaml"},
		{Path: "disguised.yaml", Encrypted: true},
		{Path: "empty.yaml"},
		{Path: "more.yaml"},
		{Path: "more/extra.yml"},
		{Path: "nulls/sections.yaml"},
		{Path: "secrets.sops.yaml", Encrypted: true},
	}
	if got := ws.Files(); !slices.Equal(got, wantFiles) {
		t.Errorf("Files() = %v\nwant %v", got, wantFiles)
	}
	var wf workflow
	if err := ws.Decode(&wf); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if wf.Actions["deploy"].Type != "shell" || wf.Actions["notify"].Type != "shell" {
		t.Errorf("actions not merged: %+v", wf.Actions)
	}
	if _, ok := wf.Tasks["other"]; !ok || len(wf.Tasks) != 2 {
		t.Errorf("tasks not merged: %v", wf.Tasks)
	}
	if wf.Secrets["DB_PASSWORD"] != "hunter2-db" || wf.Secrets["PORT"] != 5432 || wf.Secrets["HIDDEN"] != "s3cr3t-hidden" {
		t.Errorf("secrets not decrypted as expected (keys: %d)", len(wf.Secrets))
	}
	// The default rule leaves *_unencrypted in the clear: not a secret.
	want := []string{"s3cr3t-hidden", "hunter2-db", "tok_abc123", "5432", "true"}
	if got := ws.EncryptedValues(); !slices.Equal(got, want) {
		t.Errorf("EncryptedValues() has %d values, want %d (order: load order, empty left out, unencrypted leaf left out)", len(got), len(want))
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("a secret value is missing")
			}
		}
		if slices.Contains(got, "visible-note") {
			t.Errorf("an unencrypted leaf is reported as a secret")
		}
	}
}

func TestSopsRules(t *testing.T) {
	t.Parallel()
	doc := `
db:
  password: pw-value-1
  user: admin-user
  password_plain: clear-value
token: tok-value-2
`
	tests := []struct {
		name    string
		rules   sopsenc.Rules
		secrets []string
	}{
		{"default", sopsenc.Rules{}, []string{"pw-value-1", "admin-user", "clear-value", "tok-value-2"}},
		{"encrypted_regex", sopsenc.Rules{EncryptedRegex: "^(password|token)$"}, []string{"pw-value-1", "tok-value-2"}},
		{"unencrypted_suffix", sopsenc.Rules{UnencryptedSuffix: "_plain"}, []string{"pw-value-1", "admin-user", "tok-value-2"}},
		{"unencrypted_regex", sopsenc.Rules{UnencryptedRegex: "^user$"}, []string{"pw-value-1", "clear-value", "tok-value-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, rcpt := newAgeKey(t)
			fsys := fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, doc, tt.rules, rcpt)}}
			ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
			if err != nil {
				t.Fatal(err)
			}
			got := ws.EncryptedValues()
			slices.Sort(got)
			want := slices.Clone(tt.secrets)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %d secret values, want %d", len(got), len(want))
			}
			var v map[string]any
			if err := ws.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if v["token"] != "tok-value-2" {
				t.Errorf("token not decrypted")
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	otherID, _ := newAgeKey(t)
	enc := encrypt(t, "secrets:\n  A: value-aaaa\n  LIST: [item-one, item-two]\n", sopsenc.Rules{}, rcpt)
	tamperValue := editYAML(t, enc, func(top *yaml.Node) {
		v := child(t, child(t, top, "secrets"), "A")
		v.Value = strings.Replace(v.Value, "data:", "data:AA", 1)
	})
	plaintextValue := editYAML(t, enc, func(top *yaml.Node) {
		child(t, child(t, top, "secrets"), "A").Value = "planted-plaintext"
	})
	tamperMAC := editYAML(t, enc, func(top *yaml.Node) {
		mac := child(t, child(t, top, "sops"), "mac")
		mac.Value = strings.Replace(mac.Value, "data:", "data:AA", 1)
	})
	// sops' cipher panics on type:bytes; in a goroutine of Load's, that
	// ended the process after Load had returned a workspace.
	retypedBytes := editYAML(t, enc, func(top *yaml.Node) {
		v := child(t, child(t, top, "secrets"), "A")
		v.Value = strings.Replace(v.Value, "type:str]", "type:bytes]", 1)
	})
	swapItems := editYAML(t, enc, func(top *yaml.Node) {
		l := child(t, child(t, top, "secrets"), "LIST")
		l.Content[0], l.Content[1] = l.Content[1], l.Content[0]
	})
	withAlias := []byte(strings.NewReplacer("a_unencrypted: same-text", "a_unencrypted: &anc same-text", "b_unencrypted: same-text", "b_unencrypted: *anc").
		Replace(string(encrypt(t, "a_unencrypted: same-text\nb_unencrypted: same-text\nk: alias-secret\n", sopsenc.Rules{}, rcpt))))
	secrets := []string{"alias-secret", "value-aaaa", "item-one", "item-two", "planted-plaintext", id, otherID}

	tests := []struct {
		name    string
		files   fstest.MapFS
		opts    []loader.Option
		is      []error
		path    string
		key     string
		inError []string
	}{
		{"invalid yaml", fstest.MapFS{"a.yaml": {Data: []byte("a: [1, 2\n")}}, nil, []error{loader.ErrParse}, "a.yaml", "", nil},
		{"top level list", fstest.MapFS{"a.yaml": {Data: []byte("- 1\n")}}, nil, []error{loader.ErrParse}, "a.yaml", "", nil},
		{"sops name, not encrypted", fstest.MapFS{"s.sops.yml": {Data: []byte("secrets: {A: plain}\n")}}, nil, []error{loader.ErrDecrypt, loader.ErrNotEncrypted}, "s.sops.yml", "", nil},
		{"wrong key", fstest.MapFS{"s.sops.yaml": {Data: enc}}, []loader.Option{loader.WithAgeIdentities(otherID)}, []error{loader.ErrDecrypt, loader.ErrNoKey}, "s.sops.yaml", "", nil},
		{"tampered value", fstest.MapFS{"s.sops.yaml": {Data: tamperValue}}, []loader.Option{loader.WithAgeIdentities(id)}, []error{loader.ErrDecrypt, loader.ErrIntegrity}, "s.sops.yaml", "secrets.A", nil},
		{"plaintext planted on an encrypted path", fstest.MapFS{"s.sops.yaml": {Data: plaintextValue}}, []loader.Option{loader.WithAgeIdentities(id)}, []error{loader.ErrIntegrity}, "s.sops.yaml", "secrets.A", nil},
		{"a value's type changed to bytes", fstest.MapFS{"s.sops.yaml": {Data: retypedBytes}}, []loader.Option{loader.WithAgeIdentities(id)}, []error{loader.ErrDecrypt, loader.ErrIntegrity}, "s.sops.yaml", "secrets.A", nil},
		{"tampered MAC", fstest.MapFS{"s.sops.yaml": {Data: tamperMAC}}, []loader.Option{loader.WithAgeIdentities(id)}, []error{loader.ErrIntegrity}, "s.sops.yaml", "sops.mac", nil},
		{"swapped list items", fstest.MapFS{"s.sops.yaml": {Data: swapItems}}, []loader.Option{loader.WithAgeIdentities(id)}, []error{loader.ErrIntegrity}, "s.sops.yaml", "sops.mac", nil},
		{"alias in a sops file", fstest.MapFS{"s.sops.yaml": {Data: withAlias}}, []loader.Option{loader.WithAgeIdentities(id)}, []error{loader.ErrDecrypt}, "s.sops.yaml", "", []string{"alias"}},
		{"duplicate entry", fstest.MapFS{
			"a.yaml": {Data: []byte("actions:\n  deploy: {type: shell}\n")},
			"b.yaml": {Data: []byte("actions:\n  deploy: {type: http}\n")},
		}, nil, []error{loader.ErrDuplicate}, "b.yaml", "actions.deploy", []string{"a.yaml"}},
		{"duplicate entry in one file", fstest.MapFS{
			"a.yaml": {Data: []byte("actions:\n  deploy: {type: shell}\n  deploy: {type: http}\n")},
		}, nil, []error{loader.ErrDuplicate}, "a.yaml", "actions.deploy", []string{"line 2"}},
		{"conflicting scalars", fstest.MapFS{
			"a.yaml": {Data: []byte("version: 1\n")},
			"b.yaml": {Data: []byte("version: 2\n")},
		}, nil, []error{loader.ErrDuplicate}, "b.yaml", "version", []string{"a.yaml"}},
		{"mapping then list", fstest.MapFS{
			"a.yaml": {Data: []byte("hooks: {a: 1}\n")},
			"b.yaml": {Data: []byte("hooks: [1]\n")},
		}, nil, []error{loader.ErrDuplicate}, "b.yaml", "hooks", nil},
		{"file too large", fstest.MapFS{"a.yaml": {Data: []byte("a: " + strings.Repeat("x", 100) + "\n")}},
			[]loader.Option{limit(func(l *loader.Limits) { l.MaxFileSize = 50 })}, []error{loader.ErrLimit}, "a.yaml", "", []string{"MaxFileSize"}},
		{"too many files", fstest.MapFS{"a.yaml": {Data: []byte("a: 1\n")}, "b.yaml": {Data: []byte("b: 1\n")}, "c.yaml": {Data: []byte("c: 1\n")}},
			[]loader.Option{limit(func(l *loader.Limits) { l.MaxFiles = 2 })}, []error{loader.ErrLimit}, "c.yaml", "", []string{"MaxFiles"}},
		{"too deep", fstest.MapFS{"a/b/c/d.yaml": {Data: []byte("a: 1\n")}},
			[]loader.Option{limit(func(l *loader.Limits) { l.MaxDepth = 2 })}, []error{loader.ErrLimit}, "a/b/c", "", []string{"MaxDepth"}},
		{"billion laughs", fstest.MapFS{"a.yaml": {Data: []byte(billionLaughs)}}, nil, []error{loader.ErrLimit}, "a.yaml", "", []string{"MaxNodes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ws, err := loader.Load(t.Context(), tt.files, tt.opts...)
			if err == nil {
				t.Fatalf("Load succeeded with %d files, want an error", len(ws.Files()))
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false; err = %v", target, err)
				}
			}
			var fe *loader.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a *FileError: %v", err)
			}
			if fe.Path != tt.path || fe.Key != tt.key {
				t.Errorf("FileError{Path: %q, Key: %q}, want {%q, %q}", fe.Path, fe.Key, tt.path, tt.key)
			}
			for _, s := range tt.inError {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			testkit.AssertNoLeak(t, "error", err.Error(), secrets...)
		})
	}
}

// billionLaughs expands to 10^9 nodes; parsing it must fail fast and small.
const billionLaughs = `
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func TestAllBadFilesReported(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml":     {Data: []byte("a: [\n")},
		"b.yaml":     {Data: []byte("actions: {x: 1}\n")},
		"c.yaml":     {Data: []byte("actions: {x: 2}\n")},
		"d.sops.yml": {Data: []byte("plain: true\n")},
	}
	_, err := loader.Load(t.Context(), fsys)
	var paths []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *loader.FileError
		if errors.As(e, &fe) {
			paths = append(paths, fe.Path)
		}
	}
	if want := []string{"a.yaml", "c.yaml", "d.sops.yml"}; !slices.Equal(paths, want) {
		t.Errorf("reported %v, want %v", paths, want)
	}

	ws, err := loader.Load(t.Context(), fsys, loader.WithSkipBadFiles())
	if err != nil {
		t.Fatalf("with WithSkipBadFiles: %v", err)
	}
	if got := len(ws.Warnings()); got != 3 {
		t.Errorf("%d warnings, want 3", got)
	}
	if got := ws.Files(); len(got) != 1 || got[0].Path != "b.yaml" {
		t.Errorf("Files() = %v, want only b.yaml", got)
	}
}

func TestMergeListsAndScalars(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte("version: 1\nhooks: [one, two]\nactions:\n")},
		"b.yaml": {Data: []byte("version: 1\nhooks: [three]\nactions: {x: {type: shell}}\n")},
	}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version int               `yaml:"version"`
		Hooks   []string          `yaml:"hooks"`
		Actions map[string]any    `yaml:"actions"`
		Other   map[string]string `yaml:"other"`
	}
	if err := ws.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Version != 1 || !slices.Equal(v.Hooks, []string{"one", "two", "three"}) || len(v.Actions) != 1 {
		t.Errorf("merged = %+v", v)
	}
}

func TestKeysHandedInAreTheOnlyKeysTried(t *testing.T) {
	// Not parallel: it sets the environment sops reads keys from.
	id, rcpt := newAgeKey(t)
	otherID, _ := newAgeKey(t)
	fsys := fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, "k: value-in-env-test\n", sopsenc.Rules{}, rcpt)}}
	isolateSopsEnv(t)
	t.Setenv("SOPS_AGE_KEY", id)

	// From the environment, as sops would.
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatalf("with the key in SOPS_AGE_KEY: %v", err)
	}
	if got := ws.EncryptedValues(); len(got) != 1 {
		t.Errorf("got %d secret values, want 1", len(got))
	}
	// A key handed in as a value replaces the environment entirely.
	_, err = loader.Load(t.Context(), fsys, loader.WithAgeIdentities(otherID))
	if !errors.Is(err, loader.ErrNoKey) {
		t.Errorf("with a wrong key handed in and the right one in the environment: err = %v, want ErrNoKey", err)
	}
}

func TestNoKeyAnywhere(t *testing.T) {
	_, rcpt := newAgeKey(t)
	fsys := fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, "k: v-no-key\n", sopsenc.Rules{}, rcpt)}}
	isolateSopsEnv(t)
	_, err := loader.Load(t.Context(), fsys)
	if !errors.Is(err, loader.ErrNoKey) || !errors.Is(err, loader.ErrDecrypt) {
		t.Errorf("err = %v, want ErrNoKey", err)
	}
}

// isolateSopsEnv points every place sops looks for keys at nothing.
func isolateSopsEnv(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_CMD"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
}

func TestBadIdentity(t *testing.T) {
	t.Parallel()
	bad := "AGE-SECRET-KEY-1NOTAKEYATALL"
	_, err := loader.Load(t.Context(), fstest.MapFS{}, loader.WithAgeIdentities(bad))
	if !errors.Is(err, loader.ErrBadKey) {
		t.Errorf("err = %v, want ErrBadKey", err)
	}
	if err != nil {
		testkit.AssertNoLeak(t, "error", err.Error(), bad)
	}
}

func TestDecodeErrorDoesNotQuoteValues(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	fsys := fstest.MapFS{"s.sops.yaml": {Data: encrypt(t, "secrets:\n  PORT: not-a-number-secret\n", sopsenc.Rules{}, rcpt)}}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Secrets struct {
			Port int `yaml:"PORT"`
		} `yaml:"secrets"`
	}
	err = ws.Decode(&v)
	if err == nil {
		t.Fatal("Decode succeeded, want a type error")
	}
	testkit.AssertNoLeak(t, "Decode error", err.Error(), "not-a-number-secret", "not-a-n")
}

func TestMaskedYAML(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	fsys := fstest.MapFS{
		"a.yaml":      {Data: []byte("actions: {x: {cmd: echo, env: {TOKEN: \"{{ 'ref+vault://secret/data/team-x/api#token' | vals }}\"}, note: \"uses masked-aaa\"}}\n")},
		"s.sops.yaml": {Data: encrypt(t, "secrets:\n  A: masked-aaa\n  B_unencrypted: shown-bbb\n  ref: &r masked-ccc\n  alias: *r\n", sopsenc.Rules{}, rcpt)},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatal(err)
	}
	out, err := ws.MaskedYAML()
	if err != nil {
		t.Fatal(err)
	}
	testkit.AssertNoLeak(t, "MaskedYAML", string(out), "masked-aaa", "masked-ccc", "team-x/api")
	for _, want := range []string{"shown-bbb", "cmd: echo", "A: " + redact.Mask} {
		if !strings.Contains(string(out), want) {
			t.Errorf("MaskedYAML lacks %q:\n%s", want, out)
		}
	}
}

func TestLoadDirConfined(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "evil.yaml"), []byte("actions: {evil: {}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.yaml"), []byte("actions: {ok: {}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "evil.yaml"), filepath.Join(dir, "link.yaml")); err != nil {
		t.Skip("symlinks not supported here:", err)
	}
	_, err := loader.LoadDir(t.Context(), dir)
	if err == nil {
		t.Fatal("LoadDir followed a symlink out of its root")
	}
	var fe *loader.FileError
	if !errors.As(err, &fe) || fe.Path != "link.yaml" {
		t.Errorf("err = %v, want a FileError for link.yaml", err)
	}

	if err := os.Remove(filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	ws, err := loader.LoadDir(t.Context(), dir)
	if err != nil || len(ws.Files()) != 1 {
		t.Fatalf("LoadDir without the link: %v", err)
	}
}

func TestLoadHonoursCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := loader.Load(ctx, fstest.MapFS{"a.yaml": {Data: []byte("a: 1\n")}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestBillionLaughsFailsFast(t *testing.T) {
	t.Parallel()
	start := time.Now()
	_, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(billionLaughs)}})
	if !errors.Is(err, loader.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	// Not a timing assertion on the happy path: an expansion would take
	// minutes and gigabytes, so a few seconds tells the two apart.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func ExampleLoad() {
	// A workspace in memory; loader.LoadDir reads one from disk.
	fsys := fstest.MapFS{
		"actions.yaml": {Data: []byte("actions:\n  greet: {type: shell, cmd: echo hello}\n")},
		"tasks.yaml":   {Data: []byte("tasks:\n  hello:\n    flow: {greet: {action: greet}}\n")},
	}
	ws, err := loader.Load(context.Background(), fsys)
	if err != nil {
		fmt.Println(err)
		return
	}
	var wf struct {
		Actions map[string]struct {
			Cmd string `yaml:"cmd"`
		} `yaml:"actions"`
	}
	if err := ws.Decode(&wf); err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range ws.Files() {
		fmt.Println(f.Path, f.Encrypted)
	}
	fmt.Println(wf.Actions["greet"].Cmd)
	// Output:
	// actions.yaml false
	// tasks.yaml false
	// echo hello
}
