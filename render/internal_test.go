package render

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flosch/pongo2/v6"
)

type echoResolver struct{}

func (echoResolver) Resolve(_ context.Context, s string) (string, error) { return "<" + s + ">", nil }

func TestRewrite(t *testing.T) {
	t.Parallel()
	const (
		open  = wrapOpen
		close = wrapClose
	)
	tests := []struct{ name, src, want string }{
		{"text only", "a {b} c", open + "a {b} c" + close},
		{"expression, tagless", "a {{ x.y }} b",
			open + "a {{ __hushflow_out(0, ( x.y )) }} b" + close},
		{"expression with a tag", "{% if a %}{{ x.y }}{% endif %}",
			open + "{% if a %}{{ __hushflow_out(__hushflow_check(0), ( x.y )) }}{% endif %}" + close},
		{"literal needs no check", "{{ 'x' }}", open + "{{ __hushflow_out(0, ( 'x' )) }}" + close},
		{"vals", "{{ 'r' | vals | upper }}",
			open + "{{ __hushflow_out(0, ( 'r' | vals:__hushflow | upper )) }}" + close},
		{"vals without spaces", "{{x|vals}}", open + "{{ __hushflow_out(0, (x|vals:__hushflow)) }}" + close},
		{"trim markers", "{{- x -}}", open + "{{- __hushflow_out(0, ( x )) -}}" + close},
		{"numbering", "{{ 1 }}{{ 2 }}", open + "{{ __hushflow_out(0, ( 1 )) }}{{ __hushflow_out(1, ( 2 )) }}" + close},
		{"vals in a tag", "{% if x|vals %}{% endif %}", open + "{% if x|vals:__hushflow %}{% endif %}" + close},
		{"filter tag", "{% filter vals|upper|vals %}t{% endfilter %}",
			open + "{% filter vals:__hushflow|upper|vals:__hushflow %}t{% endfilter %}" + close},
		{"variable named vals", "{% set vals = 1 %}", open + "{% set vals = 1 %}" + close},
		{"delimiters in strings", `{{ "}}" }}{{ '{{ x }}' }}`,
			open + `{{ __hushflow_out(0, ( "}}" )) }}{{ __hushflow_out(1, ( '{{ x }}' )) }}` + close},
		{"escaped quote", `{{ "a\"}}" }}`, open + `{{ __hushflow_out(0, ( "a\"}}" )) }}` + close},
		{"comment", "{# {{ x | vals }} #}", open + "{# {{ x | vals }} #}" + close},
		{"verbatim", "{% verbatim %}{{ x | vals }}{% endverbatim %}{{ y }}",
			open + "{% verbatim %}{{ x | vals }}{% endverbatim %}{{ __hushflow_out(0, ( y )) }}" + close},
		{"comment keeps a template tagless", "{# c #}{{ y }}", open + "{# c #}{{ __hushflow_out(0, ( y )) }}" + close},
		{"tag closed by }}", "{{ x %}", open + "{{ x %}" + close},
		{"unknown character stops the tag", "{{ x ; y }}", open + "{{ x ; y }}" + close},
		{"trailing brace", "{{ x }}{", open + "{{ __hushflow_out(0, ( x )) }}" + close + "{"},
		{"lone brace", "{", open + close + "{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := planRewrite(tt.src, scanTags(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := p.apply(tt.src); got != tt.want {
				t.Errorf("rewrite of %q =\n%q\nwant\n%q", tt.src, got, tt.want)
			}
		})
	}
}

func TestSingleExpression(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		"{{ x }}":        true,
		"  {{- x }}\n":   true,
		"a{{ x }}":       false,
		"{{ x }}{{ y }}": false,
		"{% if x %}":     false,
		"{# c #}{{ x }}": false,
	} {
		p, err := planRewrite(src, scanTags(src))
		if err != nil {
			t.Fatal(err)
		}
		if p.single != want {
			t.Errorf("single(%q) = %v, want %v", src, p.single, want)
		}
	}
}

// Positions in the rewritten template map back to the template as written.
func TestOriginalPosition(t *testing.T) {
	t.Parallel()
	src := "ab {{ x | vals | upper }} {{ y }}\n  {{ z }}"
	p, err := planRewrite(src, scanTags(src))
	if err != nil {
		t.Fatal(err)
	}
	rewritten := p.apply(src)
	rlines := strings.Split(rewritten, "\n")
	olines := strings.Split(src, "\n")
	// Every token of the original is found at its mapped-back position.
	for _, word := range []string{"x", "upper", "y", "z", "vals"} {
		for li, rl := range rlines {
			idx := strings.Index(rl, " "+word+" ")
			if idx < 0 {
				continue
			}
			line, col := p.original(li+1, idx+2)
			got := olines[line-1][col-1 : col-1+len(word)]
			if got != word {
				t.Errorf("%s maps to %d:%d which holds %q", word, line, col, got)
			}
		}
	}
	// A position inside inserted text maps to where it was inserted.
	if line, col := p.original(1, 2); line != 1 || col != 1 {
		t.Errorf("inside the wrapper: %d:%d, want 1:1", line, col)
	}
}

func TestExtractPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want []string
	}{
		{"x", []string{"x"}},
		{"secret.DB_PASSWORD", []string{"secret.DB_PASSWORD"}},
		{"a.0.b", []string{"a.0.b"}},
		{"a | upper | lower", []string{"a"}},
		{"a | default:'x'", nil},
		{"a.b | upper | default:'x'", nil},
		{"a | default:b", []string{"b"}},
		{"a | default_if_none:1.5 | upper", nil},
		{"a + b * c", []string{"a", "b", "c"}},
		{"a[b].c", []string{"a", "b"}},
		{"a.b(c).d", []string{"a", "c"}},
		{"f(1)", []string{"f"}},
		{"'lit' | vals", nil},
		{"not a and b in c", []string{"a", "b", "c"}},
		{"x == x", []string{"x"}},
		{"say-hello.output", []string{"say", "hello.output"}},
		{"a[0] | default:'z'", nil},
	}
	for _, tt := range tests {
		src := "{{ " + tt.expr + " }}"
		tags := scanTags(src)
		if len(tags) != 1 {
			t.Fatalf("%q: %d tags", src, len(tags))
		}
		var got []string
		for _, p := range extractPaths(tags[0].inner(), newLineIndex(src)) {
			got = append(got, p.name(len(p.parts)))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("paths of %q = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

// The scanner never panics and never loops on broken templates (pongo2
// rejects them before the scanner runs, but the scanner must still end).
func TestScanBroken(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"{{", "{%", "{#", "{{ 'x", `{{ "\`, "{{ a\n}}", "{% verbatim %}", "{% verbatim %}{% endverbatim %}", "{{ 'a\\x' }}", "\x01{{"} {
		_ = scanTags(src)
		if _, err := planRewrite(src, scanTags(src)); err != nil {
			var re *Error
			if !errors.As(err, &re) {
				t.Errorf("planRewrite(%q): %v", src, err)
			}
		}
	}
}

// A cached template is not parsed again; the cache is bounded.
func TestCache(t *testing.T) {
	t.Parallel()
	e, err := New(echoResolver{}, WithCacheSize(2))
	if err != nil {
		t.Fatal(err)
	}
	base := e.parses.Load() // New's probe
	render := func(tmpl string) {
		t.Helper()
		if _, err := e.Render(context.Background(), tmpl, map[string]any{"x": 1}); err != nil {
			t.Fatal(err)
		}
	}
	render("{{ x }} a")
	render("{{ x }} a")
	render("{{ x }} a")
	if n := e.parses.Load() - base; n != 1 {
		t.Errorf("three renders of one template parsed it %d times, want 1", n)
	}
	render("{{ x }} b")
	render("{{ x }} c") // evicts "a", the least recently used
	render("{{ x }} a")
	if n := e.parses.Load() - base; n != 4 {
		t.Errorf("parses = %d, want 4 (a, b, c, then a again after eviction)", n)
	}
	if n := e.cache.Len(); n != 2 {
		t.Errorf("cache holds %d templates, want 2", n)
	}
	// A template that does not parse is cached with its error.
	for range 3 {
		if _, err := e.Render(context.Background(), "{{ a) }}", nil); !errors.Is(err, ErrParse) {
			t.Fatalf("err = %v, want ErrParse", err)
		}
	}
	if n := e.parses.Load() - base; n != 5 {
		t.Errorf("parses = %d, want 5", n)
	}
}

// A panic inside pongo2 becomes an error; a panic of the resolver is not
// hidden.
func TestPanics(t *testing.T) {
	t.Parallel()
	e, err := New(echoResolver{})
	if err != nil {
		t.Fatal(err)
	}
	// pongo2 panics formatting this error message (variableResolver.String
	// does not handle subscripts).
	_, err = e.Render(context.Background(), "{{ n[0] }}", map[string]any{"n": 5})
	if !errors.Is(err, ErrExec) {
		t.Errorf("err = %v, want ErrExec", err)
	}

	e2, err := New(panicResolver{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != "resolver bug" {
			t.Errorf("recovered %v, want the resolver's panic", r)
		}
	}()
	_, _ = e2.Render(context.Background(), "{{ 'ref+echo://some-thing' | vals }}", nil)
	t.Error("the resolver's panic was swallowed")
}

type panicResolver struct{}

func (panicResolver) Resolve(context.Context, string) (string, error) { panic("resolver bug") }

// TestFilterConflict replaces the global vals filter, so it must not run in
// parallel with other tests (parallel tests wait until sequential ones end).
func TestFilterConflict(t *testing.T) {
	foreign := func(in, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) { return in, nil }
	if err := pongo2.ReplaceFilter("vals", foreign); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := pongo2.ReplaceFilter("vals", valsFilter); err != nil {
			t.Fatal(err)
		}
	}()
	if _, err := New(echoResolver{}); !errors.Is(err, ErrFilterConflict) {
		t.Errorf("New with a foreign vals filter: err = %v, want ErrFilterConflict", err)
	}
	// A foreign filter that panics on the engine's parameter is a conflict
	// too, not a crash.
	if err := pongo2.ReplaceFilter("vals", func(_, p *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
		panic(fmt.Sprint("unexpected ", p.Interface()))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(echoResolver{}); !errors.Is(err, ErrFilterConflict) {
		t.Errorf("New with a panicking foreign vals filter: err = %v, want ErrFilterConflict", err)
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	cause := errors.New("backend down")
	e := &Error{Kind: ErrResolve, Path: "env.PW", Line: 3, Column: 7, Name: "ref+vault://a#b", Err: cause}
	want := "render: env.PW: line 3, column 7: cannot resolve reference ref+vault://a#b: backend down"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if !errors.Is(e, ErrResolve) || !errors.Is(e, cause) || errors.Is(e, ErrParse) {
		t.Error("errors.Is does not see the kind and the cause")
	}
}

func TestParseDetail(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]string{
		"Filter 'nofilter' does not exist.":                       "Filter 'nofilter' does not exist.",
		"Expected '('.":                                           "Expected '('.",
		`strconv.Atoi: parsing "99999999999": value out of range`: `strconv.Atoi: parsing "…": value out of range`,
		"got 'hunter2 is here'":                                   "got '…'",
		`Unknown escape sequence: \x`:                             `Unknown escape sequence: \…`,
	} {
		if got := parseDetail(msg); got != want {
			t.Errorf("parseDetail(%q) = %q, want %q", msg, got, want)
		}
	}
}
