package render

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/flosch/pongo2/v6"
)

// The evaluator runs the parsed tree directly. Its state for one Render or
// RenderValue call is an execution: the call's context and variables, the
// names the template binds (a stack, so that a loop's or a with's names end
// with it), and the budgets every template of the call shares. It runs on
// the calling goroutine and needs no lock; the tree it reads is shared by
// concurrent calls and never written after it is compiled.

type execution struct {
	ctx    context.Context
	engine *Engine
	vars   map[string]any
	t      *compiled // the template running now

	stack []binding // names bound by the template, innermost last
	base  int       // where the running macro's names start; names below are the caller's
	// top holds the names set at the template's top level (and by
	// set_global); frames counts the loops, withs and macro calls around
	// the running node, inside which a set is local.
	top    map[string]value
	frames int

	iterations int // loop iterations and macro calls so far
	produced   int // bytes printed so far, counted generously
	retained   int // what the values set and set_global assigned count (sizeOf), in total
	depth      int // macro calls in progress

	known   map[string]bool // taint: whether a variable path holds a known secret
	derived []string        // values derived from secrets, taught to the Secrets set by finish

	inResolver bool // a panic while true is the resolver's own, not the engine's

	shell    bool        // the template is a shell command: values go through a shell.Quoter
	capture  *outputNode // keep the value of this output (RenderValue, single expression)
	captured any
}

type binding struct {
	name string
	v    value
}

// loopState is what "forloop" (and Tera's loop) reads inside a loop.
type loopState struct {
	index, length int
	parent        *loopState
}

func (l *loopState) field(name string) (any, bool) {
	switch name {
	case "Counter":
		return int64(l.index + 1), true
	case "Counter0":
		return int64(l.index), true
	case "Revcounter":
		return int64(l.length - l.index), true
	case "Revcounter0":
		return int64(l.length - l.index - 1), true
	case "First":
		return l.index == 0, true
	case "Last":
		return l.index == l.length-1, true
	case "Parentloop":
		if l.parent != nil {
			return l.parent, true
		}
	}
	return nil, false
}

// globals are the names every template sees after the call's variables.
var globals = map[string]any{"pongo2": map[string]any{"version": pongo2.Version}}

func newExecution(ctx context.Context, e *Engine, vars map[string]any) *execution {
	return &execution{ctx: ctx, engine: e, vars: vars}
}

// finish teaches the Secrets set what the call's templates derived from
// secrets. Render and RenderValue call it before they return, whether the
// call failed or not.
func (x *execution) finish() {
	if len(x.derived) > 0 && x.engine.cfg.secrets != nil {
		x.engine.cfg.secrets.Add(x.derived...)
		x.derived = nil
	}
}

// execute runs t for the call. With capture set it also returns the value
// of the template's one expression.
func (x *execution) execute(t *compiled, capture bool) (out string, val any, err error) {
	prevT, prevStack, prevBase, prevTop, prevFrames := x.t, x.stack, x.base, x.top, x.frames
	x.t, x.stack, x.base, x.top, x.frames = t, x.stack[:0:0], 0, nil, 0
	x.capture, x.captured = nil, nil
	if capture {
		x.capture = t.single
	}
	defer func() {
		x.t, x.stack, x.base, x.top, x.frames = prevT, prevStack, prevBase, prevTop, prevFrames
		if r := recover(); r != nil {
			if x.inResolver {
				panic(r) // the resolver's own panic is not ours to hide
			}
			out, val, err = "", nil, &Error{Kind: ErrExec, Detail: "a filter panicked"}
		}
	}()
	if t.tagless {
		for _, o := range t.outputs {
			if e := x.checkPaths(o.paths); e != nil {
				return "", nil, e
			}
		}
	}
	buf := newBuffer(x)
	if x.shell {
		buf.out = newShellSink()
	}
	if err := x.nodes(t.nodes, buf); err != nil {
		if err == errBreak || err == errContinue { // the parser allows them only in loops
			err = &Error{Kind: ErrExec, Detail: "break or continue outside a loop"}
		}
		return "", nil, err
	}
	s, err := buf.text()
	if err != nil {
		return "", nil, x.endError(buf.out, err)
	}
	return s, x.captured, nil
}

// fail places e at off in the running template, unless it is placed.
func (x *execution) fail(off int, e *Error) *Error {
	if e.Line == 0 {
		e.Line, e.Column = x.t.lines.position(off)
	}
	return e
}

func (x *execution) failf(off int, kind error, format string, args ...any) *Error {
	return x.fail(off, &Error{Kind: kind, Detail: fmt.Sprintf(format, args...)})
}

// stopped returns the failure for a call whose context is done, or nil.
func (x *execution) stopped(off int) error {
	if err := x.ctx.Err(); err != nil {
		return x.fail(off, &Error{Kind: ErrExec, Detail: "the render was stopped", Err: err})
	}
	return nil
}

func (x *execution) tooLarge(off int, format string, args ...any) *Error {
	return x.failf(off, ErrTooLarge, format, args...)
}

// count adds n printed bytes to the call's total.
func (x *execution) count(n int) error {
	x.produced += n
	if limit := x.engine.cfg.limits.MaxOutput; x.produced > limit {
		return &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf("the render prints more than %d bytes (Limits.MaxOutput)", limit)}
	}
	return nil
}

// retainFactor is how many times Limits.MaxOutput the values that set and
// set_global assign may count, in total, during one call.
const retainFactor = 4

// retain counts a value a set or set_global assigns against the call's
// budget of retained values: what a render keeps lives until it ends, so
// the sum of all the values it assigns bounds what it holds.
func (x *execution) retain(off int, v value) error {
	limit := retainFactor * x.engine.cfg.limits.MaxOutput
	x.retained += x.size(v)
	if x.retained > limit {
		return x.tooLarge(off, "the values set and set_global assign count more than %d bytes in total (%d × Limits.MaxOutput)", limit, retainFactor)
	}
	return nil
}

// iterate counts one loop iteration or macro call.
func (x *execution) iterate(off int) error {
	if err := x.stopped(off); err != nil {
		return err
	}
	x.iterations++
	if limit := x.engine.cfg.limits.MaxIterations; x.iterations > limit {
		return x.tooLarge(off, "the template runs more than %d loop iterations and macro calls (Limits.MaxIterations)", limit)
	}
	return nil
}

func (x *execution) nodes(ns []node, out *buffer) error {
	for _, n := range ns {
		if err := x.node(n, out); err != nil {
			return err
		}
	}
	return nil
}

func (x *execution) node(n node, out *buffer) error {
	switch n := n.(type) {
	case *textNode:
		if err := out.author(n.text); err != nil {
			return x.fail(n.off, err.(*Error))
		}
	case *outputNode:
		return x.output(n, out)
	case *ifNode:
		for _, b := range n.branches {
			if b.cond != nil {
				c, err := x.eval(b.cond)
				if err != nil {
					return err
				}
				if !truthy(c.v) {
					continue
				}
			}
			return x.nodes(b.body, out)
		}
	case *forNode:
		return x.forLoop(n, out)
	case *setNode:
		v, err := x.eval(n.x)
		if err != nil {
			return err
		}
		if err := x.retain(n.off, v); err != nil {
			return err
		}
		if x.frames > 0 && !n.global {
			x.stack = append(x.stack, binding{n.name, v})
			break
		}
		if x.top == nil {
			x.top = map[string]value{}
		}
		x.top[n.name] = v
	case *jumpNode:
		if n.isBreak {
			return errBreak
		}
		return errContinue
	case *withNode:
		x.frames++
		defer func() { x.frames-- }()
		mark := len(x.stack)
		for _, p := range n.pairs {
			v, err := x.eval(p.val)
			if err != nil {
				return err
			}
			x.stack = append(x.stack, binding{p.name, v})
		}
		err := x.nodes(n.body, out)
		x.stack = x.stack[:mark]
		return err
	case *filterBlock:
		return x.filterBlock(n, out)
	}
	return nil
}

func (x *execution) output(n *outputNode, out *buffer) error {
	if err := x.stopped(n.off); err != nil {
		return err
	}
	if !x.t.tagless {
		if e := x.checkPaths(n.paths); e != nil {
			return e
		}
	}
	v, err := x.eval(n.x)
	if err != nil {
		return err
	}
	if n == x.capture {
		x.captured = v.v
	}
	if err := out.value(v, place{off: n.off, name: n.name}); err != nil {
		return x.fail(n.off, err.(*Error))
	}
	return nil
}

func (x *execution) filterBlock(n *filterBlock, out *buffer) error {
	body := newBuffer(x)
	if err := x.nodes(n.body, body); err != nil {
		return err
	}
	v := body.result()
	for _, f := range n.chain {
		var err error
		if v, err = x.applyFilter(f, v); err != nil {
			return err
		}
	}
	if err := out.value(v, place{off: n.off}); err != nil {
		return x.fail(n.off, err.(*Error))
	}
	return nil
}

// forLoop runs a {% for %}. A map is gone through in the order of its keys,
// as Tera does; a string by characters. What the loop prints, when a
// fragment of a secret went into it, is taught whole: a loop cannot spell
// out a secret a piece at a time.
func (x *execution) forLoop(n *forNode, out *buffer) error {
	if err := x.stopped(n.off); err != nil {
		return err
	}
	it, err := x.eval(n.iter)
	if err != nil {
		return err
	}
	// Refused before the sequence is built (a map's keys sorted, a list
	// sorted): what cannot finish within the budget costs nothing.
	if count, ok := length(it.v); ok && x.iterations+count > x.engine.cfg.limits.MaxIterations {
		return x.tooLarge(n.off, "the loop runs more than %d iterations in all (Limits.MaxIterations)", x.engine.cfg.limits.MaxIterations)
	}
	seq, err := x.sequence(n, it)
	if err != nil {
		return err
	}
	count := seq.n
	if count == 0 {
		return x.nodes(n.empty, out)
	}
	if limit := x.engine.cfg.limits.MaxIterations; x.iterations+count > limit {
		return x.tooLarge(n.off, "the loop runs more than %d iterations in all (Limits.MaxIterations)", limit)
	}
	mark := len(x.stack)
	x.frames++
	defer func() { x.frames-- }()
	ls := &loopState{length: count, parent: x.loopOf()}
	start, fragments := out.len(), out.fragments
	for i := range count {
		if err := x.iterate(n.off); err != nil {
			return err
		}
		j := i
		if n.reversed {
			j = count - 1 - i
		}
		ls.index = i
		k, v := seq.at(j)
		x.stack = append(x.stack[:mark], binding{"forloop", authored(ls)}, binding{n.key, k})
		if n.val != "" {
			x.stack = append(x.stack, binding{n.val, v})
		}
		if err := x.nodes(n.body, out); err != nil {
			if err == errContinue {
				continue
			}
			x.stack = x.stack[:mark]
			if err == errBreak {
				break
			}
			return err
		}
	}
	x.stack = x.stack[:mark]
	if out.fragments > fragments {
		x.teach(out.since(start))
	}
	return nil
}

func (x *execution) loopOf() *loopState {
	if v, ok := x.local("forloop"); ok {
		if l, ok := v.v.(*loopState); ok {
			return l
		}
	}
	return nil
}

// sequence is what a loop goes through: n items, each a key (or the item,
// for a one-name loop) and a value.
type sequence struct {
	n  int
	at func(i int) (value, value)
}

func (x *execution) sequence(n *forNode, it value) (sequence, error) {
	elem := func(e any) value { return value{v: norm(e), org: it.org, secret: it.secret} }
	if it.org.hasData() {
		elem = func(e any) value { return value{v: norm(e), org: dataOrigin, secret: it.secret} }
	}
	switch v := it.v.(type) {
	case nil, undefinedValue:
		return sequence{}, nil
	case string:
		r := []rune(v)
		return sequence{n: len(r), at: func(i int) (value, value) {
			c := elem(string(r[i]))
			return c, c
		}}, nil
	case []any:
		if n.sorted && n.val == "" {
			v = sortedItems(v)
		}
		return sequence{n: len(v), at: func(i int) (value, value) {
			if n.val != "" {
				return authored(int64(i)), elem(v[i])
			}
			return elem(v[i]), value{}
		}}, nil
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		return sequence{n: len(keys), at: func(i int) (value, value) {
			return elem(keys[i]), elem(v[keys[i]])
		}}, nil
	case bool, int64, float64, *loopState:
		return sequence{}, x.failf(n.off, ErrExec, "a for loop cannot go through %s", typeName(v))
	}
	return x.reflectSequence(n, it, elem)
}

func (x *execution) reflectSequence(n *forNode, it value, elem func(any) value) (sequence, error) {
	rv := reflect.ValueOf(it.v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return sequence{n: rv.Len(), at: func(i int) (value, value) {
			if n.val != "" {
				return authored(int64(i)), elem(rv.Index(i).Interface())
			}
			return elem(rv.Index(i).Interface()), value{}
		}}, nil
	case reflect.Map:
		type entry struct {
			key string
			val any
		}
		entries := make([]entry, 0, rv.Len())
		for iter := rv.MapRange(); iter.Next(); {
			entries = append(entries, entry{textOf(norm(iter.Key().Interface())), iter.Value().Interface()})
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
		return sequence{n: len(entries), at: func(i int) (value, value) {
			return elem(entries[i].key), elem(entries[i].val)
		}}, nil
	}
	return sequence{}, x.failf(n.off, ErrExec, "a for loop cannot go through %s", typeName(it.v))
}

// Tera's {% break %} and {% continue %} travel up to their loop as these.
var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
)

// local looks name up among the names the template bound: the innermost
// first, then (outside a macro) those of the top level.
func (x *execution) local(name string) (value, bool) {
	for i := len(x.stack) - 1; i >= x.base; i-- {
		if x.stack[i].name == name {
			return x.stack[i].v, true
		}
	}
	if x.base == 0 {
		if v, ok := x.top[name]; ok {
			return v, true
		}
	}
	return value{}, false
}

// root looks up the first name of a path: the template's names, then the
// call's variables (data), then the globals.
func (x *execution) root(name string) (value, bool, bool) {
	if v, ok := x.local(name); ok {
		return v, true, false
	}
	if v, ok := x.vars[name]; ok {
		return value{v: norm(v), org: dataOrigin}, true, true
	}
	if v, ok := globals[name]; ok {
		return value{v: v, org: dataOrigin}, true, false
	}
	return value{v: undef}, false, false
}

// path evaluates a variable. A step that leads nowhere gives undef; the
// outputs check their variables before they run.
func (x *execution) path(p *pathExpr) (value, error) {
	r, ok, fromVars := x.root(p.root)
	if !ok {
		return r, nil
	}
	cur := r.v
	for i, s := range p.steps {
		key, index, isIndex := s.name, s.index, s.kind == stepIndex
		if s.kind == stepSub {
			sub, err := x.eval(s.sub)
			if err != nil {
				return value{}, err
			}
			switch k := sub.v.(type) {
			case int64:
				index, isIndex = int(k), true
			case string:
				key = k
			default:
				return value{}, x.failf(s.sub.offset(), ErrExec, "a subscript must be a string or an integer, not %s", typeName(k))
			}
			// Data that picks an item makes the item data: data does not
			// choose which of the author's references is resolved.
			r.secret = r.secret || sub.secret
			if sub.org.hasData() {
				r.org = dataOrigin
			}
		}
		next, ok := step(cur, key, index, isIndex)
		if !ok {
			if p.required {
				return value{}, x.fail(p.off, &Error{Kind: ErrUndefined, Name: subscriptName(p, i+1)})
			}
			return value{v: undef}, nil
		}
		cur = norm(next)
	}
	v := value{v: cur, org: r.org, secret: r.secret}
	if len(p.steps) > 0 && v.org.hasData() {
		v.org = dataOrigin
	}
	if fromVars && x.engine.cfg.secrets != nil {
		v.secret = v.secret || x.varSecret(p, cur)
	}
	return v, nil
}

// call calls a macro within the call's budgets of depth and calls. (The
// parser refuses a macro that calls itself; this is the guard for what it
// cannot see.) What the macro prints is its value.
func (x *execution) call(c *callExpr) (value, error) {
	m := x.t.macros[c.name]
	if m == nil {
		if _, ok, _ := x.root(c.name); ok {
			return value{}, x.failf(c.off, ErrExec, "%s is not a macro", c.name)
		}
		return value{}, x.fail(c.off, &Error{Kind: ErrUndefined, Name: c.name, Detail: "no macro of this name is defined"})
	}
	if err := x.iterate(c.off); err != nil {
		return value{}, err
	}
	if x.depth >= x.engine.cfg.limits.MaxDepth {
		return value{}, x.tooLarge(c.off, "macro calls nest deeper than %d (Limits.MaxDepth)", x.engine.cfg.limits.MaxDepth)
	}
	if len(c.args) > len(m.params) {
		return value{}, x.failf(c.off, ErrExec, "the macro %s takes %d arguments, not %d", c.name, len(m.params), len(c.args))
	}
	args := make([]value, len(m.params))
	given := make([]bool, len(m.params))
	for i, a := range c.args {
		v, err := x.eval(a)
		if err != nil {
			return value{}, err
		}
		args[i], given[i] = v, true
	}
	for _, kw := range c.kwargs {
		i := slices.IndexFunc(m.params, func(p kwarg) bool { return p.name == kw.name })
		if i < 0 {
			return value{}, x.failf(c.off, ErrExec, "the macro %s has no argument %s", c.name, kw.name)
		}
		v, err := x.eval(kw.val)
		if err != nil {
			return value{}, err
		}
		args[i], given[i] = v, true
	}
	mark, base := len(x.stack), x.base
	x.base = mark
	x.depth++
	x.frames++
	defer func() {
		x.stack, x.base = x.stack[:mark], base
		x.depth--
		x.frames--
	}()
	for i, p := range m.params {
		v := args[i]
		if !given[i] {
			v = authored(nil)
			if p.val != nil {
				var err error
				if v, err = x.eval(p.val); err != nil {
					return value{}, err
				}
			}
		}
		x.stack = append(x.stack, binding{p.name, v})
	}
	buf := newBuffer(x)
	if err := x.nodes(m.body, buf); err != nil {
		return value{}, err
	}
	return buf.result(), nil
}

func (x *execution) eval(e expr) (value, error) {
	switch e := e.(type) {
	case *litExpr:
		return authored(norm(e.val)), nil
	case *pathExpr:
		return x.path(e)
	case *callExpr:
		return x.call(e)
	case *filterExpr:
		in, err := x.eval(e.in)
		if err != nil {
			return value{}, err
		}
		return x.applyFilter(e, in)
	case *unaryExpr:
		return x.unary(e)
	case *binaryExpr:
		return x.binary(e)
	case *concatExpr:
		return x.concat(e)
	case *testExpr:
		return x.test(e)
	case *listExpr:
		// A list counts what its items count, so a list that names another
		// many times over counts all of it, and nesting multiplies: the
		// list is refused before anything walks or prints it.
		items := make([]any, len(e.items))
		vals := make([]value, len(e.items))
		limit, n := x.engine.cfg.limits.MaxOutput, 16
		for i, it := range e.items {
			v, err := x.eval(it)
			if err != nil {
				return value{}, err
			}
			if n += 16 + x.size(v); n > limit {
				return value{}, x.tooLarge(e.off, "a list would count more than %d bytes (Limits.MaxOutput)", limit)
			}
			items[i], vals[i] = plain(v.v), v
		}
		out := derived(items, vals...)
		out.size, out.sized = n, true
		return out, nil
	}
	return value{}, &Error{Kind: ErrExec, Detail: "unknown expression"}
}

// concat is Tera's ~: the texts of the items, joined, each keeping where
// its bytes came from.
func (x *execution) concat(c *concatExpr) (value, error) {
	var sb strings.Builder
	out := value{}
	var spans []span
	for _, it := range c.items {
		v, err := x.eval(it)
		if err != nil {
			return value{}, err
		}
		limit := x.engine.cfg.limits.MaxOutput
		if composite(v.v) && x.size(v) > limit {
			return value{}, x.tooLarge(c.off, "a string would be longer than %d bytes (Limits.MaxOutput)", limit)
		}
		s := textOf(v.v)
		if sb.Len()+len(s) > limit {
			return value{}, x.tooLarge(c.off, "a string would be longer than %d bytes (Limits.MaxOutput)", limit)
		}
		spans = v.org.appendShifted(spans, sb.Len(), len(s))
		sb.WriteString(s)
		out.secret = out.secret || v.secret
	}
	out.v = sb.String()
	if len(spans) > 0 {
		out.org = origin{spans: spans}
	}
	return out, nil
}

func (x *execution) test(t *testExpr) (value, error) {
	if t.name == "defined" || t.name == "undefined" {
		p := t.x.(*pathExpr)
		_, ok := x.walkPath(&varPath{root: p.root, parts: toParts(p.steps)})
		return authored(ok == (t.name == "defined") != t.negate), nil
	}
	v, err := x.eval(t.x)
	if err != nil {
		return value{}, err
	}
	args := make([]value, len(t.args))
	for i, a := range t.args {
		if args[i], err = x.eval(a); err != nil {
			return value{}, err
		}
	}
	// A test walks its value (to convert it for package tera) and may
	// compile a pattern: it is checked like a filter before it runs.
	if err := x.stopped(t.off); err != nil {
		return value{}, err
	}
	limit := x.engine.cfg.limits.MaxOutput
	n := x.size(v)
	for _, a := range args {
		n += x.size(a)
	}
	if n > limit {
		return value{}, x.tooLarge(t.off, "the test %s would take a value over %d bytes (Limits.MaxOutput)", t.name, limit)
	}
	def := testTable[t.name]
	if def.pattern {
		for _, a := range args {
			if a.org.hasData() {
				return value{}, x.fail(t.off, &Error{Kind: ErrUntrusted, Detail: "the argument of the test " + t.name + " is a pattern, which only the template's text may write"})
			}
		}
		// Go's regexp runs in time linear in the input, times the
		// pattern's size: their product is bounded like a filter's memory.
		if p := len(argText(args, 0, "")); p*max(x.size(v), 1) > limit {
			return value{}, x.tooLarge(t.off, "the test %s would match a %d-byte pattern against %d bytes, over %d (Limits.MaxOutput)", t.name, p, x.size(v), limit)
		}
	}
	r, err := def.fn(v.v, args)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Kind: ErrExec, Detail: "the test " + t.name + " failed"}
		}
		return value{}, x.fail(t.off, e)
	}
	return derived(r != t.negate, append(args, v)...), nil
}

// sortedItems returns a sorted copy of a list, for pongo2's "sorted":
// numbers by value, other items by their text.
func sortedItems(l []any) []any {
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = norm(e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		_, a, _, aok := number(out[i])
		_, b, _, bok := number(out[j])
		if aok && bok {
			return a < b
		}
		return textOf(out[i]) < textOf(out[j])
	})
	return out
}
