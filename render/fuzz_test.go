package render_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/render"
)

// fuzzMark is in every secret value of the fuzz target; no error may hold it.
const fuzzMark = "FUZZ-SECRET"

// fuzzResolver resolves every reference to a secret, except those that
// mention "fail".
type fuzzResolver struct{}

var errFuzzFail = errors.New("fuzz: backend failed")

func (fuzzResolver) Resolve(_ context.Context, s string) (string, error) {
	if strings.Contains(s, "fail") {
		return "", errFuzzFail
	}
	return "resolved-" + fuzzMark + "-'q\"-value", nil
}

func fuzzVars() map[string]any {
	return map[string]any{
		"secret": map[string]any{
			"A":     "var-" + fuzzMark + "-a",
			"QUOTE": `it's a "` + fuzzMark + `" '`,
			"SHORT": "x",
		},
		"input": map[string]any{
			"n": 42, "f": 2.5, "b": true, "z": nil, "s": "text",
			"l":   []any{"one", 2, fuzzMark + "-in-list"},
			"m":   map[string]any{"k": fuzzMark + "-in-map"},
			"ref": "ref+vault://secret/data/x#key",
		},
		"say-hello": map[string]any{"output": fuzzMark + "-hyphen"},
	}
}

// FuzzRender: arbitrary template text never panics, never crashes the
// process, stays within the render's budgets, never returns an error
// holding a secret value (resolved or from the variables), returns only
// *render.Error errors, and renders the same way twice (the second time from
// the cache).
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "{{ input.n }}", "{{ secret.A }}", "{{ secret.B }}", "{{ input.ref | vals }}",
		"{{ 'ref+vault://fail/x#y' | vals }}", "{{ input.b | yesno:secret.QUOTE }}",
		"{{ input.s | yesno:secret.A }}", "{% set p = input.ref|vals %}{{ input.b | yesno:p }}",
		"{{ input.l | join:secret.A | vals }}", "{{ input.m.k|add:secret.A }}", "{{ n[0] }}",
		"{% for x in input.l %}{{ x|vals }}{% endfor %}", "{% filter vals %}ref+echo://abc-def{% endfilter %}",
		"{{ say-hello.output }}", "{% if input.z %}{{ nope }}{% endif %}", "{{ input.f|floatformat:secret.A }}",
		"{% macro m(a) %}{{ a|vals }}{% endmacro %}{{ m(input.ref) }}{{ m(1, 2) }}", "{{ 'a' ", "{% verbatim %}{{",
		"{{ input.l.9 }}", "{{ input.s.x }}", "{{ input.s[secret.A] }}", "{{ secret[input.s] }}", "{{ __hushflow }}",
		"{{ x|vals:'a' }}", "{% include 'x' %}", "{{ input.s|date:secret.A }}", "{{ secret.A|truncatechars:secret.A }}",
		"{{ input.m|stringformat:secret.A }}", "{{ secret.QUOTE()|upper }}", "{{- input.n -}}", "{# {{ #}",
		"{% comment %}{{\xe2a) }}{% endcomment ", "{% comment %}{% endcomment x %}", "{",
		// Tera's syntax and the budgets.
		"{{ input.l | join(sep=', ') }}", "{{ input.m | json_encode(pretty=true) }}", "{{ 'a' ~ input.s ~ secret.A | upper }}",
		"{% for x in input.l %}{{ loop.index }}{% if loop.last %}!{% endif %}{% endfor %}", "{{ input.s is defined }}",
		"{% raw %}{{ x }}{% endraw %}", "{{ input.s | replace(from='e', to=secret.A) }}", "{{ input.f | round(precision=1) }}",
		"{{ input.s | truncate(length=2) }}", "{{ input.s | split(pat='') }}", "{{ self::m() }}", "{% macro m() %}{{ m() }}{% endmacro %}",
		`{{ "\\"|addslashes|addslashes|addslashes|addslashes|addslashes|addslashes|addslashes|addslashes|addslashes|addslashes }}`,
		"{% for a in 'x'|ljust:300|make_list %}{% for b in 'x'|ljust:300|make_list %}{% endfor %}{% endfor %}",
		"{% with v=input.s %}{% with v=v+v %}{% with v=v+v %}{{ v }}{% endwith %}{% endwith %}{% endwith %}",
		"{% filter vals %}ref+vault://x/{{ input.s }}#k{% endfilter %}", "{{ input.ref ~ '' | vals }}",
	} {
		f.Add(seed)
	}
	e, err := render.New(fuzzResolver{}, limits(func(l *render.Limits) { l.MaxTemplateSize = 4096; l.MaxOutput = 1 << 20; l.MaxIterations = 20000 }),
		render.WithSecrets(newSecrets("var-"+fuzzMark+"-a")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		vars := fuzzVars()
		ctx := context.Background()
		out1, err1 := e.Render(ctx, tmpl, vars)
		if len(out1) > 1<<20+4096 {
			t.Errorf("the output is %d bytes, over the budget", len(out1))
		}
		out2, err2 := e.Render(ctx, tmpl, vars)
		if out1 != out2 || errString(err1) != errString(err2) {
			t.Errorf("two renders differ (error %v, then %v)", err1 != nil, err2 != nil)
		}
		_, errValue := e.RenderValue(ctx, map[string]any{"k": tmpl}, vars)
		for _, err := range []error{err1, errValue} {
			if err == nil {
				continue
			}
			var re *render.Error
			if !errors.As(err, &re) {
				t.Errorf("error of type %T, want *render.Error", err)
			}
			if !strings.Contains(tmpl, fuzzMark) && strings.Contains(err.Error(), fuzzMark) {
				t.Errorf("secret leaked into an error message (kind %v)", re.Kind)
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
