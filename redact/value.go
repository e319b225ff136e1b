package redact

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// maxDepth bounds the nesting Value and JSON walk, as encoding/json does; a
// deeper value (or a map that holds itself) comes out as Mask.
const maxDepth = 10000

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
//   - A number whose text (as encoding/json writes it) holds a secret, or
//     equals a short one, becomes the string Mask.
//   - Any other type is first converted to JSON-shaped values through
//     encoding/json (a struct becomes a map[string]any, a number a
//     json.Number); a value encoding/json cannot encode, or one nested deeper
//     than 10,000 levels, becomes Mask. Nothing passes through unmasked.
func (r *Redactor) Value(v any) any { return r.load().value(v, 0) }

func (m *matcher) value(v any, depth int) any {
	out, _ := m.maskValue(v, depth)
	return out
}

// maskValue returns the masked copy of v and whether it differs from v: a
// scalar left as it is comes back as the very interface it came in (no new
// boxing), which lets a map copy keep it without writing it again.
func (m *matcher) maskValue(v any, depth int) (any, bool) {
	if depth > maxDepth {
		return Mask, true
	}
	switch x := v.(type) {
	case nil, bool:
		return v, false
	case string:
		if masked, changed := m.maskString(x); changed {
			return masked, true
		}
		return v, false
	case float64:
		if m.numeric && m.leaks(formatFloat(x, 64)) {
			return Mask, true
		}
		return v, false
	case json.Number:
		if m.leaks(string(x)) {
			return Mask, true
		}
		return v, false
	case map[string]any:
		return maskMap(m, x, depth+1, (*matcher).maskValue), true
	case []any:
		out := slices.Clone(x)
		for i, e := range x {
			if masked, changed := m.maskValue(e, depth+1); changed {
				out[i] = masked
			}
		}
		return out, true
	case map[string]string:
		return maskMap(m, x, depth+1, maskStringValue), true
	case []string:
		out := slices.Clone(x)
		for i, e := range x {
			out[i] = m.str(e)
		}
		return out, true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, float32:
		if m.numeric && m.leaks(formatNumber(x)) {
			return Mask, true
		}
		return v, false
	}
	return m.viaJSON(v, depth), true
}

// viaJSON converts a value of another type to JSON-shaped values and masks
// those.
func (m *matcher) viaJSON(v any, depth int) any {
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
	return m.value(shaped, depth+1)
}

// maskMap copies a map with its keys and values masked; see Value for how
// colliding keys are kept apart. It clones the map whole (much cheaper than
// inserting key by key) and then writes only what changed.
func maskMap[V any](m *matcher, in map[string]V, depth int, maskValue func(*matcher, V, int) (V, bool)) map[string]V {
	out := maps.Clone(in)
	type renamed struct {
		orig, key string
		value     V
	}
	var moved []renamed
	for k, v := range in {
		masked, changed := maskValue(m, v, depth)
		if mk, keyChanged := m.maskString(k); keyChanged {
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
	return out
}

func maskStringValue(m *matcher, s string, _ int) (string, bool) { return m.maskString(s) }

// formatFloat writes f as encoding/json does, so that a number is searched
// in the text a reader of the JSON would see.
func formatFloat(f float64, bits int) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	abs := math.Abs(f)
	fmtByte := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		fmtByte = 'e'
	}
	b := strconv.AppendFloat(nil, f, fmtByte, -1, bits)
	if fmtByte == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b)
}

// formatNumber writes a Go number of a basic kind as encoding/json does.
func formatNumber(v any) string {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32:
		return formatFloat(rv.Float(), 32)
	}
	return formatFloat(rv.Float(), 64)
}
