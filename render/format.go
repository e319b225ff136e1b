package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/internal/numfmt"
)

// textOf is how a value prints: strings as they are, true and false (not
// pongo2's True and False), numbers as Tera prints them, null as nothing,
// maps and lists as JSON.
//
// Floats print the way Tera does (Rust's Display for f64): the shortest
// digits that read back as the same number, never with an exponent, and a
// whole number without a fraction: 1.5, 3, 0.0000001, NaN. (Tera's
// json_encode writes them another way.) Maps and lists are
// where the engine departs from Tera on purpose: Tera prints [a, b] and
// [object], which lose what a shell command or a JSON consumer needs.
func textOf(v any) string {
	switch x := v.(type) {
	case nil, undefinedValue, absentValue, *loopState:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return numfmt.Display(x, 64)
	case float32:
		return numfmt.Display(float64(x), 32)
	case *pongo2.Value:
		if x == nil {
			return ""
		}
		return textOf(x.Interface())
	case fmt.Stringer:
		return x.String()
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err == nil {
			return strings.TrimSuffix(buf.String(), "\n")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return fmt.Sprint(v)
	}
	return pongo2.AsValue(v).String()
}
