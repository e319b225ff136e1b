package tera

import (
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Filters over any value (Tera's src/builtins/filters/common.rs, object.rs
// and number.rs), and default and escape, which Tera's renderer handles.

func lowerString(s string) string { return cases.Lower(language.Und).String(s) }

// Length counts an array's items, an object's keys or a string's
// characters (code points).
func Length(in any, _ map[string]any) (any, error) {
	switch x := in.(type) {
	case []any:
		return int64(len(x)), nil
	case map[string]any:
		return int64(len(x)), nil
	case string:
		return int64(utf8.RuneCountInString(x)), nil
	}
	return nil, typeError("length", "value", "an array, an object or a string", in)
}

// LengthArgs: length takes no arguments.
func LengthArgs() []Arg { return nil }

// Reverse reverses an array's items or a string's characters.
func Reverse(in any, _ map[string]any) (any, error) {
	switch x := in.(type) {
	case []any:
		out := append([]any(nil), x...)
		slices.Reverse(out)
		return out, nil
	case string:
		rs := []rune(x)
		slices.Reverse(rs)
		return string(rs), nil
	}
	return nil, typeError("reverse", "value", "an array or a string", in)
}

// ReverseArgs: reverse takes no arguments.
func ReverseArgs() []Arg { return nil }

// JSONEncode writes any value as JSON, as serde_json does (keys sorted);
// pretty=true indents it. A pretty that is not a boolean counts as false,
// as in Tera.
func JSONEncode(in any, args map[string]any) (any, error) {
	pretty, _ := args["pretty"].(bool)
	return JSON(in, pretty)
}

// JSONEncodeArgs: pretty, optional.
func JSONEncodeArgs() []Arg { return []Arg{{"pretty", false}} }

// AsStr prints a value as Tera prints it ([1, 2] for an array, [object]
// for an object).
func AsStr(in any, _ map[string]any) (any, error) {
	switch in.(type) {
	case nil, bool, int64, float64, string, []any, map[string]any:
		return Render(in), nil
	}
	return nil, typeError("as_str", "value", "a JSON value", in)
}

// AsStrArgs: as_str takes no arguments.
func AsStrArgs() []Arg { return nil }

// Get returns the object's key (required), or default when the key is not
// there and default is given.
func Get(in any, args map[string]any) (any, error) {
	v, ok := optional(args, "key")
	if !ok {
		return nil, missing("get", "key")
	}
	key, err := asString("get", "key", v)
	if err != nil {
		return nil, err
	}
	obj, ok := in.(map[string]any)
	if !ok {
		return nil, typeError("get", "value", "an object", in)
	}
	if got, ok := obj[key]; ok {
		return got, nil
	}
	if def, ok := optional(args, "default"); ok {
		return def, nil
	}
	return nil, invalid("get", "key", "a key of the object")
}

// GetArgs: key, required; default, optional.
func GetArgs() []Arg { return []Arg{{"key", true}, {"default", false}} }

// Default returns value (required) when in is null, else in. Tera also
// gives value for an undefined variable, and only when default is the first
// filter after it: both are the evaluator's to decide, not this function's.
func Default(in any, args map[string]any) (any, error) {
	def, ok := optional(args, "value")
	if !ok {
		return nil, missing("default", "value")
	}
	if in == nil {
		return def, nil
	}
	return in, nil
}

// DefaultArgs: value, required.
func DefaultArgs() []Arg { return []Arg{{"value", true}} }

// Abs returns a number's absolute value, of the same kind.
func Abs(in any, _ map[string]any) (any, error) {
	switch x := in.(type) {
	case int64:
		if x == math.MinInt64 {
			return nil, invalid("abs", "value", "an integer whose absolute value fits in 64 bits")
		}
		if x < 0 {
			return -x, nil
		}
		return x, nil
	case float64:
		return math.Abs(x), nil
	}
	return nil, typeError("abs", "value", "a number", in)
}

// AbsArgs: abs takes no arguments.
func AbsArgs() []Arg { return nil }

// Pluralize returns singular (default "") when the number is 1 or -1 and
// plural (default "s") otherwise.
func Pluralize(in any, args map[string]any) (any, error) {
	n, err := asFloat("pluralize", "value", in)
	if err != nil {
		return nil, err
	}
	plural, singular := "s", ""
	if v, ok := optional(args, "plural"); ok {
		if plural, err = asString("pluralize", "plural", v); err != nil {
			return nil, err
		}
	}
	if v, ok := optional(args, "singular"); ok {
		if singular, err = asString("pluralize", "singular", v); err != nil {
			return nil, err
		}
	}
	if math.Abs(math.Abs(n)-1) > epsilon {
		return plural, nil
	}
	return singular, nil
}

// PluralizeArgs: singular and plural, both optional.
func PluralizeArgs() []Arg { return []Arg{{"singular", false}, {"plural", false}} }

const epsilon = 2.220446049250313e-16 // Rust's f64::EPSILON

// Round rounds a number to precision decimals (default 0) with method
// "common" (half away from zero, the default), "ceil" or "floor". The
// result is always a float.
func Round(in any, args map[string]any) (any, error) {
	n, err := asFloat("round", "value", in)
	if err != nil {
		return nil, err
	}
	method := "common"
	if v, ok := optional(args, "method"); ok {
		if method, err = asString("round", "method", v); err != nil {
			return nil, err
		}
	}
	precision := int64(0)
	if v, ok := optional(args, "precision"); ok {
		if precision, err = asInt("round", "precision", v, math.MinInt32, math.MaxInt32); err != nil {
			return nil, err
		}
	}
	mult := 1.0
	if precision != 0 {
		mult = math.Pow(10, float64(precision))
	}
	switch method {
	case "common":
		return math.Round(mult*n) / mult, nil
	case "ceil":
		return math.Ceil(mult*n) / mult, nil
	case "floor":
		return math.Floor(mult*n) / mult, nil
	}
	return nil, invalid("round", "method", "common, ceil or floor")
}

// RoundArgs: method and precision, both optional.
func RoundArgs() []Arg { return []Arg{{"method", false}, {"precision", false}} }

// Filesizeformat writes a byte count with units of 1024: "117.74 MB", or
// with binary=true "117.74 MiB"; two decimals, none when they are zero.
func Filesizeformat(in any, args map[string]any) (any, error) {
	n, err := asInt("filesizeformat", "value", in, 0, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	binary := false
	if v, ok := optional(args, "binary"); ok {
		if binary, err = asBool("filesizeformat", "binary", v); err != nil {
			return nil, err
		}
	}
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"}
	if binary {
		units = []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"}
	}
	size := float64(n)
	i := 0
	for math.Abs(size) >= 1024 {
		size /= 1024
		i++
		if i == len(units)-1 {
			break
		}
	}
	places := 2
	if _, frac := math.Modf(size); math.Abs(frac) < epsilon {
		places = 0
	}
	return strconv.FormatFloat(size, 'f', places, 64) + " " + units[i], nil
}

// FilesizeformatArgs: binary, optional.
func FilesizeformatArgs() []Arg { return []Arg{{"binary", false}} }
