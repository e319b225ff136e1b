// Package tera holds Tera 1.x's builtin filters and tests as pure Go
// functions, with Tera's argument names, Tera's results and Tera's errors,
// so that render's evaluator gives a Tera template the meaning its author
// read in Tera's documentation.
//
// # Values
//
// Every function works on plain Go values, the JSON model Tera itself uses
// (serde_json's Value):
//
//	nil                 null
//	bool                true, false
//	int64               an integer (Tera's i64 and u64; u64 above MaxInt64 is not kept)
//	float64             a float; 1.0 stays a float, as in serde_json
//	string              a string
//	[]any               an array
//	map[string]any      an object
//
// The caller converts its own values first, once per render: FromGo does it
// for ordinary Go values (int, uint8, float32, json.Number, time.Time,
// typed slices and maps, pointers); a function given any other type fails
// with ErrType. An integer
// and a float are different values here as they are in serde_json: 1 and
// 1.0 are not equal (the filter filter and the containing test compare so),
// a float is refused where Tera wants an integer (truncate's length, nth's
// n), and results keep Tera's kind (round always gives a float, length an
// integer).
//
// # Filters and tests
//
// A filter is a func(in any, args map[string]any) (any, error): in is the
// value before the pipe, args the keyword arguments by Tera's names. Each
// filter F has a companion FArgs() naming its arguments and whether each is
// required, so the evaluator can check a call when the template is parsed;
// the filter checks again when it runs, as Tera does. A test is a func(in
// any, args []any) (bool, error) with positional arguments.
//
// The package lists no filters: render's one filter table refers to these
// functions by name. defined and undefined are not here (they need to know
// whether a variable exists, which only the evaluator does), nor are safe
// (render never escapes), the global functions (range, now, get_env, ...)
// and date's locale= (Tera's optional date-locale feature).
//
// # Errors
//
// Every error is an *Error naming the filter or test, the argument ("value"
// for the input) and what was wanted, and wraps one of ErrType,
// ErrMissingArg or ErrInvalid for errors.Is. No error holds a value: not
// the input, not an argument, not a part of either, so a secret that reaches
// a filter never reaches a log through its error.
//
// # Where Go's libraries differ from Tera's Rust ones
//
//   - matching uses Go's regexp (RE2 syntax, linear time). Rust's regex
//     crate and RE2 agree on most syntax; where they differ (\w, \d and \b
//     are Unicode-aware in Rust, ASCII in Go) the pattern means what Go says.
//     Patterns longer than MaxPatternLen are refused.
//   - truncate counts extended grapheme clusters with github.com/rivo/uniseg,
//     as Tera does with unicode-segmentation: "👨‍👩‍👧‍👦" is one.
//   - slugify transliterates with github.com/gosimple/unidecode (Tera: the
//     deunicode crate); tables of the two can differ for rare characters.
//   - upper, lower, capitalize and title use full Unicode case mapping
//     (golang.org/x/text/cases: "ß" upper is "SS"), as Rust's String does.
//   - date formats with chrono's strftime specifiers, implemented here. Its
//     timezone= takes "UTC", a fixed offset ("+02:00", "-0800") or an IANA
//     name, which Go's time.LoadLocation resolves from the system's zoneinfo
//     or from time/tzdata if the program imports it; a name it cannot load is
//     an error, as an unknown one is in Tera.
package tera
