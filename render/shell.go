package render

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/hushflow/hushflow/render/internal/shell"
)

// This file is the shell context: a template rendered as a POSIX sh
// command (a shell action's cmd: or script:) sends the author's text and
// each value to a shell.Quoter, which quotes the value for where it stands
// or refuses it.

// WithShellQuoting switches the shell context on (the default) or off. Off,
// RenderShell and RenderValueShell render as Render and RenderValue do:
// values are pasted into the command as they are, and a value can become
// code. It is for engines that quote commands themselves; Strøm templates
// need nothing of it.
func WithShellQuoting(on bool) Option { return func(c *config) { c.shellOff = !on } }

// RenderShell renders tmpl as a POSIX sh command or script: the author's
// text stays as written, and every value that is not the author's own text
// (variables, and anything a filter or expression derives from them,
// secrets and | vals results among them) is quoted for where it stands, so
// that sh reads exactly the value as (part of) the one word the author put
// it in. A value that no quoting makes safe where it stands fails with an
// *Error of kind ErrUntrusted (errors.Is(err, ErrShellUnsafe) holds too)
// naming the variable, its line and column, never the value. See "Shell
// commands" in the package documentation.
func (e *Engine) RenderShell(ctx context.Context, tmpl string, vars map[string]any) (string, error) {
	return e.renderText(ctx, tmpl, vars, true)
}

// RenderValueShell is RenderValue where each string for which inShell
// reports true renders as RenderShell renders it: a caller that knows which
// strings of v stand in shell commands (the loader knows it of a shell
// action's cmd: and script:) names them by their text. Such a string
// always renders to text, never to a map or list. A nil inShell renders
// every string as RenderValue does.
func (e *Engine) RenderValueShell(ctx context.Context, v any, vars map[string]any, inShell func(text string) bool) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &walker{engine: e, ctx: ctx, vars: vars}
	if !e.cfg.shellOff {
		w.inShell = inShell
	}
	defer func() {
		if w.call != nil {
			w.call.finish()
		}
	}()
	return w.walk(v, 0)
}

// ErrShellUnsafe is matched (errors.Is) by every shell-context refusal,
// beside ErrUntrusted: a value that cannot stand where the template puts
// it in a shell command without becoming code or changing the command's
// shape.
var ErrShellUnsafe = shell.ErrUnsafe

// shellSink is the top buffer's sink in the shell context.
type shellSink struct {
	q      *shell.Quoter
	placed []place // the values placed, for a refusal at the end
}

func newShellSink() *shellSink { return &shellSink{q: shell.NewQuoter()} }

func (s *shellSink) Author(text string)      { s.q.Author(text) }
func (s *shellSink) Value(text string) error { return s.q.Value(text) }
func (s *shellSink) String() (string, error) { return s.q.String() }

// sendValue hands the printed value v, whose text is s, to out. In the
// shell context the bytes the author wrote ({{ "--name=" ~ input.x }}'s
// --name=) go to the Quoter as the author's text, and the data bytes as
// values; a secret that no data went into is quoted whole; the result of
// shell_words is placed as separate words.
func sendValue(out sink, v value, s string, at place) error {
	sh, ok := out.(*shellSink)
	if !ok {
		return out.Value(s)
	}
	sh.placed = append(sh.placed, at)
	if w, ok := v.v.(shellWords); ok {
		return sh.q.Words(w)
	}
	switch {
	case v.org.all:
		return sh.q.Value(s)
	case len(v.org.spans) == 0:
		if v.secret {
			return sh.q.Value(s)
		}
		sh.q.Author(s)
		return nil
	}
	next := 0
	for _, d := range v.org.spans {
		start, end := max(d.start, next), min(d.end, len(s))
		if start >= end {
			continue
		}
		if start > next {
			sh.q.Author(s[next:start])
		}
		if err := sh.q.Value(s[start:end]); err != nil {
			return err
		}
		next = end
	}
	if next < len(s) {
		sh.q.Author(s[next:])
	}
	return nil
}

// sinkError is the error of a value the sink refused, printed at at: in
// the shell context an ErrUntrusted naming the variable (the caller adds
// the line and column), else an ErrExec.
func sinkError(at place, err error) *Error {
	if errors.Is(err, shell.ErrUnsafe) {
		return &Error{Kind: ErrUntrusted, Name: at.name, Detail: "the value cannot stand here in a shell command", Err: err}
	}
	return &Error{Kind: ErrExec, Name: at.name, Detail: "the value cannot stand here", Err: err}
}

// endError is the error of a sink that cannot end the output: in the shell
// context a command that ends inside a quote, a substitution or a
// here-document, or pipes into a shell, after a value was placed. The
// Quoter cannot tell which value the end puts at risk, so the error names
// every variable placed and stands at the first.
func (x *execution) endError(out sink, err error) *Error {
	sh, ok := out.(*shellSink)
	if !ok || !errors.Is(err, shell.ErrUnsafe) {
		return &Error{Kind: ErrExec, Detail: "the output is not complete", Err: err}
	}
	e := &Error{Kind: ErrUntrusted, Detail: "the shell command is not complete where values stand in it", Err: err}
	var names []string
	for _, p := range sh.placed {
		if p.name != "" && !slices.Contains(names, p.name) {
			names = append(names, p.name)
		}
	}
	e.Name = strings.Join(names, ", ")
	if len(sh.placed) > 0 {
		e.Line, e.Column = x.t.lines.position(sh.placed[0].off)
	}
	return e
}

// shellWords is what shell_words gives: words a shell command receives as
// separate arguments. Outside a shell command it prints as the words
// joined by single spaces.
type shellWords []string

func (w shellWords) String() string { return strings.Join(w, " ") }

// shellWordsFilter is | shell_words: a string split at white space (as
// strings.Fields splits it), or a list whose elements are each one word.
// Printed in a shell command, each word is quoted as a separate argument,
// never globbed or expanded.
func shellWordsFilter(_ *filterCall, in value, _ []value) (value, error) {
	var words shellWords
	switch x := plain(in.v).(type) {
	case nil:
	case string:
		words = strings.Fields(x)
	case shellWords:
		words = x
	default:
		rv := reflect.ValueOf(x)
		if k := rv.Kind(); k != reflect.Slice && k != reflect.Array {
			return value{}, &Error{Kind: ErrExec, Detail: "shell_words takes a string or a list"}
		}
		for i := range rv.Len() {
			words = append(words, textOf(rv.Index(i).Interface()))
		}
	}
	return derived(words, in), nil
}
