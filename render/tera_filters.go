package render

import (
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/hushflow/hushflow/render/internal/tera"
)

// teraFilters are Tera's builtin filters (package tera), one entry each.
// A bare filter name means Tera's filter where Tera has one.
var teraFilters = []filterDef{
	teraFilter("upper", tera.Upper, tera.UpperArgs(), 6, nil),
	teraFilter("lower", tera.Lower, tera.LowerArgs(), 4, nil),
	both(teraFilter("trim", tera.Trim, tera.TrimArgs(), 2, nil)),
	both(teraFilter("trim_start", tera.TrimStart, tera.TrimStartArgs(), 2, nil)),
	both(teraFilter("trim_end", tera.TrimEnd, tera.TrimEndArgs(), 2, nil)),
	teraFilter("trim_start_matches", tera.TrimStartMatches, tera.TrimStartMatchesArgs(), 4, nil),
	teraFilter("trim_end_matches", tera.TrimEndMatches, tera.TrimEndMatchesArgs(), 4, nil),
	both(teraFilter("truncate", tera.Truncate, tera.TruncateArgs(), 8, nil)),
	teraFilter("wordcount", tera.Wordcount, tera.WordcountArgs(), 30, nil),
	teraFilter("replace", tera.Replace, tera.ReplaceArgs(), 4, replaceSize),
	both(teraFilter("capitalize", tera.Capitalize, tera.CapitalizeArgs(), 4, nil)),
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
	both(teraFilter("join", tera.Join, tera.JoinArgs(), 4, joinSize)),
	teraFilter("sort", tera.Sort, tera.SortArgs(), 8, nil),
	teraFilter("unique", tera.Unique, tera.UniqueArgs(), 20, nil),
	teraFilter("group_by", tera.GroupBy, tera.GroupByArgs(), 8, nil),
	teraFilter("filter", tera.Filter, tera.FilterArgs(), 8, nil),
	teraFilter("map", tera.Map, tera.MapArgs(), 8, nil),
	teraFilter("slice", tera.Slice, tera.SliceArgs(), 8, nil),
	teraFilter("concat", tera.Concat, tera.ConcatArgs(), 8, nil),
	teraFilter("length", tera.Length, tera.LengthArgs(), 4, nil),
	teraFilter("reverse", tera.Reverse, tera.ReverseArgs(), 8, nil),
	both(teraFilter("json_encode", tera.JSONEncode, tera.JSONEncodeArgs(), 11, nil)),
	teraFilter("as_str", tera.AsStr, tera.AsStrArgs(), 4, nil),
	teraFilter("get", tera.Get, tera.GetArgs(), 2, nil),
	teraFilter("abs", tera.Abs, tera.AbsArgs(), 1, nil),
	teraFilter("pluralize", tera.Pluralize, tera.PluralizeArgs(), 2, nil),
	both(teraFilter("round", tera.Round, tera.RoundArgs(), 1, nil)),
	teraFilter("filesizeformat", tera.Filesizeformat, tera.FilesizeformatArgs(), 2, nil),
	teraFilter("date", tera.Date, tera.DateArgs(), 8, dateSize),
}

// both serves a Tera filter in Django's syntax too (name:arg, the
// argument its first), for the names pongo2 lacks or must not serve
// unbounded (join).
func both(d filterDef) filterDef {
	d.dialect |= djangoSyntax
	return d
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
		depth := c.x.engine.cfg.limits.MaxDepth
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
	return sizeOf(in.v, math.MaxInt) + n*len(argText(args, 0, ""))
}

func indentSize(in value, args []value) int {
	s := textOf(in.v)
	return len(s) + (strings.Count(s, "\n")+1)*len(argText(args, 0, "    "))
}

// dateSize bounds date's result: a strftime specifier writes at most a few
// dozen bytes ("%c"), the rest of the format as it is.
func dateSize(_ value, args []value) int {
	return 64 + 16*len(argText(args, 0, ""))
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
