package leakmatrix_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"filippo.io/age"
	"go.yaml.in/yaml/v3"

	"github.com/hushflow/hushflow/internal/sopsenc"
	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/loader"
	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
	"github.com/hushflow/hushflow/secrets"
	"github.com/hushflow/hushflow/secrets/secretstest"
)

// failures are operations that fail with a secret close at hand; each
// returns the error a caller would log or show.
var failures = []struct {
	name string
	fail func(t *testing.T, secret string) error
}{
	{"Load: an encrypted value in conflict with a plain one", func(t *testing.T, s string) error {
		id, enc := encrypted(t, map[string]any{"version": s})
		_, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte("version: 1\n")}, "s.sops.yaml": {Data: enc}},
			loader.WithAgeIdentities(id))
		return err
	}},
	{"Load: a template holding the secret does not parse", func(t *testing.T, s string) error {
		doc, _ := yaml.Marshal(map[string]any{"actions": map[string]any{"a": map[string]any{"cmd": "{{ " + strconv.Quote(s) + " | nosuchfilter }}"}}})
		_, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: doc}})
		return err
	}},
	{"Load: a secrets: template fails on the secret", func(t *testing.T, s string) error {
		doc, _ := yaml.Marshal(map[string]any{"secrets": map[string]any{"X": "{{ " + strconv.Quote(s) + " ~ nope }}"}})
		_, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: doc}})
		return err
	}},
	{"Decode: an encrypted value into a time.Duration", func(t *testing.T, s string) error {
		id, enc := encrypted(t, map[string]any{"secrets": map[string]any{"PORT": s}})
		ws, err := loader.Load(t.Context(), fstest.MapFS{"s.sops.yaml": {Data: enc}}, loader.WithAgeIdentities(id))
		if err != nil {
			return err
		}
		var v struct {
			Secrets struct {
				Port time.Duration `yaml:"PORT"`
			} `yaml:"secrets"`
		}
		return ws.Decode(&v)
	}},
	{"Resolve: the secret as a credential in a query", func(t *testing.T, s string) error {
		r := resolver(t)
		_, err := r.Resolve(t.Context(), "ref+fake://db/password?token="+url.QueryEscape(s)+"#/k")
		return err
	}},
	{"Resolve: the secret as userinfo", func(t *testing.T, s string) error {
		r, err := secrets.New(secrets.WithSchemes("httpjson"), secrets.WithoutCircuitBreaker())
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Resolve(t.Context(), "ref+httpjson://deploy:"+url.QueryEscape(s)+"@127.0.0.1:1/v1/x#/k")
		return err
	}},
	{"Render: a literal holding the secret, an undefined variable", func(t *testing.T, s string) error {
		e := engine(t)
		_, err := e.Render(t.Context(), "{{ "+strconv.Quote(s)+" ~ nope }}", nil)
		return err
	}},
	{"RenderStep: a filter fails on the secret in the input", func(t *testing.T, s string) error {
		ws, err := loader.Load(t.Context(), fstest.MapFS{"a.yaml": {Data: []byte("tasks: {}\n")}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ws.RenderStep(t.Context(), "{{ input.pw.deeper }} {{ input.pw | divisibleby:input.pw }}", loader.StepVars{Input: map[string]any{"pw": s}})
		return err
	}},
}

// TestErrorsNeverHoldASecret: the errors of Load, Decode, Resolve, Render
// and RenderStep name places, never the secret or its escaped forms.
func TestErrorsNeverHoldASecret(t *testing.T) {
	t.Parallel()
	for _, s := range trickySecrets {
		forms := []string{s.value, strings.Split(s.value, "\n")[1%len(strings.Split(s.value, "\n"))], url.QueryEscape(s.value), strconv.Quote(s.value)}
		if b, err := json.Marshal(s.value); err == nil {
			forms = append(forms, string(b))
		}
		for _, f := range failures {
			t.Run(s.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				err := f.fail(t, s.value)
				if err == nil {
					t.Fatal("no error: the case does not test what it says")
				}
				for i, form := range forms {
					if len(form) >= 6 && strings.Contains(err.Error(), form) {
						t.Errorf("the error holds form #%d of the secret: %s", i, testkit.Hide(err.Error(), forms...))
					}
				}
			})
		}
	}
}

func encrypted(t *testing.T, plain map[string]any) (identity string, data []byte) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := yaml.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	data, err = sopsenc.EncryptYAML(doc, sopsenc.Rules{}, id.Recipient().String())
	if err != nil {
		t.Fatal(err)
	}
	return id.String(), data
}

func resolver(t *testing.T) *secrets.Resolver {
	t.Helper()
	r, err := secrets.New(secrets.WithBackend(secretstest.New(nil)), secrets.WithSchemes("fake"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func engine(t *testing.T) *render.Engine {
	t.Helper()
	red, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	e, err := render.New(noResolver{}, render.WithSecrets(red))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

type noResolver struct{}

func (noResolver) Resolve(context.Context, string) (string, error) { return "", context.Canceled }
