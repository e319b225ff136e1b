package render

import (
	"errors"
	"testing"
)

// FuzzEmit checks the parser against pongo2: whatever template the engine's
// parser and checks accept, pongo2 accepts as the engine emits it, and a
// parse error is always an *Error placed inside the template.
func FuzzEmit(f *testing.F) {
	for _, seed := range []string{
		"a {{ x }} b", "{{ 'r' | vals | upper }}", "{% filter vals %}x{% endfilter %}", "{{- x -}}",
		`{{ "}}" }}{{ '{{' }}`, `{{ "a\"b" }}`, "{# {{ x }} #}", "{% raw %}{{ x }}{% endraw %}{{ y }}",
		"{% if a|vals %}{{ b|default:c }}{% elif d %}{% else %}{% endif %}", "{{ x %}", "{{ a ; b }}",
		"{% macro m(a, b=1) %}{{ a }}{% endmacro %}{{ m(1) }}{{ self::m(b=2, a=3) }}", "{{ a.0.b[c] }}",
		"x\n  {{ y|vals }}\n{{ z }}", "{{ (a) }}", "{{ a ~ b | join(sep=',') }}", "{% for k, v in m reversed %}{% empty %}{% endfor %}",
		"{{ not a in b and c is not defined }}", "{{ -1|abs }}", "{{ x['in'].and }}", "{% with a=1 b=2 %}{% endwith %}",
		"{{ `x` }}", "{{ 1.5 + 2 * 3 ^ 2 % 4 }}", "{% set x = y|truncate(length=3, end='') %}", "a{", "{{ '\n' }}",
	} {
		f.Add(seed)
	}
	set, err := newTemplateSet()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		nodes, err := parseTemplate(src, DefaultMaxDepth)
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
		out, _ := emit(src, nodes, newFlow(nodes))
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("pongo2 panicked parsing the emitted template: %v", r)
				}
			}()
			if _, err := set.FromString(out); err != nil {
				t.Errorf("pongo2 refused the emitted template: %v\n%q", err, out)
			}
		}()
	})
}
