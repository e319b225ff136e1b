package render

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/flosch/pongo2/v6"
)

// pongo2 renders an undefined variable as an empty string. The engine
// checks, before an output runs, that every variable it prints exists
// (the variables are listed when the template is parsed: requiredPaths).

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

// checkPaths returns an ErrUndefined error for the first path that does not
// lead anywhere, looking up roots as pongo2 does: private scope first. A nil
// private scope stands for the one pongo2 starts every execution with, which
// holds only pongo2's own "pongo2" (its version).
func (b *binding) checkPaths(paths []varPath, private, public pongo2.Context) *Error {
	for i := range paths {
		p := &paths[i]
		if private == nil && p.root == "pongo2" {
			continue
		}
		if n, ok := walkPath(p, private, public); !ok {
			return b.undefined(p, n)
		}
	}
	return nil
}

// resolvePath reports whether p leads somewhere.
func (b *binding) resolvePath(p *varPath, private, public pongo2.Context) bool {
	_, ok := walkPath(p, private, public)
	return ok
}

// walkPath follows p; when it does not lead anywhere it returns how many
// of its parts did.
func walkPath(p *varPath, private, public pongo2.Context) (int, bool) {
	v, ok := private[p.root]
	if !ok {
		v, ok = public[p.root]
	}
	if !ok {
		return 0, false
	}
	for k, part := range p.parts {
		next, res := lookup(v, part)
		switch res {
		case found:
			v = next
		case missing:
			return k + 1, false
		case opaque:
			return 0, true // a Go value pongo2 resolves by its own rules
		}
	}
	return 0, true
}

func (b *binding) undefined(p *varPath, n int) *Error {
	e := &Error{Kind: ErrUndefined, Name: p.name(n), Line: p.line, Column: p.col}
	if n == 0 {
		e.Detail = b.keyHint(p.root)
	}
	return e
}

// keyHint explains an undefined root when the variables hold a key that is
// not an identifier and was left out of the context: {{ say-hello.output }}
// reads "say" minus "hello.output".
func (b *binding) keyHint(root string) string {
	var hint string
	for k := range b.vars {
		if isContextKey(k) || !strings.HasPrefix(k, root) || len(k) == len(root) || isIdentChar(k[len(root)]) {
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

type lookupResult uint8

const (
	found lookupResult = iota
	missing
	opaque
)

// lookup takes one step of a path into the data the way pongo2 would, and
// says whether the step leads somewhere. Maps and lists (what YAML and JSON
// decode to) are judged; other Go values are left to pongo2.
func lookup(v any, part pathPart) (any, lookupResult) {
	if pv, ok := v.(*pongo2.Value); ok {
		v = pv.Interface()
	}
	switch x := v.(type) {
	case nil:
		return nil, missing // x.y where x is null
	case map[string]any:
		if part.isIndex {
			return nil, opaque
		}
		next, ok := x[part.key]
		if !ok {
			return nil, missing
		}
		return next, found
	case []any:
		if !part.isIndex {
			return nil, opaque
		}
		if part.index < 0 || part.index >= len(x) {
			return nil, missing
		}
		return x[part.index], found
	case string, bool, int, int64, float64:
		if part.isIndex {
			return nil, opaque // pongo2 indexes strings; leave the rest to it
		}
		return nil, missing
	}
	return lookupReflect(v, part)
}

// lookupReflect is lookup for Go values other than what YAML and JSON
// decode to.
func lookupReflect(v any, part pathPart) (any, lookupResult) {
	rv := reflect.ValueOf(v)
	if !part.isIndex && rv.MethodByName(part.key).IsValid() {
		return nil, opaque
	}
	switch rv.Kind() {
	case reflect.Map:
		kt := rv.Type().Key()
		if part.isIndex || (kt.Kind() != reflect.String && kt.Kind() != reflect.Interface) {
			return nil, opaque
		}
		key := reflect.ValueOf(part.key)
		if kt.Kind() == reflect.String {
			key = key.Convert(kt)
		}
		next := rv.MapIndex(key)
		if !next.IsValid() {
			return nil, missing
		}
		return next.Interface(), found
	case reflect.Slice, reflect.Array:
		if !part.isIndex {
			return nil, opaque
		}
		if part.index < 0 || part.index >= rv.Len() {
			return nil, missing
		}
		return rv.Index(part.index).Interface(), found
	}
	return nil, opaque
}
