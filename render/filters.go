package render

import (
	"reflect"

	"github.com/hushflow/hushflow/render/internal/tera"

	"github.com/flosch/pongo2/v6"
)

// This file is the one table of filters: everything the engine knows about
// a filter stands in its entry, and adding a filter adds an entry.

// dialect is the syntax a filter entry serves. A filter written
// name(key=value) is Tera's; name:arg is Django's; a bare name is Tera's
// where Tera has a filter of that name, else Django's.
type dialect uint8

const (
	djangoSyntax dialect = 1 << iota
	teraSyntax
)

// filterFunc applies a filter to in with the arguments: Tera's named ones
// in the order of the entry's kwargs (one left out is absentArg), or
// Django's one argument. The result carries its origin and taint; most
// filters give derived(result, in, args...).
type filterFunc func(c *filterCall, in value, args []value) (value, error)

type filterDef struct {
	name    string
	dialect dialect
	// kwargs are Tera's named arguments in the order fn receives them;
	// Django's one argument is the first. required must be given.
	kwargs, required []string
	fn               filterFunc
	// work bounds the memory the filter allocates: about work bytes per
	// byte of its input and arguments (measured by TestFilterWork). An
	// input that would take more than Limits.MaxOutput is refused before the
	// filter runs.
	work int
	// sized: the argument sets the size of the result (ljust:1000000), so
	// it must be a number literal from -maxFilterSize to maxFilterSize.
	sized bool
	// pattern: the argument becomes a pattern (a regular expression), so
	// it must be the template's own text, never data.
	pattern bool
	// size, when not nil, bounds the bytes of the result from the input
	// and the arguments that set it (join's sep, replace's to), checked
	// against Limits.MaxOutput before the filter runs.
	size func(in value, args []value) int
	// refused says why templates may not use the filter.
	refused string
}

// filterCall is one application of a filter.
type filterCall struct {
	x   *execution
	f   *filterExpr
	def *filterDef
}

// absentArg is the value of a named argument a Tera call left out.
type absentValue struct{}

var absentArg = value{v: absentValue{}}

func isAbsent(v value) bool { _, ok := v.v.(absentValue); return ok }

// pongo2Filters are Django's filters as pongo2 implements them, with the
// memory each allocates per byte of input, as TestFilterWork measures it.
var pongo2Filters = []struct {
	name string
	work int
}{
	{"escape", 13}, {"e", 13}, {"safe", 1}, {"escapejs", 32}, {"add", 3}, {"addslashes", 5}, {"capfirst", 6},
	{"center", 4}, {"cut", 4}, {"date", 2}, {"default", 1}, {"default_if_none", 1}, {"divisibleby", 1},
	{"first", 8}, {"floatformat", 2}, {"get_digit", 2}, {"iriencode", 16}, {"last", 12}, {"length", 4},
	{"length_is", 4}, {"linebreaks", 21}, {"linebreaksbr", 8}, {"linenumbers", 64}, {"ljust", 6}, {"lower", 4},
	{"make_list", 20}, {"phone2numeric", 4}, {"pluralize", 2}, {"removetags", 8}, {"rjust", 6},
	{"slice", 18}, {"split", 17}, {"striptags", 8}, {"time", 2}, {"title", 8}, {"truncatechars", 8},
	{"truncatewords", 20}, {"upper", 4},
	{"urlencode", 6}, {"urlize", 80}, {"urlizetrunc", 80}, {"wordcount", 8}, {"wordwrap", 20}, {"yesno", 2},
	{"float", 1}, {"integer", 1},
}

// ownFilters are the filters the engine implements itself: vals, Tera's
// filters, and those whose result size it must bound before building it.
var ownFilters = []filterDef{
	{name: "vals", dialect: djangoSyntax | teraSyntax, fn: valsFilter, work: 2},
	{name: "shell_words", dialect: djangoSyntax | teraSyntax, fn: shellWordsFilter, work: 6},
	{name: "default", dialect: teraSyntax, kwargs: []string{"value"}, required: []string{"value"}, fn: teraDefault, work: 1},
	{name: "stringformat", dialect: djangoSyntax, refused: "its format can ask for any width, or take it from the data"},
	{name: "random", dialect: djangoSyntax, refused: "a render must give the same output twice"},
	{name: "truncatechars_html", dialect: djangoSyntax, refused: "it is an HTML tool, and its work grows with the square of its input"},
	{name: "truncatewords_html", dialect: djangoSyntax, refused: "it is an HTML tool, and its work grows with the square of its input"},
}

// The filters whose argument sets the size of their result, and those
// whose argument is a pattern.
var (
	sizedFilters   = map[string]bool{"center": true, "ljust": true, "rjust": true, "floatformat": true}
	patternFilters = map[string]bool{"removetags": true}
)

const maxFilterSize = 1000

// filterTable maps a dialect and a name to its entry.
type filterKey struct {
	name    string
	dialect dialect
}

var filterTable = buildFilterTable()

func buildFilterTable() map[filterKey]*filterDef {
	t := map[filterKey]*filterDef{}
	add := func(d *filterDef) {
		for _, dl := range []dialect{djangoSyntax, teraSyntax} {
			if d.dialect&dl != 0 {
				t[filterKey{d.name, dl}] = d
			}
		}
	}
	for _, p := range pongo2Filters {
		add(&filterDef{name: p.name, dialect: djangoSyntax, kwargs: []string{"arg"}, fn: pongo2Filter(p.name), work: p.work,
			sized: sizedFilters[p.name], pattern: patternFilters[p.name]})
	}
	for i := range ownFilters {
		add(&ownFilters[i])
	}
	for i := range teraFilters {
		add(&teraFilters[i])
	}
	return t
}

// lookupFilter finds the entry f is written for: Tera's for name(...) and
// a bare name Tera has, Django's for name:arg and the other bare names.
func lookupFilter(f *filterExpr) *filterDef {
	if !f.colon {
		if d := filterTable[filterKey{f.name, teraSyntax}]; d != nil {
			return d
		}
	}
	return filterTable[filterKey{f.name, djangoSyntax}]
}

// pongo2Filter runs pongo2's filter name.
func pongo2Filter(name string) filterFunc {
	return func(c *filterCall, in value, args []value) (value, error) {
		param := pongo2.AsValue(nil)
		from := []value{in}
		if len(args) > 0 && !isAbsent(args[0]) {
			param = pongo2.AsValue(plain(args[0].v))
			from = append(from, args[0])
		}
		out, perr := pongo2.ApplyFilter(name, pongo2.AsValue(plain(in.v)), param)
		if perr != nil {
			// pongo2's messages may quote the value: only the name is kept.
			return value{}, &Error{Kind: ErrExec, Detail: "the filter " + name + " refused its input or argument"}
		}
		res := norm(out.Interface())
		if name == "add" && len(from) == 2 {
			return addOrigin(res, in, from[1]), nil
		}
		return derived(res, from...), nil
	}
}

// addOrigin keeps, for pongo2's add on strings, where each part came from.
func addOrigin(res any, l, r value) value {
	out := derived(res, l, r)
	ls, rs := textOf(l.v), textOf(r.v)
	if s, ok := res.(string); ok && s == ls+rs {
		out.org = origin{}
		spans := l.org.appendShifted(nil, 0, len(ls))
		spans = r.org.appendShifted(spans, len(ls), len(rs))
		if len(spans) > 0 {
			out.org = origin{spans: spans}
		}
	}
	return out
}

// plain is what pongo2 gets for a value.
func plain(v any) any {
	switch v.(type) {
	case undefinedValue, absentValue:
		return nil
	}
	return v
}

// applyFilter runs one filter application, within the call's budgets.
func (x *execution) applyFilter(f *filterExpr, in value) (value, error) {
	def := f.def
	if def.name != "vals" {
		// vals hands the context to the resolver, whose error names the reference.
		if err := x.stopped(f.off); err != nil {
			return value{}, err
		}
	}
	args, err := x.filterArgs(f, def)
	if err != nil {
		return value{}, err
	}
	if err := x.affords(f, def, in, args); err != nil {
		return value{}, err
	}
	out, err := def.fn(&filterCall{x: x, f: f, def: def}, in, args)
	if err != nil {
		e, ok := err.(*Error)
		if !ok {
			e = &Error{Kind: ErrExec, Detail: "the filter " + f.name + " failed"}
		}
		return value{}, x.fail(f.off, e)
	}
	if err := x.fits(f.off, out.v); err != nil {
		return value{}, err
	}
	return out, nil
}

// filterArgs evaluates the arguments of f: Tera's in the order of the
// entry's kwargs, or Django's one.
func (x *execution) filterArgs(f *filterExpr, def *filterDef) ([]value, error) {
	if f.colon {
		args := make([]value, len(f.args))
		for i, a := range f.args {
			v, err := x.eval(a)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
		return args, nil
	}
	if len(f.kwargs) == 0 {
		return nil, nil
	}
	args := make([]value, len(def.kwargs))
	for i, name := range def.kwargs {
		args[i] = absentArg
		for _, kw := range f.kwargs {
			if kw.name == name {
				v, err := x.eval(kw.val)
				if err != nil {
					return nil, err
				}
				args[i] = v
			}
		}
	}
	return args, nil
}

// affords checks a filter call before it runs: the size of its input and
// arguments, and the memory the filter would need for them (its work
// factor times their bytes); and that a pattern argument is the
// template's own text.
func (x *execution) affords(f *filterExpr, def *filterDef, in value, args []value) error {
	if err := x.fits(f.off, in.v); err != nil {
		return err
	}
	n := x.size(in)
	for _, a := range args {
		if def.pattern && a.org.hasData() {
			return x.fail(f.off, &Error{Kind: ErrUntrusted, Detail: "the argument of " + f.name + " is a pattern, which only the template's text may write"})
		}
		n += x.size(a)
	}
	limit := x.engine.cfg.limits.MaxOutput
	if n > limit {
		return x.tooLarge(f.off, "a filter would take a value over %d bytes (Limits.MaxOutput)", limit)
	}
	if k := max(def.work, 1); k*n > limit {
		return x.tooLarge(f.off, "%s needs about %d bytes of memory for %d bytes of input, over %d (Limits.MaxOutput)", f.name, k*n, n, limit)
	}
	if def.size != nil && def.size(in, args) > limit {
		return x.tooLarge(f.off, "%s would make a value over %d bytes (Limits.MaxOutput)", f.name, limit)
	}
	return nil
}

// sizeOf is how many bytes a value counts for the budgets: a string its
// length; a number, boolean or null 8; a list, map or struct 16 bytes an
// item plus what its items (and keys) count, so that nesting multiplies;
// a []byte (json.RawMessage) its length. It stops counting as soon as the
// count passes limit (and returns a count over it), so a value that names
// one list many times over, or a cycle of the host's pointers, costs at
// most limit/8 steps to measure.
func sizeOf(v any, limit int) int {
	n := 0
	addSize(v, limit, &n)
	return n
}

func addSize(v any, limit int, n *int) {
	if *n > limit {
		return
	}
	switch x := v.(type) {
	case string:
		*n += len(x)
		return
	case nil, bool, int64, float64, int, undefinedValue, absentValue:
		*n += 8
		return
	case []any:
		for _, e := range x {
			*n += 16
			if addSize(e, limit, n); *n > limit {
				return
			}
		}
		*n += 16
		return
	case map[string]any:
		for k, e := range x {
			*n += 16 + len(k)
			if addSize(e, limit, n); *n > limit {
				return
			}
		}
		*n += 16
		return
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			*n += 8
			return
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.String:
		*n += rv.Len()
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			*n += 16 + rv.Len()
			return
		}
		*n += 16
		for i := range rv.Len() {
			*n += 16
			if addSize(rv.Index(i).Interface(), limit, n); *n > limit {
				return
			}
		}
	case reflect.Map:
		*n += 16
		for it := rv.MapRange(); it.Next(); {
			*n += 16
			addSize(it.Key().Interface(), limit, n)
			if addSize(it.Value().Interface(), limit, n); *n > limit {
				return
			}
		}
	case reflect.Struct:
		*n += 16
		t := rv.Type()
		for i := range rv.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			*n += 16
			if addSize(rv.Field(i).Interface(), limit, n); *n > limit {
				return
			}
		}
	default:
		*n += 8
	}
}

// size is what v counts (sizeOf), up to just over Limits.MaxOutput; a list
// literal's value carries its count, so a list named again is not walked
// again.
func (x *execution) size(v value) int {
	if v.sized {
		return v.size
	}
	return sizeOf(v.v, x.engine.cfg.limits.MaxOutput)
}

// fits checks a value a filter takes or makes against Limits.MaxOutput.
func (x *execution) fits(off int, v any) error {
	if limit := x.engine.cfg.limits.MaxOutput; sizeOf(v, limit) > limit {
		return x.tooLarge(off, "a filter would take or make a value over %d bytes (Limits.MaxOutput)", limit)
	}
	return nil
}

// argText returns argument i as text, or def when it is absent or null.
func argText(args []value, i int, def string) string {
	if i >= len(args) || isAbsent(args[i]) || args[i].v == nil {
		return def
	}
	return textOf(args[i].v)
}

// testDef is one of Tera's tests: how many arguments it takes, and what it
// answers.
type testDef struct {
	args    int
	pattern bool // the argument is a pattern: the template's own text only
	fn      func(v any, args []value) (bool, error)
}

// testTable holds Tera's tests ("x is name(args)"), from package tera.
// defined and undefined look a variable up and are the evaluator's.
var testTable = map[string]testDef{
	"defined":       {},
	"undefined":     {},
	"none":          teraTest(tera.None, 0),
	"string":        teraTest(tera.String, 0),
	"number":        teraTest(tera.Number, 0),
	"odd":           teraTest(tera.Odd, 0),
	"even":          teraTest(tera.Even, 0),
	"iterable":      teraTest(tera.Iterable, 0),
	"object":        teraTest(tera.Object, 0),
	"divisibleby":   teraTest(tera.Divisibleby, 1),
	"starting_with": teraTest(tera.StartingWith, 1),
	"ending_with":   teraTest(tera.EndingWith, 1),
	"containing":    teraTest(tera.Containing, 1),
	"matching":      patternTest(teraTest(tera.Matching, 1)),
}

func patternTest(d testDef) testDef { d.pattern = true; return d }

func teraTest(fn func(any, []any) (bool, error), args int) testDef {
	return testDef{args: args, fn: func(v any, args []value) (bool, error) {
		in := make([]any, len(args))
		for i, a := range args {
			in[i] = jsonModel(a.v, DefaultLimits().MaxDepth)
		}
		ok, err := fn(jsonModel(v, DefaultLimits().MaxDepth), in)
		if err != nil {
			// Tera's errors name the test and argument, never a value.
			return false, &Error{Kind: ErrExec, Detail: err.Error()}
		}
		return ok, nil
	}}
}
