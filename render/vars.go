package render

import (
	"strconv"
	"strings"
)

// A Var is a variable a template reads from the context it is rendered
// with: "secret.DB_PASSWORD", "build.output.tag", "input.env". A caller
// that knows which names a context will hold can check a template against
// them before it ever renders (the loader checks secret.*, connections.*
// and step names when a workspace loads).
type Var struct {
	// Path is the root name and the attribute and index steps after it, as
	// written: secret.DB_PASSWORD is ["secret", "DB_PASSWORD"], list.0 is
	// ["list", "0"]. It stops before a computed subscript (secret[name]).
	Path []string
	// Line and Column locate the read in the template, from 1; columns
	// count bytes.
	Line, Column int
	// Optional is set when the template says the variable may be missing:
	// it is the input of a default or default_if_none filter, what an
	// "is defined" or "is undefined" test looks at, or a read inside
	// {% if x is defined %} of x or below it.
	Optional bool
}

// String returns the path joined with dots.
func (v Var) String() string { return strings.Join(v.Path, ".") }

// varsMaxDepth bounds nesting while Vars parses: a template the engine
// accepted (Limits.MaxDepth defaults to 64) parses well within it.
const varsMaxDepth = 1024

// Vars parses tmpl (pongo2's Django syntax or Tera's, as the engine reads
// them) and lists the variables it reads from its context, in the order
// they are written, each place once. Names the template binds itself are
// left out wherever they are read: {% set %} and {% with %} names, loop
// variables (and loop or forloop inside a loop), macro names and
// parameters. So a path in the list names what the caller must provide.
//
// Vars only parses: it renders nothing and needs no engine. Its error is
// an [*Error] of kind [ErrParse], as Check's would be (or [ErrTooLarge] for
// nesting beyond any engine's limit).
func Vars(tmpl string) ([]Var, error) {
	nodes, err := parseTemplate(tmpl, varsMaxDepth)
	if err != nil {
		return nil, err
	}
	c := &varCollector{lines: newLineIndex(tmpl), bound: map[string]bool{}}
	c.bindAll(nodes)
	c.nodes(nodes)
	return c.vars, nil
}

// varCollector gathers the free variables of a tree. Scoping is read
// loosely on purpose: a name bound anywhere in the template counts as
// bound everywhere, so that a caller never reports a name the template
// defines (at the cost of missing a read before its {% set %}).
type varCollector struct {
	lines   lineIndex
	bound   map[string]bool
	guarded []string // paths an enclosing {% if x is defined %} tests
	vars    []Var
}

// bindAll records every name the template binds.
func (c *varCollector) bindAll(nodes []node) {
	for _, n := range nodes {
		switch x := n.(type) {
		case *setNode:
			c.bound[x.name] = true
		case *withNode:
			for _, p := range x.pairs {
				c.bound[p.name] = true
			}
			c.bindAll(x.body)
		case *forNode:
			c.bound[x.key] = true
			if x.val != "" {
				c.bound[x.val] = true
			}
			c.bound["forloop"], c.bound["loop"] = true, true
			c.bindAll(x.body)
			c.bindAll(x.empty)
		case *macroNode:
			c.bound[x.name] = true
			for _, p := range x.params {
				c.bound[p.name] = true
			}
			c.bindAll(x.body)
		case *ifNode:
			for _, b := range x.branches {
				c.bindAll(b.body)
			}
		case *filterBlock:
			c.bindAll(x.body)
		}
	}
}

// nodes visits the expressions of every node, in the order they are written.
func (c *varCollector) nodes(nodes []node) {
	for _, n := range nodes {
		switch x := n.(type) {
		case *outputNode:
			c.expr(x.x, false)
		case *ifNode:
			for _, b := range x.branches {
				outer := len(c.guarded)
				if b.cond != nil {
					c.expr(b.cond, false)
					c.guarded = append(c.guarded, definedPaths(b.cond)...)
				}
				c.nodes(b.body)
				c.guarded = c.guarded[:outer]
			}
		case *forNode:
			c.expr(x.iter, false)
			c.nodes(x.body)
			c.nodes(x.empty)
		case *setNode:
			c.expr(x.x, false)
		case *withNode:
			for _, p := range x.pairs {
				c.expr(p.val, false)
			}
			c.nodes(x.body)
		case *macroNode:
			for _, p := range x.params {
				if p.val != nil {
					c.expr(p.val, false)
				}
			}
			c.nodes(x.body)
		case *filterBlock:
			for _, f := range x.chain {
				c.args(f.args, f.kwargs)
			}
			c.nodes(x.body)
		}
	}
}

// expr visits e; optional says e's value may be missing.
func (c *varCollector) expr(e expr, optional bool) {
	switch x := e.(type) {
	case *pathExpr:
		c.path(x, optional)
	case *filterExpr:
		if x.in != nil {
			c.expr(x.in, optional || x.name == "default" || x.name == "default_if_none")
		}
		c.args(x.args, x.kwargs)
	case *testExpr:
		c.expr(x.x, optional || x.name == "defined" || x.name == "undefined")
		c.args(x.args, nil)
	case *callExpr:
		c.args(x.args, x.kwargs)
	case *unaryExpr:
		c.expr(x.x, optional)
	case *binaryExpr:
		c.expr(x.l, optional)
		c.expr(x.r, optional)
	case *concatExpr:
		c.args(x.items, nil)
	}
}

func (c *varCollector) args(args []expr, kwargs []kwarg) {
	for _, a := range args {
		c.expr(a, false)
	}
	for _, a := range kwargs {
		c.expr(a.val, false)
	}
}

func (c *varCollector) path(p *pathExpr, optional bool) {
	if !c.bound[p.root] {
		v := Var{Path: pathNames(p), Optional: optional}
		v.Line, v.Column = c.lines.position(p.off)
		name := v.String()
		for _, g := range c.guarded {
			if name == g || strings.HasPrefix(name, g+".") {
				v.Optional = true
			}
		}
		c.vars = append(c.vars, v)
	}
	for _, s := range p.steps {
		if s.sub != nil {
			c.expr(s.sub, false)
		}
	}
}

// pathNames is the root and the steps of p up to its first computed
// subscript.
func pathNames(p *pathExpr) []string {
	names := []string{p.root}
	for _, s := range p.steps {
		if s.kind == stepSub {
			break
		}
		if s.kind == stepIndex {
			names = append(names, strconv.Itoa(s.index))
		} else {
			names = append(names, s.name)
		}
	}
	return names
}

// definedPaths returns the paths a condition requires to be defined for
// its branch to run: "x is defined", alone or joined by "and".
func definedPaths(cond expr) []string {
	switch x := cond.(type) {
	case *testExpr:
		if p, ok := x.x.(*pathExpr); ok && x.name == "defined" && !x.negate {
			return []string{strings.Join(pathNames(p), ".")}
		}
	case *binaryExpr:
		if x.op == "and" {
			return append(definedPaths(x.l), definedPaths(x.r)...)
		}
	}
	return nil
}
