package tera

import (
	"errors"
	"testing"
	_ "time/tzdata" // the timezone cases must not depend on the machine's zoneinfo
)

type filterFunc func(any, map[string]any) (any, error)

// TestFiltersFromTera runs the expectations of Tera 1.20.1's own unit tests
// (src/builtins/filters/*.rs), one row per call they make: same input, same
// arguments, same result or an error where Tera errs.
func TestFiltersFromTera(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		f       filterFunc
		in      any
		args    map[string]any
		want    any
		wantErr bool
		anyOK   bool // Tera's test only checks that it succeeds
	}{
		{"array.rs:test_nth", Nth, []any{int64(1), int64(2), int64(3), int64(4)}, map[string]any{"n": int64(1)}, int64(2), false, false},
		{"array.rs:test_nth_empty", Nth, []any{}, map[string]any{"n": int64(1)}, "", false, false},
		{"array.rs:test_first", First, []any{int64(1), int64(2), int64(3), int64(4)}, nil, int64(1), false, false},
		{"array.rs:test_first_empty", First, []any{}, nil, "", false, false},
		{"array.rs:test_last", Last, []any{"Hello", "World"}, nil, "World", false, false},
		{"array.rs:test_last_empty", Last, []any{}, nil, "", false, false},
		{"array.rs:test_join_sep", Join, []any{"Cats", "Dogs"}, map[string]any{"sep": "=="}, "Cats==Dogs", false, false},
		{"array.rs:test_join_sep_omitted", Join, []any{float64(1.2), float64(3.4)}, nil, "1.23.4", false, false},
		{"array.rs:test_join_empty", Join, []any{}, map[string]any{"sep": "=="}, "", false, false},
		{"array.rs:test_join_newlines_and_tabs", Join, []any{"Cats", "Dogs"}, map[string]any{"sep": ",\\n\\t"}, "Cats,\n\tDogs", false, false},
		{"array.rs:test_sort", Sort, []any{int64(3), int64(-1), int64(2), int64(5), int64(4)}, nil, []any{int64(-1), int64(2), int64(3), int64(4), int64(5)}, false, false},
		{"array.rs:test_sort_empty", Sort, []any{}, nil, []any{}, false, false},
		{"array.rs:test_sort_attribute", Sort, []any{map[string]any{"a": int64(3), "b": int64(5)}, map[string]any{"a": int64(2), "b": int64(8)}, map[string]any{"a": int64(4), "b": int64(7)}, map[string]any{"a": int64(1), "b": int64(6)}}, map[string]any{"attribute": "a"}, []any{map[string]any{"a": int64(1), "b": int64(6)}, map[string]any{"a": int64(2), "b": int64(8)}, map[string]any{"a": int64(3), "b": int64(5)}, map[string]any{"a": int64(4), "b": int64(7)}}, false, false},
		{"array.rs:test_sort_invalid_attribute", Sort, []any{map[string]any{"a": int64(3), "b": int64(5)}}, map[string]any{"attribute": "invalid_field"}, nil, true, false},
		{"array.rs:test_sort_multiple_types", Sort, []any{int64(12), []any{}}, nil, nil, true, false},
		{"array.rs:test_sort_non_finite_numbers", Sort, []any{nil, nil}, nil, nil, true, false},
		{"array.rs:test_sort_tuple", Sort, []any{[]any{int64(0), int64(1)}, []any{int64(7), int64(0)}, []any{int64(-1), int64(12)}, []any{int64(18), int64(18)}}, map[string]any{"attribute": "0"}, []any{[]any{int64(-1), int64(12)}, []any{int64(0), int64(1)}, []any{int64(7), int64(0)}, []any{int64(18), int64(18)}}, false, false},
		{"array.rs:test_unique_numbers", Unique, []any{int64(3), int64(-1), int64(3), int64(3), int64(5), int64(2), int64(5), int64(4)}, nil, []any{int64(3), int64(-1), int64(5), int64(2), int64(4)}, false, false},
		{"array.rs:test_unique_strings#1", Unique, []any{"One", "Two", "Three", "one", "Two"}, nil, []any{"One", "Two", "Three"}, false, false},
		{"array.rs:test_unique_strings#2", Unique, []any{"One", "Two", "Three", "one", "Two"}, map[string]any{"case_sensitive": true}, []any{"One", "Two", "Three", "one"}, false, false},
		{"array.rs:test_unique_empty", Sort, []any{}, nil, []any{}, false, false},
		{"array.rs:test_unique_attribute", Unique, []any{map[string]any{"a": int64(1), "b": int64(2)}, map[string]any{"a": int64(3), "b": int64(3)}, map[string]any{"a": int64(1), "b": int64(3)}, map[string]any{"a": int64(0), "b": int64(4)}}, map[string]any{"attribute": "a"}, []any{map[string]any{"a": int64(1), "b": int64(2)}, map[string]any{"a": int64(3), "b": int64(3)}, map[string]any{"a": int64(0), "b": int64(4)}}, false, false},
		{"array.rs:test_unique_invalid_attribute", Unique, []any{map[string]any{"a": int64(3), "b": int64(5)}}, map[string]any{"attribute": "invalid_field"}, nil, true, false},
		{"array.rs:test_unique_multiple_types", Unique, []any{int64(12), []any{}}, nil, nil, true, false},
		{"array.rs:test_unique_non_finite_numbers", Unique, []any{nil, nil}, nil, nil, true, false},
		{"array.rs:test_unique_tuple", Unique, []any{[]any{int64(0), int64(1)}, []any{int64(-7), int64(-1)}, []any{int64(-1), int64(1)}, []any{int64(18), int64(18)}}, map[string]any{"attribute": "1"}, []any{[]any{int64(0), int64(1)}, []any{int64(-7), int64(-1)}, []any{int64(18), int64(18)}}, false, false},
		{"array.rs:test_group_by", GroupBy, []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": int64(2015)}, map[string]any{"id": int64(3), "year": int64(2016)}, map[string]any{"id": int64(4), "year": int64(2017)}, map[string]any{"id": int64(5), "year": int64(2017)}, map[string]any{"id": int64(6), "year": int64(2017)}, map[string]any{"id": int64(7), "year": int64(2018)}, map[string]any{"id": int64(8)}, map[string]any{"id": int64(9), "year": nil}}, map[string]any{"attribute": "year"}, map[string]any{"2015": []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": int64(2015)}}, "2016": []any{map[string]any{"id": int64(3), "year": int64(2016)}}, "2017": []any{map[string]any{"id": int64(4), "year": int64(2017)}, map[string]any{"id": int64(5), "year": int64(2017)}, map[string]any{"id": int64(6), "year": int64(2017)}}, "2018": []any{map[string]any{"id": int64(7), "year": int64(2018)}}}, false, false},
		{"array.rs:test_group_by_nested_key", GroupBy, []any{map[string]any{"id": int64(1), "company": map[string]any{"id": int64(1)}}, map[string]any{"id": int64(2), "company": map[string]any{"id": int64(2)}}, map[string]any{"id": int64(3), "company": map[string]any{"id": int64(3)}}, map[string]any{"id": int64(4), "company": map[string]any{"id": int64(4)}}, map[string]any{"id": int64(5), "company": map[string]any{"id": int64(4)}}, map[string]any{"id": int64(6), "company": map[string]any{"id": int64(5)}}, map[string]any{"id": int64(7), "company": map[string]any{"id": int64(5)}}, map[string]any{"id": int64(8)}, map[string]any{"id": int64(9), "company": nil}}, map[string]any{"attribute": "company.id"}, map[string]any{"1": []any{map[string]any{"id": int64(1), "company": map[string]any{"id": int64(1)}}}, "2": []any{map[string]any{"id": int64(2), "company": map[string]any{"id": int64(2)}}}, "3": []any{map[string]any{"id": int64(3), "company": map[string]any{"id": int64(3)}}}, "4": []any{map[string]any{"id": int64(4), "company": map[string]any{"id": int64(4)}}, map[string]any{"id": int64(5), "company": map[string]any{"id": int64(4)}}}, "5": []any{map[string]any{"id": int64(6), "company": map[string]any{"id": int64(5)}}, map[string]any{"id": int64(7), "company": map[string]any{"id": int64(5)}}}}, false, false},
		{"array.rs:test_filter_empty", Filter, []any{}, nil, []any{}, false, false},
		{"array.rs:test_filter", Filter, []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": int64(2015)}, map[string]any{"id": int64(3), "year": int64(2016)}, map[string]any{"id": int64(4), "year": int64(2017)}, map[string]any{"id": int64(5), "year": int64(2017)}, map[string]any{"id": int64(6), "year": int64(2017)}, map[string]any{"id": int64(7), "year": int64(2018)}, map[string]any{"id": int64(8)}, map[string]any{"id": int64(9), "year": nil}}, map[string]any{"attribute": "year", "value": int64(2015)}, []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": int64(2015)}}, false, false},
		{"array.rs:test_filter_no_value", Filter, []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": int64(2015)}, map[string]any{"id": int64(3), "year": int64(2016)}, map[string]any{"id": int64(4), "year": int64(2017)}, map[string]any{"id": int64(5), "year": int64(2017)}, map[string]any{"id": int64(6), "year": int64(2017)}, map[string]any{"id": int64(7), "year": int64(2018)}, map[string]any{"id": int64(8)}, map[string]any{"id": int64(9), "year": nil}}, map[string]any{"attribute": "year"}, []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": int64(2015)}, map[string]any{"id": int64(3), "year": int64(2016)}, map[string]any{"id": int64(4), "year": int64(2017)}, map[string]any{"id": int64(5), "year": int64(2017)}, map[string]any{"id": int64(6), "year": int64(2017)}, map[string]any{"id": int64(7), "year": int64(2018)}}, false, false},
		{"array.rs:test_map_empty", Map, []any{}, nil, []any{}, false, false},
		{"array.rs:test_map", Map, []any{map[string]any{"id": int64(1), "year": int64(2015)}, map[string]any{"id": int64(2), "year": true}, map[string]any{"id": int64(3), "year": float64(2016.5)}, map[string]any{"id": int64(4), "year": "2017"}, map[string]any{"id": int64(5), "year": int64(2017)}, map[string]any{"id": int64(6), "year": int64(2017)}, map[string]any{"id": int64(7), "year": []any{int64(1900), int64(1901)}}, map[string]any{"id": int64(8), "year": map[string]any{"a": int64(2018), "b": int64(2019)}}, map[string]any{"id": int64(9)}, map[string]any{"id": int64(10), "year": nil}}, map[string]any{"attribute": "year"}, []any{int64(2015), true, float64(2016.5), "2017", int64(2017), int64(2017), []any{int64(1900), int64(1901)}, map[string]any{"a": int64(2018), "b": int64(2019)}}, false, false},
		{"array.rs:test_concat_array", Concat, []any{int64(1), int64(2), int64(3)}, map[string]any{"with": []any{int64(3), int64(4)}}, []any{int64(1), int64(2), int64(3), int64(3), int64(4)}, false, false},
		{"array.rs:test_concat_single_value", Concat, []any{int64(1), int64(2), int64(3)}, map[string]any{"with": int64(4)}, []any{int64(1), int64(2), int64(3), int64(4)}, false, false},
		{"common.rs:as_str_object", AsStr, map[string]any{}, nil, "[object]", false, false},
		{"common.rs:as_str_vec", AsStr, []any{int64(1), int64(2), int64(3), int64(4)}, nil, "[1, 2, 3, 4]", false, false},
		{"common.rs:length_vec", Length, []any{int64(1), int64(2), int64(3), int64(4)}, nil, int64(4), false, false},
		{"common.rs:length_object", Length, map[string]any{"foo": "bar"}, nil, int64(1), false, false},
		{"common.rs:length_str", Length, "Hello World", nil, int64(11), false, false},
		{"common.rs:length_str_nonascii", Length, "日本語", nil, int64(3), false, false},
		{"common.rs:length_num", Length, int64(15), nil, nil, true, false},
		{"common.rs:reverse_vec", Reverse, []any{int64(1), int64(2), int64(3), int64(4)}, nil, []any{int64(4), int64(3), int64(2), int64(1)}, false, false},
		{"common.rs:reverse_str", Reverse, "Hello World", nil, "dlroW olleH", false, false},
		{"common.rs:reverse_num", Reverse, float64(1.23), nil, nil, true, false},
		{"common.rs:date_default", Date, int64(1482720453), nil, "2016-12-26", false, false},
		{"common.rs:date_custom_format", Date, int64(1482720453), map[string]any{"format": "%Y-%m-%d %H:%M"}, "2016-12-26 02:47", false, false},
		{"common.rs:date_errors_on_incorrect_format", Date, int64(1482720453), map[string]any{"format": "%2f"}, nil, true, false},
		{"common.rs:date_rfc3339_preserves_timezone", Date, "1996-12-19T16:39:57-08:00", map[string]any{"format": "%Y-%m-%d %z"}, "1996-12-19 -0800", false, false},
		{"common.rs:date_yyyy_mm_dd", Date, "2017-03-05", map[string]any{"format": "%a, %d %b %Y %H:%M:%S %z"}, "Sun, 05 Mar 2017 00:00:00 +0000", false, false},
		{"common.rs:date_from_naive_datetime", Date, "2017-03-05T00:00:00.602", map[string]any{"format": "%a, %d %b %Y %H:%M:%S"}, "Sun, 05 Mar 2017 00:00:00", false, false},
		{"common.rs:date_format_doesnt_panic", Date, "2017-01-01T00:00:00", map[string]any{"format": "%+S"}, nil, false, true},
		{"common.rs:date_with_timezone", Date, "2019-09-19T01:48:44.581Z", map[string]any{"timezone": "America/New_York"}, "2019-09-18", false, false},
		{"common.rs:date_with_invalid_timezone", Date, "2019-09-19T01:48:44.581Z", map[string]any{"timezone": "Narnia"}, nil, true, false},
		{"common.rs:date_timestamp", Date, int64(1648302603), map[string]any{"format": "%Y-%m-%d"}, "2022-03-26", false, false},
		{"common.rs:date_timestamp_with_timezone", Date, int64(1648252203), map[string]any{"timezone": "Europe/Berlin"}, "2022-03-26", false, false},
		{"common.rs:test_json_encode", JSONEncode, map[string]any{"key": []any{"value1", int64(2), true}}, nil, "{\"key\":[\"value1\",2,true]}", false, false},
		{"common.rs:test_json_encode_pretty", JSONEncode, map[string]any{"key": []any{"value1", int64(2), true}}, map[string]any{"pretty": true}, "{\n  \"key\": [\n    \"value1\",\n    2,\n    true\n  ]\n}", false, false},
		{"number.rs:test_abs_unsigend", Abs, int64(1), nil, int64(1), false, false},
		{"number.rs:test_abs_negative_integer", Abs, int64(-1), nil, int64(1), false, false},
		{"number.rs:test_abs_negative_float", Abs, float64(-1.0), nil, float64(1.0), false, false},
		{"number.rs:test_abs_non_number", Abs, "nan", nil, nil, true, false},
		{"number.rs:test_pluralize_single", Pluralize, int64(1), nil, "", false, false},
		{"number.rs:test_pluralize_multiple", Pluralize, int64(2), nil, "s", false, false},
		{"number.rs:test_pluralize_zero", Pluralize, int64(0), nil, "s", false, false},
		{"number.rs:test_pluralize_multiple_custom_plural", Pluralize, int64(2), map[string]any{"plural": "es"}, "es", false, false},
		{"number.rs:test_pluralize_multiple_custom_singular", Pluralize, int64(1), map[string]any{"singular": "y"}, "y", false, false},
		{"number.rs:test_round_default", Round, float64(2.1), nil, float64(2.0), false, false},
		{"number.rs:test_round_default_precision", Round, float64(3.15159265359), map[string]any{"precision": int64(2)}, float64(3.15), false, false},
		{"number.rs:test_round_ceil", Round, float64(2.1), map[string]any{"method": "ceil"}, float64(3.0), false, false},
		{"number.rs:test_round_ceil_precision", Round, float64(2.11), map[string]any{"method": "ceil", "precision": int64(1)}, float64(2.2), false, false},
		{"number.rs:test_round_floor", Round, float64(2.1), map[string]any{"method": "floor"}, float64(2.0), false, false},
		{"number.rs:test_round_floor_precision", Round, float64(2.91), map[string]any{"method": "floor", "precision": int64(1)}, float64(2.9), false, false},
		{"number.rs:test_filesizeformat", Filesizeformat, int64(123456789), nil, "117.74 MB", false, false},
		{"number.rs:test_filesizeformat_binary", Filesizeformat, int64(123456789), map[string]any{"binary": true}, "117.74 MiB", false, false},
		{"object.rs:test_get_filter_exists", Get, map[string]any{"1": "first", "2": "second"}, map[string]any{"key": "1"}, "first", false, false},
		{"object.rs:test_get_filter_doesnt_exist", Get, map[string]any{"1": "first", "2": "second"}, map[string]any{"key": "3"}, nil, true, false},
		{"object.rs:test_get_filter_with_default_exists", Get, map[string]any{"1": "first", "2": "second"}, map[string]any{"key": "1", "default": "default"}, "first", false, false},
		{"object.rs:test_get_filter_with_default_doesnt_exist", Get, map[string]any{"1": "first", "2": "second"}, map[string]any{"key": "3", "default": "default"}, "default", false, false},
		{"string.rs:test_upper", Upper, "hello", nil, "HELLO", false, false},
		{"string.rs:test_upper_error", Upper, int64(50), nil, nil, true, false},
		{"string.rs:test_trim", Trim, "  hello  ", nil, "hello", false, false},
		{"string.rs:test_trim_start", TrimStart, "  hello  ", nil, "hello  ", false, false},
		{"string.rs:test_trim_end", TrimEnd, "  hello  ", nil, "  hello", false, false},
		{"string.rs:test_trim_start_matches#1", TrimStartMatches, "/a/b/cde/", map[string]any{"pat": "/"}, "a/b/cde/", false, false},
		{"string.rs:test_trim_start_matches#2", TrimStartMatches, "\nhello\nworld\n", map[string]any{"pat": "\n"}, "hello\nworld\n", false, false},
		{"string.rs:test_trim_start_matches#3", TrimStartMatches, ", hello, world, ", map[string]any{"pat": ", "}, "hello, world, ", false, false},
		{"string.rs:test_trim_end_matches#1", TrimEndMatches, "/a/b/cde/", map[string]any{"pat": "/"}, "/a/b/cde", false, false},
		{"string.rs:test_trim_end_matches#2", TrimEndMatches, "\nhello\nworld\n", map[string]any{"pat": "\n"}, "\nhello\nworld", false, false},
		{"string.rs:test_trim_end_matches#3", TrimEndMatches, ", hello, world, ", map[string]any{"pat": ", "}, ", hello, world", false, false},
		{"string.rs:test_truncate_smaller_than_length", Truncate, "hello", map[string]any{"length": int64(255)}, "hello", false, false},
		{"string.rs:test_truncate_when_required", Truncate, "日本語", map[string]any{"length": int64(2)}, "日本…", false, false},
		{"string.rs:test_truncate_custom_end", Truncate, "日本語", map[string]any{"length": int64(2), "end": ""}, "日本", false, false},
		{"string.rs:test_truncate_multichar_grapheme", Truncate, "👨‍👩‍👧‍👦 family", map[string]any{"length": int64(5), "end": "…"}, "👨‍👩‍👧‍👦 fam…", false, false},
		{"string.rs:test_lower", Lower, "HELLO", nil, "hello", false, false},
		{"string.rs:test_wordcount", Wordcount, "Joel is a slug", nil, int64(4), false, false},
		{"string.rs:test_replace", Replace, "Hello world!", map[string]any{"from": "Hello", "to": "Goodbye"}, "Goodbye world!", false, false},
		{"string.rs:test_replace_newline", Replace, "Animal Alphabets\nB is for Bee-Eater", map[string]any{"from": "\n", "to": "<br>"}, "Animal Alphabets<br>B is for Bee-Eater", false, false},
		{"string.rs:test_replace_missing_arg", Replace, "Hello world!", map[string]any{"from": "Hello"}, nil, true, false},
		{"string.rs:test_capitalize#1", Capitalize, "CAPITAL IZE", nil, "Capital ize", false, false},
		{"string.rs:test_capitalize#2", Capitalize, "capital ize", nil, "Capital ize", false, false},
		{"string.rs:test_addslashes#1", Addslashes, "I'm so happy", nil, "I\\'m so happy", false, false},
		{"string.rs:test_addslashes#2", Addslashes, "Let \"me\" help you", nil, "Let \\\"me\\\" help you", false, false},
		{"string.rs:test_addslashes#3", Addslashes, "<a>'", nil, "<a>\\'", false, false},
		{"string.rs:test_addslashes#4", Addslashes, "\"double quotes\" and \\'single quotes\\'", nil, "\\\"double quotes\\\" and \\\\\\'single quotes\\\\\\'", false, false},
		{"string.rs:test_addslashes#5", Addslashes, "\\ : backslashes too", nil, "\\\\ : backslashes too", false, false},
		{"string.rs:test_slugify#1", Slugify, "Hello world", nil, "hello-world", false, false},
		{"string.rs:test_slugify#2", Slugify, "Hello 世界", nil, "hello-shi-jie", false, false},
		{"string.rs:test_urlencode#1", Urlencode, "https://www.example.org/foo?a=b&c=d", nil, "https%3A//www.example.org/foo%3Fa%3Db%26c%3Dd", false, false},
		{"string.rs:test_urlencode#2", Urlencode, "https://www.example.org/apples-&-oranges/", nil, "https%3A//www.example.org/apples-%26-oranges/", false, false},
		{"string.rs:test_urlencode#3", Urlencode, "https://www.example.org/", nil, "https%3A//www.example.org/", false, false},
		{"string.rs:test_urlencode#4", Urlencode, "/test&\"/me?/", nil, "/test%26%22/me%3F/", false, false},
		{"string.rs:test_urlencode#5", Urlencode, "escape/slash", nil, "escape/slash", false, false},
		{"string.rs:test_urlencode_strict#1", UrlencodeStrict, "https://www.example.org/foo?a=b&c=d", nil, "https%3A%2F%2Fwww%2Eexample%2Eorg%2Ffoo%3Fa%3Db%26c%3Dd", false, false},
		{"string.rs:test_urlencode_strict#2", UrlencodeStrict, "https://www.example.org/apples-&-oranges/", nil, "https%3A%2F%2Fwww%2Eexample%2Eorg%2Fapples%2D%26%2Doranges%2F", false, false},
		{"string.rs:test_urlencode_strict#3", UrlencodeStrict, "https://www.example.org/", nil, "https%3A%2F%2Fwww%2Eexample%2Eorg%2F", false, false},
		{"string.rs:test_urlencode_strict#4", UrlencodeStrict, "/test&\"/me?/", nil, "%2Ftest%26%22%2Fme%3F%2F", false, false},
		{"string.rs:test_urlencode_strict#5", UrlencodeStrict, "escape/slash", nil, "escape%2Fslash", false, false},
		{"string.rs:test_title#1", Title, "foo bar", nil, "Foo Bar", false, false},
		{"string.rs:test_title#2", Title, "foo\tbar", nil, "Foo\tBar", false, false},
		{"string.rs:test_title#3", Title, "foo  bar", nil, "Foo  Bar", false, false},
		{"string.rs:test_title#4", Title, "f bar f", nil, "F Bar F", false, false},
		{"string.rs:test_title#5", Title, "foo-bar", nil, "Foo-Bar", false, false},
		{"string.rs:test_title#6", Title, "FOO\tBAR", nil, "Foo\tBar", false, false},
		{"string.rs:test_title#7", Title, "foo (bar)", nil, "Foo (Bar)", false, false},
		{"string.rs:test_title#8", Title, "foo (bar) ", nil, "Foo (Bar) ", false, false},
		{"string.rs:test_title#9", Title, "foo {bar}", nil, "Foo {Bar}", false, false},
		{"string.rs:test_title#10", Title, "foo [bar]", nil, "Foo [Bar]", false, false},
		{"string.rs:test_title#11", Title, "foo <bar>", nil, "Foo <Bar>", false, false},
		{"string.rs:test_title#12", Title, "  foo  bar", nil, "  Foo  Bar", false, false},
		{"string.rs:test_title#13", Title, "\tfoo\tbar\t", nil, "\tFoo\tBar\t", false, false},
		{"string.rs:test_title#14", Title, "foo bar ", nil, "Foo Bar ", false, false},
		{"string.rs:test_title#15", Title, "foo bar\t", nil, "Foo Bar\t", false, false},
		{"string.rs:test_title#16", Title, "foo's bar", nil, "Foo's Bar", false, false},
		{"string.rs:test_indent_defaults", Indent, "one\n\ntwo\nthree", nil, "one\n\n    two\n    three", false, false},
		{"string.rs:test_indent_args", Indent, "one\n\ntwo\nthree", map[string]any{"first": true, "prefix": " ", "blank": true}, " one\n \n two\n three", false, false},
		{"string.rs:test_striptags#1", Striptags, "<b>Joel</b> <button>is</button> a <span>slug</span>", nil, "Joel is a slug", false, false},
		{"string.rs:test_striptags#2", Striptags, "<p>just a small   \\n <a href=\"x\"> example</a> link</p>\\n<p>to a webpage</p><!-- <p>and some commented stuff</p> -->", nil, "just a small   \\n  example link\\nto a webpage", false, false},
		{"string.rs:test_striptags#3", Striptags, "<p>See: &#39;&eacute; is an apostrophe followed by e acute</p>", nil, "See: &#39;&eacute; is an apostrophe followed by e acute", false, false},
		{"string.rs:test_striptags#4", Striptags, "<adf>a", nil, "a", false, false},
		{"string.rs:test_striptags#5", Striptags, "</adf>a", nil, "a", false, false},
		{"string.rs:test_striptags#6", Striptags, "<asdf><asdf>e", nil, "e", false, false},
		{"string.rs:test_striptags#7", Striptags, "hi, <f x", nil, "hi, <f x", false, false},
		{"string.rs:test_striptags#8", Striptags, "234<235, right?", nil, "234<235, right?", false, false},
		{"string.rs:test_striptags#9", Striptags, "a4<a5 right?", nil, "a4<a5 right?", false, false},
		{"string.rs:test_striptags#10", Striptags, "b7>b2!", nil, "b7>b2!", false, false},
		{"string.rs:test_striptags#11", Striptags, "</fe", nil, "</fe", false, false},
		{"string.rs:test_striptags#12", Striptags, "<x>b<y>", nil, "b", false, false},
		{"string.rs:test_striptags#13", Striptags, "a<p a >b</p>c", nil, "abc", false, false},
		{"string.rs:test_striptags#14", Striptags, "d<a:b c:d>e</p>f", nil, "def", false, false},
		{"string.rs:test_striptags#15", Striptags, "<strong>foo</strong><a href=\"http://example.com\">bar</a>", nil, "foobar", false, false},
		{"string.rs:test_spaceless#1", Spaceless, "<p>\n<a>test</a>\r\n </p>", nil, "<p><a>test</a></p>", false, false},
		{"string.rs:test_spaceless#2", Spaceless, "<p>\n<a> </a>\r\n </p>", nil, "<p><a></a></p>", false, false},
		{"string.rs:test_spaceless#3", Spaceless, "<p> </p>", nil, "<p></p>", false, false},
		{"string.rs:test_spaceless#4", Spaceless, "<p> <a>", nil, "<p><a>", false, false},
		{"string.rs:test_spaceless#5", Spaceless, "<p> test</p>", nil, "<p> test</p>", false, false},
		{"string.rs:test_spaceless#6", Spaceless, "<p>\r\n</p>", nil, "<p></p>", false, false},
		{"string.rs:test_xml_escape#1", EscapeXML, "hey-&-ho", nil, "hey-&amp;-ho", false, false},
		{"string.rs:test_xml_escape#2", EscapeXML, "hey-'-ho", nil, "hey-&apos;-ho", false, false},
		{"string.rs:test_xml_escape#3", EscapeXML, "hey-&'-ho", nil, "hey-&amp;&apos;-ho", false, false},
		{"string.rs:test_xml_escape#4", EscapeXML, "hey-&'\"-ho", nil, "hey-&amp;&apos;&quot;-ho", false, false},
		{"string.rs:test_xml_escape#5", EscapeXML, "hey-&'\"<-ho", nil, "hey-&amp;&apos;&quot;&lt;-ho", false, false},
		{"string.rs:test_xml_escape#6", EscapeXML, "hey-&'\"<>-ho", nil, "hey-&amp;&apos;&quot;&lt;&gt;-ho", false, false},
		{"string.rs:test_int_decimal_strings#1", Int, "0", nil, int64(0), false, false},
		{"string.rs:test_int_decimal_strings#2", Int, "-5", nil, int64(-5), false, false},
		{"string.rs:test_int_decimal_strings#3", Int, "9223372036854775807", nil, int64(9223372036854775807), false, false},
		{"string.rs:test_int_decimal_strings#4", Int, "0b1010", nil, int64(0), false, false},
		{"string.rs:test_int_decimal_strings#5", Int, "1.23", nil, int64(1), false, false},
		{"string.rs:test_int_others#1", Int, float64(1.23), nil, int64(1), false, false},
		{"string.rs:test_int_others#2", Int, int64(-5), nil, int64(-5), false, false},
		{"string.rs:test_int_others#3", Int, "0", map[string]any{"default": int64(5), "base": int64(2)}, int64(0), false, false},
		{"string.rs:test_int_others#4", Int, "-3", map[string]any{"default": int64(5), "base": int64(2)}, int64(5), false, false},
		{"string.rs:test_int_others#5", Int, "1010", map[string]any{"default": int64(5), "base": int64(2)}, int64(10), false, false},
		{"string.rs:test_int_others#6", Int, "0b1010", map[string]any{"default": int64(5), "base": int64(2)}, int64(10), false, false},
		{"string.rs:test_int_others#7", Int, "0xF00", map[string]any{"default": int64(5), "base": int64(2)}, int64(5), false, false},
		{"string.rs:test_int_others#8", Int, "21", map[string]any{"default": int64(-4), "base": int64(8)}, int64(17), false, false},
		{"string.rs:test_int_others#9", Int, "-3", map[string]any{"default": int64(-4), "base": int64(8)}, int64(-3), false, false},
		{"string.rs:test_int_others#10", Int, "9OO", map[string]any{"default": int64(-4), "base": int64(8)}, int64(-4), false, false},
		{"string.rs:test_int_others#11", Int, "0o567", map[string]any{"default": int64(-4), "base": int64(8)}, int64(375), false, false},
		{"string.rs:test_int_others#12", Int, "0b101", map[string]any{"default": int64(-4), "base": int64(8)}, int64(-4), false, false},
		{"string.rs:test_int_others#13", Int, "1011", map[string]any{"default": int64(0), "base": int64(16)}, int64(4113), false, false},
		{"string.rs:test_int_others#14", Int, "0xC3", map[string]any{"default": int64(0), "base": int64(16)}, int64(195), false, false},
		{"string.rs:test_int_others#15", Int, "4321", map[string]any{"default": int64(0), "base": int64(5)}, int64(586), false, false},
		{"string.rs:test_int_others#16", Int, "-100", map[string]any{"default": int64(0), "base": int64(5)}, int64(-25), false, false},
		{"string.rs:test_int_others#17", Int, "0b100", map[string]any{"default": int64(0), "base": int64(5)}, int64(0), false, false},
		{"string.rs:test_float#1", Float, "0", nil, float64(0.0), false, false},
		{"string.rs:test_float#2", Float, "-5.3", nil, float64(-5.3), false, false},
		{"string.rs:test_float#3", Float, "bad_val", map[string]any{"default": float64(3.18)}, float64(3.18), false, false},
		{"string.rs:test_float#4", Float, float64(1.23), map[string]any{"default": float64(3.18)}, float64(1.23), false, false},
		{"string.rs:test_linebreaksbr#1", Linebreaksbr, "hello world", nil, "hello world", false, false},
		{"string.rs:test_linebreaksbr#2", Linebreaksbr, "hello\nworld", nil, "hello<br>world", false, false},
		{"string.rs:test_linebreaksbr#3", Linebreaksbr, "hello\r\nworld", nil, "hello<br>world", false, false},
		{"string.rs:test_linebreaksbr#4", Linebreaksbr, "hello\n\rworld", nil, "hello<br>\rworld", false, false},
		{"string.rs:test_linebreaksbr#5", Linebreaksbr, "hello\r\n\nworld", nil, "hello<br><br>world", false, false},
		{"string.rs:test_linebreaksbr#6", Linebreaksbr, "hello<br>world\n", nil, "hello<br>world<br>", false, false},
		// test_slice builds its arguments in a helper Tera's test defines.
		{"array.rs:test_slice#1", Slice, ints(1, 2, 3, 4, 5), map[string]any{"start": int64(1)}, ints(2, 3, 4, 5), false, false},
		{"array.rs:test_slice#2", Slice, ints(1, 2, 3, 4, 5), map[string]any{"end": 2.0}, ints(1, 2), false, false},
		{"array.rs:test_slice#3", Slice, ints(1, 2, 3, 4, 5), map[string]any{"start": int64(1), "end": 2.0}, ints(2), false, false},
		{"array.rs:test_slice#4", Slice, ints(1, 2, 3, 4, 5), map[string]any{"end": -2.0}, ints(1, 2, 3), false, false},
		{"array.rs:test_slice#5", Slice, ints(1, 2, 3, 4, 5), nil, ints(1, 2, 3, 4, 5), false, false},
		{"array.rs:test_slice#6", Slice, ints(1, 2, 3, 4, 5), map[string]any{"start": int64(3), "end": 1.0}, []any{}, false, false},
		{"array.rs:test_slice#7", Slice, ints(1, 2, 3, 4, 5), map[string]any{"start": int64(9)}, []any{}, false, false},
		// test_split compares the items one by one.
		{"string.rs:test_split#1", Split, "a/b/cde", map[string]any{"pat": "/"}, []any{"a", "b", "cde"}, false, false},
		{"string.rs:test_split#2", Split, "hello\nworld", map[string]any{"pat": "\n"}, []any{"hello", "world"}, false, false},
		{"string.rs:test_split#3", Split, "hello, world", map[string]any{"pat": ", "}, []any{"hello", "world"}, false, false},
		// date_rfc3339 formats Local::now(); a fixed time stands in for it.
		{"common.rs:date_rfc3339", Date, "2016-12-26T02:47:33+01:00", nil, "2016-12-26", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.f(tt.in, tt.args)
			switch {
			case tt.wantErr:
				if err == nil {
					t.Fatalf("got %#v, want an error", got)
				}
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("error %v is not an *Error", err)
				}
			case err != nil:
				t.Fatalf("error: %v", err)
			case tt.anyOK:
			case !Equal(got, tt.want):
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func ints(ns ...int64) []any {
	out := make([]any, len(ns))
	for i, n := range ns {
		out[i] = n
	}
	return out
}

type testFunc func(any, []any) (bool, error)

// TestTestsFromTera runs the expectations of Tera's src/builtins/testers.rs.
func TestTestsFromTera(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		f       testFunc
		in      any
		args    []any
		want    bool
		wantErr bool
	}{
		{"testers.rs:test_divisible_by#1", Divisibleby, float64(1.0), []any{float64(2.0)}, false, false},
		{"testers.rs:test_divisible_by#2", Divisibleby, float64(4.0), []any{float64(2.0)}, true, false},
		{"testers.rs:test_divisible_by#3", Divisibleby, float64(4.0), []any{float64(2.1)}, false, false},
		{"testers.rs:test_divisible_by#4", Divisibleby, float64(10.0), []any{float64(2.0)}, true, false},
		{"testers.rs:test_divisible_by#5", Divisibleby, float64(10.0), []any{float64(0.0)}, false, false},
		{"testers.rs:test_iterable#1", Iterable, []any{"1"}, []any{}, true, false},
		{"testers.rs:test_iterable#2", Iterable, int64(1), []any{}, false, false},
		{"testers.rs:test_iterable#3", Iterable, "hello", []any{}, false, false},
		{"testers.rs:test_object#1", Object, map[string]any{"a": int64(1)}, []any{}, true, false},
		{"testers.rs:test_object#2", Object, int64(1), []any{}, false, false},
		{"testers.rs:test_object#3", Object, "hello", []any{}, false, false},
		{"testers.rs:test_starting_with#1", StartingWith, "helloworld", []any{"hello"}, true, false},
		{"testers.rs:test_starting_with#2", StartingWith, "hello", []any{"hi"}, false, false},
		{"testers.rs:test_ending_with#1", EndingWith, "helloworld", []any{"world"}, true, false},
		{"testers.rs:test_ending_with#2", EndingWith, "hello", []any{"hi"}, false, false},
		{"testers.rs:test_containing#1", Containing, "hello world", []any{"hel"}, true, false},
		{"testers.rs:test_containing#2", Containing, "hello world", []any{"hol"}, false, false},
		{"testers.rs:test_containing#3", Containing, []any{int64(1), int64(2), int64(3)}, []any{int64(3)}, true, false},
		{"testers.rs:test_containing#4", Containing, []any{int64(1), int64(2), int64(3)}, []any{int64(4)}, false, false},
		{"testers.rs:test_containing#5", Containing, map[string]any{"hey": int64(1)}, []any{"hey"}, true, false},
		{"testers.rs:test_containing#6", Containing, map[string]any{"hey": int64(1)}, []any{"ho"}, false, false},
		{"testers.rs:test_matching#1", Matching, "abc", []any{"b"}, true, false},
		{"testers.rs:test_matching#2", Matching, "abc", []any{"^b$"}, false, false},
		{"testers.rs:test_matching#3", Matching, "Hello, World!", []any{"(?i)(hello\\W\\sworld\\W)"}, true, false},
		{"testers.rs:test_matching#4", Matching, "The date was 2018-06-28", []any{"\\d{4}-\\d{2}-\\d{2}$"}, true, false},
		{"testers.rs:test_matching#5", Matching, "", []any{"(Invalid regex"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.f(tt.in, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}
