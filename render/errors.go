package render

import (
	"errors"
	"strconv"
	"strings"
)

// Kinds of failure. Every error Render, RenderValue and Check return is an
// *Error whose Kind is one of these, so errors.Is(err, render.ErrUndefined)
// tells the cases apart.
var (
	// ErrParse is returned when a template is not valid syntax (pongo2's or
	// Tera's), or uses a tag, filter, test or name the engine refuses.
	ErrParse = errors.New("syntax error")
	// ErrUndefined is returned when an output reads a variable that does not
	// exist, or calls a macro that is not defined.
	ErrUndefined = errors.New("undefined variable")
	// ErrResolve is returned when the Resolver fails on a reference given to
	// | vals.
	ErrResolve = errors.New("cannot resolve reference")
	// ErrUntrusted is returned when | vals is given a reference that holds
	// data (a variable's value) rather than the template's own text, or data
	// that would change a reference's query or add one (see
	// WithDataReferences), and when a value cannot stand where a shell
	// command puts it (RenderShell; errors.Is ErrShellUnsafe too). Name
	// lists the variables read, never their values.
	ErrUntrusted = errors.New("untrusted data")
	// ErrExec is returned when a template fails while it runs (a filter
	// given the wrong type, a call of something that is not a macro), or
	// when the call's context is done (the error wraps the context's).
	ErrExec = errors.New("execution failed")
	// ErrTooLarge is returned when a template is longer than
	// Limits.MaxTemplateSize, nests deeper than Limits.MaxDepth, or a render
	// goes over Limits.MaxOutput or Limits.MaxIterations; the message names
	// the limit.
	ErrTooLarge = errors.New("over the limit")
)

// ErrInvalidOption is wrapped by New's error for each option whose argument
// is wrong (a nil Option included), as in the other packages. It is not a
// Kind: New's errors are not *Error values.
var ErrInvalidOption = errors.New("invalid option")

// Error is a failure of a template. Its message names the place (the value
// path for RenderValue, the line and column) and the variable or reference,
// never a value: not what a variable holds, not what a reference resolves to,
// not a string literal of the template.
type Error struct {
	Kind error // ErrParse, ErrUndefined, ErrResolve, ErrUntrusted, ErrExec or ErrTooLarge

	// Path is where in the value given to RenderValue the template sits, as
	// in "env.DB_PASSWORD" or "args[2]"; empty for Render.
	Path string
	// Keys is Path as the map keys (string) and list indexes (int) that
	// lead to the template in that value, for a caller that walks to it.
	Keys []any
	// Line and Column locate the failure in the template, from 1; columns
	// count bytes, as pongo2's do. Zero when unknown.
	Line, Column int

	// Name is the undefined variable ("secret.DB_PASWORD") for ErrUndefined,
	// the reference(s) without their query for ErrResolve.
	Name string
	// Detail says more, in words free of template text and values.
	Detail string
	// Err is the underlying cause: the resolver's error for ErrResolve.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("render: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(": ")
	}
	kind := ErrExec
	if e.Kind != nil {
		kind = e.Kind
	}
	b.WriteString(kind.Error())
	// One layer names a reference: the resolver, when its own message
	// does (secrets.Error does), else this one.
	if e.Name != "" && (e.Err == nil || !strings.Contains(e.Err.Error(), e.Name)) {
		b.WriteString(" ")
		b.WriteString(e.Name)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is and errors.As both the kind and the cause, so
// errors.Is(err, ErrResolve) and errors.Is(err, context.DeadlineExceeded)
// both hold for a resolution that timed out.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// withPath returns a copy of e placed at path (compiled templates and their
// errors are cached and shared, so e itself is never changed).
func (e *Error) withPath(path string, keys []any) *Error {
	c := *e
	c.Path, c.Keys = path, keys
	return &c
}
