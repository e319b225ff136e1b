package shell

import "strings"

// cmdRule says what a command does with its arguments, where that turns
// data into code or into a variable name (which bash evaluates as
// arithmetic in array subscripts, running command substitutions).
type cmdRule struct {
	refuse   string   // every argument is refused, for this reason
	decl     bool     // export, readonly, local, declare, typeset: only NAME=value parts take values
	test     bool     // test, [, [[, printf: the operand of -v names a variable
	arith    bool     // [[: operands of -eq, -lt, … are arithmetic in bash
	shell    bool     // the first operand is a script (a file or, with -c, code)
	codeNext string   // option letters whose argument is code (python -c, perl -e, sed -e, awk -f)
	codeLong []string // long options or words whose argument is code (--eval, find's -exec)
	optArg   string   // option letters that take an argument which is not code (sh -o errexit)
	cOperand string   // option letters that make the first operand code ($SHELL -c)
	program  bool     // awk, sed: the first operand is the program unless an option gave it
}

const (
	whyCode    = "the command runs its arguments as shell code or as a command"
	whyNames   = "the command reads its arguments as variable names, and bash evaluates array subscripts in names as arithmetic, which runs commands"
	whyRemote  = "ssh joins its arguments into one command line that the remote shell parses again"
	whySourced = "the argument names a script that the shell runs"
)

// ruleFor returns the rule of a command name (after quote removal), or nil
// for an ordinary program. "?" stands for a name chosen at run time.
func ruleFor(name string) *cmdRule {
	switch name {
	case "eval", "trap", "alias", "let", "exec", "command", "builtin", "fc",
		"nohup", "env", "xargs", "sudo", "doas", "nice", "timeout", "time", "watch",
		"chroot", "setsid", "stdbuf", "flock", "runuser":
		return &cmdRule{refuse: whyCode}
	case ".", "source":
		return &cmdRule{refuse: whySourced}
	case "ssh":
		return &cmdRule{refuse: whyRemote}
	case "read", "unset", "getopts", "mapfile", "readarray", "wait":
		return &cmdRule{refuse: whyNames}
	case "export", "readonly", "local", "declare", "typeset":
		return &cmdRule{decl: true}
	case "test", "[", "printf":
		return &cmdRule{test: true}
	case "[[":
		return &cmdRule{test: true, arith: true}
	case "find":
		return &cmdRule{codeLong: []string{"-exec", "-execdir", "-ok", "-okdir"}}
	case "su":
		return &cmdRule{codeNext: "c", codeLong: []string{"--command", "--session-command"}}
	case "?":
		return &cmdRule{cOperand: "c"}
	}
	return interpreterRule(name)
}

// interpreterRule covers shells and script interpreters by the base name of
// the program, also when it stands as an argument (sudo sh -c, docker run
// image sh -c, find -exec bash -c): what follows is read by that program.
func interpreterRule(word string) *cmdRule {
	base := word[strings.LastIndexByte(word, '/')+1:]
	switch base {
	case "sh", "bash", "dash", "ksh", "ksh93", "mksh", "pdksh", "zsh", "ash", "yash", "posh", "busybox", "fish", "rbash":
		return &cmdRule{shell: true, optArg: "oO"}
	case "perl", "ruby":
		return &cmdRule{shell: true, codeNext: "eEmMrI"}
	case "node", "nodejs", "deno", "bun":
		return &cmdRule{shell: true, codeNext: "epr", codeLong: []string{"--eval", "--print", "--require", "--import"}}
	case "php":
		return &cmdRule{shell: true, codeNext: "rBRfE"}
	case "awk", "gawk", "mawk", "nawk", "busybox awk":
		return &cmdRule{program: true, codeNext: "fe", optArg: "vF", codeLong: []string{"--source", "--file"}}
	case "sed", "gsed":
		return &cmdRule{program: true, codeNext: "ef", codeLong: []string{"--expression", "--file"}}
	}
	if strings.HasPrefix(base, "python") || strings.HasPrefix(base, "pypy") || base == "lua" || strings.HasPrefix(base, "lua5") || base == "tclsh" || base == "Rscript" {
		return &cmdRule{shell: true, codeNext: "cme"}
	}
	return nil
}

// argWord moves a simple command's state past one argument word.
func (q *Quoter) argWord(c *cmdFrame, word string) {
	r := c.rule
	c.prevArg = word
	if c.dynamic {
		c.prevArg = ""
	}
	if r == nil {
		if ir := interpreterRule(word); ir != nil && !c.dynamic {
			q.rebase(c, ir)
		}
		return
	}
	if r.refuse != "" {
		return
	}
	if c.optArg {
		c.optArg = false
		return
	}
	if c.codeNext {
		// the argument of python -c or find -exec; a program named there
		// brings its own rule (find -exec sh -c …)
		c.codeNext = false
		if ir := interpreterRule(word); ir != nil && !c.dynamic {
			q.rebase(c, ir)
		}
		return
	}
	if c.dynamic {
		q.operand(c, "")
		return
	}
	if word == "--" && !c.endOpts {
		c.endOpts = true
		return
	}
	if r.arith {
		switch word {
		case "-eq", "-ne", "-lt", "-le", "-gt", "-ge":
			c.arithTest = true
			if c.nonNumValue && q.err == nil {
				q.err = refuse("in [[ … ]]", "bash evaluates the operands of "+word+" as arithmetic, which runs commands in array subscripts; only a decimal number may stand there")
			}
		}
	}
	for _, long := range r.codeLong {
		if word == long {
			q.codeFlag(c)
			return
		}
	}
	if strings.HasPrefix(word, "--") && !c.endOpts {
		return // a long option (its argument, if separate, is taken for an operand)
	}
	if len(word) > 1 && (word[0] == '-' || word[0] == '+') && !c.endOpts {
		if r.decl && strings.ContainsAny(word[1:], "aAinf") {
			c.unsafeDecl = true
			if strings.ContainsRune(word[1:], 'i') && word[0] == '-' {
				q.intAttr = true
			}
		}
		for _, l := range word[1:] {
			switch {
			case strings.ContainsRune(r.codeNext, l):
				q.codeFlag(c)
				return // the rest of the word, if any, is the code itself
			case strings.ContainsRune(r.cOperand, l):
				c.codeOperand = true
			case strings.ContainsRune(r.optArg, l):
				c.optArg = true
				return
			}
		}
		return
	}
	q.operand(c, word)
}

// codeFlag handles an option whose argument is code: the argument is
// refused, and the program's operands are data from then on.
func (q *Quoter) codeFlag(c *cmdFrame) {
	c.codeNext, c.codeOperand = true, false
}

// operand moves past a non-option argument: if it was the script or the
// program, the rest are that program's arguments.
func (q *Quoter) operand(c *cmdFrame, word string) {
	c.operand++
	if c.codeOperand && word == "-" && c.rule != nil && c.rule.shell {
		c.stdinScript = true // python - : the script comes from standard input
	}
	if c.codeOperand {
		c.codeOperand = false
		c.rule = &cmdRule{}
	}
}

// rebase makes a later word the program whose rule applies (docker run
// image sh -c …, find -exec bash -c …).
func (q *Quoter) rebase(c *cmdFrame, r *cmdRule) {
	c.rule = r
	c.operand, c.optArg, c.codeNext = 0, false, false
	c.codeOperand = r.shell || r.program
}

// argCheck refuses a value in an argument word where the command would read it as code or a name.
func (q *Quoter) argCheck(c *cmdFrame, numeric bool) error {
	r := c.rule
	if r == nil {
		return nil
	}
	name := c.name
	if name == "?" {
		name = "a command chosen at run time"
	}
	ctx := "in the arguments of " + name
	switch {
	case r.refuse != "":
		return refuse(ctx, r.refuse)
	case c.codeNext || c.codeOperand:
		return refuse(ctx, "the argument is code the program runs (a script, the argument of -c or -e, a program text)")
	case r.decl:
		if c.unsafeDecl {
			return refuse(ctx, "with -a, -A, -i, -n or -f bash reads the value as an array, arithmetic, a variable name or a function")
		}
		if !c.inWord || !c.assign {
			return refuse(ctx, "the value would be a variable name; only the part after NAME= may be data")
		}
		if err := assignCheck(c); err != nil {
			return err
		}
		if !numeric {
			q.assignNonNum = true
			if q.intAttr {
				return refuse(ctx, "the script declares an integer variable (declare -i): bash evaluates an assignment to it as arithmetic, which runs commands in array subscripts")
			}
		}
	case r.test:
		if c.prevArg == "-v" {
			return refuse(ctx, "the operand of -v names a variable, and bash evaluates array subscripts in names as arithmetic, which runs commands")
		}
		if r.arith && !numeric {
			if c.arithTest {
				return refuse("in [[ … ]]", "bash evaluates the operands of -eq, -lt and the like as arithmetic, which runs commands in array subscripts; only a decimal number may stand there")
			}
			c.nonNumValue = true
		}
	}
	return nil
}
