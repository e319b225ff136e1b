package advtest_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSharedNestedListsOutliveDeadline: list literals that name a list set
// before share it, so five {% set %} of 100 items each (1.3 KB of
// template) make a value of 10^10 leaves that counts 1,600 bytes for the
// budgets (16 bytes an item, top level only). Any Tera filter or test
// walks all of it first (jsonModel → isJSONModel), printing or
// json_encode would build it, and none of that looks at the context: the
// render runs for minutes past a 200 ms deadline (at 10^8 leaves, about
// 2 s). The doc: "late by at most one filter call, which the memory bound
// keeps short".
func TestSharedNestedListsOutliveDeadline(t *testing.T) {
	e, _ := engineWith(t)
	tmpl := `{% set a = [` + strings.TrimSuffix(strings.Repeat("1,", 100), ",") + `] %}`
	prev := "a"
	for _, n := range []string{"b", "c", "d", "f"} {
		tmpl += `{% set ` + n + ` = [` + strings.TrimSuffix(strings.Repeat(prev+",", 100), ",") + `] %}`
		prev = n
	}
	tmpl += `{{ f is iterable }}`
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := e.Render(ctx, tmpl, nil)
		done <- err
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("a %d-byte template still renders 5 s after a 200 ms deadline (it will run for minutes)", len(tmpl))
	}
}
