package render

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/flosch/pongo2/v6"
)

// Every filter of a template runs through dispatchFilter, the one filter
// this package registers in pongo2 (see emit.go): its parameter is a
// filterCall, made by the emitted template's __hushflow.A(N, args...), which
// brings the call's binding, the filter's site in the plan and its
// arguments. That is where the engine checks sizes, follows where a value
// came from for | vals, and runs its own filters (Tera's, and vals).

type filterCall struct {
	b    *binding
	site int
	args []*pongo2.Value
}

// A is __hushflow.A: it evaluates to the filterCall of site n.
func (b *binding) A(n int, args ...*pongo2.Value) *filterCall {
	return &filterCall{b: b, site: n, args: args}
}

var errOutsideEngine = errors.New("this filter works only in templates rendered by hushflow's render.Engine")

func dispatchFilter(in, param *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	fc, ok := param.Interface().(*filterCall)
	if !ok || fc == nil {
		return nil, &pongo2.Error{Sender: "filter:" + filterName, OrigError: errOutsideEngine}
	}
	return fc.b.filter(fc, in)
}

// filterSpec is a filter the engine implements itself.
type filterSpec struct {
	// kwargs are Tera's named arguments, in the order impl receives them
	// (an argument left out arrives as the absent value); required must be
	// given.
	kwargs, required []string
	// django: the engine's implementation also serves "name:arg", whose
	// argument is the first of kwargs. Otherwise that form is pongo2's
	// filter of the same name (Django's default, say, which differs from
	// Tera's).
	django bool
	impl   func(b *binding, fs *filterSite, in *pongo2.Value, args []*pongo2.Value) (*pongo2.Value, *Error)
}

// ownFilters are the filters the engine implements: vals, Tera's filters
// that pongo2 lacks or spells otherwise, and join and split, whose output
// size the engine must bound before building it.
var ownFilters = map[string]*filterSpec{
	"vals":        {django: true, impl: valsFilter},
	"default":     {kwargs: []string{"value"}, required: []string{"value"}, impl: teraDefault},
	"join":        {kwargs: []string{"sep"}, django: true, impl: joinFilter},
	"split":       {kwargs: []string{"pat"}, required: []string{"pat"}, django: true, impl: splitFilter},
	"replace":     {kwargs: []string{"from", "to"}, required: []string{"from", "to"}, django: true, impl: replaceFilter},
	"truncate":    {kwargs: []string{"length", "end"}, django: true, impl: truncateFilter},
	"round":       {kwargs: []string{"method", "precision"}, django: true, impl: roundFilter},
	"json_encode": {kwargs: []string{"pretty"}, django: true, impl: jsonEncodeFilter},
	"trim":        {django: true, impl: trimFilter},
	"trim_start":  {django: true, impl: trimFilter},
	"trim_end":    {django: true, impl: trimFilter},
	"capitalize":  {django: true, impl: capitalizeFilter},
}

// filter runs one filter application.
func (b *binding) filter(fc *filterCall, in *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	x := b.x
	fs := &x.t.plan.filters[fc.site]
	b.filterCalls++
	if fs.prev < 0 && fs.block >= 0 {
		in = x.unmarkBlock(fs, in)
	}
	if err := b.admits(fs, in); err != nil {
		return nil, err
	}
	var prov provenance
	if fs.track {
		prov = x.inputProvenance(fs, in)
	}
	var out *pongo2.Value
	var e *Error
	switch {
	case fs.name == "vals":
		out, e = b.vals(fs, in, prov)
	case fs.spec != nil:
		out, e = fs.spec.impl(b, fs, in, fc.args)
	default:
		param := pongo2.AsValue(nil)
		if len(fc.args) > 0 {
			param = fc.args[0]
		}
		var perr *pongo2.Error
		if out, perr = pongo2.ApplyFilter(fs.name, in, param); perr != nil {
			return nil, perr
		}
	}
	if e != nil {
		return nil, x.failAt(fs.site, e)
	}
	if err := b.fits(fs.site, out); err != nil {
		return nil, err
	}
	if fs.track {
		x.noteFilter(fc.site, fs, prov, in, fc.args, out)
	}
	if fs.last && fs.block >= 0 {
		return b.blockOutput(fs, out)
	}
	return out, nil
}

// admits checks a filter call before it runs: the call's context (a chain
// of filters in one expression runs without a tag or an output in between;
// vals hands the context to the resolver, whose error names the reference),
// the size of its input, and the memory the filter would need for it.
func (b *binding) admits(fs *filterSite, in *pongo2.Value) *pongo2.Error {
	if fs.name != "vals" {
		if err := b.stopped(fs.site); err != nil {
			return err
		}
	}
	if err := b.fits(fs.site, in); err != nil {
		return err
	}
	return b.affords(fs, in)
}

// workFactor is, for pongo2's filters that allocate many times their input
// before returning, about how many bytes they allocate per byte of input,
// measured on 1 MiB of short words, of "a.com ", of 'é' and of "<a><b>":
// urlize's regular expression 80×, the HTML truncations' tag stacks 45×,
// escapejs' fmt calls 25× (on text it escapes whole), wordwrap's and
// truncatewords' word lists 17×, make_list's and first's, last's and
// random's rune conversions 8–20×. The others stay under 8×.
var workFactor = map[string]int{
	"urlize": 80, "urlizetrunc": 80,
	"truncatechars_html": 48, "truncatewords_html": 48,
	"escapejs":  32,
	"make_list": 20, "wordwrap": 20, "truncatewords": 20,
	"iriencode": 16,
	"random":    12, "last": 12, "first": 8, "wordcount": 8, "linebreaks": 8,
}

// affords refuses an input that would make a filter of workFactor allocate
// more than WithMaxOutput bytes. It bounds the filter's time too: urlize
// takes about 0.4 s a MiB, so the default budget lets it run ~80 ms.
func (b *binding) affords(fs *filterSite, in *pongo2.Value) *pongo2.Error {
	k := workFactor[fs.name]
	if k == 0 || fs.spec != nil {
		return nil
	}
	s, ok := in.Interface().(string)
	if !ok {
		return nil
	}
	if limit := b.engine.cfg.maxOutput.n; k*len(s) > limit {
		return b.tooLarge(fs.site, "%s needs about %d bytes of memory for this %d-byte value, over %d (WithMaxOutput)", fs.name, k*len(s), len(s), limit)
	}
	return nil
}

// fits checks a value a filter takes or makes against WithMaxOutput; a list
// or map counts 16 bytes an element.
func (b *binding) fits(s site, v *pongo2.Value) *pongo2.Error {
	limit := b.engine.cfg.maxOutput.n
	n := 0
	switch x := v.Interface().(type) {
	case string:
		n = len(x)
	default:
		switch rv := reflect.ValueOf(x); rv.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			n = 16 * rv.Len()
		}
	}
	if n > limit {
		return b.tooLarge(s, "a filter would take or make a value over %d bytes (WithMaxOutput)", limit)
	}
	return nil
}

// blockOutput is what a {% filter %} block prints: counted, taught to the
// Secrets set when its body or filters derive from a secret, and marked as
// data when it held data and sits in a block that resolves references.
func (b *binding) blockOutput(fs *filterSite, out *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	bs := &b.x.t.plan.blocks[fs.block]
	s := text(out)
	if err := b.count(bs.site, len(s)); err != nil {
		return nil, err
	}
	if b.engine.cfg.secrets != nil && b.tainted(bs.taint) {
		b.derive(out.Interface(), s)
	}
	if bs.marked && b.x.blockData[fs.block] {
		return pongo2.AsSafeValue(markData(s)), nil
	}
	return out, nil
}

// argText returns argument i of a filter as text, or def when it is absent.
func argText(args []*pongo2.Value, i int, def string) string {
	if i >= len(args) || isAbsent(args[i]) || args[i].IsNil() {
		return def
	}
	return text(args[i])
}

func argPresent(args []*pongo2.Value, i int) bool {
	return i < len(args) && !isAbsent(args[i])
}

func badArg(format string, args ...any) *Error {
	return &Error{Kind: ErrExec, Detail: fmt.Sprintf(format, args...)}
}
