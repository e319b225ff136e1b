package render

import (
	"maps"
	"slices"
	"strings"
)

// This file is the static data flow of a template: which variables of the
// call an expression may read, directly or through the names the template
// binds itself ({% set %}, {% with %}, {% for %}, a macro's arguments) and
// the macros it calls. Two questions are asked of it:
//
//   - taint (taint.go): may this expression print something derived from a
//     secret? It does if it uses | vals, or reads a variable whose value the
//     engine's Secrets set knows. The variables are found here; whether
//     their values are known is asked when the template runs.
//   - authorship (trust.go): is this value made only of the template's own
//     text? It is if it reads no variable of the call at all.
//
// The analysis does not follow the order of execution or scopes: a name
// bound anywhere stands for all its bindings everywhere, and a macro's
// argument for every value any call passes. That only ever errs towards
// "tainted" and "not authored".

// pathRef is a variable of the call read by an expression, up to its first
// subscript: "secret.DB_PASSWORD", "input.list.0".
type pathRef struct {
	root  string
	steps []pathStep // stepAttr and stepIndex only
}

func (p pathRef) key() string {
	return (&varPath{root: p.root, parts: toParts(p.steps)}).name(len(p.steps))
}

func toParts(steps []pathStep) []pathPart {
	parts := make([]pathPart, len(steps))
	for i, s := range steps {
		parts[i] = pathPart{key: s.name, index: s.index, isIndex: s.kind == stepIndex}
	}
	return parts
}

// reads is what an expression reads: the call's variables, names bound in
// the template, and whether it resolves references.
type reads struct {
	vals  bool
	paths map[string]pathRef
	// many: more than maxPaths variables; the analysis stops listing them
	// and counts the value as reading every variable of the call.
	many  bool
	names map[string]bool // bound names and "macro:NAME"
}

// maxPaths bounds what the analysis keeps per name, so that a template
// cannot make it quadratic ({% set a2 = a1 ~ x2 %}{% set a3 = a2 ~ x3 %}...).
const maxPaths = 64

func (r *reads) merge(o *reads) bool {
	changed := false
	if o.vals && !r.vals {
		r.vals, changed = true, true
	}
	if r.many {
		return changed
	}
	if o.many {
		r.many, r.paths = true, nil
		return true
	}
	for k, p := range o.paths {
		if _, ok := r.paths[k]; !ok {
			if r.paths == nil {
				r.paths = map[string]pathRef{}
			}
			r.paths[k], changed = p, true
		}
	}
	if len(r.paths) > maxPaths {
		r.many, r.paths = true, nil
	}
	return changed
}

type flow struct {
	bound  map[string][]expr // names the template binds → what it binds them to
	macros map[string]*macroNode
	// closed[mode][name]: what the name reads, transitively.
	closed [2]map[string]*reads
}

// The two modes differ on a name both bound by the template and given by
// the call: taint counts both, authorship only the binding. Authorship
// that rests on a binding holds only while the call has no variable of the
// same name (an {% if %} may skip the binding): see auth.
const (
	modeTaint = iota
	modeTrust
)

func newFlow(nodes []node) *flow {
	f := &flow{bound: map[string][]expr{}, macros: map[string]*macroNode{}}
	walkNodes(nodes, func(n node) bool {
		switch x := n.(type) {
		case *setNode:
			f.bind(x.name, x.x)
		case *withNode:
			for _, p := range x.pairs {
				f.bind(p.name, p.val)
			}
		case *forNode:
			f.bind(x.key, x.iter)
			if x.val != "" {
				f.bind(x.val, x.iter)
			}
		case *macroNode:
			f.macros[x.name] = x
			for _, p := range x.params {
				f.bind(p.name, p.val)
			}
			f.bind("macro:"+x.name, sinkExprs(x.body)...)
		}
		return true
	})
	allExprs(nodes, func(e expr) {
		if c, ok := e.(*callExpr); ok {
			f.bindArgs(c)
		}
	})
	for mode := range f.closed {
		f.closed[mode] = f.close(mode)
	}
	return f
}

func (f *flow) bind(name string, exprs ...expr) {
	if _, ok := f.bound[name]; !ok {
		f.bound[name] = nil
	}
	for _, e := range exprs {
		if e != nil {
			f.bound[name] = append(f.bound[name], e)
		}
	}
}

// bindArgs binds a macro's arguments to what a call passes.
func (f *flow) bindArgs(c *callExpr) {
	m, ok := f.macros[c.name]
	if !ok {
		return
	}
	for i, a := range c.args {
		if i < len(m.params) {
			f.bind(m.params[i].name, a)
		}
	}
	for _, kw := range c.kwargs {
		f.bind(kw.name, kw.val)
	}
}

// sinkExprs lists the expressions whose values nodes print: outputs and
// the filters of {% filter %} blocks.
func sinkExprs(nodes []node) []expr {
	var out []expr
	walkNodes(nodes, func(n node) bool {
		switch x := n.(type) {
		case *outputNode:
			out = append(out, x.x)
		case *filterBlock:
			for _, fe := range x.chain {
				out = append(out, fe)
			}
		}
		return true
	})
	return out
}

// direct is what e reads without following bound names.
func (f *flow) direct(mode int, exprs ...expr) *reads {
	r := &reads{}
	for _, e := range exprs {
		walkExpr(e, func(e expr) {
			switch x := e.(type) {
			case *pathExpr:
				_, isBound := f.bound[x.root]
				if isBound {
					r.addName(x.root)
				}
				if _, isMacro := f.macros[x.root]; isMacro {
					r.addName("macro:" + x.root)
				}
				if !isBound || mode == modeTaint {
					r.addPath(x)
				}
			case *callExpr:
				r.addName("macro:" + x.name)
			case *filterExpr:
				if x.name == "vals" {
					r.vals = true
				}
			}
		})
	}
	return r
}

func (r *reads) addName(n string) {
	if r.names == nil {
		r.names = map[string]bool{}
	}
	r.names[n] = true
}

func (r *reads) addPath(x *pathExpr) {
	p := pathRef{root: x.root}
	for _, s := range x.steps {
		if s.kind == stepSub {
			break
		}
		p.steps = append(p.steps, s)
	}
	if r.paths == nil {
		r.paths = map[string]pathRef{}
	}
	r.paths[p.key()] = p
}

// close computes, for every bound name, what it reads transitively: a
// fixpoint, since names may refer to each other in cycles. A name is
// looked at again only when a name it reads has changed, and each can
// change at most maxPaths+2 times.
func (f *flow) close(mode int) map[string]*reads {
	direct := map[string]*reads{}
	closed := map[string]*reads{}
	readers := map[string][]string{} // name → the names that read it
	for name, exprs := range f.bound {
		d := f.direct(mode, exprs...)
		direct[name] = d
		c := &reads{}
		c.merge(d)
		closed[name] = c
	}
	names := slices.Sorted(maps.Keys(direct))
	for _, name := range names {
		for ref := range direct[name].names {
			readers[ref] = append(readers[ref], name)
		}
	}
	work := names
	for len(work) > 0 {
		name := work[len(work)-1]
		work = work[:len(work)-1]
		changed := false
		for ref := range direct[name].names {
			if o, ok := closed[ref]; ok && ref != name && closed[name].merge(o) {
				changed = true
			}
		}
		if changed {
			work = append(work, readers[name]...)
		}
	}
	return closed
}

// of returns what exprs read, transitively.
func (f *flow) of(mode int, exprs ...expr) *reads {
	d := f.direct(mode, exprs...)
	r := &reads{}
	r.merge(d)
	for name := range d.names {
		if c, ok := f.closed[mode][name]; ok {
			r.merge(c)
		}
	}
	return r
}

// auth says whether a value is made of nothing but the template's own text.
type auth uint8

const (
	authData    auth = iota // it reads a variable of the call, or resolves a reference (a resolved value is the backend's)
	authLocal               // it reads names the template binds, from its own text: authored unless the call has a variable of such a name too
	authLiteral             // it reads no variable at all
)

// authOf says how far e is the template's own text.
func (f *flow) authOf(e expr) auth {
	if e == nil {
		return authLiteral
	}
	if r := f.of(modeTaint, e); len(r.paths) == 0 && !r.vals && !r.many {
		return authLiteral
	}
	if r := f.of(modeTrust, e); len(r.paths) == 0 && !r.vals && !r.many {
		return authLocal
	}
	return authData
}

// boundNames lists the names the template binds, sorted.
func (f *flow) boundNames() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(f.bound)) {
		if !strings.HasPrefix(k, "macro:") {
			out = append(out, k)
		}
	}
	return out
}

// taint returns what exprs read that may make them secret: the call's
// variables, sorted by name, and whether they resolve references.
func (f *flow) taint(exprs ...expr) taintSource {
	r := f.of(modeTaint, exprs...)
	ts := taintSource{vals: r.vals, everything: r.many}
	for _, k := range slices.Sorted(maps.Keys(r.paths)) {
		ts.paths = append(ts.paths, r.paths[k])
	}
	return ts
}
