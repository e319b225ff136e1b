package tera

import (
	"math"
	"sort"
	"strings"
)

// Filters over arrays (Tera's src/builtins/filters/array.rs).

// Nth returns the item at index n (required), or "" when there is none.
func Nth(in any, args map[string]any) (any, error) {
	arr, err := asArray("nth", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return "", nil
	}
	v, ok := optional(args, "n")
	if !ok {
		return nil, missing("nth", "n")
	}
	n, err := asInt("nth", "n", v, 0, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	if n >= int64(len(arr)) {
		return "", nil
	}
	return arr[n], nil
}

// NthArgs: n, required.
func NthArgs() []Arg { return []Arg{{"n", true}} }

// First returns the first item, or "" for an empty array.
func First(in any, _ map[string]any) (any, error) {
	arr, err := asArray("first", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return "", nil
	}
	return arr[0], nil
}

// FirstArgs: first takes no arguments.
func FirstArgs() []Arg { return nil }

// Last returns the last item, or "" for an empty array.
func Last(in any, _ map[string]any) (any, error) {
	arr, err := asArray("last", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return "", nil
	}
	return arr[len(arr)-1], nil
}

// LastArgs: last takes no arguments.
func LastArgs() []Arg { return nil }

// Join prints every item as Tera prints it and joins them with sep
// (default ""; \n and \t in it are a newline and a tab).
func Join(in any, args map[string]any) (any, error) {
	arr, err := asArray("join", "value", in)
	if err != nil {
		return nil, err
	}
	sep := ""
	if v, ok := optional(args, "sep"); ok {
		s, err := asString("join", "sep", v)
		if err != nil {
			return nil, err
		}
		sep = unescapePattern(s)
	}
	var b strings.Builder
	for i, v := range arr {
		if i > 0 {
			b.WriteString(sep)
		}
		render(&b, v)
	}
	return b.String(), nil
}

// JoinArgs: sep, optional.
func JoinArgs() []Arg { return []Arg{{"sep", false}} }

// Sort sorts an array ascending, stably, by its items or by their attribute
// (a dotted path). The first item's key sets the kind: numbers by value,
// strings by bytes, booleans false first, arrays by length; null and
// objects cannot be sorted, and every key must be of the first one's kind.
func Sort(in any, args map[string]any) (any, error) {
	arr, err := asArray("sort", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return []any{}, nil
	}
	attr, err := attributeArg("sort", args, false)
	if err != nil {
		return nil, err
	}
	keys := make([]any, len(arr))
	for i, v := range arr {
		k, ok := DottedPointer(v, attr)
		if !ok {
			return nil, invalid("sort", "attribute", "the path of a field every item has")
		}
		keys[i] = k
	}
	var less func(a, b any) bool
	switch keys[0].(type) {
	case nil:
		return nil, invalid("sort", "value", "sortable (null is not)")
	case map[string]any:
		return nil, invalid("sort", "value", "sortable (an object is not)")
	case bool:
		less = func(a, b any) bool { return !a.(bool) && b.(bool) }
	case int64, float64:
		less = func(a, b any) bool { return totalLess(toF64(a), toF64(b)) }
	case string:
		less = func(a, b any) bool { return a.(string) < b.(string) }
	case []any:
		less = func(a, b any) bool { return len(a.([]any)) < len(b.([]any)) }
	default:
		return nil, typeError("sort", "value", "an array of JSON values", keys[0])
	}
	for _, k := range keys {
		if !sameSortKind(keys[0], k) {
			return nil, typeError("sort", "value", "items of one kind ("+TypeName(keys[0])+")", k)
		}
	}
	idx := make([]int, len(arr))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return less(keys[idx[i]], keys[idx[j]]) })
	out := make([]any, len(arr))
	for i, k := range idx {
		out[i] = arr[k]
	}
	return out, nil
}

// SortArgs: attribute, optional.
func SortArgs() []Arg { return []Arg{{"attribute", false}} }

func sameSortKind(a, b any) bool {
	switch a.(type) {
	case int64, float64:
		switch b.(type) {
		case int64, float64:
			return true
		}
		return false
	case bool:
		_, ok := b.(bool)
		return ok
	case string:
		_, ok := b.(string)
		return ok
	case []any:
		_, ok := b.([]any)
		return ok
	}
	return false
}

func toF64(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

// totalLess is Rust's f64::total_cmp: -NaN < -inf < ... < -0 < +0 < ... <
// inf < NaN.
func totalLess(a, b float64) bool {
	ka, kb := int64(math.Float64bits(a)), int64(math.Float64bits(b))
	ka ^= int64(uint64(ka>>63) >> 1)
	kb ^= int64(uint64(kb>>63) >> 1)
	return ka < kb
}

func attributeArg(fn string, args map[string]any, required bool) (string, error) {
	v, ok := optional(args, "attribute")
	if !ok {
		if required {
			return "", missing(fn, "attribute")
		}
		return "", nil
	}
	return asString(fn, "attribute", v)
}

// Unique keeps the first of each item (or of each attribute value), in
// order. Strings compare case-insensitively unless case_sensitive=true.
// Integers, strings and booleans can be compared; floats, null, arrays and
// objects cannot, and every key must be of the first one's kind. Items
// without the attribute are dropped.
func Unique(in any, args map[string]any) (any, error) {
	arr, err := asArray("unique", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return []any{}, nil
	}
	caseSensitive := false
	if v, ok := optional(args, "case_sensitive"); ok {
		if caseSensitive, err = asBool("unique", "case_sensitive", v); err != nil {
			return nil, err
		}
	}
	attr, err := attributeArg("unique", args, false)
	if err != nil {
		return nil, err
	}
	first, ok := DottedPointer(arr[0], attr)
	if !ok {
		return nil, invalid("unique", "attribute", "the path of a field of the first item")
	}
	switch first.(type) {
	case nil:
		return nil, invalid("unique", "value", "comparable (null is not)")
	case float64:
		return nil, invalid("unique", "value", "comparable (floats are not)")
	case []any:
		return nil, invalid("unique", "value", "comparable (arrays are not)")
	case map[string]any:
		return nil, invalid("unique", "value", "comparable (objects are not)")
	}
	seen := map[any]bool{}
	out := []any{}
	for _, v := range arr {
		k, ok := DottedPointer(v, attr)
		if !ok {
			continue
		}
		var key any
		switch first.(type) {
		case int64:
			n, isInt := k.(int64)
			if !isInt {
				if _, isNum := k.(float64); !isNum {
					return nil, invalid("unique", "value", "items of one kind")
				}
				return nil, typeError("unique", "value", "integers", k)
			}
			key = n
		case bool:
			b, isBool := k.(bool)
			if !isBool {
				return nil, invalid("unique", "value", "items of one kind")
			}
			key = b
		case string:
			s, isStr := k.(string)
			if !isStr {
				return nil, invalid("unique", "value", "items of one kind")
			}
			if !caseSensitive {
				s = lowerString(s)
			}
			key = s
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, v)
	}
	return out, nil
}

// UniqueArgs: case_sensitive and attribute, both optional.
func UniqueArgs() []Arg { return []Arg{{"case_sensitive", false}, {"attribute", false}} }

// GroupBy groups the items by their attribute (required), as an object
// whose keys are the attribute values printed (a string as it is, anything
// else as JSON). Items without it, or where it is null, are left out.
func GroupBy(in any, args map[string]any) (any, error) {
	arr, err := asArray("group_by", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return map[string]any{}, nil
	}
	attr, err := attributeArg("group_by", args, true)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, v := range arr {
		k, ok := DottedPointer(v, attr)
		if !ok || k == nil {
			continue
		}
		key, isStr := k.(string)
		if !isStr {
			if key, err = JSON(k, false); err != nil {
				return nil, err
			}
		}
		group, _ := out[key].([]any)
		out[key] = append(group, v)
	}
	return out, nil
}

// GroupByArgs: attribute, required.
func GroupByArgs() []Arg { return []Arg{{"attribute", true}} }

// Filter keeps the items whose attribute (required) equals value (an
// integer never equals a float); without value, those where it is not
// null. Items without the attribute count as null.
func Filter(in any, args map[string]any) (any, error) {
	arr, err := asArray("filter", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return []any{}, nil
	}
	attr, err := attributeArg("filter", args, true)
	if err != nil {
		return nil, err
	}
	want := args["value"]
	out := []any{}
	for _, v := range arr {
		k, _ := DottedPointer(v, attr)
		if (want == nil && k != nil) || (want != nil && Equal(k, want)) {
			out = append(out, v)
		}
	}
	return out, nil
}

// FilterArgs: attribute, required; value, optional.
func FilterArgs() []Arg { return []Arg{{"attribute", true}, {"value", false}} }

// Map takes the attribute (required) of every item, leaving out the items
// where it is missing or null.
func Map(in any, args map[string]any) (any, error) {
	arr, err := asArray("map", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return []any{}, nil
	}
	attr, err := attributeArg("map", args, true)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, v := range arr {
		if k, ok := DottedPointer(v, attr); ok && k != nil {
			out = append(out, k)
		}
	}
	return out, nil
}

// MapArgs: attribute, required.
func MapArgs() []Arg { return []Arg{{"attribute", true}} }

// Slice returns the items from start (default 0) up to end (default the
// length), both numbers, a negative one counting from the end; an empty
// array when start is not before end.
func Slice(in any, args map[string]any) (any, error) {
	arr, err := asArray("slice", "value", in)
	if err != nil {
		return nil, err
	}
	if len(arr) == 0 {
		return []any{}, nil
	}
	index := func(name string, def int) (int, error) {
		v, ok := optional(args, name)
		if !ok {
			return def, nil
		}
		f, err := asFloat("slice", name, v)
		if err != nil {
			return 0, err
		}
		if f < 0 {
			f += float64(len(arr))
		}
		// Rust's f as usize: NaN and negatives are 0, huge is the maximum.
		switch {
		case math.IsNaN(f) || f < 0:
			return 0, nil
		case f >= float64(len(arr)):
			return len(arr) + 1, nil
		}
		return int(f), nil
	}
	start, err := index("start", 0)
	if err != nil {
		return nil, err
	}
	end, err := index("end", len(arr))
	if err != nil {
		return nil, err
	}
	end = min(end, len(arr))
	if start >= end {
		return []any{}, nil
	}
	return append([]any(nil), arr[start:end]...), nil
}

// SliceArgs: start and end, both optional.
func SliceArgs() []Arg { return []Arg{{"start", false}, {"end", false}} }

// Concat appends with (required) to the array: its items when it is an
// array, else itself.
func Concat(in any, args map[string]any) (any, error) {
	arr, err := asArray("concat", "value", in)
	if err != nil {
		return nil, err
	}
	with, ok := optional(args, "with")
	if !ok {
		return nil, missing("concat", "with")
	}
	out := append([]any(nil), arr...)
	if w, isArr := with.([]any); isArr {
		return append(out, w...), nil
	}
	return append(out, with), nil
}

// ConcatArgs: with, required.
func ConcatArgs() []Arg { return []Arg{{"with", true}} }
