package advtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hushflow/hushflow/render"
)

// hardPattern is 3,601 bytes (under tera.MaxPatternLen, 4,096) of RE2 that
// costs Go's regexp about n*m steps: linear in the input, but with a
// thousand states per byte.
var hardPattern = strings.Repeat("(a|aa)", 600) + "b"

// TestMatchingPatternFromData: the matching test compiles a regular
// expression its argument writes, and that argument may be data. removetags
// refuses a data pattern with ErrUntrusted ("A filter argument that becomes
// a pattern must be the template's text"); the matching test takes it.
func TestMatchingPatternFromData(t *testing.T) {
	e, _ := engineWith(t)
	vars := map[string]any{"input": map[string]any{"s": "aaab", "p": "a+b"}}
	_, err := e.Render(context.Background(), `{% if input.s is matching(input.p) %}y{% endif %}`, vars)
	if !errors.Is(err, render.ErrUntrusted) {
		t.Errorf("a pattern from data was compiled (err %v); removetags refuses one with ErrUntrusted", err)
	}
}

// TestMatchingOutlivesDeadline: one matching test over 64 KiB of data runs
// for seconds past the call's 200 ms deadline; the doc promises a render
// stops at the deadline "late by at most one filter call, which the memory
// bound keeps short", but a test is neither budgeted nor interruptible.
func TestMatchingOutlivesDeadline(t *testing.T) {
	e, _ := engineWith(t)
	vars := map[string]any{"input": map[string]any{"s": strings.Repeat("a", 64<<10)}}
	tmpl := `{% if input.s is matching("` + hardPattern + `") %}y{% endif %}`
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.Render(ctx, tmpl, vars)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Render returned %v after a 200ms deadline (err %v)", took, err)
	}
}
