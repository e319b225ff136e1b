package render_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/render"
)

func TestVars(t *testing.T) {
	t.Parallel()
	type v struct {
		path      string
		line, col int
		optional  bool
	}
	for _, tc := range []struct {
		name, tmpl string
		want       []v
	}{
		{"output", "deploy {{ secret.API_TOKEN }}", []v{{"secret.API_TOKEN", 1, 11, false}}},
		{"line and column", "a\n  {{ build.output.tag }}", []v{{"build.output.tag", 2, 6, false}}},
		{"index and literal subscript", "{{ list.0 }}{{ m['k'].x }}", []v{{"list.0", 1, 4, false}, {"m.k.x", 1, 16, false}}},
		{"computed subscript stops the path and is read", "{{ secret[input.name].x }}", []v{{"secret", 1, 4, false}, {"input.name", 1, 11, false}}},
		{"tera default is optional", "{{ secret.X | default(value=input.y) }}", []v{{"secret.X", 1, 4, true}, {"input.y", 1, 29, false}}},
		{"django default is optional", "{{ secret.X|default:'' }}", []v{{"secret.X", 1, 4, true}}},
		{"defined test is optional", "{% if secret.X is defined %}{{ secret.X }}{% endif %}", []v{{"secret.X", 1, 7, true}, {"secret.X", 1, 32, true}}},
		{"a body guarded by is defined", "{% if secret.X is defined and input.y is defined %}{{ secret.X.z }}{{ input.y }}{% else %}{{ secret.X }}{% endif %}{{ secret.X }}",
			[]v{{"secret.X", 1, 7, true}, {"input.y", 1, 31, true}, {"secret.X.z", 1, 55, true}, {"input.y", 1, 71, true}, {"secret.X", 1, 94, false}, {"secret.X", 1, 119, false}}},
		{"is not defined guards nothing", "{% if secret.X is not defined %}{{ secret.X }}{% endif %}", []v{{"secret.X", 1, 7, true}, {"secret.X", 1, 36, false}}},
		{"conditions and loops", "{% if input.a == 1 %}{% for x in input.list %}{{ x.y }}{{ loop.index }}{% endfor %}{% endif %}",
			[]v{{"input.a", 1, 7, false}, {"input.list", 1, 34, false}}},
		{"set and with bind names everywhere", "{{ n }}{% set n = secret.A %}{% with m=secret.B %}{{ m }}{% endwith %}",
			[]v{{"secret.A", 1, 19, false}, {"secret.B", 1, 40, false}}},
		{"macro parameters are bound", "{% macro f(a, b=input.d) %}{{ a }}{{ c }}{% endmacro %}{{ f(secret.X) }}",
			[]v{{"input.d", 1, 17, false}, {"c", 1, 38, false}, {"secret.X", 1, 61, false}}},
		{"filter arguments and concat", "{{ 'a' ~ input.b | replace(from=secret.F, to='') }}", []v{{"input.b", 1, 10, false}, {"secret.F", 1, 33, false}}},
		{"filter block", "{% filter upper %}{{ input.x }}{% endfilter %}", []v{{"input.x", 1, 22, false}}},
		{"no template", "plain text", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars, err := render.Vars(tc.tmpl)
			if err != nil {
				t.Fatal(err)
			}
			var got []v
			for _, x := range vars {
				got = append(got, v{x.String(), x.Line, x.Column, x.Optional})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Vars(%q)\n got %v\nwant %v", tc.tmpl, got, tc.want)
			}
		})
	}
}

func TestVarsParseError(t *testing.T) {
	t.Parallel()
	_, err := render.Vars("{{ secret.X ")
	var re *render.Error
	if !errors.As(err, &re) || !errors.Is(err, render.ErrParse) {
		t.Fatalf("Vars of a broken template: %v, want a *render.Error of kind ErrParse", err)
	}
}

// FuzzVars: Vars never panics, and every variable it lists has a root and
// a place inside the template.
func FuzzVars(f *testing.F) {
	for _, s := range []string{
		"{{ secret.A }}", "{% for x in input.l %}{{ x.y }}{{ loop.index }}{% endfor %}",
		"{% if a is defined and b is defined %}{{ a.b }}{% endif %}", "{{ m['k'][i].z | default(value=q) }}",
		"{% macro m(a, b=c) %}{{ a }}{% endmacro %}{{ self::m(a=d) }}", "{% set x = y ~ z %}{% with w=v %}{{ w }}{% endwith %}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		vars, err := render.Vars(tmpl)
		if err != nil {
			return
		}
		lines := strings.Count(tmpl, "\n") + 1
		for _, v := range vars {
			if len(v.Path) == 0 || v.Path[0] == "" || v.Line < 1 || v.Line > lines || v.Column < 1 || v.Column > len(tmpl) {
				t.Fatalf("Vars(%q) lists %+v", tmpl, v)
			}
		}
	})
}
