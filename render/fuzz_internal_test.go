package render

import (
	"context"
	"errors"
	"testing"
)

// FuzzParse checks the parser and the checks on any text: a parse error is
// always an *Error placed inside the template, and a template they accept
// compiles and runs without a panic (errors are fine: the variables are
// few).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"a {{ x }} b", "{{ 'r' | vals | upper }}", "{% filter vals %}x{% endfilter %}", "{{- x -}}",
		`{{ "}}" }}{{ '{{' }}`, `{{ "a\"b" }}`, "{# {{ x }} #}", "{% raw %}{{ x }}{% endraw %}{{ y }}",
		"{% if a|vals %}{{ b|default:c }}{% elif d %}{% else %}{% endif %}", "{{ x %}", "{{ a ; b }}",
		"{% macro m(a, b=1) %}{{ a }}{% endmacro %}{{ m(1) }}{{ self::m(b=2, a=3) }}", "{{ a.0.b[c] }}",
		"x\n  {{ y|vals }}\n{{ z }}", "{{ (a) }}", "{{ a ~ b | join(sep=',') }}", "{% for k, v in m reversed %}{% empty %}{% endfor %}",
		"{{ not a in b and c is not defined }}", "{{ -1|abs }}", "{{ x['in'].and }}", "{% with a=1 b=2 %}{% endwith %}",
		"{{ `x` }}", "{{ 1.5 + 2 * 3 ^ 2 % 4 }}", "{% set x = y|truncate(length=3, end='') %}", "a{", "{{ '\n' }}",
		"{{ t.1.1 }}", "{{ 7 / 0 }}", "{% for c in a %}{{ forloop.Parentloop.Counter }}{% endfor %}",
	} {
		f.Add(seed)
	}
	e, err := New(echoResolver{}, limits(func(l *Limits) { l.MaxIterations = 1000; l.MaxOutput = 1 << 16 }))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		nodes, err := parseTemplate(src, DefaultLimits().MaxDepth)
		if err == nil {
			err = validate(src, nodes)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of type %T", err)
			}
			if e.Line < 1 || e.Column < 1 || newLineIndex(src).offset(e.Line, e.Column) > len(src) {
				t.Errorf("error placed at %d:%d, outside the template", e.Line, e.Column)
			}
			return
		}
		vars := map[string]any{"a": []any{"x", 1}, "b": "bee", "m": map[string]any{"k": 2.5}, "x": nil, "y": "ref+echo://v"}
		if _, err := e.Render(context.Background(), src, vars); err != nil {
			var re *Error
			if !errors.As(err, &re) {
				t.Errorf("render error of type %T", err)
			}
		}
	})
}
