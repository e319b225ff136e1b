package render_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/render"
)

// allocated returns the bytes f allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// build64K sets s to a 64 KiB string with 12 small sets.
const build64K = `{% set s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}{% set s = s ~ s %}`

// TestListContentsCountForMaxOutput: a list counts what its items hold, so
// a list literal naming a 64 KiB string a thousand times is refused under
// Limits.MaxOutput = 64 KiB before anything turns it into text (printing,
// join, as_str, ~, a filter argument). It used to count 16 bytes an item
// and allocate hundreds of MiB.
func TestListContentsCountForMaxOutput(t *testing.T) {
	const limit = 64 << 10
	list := "[" + strings.Repeat("s,", 999) + "s]"
	for _, tc := range []struct{ name, tmpl string }{
		{"print", `{{ ` + list + ` }}`},
		{"join", `{{ ` + list + ` | join(sep="") | length }}`},
		{"django join", `{{ ` + list + `|join:"" }}`},
		{"as_str", `{{ ` + list + ` | as_str | length }}`},
		{"tilde", `{{ ` + list + ` ~ "" }}`},
		{"argument", `{{ "a" | replace(from="a", to=` + list + `) }}`},
		{"data list printed", `{{ input.big }}`},
		{"data list joined", `{{ input.big | join(sep="") }}`},
	} {
		t.Run(tc.name, func(t *testing.T) { // not parallel: it measures allocations
			e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxOutput = limit }))
			big := make([]any, 1000)
			for i := range big {
				big[i] = strings.Repeat("y", 1<<10)
			}
			var err error
			n := allocated(func() {
				_, err = e.Render(context.Background(), build64K+tc.tmpl, map[string]any{"input": map[string]any{"big": big}})
			})
			if !errors.Is(err, render.ErrTooLarge) {
				t.Errorf("err = %v, want ErrTooLarge", err)
			}
			if n > 64*limit {
				t.Errorf("allocated %d MiB under Limits.MaxOutput = %d KiB", n>>20, limit>>10)
			}
		})
	}
	// What fits still renders.
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxOutput = limit }))
	out, err := e.Render(context.Background(), `{% set s = "abc" %}{{ [s, s, [s]] | length }} {{ [s, s] | join(sep="-") }}`, nil)
	if err != nil || out != "3 abc-abc" {
		t.Errorf("got %q, %v", out, err)
	}
}

// TestSharedNestedListsAreRefused: list literals naming a list set before
// count it whole each time, so five sets of 100 items (10^10 leaves) are
// refused when the list is built, long before a test, a filter or printing
// could walk it past the deadline.
func TestSharedNestedListsAreRefused(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	tmpl := `{% set a = [` + strings.TrimSuffix(strings.Repeat("1,", 100), ",") + `] %}`
	prev := "a"
	for _, n := range []string{"b", "c", "d", "f"} {
		tmpl += `{% set ` + n + ` = [` + strings.TrimSuffix(strings.Repeat(prev+",", 100), ",") + `] %}`
		prev = n
	}
	for _, use := range []string{`{{ f is iterable }}`, `{{ f | json_encode }}`, `{{ f }}`, `{{ f | length }}`} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		done := make(chan error, 1)
		go func() {
			_, err := e.Render(ctx, tmpl+use, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, render.ErrTooLarge) {
				t.Errorf("%s: err = %v, want ErrTooLarge", use, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still rendering 5 s after a 200 ms deadline", use)
		}
		cancel()
	}
}

// TestSetRetainsWithinBudget: the values set and set_global assign count
// against 4 × Limits.MaxOutput in total. Each value below fits Limits.MaxOutput,
// but a render keeps every name it sets until it ends: 40 names holding
// 62 KiB each, or a loop that keeps appending to a list, would hold MiBs
// under Limits.MaxOutput = 64 KiB (at the defaults, a 64 KiB template of such
// sets would hold tens of GiB).
func TestSetRetainsWithinBudget(t *testing.T) {
	const limit = 64 << 10
	e := newEngine(t, newResolver(), limits(func(l *render.Limits) { l.MaxOutput = limit }))
	build := `{% set s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" %}` + strings.Repeat(`{% set s = s ~ s %}`, 11) // 62 KiB
	var names strings.Builder
	for i := range 40 {
		fmt.Fprintf(&names, `{%% set a%d = s ~ %d %%}`, i, i)
	}
	items := make([]any, 2000)
	for i := range items {
		items[i] = i
	}
	vars := map[string]any{"input": map[string]any{"items": items}}
	for _, tmpl := range []string{
		build + names.String() + `{{ a1 | length }}`,
		build + `{% set_global acc = [] %}{% for i in input.items %}{% set_global acc = [acc, s ~ i] %}{% endfor %}{{ acc | length }}`,
	} {
		var err error
		n := allocated(func() { _, err = e.Render(context.Background(), tmpl, vars) })
		if !errors.Is(err, render.ErrTooLarge) {
			t.Errorf("err = %v, want ErrTooLarge", err)
		}
		if n > 64*limit {
			t.Errorf("allocated %d MiB under Limits.MaxOutput = %d KiB", n>>20, limit>>10)
		}
	}
	// A counter kept by set_global over many iterations stays far inside.
	out, err := e.Render(context.Background(), `{% set_global n = 0 %}{% for i in input.items %}{% set_global n = n + i %}{% endfor %}{{ n }}`, vars)
	if err != nil || out != "1999000" {
		t.Errorf("counter: got %q, %v", out, err)
	}
}

// TestMatchingPattern: the matching test's pattern is the template's own
// text, like removetags', and the pattern's size times the input's is
// bounded by Limits.MaxOutput, so a hard pattern over 64 KiB of data cannot
// run for seconds past the deadline.
func TestMatchingPattern(t *testing.T) {
	t.Parallel()
	e := newEngine(t, newResolver())
	vars := map[string]any{"input": map[string]any{"s": "aaab", "p": "a+b", "big": strings.Repeat("a", 64<<10)}}
	for _, tc := range []struct {
		tmpl, want string
		err        error
	}{
		{`{% if input.s is matching("a+b$") %}y{% endif %}`, "y", nil},
		{`{% if input.s is matching(input.p) %}y{% endif %}`, "", render.ErrUntrusted},
		{`{% set p = "a" ~ input.p %}{% if input.s is matching(p) %}y{% endif %}`, "", render.ErrUntrusted},
		{`{% if input.big is matching("` + strings.Repeat("(a|aa)", 600) + `b") %}y{% endif %}`, "", render.ErrTooLarge},
	} {
		start := time.Now()
		out, err := e.Render(context.Background(), tc.tmpl, vars)
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%.40s: took %v", tc.tmpl, took)
		}
		if tc.err != nil && !errors.Is(err, tc.err) || tc.err == nil && (err != nil || out != tc.want) {
			t.Errorf("%.40s: got %q, %v; want %q, %v", tc.tmpl, out, err, tc.want, tc.err)
		}
	}
}
