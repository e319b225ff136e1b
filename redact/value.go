package redact

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"unsafe"
)

// maxDepth bounds the nesting Value and JSON walk, as encoding/json does; a
// deeper value comes out as Mask.
const maxDepth = 10000

// maxJSONNodes bounds the values a Go value of another type may hold, as
// encoding/json walks it (a pointer shared by two fields is walked twice):
// a larger one comes out as Mask rather than take time and memory without
// bound.
const maxJSONNodes = 1 << 22

// Value returns a masked deep copy of a JSON-shaped value: map[string]any,
// []any, string, float64, json.Number, bool and nil, as encoding/json decodes
// them, and also []string, map[string]string and Go's integer and float
// types, kept with their type.
//
//   - Strings are masked as String masks them.
//   - Map keys are masked too. When two keys come out the same, none is
//     dropped: keys that were not masked keep their text and the masked ones,
//     taken in the order of their original text, get "#2", "#3", ... appended
//     until unique.
//   - A number whose text holds a secret, or equals a short one, becomes the
//     string Mask; every text encoding/json, fmt and slog's handlers write for
//     it is searched (12345678 and 1.2345678e+07 alike). So do true, false
//     and nil, as the JSON text of a secret.
//   - A map or a slice met twice (shared, or holding itself) is copied once:
//     the copy shares and cycles as the input does, and the walk takes time
//     in proportion to the distinct values, not to the paths to them.
//   - Any other type is first converted to JSON-shaped values through
//     encoding/json (a struct becomes a map[string]any, a number a
//     json.Number); a value encoding/json cannot encode, one nested deeper
//     than 10,000 levels, or one whose encoding would repeat shared parts to
//     more than 4 million values, becomes Mask. Nothing passes through
//     unmasked.
func (r *Redactor) Value(v any) any {
	w := valueWalker{m: r.load()}
	w.lits = literalLeaks(&w.m)
	out, _ := w.mask(v, 0)
	return out
}

// valueWalker masks one value. seen holds the copy of each map and slice
// met so far, by identity, so that shared and cyclic values are copied once.
type valueWalker struct {
	m    matcher
	lits literals
	seen map[identity]any
}

// literals says which of JSON's literals hold a secret.
type literals struct{ true, false, null bool }

func literalLeaks(m *matcher) literals {
	return literals{m.leaks("true"), m.leaks("false"), m.leaks("null")}
}

type identity struct {
	p    unsafe.Pointer
	n    int
	kind reflect.Kind
}

// mask returns the masked copy of v and whether it differs from v: a scalar
// left as it is comes back as the very interface it came in (no new
// boxing), which lets a map copy keep it without writing it again. One case
// for each type encoding/json produces or callers commonly hold, in one
// switch, so that none of them reaches reflection.
func (w *valueWalker) mask(v any, depth int) (any, bool) {
	if depth > maxDepth {
		return Mask, true
	}
	m := &w.m
	switch x := v.(type) {
	case nil:
		if w.lits.null {
			return Mask, true
		}
		return v, false
	case bool:
		if x && w.lits.true || !x && w.lits.false {
			return Mask, true
		}
		return v, false
	case string:
		if masked, changed := m.maskString(x); changed {
			return masked, true
		}
		return v, false
	case float64:
		if m.numeric && m.floatLeaks(x, 64) {
			return Mask, true
		}
		return v, false
	case json.Number:
		if m.numeric && m.numberLeaks(string(x)) {
			return Mask, true
		}
		return v, false
	case map[string]any:
		return w.maskObject(x, depth), true
	case []any:
		return w.maskArray(x, depth), true
	case map[string]string:
		out := maps.Clone(x)
		maskMap(w, x, out, depth+1, maskStringValue)
		return out, true
	case []string:
		out := slices.Clone(x)
		for i, e := range x {
			out[i] = m.str(e)
		}
		return out, true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr:
		if m.numeric && m.leaks(formatInt(x)) {
			return Mask, true
		}
		return v, false
	case float32:
		if m.numeric && m.floatLeaks(float64(x), 32) {
			return Mask, true
		}
		return v, false
	}
	return w.viaJSON(v, depth), true
}

// maskObject copies a JSON object once however often it is shared, and
// masks the copy.
func (w *valueWalker) maskObject(x map[string]any, depth int) any {
	if len(x) == 0 {
		return maps.Clone(x)
	}
	id := identity{p: reflect.ValueOf(x).UnsafePointer(), kind: reflect.Map}
	if out, ok := w.seen[id]; ok {
		return out
	}
	out := maps.Clone(x)
	w.remember(id, out)
	maskMap(w, x, out, depth+1, (*valueWalker).mask)
	return out
}

// maskArray is maskObject for a JSON array: only changed elements are
// written to the copy.
func (w *valueWalker) maskArray(x []any, depth int) any {
	if len(x) == 0 {
		return slices.Clone(x)
	}
	id := identity{p: unsafe.Pointer(unsafe.SliceData(x)), n: len(x), kind: reflect.Slice}
	if out, ok := w.seen[id]; ok {
		return out
	}
	out := slices.Clone(x)
	w.remember(id, out)
	for i, e := range x {
		if masked, changed := w.mask(e, depth+1); changed {
			out[i] = masked
		}
	}
	return out
}

func (w *valueWalker) remember(id identity, out any) {
	if w.seen == nil {
		w.seen = map[identity]any{}
	}
	w.seen[id] = out
}

// viaJSON converts a value of another type to JSON-shaped values and masks
// those.
func (w *valueWalker) viaJSON(v any, depth int) any {
	if nodes := jsonNodes(reflect.ValueOf(v), 0, 0); nodes > maxJSONNodes {
		return Mask
	}
	data, err := json.Marshal(v)
	if err != nil {
		return Mask
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var shaped any
	if err := dec.Decode(&shaped); err != nil {
		return Mask
	}
	out, _ := w.mask(shaped, depth+1)
	return out
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// jsonNodes counts, up to just past maxJSONNodes, the values encoding/json
// walks in v (n of them counted already): it follows a shared pointer each
// time, as encoding/json does, and a cycle until the count runs out.
func jsonNodes(v reflect.Value, n, depth int) int {
	n++
	if n > maxJSONNodes || depth > maxDepth {
		return maxJSONNodes + 1
	}
	if !v.IsValid() || v.Type().Implements(marshalerType) {
		return n
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			n = jsonNodes(v.Elem(), n, depth+1)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next() && n <= maxJSONNodes; {
			n = jsonNodes(it.Value(), n, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return n + v.Len()/64 // base64 text
		}
		for i := 0; i < v.Len() && n <= maxJSONNodes; i++ {
			n = jsonNodes(v.Index(i), n, depth+1)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField() && n <= maxJSONNodes; i++ {
			if f := t.Field(i); f.IsExported() || f.Anonymous {
				n = jsonNodes(v.Field(i), n, depth+1)
			}
		}
	}
	return n
}

// maskMap fills out, a clone of in, with the keys and values of in masked;
// see Value for how colliding keys are kept apart. Cloning the map whole is
// much cheaper than inserting key by key; only what changed is written.
func maskMap[V any](w *valueWalker, in, out map[string]V, depth int, maskValue func(*valueWalker, V, int) (V, bool)) {
	type renamed struct {
		orig, key string
		value     V
	}
	var moved []renamed
	for k, v := range in {
		masked, changed := maskValue(w, v, depth)
		if mk, keyChanged := w.m.maskString(k); keyChanged {
			delete(out, k)
			moved = append(moved, renamed{k, mk, masked})
			continue
		}
		if changed {
			out[k] = masked
		}
	}
	// Map order is random: sort so that the same map always gets the same
	// suffixes.
	slices.SortFunc(moved, func(a, b renamed) int { return cmp.Compare(a.orig, b.orig) })
	for _, r := range moved {
		key := r.key
		for n := 2; ; n++ {
			if _, taken := out[key]; !taken {
				break
			}
			key = r.key + "#" + strconv.Itoa(n)
		}
		out[key] = r.value
	}
}

func maskStringValue(w *valueWalker, s string, _ int) (string, bool) { return w.m.maskString(s) }

// formatInt writes a Go integer as encoding/json, fmt and slog do.
func formatInt(v any) string {
	rv := reflect.ValueOf(v)
	if rv.CanInt() {
		return strconv.FormatInt(rv.Int(), 10)
	}
	return strconv.FormatUint(rv.Uint(), 10)
}
