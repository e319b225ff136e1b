package render

// plan is what the engine knows about one parsed template besides the
// pongo2 template it runs: a table per kind of call the emitted template
// makes into the engine (emit.go), indexed by the number the call passes.
type plan struct {
	outputs []outputSite
	filters []filterSite
	calls   []callSite
	cats    []catSite
	tests   []testSite
	loops   []loopSite
	blocks  []blockSite
	plus    []site
	lits    []string // texts pongo2 cannot hold in its own syntax

	// bound are the names the template binds; when the call has a variable
	// of one of them, authorship that rests on bindings does not hold.
	bound []string
	// literals are the template's string literals, kept out of error details.
	literals []string
	// single: the template is one {{ expression }} and nothing else but
	// white space, so RenderValue may return the expression's value as is.
	single bool
	// tagless: the template has no {% %} tag, so its outputs run in order
	// with only the call's variables in scope, and are checked all at once
	// before execution.
	tagless bool

	textBytes int // plain text of the emitted template, which pongo2 keeps as it is

	srcmap  []srcMark // offsets in the emitted template → in the template as written
	lines   lineIndex // of the template as written
	emitted lineIndex // of the emitted template
}

// site is where a construct stands in the template as written.
type site struct{ line, col int }

type outputSite struct {
	site
	paths  []varPath   // variables that must exist when the output is printed
	taint  taintSource // what may make its value secret
	inVals bool        // inside a {% filter %} that resolves references: what it prints from data is marked (trust.go)
	auth   auth
}

type filterSite struct {
	site
	name string
	spec *filterSpec // nil: pongo2's filter of that name
	tera bool        // written name(k=v): arguments come in spec.kwargs order
	// The chain the filter is part of: prev is the site of the filter
	// before it (-1 for the first), block the {% filter %} block whose
	// chain it is (-1 in an expression), last whether it ends the chain.
	prev, block int
	last        bool
	// Authorship, for | vals (trust.go): whether the input of the chain's
	// first filter is the template's own text; the concatenation it is,
	// if one (-1 otherwise); whether each argument is authored. track says
	// a vals filter comes later in the chain, so provenance is kept.
	inAuth  auth
	inCat   int
	argAuth []auth
	track   bool
	sized   bool // the filter may grow a string several times over (checked before it runs)
	// readsInput names the variables the chain's input reads, for errors.
	readsInput []string
}

type callSite struct {
	site
	name string
}

type catSite struct {
	site
	auth    []auth
	itemCat []int // the concatenation an item is, or -1
	track   bool
}

type testSite struct {
	site
	name   string
	negate bool
	path   *varPath // for defined and undefined
}

type loopSite struct {
	site
	textBytes int  // plain text of the body, counted against the output budget per iteration
	keysOnly  bool // one variable: a map is iterated over its sorted keys
}

type blockSite struct {
	site
	taint  taintSource
	marked bool // inside a {% filter %} that resolves references: what it prints from data stays marked
}

// taintSource is what an expression reads that may make it secret.
type taintSource struct {
	vals       bool
	paths      []pathRef
	everything bool // too many to list: any variable of the call
}

// srcMark says that the emitted text from offset emitted on comes from the
// template as written at offset orig.
type srcMark struct{ emitted, orig int }

// original maps a line and column of the emitted template to the template
// as written.
func (p *plan) original(line, col int) (int, int) {
	if line <= 0 || p == nil {
		return line, col
	}
	off := p.emitted.offset(line, col)
	if off < 0 {
		return 0, 0
	}
	lo, hi := 0, len(p.srcmap)
	for lo < hi {
		mid := (lo + hi) / 2
		if p.srcmap[mid].emitted <= off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return 1, 1
	}
	m := p.srcmap[lo-1]
	return p.lines.position(m.orig)
}
