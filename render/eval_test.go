package render_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hushflow/hushflow/redact"
	"github.com/hushflow/hushflow/render"
)

// Issue 18: operators have Tera's meaning, and Tera's type errors are
// ErrExec with a position, never a value.
func TestTeraOperators(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{
		"t": []any{[]any{1, 2}, []any{3, 4}}, "m": map[string]any{"a": 1}, "n": nil, "b": true,
		"big": 9223372036854775807, "f": 2.5,
	}
	for _, tt := range []struct{ tmpl, want string }{
		{"{{ 7 / 2 }}", "3.5"},
		{"{{ 6 / 2 }}", "3"},
		{"{{ 1 / 0 }}", "NaN"},
		{"{{ 10 % 3 }}", "1"},
		{"{{ 1.5 * 2 }}", "3"},
		{"{{ f + 1 }}", "3.5"},
		{"{{ big - 1 }}", "9223372036854775806"},
		{"{{ 1 == 1.0 }}", "true"},
		{`{{ n | default(value="x") }}`, "x"},
		{`{{ nope | default(value="x") }}`, "x"},
		{"{{ t.1.1 }}", "4"},
		{"{{ t.0.0 + t.1.0 }}", "4"},
		{"{% if m is iterable %}yes{% endif %}", "yes"},
		{"{% if t is iterable %}yes{% endif %}", "yes"},
		{"{% if 'a' in m %}yes{% endif %}", "yes"},
		// Filters apply to the arithmetic before them, as in Tera.
		{"{{ 2.8 * 2 | round }}", "6"},
		{"{{ 1.9 + 2 | round - 1.8 + 2 | round - 1 }}", "-1"},
		{"{% if 0 / 0 %}a{% else %}b{% endif %}", "b"},
		{"{{ [1, 'a', f] | length }}{% if 2 in [1, 2] %}!{% endif %}", "3!"},
		{"{% for i in [1, 2, 3, 4] %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}", "13"},
		{"{% for i in [1, 2] %}{% set a = i %}{% set_global g = i %}{% endfor %}{{ g }}{{ a | default(value='-') }}", "2-"},
		{"{% for i in [3, 1, 2] sorted %}{{ i }}{% endfor %}", "123"},
		// pongo2's ^ binds tighter than a unary minus.
		{"{{ -2 ^ 2 }}", "-4"},
		{"{{ 2 ^ -1 }}", "0.5"},
	} {
		got, err := e.Render(context.Background(), tt.tmpl, vars)
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.tmpl, got, err, tt.want)
		}
	}
	for _, tmpl := range []string{
		"{{ big + 1 }}", "{{ 0 - big - 2 }}", "{{ big * 2 }}", `{{ "bob" + 1 }}`, "{{ 1 + true }}", "{{ n + 1 }}",
		`{{ "a" + "b" }}`, "{% for i in b %}{% endfor %}", "{% for i in 3 %}{% endfor %}", "{{ 1 % 0 }}", "{{ -b }}",
		"{{ m < 1 }}", "{% if 1 in 2 %}{% endif %}", "{{ t[b] }}",
	} {
		_, err := e.Render(context.Background(), tmpl, vars)
		var re *render.Error
		if !errors.As(err, &re) || !errors.Is(err, render.ErrExec) || re.Line != 1 || re.Column < 1 {
			t.Errorf("Render(%q) err = %v, want ErrExec with a position", tmpl, err)
		}
	}
}

// Issues 18 and 20 (item 7): whatever a loop, a set, a ~ or make_list
// assembles from pieces of a secret is taught as the text it prints, so a
// template cannot spell a secret out unmasked, one piece (below any
// minimum length) at a time.
func TestPiecesOfASecretAreTaught(t *testing.T) {
	t.Parallel()
	const pw = "hunter2-Passw0rd"
	vars := map[string]any{"secret": map[string]any{"PW": pw}, "input": map[string]any{"env": "prod"}}
	for _, tmpl := range []string{
		"{% for c in secret.PW %}{{ c }}-{% endfor %}",
		"{% for c in secret.PW %}{{ c }} {% endfor %}",
		"{% for c in secret.PW|make_list %}{{ c }}{% if not loop.last %}.{% endif %}{% endfor %}",
		"{% for c in secret.PW reversed %}{{ c }}:{% endfor %}",
		"{% set l = secret.PW|make_list %}{% for c in l %}[{{ c }}]{% endfor %}",
		"{% for c in secret.PW %}{% set d = c|upper %}{{ d }}--{% endfor %}",
		"{{ secret.PW|slice:':3' }}-{{ secret.PW|slice:'3:6' }}-{{ secret.PW|slice:'6:9' }}-{{ secret.PW|slice:'9:12' }}-{{ secret.PW|slice:'12:' }}",
		"{% set a = secret.PW|slice:':3' %}{% set b = secret.PW|slice:'3:' %}{{ a ~ '.' ~ b }}",
		"{% macro one(c) %}{{ c }}{% endmacro %}{% for c in secret.PW %}{{ one(c) }}/{% endfor %}",
		"{% for c in secret.PW %}{% filter upper %}{{ c }}{% endfilter %} and a long text between the pieces {% endfor %}",
	} {
		t.Run(tmpl, func(t *testing.T) {
			t.Parallel()
			r, err := redact.New()
			if err != nil {
				t.Fatal(err)
			}
			r.Add(pw)
			e := newEngine(t, newResolver(), render.WithSecrets(r))
			out, err := e.Render(context.Background(), tmpl, vars)
			if err != nil {
				t.Fatal(err)
			}
			masked := r.String(out)
			// Three consecutive characters of the secret, in any spelling,
			// would tell it: none may remain.
			for _, piece := range []string{"unt", "ter", "ssw", "0rd", "UNT", "SSW"} {
				for _, sep := range []string{"", "-", " ", ".", ":", "][", "--", "/"} {
					spelled := strings.Join(strings.Split(piece, ""), sep)
					if strings.Contains(masked, spelled) {
						t.Errorf("the masked output still spells a piece of the secret (%d bytes out)", len(masked))
						return
					}
				}
			}
		})
	}
}

// What a template prints without a secret is not taught, in a loop too, nor
// is a loop's text when what it printed of a secret is only numbers.
func TestLoopWithoutSecretNotTaught(t *testing.T) {
	t.Parallel()
	s := newSecrets("hunter2-Passw0rd")
	e := newEngine(t, newResolver(), render.WithSecrets(s))
	vars := map[string]any{"secret": map[string]any{"PW": "hunter2-Passw0rd"}, "input": map[string]any{"env": "prod"}}
	if _, err := e.Render(context.Background(), "{% for c in input.env %}{{ c }}-{% endfor %}{{ secret.PW|length }}{% for c in secret.PW %}{{ c|length }} {{ loop.index }}{% endfor %}", vars); err != nil {
		t.Fatal(err)
	}
	if len(s.added) != 0 {
		t.Errorf("taught %d values, want none", len(s.added))
	}
}

// New reports a nil option as an error, and every bad option at once.
func TestNewReportsEveryBadOption(t *testing.T) {
	t.Parallel()
	_, err := render.New(newResolver(), nil)
	if err == nil || !strings.Contains(err.Error(), "option 0 is nil") || !errors.Is(err, render.ErrInvalidOption) {
		t.Errorf("New(r, nil) = %v, want an error naming the nil option", err)
	}
	_, err = render.New(nil, limits(func(l *render.Limits) { l.MaxDepth = 0; l.MaxOutput = -1 }), nil, render.WithDataReferences())
	for _, want := range []string{"Resolver", "Limits.MaxDepth", "option 1 is nil", "Limits.MaxOutput", "WithDataReferences"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New with several bad options: %v, want it to name %s", err, want)
		}
	}
}

// Filter arguments from data are budgeted, and no pattern is built from
// data (issue 20, item 11: removetags:input.tags compiled a regular
// expression per tag of data and ran seconds past its deadline).
func TestFilterArgumentsFromData(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxOutput = 1 << 20 }))
	tags := strings.Repeat("a|b(c*)*d,", 128<<10/10)
	vars := map[string]any{"input": map[string]any{"tags": tags, "text": "<a>x</a>", "big": strings.Repeat("x", 600<<10)}}
	for tmpl, kind := range map[string]error{
		"{{ input.text|removetags:input.tags }}": render.ErrUntrusted,
		"{{ input.text|removetags:'a,b' }}":      nil,
		"{{ input.big|cut:input.big }}":          render.ErrTooLarge,
	} {
		_, err := e.Render(context.Background(), tmpl, vars)
		if kind == nil && err != nil || kind != nil && !errors.Is(err, kind) {
			t.Errorf("Render(%q) err = %v, want %v", tmpl, err, kind)
		}
	}
}

// Issue 20, item 10: every filter has a measured work factor
// (TestFilterWork), linenumbers too: 128 KiB of newlines allocated 7 MiB
// under a 1 MiB budget. truncatechars_html and truncatewords_html, whose
// work grows with the square of their input, are refused.
func TestFilterWorkBudget(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxOutput = 1 << 20 }))
	vars := map[string]any{"input": map[string]any{"lines": strings.Repeat("\n", 128<<10), "html": strings.Repeat("<a", 100)}}
	for tmpl, kind := range map[string]error{
		"{{ input.lines|linenumbers }}":          render.ErrTooLarge,
		"{{ input.html|truncatechars_html:10 }}": render.ErrParse,
		"{{ input.html|truncatewords_html:10 }}": render.ErrParse,
	} {
		if _, err := e.Render(context.Background(), tmpl, vars); !errors.Is(err, kind) {
			t.Errorf("Render(%q) err = %v, want %v", tmpl, err, kind)
		}
	}
}

// Two whole secrets on one command line are masked apart: the text between
// them is the author's, and stays readable (the loader's AWS test found
// the first version of the run rule masking it).
func TestSecretsMaskedApart(t *testing.T) {
	t.Parallel()
	r, err := redact.New()
	if err != nil {
		t.Fatal(err)
	}
	r.Add("S3CRET-kms-api", "S3CRET-kms-ref")
	e := newEngine(t, newResolver(), render.WithSecrets(r))
	vars := map[string]any{"secret": map[string]any{"A": "S3CRET-kms-api", "B": "S3CRET-kms-ref"}}
	out, err := e.Render(context.Background(), "deploy --token {{ secret.A }} --db {{ secret.B }}", vars)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.String(out), "deploy --token "+redact.Mask+" --db "+redact.Mask; got != want {
		t.Errorf("masked %q, want %q", got, want)
	}
}

// A host's float32 is the number it writes (0.1), as encoding/json and fmt
// write it, wherever the template reads it: printed alone, in a list, in
// arithmetic and through a Tera filter.
func TestFloat32IsTheNumberItWrites(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{"f": float32(0.1), "l": []float32{0.1, 2.5}}
	for _, tt := range []struct{ tmpl, want string }{
		{"{{ f }}", "0.1"},
		{"{{ l }}", "[0.1,2.5]"},
		{"{{ l.0 }}", "0.1"},
		{"{{ f * 10 }}", "1"},
		{"{{ l | first }}", "0.1"},
		{"{{ l | json_encode }}", "[0.1,2.5]"},
		{"{% for x in l %}{{ x }};{% endfor %}", "0.1;2.5;"},
	} {
		got, err := e.Render(context.Background(), tt.tmpl, vars)
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.tmpl, got, err, tt.want)
		}
	}
}
