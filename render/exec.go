package render

import (
	"errors"

	"github.com/flosch/pongo2/v6"
)

// execution is the state of one template's run within a call.
type execution struct {
	b       *binding
	t       *compiled
	capture bool // keep the value of output 0 (RenderValue, single expression)
	value   any  // the kept value

	failure    *Error        // the first failure raised by this package's code
	failurePos *pongo2.Error // the pongo2 error handed back with it; pongo2 may stamp a position on it

	inResolver bool // a panic while true is the resolver's own, not pongo2's

	// shadowed: the call has a variable named like a name the template
	// binds, so a value read through that name may be the call's (trust.go).
	shadowed bool

	// prov is the provenance of the value each filter site and
	// concatenation last produced, where a later | vals needs it (trust.go).
	prov      map[int]provenance
	catProv   map[int]provenance
	blockProv map[int]provenance // of the text each {% filter %} block's body printed
	blockData map[int]bool       // whether that text held data
}

// execute runs t for the call. With capture set it also returns the value
// of the template's one expression.
func (b *binding) execute(t *compiled, capture bool) (out string, value any, err error) {
	x := &execution{b: b, t: t, capture: capture}
	for _, name := range t.plan.bound {
		if _, ok := b.vars[name]; ok {
			x.shadowed = true
		}
	}
	prev := b.x
	b.x = x
	defer func() {
		b.x = prev
		if r := recover(); r != nil {
			if x.inResolver {
				panic(r) // the resolver's own panic is not ours to hide
			}
			out, value, err = "", nil, &Error{Kind: ErrExec, Detail: "pongo2 panicked"}
		}
	}()
	if t.plan.tagless {
		if e := b.checkAll(); e != nil {
			return "", nil, e
		}
	}
	s, execErr := t.tpl.Execute(b.pctx)
	if x.failure != nil {
		return "", nil, x.failureError(execErr)
	}
	if execErr != nil {
		var perr *pongo2.Error
		if !errors.As(execErr, &perr) {
			return "", nil, &Error{Kind: ErrExec}
		}
		e := execError(perr)
		e.Line, e.Column = t.plan.original(e.Line, e.Column)
		e.Detail = scrub(e.Detail, b.resolved, b.vars, t.plan.literals)
		return "", nil, e
	}
	return s, x.value, nil
}

// fail records the first failure of the execution and returns the pongo2
// error that carries it up through pongo2 (which flattens the errors of
// functions into text, so the *Error itself travels here).
func (x *execution) fail(e *Error) *pongo2.Error {
	perr := &pongo2.Error{Sender: "hushflow", OrigError: e}
	if x.failure == nil {
		x.failure = e
		x.failurePos = perr
	}
	return perr
}

// failAt records a failure placed at s.
func (x *execution) failAt(s site, e *Error) *pongo2.Error {
	if e.Line == 0 {
		e.Line, e.Column = s.line, s.col
	}
	return x.fail(e)
}

// failureError completes the recorded failure with a position when it has
// none: the one pongo2 stamped on the error handed back, else the one of
// the error pongo2 returned.
func (x *execution) failureError(execErr error) *Error {
	e := *x.failure
	if e.Line > 0 {
		return &e
	}
	line, col := 0, 0
	if x.failurePos != nil && x.failurePos.Line > 0 {
		line, col = x.failurePos.Line, x.failurePos.Column
	} else if perr := (*pongo2.Error)(nil); errors.As(execErr, &perr) {
		pos := execError(perr)
		line, col = pos.Line, pos.Column
	}
	e.Line, e.Column = x.t.plan.original(line, col)
	return &e
}
