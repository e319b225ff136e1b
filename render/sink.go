package render

import (
	"strings"
)

// sink is where the evaluator writes what a template prints, one piece at
// a time: text the author wrote, or a value with the place that printed
// it. Every output of the evaluator goes through this interface, so a
// context that treats the two differently (a shell command quoting values
// for where they stand) replaces one type.
type sink interface {
	author(text string) error
	value(v value, at place) error
}

// place is where a printed value comes from: the offset of the construct
// in the template (its line and column: compiled.lines), and the variable
// it reads, when it reads one ("input.env"), for messages.
type place struct {
	off  int
	name string
}

// buffer is the sink the evaluator uses: it keeps the text, which of its
// bytes are data (so that a block's or a macro's text keeps the origin of
// what was printed into it), counts every byte against WithMaxOutput, and
// teaches the Secrets set what derives from secrets: each tainted piece,
// and each run of tainted pieces with little text between them, so that
// pieces cut from a secret cannot spell it out one at a time.
type buffer struct {
	x     *execution
	b     strings.Builder
	spans []span // data, in order

	tainted          int // tainted pieces written so far
	runStart, runEnd int // the current run of tainted pieces, or runEnd < 0
	runPieces        int
}

// runGap is how many bytes of other text may stand between two tainted
// pieces of one run.
const runGap = 8

func newBuffer(x *execution) *buffer { return &buffer{x: x, runEnd: -1} }

func (b *buffer) author(s string) error {
	if err := b.x.count(len(s)); err != nil {
		return err
	}
	b.b.WriteString(s)
	return nil
}

func (b *buffer) value(v value, _ place) error {
	s := textOf(v.v)
	if err := b.x.count(len(s)); err != nil {
		return err
	}
	start := b.b.Len()
	b.b.WriteString(s)
	b.spans = v.org.appendShifted(b.spans, start, len(s))
	if v.secret {
		b.x.derive(v.v, s)
		b.tainted++
		b.extendRun(start, b.b.Len())
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

func (b *buffer) len() int { return b.b.Len() }

// since returns the text written from off on.
func (b *buffer) since(off int) string { return b.b.String()[off:] }

// result ends the buffer and returns its text as a value: data where data
// was printed, secret if a secret was.
func (b *buffer) result() value {
	b.flushRun()
	s := b.b.String()
	v := value{v: s, secret: b.tainted > 0}
	if len(b.spans) > 0 {
		v.org = origin{spans: b.spans}
	}
	return v
}
