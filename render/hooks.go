package render

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/flosch/pongo2/v6"
)

// The functions below are what the emitted template (emit.go) calls; each
// takes the number of its construct in the template's plan. pongo2 cannot
// be interrupted, so they are where a render stops: each checks the call's
// context, and the loops and macro calls count against the call's budget.

// stopped returns the failure for a call whose context is done, or nil.
func (b *binding) stopped(s site) *pongo2.Error {
	if err := b.ctx.Err(); err != nil {
		return b.x.failAt(s, &Error{Kind: ErrExec, Detail: "the render was stopped", Err: err})
	}
	return nil
}

func (b *binding) tooLarge(s site, format string, args ...any) *pongo2.Error {
	return b.x.failAt(s, &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf(format, args...)})
}

// count adds n printed bytes to the call's total.
func (b *binding) count(s site, n int) *pongo2.Error {
	b.produced += n
	if limit := b.engine.cfg.maxOutput.n; b.produced > limit {
		return b.tooLarge(s, "the render prints more than %d bytes (WithMaxOutput)", limit)
	}
	return nil
}

// Out prints the value of output n: formatted (format.go), counted, taught
// to the Secrets set when it derives from a secret (taint.go), marked as
// data inside a {% filter %} that resolves references (trust.go).
func (b *binding) Out(n, _ int, v *pongo2.Value) (*pongo2.Value, error) {
	x := b.x
	o := &x.t.plan.outputs[n]
	if err := b.stopped(o.site); err != nil {
		return nil, err
	}
	if x.capture && n == 0 {
		x.value = v.Interface()
	}
	s := text(v)
	if err := b.count(o.site, len(s)); err != nil {
		return nil, err
	}
	if b.engine.cfg.secrets != nil && b.tainted(o.taint) {
		b.derive(v.Interface(), s)
	}
	if o.inVals && !x.trusts(o.auth) {
		s = markData(s)
	}
	return pongo2.AsSafeValue(s), nil
}

// Check is called before output n is evaluated. It fails when a variable
// the output reads does not exist. It takes the execution context to see
// what tags define (loop variables, set, with, macro arguments) as well as
// the call's variables.
func (b *binding) Check(ec *pongo2.ExecutionContext, n int) (int, error) {
	o := &b.x.t.plan.outputs[n]
	if err := b.stopped(o.site); err != nil {
		return n, err
	}
	if e := b.checkPaths(o.paths, ec.Private, ec.Public); e != nil {
		return n, b.x.fail(e)
	}
	return n, nil
}

// checkAll checks every output of a tagless template before it runs: there
// is nothing to skip an output, and only the call's variables (and pongo2's
// own "pongo2") are in scope.
func (b *binding) checkAll() *Error {
	for i := range b.x.t.plan.outputs {
		if e := b.checkPaths(b.x.t.plan.outputs[i].paths, nil, b.pctx); e != nil {
			return e
		}
	}
	return nil
}

// Seq hands loop n what it iterates over: a map's sorted keys when the loop
// takes one variable (pongo2 would go through them in random order), and
// fails at once when the loop could not finish within the call's budget.
func (b *binding) Seq(n int, v *pongo2.Value) (*pongo2.Value, error) {
	l := &b.x.t.plan.loops[n]
	if err := b.stopped(l.site); err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(v.Interface())
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.String:
		if limit := b.engine.cfg.maxIterations.n; b.iterations+rv.Len() > limit {
			return nil, b.tooLarge(l.site, "the loop runs more than %d iterations in all (WithMaxIterations)", limit)
		}
	}
	if m, ok := v.Interface().(map[string]any); ok && l.keysOnly {
		return pongo2.AsValue(slices.Sorted(maps.Keys(m))), nil
	}
	return v, nil
}

// Iter starts an iteration of loop n.
func (b *binding) Iter(n int) (string, error) {
	l := &b.x.t.plan.loops[n]
	if err := b.stopped(l.site); err != nil {
		return "", err
	}
	b.iterations++
	if limit := b.engine.cfg.maxIterations.n; b.iterations > limit {
		return "", b.tooLarge(l.site, "the loops run more than %d iterations in all (WithMaxIterations)", limit)
	}
	if err := b.count(l.site, l.textBytes); err != nil {
		return "", err
	}
	return "", nil
}

// macroFunc is what pongo2's macro tag puts in the execution context.
type macroFunc = func(args ...*pongo2.Value) (*pongo2.Value, error)

// Call calls the macro of call site n, within the call's budgets of depth
// and calls. (The parser refuses a macro that calls itself; this is the
// guard for what it cannot see.)
func (b *binding) Call(ec *pongo2.ExecutionContext, n int, args ...*pongo2.Value) (*pongo2.Value, error) {
	c := &b.x.t.plan.calls[n]
	if err := b.stopped(c.site); err != nil {
		return nil, err
	}
	v, ok := ec.Private[c.name]
	if !ok {
		v, ok = ec.Public[c.name]
	}
	f, isMacro := v.(macroFunc)
	if !isMacro {
		e := &Error{Kind: ErrExec, Detail: c.name + " is not a macro"}
		if !ok {
			e.Kind, e.Name, e.Detail = ErrUndefined, c.name, "no macro of this name is defined before this call"
		}
		return nil, b.x.failAt(c.site, e)
	}
	b.iterations++
	if limit := b.engine.cfg.maxIterations.n; b.iterations > limit {
		return nil, b.tooLarge(c.site, "the template runs more than %d loop iterations and macro calls (WithMaxIterations)", limit)
	}
	if b.depth >= b.engine.cfg.maxDepth.n {
		return nil, b.tooLarge(c.site, "macro calls nest deeper than %d (WithMaxDepth)", b.engine.cfg.maxDepth.n)
	}
	b.depth++
	defer func() { b.depth-- }()
	return f(args...)
}

// Cat joins the texts of a concatenation's items (Tera's ~).
func (b *binding) Cat(n int, items ...*pongo2.Value) (*pongo2.Value, error) {
	c := &b.x.t.plan.cats[n]
	parts := make([]string, len(items))
	size := 0
	for i, it := range items {
		parts[i] = text(it)
		size += len(parts[i])
	}
	if limit := b.engine.cfg.maxOutput.n; size > limit {
		return nil, b.tooLarge(c.site, "a string would be longer than %d bytes (WithMaxOutput)", limit)
	}
	b.x.noteCat(n, parts)
	return pongo2.AsValue(strings.Join(parts, "")), nil
}

// Plus is pongo2's +: strings join (within WithMaxOutput), numbers add, as
// floats when either is one.
func (b *binding) Plus(n int, l, r *pongo2.Value) (*pongo2.Value, error) {
	switch {
	case l.IsString() || r.IsString():
		ls, rs := text(l), text(r)
		if limit := b.engine.cfg.maxOutput.n; len(ls)+len(rs) > limit {
			return nil, b.tooLarge(b.x.t.plan.plus[n], "a string would be longer than %d bytes (WithMaxOutput)", limit)
		}
		return pongo2.AsValue(ls + rs), nil
	case l.IsFloat() || r.IsFloat():
		return pongo2.AsValue(l.Float() + r.Float()), nil
	}
	return pongo2.AsValue(l.Integer() + r.Integer()), nil
}

// Lit returns text n of the plan's table.
func (b *binding) Lit(n int) *pongo2.Value { return pongo2.AsSafeValue(b.x.t.plan.lits[n]) }

// Defined reports whether the variable of test n exists (Tera's "is
// defined"), or does not ("is undefined"), looked up as pongo2 would.
func (b *binding) Defined(ec *pongo2.ExecutionContext, n int) bool {
	t := &b.x.t.plan.tests[n]
	exists := b.resolvePath(t.path, ec.Private, ec.Public)
	return exists == (t.name == "defined") != t.negate
}

// Test runs one of Tera's other tests.
func (b *binding) Test(n int, v *pongo2.Value, args ...*pongo2.Value) bool {
	t := &b.x.t.plan.tests[n]
	var r bool
	switch t.name {
	case "none":
		r = v.IsNil()
	case "string":
		r = v.IsString()
	case "number":
		r = v.IsNumber()
	case "odd":
		r = v.IsNumber() && v.Integer()%2 != 0
	case "even":
		r = v.IsNumber() && v.Integer()%2 == 0
	case "iterable":
		k := reflect.ValueOf(v.Interface()).Kind()
		r = k == reflect.Slice || k == reflect.Array
	case "object":
		r = reflect.ValueOf(v.Interface()).Kind() == reflect.Map
	case "divisibleby":
		r = args[0].Integer() != 0 && v.Integer()%args[0].Integer() == 0
	case "starting_with":
		r = strings.HasPrefix(text(v), text(args[0]))
	case "ending_with":
		r = strings.HasSuffix(text(v), text(args[0]))
	case "containing":
		r = v.Contains(args[0])
	}
	return r != t.negate
}
