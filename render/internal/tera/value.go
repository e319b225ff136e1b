package tera

import (
	"errors"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hushflow/hushflow/internal/numfmt"
)

// Kinds of failure; every error of this package is an *Error wrapping one.
var (
	// ErrType: the input or an argument is not of the type the filter or
	// test takes.
	ErrType = errors.New("wrong type")
	// ErrMissingArg: a required argument was not given.
	ErrMissingArg = errors.New("missing argument")
	// ErrInvalid: the value has the right type but cannot be used (an
	// unknown round method, a key that is not there, a bad regular
	// expression, an integer overflow).
	ErrInvalid = errors.New("invalid argument")
)

// Error is a failure of one filter or test. It names the function, the
// argument and what was wanted, never a value.
type Error struct {
	Func string // "truncate", "divisibleby"
	Test bool   // Func is a test, not a filter
	Arg  string // "value" for the input, else the argument's name or position
	Kind error  // ErrType, ErrMissingArg or ErrInvalid
	Want string // what was wanted: "a string", "an integer >= 0"
	Got  string // the type given, for ErrType ("a float"); never the value
}

func (e *Error) Error() string {
	what := "filter"
	if e.Test {
		what = "test"
	}
	var b strings.Builder
	b.WriteString(what + " `" + e.Func + "`")
	switch {
	case errors.Is(e.Kind, ErrMissingArg):
		b.WriteString(" needs the argument `" + e.Arg + "`")
	case e.Arg == "value":
		b.WriteString(": the value")
	default:
		b.WriteString(": argument `" + e.Arg + "`")
	}
	if e.Want != "" && !errors.Is(e.Kind, ErrMissingArg) {
		b.WriteString(" must be " + e.Want)
	}
	if e.Got != "" {
		b.WriteString(", not " + e.Got)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Kind }

// Arg is one keyword argument of a filter.
type Arg struct {
	Name     string
	Required bool
}

func typeError(fn, arg, want string, v any) error {
	return &Error{Func: fn, Arg: arg, Kind: ErrType, Want: want, Got: TypeName(v)}
}

func missing(fn, arg string) error {
	return &Error{Func: fn, Arg: arg, Kind: ErrMissingArg}
}

func invalid(fn, arg, want string) error {
	return &Error{Func: fn, Arg: arg, Kind: ErrInvalid, Want: want}
}

// TypeName names v's type as the errors say it ("a string", "an array").
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "an unsupported Go type"
}

// The conversions below are those of serde's from_value, which Tera's
// try_get_value! uses: a string only from a string, an integer only from an
// integer, a float from either number, a boolean only from a boolean.

func asString(fn, arg string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", typeError(fn, arg, "a string", v)
	}
	return s, nil
}

func asBool(fn, arg string, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, typeError(fn, arg, "a boolean", v)
	}
	return b, nil
}

func asArray(fn, arg string, v any) ([]any, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, typeError(fn, arg, "an array", v)
	}
	return a, nil
}

// asInt takes an integer in [lo, hi].
func asInt(fn, arg string, v any, lo, hi int64) (int64, error) {
	n, ok := v.(int64)
	if !ok || n < lo || n > hi {
		want := "an integer"
		switch {
		case lo == 0 && hi == math.MaxInt64:
			want = "an integer >= 0"
		case lo != math.MinInt64 || hi != math.MaxInt64:
			want = "an integer from " + strconv.FormatInt(lo, 10) + " to " + strconv.FormatInt(hi, 10)
		}
		if ok {
			return 0, &Error{Func: fn, Arg: arg, Kind: ErrInvalid, Want: want}
		}
		return 0, typeError(fn, arg, want, v)
	}
	return n, nil
}

func asFloat(fn, arg string, v any) (float64, error) {
	switch n := v.(type) {
	case int64:
		return float64(n), nil
	case float64:
		return n, nil
	}
	return 0, typeError(fn, arg, "a number", v)
}

// optional returns args[name] and whether it is there (a nil map is empty).
func optional(args map[string]any, name string) (any, bool) {
	v, ok := args[name]
	return v, ok
}

// Render writes v as Tera prints a value in {{ }} and as as_str and join do:
// strings as they are, numbers as Rust prints them (1.5, 2 for 2.0, no
// exponent), null as nothing, arrays as [a, b] and objects as [object].
func Render(v any) string {
	var b strings.Builder
	render(&b, v)
	return b.String()
}

func render(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(numfmt.Display(x, 64))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			render(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteString("[object]")
	}
}

// JSON encodes v as serde_json does: object keys sorted, no HTML escaping,
// floats as ryu writes them (1.0, 1e20, 1e-7), NaN and infinities as null;
// pretty indents by two spaces.
func JSON(v any, pretty bool) (string, error) {
	var b strings.Builder
	if err := writeJSON(&b, v, pretty, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, v any, pretty bool, depth int) error {
	if depth > maxJSONDepth {
		return invalid("json_encode", "value", "nested at most 128 deep")
	}
	newline := func(d int) {
		if pretty {
			b.WriteByte('\n')
			b.WriteString(strings.Repeat("  ", d))
		}
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(jsonFloat(x))
	case string:
		writeJSONString(b, x)
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			if err := writeJSON(b, e, pretty, depth+1); err != nil {
				return err
			}
		}
		newline(depth)
		b.WriteByte(']')
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("{}")
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			writeJSONString(b, k)
			b.WriteByte(':')
			if pretty {
				b.WriteByte(' ')
			}
			if err := writeJSON(b, x[k], pretty, depth+1); err != nil {
				return err
			}
		}
		newline(depth)
		b.WriteByte('}')
	default:
		return typeError("json_encode", "value", "a JSON value", v)
	}
	return nil
}

const maxJSONDepth = 128

// jsonFloat writes f as serde_json does (ryu), NaN and infinities as null.
func jsonFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	return numfmt.SerdeJSON(f)
}

func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xF])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
}

// Equal compares as serde_json's Value does: an integer never equals a
// float, arrays and objects element by element.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	}
	return false
}

// Truthy is Tera's truth of a value: false, 0, 0.0, NaN, "", [], {} and
// null are false.
func Truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return false
}

// DottedPointer finds the value at path in v as Tera's dotted_pointer does
// for the attribute= of sort, unique, group_by, filter and map: keys
// separated by dots, a key in single or double quotes may hold dots, a
// segment indexes an array when it is a plain decimal (no sign, no leading
// zero). The empty path is v itself.
func DottedPointer(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, seg := range splitPointer(path) {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, ok := parseIndex(seg)
			if !ok || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

var indexRE = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

func parseIndex(s string) (int, bool) {
	if !indexRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// splitPointer cuts a.b."c.d".e into a, b, c.d, e.
func splitPointer(path string) []string {
	var segs []string
	var cur strings.Builder
	var quote rune
	for _, r := range path {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		case quote == 0 && r == '.':
			if cur.Len() > 0 {
				segs = append(segs, cur.String())
			}
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		segs = append(segs, cur.String())
	}
	return segs
}
