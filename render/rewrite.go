package render

import (
	"fmt"
	"strconv"
	"strings"
)

// Names the rewrite adds to templates and to the per-call pongo2 context.
// Templates may not use identifiers with this prefix themselves.
const (
	reservedPrefix = "__hushflow"
	stateName      = "__hushflow"       // the *call, the parameter of every vals filter
	checkName      = "__hushflow_check" // (*call).check: undefined-variable test of one output tag
	outName        = "__hushflow_out"   // (*call).out: formats the value of one output tag
)

// The autoescape wrapper switches HTML escaping off for this template's
// execution only (pongo2 keeps the switch on its ExecutionContext), leaving
// the global pongo2.SetAutoescape alone.
const (
	wrapOpen  = "{% autoescape off %}"
	wrapClose = "{% endautoescape %}"
)

// edit inserts text before src[off]. Inserted text never holds a newline, so
// lines keep their numbers and only columns move.
type edit struct {
	off       int
	line, col int // of off in the original template
	text      string
}

// plan is what the rewrite learned about one template.
type plan struct {
	edits   []edit
	outputs []outputTag
	// single: the template is one {{ expression }} and nothing else but
	// whitespace, so RenderValue may return the expression's value as is.
	single bool
	// literals are the template's string literals, kept out of error details.
	literals []string
	// tagless: the template has no {% %} tag, so every output runs, in order,
	// and only the call's variables are in scope. Its outputs are checked
	// all at once before execution, without a call per output.
	tagless bool
}

// outputTag describes one {{ expression }}: the variables it reads that must
// exist when it is printed.
type outputTag struct {
	paths []varPath
}

// varPath is a variable read by an output tag: its root name and the
// attribute and index steps after it ("secret.DB_PASSWORD", "list.0").
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

// planRewrite decides how to rewrite src, a template pongo2 has parsed:
//
//   - "| vals" becomes "| vals:__hushflow": the per-call state reaches the one
//     global vals filter as its parameter, evaluated in the call's context;
//   - "{{ expr }}" becomes "{{ __hushflow_out(__hushflow_check(N), (expr)) }}":
//     the check runs before expr is evaluated and fails on an undefined
//     variable, the out function formats booleans, numbers, maps and lists;
//   - the whole template is wrapped in {% autoescape off %}.
func planRewrite(src string, tags []tagSpan) (*plan, error) {
	lines := newLineIndex(src)
	p := &plan{}
	add := func(off int, text string) {
		line, col := lines.position(off)
		p.edits = append(p.edits, edit{off: off, line: line, col: col, text: text})
	}
	fail := func(off int, detail string) error {
		line, col := lines.position(off)
		return &Error{Kind: ErrParse, Line: line, Column: col, Detail: detail}
	}

	add(0, wrapOpen)
	p.tagless = true
	for i := range tags {
		if !tags[i].isOutput() {
			p.tagless = false
		}
	}
	for i := range tags {
		t := &tags[i]
		toks := t.toks
		for _, tok := range toks {
			if tok.kind == tokString {
				p.literals = append(p.literals, tok.val)
			}
			if tok.kind == tokIdent && strings.HasPrefix(tok.val, reservedPrefix) {
				return nil, fail(tok.off, "names starting with "+reservedPrefix+" are reserved")
			}
		}

		output := t.isOutput()
		if output {
			tag := outputTag{paths: extractPaths(t.inner(), lines)}
			n := strconv.Itoa(len(p.outputs))
			call := " " + outName + "(" + n + ", ("
			if len(tag.paths) > 0 && !p.tagless {
				call = " " + outName + "(" + checkName + "(" + n + "), ("
			}
			add(toks[0].end, call)
			p.outputs = append(p.outputs, tag)
		}

		filterTag := len(toks) > 2 && toks[0].kind == tokSymbol && (toks[0].val == "{%" || toks[0].val == "{%-") &&
			toks[1].kind == tokIdent && toks[1].val == "filter"
		for j := 1; j < len(toks); j++ {
			tok := toks[j]
			if tok.kind != tokIdent || (!toks[j-1].is("|") && !(filterTag && j == 2)) {
				continue // not a filter name: a variable, perhaps called vals
			}
			if sizedFilters[tok.val] && !sizeArgOK(toks, j) {
				return nil, fail(tok.off, fmt.Sprintf("the argument of %s must be a number from -%d to %d written in the template",
					tok.val, maxFilterSize, maxFilterSize))
			}
			if tok.val != "vals" {
				continue
			}
			if j+1 < len(toks) && toks[j+1].kind == tokSymbol {
				switch toks[j+1].val {
				case ":":
					return nil, fail(tok.off, "the vals filter takes no argument")
				case ".", "[", "(":
					// pongo2 rejected this already; leave it as written.
					continue
				}
			}
			add(tok.end, ":"+stateName)
		}

		if output {
			add(toks[len(toks)-1].off, ")) ")
		}
	}
	// A template that ends in a "{" (plain text: anything longer would be an
	// unclosed tag) would make "{{% endautoescape %}" of it: close before it.
	add(len(strings.TrimSuffix(src, "{")), wrapClose)

	if len(tags) == 1 && tags[0].isOutput() &&
		strings.TrimSpace(src[:tags[0].start]) == "" && strings.TrimSpace(src[tags[0].end:]) == "" {
		p.single = true
	}
	return p, nil
}

// Filters that build a string as long as their argument says: a template
// could make the engine allocate gigabytes ({{ x|ljust:999999999 }}). Their
// argument must be a literal of the template, within bounds.
var sizedFilters = map[string]bool{"center": true, "ljust": true, "rjust": true, "floatformat": true}

const maxFilterSize = 1000

// sizeArgOK reports whether the filter named at toks[j] has no argument or a
// literal one within bounds, read the way pongo2's Value.Integer reads it.
func sizeArgOK(toks []token, j int) bool {
	if j+1 >= len(toks) || !toks[j+1].is(":") {
		return true
	}
	if j+2 >= len(toks) {
		return false
	}
	arg := toks[j+2]
	var f float64
	switch arg.kind {
	case tokNumber:
		n, err := strconv.Atoi(arg.val)
		if err != nil {
			return false
		}
		f = float64(n)
	case tokString:
		v, err := strconv.ParseFloat(arg.val, 64)
		if err != nil {
			return true // pongo2 reads it as 0
		}
		f = v
	default:
		return false // a variable: unbounded
	}
	return f >= -maxFilterSize && f <= maxFilterSize
}

// hangsPongo2 finds what sends pongo2 v6's parser into an endless loop:
// inside {% comment %}, Parser.SkipUntilTag waits for "%}" right after
// "{% endcomment" without consuming anything, so "{% endcomment x %}" or an
// "{% endcomment" at the end of the template never returns. pongo2 looks for
// the pair in every token, even inside {{ }}, and so does this check. It
// returns the offset of the culprit, or -1.
func hangsPongo2(tags []tagSpan) int {
	for _, t := range tags {
		for j := 0; j+1 < len(t.toks); j++ {
			open, name := t.toks[j], t.toks[j+1]
			if !(open.is("{%") || open.is("{%-")) || name.kind != tokIdent || name.val != "endcomment" {
				continue
			}
			if j+2 >= len(t.toks) || !(t.toks[j+2].is("%}") || t.toks[j+2].is("-%}")) {
				return open.off
			}
		}
	}
	return -1
}

// apply returns src with the plan's edits made.
func (p *plan) apply(src string) string {
	n := len(src)
	for _, e := range p.edits {
		n += len(e.text)
	}
	var b strings.Builder
	b.Grow(n)
	last := 0
	for _, e := range p.edits {
		b.WriteString(src[last:e.off])
		b.WriteString(e.text)
		last = e.off
	}
	b.WriteString(src[last:])
	return b.String()
}

// original maps a line and column of the rewritten template back to the
// template as written. A position inside inserted text maps to where the text
// was inserted.
func (p *plan) original(line, col int) (int, int) {
	if line <= 0 {
		return line, col
	}
	shift := 0
	for _, e := range p.edits {
		if e.line != line {
			continue
		}
		start := e.col + shift // where the insertion starts in the rewritten line
		if col < start {
			break
		}
		if col < start+len(e.text) {
			return line, e.col
		}
		shift += len(e.text)
	}
	return line, col - shift
}

// extractPaths lists the variables an output expression reads, except those
// it guards with the default or default_if_none filter (the way to say a
// variable is optional). Roots are identifiers not preceded by "." (an
// attribute) or "|" (a filter name); a path stops at a subscript or a call.
func extractPaths(toks []token, lines lineIndex) []varPath {
	var paths []varPath
	seen := map[string]bool{}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokIdent {
			continue
		}
		if i > 0 && (toks[i-1].is(".") || toks[i-1].is("|")) {
			continue
		}
		path := varPath{root: t.val}
		path.line, path.col = lines.position(t.off)
		j := i + 1
		for j+1 < len(toks) && toks[j].is(".") {
			next := toks[j+1]
			if next.kind == tokIdent {
				path.parts = append(path.parts, pathPart{key: next.val})
			} else if n, err := strconv.Atoi(next.val); next.kind == tokNumber && err == nil {
				path.parts = append(path.parts, pathPart{index: n, isIndex: true})
			} else {
				break
			}
			j += 2
		}
		if j < len(toks) && toks[j].is("(") && len(path.parts) > 0 {
			// a.b.c() calls a method c of a.b; only a.b must exist.
			path.parts = path.parts[:len(path.parts)-1]
		}
		if guardedByDefault(toks, j) {
			continue
		}
		if key := path.name(len(path.parts)); !seen[key] {
			seen[key] = true
			paths = append(paths, path)
		}
	}
	return paths
}

// guardedByDefault reports whether the term whose postfix starts at toks[j]
// has a default or default_if_none filter in its filter chain.
func guardedByDefault(toks []token, j int) bool {
	j = skipPostfix(toks, j)
	for j+1 < len(toks) && toks[j].is("|") && toks[j+1].kind == tokIdent {
		switch toks[j+1].val {
		case "default", "default_if_none":
			return true
		}
		j += 2
		if j < len(toks) && toks[j].is(":") {
			j++
			if j < len(toks) {
				switch toks[j].kind {
				case tokIdent:
					j = skipPostfix(toks, j+1)
				case tokNumber:
					j++
					if j+1 < len(toks) && toks[j].is(".") && toks[j+1].kind == tokNumber {
						j += 2
					}
				default:
					j++
				}
			}
		}
	}
	return false
}

// skipPostfix skips attribute steps, subscripts and call arguments.
func skipPostfix(toks []token, j int) int {
	for j < len(toks) {
		switch {
		case toks[j].is(".") && j+1 < len(toks):
			j += 2
		case toks[j].is("["):
			j = skipBalanced(toks, j, "[", "]")
		case toks[j].is("("):
			j = skipBalanced(toks, j, "(", ")")
		default:
			return j
		}
	}
	return j
}

func skipBalanced(toks []token, j int, open, closing string) int {
	depth := 0
	for ; j < len(toks); j++ {
		switch {
		case toks[j].is(open):
			depth++
		case toks[j].is(closing):
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return j
}
