package render

import (
	"reflect"
)

// Values derived from secrets are secrets: whatever a template prints from
// an expression that may read a secret is taught to the engine's Secrets
// set (WithSecrets) before Render returns, so the redactor masks the
// escaped, quoted, cut or upper-cased form as well as the secret. The
// taint follows the value, not the text: an output is tainted when it uses
// | vals, or reads a variable (directly or through names the template
// binds and macros it calls, see flow.go) whose value, or a string inside
// it, the set Knows. An output that reads no such variable ({{ input.env }})
// is never taught, even when its text happens to contain a secret.

// tainted reports whether what ts reads may be secret in this call.
func (b *binding) tainted(ts taintSource) bool {
	if ts.vals {
		return true
	}
	if ts.everything {
		for root := range b.vars {
			if b.pathKnown(pathRef{root: root}) {
				return true
			}
		}
	}
	for _, p := range ts.paths {
		if b.pathKnown(p) {
			return true
		}
	}
	return false
}

// pathKnown reports whether the variable p holds a value the Secrets set
// knows, anywhere inside it. The answer is kept for the rest of the call.
func (b *binding) pathKnown(p pathRef) bool {
	key := p.key()
	if known, ok := b.known[key]; ok {
		return known
	}
	v, ok := b.vars[p.root]
	if ok {
		for _, part := range toParts(p.steps) {
			next, res := lookup(v, part)
			if res != found {
				ok = res == opaque
				break
			}
			v = next
		}
	}
	known := ok && b.holdsKnown(v, 0)
	if b.known == nil {
		b.known = map[string]bool{}
	}
	b.known[key] = known
	return known
}

// holdsKnown reports whether v, or a value inside it, is a known secret.
func (b *binding) holdsKnown(v any, depth int) bool {
	if depth > b.engine.cfg.maxDepth.n {
		return false
	}
	s := b.engine.cfg.secrets
	switch x := v.(type) {
	case nil, bool:
		return false
	case string:
		return s.Knows(x)
	case map[string]any:
		for _, e := range x {
			if b.holdsKnown(e, depth+1) {
				return true
			}
		}
		return false
	case []any:
		for _, e := range x {
			if b.holdsKnown(e, depth+1) {
				return true
			}
		}
		return false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		for it := rv.MapRange(); it.Next(); {
			if b.holdsKnown(it.Value().Interface(), depth+1) {
				return true
			}
		}
		return false
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			if b.holdsKnown(rv.Index(i).Interface(), depth+1) {
				return true
			}
		}
		return false
	}
	return s.Knows(textOf(v))
}

// derive records what a tainted output printed: its text when it is a
// string, or a list or map (with the strings inside it). Booleans, numbers
// and null are not taught: "true" or "12" (a secret's length) would mask
// every such value in every record.
func (b *binding) derive(v any, printed string) {
	switch v.(type) {
	case nil, bool, int, int64, float64, float32, uint64:
		return
	}
	if printed != "" {
		b.derived = append(b.derived, printed)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		b.deriveLeaves(v, 0)
	}
}

func (b *binding) deriveLeaves(v any, depth int) {
	if depth > b.engine.cfg.maxDepth.n {
		return
	}
	switch x := v.(type) {
	case string:
		if x != "" {
			b.derived = append(b.derived, x)
		}
		return
	case nil, bool:
		return
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		for it := rv.MapRange(); it.Next(); {
			b.deriveLeaves(it.Value().Interface(), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			b.deriveLeaves(rv.Index(i).Interface(), depth+1)
		}
	}
}
