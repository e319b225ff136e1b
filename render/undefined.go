package render

import (
	"fmt"
	"strconv"
	"strings"
)

// An output that reads a variable that does not exist fails with
// ErrUndefined, as in Tera. The variables an output reads are listed when
// the template is parsed (requiredPaths) and checked before it runs, so an
// undefined variable stops the output before any reference in it is
// resolved.

// varPath is a variable an output reads: its root name and the attribute
// and index steps after it ("secret.DB_PASSWORD", "list.0").
type varPath struct {
	root      string
	parts     []pathPart
	line, col int
}

type pathPart struct {
	key     string
	index   int
	isIndex bool
}

// name returns the path up to and including parts[:n], as written.
func (p *varPath) name(n int) string {
	var b strings.Builder
	b.WriteString(p.root)
	for _, part := range p.parts[:n] {
		b.WriteByte('.')
		if part.isIndex {
			b.WriteString(strconv.Itoa(part.index))
		} else {
			b.WriteString(part.key)
		}
	}
	return b.String()
}

// requiredPaths lists the variables an output expression reads, except
// those it says are optional: the input of a default or default_if_none
// filter, and what "is defined" tests. A path stops at a subscript.
func requiredPaths(x expr, lines lineIndex) []varPath {
	c := &pathCollector{lines: lines, seen: map[string]bool{}}
	c.visit(x)
	return c.paths
}

type pathCollector struct {
	lines lineIndex
	seen  map[string]bool
	paths []varPath
}

func (c *pathCollector) visit(e expr) {
	switch v := e.(type) {
	case *pathExpr:
		c.path(v)
	case *filterExpr:
		if v.name != "default" && v.name != "default_if_none" {
			c.visit(v.in)
		}
		c.all(v.args, v.kwargs)
	case *testExpr:
		if v.name != "defined" && v.name != "undefined" {
			c.visit(v.x)
		}
		c.all(v.args, nil)
	case *callExpr:
		c.all(v.args, v.kwargs)
	case *unaryExpr:
		c.visit(v.x)
	case *binaryExpr:
		c.visit(v.l)
		c.visit(v.r)
	case *concatExpr:
		c.all(v.items, nil)
	case *listExpr:
		c.all(v.items, nil)
	}
}

func (c *pathCollector) all(args []expr, kwargs []kwarg) {
	for _, a := range args {
		c.visit(a)
	}
	for _, a := range kwargs {
		c.visit(a.val)
	}
}

func (c *pathCollector) path(v *pathExpr) {
	p := varPath{root: v.root}
	p.line, p.col = c.lines.position(v.off)
	for _, s := range v.steps {
		if s.kind == stepSub {
			v.required = true
			break
		}
		p.parts = append(p.parts, pathPart{key: s.name, index: s.index, isIndex: s.kind == stepIndex})
	}
	if k := p.name(len(p.parts)); !c.seen[k] {
		c.seen[k] = true
		c.paths = append(c.paths, p)
	}
	for _, s := range v.steps {
		if s.sub != nil {
			c.visit(s.sub)
		}
	}
}

// checkPaths returns an ErrUndefined error for the first path that does
// not lead anywhere, looking names up as the evaluator does.
func (x *execution) checkPaths(paths []varPath) *Error {
	for i := range paths {
		p := &paths[i]
		if n, ok := x.walkPath(p); !ok {
			return x.undefined(p, n)
		}
	}
	return nil
}

// walkPath follows p; when it does not lead anywhere it returns how many
// of its parts did.
func (x *execution) walkPath(p *varPath) (int, bool) {
	r, ok, _ := x.root(p.root)
	if !ok {
		return 0, false
	}
	v := r.v
	for k, part := range p.parts {
		next, ok := step(v, part.key, part.index, part.isIndex)
		if !ok {
			return k + 1, false
		}
		v = norm(next)
	}
	return 0, true
}

func (x *execution) undefined(p *varPath, n int) *Error {
	e := &Error{Kind: ErrUndefined, Name: p.name(n), Line: p.line, Column: p.col}
	if n == 0 {
		e.Detail = x.keyHint(p.root)
	}
	return e
}

// keyHint explains an undefined root when the variables hold a key that is
// not an identifier, which no template can name: {{ say-hello.output }}
// reads "say" minus "hello.output".
func (x *execution) keyHint(root string) string {
	var hint string
	for k := range x.vars {
		if isIdentifier(k) || !strings.HasPrefix(k, root) || len(k) == len(root) || isIdentChar(k[len(root)]) {
			continue
		}
		if hint == "" || k < hint {
			hint = k
		}
	}
	if hint == "" {
		return ""
	}
	return fmt.Sprintf("the variable %q is not an identifier and cannot be used in a template; name it with underscores (%s)",
		hint, strings.Map(func(r rune) rune {
			if r < 128 && isIdentChar(byte(r)) {
				return r
			}
			return '_'
		}, hint))
}

func isIdentifier(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

func toParts(steps []pathStep) []pathPart {
	parts := make([]pathPart, len(steps))
	for i, s := range steps {
		parts[i] = pathPart{key: s.name, index: s.index, isIndex: s.kind == stepIndex}
	}
	return parts
}

// subscriptName names a path with subscripts as written, each subscript as
// […]: its key may be data, and an error holds no value.
func subscriptName(p *pathExpr, n int) string {
	var b strings.Builder
	b.WriteString(p.root)
	for _, s := range p.steps[:n] {
		switch s.kind {
		case stepSub:
			b.WriteString("[…]")
		case stepIndex:
			b.WriteByte('.')
			b.WriteString(strconv.Itoa(s.index))
		default:
			b.WriteByte('.')
			b.WriteString(s.name)
		}
	}
	return b.String()
}
