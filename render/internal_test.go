package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/flosch/pongo2/v6"
)

type echoResolver struct{}

func (echoResolver) Resolve(_ context.Context, s string) (string, error) { return "<" + s + ">", nil }

func emitted(t *testing.T, src string) (string, *plan) {
	t.Helper()
	nodes, err := parseTemplate(src, DefaultMaxDepth)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	if err := validate(src, nodes); err != nil {
		t.Fatalf("validate %q: %v", src, err)
	}
	return emit(src, nodes, newFlow(nodes))
}

// The emitted template is pongo2 with the engine's hooks; the cases show
// one construct each.
func TestEmit(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		"a {b} c":                      "a {b} c",
		"a {{ x.y }} b":                "a {{ __hushflow.Out(0, 0, x.y) }} b",
		"{% if a %}{{ x }}{% endif %}": "{% if a %}{{ __hushflow.Out(0, __hushflow.Check(0), x) }}{% endif %}",
		"{{ 'r' | vals | upper }}":     `{{ __hushflow.Out(0, 0, "r" | __hushflow_f:__hushflow.A(0)|__hushflow_f:__hushflow.A(1)) }}`,
		"{{ x|default:'y' }}":          `{{ __hushflow.Out(0, 0, x | __hushflow_f:__hushflow.A(0, "y")) }}`,
		"{{ x|default(value='y') }}":   `{{ __hushflow.Out(0, 0, x | __hushflow_f:__hushflow.A(0, "y", __hushflow.Defined(0))) }}`,
		"{{ a ~ b }}":                  "{{ __hushflow.Out(0, 0, __hushflow.Cat(0, a, b)) }}",
		"{{ a + 1 }}":                  "{{ __hushflow.Out(0, 0, __hushflow.Plus(0, a, 1)) }}",
		"{{ not a == b }}":             "{{ __hushflow.Out(0, 0, not ((a) == (b))) }}",
		"{{ (a or b)|upper }}":         "{{ __hushflow.Out(0, 0, __hushflow.Id((a) or (b)) | __hushflow_f:__hushflow.A(0)) }}",
		"{% for x in l %}{{ loop.index }}{% endfor %}":     "{% for x in __hushflow.Seq(0, l) %}{{ __hushflow.Iter(0) }}{{ __hushflow.Out(0, __hushflow.Check(0), forloop.Counter) }}{% endfor %}",
		"{% for k, v in m %}{% endfor %}":                  "{% for k, v in __hushflow.Seq(0, m) sorted %}{{ __hushflow.Iter(0) }}{% endfor %}",
		"{% macro m(a) %}{% endmacro %}{{ self::m(a=1) }}": "{% macro m(a) %}{% endmacro %}{{ __hushflow.Out(0, 0, __hushflow.Call(0, 1)) }}",
		"{% filter vals|upper %}t{% endfilter %}":          "{% filter __hushflow_f:__hushflow.A(0)|__hushflow_f:__hushflow.A(1) %}t{% endfilter %}",
		"{% raw %}{{ x }}{% endraw %}":                     "{{ __hushflow.Lit(0) }}",
		"{{ \"a\nb\" }}":                                   "{{ __hushflow.Out(0, 0, __hushflow.Lit(0)) }}",
		"{{ x['in'] }}":                                    `{{ __hushflow.Out(0, 0, x["in"]) }}`,
		"a{":                                               "{{ __hushflow.Lit(0) }}",
	} {
		if got, _ := emitted(t, src); got != want {
			t.Errorf("emit(%q) =\n%s\nwant\n%s", src, got, want)
		}
	}
}

func TestSingleExpression(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		"{{ x }}": true, "  {{- x }}\n": true, "a{{ x }}": false, "{{ x }}{{ y }}": false,
		"{% if x %}{% endif %}": false, "{# c #}{{ x }}": true,
	} {
		if _, p := emitted(t, src); p.single != want {
			t.Errorf("single(%q) = %v, want %v", src, p.single, want)
		}
	}
}

// Positions in the emitted template map back to the template as written.
func TestOriginalPosition(t *testing.T) {
	t.Parallel()
	src := "ab {{ x | upper }} {{ y }}\n  {{ z }}"
	out, p := emitted(t, src)
	lines := newLineIndex(out)
	for _, word := range []string{"y", "z"} {
		i := strings.Index(out, ", "+word+")") + 2
		line, col := p.original(lines.position(i))
		o := p.lines.offset(line, col)
		if !strings.HasPrefix(src[o:], word) && !strings.HasPrefix(src[o:], "{{ "+word) {
			t.Errorf("%s maps to %d:%d", word, line, col)
		}
	}
}

// The cache is bounded by the bytes its templates are estimated to hold.
func TestCacheBytes(t *testing.T) {
	t.Parallel()
	const limit = 200 << 10
	e, err := New(echoResolver{}, WithCacheBytes(limit))
	if err != nil {
		t.Fatal(err)
	}
	base := e.parses.Load()
	render := func(tmpl string) {
		t.Helper()
		if _, err := e.Render(context.Background(), tmpl, map[string]any{"x": 1}); err != nil {
			t.Fatal(err)
		}
	}
	render("{{ x }} a")
	render("{{ x }} a")
	if n := e.parses.Load() - base; n != 1 {
		t.Errorf("two renders of one template parsed it %d times, want 1", n)
	}
	big := strings.Repeat("{{ x }} ", 500)
	for i := range 50 {
		render(fmt.Sprintf("%s{# %d #}", big, i))
		if n, bytes := e.cache.size(); bytes > limit {
			t.Fatalf("the cache holds %d templates, %d bytes, over its %d", n, bytes, limit)
		}
	}
	// A template that does not parse is cached with its error.
	before := e.parses.Load()
	for range 3 {
		if _, err := e.Render(context.Background(), "{{ a) }}", nil); !errors.Is(err, ErrParse) {
			t.Fatalf("err = %v, want ErrParse", err)
		}
	}
	if n := e.parses.Load() - before; n != 1 {
		t.Errorf("parses = %d, want 1", n)
	}
}

// A panic inside pongo2 becomes an error; a panic of the resolver is not
// hidden.
func TestPanics(t *testing.T) {
	t.Parallel()
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

// TestFilterConflict replaces the engine's global filter, so it must not
// run in parallel with other tests (parallel tests wait until sequential
// ones end).
func TestFilterConflict(t *testing.T) {
	foreign := func(in, _ *pongo2.Value) (*pongo2.Value, *pongo2.Error) { return in, nil }
	if err := pongo2.ReplaceFilter(filterName, foreign); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := pongo2.ReplaceFilter(filterName, dispatchFilter); err != nil {
			t.Fatal(err)
		}
	}()
	if _, err := New(echoResolver{}); !errors.Is(err, ErrFilterConflict) {
		t.Errorf("New with a foreign filter: err = %v, want ErrFilterConflict", err)
	}
	if err := pongo2.ReplaceFilter(filterName, func(_, p *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
		panic(fmt.Sprint("unexpected ", p.Interface()))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(echoResolver{}); !errors.Is(err, ErrFilterConflict) {
		t.Errorf("New with a panicking foreign filter: err = %v, want ErrFilterConflict", err)
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

// Provenance joins by position.
func TestProvenance(t *testing.T) {
	t.Parallel()
	p := joinProv([]provenance{authoredProv("ref+vault://a/"), dataProv("x"), authoredProv("#k")})
	if p.s != "ref+vault://a/x#k" || !p.isData(14) || p.isData(13) || p.isData(15) {
		t.Errorf("joinProv = %+v", p)
	}
	x := &execution{}
	clean := x.unmarkBlock(&filterSite{block: 0}, pongo2.AsValue("a"+markData("b"+markOpen)+"c"))
	if clean.String() != "abc" || !x.blockProv[0].isData(1) || x.blockProv[0].isData(0) {
		t.Errorf("unmark = %q %+v", clean.String(), x.blockProv[0])
	}
}
