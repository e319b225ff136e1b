package shell

import (
	"errors"
	"strings"
)

// ErrUnsafe is the target of errors.Is for every refusal: a value that
// cannot be placed where the template puts it without becoming code or
// changing the shape of the command.
var ErrUnsafe = errors.New("value cannot be placed safely in a shell command")

// Error tells which lexical context refused a value, and why. It never holds
// the value itself: values may be secrets.
type Error struct {
	Context string // where the value stands, e.g. "command position", "inside $(…)"
	Reason  string // why no quoting makes it safe there
}

func (e *Error) Error() string {
	return "shell: value " + e.Context + ": " + e.Reason
}

// Is makes errors.Is(err, ErrUnsafe) true for every *Error.
func (e *Error) Is(target error) bool { return target == ErrUnsafe }

func refuse(context, reason string) *Error { return &Error{Context: context, Reason: reason} }

// Quoter builds one POSIX sh command or script from the author's text and
// interpolated values, in order. It tracks the lexical context the text so
// far leaves the shell in and quotes each value for where it stands. A
// Quoter is for one command; it is not safe for concurrent use.
type Quoter struct {
	out     strings.Builder
	pending strings.Builder // author text not lexed yet: lexed when a value or the end arrives
	stack   []*frame
	hd      *heredoc   // the here-document whose body is being read, if any
	queue   []*heredoc // here-documents whose bodies start after the next newline
	err     error      // the first refusal; sticky, String returns it too
	poison  string     // set when the author's text uses syntax this package does not model: later values are refused
	placed  bool       // a value was placed

	// bash integer variables: `declare -i n` makes a later `n=value`
	// arithmetic, which runs command substitutions inside subscripts.
	intAttr       bool
	assignNonNum  bool
	wordsMustEnd  bool // Words was the last thing placed: the word must end there
	pendDollar    bool // the lexed text ends with an unescaped '$' that starts nothing yet
	pendEscape    bool // the lexed text ends with a '\' that escapes what follows
	nameTail      bool // the lexed text ends inside a $NAME, which a value could extend
	arithPrevWord bool // inside arithmetic, the lexed text ends with a name character, '#' or '.'
}

// NewQuoter returns a Quoter at the start of a script.
func NewQuoter() *Quoter {
	q := &Quoter{}
	q.stack = []*frame{{kind: fCmd, cmd: &cmdFrame{}}}
	return q
}

// Author appends the template author's own text, unchanged.
func (q *Quoter) Author(text string) { q.pending.WriteString(text) }

// Value appends v, quoted so that sh reads exactly v as (part of) the word
// the author placed it in. It returns an *Error (errors.Is ErrUnsafe) when no
// quoting can make v safe where it stands; nothing is appended then, and
// String reports the same error.
func (q *Quoter) Value(v string) error {
	return q.appendPlaced(func() (string, error) { return q.place(v) })
}

// Words appends each of words as a separate, quoted argument (the `shell_words`
// filter): the author's explicit opt-in to word splitting. Each word is
// quoted whole, so no word is globbed, expanded or split again. Words may
// stand only where a whole argument starts and must end the word: between
// blanks in the arguments of a command, or in the list of a `for` loop.
func (q *Quoter) Words(words []string) error {
	return q.appendPlaced(func() (string, error) { return q.placeWords(words) })
}

// appendPlaced lexes the author's text so far, then appends what place
// writes for where it stands; a refusal sticks.
func (q *Quoter) appendPlaced(place func() (string, error)) error {
	if q.err != nil {
		return q.err
	}
	q.flush(true)
	if q.err != nil {
		return q.err
	}
	s, err := place()
	if err != nil {
		q.err = err
		return err
	}
	q.out.WriteString(s)
	q.placed = true
	return nil
}

// String lexes the rest of the author's text and returns the command. It
// returns the first refusal of Value or Words, or an *Error when a value was
// placed and the script ends inside a quote, a substitution or a
// here-document, since sh would then read the value differently than
// quoted or not run the command at all.
func (q *Quoter) String() (string, error) {
	if q.err != nil {
		return "", q.err
	}
	q.flush(false)
	if f := q.top(); q.err == nil && f.kind == fCmd && f.cmd.delim == nil {
		q.endWord(f.cmd) // the end of the script ends the last word and command
		q.finishCommand(f.cmd)
	}
	if q.err != nil {
		return "", q.err
	}
	if q.placed {
		if err := q.checkEnd(); err != nil {
			q.err = err
			return "", err
		}
	}
	return q.out.String(), nil
}

func (q *Quoter) flush(hole bool) {
	seg := q.pending.String()
	q.pending.Reset()
	q.out.WriteString(seg)
	q.lex(seg, hole)
}

// checkEnd reports an open construct at the end of the script.
func (q *Quoter) checkEnd() error {
	if q.intAttr && q.assignNonNum {
		return refuse("in an assignment", "the script declares an integer variable (declare -i): bash evaluates an assignment to it as arithmetic, which runs commands in array subscripts")
	}
	if q.hd != nil {
		if q.hd.endsAtEOF() && q.hd.lineHasValue {
			return refuse("in a here-document", "the value's last line equals the delimiter "+quoteDelim(q.hd.delim)+" and would end the body there")
		}
		if q.hd.endsAtEOF() && len(q.queue) == 0 {
			return nil
		}
		return refuse("in a here-document", "the script ends before the here-document's delimiter line")
	}
	if len(q.queue) > 0 {
		return refuse("in a here-document", "the script ends before the here-document's body")
	}
	if q.pendEscape {
		return refuse("at the end", "the script ends with a backslash")
	}
	for i := len(q.stack) - 1; i >= 0; i-- {
		f := q.stack[i]
		switch f.kind {
		case fComment:
			continue
		case fCmd:
			if i == 0 {
				return nil
			}
		}
		return refuse("at the end", "the script ends inside "+f.describe())
	}
	return nil
}
