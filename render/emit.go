package render

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// This file writes the parsed template out again as the pongo2 template the
// engine runs. This rewrite is how the engine reaches into pongo2, whose
// filters are global and receive no execution context: every construct
// that needs the call's state becomes a call of a method of the call's
// binding (binding.go), which the Render call puts in the pongo2 context it
// executes with under the reserved name __hushflow, or a filter whose
// parameter is such a call:
//
//	{{ x }}              {{ __hushflow.Out(N, __hushflow.Check(N), x) }}
//	x | f:a              x | __hushflow_f:__hushflow.A(N, a)
//	{% for v in x %}     {% for v in __hushflow.Seq(N, x) %}{{ __hushflow.Iter(N) }}
//	m(a)                 __hushflow.Call(N, a)
//	a ~ b, a + b         __hushflow.Cat(N, a, b), __hushflow.Plus(N, a, b)
//	x is defined         __hushflow.Defined(N)
//
// __hushflow_f is the one filter this package registers in pongo2's global
// map (in init), and the only change it makes to pongo2's global state;
// its parameter carries the call, so two engines, or two calls, never see
// each other's state. N indexes the template's plan, where the engine keeps
// what it learned about the construct when it parsed it. Every printed
// value comes back from Out as a "safe" value, so pongo2's global
// autoescaping never touches it.
//
// Tera's constructs are written as pongo2's (loop.index is
// forloop.Counter, self::m() is m()), Tera's filters are the engine's own
// (filters.go), plain text is copied as it is, and whatever pongo2's lexer
// cannot hold (a newline in a string, "{{" in raw text) is taken from the
// plan's table of texts by __hushflow.Lit(N).

type emitter struct {
	b strings.Builder
	p *plan
	f *flow
	// vals holds, for each enclosing {% filter %} block that resolves
	// references, how many macros enclosed it: what prints inside it, and
	// not inside a macro defined in it (which prints where it is called),
	// is marked when it holds data.
	vals    []int
	inMacro int
}

func emit(src string, nodes []node, f *flow) (string, *plan) {
	e := &emitter{p: &plan{lines: newLineIndex(src), tagless: true}, f: f}
	for _, n := range nodes {
		switch n.(type) {
		case *textNode, *outputNode:
		default:
			e.p.tagless = false
		}
	}
	outputs := 0
	for _, n := range nodes {
		switch x := n.(type) {
		case *outputNode:
			outputs++
		case *textNode:
			if strings.TrimSpace(x.text) != "" {
				outputs = 2
			}
		default:
			outputs = 2
		}
	}
	e.p.single = outputs == 1
	allExprs(nodes, func(x expr) {
		if l, ok := x.(*litExpr); ok {
			if s, ok := l.val.(string); ok {
				e.p.literals = append(e.p.literals, s)
			}
		}
	})
	e.p.bound = f.boundNames()
	e.nodes(nodes)
	out := e.b.String()
	e.p.emitted = newLineIndex(out)
	return out, e.p
}

func (e *emitter) mark(orig int) {
	e.p.srcmap = append(e.p.srcmap, srcMark{emitted: e.b.Len(), orig: orig})
}

func (e *emitter) w(s ...string) {
	for _, x := range s {
		e.b.WriteString(x)
	}
}

func (e *emitter) site(off int) site {
	line, col := e.p.lines.position(off)
	return site{line: line, col: col}
}

func (e *emitter) nodes(nodes []node) {
	for _, n := range nodes {
		e.node(n)
	}
}

func (e *emitter) node(n node) {
	switch x := n.(type) {
	case *textNode:
		e.mark(x.off)
		e.text(x.text)
	case *outputNode:
		e.mark(x.off)
		e.output(x)
	case *ifNode:
		e.mark(x.off)
		e.ifTag(x)
	case *forNode:
		e.mark(x.off)
		e.loop(x)
	case *setNode:
		e.mark(x.off)
		e.w("{% set ", x.name, " = ")
		e.expr(x.x)
		e.w(" %}")
	case *withNode:
		e.mark(x.off)
		e.w("{% with")
		for _, p := range x.pairs {
			e.w(" ", p.name, "=")
			e.expr(p.val)
		}
		e.w(" %}")
		e.nodes(x.body)
		e.w("{% endwith %}")
	case *macroNode:
		e.mark(x.off)
		e.macro(x)
	case *filterBlock:
		e.mark(x.off)
		e.block(x)
	}
}

func (e *emitter) ifTag(x *ifNode) {
	for i, b := range x.branches {
		switch {
		case i == 0:
			e.w("{% if ")
			e.expr(b.cond)
			e.w(" %}")
		case b.cond != nil:
			e.w("{% elif ")
			e.expr(b.cond)
			e.w(" %}")
		default:
			e.w("{% else %}")
		}
		e.nodes(b.body)
	}
	e.w("{% endif %}")
}

// text writes plain text, through the table of texts when pongo2's lexer
// would read it otherwise: "{{", "{%" or "{#" (text of a raw block), a "{"
// that the next tag would join, or U+0001, where pongo2 stops reading.
func (e *emitter) text(s string) {
	if strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#") ||
		strings.HasSuffix(s, "{") || strings.ContainsRune(s, 0x01) {
		e.w("{{ ", litName, "(", strconv.Itoa(e.lit(s)), ") }}")
		return
	}
	e.p.textBytes += len(s)
	e.w(s)
}

func (e *emitter) lit(s string) int {
	e.p.lits = append(e.p.lits, s)
	return len(e.p.lits) - 1
}

func (e *emitter) output(x *outputNode) {
	n := len(e.p.outputs)
	x.id = n
	e.p.outputs = append(e.p.outputs, outputSite{
		site:   e.site(x.off),
		paths:  requiredPaths(x.x, e.p.lines),
		taint:  e.f.taint(x.x),
		inVals: e.inValsBlock(),
		auth:   e.f.authOf(x.x),
	})
	id := strconv.Itoa(n)
	check := "0"
	if !e.p.tagless && len(e.p.outputs[n].paths) > 0 {
		check = checkName + "(" + id + ")"
	}
	e.w("{{ ", outName, "(", id, ", ", check, ", ")
	e.expr(x.x)
	e.w(") }}")
}

func (e *emitter) loop(x *forNode) {
	n := len(e.p.loops)
	x.id = n
	e.p.loops = append(e.p.loops, loopSite{site: e.site(x.off), textBytes: textBytes(x.body), keysOnly: x.val == ""})
	id := strconv.Itoa(n)
	e.w("{% for ", x.key)
	if x.val != "" {
		e.w(", ", x.val)
	}
	e.w(" in ", seqName, "(", id, ", ")
	e.expr(x.iter)
	e.w(")")
	if x.reversed {
		e.w(" reversed")
	}
	if x.sorted || x.val != "" {
		e.w(" sorted") // a map's keys in order, as Tera iterates them
	}
	e.w(" %}{{ ", iterName, "(", id, ") }}")
	e.nodes(x.body)
	if len(x.empty) > 0 {
		e.w("{% empty %}")
		e.nodes(x.empty)
	}
	e.w("{% endfor %}")
}

// textBytes counts the plain text a loop body prints on every iteration, at
// most, outside nested loops (which count their own) and macros.
func textBytes(body []node) int {
	n := 0
	walkNodes(body, func(x node) bool {
		switch t := x.(type) {
		case *textNode:
			n += len(t.text)
		case *forNode, *macroNode:
			return false
		}
		return true
	})
	return n
}

func (e *emitter) macro(x *macroNode) {
	x.id = len(e.p.calls)
	e.w("{% macro ", x.name, "(")
	for i, p := range x.params {
		if i > 0 {
			e.w(", ")
		}
		e.w(p.name)
		if p.val != nil {
			e.w("=")
			e.expr(p.val)
		}
	}
	e.w(") %}")
	e.inMacro++
	e.nodes(x.body)
	e.inMacro--
	e.w("{% endmacro %}")
}

func (e *emitter) block(x *filterBlock) {
	x.id = len(e.p.blocks)
	body := append(sinkExprs(x.body), chainExprs(x.chain)...)
	e.p.blocks = append(e.p.blocks, blockSite{site: e.site(x.off), taint: e.f.taint(body...),
		marked: e.inValsBlock()})
	vals := slices.ContainsFunc(x.chain, func(f *filterExpr) bool { return f.name == "vals" })
	e.w("{% filter ")
	e.chain(x.chain, x.id, nil)
	e.w(" %}")
	if vals {
		e.vals = append(e.vals, e.inMacro)
	}
	e.nodes(x.body)
	if vals {
		e.vals = e.vals[:len(e.vals)-1]
	}
	e.w("{% endfilter %}")
}

// inValsBlock reports whether what prints here lands in a {% filter %}
// block that resolves references.
func (e *emitter) inValsBlock() bool {
	return len(e.vals) > 0 && e.vals[len(e.vals)-1] == e.inMacro
}

func chainExprs(chain []*filterExpr) []expr {
	out := make([]expr, len(chain))
	for i, f := range chain {
		out[i] = f
	}
	return out
}

// expr writes an expression. Binary and unary operations are written in
// parentheses, so pongo2 reads them with this parser's precedence.
func (e *emitter) expr(x expr) {
	switch v := x.(type) {
	case *litExpr:
		e.mark(v.off)
		e.literal(v)
	case *pathExpr:
		e.mark(v.off)
		e.path(v)
	case *callExpr:
		e.mark(v.off)
		e.call(v)
	case *filterExpr:
		chain := []*filterExpr{v}
		base := v.in
		for f, ok := base.(*filterExpr); ok; f, ok = base.(*filterExpr) {
			chain = append([]*filterExpr{f}, chain...)
			base = f.in
		}
		cat := e.filterable(base)
		e.chain(chain, -1, &chainBase{expr: base, cat: cat})
	case *unaryExpr:
		e.mark(v.off)
		switch v.op {
		case "not":
			e.w("not (")
		case "-":
			e.w("-(")
		default:
			e.w("(")
		}
		e.expr(v.x)
		e.w(")")
	case *binaryExpr:
		e.binary(v)
	case *concatExpr:
		e.concat(v)
	case *testExpr:
		e.test(v)
	}
}

func (e *emitter) binary(v *binaryExpr) {
	e.mark(v.off)
	if v.op == "+" {
		// pongo2's + joins strings without a bound: the engine's own does
		// the same within WithMaxOutput.
		e.p.plus = append(e.p.plus, e.site(v.off))
		e.w(plusName, "(", strconv.Itoa(len(e.p.plus)-1), ", ")
		e.expr(v.l)
		e.w(", ")
		e.expr(v.r)
		e.w(")")
		return
	}
	op := v.op
	if op == "notin" {
		e.w("not (")
		op = "in"
	}
	e.w("(")
	e.expr(v.l)
	e.w(") ", op, " (")
	e.expr(v.r)
	e.w(")")
	if v.op == "notin" {
		e.w(")")
	}
}

// filterable writes the input of a filter chain: pongo2 applies filters to
// a variable, a literal or a call only, so anything else goes through the
// identity function. It returns the concatenation site the input is, or -1.
func (e *emitter) filterable(x expr) int {
	switch v := x.(type) {
	case *pathExpr, *callExpr, *testExpr:
		e.expr(x)
		return -1
	case *concatExpr:
		return e.concat(v)
	case *litExpr:
		switch n := v.val.(type) {
		case int:
			if n >= 0 {
				e.expr(x)
				return -1
			}
		case float64:
			if n >= 0 {
				e.expr(x)
				return -1
			}
		default:
			e.expr(x)
			return -1
		}
	}
	e.w(idName, "(")
	e.expr(x)
	e.w(")")
	return -1
}

func (e *emitter) literal(v *litExpr) {
	switch x := v.val.(type) {
	case string:
		if x == absentArg {
			e.w(absentName)
			return
		}
		if strings.ContainsAny(x, "\n\r\x01") {
			e.w(litName, "(", strconv.Itoa(e.lit(x)), ")")
			return
		}
		e.w(`"`, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(x), `"`)
	case bool:
		e.w(strconv.FormatBool(x))
	case int:
		if x < 0 {
			e.w("(", strconv.Itoa(x), ")")
			return
		}
		e.w(strconv.Itoa(x))
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		if x < 0 {
			s = "(" + s + ")"
		}
		e.w(s)
	}
}

// pongoKeywords cannot follow a "." in pongo2; such attributes are written
// as subscripts.
var pongoKeywords = map[string]bool{"in": true, "and": true, "or": true, "not": true, "true": true, "false": true, "as": true, "export": true}

func (e *emitter) path(v *pathExpr) {
	// pongo2 ends a variable at its first subscript: a subscript followed
	// by more steps is wrapped in the identity function, after which
	// pongo2 reads on.
	var cur strings.Builder
	cur.WriteString(v.root)
	for i, s := range v.steps {
		sub := ""
		switch s.kind {
		case stepAttr:
			switch {
			case !pongoKeywords[s.name] && isIdentifier(s.name):
				cur.WriteString("." + s.name)
				continue
			case strings.ContainsAny(s.name, "\n\r\x01\\\""):
				sub = litName + "(" + strconv.Itoa(e.lit(s.name)) + ")"
			default:
				sub = `"` + s.name + `"`
			}
		case stepIndex:
			cur.WriteString("." + strconv.Itoa(s.index))
			continue
		case stepSub:
			// Written aside; its source marks would be out of order.
			saved, marks := e.b, len(e.p.srcmap)
			e.b = strings.Builder{}
			e.expr(s.sub)
			sub = e.b.String()
			e.b = saved
			e.p.srcmap = e.p.srcmap[:marks]
		}
		cur.WriteString("[" + sub + "]")
		if i < len(v.steps)-1 {
			inner := cur.String()
			cur.Reset()
			cur.WriteString(idName + "(" + inner + ")")
		}
	}
	e.w(cur.String())
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

// call writes a macro call; named arguments are put in the macro's order.
func (e *emitter) call(v *callExpr) {
	n := len(e.p.calls)
	v.site = n
	e.p.calls = append(e.p.calls, callSite{site: e.site(v.off), name: v.name})
	e.w(callName, "(", strconv.Itoa(n))
	args := v.args
	if len(v.kwargs) > 0 {
		m := e.f.macros[v.name]
		args = append([]expr(nil), v.args...)
		for i := len(args); i < len(m.params); i++ {
			var val expr
			for _, kw := range v.kwargs {
				if kw.name == m.params[i].name {
					val = kw.val
				}
			}
			if val == nil {
				val = m.params[i].val
			}
			if val == nil {
				val = &litExpr{off: v.off}
			}
			args = append(args, val)
		}
	}
	for _, a := range args {
		e.w(", ")
		e.expr(a)
	}
	e.w(")")
}

func (e *emitter) concat(v *concatExpr) int {
	n := len(e.p.cats)
	v.site = n
	e.p.cats = append(e.p.cats, catSite{site: e.site(v.off)})
	e.mark(v.off)
	e.w(catName, "(", strconv.Itoa(n))
	authored := make([]auth, len(v.items))
	itemCat := make([]int, len(v.items))
	for i, it := range v.items {
		e.w(", ")
		itemCat[i] = -1
		if c, ok := it.(*concatExpr); ok {
			itemCat[i] = e.concat(c)
		} else {
			e.expr(it)
		}
		authored[i] = e.f.authOf(it)
	}
	e.w(")")
	e.p.cats[n].auth, e.p.cats[n].itemCat = authored, itemCat
	return n
}

func (e *emitter) test(v *testExpr) {
	n := len(e.p.tests)
	v.site = n
	ts := testSite{site: e.site(v.off), name: v.name, negate: v.negate}
	if v.name == "defined" || v.name == "undefined" {
		p := v.x.(*pathExpr)
		vp := &varPath{root: p.root, parts: toParts(p.steps)}
		ts.path = vp
		e.p.tests = append(e.p.tests, ts)
		e.mark(v.off)
		e.w(definedName, "(", strconv.Itoa(n), ")")
		return
	}
	e.p.tests = append(e.p.tests, ts)
	e.mark(v.off)
	e.w(testName, "(", strconv.Itoa(n), ", ")
	e.expr(v.x)
	for _, a := range v.args {
		e.w(", ")
		e.expr(a)
	}
	e.w(")")
}

// chainBase is the input of an expression's filter chain.
type chainBase struct {
	expr expr
	cat  int
}

// chain writes the filters of a chain; block is the {% filter %} block it
// belongs to, or -1 for a chain in an expression, whose input base is.
func (e *emitter) chain(chain []*filterExpr, block int, base *chainBase) {
	vals := -1
	for i, f := range chain {
		if f.name == "vals" {
			vals = i
		}
	}
	prev := -1
	for i, f := range chain {
		n := len(e.p.filters)
		f.site = n
		fs := filterSite{site: e.site(f.off), name: f.name, tera: f.tera, prev: prev, block: block,
			last: i == len(chain)-1, inCat: -1, track: i <= vals}
		if spec, ok := ownFilters[f.name]; ok && (f.tera || spec.django) {
			fs.spec = spec
		}
		if i == 0 && base != nil {
			fs.inAuth = e.f.authOf(base.expr)
			fs.inCat = base.cat
			fs.readsInput = slices.Sorted(maps.Keys(e.f.of(modeTrust, base.expr).paths))
		}
		e.p.filters = append(e.p.filters, fs)
		switch {
		case i > 0:
			e.w("|")
		case block < 0:
			e.w(" | ")
		}
		e.mark(f.off)
		e.w(filterName, ":", argsName, "(", strconv.Itoa(n))
		args := e.filterArgs(f)
		authored := make([]auth, len(args))
		for j, a := range args {
			e.w(", ")
			e.expr(a)
			authored[j] = e.f.authOf(a)
		}
		e.w(")")
		e.p.filters[n].argAuth = authored
		prev = n
	}
}

// filterArgs returns the arguments a filter site passes: pongo2's one
// argument, or Tera's named ones in the order the filter's spec lists them
// (an absent one as null). Tera's default also gets whether its input is
// defined.
func (e *emitter) filterArgs(f *filterExpr) []expr {
	if !f.tera {
		return f.args
	}
	spec, ok := ownFilters[f.name]
	if !ok || spec.impl == nil {
		return nil
	}
	args := make([]expr, 0, len(spec.kwargs)+1)
	for _, name := range spec.kwargs {
		var val expr = &litExpr{off: f.off, val: absentArg}
		for _, kw := range f.kwargs {
			if kw.name == name {
				val = kw.val
			}
		}
		args = append(args, val)
	}
	if f.name == "default" {
		if p, ok := f.in.(*pathExpr); ok && !slices.ContainsFunc(p.steps, func(s pathStep) bool { return s.kind == stepSub }) {
			args = append(args, &testExpr{off: f.off, x: p, name: "defined"})
		} else {
			args = append(args, &litExpr{off: f.off, val: true})
		}
	}
	return args
}

// absentArg stands for a named argument a Tera filter call left out.
const absentArg = "\x00absent\x00"
