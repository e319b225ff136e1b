package render_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hushflow/hushflow/render"
)

// fakeSecrets stands in for *redact.Redactor: the values it knows, and
// every value it was taught.
type fakeSecrets struct {
	mu    sync.Mutex
	known map[string]bool
	added []string
}

func newSecrets(values ...string) *fakeSecrets {
	s := &fakeSecrets{known: map[string]bool{}}
	for _, v := range values {
		s.known[v] = true
	}
	return s
}

func (s *fakeSecrets) Knows(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.known[v]
}

func (s *fakeSecrets) Add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		s.known[v] = true
		s.added = append(s.added, v)
	}
}

func (s *fakeSecrets) taught(v string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.added, v)
}

const trickyPw = "it's+p@ss&w0rd"

// Issue 9: what a template derives from a secret is a secret. Each output
// below prints a form of a secret that the Secrets set did not know; the
// engine teaches it before Render returns.
func TestDerivedSecretsAreTaught(t *testing.T) {
	t.Parallel()
	vars := func() map[string]any {
		return map[string]any{
			"secret": map[string]any{"PW": trickyPw, "LIST": []any{"alpha-one", "beta-two"}},
			"input":  map[string]any{"env": "prod"},
		}
	}
	tests := []struct{ tmpl, printed string }{
		{`psql "password='{{ secret.PW|addslashes }}'"`, `it\'s+p@ss&w0rd`},
		{"{{ secret.PW|escape }}", "it&#x27;s+p@ss&amp;w0rd"},
		{"{{ secret.PW|escapejs }}", `it\u0027s\u002Bp\u0040ss\u0026w\u0030rd`},
		{"{{ secret.PW|urlencode }}", "it%27s%2Bp%40ss%26w0rd"},
		{"{{ secret.PW|upper }}", "IT'S+P@SS&W0RD"},
		{"{{ secret.PW|cut:'+' }}", "it'sp@ss&w0rd"},
		{"{{ secret.PW|slice:':6' }}", "it's+p"},
		{"{{ secret.PW|truncatechars:8 }}", "it's+..."},
		{"{{ 'pw:' ~ secret.PW }}", "pw:" + trickyPw},
		{"{{ 'pw:'|add:secret.PW }}", "pw:" + trickyPw},
		{"{% filter upper %}{{ secret.PW }}{% endfilter %}", "IT'S+P@SS&W0RD"},
		{"{% set p = secret.PW|upper %}{{ p }}", "IT'S+P@SS&W0RD"},
		{"{% with p=secret.PW %}{{ p|lower }}{% endwith %}", "it's+p@ss&w0rd"},
		{"{% macro q(v) %}<{{ v|addslashes }}>{% endmacro %}{{ q(secret.PW) }}", `<it\'s+p@ss&w0rd>`},
		{"{% macro q() %}{{ secret.PW|upper }}{% endmacro %}[{{ q()|lower }}]", "it's+p@ss&w0rd"},
		{"{% for s in secret.LIST %}{{ s|upper }} {% endfor %}", "ALPHA-ONE"},
		{"{{ secret.LIST|join(sep='/') }}", "alpha-one/beta-two"},
		{"{{ secret | json_encode() }}", `{"LIST":["alpha-one","beta-two"],"PW":"it's+p@ss&w0rd"}`},
		{"{{ 'ref+echo://plain-value' | vals | upper }}", "PLAIN-VALUE"},
		{"{{ 'ref+echo://plain-value' | vals }}", "plain-value"},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			t.Parallel()
			s := newSecrets(trickyPw, "alpha-one", "beta-two")
			e := newEngine(t, newResolver(), render.WithSecrets(s))
			out, err := e.Render(context.Background(), tt.tmpl, vars())
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !strings.Contains(out, tt.printed) {
				t.Fatalf("the output does not hold the expected form (test bug)")
			}
			if !s.Knows(tt.printed) && !slices.ContainsFunc(s.added, func(a string) bool { return strings.Contains(a, tt.printed) }) {
				t.Errorf("the derived form was not taught to the Secrets set (taught %d values)", len(s.added))
			}
		})
	}
}

// Untainted output is never taught: not a plain variable, not a literal,
// not the text around a secret, not a boolean or a length derived from one.
func TestUntaintedOutputNotTaught(t *testing.T) {
	t.Parallel()
	s := newSecrets(trickyPw)
	e := newEngine(t, newResolver(), render.WithSecrets(s))
	vars := map[string]any{"secret": map[string]any{"PW": trickyPw}, "input": map[string]any{"env": "production"}}
	tmpl := "deploy --env {{ input.env|upper }} {{ 'literal-text' }} {{ secret.PW is defined }} {{ secret.PW|length }} {{ secret.PW == 'x' }}"
	if _, err := e.Render(context.Background(), tmpl, vars); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"PRODUCTION", "production", "literal-text", "deploy --env ", "true", "false", "14"} {
		if s.taught(v) {
			t.Errorf("%q was taught to the Secrets set", v)
		}
	}
}

// A value of RenderValue's input that the Secrets set knows is data: a
// decrypted password holding "{%" comes back as it is, never parsed, and
// no error quotes it.
func TestKnownSecretIsData(t *testing.T) {
	t.Parallel()
	const pw = "Xk9{%mP2qLz!"
	s := newSecrets(pw)
	e := newEngine(t, newResolver(), render.WithSecrets(s))
	in := map[string]any{"DB_PASSWORD": pw, "other": "{{ input.env }}"}
	got, err := e.RenderValue(context.Background(), in, stepVars())
	if err != nil {
		t.Fatalf("RenderValue: %v", errors.Unwrap(err) != nil)
	}
	m := got.(map[string]any)
	if m["DB_PASSWORD"] != pw || m["other"] != "prod" {
		t.Error("RenderValue changed a known secret, or did not render the template beside it")
	}
	// Without the set, the same string is a template, and the error does
	// not quote it.
	e2 := newEngine(t, newResolver())
	_, err = e2.RenderValue(context.Background(), in, stepVars())
	if err == nil || strings.Contains(err.Error(), "mP2qLz") {
		t.Errorf("err = %v, want a syntax error that does not quote the value", err != nil)
	}
}

func TestWithSecretsNil(t *testing.T) {
	t.Parallel()
	if _, err := render.New(newResolver(), render.WithSecrets(nil)); err == nil || !strings.Contains(err.Error(), "WithSecrets") {
		t.Errorf("New(WithSecrets(nil)) = %v, want an error naming the option", err)
	}
}

type dbConfig struct {
	User     string
	Password string
}

type pointed struct{ Inner *dbConfig }

// TestTaintSeesInsideGoValues: a variable holding a known secret inside a
// struct, a json.RawMessage (a []byte the evaluator prints as its JSON), a
// list or map of them, or behind a pointer, is tainted: what a template
// derives from it (here its text reversed) is taught.
func TestTaintSeesInsideGoValues(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]any{
		"json.RawMessage":    json.RawMessage(`{"token":"` + trickyPw + `"}`),
		"list of structs":    []dbConfig{{"admin", trickyPw}},
		"map of structs":     map[string]dbConfig{"db": {"admin", trickyPw}},
		"list of RawMessage": []json.RawMessage{json.RawMessage(`"` + trickyPw + `"`)},
		"pointer in struct":  pointed{&dbConfig{"admin", trickyPw}},
		"bytes":              []byte(trickyPw),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSecrets(trickyPw)
			e := newEngine(t, newResolver(), render.WithSecrets(s))
			out, err := e.Render(context.Background(), `{{ build.output ~ "" | reverse }}`, map[string]any{"build": map[string]any{"output": v}})
			if err != nil {
				t.Fatal(err)
			}
			if !s.taught(out) {
				t.Errorf("the reversed text of a value holding a secret was not taught")
			}
		})
	}
	// A value holding no secret is not tainted.
	s := newSecrets(trickyPw)
	e := newEngine(t, newResolver(), render.WithSecrets(s))
	out, err := e.Render(context.Background(), `{{ build.output ~ "" | reverse }}`, map[string]any{"build": map[string]any{"output": []dbConfig{{"admin", "public"}}}})
	if err != nil || s.taught(out) {
		t.Errorf("a value without a secret: taught %v, err %v", s.taught(out), err)
	}
}
