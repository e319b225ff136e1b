package shell

import (
	"strconv"
	"strings"
)

// place returns v written for the context the lexed text leaves the
// shell in, or the refusal.
func (q *Quoter) place(v string) (string, error) {
	if err := q.common(v); err != nil {
		return "", err
	}
	f := q.top()
	var s string
	switch f.kind {
	case fCmd:
		c := f.cmd
		if err := q.roleCheck(c, isDecimal(v)); err != nil {
			return "", err
		}
		if c.inWord && c.tilde {
			return "", refuse("after ~", "the value would extend a tilde-prefix and choose whose home directory ~ means")
		}
		s = bareWord(v, c, q.nameTail)
		c.startWord()
		c.plain, c.dynamic, c.hasVal, c.tilde = false, true, true, false
	case fSingle, fDollarSingle, fDouble:
		if err := q.quoteCheck(f, v); err != nil {
			return "", err
		}
		switch f.kind {
		case fSingle:
			s = inSingle(v)
		case fDollarSingle:
			if strings.ContainsAny(v, `\'`) {
				return "", refuse("inside $'…'", "bash reads backslash escapes there and dash reads plain single quotes; a value with \\ or ' cannot be written for both")
			}
			s = v
		default:
			s = escapeDouble(v, false)
		}
		if f.owner != nil {
			f.owner.dynamic, f.owner.hasVal = true, true
		}
	case fParam:
		if err := q.paramWordCheck(f); err != nil {
			return "", err
		}
		if err := q.roleCheckBelow(v); err != nil {
			return "", err
		}
		if f.quoted {
			if q.nameTail && v != "" && isNameByte(v[0]) {
				return "", refuse("right after $NAME", "the value would extend the parameter's name; write ${NAME}")
			}
			if strings.IndexByte(v, '\'') >= 0 {
				return "", refuse("inside ${…} within double quotes", "bash's parser pairs a single quote there with the next one and dash does not; no escape of ' works in both")
			}
			s = escapeDouble(v, true)
		} else {
			s = singleQuote(v)
		}
	case fArith:
		if !isDecimal(v) {
			return "", refuse("in arithmetic", "the shell evaluates the value as an expression (bash runs commands in array subscripts); only a decimal number without leading zeros may stand there")
		}
		if q.arithPrevWord {
			return "", refuse("in arithmetic", "the value would extend a name or a number's base")
		}
		s = v
	case fComment:
		if strings.ContainsAny(v, "\n") {
			return "", refuse("in a comment", "a newline would end the comment and the rest would run as commands")
		}
		s = v
	case fHeredoc:
		if r := f.hd.rec; r != nil {
			if r.done && r.stdinCode {
				return "", refuse("in a here-document for "+r.name, "the command runs its standard input as code (a shell or an interpreter without a script, ssh, sudo, xargs)")
			}
			if r.pipe != nil && r.pipe.codeReader {
				return "", refuse("in a here-document piped into a command", "a later command of the pipeline runs its standard input as code")
			}
			r.stdinValue = true
			if r.pipe != nil {
				r.pipe.values = true
			}
		}
		if f.hd.quoted {
			s = v
		} else {
			if q.nameTail && v != "" && isNameByte(v[0]) {
				return "", refuse("right after $NAME", "the value would extend the parameter's name; write ${NAME}")
			}
			s = escapeHeredoc(v)
		}
	case fBacktick:
		return "", refuse("inside backquotes `…`", "the value would be code")
	default:
		return "", refuse("in "+f.describe(), "not a place for data")
	}
	if q.hd != nil {
		if err := q.heredocValue(s); err != nil {
			return "", err
		}
	}
	return s, nil
}

// common holds the checks every context shares.
func (q *Quoter) common(v string) error {
	if strings.IndexByte(v, 0) >= 0 {
		return refuse("anywhere", "sh cannot carry a NUL byte in an argument")
	}
	if q.poison != "" {
		return refuse("after unsupported syntax", "the script uses "+q.poison+", which this quoter does not follow, so it cannot tell where the value would stand")
	}
	for _, f := range q.stack {
		switch {
		case f.kind == fCmd && f.subst:
			return refuse("inside $(…)", "the value would be code run by the command substitution; pass it in an environment variable")
		case f.kind == fBacktick:
			return refuse("inside backquotes `…`", "the value would be code run by the command substitution; pass it in an environment variable")
		}
	}
	for i := len(q.stack) - 1; i >= 0; i-- {
		if f := q.stack[i]; f.kind == fCmd && f.cmd.delim != nil {
			return refuse("in a here-document delimiter", "the value would choose where the here-document ends")
		}
	}
	if q.wordsMustEnd {
		return refuse("after split words", "a value right after shell_words would join its last word")
	}
	if q.pendEscape {
		return refuse("after a backslash", "the backslash would escape the value's first character, not quote the value")
	}
	if q.pendDollar {
		return refuse("right after $", "the value would become a parameter name or a $'…' string")
	}
	return nil
}

// quoteCheck checks a value inside '…', $'…' or "…": the quote's own
// context (a word in a command, or the word of a ${…}).
func (q *Quoter) quoteCheck(f *frame, v string) error {
	if f.kind == fDouble && q.nameTail && v != "" && isNameByte(v[0]) {
		return refuse("right after $NAME", "the value would extend the parameter's name; write ${NAME}")
	}
	if f.owner != nil {
		return q.roleCheck(f.owner, isDecimal(v))
	}
	// a quote inside ${…} or $((…)) or a here-document's expansion
	below := q.stack[len(q.stack)-2]
	switch {
	case below.kind == fParam && !below.quoted:
		if err := q.paramWordCheck(below); err != nil {
			return err
		}
		return q.roleCheckFrom(len(q.stack)-2, v)
	case below.kind == fParam:
		return refuse("inside quotes inside ${…}", "shells differ on quotes inside ${…} within double quotes, here-documents, names and patterns")
	}
	return refuse("inside quotes inside "+below.describe(), "not a place for data")
}

// paramWordCheck refuses a value in ${…} anywhere but a word that
// expands to the value as written.
func (q *Quoter) paramWordCheck(f *frame) error {
	if f.ps == psOpTwice {
		f.ps = psWord // ${x#VALUE}: the value, quoted, cannot double the operator
	}
	if f.ps != psWord || !f.wordOK {
		return refuse("inside ${…}", "only the word after :- - := = :+ + :? ? (and # ## % %% outside double quotes) may hold data; elsewhere it would be a name, a subscript or arithmetic")
	}
	if f.op == '=' && !f.quoted {
		return refuse("inside ${x=…} or ${x:=…} outside double quotes", "the shell substitutes the assigned variable unquoted, so the value would be split into words and globbed; write \"${x:=…}\"")
	}
	if q.hd != nil {
		return refuse("inside ${…} in a here-document", "shells differ on quoting inside ${…} in a here-document body")
	}
	return nil
}

// codeVariables are variables whose value the shell or common programs run,
// load or search for code: data must not choose them.
var codeVariables = map[string]bool{
	"PS1": true, "PS2": true, "PS3": true, "PS4": true, "PROMPT_COMMAND": true, "ENV": true, "BASH_ENV": true,
	"SHELLOPTS": true, "BASHOPTS": true, "IFS": true, "PATH": true, "CDPATH": true,
	"LD_PRELOAD": true, "LD_LIBRARY_PATH": true, "LD_AUDIT": true,
	"GIT_SSH": true, "GIT_SSH_COMMAND": true, "GIT_EXTERNAL_DIFF": true, "GIT_PAGER": true, "GIT_EDITOR": true, "GIT_ASKPASS": true, "SSH_ASKPASS": true,
	"PAGER": true, "EDITOR": true, "VISUAL": true, "BROWSER": true,
	"PYTHONSTARTUP": true, "PYTHONPATH": true, "PERL5OPT": true, "PERL5LIB": true, "NODE_OPTIONS": true, "RUBYOPT": true,
}

// assignCheck refuses a value assigned to a variable that names code.
func assignCheck(c *cmdFrame) error {
	name, _, _ := strings.Cut(string(c.lit), "=")
	if codeVariables[name] {
		return refuse("in an assignment to "+name, "the shell or the programs it starts read "+name+" as code, a command or where to find them")
	}
	return nil
}

// roleCheckBelow checks the word that the innermost ${…} stands in.
func (q *Quoter) roleCheckBelow(v string) error { return q.roleCheckFrom(len(q.stack)-1, v) }

// roleCheckFrom walks down from the frame at index i to the command frame
// whose word holds it and checks that word's role.
func (q *Quoter) roleCheckFrom(i int, v string) error {
	for j := i - 1; j >= 0; j-- {
		switch f := q.stack[j]; f.kind {
		case fCmd:
			return q.roleCheck(f.cmd, isDecimal(v))
		case fSingle, fDollarSingle, fParam:
			continue
		case fDouble:
			if f.owner != nil {
				return q.roleCheck(f.owner, isDecimal(v))
			}
		case fHeredoc:
			return nil // the body is data
		default:
			return refuse("in "+f.describe(), "not a place for data")
		}
	}
	return nil
}

// roleCheck refuses a value in a word that is not an argument-like word of
// a simple command: a command name, a loop variable, a delimiter.
func (q *Quoter) roleCheck(c *cmdFrame, numeric bool) error {
	role := c.expect
	if c.inWord {
		role = c.role
	}
	switch role {
	case exCmd:
		if c.inWord && c.assign {
			if err := assignCheck(c); err != nil {
				return err
			}
			if !numeric {
				q.assignNonNum = true
				if q.intAttr {
					return refuse("in an assignment", "the script declares an integer variable (declare -i): bash evaluates an assignment to it as arithmetic, which runs commands in array subscripts")
				}
			}
			return nil
		}
		return refuse("in command position", "the value would choose the command to run (the first word of a command, after ; && || | ( { newline then do else and the like)")
	case exArg:
		return q.argCheck(c, numeric)
	case exRedir:
		if c.redirIn {
			c.record().stdinValue = true // checked when the command ends
		}
		return nil
	case exCaseWord, exPattern:
		return nil
	case exHDelim:
		return refuse("in a here-document delimiter", "the value would choose where the here-document ends")
	case exForVar:
		return refuse("as a loop variable", "the value would name the variable a for loop sets")
	case exFuncName:
		return refuse("as a function name", "the value would name a function that later commands run")
	case exForIn, exCaseIn:
		return refuse("where `in` is expected", "the value would stand in place of a reserved word")
	case exPatNext:
		return refuse("after a case pattern", "only | or ) may follow a pattern")
	case exAfterCompound:
		return refuse("after a compound command", "only operators and redirections may follow fi, done, esac, } or )")
	}
	return refuse("in an unknown place", "not a place for data")
}

// bareWord writes v as (part of) an unquoted word. A value of only bytes
// that no shell treats specially anywhere in a word is written as it is, so
// a plain value renders as it did with plain substitution; any other value
// is single-quoted, and an empty value becomes ” (one empty argument).
func bareWord(v string, c *cmdFrame, nameTail bool) string {
	role := c.expect
	if c.inWord {
		role = c.role
	}
	if !nameTail && (role == exArg || role == exRedir || role == exCmd) && isInert(v) {
		return v
	}
	return singleQuote(v)
}

// isInert reports whether v holds only bytes that are literal in any
// unquoted word: letters, digits and _ . / : @ % + = -, and is not empty.
func isInert(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		b := v[i]
		if isNameByte(b) {
			continue
		}
		switch b {
		case '.', '/', ':', '@', '%', '+', '=', '-':
			continue
		}
		return false
	}
	return true
}

// singleQuote writes v as one quoted word: in single quotes, where nothing
// is special, or when v holds a single quote, in double quotes with $ ` " \
// escaped. One quoted run rather than 'it'\”s': bash parses a word of
// many quoted runs in quadratic time (a megabyte of quotes took minutes).
func singleQuote(v string) string {
	if strings.IndexByte(v, '\'') < 0 {
		return "'" + v + "'"
	}
	return `"` + escapeDouble(v, false) + `"`
}

// inSingle writes v inside the author's '…': as it is, or when v holds a
// single quote, by closing the author's quote around v in double quotes.
func inSingle(v string) string {
	if strings.IndexByte(v, '\'') < 0 {
		return v
	}
	return `'"` + escapeDouble(v, false) + `"'`
}

// escapeDouble writes v for the inside of "…": a backslash before each of
// $ ` " \ (and } inside "${x:-…}", where } would end the expansion). A
// backslash before any other byte would stay in the word, so nothing else
// is touched; ! is left alone: history expansion happens only in an
// interactive bash, and there \! keeps its backslash.
func escapeDouble(v string, inParam bool) string {
	var b strings.Builder
	b.Grow(len(v) + 8)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '$', '`', '"', '\\':
			b.WriteByte('\\')
		case '}':
			if inParam {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// escapeHeredoc writes v for an unquoted here-document body, where only
// $ ` \ are special.
func escapeHeredoc(v string) string {
	var b strings.Builder
	b.Grow(len(v) + 8)
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '$', '`', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// heredocValue follows the value's written bytes through the open
// here-document body: no line made with them may be the delimiter, and
// with <<- none of their tabs may stand at a line's start (sh strips them).
func (q *Quoter) heredocValue(s string) error {
	trial := *q.hd
	trial.line = append([]byte(nil), q.hd.line...)
	for i := 0; i < len(s); i++ {
		if trial.strip && trial.atLead && s[i] == '\t' {
			return refuse("in a <<- here-document", "sh strips tabs at the start of each line, so the value's leading tabs would be lost")
		}
		_, byValue := trial.feed(s[i], true)
		if trial.dashDrops {
			return refuse("in a here-document", dashDropReason)
		}
		if byValue {
			return refuse("in a here-document", "a line of the value equals the delimiter "+quoteDelim(q.hd.delim)+" and would end the body there")
		}
	}
	*q.hd = trial
	return nil
}

// dashDropReason explains a refusal that works around a bug of dash 0.5.12
// (Debian 12's /bin/sh): in a here-document body, a byte >= 0x80 right
// after a line's first bytes that begin the delimiter is lost.
const dashDropReason = "dash loses a byte >= 0x80 that follows the first bytes of the delimiter at the start of a line"

// quoteDelim names a delimiter in an error: it is the author's text, not data.
func quoteDelim(d string) string { return strconv.Quote(d) }

// isDecimal reports whether v is a decimal number that arithmetic reads as
// itself: digits without a leading zero (which would make it octal).
func isDecimal(v string) bool {
	if v == "" || len(v) > 18 || len(v) > 1 && v[0] == '0' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// placeWords writes words as separate quoted arguments.
func (q *Quoter) placeWords(words []string) (string, error) {
	for _, w := range words {
		if strings.IndexByte(w, 0) >= 0 {
			return "", refuse("anywhere", "sh cannot carry a NUL byte in an argument")
		}
	}
	if err := q.common(""); err != nil {
		return "", err
	}
	f := q.top()
	if f.kind != fCmd || f.cmd.inWord {
		return "", refuse("for split words", "split words must stand alone as whole arguments, outside quotes and not joined to other text")
	}
	c := f.cmd
	switch c.expect {
	case exArg:
	case exCmd:
		return "", refuse("in command position", "the words would choose the command to run")
	default:
		return "", refuse("for split words", "split words may stand only among a command's arguments or in a for loop's list")
	}
	var b strings.Builder
	for i, w := range words {
		if err := q.argCheck(c, isDecimal(w)); err != nil {
			return "", err
		}
		if i > 0 {
			b.WriteByte(' ')
			q.endWord(c)
		}
		b.WriteString(bareWord(w, c, false))
		c.startWord()
		c.plain, c.dynamic, c.hasVal = false, true, true
	}
	if len(words) > 0 {
		q.wordsMustEnd = true
	}
	return b.String(), nil
}
