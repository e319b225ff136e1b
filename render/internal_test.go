package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

type echoResolver struct{}

func (echoResolver) Resolve(_ context.Context, s string) (string, error) { return "<" + s + ">", nil }

// limits returns WithLimits of DefaultLimits changed by set.
func limits(set func(*Limits)) Option {
	l := DefaultLimits()
	set(&l)
	return WithLimits(l)
}

func compiledOf(t *testing.T, src string) *compiled {
	t.Helper()
	nodes, err := parseTemplate(src, DefaultLimits().MaxDepth)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	if err := validate(src, nodes); err != nil {
		t.Fatalf("validate %q: %v", src, err)
	}
	return newCompiled(src, nodes)
}

func TestSingleExpression(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]bool{
		"{{ x }}": true, "  {{- x }}\n": true, "a{{ x }}": false, "{{ x }}{{ y }}": false,
		"{% if x %}{% endif %}": false, "{# c #}{{ x }}": true,
	} {
		if c := compiledOf(t, src); (c.single != nil) != want {
			t.Errorf("single(%q) = %v, want %v", src, c.single != nil, want)
		}
	}
}

// The cache is bounded by the bytes its templates are estimated to hold.
func TestCacheBytes(t *testing.T) {
	t.Parallel()
	const limit = 200 << 10
	e, err := New(echoResolver{}, limits(func(l *Limits) { l.CacheBytes = limit }))
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

// A panic of the resolver is not hidden.
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

// A buffer keeps where the data it was given stands, and a value made of
// pieces keeps its own.
func TestBufferOrigin(t *testing.T) {
	t.Parallel()
	e, err := New(echoResolver{})
	if err != nil {
		t.Fatal(err)
	}
	x := newExecution(context.Background(), e, nil)
	b := newBuffer(x)
	if err := b.author("ref+vault://a/"); err != nil {
		t.Fatal(err)
	}
	part := value{v: "xy#k", org: origin{spans: []span{{0, 2}}}}
	if err := b.value(part, place{}); err != nil {
		t.Fatal(err)
	}
	v := b.result()
	if v.v != "ref+vault://a/xy#k" || !v.org.isData(14) || !v.org.isData(15) || v.org.isData(13) || v.org.isData(16) {
		t.Errorf("result = %+v", v)
	}
}

// upperSink stands for a context that writes values its own way (a shell
// command's quoting): it upper-cases values and refuses an empty one.
type upperSink struct{ strings.Builder }

func (s *upperSink) Author(text string) { s.WriteString(text) }
func (s *upperSink) Value(text string) error {
	if text == "" {
		return errors.New("empty")
	}
	s.WriteString(strings.ToUpper(text))
	return nil
}
func (s *upperSink) String() (string, error) { return s.Builder.String(), nil }

// The buffer hands every piece to its sink, in order, and a value the sink
// refuses is an ErrExec naming the variable.
func TestBufferSink(t *testing.T) {
	t.Parallel()
	e, err := New(echoResolver{})
	if err != nil {
		t.Fatal(err)
	}
	b := newBuffer(newExecution(context.Background(), e, nil))
	b.out = &upperSink{}
	if err := b.author("echo "); err != nil {
		t.Fatal(err)
	}
	if err := b.value(authored("it"), place{name: "input.x"}); err != nil {
		t.Fatal(err)
	}
	if got, err := b.text(); err != nil || got != "echo IT" {
		t.Errorf("text() = %q, %v; want %q", got, err, "echo IT")
	}
	err = b.value(authored(""), place{name: "input.y"})
	var re *Error
	if !errors.As(err, &re) || re.Kind != ErrExec || re.Name != "input.y" {
		t.Errorf("refused value: err = %v, want ErrExec naming input.y", err)
	}
}
