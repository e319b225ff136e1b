package render

import (
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/render/internal/tera"
)

// value is what an expression evaluates to: a Go value together with where
// its text came from (origin, for | vals) and whether it derives from a
// secret (for the Secrets set). Both travel with the value through every
// operator, filter, binding and macro call, so no side table is needed.
//
// v holds nil, bool, int64, float64, string, or a value of the call's
// variables as it was given (maps, lists, structs); numbers of other Go
// types are converted when they are read (norm). undef stands for a
// variable that does not exist.
type value struct {
	v      any
	org    origin
	secret bool
	// size is what v counts for the budgets (sizeOf), when sized: a list
	// literal's, summed from its items' as it is built.
	size  int
	sized bool
}

// origin says which bytes of a value's text are data (a variable's value,
// or what a backend resolved) rather than the template's own text. The zero
// origin is the author's throughout.
type origin struct {
	all   bool   // every byte
	spans []span // or these, in order, in the value's text
}

type span struct{ start, end int }

var dataOrigin = origin{all: true}

func (o origin) hasData() bool { return o.all || len(o.spans) > 0 }

// overlaps reports whether a byte of [start, end) is data.
func (o origin) overlaps(start, end int) bool {
	if o.all {
		return end > start
	}
	for _, d := range o.spans {
		if d.start < end && start < d.end {
			return true
		}
	}
	return false
}

func (o origin) isData(i int) bool { return o.overlaps(i, i+1) }

// shifted returns o's spans moved by off, for a text of n bytes placed at
// off in a longer one.
func (o origin) appendShifted(dst []span, off, n int) []span {
	if o.all {
		if n == 0 {
			return dst
		}
		return append(dst, span{off, off + n})
	}
	for _, d := range o.spans {
		dst = append(dst, span{off + d.start, off + d.end})
	}
	return dst
}

// undefinedValue is the type of undef.
type undefinedValue struct{}

// undef is the value of a variable that does not exist.
var undef any = undefinedValue{}

func isUndef(v any) bool { _, ok := v.(undefinedValue); return ok }

// authored returns a value of the template's own text.
func authored(v any) value { return value{v: v} }

// derived returns x with the origin and taint of the values it was made of:
// the author's only when all of them are.
func derived(x any, from ...value) value {
	out := value{v: x}
	for _, f := range from {
		if f.org.hasData() {
			out.org = dataOrigin
		}
		out.secret = out.secret || f.secret
	}
	return out
}

// norm converts the numbers of other Go types to int64 and float64, and
// unwraps pongo2's values.
func norm(v any) any {
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		return v
	case int:
		return int64(x)
	case *pongo2.Value:
		if x == nil {
			return nil
		}
		return norm(x.Interface())
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint:
		if uint64(x) <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
		return float64(x)
	case float32:
		return tera.Float32(x)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		if e := rv.Elem(); e.Kind() == reflect.Struct {
			return v // looked up through the pointer
		}
		return norm(rv.Elem().Interface())
	}
	return v
}

// truthy is Tera's and Django's truth: false, 0, "", an empty list or map,
// null and undefined are false. The JSON shapes are Tera's own rule; a
// host's other Go values are false when empty.
func truthy(v any) bool {
	switch v.(type) {
	case nil, undefinedValue:
		return false
	case bool, int64, float64, string, []any, map[string]any:
		return tera.Truthy(v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
		return rv.Len() > 0
	}
	return true
}

// typeName names v's type in an error, as Tera would: never its value.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case undefinedValue:
		return "an undefined value"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	case string:
		return "a string"
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct, reflect.Pointer:
		return "a map"
	}
	return "a value"
}

// step takes one step of a path into v: an attribute (key) or an index.
// It reports whether the step leads somewhere.
func step(v any, key string, index int, isIndex bool) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if isIndex {
			key = strconv.Itoa(index)
		}
		next, ok := x[key]
		return next, ok
	case []any:
		if !isIndex || index < 0 || index >= len(x) {
			return nil, false
		}
		return x[index], true
	case *loopState:
		return x.field(key)
	case nil, undefinedValue, bool, int64, float64:
		return nil, false
	case string:
		if !isIndex {
			return nil, false
		}
		r := []rune(x)
		if index < 0 || index >= len(r) {
			return nil, false
		}
		return string(r[index]), true
	}
	return stepReflect(v, key, index, isIndex)
}

func stepReflect(v any, key string, index int, isIndex bool) (any, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, false
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Map:
		k, ok := mapKey(rv.Type().Key(), key, index, isIndex)
		if !ok {
			return nil, false
		}
		next := rv.MapIndex(k)
		if !next.IsValid() {
			return nil, false
		}
		return next.Interface(), true
	case reflect.Slice, reflect.Array:
		if !isIndex || index < 0 || index >= rv.Len() {
			return nil, false
		}
		return rv.Index(index).Interface(), true
	case reflect.Struct:
		if isIndex {
			return nil, false
		}
		f, ok := rv.Type().FieldByName(key)
		if !ok || !f.IsExported() {
			return nil, false
		}
		return rv.FieldByIndex(f.Index).Interface(), true
	}
	return nil, false
}

// length is how many items a loop over v goes through, or false when v is
// not a list, a map or a string.
func length(v any) (int, bool) {
	switch x := v.(type) {
	case []any:
		return len(x), true
	case map[string]any:
		return len(x), true
	case string:
		return utf8.RuneCountInString(x), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return rv.Len(), true
	}
	return 0, false
}

func isList(v any) bool {
	if _, ok := v.([]any); ok {
		return true
	}
	k := reflect.ValueOf(v).Kind()
	return k == reflect.Slice || k == reflect.Array
}

// mapKey makes the key of a Go map of type kt from a path step: a string
// for string keys, a number for integer keys.
func mapKey(kt reflect.Type, key string, index int, isIndex bool) (reflect.Value, bool) {
	switch kt.Kind() {
	case reflect.String, reflect.Interface:
		if isIndex {
			key = strconv.Itoa(index)
		}
		k := reflect.ValueOf(key)
		if kt.Kind() == reflect.String {
			k = k.Convert(kt)
		}
		return k, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := int64(index)
		if !isIndex {
			var err error
			if n, err = strconv.ParseInt(key, 10, 64); err != nil {
				return reflect.Value{}, false
			}
		}
		k := reflect.New(kt).Elem()
		k.SetInt(n)
		if k.Int() != n {
			return reflect.Value{}, false
		}
		return k, true
	}
	return reflect.Value{}, false
}

// composite reports whether v is a list, a map or a struct: a value whose
// text is built from its items.
func composite(v any) bool {
	switch v.(type) {
	case nil, bool, int64, float64, string, undefinedValue:
		return false
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct, reflect.Pointer:
		return true
	}
	return false
}
