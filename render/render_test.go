package render_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/internal/testkit"
	"github.com/hushflow/hushflow/render"
)

// Values no error may ever contain.
const (
	dbPassword = "hunter2-db-PASSWORD"
	apiToken   = "tok-SECRET-api-9f8e"
	resolvedPw = "resolved-VAULT-pw-77"
)

func newResolver() *fakeResolver {
	return &fakeResolver{values: map[string]string{
		"vault://secret/data/db#password": resolvedPw,
		"echo://plain-value":              "plain-value",
		"awsssm:///prod/db/password":      resolvedPw,
		"echo://chained":                  "ref+file:///etc/passwd",
	}}
}

// limits returns WithLimits of DefaultLimits changed by set.
func limits(set func(*render.Limits)) render.Option {
	l := render.DefaultLimits()
	set(&l)
	return render.WithLimits(l)
}

func newEngine(t testing.TB, r render.Resolver, opts ...render.Option) *render.Engine {
	t.Helper()
	e, err := render.New(r, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// stepVars is the context a worker renders a step with.
func stepVars() map[string]any {
	return map[string]any{
		"input": map[string]any{
			"env":     "prod",
			"count":   42,
			"ratio":   1.5,
			"empty":   "",
			"flag":    true,
			"off":     false,
			"nothing": nil,
			"list":    []any{"a", "b"},
			"obj":     map[string]any{"k": "v", "n": 1},
			"ref":     "ref+vault://secret/data/db#password",
		},
		"secret": map[string]any{
			"DB_PASSWORD": dbPassword,
			"API_TOKEN":   apiToken,
		},
		"build": map[string]any{"output": map[string]any{"image": "app:1.2", "digest": nil}},
		// A step name with a hyphen is not an identifier for pongo2.
		"say-hello": map[string]any{"output": map[string]any{"greeting": "hi " + dbPassword}},
		"say_hello": map[string]any{"output": map[string]any{"greeting": "hello"}},
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tests := []struct {
		name, tmpl, want string
	}{
		// Strings without template syntax come back as they are.
		{"plain text", "echo hello", "echo hello"},
		{"lone brace", "awk '{print $1}'", "awk '{print $1}'"},
		// Literal strings, single- and double-quoted.
		{"single-quoted literal", `{{ 'it is "quoted"' }}`, `it is "quoted"`},
		{"double-quoted literal", `{{ "it's" }}`, `it's`},
		{"escaped double quote", `{{ "say \"hi\"" }}`, `say "hi"`},
		// No HTML escaping, of variables, literals and filter results.
		{"shell operators", `a && b > out.txt`, `a && b > out.txt`},
		{"shell around expression", `test -n "{{ input.env }}" && deploy '{{ input.env }}' > out.txt`, `test -n "prod" && deploy 'prod' > out.txt`},
		{"escapable literal", `{{ "<a href='x'>&</a>" }}`, `<a href='x'>&</a>`},
		{"escapable after filter", `{{ "<b>" | upper }}`, `<B>`},
		{"default unescaped", `{{ input.missing | default(value="a&b") }}`, `a&b`},
		// Values read as in YAML and JSON.
		{"true", "{{ input.flag }}", "true"},
		{"false", "{{ input.off }}", "false"},
		{"literal true", "{{ true }}", "true"},
		{"comparison", "{{ input.count == 42 }}", "true"},
		{"if on bool", "{% if input.flag %}on{% else %}off{% endif %}", "on"},
		{"if on false", "{% if input.off %}on{% else %}off{% endif %}", "off"},
		{"not false", "{% if not input.off %}yes{% endif %}", "yes"},
		{"int", "{{ input.count }}", "42"},
		{"float", "{{ input.ratio }}", "1.5"},
		{"null", "[{{ input.nothing }}]", "[]"},
		{"list as JSON", "{{ input.list }}", `["a","b"]`},
		{"map as JSON", "{{ input.obj }}", `{"k":"v","n":1}`},
		// Filters and tags.
		{"filter chain", "{{ input.env | upper | lower }}", "prod"},
		{"default on missing", `{{ input.missing | default:"dev" }}`, "dev"},
		{"default on missing root", `{{ nowhere.at.all | default:"dev" }}`, "dev"},
		{"default_if_none", `{{ input.nothing | default_if_none:"none" }}`, "none"},
		{"if guards missing", "{% if input.missing %}{{ input.missing }}{% endif %}ok", "ok"},
		{"for over list", "{% for x in input.list %}{{ forloop.Counter }}={{ x }} {% endfor %}", "1=a 2=b "},
		{"for over map", "{% for k, v in input.obj sorted %}{{ k }}:{{ v }};{% endfor %}", "k:v;n:1;"},
		{"set", `{% set who = "world" %}hello {{ who }}`, "hello world"},
		{"with", `{% with who=input.env %}{{ who }}{% endwith %}`, "prod"},
		{"macro", `{% macro greet(name) %}hi {{ name }}{% endmacro %}{{ greet("bob") }}`, "hi bob"},
		{"subscript", `{{ input["env"] }} {{ input.list[1] }}`, "prod b"},
		{"index", "{{ input.list.0 }}", "a"},
		{"comment", "a{# hidden #}b", "ab"},
		{"verbatim", "{% verbatim %}{{ not.rendered | vals }}{% endverbatim %}", "{{ not.rendered | vals }}"},
		{"whitespace control", "a  {{- input.env -}}  b", "aprodb"},
		{"bounded padding", "[{{ input.env|ljust:6 }}]", "[prod  ]"},
		{"bounded precision", `{{ input.ratio|floatformat:"2" }}`, "1.50"},
		{"multi-line", "line1\n{{ input.env }}\nline3", "line1\nprod\nline3"},
		{"secret", "deploy --token {{ secret.API_TOKEN }}", "deploy --token " + apiToken},
		{"underscored step", "{{ say_hello.output.greeting }}", "hello"},
		{"step output null is defined", "[{{ build.output.digest }}]", "[]"},
		{"pongo2's own variable", "{{ pongo2.version }}", pongo2.Version},
		{"pongo2's own variable in a tag", "{% if true %}{{ pongo2.version }}{% endif %}", pongo2.Version},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := e.Render(context.Background(), tt.tmpl, stepVars())
			if err != nil {
				t.Fatalf("Render(%q): %v", tt.tmpl, err)
			}
			if got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.tmpl, got, tt.want)
			}
		})
	}
}

func TestValsFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, tmpl, want string
		calls            int64 // resolver calls expected
	}{
		{"literal reference", "{{ 'ref+vault://secret/data/db#password' | vals }}", resolvedPw, 1},
		{"double-quoted reference", `{{ "ref+awsssm:///prod/db/password" | vals }}`, resolvedPw, 1},
		{"reference set by the template", "{% set r = 'ref+vault://secret/data/db#password' %}{{ r | vals }}", resolvedPw, 1},
		{"reference inside a string", "{{ 'pw=ref+vault://secret/data/db#password end' | vals }}", "pw=" + resolvedPw + " end", 1},
		{"chains", "{{ 'ref+echo://plain-value' | vals | upper }}", "PLAIN-VALUE", 1},
		{"chains before", "{{ 'REF+ECHO://PLAIN-VALUE' | lower | vals }}", "plain-value", 1},
		{"plain string unchanged", "{{ 'hello' | vals }}", "hello", 0},
		{"int unchanged", "{{ 42 | vals }}", "42", 0},
		{"int variable unchanged", "{{ input.count | vals }}", "42", 0},
		{"empty string unchanged", "[{{ '' | vals }}]", "[]", 0},
		{"bool unchanged", "{{ input.flag | vals }}", "true", 0},
		{"null unchanged", "[{{ input.nothing | vals }}]", "[]", 0},
		{"list unchanged", "{{ input.list | vals }}", `["a","b"]`, 0},
		{"in if", "{% if 'ref+vault://secret/data/db#password' | vals == '" + resolvedPw + "' %}match{% endif %}", "match", 1},
		{"in set", "{% set pw = 'ref+vault://secret/data/db#password' | vals %}{{ pw }}", resolvedPw, 1},
		{"in for", "{% for c in 'ref+echo://plain-value' | vals | make_list %}{{ c }}{% endfor %}", "plain-value", 1},
		{"filter tag", "{% filter vals %}ref+echo://plain-value{% endfilter %}", "plain-value", 1},
		{"filter tag chain", "{% filter lower|vals|upper %}ref+echo://plain-value{% endfilter %}", "PLAIN-VALUE", 1},
		{"in macro", "{% macro pw(r) %}{{ r | vals }}{% endmacro %}{{ pw('ref+vault://secret/data/db#password') }}", resolvedPw, 1},
		{"variable named vals", "{% set vals = 'v' %}{{ vals }}", "v", 0},
		{"twice", "{{ 'ref+echo://plain-value' | vals }} {{ 'ref+echo://plain-value' | vals }}", "plain-value plain-value", 2},
		{"Tera concatenation", "{{ 'ref+echo://' ~ 'plain-value' | vals }}", "plain-value", 1},
		{"concatenation with data outside the reference", "{{ input.env ~ ' ref+echo://plain-value' | vals }}", "prod plain-value", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newResolver()
			e := newEngine(t, r)
			got, err := e.Render(context.Background(), tt.tmpl, stepVars())
			if err != nil {
				t.Fatalf("Render(%q): %v", tt.tmpl, err)
			}
			if got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.tmpl, got, tt.want)
			}
			if n := r.calls.Load(); n != tt.calls {
				t.Errorf("resolver called %d times, want %d", n, tt.calls)
			}
		})
	}
}

// TestStromCases are the templating cases of the engine hushflow replaces.
func TestStromCases(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{
		"input":     map[string]any{"n": 42, "s": "", "b": true, "z": nil},
		"say_hello": map[string]any{"output": map[string]any{"msg": "hello"}},
		"say-hello": map[string]any{"output": map[string]any{"msg": "hello"}},
	}
	for _, tt := range []struct{ tmpl, want string }{
		{"{{ input.n | vals }}", "42"},
		{"[{{ input.s | vals }}]", "[]"},
		{"{{ input.b | vals }}", "true"},
		{"[{{ input.z | vals }}]", "[]"},
		{"{{ 42 | vals }}", "42"},
		{`{{ "hello" | vals }}`, "hello"},
		{"{{ 'ref+echo://plain-value' | vals | upper }}", "PLAIN-VALUE"},
		{`{{ 'single' }} {{ "double" }}`, "single double"},
		{"{{ say_hello.output.msg }}", "hello"},
	} {
		got, err := e.Render(context.Background(), tt.tmpl, vars)
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.tmpl, got, err, tt.want)
		}
	}
	_, err := e.Render(context.Background(), "{{ say-hello.output.msg }}", vars)
	if !errors.Is(err, render.ErrUndefined) {
		t.Errorf("hyphenated step name: err = %v, want ErrUndefined", err)
	}
}

func TestUndefined(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tests := []struct {
		name, tmpl, variable string
		line, col            int
	}{
		{"typo in secret", "{{ secret.DB_PASWORD }}", "secret.DB_PASWORD", 1, 4},
		{"missing root", "{{ missing.var }}", "missing", 1, 4},
		{"second line", "echo\n  {{ input.nope }}", "input.nope", 2, 6},
		{"after other text", "deploy --pw {{ secret.DB_PASSWORD }} --token {{ secret.TOKEN }}", "secret.TOKEN", 1, 49},
		{"inside filter chain", "{{ input.nope | upper }}", "input.nope", 1, 4},
		{"filter argument", "{{ input.env | default:fallback }}", "fallback", 1, 24},
		{"guarded elsewhere, not here", `{{ x | default:"a" }}{{ x }}`, "x", 1, 25},
		{"attribute of null", "{{ input.nothing.field }}", "input.nothing.field", 1, 4},
		{"attribute of string", "{{ input.env.field }}", "input.env.field", 1, 4},
		{"index out of range", "{{ input.list.5 }}", "input.list.5", 1, 4},
		{"in loop body", "{% for x in input.list %}{{ y }}{% endfor %}", "y", 1, 29},
		{"set inside loop is local", "{% for x in input.list %}{% set y = x %}{% endfor %}{{ y }}", "y", 1, 56},
		{"vals of undefined", "{{ secret.NOPE | vals }}", "secret.NOPE", 1, 4},
		{"in arithmetic", "{{ input.count + input.nope }}", "input.nope", 1, 18},
		{"in subscript", "{{ input[key] }}", "key", 1, 10},
		{"in call argument", `{% macro m(a) %}{{ a }}{% endmacro %}{{ m(nope) }}`, "nope", 1, 43},
		{"hyphenated step", "{{ say-hello.output.greeting }}", "say", 1, 4},
		// A subscript is named without its key, which may be data.
		{"subscript leads nowhere", "{{ input.obj[input.env] }}", "input.obj[…]", 1, 4},
		{"secret subscript leads nowhere", "{{ input.obj[secret.DB_PASSWORD] }}", "input.obj[…]", 1, 4},
		{"string subscript of a list", "{{ input.list[input.env] | upper }}", "input.list[…]", 1, 4},
		{"step after a subscript", `{% set k = "obj" %}{{ input[k].nope }}`, "input[…].nope", 1, 23},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.Render(context.Background(), tt.tmpl, stepVars())
			var re *render.Error
			if !errors.As(err, &re) || !errors.Is(err, render.ErrUndefined) {
				t.Fatalf("Render(%q) err = %v, want an *Error of kind ErrUndefined", tt.tmpl, err)
			}
			if re.Name != tt.variable || re.Line != tt.line || re.Column != tt.col {
				t.Errorf("got %s at %d:%d, want %s at %d:%d", re.Name, re.Line, re.Column, tt.variable, tt.line, tt.col)
			}
			if !strings.Contains(err.Error(), tt.variable) {
				t.Errorf("message %q does not name %s", err, tt.variable)
			}
			assertNoSecret(t, err)
		})
	}
}

// What says a variable is optional says it of a subscript too.
func TestUndefinedSubscriptOptional(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	for _, tt := range []struct{ tmpl, want string }{
		{`{{ input.obj[input.env] | default(value="d") }}`, "d"},
		{`{% if input.obj[input.env] %}y{% else %}n{% endif %}`, "n"},
		{`{% set k = "k" %}{{ input.obj[k] }}`, "v"},
	} {
		got, err := e.Render(context.Background(), tt.tmpl, stepVars())
		if err != nil || got != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.tmpl, got, err, tt.want)
		}
	}
}

// An undefined variable fails the render before any reference of the same
// expression (or, without tags, of the whole template) is resolved.
func TestUndefinedBeforeResolve(t *testing.T) {
	t.Parallel()
	for _, tmpl := range []string{
		"{{ 'ref+vault://secret/data/db#password' | vals }} {{ missing }}",
		"{% if true %}{{ 'ref+vault://secret/data/db#password' | vals | add:missing }}{% endif %}",
	} {
		r := newResolver()
		e := newEngine(t, r)
		if _, err := e.Render(context.Background(), tmpl, stepVars()); !errors.Is(err, render.ErrUndefined) {
			t.Errorf("Render(%q) err = %v, want ErrUndefined", tmpl, err)
		}
		if n := r.calls.Load(); n != 0 {
			t.Errorf("Render(%q) called the resolver %d times before failing, want 0", tmpl, n)
		}
	}
}

func TestUndefinedHyphenHint(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	_, err := e.Render(context.Background(), "{{ say-hello.output.greeting }}", stepVars())
	if err == nil || !strings.Contains(err.Error(), `"say-hello"`) || !strings.Contains(err.Error(), "say_hello") {
		t.Errorf("err = %v, want a hint naming say-hello and say_hello", err)
	}
}

// A context key that is not an identifier does not break a template that
// does not use it (pongo2 alone rejects the whole context).
func TestNonIdentifierKeys(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{"say-hello": "x", "a.b": 1, "": 2, "sp ace": 3, "ok": "fine", "__hushflow": "not mine"}
	got, err := e.Render(context.Background(), "{{ ok }}", vars)
	if err != nil || got != "fine" {
		t.Errorf("Render = %q, %v; want fine", got, err)
	}
	// What the engine protects against: pongo2 alone refuses the context
	// and quotes the value in its message. If this starts failing, pongo2
	// changed and the filtering may be revisited.
	tpl, err := pongo2.NewSet("plain", pongo2.MustNewLocalFileSystemLoader("")).FromString("{{ ok }}")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Execute(pongo2.Context{"say-hello": dbPassword, "ok": "fine"})
	if err == nil || !strings.Contains(err.Error(), dbPassword) {
		t.Error("pongo2 no longer refuses non-identifier keys with the value in its message")
	}
}

func TestResolveError(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tmpl := "pw: {{ 'ref+vault://secret/data/other?token=s.ABCDEF&address=http://v:8200#password' | vals }}"
	_, err := e.Render(context.Background(), tmpl, stepVars())
	var re *render.Error
	if !errors.As(err, &re) || !errors.Is(err, render.ErrResolve) {
		t.Fatalf("err = %v, want ErrResolve", err)
	}
	if !errors.Is(err, errNoSecret) {
		t.Errorf("err = %v does not wrap the resolver's error", err)
	}
	if re.Name != "ref+vault://secret/data/other#password" {
		t.Errorf("Name = %q, want the reference without its query", re.Name)
	}
	if strings.Contains(err.Error(), "s.ABCDEF") || strings.Contains(err.Error(), "token=") {
		t.Errorf("message %q holds the reference's query", err)
	}
	if re.Line != 1 || re.Column != 88 {
		t.Errorf("position %d:%d, want 1:88 (the vals filter)", re.Line, re.Column)
	}
	assertNoSecret(t, err)

	// A reference held by a variable is named; one built while rendering
	// may hold a value and is not.
	vars := map[string]any{"secret": map[string]any{"PW": dbPassword}}
	_, err = e.Render(context.Background(), "{% set r = 'ref+vault://secret/data/missing#key' %}{{ r | vals }}", vars)
	if !errors.As(err, &re) || re.Name != "ref+vault://secret/data/missing#key" {
		t.Errorf("reference from a name the template set: err = %v, want it named", err)
	}
	de := newEngine(t, newResolver(), render.WithDataReferences("vault"))
	_, err = de.Render(context.Background(), "{{ 'ref+vault://secret/'|add:secret.PW|vals }}", vars)
	if !errors.As(err, &re) || !errors.Is(err, render.ErrResolve) || strings.Contains(re.Name, "vault") {
		t.Errorf("reference built from data: err = %v, want ErrResolve without the reference", err)
	}
	assertNoSecret(t, err)

	// A failure in a {% filter %} tag is placed at the tag.
	_, err = e.Render(context.Background(), "x\n{% filter vals %}ref+vault://nope/nope{% endfilter %}", nil)
	if !errors.As(err, &re) || !errors.Is(err, render.ErrResolve) || re.Line != 2 {
		t.Errorf("filter tag: err = %v, want ErrResolve on line 2", err)
	}
}

func TestResolveUsesCallContext(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A cancelled context stops the call before it starts...
	if _, err := e.Render(ctx, "{{ input.ref | vals }}", stepVars()); !errors.Is(err, context.Canceled) {
		t.Errorf("Render with cancelled context: err = %v, want context.Canceled", err)
	}
	// ...and reaches the resolver when it is cancelled during the call.
	r := &cancellingResolver{}
	e2 := newEngine(t, r)
	ctx2, cancel2 := context.WithCancel(context.Background())
	r.cancel = cancel2
	_, err := e2.Render(ctx2, "{% if 'ref+echo://first-one'|vals and 'ref+echo://second-one'|vals %}{% endif %}", nil)
	if !errors.Is(err, render.ErrResolve) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want ErrResolve wrapping context.Canceled", err)
	}
}

// A render that loops over large data stops at the call's deadline.
func TestRenderStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	big := make([]any, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	r := &cancelOnce{cancel: func() { once.Do(cancel) }}
	e := newEngine(t, r)
	tmpl := "{% for a in big %}{% for b in big %}{% for c in big %}{{ 'ref+echo://plain-value'|vals }}{% endfor %}{% endfor %}{% endfor %}"
	_, err := e.Render(ctx, tmpl, map[string]any{"big": big})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
	if n := r.calls.Load(); n > 2 {
		t.Errorf("the render went on for %d resolutions after it was cancelled", n-1)
	}
}

// A chain of filters in one expression stops at the filter that follows a
// cancellation: before, 600 urlize|striptags pairs ran to the end (~6 s).
func TestFilterChainStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	r := &cancelOnce{cancel: func() { once.Do(cancel) }, value: strings.Repeat("a.com ", 4000)}
	e := newEngine(t, r)
	tmpl := "{{ 'ref+echo://plain-value'|vals" + strings.Repeat("|urlize|striptags", 600) + "|length }}"
	testkit.Within(t, 2*time.Second, "the cancelled render", func() {
		if _, err := e.Render(ctx, tmpl, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want it to wrap context.Canceled", err)
		}
	})
}

// cancelOnce cancels the call's context on its first call and answers
// every call (with value, or "v").
type cancelOnce struct {
	cancel func()
	value  string
	calls  atomic.Int64
}

func (r *cancelOnce) Resolve(context.Context, string) (string, error) {
	r.calls.Add(1)
	r.cancel()
	if r.value != "" {
		return r.value, nil
	}
	return "v", nil
}

// cancellingResolver cancels the call's context on its first call.
type cancellingResolver struct{ cancel context.CancelFunc }

func (r *cancellingResolver) Resolve(ctx context.Context, s string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	r.cancel()
	return "v", nil
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tests := []struct {
		name, tmpl string
		line, col  int
	}{
		{"unclosed expression", "a\nb {{ x ", 2, 0},
		{"bad paren", "{{ a) }}", 1, 5},
		{"unknown filter", "x\n  {{ input.env | nofilter }}", 2, 18},
		{"unclosed if", "{% if x %}", 0, 0},
		{"vals with argument", "{{ 'ref+echo://plain-value' | vals:'x' }}", 1, 31},
		{"reserved name", "{{ __hushflow_out }}", 1, 4},
		{"banned include", "{% include 'secret.txt' %}", 1, 4},
		{"banned ssi", "{% ssi '/etc/passwd' %}", 1, 4},
		{"banned extends", "{% extends 'base' %}", 1, 4},
		{"banned cycle", "{% for x in l %}{% cycle 'a' 'b' %}{% endfor %}", 1, 20},
		{"unclosed string", "{{ 'abc }}", 1, 0},
		// Arguments that would make a filter allocate without bound.
		{"huge float precision", "{{ input.ratio|floatformat:888888888 }}", 1, 16},
		{"huge padding", "{{ input.env|ljust:999999999 }}", 1, 14},
		{"huge padding as a string", `{{ input.env|center:"1e9" }}`, 1, 14},
		{"padding from a variable", "{{ input.env|rjust:input.count }}", 1, 14},
		{"padding in a filter tag", "{% filter upper|ljust:99999 %}x{% endfilter %}", 1, 17},
		{"banned stringformat", `{{ input.count|stringformat:"%*d" }}`, 1, 0},
		{"banned lorem", "{% lorem 999999999 w %}", 1, 4},
		// These sent pongo2's parser into an endless loop; the engine's own
		// parser reads them as a comment that is not closed.
		{"endcomment with argument", "{% comment %}x{% endcomment x %}", 1, 1},
		{"endcomment at the end", "{% comment %}x\n{% endcomment", 1, 1},
		// Tags and constructs that are not supported are named.
		{"firstof", `{% firstof input.missing "a&b" %}`, 1, 4},
		{"break outside a loop", "x {% break %}", 1, 6},
		{"unclosed list literal", "{{ [1, 2 }}", 1, 0},
		{"Tera function", "{{ range(end=3) }}", 1, 4},
		{"method call", "{{ input.env.upper() }}", 1, 19},
		{"macro of another file", "{{ macros::m() }}", 1, 4},
		{"unknown test", "{{ x is prime }}", 1, 6},
		{"unknown Tera argument", "{{ x | join(glue=',') }}", 1, 8},
		{"missing Tera argument", "{{ x | replace(from='a') }}", 1, 8},
		{"named argument to a pongo2 filter", "{{ x | upper(a=1) }}", 1, 8},
		{"loop attribute Tera lacks", "{% for x in l %}{{ loop.length }}{% endfor %}", 1, 20},
		{"recursive macro", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", 1, 1},
		{"mutually recursive macros", "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a }}{% endmacro %}{{ a() }}", 1, 1},
		{"unclosed if in Tera's syntax", "{% if x %}y", 1, 1},
		{"stray endif", "x{% endif %}", 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.Render(context.Background(), tt.tmpl, stepVars())
			var re *render.Error
			if !errors.As(err, &re) || !errors.Is(err, render.ErrParse) {
				t.Fatalf("Render(%q) err = %v, want ErrParse", tt.tmpl, err)
			}
			if tt.line != 0 && re.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", re.Line, tt.line, err)
			}
			if tt.col != 0 && re.Column != tt.col {
				t.Errorf("column %d, want %d (%v)", re.Column, tt.col, err)
			}
		})
	}
}

// Parse errors quote identifiers (a filter's name) but not string literals,
// which may hold something private.
func TestParseErrorHidesLiterals(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	_, err := e.Render(context.Background(), `{{ "`+dbPassword+`" | nofilter }}`, nil)
	if err == nil || !strings.Contains(err.Error(), "nofilter") {
		t.Errorf("err = %v, want it to name the filter", err)
	}
	_, err = e.Render(context.Background(), `{{ 99999999999999999999999 }}`, nil)
	if err == nil || strings.Contains(err.Error(), "99999999999999999999999") {
		t.Errorf("err = %v, want a syntax error without the literal", err)
	}
}

func TestExecErrors(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tests := []struct{ name, tmpl string }{
		// yesno quotes its argument, here a secret, in pongo2's message.
		{"filter error quoting a value", "{{ input.flag | yesno:secret.DB_PASSWORD }}"},
		{"filter error quoting a resolved value", "{% set p = 'ref+vault://secret/data/db#password'|vals %}{{ input.flag | yesno:p }}"},
		{"not a function", "{% set f = 1 %}{{ f() }}"},
		{"macro arity", `{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := e.Render(context.Background(), tt.tmpl, stepVars())
			var re *render.Error
			if !errors.As(err, &re) || !errors.Is(err, render.ErrExec) {
				t.Fatalf("Render(%q) err = %v, want ErrExec", tt.tmpl, err)
			}
			if re.Line != 1 || re.Column < 1 {
				t.Errorf("err = %v, want a position", err)
			}
			assertNoSecret(t, err)
		})
	}
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxTemplateSize = 100 }))
	_, err := e.Render(context.Background(), "{{ input.env }}"+strings.Repeat("x", 100), stepVars())
	if !errors.Is(err, render.ErrTooLarge) || !strings.Contains(err.Error(), "Limits.MaxTemplateSize") {
		t.Errorf("err = %v, want ErrTooLarge naming Limits.MaxTemplateSize", err)
	}
	// A long string without template syntax is not a template.
	long := strings.Repeat("x", 1000)
	if got, err := e.Render(context.Background(), long, nil); err != nil || got != long {
		t.Errorf("plain long string: err = %v", err)
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	for _, opt := range []render.Option{
		limits(func(l *render.Limits) { l.CacheBytes = 0 }),
		limits(func(l *render.Limits) { l.MaxOutput = 0 }),
		limits(func(l *render.Limits) { l.MaxIterations = -1 }),
		limits(func(l *render.Limits) { l.MaxTemplateSize = 0 }),
		limits(func(l *render.Limits) { l.MaxDepth = 0 }),
	} {
		if _, err := render.New(newResolver(), opt); err == nil {
			t.Error("New accepted a limit of 0")
		}
	}
	if _, err := render.New(nil); err == nil {
		t.Error("New accepted a nil Resolver")
	}
}

func TestRenderValue(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := stepVars()
	in := map[string]any{
		"image":   "{{ build.output.image }}",
		"obj":     "{{ input.obj }}",
		"list":    "  {{ input.list }}\n",
		"text":    "list: {{ input.list }}",
		"count":   "{{ input.count }}",
		"flag":    "{{ input.flag }}",
		"plain":   "no template",
		"number":  7,
		"null":    nil,
		"pw":      "{{ 'ref+vault://secret/data/db#password' | vals }}",
		"nested":  []any{"{{ input.env }}", map[string]any{"deep": "{{ input.env | upper }}"}, true},
		"env":     map[string]string{"A": "{{ input.env }}", "OBJ": "{{ input.obj }}"},
		"args":    []string{"--env", "{{ input.env }}"},
		"typed":   []int{1, 2},
		"comment": "{# only a comment #}",
	}
	got, err := e.RenderValue(context.Background(), in, vars)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"image":   "app:1.2",
		"obj":     map[string]any{"k": "v", "n": 1},
		"list":    []any{"a", "b"},
		"text":    `list: ["a","b"]`,
		"count":   "42",
		"flag":    "true",
		"plain":   "no template",
		"number":  7,
		"null":    nil,
		"pw":      resolvedPw,
		"nested":  []any{"prod", map[string]any{"deep": "PROD"}, true},
		"env":     map[string]string{"A": "prod", "OBJ": `{"k":"v","n":1}`},
		"args":    []string{"--env", "prod"},
		"typed":   []int{1, 2},
		"comment": "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RenderValue =\n%#v\nwant\n%#v", got, want)
	}
	// The input is left alone, and a structure passed on is a copy.
	if in["image"] != "{{ build.output.image }}" {
		t.Error("RenderValue changed its input")
	}
	got.(map[string]any)["obj"].(map[string]any)["k"] = "changed"
	if vars["input"].(map[string]any)["obj"].(map[string]any)["k"] != "v" {
		t.Error("the structure RenderValue returned shares memory with vars")
	}
	// A scalar, and a lone string, work too.
	if v, err := e.RenderValue(context.Background(), "{{ input.count }}", vars); err != nil || v != "42" {
		t.Errorf("RenderValue(string) = %#v, %v", v, err)
	}
	if v, err := e.RenderValue(context.Background(), 3.5, vars); err != nil || v != 3.5 {
		t.Errorf("RenderValue(3.5) = %#v, %v", v, err)
	}
}

func TestRenderValueErrorPath(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tests := []struct {
		value any
		path  string
	}{
		{map[string]any{"env": map[string]any{"DB_PASSWORD": "{{ secret.DB_PASWORD }}"}}, "env.DB_PASSWORD"},
		{map[string]any{"args": []any{"a", "b", "{{ nope }}"}}, "args[2]"},
		{map[string]any{"a.b": "{{ nope }}"}, `["a.b"]`},
		{map[string]any{"env": map[string]string{"X": "{{ nope }}"}}, "env.X"},
		{[]string{"{{ nope }}"}, "[0]"},
		// Keys are walked in order: b fails before c.
		{map[string]any{"c": "{{ c }}", "b": "{{ b }}", "a": "ok"}, "b"},
	}
	for _, tt := range tests {
		_, err := e.RenderValue(context.Background(), tt.value, stepVars())
		var re *render.Error
		if !errors.As(err, &re) || re.Path != tt.path {
			t.Errorf("RenderValue(%v) err = %v, want path %s", tt.value, err, tt.path)
			continue
		}
		if !strings.Contains(err.Error(), tt.path+": ") {
			t.Errorf("message %q does not start with the path", err)
		}
	}
	// The cached error is not changed by the path of one call.
	_, err := e.Render(context.Background(), "{{ nope }}", nil)
	var re *render.Error
	if !errors.As(err, &re) || re.Path != "" {
		t.Errorf("Render err = %v, want no path", err)
	}
}

func TestRenderValueDepth(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxDepth = 3 }))
	deep := any("x")
	for range 5 {
		deep = []any{deep}
	}
	if _, err := e.RenderValue(context.Background(), deep, nil); !errors.Is(err, render.ErrTooLarge) || !strings.Contains(err.Error(), "Limits.MaxDepth") {
		t.Errorf("err = %v, want ErrTooLarge naming Limits.MaxDepth", err)
	}
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	if _, err := e.RenderValue(context.Background(), cyclic, nil); !errors.Is(err, render.ErrTooLarge) {
		t.Errorf("cycle: err = %v, want ErrTooLarge", err)
	}
}

// Two engines with different resolvers render in parallel, each call with
// its own context: each sees its own resolver and its own context only.
func TestEnginesInParallel(t *testing.T) {
	t.Parallel()
	engines := []*render.Engine{
		newEngine(t, ctxResolver{name: "tenant-a"}),
		newEngine(t, ctxResolver{name: "tenant-b"}),
	}
	const tmpl = "{{ 'ref+echo://shared-ref' | vals | upper }}/{{ n }}"
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for i := range 400 {
		wg.Go(func() {
			e := engines[i%2]
			name := []string{"tenant-a", "tenant-b"}[i%2]
			tag := fmt.Sprintf("call%d", i)
			ctx := context.WithValue(context.Background(), ctxKey{}, tag)
			// Every tenth call parses a template of its own, so parsing
			// and rendering from the cache overlap.
			t := tmpl
			if i%10 == 0 {
				t += fmt.Sprintf("{# %d #}", i)
			}
			got, err := e.Render(ctx, t, map[string]any{"n": i})
			want := strings.ToUpper(name+"/"+tag+"/ref+echo://shared-ref") + fmt.Sprintf("/%d", i)
			if err != nil {
				errs <- err
			} else if got != want {
				errs <- fmt.Errorf("call %d got %q, want %q", i, got, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A host that uses pongo2 itself, in the same process and at the same time,
// keeps pongo2's defaults: autoescaping on, its DefaultSet its own, and a
// template of its own that uses | vals gets an error.
func TestHostPongo2Unaffected(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			_, _ = e.Render(context.Background(), fmt.Sprintf("{{ '<&>' }}{{ 'ref+echo://plain-value' | vals }} %d", i), stepVars())
		}
	}()
	// The host parses in pongo2's DefaultSet from one goroutine, as pongo2
	// requires, while the engine parses and renders in another.
	for i := range 200 {
		tpl, err := pongo2.FromString(fmt.Sprintf("{{ s }} %d", i))
		if err != nil {
			t.Fatal(err)
		}
		got, err := tpl.Execute(pongo2.Context{"s": "<&>"})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("&lt;&amp;&gt; %d", i); got != want {
			t.Fatalf("host template = %q, want %q (autoescape changed)", got, want)
		}
	}
	<-done
	// A host's own template cannot use the engine's filters.
	if tpl, err := pongo2.FromString("{{ 'ref+echo://plain-value' | vals }}"); err == nil {
		if _, err := tpl.Execute(nil); err == nil {
			t.Error("a host template resolved through | vals")
		}
	}
	if tpl, err := pongo2.FromString("{{ 'x' | __hushflow_f:'y' }}"); err == nil {
		if _, err := tpl.Execute(nil); err == nil {
			t.Error("a host template ran the engine's filter")
		}
	}
}

func TestConcurrentSameTemplate(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.CacheBytes = 40 << 10 }))
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			// Eight templates through a cache of four: parses, evictions
			// and cached renders interleave.
			tmpl := fmt.Sprintf("{%% for x in input.list %%}{{ x }}{%% endfor %%}{{ 'ref+vault://secret/data/db#password' | vals }}{# %d #}", i%8)
			got, err := e.Render(context.Background(), tmpl, stepVars())
			if err != nil || got != "ab"+resolvedPw {
				t.Errorf("Render = %q, %v", got, err)
			}
		})
	}
	wg.Wait()
}

// assertNoSecret fails when err's message holds a secret of the tests. It
// does not print the message, which would print the secret.
func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, s := range []string{dbPassword, apiToken, resolvedPw} {
		if strings.Contains(msg, s) {
			t.Errorf("secret leaked into an error message")
		}
	}
}
