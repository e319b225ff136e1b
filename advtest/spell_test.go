package advtest_test

import (
	"context"
	"testing"
)

// TestSpelledOutsideLoop: pieces of a secret printed by separate outputs
// with more than runGap (8) bytes between them are taught one by one; a
// piece under the redactor's minimum length (4) is masked only as a whole
// value, so "Hun ......... ter ......... 2-X ......... ylo" stays readable.
// The doc: "a template cannot spell a secret out a piece at a time".
func TestSpelledOutsideLoop(t *testing.T) {
	for _, tmpl := range []string{
		`{{ secret.PW|slice:":3" }} ......... {{ secret.PW|slice:"3:6" }} ......... {{ secret.PW|slice:"6:9" }} ......... {{ secret.PW|slice:"9:12" }}`,
		`{% set l = secret.PW | split(pat="") %}{{ l.1 }}=========={{ l.2 }}=========={{ l.3 }}=========={{ l.4 }}=========={{ l.5 }}=========={{ l.6 }}`,
	} {
		e, r := engineWith(t)
		out, err := e.Render(context.Background(), tmpl, secretVars())
		if err != nil {
			t.Fatal(err)
		}
		if l := leaked(r.String(out), secretPW, 6); l != "" {
			t.Errorf("%s\nspells the secret out: %q", tmpl, r.String(out))
		}
	}
}

// TestSpelledThroughBranches: a loop over a secret whose body prints only
// the author's text, chosen by comparing each character, is never taught
// (nothing tainted is printed), and spells the secret out exactly.
func TestSpelledThroughBranches(t *testing.T) {
	tmpl := `{% for c in secret.PW %}{% for a in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-" %}{% if a == c %}{{ a }} {% endif %}{% endfor %}{% endfor %}`
	e, r := engineWith(t)
	out, err := e.Render(context.Background(), tmpl, secretVars())
	if err != nil {
		t.Fatal(err)
	}
	if l := leaked(r.String(out), secretPW, 6); l != "" {
		t.Errorf("spells the secret out: %q", r.String(out))
	}
}
