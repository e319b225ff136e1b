package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/flosch/pongo2/v6"

	"github.com/hushflow/hushflow/internal/ref"
)

// init registers the one vals filter in pongo2's global filter map. This is
// the only change this package makes to pongo2's global state. If the host
// registered a vals filter first, registration fails here and New reports
// ErrFilterConflict (its probe finds that templates bind a foreign filter).
func init() {
	_ = pongo2.RegisterFilter("vals", valsFilter)
}

// errValsOutsideEngine is what the vals filter says when a template that was
// not rendered by an Engine uses it (a host parsing its own pongo2 templates).
var errValsOutsideEngine = errors.New("the vals filter works only in templates rendered by hushflow's render.Engine")

// call is the state of one Render or RenderValue call. The rewritten template
// reaches it through the pongo2 context: as the vals filter's parameter and
// through the check and out functions, which are its methods. pongo2 runs a
// template on the calling goroutine, so a call needs no lock.
type call struct {
	ctx      context.Context
	resolver Resolver
	vars     map[string]any
	pctx     pongo2.Context

	tpl     *compiled
	capture bool // keep the value of output 0 (RenderValue, single expression)
	value   any  // the kept value

	failure    *Error        // the first failure raised by this package's code
	failurePos *pongo2.Error // the pongo2 error handed back with it; pongo2 may stamp a position on it

	inResolver bool     // a panic while true is the resolver's own, not pongo2's
	resolved   []string // values resolved in this call, kept out of error details
	valsCalls  int      // how many times the vals filter ran for this call
}

func newCall(ctx context.Context, r Resolver, vars map[string]any) *call {
	c := &call{ctx: ctx, resolver: r, vars: vars}
	pctx := make(pongo2.Context, len(vars)+3)
	for k, v := range vars {
		// pongo2 refuses a whole context when one key is not an identifier
		// (and quotes the values in its error): leave such keys out. A
		// template that uses one fails as undefined, with a hint.
		if isContextKey(k) {
			pctx[k] = v
		}
	}
	pctx[stateName] = c
	pctx[checkName] = c.check
	pctx[outName] = c.out
	c.pctx = pctx
	return c
}

// isContextKey reports whether pongo2 accepts k as a context key (its rule is
// ^[a-zA-Z0-9_]+$) and k is not one of this package's reserved names.
func isContextKey(k string) bool {
	if k == "" || strings.HasPrefix(k, reservedPrefix) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isIdentChar(k[i]) {
			return false
		}
	}
	return true
}

// fail records the first failure of the call and returns the pongo2 error
// that carries it up through pongo2.
func (c *call) fail(e *Error) *pongo2.Error {
	perr := &pongo2.Error{Sender: "hushflow", OrigError: e}
	if c.failure == nil {
		c.failure = e
		c.failurePos = perr
	}
	return perr
}

// valsFilter is the one vals filter, registered globally at package
// initialisation. Its parameter is the call (the rewrite adds it), which
// brings the engine's resolver and the call's context.
func valsFilter(in, param *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
	c, ok := param.Interface().(*call)
	if !ok || c == nil {
		return nil, &pongo2.Error{Sender: "filter:vals", OrigError: errValsOutsideEngine}
	}
	c.valsCalls++
	if !in.IsString() {
		return in, nil // numbers, booleans, null, maps and lists pass unchanged
	}
	s := in.String()
	if !ref.Contains(s) {
		return in, nil
	}
	c.inResolver = true
	out, err := c.resolver.Resolve(c.ctx, s)
	c.inResolver = false
	if err != nil {
		return nil, c.fail(&Error{Kind: ErrResolve, Name: c.refNames(s), Err: err})
	}
	c.resolved = append(c.resolved, out)
	return pongo2.AsValue(out), nil
}

// withheldRef stands for a reference that was built while rendering.
const withheldRef = "(a reference built while rendering; not shown)"

// refNames names the references in s for an error message: without their
// queries (vals passes credentials there), without the rest of s, and only
// references written as such in the template or held by a variable. A
// reference built while rendering ('ref+vault://' | add:something) may hold
// a value, so it is not shown.
func (c *call) refNames(s string) string {
	known := map[string]bool{}
	addRefs := func(v string) {
		for _, sp := range ref.FindAll(v) {
			known[sp.Ref] = true
		}
	}
	if c.tpl != nil {
		for _, lit := range c.tpl.plan.literals {
			addRefs(lit)
		}
	}
	walkStrings(c.vars, 0, addRefs)

	var names []string
	for _, sp := range ref.FindAll(s) {
		name := withheldRef
		if known[sp.Ref] {
			name = ref.Safe("ref+" + sp.Ref)
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// walkStrings calls fn with every string in v that holds a reference.
func walkStrings(v any, depth int, fn func(string)) {
	if depth > DefaultMaxDepth {
		return
	}
	switch x := v.(type) {
	case string:
		if ref.Contains(x) {
			fn(x)
		}
	case map[string]any:
		for _, e := range x {
			walkStrings(e, depth+1, fn)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, depth+1, fn)
		}
	case map[string]string:
		for _, e := range x {
			walkStrings(e, depth+1, fn)
		}
	case []string:
		for _, e := range x {
			walkStrings(e, depth+1, fn)
		}
	}
}

// check is called, through the rewrite, before output tag n is evaluated. It
// fails when a variable the tag reads does not exist. It takes the execution
// context to see what tags define (loop variables, set, with, macro
// arguments) as well as the call's variables.
func (c *call) check(ec *pongo2.ExecutionContext, n int) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return n, c.fail(&Error{Kind: ErrExec, Detail: "the render was stopped", Err: err})
	}
	if n < 0 || n >= len(c.tpl.plan.outputs) {
		return n, nil
	}
	if e := c.checkPaths(c.tpl.plan.outputs[n].paths, ec.Private, ec.Public); e != nil {
		return n, c.fail(e)
	}
	return n, nil
}

// checkAll checks every output of a tagless template before it runs: there
// is nothing to skip an output, and only the call's variables (and pongo2's
// own "pongo2") are in scope.
func (c *call) checkAll() *Error {
	for i := range c.tpl.plan.outputs {
		if e := c.checkPaths(c.tpl.plan.outputs[i].paths, nil, c.pctx); e != nil {
			return e
		}
	}
	return nil
}

// checkPaths returns an ErrUndefined error for the first path that does not
// lead anywhere, looking up roots as pongo2 does: private scope first. A nil
// private scope stands for the one pongo2 starts every execution with, which
// holds only pongo2's own "pongo2" (its version).
func (c *call) checkPaths(paths []varPath, private, public pongo2.Context) *Error {
	for i := range paths {
		p := &paths[i]
		if private == nil && p.root == "pongo2" {
			continue
		}
		v, ok := private[p.root]
		if !ok {
			v, ok = public[p.root]
		}
		if !ok {
			return c.undefined(p, 0)
		}
	walk:
		for k, part := range p.parts {
			next, res := lookup(v, part)
			switch res {
			case found:
				v = next
			case missing:
				return c.undefined(p, k+1)
			case opaque:
				break walk // a Go value pongo2 resolves by its own rules
			}
		}
	}
	return nil
}

func (c *call) undefined(p *varPath, n int) *Error {
	e := &Error{Kind: ErrUndefined, Name: p.name(n), Line: p.line, Column: p.col}
	if n == 0 {
		e.Detail = c.keyHint(p.root)
	}
	return e
}

// keyHint explains an undefined root when the variables hold a key that is
// not an identifier and was left out of the context: {{ say-hello.output }}
// reads "say" minus "hello.output".
func (c *call) keyHint(root string) string {
	var hint string
	for k := range c.vars {
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

// out is called, through the rewrite, with the value of output tag n. It
// formats the value the way YAML and JSON would: true/false rather than
// pongo2's True/False, 1.5 rather than 1.500000, maps and lists as JSON.
func (c *call) out(n int, v *pongo2.Value) (*pongo2.Value, error) {
	// pongo2 cannot be interrupted; checking here stops a template that
	// loops over large data at the caller's deadline.
	if err := c.ctx.Err(); err != nil {
		return nil, c.fail(&Error{Kind: ErrExec, Detail: "the render was stopped", Err: err})
	}
	if c.capture && n == 0 {
		c.value = v.Interface()
	}
	return formatValue(v), nil
}

func formatValue(v *pongo2.Value) *pongo2.Value {
	if v.IsNil() {
		return v
	}
	switch x := v.Interface().(type) {
	case string:
		return v
	case bool:
		return pongo2.AsValue(strconv.FormatBool(x))
	case float64:
		return pongo2.AsValue(formatFloat(x, 64))
	case float32:
		return pongo2.AsValue(formatFloat(float64(x), 32))
	case fmt.Stringer:
		return v
	}
	switch reflect.ValueOf(v.Interface()).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v.Interface()); err == nil {
			return pongo2.AsValue(strings.TrimSuffix(buf.String(), "\n"))
		}
	}
	return v
}

// formatFloat writes f the shortest way that reads back the same, without an
// exponent in the range JSON writes without one.
func formatFloat(f float64, bits int) string {
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}
