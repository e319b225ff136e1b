package render

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// parser turns the segments of a template into its tree. It reads pongo2's
// Django syntax and Tera's side by side; where the two disagree, the choice
// is written next to the rule (and in the package documentation).
type parser struct {
	src      string
	lines    lineIndex
	segs     []segment
	i        int
	depth    int // nesting of tags and expressions
	maxDepth int
	loops    int // enclosing {% for %} tags, for Tera's loop.* names
}

// parseTemplate parses src. Every error is an *Error of kind ErrParse (or
// ErrTooLarge for nesting beyond maxDepth) placed in src.
func parseTemplate(src string, maxDepth int) ([]node, error) {
	segs, err := lex(src)
	if err != nil {
		return nil, err
	}
	trimSpaces(segs)
	p := &parser{src: src, lines: newLineIndex(src), segs: segs, maxDepth: maxDepth}
	nodes, end, err := p.nodes()
	if err != nil {
		return nil, err
	}
	if end != nil {
		return nil, p.errAt(end.start, "{%% %s %%} has no opening tag", tagName(end))
	}
	return nodes, nil
}

// trimSpaces applies the "-" markers: {{- and {%- remove the white space
// before them, -}} and -%} the white space after them.
func trimSpaces(segs []segment) {
	for i := range segs {
		if segs[i].trimLeft && i > 0 && (segs[i-1].kind == segText || segs[i-1].kind == segRaw) {
			segs[i-1].text = strings.TrimRightFunc(segs[i-1].text, unicode.IsSpace)
		}
		if segs[i].trimRight && i+1 < len(segs) && (segs[i+1].kind == segText || segs[i+1].kind == segRaw) {
			segs[i+1].text = strings.TrimLeftFunc(segs[i+1].text, unicode.IsSpace)
		}
	}
}

func (p *parser) errText(off int, detail string) *Error {
	line, col := p.lines.position(off)
	return &Error{Kind: ErrParse, Line: line, Column: col, Detail: detail}
}

func (p *parser) errAt(off int, format string, args ...any) *Error {
	line, col := p.lines.position(off)
	return &Error{Kind: ErrParse, Line: line, Column: col, Detail: fmt.Sprintf(format, args...)}
}

func tagName(s *segment) string {
	if len(s.toks) == 0 {
		return ""
	}
	return s.toks[0].val
}

// nodes parses nodes up to a tag that does not belong to them (an end or a
// middle tag such as else), which it returns unconsumed, or to the end.
func (p *parser) nodes() ([]node, *segment, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.maxDepth {
		return nil, nil, p.tooDeep(p.segs[max(p.i-1, 0)].start)
	}
	var out []node
	for p.i < len(p.segs) {
		s := &p.segs[p.i]
		switch s.kind {
		case segText, segRaw:
			p.i++
			if s.text != "" {
				out = append(out, &textNode{off: s.start, text: s.text})
			}
		case segComment:
			p.i++
		case segOutput:
			p.i++
			x, err := p.exprOf(s, s.toks)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, &outputNode{off: s.start, x: x})
		case segTag:
			if len(s.toks) == 0 || s.toks[0].kind != tokIdent {
				return nil, nil, p.errText(s.start, "a tag must start with its name")
			}
			if closers[s.toks[0].val] {
				return out, s, nil
			}
			p.i++
			n, err := p.tag(s)
			if err != nil {
				return nil, nil, err
			}
			if n != nil {
				out = append(out, n)
			}
		}
	}
	return out, nil, nil
}

func (p *parser) tooDeep(off int) *Error {
	e := p.errAt(off, "the template is nested deeper than %d levels (Limits.MaxDepth)", p.maxDepth)
	e.Kind = ErrTooLarge
	return e
}

// closers are the tags that end or divide a block.
var closers = map[string]bool{
	"endif": true, "elif": true, "else": true, "endfor": true, "empty": true, "endmacro": true,
	"endfilter": true, "endwith": true, "endraw": true, "endverbatim": true, "endcomment": true,
}

// unsupported names the tags of either language that the engine refuses,
// with the reason a user is told.
var unsupported = map[string]string{
	"include":     "templates cannot read other templates or files",
	"import":      "templates cannot read other templates or files",
	"extends":     "templates cannot read other templates or files",
	"block":       "template inheritance is not available",
	"ssi":         "templates cannot read files",
	"cycle":       "it keeps state in the parsed template, which concurrent renders share",
	"ifchanged":   "it keeps state in the parsed template, which concurrent renders share",
	"lorem":       "it can produce output of any size",
	"firstof":     "use {{ a | default(value=b) }}",
	"spaceless":   "it is an HTML tool",
	"autoescape":  "templates are never HTML-escaped",
	"now":         "templates do not read the clock",
	"widthratio":  "use arithmetic in {{ }}",
	"templatetag": "write the text, or use {% raw %}",
	"ifequal":     "use {% if a == b %}",
	"ifnotequal":  "use {% if a != b %}",
	"call":        "call the macro in {{ }}",
}

// tag parses the tag s (already consumed) and its body.
func (p *parser) tag(s *segment) (node, error) {
	name, args := s.toks[0].val, s.toks[1:]
	switch name {
	case "if":
		return p.ifTag(s, args)
	case "for":
		return p.forTag(s, args)
	case "set", "set_global":
		return p.setTag(s, args)
	case "break", "continue":
		if p.loops == 0 {
			return nil, p.errAt(s.toks[0].off, "{%% %s %%} stands only inside a {%% for %%}", name)
		}
		return &jumpNode{off: s.start, isBreak: name == "break"}, p.noArgs(name, args)
	case "with":
		return p.withTag(s, args)
	case "macro":
		return p.macroTag(s, args)
	case "filter":
		return p.filterTag(s, args)
	case "raw", "verbatim", "comment":
		if len(args) > 0 {
			return nil, p.errAt(args[0].off, "{%% %s %%} takes no arguments", name)
		}
		// lex put the block's content and its closing tag after the tag.
		raw := &p.segs[p.i]
		p.i += 2
		if name == "comment" || raw.text == "" {
			return nil, nil
		}
		return &textNode{off: raw.start, text: raw.text}, nil
	}
	if why, ok := unsupported[name]; ok {
		return nil, p.errAt(s.toks[0].off, "the {%% %s %%} tag is not supported: %s", name, why)
	}
	return nil, p.errAt(s.toks[0].off, "unknown tag %q", name)
}

// body parses nodes up to one of the tags in ends, consumes it and returns
// its name and arguments.
func (p *parser) body(open *segment, ends ...string) ([]node, string, []token, error) {
	nodes, end, err := p.nodes()
	if err != nil {
		return nil, "", nil, err
	}
	if end == nil {
		return nil, "", nil, p.errAt(open.start, "{%% %s %%} is not closed with {%% %s %%}", tagName(open), ends[len(ends)-1])
	}
	name := tagName(end)
	for _, e := range ends {
		if e == name {
			p.i++
			return nodes, name, end.toks[1:], nil
		}
	}
	return nil, "", nil, p.errAt(end.start, "{%% %s %%} does not belong here (in {%% %s %%})", name, tagName(open))
}

func (p *parser) noArgs(name string, args []token) error {
	if len(args) > 0 {
		return p.errAt(args[0].off, "{%% %s %%} takes no arguments", name)
	}
	return nil
}

func (p *parser) ifTag(s *segment, args []token) (node, error) {
	n := &ifNode{off: s.start}
	cond, err := p.exprOf(s, args)
	for err == nil {
		var body []node
		var end string
		var endArgs []token
		body, end, endArgs, err = p.body(s, "elif", "else", "endif")
		if err != nil {
			break
		}
		n.branches = append(n.branches, ifBranch{cond: cond, body: body})
		switch end {
		case "endif":
			return n, p.noArgs(end, endArgs)
		case "else":
			if cond == nil {
				return nil, p.errText(s.start, "{% if %} has two {% else %}")
			}
			cond, err = nil, p.noArgs(end, endArgs)
		case "elif":
			if cond == nil {
				return nil, p.errText(s.start, "{% elif %} after {% else %}")
			}
			cond, err = p.exprOf(s, endArgs)
		}
	}
	return nil, err
}

func (p *parser) forTag(s *segment, args []token) (node, error) {
	n, err := p.forHeader(s, args)
	if err != nil {
		return nil, err
	}
	p.loops++
	defer func() { p.loops-- }()
	body, end, endArgs, err := p.body(s, "empty", "else", "endfor")
	if err != nil {
		return nil, err
	}
	n.body = body
	if end != "endfor" {
		if err := p.noArgs(end, endArgs); err != nil {
			return nil, err
		}
		p.loops--
		n.empty, end, endArgs, err = p.body(s, "endfor")
		p.loops++
		if err != nil {
			return nil, err
		}
	}
	return n, p.noArgs(end, endArgs)
}

// forHeader parses "k[, v] in expr [reversed] [sorted]".
func (p *parser) forHeader(s *segment, args []token) (*forNode, error) {
	n := &forNode{off: s.start}
	i := 0
	ident := func() (string, error) {
		if i >= len(args) || args[i].kind != tokIdent {
			return "", p.errText(s.start, "{% for %} needs a variable name")
		}
		i++
		return args[i-1].val, nil
	}
	var err error
	if n.key, err = ident(); err != nil {
		return nil, err
	}
	if i < len(args) && args[i].is(",") {
		i++
		if n.val, err = ident(); err != nil {
			return nil, err
		}
	}
	if i >= len(args) || args[i].kind != tokIdent || args[i].val != "in" {
		return nil, p.errText(s.start, "{% for %} needs 'in'")
	}
	rest := args[i+1:]
	for len(rest) > 0 && rest[len(rest)-1].kind == tokIdent {
		last := rest[len(rest)-1].val
		if last == "reversed" {
			n.reversed = true
		} else if last == "sorted" {
			n.sorted = true
		} else {
			break
		}
		rest = rest[:len(rest)-1]
	}
	n.iter, err = p.exprOf(s, rest)
	return n, err
}

func (p *parser) setTag(s *segment, args []token) (node, error) {
	if len(args) < 3 || args[0].kind != tokIdent || !args[1].is("=") {
		return nil, p.errText(s.start, "{% set %} is written {% set name = value %}")
	}
	x, err := p.exprOf(s, args[2:])
	if err != nil {
		return nil, err
	}
	return &setNode{off: s.start, name: args[0].val, x: x, global: tagName(s) == "set_global"}, nil
}

func (p *parser) withTag(s *segment, args []token) (node, error) {
	n := &withNode{off: s.start}
	ep := &exprParser{p: p, toks: args, seg: s}
	for ep.i < len(args) {
		if ep.i+1 < len(args) && args[ep.i].kind == tokIdent && args[ep.i+1].is("=") {
			name := args[ep.i].val
			ep.i += 2
			x, err := ep.expr()
			if err != nil {
				return nil, err
			}
			n.pairs = append(n.pairs, kwarg{name: name, val: x})
		} else {
			x, err := ep.expr() // Django's old style: {% with value as name %}
			if err != nil {
				return nil, err
			}
			if ep.i+1 >= len(args) || args[ep.i].kind != tokIdent || args[ep.i].val != "as" || args[ep.i+1].kind != tokIdent {
				return nil, p.errText(s.start, "{% with %} is written {% with name=value %}")
			}
			n.pairs = append(n.pairs, kwarg{name: args[ep.i+1].val, val: x})
			ep.i += 2
		}
		if ep.i < len(args) && args[ep.i].is(",") {
			ep.i++
		}
	}
	if len(n.pairs) == 0 {
		return nil, p.errText(s.start, "{% with %} needs at least one name=value")
	}
	body, end, endArgs, err := p.body(s, "endwith")
	if err != nil {
		return nil, err
	}
	n.body = body
	return n, p.noArgs(end, endArgs)
}

func (p *parser) macroTag(s *segment, args []token) (node, error) {
	if len(args) < 3 || args[0].kind != tokIdent || !args[1].is("(") {
		return nil, p.errText(s.start, "{% macro %} is written {% macro name(arg, other=default) %}")
	}
	n := &macroNode{off: s.start, name: args[0].val}
	ep := &exprParser{p: p, toks: args, seg: s, i: 2}
	for !ep.peek(")") {
		t, ok := ep.next()
		if !ok || t.kind != tokIdent {
			return nil, p.errText(s.start, "a macro's arguments are names")
		}
		param := kwarg{name: t.val}
		if ep.peek("=") {
			ep.i++
			d, err := ep.expr()
			if err != nil {
				return nil, err
			}
			param.val = d
		}
		n.params = append(n.params, param)
		if !ep.peek(")") && !ep.accept(",") {
			return nil, p.errText(s.start, "a macro's arguments are separated by commas")
		}
	}
	ep.i++
	if ep.i < len(args) && args[ep.i].kind == tokIdent && args[ep.i].val == "export" {
		ep.i++
	}
	if ep.i < len(args) {
		return nil, p.errText(args[ep.i].off, "unexpected text after the macro's arguments")
	}
	loops := p.loops
	p.loops = 0 // a macro's body is not inside the loops around its definition
	body, _, endArgs, err := p.body(s, "endmacro")
	p.loops = loops
	if err != nil {
		return nil, err
	}
	if len(endArgs) > 1 || len(endArgs) == 1 && endArgs[0].val != n.name {
		return nil, p.errAt(s.start, "{%% endmacro %%} names another macro than %s", n.name)
	}
	n.body = body
	return n, nil
}

func (p *parser) filterTag(s *segment, args []token) (node, error) {
	if len(args) == 0 {
		return nil, p.errText(s.start, "{% filter %} needs a filter")
	}
	ep := &exprParser{p: p, toks: append([]token{{kind: tokSymbol, val: "|", off: args[0].off, end: args[0].off}}, args...), seg: s}
	var x expr = &litExpr{off: s.start, val: ""}
	x, err := ep.filters(x)
	if err != nil {
		return nil, err
	}
	if ep.i < len(ep.toks) {
		return nil, p.errAt(ep.toks[ep.i].off, "unexpected %s in {%% filter %%}", describe(ep.toks[ep.i]))
	}
	var chain []*filterExpr
	for f, ok := x.(*filterExpr); ok; f, ok = f.in.(*filterExpr) {
		chain = append([]*filterExpr{f}, chain...)
	}
	chain[0].in = nil
	body, end, endArgs, err := p.body(s, "endfilter")
	if err != nil {
		return nil, err
	}
	return &filterBlock{off: s.start, chain: chain, body: body}, p.noArgs(end, endArgs)
}

// exprOf parses toks as one whole expression.
func (p *parser) exprOf(s *segment, toks []token) (expr, error) {
	if len(toks) == 0 {
		return nil, p.errText(s.start, "an expression is missing")
	}
	ep := &exprParser{p: p, toks: toks, seg: s}
	x, err := ep.expr()
	if err != nil {
		return nil, err
	}
	if ep.i < len(toks) {
		return nil, p.errAt(toks[ep.i].off, "unexpected %s", describe(toks[ep.i]))
	}
	return x, nil
}

func describe(t token) string {
	switch t.kind {
	case tokString:
		return "string"
	case tokNumber:
		return "number"
	}
	return "'" + t.val + "'"
}

// exprParser parses the tokens of one expression, by precedence from the
// loosest: or, and, not, comparisons and tests, + -, * / %, ^, unary
// minus, then a value with its filters. "not" binds looser than a
// comparison, as in Tera and Django ("not a == b" is "not (a == b)").
type exprParser struct {
	p      *parser
	seg    *segment
	toks   []token
	i      int
	inMath bool // parsing the arithmetic of a chunk (see chunks)
}

func (ep *exprParser) peek(sym string) bool { return ep.i < len(ep.toks) && ep.toks[ep.i].is(sym) }

func (ep *exprParser) peekWord(w string) bool {
	return ep.i < len(ep.toks) && ep.toks[ep.i].kind == tokIdent && ep.toks[ep.i].val == w
}

func (ep *exprParser) accept(sym string) bool {
	if ep.peek(sym) {
		ep.i++
		return true
	}
	return false
}

func (ep *exprParser) next() (token, bool) {
	if ep.i >= len(ep.toks) {
		return token{}, false
	}
	ep.i++
	return ep.toks[ep.i-1], true
}

// here is the offset for an error at the current token.
func (ep *exprParser) here() int {
	if ep.i < len(ep.toks) {
		return ep.toks[ep.i].off
	}
	if len(ep.toks) > 0 {
		return ep.toks[len(ep.toks)-1].end
	}
	return ep.seg.start
}

func (ep *exprParser) fail(format string, args ...any) error {
	return ep.p.errAt(ep.here(), format, args...)
}

func (ep *exprParser) enter() error {
	ep.p.depth++
	if ep.p.depth > ep.p.maxDepth {
		return ep.p.tooDeep(ep.here())
	}
	return nil
}

func (ep *exprParser) leave() { ep.p.depth-- }

func (ep *exprParser) expr() (expr, error) {
	if err := ep.enter(); err != nil {
		return nil, err
	}
	saved := ep.inMath
	ep.inMath = false
	defer func() { ep.leave(); ep.inMath = saved }()
	return ep.binary(0)
}

// levels of the binary operators, loosest first; "not" sits between and
// and the comparisons and is handled in binary.
var levels = [][]string{
	{"or", "||"},
	{"and", "&&"},
	nil, // not
	nil, // comparisons, in, is: see compare
	{"+", "-"},
	{"*", "/", "%"},
}

func (ep *exprParser) binary(level int) (expr, error) {
	switch level {
	case 2:
		if ep.peekWord("not") || ep.peek("!") {
			off := ep.here()
			ep.i++
			if err := ep.enter(); err != nil {
				return nil, err
			}
			defer ep.leave()
			x, err := ep.binary(2)
			if err != nil {
				return nil, err
			}
			return &unaryExpr{off: off, op: "not", x: x}, nil
		}
		return ep.binary(3)
	case 3:
		return ep.compare()
	case len(levels):
		return ep.unary()
	}
	if level == 4 && !ep.inMath {
		return ep.chunks()
	}
	l, err := ep.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op, ok := ep.operator(levels[level])
		if !ok {
			return l, nil
		}
		off := ep.here()
		ep.i++
		r, err := ep.binary(level + 1)
		if err != nil {
			return nil, err
		}
		switch op {
		case "||":
			op = "or"
		case "&&":
			op = "and"
		}
		l = &binaryExpr{off: off, op: op, l: l, r: r}
	}
}

func (ep *exprParser) operator(ops []string) (string, bool) {
	if ep.i >= len(ep.toks) {
		return "", false
	}
	t := ep.toks[ep.i]
	for _, op := range ops {
		if t.val == op && (t.kind == tokSymbol || t.kind == tokIdent) {
			return op, true
		}
	}
	return "", false
}

var comparisons = []string{"==", "!=", "<>", "<=", ">=", "<", ">"}

func (ep *exprParser) compare() (expr, error) {
	l, err := ep.binary(4)
	if err != nil {
		return nil, err
	}
	off := ep.here()
	if op, ok := ep.operator(comparisons); ok {
		ep.i++
		r, err := ep.binary(4)
		if err != nil {
			return nil, err
		}
		if op == "<>" {
			op = "!="
		}
		return &binaryExpr{off: off, op: op, l: l, r: r}, nil
	}
	switch {
	case ep.peekWord("in"):
		ep.i++
		r, err := ep.binary(4)
		return &binaryExpr{off: off, op: "in", l: l, r: r}, err
	case ep.peekWord("not") && ep.i+1 < len(ep.toks) && ep.toks[ep.i+1].kind == tokIdent && ep.toks[ep.i+1].val == "in":
		ep.i += 2
		r, err := ep.binary(4)
		return &binaryExpr{off: off, op: "notin", l: l, r: r}, err
	case ep.peekWord("is"):
		ep.i++
		return ep.test(off, l)
	}
	return l, nil
}

// test parses what follows "is": Tera's tests.
func (ep *exprParser) test(off int, x expr) (expr, error) {
	t := &testExpr{off: off, x: x}
	if ep.peekWord("not") {
		ep.i++
		t.negate = true
	}
	name, ok := ep.next()
	if !ok || name.kind != tokIdent {
		return nil, ep.fail("'is' needs the name of a test (defined, undefined, ...)")
	}
	t.name = name.val
	if ep.accept("(") {
		for !ep.accept(")") {
			a, err := ep.expr()
			if err != nil {
				return nil, err
			}
			t.args = append(t.args, a)
			if !ep.peek(")") && !ep.accept(",") {
				return nil, ep.fail("the arguments of a test are separated by commas")
			}
		}
	}
	return t, nil
}

// power parses pongo2's "a ^ b", which binds tighter than a unary minus
// ("-a ^ 2" is "-(a ^ 2)") and groups to the right.
func (ep *exprParser) power() (expr, error) {
	l, err := ep.postfix()
	if err != nil {
		return nil, err
	}
	if ep.peek("^") {
		off := ep.here()
		ep.i++
		if err := ep.enter(); err != nil {
			return nil, err
		}
		defer ep.leave()
		r, err := ep.unary()
		if err != nil {
			return nil, err
		}
		return &binaryExpr{off: off, op: "^", l: l, r: r}, nil
	}
	return l, nil
}

func (ep *exprParser) unary() (expr, error) {
	if ep.peek("-") || ep.peek("+") {
		off := ep.here()
		op := ep.toks[ep.i].val
		ep.i++
		if err := ep.enter(); err != nil {
			return nil, err
		}
		defer ep.leave()
		x, err := ep.unary()
		if err != nil {
			return nil, err
		}
		return &unaryExpr{off: off, op: op, x: x}, nil
	}
	return ep.power()
}

// chunks parses arithmetic as Tera does: filters apply to the whole
// arithmetic before them ("1.9 + a | round" rounds the sum), and an
// operator after a filter starts a new chunk ("a | round - 1.8 + b |
// round" is "(a | round) - ((1.8 + b) | round)").
func (ep *exprParser) chunks() (expr, error) {
	x, err := ep.math()
	for err == nil {
		if ep.peek("|") {
			if x, err = ep.filters(x); err != nil {
				return nil, err
			}
		}
		op, ok := ep.operator([]string{"+", "-", "*", "/", "%"})
		if !ok {
			return x, nil
		}
		off := ep.here()
		ep.i++
		var y expr
		if y, err = ep.math(); err != nil {
			return nil, err
		}
		if ep.peek("|") {
			if y, err = ep.filters(y); err != nil {
				return nil, err
			}
		}
		x = &binaryExpr{off: off, op: op, l: x, r: y}
	}
	return nil, err
}

// math parses + - * / % ^ and unary minus with their precedence, up to a
// filter.
func (ep *exprParser) math() (expr, error) {
	saved := ep.inMath
	ep.inMath = true
	defer func() { ep.inMath = saved }()
	return ep.binary(4)
}

// postfix parses a value and Tera's "~" concatenation of values, with the
// filters after a concatenation, which apply to the whole of it ("a ~ b |
// upper"). The filters after a value are the arithmetic's (chunks).
func (ep *exprParser) postfix() (expr, error) {
	x, err := ep.primary()
	if err != nil {
		return nil, err
	}
	if !ep.peek("~") {
		return x, nil
	}
	for {
		if ep.peek("~") {
			c := &concatExpr{off: ep.here(), items: []expr{x}}
			for ep.accept("~") {
				item, err := ep.primary()
				if err != nil {
					return nil, err
				}
				c.items = append(c.items, item)
			}
			x = c
		}
		if !ep.peek("|") {
			return x, nil
		}
		if x, err = ep.filters(x); err != nil {
			return nil, err
		}
		if !ep.peek("~") {
			return x, nil
		}
	}
}

// filters parses "| name", "| name:arg" and "| name(key=value, ...)".
func (ep *exprParser) filters(x expr) (expr, error) {
	for ep.accept("|") {
		name, ok := ep.next()
		if !ok || name.kind != tokIdent {
			return nil, ep.fail("a filter's name is missing after '|'")
		}
		f := &filterExpr{off: name.off, in: x, name: name.val}
		switch {
		case ep.accept(":"):
			f.colon = true
			arg, err := ep.primary()
			if err != nil {
				return nil, err
			}
			f.args = []expr{arg}
		case ep.accept("("):
			f.paren = true
			for !ep.accept(")") {
				if ep.i+1 >= len(ep.toks) || ep.toks[ep.i].kind != tokIdent || !ep.toks[ep.i+1].is("=") {
					return nil, ep.fail("the arguments of %s(...) are named: %s(name=value)", f.name, f.name)
				}
				key := ep.toks[ep.i].val
				ep.i += 2
				v, err := ep.expr()
				if err != nil {
					return nil, err
				}
				f.kwargs = append(f.kwargs, kwarg{name: key, val: v})
				if !ep.peek(")") && !ep.accept(",") {
					return nil, ep.fail("the arguments of %s(...) are separated by commas", f.name)
				}
			}
		}
		x = f
	}
	return x, nil
}

// primary parses a literal, a variable with its attributes and subscripts,
// a macro call, or an expression in parentheses.
func (ep *exprParser) primary() (expr, error) {
	t, ok := ep.next()
	if !ok {
		return nil, ep.fail("a value is missing")
	}
	switch t.kind {
	case tokString:
		return &litExpr{off: t.off, val: t.val}, nil
	case tokNumber:
		return ep.number(t)
	case tokSymbol:
		return ep.symbol(t)
	}
	switch t.val {
	case "true", "True":
		return &litExpr{off: t.off, val: true}, nil
	case "false", "False":
		return &litExpr{off: t.off, val: false}, nil
	case "and", "or", "not", "in", "is", "as", "export":
		return nil, ep.p.errAt(t.off, "'%s' cannot stand here", t.val)
	}
	if ep.peek("::") {
		return ep.teraCall(t)
	}
	if ep.peek("(") {
		return ep.call(t, t.val)
	}
	return ep.path(t)
}

// symbol parses a value that starts with a symbol: a parenthesis or a
// negative number.
func (ep *exprParser) symbol(t token) (expr, error) {
	switch t.val {
	case "(":
		x, err := ep.expr()
		if err != nil {
			return nil, err
		}
		if !ep.accept(")") {
			return nil, ep.fail("')' expected")
		}
		return x, nil
	case "[":
		l := &listExpr{off: t.off}
		if err := ep.enter(); err != nil {
			return nil, err
		}
		defer ep.leave()
		for !ep.accept("]") {
			item, err := ep.expr()
			if err != nil {
				return nil, err
			}
			l.items = append(l.items, item)
			if !ep.peek("]") && !ep.accept(",") {
				return nil, ep.fail("the items of a list are separated by commas")
			}
		}
		return l, nil
	case "-":
		if ep.i < len(ep.toks) && ep.toks[ep.i].kind == tokNumber {
			n, err := ep.number(ep.toks[ep.i])
			ep.i++
			if err != nil {
				return nil, err
			}
			neg := n.(*litExpr)
			switch v := neg.val.(type) {
			case int:
				neg.val = -v
			case float64:
				neg.val = -v
			}
			neg.off = t.off
			return neg, nil
		}
	}
	return nil, ep.p.errAt(t.off, "unexpected '%s'", t.val)
}

func (ep *exprParser) number(t token) (expr, error) {
	if strings.Contains(t.val, ".") {
		f, err := strconv.ParseFloat(t.val, 64)
		if err != nil {
			return nil, ep.p.errText(t.off, "the number is out of range")
		}
		return &litExpr{off: t.off, val: f}, nil
	}
	n, err := strconv.Atoi(t.val)
	if err != nil {
		return nil, ep.p.errText(t.off, "the number is out of range")
	}
	return &litExpr{off: t.off, val: n}, nil
}

// Tera's global functions, none of which a workflow template may call.
var teraFunctions = map[string]bool{"range": true, "now": true, "get_env": true, "throw": true,
	"get_random": true, "get_url": true, "get_image_metadata": true, "load_data": true, "resize_image": true}

func (ep *exprParser) teraCall(ns token) (expr, error) {
	ep.i++ // ::
	name, ok := ep.next()
	if !ok || name.kind != tokIdent || !ep.peek("(") {
		return nil, ep.p.errText(ns.off, "a macro call is written self::name(...)")
	}
	if ns.val != "self" {
		return nil, ep.p.errAt(ns.off, "macros of other templates (%s::) are not supported; define the macro in this template and call self::%s", ns.val, name.val)
	}
	return ep.call(ns, name.val)
}

// call parses the arguments of a macro call: positional, pongo2's way, or
// named, Tera's.
func (ep *exprParser) call(at token, name string) (expr, error) {
	if teraFunctions[name] {
		return nil, ep.p.errAt(at.off, "the function %s() is not supported", name)
	}
	ep.i++ // (
	c := &callExpr{off: at.off, name: name}
	if err := ep.enter(); err != nil {
		return nil, err
	}
	defer ep.leave()
	for !ep.accept(")") {
		if ep.i+1 < len(ep.toks) && ep.toks[ep.i].kind == tokIdent && ep.toks[ep.i+1].is("=") {
			key := ep.toks[ep.i].val
			ep.i += 2
			v, err := ep.expr()
			if err != nil {
				return nil, err
			}
			c.kwargs = append(c.kwargs, kwarg{name: key, val: v})
		} else {
			if len(c.kwargs) > 0 {
				return nil, ep.fail("positional arguments must come before named ones")
			}
			v, err := ep.expr()
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, v)
		}
		if !ep.peek(")") && !ep.accept(",") {
			return nil, ep.fail("the arguments of %s(...) are separated by commas", name)
		}
	}
	return c, nil
}

// loopNames are Tera's loop.* names and pongo2's forloop fields they read.
var loopNames = map[string]string{"index": "Counter", "index0": "Counter0", "first": "First", "last": "Last"}

func (ep *exprParser) path(root token) (expr, error) {
	x := &pathExpr{off: root.off, root: root.val}
	for {
		switch {
		case ep.peek(".") && ep.i+1 < len(ep.toks):
			next := ep.toks[ep.i+1]
			switch next.kind {
			case tokIdent:
				x.steps = append(x.steps, pathStep{kind: stepAttr, name: next.val})
			case tokNumber:
				// t.1.1 is two index steps, not the number 1.1.
				for _, part := range strings.Split(next.val, ".") {
					n, err := strconv.Atoi(part)
					if err != nil {
						return nil, ep.p.errText(next.off, "an index must be a whole number")
					}
					x.steps = append(x.steps, pathStep{kind: stepIndex, index: n})
				}
			default:
				return nil, ep.p.errText(next.off, "a name or an index must follow '.'")
			}
			ep.i += 2
			if ep.peek("(") {
				return nil, ep.fail("methods cannot be called; only macros can")
			}
		case ep.peek("["):
			ep.i++
			sub, err := ep.expr()
			if err != nil {
				return nil, err
			}
			if !ep.accept("]") {
				return nil, ep.fail("']' expected")
			}
			if lit, ok := sub.(*litExpr); ok {
				if s, ok := lit.val.(string); ok {
					x.steps = append(x.steps, pathStep{kind: stepAttr, name: s})
					continue
				}
				if n, ok := lit.val.(int); ok {
					x.steps = append(x.steps, pathStep{kind: stepIndex, index: n})
					continue
				}
			}
			x.steps = append(x.steps, pathStep{kind: stepSub, sub: sub})
		default:
			return ep.loopPath(x)
		}
	}
}

// loopPath turns Tera's loop.index, loop.index0, loop.first and loop.last
// inside a {% for %} into pongo2's forloop fields.
func (ep *exprParser) loopPath(x *pathExpr) (expr, error) {
	if x.root != "loop" || ep.p.loops == 0 || len(x.steps) == 0 || x.steps[0].kind != stepAttr {
		return x, nil
	}
	field, ok := loopNames[x.steps[0].name]
	if !ok {
		return nil, ep.p.errAt(x.off, "loop.%s is not supported (loop has index, index0, first and last)", x.steps[0].name)
	}
	x.root = "forloop"
	x.steps[0].name = field
	return x, nil
}
