package advtest_test

import (
	"context"
	"testing"
)

func TestExploreArith(t *testing.T) {
	e, _ := engineWith(t)
	for _, tmpl := range []string{
		"{{ 7 / 2 }}", "{{ 1 / 0 }}", "{{ -1 / 0 }}", "{{ 0 / 0 }}", "{{ 9223372036854775807 + 1 }}", "{{ -9223372036854775807 - 2 }}",
		"{{ (-9223372036854775807 - 1) % -1 }}", "{{ (-9223372036854775807 - 1) * -1 }}", "{{ 3037000500 * 3037000500 }}", "{{ 5 % 0 }}", "{{ 5.0 % 0 }}",
		"{{ \"bob\" + 1 }}", "{{ 1 + true }}", "{{ (-9223372036854775807 - 1) | abs }}", "{{ 1e308 * 10 }}", "{{ 2 ^ 10000 }}", "{{ 2 ^ 0.5 }}",
		"{{ 99999999999999999999 }}", "{{ '99999999999999999999' | int }}", "{{ 1e400 }}", "{{ 1.5 | round(precision=400) }}", "{{ 1.5 | round(precision=-400) }}",
		"{{ 1e300 | round(precision=100) }}", "{{ 1e300 | int }}", "{{ -1e300 | int }}", "{{ 'nan' | float }}", "{{ 'inf' | float | int }}",
		"{{ 9223372036854775807 | filesizeformat }}", "{{ -1 | filesizeformat }}", "{{ 'abc' | truncate(length=9223372036854775807) }}",
		"{{ 'abc' | slice:'-9223372036854775807:9223372036854775807' }}", "{{ [1,2] | slice(start=-9223372036854775807, end=9223372036854775807) }}",
		"{{ [1,2] | nth(n=-1) }}", "{{ [1,2] | nth(n=9223372036854775807) }}", "{{ 'x' | int(base=1) }}", "{{ 'zz' | int(base=36) }}", "{{ 'zzzzzzzzzzzzzzz' | int(base=36) }}",
		"{{ '0x' | int }}", "{{ '-0b1' | int }}", "{{ 1 | date }}", "{{ 9223372036854775807 | date }}", "{{ -9223372036854775807 | date }}", "{{ 1e300 | date }}",
		"{{ 'x' | date(format='%') }}", "{{ 0 | date(format='%Y%') }}", "{{ 0 | date(format='%-') }}", "{{ 0 | date(format='%:z%::z%.3f%9f%#z') }}",
		"{{ 0 | date(format='%E') }}", "{{ 0 | date(timezone='+99:99') }}", "{{ 0 | date(timezone='../../etc/passwd') }}", "{{ 0 | date(timezone='/etc/localtime') }}",
		"{{ [] | first }}", "{{ [] | last }}", "{{ [] | join(sep='x') }}", "{{ [] | sort }}", "{{ [[1],[2,3]] | sort }}", "{{ [1, 'a'] | sort }}",
		"{{ [1,2] | group_by(attribute='a') }}", "{{ [{}] }}", "{{ 1.0 }}", "{{ -0.0 }}", "{{ 0.1 + 0.2 }}", "{{ 1e21 }}", "{{ 1e-7 }}", "{{ 1 / 3 }}",
		"{{ 10 | divisibleby(0) }}", "{{ 10 is divisibleby(0) }}", "{{ 10 is divisibleby(0.0) }}", "{{ -9223372036854775807 - 1 is divisibleby(-1) }}",
		"{{ 'abc' | pluralize(singular=1) }}", "{{ 5 | pluralize }}", "{{ 5.5 | pluralize }}", "{{ 1 | pluralize }}",
		"{{ 'a' | indent(prefix='') }}", "{{ 'a\nb' | indent(first=true, blank=true) }}", "{{ 'x' | wordcount }}",
		"{{ 1 == 1.0 }}", "{{ 'a' < 'b' }}", "{{ [1] == [1] }}", "{{ 1 < 'a' }}", "{{ none }}", "{{ null }}", "{{ true and 1 }}",
		"{% for i in 5 %}{% endfor %}", "{% for i in 1.5 %}{% endfor %}", "{% for i in true %}{% endfor %}", "{% for a, b in [1,2] %}{{ a }}{{ b }}{% endfor %}",
		"{% for a, b in 'ab' %}{{ a }}{{ b }}{% endfor %}", "{{ 1 | reverse }}", "{{ 'aé' | reverse }}", "{{ 'e\u0301x' | reverse }}",
		"{{ 'ab' | split(pat='') }}", "{{ 'ab' | split(pat='\\n') }}", "{{ 'a\\tb' | trim_start_matches(pat='\\t') }}",
		"{{ 3 | abs }}", "{{ -3.5 | abs }}", "{{ 'x' | abs }}", "{{ [1,2,3] | slice(start=2, end=1) }}", "{{ 'abcdef' | truncate(length=0) }}",
		"{{ 'a' ~ 1 ~ 1.5 ~ true ~ none ~ [1] }}", "{{ ('a' ~ 'b') | upper }}", "{{ 1 + 2 | string }}",
		"{{ loop.index }}", "{% for x in [1] %}{{ loop.parent }}{% endfor %}", "{% for x in [1] %}{{ forloop.Parentloop.Counter }}{% endfor %}",
		"{% macro m(a=1) %}{{ a }}{% endmacro %}{{ m() }}{{ self::m(a=2) }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
		"{% set x = 1 %}{% for i in [1,2] %}{% set x = i %}{% endfor %}{{ x }}", "{% set x = 1 %}{% for i in [1,2] %}{% set_global x = i %}{% endfor %}{{ x }}",
		"{{ 1 in [1] }}", "{{ 'a' in {'a':1} }}", "{{ 'a' not in 'abc' }}", "{{ 'a' is containing('a') }}", "{{ [1,2] is containing(1.0) }}",
	} {
		out, err := e.Render(context.Background(), tmpl, secretVars())
		t.Logf("%-60s => %q %v", tmpl, out, err)
	}
}
