package render_test

import (
	"context"
	"strings"
	"testing"
	"unicode"

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

// TestPiecesFarApartAreMasked: pieces of a secret too short to mask alone,
// printed by separate outputs with text between them, are taught as the
// text from the first piece to the last, so they cannot spell the secret
// out a piece at a time (the adversary's TestSpelledOutsideLoop).
func TestPiecesFarApartAreMasked(t *testing.T) {
	t.Parallel()
	const pw = "Hunter2-Xylophone-Quartz"
	for _, tmpl := range []string{
		`{{ secret.PW|slice:":3" }} ......... {{ secret.PW|slice:"3:6" }} ......... {{ secret.PW|slice:"6:9" }} ......... {{ secret.PW|slice:"9:12" }}`,
		`{% set l = secret.PW | split(pat="") %}{{ l.1 }}=========={{ l.2 }}=========={{ l.3 }}=========={{ l.4 }}=========={{ l.5 }}=========={{ l.6 }}`,
		`{% macro m() %}{{ secret.PW|slice:":3" }} .......... {{ secret.PW|slice:"3:6" }}{% endmacro %}{{ m() }} .......... {{ secret.PW|slice:"6:9" }}`,
	} {
		r, err := redact.New()
		if err != nil {
			t.Fatal(err)
		}
		r.Add(pw)
		e := newEngine(t, newResolver(), render.WithSecrets(r))
		out, err := e.Render(context.Background(), tmpl, map[string]any{"secret": map[string]any{"PW": pw}})
		if err != nil {
			t.Fatal(err)
		}
		masked := r.String(out)
		var letters strings.Builder
		for _, c := range masked {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				letters.WriteRune(c)
			}
		}
		for _, piece := range []string{"Hunter", "unter2", "nter2X", "ter2Xy"} {
			if strings.Contains(letters.String(), piece) {
				t.Errorf("%s\nspells the secret out: %q", tmpl, masked)
				break
			}
		}
	}
}
