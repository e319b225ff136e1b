package advtest_test

import (
	"context"
	"strings"
	"testing"
)

func TestExploreErrors(t *testing.T) {
	vars := func() map[string]any {
		v := secretVars()
		v["input"] = map[string]any{"s": "DATAMARK-zz", "l": []any{"DATAMARK-l", 1}, "m": map[string]any{"DATAMARK-k": "DATAMARK-v"}, "n": 3, "big": 9223372036854775807}
		return v
	}
	tmpls := []string{}
	for _, x := range []string{"secret.PW", "input.s", "input.l", "input.m", "'ref+echo://x' | vals"} {
		for _, f := range []string{
			"{{ X | int }}", "{{ X | float }}", "{{ X | nth(n=99) }}", "{{ X | get(key='zz') }}", "{{ X | get(key=secret.PW) }}",
			"{{ X | first }}", "{{ X | last }}", "{{ X | concat(with=1) }}", "{{ X | map(attribute='a') }}", "{{ X | group_by(attribute='a') }}",
			"{{ X | filter(attribute='a', value=1) }}", "{{ X | sort }}", "{{ X | unique }}", "{{ X | slice(start=1) }}", "{{ X | reverse }}",
			"{{ X | as_str | int }}", "{{ X + 1 }}", "{{ 1 + X }}", "{{ X * 2 }}", "{{ X / 0 }}", "{{ X % 0 }}", "{{ -X }}", "{{ X < 1 }}", "{{ X > [1] }}",
			"{{ X | date }}", "{{ X | date(format='%Y') }}", "{{ X | round }}", "{{ X | abs }}", "{{ X | filesizeformat }}", "{{ X | pluralize }}",
			"{{ X | truncate(length=-1) }}", "{{ X | indent(prefix=1) }}", "{{ X | json_encode | int }}", "{{ X | upper }}", "{{ X | length }}",
			"{% for c in X %}{{ c + 1 }}{% endfor %}", "{% for c in X %}{{ c.zz }}{% endfor %}", "{{ X.zz }}", "{{ X[0].zz }}", "{{ input[X] }}", "{{ secret[X] }}",
			"{{ X is matching(X) }}", "{{ input.s is matching(X) }}", "{{ X is divisibleby(X) }}", "{{ X is starting_with(1) }}", "{{ X is containing(X) }}",
			"{% macro m(a) %}{{ a.zz }}{% endmacro %}{{ m(a=X) }}", "{{ X | vals }}", "{{ X|add:1 }}", "{{ X|date:'x' }}", "{{ X|floatformat }}",
			"{{ X|slice:'a' }}", "{{ X|get_digit:'a' }}", "{{ X|divisibleby:0 }}", "{{ X|removetags:'b' }}", "{{ X|urlizetrunc:'x' }}",
			"{{ X | int(base=99) }}", "{{ X | int(default=X) }}", "{{ X | round(method=X) }}", "{{ X | date(timezone=X) }}", "{{ X | date(timezone='Nope/X') }}",
			"{{ X | split(pat=X) | nth(n=X) }}", "{{ X | replace(from=1, to=2) }}", "{{ X | trim_start_matches(pat=1) }}", "{{ X | json_encode(pretty=X) }}",
			"{{ X ^ 2 }}", "{{ X in 1 }}", "{{ input.big + X }}", "{{ X is odd }}", "{{ X | wordcount | int }}",
		} {
			tmpls = append(tmpls, strings.ReplaceAll(f, "X", "("+x+")"))
		}
	}
	e, _ := engineWith(t)
	n := 0
	for _, tmpl := range tmpls {
		_, err := e.Render(context.Background(), tmpl, vars())
		if err == nil {
			continue
		}
		n++
		s := err.Error()
		for _, m := range []string{"DATAMARK", "Hunter2", "Xylophone", "Quartz", "hunter2"} {
			if strings.Contains(strings.ToLower(s), strings.ToLower(m)) {
				t.Errorf("%s: error holds %s: %v", tmpl, m, s)
			}
		}
		_ = e.Check(tmpl)
	}
	t.Logf("%d templates, %d errors", len(tmpls), n)
}
