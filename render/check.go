package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flosch/pongo2/v6"
)

// validate checks what the parser cannot see token by token: that every
// filter and test exists and gets the arguments it takes, that no name is
// reserved, that no macro calls itself, and that filters whose argument
// sets the size of their result get it as a bounded literal. Its errors are
// *Error values of kind ErrParse.
func validate(src string, nodes []node) error {
	v := &validator{lines: newLineIndex(src), macros: map[string]*macroNode{}}
	walkNodes(nodes, func(n node) bool {
		if m, ok := n.(*macroNode); ok && v.err == nil {
			if _, dup := v.macros[m.name]; dup {
				v.fail(m.off, "the macro %s is defined twice", m.name)
			}
			v.macros[m.name] = m
		}
		return true
	})
	walkNodes(nodes, func(n node) bool {
		v.names(n)
		return v.err == nil
	})
	allExprs(nodes, func(e expr) {
		if v.err == nil {
			v.expr(e)
		}
	})
	if v.err == nil {
		v.recursion()
	}
	return v.err
}

type validator struct {
	lines  lineIndex
	macros map[string]*macroNode
	err    error
}

func (v *validator) fail(off int, format string, args ...any) {
	if v.err != nil {
		return
	}
	line, col := v.lines.position(off)
	v.err = &Error{Kind: ErrParse, Line: line, Column: col, Detail: fmt.Sprintf(format, args...)}
}

func (v *validator) reserved(off int, name string) {
	switch {
	case strings.HasPrefix(name, reservedPrefix):
		v.fail(off, "names starting with %s are reserved", reservedPrefix)
	case keywords[name]:
		v.fail(off, "%s is a keyword and cannot be a name", name)
	}
}

// keywords cannot name variables, macros or arguments (pongo2's and Tera's).
var keywords = map[string]bool{"in": true, "and": true, "or": true, "not": true, "is": true, "true": true,
	"false": true, "True": true, "False": true, "as": true, "export": true}

// names checks the names a node binds.
func (v *validator) names(n node) {
	switch x := n.(type) {
	case *forNode:
		v.reserved(x.off, x.key)
		v.reserved(x.off, x.val)
	case *setNode:
		v.reserved(x.off, x.name)
	case *withNode:
		for _, p := range x.pairs {
			v.reserved(x.off, p.name)
		}
	case *macroNode:
		v.reserved(x.off, x.name)
		for _, p := range x.params {
			v.reserved(x.off, p.name)
		}
	}
}

func (v *validator) expr(e expr) {
	switch x := e.(type) {
	case *pathExpr:
		v.reserved(x.off, x.root)
	case *callExpr:
		v.reserved(x.off, x.name)
		v.call(x)
	case *filterExpr:
		v.filter(x)
	case *testExpr:
		v.test(x)
	}
}

func (v *validator) call(c *callExpr) {
	if len(c.kwargs) == 0 {
		return
	}
	m, ok := v.macros[c.name]
	if !ok {
		v.fail(c.off, "%s is not a macro of this template", c.name)
		return
	}
	for _, kw := range c.kwargs {
		if !slices.ContainsFunc(m.params, func(p kwarg) bool { return p.name == kw.name }) {
			v.fail(c.off, "the macro %s has no argument %s", c.name, kw.name)
		}
	}
}

func (v *validator) filter(f *filterExpr) {
	v.reserved(f.off, f.name)
	spec, own := ownFilters[f.name]
	if own && spec.impl == nil {
		own = false
	}
	switch {
	case bannedFilters[f.name] != "":
		v.fail(f.off, "the filter %s is not supported: %s", f.name, bannedFilters[f.name])
		return
	case !own && !pongo2.FilterExists(f.name):
		v.fail(f.off, "unknown filter %q", f.name)
		return
	}
	if !f.tera {
		if len(f.args) > 0 && own && spec.django && len(spec.kwargs) == 0 {
			v.fail(f.off, "the filter %s takes no argument after ':'", f.name)
		}
	} else {
		if !own && len(f.kwargs) > 0 {
			v.fail(f.off, "the filter %s takes no named arguments (write %s:value)", f.name, f.name)
		}
		for _, kw := range f.kwargs {
			if own && !slices.Contains(spec.kwargs, kw.name) {
				v.fail(f.off, "the filter %s has no argument %s", f.name, kw.name)
			}
		}
		for _, req := range ownRequired(spec, own) {
			if !slices.ContainsFunc(f.kwargs, func(k kwarg) bool { return k.name == req }) {
				v.fail(f.off, "the filter %s needs the argument %s=", f.name, req)
			}
		}
	}
	if !f.tera && own && !pongo2.FilterExists(f.name) && len(spec.required) > len(f.args) {
		v.fail(f.off, "the filter %s is written %s(%s=...)", f.name, f.name, strings.Join(spec.required, "=..., "))
	}
	if sizedFilters[f.name] && !sizeArgOK(f) {
		v.fail(f.off, "the argument of %s must be a number from -%d to %d written in the template", f.name, maxFilterSize, maxFilterSize)
	}
}

func ownRequired(spec *filterSpec, own bool) []string {
	if !own {
		return nil
	}
	return spec.required
}

// Filters that build a string as long as their argument says: a template
// could make the engine allocate gigabytes ({{ x|ljust:999999999 }}). Their
// argument must be a literal of the template, within bounds.
var sizedFilters = map[string]bool{"center": true, "ljust": true, "rjust": true, "floatformat": true}

const maxFilterSize = 1000

// sizeArgOK reports whether f has no argument or a literal one within
// bounds, read the way pongo2's Value.Integer reads it.
func sizeArgOK(f *filterExpr) bool {
	if len(f.args) == 0 {
		return len(f.kwargs) == 0
	}
	lit, ok := f.args[0].(*litExpr)
	if !ok {
		return false
	}
	var n float64
	switch x := lit.val.(type) {
	case int:
		n = float64(x)
	case float64:
		n = x
	case string:
		var err error
		if _, err = fmt.Sscan(x, &n); err != nil {
			return true // pongo2 reads it as 0
		}
	default:
		return false
	}
	return n >= -maxFilterSize && n <= maxFilterSize
}

// Tera's tests the engine knows, and how many arguments each takes.
var tests = map[string]int{
	"defined": 0, "undefined": 0, "none": 0, "string": 0, "number": 0, "odd": 0, "even": 0,
	"iterable": 0, "object": 0, "divisibleby": 1, "starting_with": 1, "ending_with": 1, "containing": 1,
}

func (v *validator) test(t *testExpr) {
	n, ok := tests[t.name]
	if !ok {
		v.fail(t.off, "unknown test %q", t.name)
		return
	}
	if len(t.args) != n {
		v.fail(t.off, "the test %s takes %d arguments", t.name, n)
	}
	if t.name == "defined" || t.name == "undefined" {
		p, ok := t.x.(*pathExpr)
		if !ok || slices.ContainsFunc(p.steps, func(s pathStep) bool { return s.kind == stepSub }) {
			v.fail(t.off, "'is %s' tests a variable (a.b.c), not an expression", t.name)
		}
	}
}

// recursion refuses a macro that calls itself, directly or through other
// macros: pongo2 would recurse until the goroutine's stack overflows, which
// ends the process. A macro's name read without a call counts as a call:
// pongo2 calls a function it finds in a variable.
func (v *validator) recursion() {
	calls := v.callGraph()
	state := map[string]int{} // 1: on the path, 2: done
	var visit func(name string, path []string) bool
	visit = func(name string, path []string) bool {
		if _, ok := v.macros[name]; !ok {
			return false
		}
		switch state[name] {
		case 1:
			v.fail(v.macros[name].off, "the macro %s calls itself (%s): recursion is not supported", name, strings.Join(append(path, name), " → "))
			return true
		case 2:
			return false
		}
		state[name] = 1
		for _, c := range calls[name] {
			if visit(c, append(path, name)) {
				return true
			}
		}
		state[name] = 2
		return false
	}
	for _, name := range slices.Sorted(maps.Keys(v.macros)) {
		if visit(name, nil) {
			return
		}
	}
}

// callGraph returns the macros each macro may call.
func (v *validator) callGraph() map[string][]string {
	calls := map[string][]string{}
	for name, m := range v.macros {
		var callees []string
		exprs := bodyExprs(m.body)
		for _, p := range m.params {
			exprs = append(exprs, p.val)
		}
		for _, e := range exprs {
			walkExpr(e, func(e expr) {
				switch x := e.(type) {
				case *callExpr:
					callees = append(callees, x.name)
				case *pathExpr:
					callees = append(callees, x.root)
				}
			})
		}
		calls[name] = callees
	}
	return calls
}

// bodyExprs lists every expression in nodes.
func bodyExprs(nodes []node) []expr {
	var out []expr
	walkNodes(nodes, func(n node) bool {
		out = append(out, nodeExprs(n)...)
		return true
	})
	return out
}
