package render

// The syntax tree the parser (parse.go) builds from both template
// languages. The analysis (flow.go, check.go) reads it; the emitter
// (emit.go) writes it out again as the pongo2 template that runs.

type expr interface{ offset() int }

// litExpr is a string, number or boolean written in the template.
type litExpr struct {
	off int
	val any // string, int, float64 or bool
}

// pathExpr reads a variable: root, then attribute, index or subscript steps.
type pathExpr struct {
	off   int
	root  string
	steps []pathStep
}

type pathStep struct {
	name  string // attribute
	index int    // index (".0")
	sub   expr   // subscript ("[x]"); a string literal subscript is a name
	kind  stepKind
}

type stepKind uint8

const (
	stepAttr stepKind = iota
	stepIndex
	stepSub
)

// callExpr calls a macro: m(a, b) in pongo2's syntax, self::m(a=1) in Tera's.
type callExpr struct {
	off    int
	name   string
	args   []expr
	kwargs []kwarg
	site   int
}

type kwarg struct {
	name string
	val  expr
}

// filterExpr applies a filter: x|name, x|name:arg, x|name(k=v, ...).
type filterExpr struct {
	off    int // of the filter's name
	in     expr
	name   string
	args   []expr
	kwargs []kwarg
	tera   bool // written with parentheses, Tera's way
	site   int
}

type unaryExpr struct {
	off int
	op  string // "not", "-", "+"
	x   expr
}

type binaryExpr struct {
	off  int
	op   string // and or == != < > <= >= in notin + - * / % ^
	l, r expr
}

// concatExpr is Tera's "a ~ b ~ c": the texts of its items, joined.
type concatExpr struct {
	off   int
	items []expr
	site  int
}

// testExpr is Tera's "x is [not] name(args)".
type testExpr struct {
	off    int
	x      expr
	name   string
	negate bool
	args   []expr
	site   int
}

func (e *litExpr) offset() int    { return e.off }
func (e *pathExpr) offset() int   { return e.off }
func (e *callExpr) offset() int   { return e.off }
func (e *filterExpr) offset() int { return e.off }
func (e *unaryExpr) offset() int  { return e.off }
func (e *binaryExpr) offset() int { return e.off }
func (e *concatExpr) offset() int { return e.off }
func (e *testExpr) offset() int   { return e.off }

// Nodes of the template's tree.
type node interface{}

type textNode struct {
	off  int
	text string
}

type outputNode struct {
	off  int
	x    expr
	id   int  // index in plan.outputs
	mark bool // inside a {% filter %} that resolves references: data is marked (provenance.go)
}

type ifNode struct {
	off      int
	branches []ifBranch
}

type ifBranch struct {
	cond expr // nil for else
	body []node
}

type forNode struct {
	off       int
	key, val  string
	iter      expr
	reversed  bool
	sorted    bool
	body      []node
	empty     []node
	id        int
	textBytes int // plain text in the body, counted against the output budget per iteration
}

type setNode struct {
	off  int
	name string
	x    expr
}

type withNode struct {
	off   int
	pairs []kwarg
	body  []node
}

type macroNode struct {
	off    int
	name   string
	params []kwarg // val is the default, or nil
	body   []node
	id     int
}

// filterBlock is {% filter a|b %}body{% endfilter %}: chain[0].in is nil.
type filterBlock struct {
	off   int
	chain []*filterExpr
	body  []node
	id    int
}
