package render_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
)

// *redact.Redactor is the Secrets set a program hands in (the tests use a
// fake elsewhere); this checks that it fits, and that what a template
// derives from a secret is masked in the rendered text, even a form the
// redactor could not know: a slice of it.
var _ render.Secrets = (*redact.Redactor)(nil)

func TestRedactorAsSecrets(t *testing.T) {
	t.Parallel()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	r.Add(trickyPw)
	e := newEngine(t, newResolver(), render.WithSecrets(r))
	out, err := e.Render(context.Background(), `psql "password='{{ secret.PW|slice:'3:13' }}'"`, map[string]any{"secret": map[string]any{"PW": trickyPw}})
	if err != nil {
		t.Fatal(err)
	}
	if masked := r.String(out); strings.Contains(masked, "p@ss") {
		t.Error("the escaped secret is not masked after the render")
	}
}
