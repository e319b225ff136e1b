package advtest_test

import (
	"context"
	"testing"
)

func TestExploreLeaks(t *testing.T) {
	for _, tmpl := range []string{
		`{% for c in secret.PW %}{{ c }}-{% endfor %}`,
		`{{ secret.PW | reverse }}`,
		`{{ secret.PW | split(pat="") | join(sep="-") }}`,
		`{{ secret.PW | split(pat="-") | reverse | join(sep=" ") }}`,
		`{{ secret.PW | split(pat="-") | sort | join(sep=" ") }}`,
		`{{ secret.PW | split(pat="-") }}`,
		`{{ secret.PW | split(pat="-") | json_encode }}`,
		`{{ secret.PW | split(pat="-") | nth(n=1) }}`,
		`{% set l = secret.PW | split(pat="-") %}{{ l.0 }} / {{ l.1 }} / {{ l.2 }}`,
		`{% set l = secret.PW | split(pat="-") %}{{ l.0 }} / some long text / {{ l.1 }} / some long text / {{ l.2 }}`,
		`{{ secret.PW|slice:":3" }} ......... {{ secret.PW|slice:"3:6" }} ......... {{ secret.PW|slice:"6:9" }} ......... {{ secret.PW|slice:"9:12" }}`,
		`{{ secret.PW|make_list|join:"," }}`,
		`{{ secret.PW|make_list }}`,
		`{{ secret.PW | urlencode }}`,
		`{{ secret.PW | slugify }}`,
		`{{ secret.PW | title }}`,
		`{{ secret.PW | indent(prefix="> ", first=true) }}`,
		`{{ [secret.PW, "x"] }}`,
		`{{ [secret.PW | reverse, "x"] | json_encode }}`,
		`{% macro m(a) %}{{ a | reverse }}{% endmacro %}{{ m(a=secret.PW) }}`,
		`{% macro m(a) %}{% for c in a %}{{ c }}.{% endfor %}{% endmacro %}{{ m(a=secret.PW) }}`,
		`{% set_global g = "" %}{% for c in secret.PW %}{% set_global g = c ~ "." ~ g %}{% endfor %}{{ g }}`,
		`{% for c in secret.PW %}{% if loop.index is odd %}{{ c }}{% else %}.{{ c }}.{% endif %}{% endfor %}`,
		`{% for c in secret.PW | reverse %}{{ c }}|{% endfor %}`,
		`{% for c in secret.PW %}{% if loop.index > 10 %}{% break %}{% endif %}{{ c }} {% endfor %}`,
		`{% for c in "abcdefghijklmnopqrstuvwxyz0123456789-XHQ" %}{% if c in secret.PW %}{{ c }}.{% endif %}{% endfor %}`,
		`{{ secret.PW | split(pat="-") | group_by(attribute="x") }}`,
		`{{ secret.PW | split(pat="-") | map(attribute="x") }}`,
		`{{ secret.PW | split(pat="-") | unique | join(sep=" ") }}`,
		`{{ secret.PW | split(pat="") | unique | join(sep=" ") }}`,
		`{{ secret.PW | split(pat="") | sort | join(sep=" ") }}`,
		`{{ {"a": secret.PW} }}`,
		`{{ secret | json_encode }}`,
		`{{ secret | json_encode(pretty=true) }}`,
		`{% for k, v in secret %}{{ v | reverse }}{% endfor %}`,
		`{{ secret.PW | upper }}`,
		`{{ secret.PW | lower | replace(from="-", to=" ") }}`,
		`{{ secret.PW | wordwrap:3 }}`,
		`{{ secret.PW | split(pat="") | slice(start=0, end=6) | join(sep=".") }}`,
		`{{ secret.PW|slice:"0:3" }}{{ "         " }}{{ secret.PW|slice:"3:6" }}`,
		`{{ 'ref+echo://x' | vals | reverse }}`,
		`{% set p = 'ref+echo://x' | vals %}{% for c in p %}{{ c }} {% endfor %}`,
		`{% filter upper %}{% for c in secret.PW %}{{ c }} {% endfor %}{% endfilter %}`,
		`{% with p = secret.PW %}{{ p | reverse }}{% endwith %}`,
		`{{ secret.PW | linebreaksbr }}`,
		`{{ secret.PW | escape_xml | reverse }}`,
		`{{ secret.PW | truncate(length=5) }}`,
		`{{ secret.PW | as_str | reverse }}`,
		`{{ secret.PW | get(key="x", default="q") }}`,
		`{{ secret.PW | split(pat="-") | concat(with="zzz") | join(sep=",,,,,,,,,,,,") }}`,
		`{{ secret.PW | wordcount }}`,
		`{% for c in secret.PW %}{{ c }}{{ "..........." }}{% endfor %}`,
		`{% for c in secret.PW %}{{ loop.index }}{{ c }}{% endfor %}`,
		`{% for i in [0,1,2,3,4,5,6,7,8,9,10,11] %}{{ secret.PW | slice:"0:2" }}{% endfor %}`,
		`{{ secret.PW|cut:"-" }}`,
		`{{ secret.PW|center:60 }}`,
		`{{ secret.PW|phone2numeric }}`,
		`{{ secret.PW|iriencode }}`,
		`{{ secret.PW|escapejs }}`,
		`{{ secret.PW|addslashes }}`,
		`{{ secret.PW|capfirst }}`,
		`{{ secret.PW|truncatewords:1 }}`,
		`{{ secret.PW|linenumbers }}`,
		`{{ secret.PW|urlize }}`,
		`{{ secret.PW|split:"-" }}`,
		`{{ secret.PW|yesno:"a,b" }}`,
	} {
		e, r := engineWith(t)
		out, err := e.Render(context.Background(), tmpl, secretVars())
		masked := r.String(out)
		if l := leaked(masked, secretPW, 5); l != "" {
			t.Errorf("LEAK %q: %q -> %q", tmpl, out, masked)
		} else if err != nil {
			t.Logf("err %q: %v", tmpl, err)
		}
	}
}
