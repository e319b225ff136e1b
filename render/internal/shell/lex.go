package shell

// The lexer follows the author's text byte by byte through a stack of
// frames (command lists, quotes, substitutions, here-documents), as sh's
// own tokenizer would, and keeps just enough of the current word and
// simple command to know what a value placed next would be: a command
// name, an argument, a redirection target, a pattern, code.

type frameKind uint8

const (
	fCmd          frameKind = iota // a command list: the script, ( … ), $( … ), <( … )
	fSingle                        // '…'
	fDollarSingle                  // $'…' (bash, ksh, zsh; dash reads $ and '…')
	fDouble                        // "…"
	fBacktick                      // `…`
	fParam                         // ${…}
	fArith                         // $(( … )), (( … )), $[ … ]
	fComment                       // # … up to the newline
	fHeredoc                       // a here-document body
)

type frame struct {
	kind  frameKind
	cmd   *cmdFrame // fCmd
	subst bool      // fCmd: $( … ), <( … ): what is inside is code whose output becomes data
	owner *cmdFrame // fSingle, fDouble, fDollarSingle: the command frame whose word this quote is part of
	esc   bool      // fDouble, fBacktick, fParam, fArith, fHeredoc: the previous byte was an unescaped backslash

	// fParam
	quoted  bool   // the ${…} stands inside "…" or a here-document body
	ps      pstate // where in ${…} the lexer stands
	op      byte   // the operator's first byte: - = + ? # % (0 if none yet)
	wordOK  bool   // a value may stand in the word after the operator
	subj    int    // fParam: depth of [ … ] in a subscript; fArith: depth of ( or [
	closeBy byte   // fArith: ')' for $(( and ((, ']' for $[

	hd *heredoc // fHeredoc
}

type pstate uint8

const (
	psStart   pstate = iota // right after ${
	psName                  // in the parameter's name
	psColon                 // after ':' following the name
	psOpTwice               // after # or %, which may be doubled
	psWord                  // in the word after the operator
)

func (f *frame) describe() string {
	switch f.kind {
	case fCmd:
		if f.subst {
			return "a command substitution $(…)"
		}
		return "a subshell ( … )"
	case fSingle:
		return "single quotes '…'"
	case fDollarSingle:
		return "$'…' quotes"
	case fDouble:
		return "double quotes \"…\""
	case fBacktick:
		return "backquotes `…`"
	case fParam:
		return "a parameter expansion ${…}"
	case fArith:
		return "an arithmetic expansion $((…))"
	case fComment:
		return "a comment"
	case fHeredoc:
		return "a here-document"
	}
	return "an unknown construct"
}

type expect uint8

const (
	exCmd           expect = iota // a command name, assignment, redirection or reserved word
	exArg                         // an argument
	exRedir                       // the target of a redirection
	exHDelim                      // a here-document's delimiter
	exForVar                      // the variable of for/select
	exForIn                       // `in` or `do` after the variable of for/select
	exCaseWord                    // the word after `case`
	exCaseIn                      // `in` after the case word
	exPattern                     // a case pattern
	exPatNext                     // `|` or `)` after a case pattern
	exAfterCompound               // after `fi`, `done`, `}`, `esac`, `)`: only redirections and operators
	exFuncName                    // the name after `function`
)

const litCap = 64 // enough of a word's text to recognize names, options and reserved words

// cmdFrame follows words and simple commands inside one command list.
type cmdFrame struct {
	closeBy byte // ')' for ( … ) and $( … ); 0 for the script
	expect  expect
	after   expect // what follows a redirection's target
	cases   int    // open case … esac in this list

	// the current word
	inWord  bool
	role    expect // expect when the word started
	plain   bool   // no quoting, expansion or value so far
	dynamic bool   // an expansion or a value: the text is only known at run time
	lit     []byte // the word's text after quote removal, up to litCap bytes
	long    bool   // lit was cut
	assign  bool   // the word starts with NAME= (plain): what follows is an assignment's value
	hasVal  bool   // a value stands in the word
	tilde   bool   // the word is in an unquoted tilde-prefix ~user, which a value would extend
	delim   *delimLexer

	// the current simple command
	name        string // its command name after quote removal; "" before it; "?" when chosen at run time
	rule        *cmdRule
	operand     int  // operands (non-option arguments) seen so far
	optArg      bool // the next argument is an option's argument (sh -o NAME)
	codeNext    bool // the next argument is code (python -c CODE, find -exec CMD)
	codeOperand bool // the next operand is code (sh SCRIPT, sh -c CODE, awk PROGRAM)
	prevArg     string
	afterTime   bool // the previous word was the reserved word time
	endOpts     bool // -- was seen: every later word is an operand
	stdinScript bool // the script operand was -: the program reads it from standard input
	rec         *cmdRecord
	redirIn     bool // the redirection being read feeds standard input (<, <<<, <>, <&)
	unsafeDecl  bool // a declaration builtin with -a -A -i -n: values in it are refused
	arithTest   bool // [[ … ]] with an arithmetic comparison
	nonNumValue bool // a value in this command that is not a decimal number
}

func (c *cmdFrame) resetCommand() {
	c.name, c.rule, c.operand, c.optArg, c.codeNext, c.codeOperand, c.prevArg = "", nil, 0, false, false, false, ""
	c.unsafeDecl, c.arithTest, c.nonNumValue, c.endOpts, c.stdinScript = false, false, false, false, false
	c.rec = nil
}

// cmdRecord follows one simple command until its here-documents are read:
// whether it reads its standard input as code (sh, python, ssh with no
// script), and whether a value reaches that input.
type cmdRecord struct {
	done       bool // the command ended: stdinCode is known
	stdinCode  bool
	stdinValue bool // a value stands in its here-document, here-string or < target
	pipeFed    bool // it stands after | in a pipeline
	name       string
	pipe       *pipeRecord
}

// pipeRecord is shared by the commands of one pipeline: a value in any of
// them may reach a later one that runs its standard input.
type pipeRecord struct {
	codeReader bool // a command after a | runs its standard input as code
	values     bool // a value stands in a here-document of one of them
}

func (c *cmdFrame) record() *cmdRecord {
	if c.rec == nil {
		c.rec = &cmdRecord{}
	}
	return c.rec
}

// finishCommand ends the current simple command: if it reads its standard
// input as code, no value may reach that input.
func (q *Quoter) finishCommand(c *cmdFrame) {
	r := c.rec
	if r == nil || r.done {
		return
	}
	r.done, r.name = true, c.name
	r.stdinCode = c.stdinReadsCode()
	if !r.stdinCode || q.err != nil {
		return
	}
	switch {
	case r.stdinValue:
		q.err = refuse("in the standard input of "+r.name, "the command runs its standard input as code (a shell or an interpreter without a script, ssh, sudo, xargs)")
	case r.pipeFed && (q.placed || r.pipe != nil && r.pipe.values):
		q.err = refuse("before a pipe into "+r.name, "the command runs its standard input as code, and a value placed earlier may reach it through the pipe")
	}
	if r.pipeFed && r.pipe != nil {
		r.pipe.codeReader = true
	}
}

// stdinReadsCode reports whether the command runs its standard input.
func (c *cmdFrame) stdinReadsCode() bool {
	r := c.rule
	switch {
	case c.name == "?":
		// a command chosen at run time may be a shell: with no operand it
		// would read its script from standard input
		return c.operand == 0 || c.codeOperand
	case r == nil:
		return false
	case r.refuse == whyCode || r.refuse == whyRemote:
		return true
	}
	return (r.shell && c.codeOperand) || c.stdinScript
}

func (c *cmdFrame) startWord() {
	if c.inWord {
		return
	}
	c.inWord, c.role, c.plain, c.dynamic = true, c.expect, true, false
	c.lit, c.long, c.assign, c.hasVal = c.lit[:0], false, false, false
	c.tilde = false
}

func (c *cmdFrame) addLit(b byte) {
	if len(c.lit) < litCap {
		c.lit = append(c.lit, b)
	} else {
		c.long = true
	}
}

// quoted marks the word as quoted from here on.
func (c *cmdFrame) quoted() {
	c.startWord()
	c.plain, c.tilde = false, false
}

func (c *cmdFrame) expansion() {
	c.quoted()
	c.dynamic = true
}

func (q *Quoter) top() *frame { return q.stack[len(q.stack)-1] }

func (q *Quoter) push(f *frame) { q.stack = append(q.stack, f) }

func (q *Quoter) pop() {
	if len(q.stack) > 1 {
		q.stack = q.stack[:len(q.stack)-1]
	}
}

func (q *Quoter) setPoison(why string) {
	if q.poison == "" {
		q.poison = why
	}
}

func isNameStart(b byte) bool { return b == '_' || b|0x20 >= 'a' && b|0x20 <= 'z' }
func isNameByte(b byte) bool  { return isNameStart(b) || b >= '0' && b <= '9' }
func isBlank(b byte) bool     { return b == ' ' || b == '\t' }
func isOperator(b byte) bool {
	switch b {
	case ';', '&', '|', '<', '>', '(', ')', '\n', ' ', '\t':
		return true
	}
	return false
}

// lex follows seg, the author's text. hole says a value comes right after
// it (rather than the end of the script).
func (q *Quoter) lex(seg string, hole bool) {
	q.pendDollar, q.pendEscape, q.nameTail, q.arithPrevWord = false, false, false, false
	if q.wordsMustEnd && len(seg) > 0 {
		if f := q.top(); f.kind != fCmd || !isOperator(seg[0]) {
			q.err = refuse("after split words", "the text after shell_words continues the last word; end the word with a blank")
			return
		}
		q.wordsMustEnd = false
	}
	for i := 0; i < len(seg); {
		if q.err != nil {
			return
		}
		c := seg[i]
		if q.hd != nil {
			ended, byValue := q.hd.feed(c, false)
			if q.hd.dashDrops && q.hd.lineHasValue {
				q.err = refuse("in a here-document", dashDropReason)
				return
			}
			if byValue {
				q.err = refuse("in a here-document", "a line made with the value equals the delimiter "+quoteDelim(q.hd.delim)+" and would end the body there")
				return
			}
			if ended {
				q.endHeredoc()
				i++
				continue
			}
		}
		i += q.lexByte(seg, i, hole)
	}
}

// lexByte lexes the construct starting at seg[i] and returns how many bytes
// it took (at least 1).
func (q *Quoter) lexByte(seg string, i int, hole bool) int {
	f := q.top()
	c := seg[i]
	atEnd := i+1 == len(seg)
	switch f.kind {
	case fCmd:
		return q.lexCmd(f.cmd, seg, i, hole)
	case fComment:
		if c == '\n' {
			q.pop()
			return q.lexByte(seg, i, hole) // the newline ends the comment and the command
		}
		return 1
	case fSingle:
		if c == '\'' {
			q.pop()
		} else if f.owner != nil {
			f.owner.addLit(c)
		}
		return 1
	case fDollarSingle:
		if f.esc {
			f.esc = false
		} else if c == '\\' {
			f.esc = true
			if atEnd && hole {
				q.pendEscape = true
			}
		} else if c == '\'' {
			q.pop()
		}
		return 1
	case fDouble:
		if f.esc {
			f.esc = false
			if f.owner != nil && c != '\n' {
				f.owner.addLit(c)
			}
			return 1
		}
		switch c {
		case '\\':
			f.esc = true
			if atEnd && hole {
				q.pendEscape = true
			}
			return 1
		case '"':
			q.pop()
			return 1
		case '`':
			q.markDynamic(f)
			q.push(&frame{kind: fBacktick})
			return 1
		case '$':
			return q.dollar(seg, i, hole, true)
		}
		if f.owner != nil {
			f.owner.addLit(c)
		}
		return 1
	case fBacktick:
		if f.esc {
			f.esc = false
		} else if c == '\\' {
			f.esc = true
		} else if c == '`' {
			q.pop()
		}
		return 1
	case fParam:
		return q.lexParam(f, seg, i, hole)
	case fArith:
		return q.lexArith(f, seg, i, hole)
	case fHeredoc:
		if f.hd.quoted {
			return 1
		}
		if f.esc {
			f.esc = false
			return 1
		}
		switch c {
		case '\\':
			f.esc = true
			if atEnd && hole {
				q.pendEscape = true
			}
		case '`':
			q.push(&frame{kind: fBacktick})
		case '$':
			return q.dollar(seg, i, hole, true)
		}
		return 1
	}
	return 1
}

// markDynamic marks the word a quote frame belongs to as known only at run time.
func (q *Quoter) markDynamic(f *frame) {
	if f.owner != nil {
		f.owner.dynamic = true
	}
}

// dollar lexes a '$' at seg[i]; quoted says it stands in "…", a
// here-document or a quoted ${…}.
func (q *Quoter) dollar(seg string, i int, hole, quoted bool) int {
	f := q.top()
	next := func(k int) byte {
		if i+k < len(seg) {
			return seg[i+k]
		}
		return 0
	}
	if i+1 == len(seg) {
		if hole {
			q.pendDollar = true
		}
		return 1
	}
	switch n := next(1); {
	case n == '(' && next(2) == '(':
		q.dynamicWord(f)
		q.push(&frame{kind: fArith, closeBy: ')'})
		return 3
	case n == '(':
		q.dynamicWord(f)
		q.push(&frame{kind: fCmd, subst: true, cmd: &cmdFrame{closeBy: ')'}})
		return 2
	case n == '[':
		q.dynamicWord(f)
		q.push(&frame{kind: fArith, closeBy: ']'})
		return 2
	case n == '{':
		q.dynamicWord(f)
		q.push(&frame{kind: fParam, quoted: quoted || f.kind == fHeredoc})
		return 2
	case n == '\'' && !quoted:
		q.dynamicWord(f)
		q.push(&frame{kind: fDollarSingle, owner: f.cmd})
		return 2
	case n == '"' && !quoted:
		// bash's locale-translated string: a double-quoted string for us
		q.dynamicWord(f)
		q.push(&frame{kind: fDouble, owner: f.cmd})
		return 2
	case isNameStart(n):
		q.dynamicWord(f)
		k := 2
		for i+k < len(seg) && isNameByte(seg[i+k]) {
			k++
		}
		if i+k == len(seg) && hole {
			q.nameTail = true
		}
		return k
	case n >= '0' && n <= '9' || n == '@' || n == '*' || n == '#' || n == '?' || n == '-' || n == '$' || n == '!':
		q.dynamicWord(f)
		return 2
	}
	// a lone '$' is literal
	if f.kind == fCmd {
		f.cmd.startWord()
		f.cmd.addLit('$')
		f.cmd.plain = false
	} else if f.owner != nil {
		f.owner.addLit('$')
	}
	return 1
}

// dynamicWord marks the word that the current frame's text belongs to as an expansion.
func (q *Quoter) dynamicWord(f *frame) {
	switch f.kind {
	case fCmd:
		f.cmd.expansion()
	case fDouble:
		q.markDynamic(f)
	}
}

func (q *Quoter) lexParam(f *frame, seg string, i int, hole bool) int {
	c := seg[i]
	if f.esc {
		f.esc = false
		return 1
	}
	switch f.ps {
	case psStart:
		f.ps = psName
		if c == '#' || c == '!' {
			// ${#name} length, ${!name} indirection: the name follows
			if i+1 < len(seg) && seg[i+1] == '}' {
				q.pop() // ${#} or ${!}
				return 2
			}
			return 1
		}
		if c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' || c >= '0' && c <= '9' {
			// a special or positional parameter: the operator follows
			return 1
		}
		return q.lexParam(f, seg, i, hole)
	case psName:
		if f.subj > 0 {
			switch c {
			case '[':
				f.subj++
			case ']':
				f.subj--
			case '\\':
				f.esc = true
			case '$':
				return q.dollar(seg, i, hole, true)
			case '`':
				q.push(&frame{kind: fBacktick})
			case '\'', '"':
				q.setPoison("quotes inside an array subscript")
			}
			return 1
		}
		if isNameByte(c) {
			return 1
		}
		switch c {
		case '}':
			q.pop()
		case '[':
			f.subj = 1
		case ':':
			f.ps = psColon
		case '-', '=', '+', '?':
			f.op, f.ps, f.wordOK = c, psWord, true
		case '#', '%':
			f.op, f.ps = c, psOpTwice
			f.wordOK = !f.quoted // a pattern inside "…" is read differently by bash and dash
		default:
			// bash's ${x/a/b}, ${x^}, ${x,}, ${x@Q} and the like: not POSIX
			f.op, f.ps, f.wordOK = c, psWord, false
		}
		return 1
	case psColon:
		switch c {
		case '-', '=', '+', '?':
			f.op, f.ps, f.wordOK = c, psWord, true
			return 1
		}
		// bash's ${x:offset:length}: arithmetic
		f.op, f.ps, f.wordOK = ':', psWord, false
		return q.lexParam(f, seg, i, hole)
	case psOpTwice:
		f.ps = psWord
		if c == f.op {
			return 1
		}
		return q.lexParam(f, seg, i, hole)
	}
	// psWord
	switch c {
	case '}':
		q.pop()
	case '{':
		q.setPoison("an unescaped '{' inside ${…}, which bash and dash pair differently")
	case '\\':
		f.esc = true
		if i+1 == len(seg) && hole {
			q.pendEscape = true
		}
	case '$':
		return q.dollar(seg, i, hole, f.quoted)
	case '`':
		q.push(&frame{kind: fBacktick})
	case '\'':
		if f.quoted {
			// literal inside "${x:-…}" when expanded, yet bash's parser
			// pairs it with the next ' to find the closing }
			q.setPoison("a single quote inside ${…} within double quotes, which bash pairs and dash does not")
			return 1
		}
		q.push(&frame{kind: fSingle})
	case '"':
		q.push(&frame{kind: fDouble})
	}
	return 1
}

func (q *Quoter) lexArith(f *frame, seg string, i int, hole bool) int {
	c := seg[i]
	if i+1 == len(seg) && hole {
		q.arithPrevWord = isNameByte(c) || c == '#' || c == '.'
	}
	if f.esc {
		f.esc = false
		return 1
	}
	open := byte('(')
	if f.closeBy == ']' {
		open = '['
	}
	switch c {
	case '\\':
		f.esc = true
		if i+1 == len(seg) && hole {
			q.pendEscape = true
		}
	case open:
		f.subj++
	case f.closeBy:
		if f.subj > 0 {
			f.subj--
			return 1
		}
		if f.closeBy == ']' {
			q.pop()
			return 1
		}
		if i+1 < len(seg) && seg[i+1] == ')' {
			q.pop()
			if t := q.top(); t.kind == fCmd && t.cmd.expect == exCmd && !t.cmd.inWord {
				t.cmd.expect = exAfterCompound // (( … )) as a command
			}
			return 2
		}
		// $( (…) …): bash re-reads this as a command substitution
		q.setPoison("'$((' or '((' that is not arithmetic")
		q.pop()
		return 1
	case '$':
		return q.dollar(seg, i, hole, true)
	case '`':
		q.push(&frame{kind: fBacktick})
	case '\'':
		q.setPoison("single quotes inside arithmetic")
	case '"':
		q.push(&frame{kind: fDouble})
	}
	return 1
}

// lexCmd lexes at seg[i] inside a command list.
func (q *Quoter) lexCmd(c *cmdFrame, seg string, i int, hole bool) int {
	b := seg[i]
	next := func(k int) byte {
		if i+k < len(seg) {
			return seg[i+k]
		}
		return 0
	}
	if c.delim != nil {
		return q.lexDelim(c, seg, i)
	}
	switch b {
	case ' ', '\t':
		q.endWord(c)
		return 1
	case '\n':
		q.endWord(c)
		q.newline(c)
		return 1
	case ';':
		q.endWord(c)
		n := 1
		caseEnd := false
		switch next(1) {
		case ';':
			n, caseEnd = 2, true
			if next(2) == '&' {
				n = 3
			}
		case '&', '|':
			n, caseEnd = 2, true
		}
		q.finishCommand(c)
		if caseEnd {
			if c.cases == 0 {
				q.setPoison("';;' outside case")
			}
			c.expect = exPattern
		} else {
			c.expect = exCmd
		}
		c.resetCommand()
		return n
	case '&':
		q.endWord(c)
		if next(1) == '>' {
			// bash's &> and &>>
			n := 2
			if next(2) == '>' {
				n = 3
			}
			q.redirect(c, exRedir)
			return n
		}
		q.finishCommand(c)
		c.expect = exCmd
		c.resetCommand()
		if next(1) == '&' {
			return 2
		}
		return 1
	case '|':
		q.endWord(c)
		if c.expect == exPatNext {
			c.expect = exPattern
			return 1
		}
		q.finishCommand(c)
		pipe := c.record().pipe
		if pipe == nil {
			pipe = &pipeRecord{}
			c.rec.pipe = pipe
		}
		c.expect = exCmd
		c.resetCommand()
		if next(1) == '|' {
			return 2
		}
		c.record().pipeFed = true
		c.rec.pipe = pipe
		if next(1) == '&' {
			return 2
		}
		return 1
	case '<', '>':
		if next(1) == '(' {
			// process substitution <( … ) >( … ): a word
			c.expansion()
			q.push(&frame{kind: fCmd, subst: true, cmd: &cmdFrame{closeBy: ')'}})
			return 2
		}
		if c.inWord && c.plain && !c.long && (isDigits(c.lit) || isBraceName(c.lit)) {
			c.inWord = false // an IO number 2> or bash's {fd}>: part of the operator
		} else {
			q.endWord(c)
		}
		n := 1
		kind := exRedir
		c.redirIn = b == '<'
		switch {
		case b == '<' && next(1) == '<' && next(2) == '<':
			n = 3
		case b == '<' && next(1) == '<' && next(2) == '-':
			n, kind = 3, exHDelim
			q.startHeredoc(c, true)
		case b == '<' && next(1) == '<':
			n, kind = 2, exHDelim
			q.startHeredoc(c, false)
		case next(1) == '&' || next(1) == '>' || b == '>' && next(1) == '|' || b == '<' && next(1) == '>':
			n = 2
		}
		if kind == exRedir {
			q.redirect(c, exRedir)
		}
		return n
	case '(':
		if c.inWord && c.role == exCmd && c.plain && !c.assign {
			q.endWord(c) // name(): the name is a command word until the parentheses show a function definition
		}
		if c.inWord {
			q.setPoison("'(' inside a word (bash arrays or extended globs)")
			return 1
		}
		// name() or name () { …; }: a function definition
		k := 1
		for i+k < len(seg) && isBlank(seg[i+k]) {
			k++
		}
		if i+k < len(seg) && seg[i+k] == ')' && (c.expect == exCmd || c.expect == exArg && c.operand == 0 && c.name != "") {
			c.expect = exCmd
			c.resetCommand()
			return k + 1
		}
		switch c.expect {
		case exCmd:
			if next(1) == '(' {
				q.push(&frame{kind: fArith, closeBy: ')'})
				return 2
			}
			q.push(&frame{kind: fCmd, cmd: &cmdFrame{closeBy: ')'}})
			return 1
		case exPattern:
			return 1 // the optional '(' before a case pattern
		case exForVar:
			if next(1) == '(' {
				c.expect = exForIn
				q.push(&frame{kind: fArith, closeBy: ')'})
				return 2
			}
		}
		q.setPoison("'(' where no subshell can start")
		return 1
	case ')':
		q.endWord(c)
		if c.expect == exPatNext {
			c.expect = exCmd
			c.resetCommand()
			return 1
		}
		q.finishCommand(c)
		if c.closeBy == ')' {
			if q.hd == nil && len(q.queue) > 0 {
				q.setPoison("a here-document inside ( … ) or $( … ) on one line")
			}
			sub := q.top().subst
			q.pop()
			if p := q.top(); p.kind == fCmd && !sub {
				p.cmd.expect = exAfterCompound
			}
			return 1
		}
		q.setPoison("an unmatched ')'")
		return 1
	case '#':
		if !c.inWord {
			q.endWord(c)
			q.push(&frame{kind: fComment})
			return 1
		}
	case '\\':
		if next(1) == '\n' {
			return 2 // a line continuation joins the lines
		}
		c.quoted()
		if i+1 == len(seg) {
			if hole {
				q.pendEscape = true
			}
			return 1
		}
		c.addLit(seg[i+1])
		return 2
	case '\'':
		c.quoted()
		q.push(&frame{kind: fSingle, owner: c})
		return 1
	case '"':
		c.quoted()
		q.push(&frame{kind: fDouble, owner: c})
		return 1
	case '`':
		c.expansion()
		q.push(&frame{kind: fBacktick})
		return 1
	case '$':
		return q.dollar(seg, i, hole, false)
	}
	// an ordinary byte of a word
	wasIn := c.inWord
	c.startWord()
	if !wasIn && b == '~' {
		c.tilde = true
	}
	if c.tilde && b == '/' {
		c.tilde = false
	}
	if c.plain && b == '=' && !c.assign && isName(c.lit) {
		c.assign = true
	}
	if c.assign && c.plain && (b == '=' || b == ':') && next(1) == '~' {
		c.tilde = true // tilde expansion after = and : in an assignment
	}
	if b == '+' && c.plain && next(1) == '=' && isName(c.lit) {
		c.addLit(b) // bash's NAME+=value
		c.lit = c.lit[:len(c.lit)-1]
		return 1
	}
	c.addLit(b)
	return 1
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func isName(b []byte) bool {
	if len(b) == 0 || !isNameStart(b[0]) {
		return false
	}
	for _, c := range b {
		if !isNameByte(c) {
			return false
		}
	}
	return true
}

func isBraceName(b []byte) bool {
	return len(b) > 2 && b[0] == '{' && b[len(b)-1] == '}' && isName(b[1:len(b)-1])
}

func (q *Quoter) redirect(c *cmdFrame, kind expect) {
	if c.expect != exRedir && c.expect != exHDelim {
		c.after = c.expect
	}
	if c.expect == exPattern || c.expect == exPatNext || c.expect == exCaseIn || c.expect == exForIn || c.expect == exForVar || c.expect == exCaseWord || c.expect == exFuncName {
		q.setPoison("a redirection where the grammar expects none")
	}
	c.expect = kind
}

func (q *Quoter) newline(c *cmdFrame) {
	switch c.expect {
	case exPattern, exCaseIn, exForIn:
		// newlines are allowed before case patterns, `in` and `do`
	case exRedir, exHDelim, exForVar, exCaseWord, exPatNext, exFuncName:
		q.setPoison("a newline where the grammar expects a word")
		c.expect = exCmd
		c.resetCommand()
	default:
		if c.name == "" && c.rec != nil && c.rec.pipeFed && !c.rec.done {
			break // a newline after |: the pipeline goes on
		}
		q.finishCommand(c)
		c.expect = exCmd
		c.resetCommand()
	}
	if len(q.queue) > 0 && q.hd == nil {
		q.nextHeredoc()
	}
}

// endWord finishes the current word, if any, and moves the grammar on.
func (q *Quoter) endWord(c *cmdFrame) {
	if !c.inWord {
		return
	}
	c.inWord = false
	word := string(c.lit)
	if c.long {
		word += "\x00" // too long to be any name this package looks for
	}
	reserved := c.plain && !c.long
	switch c.role {
	case exCmd:
		if reserved {
			switch word {
			case "if", "then", "else", "elif", "while", "until", "do", "{", "!", "time":
				c.expect = exCmd
				c.resetCommand()
				c.afterTime = word == "time"
				return
			case "-p":
				if c.afterTime { // bash's time -p: the command follows
					c.afterTime = false
					return
				}
			case "fi", "done", "}":
				c.expect = exAfterCompound
				c.resetCommand()
				return
			case "esac":
				if c.cases > 0 {
					c.cases--
				}
				c.expect = exAfterCompound
				c.resetCommand()
				return
			case "for", "select":
				c.expect = exForVar
				return
			case "case":
				c.expect = exCaseWord
				return
			case "function":
				c.expect = exFuncName
				return
			case "coproc", "[[", "]]":
				if word == "coproc" {
					q.setPoison("bash's coproc")
				}
			}
		}
		c.afterTime = false
		if c.assign {
			return // an assignment keeps the command position
		}
		if reserved && word == "alias" {
			q.setPoison("alias, which can make a later word run as another command")
		}
		c.expect = exArg
		if c.dynamic || c.long {
			c.name = "?"
		} else {
			c.name = word
		}
		c.rule = ruleFor(c.name)
		if c.rule != nil {
			q.rebase(c, c.rule) // sh's first operand is a script, awk's the program
		}
	case exArg:
		q.argWord(c, word)
	case exRedir, exHDelim:
		c.expect = c.after
	case exForVar:
		c.expect = exForIn
	case exForIn:
		switch {
		case reserved && word == "in":
			c.expect = exArg
			c.name, c.rule = "for", nil
		case reserved && word == "do":
			c.expect = exCmd
			c.resetCommand()
		default:
			q.setPoison("a for loop without in or do")
		}
	case exCaseWord:
		c.expect = exCaseIn
	case exCaseIn:
		if reserved && word == "in" {
			c.expect = exPattern
			c.cases++
		} else {
			q.setPoison("a case without in")
		}
	case exPattern:
		if reserved && word == "esac" {
			if c.cases > 0 {
				c.cases--
			}
			c.expect = exAfterCompound
			c.resetCommand()
			return
		}
		c.expect = exPatNext
	case exFuncName:
		c.expect = exCmd
	case exAfterCompound, exPatNext:
		q.setPoison("a word where the grammar expects an operator")
	}
}

// startHeredoc begins reading the delimiter word after << or <<-.
func (q *Quoter) startHeredoc(c *cmdFrame, strip bool) {
	q.redirect(c, exHDelim)
	if q.hd != nil {
		q.setPoison("a here-document inside a here-document's body")
	}
	c.delim = &delimLexer{strip: strip, start: true, rec: c.record()}
}

// delimLexer reads a here-document's delimiter word, with quote removal.
type delimLexer struct {
	strip, start  bool
	quote         byte // '\'' or '"' while inside quotes
	esc, quoted   bool
	text          []byte
	expansionSeen bool
	rec           *cmdRecord
}

func (q *Quoter) lexDelim(c *cmdFrame, seg string, i int) int {
	d := c.delim
	b := seg[i]
	if d.start {
		if isBlank(b) {
			return 1
		}
		d.start = false
	}
	switch {
	case d.esc:
		d.esc = false
		d.text = append(d.text, b)
	case d.quote != 0:
		if b == d.quote {
			d.quote = 0
		} else if d.quote == '"' && b == '\\' {
			d.esc = true
		} else {
			d.text = append(d.text, b)
		}
	case b == '\\':
		d.esc, d.quoted = true, true
	case b == '\'' || b == '"':
		d.quote, d.quoted = b, true
	case isOperator(b):
		c.delim = nil
		if len(d.text) == 0 && !d.quoted {
			q.setPoison("a here-document without a delimiter")
		} else {
			q.queue = append(q.queue, &heredoc{delim: string(d.text), quoted: d.quoted, strip: d.strip, atLead: true, rec: d.rec})
		}
		if d.expansionSeen {
			q.setPoison("a here-document delimiter with $ or `")
		}
		c.expect = c.after
		return 0 // the operator is lexed again as an operator
	default:
		if b == '$' || b == '`' {
			d.expansionSeen = true
		}
		d.text = append(d.text, b)
	}
	return 1
}

// nextHeredoc starts the body of the first queued here-document.
func (q *Quoter) nextHeredoc() {
	h := q.queue[0]
	q.queue = q.queue[1:]
	q.hd = h
	h.depth = len(q.stack)
	q.push(&frame{kind: fHeredoc, hd: h})
}

func (q *Quoter) endHeredoc() {
	h := q.hd
	if len(q.stack) > h.depth+1 {
		q.setPoison("a here-document's delimiter line inside a substitution")
	}
	q.stack = q.stack[:h.depth]
	q.hd = nil
	if len(q.queue) > 0 {
		q.nextHeredoc()
	}
}

// heredoc follows the lines of a here-document body to find its end: the
// first line equal to the delimiter (after leading tabs for <<-).
type heredoc struct {
	delim        string
	quoted       bool // the delimiter was quoted: the body is literal
	strip        bool // <<-: leading tabs are removed from each line
	depth        int  // stack length below the body's frame
	line         []byte
	over         bool // the line is longer than the delimiter
	atLead       bool // still in the line's leading tabs
	esc          bool // unquoted body: the previous byte was a backslash
	lineHasValue bool
	dashDrops    bool       // the line has a byte that dash would drop
	rec          *cmdRecord // the command whose standard input the body is
}

// feed follows one byte of the body; it reports whether the byte is the
// newline that ends the delimiter line, and whether that line holds bytes of
// a value (fromValue marks a value's bytes).
func (h *heredoc) feed(b byte, fromValue bool) (ended, byValue bool) {
	if fromValue {
		h.lineHasValue = true
	}
	if b == '\n' {
		if h.esc && !h.quoted {
			// a line continuation: the next line joins this one
			h.esc = false
			if n := len(h.line); n > 0 && !h.over {
				h.line = h.line[:n-1]
			}
			return false, false
		}
		ended = h.endsAtEOF()
		byValue = ended && h.lineHasValue
		h.line, h.over, h.atLead, h.esc, h.lineHasValue, h.dashDrops = h.line[:0], false, true, false, false, false
		return ended, byValue
	}
	if h.atLead && h.strip && b == '\t' {
		return false, false
	}
	h.atLead = false
	if b >= 0x80 && !h.over && len(h.line) > 0 && len(h.line) <= len(h.delim) && string(h.line) == h.delim[:len(h.line)] {
		// dash 0.5.12 drops a byte >= 0x80 that follows the start of the
		// delimiter at a line's start (E\xc6 reads as E under <<EOF)
		h.dashDrops = true
	}
	if !h.quoted {
		h.esc = b == '\\' && !h.esc
	}
	if len(h.line) <= len(h.delim) {
		h.line = append(h.line, b)
	} else {
		h.over = true
	}
	return false, false
}

// endsAtEOF reports whether the current line is the delimiter.
func (h *heredoc) endsAtEOF() bool {
	return !h.over && string(h.line) == h.delim
}
