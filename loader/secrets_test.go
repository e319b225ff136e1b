package loader_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

func TestSecretsSectionRenderedOnce(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	store := secretstest.New(map[string]string{
		"ref+fake://db":     "db-pass-value",
		"ref+fake://api":    "api-token-value",
		"ref+fake://inline": "inline-value-xyz",
	})
	fsys := fstest.MapFS{
		"a.yaml": {Data: []byte(`
secrets:
  DB: "{{ 'ref+fake://db' | vals }}"
  API: "Bearer {{ 'ref+fake://api' | vals }}"
  PORT: 5432
  PLAIN: just-text
actions:
  deploy:
    cmd: "deploy --token {{ secret.API }} --inline {{ 'ref+fake://inline' | vals }}"
`)},
		"s.sops.yaml": {Data: encrypt(t, "secrets:\n  ENC: encrypted-at-rest-value\n", sopsenc.Rules{}, rcpt)},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id), withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	got := ws.Secrets()
	want := map[string]any{"DB": "db-pass-value", "API": "Bearer api-token-value", "PORT": 5432, "PLAIN": "just-text", "ENC": "encrypted-at-rest-value"}
	if len(got) != len(want) {
		t.Errorf("Secrets() has %d entries, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("secret %s is not what was expected", k)
		}
	}
	if n := store.Total(); n != 2 {
		t.Errorf("%d backend calls at load, want 2 (inline refs resolve at render time)", n)
	}

	// Every value that was resolved or encrypted is masked, the rest kept.
	red := ws.Redactor()
	if got := red.String("db-pass-value api-token-value encrypted-at-rest-value PLAIN just-text"); got != "•••••• •••••• •••••• PLAIN just-text" {
		t.Errorf("redactor masks %q", got)
	}

	// Rendering a step: secret.*, input.*, outputs of hyphenated steps, inline vals.
	step := map[string]any{
		"cmd": "deploy --token {{ secret.API }} --inline {{ 'ref+fake://inline' | vals }}",
		"env": map[string]any{"ENV": "{{ input.env }}", "PREV": "{{ say_hello.output.greeting }}"},
	}
	out, err := ws.RenderStep(t.Context(), step, loader.StepVars{
		Input:   map[string]any{"env": "prod"},
		Outputs: map[string]any{"say-hello": map[string]any{"greeting": "hi"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := out.(map[string]any)
	// A shell action's cmd: quotes the secret with a space as one argument.
	if m["cmd"] != "deploy --token 'Bearer api-token-value' --inline inline-value-xyz" {
		t.Errorf("cmd rendered wrong")
	}
	if env := m["env"].(map[string]any); env["ENV"] != "prod" || env["PREV"] != "hi" {
		t.Errorf("env = %v", env)
	}
	if got := red.String("log: inline-value-xyz"); got != "log: ••••••" {
		t.Errorf("a value resolved inline is not masked: %q", got)
	}
}

func TestSecretsResolveConcurrently(t *testing.T) {
	t.Parallel()
	const n = 20
	store := secretstest.New(nil)
	store.SetLatency(300 * time.Millisecond)
	var b strings.Builder
	b.WriteString("secrets:\n")
	for i := range n {
		store.Set(fmt.Sprintf("ref+fake://s%d", i), fmt.Sprint("value-", i))
		fmt.Fprintf(&b, "  S%d: \"{{ 'ref+fake://s%d' | vals }}\"\n", i, i)
	}
	ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(b.String())}}, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	if got := store.MaxInFlight(); got != n {
		t.Errorf("at most %d backend calls ran at once, want all %d", got, n)
	}
	if len(ws.Secrets()) != n {
		t.Errorf("%d secrets", len(ws.Secrets()))
	}
}

func TestSecretFailureNamesKey(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://ok": "ok-value-1234"})
	fsys := fstest.MapFS{"dir/a.yaml": {Data: []byte(`
secrets:
  GOOD: "{{ 'ref+fake://ok' | vals }}"
  BAD: "{{ 'ref+fake://missing?token=hunter2-credential' | vals }}"
  TYPO: "{{ secret.NOPE }}"
`)}}
	_, err := loader.Load(t.Context(), fsys, withStore(store))
	if !errors.Is(err, loader.ErrSecret) {
		t.Fatalf("err = %v, want ErrSecret", err)
	}
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("the cause is lost: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"dir/a.yaml", "secrets.BAD", "ref+fake://missing", "secrets.TYPO"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	testkit.AssertNoLeak(t, "error", msg, "hunter2-credential", "ok-value-1234")
}

// TestOneResolverPerWorkspaceSource: two loads are two trust domains, each
// with its own resolver and cache; a redactor handed to both learns from both.
func TestOneResolverPerWorkspaceSource(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://kk": "shared-value-1"})
	red, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  K: \"{{ 'ref+fake://kk' | vals }}\"\n")}}
	for range 2 {
		if _, err := loader.Load(t.Context(), fsys, withStore(store), loader.WithRedactor(red)); err != nil {
			t.Fatal(err)
		}
	}
	if n := store.Total(); n != 2 {
		t.Errorf("%d backend calls for two loads, want 2: loads do not share a cache", n)
	}
	if red.String("shared-value-1") != redact.Mask {
		t.Error("the shared redactor did not learn the value")
	}
}

func TestSecretsWithRealVals(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  E: \"{{ 'ref+echo://echo-value-1' | vals }}\"\n")}}
	ws, err := loader.Load(t.Context(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if ws.Secrets()["E"] != "echo-value-1" {
		t.Errorf("E = %v", ws.Secrets()["E"])
	}
}

// TestSecretsSectionAsStrom covers what Strøm renders at load: nested maps
// and lists, bare references, its rule for what is a template there, and
// references nested in references, through the resolver's own substitution.
func TestSecretsSectionAsStrom(t *testing.T) {
	t.Setenv("HUSHFLOW_TEST_INNER", "world")
	store := secretstest.New(map[string]string{"ref+fake://user": "nested-user-1", "ref+fake://pw": "nested-pw-1"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`
secrets:
  NESTED:
    user: "{{ 'ref+fake://user' | vals }}"
    list: ["{{ 'ref+fake://pw' | vals }}", plain]
  BARE: ref+fake://pw
  DSN: postgres://app:ref+fake://pw+@db/app
  PROMO: 50{%off
  WHEN: 2024-01-01
`)}}
	ws, err := loader.Load(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	s := ws.Secrets()
	nested := s["NESTED"].(map[string]any)
	if nested["user"] != "nested-user-1" {
		t.Errorf("NESTED.user = %v, want it rendered", nested["user"])
	}
	if l := nested["list"].([]any); l[0] != "nested-pw-1" || l[1] != "plain" {
		t.Errorf("NESTED.list = %v", l)
	}
	for k, want := range map[string]any{
		"BARE": "nested-pw-1", "DSN": "postgres://app:nested-pw-1@db/app", "PROMO": "50{%off",
		"WHEN": "2024-01-01",
	} {
		if s[k] != want {
			t.Errorf("%s = %q, want %q", k, testkit.Hide(fmt.Sprint(s[k]), "nested-pw-1"), want)
		}
	}
	out, err := ws.RenderStep(t.Context(), "{{ secret.NESTED.user }}", loader.StepVars{})
	if err != nil || out != "nested-user-1" {
		t.Errorf("{{ secret.NESTED.user }} = %v, %v", out, err)
	}

	// Nested references go through the resolver's own substitution (vals'
	// offline backends here), bare or in a template.
	ws, err = loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte(`
secrets:
  NEST: ref+echo://hello/ref+envsubst://$HUSHFLOW_TEST_INNER
  NEST_T: "{{ 'ref+echo://hello/ref+envsubst://$HUSHFLOW_TEST_INNER' | vals }}"
`)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"NEST", "NEST_T"} {
		if got := ws.Secrets()[k]; got != "hello/world" {
			t.Errorf("%s = %q, want hello/world", k, got)
		}
	}
}

// TestOneValuePerReferenceInAWorkspace: secret.X and an inline | vals of
// the same reference agree in one workspace, whatever the store says later;
// the next workspace sees the new value.
func TestOneValuePerReferenceInAWorkspace(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://tok": "token-version-1"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  TOK: \"{{ 'ref+fake://tok' | vals }}\"\n")}}
	r, err := loader.NewReloader(t.Context(), fsys, withStore(store, secrets.WithTTL(0)))
	if err != nil {
		t.Fatal(err)
	}
	store.Set("ref+fake://tok", "token-version-2")
	const tmpl = "{{ secret.TOK }} {{ 'ref+fake://tok' | vals }}"
	out, err := r.Workspace().RenderStep(t.Context(), tmpl, loader.StepVars{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "token-version-1 token-version-1" {
		t.Errorf("one workspace rendered %q, want one token twice", out)
	}
	if err := r.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	out, err = r.Workspace().RenderStep(t.Context(), tmpl, loader.StepVars{})
	if err != nil || out != "token-version-2 token-version-2" {
		t.Errorf("after Refresh: %q, %v", out, err)
	}
}

// TestDerivedValuesAreMasked: what a template derives from a secret is a
// secret too, in the secrets: section and in a step.
func TestDerivedValuesAreMasked(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{
		"ref+fake://pw":      "it's+p@ss&w0rd",
		"ref+fake://license": "ABCD-EFGH-IJKL",
	})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`
secrets:
  PW: "{{ 'ref+fake://pw' | vals }}"
  LICENSE: "{{ 'ref+fake://license' | vals | cut:'-' }}"
`)}}
	ws, err := loader.Load(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := ws.RenderStep(t.Context(), `psql "password='{{ secret.PW|addslashes }}'" --key {{ secret.LICENSE }}`, loader.StepVars{})
	if err != nil {
		t.Fatal(err)
	}
	record := fmt.Sprintf(`{"cmd": %q}`, cmd)
	masked, err := ws.Redactor().JSON([]byte(record))
	if err != nil {
		t.Fatal(err)
	}
	testkit.AssertNoLeak(t, "masked record", string(masked), `it\'s+p@ss&w0rd`, "it's+p@ss&w0rd", "ABCDEFGHIJKL", "ABCD-EFGH-IJKL")
}

// TestEncryptedValuesAreData: a value encrypted at rest that holds template
// syntax is not rendered, not parsed, and never quoted by an error.
func TestEncryptedValuesAreData(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	const pw = "Xk9{%mP2qLz!"
	fsys := fstest.MapFS{
		"s.sops.yaml": {Data: encrypt(t, "secrets:\n  PW: \""+pw+"\"\n  T: \"{{ nope }}\"\nactions:\n  a:\n    env:\n      TOKEN: \"{{ x y z\"\n", sopsenc.Rules{}, rcpt)},
	}
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id))
	if err != nil {
		t.Fatalf("a decrypted value was taken for a template: %s", testkit.Hide(fmt.Sprint(err), pw))
	}
	if got := ws.Secrets()["PW"]; got != pw {
		t.Errorf("PW = %q", testkit.Hide(fmt.Sprint(got), pw))
	}
	if got := ws.Secrets()["T"]; got != "{{ nope }}" {
		t.Errorf("T was rendered")
	}
	out, err := ws.RenderStep(t.Context(), map[string]any{"TOKEN": "{{ x y z"}, loader.StepVars{})
	if err != nil {
		t.Fatalf("RenderStep parsed a decrypted value: %v", err)
	}
	if out.(map[string]any)["TOKEN"] != "{{ x y z" {
		t.Error("a decrypted value was changed")
	}
	// Strøm would have rendered the one outside secrets:, so the load says
	// it will not be, where, and without the value.
	warnings := ws.Warnings()
	if len(warnings) != 1 {
		t.Fatalf("warnings = %v, want one, for actions.a.env.TOKEN", warnings)
	}
	var fe *loader.FileError
	if !errors.As(warnings[0], &fe) || fe.Key != "actions.a.env.TOKEN" || fe.Line == 0 || !strings.Contains(fe.Error(), "not rendered") {
		t.Errorf("warning = %v, want a FileError at actions.a.env.TOKEN saying it is not rendered", warnings[0])
	}
	testkit.AssertNoLeak(t, "warning", warnings[0].Error(), "{{ x y z", pw)
}

func TestTemplatesAreCheckedAtLoad(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"ok.yaml":  {Data: []byte("actions:\n  ok:\n    cmd: \"echo {{ input.x }}\"\n")},
		"bad.yaml": {Data: []byte("actions:\n  deploy:\n    type: shell\n    env:\n      - \"{{ input.x | nosuchfilter }}\"\n    cmd: \"echo {% if %}\"\n")},
	}
	_, err := loader.Load(t.Context(), fsys)
	var fe *loader.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want *FileError", err)
	}
	if !errors.Is(err, render.ErrParse) {
		t.Errorf("err = %v, want render.ErrParse", err)
	}
	msg := err.Error()
	for _, want := range []string{"bad.yaml:5: actions.deploy.env[0]", "bad.yaml:6: actions.deploy.cmd"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "ok.yaml") {
		t.Errorf("the good file is blamed:\n%s", msg)
	}
}

func TestConnectionsRenderAtLoad(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://db/pw": "conn-pw-123"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(`
secrets:
  DB_HOST: db.internal
connection_types:
  postgres:
    host: {type: string, required: true}
    port: {type: integer, default: 5432}
    password: {type: string, secret: true}
    token: {type: string, secret: true}
connections:
  prod_db:
    type: postgres
    host: "{{ secret.DB_HOST }}"
    password: "{{ 'ref+fake://db/pw' | vals }}"
    token: plain-token-in-yaml
  custom_api:
    url: https://api.example.com
`)}}
	ws, err := loader.Load(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	c := ws.Connections()
	db := c["prod_db"]
	if db["host"] != "db.internal" || db["port"] != 5432 || db["password"] != "conn-pw-123" {
		t.Errorf("prod_db = %v", testkit.Hide(fmt.Sprint(db), "conn-pw-123"))
	}
	if _, has := db["type"]; has {
		t.Error("the connection's type is among its values")
	}
	if c["custom_api"]["url"] != "https://api.example.com" {
		t.Errorf("custom_api = %v", c["custom_api"])
	}
	if got := ws.Redactor().String("x conn-pw-123 plain-token-in-yaml"); got != "x •••••• ••••••" {
		t.Errorf("connection secrets are not masked: %q", got)
	}
}

func TestRenderStepHookAndEach(t *testing.T) {
	t.Parallel()
	ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte("tasks: {}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ws.RenderStep(t.Context(), map[string]any{
		"message": "Deploy {{ hook.task_name }} {{ hook.status }} ({{ hook.duration_secs }}s)",
		"region":  "{{ each.item }}#{{ each.index }}",
	}, loader.StepVars{
		Hook: map[string]any{"task_name": "deploy", "status": "completed", "duration_secs": 12},
		Each: &loader.Each{Item: "eu-north-1", Index: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := out.(map[string]any)
	if m["message"] != "Deploy deploy completed (12s)" || m["region"] != "eu-north-1#2" {
		t.Errorf("rendered %v", m)
	}
}

// TestStepDataIsNeverAReference: job input and step outputs are data; | vals
// refuses to resolve a reference they carry.
func TestStepDataIsNeverAReference(t *testing.T) {
	t.Parallel()
	store := secretstest.New(map[string]string{"ref+fake://admin": "admin-secret-1"})
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  ADMIN: \"{{ 'ref+fake://admin' | vals }}\"\n")}}
	ws, err := loader.Load(t.Context(), fsys, withStore(store))
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range []string{"{{ input.msg | vals }}", "{{ build.output.artifact | vals }}", "{{ hook.x | vals }}", "{{ each.item | vals }}"} {
		_, err := ws.RenderStep(t.Context(), tmpl, loader.StepVars{
			Input:   map[string]any{"msg": "ref+fake://admin"},
			Outputs: map[string]any{"build": map[string]any{"artifact": "ref+fake://admin"}},
			Hook:    map[string]any{"x": "ref+fake://admin"},
			Each:    &loader.Each{Item: "ref+fake://admin"},
		})
		if !errors.Is(err, render.ErrUntrusted) {
			t.Errorf("%s: err = %v, want ErrUntrusted", tmpl, err)
		}
		if err != nil {
			testkit.AssertNoLeak(t, tmpl, err.Error(), "admin-secret-1")
		}
	}
}

// A reference to an unset variable resolves to nothing: the load fails,
// naming the entry and the variable, instead of an empty secret.
func TestUnsetVariableIsALoadError(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  TOKEN: \"{{ 'ref+envsubst://$HUSHFLOW_TEST_NEVER_SET' | vals }}\"\n  BARE: ref+envsubst://$HUSHFLOW_TEST_NEVER_SET\n")}}
	_, err := loader.Load(t.Context(), fsys)
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	for _, want := range []string{"secrets.TOKEN", "secrets.BARE", "HUSHFLOW_TEST_NEVER_SET is not set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%s", want, err)
		}
	}
}
