package render_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/render"
)

// recursionTemplates end the whole process with "fatal error: stack
// overflow", which no recover catches, when a renderer lets them recurse.
var recursionTemplates = []string{
	"{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
	"{% macro f(n) %}{% set x = f(n) %}{% endmacro %}{% set y = f(1) %}",
	"{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
	"{% macro f() %}{{ f }}{% endmacro %}{{ f() }}",
	"{% macro f(n=f()) %}{% endmacro %}{{ f() }}",
}

// TestRecursionChild runs the recursion templates in this process; the
// parent test re-executes the test binary to run it, so that a crash ends
// the child, not the test run.
func TestRecursionChild(t *testing.T) {
	if os.Getenv("HUSHFLOW_RECURSION_CHILD") != "1" {
		t.Skip("run by TestRecursionIsRefused in a child process")
	}
	e := newEngine(t, newResolver())
	for _, tmpl := range recursionTemplates {
		_, err := e.Render(context.Background(), tmpl, map[string]any{})
		fmt.Printf("RESULT parse=%v large=%v\n", errors.Is(err, render.ErrParse), errors.Is(err, render.ErrTooLarge))
	}
}

func TestRecursionIsRefused(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecursionChild$", "-test.v")
	cmd.Env = append(os.Environ(), "HUSHFLOW_RECURSION_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the child process died (%v); recursion is not refused:\n%s", err, tail(string(out), 400))
	}
	if n := strings.Count(string(out), "RESULT parse=true"); n != len(recursionTemplates) {
		t.Errorf("%d of %d recursive templates refused at parse time:\n%s", n, len(recursionTemplates), tail(string(out), 1000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Macro calls the parser cannot see as recursion still stop at the depth
// limit: a chain of macros, each calling the next.
func TestMacroDepth(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	const n = 80
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "{%% macro m%d() %%}{{ m%d() }}{%% endmacro %%}", i, i+1)
	}
	fmt.Fprintf(&b, "{%% macro m%d() %%}end{%% endmacro %%}{{ m0() }}", n)
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxTemplateSize = 1 << 20 }))
	if _, err := e.Render(context.Background(), b.String(), nil); !errors.Is(err, render.ErrTooLarge) || !strings.Contains(err.Error(), "Limits.MaxDepth") {
		t.Errorf("err = %v, want ErrTooLarge naming Limits.MaxDepth", err)
	}
	e2 := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxTemplateSize = 1 << 20; l.MaxDepth = 100 }))
	if got, err := e2.Render(context.Background(), b.String(), nil); err != nil || got != "end" {
		t.Errorf("with a deeper limit: %q, %v", got, err)
	}
}

// Loops check the call's context on every iteration, whatever their body:
// three nested loops over 300 items with an empty body ran seconds past
// a 50 ms deadline.
func TestLoopsStopAtDeadline(t *testing.T) {
	t.Parallel()
	const tmpl = `{% for a in "x"|ljust:300|make_list %}{% for b in "x"|ljust:300|make_list %}{% for c in "x"|ljust:300|make_list %}{% endfor %}{% endfor %}{% endfor %}`
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxIterations = 1 << 40 }))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.Render(ctx, tmpl, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, render.ErrExec) {
		t.Errorf("err = %v, want ErrExec wrapping the deadline", err)
	}
	// The iteration budget stops it without a deadline.
	e2 := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxIterations = 10000 }))
	if _, err := e2.Render(context.Background(), tmpl, nil); !errors.Is(err, render.ErrTooLarge) || !strings.Contains(err.Error(), "Limits.MaxIterations") {
		t.Errorf("err = %v, want ErrTooLarge naming Limits.MaxIterations", err)
	}
}

// Every render has an output and intermediate-size budget, checked in the
// filters, in + and ~, and in what loops print.
func TestOutputBudget(t *testing.T) {
	t.Parallel()
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "{{ v }}" + strings.Repeat(close, n)
	}
	tests := map[string]string{
		"chained addslashes":  `{{ "\\"` + strings.Repeat("|addslashes", 40) + ` }}`,
		"nested with add":     `{% with v="ab" %}` + nest("{% with v=v|add:v %}", "{% endwith %}", 40) + "{% endwith %}",
		"nested with tilde":   `{% with v="ab" %}` + nest("{% with v=v ~ v %}", "{% endwith %}", 40) + "{% endwith %}",
		"join of a long list": `{{ "x"|ljust:1000|make_list|join:big }}`,
		"loop printing":       `{% for a in big|make_list %}{% for b in big|make_list %}xxxxxxxxxxxxxxxx{{ big }}{% endfor %}{% endfor %}`,
		"replace":             `{{ big|replace(from="", to=big) }}`,
		"urlize":              `{{ wide|urlize }}`, // fits, but urlize would allocate 80 times it
		"wordwrap":            `{{ wide|wordwrap:1 }}`,
		"make_list":           `{{ big|ljust:1000|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|add:big|make_list }}`,
	}
	for name, tmpl := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxOutput = 1 << 20; l.MaxDepth = 100 }))
			_, err := e.Render(context.Background(), tmpl, map[string]any{"big": strings.Repeat("y", 4000), "wide": strings.Repeat("a.com ", 12000)})
			if !errors.Is(err, render.ErrTooLarge) || !strings.Contains(err.Error(), "Limits.MaxOutput") {
				t.Errorf("err = %v, want ErrTooLarge naming Limits.MaxOutput", err)
			}
		})
	}
}

func TestBudgetOptionsValidated(t *testing.T) {
	t.Parallel()
	for name, opt := range map[string]render.Option{
		"Limits.MaxOutput":       limits(func(l *render.Limits) { l.MaxOutput = 0 }),
		"Limits.MaxIterations":   limits(func(l *render.Limits) { l.MaxIterations = -1 }),
		"Limits.CacheBytes":      limits(func(l *render.Limits) { l.CacheBytes = 0 }),
		"Limits.MaxDepth":        limits(func(l *render.Limits) { l.MaxDepth = 0 }),
		"Limits.MaxTemplateSize": limits(func(l *render.Limits) { l.MaxTemplateSize = 0 }),
	} {
		_, err := render.New(newResolver(), opt)
		if err == nil || !strings.Contains(err.Error(), name) || !errors.Is(err, render.ErrInvalidOption) {
			t.Errorf("New(%s bad) = %v, want an ErrInvalidOption naming the field", name, err)
		}
	}
	// Every bad field is named, not just the first; the good ones are not.
	_, err := render.New(newResolver(), render.WithLimits(render.Limits{MaxDepth: 1}))
	for _, name := range []string{"MaxTemplateSize", "MaxOutput", "MaxIterations", "CacheBytes"} {
		if err == nil || !strings.Contains(err.Error(), "Limits."+name) {
			t.Errorf("New(WithLimits(Limits{MaxDepth: 1})) = %v, want it to name Limits.%s", err, name)
		}
	}
	if err != nil && strings.Contains(err.Error(), "Limits.MaxDepth") {
		t.Errorf("New(WithLimits(Limits{MaxDepth: 1})) = %v, names the good field MaxDepth", err)
	}
	// DefaultLimits is valid as it is.
	if _, err := render.New(newResolver(), render.WithLimits(render.DefaultLimits())); err != nil {
		t.Errorf("New(WithLimits(DefaultLimits())) = %v", err)
	}
}

// The analysis of a template stays near linear in its size: a long chain of
// names, each built from the one before, parses at once.
func TestAnalysisIsBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("{% set a0 = x0 %}")
	for i := 1; b.Len() < 60<<10; i++ {
		fmt.Fprintf(&b, "{%% set a%d = a%d ~ x%d %%}", i, i-1, i)
	}
	b.WriteString("{{ a1 | vals }}{{ a2000 | upper }}")
	e := newEngine(t, newResolver())
	if err := e.Check(b.String()); err != nil {
		t.Errorf("Check: %v", err)
	}
}
