package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"
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
	def := lookupFilter(f)
	switch {
	case def == nil && filterTable[filterKey{f.name, teraSyntax}] != nil:
		v.fail(f.off, "the filter %s is Tera's: write %s(%s=...)", f.name, f.name, strings.Join(filterTable[filterKey{f.name, teraSyntax}].kwargs, "=..., "))
		return
	case def == nil:
		v.fail(f.off, "unknown filter %q", f.name)
		return
	case def.refused != "":
		v.fail(f.off, "the filter %s is not supported: %s", f.name, def.refused)
		return
	}
	f.def = def
	if f.colon && len(def.kwargs) == 0 {
		v.fail(f.off, "the filter %s takes no argument after ':'", f.name)
	}
	if f.paren {
		for _, kw := range f.kwargs {
			if def.dialect&teraSyntax == 0 {
				v.fail(f.off, "the filter %s takes no named arguments (write %s:value)", f.name, f.name)
			} else if !slices.Contains(def.kwargs, kw.name) {
				v.fail(f.off, "the filter %s has no argument %s", f.name, kw.name)
			}
		}
	}
	if f.paren || !f.colon && def.dialect&teraSyntax != 0 {
		for _, req := range def.required {
			if !slices.ContainsFunc(f.kwargs, func(k kwarg) bool { return k.name == req }) {
				v.fail(f.off, "the filter %s needs the argument %s=", f.name, req)
			}
		}
	}
	if def.sized && !sizeArgOK(f) {
		v.fail(f.off, "the argument of %s must be a number from -%d to %d written in the template", f.name, maxFilterSize, maxFilterSize)
	}
	if f.in != nil {
		seen := map[string]bool{}
		walkExpr(f.in, func(e expr) {
			if p, ok := e.(*pathExpr); ok && len(f.reads) < 3 && !seen[p.root] {
				seen[p.root] = true
				f.reads = append(f.reads, p.root)
			}
		})
	}
}

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

func (v *validator) test(t *testExpr) {
	def, ok := testTable[t.name]
	if !ok {
		v.fail(t.off, "unknown test %q", t.name)
		return
	}
	if len(t.args) != def.args {
		v.fail(t.off, "the test %s takes %d arguments", t.name, def.args)
	}
	if t.name == "defined" || t.name == "undefined" {
		p, ok := t.x.(*pathExpr)
		if !ok || slices.ContainsFunc(p.steps, func(s pathStep) bool { return s.kind == stepSub }) {
			v.fail(t.off, "'is %s' tests a variable (a.b.c), not an expression", t.name)
		}
	}
}

// recursion refuses a macro that calls itself, directly or through other
// macros: the evaluator would recurse until the call's depth budget stops
// it, after work exponential in the depth. A macro's name read without a
// call counts as a call, as pongo2 counted it.
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
