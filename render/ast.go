package render

// The syntax tree the parser builds from both template languages. The
// checks read it, and the evaluator runs it. After a template is compiled
// its tree is never written again: concurrent renders share it.

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
	key   string // "root.a.0" when no step is a subscript: the taint cache's key
	// required: an output prints it, so a subscript of it that leads
	// nowhere is ErrUndefined (the steps before the first subscript are
	// checked before the output runs, as a varPath).
	required bool
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
	paren  bool       // written name(k=v, ...), Tera's way
	colon  bool       // written name:arg, Django's way
	def    *filterDef // the table's entry (set by the checks)
	reads  []string   // variables the input reads, for errors (up to 3)
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
}

// testExpr is Tera's "x is [not] name(args)".
type testExpr struct {
	off    int
	x      expr
	name   string
	negate bool
	args   []expr
}

// listExpr is Tera's array literal: [a, b, c].
type listExpr struct {
	off   int
	items []expr
}

func (e *listExpr) offset() int   { return e.off }
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
	off   int
	x     expr
	paths []varPath // the variables it reads that must exist
	name  string    // the variable it prints, when it prints one: "input.env"
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
	off      int
	key, val string
	iter     expr
	reversed bool
	sorted   bool
	body     []node
	empty    []node
}

type setNode struct {
	off    int
	name   string
	x      expr
	global bool // Tera's set_global: the template's top level, not the loop's
}

// jumpNode is Tera's {% break %} or {% continue %} inside a loop.
type jumpNode struct {
	off     int
	isBreak bool
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
}

// filterBlock is {% filter a|b %}body{% endfilter %}: chain[0].in is nil.
type filterBlock struct {
	off   int
	chain []*filterExpr
	body  []node
}
