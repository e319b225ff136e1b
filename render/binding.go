package render

import (
	"context"
	"strings"

	"github.com/flosch/pongo2/v6"
)

// binding is one Render or RenderValue call: what its templates see (the
// call's context and variables, the engine's resolver and secrets) and the
// budgets they share. The emitted template reaches it through the pongo2
// context the call executes with, whose reserved names hold its methods
// (hooks.go). pongo2 runs a template on the calling goroutine, so a binding
// needs no lock. The template running now is x (exec.go).
type binding struct {
	ctx    context.Context
	engine *Engine
	vars   map[string]any
	pctx   pongo2.Context
	x      *execution

	iterations int // loop iterations and macro calls so far
	produced   int // bytes printed so far, counted generously
	depth      int // macro calls in progress

	known    map[string]bool // taint: whether a variable path holds a known secret
	derived  []string        // values derived from secrets, taught to the Secrets set by finish
	resolved []string        // values resolved in this call, kept out of error details

	filterCalls int // filters run (New's probe checks that the filter is this package's)
}

func newBinding(ctx context.Context, e *Engine, vars map[string]any) *binding {
	b := &binding{ctx: ctx, engine: e, vars: vars}
	pctx := make(pongo2.Context, len(vars)+1)
	for k, v := range vars {
		// pongo2 refuses a whole context when one key is not an identifier
		// (and quotes the values in its error): leave such keys out. A
		// template that uses one fails as undefined, with a hint.
		if isContextKey(k) {
			pctx[k] = v
		}
	}
	pctx[stateName] = b
	b.pctx = pctx
	return b
}

// isContextKey reports whether pongo2 accepts k as a context key (its rule is
// ^[a-zA-Z0-9_]+$) and k is not one of this package's reserved names.
func isContextKey(k string) bool {
	if k == "" || strings.HasPrefix(k, reservedPrefix) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isIdentChar(k[i]) {
			return false
		}
	}
	return true
}

// finish teaches the Secrets set what the call's templates derived from
// secrets. Render and RenderValue call it before they return, whether the
// call failed or not.
func (b *binding) finish() {
	if len(b.derived) > 0 && b.engine.cfg.secrets != nil {
		b.engine.cfg.secrets.Add(b.derived...)
		b.derived = nil
	}
}

// absent stands for a named argument a Tera-style filter call left out.
var absent = &struct{ name string }{"absent"}

func isAbsent(v *pongo2.Value) bool {
	p, ok := v.Interface().(*struct{ name string })
	return ok && p == absent
}

// Id is the identity: pongo2 applies filters and subscripts only to a
// variable or a call, so the emitted template wraps other expressions in
// it.
func (b *binding) Id(v *pongo2.Value) *pongo2.Value { return v }

// Absent is the value of a named argument a Tera-style filter call left out.
func (b *binding) Absent() *pongo2.Value { return pongo2.AsValue(absent) }
