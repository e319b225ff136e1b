package render

import (
	"encoding/json"
	"reflect"
)

// Values derived from secrets are secrets: whatever a template prints from
// a value that derives from a secret is taught to the engine's Secrets set
// (WithSecrets) before Render returns, so the redactor masks the escaped,
// quoted, cut or upper-cased form as well as the secret. The taint follows
// the value, not the text: a value read from a variable whose
// value, or a string inside it, the set Knows is tainted, and so is what
// | vals resolves and everything computed from a tainted value. A value
// that derives from no secret ({{ input.env }}) is never taught, even when
// its text happens to contain one. What a loop, a macro or a {% filter %}
// block prints is taught whole when a tainted piece went into it, and so
// is each run of tainted pieces printed close together, and the text from
// the first to the last fragment a buffer prints (sink.go): pieces of a
// secret cannot spell it out one at a time. Control flow carries no taint
// (render/doc.go says so).

// varSecret reports whether the value v of the variable p holds a value
// the Secrets set knows, anywhere inside it. The answer is kept for the
// rest of the call when the path has no subscript.
func (x *execution) varSecret(p *pathExpr, v any) bool {
	if p.key == "" {
		return x.holdsKnown(v, 0)
	}
	if known, ok := x.known[p.key]; ok {
		return known
	}
	known := x.holdsKnown(v, 0)
	if x.known == nil {
		x.known = map[string]bool{}
	}
	x.known[p.key] = known
	return known
}

// holdsKnown reports whether v, or a value inside it, is a known secret.
func (x *execution) holdsKnown(v any, depth int) bool {
	if depth > x.engine.cfg.limits.MaxDepth {
		return false
	}
	s := x.engine.cfg.secrets
	switch c := v.(type) {
	case nil, bool:
		return false
	case string:
		return s.Knows(c)
	case map[string]any:
		for _, e := range c {
			if x.holdsKnown(e, depth+1) {
				return true
			}
		}
		return false
	case []any:
		for _, e := range c {
			if x.holdsKnown(e, depth+1) {
				return true
			}
		}
		return false
	}
	// A value that prints as JSON of its own making (json.RawMessage, a
	// json.Marshaler) is searched as the text the evaluator prints,
	// decoded: the strings inside it. A []byte prints as its base64, and
	// is a secret when its bytes are.
	switch c := v.(type) {
	case json.Marshaler, []byte:
		text := textOf(v)
		if b, ok := c.([]byte); ok && s.Knows(string(b)) { // printed as its base64
			return true
		}
		if s.Knows(text) {
			return true
		}
		var decoded any
		if json.Unmarshal([]byte(text), &decoded) == nil {
			if str, ok := decoded.(string); ok {
				return s.Knows(str)
			}
			return x.holdsKnown(decoded, depth+1)
		}
		return false
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return false
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Map:
		for it := rv.MapRange(); it.Next(); {
			if x.holdsKnown(it.Value().Interface(), depth+1) {
				return true
			}
		}
		return false
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 { // bytes print as text
			return x.holdsKnown(rv.Bytes(), depth+1)
		}
		for i := 0; i < rv.Len(); i++ {
			if x.holdsKnown(rv.Index(i).Interface(), depth+1) {
				return true
			}
		}
		return false
	case reflect.Struct:
		// The fields a template reads (stepReflect), and the text a struct
		// prints (a json.Marshaler's, above).
		t := rv.Type()
		for i := range rv.NumField() {
			if t.Field(i).IsExported() && x.holdsKnown(rv.Field(i).Interface(), depth+1) {
				return true
			}
		}
		return s.Knows(textOf(v))
	}
	return s.Knows(textOf(v))
}

// derive records what a tainted output printed: its text when it is a
// string, or a list or map (with the strings inside it). Booleans, numbers
// and null are not taught: "true" or "12" (a secret's length) would mask
// every such value in every record.
func (x *execution) derive(v any, printed string) {
	if !teachable(v) {
		return
	}
	if printed != "" {
		x.derived = append(x.derived, printed)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		x.deriveLeaves(v, 0)
	}
}

func (x *execution) deriveLeaves(v any, depth int) {
	if depth > x.engine.cfg.limits.MaxDepth {
		return
	}
	switch c := v.(type) {
	case string:
		if c != "" {
			x.derived = append(x.derived, c)
		}
		return
	case nil, bool:
		return
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		for it := rv.MapRange(); it.Next(); {
			x.deriveLeaves(it.Value().Interface(), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			x.deriveLeaves(rv.Index(i).Interface(), depth+1)
		}
	}
}

// teach records a text the call derived from secrets.
func (x *execution) teach(s string) {
	if s != "" && x.engine.cfg.secrets != nil {
		x.derived = append(x.derived, s)
	}
}

// teachable reports whether a derived value is taught: not a boolean, a
// number or null.
func teachable(v any) bool {
	switch v.(type) {
	case nil, bool, int64, float64, undefinedValue:
		return false
	}
	return true
}
