package render

import (
	"fmt"
	"strings"
)

// sink receives what a template prints, one piece at a time and in
// order: text the author wrote, and the text of each value. Every piece of
// output the evaluator writes goes through buffer.author and buffer.value,
// which hand it to the buffer's sink when it has one: a context that
// treats values otherwise than as plain text (a shell command quoting each
// value for where it stands, as render/internal/shell's Quoter does, with
// these methods) is one sink set on the top buffer. Without a sink the
// output is the pieces as they are.
type sink interface {
	Author(text string)
	Value(text string) error
	String() (string, error)
}

// place is where a printed value comes from: the offset of the construct
// in the template (its line and column: compiled.lines), and the variable
// it reads, when it reads one ("input.env"), for messages.
type place struct {
	off  int
	name string
}

// buffer is where the evaluator writes: it keeps the text, which of its
// bytes are data (so that a block's or a macro's text keeps the origin of
// what was printed into it), counts every byte against Limits.MaxOutput, and
// teaches the Secrets set what derives from secrets: each tainted piece,
// and each run of fragments of them, so that pieces cut from a secret
// cannot spell it out one at a time.
type buffer struct {
	x     *execution
	b     strings.Builder // the pieces as they are
	spans []span          // data, in order
	out   sink            // where the pieces go too, when not nil (the top buffer only)

	tainted          int // tainted pieces written so far
	fragments        int // of them, fragments
	runStart, runEnd int // the current run of fragments, or runEnd < 0
	runPieces        int
	fragStart        int // where the first fragment starts, when fragments > 0
	fragEnd          int // where the last one ends
}

// A fragment is a tainted piece shorter than fragment bytes: too short for
// a redactor to mask alone (its default minimum is 4 bytes), or close to
// it. Fragments with at most runGap bytes of other text between them form
// a run, taught whole; a loop that prints a fragment is taught whole. A
// longer piece is taught alone, so two secrets on one command line
// ("--token {{ a }} --db {{ b }}") are masked apart, with the text between
// them left readable.
const (
	fragment = 8
	runGap   = 8
)

func newBuffer(x *execution) *buffer { return &buffer{x: x, runEnd: -1} }

func (b *buffer) author(s string) error {
	if err := b.x.count(len(s)); err != nil {
		return err
	}
	b.b.WriteString(s)
	if b.out != nil {
		b.out.Author(s)
	}
	return nil
}

// value writes the text of v, printed at the place at; a sink may refuse
// it.
func (b *buffer) value(v value, at place) error {
	// A list or map is measured before its text is built.
	if composite(v.v) {
		if limit := b.x.engine.cfg.limits.MaxOutput; b.x.size(v) > limit {
			return &Error{Kind: ErrTooLarge, Detail: fmt.Sprintf("the render prints more than %d bytes (Limits.MaxOutput)", limit)}
		}
	}
	s := textOf(v.v)
	if err := b.x.count(len(s)); err != nil {
		return err
	}
	if b.out != nil {
		if err := sendValue(b.out, v, s, at); err != nil {
			return sinkError(at, err)
		}
	}
	start := b.b.Len()
	b.b.WriteString(s)
	b.spans = v.org.appendShifted(b.spans, start, len(s))
	if v.secret && teachable(v.v) {
		b.x.derive(v.v, s)
		b.tainted++
		if len(s) < fragment {
			if b.fragments == 0 {
				b.fragStart = start
			}
			b.fragments++
			b.fragEnd = b.b.Len()
			b.extendRun(start, b.b.Len())
		}
	}
	return nil
}

func (b *buffer) extendRun(start, end int) {
	if b.runEnd >= 0 && start-b.runEnd <= runGap {
		b.runEnd = end
		b.runPieces++
		return
	}
	b.flushRun()
	b.runStart, b.runEnd, b.runPieces = start, end, 1
}

// flushRun teaches the current run when it holds more than one piece.
func (b *buffer) flushRun() {
	if b.runEnd >= 0 && b.runPieces > 1 {
		b.x.teach(b.b.String()[b.runStart:b.runEnd])
	}
	b.runEnd = -1
}

// flushFragments ends the buffer's fragments: when it printed more than
// one, the text from the first to the last is taught whole, however far
// apart they stand, so pieces printed by separate outputs cannot spell a
// secret out with text between them. (It masks that text too: printing
// pieces of a secret is what a template should not do.)
func (b *buffer) flushFragments() {
	b.flushRun()
	if b.fragments > 1 {
		b.x.teach(b.b.String()[b.fragStart:b.fragEnd])
	}
	b.fragments = 0
}

func (b *buffer) len() int { return b.b.Len() }

// since returns the text written from off on.
func (b *buffer) since(off int) string { return b.b.String()[off:] }

// text ends the top buffer and returns what the template printed: the
// sink's text, or the pieces as they are.
func (b *buffer) text() (string, error) {
	b.flushFragments()
	if b.out != nil {
		return b.out.String()
	}
	return b.b.String(), nil
}

// result ends the buffer and returns its text as a value: data where data
// was printed, secret if a secret was.
func (b *buffer) result() value {
	b.flushFragments()
	s := b.b.String()
	v := value{v: s, secret: b.tainted > 0}
	if len(b.spans) > 0 {
		v.org = origin{spans: b.spans}
	}
	return v
}
