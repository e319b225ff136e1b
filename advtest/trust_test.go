package advtest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/hushflow/hushflow/render"
)

type recordingResolver struct {
	mu   sync.Mutex
	seen []string
}

func (r *recordingResolver) Resolve(_ context.Context, s string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, s)
	return "resolved", nil
}

// TestDataLaunderedIntoReferenceThroughBranches: origin travels on values,
// not on control flow, so a template that rebuilds data character by
// character from its own literals (compare, then append the author's
// equal character) hands vals a reference written by data:
// "ref+echo://evil" from input.ref. The doc: "data is never turned into a
// reference".
func TestDataLaunderedIntoReferenceThroughBranches(t *testing.T) {
	res := &recordingResolver{}
	e, err := render.New(res)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := `{% set g = "" %}{% for c in input.ref %}{% for a in "ref+cho:/vil" %}{% if a == c %}{% set_global g = g ~ a %}{% break %}{% endif %}{% endfor %}{% endfor %}{{ g | vals }}`
	_, err = e.Render(context.Background(), tmpl, map[string]any{"input": map[string]any{"ref": "ref+echo://evil"}})
	for _, s := range res.seen {
		if strings.Contains(s, "evil") {
			t.Errorf("vals resolved %q, built from data (err %v)", s, err)
		}
	}
	if err != nil && !errors.Is(err, render.ErrUntrusted) {
		t.Errorf("unexpected error %v", err)
	}
}
