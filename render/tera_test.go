package render_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hushflow/hushflow/render"
)

// TestTeraSyntax checks the engine against what Tera 1.20 (the version
// Strøm builds with) renders. The cases are this project's own, modeled on
// the templates of Strøm's documentation (docs/src/content/docs/guides)
// and example workspace (workspace/.workflows), and on Tera's documented
// behaviour; the expected outputs are Tera's.
func TestTeraSyntax(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{
		"input": map[string]any{
			"name": "World", "env": "production", "count": 1200, "ratio": 2.567, "whole": 3.0,
			"enabled": true, "skip": false, "empty": "", "nothing": nil,
			"environments": []any{"staging", "production"}, "tags": []any{"a", "b"},
			"numbers": []any{1, 2.5, 3.0}, "padded": "  text \n", "csv": "a,b,,c",
			"long": "Hello beautiful World",
		},
		"analyze":   map[string]any{"output": map[string]any{"sentiment": "positive", "tokens": map[string]any{"in": 120, "out": 30}}},
		"hook":      map[string]any{"artifacts": []any{map[string]any{"url": "https://x/a", "name": "a.txt", "size_bytes": 12}}, "failed_steps": []any{"build", "test"}},
		"state":     map[string]any{"greeting": "hi"},
		"say_hello": map[string]any{"output": map[string]any{"greeting": "Hello World"}},
		"run":       map[string]any{"output": map[string]any{"periods": []any{map[string]any{"to": "2024-02", "from": "2024-01"}}}},
	}
	tests := []struct{ name, tmpl, want string }{
		// Keyword-argument filters.
		{"default of an undefined", "{{ state.missing | default(value='(no greeting)') }}", "(no greeting)"},
		{"default keeps a defined value", "{{ state.greeting | default(value='x') }}", "hi"},
		{"Tera's default keeps an empty string", "[{{ input.empty | default(value='x') }}]", "[]"},
		{"Django's default replaces it", "[{{ input.empty | default:'x' }}]", "[x]"},
		{"default of an undefined root", "{{ name | default(value='World') }}", "World"},
		{"join", "{{ input.environments | join(sep=', ') }}", "staging, production"},
		{"join of numbers", "{{ input.numbers | join(sep='/') }}", "1/2.5/3"},
		{"split", "{{ input.csv | split(pat=',') | join(sep='|') }}", "a|b||c"},
		{"truncate", "{{ input.long | truncate(length=5) }}", "Hello…"},
		{"truncate with end", "{{ input.long | truncate(length=5, end='...') }}", "Hello..."},
		{"truncate short", "{{ input.name | truncate(length=50) }}", "World"},
		{"replace", "{{ input.env | replace(from='prod', to='staging-') }}", "staging-uction"},
		{"round", "{{ input.ratio | round(precision=2) }}", "2.57"},
		{"round to whole", "{{ 2.5 | round }}", "3"},
		{"round floor", "{{ input.ratio | round(method='floor', precision=1) }}", "2.5"},
		// Filters pongo2 lacks.
		{"json_encode list", "{{ input.tags | json_encode() }}", `["a","b"]`},
		{"json_encode floats", "{{ input.numbers | json_encode() }}", `[1,2.5,3.0]`},
		{"json_encode map in key order", "{{ run.output.periods | json_encode() }}", `[{"from":"2024-01","to":"2024-02"}]`},
		{"json_encode pretty", "{{ input.tags | json_encode(pretty=true) }}", "[\n  \"a\",\n  \"b\"\n]"},
		{"trim", "[{{ input.padded | trim }}]", "[text]"},
		{"trim_start", "[{{ input.padded | trim_start }}]", "[text \n]"},
		{"capitalize", "{{ 'hELLO' | capitalize }}", "Hello"},
		{"length", "{{ hook.failed_steps | length }}", "2"},
		{"upper", "{{ input.name | upper }}", "WORLD"},
		// Concatenation, tests, operators.
		{"tilde", "{{ input.name ~ '-' ~ input.count ~ '-' ~ input.enabled }}", "World-1200-true"},
		{"filters apply to the whole concatenation", "{{ 'a' ~ input.name | upper }}", "AWORLD"},
		{"is defined", "{% if input.name is defined %}yes{% endif %}", "yes"},
		{"is not defined", "{% if input.nope is not defined %}absent{% endif %}", "absent"},
		{"is undefined", "{{ input.nope is undefined }}", "true"},
		{"is defined on a string's attribute", "{{ input.name.x is defined }}", "false"},
		{"comparison", "{{ analyze.output.sentiment == 'positive' }}", "true"},
		{"comparison of numbers", "{{ input.count >= 1000 }}", "true"},
		{"not", "{{ not input.skip }}", "true"},
		{"not binds looser than ==", "{{ not input.env == 'staging' }}", "true"},
		{"equality with true", "{{ input.enabled == true }}", "true"},
		{"sum", "{{ analyze.output.tokens.in + analyze.output.tokens.out }}", "150"},
		{"in", "{{ 'staging' in input.environments }}", "true"},
		{"not in", "{{ 'dev' not in input.environments }}", "true"},
		{"and or", "{{ input.enabled and not input.skip or false }}", "true"},
		// Loops.
		{"loop.index", "{% for e in input.environments %}{{ loop.index }}.{{ e }} {% endfor %}", "1.staging 2.production "},
		{"loop.index0 first last", "{% for e in input.tags %}{{ loop.index0 }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}{% endfor %}", "0F1L"},
		{"for over a map, sorted", "{% for k, v in analyze.output.tokens %}{{ k }}={{ v }};{% endfor %}", "in=120;out=30;"},
		{"artifacts list", "{% for a in hook.artifacts %}- <{{ a.url }}|{{ a.name }}> ({{ a.size_bytes }} B)\n{% endfor %}", "- <https://x/a|a.txt> (12 B)\n"},
		// Text and literals.
		{"raw", "{% raw %}{{ not.rendered }} {% if %}{% endraw %}", "{{ not.rendered }} {% if %}"},
		{"backslash-n in a literal is two characters", `{{ "a\nb" }}`, `a\nb`},
		{"a newline inside a literal", "{{ input.csv | replace(from=',', to='\n') }}", "a\nb\n\nc"},
		{"a newline inside a tag", "{{\n  input.name\n}}", "World"},
		{"multi-line comment", "a{# one\ntwo #}b", "ab"},
		{"trim markers", "a  {{- input.name -}}  b {#- c -#} d", "aWorldbd"},
		{"backquoted string", "{{ `it's` }}", "it's"},
		{"macro called Tera's way", "{% macro hi(who='you') %}hi {{ who }}{% endmacro %}{{ self::hi(who=input.name) }} {{ self::hi() }}", "hi World hi you"},
		// How Tera prints numbers.
		{"float", "{{ input.ratio }}", "2.567"},
		{"whole float", "{{ input.whole }}", "3"},
		{"small float", "{{ 0.0000001 }}", "0.0000001"},
		{"null", "[{{ input.nothing }}]", "[]"},
		{"if else", "{% if input.enabled %}echo Active{% else %}echo Inactive{% endif %}", "echo Active"},
		{"step output", "{{ say_hello.output.greeting }}", "Hello World"},
		{"vals", `{{ "hello" | vals }}`, "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := e.Render(context.Background(), tt.tmpl, vars)
			if err != nil {
				t.Fatalf("Render(%q): %v", tt.tmpl, err)
			}
			if got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.tmpl, got, tt.want)
			}
		})
	}
}

// Templates that Tera refuses fail here too, with a message naming the
// construct.
func TestTeraErrors(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{"input": map[string]any{"name": "x"}}
	for tmpl, kind := range map[string]error{
		"{{ previous-step.output.metrics }}":           render.ErrUndefined, // Tera reads "previous - step..."
		`print(f'OUTPUT: {{"count": {len(df)}}}')`:     render.ErrParse,     // a Python f-string in a script
		"{{ input.name | nosuch }}":                    render.ErrParse,
		"{{ input.name | truncate(length='x') }}":      render.ErrExec,
		"{% if input.name %}{% continue %}{% endif %}": render.ErrParse, // outside a loop
	} {
		_, err := e.Render(context.Background(), tmpl, vars)
		if !errors.Is(err, kind) {
			t.Errorf("Render(%q) = %v, want %v", tmpl, err, kind)
		}
	}
}

// Check parses without rendering: the loader checks every template of a
// workspace when it loads.
func TestCheck(t *testing.T) {
	t.Parallel()
	r := newResolver()
	e := newEngine(t, r)
	for tmpl, want := range map[string]error{
		"plain text, no template":                            nil,
		"{{ secret.NOT_THERE }}":                             nil, // variables are the render's business
		"{{ 'ref+vault://secret/data/db#password' | vals }}": nil,
		"{{ x | nosuch }}":                                   render.ErrParse,
		"{% if x %}":                                         render.ErrParse,
		"{% include 'x' %}":                                  render.ErrParse,
		"{% macro f() %}{{ f() }}{% endmacro %}":             render.ErrParse,
	} {
		err := e.Check(tmpl)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Errorf("Check(%q) = %v, want %v", tmpl, err, want)
		}
	}
	if n := r.calls.Load(); n != 0 {
		t.Errorf("Check called the resolver %d times", n)
	}
	var re *render.Error
	if err := e.Check("line one\n  {{ x | nosuch }}"); !errors.As(err, &re) || re.Line != 2 || re.Column != 10 {
		t.Errorf("Check: %v, want line 2, column 10", err)
	}
}
