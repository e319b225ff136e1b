package render

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/flosch/pongo2/v6"
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
	// WithDataReferences). Name lists the variables read, never their values.
	ErrUntrusted = errors.New("untrusted reference")
	// ErrExec is returned when a template fails while it runs (a filter
	// given the wrong type, a call of something that is not a macro), or
	// when the call's context is done (the error wraps the context's).
	ErrExec = errors.New("execution failed")
	// ErrTooLarge is returned when a template is longer than
	// WithMaxTemplateSize, nests deeper than WithMaxDepth, or a render goes
	// over WithMaxOutput or WithMaxIterations; the message names the option.
	ErrTooLarge = errors.New("over the limit")
)

// ErrFilterConflict is returned by New when pongo2's global filter map holds
// a filter of the reserved name this package registers (__hushflow_f) that
// is not this package's: the host registered or replaced it.
var ErrFilterConflict = errors.New("render: pongo2's filter " + filterName + " is not hushflow's")

// Error is a failure of a template. Its message names the place (the value
// path for RenderValue, the line and column) and the variable or reference,
// never a value: not what a variable holds, not what a reference resolves to,
// not a string literal of the template.
type Error struct {
	Kind error // ErrParse, ErrUndefined, ErrResolve, ErrUntrusted, ErrExec or ErrTooLarge

	// Path is where in the value given to RenderValue the template sits, as
	// in "env.DB_PASSWORD" or "args[2]"; empty for Render.
	Path string
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
func (e *Error) withPath(path string) *Error {
	c := *e
	c.Path = path
	return &c
}

var (
	quotedSpan   = regexp.MustCompile(`'[^'\n]*'|"[^"\n]*"`)
	identOrSym   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$|^[^A-Za-z0-9\s'"]{1,3}$`)
	pongoHeader  = regexp.MustCompile(`\| Line (\d+) Col (\d+)`)
	pongoSender  = regexp.MustCompile(`\(where: ((?:filter|tag):[A-Za-z0-9_]+)\)`)
	escapeDetail = regexp.MustCompile(`(Unknown escape sequence: )\\.`)
)

// parseDetail turns the message of a pongo2 parse error into a Detail. Parse
// errors only ever quote the template, whose string literals may still hold
// something private (a decrypted value with "{{" in it is rendered as a
// template too): quoted text is kept only when it is an identifier (a filter
// or tag name) or a symbol, and replaced otherwise.
func parseDetail(msg string) string {
	msg = escapeDetail.ReplaceAllString(msg, "${1}\\…")
	return quotedSpan.ReplaceAllStringFunc(msg, func(q string) string {
		if identOrSym.MatchString(q[1 : len(q)-1]) {
			return q
		}
		return q[:1] + "…" + q[len(q)-1:]
	})
}

// Messages of pongo2 execution errors that are worth passing on. Only the
// captured groups, which are type names, identifiers and numbers, are kept.
var execDetails = []struct {
	re     *regexp.Regexp
	format func(m []string) string
}{
	{regexp.MustCompile(`can't access an index on type (\w+) \(variable ([\w.]+)\)`),
		func(m []string) string { return "cannot index a " + m[1] + " (in " + m[2] + ")" }},
	{regexp.MustCompile(`can't access a field by name on type (\w+) \(variable ([\w.]+)\)`),
		func(m []string) string { return "cannot take an attribute of a " + m[1] + " (in " + m[2] + ")" }},
	{regexp.MustCompile(`'([\w.]+)' is not a function \(it is (\w+)\)`),
		func(m []string) string { return m[1] + " is not a function" }},
	{regexp.MustCompile(`function input argument count \((\d+)\) of '([\w.]+)' must be equal to the calling argument count \((\d+)\)`),
		func(m []string) string { return m[2] + " takes " + m[1] + " arguments, not " + m[3] }},
	{regexp.MustCompile(`Macro '(\w+)' called with too many arguments \((\d+) instead of (\d+)\)`),
		func(m []string) string { return "macro " + m[1] + " takes " + m[3] + " arguments, not " + m[2] }},
}

// execError turns a pongo2 execution error into an *Error: the innermost
// position pongo2 recorded (errors nested through function calls are
// flattened into text by pongo2; their positions survive in the text) and a
// detail taken from a list of known messages, or the sender's name.
func execError(perr *pongo2.Error) *Error {
	e := &Error{Kind: ErrExec, Line: perr.Line, Column: perr.Column}
	msg := ""
	if perr.OrigError != nil {
		msg = perr.OrigError.Error()
	}
	if all := pongoHeader.FindAllStringSubmatch(msg, -1); len(all) > 0 {
		last := all[len(all)-1]
		e.Line, _ = strconv.Atoi(last[1])
		e.Column, _ = strconv.Atoi(last[2])
	}
	for _, d := range execDetails {
		if m := d.re.FindStringSubmatch(msg); m != nil {
			e.Detail = d.format(m)
			return e
		}
	}
	sender := perr.Sender
	if all := pongoSender.FindAllStringSubmatch(msg, -1); len(all) > 0 {
		sender = all[len(all)-1][1]
	}
	if strings.HasPrefix(sender, "filter:") || strings.HasPrefix(sender, "tag:") {
		e.Detail = "in " + strings.Replace(sender, ":", " ", 1)
	}
	return e
}

// scrub is the last guard on a Detail: if it holds a value resolved during
// the call, a string from the variables or a string literal of the template,
// it is dropped. Only runs on the error path.
func scrub(detail string, secrets []string, vars map[string]any, literals []string) string {
	if detail == "" {
		return ""
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(detail, s) {
			return ""
		}
	}
	for _, s := range literals {
		if len(s) >= 4 && strings.Contains(detail, s) {
			return ""
		}
	}
	if containsLeaf(detail, vars, 0) {
		return ""
	}
	return detail
}

func containsLeaf(detail string, v any, depth int) bool {
	if depth > 64 {
		return false
	}
	switch x := v.(type) {
	case string:
		return len(x) >= 4 && strings.Contains(detail, x)
	case map[string]any:
		for _, e := range x {
			if containsLeaf(detail, e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsLeaf(detail, e, depth+1) {
				return true
			}
		}
	case map[string]string:
		for _, e := range x {
			if len(e) >= 4 && strings.Contains(detail, e) {
				return true
			}
		}
	case []string:
		for _, e := range x {
			if len(e) >= 4 && strings.Contains(detail, e) {
				return true
			}
		}
	}
	return false
}
