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
	"github.com/hushflow/hushflow/render/internal/tera"
)

// Tera's filters that pongo2 lacks or spells otherwise, written after
// Tera 1.20's documentation and behaviour (Strøm's version). Each bounds
// the size of what it builds before it builds it.

// teraFilters are Tera's builtin filters (package tera), one entry each.
// A bare filter name means Tera's filter where Tera has one.
var teraFilters = []filterDef{
	teraFilter("upper", tera.Upper, tera.UpperArgs(), 6, nil),
	teraFilter("lower", tera.Lower, tera.LowerArgs(), 4, nil),
	teraFilter("trim", tera.Trim, tera.TrimArgs(), 2, nil),
	teraFilter("trim_start", tera.TrimStart, tera.TrimStartArgs(), 2, nil),
	teraFilter("trim_end", tera.TrimEnd, tera.TrimEndArgs(), 2, nil),
	teraFilter("trim_start_matches", tera.TrimStartMatches, tera.TrimStartMatchesArgs(), 4, nil),
	teraFilter("trim_end_matches", tera.TrimEndMatches, tera.TrimEndMatchesArgs(), 4, nil),
	teraFilter("truncate", tera.Truncate, tera.TruncateArgs(), 8, argBytes("end")),
	teraFilter("wordcount", tera.Wordcount, tera.WordcountArgs(), 30, nil),
	teraFilter("replace", tera.Replace, tera.ReplaceArgs(), 4, replaceSize),
	teraFilter("capitalize", tera.Capitalize, tera.CapitalizeArgs(), 4, nil),
	teraFilter("urlencode", tera.Urlencode, tera.UrlencodeArgs(), 12, nil),
	teraFilter("urlencode_strict", tera.UrlencodeStrict, tera.UrlencodeStrictArgs(), 12, nil),
	teraFilter("addslashes", tera.Addslashes, tera.AddslashesArgs(), 5, nil),
	teraFilter("slugify", tera.Slugify, tera.SlugifyArgs(), 36, nil),
	teraFilter("title", tera.Title, tera.TitleArgs(), 200, nil),
	teraFilter("linebreaksbr", tera.Linebreaksbr, tera.LinebreaksbrArgs(), 8, nil),
	teraFilter("indent", tera.Indent, tera.IndentArgs(), 24, indentSize),
	teraFilter("striptags", tera.Striptags, tera.StriptagsArgs(), 8, nil),
	teraFilter("spaceless", tera.Spaceless, tera.SpacelessArgs(), 8, nil),
	teraFilter("escape", tera.Escape, tera.EscapeArgs(), 13, nil),
	teraFilter("escape_xml", tera.EscapeXML, tera.EscapeXMLArgs(), 13, nil),
	teraFilter("split", tera.Split, tera.SplitArgs(), 17, nil),
	teraFilter("int", tera.Int, tera.IntArgs(), 2, nil),
	teraFilter("float", tera.Float, tera.FloatArgs(), 2, nil),
	teraFilter("nth", tera.Nth, tera.NthArgs(), 2, nil),
	teraFilter("first", tera.First, tera.FirstArgs(), 2, nil),
	teraFilter("last", tera.Last, tera.LastArgs(), 2, nil),
	teraFilter("join", tera.Join, tera.JoinArgs(), 4, joinSize),
	teraFilter("sort", tera.Sort, tera.SortArgs(), 8, nil),
	teraFilter("unique", tera.Unique, tera.UniqueArgs(), 20, nil),
	teraFilter("group_by", tera.GroupBy, tera.GroupByArgs(), 8, nil),
	teraFilter("filter", tera.Filter, tera.FilterArgs(), 8, nil),
	teraFilter("map", tera.Map, tera.MapArgs(), 8, nil),
	teraFilter("slice", tera.Slice, tera.SliceArgs(), 8, nil),
	teraFilter("concat", tera.Concat, tera.ConcatArgs(), 8, nil),
	teraFilter("length", tera.Length, tera.LengthArgs(), 4, nil),
	teraFilter("reverse", tera.Reverse, tera.ReverseArgs(), 8, nil),
	teraFilter("json_encode", tera.JSONEncode, tera.JSONEncodeArgs(), 11, nil),
	teraFilter("as_str", tera.AsStr, tera.AsStrArgs(), 4, nil),
	teraFilter("get", tera.Get, tera.GetArgs(), 2, nil),
	teraFilter("abs", tera.Abs, tera.AbsArgs(), 1, nil),
	teraFilter("pluralize", tera.Pluralize, tera.PluralizeArgs(), 2, nil),
	teraFilter("round", tera.Round, tera.RoundArgs(), 1, nil),
	teraFilter("filesizeformat", tera.Filesizeformat, tera.FilesizeformatArgs(), 2, nil),
	teraFilter("date", tera.Date, tera.DateArgs(), 8, argBytes("format")),
}

// teraFilter makes the entry of one of Tera's filters. size, when not nil,
// bounds the bytes of the result before the filter runs: for the filters
// whose arguments multiply the size of their result.
func teraFilter(name string, fn func(any, map[string]any) (any, error), args []tera.Arg, work int, size func(in value, args []value) int) filterDef {
	d := filterDef{name: name, dialect: teraSyntax, work: work, size: size}
	for _, a := range args {
		d.kwargs = append(d.kwargs, a.Name)
		if a.Required {
			d.required = append(d.required, a.Name)
		}
	}
	d.fn = func(c *filterCall, in value, args []value) (value, error) {
		depth := c.x.engine.cfg.maxDepth.n
		var kw map[string]any
		for i, a := range args {
			if isAbsent(a) || i >= len(d.kwargs) {
				continue
			}
			if kw == nil {
				kw = make(map[string]any, len(args))
			}
			kw[d.kwargs[i]] = jsonModel(a.v, depth)
		}
		out, err := fn(jsonModel(in.v, depth), kw)
		if err != nil {
			// Tera's errors name the filter and argument, never a value.
			return value{}, &Error{Kind: ErrExec, Detail: err.Error()}
		}
		return derived(out, append(args, in)...), nil
	}
	return d
}

// jsonModel converts v to the values package tera takes: nil, bool,
// int64, float64, string, []any and map[string]any. Lists and maps that
// hold nothing else are passed as they are.
func jsonModel(v any, depth int) any {
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		return v
	case undefinedValue, absentValue:
		return nil
	case []any:
		if isJSONModel(v, depth) {
			return v
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonModel(norm(e), depth-1)
		}
		return out
	case map[string]any:
		if isJSONModel(v, depth) {
			return v
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonModel(norm(e), depth-1)
		}
		return out
	}
	if depth < 0 {
		return nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = jsonModel(norm(rv.Index(i).Interface()), depth-1)
		}
		return out
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[textOf(norm(it.Key().Interface()))] = jsonModel(norm(it.Value().Interface()), depth-1)
		}
		return out
	}
	if n := norm(v); n != v {
		return jsonModel(n, depth)
	}
	return textOf(v)
}

// isJSONModel reports whether v holds only what package tera takes.
func isJSONModel(v any, depth int) bool {
	if depth < 0 {
		return false
	}
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		return true
	case []any:
		for _, e := range x {
			if !isJSONModel(e, depth-1) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range x {
			if !isJSONModel(e, depth-1) {
				return false
			}
		}
		return true
	}
	return false
}

// The sizes of results that arguments multiply, bounded before the
// filter builds them.
func replaceSize(in value, args []value) int {
	s, from, to := textOf(in.v), argText(args, 0, ""), argText(args, 1, "")
	if from == "" {
		return len(s) + (utf8.RuneCountInString(s)+1)*len(to)
	}
	return len(s) + strings.Count(s, from)*max(len(to)-len(from), 0)
}

func joinSize(in value, args []value) int {
	n, _ := length(in.v)
	return sizeOf(in.v) + n*len(argText(args, 0, ""))
}

func indentSize(in value, args []value) int {
	s := textOf(in.v)
	return len(s) + (strings.Count(s, "\n")+1)*len(argText(args, 0, "    "))
}

func argBytes(name string) func(value, []value) int {
	return func(in value, args []value) int { return sizeOf(in.v) + 64 }
}

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
