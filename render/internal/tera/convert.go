package tera

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// MaxDepth bounds how deep FromGo descends, so a cyclic value (a map that
// holds itself) is an error, not a hang.
const MaxDepth = 64

// FromGo converts a Go value to this package's value model, for an
// evaluator that holds its data as ordinary Go values (a YAML or JSON
// decoder's output, a host's context): every signed and unsigned integer
// kind becomes int64 (an unsigned one above MaxInt64 becomes a float64),
// float32 and float64 become float64, json.Number the integer or float it
// writes, a time.Time its RFC 3339 text (what date reads), slices and
// arrays []any, maps with string or integer keys map[string]any (an integer
// key written in decimal, as serde_json and encoding/json write it),
// pointers and interfaces what they point to. Anything else (a struct, a
// func, a channel, a map with other keys) is an error naming its kind,
// never its value.
//
// Converting copies; an evaluator converts its context once per render,
// not per filter call.
func FromGo(v any) (any, error) {
	return fromGo(reflect.ValueOf(v), 0)
}

var timeType = reflect.TypeFor[time.Time]()

func fromGo(v reflect.Value, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("tera: a value nested more than %d deep: %w", MaxDepth, ErrInvalid)
	}
	if !v.IsValid() {
		return nil, nil
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).Format(time.RFC3339Nano), nil
	}
	if n, ok := v.Interface().(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		f, err := n.Float64()
		if err != nil && !math.IsInf(f, 0) {
			return nil, fmt.Errorf("tera: a json.Number that is not a number: %w", ErrType)
		}
		return f, nil
	}
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.String:
		return v.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := v.Uint()
		if u > math.MaxInt64 {
			return float64(u), nil
		}
		return int64(u), nil
	case reflect.Float32:
		return Float32(float32(v.Float())), nil
	case reflect.Float64:
		return v.Float(), nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return fromGo(v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return []any{}, nil
		}
		out := make([]any, v.Len())
		for i := range out {
			e, err := fromGo(v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case reflect.Map:
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			var key string
			switch k := iter.Key(); k.Kind() {
			case reflect.String:
				key = k.String()
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				key = strconv.FormatInt(k.Int(), 10)
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				key = strconv.FormatUint(k.Uint(), 10)
			default:
				return nil, fmt.Errorf("tera: a map with %s keys: %w", k.Kind(), ErrType)
			}
			e, err := fromGo(iter.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			out[key] = e
		}
		return out, nil
	}
	return nil, fmt.Errorf("tera: a Go %s is not a template value: %w", v.Kind(), ErrType)
}

// Float32 is the float64 of the decimal f writes (0.1 for float32(0.1), not
// 0.10000000149011612), as encoding/json and fmt write a float32: a host
// that passes 0.1 means 0.1, in a list printed as JSON and alone alike.
func Float32(f float32) float64 {
	x, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil { // NaN and the infinities parse; nothing else fails
		return float64(f)
	}
	return x
}
