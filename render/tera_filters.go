package render

import (
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/internal/numfmt"
)

// Tera's filters that pongo2 lacks or spells otherwise, written after
// Tera 1.20's documentation and behaviour (Strøm's version). Each bounds
// the size of what it builds before it builds it.

// teraFilters are Tera's builtin filters that the engine has no other
// entry for.
var teraFilters = []filterDef{}

// teraDefault is Tera's default(value=...): the value when the input is not
// defined or null. Unlike Django's default, an empty string, 0 or false is
// kept.
func teraDefault(_ *filterCall, in value, args []value) (value, error) {
	if isUndef(in.v) || in.v == nil {
		return args[0], nil
	}
	return in, nil
}

// joinFilter joins a list's items as they print, with sep between them.
func joinFilter(c *filterCall, in value, args []value) (value, error) {
	rv := reflect.ValueOf(in.v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return in, nil
	}
	sep := argText(args, 0, "")
	parts := make([]string, rv.Len())
	size := len(sep) * max(rv.Len()-1, 0)
	for i := range parts {
		parts[i] = textOf(norm(rv.Index(i).Interface()))
		size += len(parts[i])
	}
	if limit := c.x.engine.cfg.maxOutput.n; size > limit {
		return value{}, tooLong(limit)
	}
	return derived(strings.Join(parts, sep), append(args, in)...), nil
}

func splitFilter(c *filterCall, in value, args []value) (value, error) {
	s, pat := textOf(in.v), argText(args, 0, "")
	n := strings.Count(s, pat) + 1
	if pat == "" {
		n = utf8.RuneCountInString(s)
	}
	if limit := c.x.engine.cfg.maxOutput.n; 16*n > limit {
		return value{}, tooLong(limit)
	}
	parts := strings.Split(s, pat)
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return derived(out, append(args, in)...), nil
}

func replaceFilter(c *filterCall, in value, args []value) (value, error) {
	s, from, to := textOf(in.v), argText(args, 0, ""), argText(args, 1, "")
	n := strings.Count(s, from)
	if size := len(s) + n*(len(to)-len(from)); size > c.x.engine.cfg.maxOutput.n {
		return value{}, tooLong(c.x.engine.cfg.maxOutput.n)
	}
	return derived(strings.ReplaceAll(s, from, to), append(args, in)...), nil
}

// truncateFilter is Tera's truncate(length=255, end="…"). Tera counts
// grapheme clusters; this counts code points, which is the same for text
// without combining marks.
func truncateFilter(_ *filterCall, in value, args []value) (value, error) {
	s := textOf(in.v)
	length := 255
	if argPresent(args, 0) {
		n, ok := args[0].v.(int64)
		if !ok || n < 0 {
			return value{}, badArg("truncate: length must be a whole number of at least 0")
		}
		length = int(min(n, 1<<31))
	}
	end := argText(args, 1, "…")
	if utf8.RuneCountInString(s) <= length {
		return derived(s, append(args, in)...), nil
	}
	r := []rune(s)
	return derived(string(r[:length])+end, append(args, in)...), nil
}

// roundFilter is Tera's round(method="common", precision=0): half away from
// zero, ceil or floor, to precision decimals; the result is a float.
func roundFilter(_ *filterCall, in value, args []value) (value, error) {
	_, f, _, ok := number(in.v)
	if !ok {
		return value{}, badArg("round: the input must be a number")
	}
	precision := 0
	if argPresent(args, 1) {
		p, ok := args[1].v.(int64)
		if !ok || p < 0 || p > 20 {
			return value{}, badArg("round: precision must be a whole number from 0 to 20")
		}
		precision = int(p)
	}
	m := math.Pow(10, float64(precision))
	switch method := argText(args, 0, "common"); method {
	case "common":
		f = math.Round(f*m) / m
	case "ceil":
		f = math.Ceil(f*m) / m
	case "floor":
		f = math.Floor(f*m) / m
	default:
		return value{}, badArg("round: method must be common, ceil or floor")
	}
	return derived(f, append(args, in)...), nil
}

func trimFilter(c *filterCall, in value, _ []value) (value, error) {
	s := textOf(in.v)
	switch c.f.name {
	case "trim_start":
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	case "trim_end":
		s = strings.TrimRightFunc(s, unicode.IsSpace)
	default:
		s = strings.TrimFunc(s, unicode.IsSpace)
	}
	return derived(s, in), nil
}

func capitalizeFilter(_ *filterCall, in value, _ []value) (value, error) {
	s := textOf(in.v)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return derived("", in), nil
	}
	return derived(string(unicode.ToUpper(r))+strings.ToLower(s[n:]), in), nil
}

// jsonEncodeFilter is Tera's json_encode(pretty=false), which is
// serde_json's output: keys in order, floats always with a fraction or an
// exponent (3.0, 1e-7), no HTML escaping.
func jsonEncodeFilter(c *filterCall, in value, args []value) (value, error) {
	pretty := argPresent(args, 0) && truthy(args[0].v)
	var sb strings.Builder
	if !writeJSON(&sb, plain(in.v), pretty, 0, c.x.engine.cfg.maxDepth.n, c.x.engine.cfg.maxOutput.n) {
		return value{}, &Error{Kind: ErrTooLarge, Detail: "json_encode: the value is too large or nested too deeply"}
	}
	return derived(sb.String(), append(args, in)...), nil
}

// writeJSON writes v as serde_json does; it returns false past depth
// levels or limit bytes.
func writeJSON(sb *strings.Builder, v any, pretty bool, depth, maxDepth, limit int) bool {
	if depth > maxDepth || sb.Len() > limit {
		return false
	}
	if pv, ok := v.(*pongo2.Value); ok {
		v = pv.Interface()
	}
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case string:
		writeJSONString(sb, x)
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case float64:
		writeJSONFloat(sb, x)
	case float32:
		writeJSONFloat(sb, float64(x))
	default:
		return writeJSONComposite(sb, v, pretty, depth, maxDepth, limit)
	}
	return true
}

func writeJSONFloat(sb *strings.Builder, f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		sb.WriteString("null")
		return
	}
	sb.WriteString(numfmt.SerdeJSON(f))
}

func writeJSONComposite(sb *strings.Builder, v any, pretty bool, depth, maxDepth, limit int) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sb.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		sb.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Slice, reflect.Array:
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = rv.Index(i).Interface()
		}
		return writeJSONItems(sb, '[', ']', nil, items, pretty, depth, maxDepth, limit)
	case reflect.Map:
		byKey := map[string]any{}
		for it := rv.MapRange(); it.Next(); {
			byKey[textOf(it.Key().Interface())] = it.Value().Interface()
		}
		keys := slices.Sorted(maps.Keys(byKey))
		items := make([]any, len(keys))
		for i, k := range keys {
			items[i] = byKey[k]
		}
		return writeJSONItems(sb, '{', '}', keys, items, pretty, depth, maxDepth, limit)
	default:
		writeJSONString(sb, textOf(v))
	}
	return true
}

// writeJSONItems writes a list (keys nil) or an object.
func writeJSONItems(sb *strings.Builder, open, close byte, keys []string, items []any, pretty bool, depth, maxDepth, limit int) bool {
	indent := func(d int) {
		if pretty {
			sb.WriteByte('\n')
			sb.WriteString(strings.Repeat("  ", d))
		}
	}
	sb.WriteByte(open)
	for i, item := range items {
		if i > 0 {
			sb.WriteByte(',')
		}
		indent(depth + 1)
		if keys != nil {
			writeJSONString(sb, keys[i])
			sb.WriteByte(':')
			if pretty {
				sb.WriteByte(' ')
			}
		}
		if !writeJSON(sb, item, pretty, depth+1, maxDepth, limit) {
			return false
		}
	}
	if len(items) > 0 {
		indent(depth)
	}
	sb.WriteByte(close)
	return true
}

// writeJSONString quotes s as serde_json does: only the quote, the
// backslash and control characters are escaped.
func writeJSONString(sb *strings.Builder, s string) {
	sb.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\b':
			sb.WriteString(`\b`)
		case '\f':
			sb.WriteString(`\f`)
		default:
			if r < 0x20 {
				sb.WriteString(`\u00`)
				sb.WriteByte("0123456789abcdef"[r>>4])
				sb.WriteByte("0123456789abcdef"[r&0xf])
			} else {
				sb.WriteRune(r)
			}
		}
	}
	sb.WriteByte('"')
}
