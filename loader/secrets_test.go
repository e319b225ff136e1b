package loader_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/secrets"
)

// fakeBackend serves ref+fake://NAME as the value of NAME, counts calls, and
// can make callers wait for one another.
type fakeBackend struct {
	mu     sync.Mutex
	values map[string]string
	calls  atomic.Int64
	// barrier, if set, makes each call wait until that many calls are in
	// flight at once, proving they run concurrently.
	barrier  int
	inFlight atomic.Int64
	arrived  chan struct{}
}

func (f *fakeBackend) Get(ctx context.Context, r string) (string, error) {
	f.calls.Add(1)
	if f.barrier > 0 {
		if int(f.inFlight.Add(1)) == f.barrier {
			close(f.arrived)
		}
		select {
		case <-f.arrived:
		case <-ctx.Done():
			return "", fmt.Errorf("only %d calls ran at once: %w", f.inFlight.Load(), ctx.Err())
		}
	}
	name := strings.TrimPrefix(r, "ref+fake://")
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.values[name]
	if !ok {
		return "", secrets.ErrNotFound
	}
	return v, nil
}

func newFakeResolver(t testing.TB, f *fakeBackend, opts ...secrets.Option) *secrets.Resolver {
	t.Helper()
	r, err := secrets.New(append([]secrets.Option{secrets.WithBackend(f), secrets.WithSchemes("fake")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSecretsSectionRenderedOnce(t *testing.T) {
	t.Parallel()
	id, rcpt := newAgeKey(t)
	backend := &fakeBackend{values: map[string]string{"db": "db-pass-value", "api": "api-token-value"}}
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
	backend.values["inline"] = "inline-value-xyz"
	ws, err := loader.Load(t.Context(), fsys, loader.WithAgeIdentities(id), loader.WithResolver(newFakeResolver(t, backend)))
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
	if n := backend.calls.Load(); n != 2 {
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
	out, err := ws.RenderStep(t.Context(), step, map[string]any{"env": "prod"}, map[string]any{"say-hello": map[string]any{"greeting": "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	m := out.(map[string]any)
	if m["cmd"] != "deploy --token Bearer api-token-value --inline inline-value-xyz" {
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
	backend := &fakeBackend{values: map[string]string{}, barrier: n, arrived: make(chan struct{})}
	var b strings.Builder
	b.WriteString("secrets:\n")
	for i := range n {
		backend.values[fmt.Sprint("s", i)] = fmt.Sprint("value-", i)
		fmt.Fprintf(&b, "  S%d: \"{{ 'ref+fake://s%d' | vals }}\"\n", i, i)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws, err := loader.Load(ctx, fstest.MapFS{"a.yaml": {Data: []byte(b.String())}}, loader.WithResolver(newFakeResolver(t, backend)))
	if err != nil {
		t.Fatalf("the %d references were not resolved at once: %v", n, err)
	}
	if len(ws.Secrets()) != n {
		t.Errorf("%d secrets", len(ws.Secrets()))
	}
}

func TestSecretFailureNamesKey(t *testing.T) {
	t.Parallel()
	backend := &fakeBackend{values: map[string]string{"ok": "ok-value-1234"}}
	fsys := fstest.MapFS{"dir/a.yaml": {Data: []byte(`
secrets:
  GOOD: "{{ 'ref+fake://ok' | vals }}"
  BAD: "{{ 'ref+fake://missing?token=hunter2-credential' | vals }}"
  TYPO: "{{ secret.NOPE }}"
`)}}
	_, err := loader.Load(t.Context(), fsys, loader.WithResolver(newFakeResolver(t, backend)))
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
	assertNoLeak(t, "error", msg, "hunter2-credential", "ok-value-1234")
}

func TestSharedRedactorAndResolver(t *testing.T) {
	t.Parallel()
	backend := &fakeBackend{values: map[string]string{"kk": "shared-value-1"}}
	res := newFakeResolver(t, backend)
	red, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"a.yaml": {Data: []byte("secrets:\n  K: \"{{ 'ref+fake://kk' | vals }}\"\n")}}
	for range 2 {
		if _, err := loader.Load(t.Context(), fsys, loader.WithResolver(res), loader.WithRedactor(red)); err != nil {
			t.Fatal(err)
		}
	}
	if n := backend.calls.Load(); n != 1 {
		t.Errorf("%d backend calls for two loads sharing a resolver, want 1", n)
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
