package tera

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestFilters covers what Tera's unit tests leave out: the filters
// render's evaluator calls that Tera handles in its renderer (default,
// escape), the behaviour issue 18 lists as differing today, and the edges
// of Tera's code read from its source.
func TestFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		f       filterFunc
		in      any
		args    map[string]any
		want    any
		wantErr error
	}{
		{"default null", Default, nil, map[string]any{"value": "x"}, "x", nil},
		{"default keeps false", Default, false, map[string]any{"value": "x"}, false, nil},
		{"default keeps empty", Default, "", map[string]any{"value": "x"}, "", nil},
		{"default needs value", Default, nil, nil, nil, ErrMissingArg},
		{"escape", Escape, `<a href="/x">'&'</a>`, nil, "&lt;a href=&quot;&#x2F;x&quot;&gt;&#x27;&amp;&#x27;&lt;&#x2F;a&gt;", nil},
		{"escape needs a string", Escape, int64(1), nil, nil, ErrType},
		{"split on backslash-n", Split, "a\nb", map[string]any{"pat": `\n`}, []any{"a", "b"}, nil},
		{"split on tab", Split, "a\tb", map[string]any{"pat": `\t`}, []any{"a", "b"}, nil},
		{"split empty pattern", Split, "ab", map[string]any{"pat": ""}, []any{"", "a", "b", ""}, nil},
		{"split needs pat", Split, "ab", nil, nil, ErrMissingArg},
		{"join backslash-n", Join, []any{"a", "b"}, map[string]any{"sep": `,\n`}, "a,\nb", nil},
		{"join prints as Tera", Join, []any{int64(1), 2.0, 2.5, true, nil, []any{"x", int64(3)}, map[string]any{}}, map[string]any{"sep": "|"}, "1|2|2.5|true||[x, 3]|[object]", nil},
		{"trim_end_matches backslash-n", TrimEndMatches, "a\n\n", map[string]any{"pat": `\n`}, "a", nil},
		{"trim_start_matches empty pattern", TrimStartMatches, "aa", map[string]any{"pat": ""}, "aa", nil},
		{"urlencode keeps slash and percent", Urlencode, "/a b/%41?é", nil, "/a%20b/%41%3F%C3%A9", nil},
		{"upper full mapping", Upper, "straße", nil, "STRASSE", nil},
		{"upper refuses a number", Upper, int64(50), nil, nil, ErrType},
		{"length refuses a number", Length, int64(15), nil, nil, ErrType},
		{"capitalize empty", Capitalize, "", nil, "", nil},
		{"capitalize unicode", Capitalize, "éCOLE", nil, "École", nil},
		{"title apostrophe", Title, "foo's bar", nil, "Foo's Bar", nil},
		{"title leading apostrophe", Title, "'foo bar'", nil, "'Foo Bar'", nil},
		{"title unicode", Title, "élan vital", nil, "Élan Vital", nil},
		{"truncate family emoji", Truncate, "👨‍👩‍👧‍👦👨‍👩‍👧‍👦", map[string]any{"length": int64(1)}, "👨‍👩‍👧‍👦…", nil},
		{"truncate refuses a float length", Truncate, "abc", map[string]any{"length": 2.0}, nil, ErrType},
		{"truncate refuses a negative length", Truncate, "abc", map[string]any{"length": int64(-1)}, nil, ErrInvalid},
		{"linebreaksbr", Linebreaksbr, "a\r\nb\nc", nil, "a<br>b<br>c", nil},
		{"indent crlf and final newline", Indent, "a\r\nb\n", nil, "a\n    b", nil},
		{"indent keeps a final bare CR", Indent, "a\nb\r", nil, "a\n    b\r", nil},
		{"indent empty", Indent, "", map[string]any{"first": true}, "", nil},
		{"int base out of range", Int, "10", map[string]any{"base": int64(1)}, nil, ErrInvalid},
		{"int base 36", Int, "zz", map[string]any{"base": int64(36)}, int64(1295), nil},
		{"int exponent after point is not a float", Int, "1e30.", map[string]any{"default": int64(7)}, int64(7), nil},
		{"int overflow falls to default", Int, "99999999999999999999", map[string]any{"default": int64(7)}, int64(7), nil},
		{"int decimal saturates", Int, "100000000000000000000000000000.5", nil, int64(math.MaxInt64), nil},
		{"int refuses null", Int, nil, nil, nil, ErrType},
		{"int hex float is not a float", Int, "0x1.8p1", nil, int64(0), nil},
		{"float inf", Float, "inf", nil, math.Inf(1), nil},
		{"float refuses a bool", Float, true, nil, nil, ErrType},
		{"float default must be a number", Float, "x", map[string]any{"default": "1"}, nil, ErrType},
		{"reverse string", Reverse, "añb", nil, "bña", nil},
		{"reverse refuses a float", Reverse, 1.23, nil, nil, ErrType},
		{"as_str float", AsStr, 2.0, nil, "2", nil},
		{"as_str null", AsStr, nil, nil, "", nil},
		{"json_encode float", JSONEncode, []any{1.0, 1e20, 1e-7, 0.5, int64(3)}, nil, "[1.0,1e20,1e-7,0.5,3]", nil},
		{"json_encode no html escaping", JSONEncode, "<&>\u2028", nil, "\"<&>\u2028\"", nil},
		{"json_encode control", JSONEncode, "a\x01\"\\", nil, `"a\u0001\"\\"`, nil},
		{"json_encode pretty empty", JSONEncode, map[string]any{"a": []any{}, "b": map[string]any{}}, map[string]any{"pretty": true}, "{\n  \"a\": [],\n  \"b\": {}\n}", nil},
		{"json_encode NaN is null", JSONEncode, math.NaN(), nil, "null", nil},
		{"round half away from zero", Round, -2.5, nil, -3.0, nil},
		{"round gives a float", Round, int64(2), nil, 2.0, nil},
		{"round negative precision", Round, 1234.0, map[string]any{"precision": int64(-2)}, 1200.0, nil},
		{"round bad method", Round, 1.0, map[string]any{"method": "up"}, nil, ErrInvalid},
		{"abs min int", Abs, int64(math.MinInt64), nil, nil, ErrInvalid},
		{"abs string", Abs, "-1", nil, nil, ErrType},
		{"pluralize minus one", Pluralize, int64(-1), nil, "", nil},
		{"pluralize needs a number", Pluralize, "1", nil, nil, ErrType},
		{"filesizeformat bytes", Filesizeformat, int64(100), nil, "100 B", nil},
		{"filesizeformat exact", Filesizeformat, int64(1024), nil, "1 kB", nil},
		{"filesizeformat negative", Filesizeformat, int64(-1), nil, nil, ErrInvalid},
		{"get from non-object", Get, []any{}, map[string]any{"key": "a"}, nil, ErrType},
		{"get missing key", Get, map[string]any{}, map[string]any{"key": "a"}, nil, ErrInvalid},
		{"nth needs n", Nth, []any{int64(1)}, nil, nil, ErrMissingArg},
		{"nth past the end", Nth, []any{int64(1)}, map[string]any{"n": int64(5)}, "", nil},
		{"sort strings", Sort, []any{"b", "B", "a"}, nil, []any{"B", "a", "b"}, nil},
		{"sort mixed numbers", Sort, []any{2.5, int64(1), int64(3)}, nil, []any{int64(1), 2.5, int64(3)}, nil},
		{"sort bools", Sort, []any{true, false}, nil, []any{false, true}, nil},
		{"sort arrays by length", Sort, []any{[]any{1.0, 2.0}, []any{}}, nil, []any{[]any{}, []any{1.0, 2.0}}, nil},
		{"sort objects refused", Sort, []any{map[string]any{}}, nil, nil, ErrInvalid},
		{"sort stable", Sort, []any{map[string]any{"k": int64(1), "i": int64(1)}, map[string]any{"k": int64(0)}, map[string]any{"k": int64(1), "i": int64(2)}}, map[string]any{"attribute": "k"},
			[]any{map[string]any{"k": int64(0)}, map[string]any{"k": int64(1), "i": int64(1)}, map[string]any{"k": int64(1), "i": int64(2)}}, nil},
		{"unique floats refused", Unique, []any{1.5}, nil, nil, ErrInvalid},
		{"unique mixed refused", Unique, []any{int64(1), "1"}, nil, nil, ErrInvalid},
		{"unique drops items without the attribute", Unique, []any{map[string]any{"a": int64(1)}, map[string]any{}, map[string]any{"a": int64(1)}}, map[string]any{"attribute": "a"}, []any{map[string]any{"a": int64(1)}}, nil},
		{"group_by needs attribute", GroupBy, []any{int64(1)}, nil, nil, ErrMissingArg},
		{"group_by float key", GroupBy, []any{map[string]any{"y": 1.0}}, map[string]any{"attribute": "y"}, map[string]any{"1.0": []any{map[string]any{"y": 1.0}}}, nil},
		{"filter int is not float", Filter, []any{map[string]any{"y": 1.0}}, map[string]any{"attribute": "y", "value": int64(1)}, []any{}, nil},
		{"map quoted path", Map, []any{map[string]any{"a.b": int64(1)}}, map[string]any{"attribute": `"a.b"`}, []any{int64(1)}, nil},
		{"map index path", Map, []any{[]any{"x", "y"}}, map[string]any{"attribute": "1"}, []any{"y"}, nil},
		{"map leading zero is not an index", Map, []any{[]any{"x", "y"}}, map[string]any{"attribute": "01"}, []any{}, nil},
		{"concat needs with", Concat, []any{}, nil, nil, ErrMissingArg},
		{"slice huge start", Slice, []any{int64(1)}, map[string]any{"start": 1e300}, []any{}, nil},
		{"slice start must be a number", Slice, []any{int64(1)}, map[string]any{"start": "0"}, nil, ErrType},
		{"date timestamp UTC default", Date, int64(0), nil, "1970-01-01", nil},
		{"date float refused", Date, 1.5, nil, nil, ErrType},
		{"date bad string", Date, "yesterday", nil, nil, ErrInvalid},
		{"date timestamp has no zone", Date, int64(0), map[string]any{"format": "%z"}, nil, ErrInvalid},
		{"date timestamp with zone", Date, int64(0), map[string]any{"format": "%H:%M %Z %z", "timezone": "Asia/Kolkata"}, "05:30 IST +0530", nil},
		{"date fixed offset %Z", Date, "2001-07-08T00:34:60.026490+09:30", map[string]any{"format": "%Z"}, nil, ErrInvalid},
		{"date rfc3339 %+", Date, "2001-07-08T00:34:59.026490+09:30", map[string]any{"format": "%+ %Z %:z %::z %:::z"}, "2001-07-08T00:34:59.026490+09:30 +09:30 +09:30 +09:30:00 +09", nil},
		{"date composite", Date, "2017-03-05T13:04:05Z", map[string]any{"format": "%c|%D|%F|%v|%R|%T|%r"}, "Sun Mar  5 13:04:05 2017|03/05/17|2017-03-05| 5-Mar-2017|13:04|13:04:05|01:04:05 PM", nil},
		{"date padding", Date, "2017-03-05T01:04:05Z", map[string]any{"format": "%-d %_m %0e %-H %k %l %j %-j"}, "5  3 05 1  1  1 064 64", nil},
		{"date weeks", Date, "2017-01-01T00:00:00Z", map[string]any{"format": "%U %W %V %G %g %u %w %C %y"}, "01 00 52 2016 16 7 0 20 17", nil},
		{"date fractions", Date, "2017-01-01T00:00:00.5Z", map[string]any{"format": "%.f %.3f %.6f %.9f %3f %6f %9f %f"}, ".500 .500 .500000 .500000000 500 500000 500000000 500000000", nil},
		{"date unix", Date, "2017-01-01T00:00:00Z", map[string]any{"format": "%s %% %t%n"}, "1483228800 % \t\n", nil},
		{"date padding a name refused", Date, int64(0), map[string]any{"format": "%-a"}, nil, ErrInvalid},
		{"date trailing percent refused", Date, int64(0), map[string]any{"format": "%Y%"}, nil, ErrInvalid},
		{"date timezone ignored for a date", Date, "2017-03-05", map[string]any{"timezone": "America/New_York", "format": "%F %Z"}, "2017-03-05 UTC", nil},
		{"date timezone ignored for a naive time", Date, "2017-03-05T01:00:00", map[string]any{"timezone": "America/New_York", "format": "%F %H %Z"}, "2017-03-05 01 UTC", nil},
		{"date unknown timezone", Date, int64(0), map[string]any{"timezone": "Narnia"}, nil, ErrInvalid},
		{"date Local is not a timezone", Date, int64(0), map[string]any{"timezone": "Local"}, nil, ErrInvalid},
		{"date big year", Date, int64(253402300800), map[string]any{"format": "%Y"}, "+10000", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.f(tt.in, tt.args)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %#v, %v; want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !Equal(got, tt.want) && !(isNaN(got) && isNaN(tt.want)) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func isNaN(v any) bool {
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}

func TestTests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		f       testFunc
		in      any
		args    []any
		want    bool
		wantErr error
	}{
		{"odd int", Odd, int64(3), nil, true, nil},
		{"odd float", Odd, 2.5, nil, true, nil},
		{"even", Even, int64(4), nil, true, nil},
		{"odd refuses a string", Odd, "3", nil, false, ErrType},
		{"odd takes no argument", Odd, int64(3), []any{int64(1)}, false, ErrInvalid},
		{"divisibleby 2.1", Divisibleby, int64(4), []any{2.1}, false, nil},
		{"divisibleby needs its argument", Divisibleby, int64(4), nil, false, ErrMissingArg},
		{"divisibleby refuses a string divisor", Divisibleby, int64(4), []any{"2"}, false, ErrType},
		{"iterable object", Iterable, map[string]any{}, nil, true, nil},
		{"iterable null", Iterable, nil, nil, false, nil},
		{"string", String, "", nil, true, nil},
		{"number float", Number, 1.5, nil, true, nil},
		{"number string", Number, "1", nil, false, nil},
		{"none", None, nil, nil, true, nil},
		{"none false", None, false, nil, false, nil},
		{"containing int is not float", Containing, []any{1.0}, []any{int64(1)}, false, nil},
		{"containing on a number", Containing, int64(1), []any{int64(1)}, false, ErrType},
		{"containing object needs a string", Containing, map[string]any{"1": true}, []any{int64(1)}, false, ErrType},
		{"starting_with needs a string", StartingWith, int64(1), []any{"1"}, false, ErrType},
		{"matching unanchored", Matching, "xay", []any{"a"}, true, nil},
		{"matching too long", Matching, "a", []any{strings.Repeat("a", MaxPatternLen+1)}, false, ErrInvalid},
		{"matching bad pattern", Matching, "a", []any{"("}, false, ErrInvalid},
		{"matching two arguments", Matching, "a", []any{"a", "b"}, false, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.f(tt.in, tt.args)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %v, %v; want %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// allFilters pairs every filter with its argument list, for the tests that
// go through all of them. It is a test fixture: the package itself keeps
// no list.
var allFilters = []struct {
	name string
	f    filterFunc
	args func() []Arg
}{
	{"upper", Upper, UpperArgs}, {"lower", Lower, LowerArgs}, {"trim", Trim, TrimArgs},
	{"trim_start", TrimStart, TrimStartArgs}, {"trim_end", TrimEnd, TrimEndArgs},
	{"trim_start_matches", TrimStartMatches, TrimStartMatchesArgs}, {"trim_end_matches", TrimEndMatches, TrimEndMatchesArgs},
	{"truncate", Truncate, TruncateArgs}, {"wordcount", Wordcount, WordcountArgs}, {"replace", Replace, ReplaceArgs},
	{"capitalize", Capitalize, CapitalizeArgs}, {"urlencode", Urlencode, UrlencodeArgs}, {"urlencode_strict", UrlencodeStrict, UrlencodeStrictArgs},
	{"addslashes", Addslashes, AddslashesArgs}, {"slugify", Slugify, SlugifyArgs}, {"title", Title, TitleArgs},
	{"linebreaksbr", Linebreaksbr, LinebreaksbrArgs}, {"indent", Indent, IndentArgs}, {"striptags", Striptags, StriptagsArgs},
	{"spaceless", Spaceless, SpacelessArgs}, {"escape", Escape, EscapeArgs}, {"escape_xml", EscapeXML, EscapeXMLArgs},
	{"split", Split, SplitArgs}, {"int", Int, IntArgs}, {"float", Float, FloatArgs},
	{"nth", Nth, NthArgs}, {"first", First, FirstArgs}, {"last", Last, LastArgs}, {"join", Join, JoinArgs},
	{"sort", Sort, SortArgs}, {"unique", Unique, UniqueArgs}, {"group_by", GroupBy, GroupByArgs}, {"filter", Filter, FilterArgs},
	{"map", Map, MapArgs}, {"slice", Slice, SliceArgs}, {"concat", Concat, ConcatArgs},
	{"length", Length, LengthArgs}, {"reverse", Reverse, ReverseArgs}, {"json_encode", JSONEncode, JSONEncodeArgs},
	{"as_str", AsStr, AsStrArgs}, {"get", Get, GetArgs}, {"default", Default, DefaultArgs},
	{"abs", Abs, AbsArgs}, {"pluralize", Pluralize, PluralizeArgs}, {"round", Round, RoundArgs},
	{"filesizeformat", Filesizeformat, FilesizeformatArgs}, {"date", Date, DateArgs},
}

// secretish values of every type; none may appear in an error.
var secretish = []any{
	"hunter2-SECRET-9f8e7d", int64(987654321987), 98765.4321987, true,
	[]any{"hunter2-SECRET-9f8e7d", int64(987654321987)},
	map[string]any{"hunter2-SECRET-9f8e7d": "hunter2-SECRET-9f8e7d", "a": map[string]any{"b": 98765.4321987}},
	[]any{map[string]any{"a": "hunter2-SECRET-9f8e7d"}, map[string]any{"a": int64(987654321987)}},
}

// TestErrorsNameNoValue calls every filter with secret-looking inputs and
// arguments of every type and checks that no error holds any of them, or
// a piece of one.
func TestErrorsNameNoValue(t *testing.T) {
	t.Parallel()
	pieces := []string{"hunter2", "SECRET", "9f8e7d", "987654321987", "98765", "4321987"}
	errs := 0
	for _, f := range allFilters {
		names := []string{"value", "default", "pat", "sep", "attribute", "key", "format", "timezone", "length", "end", "from", "to", "n", "with", "start", "prefix", "base", "precision", "method", "plural"}
		for _, a := range f.args() {
			names = append(names, a.Name)
		}
		for _, in := range secretish {
			for _, arg := range secretish {
				for _, name := range names {
					_, err := f.f(in, map[string]any{name: arg, "attribute": "a"})
					if err == nil {
						continue
					}
					errs++
					for _, p := range pieces {
						if strings.Contains(err.Error(), p) {
							t.Fatalf("%s: error %q holds a piece of a value", f.name, err)
						}
					}
					var te *Error
					if !errors.As(err, &te) || te.Func != f.name {
						t.Fatalf("%s: error %v is not an *Error naming the filter", f.name, err)
					}
				}
			}
		}
	}
	for _, test := range []struct {
		name string
		f    testFunc
	}{{"odd", Odd}, {"even", Even}, {"divisibleby", Divisibleby}, {"starting_with", StartingWith}, {"ending_with", EndingWith}, {"containing", Containing}, {"matching", Matching}} {
		for _, in := range secretish {
			for _, arg := range secretish {
				for _, args := range [][]any{{arg}, {arg, arg}, {"(" + fmt.Sprint(arg)}} {
					_, err := test.f(in, args)
					if err == nil {
						continue
					}
					errs++
					for _, p := range pieces {
						if strings.Contains(err.Error(), p) {
							t.Fatalf("%s: error %q holds a piece of a value", test.name, err)
						}
					}
				}
			}
		}
	}
	if errs < 500 {
		t.Fatalf("only %d errors were checked; the inputs no longer reach the error paths", errs)
	}
}

// TestRequiredArgs checks each filter's argument list against the filter:
// leaving out a required argument is ErrMissingArg.
func TestRequiredArgs(t *testing.T) {
	t.Parallel()
	inputs := map[string]any{
		"trim_start_matches": "a", "trim_end_matches": "a", "replace": "a", "split": "a",
		"nth": []any{int64(1)}, "group_by": []any{map[string]any{"a": int64(1)}},
		"filter": []any{map[string]any{"a": int64(1)}}, "map": []any{map[string]any{"a": int64(1)}},
		"concat": []any{}, "get": map[string]any{}, "default": nil,
	}
	sample := map[string]any{
		"pat": "a", "from": "a", "to": "b", "n": int64(0), "attribute": "a", "with": int64(1), "key": "a", "value": "v",
	}
	required := 0
	for _, f := range allFilters {
		for _, a := range f.args() {
			if !a.Required {
				continue
			}
			required++
			in, ok := inputs[f.name]
			if !ok && f.name != "default" {
				t.Fatalf("%s: no sample input for a filter with a required argument", f.name)
			}
			args := map[string]any{}
			for _, other := range f.args() {
				if other.Name != a.Name {
					args[other.Name] = sample[other.Name]
				}
			}
			if _, err := f.f(in, args); !errors.Is(err, ErrMissingArg) {
				t.Errorf("%s without %s: %v, want ErrMissingArg", f.name, a.Name, err)
			}
			args[a.Name] = sample[a.Name]
			if _, err := f.f(in, args); err != nil {
				t.Errorf("%s with every argument: %v", f.name, err)
			}
		}
	}
	if required != 12 {
		t.Fatalf("%d required arguments, want 12: update this test's samples", required)
	}
}

func TestRenderAndJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v          any
		show, json string
	}{
		{nil, "", "null"},
		{2.0, "2", "2.0"},
		{math.Copysign(0, -1), "-0", "-0.0"},
		{1e20, "100000000000000000000", "1e20"},
		{1e15, "1000000000000000", "1000000000000000.0"},
		{1e16, "10000000000000000", "1e16"},
		{1.5e-7, "0.00000015", "1.5e-7"},
		{0.0001, "0.0001", "0.0001"},
		{123.456, "123.456", "123.456"},
		{math.Inf(1), "inf", "null"},
		{[]any{"a", []any{int64(1)}, map[string]any{}}, "[a, [1], [object]]", `["a",[1],{}]`},
	} {
		if got := Render(tt.v); got != tt.show {
			t.Errorf("Render(%v) = %q, want %q", tt.v, got, tt.show)
		}
		if got, _ := JSON(tt.v, false); got != tt.json {
			t.Errorf("JSON(%v) = %q, want %q", tt.v, got, tt.json)
		}
	}
}

// FuzzInt checks that int never panics and that a decimal string in range
// reads back as itself in every base it is written in.
func FuzzInt(f *testing.F) {
	for _, s := range []string{"0", "-5", "0b1010", "0xF00", "1.23", " 12 ", "+7", "-", "9223372036854775808", "1e5.", "inf.", "nan."} {
		f.Add(s, int64(10))
		f.Add(s, int64(2))
		f.Add(s, int64(16))
	}
	f.Fuzz(func(t *testing.T, s string, base int64) {
		got, err := Int(s, map[string]any{"base": base})
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrType) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if _, ok := got.(int64); !ok {
			t.Fatalf("Int gave %T", got)
		}
		if base == 10 && regexp.MustCompile(`^-?[1-9][0-9]{0,17}$`).MatchString(s) {
			if fmt.Sprint(got) != s {
				t.Fatalf("Int(%q) = %v", s, got)
			}
		}
	})
}

// FuzzDate checks that any format either fails with ErrInvalid or formats
// every kind of input without panicking, and that a format without %
// comes back as it is.
func FuzzDate(f *testing.F) {
	for _, s := range []string{"%Y-%m-%d", "%a, %d %b %Y %H:%M:%S %z", "%+S", "%2f", "%.3f%:::z", "%-d%_e%0k", "%", "%%%c", "%#z%::z", "plain text"} {
		f.Add(s)
	}
	inputs := []any{int64(1482720453), "1996-12-19T16:39:57-08:00", "2017-03-05", "2017-03-05T00:00:00.602", int64(-62135596800)}
	f.Fuzz(func(t *testing.T, format string) {
		if len(format) > 256 {
			return
		}
		for _, in := range inputs {
			for _, args := range []map[string]any{{"format": format}, {"format": format, "timezone": "UTC"}} {
				got, err := Date(in, args)
				if err != nil {
					if !errors.Is(err, ErrInvalid) {
						t.Fatalf("Date(%v, %q): %v", in, format, err)
					}
					continue
				}
				if !strings.Contains(format, "%") && got != format {
					t.Fatalf("Date(%v, %q) = %q", in, format, got)
				}
				if !utf8.ValidString(format) || !utf8.ValidString(got.(string)) {
					continue
				}
			}
		}
	})
}

// FuzzMatching checks that matching either answers or refuses the pattern
// with ErrInvalid, and agrees with strings.Contains on quoted literals.
func FuzzMatching(f *testing.F) {
	for _, s := range [][2]string{{"abc", "b"}, {"abc", "^b$"}, {"Hello, World!", `(?i)(hello\W\sworld\W)`}, {"", "(Invalid regex"}, {"a.b", "."}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, s, pattern string) {
		got, err := Matching(s, []any{pattern})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Matching: %v", err)
			}
			return
		}
		lit, err := Matching(s, []any{regexp.QuoteMeta(pattern)})
		if err == nil && len(regexp.QuoteMeta(pattern)) <= MaxPatternLen && utf8.ValidString(pattern) && utf8.ValidString(s) && lit != strings.Contains(s, pattern) {
			t.Fatalf("QuoteMeta(%q) on %q: %v", pattern, s, lit)
		}
		_ = got
	})
}
